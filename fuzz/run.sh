#!/bin/sh
# fuzz/run.sh - run every fuzz target built in build-fuzz/.
#   sh fuzz/run.sh SECONDS   fuzz each target for SECONDS from its corpus
#                            (fuzz/corpus/NAME); new inputs go to
#                            build-fuzz/corpus/NAME, crashes to
#                            build-fuzz/artifacts/
#   sh fuzz/run.sh 0         regression: each corpus file once
# Each target runs in a network namespace of its own (hostile input may
# name any address); fails when any target reports a crash, a leak, a
# timeout or a sanitizer error. Ends with "N passed, M failed".
cd "$(dirname "$0")/.." || exit 2
secs=${1:-60}
B=build-fuzz
pass=0
fail=0
NETNS="unshare --net"
$NETNS true 2>/dev/null || { echo "fuzz: needs unshare --net (root)"; exit 2; }
mkdir -p $B/artifacts $B/logs
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for bin in $B/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin#$B/fuzz_}
	corp=fuzz/corpus/$name
	log=$B/logs/$name.log
	[ -d "$corp" ] || { echo "not ok - $name: no corpus $corp"; fail=$((fail + 1)); continue; }
	opts="-timeout=20 -rss_limit_mb=2560 -max_len=8192 \
	    -artifact_prefix=$B/artifacts/$name-"
	if [ "$secs" = 0 ]; then
		$NETNS "$bin" $opts -runs=1 $(find "$corp" -type f | sort) \
		    >"$log" 2>&1
	else
		mkdir -p $B/corpus/$name
		$NETNS "$bin" $opts -max_total_time="$secs" -print_final_stats=1 \
		    $B/corpus/$name "$corp" >"$log" 2>&1
	fi
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1))
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
		echo "ok - $name${runs:+ ($runs runs, $cov)}"
	else
		fail=$((fail + 1))
		echo "not ok - $name (rc=$rc, log $log)"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -8
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
