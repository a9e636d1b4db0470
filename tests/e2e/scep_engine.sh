#!/bin/bash
# tests/e2e/scep_engine.sh - the SCEP client engine against micromdm
# scepserver (Debian package "scep"), via the driver tests/helpers/scep_driver.
# scepserver listens on all interfaces, so this script re-executes itself
# in a private network namespace (unshare --net, as root) where only
# loopback exists. Checks: GetCACaps + GetCACert (same CA as the depot),
# enrollment RSA 2048 with the right challenge (openssl verify against
# depot/ca.pem), wrong challenge -> FAILURE badRequest, renewal signed by
# the current certificate (same key and regenerated key), PKIOperation by
# GET, CA down -> E_NET curl 7. Timings: bench/scep.sh.
# Env: TESTBIN (build/tests), ROOT (repo; its
# build-san/tests/helpers/scep_driver runs too when present).
# Exit 0 pass, 77 skip, other fail.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

. "$(dirname "$0")/scep.bash"
fail() { die "$@"; }

TESTBIN=${TESTBIN:-build/tests}
DRIVER=$TESTBIN/helpers/scep_driver
command -v scepserver >/dev/null || skip "scepserver not installed"
command -v openssl >/dev/null || skip "openssl CLI not installed"
[ -x "$DRIVER" ] || fail "$DRIVER missing (make unit)"
scep_netns "$@"
# Inside the namespace from here on.
TMP=$(mktemp -d /tmp/scep_engine.XXXXXX) || fail "mktemp"
SRV_PID=
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null &&
	    wait "$SRV_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

PORT=2016
URL=http://127.0.0.1:$PORT/scep
CHALLENGE=engine-test-secret
mkdir -p "$TMP/sc"
# A 2048-bit CA (scepserver's default is 4096) for realistic timings.
scepserver ca -init -depot "$TMP/depot" -keySize 2048 \
    >"$TMP/ca-init.log" 2>&1 || fail "scepserver ca -init: $(cat "$TMP/ca-init.log")"
scepserver -depot "$TMP/depot" -port $PORT -challenge "$CHALLENGE" \
    -allowrenew 0 >"$TMP/server.log" 2>&1 &
SRV_PID=$!
for i in $(seq 50); do
	curl -s -o /dev/null "$URL?operation=GetCACaps" && break
	sleep 0.1
done
curl -s -o /dev/null "$URL?operation=GetCACaps" || {
	cat "$TMP/server.log"; fail "scepserver did not start"; }

# Run the driver and check what it wrote: $1 binary, $2 label.
run_driver() {
	local out=$TMP/out-$2 a b c s1 s2 rc
	mkdir -p "$out"
	SCEP_URL=$URL SCEP_CHALLENGE=$CHALLENGE SCEP_OUT=$out \
	    SCEP_DOWN_URL=http://127.0.0.1:$((PORT + 1))/scep \
	    "$1" | tee "$TMP/driver-$2.log"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || { tail -20 "$TMP/server.log"; fail "$2 driver rc=$rc"; }
	grep -q '^[0-9]* passed, 0 failed' "$TMP/driver-$2.log" ||
	    fail "$2 driver checks"
	# GetCACert returned the depot's CA.
	a=$(openssl x509 -in "$TMP/depot/ca.pem" -outform der | sha256sum)
	b=$(openssl x509 -in "$out/getca.pem" -outform der | sha256sum)
	[ "$a" = "$b" ] || fail "$2: GetCACert differs from depot/ca.pem"
	echo "ok - $2: GetCACert is depot/ca.pem"
	# Every certificate obtained verifies against the depot CA.
	for c in cert renewed rekeyed get; do
		[ -s "$out/$c.pem" ] || fail "$2: $c.pem missing"
		openssl verify -CAfile "$TMP/depot/ca.pem" "$out/$c.pem" ||
		    fail "$2: openssl verify $c.pem"
		echo "ok - $2: openssl verify -CAfile depot/ca.pem $c.pem"
	done
	s1=$(openssl x509 -in "$out/cert.pem" -noout -serial)
	s2=$(openssl x509 -in "$out/renewed.pem" -noout -serial)
	[ "$s1" != "$s2" ] || fail "$2: renewal returned the same certificate"
	openssl x509 -in "$out/cert.pem" -noout -subject |
	    grep -q r1.example.test || fail "$2: subject of cert.pem"
	echo "ok - $2: renewed certificate is a new one ($s1 -> $s2)"
	# Debug output (on in the driver) never carries the challenge.
	grep -q "$CHALLENGE" "$TMP/driver-$2.log" &&
	    fail "$2: challenge password in the debug output"
	echo "ok - $2: challenge password absent from debug output"
}

run_driver "$DRIVER" plain
# The sanitizer build of the driver too, when it exists.
SAN_DRIVER=${ROOT:-.}/build-san/tests/helpers/scep_driver
[ -x "$SAN_DRIVER" ] && run_driver "$SAN_DRIVER" asan

echo "scep_engine: all checks passed"
exit 0
