#!/usr/bin/env bash
# README's second command (and what CI runs): install, build with warnings as
# errors, and run every test. Tests that need ../shared skip themselves when
# it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSEAM_WERROR=ON
cmake --build build -j2
ctest --test-dir build --output-on-failure
