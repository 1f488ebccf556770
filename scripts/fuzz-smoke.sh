#!/bin/sh
# SPDX-License-Identifier: ISC
# make fuzz-smoke: runs each libFuzzer target for SECONDS on its corpus
# (tests/fuzz/corpus/NAME) plus what earlier runs found (BUILD/fuzz/smoke/NAME),
# JOBS targets at a time.  Prints one line per target; on a failure, the end
# of its log, and exits 1.
#   scripts/fuzz-smoke.sh BUILD SECONDS JOBS TARGET...
set -u
build=$1 secs=$2 jobs=$3
shift 3
one() {
	n=$(basename "$1")
	mkdir -p "tests/fuzz/corpus/$n" "$build/fuzz/smoke/$n"
	log="$build/fuzz/$n.smoke.log"
	if ! "$1" -max_total_time="$secs" -print_final_stats=1 \
	    "$build/fuzz/smoke/$n" "tests/fuzz/corpus/$n" >"$log" 2>&1; then
		tail -40 "$log"
		echo "fuzz-smoke: $n FAILED"
		return 1
	fi
	runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$')
	echo "fuzz-smoke: $n ok (${runs:-?} runs)"
}
if [ "${FUZZ_SMOKE_ONE:-}" = 1 ]; then
	one "$1"
	exit
fi
printf '%s\n' "$@" | FUZZ_SMOKE_ONE=1 xargs -P "$jobs" -I{} sh "$0" "$build" "$secs" "$jobs" {} ||
	exit 1
