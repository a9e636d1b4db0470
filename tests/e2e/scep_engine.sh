#!/bin/bash
# tests/e2e/scep_engine.sh - the SCEP client engine against micromdm
# scepserver (Debian package "scep"), via the driver test_scep_server.
# scepserver listens on all interfaces, so this script re-executes itself
# in a private network namespace (unshare --net, as root) where only
# loopback exists. Checks: GetCACaps + GetCACert (same CA as the depot),
# enrollment RSA 2048 with the right challenge (openssl verify against
# depot/ca.pem), wrong challenge -> FAILURE badRequest, renewal signed by
# the current certificate (same key and regenerated key), PKIOperation by
# GET, CA down -> E_NET curl 7; prints the in-process enrollment time
# next to scepclient's (process per enrollment) against the same CA.
# Env: TESTBIN (dir of unit test binaries). Exit 0 pass, 77 skip.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

TESTBIN=${TESTBIN:-build/tests}
DRIVER=$TESTBIN/test_scep_server

if [ -z "${SCEP_E2E_NETNS:-}" ]; then
	command -v scepserver >/dev/null || skip "scepserver not installed"
	command -v openssl >/dev/null || skip "openssl CLI not installed"
	[ -x "$DRIVER" ] || fail "$DRIVER missing (make unit)"
	[ "$(id -u)" = 0 ] || skip "needs root for unshare --net"
	unshare --net --fork true 2>/dev/null ||
	    skip "unshare --net not permitted here"
	export SCEP_E2E_NETNS=1 TESTBIN
	exec unshare --net --fork bash "$0" "$@"
fi

# Inside the namespace from here on.
ip link set lo up || fail "ip link set lo up"
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
mkdir -p "$TMP/out" "$TMP/sc"
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

SCEP_URL=$URL SCEP_CHALLENGE=$CHALLENGE SCEP_OUT=$TMP/out \
    SCEP_DOWN_URL=http://127.0.0.1:$((PORT + 1))/scep \
    SCEP_BENCH=${SCEP_BENCH:-15} "$DRIVER" | tee "$TMP/driver.log"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || { tail -20 "$TMP/server.log"; fail "driver rc=$rc"; }
grep -q '^[0-9]* passed, 0 failed' "$TMP/driver.log" || fail "driver checks"

# GetCACert returned the depot's CA.
a=$(openssl x509 -in "$TMP/depot/ca.pem" -outform der | sha256sum)
b=$(openssl x509 -in "$TMP/out/getca.pem" -outform der | sha256sum)
[ "$a" = "$b" ] || fail "GetCACert differs from depot/ca.pem"
echo "ok - GetCACert is depot/ca.pem"

# Every certificate we obtained verifies against the depot CA.
for c in cert renewed rekeyed get; do
	[ -s "$TMP/out/$c.pem" ] || fail "$c.pem missing"
	openssl verify -CAfile "$TMP/depot/ca.pem" "$TMP/out/$c.pem" ||
	    fail "openssl verify $c.pem"
	echo "ok - openssl verify -CAfile depot/ca.pem $c.pem"
done
s1=$(openssl x509 -in "$TMP/out/cert.pem" -noout -serial)
s2=$(openssl x509 -in "$TMP/out/renewed.pem" -noout -serial)
[ "$s1" != "$s2" ] || fail "renewal returned the same certificate"
openssl x509 -in "$TMP/out/cert.pem" -noout -subject | grep -q r1.example.test ||
    fail "subject of cert.pem"
echo "ok - renewed certificate is a new one ($s1 -> $s2)"

# The engine must never have sent the challenge anywhere but the CSR.
grep -q "$CHALLENGE" "$TMP/driver.log" && fail "challenge in driver output"

# scepclient (a process per enrollment) against the same CA, for scale.
if command -v scepclient >/dev/null; then
	times=()
	for i in 1 2 3 4 5; do
		d=$TMP/sc/$i
		mkdir -p "$d"
		openssl genrsa -traditional -out "$d/k.pem" 2048 2>/dev/null
		t0=$(date +%s%N)
		(cd "$d" && scepclient -server-url "$URL" -challenge \
		    "$CHALLENGE" -private-key k.pem -certificate c.pem \
		    -cn sc$i >/dev/null 2>&1)
		t1=$(date +%s%N)
		[ -s "$d/c.pem" ] && times+=($(( (t1 - t0) / 1000 )))
	done
	if [ ${#times[@]} -gt 0 ]; then
		med=$(printf '%s\n' "${times[@]}" | sort -n |
		    awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}')
		echo "# bench: scepclient process per enrollment over" \
		    "${#times[@]}: median $med ms"
	fi
fi
grep '^# bench' "$TMP/driver.log"
echo "scep_engine: all checks passed"
exit 0
