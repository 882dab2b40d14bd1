#!/usr/bin/env bash
# README's second command (and what CI runs): install, build with warnings as
# errors, and run every test; then the same tests under ASan + UBSan
# (scripts/sanitize.sh, build-asan/) and every fuzz harness for a bounded time
# (scripts/fuzz.sh, FUZZ_SECONDS each, 60 by default). SEAM_QUICK=1 stops after
# the normal tests. Tests that need ../shared skip themselves when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEAM_WERROR=ON
cmake --build build -j2
ctest --test-dir build --output-on-failure
[ "${SEAM_QUICK:-0}" = 1 ] && exit 0
bash scripts/sanitize.sh
bash scripts/fuzz.sh
