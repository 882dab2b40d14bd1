#!/usr/bin/env bash
# The sanitizer build: seam, its whole test suite and the libFuzzer harnesses
# built with clang-14 and -fsanitize=address,undefined (plus libFuzzer's
# coverage) in build-asan/, then every test run under ASan + UBSan, halting on
# the first error (leaks included). `--build-only` stops after the build
# (scripts/fuzz.sh uses it). Needs clang-14 and libclang-rt-14-dev
# (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
CC_BIN="${SEAM_SAN_CC:-clang-14}"
CXX_BIN="${SEAM_SAN_CXX:-clang++-14}"
JOBS="${SEAM_JOBS:-2}"

# -O1: the usual trade between a readable ASan report, build time and speed.
# Debug keeps assert() on (RelWithDebInfo would define NDEBUG).
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS=-O1 -DCMAKE_CXX_FLAGS=-O1 \
  -DCMAKE_C_COMPILER="$CC_BIN" -DCMAKE_CXX_COMPILER="$CXX_BIN" -DSEAM_FUZZ=ON >/dev/null
cmake --build build-asan -j"$JOBS" --target seam seam_tests fuzzers
[ "${1:-}" = "--build-only" ] && exit 0

# halt_on_error: the first report fails the run (UBSan is built with
# -fno-sanitize-recover=all as well). The variables reach the seam binary the
# CLI tests start.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
ctest --test-dir build-asan --output-on-failure
