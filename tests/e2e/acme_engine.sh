#!/bin/bash
# tests/e2e/acme_engine.sh - the ACME engine (acme/) end to end against
# Debian's pebble, with pebble-challtestsrv as its DNS server answering
# every name with 127.0.0.1. Everything listens on 127.0.0.1 only:
#   pebble ACME 14731, management 14732, challtestsrv DNS 14733 and
#   management 14734, our HTTP-01 responder 5731 (pebble's httpPort).
# pebble's TLS certificate comes from a throw-away CA made here with the
# openssl CLI (the Debian package ships no test certificates).
# Runs the driver test_acme_pebble in three phases: main (EC and RSA
# keys, two SANs, account reuse, IP identifier, revoke, untrusted TLS ->
# 60, unreachable challenge port, timeout 124, parallel enrollments,
# timing), nonce (PEBBLE_WFE_NONCEREJECT=50), down (pebble stopped -> 7);
# then verifies the issued chains with `openssl verify` against pebble's
# root and intermediate from the management API.
# Env: TESTBIN (dir of unit test binaries). Exit 0 pass, 77 skip.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

TESTBIN=${TESTBIN:-build/tests}
DRIVER=$TESTBIN/test_acme_pebble
command -v pebble >/dev/null || skip "pebble not installed"
command -v pebble-challtestsrv >/dev/null || skip "pebble-challtestsrv not installed"
command -v openssl >/dev/null || skip "openssl CLI not installed"
command -v curl >/dev/null || skip "curl CLI not installed"
[ -x "$DRIVER" ] || fail "$DRIVER missing (make unit)"

ACME_PORT=14731
MGMT_PORT=14732
DNS_PORT=14733
CTS_PORT=14734
HTTP_PORT=5731

T=$(mktemp -d /tmp/acme_engine.XXXXXX) || fail "mktemp"
PEBBLE_PID=
CTS_PID=
stop_pebble() {
	if [ -n "$PEBBLE_PID" ]; then
		kill "$PEBBLE_PID" 2>/dev/null
		wait "$PEBBLE_PID" 2>/dev/null
		PEBBLE_PID=
	fi
}
cleanup() {
	stop_pebble
	if [ -n "$CTS_PID" ]; then
		kill "$CTS_PID" 2>/dev/null
		wait "$CTS_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

# A port is free if we can bind it on 127.0.0.1 (TCP, and UDP for DNS);
# SO_REUSEADDR so that TIME_WAIT leftovers of an earlier run do not count.
port_free() {
	python3 - "$1" <<'PY'
import socket, sys
p = int(sys.argv[1])
for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, t)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
PY
}
for p in $ACME_PORT $MGMT_PORT $DNS_PORT $CTS_PORT $HTTP_PORT $((HTTP_PORT + 1)); do
	port_free "$p" || fail "port $p on 127.0.0.1 is busy"
done

# pebble's TLS certificate: CA + leaf for 127.0.0.1 / localhost.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/tlsca.key" -out "$T/tlsca.pem" -days 2 \
    -subj "/CN=pkish e2e pebble TLS CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign" 2>"$T/openssl.log" ||
    fail "TLS CA: $(cat "$T/openssl.log")"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/tls.key" -out "$T/tls.csr" -subj "/CN=localhost" \
    2>>"$T/openssl.log" || fail "TLS CSR"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
    >"$T/tls.ext"
openssl x509 -req -in "$T/tls.csr" -CA "$T/tlsca.pem" -CAkey "$T/tlsca.key" \
    -CAcreateserial -out "$T/tls.pem" -days 2 -extfile "$T/tls.ext" \
    2>>"$T/openssl.log" || fail "TLS certificate"

cat >"$T/pebble.json" <<EOF
{
  "pebble": {
    "listenAddress": "127.0.0.1:$ACME_PORT",
    "managementListenAddress": "127.0.0.1:$MGMT_PORT",
    "certificate": "$T/tls.pem",
    "privateKey": "$T/tls.key",
    "httpPort": $HTTP_PORT,
    "tlsPort": $((HTTP_PORT + 2)),
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
EOF

pebble-challtestsrv -defaultIPv4 127.0.0.1 -defaultIPv6 "" \
    -dns01 "127.0.0.1:$DNS_PORT" -http01 "" -https01 "" -tlsalpn01 "" \
    -management "127.0.0.1:$CTS_PORT" >"$T/challtestsrv.log" 2>&1 &
CTS_PID=$!

DIR=https://127.0.0.1:$ACME_PORT/dir
MGMT=https://127.0.0.1:$MGMT_PORT
# start_pebble [ENV=VALUE ...]
start_pebble() {
	env PEBBLE_VA_NOSLEEP=1 "$@" pebble -config "$T/pebble.json" \
	    -dnsserver "127.0.0.1:$DNS_PORT" >>"$T/pebble.log" 2>&1 &
	PEBBLE_PID=$!
	for _ in $(seq 100); do
		curl -s --cacert "$T/tlsca.pem" -o /dev/null "$DIR" && return 0
		sleep 0.05
	done
	cat "$T/pebble.log"
	fail "pebble did not start"
}

run_driver() {	# phase
	ACME_DIR_URL=$DIR ACME_CA_PEM=$T/tlsca.pem ACME_HTTP_PORT=$HTTP_PORT \
	    ACME_MGMT_URL=$MGMT ACME_STATE=$T/state ACME_OUT=$T/out \
	    ACME_PHASE=$1 ACME_BENCH=${ACME_BENCH:-10} \
	    "$DRIVER" | tee "$T/driver-$1.log"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || { tail -20 "$T/pebble.log"; fail "driver phase $1 rc=$rc"; }
	grep -q '^[1-9][0-9]* passed, 0 failed' "$T/driver-$1.log" ||
	    fail "driver phase $1 checks"
}

mkdir -p "$T/out" "$T/state"
start_pebble
run_driver main

# Independent check of the issued chains: pebble's root and intermediate
# from its management API (they change with every pebble start).
curl -s --cacert "$T/tlsca.pem" "$MGMT/roots/0" >"$T/root.pem" ||
    fail "GET /roots/0"
curl -s --cacert "$T/tlsca.pem" "$MGMT/intermediates/0" >"$T/int.pem" ||
    fail "GET /intermediates/0"
for c in ec rsa; do
	openssl verify -CAfile "$T/root.pem" -untrusted "$T/int.pem" \
	    "$T/out/$c-chain.pem" || fail "openssl verify $c leaf"
	echo "ok - openssl verify of the $c leaf against pebble's root"
	openssl verify -CAfile "$T/root.pem" -untrusted "$T/out/$c-chain.pem" \
	    "$T/out/$c-chain.pem" >/dev/null || fail "issued chain incomplete"
	echo "ok - the downloaded $c chain alone links the leaf to the root"
done
openssl x509 -in "$T/out/ec-chain.pem" -noout -ext subjectAltName |
    grep -q 'DNS:www.example.test' || fail "SAN www.example.test missing"
echo "ok - openssl sees both SANs"

stop_pebble
start_pebble PEBBLE_WFE_NONCEREJECT=50
run_driver nonce

stop_pebble
run_driver down
echo "PASS: acme_engine"
exit 0
