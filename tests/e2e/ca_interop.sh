#!/bin/bash
# tests/e2e/ca_interop.sh - the certificate server against other
# SCEP clients, all inside a private network namespace (loopback only):
# micromdm scepclient, strongswan `pki --scep`, certmonger's scep-submit
# helper (run directly: GetCACaps, GetCACert, and a PKCSReq built by
# scep_load), and scep_load itself over two connections. openssl verifies
# every issued certificate against the CA certificate from GetCACert,
# and the CRL (pkish). Every certificate received is in the CA database
# (`show crypto pki server CS certificates`).
# CA_TARGET=pkish (default), micromdm (the stand-in: no CRL, duplicate
# serials, and strongswan refuses its CertReps: "only RSA digest
# encryption supported", sha256WithRSAEncryption as SignerInfo
# algorithm) or responder (pkish's scripted test CA; scepclient's request
# gets HTTP 400 there).
# Env (tests/run.sh): PKISH, ROOT. Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/scep.bash"
. "$HERE/ca.bash"

SUBMIT=/usr/lib/certmonger/scep-submit
ca_begin ca_interop "scepserver scepclient pki $SUBMIT" "$@"
ca_need_load
ca_up "$W/ca" 2080
vfy() { openssl verify -CAfile "$CA_PEM" "$1" >/dev/null 2>&1; }
: >received

# micromdm scepclient
timeout 60 scepclient -server-url "$CA_URL" -private-key sc.key \
    -certificate sc.pem -cn scepclient-1 \
    ${CA_CHALLENGE:+-challenge "$CA_CHALLENGE"} >sc.log 2>&1
check "scepclient enrolls (rc=$?)" test -s sc.pem
check "scepclient's certificate verifies against the CA" vfy sc.pem
check "scepclient's certificate has its CN" \
    has <(openssl x509 -in sc.pem -noout -subject 2>&1) scepclient-1
[ -s sc.pem ] && serial_of sc.pem >>received

# strongswan pki --scep
# strongswan 5.9.8 tests each capability at the wrong bit (the enum is
# a bit number, used as a mask): it takes sha256 only from a CA that
# advertises DES3 or SHA-384, AES only with SHA-384, DES3 and sha512 with
# AES and SHA-256. It refuses before sending anything, so the next
# choice is tried only after such a refusal.
openssl genrsa -out sw.key 2048 2>/dev/null
sw() {
	timeout 60 pki --scep --url "$CA_URL" --in sw.key --dn "CN=strongswan-1" \
	    ${CA_CHALLENGE:+--password "$CA_CHALLENGE"} --cacert-enc "$CA_PEM" \
	    --cacert-sig "$CA_PEM" --maxpolltime 10 --interval 1 \
	    --outform pem "$@" >sw.pem 2>sw.log
}
for alg in "" "--digest sha512" "--cipher des3 --digest sha512"; do
	sw $alg
	rc=$?
	grep -q "algorithm not supported by CA" sw.log || break
	echo "# strongswan: $(grep -m1 'not supported by CA' sw.log)"
done
echo "# strongswan used: ${alg:-its defaults (aes, sha256)}"
check "strongswan pki --scep enrolls (rc=$rc)" test -s sw.pem
[ -s sw.pem ] || grep -v plugin sw.log | tail -5
check "strongswan's certificate verifies against the CA" vfy sw.pem
[ -s sw.pem ] && serial_of sw.pem >>received

# certmonger's scep-submit, as certmonger runs it
"$SUBMIT" -u "$CA_URL" -c >cm.caps 2>&1
check "scep-submit -c: GetCACaps (rc=$?)" test -s cm.caps
"$SUBMIT" -u "$CA_URL" -C >cm.cacerts 2>&1
check "scep-submit -C: GetCACert gives the CA certificate" \
    has cm.cacerts "$(sed -n 2p "$CA_PEM")"
mkdir dump
"$LOAD" -u "$CA_URL" "${CH[@]}" -n 1 -d dump >dump.log 2>&1 ||
    die "scep_load -d: $(cat dump.log)"
"$SUBMIT" -u "$CA_URL" -r "$CA_PEM" -N "$CA_PEM" -p dump/000000.msg.pem \
    >cm.out 2>cm.err
check "scep-submit -p: PKCSReq issued (rc=$?)" has cm.out "BEGIN PKCS7"
sed -n '/BEGIN PKCS7/,/END PKCS7/p' cm.out >cm.env.pem
openssl cms -provider legacy -provider default -decrypt -inform PEM \
    -in cm.env.pem -recip dump/000000.signer.pem \
    -inkey dump/000000.key.pem -binary -outform DER -out cm.inner.der \
    2>cm.dec.err
openssl pkcs7 -inform DER -in cm.inner.der -print_certs 2>/dev/null |
    sed -n '/BEGIN/,/END/p' >cm.pem
check "scep-submit's pkcsPKIEnvelope opens with the requester key" \
    test -s cm.pem
check "certmonger's certificate verifies against the CA" vfy cm.pem
check "certmonger's certificate is for the requester key" \
    same "$(openssl x509 -in cm.pem -noout -pubkey 2>/dev/null)" \
    "$(openssl pkey -in dump/000000.key.pem -pubout 2>/dev/null)"
[ -s cm.pem ] && serial_of cm.pem >>received

# scep_load, 2 connections
mkdir load
"$LOAD" -u "$CA_URL" "${CH[@]}" -n 20 -c 2 -k 4 -o load >load.out 2>load.err
echo "# $(cat load.out)"
check "scep_load: 20 of 20 issued, no duplicate serial" \
    has load.out "ok=20 fail=0 pending=0 http=0 net=0 bad=0 dup=0 "
n=0
for f in load/0*.pem; do vfy "$f" && n=$((n + 1)); done
check "openssl verifies all 20 scep_load certificates ($n)" test "$n" -eq 20
awk '{ print $1 }' load/received >>received

# the CRL
if [ "$CA_TARGET" = pkish ]; then
	ca_crl crl.pem
	check "GetCRL gives a CRL" test -s crl.pem
	check "openssl verifies the CRL against the CA" \
	    openssl crl -in crl.pem -CAfile "$CA_PEM" -verify -noout
fi

# the database has every certificate a client received
ca_norm <received | sort >received.sorted
ca_serials db.serials
check "CA database lists every received certificate" \
    test -z "$(comm -23 received.sorted db.serials)"
check "no serial twice among received certificates" \
    test -z "$(uniq -d received.sorted)"
check "no serial twice in the CA database" test -z "$(uniq -d db.serials)"
ca_no_san
finish
