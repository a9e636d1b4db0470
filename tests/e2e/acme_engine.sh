#!/bin/bash
# tests/e2e/acme_engine.sh - the ACME engine (acme/) end to end against
# Debian's pebble, with pebble-challtestsrv as its DNS server answering
# every name with 127.0.0.1. Everything listens on 127.0.0.1 only:
#   pebble ACME 14731, management 14732, challtestsrv DNS 14733 and
#   management 14734, our HTTP-01 responder 5731 (pebble's httpPort).
# pebble's set-up is tests/e2e/acme_pebble.bash.
# Runs the drivers tests/helpers/acme_driver (EC and RSA keys, two SANs,
# account reuse, IP identifier, revoke, ARI) and tests/helpers/acme_faults
# in three phases: main (untrusted TLS -> 60, unreachable challenge port,
# timeout 124, parallel enrollments), nonce (PEBBLE_WFE_NONCEREJECT=50),
# down (pebble stopped -> 7);
# then verifies the issued chains with `openssl verify` against pebble's
# root and intermediate from the management API.
# Env: TESTBIN (dir of unit test binaries). Exit 0 pass, 77 skip.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

TESTBIN=${TESTBIN:-build/tests}
DRIVER=$TESTBIN/helpers/acme_driver
FAULTS=$TESTBIN/helpers/acme_faults
command -v pebble >/dev/null || skip "pebble not installed"
command -v pebble-challtestsrv >/dev/null || skip "pebble-challtestsrv not installed"
command -v openssl >/dev/null || skip "openssl CLI not installed"
command -v curl >/dev/null || skip "curl CLI not installed"
[ -x "$DRIVER" ] && [ -x "$FAULTS" ] || fail "$DRIVER or $FAULTS missing (make unit)"

T=$(mktemp -d /tmp/acme_engine.XXXXXX) || fail "mktemp"
AP_BASE=14731 AP_HTTP=5731
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/e2e/acme_pebble.bash"
trap 'ap_cleanup; rm -rf "$T"' EXIT
ap_setup || fail "pebble set-up: $(cat "$T/openssl.log" 2>/dev/null)"
# the driver's unreachable challenge port
ap_port_free $((AP_HTTP + 1)) || fail "port $((AP_HTTP + 1)) on 127.0.0.1 is busy"
# start_pebble [ENV=VALUE ...]
start_pebble() { ap_start "$@" || fail "pebble did not start"; }

run_driver() {	# phase [driver]
	local d=${2:-$FAULTS} log=$T/driver-$1-$(basename "${2:-$FAULTS}").log
	ACME_DIR_URL=$AP_DIR ACME_CA_PEM=$AP_CA ACME_HTTP_PORT=$AP_HTTP \
	    ACME_MGMT_URL=$AP_MGMT ACME_STATE=$T/state ACME_OUT=$T/out \
	    ACME_PHASE=$1 \
	    "$d" | tee "$log"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] || { tail -20 "$T/pebble.log"; fail "$d phase $1 rc=$rc"; }
	grep -q '^[1-9][0-9]* passed, 0 failed' "$log" ||
	    fail "$d phase $1 checks"
}

mkdir -p "$T/out" "$T/state"
start_pebble
run_driver main "$DRIVER"
run_driver main

# Independent check of the issued chains: pebble's root and intermediate
# from its management API (they change with every pebble start).
ap_roots "$T/root.pem" "$T/int.pem" || fail "pebble management API"
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

ap_stop
start_pebble PEBBLE_WFE_NONCEREJECT=50
run_driver nonce

ap_stop
run_driver down
echo "PASS: acme_engine"
exit 0
