#!/bin/bash
# tests/e2e/pki_manual.sh - the manual PKI lifecycle end to end, with the
# openssl CLI as the independent judge: a throwaway CA, `enrollment
# terminal`, authenticate by paste, enroll (CSR verified and signed with
# `openssl x509 -req`), `crypto pki import T certificate`, show, PKCS#12
# export checked with `openssl pkcs12`, re-import under other trustpoints
# (PKCS#12 and PEM), `write memory` + restart with identical show output,
# and the negative cases (non-CA, truncated and garbage PEM, certificate
# for another key or from another CA, wrong password, non-exportable key,
# key file modes).
# Env: PKISH (default ./build-san/pkish, else PKISH_PLAIN or ./pkish).
# Exit 0 pass, 77 skip (no openssl), other = fail. Own temp dir, removed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

PKISH=${PKISH:-./build-san/pkish}
[ -x "$PKISH" ] || PKISH=${PKISH_PLAIN:-./pkish}
command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl"; exit 77; }
[ -x "$PKISH" ] || { echo "FAIL: no pkish binary at $PKISH"; exit 1; }
case $PKISH in /*) ;; *) PKISH=$PWD/$PKISH ;; esac

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
ST=$W/state
. "$(dirname "$0")/tap.bash"
# session IN OUT: one pkish run over the state dir; must exit 0
session() {
	timeout 120 "$PKISH" --state "$ST" <"$1" >"$2" 2>&1
	ran "$(basename "$1")" $? "$2"
}
# Text after the echoed command line CMD up to the next prompt.
after() {
	awk -v c="$2" 'f && /^R1[#(>]/ { exit } f { print } index($0, c) && /^R1/ { f = 1 }' "$1"
}

cd "$W" || exit 1
# --- a throwaway CA, a second CA, and keys that are not the router's
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
    -days 3650 -subj "/CN=Manual Test Root/O=pkish" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca2.key -out ca2.pem \
    -days 3650 -subj "/CN=Another Root" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout other.key -out other.csr \
    -subj "/CN=other" 2>/dev/null
openssl x509 -req -in other.csr -CA ca.pem -CAkey ca.key -set_serial 77 \
    -days 30 -out other.pem 2>/dev/null
check "fixtures created" test -s ca.pem -a -s ca2.pem -a -s other.pem

# --- session 1: key, trustpoint, negative authenticate, authenticate, enroll
{
	printf 'enable\nconfigure terminal\nhostname R1\nip domain name lab.test\n'
	printf 'crypto key generate rsa label T modulus 2048 exportable\n'
	printf 'crypto pki trustpoint BAD\n enrollment terminal\n exit\n'
	printf 'crypto pki authenticate BAD\n'; cat other.pem; printf 'quit\n'
	printf 'crypto pki authenticate BAD\nnot base64 at all!\nquit\n'
	printf 'crypto pki trustpoint T\n enrollment terminal\n'
	printf ' subject-name CN=r1.lab.test,O=pkish\n exit\n'
	printf 'crypto pki authenticate T\n'; cat ca.pem; printf 'quit\nyes\n'
	printf 'crypto pki enroll T\nno\nno\nyes\nno\n'
	printf 'end\nwrite memory\nshow crypto pki certificates BAD\n'
} >s1.in
session s1.in s1.out
check "key generated exportable" has s1.out \
    "% Generating 2048 bit RSA keys, keys will be exportable..."
check "non-CA certificate refused by authenticate" has s1.out \
    "not a CA certificate"
check "garbage refused by authenticate" has s1.out "% Error: input is not"
check "BAD trustpoint holds nothing" \
    test -z "$(after s1.out 'show crypto pki certificates BAD')"
check "CA accepted" has s1.out "Trustpoint CA certificate accepted."

awk '/^Certificate Request follows:/ { f = 1; next } /^---End/ { f = 0 }
    f && NF' s1.out >csr.b64
{ echo "-----BEGIN CERTIFICATE REQUEST-----"; cat csr.b64
  echo "-----END CERTIFICATE REQUEST-----"; } >r1.csr
check "CSR verifies with openssl" \
    openssl req -in r1.csr -noout -verify
check "CSR subject" sh -c "openssl req -in r1.csr -noout -subject |
    grep -q 'CN *= *r1.lab.test'"
check "CSR subject carries hostname= (unstructuredName) R1.lab.test" sh -c \
    "openssl req -in r1.csr -noout -subject | grep -q 'unstructuredName *= *R1.lab.test'"
printf 'keyUsage=critical,digitalSignature,keyEncipherment\n' >ext.cnf
openssl x509 -req -in r1.csr -CA ca.pem -CAkey ca.key -set_serial 0x1A2B \
    -days 365 -extfile ext.cnf -out r1.pem 2>/dev/null
openssl x509 -req -in r1.csr -CA ca2.pem -CAkey ca2.key -set_serial 0x99 \
    -days 365 -out wrongca.pem 2>/dev/null
check "CSR signed by openssl x509 -req" test -s r1.pem -a -s wrongca.pem
head -c 700 r1.pem >trunc.pem
echo "-----END CERTIFICATE-----" >>trunc.pem

# --- session 2: import (negative first), export, re-import, save
{
	printf 'enable\nconfigure terminal\n'
	printf 'crypto pki import T certificate\n%%%%garbage%%%%\nquit\n'
	printf 'crypto pki import T certificate\n'; cat trunc.pem; printf 'quit\n'
	printf 'crypto pki import T certificate\n'; cat other.pem; printf 'quit\n'
	printf 'crypto pki import T certificate\n'; cat wrongca.pem
	printf 'quit\ndo show crypto pki certificates T\n'
	printf 'crypto pki import T certificate\n'; cat r1.pem; printf 'quit\n'
	printf 'crypto pki export T pkcs12 file:%s/t.p12 password s3cret\n' "$W"
	printf 'crypto pki export T pkcs12 file:%s/l.p12 password s3cret legacy\n' "$W"
	printf 'crypto pki export T pkcs12 file:t.p12 password s3cret\n'
	printf 'crypto pki export T pkcs12 file:%s/no/such/dir.p12 password x\n' "$W"
	printf 'crypto pki export T pem terminal password s3cret\n'
	printf 'crypto pki import T3 pkcs12 file:%s/t.p12 password wrong\n' "$W"
	printf 'crypto pki import T3 pkcs12 file:%s/none.p12 password s3cret\n' "$W"
	printf 'crypto pki import T2 pkcs12 file:%s/t.p12 password s3cret\n' "$W"
	printf 'crypto pki import T2 pkcs12 file:%s/t.p12 password s3cret\n' "$W"
	printf 'end\nwrite memory\nshow crypto pki trustpoints T3\n'
	printf 'show crypto pki certificates\n'
} >s2.in
session s2.in s2.out
check "garbage certificate refused" has s2.out \
    "% Error: input is not a certificate"
check "truncated certificate refused" has s2.out "truncated or corrupt"
check "certificate for another key refused" has s2.out \
    "% The certificate does not match the key pair T of trustpoint T"
check "certificate from another CA refused" has s2.out \
    "% The certificate was not issued by the CA of trustpoint T"
check "nothing installed by the refused imports" \
    test "$(after s2.out 'do show crypto pki certificates T' |
    grep -c '^Certificate$')" -eq 0
check "router certificate imported" has s2.out \
    "% Router Certificate successfully imported"
check "CERT_INSTALL logged" has s2.out \
    "%PKI-6-CERT_INSTALL: An ID certificate has been installed under"
check "NOCONFIGAUTOSAVE logged" has s2.out \
    '%PKI-4-NOCONFIGAUTOSAVE: Configuration was modified.  Issue "write memory" to save new IOS PKI configuration'
check "show lists the identity certificate" has s2.out \
    "Certificate Serial Number (hex): 1A2B"
check "relative file: path refused" has s2.out \
    "% Invalid URL: file: needs an absolute path (file:/ABSOLUTE/PATH)"
check "missing directory reported" has s2.out "% PKCS12 export failed:"
check "wrong PKCS#12 password refused" has s2.out \
    "% Import PKCS12 operation failed: PKCS12 password is wrong"
check "missing PKCS#12 file reported" has s2.out \
    "none.p12: No such file or directory"
check "T3 was not created" has s2.out \
    "% Certificate Authority (trustpoint) T3 is unknown"
check "PKCS#12 imported under T2" has s2.out \
    "CRYPTO_PKI: Imported PKCS12 file successfully."
check "second import into T2 refused (in use)" has s2.out \
    "% Trustpoint 'T2' is in use."

# --- openssl judges the exports
check "PKCS#12 opens with openssl (AES-256, PBKDF2, SHA-256 MAC)" \
    sh -c "openssl pkcs12 -in t.p12 -info -noout -passin pass:s3cret 2>&1 |
    grep -q 'MAC: sha256' && openssl pkcs12 -in t.p12 -info -noout \
    -passin pass:s3cret 2>&1 | grep -q 'PBES2, PBKDF2, AES-256-CBC'"
check "legacy PKCS#12 uses 3DES and SHA-1" \
    sh -c "openssl pkcs12 -in l.p12 -info -noout -legacy \
    -passin pass:s3cret 2>&1 | grep -q 'MAC: sha1' && openssl pkcs12 \
    -in l.p12 -info -noout -legacy -passin pass:s3cret 2>&1 |
    grep -q 'pbeWithSHA1And3-KeyTripleDES-CBC'"
openssl pkcs12 -in t.p12 -passin pass:s3cret -clcerts -nokeys \
    -out p12cert.pem 2>/dev/null
openssl pkcs12 -in t.p12 -passin pass:s3cret -cacerts -nokeys \
    -out p12ca.pem 2>/dev/null
openssl pkcs12 -in t.p12 -passin pass:s3cret -nocerts -nodes \
    -out p12key.pem 2>/dev/null
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256; }
pub() { openssl pkey -in "$1" -pubout 2>/dev/null; }
check "PKCS#12 certificate is the imported one" \
    same "$(fp p12cert.pem)" "$(fp r1.pem)"
check "PKCS#12 carries the CA" same "$(fp p12ca.pem)" "$(fp ca.pem)"
check "PKCS#12 key matches the certificate" same "$(pub p12key.pem)" \
    "$(openssl x509 -in r1.pem -noout -pubkey)"
check "exported PKCS#12 file is 0600" test "$(stat -c %a t.p12)" = 600
after s2.out 'export T pem terminal password' >pem.out
check "PEM export layout" sh -c "grep -q '^% CA certificate:' pem.out &&
    grep -q '^% Key name: T' pem.out &&
    grep -q '^   Usage: General Purpose Key' pem.out &&
    grep -q '^% General Purpose Certificate:' pem.out"
awk '/BEGIN ENCRYPTED PRIVATE KEY/,/END ENCRYPTED PRIVATE KEY/' pem.out \
    >pemkey.pem
check "PEM key decrypts with openssl and matches" same \
    "$(openssl pkey -in pemkey.pem -passin pass:s3cret -pubout 2>/dev/null)" \
    "$(openssl x509 -in r1.pem -noout -pubkey)"

# --- session 3: PEM import (non-exportable), export refusals, trustpool
awk '/^% CA certificate:/ { f = 1; next } f && /END CERT/ { print; exit }
    f' pem.out >pemca.pem
awk '/^% General Purpose Certificate:/ { f = 1; next } f && /END CERT/ {
    print; exit } f' pem.out >pemcert.pem
{
	printf 'enable\nconfigure terminal\n'
	printf 'crypto pki import T4 pem terminal password wrong\n'
	cat pemca.pem; printf '\n'; cat pemkey.pem; printf 'quit\n'
	cat pemcert.pem; printf '\n'
	printf 'crypto pki import T4 pem terminal password s3cret\n'
	cat pemca.pem; printf 'quit\n'; cat pemkey.pem; printf 'quit\n'
	cat pemcert.pem; printf 'quit\n'
	printf 'crypto pki export T4 pkcs12 file:%s/t4.p12 password abc\n' "$W"
	printf 'crypto pki export T4 pem terminal password abc\n'
	printf 'crypto pki trustpool import terminal\n'; cat r1.pem
	printf 'quit\ncrypto pki trustpool import url file:%s/ca.pem\n' "$W"
	printf 'end\nwrite memory\nshow crypto pki certificates\n'
} >s3.in
session s3.in s3.out
check "PEM import with a wrong password refused" has s3.out \
    "% PEM files import failed: private key: wrong password"
check "PEM import succeeded" has s3.out "% PEM files import succeeded."
check "non-exportable key: PKCS#12 export refused" has s3.out \
    "% RSA keypair T4 is not exportable."
check "non-exportable key: no PKCS#12 file written" test ! -e t4.p12
check "non-exportable key: no PEM key printed" \
    test "$(grep -c 'PRIVATE KEY' s3.out)" -eq 4
check "trustpool refuses a non-CA certificate" has s3.out \
    "is not a CA certificate; trustpool unchanged"
check "trustpool imports the CA file" has s3.out \
    "% PEM files import succeeded."
after s3.out 'show crypto pki certificates' >show_before.out
check "T, T2 and T4 share the identity certificate" \
    has show_before.out "Associated Trustpoints: T T2 T4"

# --- key files: 0600, never world-readable
bad_modes=$(find "$ST/keys" -type f ! -perm 600 | wc -l)
nkeys=$(find "$ST/keys" -type f -name '*.pem' | wc -l)
check "key files exist for T, T2, T4 ($nkeys)" test "$nkeys" -eq 3
check "every key file is mode 0600" test "$bad_modes" -eq 0
check "keys directory is 0700" test "$(stat -c %a "$ST/keys")" = 700
check "no private key in the startup-config" \
    sh -c "! grep -q 'PRIVATE KEY' '$ST/startup-config'"

# --- restart: identical show output, keys still usable
printf 'enable\nshow crypto pki certificates\n' >s4.in
session s4.in s4.out
after s4.out 'show crypto pki certificates' >show_after.out
check "show output identical after write memory + restart" \
    sh -c "test -s show_before.out && diff -u show_before.out show_after.out"
printf 'enable\nshow crypto pki trustpool\nconfigure terminal\n' >s5.in
printf 'crypto pki export T2 pkcs12 file:%s/t2.p12 password again\n' "$W" >>s5.in
session s5.in s5.out
check "trustpool survives the restart" has s5.out "cn=Manual Test Root"
openssl pkcs12 -in t2.p12 -passin pass:again -clcerts -nokeys \
    -out t2cert.pem 2>/dev/null
check "re-exported T2 PKCS#12 holds the same certificate" \
    same "$(fp t2cert.pem 2>/dev/null)" "$(fp r1.pem)"

tap_end
