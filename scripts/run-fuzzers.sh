#!/usr/bin/env bash
# Runs the libFuzzer targets of a LATCHKEY_FUZZ build (tests/fuzz), one after the other on one
# core, and prints one summary table: executions, exec/s, coverage (cov, ft), corpus size.
#
#   scripts/run-fuzzers.sh SECONDS [TARGET...]     each target for SECONDS (0: no time bound)
#
# Environment: FUZZ_BUILD_DIR (build-fuzz), FUZZ_RUNS (a bound on executions per target, e.g.
# 10000000 for the long run), FUZZ_MAX_LEN (4096), FUZZ_TARGETS (names, instead of arguments).
# Each target reads its committed corpus (tests/fuzz/corpus/NAME, never written to) and a
# scratch corpus (BUILD/fuzz-work/NAME/corpus) where new inputs go; its log is
# BUILD/fuzz-work/NAME/log.txt. A crash, leak, timeout or failed property keeps the input under
# BUILD/fuzz-work/NAME/crashes/, prints its path and makes the script exit 1.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${1:-60}
shift || true
max_len=${FUZZ_MAX_LEN:-4096}
targets=("$@")
if [ ${#targets[@]} -eq 0 ] && [ -n "${FUZZ_TARGETS:-}" ]; then read -r -a targets <<<"$FUZZ_TARGETS"; fi
if [ ${#targets[@]} -eq 0 ]; then
  for bin in "$build"/fuzz/fuzz_*; do targets+=("$(basename "$bin" | sed 's/^fuzz_//')"); done
fi
if [ ! -x "$build/fuzz/fuzz_${targets[0]}" ]; then
  echo "run-fuzzers: no fuzz targets in $build/fuzz (build them with \`make fuzz-build\`)" >&2
  exit 2
fi

# Targets that write files do it in a scratch directory under TMPDIR: memory when there is some.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

rows=()
failed=()
for name in "${targets[@]}"; do
  bin="$build/fuzz/fuzz_$name"
  work="$build/fuzz-work/$name"
  mkdir -p "$work/corpus" "$work/crashes"
  args=(-print_final_stats=1 -max_len="$max_len" -timeout=10 -rss_limit_mb=2048
        -artifact_prefix="$work/crashes/" -max_total_time="$seconds")
  [ -n "${FUZZ_RUNS:-}" ] && args+=(-runs="$FUZZ_RUNS")
  [ -f "$root/tests/fuzz/dict/$name.dict" ] && args+=(-dict="$root/tests/fuzz/dict/$name.dict")
  echo "== fuzz_$name (${seconds}s${FUZZ_RUNS:+, at most $FUZZ_RUNS runs})"
  start=$(date +%s)
  # The scratch corpus first: libFuzzer writes new inputs only into the first directory.
  "$bin" "${args[@]}" "$work/corpus" "$root/tests/fuzz/corpus/$name" >"$work/log.txt" 2>&1
  status=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.txt" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log.txt" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$work/log.txt" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corpus=$(( $(ls "$work/corpus" | wc -l) + $(ls "$root/tests/fuzz/corpus/$name" | wc -l) ))
  result=ok
  if [ $status -ne 0 ]; then
    result=FAILED
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/log.txt" | tail -1)
    failed+=("$name")
    echo "   FAILED (exit $status): ${artifact:-no input written}; log: $work/log.txt"
    grep -m1 -E 'ERROR: |runtime error|property failed|deadly signal' "$work/log.txt" | sed 's/^/   /'
  fi
  rows+=("$(printf '%-20s %12s %10s %7s %7s %7s %6ss  %s' "$name" "${execs:-?}" "${rate:-?}" \
    "${cov:-?}" "${ft:-?}" "$corpus" "$elapsed" "$result")")
done

echo
printf '%-20s %12s %10s %7s %7s %7s %7s  %s\n' target executions exec/s cov ft corpus time result
for row in "${rows[@]}"; do echo "$row"; done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (inputs under $build/fuzz-work/*/crashes/)"
  exit 1
fi
