#!/bin/bash
# tests/e2e/pki_xfer.sh - PKCS#12 / PEM import and export and the trustpool
# against material built by the openssl CLI: a root -> intermediate -> EC
# leaf chain packed by `openssl pkcs12 -export` (AES and 3DES), the ASA
# terminal PKCS#12 forms, key replacement with its confirmation (refused
# and accepted), broken and mismatched PKCS#12 files, a CA-only PEM
# export, EC export refusal, and a PKCS#7 trustpool bundle that survives a
# restart and is cleaned. Every check that matters is made by openssl.
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
after() {
	awk -v c="$2" 'f && /^R[0-9]*[#(>]/ { exit } f { print }
	    index($0, c) && /^R[0-9]*[#(]/ { f = 1 }' "$1"
}
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null; }
# IOS mypubkey hex of a key or certificate's public key (from openssl)
spki_hex() {
	openssl pkey -pubin -in "$1" -outform DER 2>/dev/null | od -An -tx1 -v |
	    tr -d ' \n' | tr a-f A-F
}
# the same from `show crypto key mypubkey` output (Key Data lines)
show_hex() {
	awk '/Key Data:/ { f = 1; next } f && /^  [0-9A-F]/ { print; next }
	    f { exit }' "$1" | tr -d ' \n'
}

cd "$W" || exit 1
# --- root (RSA) -> intermediate (EC P-256) -> leaf (EC P-384)
cat >ca.cnf <<'EOF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[leaf]
keyUsage = critical, digitalSignature
EOF
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem \
    -days 3650 -subj "/CN=Xfer Root/O=pkish" -addext \
    "basicConstraints=critical,CA:TRUE" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout inter.key -out inter.csr -subj "/CN=Xfer Issuing CA" 2>/dev/null
openssl x509 -req -in inter.csr -CA root.pem -CAkey root.key -set_serial 2 \
    -days 1000 -extfile ca.cnf -extensions ca -out inter.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes \
    -keyout leaf.key -out leaf.csr -subj "/CN=leaf.xfer.test" 2>/dev/null
openssl x509 -req -in leaf.csr -CA inter.pem -CAkey inter.key \
    -set_serial 0x0ABC -days 300 -extfile ca.cnf -extensions leaf \
    -out leaf.pem 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue.key -out rogue.pem \
    -days 30 -subj "/CN=Rogue Root" 2>/dev/null
cat inter.pem root.pem >chain.pem
openssl pkcs12 -export -inkey leaf.key -in leaf.pem -certfile chain.pem \
    -passout pass:pw1 -out aes.p12 2>/dev/null
openssl pkcs12 -export -inkey leaf.key -in leaf.pem -certfile chain.pem \
    -passout pass:pw1 -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES \
    -macalg sha1 -out des.p12 2>/dev/null
openssl pkcs12 -export -inkey leaf.key -in leaf.pem -certfile rogue.pem \
    -passout pass:pw1 -out rogue.p12 2>/dev/null
openssl pkcs12 -export -nokeys -in leaf.pem -passout pass:pw1 \
    -out nokey.p12 2>/dev/null
head -c 300 aes.p12 >trunc.p12
printf 'this is not a PKCS#12 file\n' >garbage.p12
openssl crl2pkcs7 -nocrl -certfile root.pem -certfile inter.pem \
    -outform DER -out bundle.p7b 2>/dev/null
openssl pkey -in leaf.key -pubout -out leaf.pub 2>/dev/null
check "fixtures built" test -s aes.p12 -a -s des.p12 -a -s rogue.p12 -a \
    -s nokey.p12 -a -s bundle.p7b

# --- session 1: PKCS#12 imports (good and bad), replacement dialog
{
	printf 'enable\nconfigure terminal\nhostname R1\n'
	printf 'crypto pki import E pkcs12 file:%s/aes.p12 password pw1\n' "$W"
	printf 'crypto pki import D pkcs12 file:%s/des.p12 password pw1\n' "$W"
	printf 'crypto pki import X1 pkcs12 file:%s/rogue.p12 password pw1\n' "$W"
	printf 'crypto pki import X2 pkcs12 file:%s/nokey.p12 password pw1\n' "$W"
	printf 'crypto pki import X3 pkcs12 file:%s/trunc.p12 password pw1\n' "$W"
	printf 'crypto pki import X4 pkcs12 file:%s/garbage.p12 password pw1\n' "$W"
	printf 'crypto pki import X5 pkcs12 http://host/a.p12 password pw1\n'
	printf 'crypto pki import X6 pkcs12 file:%s/aes.p12\n' "$W"
	printf 'crypto key generate rsa label K modulus 1024\n'
	printf 'crypto pki trustpoint TK\n rsakeypair K\n exit\n'
	printf 'do show crypto key mypubkey rsa K\n'
	printf 'crypto pki import TK pkcs12 file:%s/aes.p12 password pw1\nno\n' "$W"
	printf 'do show crypto key mypubkey all K\n'
	printf 'crypto pki import TK pkcs12 file:%s/aes.p12 password pw1\nyes\n' "$W"
	printf 'do show crypto key mypubkey ec K\n'
	printf 'end\nshow crypto pki certificates E\nshow crypto pki trustpoints\n'
	printf 'show crypto key mypubkey ec E\nwrite memory\n'
} >s1.in
session s1.in s1.out
check "AES PKCS#12 from openssl imported" \
    test "$(grep -c 'CRYPTO_PKI: Imported PKCS12 file successfully.' s1.out)" -eq 3
check "rogue chain refused" has s1.out \
    "% PKCS12 import failed: certificate chain verification failed"
check "PKCS#12 without a key refused" has s1.out \
    "% Import PKCS12 operation failed: PKCS12 file has no private key"
check "truncated PKCS#12 refused" has s1.out \
    "% Import PKCS12 operation failed: input is not a PKCS12 file"
check "garbage PKCS#12 refused" \
    test "$(grep -c '^% Import PKCS12 operation failed: input is not a PKCS12 file' s1.out)" -eq 2
check "non-file URL refused" has s1.out "% Invalid URL http://host/a.p12"
check "missing password refused" has s1.out "% A password is required"
check "import failure logged" has s1.out \
    "%PKI-3-PKCS12_IMPORT_FAILURE: PKCS #12 import failed for trustpoint: X2."
for t in X1 X2 X3 X4 X5 X6; do
	check "failed import left no trustpoint $t" \
	    sh -c "! grep -q 'Trustpoint $t:' s1.out"
done
check "replacement asked" has s1.out \
    "% You already have RSA keys defined named K."
check "refused replacement keeps the old key" sh -c "
    awk '/show crypto key mypubkey rsa K/,/^R1\(config\)#crypto pki import/' \
    s1.out | grep -v '^R1' >k1 && awk '/show crypto key mypubkey all K/,
    /^R1\(config\)#crypto pki import/' s1.out | grep -v '^R1' >k2 &&
    grep -q 'RSA KEYS' k2 && diff -q k1 k2 >/dev/null"
check "refused replacement: import aborted" has s1.out \
    "% PKCS12 import aborted: key pair K kept"
after s1.out 'show crypto key mypubkey ec K' >k3
check "accepted replacement stores the PKCS#12 key under K" \
    same "$(show_hex k3)" "$(spki_hex leaf.pub)"
after s1.out 'show crypto pki certificates E' >showE
check "E: identity then issuing CA then root" sh -c "
    grep -n '^Certificate\$\|^CA Certificate\$\|cn=' showE | tr '\n' ' ' |
    grep -q '^1:Certificate .*cn=leaf.xfer.test.*CA Certificate.*CA Certificate'"
check "E: issuing CA is the intermediate" sh -c "
    awk '/^CA Certificate/{n++} n==1' showE | grep -q 'cn=Xfer Issuing CA'"
after s1.out 'show crypto key mypubkey ec E' >kE
check "E: key stored exportable, EC" sh -c "grep -q 'Key type: EC KEYS' kE &&
    grep -q 'Key is exportable.' kE"
check "E: stored key is the PKCS#12 key (openssl DER)" \
    same "$(show_hex kE)" "$(spki_hex leaf.pub)"

# --- session 2: re-export (file, terminal/ASA), EC refusal, CA-only PEM
{
	printf 'enable\nconfigure terminal\n'
	printf 'crypto pki export E pkcs12 file:%s/e.p12 password pw2\n' "$W"
	printf 'crypto ca export E pkcs12 Secret1\n'
	printf 'crypto pki trustpoint C\n enrollment terminal\n exit\n'
	printf 'crypto pki authenticate C\n'; cat root.pem; printf 'quit\nyes\n'
	printf 'crypto pki export C pem terminal\n'
	printf 'crypto pki export C pkcs12 file:%s/c.p12 password x\n' "$W"
	printf 'crypto pki export NOPE pkcs12 file:%s/n.p12 password x\n' "$W"
	printf 'crypto pki export E pem terminal password pw3\n'
} >s2.in
session s2.in s2.out
check "E re-exported to a file" has s2.out \
    "CRYPTO_PKI: Exported PKCS12 file successfully."
openssl pkcs12 -in e.p12 -passin pass:pw2 -clcerts -nokeys -out e_cert.pem \
    2>/dev/null
openssl pkcs12 -in e.p12 -passin pass:pw2 -cacerts -nokeys -out e_ca.pem \
    2>/dev/null
check "re-exported certificate is the leaf" same "$(fp e_cert.pem)" \
    "$(fp leaf.pem)"
check "re-exported chain verifies with openssl verify" \
    openssl verify -CAfile root.pem -untrusted e_ca.pem e_cert.pem
awk '/-----BEGIN PKCS12-----/ { f = 1; next } /-----END PKCS12-----/ {
    f = 0 } f' s2.out | openssl base64 -d -out asa.p12
check "ASA terminal PKCS#12 opens with openssl" sh -c \
    "openssl pkcs12 -in asa.p12 -passin pass:Secret1 -info -noout 2>&1 |
    grep -q 'MAC: sha256'"
check "CA-only trustpoint: not enrolled notice" has s2.out \
    "% The specified trustpoint is not enrolled (C)."
check "CA-only trustpoint: CA certificate only" has s2.out \
    "% Only export the CA certificate in PEM format."
awk '/^% CA certificate:/ { f = 1; next } f { print } f && /END CERT/ {
    exit }' s2.out >c_ca.pem
check "CA-only PEM is the root" same "$(fp c_ca.pem)" "$(fp root.pem)"
check "CA-only trustpoint: PKCS#12 refused" has s2.out \
    "% The specified trustpoint is not enrolled (C)."
check "unknown trustpoint refused" has s2.out \
    "% Certificate Authority (trustpoint) NOPE is unknown"
check "EC key PEM export shows the EC usage" has s2.out \
    "   Usage: Signature Key"

# --- session 3: ASA terminal import, EC non-exportable, trustpool bundle
after s2.out 'crypto ca export E pkcs12 Secret1' |
    awk '/-----BEGIN PKCS12-----/,/-----END PKCS12-----/' >asa.txt
awk '/^% Key name:/ { f = 1; next } f && /BEGIN/ { g = 1 } g { print }
    g && /END/ { exit }' s2.out >e_key.pem
{
	printf 'enable\nconfigure terminal\n'
	printf 'crypto ca import A pkcs12 Secret1\n'; cat asa.txt; printf 'quit\n'
	printf 'crypto ca import A2 pkcs12 WrongSecret\n'; cat asa.txt
	printf 'quit\n'
	printf 'crypto pki import P pem terminal password pw3\n'
	cat inter.pem root.pem; printf 'quit\n'; cat e_key.pem; printf 'quit\n'
	cat leaf.pem; printf 'quit\n'
	printf 'crypto pki export P pkcs12 file:%s/p.p12 password x\n' "$W"
	printf 'crypto pki trustpool import url file:%s/bundle.p7b\n' "$W"
	printf 'crypto pki trustpool import url file:%s/bundle.p7b\n' "$W"
	printf 'crypto pki trustpool import url file:%s/leaf.pem\n' "$W"
	printf 'end\nshow crypto pki trustpool\n'
} >s3.in
session s3.in s3.out
check "ASA terminal PKCS#12 imported" has s3.out \
    "INFO: Import PKCS12 operation completed successfully"
check "ASA terminal import with a wrong passphrase refused" has s3.out \
    "% Import PKCS12 operation failed: PKCS12 password is wrong"
check "PEM bundle with a chain imported" has s3.out \
    "% PEM files import succeeded."
check "EC key imported without exportable is not exportable" has s3.out \
    "% EC keypair P is not exportable."
check "PKCS#7 bundle imported" has s3.out \
    "% 2 CA certificate(s) added, 0 already in the trustpool."
check "re-import adds nothing" has s3.out \
    "% 0 CA certificate(s) added, 2 already in the trustpool."
check "leaf refused by the trustpool" has s3.out \
    "(cn=leaf.xfer.test) is not a CA certificate; trustpool unchanged"
after s3.out 'show crypto pki trustpool' >pool1
check "trustpool shows both CAs" test "$(grep -c \
    '^  Trustpool: Downloaded' pool1)" -eq 2
check "trustpool file holds what openssl reads" same \
    "$(openssl crl2pkcs7 -nocrl -certfile "$ST/trustpool.pem" 2>/dev/null |
    openssl pkcs7 -print_certs -noout 2>/dev/null | grep -c subject)" 2

# --- session 4 (restart): trustpool persisted, then cleaned
{
	printf 'enable\nshow crypto pki trustpool\nconfigure terminal\n'
	printf 'crypto pki trustpool import clean url file:%s/root.pem\n' "$W"
	printf 'do show crypto pki trustpool\n'
	printf 'crypto pki trustpool import clean\n'
	printf 'do show crypto pki trustpool\n'
} >s4.in
session s4.in s4.out
after s4.out 'show crypto pki trustpool' >pool2
check "trustpool identical after restart" \
    sh -c "test -s pool1 && diff -u pool1 pool2"
check "clean + url replaces the pool" test "$(after s4.out \
    'do show crypto pki trustpool' | grep -c '^CA Certificate')" -eq 1
check "clean empties the pool" test "$(awk '/import clean$/ { f = 1 }
    f' s4.out | grep -c '^CA Certificate')" -eq 0
check "trustpool file emptied" test ! -s "$ST/trustpool.pem"
check "every key file is mode 0600" test \
    "$(find "$ST/keys" -type f ! -perm 600 | wc -l)" -eq 0

tap_end
