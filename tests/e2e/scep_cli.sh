#!/bin/bash
# tests/e2e/scep_cli.sh - the user-facing SCEP flow of issue 5 through the
# real pkish binary, against micromdm scepserver (challenge set) and the
# scripted responder (build/tests/helpers/scep_responder), all inside a
# private network namespace where only loopback exists.
# Checks: `crypto pki authenticate` (fingerprints equal to openssl's,
# [yes/no]), `crypto pki enroll` (IOS dialog, %PKI-6-CERTRET), show
# certificates / trustpoints status (SCEP capabilities), the identity
# certificate taken from `show running-config` verifies with
# `openssl verify -CAfile depot/ca.pem` and carries the key of
# `show crypto key mypubkey rsa`; `write memory` + restart keeps it;
# re-enrollment is a RenewalReq signed by the current certificate (server
# log, responder log); wrong challenge -> FAILURE badRequest, no
# certificate; CA down -> clear % error, old certificate kept; configured
# fingerprint wrong -> refused, right -> accepted without the question;
# a URL without a path uses /cgi-bin/pkiclient.exe; RA mode (envelope to
# the RA, CertRep from the RA); debug output never carries the challenge.
# Env (tests/run.sh): PKISH, PKISH_PLAIN, TESTBIN, ROOT.
# Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "$(dirname "$0")/scep.bash"

scep_prereq "$@"

W=$(mktemp -d /tmp/scep_cli.XXXXXX) || die mktemp
LOGGER_PID=
cleanup() {
	[ -n "$PK_PID" ] && pk_kill
	scep_server_stop
	resp_stop
	[ -n "$LOGGER_PID" ] && kill "$LOGGER_PID" 2>/dev/null &&
	    wait "$LOGGER_PID" 2>/dev/null
	[ -n "${KEEP:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
cd "$W" || die "cd $W"

PORT=2016
URL=http://127.0.0.1:$PORT/scep
CH=Cli-Challenge-7f3e
scep_ca_init "$W/depot"
scep_server_start "$W/depot" $PORT "$CH"
CA=$W/depot/ca.pem
FP1=$(ios_fp "$CA" sha1)
FPM=$(ios_fp "$CA" md5)

# --- session 1: authenticate, enroll, show, running-config, write memory
cat >s1.in <<EOF
enable
debug crypto pki transactions
debug crypto pki messages
configure terminal
hostname R1
crypto pki trustpoint CORP
 enrollment url $URL
 subject-name CN=r1.example.test,O=Example
 password $CH
 rsakeypair CORPKEY 2048
 enrollment retry count 5
 enrollment retry period 1
 auto-enroll 70 regenerate
 revocation-check none
 exit
crypto pki authenticate CORP
yes
crypto pki enroll CORP
no
no
yes
end
show crypto pki certificates CORP
show crypto pki trustpoints CORP status
show crypto key mypubkey rsa CORPKEY
show running-config
write memory
EOF
session st s1.in s1.out
A=$(after s1.out "crypto pki authenticate CORP")
check "authenticate: SHA1 fingerprint is depot/ca.pem's ($FP1)" \
    grep -qF "      Fingerprint SHA1: $FP1" <<<"$A"
check "authenticate: MD5 fingerprint is depot/ca.pem's" \
    grep -qF "       Fingerprint MD5: $FPM" <<<"$A"
check "authenticate: asks [yes/no], accepted" seq_in "$A" \
    $'% Do you accept this certificate? [yes/no]: yes\nTrustpoint CA certificate accepted.'
E=$(after s1.out "crypto pki enroll CORP")
for l in "% Start certificate enrollment .." \
    "% The subject name in the certificate will include: CN=r1.example.test,O=Example" \
    "% Include the router serial number in the subject name? [yes/no]: no" \
    "% Include an IP address in the subject name? [no]: no" \
    "Request certificate from CA? [yes/no]: yes" \
    "% Certificate request sent to Certificate Authority" \
    "%PKI-6-CERTRET: Certificate received from Certificate Authority" \
    "%PKI-6-CERT_INSTALL: An ID certificate has been installed under"; do
	check "enroll dialog: $l" grep -qF -- "$l" <<<"$E"
done
check "no challenge question (password configured)" hasnt s1.out "Password:"
after s1.out "show running-config" >rc1.txt
chain_cert rc1.txt CORP >id1.pem
chain_cert rc1.txt CORP "ca " >ca1.pem
check "running-config: identity certificate in the chain" test -s id1.pem
check "running-config: CA certificate is depot/ca.pem" \
    cmp -s <(openssl x509 -in ca1.pem -outform der) <(openssl x509 -in "$CA" -outform der)
check "openssl verify -CAfile depot/ca.pem (certificate from running-config)" \
    openssl verify -CAfile "$CA" id1.pem
check "certificate subject is CN=r1.example.test,O=Example" \
    grep -q 'CN *= *r1.example.test' <(openssl x509 -in id1.pem -noout -subject)
S1=$(serial_of id1.pem)
K1=$(after s1.out "show crypto key mypubkey rsa CORPKEY" | keydata)
check "certificate carries the CORPKEY public key" test "$K1" = "$(cert_spki id1.pem)"
check "RSA 2048 key" grep -q 'Public-Key: (2048 bit)' <(openssl x509 -in id1.pem -noout -text)
C=$(after s1.out "show crypto pki certificates CORP")
check "show certificates: identity block with serial $S1" seq_in "$C" \
    $'Certificate\n  Status: Available\n  Certificate Serial Number (hex): '"$S1"
check "show certificates: CA Certificate block" grep -q '^CA Certificate' <<<"$C"
check "show certificates: renew date (auto-enroll 70)" grep -q 'renew date:' <<<"$C"
T=$(after s1.out "show crypto pki trustpoints CORP status")
for l in "Last enrollment status: Granted" "SCEP capabilities:" \
    "    POSTPKIOperation" "    Renewal" "    SHA-256" "    AES" \
    "Issuing CA authenticated ....... Yes"; do
	check "trustpoints status: $l" grep -qF -- "$l" <<<"$T"
done
check "debug: PKCSReq sent" has s1.out "CRYPTO_PKI: Client sending PKCSReq"
check "server saw PKCSReq (19)" grep -q 'PKCSReq (19)' depot.server.log
check "write memory" grep -qF "[OK]" <(after s1.out "write memory")
check "startup-config saved" has st/startup-config "crypto pki certificate chain CORP"
# The challenge appears only where typed as configuration.
leak() { grep -F -- "$CH" "$1" | grep -vE "^R1\(ca-trustpoint\)# password $CH\$|^ password 0 $CH\$"; }
check "debug output never contains the challenge (session 1)" test -z "$(leak s1.out)"

# --- session 2: restart keeps the certificate; re-enroll = RenewalReq
cat >s2.in <<EOF
enable
show crypto pki certificates CORP
debug crypto pki transactions
configure terminal
crypto pki enroll CORP
yes
no
no
yes
end
show crypto key mypubkey rsa CORPKEY
show running-config
write memory
EOF
session st s2.in s2.out
C=$(after s2.out "show crypto pki certificates CORP")
check "after restart: same certificate (serial $S1)" grep -qF \
    "Certificate Serial Number (hex): $S1" <<<"$C"
E=$(after s2.out "crypto pki enroll CORP")
check "re-enroll asks to replace the certificate" grep -qF \
    "Do you want to continue with re-enrollment? [yes/no]: yes" <<<"$E"
check "re-enroll: RenewalReq sent" grep -qF "Client sending RenewalReq" <<<"$E"
check "server saw RenewalReq (17)" grep -q 'RenewalReq (17)' depot.server.log
check "re-enroll granted" grep -qF "%PKI-6-CERTRET" <<<"$E"
after s2.out "show running-config" >rc2.txt
chain_cert rc2.txt CORP >id2.pem
S2=$(serial_of id2.pem)
check "renewed certificate is new ($S1 -> $S2)" test -n "$S2" -a "$S2" != "$S1"
check "openssl verify renewed certificate" openssl verify -CAfile "$CA" id2.pem
K2=$(after s2.out "show crypto key mypubkey rsa CORPKEY" | keydata)
check "regenerate: new key pair, certified by the new certificate" \
    test -n "$K2" -a "$K2" != "$K1" -a "$K2" = "$(cert_spki id2.pem)"
check "regenerate: temporary key labels gone" \
    test -s st/keys/CORPKEY.pem -a -z "$(ls st/keys | grep -E '\.(new|old)[0-9]+')"
check "debug output never contains the challenge (session 2)" test -z "$(leak s2.out)"

# --- session 3: wrong challenge, CA down, fingerprints, no path
# a logger that records request paths and answers 404
cat >logger.py <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        open(sys.argv[2], "a").write(self.path + "\n")
        self.send_response(404); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
python3 logger.py 2031 "$W/paths.log" &
LOGGER_PID=$!
wait_http http://127.0.0.1:2031/ || die "path logger did not start"
FP256=$(openssl x509 -in "$CA" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
    tr A-F a-f)
WRONG=Wrong-Challenge-91c
cat >s3.in <<EOF
enable
debug crypto pki transactions
configure terminal
crypto pki trustpoint BADPW
 enrollment url $URL
 subject-name CN=bad.example.test
 rsakeypair BADKEY 2048
 serial-number none
 ip-address none
 revocation-check none
 exit
crypto pki authenticate BADPW
yes
crypto pki enroll BADPW
$WRONG
$WRONG
yes
do show crypto pki certificates BADPW
do show crypto pki trustpoints BADPW status
crypto pki trustpoint DOWN
 enrollment url http://127.0.0.1:2017/scep
 exit
crypto pki authenticate DOWN
crypto pki trustpoint FPBAD
 enrollment url $URL
 fingerprint 0123456789ABCDEF0123456789ABCDEF01234567
 exit
crypto pki authenticate FPBAD
crypto pki enroll FPBAD
crypto pki trustpoint FPOK
 enrollment url $URL
 fingerprint ${FP1// /}
 exit
crypto pki authenticate FPOK
crypto pki trustpoint FPOK256
 enrollment url $URL
 fingerprint $FP256
 exit
crypto pki authenticate FPOK256
crypto pki trustpoint NOPATH
 enrollment url http://127.0.0.1:2031
 exit
crypto pki authenticate NOPATH
end
show running-config
EOF
session st s3.in s3.out
E=$(after s3.out "crypto pki enroll BADPW")
check "challenge dialog asked (no password configured)" seq_in "$E" \
    $'Password: \nRe-enter password: '
check "wrong challenge: FAILURE badRequest" grep -qF \
    "% Certificate enrollment failed: the CA rejected the request (failInfo badRequest)" <<<"$E"
check "wrong challenge: %PKI-3-CERTREJECT" grep -qF "%PKI-3-CERTREJECT" <<<"$E"
C=$(after s3.out "do show crypto pki certificates BADPW")
check "wrong challenge: only the CA certificate shown" \
    test "$(grep -c 'Certificate$' <<<"$C")" = 1 -a "$(grep -c '^CA Certificate$' <<<"$C")" = 1
check "wrong challenge: status Rejected" grep -qF "Last enrollment status: Rejected" \
    <(after s3.out "do show crypto pki trustpoints BADPW status")
after s3.out "show running-config" >rc3.txt
check "wrong challenge: chain has the CA but no identity certificate" \
    test -z "$(chain_cert rc3.txt BADPW)" -a -n "$(chain_cert rc3.txt BADPW "ca ")"
check "wrong challenge never printed" hasnt s3.out "$WRONG"
E=$(after s3.out "crypto pki authenticate DOWN")
check "CA down: % Error in receiving CA certificate" grep -qF \
    "% Error in receiving Certificate Authority certificate: status = FAIL, cert length = 0" <<<"$E"
check "CA down: says why (connection refused)" grep -q "^% SCEP GetCACert to http://127.0.0.1:2017/scep: .*onnect" <<<"$E"
E=$(after s3.out "crypto pki authenticate FPBAD")
check "wrong fingerprint refused" grep -qF "% Error: CA certificate fingerprint does not match" <<<"$E"
check "wrong fingerprint: nothing accepted" test -z "$(grep -F 'accepted.' <<<"$E")"
check "wrong fingerprint: enroll refused (no CA)" grep -qF \
    "% You must authenticate the Certificate Authority before you can enroll with it." \
    <(after s3.out "crypto pki enroll FPBAD")
for tp in FPOK FPOK256; do
	E=$(after s3.out "crypto pki authenticate $tp")
	check "$tp: right fingerprint accepted without asking" seq_in "$E" \
	    $'Fingerprint matches the configured fingerprint.\nTrustpoint CA certificate accepted.'
	check "$tp: no [yes/no] question" test -z "$(grep -F 'Do you accept' <<<"$E")"
	chain_cert rc3.txt $tp "ca " >$tp.pem
	check "$tp: CA certificate stored" test -s $tp.pem
done
check "URL without a path: GET /cgi-bin/pkiclient.exe?operation=GetCACert" \
    grep -q '^/cgi-bin/pkiclient.exe?operation=GetCACert' paths.log
check "URL without a path: HTTP 404 reported" grep -qF "HTTP status 404" \
    <(after s3.out "crypto pki authenticate NOPATH")
check "debug output on in session 3" has s3.out "CRYPTO_PKI: Client sending PKCSReq"
check "debug output never contains the challenge (session 3)" test -z "$(leak s3.out)"

# --- session 4: the CA is down: enroll fails clearly, certificate kept
scep_server_stop
cat >s4.in <<EOF
enable
configure terminal
crypto pki enroll CORP
yes
no
no
yes
end
show running-config
EOF
session st s4.in s4.out
E=$(after s4.out "crypto pki enroll CORP")
check "CA down: enroll gives a % error (connection refused)" \
    grep -q "^% SCEP GetCACaps to $URL: .*onnect" <<<"$E"
after s4.out "show running-config" >rc4.txt
check "CA down: the certificate stays ($S2)" \
    test "$(chain_cert rc4.txt CORP | serial_of /dev/stdin)" = "$S2"

# --- the scripted responder: /cgi-bin/pkiclient.exe, RA mode, RenewalReq signer
resp_start "$W/cgi" 2032 cgi
resp_start "$W/ra" 2033 ra
cat >s5.in <<EOF
enable
configure terminal
crypto pki trustpoint CGI
 enrollment url http://127.0.0.1:2032
 subject-name CN=cgi.example.test
 password x
 serial-number none
 ip-address none
 revocation-check none
 exit
crypto pki authenticate CGI
yes
crypto pki enroll CGI
yes
crypto pki enroll CGI
yes
yes
crypto pki trustpoint RATP
 enrollment url http://127.0.0.1:2033/scep
 enrollment mode ra
 subject-name CN=ra.example.test
 password x
 serial-number none
 ip-address none
 revocation-check none
 exit
crypto pki authenticate RATP
yes
crypto pki enroll RATP
yes
end
show running-config
EOF
session st s5.in s5.out
resp_stop
after s5.out "show running-config" >rc5.txt
check "no path: enrolled through the responder" openssl verify -CAfile cgi/ca.pem \
    <(chain_cert rc5.txt CGI)
check "no path: every request went to /cgi-bin/pkiclient.exe" \
    test -z "$(grep -v 'path=/cgi-bin/pkiclient.exe ' cgi/requests.log | grep -v '^op=- ')"
check "no path: GetCACaps, GetCACert, PKIOperation all seen" \
    test "$(grep -cE 'op=(GetCACaps|GetCACert|PKIOperation) ' cgi/requests.log)" -ge 6
CGI1=$(grep 'type=19 ' cgi/requests.log | grep -o 'issued=[0-9A-F]*' | head -1 | cut -d= -f2)
check "re-enrollment is a RenewalReq signed by the current certificate ($CGI1)" \
    grep -q "type=17 .*signer=$CGI1 selfsigned=0 .*status=SUCCESS" cgi/requests.log
check "first enrollment signed by a transient self-signed certificate" \
    grep -q "type=19 .*selfsigned=1 .*status=SUCCESS" cgi/requests.log
A=$(after s5.out "crypto pki authenticate RATP")
check "RA mode: CA fingerprint shown is the CA's" grep -qF \
    "Fingerprint SHA1: $(ios_fp ra/ca.pem sha1)" <<<"$A"
check "RA mode: RA encryption certificate shown" grep -qF \
    "% RA encryption certificate: o=pkish test,cn=Scripted RA encryption" <<<"$A"
check "RA mode: RA signature certificate shown" grep -qF \
    "% RA signature certificate: o=pkish test,cn=Scripted RA signature" <<<"$A"
check "RA mode: the CA (not an RA) is the trustpoint CA" cmp -s \
    <(chain_cert rc5.txt RATP "ca " | openssl x509 -outform der) \
    <(openssl x509 -in ra/ca.pem -outform der)
check "RA mode: request enveloped to the RA, granted (CertRep by the RA)" \
    grep -q "type=19 .*enc=ra .*status=SUCCESS" ra/requests.log
check "RA mode: %PKI-6-CERTRET" grep -qF "%PKI-6-CERTRET" <(after s5.out "crypto pki enroll RATP")
check "RA mode: certificate verifies against the CA" openssl verify -CAfile ra/ca.pem \
    <(chain_cert rc5.txt RATP)
finish
