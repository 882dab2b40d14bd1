#!/usr/bin/env bash
# How many entries (Markdown checkboxes) the checklists of a set of threads
# hold in all: the measure of checklist length (issue 15).
#   tests/classify/count-checklist-entries.sh SEAM [THREADS_DIR]
# (default: ../shared/corpus/threads next to the worktree).
set -euo pipefail
SEAM=${1:?usage: count-checklist-entries.sh SEAM [THREADS_DIR]}
THREADS=${2:-$(cd "$(dirname "$0")/../.." && pwd)/../shared/corpus/threads}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$SEAM" --db "$work/c.db" ingest "$THREADS"/*.mbox >/dev/null
total=0
for id in $("$SEAM" --db "$work/c.db" series --json | grep -o '"id": *"[0-9a-f]*"' | grep -o '[0-9a-f]*"$' | tr -d '"'); do
  for v in $("$SEAM" --db "$work/c.db" show --json "$id" | grep -o '"version": [0-9]*' | grep -o '[0-9]*$'); do
    n=$("$SEAM" --db "$work/c.db" checklist "$id" --version "$v" 2>/dev/null | grep -c '^- \[ \] ' || true)
    printf '%s v%s %s\n' "$id" "$v" "$n"
    total=$((total + n))
  done
done
echo "entries in all: $total"
