#!/bin/bash
# tests/e2e/acme_export.sh - the ASA ACME downgrade round trip against
# Debian's pebble: enroll an ACME trustpoint, export it as PKCS#12 (its
# Auto.WEB key is exportable, as on the ASA), `no crypto ca trustpoint`,
# import the file, and check the certificate is Available again; on a
# second pkish the same file imported into an ACME trustpoint keeps
# renewing (a new certificate from pebble). openssl reads the PKCS#12
# (certificate, chain, key matching the certificate). An IOS key
# (`crypto key generate rsa` without exportable) is still refused, with
# the command that makes an exportable one.
# Everything on 127.0.0.1: pebble 14801 (management 14802), challtestsrv
# DNS 14803 (management 14804), HTTP-01 on 5801.
# Env: PKISH (ASan build), PKISH_PLAIN, ROOT. Exit 0 pass, 77 skip, other
# fail. Own temp dir, removed; only processes started here are stopped.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PKISH=${PKISH:-$ROOT/build-san/pkish}
[ -x "$PKISH" ] || PKISH=${PKISH_PLAIN:-$ROOT/pkish}
[ -x "$PKISH" ] || fail "no pkish binary at $PKISH"
. "$ROOT/tests/e2e/acme_pebble.bash"
if ! ap_have; then
	[ "${CI:-}" = true ] && fail "needs pebble, pebble-challtestsrv, openssl, curl, python3"
	skip "needs pebble, pebble-challtestsrv, openssl, curl, python3"
fi
T=$(mktemp -d /tmp/acme_export.XXXXXX) || fail "mktemp"
trap 'ap_cleanup; [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"' EXIT
AP_BASE=14801
AP_HTTP=5801
ap_setup || fail "pebble set-up: $(cat "$T/openssl.log" 2>/dev/null)"
ap_start || fail "pebble did not start"
. "$ROOT/tests/e2e/tap.bash"
session() {	# NAME STATE: $T/NAME.in through one pkish run
	timeout 300 "$PKISH" --state "$2" <"$T/$1.in" >"$T/$1.out" 2>&1
	ran "$1" $? "$T/$1.out"
}
after() {	# FILE COMMAND: output of the command typed at a prompt
	awk -v c="$2" 'f && /^R1[#(>]/ { exit } f { print }
	    index($0, c) && /^R1/ { f = 1 }' "$1"
}
nth_show() {	# FILE N: output of the Nth "do show crypto ca certificates WEB"
	awk -v k="$2" '/#do show crypto ca certificates WEB$/ { n++; next }
	    n == k && /^R1/ { exit } n == k' "$1"
}
serial() { grep -A3 '^Certificate$' | sed -n 's/^ *Certificate Serial Number: //p'; }
base() {	# pkish set-up up to the trustpoint's ACME lines (TP)
	printf 'enable\nconfigure terminal\nhostname R1\nno logging console\n'
	printf 'crypto pki trustpool import terminal\n'
	cat "$AP_CA"
	printf 'quit\nip http port %s\n' "$AP_HTTP"
	printf 'interface outside\n ip address 127.0.0.1 255.0.0.0\n exit\n'
	printf 'crypto ca trustpoint %s\n' "$1"
	printf ' enrollment protocol acme url %s\n' "$AP_DIR"
	printf ' enrollment protocol acme authentication http01 outside\n'
	printf ' fqdn host1.example.test\n subject-name CN=host1.example.test\n'
	printf ' keypair rsa modulus 2048\n exit\n'
}
P12=$T/web.p12
# ---------------------------------------------------------------- s1
{
	base WEB
	printf 'crypto ca enroll WEB noconfirm\n'
	printf 'do show crypto ca certificates WEB\n'
	printf 'crypto ca export WEB pkcs12 file:%s password Down-grade1\n' "$P12"
	printf 'no crypto ca trustpoint WEB\nyes\n'
	printf 'do show crypto ca certificates WEB\n'
	printf 'crypto ca import WEB pkcs12 file:%s password Down-grade1\n' "$P12"
	printf 'do show crypto ca certificates WEB\n'
	printf 'crypto key generate rsa label IOSKEY modulus 2048\n'
	printf 'crypto pki trustpoint IOS\n enrollment selfsigned\n'
	printf ' subject-name CN=ios.example.test\n rsakeypair IOSKEY\n exit\n'
	printf 'crypto pki enroll IOS\nno\nyes\n'
	printf 'crypto ca export IOS pkcs12 file:%s/ios.p12 password x\n' "$T"
	printf 'end\nshow running-config\n'
} >"$T/s1.in"
session s1 "$T/st1"
O=$T/s1.out
SER1=$(after "$O" "do show crypto ca certificates WEB" | serial | head -1)
check "ACME enrollment gave a certificate ($SER1)" test -n "$SER1"
check "export of the ACME trustpoint succeeded" \
    has "$O" "CRYPTO_PKI: Exported PKCS12 file successfully."
check "no 'not exportable' for Auto.WEB" hasnt "$O" "Auto.WEB is not exportable"
check "the PKCS#12 file exists, mode 0600" test "$(stat -c %a "$P12" 2>/dev/null)" = 600
openssl pkcs12 -in "$P12" -passin pass:Down-grade1 -nokeys -out "$T/certs.pem" 2>/dev/null
openssl pkcs12 -in "$P12" -passin pass:Down-grade1 -nocerts -nodes -out "$T/key.pem" 2>/dev/null
openssl pkcs12 -in "$P12" -passin pass:Down-grade1 -clcerts -nokeys -out "$T/leaf.pem" 2>/dev/null
check "openssl: PKCS#12 holds the leaf and its chain" \
    test "$(grep -c 'BEGIN CERTIFICATE' "$T/certs.pem")" -ge 2
check "openssl: the leaf is the enrolled serial" sh -c \
    "openssl x509 -in '$T/leaf.pem' -noout -serial | tr -d : | grep -qix 'serial=0*$(printf %s "$SER1" | tr -d ' ')'"
check "openssl: the key matches the leaf" same \
    "$(openssl pkey -in "$T/key.pem" -pubout 2>/dev/null)" \
    "$(openssl x509 -in "$T/leaf.pem" -noout -pubkey 2>/dev/null)"
ap_roots "$T/root.pem" "$T/int.pem" || fail "pebble management API"
check "openssl verify: the exported leaf against pebble's root" \
    sh -c "openssl verify -CAfile '$T/root.pem' -untrusted '$T/certs.pem' '$T/leaf.pem' >/dev/null"
check "after no crypto ca trustpoint: no certificate left" sh -c \
    '! printf "%s\n" "$1" | grep -q "Status: Available"' _ "$(nth_show "$O" 2)"
check "import succeeded" has "$O" "CRYPTO_PKI: Imported PKCS12 file successfully."
SHOW=$(nth_show "$O" 3)
check "imported certificate: Status Available" sh -c \
    'printf "%s\n" "$1" | grep -qx "  Status: Available"' _ "$SHOW"
check "imported certificate: same serial $SER1" same \
    "$(printf '%s\n' "$SHOW" | serial | head -1)" "$SER1"
check "IOS key export refused" has "$O" "% RSA keypair IOSKEY is not exportable."
check "refusal names the exportable command" has "$O" \
    "crypto key generate rsa general-keys label IOSKEY modulus 2048 exportable"
check "no IOS PKCS#12 written" test ! -e "$T/ios.p12"
# ---------------------------------------------------------------- s2
{
	base WEB
	printf 'crypto ca import WEB pkcs12 file:%s password Down-grade1\n' "$P12"
	printf 'do show crypto ca certificates WEB\n'
	printf 'crypto ca enroll WEB noconfirm\n'
	printf 'do show crypto ca certificates WEB\n'
	printf 'crypto ca export WEB pkcs12 file:%s/again.p12 password pw2\n' "$T"
	printf 'end\nwrite memory\n'
} >"$T/s2.in"
session s2 "$T/st2"
O=$T/s2.out
check "import into an ACME trustpoint on another pkish" \
    has "$O" "CRYPTO_PKI: Imported PKCS12 file successfully."
S2A=$(nth_show "$O" 1)
check "imported: Status Available, serial $SER1" sh -c \
    'printf "%s\n" "$1" | grep -qx "  Status: Available"' _ "$S2A"
check "imported: serial $SER1" same "$(printf '%s\n' "$S2A" | serial | head -1)" "$SER1"
S2B=$(nth_show "$O" 2)
SER2=$(printf '%s\n' "$S2B" | serial | head -1)
check "renewal after the import: a new certificate ($SER2)" sh -c \
    "[ -n '$SER2' ] && [ '$SER2' != '$SER1' ]"
check "renewal: no % error" sh -c "! grep -q '^% .*\\(fail\\|rror\\)' '$O'"
check "the renewed key is exportable too" has "$O" \
    "CRYPTO_PKI: Exported PKCS12 file successfully."
tap_end
