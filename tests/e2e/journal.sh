#!/bin/bash
# tests/e2e/journal.sh - log lines to the systemd journal: with
# JOURNAL_STREAM naming pkish's stderr (as systemd sets it for a service),
# every log line goes to stderr with the sd-daemon "<N>" prefix, N the
# IOS severity; with JOURNAL_STREAM naming another file, or unset, stderr
# carries none.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
PKISH=${PKISH:-./build-san/pkish}
[ -x "$PKISH" ] || PKISH=${PKISH_PLAIN:-./pkish}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -x "$PKISH" ] || { echo "FAIL: no pkish binary at $PKISH"; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. "$ROOT/tests/e2e/tap.bash"

printf 'enable\nconfigure terminal\ncrypto pki trustpoint J\n enrollment selfsigned\n exit\ncrypto pki enroll J\nno\nno\nyes\nend\n' >"$W/in"
: >"$W/err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$W/err") timeout 60 "$PKISH" \
    --state "$W/st" <"$W/in" >"$W/out" 2>>"$W/err"
ran journal $? "$W/err"
check "informational line with <6>" grep -q \
    '^<6>%PKI-6-TRUSTPOINT_CREATE: Trustpoint: J created succesfully$' "$W/err"
check "notification line with <5>" grep -q \
    '^<5>%SYS-5-CONFIG_I: Configured from console by console$' "$W/err"
check "warning line with <4>" grep -q '^<4>%PKI-4-NOCONFIGAUTOSAVE: ' \
    "$W/err"
check "every stderr line has a priority prefix" \
    test "$(grep -vc '^<[0-7]>%' "$W/err")" -eq 0
check "the console still shows them with timestamps" grep -q \
    ': %PKI-6-TRUSTPOINT_CREATE: Trustpoint: J created' "$W/out"
: >"$W/other"
: >"$W/err2"
JOURNAL_STREAM=$(stat -c '%d:%i' "$W/other") timeout 60 "$PKISH" \
    --state "$W/st2" <"$W/in" >"$W/out2" 2>>"$W/err2"
ran other-stream $? "$W/err2"
check "JOURNAL_STREAM naming another file: nothing on stderr" \
    test ! -s "$W/err2"
env -u JOURNAL_STREAM timeout 60 "$PKISH" --state "$W/st3" <"$W/in" \
    >"$W/out3" 2>"$W/err3"
ran no-stream $? "$W/err3"
check "no JOURNAL_STREAM: nothing on stderr" test ! -s "$W/err3"
tap_end
