#!/bin/bash
# tests/e2e/ca_pkish.sh - pkish's certificate server and pkish's SCEP
# client as two pkish processes (the CA router and R1 of the reference
# session), each a long-running console fed through a FIFO, inside a
# private network namespace where only loopback exists:
#  1. CA: RSA 2048 key CS, `ip http server`, `crypto pki server CS` with
#     an issuer name, a 10-day certificate lifetime and a cdp-url, `no
#     shutdown` with the passphrase dialog; `show crypto pki server`.
#  2. R1: `crypto pki authenticate CS` shows the CA's fingerprints (equal
#     to openssl's and to the CA's `CA cert fingerprint`), `crypto pki
#     enroll CS` -> PENDING: the CA grants manually, the default mode.
#     (`grant none` makes an IOS CA reject every request, so the pending ->
#     grant step uses the manual queue.) The request is pending in `show
#     crypto pki server CS requests`; `crypto pki server CS grant all`;
#     R1's next poll installs the certificate (%PKI-6-CERTRET), which
#     `openssl verify` accepts against the CA's GetCACert answer and which
#     `show crypto pki server CS certificates` lists.
#  3. Renewal (auto-enroll 80 regenerate: a new key, so a new
#     transactionID): the CA switches to `grant auto trustpoint CS` (renewals
#     signed by a certificate of its own trustpoint), both clocks move past
#     R1's renew date (auto-enroll 80 of 10 days): R1 renews by itself
#     (%PKI-6-CERTRENEWAUTO), the new certificate verifies, has a new serial.
#  4. Revocation: `crypto pki server CS revoke SERIAL` of the first
#     certificate; R1 fetches the CRL from the CDP of its certificate
#     (`crypto pki crl request CS`, verified with the CA certificate) and
#     `show crypto pki crls` lists the serial; the same CRL verifies with
#     openssl against the CA; `openssl verify
#     -crl_check` refuses the first certificate and accepts the second;
#     `show crypto pki server CS crl` agrees. `unrevoke` takes it out again.
#  4b. Renewal keeping the key (`auto-enroll 80` without regenerate): the
#     same transactionID as the request of the certificate it renews, signed
#     by that certificate: the CA issues a new one with a new serial.
#  5. `write memory`, then the CA restarts as a daemon (--no-console): it
#     comes back enabled without a dialog, serving the same CA certificate.
# Env (tests/run.sh): PKISH, PKISH_PLAIN, TESTBIN, ROOT.
# Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/scep.bash"
. "$HERE/ca.bash"

ca_begin ca_pkish "" "$@"
PORT=8080
CAURL=http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe
CDP=http://127.0.0.1:$PORT/crl/CS.crl
PASS=Lab-Archive-Pass-1
VNOW=$(date +%s)
both_clock() {	# both_clock EPOCH: clock set on the CA and on R1
	VNOW=$1
	ca_send "clock set $(clockarg "$1")"
	pk_send "clock set $(clockarg "$1")"
}

###########################################################################
# 1. the CA
pk_start "$W/r1" "$W/r1.out"
ca_con_start "$W/ca" "$W/ca.out"
ca_send enable "configure terminal" "hostname CA" \
    "crypto key generate rsa label CS modulus 2048 exportable" \
    "ip http server" "ip http port $PORT" "crypto pki server CS" \
    " issuer-name CN=Lab Root CA,O=pkish" " lifetime certificate 10" \
    " cdp-url $CDP" " no shutdown" "$PASS" "$PASS" " end" \
    "show crypto pki server" "write memory"
ca_sync 120 || die "CA set-up: $(tail -20 "$CA_OUT")"
check "CA: % Certificate Server enabled." has "$CA_OUT" \
    "% Certificate Server enabled."
check "CA: the passphrase dialog asked twice" seq_in "$(cat "$CA_OUT")" \
    $'% Please enter a passphrase to protect the private key\n% or type Return to exit'
check "CA: the passphrase is not echoed" hasnt "$CA_OUT" "$PASS"
wait_http "$CAURL?operation=GetCACaps" || die "no SCEP at $CAURL"
curl -s "$CAURL?operation=GetCACert" -o ca.der
openssl x509 -inform der -in ca.der -out ca.pem 2>/dev/null ||
    openssl pkcs7 -inform der -in ca.der -print_certs -out ca.pem
check "GetCACert: a CA certificate" test -s ca.pem
check "CA certificate: issuer-name CN=Lab Root CA,O=pkish" grep -q \
    'CN *= *Lab Root CA' <(openssl x509 -in ca.pem -noout -subject)
S=$(ca_after "show crypto pki server")
FPM=$(ios_fp ca.pem md5)
for l in "Certificate Server CS:" "    Status: enabled" \
    "    Server's configuration is locked  (enter \"shut\" to unlock it)" \
    "    Issuer name: CN=Lab Root CA,O=pkish" \
    "    CA cert fingerprint: $FPM" "    Granting mode is: manual" \
    "    Database Level: Minimum - no cert data written to storage"; do
	check "show crypto pki server: $l" grep -qxF -- "$l" <<<"$S"
done

###########################################################################
# 2. R1: authenticate, enroll -> PENDING -> grant -> installed
pk_send enable "configure terminal" "hostname R1" \
    "crypto pki trustpoint CS" " enrollment url http://127.0.0.1:$PORT" \
    " subject-name CN=r1.example.test,O=pkish" " serial-number none" \
    " ip-address none" " rsakeypair R1 2048" " enrollment retry period 1" \
    " auto-enroll 80 regenerate" " revocation-check none" " exit" \
    "crypto pki authenticate CS" yes "crypto pki enroll CS noconfirm" end \
    "show crypto pki trustpoints CS status"
pk_sync 120 || die "R1 enrollment: $(tail -20 "$PK_OUT")"
A=$(after r1.out "crypto pki authenticate CS")
check "authenticate: MD5 fingerprint is the CA's ($FPM)" \
    grep -qF "Fingerprint MD5: $FPM" <<<"$A"
check "authenticate: SHA1 fingerprint is openssl's" \
    grep -qF "Fingerprint SHA1: $(ios_fp ca.pem sha1)" <<<"$A"
check "authenticate: accepted" grep -qF \
    "Trustpoint CA certificate accepted." <<<"$A"
check "enroll: PENDING, polling announced" has r1.out \
    "% Certificate request is pending; polling every 1 minute(s)"
ca_send "show crypto pki server CS requests"
ca_sync
REQ=$(ca_after "show crypto pki server CS requests")
# the subject as the request has it (the dialog adds hostname=R1)
check "CA: the request is pending" grep -qE '^1 +pending +[0-9A-F]{32} '\
'cn=r1.example.test,o=pkish(,hostname=R1)?$' <<<"$REQ"
check "R1: no certificate while pending" hasnt r1.out "%PKI-6-CERTRET"
ca_send "crypto pki server CS grant all" "show crypto pki server CS requests"
ca_sync
check "CA: grant all prints nothing" test -z \
    "$(ca_after "crypto pki server CS grant all")"
check "CA: the request is granted" grep -qE '^1 +granted ' \
    <<<"$(ca_after "show crypto pki server CS requests")"
pk_send "clock set $(clockarg $((VNOW + 65)))"
pk_wait "%PKI-6-CERTRET" 1 60
check "R1: the poll installs it (%PKI-6-CERTRET)" has r1.out \
    "%PKI-6-CERTRET: Certificate received from Certificate Authority"
pk_cert CS rc1.txt id1.pem
check "R1's certificate verifies against the CA (openssl verify)" \
    openssl verify -CAfile ca.pem id1.pem
check "R1's certificate: subject CN=r1.example.test" grep -q \
    'CN *= *r1.example.test' <(openssl x509 -in id1.pem -noout -subject)
check "R1's certificate carries the cdp-url" grep -qF "URI:$CDP" \
    <(openssl x509 -in id1.pem -noout -ext crlDistributionPoints)
S1=$(serial_of id1.pem | ca_norm)
ca_send "show crypto pki server CS certificates"
ca_sync
check "CA: show ... certificates lists serial $S1" grep -qiE \
    "^0*$S1 .*cn=r1.example.test" \
    <<<"$(ca_after "show crypto pki server CS certificates")"

###########################################################################
# 3. renewal through auto-enroll, granted by `grant auto trustpoint CS`
ca_send "configure terminal" "crypto pki server CS" \
    " grant auto trustpoint CS" " end"
ca_sync
NB=$(date -u -d "$(openssl x509 -in id1.pem -noout -startdate | cut -d= -f2)" +%s)
NA=$(date -u -d "$(openssl x509 -in id1.pem -noout -enddate | cut -d= -f2)" +%s)
check "R1's certificate lives 10 days (lifetime certificate 10)" \
    test $((NA - NB)) -eq 864000
both_clock $((NB + (NA - NB) * 85 / 100))
pk_wait "%PKI-6-CERTRENEWAUTO" 1 60
pk_wait "%PKI-6-CERT_INSTALL" 2 120
check "R1 renews by itself (%PKI-6-CERTRENEWAUTO)" has r1.out \
    "%PKI-6-CERTRENEWAUTO: Renewing the router certificate for trustpoint CS"
pk_cert CS rc2.txt id2.pem
S2=$(serial_of id2.pem | ca_norm)
check "renewed certificate: a new serial ($S1 -> $S2)" \
    test -n "$S2" -a "$S2" != "$S1"
check "renewed certificate verifies against the CA (at the moved clock)" \
    openssl verify -attime $((VNOW + 60)) -CAfile ca.pem id2.pem

###########################################################################
# 4. revocation and the CRL R1 fetches from its certificate's CDP
ca_send "crypto pki server CS revoke $S1" "show crypto pki server CS crl"
ca_sync
check "CA: revoke says so" grep -qE \
    "^% Certificate 0*$S1 succesfully revoked\.$" \
    <<<"$(ca_after "crypto pki server CS revoke $S1")"
check "CA: show ... crl lists $S1" grep -qE \
    "^    Serial Number \(hex\): 0*$S1$" \
    <<<"$(ca_after "show crypto pki server CS crl")"
pk_send "configure terminal" "crypto pki crl request CS" end \
    "show crypto pki crls"
pk_sync
check "R1: crypto pki crl request CS fetches and verifies it" test -z \
    "$(after r1.out "crypto pki crl request CS")"
CRLS=$(after r1.out "show crypto pki crls")
check "R1: show crypto pki crls: from the CDP, in the cache" seq_in "$CRLS" \
    $'    Retrieved from CRL Distribution Point: \n      '"$CDP"
check "R1: the fetched CRL lists $S1" grep -qE \
    "^    Revoked serial number \(hex\): 0*$S1$" <<<"$CRLS"
URI=$(openssl x509 -in id2.pem -noout -ext crlDistributionPoints |
    sed -n 's/.*URI://p' | head -1)
curl -s "$URI" -o crl.der
openssl crl -inform der -in crl.der -out crl.pem 2>/dev/null
check "the CRL at R1's CDP verifies against the CA" \
    openssl crl -in crl.pem -CAfile ca.pem -noout
check "the CRL lists $S1" grep -qiE "Serial Number: 0*$S1$" \
    <(openssl crl -in crl.pem -noout -text)
cat ca.pem crl.pem >ca_crl.pem
# at the CA's (virtual) time: the CRL was issued after the clock move
check "openssl verify -crl_check refuses the revoked certificate" \
    bash -c "! openssl verify -attime $((VNOW + 60)) -crl_check \
    -CAfile ca_crl.pem id1.pem"
check "openssl verify -crl_check accepts the renewed one" \
    openssl verify -attime $((VNOW + 60)) -crl_check -CAfile ca_crl.pem \
    id2.pem
ca_send "crypto pki server CS unrevoke $S1" "show crypto pki server CS crl"
ca_sync
check "CA: unrevoke takes it off the CRL" test -z "$(ca_after \
    "show crypto pki server CS crl" | grep -E "Serial Number \(hex\): 0*$S1$")"

###########################################################################
# 4b. renewal keeping the key (auto-enroll 80, no regenerate): the same key,
# so the same transactionID as the request that got id2; the RenewalReq is
# signed by id2 itself, so the CA issues a new certificate, not id2 again.
pk_send "configure terminal" "crypto pki trustpoint CS" " auto-enroll 80" \
    end
pk_sync
NB=$(date -u -d "$(openssl x509 -in id2.pem -noout -startdate | cut -d= -f2)" +%s)
NA=$(date -u -d "$(openssl x509 -in id2.pem -noout -enddate | cut -d= -f2)" +%s)
both_clock $((NB + (NA - NB) * 85 / 100))
pk_wait "%PKI-6-CERTRENEWAUTO" 2 60
pk_wait "%PKI-6-CERT_INSTALL" 3 120
check "R1 renews again, keeping its key (%PKI-6-CERTRENEWAUTO)" \
    test "$(grep -cF "%PKI-6-CERTRENEWAUTO" "$PK_OUT")" -ge 2
pk_cert CS rc3.txt id3.pem
S3=$(serial_of id3.pem | ca_norm)
check "same-key renewal: a new serial, not the old certificate ($S2 -> $S3)" \
    test -n "$S3" -a "$S3" != "$S2" -a "$S3" != "$S1"
check "same-key renewal: the same public key as id2" test \
    "$(openssl x509 -in id2.pem -noout -pubkey)" = \
    "$(openssl x509 -in id3.pem -noout -pubkey)"
check "same-key renewal verifies against the CA (at the moved clock)" \
    openssl verify -attime $((VNOW + 60)) -CAfile ca.pem id3.pem
ca_send "show crypto pki server CS certificates"
ca_sync
check "CA: show ... certificates lists serial $S3" grep -qiE \
    "^0*$S3 .*cn=r1.example.test" \
    <<<"$(ca_after "show crypto pki server CS certificates")"

###########################################################################
# 5. restart: the saved server comes back enabled, without a dialog
ca_send "write memory"
ca_sync
ca_con_stop
check "CA console exits 0" test "$CA_RC" -eq 0
check "startup-config: the server block ends in no shutdown" grep -qzF \
    $'crypto pki server CS\n issuer-name CN=Lab Root CA,O=pkish\n grant auto trustpoint CS\n lifetime certificate 10\n cdp-url '"$CDP"$'\n no shutdown\n!' \
    "$W/ca/startup-config"
ca_daemon "$W/ca" "$CAURL"
check "the restarted CA serves SCEP" test "$(curl -s -o /dev/null -w '%{http_code}' \
    "$CAURL?operation=GetCACaps")" = 200
curl -s "$CAURL?operation=GetCACert" -o ca2.der
check "the same CA certificate after the restart" cmp -s ca.der ca2.der
check "no dialog, no error at start-up" hasnt daemon.log "%"
ca_daemon_stop
pk_stop
check "R1 console exits 0" test "$PK_RC" -eq 0
finish
