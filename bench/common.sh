# Shared helpers for bench/ scripts (sourced, not run).
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=${SEAM_SHARED_DIR:-$BENCH_ROOT/../shared}
BUILD=${SEAM_BUILD_DIR:-$BENCH_ROOT/build}
SEAM=$BUILD/cli/seam
RUNS=${RUNS:-3}

ensure_built() {
  if [ ! -x "$SEAM" ]; then
    cmake -S "$BENCH_ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j2 --target seam >/dev/null
  fi
}

# measure VAR_SECONDS VAR_KB [VAR_CPU] -- command...: best wall time of $RUNS
# runs, the peak RSS of that run and (when VAR_CPU is given) its CPU time
# (user + system seconds), via GNU time.
measure() {
  local __t=$1 __m=$2 __c=""
  shift 2
  if [ "$1" != "--" ]; then __c=$1; shift; fi
  shift
  local best="" best_kb="" best_cpu="" out
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "${TMPDIR:-/tmp}/seam-bench-time.$$" -f '%e %M %U %S' "$@" >/dev/null 2>&1 || true  # time, not judge
    out=$(tail -n 1 "${TMPDIR:-/tmp}/seam-bench-time.$$")
    local t kb u s
    read -r t kb u s <<<"$out"
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$t; best_kb=$kb; best_cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%.2f", u+s}')
    fi
  done
  rm -f "${TMPDIR:-/tmp}/seam-bench-time.$$"
  printf -v "$__t" '%s' "$best"
  printf -v "$__m" '%s' "$best_kb"
  if [ -n "$__c" ]; then printf -v "$__c" '%s' "$best_cpu"; fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b==0) print "inf"; else printf "%.2f", a/b }'; }
