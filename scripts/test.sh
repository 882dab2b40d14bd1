#!/usr/bin/env bash
# README's second command (and what CI runs): install, build with warnings as
# errors, and run every test; then the same tests under ASan + UBSan
# (scripts/sanitize.sh, build-asan/) and every fuzz harness for a bounded time
# (scripts/fuzz.sh, FUZZ_SECONDS each, 60 by default). SEAM_QUICK=1 stops after
# the normal tests. Tests that need ../shared skip themselves when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
phase() {  # phase NAME COMMAND...: runs it and says how long it took
  local name="$1" start=$SECONDS
  shift
  "$@"
  echo "== test.sh: $name took $((SECONDS - start)) s"
}
phase install-deps bash scripts/install-deps.sh
phase configure cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEAM_WERROR=ON
phase build cmake --build build -j2
phase tests ctest --test-dir build --output-on-failure
[ "${SEAM_QUICK:-0}" = 1 ] && exit 0
phase sanitizers bash scripts/sanitize.sh
phase fuzzing bash scripts/fuzz.sh
