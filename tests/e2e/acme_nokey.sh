#!/bin/bash
# tests/e2e/acme_nokey.sh - an ACME enrollment with a server that cannot be
# reached makes no key: pkish asks for the directory before it generates
# the account key or the certificate key. Three trustpoints against a
# loopback port where nothing listens: an automatic key (no key named), a
# named RSA key that does not exist yet, and a second attempt of the
# first. Each ends with a clear % error (curl error 7) and the ASA
# syslogs 717067/717069; afterwards `show crypto key mypubkey all` lists
# no key and the keystore directory holds no key file, before and after a
# restart.
# Env (tests/run.sh): PKISH. Exit 0 pass, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PKISH=${PKISH:-$ROOT/pkish}
. "$ROOT/tests/e2e/tap.bash"
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$PKISH" ] || fail "no $PKISH (make)"
command -v python3 >/dev/null || fail "python3 missing (scripts/deps.sh)"

T=$(mktemp -d /tmp/acme_nokey.XXXXXX) || fail mktemp
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
# a loopback port that was just free: nothing listens there
PORT=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=https://127.0.0.1:$PORT/dir

run() {	# NAME: feed $T/NAME.in to pkish on the state $T/st
	timeout 120 "$PKISH" --state "$T/st" <"$T/$1.in" >"$T/$1.out" 2>&1
	ran "$1" $? "$T/$1.out"
}
keyfiles() { find "$T/st" -path '*keys*' -type f 2>/dev/null | wc -l; }

mkdir -p "$T/st"
{
	printf 'enable\nconfigure terminal\nlogging buffered 65536\n'
	printf 'crypto pki trustpoint AUTO\n enrollment protocol acme url %s\n' \
	    "$URL"
	printf ' fqdn host1.example.test\n exit\n'
	printf 'crypto pki trustpoint NAMED\n enrollment protocol acme url %s\n' \
	    "$URL"
	printf ' fqdn host2.example.test\n rsakeypair NEWKEY 2048\n exit\n'
	printf 'crypto ca enroll AUTO noconfirm\n'
	printf 'crypto ca enroll NAMED noconfirm\n'
	printf 'crypto ca enroll AUTO noconfirm\n'
	printf 'end\nshow crypto key mypubkey all\nshow logging\nwrite memory\n'
} >"$T/s1.in"
run s1
O=$T/s1.out
check "enrollment fails with a % error naming curl error 7" \
    has "$O" "% ACME certificate enrollment failed, error 7"
check "three attempts, three errors" \
    test "$(grep -c '^% ACME certificate enrollment failed' "$O")" -eq 3
check "syslog 717067 (start) for each attempt" \
    test "$(grep -c '%ASA-5-717067' "$O")" -ge 3
check "syslog 717069 (failed) for each attempt" \
    test "$(grep -c '%ASA-3-717069' "$O")" -ge 3
check "no keypair regenerated (717070)" hasnt "$O" "717070"
check "show crypto key mypubkey all lists no key" hasnt "$O" "Key name:"
check "no NEWKEY, no Auto.AUTO, no account key" \
    bash -c "! grep -E 'NEWKEY|Auto\.AUTO|acme-account' '$O' | grep -v 'rsakeypair'"
check "no key file in the keystore ($(keyfiles))" test "$(keyfiles)" -eq 0

printf 'enable\nshow crypto key mypubkey all\nshow running-config | include keypair\n' \
    >"$T/s2.in"
run s2
check "after a restart: still no key" hasnt "$T/s2.out" "Key name:"
check "after a restart: the configuration kept NEWKEY's name" \
    has "$T/s2.out" " rsakeypair NEWKEY 2048"
tap_end
