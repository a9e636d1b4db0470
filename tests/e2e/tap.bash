# tests/e2e/tap.bash - sourced by the bash e2e scripts: TAP lines, the
# checks they are built from, and the closing "N passed, M failed".
npass=0
nfail=0
ok() { npass=$((npass + 1)); echo "ok $((npass + nfail)) - $1"; }
bad() { nfail=$((nfail + 1)); echo "not ok $((npass + nfail)) - $1"; }
check() {	# check "what" command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
has() { grep -qF -- "$2" "$1"; }	# has FILE TEXT
hasnt() { ! grep -qF -- "$2" "$1"; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }	# equal and not empty
# distinct lines of FILE with TEXT (a debug line is on the console and in
# the log)
count() { grep -F -- "$2" "$1" | sort -u | wc -l; }
# A sanitizer report in a pkish output FILE is a failure.
no_san() {
	local re='ERROR: [A-Za-z]*Sanitizer\|runtime error:'
	grep -q "$re" "$1" || return 0
	bad "sanitizer report in $(basename "$1")"
	grep -A30 "$re" "$1" | head -50
}
# ran NAME RC OUT: the pkish run NAME exited RC with its output in OUT; it
# must have exited 0 without a sanitizer report
ran() {
	check "session $1 exits 0 (rc=$2)" test "$2" -eq 0
	no_san "$3"
}
# The closing line; true only when nothing failed.
tap_end() {
	echo "$npass passed, $nfail failed"
	[ "$nfail" -eq 0 ]
}
