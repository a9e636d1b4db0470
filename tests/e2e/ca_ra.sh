#!/bin/bash
# tests/e2e/ca_ra.sh - a pkish RA in front of a pkish CA on loopback, in a
# private network namespace: three pkish consoles fed through FIFOs.
#  1. ROOT: `crypto pki server ROOT` with `grant ra-auto`, enabled.
#  2. RA: `crypto pki trustpoint RA` with `enrollment url` of ROOT,
#     `crypto pki server RA` with `mode ra`; `no shutdown` authenticates
#     ROOT and requests the RA certificate ("OU=ioscs RA" in its subject):
#     ROOT lists it under "RA certificate requests" (ra-auto grants only
#     what an RA forwards), `crypto pki server ROOT grant 1`, RA's `no
#     shutdown` again: enabled; `show crypto pki server` says "Server
#     configured in RA mode" with the RA and CA fingerprints.
#  3. RA's GetCACert: application/x-x509-ca-ra-cert with the RA
#     certificate (no CA) and ROOT's.
#  4. R1 enrolls through RA (manual grant at the RA): authenticate shows
#     ROOT's fingerprint and the RA certificate, the request is pending in
#     RA's queue, `crypto pki server RA grant all` forwards it signed by the
#     RA certificate, ROOT grants it (ra-auto), R1's poll installs it; the
#     certificate is ROOT's (openssl verify against ROOT), listed in
#     ROOT's database.
#  5. `mode ra transparent` is refused with a clear message.
# Env (tests/run.sh): PKISH, PKISH_PLAIN, TESTBIN, ROOT.
# Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "$(dirname "$0")/scep.bash"
. "$(dirname "$0")/ca_multi.bash"

APORT=8081
AURL=http://127.0.0.1:$APORT/cgi-bin/pkiclient.exe
multi_begin ca_ra RA "$@"

###########################################################################
# 1. ROOT
multi_root ra-auto "show running-config"
check "ROOT: grant ra-auto in running-config" grep -qxF " grant ra-auto" \
    <<<"$(con_after ROOT "show running-config")"

###########################################################################
# 2. RA: mode ra, its RA certificate from ROOT
con_send 9 enable "configure terminal" "hostname RA" "ip http server" \
    "ip http port $APORT" "crypto pki trustpoint RA" \
    " enrollment url http://127.0.0.1:$RPORT" " revocation-check none" \
    " exit" "crypto pki server RA" " mode ra transparent" " no shutdown" \
    " mode ra" " no database archive" " no shutdown" yes " end"
con_sync RA 9 120 || die "RA set-up: $(tail -20 RA.out)"
check "RA: mode ra transparent is refused" grep -qF \
    "% mode ra transparent is not available" RA.out
check "RA: the request for the RA certificate is pending" grep -qF \
    "% Enrollment in progress..." RA.out
con_send 8 "show crypto pki server ROOT requests"
con_sync ROOT 8
REQ=$(con_after ROOT "show crypto pki server ROOT requests")
check "ROOT: a pending RA certificate request (ra-auto does not grant it)" \
    grep -qE '^1 +pending +[0-9A-F]{32} cn=RA,ou=ioscs RA$' \
    <<<"$(sed -n '/^RA cert/,/^Router/p' <<<"$REQ")"
con_send 8 "crypto pki server ROOT grant 1"
con_sync ROOT 8
con_send 9 "configure terminal" "crypto pki server RA" " no shutdown" \
    " end" "show crypto pki server"
con_sync RA 9 60
check "RA: % Certificate Server enabled." has RA.out \
    "% Certificate Server enabled."
wait_http "$AURL?operation=GetCACaps" || die "no SCEP at $AURL"
multi_chain RA "$AURL" ra.p7 racert.pem
check "RA certificate: issued by ROOT" openssl verify -CAfile root.pem \
    racert.pem
check "RA certificate: no CA" not grep -qF "CA:TRUE" \
    <(openssl x509 -in racert.pem -noout -ext basicConstraints 2>/dev/null)
check "RA certificate: OU=ioscs RA" grep -q 'OU *= *ioscs RA' \
    <(openssl x509 -in racert.pem -noout -subject)
S=$(con_after RA "show crypto pki server")
for l in "    Status: enabled" "    Server configured in RA mode" \
    "    RA cert fingerprint: $(ios_fp racert.pem md5)" \
    "    CA cert fingerprint: $(ios_fp root.pem md5)"; do
	check "RA show: $l" grep -qxF -- "$l" <<<"$S"
done

###########################################################################
# 4. R1 enrolls through the RA
pk_send enable "configure terminal" "hostname R1" \
    "crypto pki trustpoint RA" " enrollment url http://127.0.0.1:$APORT" \
    " subject-name CN=r1.example.test,O=pkish" " serial-number none" \
    " ip-address none" " rsakeypair R1 2048" " enrollment retry period 1" \
    " revocation-check none" " exit" "crypto pki authenticate RA" yes \
    "crypto pki enroll RA noconfirm" end
pk_sync 120 || die "R1 enrollment: $(tail -20 "$PK_OUT")"
A=$(after r1.out "crypto pki authenticate RA")
check "R1: authenticate shows ROOT's fingerprint" grep -qF \
    "Fingerprint MD5: $(ios_fp root.pem md5)" <<<"$A"
check "R1: the RA certificate came with it" grep -qF "% RA " <<<"$A"
check "R1: PENDING" has r1.out "% Certificate request is pending"
con_send 9 "show crypto pki server RA requests"
con_sync RA 9
check "RA: the request is pending in the RA's queue" grep -qE \
    '^1 +pending +[0-9A-F]{32} cn=r1.example.test,o=pkish' \
    <<<"$(con_after RA "show crypto pki server RA requests")"
con_send 9 "crypto pki server RA grant all" \
    "show crypto pki server RA requests"
con_sync RA 9 60
check "RA: grant all prints nothing (forwarded)" test -z \
    "$(con_after RA "crypto pki server RA grant all")"
check "RA: the request is granted" grep -qE '^1 +granted ' \
    <<<"$(con_after RA "show crypto pki server RA requests")"
pk_send "clock set $(clockarg $(($(date +%s) + 65)))"
pk_wait "%PKI-6-CERTRET" 1 60
check "R1: the poll installs it (%PKI-6-CERTRET)" has r1.out \
    "%PKI-6-CERTRET"
pk_cert RA rc1.txt r1.pem
check "R1's certificate verifies against ROOT (openssl verify)" \
    openssl verify -CAfile root.pem r1.pem
check "R1's certificate: subject CN=r1.example.test" grep -q \
    'CN *= *r1.example.test' <(openssl x509 -in r1.pem -noout -subject)
S1=$(serial_of r1.pem | tr a-f A-F | sed 's/^0*//')
con_send 8 "show crypto pki server ROOT certificates"
con_sync ROOT 8
check "ROOT's database lists R1's certificate (serial $S1)" grep -qiE \
    "^0*$S1 .*cn=r1.example.test" \
    <<<"$(con_after ROOT "show crypto pki server ROOT certificates")"

con_stop RA 9
con_stop ROOT 8
pk_stop
check "R1 console exits 0" test "$PK_RC" -eq 0
finish
