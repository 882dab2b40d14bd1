#!/usr/bin/env bash
# README's first command: install, build, and run seam's main job on the
# sample series that ships in tests/data/sample/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSEAM_WERROR=OFF
cmake --build build -j2 --target seam   # only what the demo runs (the tests take far longer)
db=$(mktemp -d)/seam.db
build/cli/seam --db "$db" ingest tests/data/sample/rust-counter-v2.mbox
build/cli/seam --db "$db" list
build/cli/seam --db "$db" series
# seam's main job: the review checklist of the series (any of its message-ids works).
build/cli/seam --db "$db" checklist 20251103-counter-v2-0-ada@example.org --format text
