#!/usr/bin/env bash
# Builds the libFuzzer targets (preset fuzz, clang 14 with ASan + UBSan) and runs each for SECONDS
# over a copy of its seed corpus fuzz/corpus/<target>/, two targets at a time; the repository's
# corpus is never written. Fails on any crash, leak, timeout or failed property, printing the
# target's log and keeping the input that failed under the work directory it names.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (30 seconds and every target by default)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift $(( $# > 0 ? 1 : 0 ))
if (( $# > 0 )); then
  targets=("$@")
else
  mapfile -t targets < <(ls fuzz/corpus)
fi

# Inputs longer than any real one of the target only slow it down.
declare -A max_len=([core_text]=128 [cli_encoding]=1024 [append]=1024 [upcast]=2048)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j 2

work=$(mktemp -d /tmp/es-fuzz.XXXXXX)

# Runs one target; its corpus copy, log and any failing input live in $work/<target>/.
run_target() {
  local target=$1 dir=$work/$1
  mkdir -p "$dir/corpus"
  cp fuzz/corpus/"$target"/* "$dir/corpus/"
  if build/fuzz/fuzz/fuzz_"$target" -max_total_time="$seconds" -max_len="${max_len[$target]:-4096}" \
      -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$dir/" "$dir/corpus" >"$dir/log" 2>&1; then
    echo "fuzz_$target: ok, $(grep -oE 'DONE .*' "$dir/log" | tail -1)"
  else
    echo "fuzz_$target: FAILED (input and log in $dir)"
    tail -n 60 "$dir/log"
    return 1
  fi
}

# Two lanes, one per core, each running its share of the targets in turn.
run_lane() {
  local status=0 target
  for target in "$@"; do run_target "$target" || status=1; done
  return $status
}
lanes=("" "")
for i in "${!targets[@]}"; do lanes[i % 2]+="${targets[i]} "; done
# shellcheck disable=SC2086
run_lane ${lanes[0]} & first=$!
# shellcheck disable=SC2086
run_lane ${lanes[1]} & second=$!
status=0
wait "$first" || status=1
wait "$second" || status=1

if (( status == 0 )); then rm -rf "$work"; fi
exit $status
