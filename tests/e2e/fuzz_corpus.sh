#!/bin/sh
# tests/e2e/fuzz_corpus.sh - every fuzz target (fuzz/fuzz_*.c, built by
# `make fuzz-build` into build-fuzz/) over every file of its corpus
# (fuzz/corpus/NAME: seeds from real peers and the reproducers of what
# the fuzzers found), once each: no crash, leak, timeout or sanitizer
# report. In a network namespace of its own, as `make fuzz` runs them.
ROOT=${ROOT:-$(pwd)}
cd "$ROOT" || exit 2
n=$(ls fuzz/fuzz_*.c | wc -l)
built=$(ls build-fuzz/fuzz_* 2>/dev/null | wc -l)
if [ "$built" -ne "$n" ]; then
	echo "not ok 1 - $built of $n fuzz targets built (make fuzz-build)"
	echo "0 passed, 1 failed"
	exit 1
fi
exec sh fuzz/run.sh 0
