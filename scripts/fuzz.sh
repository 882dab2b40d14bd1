#!/usr/bin/env bash
# Runs every libFuzzer harness of tests/fuzz/ (or the TARGETs named) for a
# bounded time each, two at a time, from seed corpora made of the fixtures in
# tests/data/. Fails when any harness finds a crash, a sanitizer report, a
# timeout, or a broken promise; the input that did it is printed and kept in
# build-asan/fuzz/<target>/ (add it to tests/data/fuzz/<target>/ with the fix).
#
#   bash scripts/fuzz.sh [TARGET...]     FUZZ_SECONDS=60 (each), FUZZ_JOBS=2,
#                                        FUZZ_NO_BUILD=1 (use the harnesses built)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${FUZZ_SECONDS:-60}"
JOBS="${FUZZ_JOBS:-2}"
ALL_TARGETS=(message subject mbox mailinfo trailers hunks rust)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")

[ "${FUZZ_NO_BUILD:-0}" = 1 ] || bash scripts/sanitize.sh --build-only
OUT=build-asan/fuzz
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# --- Seeds, from the repository's own fixtures -----------------------------
# Every fixture file whole, each message of each mbox on its own, and for the
# subject target the Subject values. Named by content hash, so rebuilding the
# seeds is idempotent.
put() {  # put DIR < bytes
  local tmp
  tmp="$(mktemp "$1/.new.XXXXXX")"
  cat >"$tmp"
  mv "$tmp" "$1/$(sha1sum "$tmp" | cut -c1-40)"
}
rm -rf "$OUT/messages" && mkdir -p "$OUT/messages"
while IFS= read -r -d '' f; do
  put "$OUT/messages" <"$f"
  if head -c5 "$f" | grep -q '^From '; then  # an mbox: one seed per message
    awk -v dir="$OUT/messages" '
      /^From / { if (out) close(out); out = sprintf("%s/.split.%d", dir, ++n) }
      out { print > out }' "$f"
    for m in "$OUT"/messages/.split.*; do put "$OUT/messages" <"$m"; rm -f "$m"; done
  fi
done < <(find tests/data -type f ! -path 'tests/data/fuzz/*' -print0)

for t in "${TARGETS[@]}"; do
  seeds="$OUT/$t/seeds"
  rm -rf "$seeds" && mkdir -p "$seeds" "$OUT/$t/corpus"
  case "$t" in
    subject)
      cat "$OUT"/messages/* | grep -a '^Subject: ' | cut -c10- | sort -u | while IFS= read -r s; do
        printf '%s' "$s" | put "$seeds"
      done ;;
    mailinfo)  # the first byte picks the options: 0 is git mailinfo's defaults
      for m in "$OUT"/messages/*; do { printf '\0'; cat "$m"; } | put "$seeds"; done ;;
    *)
      cp "$OUT"/messages/* "$seeds"/ ;;
  esac
  if [ -d "tests/data/fuzz/$t" ]; then cp "tests/data/fuzz/$t"/* "$seeds"/; fi
done

# --- Fuzzing ---------------------------------------------------------------
run_one() {
  local t="$1" dir="$OUT/$1"
  rm -f "$dir/rc" "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* "$dir"/slow-unit-*
  # The first corpus folder gets what the run finds; the seeds are only read.
  "build-asan/tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$dir/" \
    "$dir/corpus" "$dir/seeds" >"$dir/log" 2>&1 && echo 0 >"$dir/rc" || echo $? >"$dir/rc"
}

status=0
for t in "${TARGETS[@]}"; do
  [ -x "build-asan/tests/fuzz/fuzz_$t" ] || { echo "fuzz.sh: no harness fuzz_$t" >&2; exit 2; }
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  run_one "$t" &
done
wait
for t in "${TARGETS[@]}"; do
  rc="$(cat "$OUT/$t/rc" 2>/dev/null || echo 99)"
  runs="$(grep -a 'stat::number_of_executed_units' "$OUT/$t/log" | awk '{print $2}' | tail -1 || true)"
  secs="$(grep -a '^Done ' "$OUT/$t/log" | sed -E 's/.* in ([0-9]+) second.*/\1/' | tail -1 || true)"
  inputs="$(find "$OUT/$t/corpus" "$OUT/$t/seeds" -type f | wc -l)"
  if [ "$rc" -eq 0 ]; then
    echo "fuzz_$t: ok, ${runs:-?} runs in ${secs:-?} s, corpus ${inputs} inputs"
  else
    status=1
    echo "fuzz_$t: FAILED (exit $rc) after ${runs:-?} runs; log: $OUT/$t/log"
    grep -a -E '^(==[0-9]+==ERROR|SUMMARY|seam fuzz target|.*runtime error:)' "$OUT/$t/log" | head -5 || true
    ls "$OUT/$t"/crash-* "$OUT/$t"/leak-* "$OUT/$t"/timeout-* "$OUT/$t"/oom-* 2>/dev/null | sed 's/^/  input: /' || true
  fi
done
exit $status
