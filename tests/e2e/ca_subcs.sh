#!/bin/bash
# tests/e2e/ca_subcs.sh - a two-level pkish PKI on loopback, in a private
# network namespace: three pkish consoles fed through FIFOs.
#  1. ROOT: `crypto pki server ROOT` (grant auto), enabled.
#  2. SUB: `crypto pki trustpoint SUB` with `enrollment url` of ROOT,
#     `crypto pki server SUB` with `mode sub-cs`; `no shutdown` generates
#     the key, authenticates ROOT (fingerprint, question) and sends a
#     request for a CA certificate. ROOT grants a subordinate CA request
#     only manually even with `grant auto`: it waits under "Subordinate CA
#     certificate requests", SUB shows `State: enrolling`. `crypto pki
#     server ROOT grant 1`, SUB's `no shutdown` again polls: SUB is enabled
#     with a CA certificate issued by ROOT (basicConstraints CA:TRUE,
#     keyCertSign), `show crypto pki server` prints the Upper CA
#     fingerprint (ROOT's), and the mode is locked.
#  3. SUB's GetCACert answers application/x-x509-ca-ra-cert with SUB's and
#     ROOT's certificates (RFC 8894 section 4.2.1.2).
#  4. R1 enrolls with SUB (grant auto): its certificate verifies with
#     openssl up to ROOT (-CAfile root -untrusted sub).
#  5. SUB restarts from its startup-config as a daemon: the same chain.
# Env (tests/run.sh): PKISH, PKISH_PLAIN, TESTBIN, ROOT.
# Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "$(dirname "$0")/scep.bash"
. "$(dirname "$0")/ca_multi.bash"

SPORT=8081
SURL=http://127.0.0.1:$SPORT/cgi-bin/pkiclient.exe
multi_begin ca_subcs SUB "$@"

###########################################################################
# 1. ROOT
multi_root auto

###########################################################################
# 2. SUB: mode sub-cs, enrolled from ROOT
con_send 9 enable "configure terminal" "hostname SUB" "ip http server" \
    "ip http port $SPORT" "crypto pki trustpoint SUB" \
    " enrollment url http://127.0.0.1:$RPORT" " revocation-check none" \
    " exit" "crypto pki server SUB" " issuer-name CN=Lab Sub CA,O=pkish" \
    " mode sub-cs" " grant auto" " no database archive" " no shutdown" \
    yes " end" "show crypto pki server"
con_sync SUB 9 120 || die "SUB set-up: $(tail -20 SUB.out)"
A=$(con_after SUB "no shutdown")
check "SUB: the issuing CA's fingerprint is shown (ROOT's)" grep -qF \
    "Fingerprint MD5: $(ios_fp root.pem md5)" <<<"$A"
check "SUB: ROOT accepted" grep -qF "Trustpoint CA certificate accepted." \
    <<<"$A"
check "SUB: the request is sent" grep -qF \
    "% Certificate request sent to Certificate Authority" <<<"$A"
check "SUB: enrolling (a sub-CA request waits for ROOT's operator)" \
    grep -qF "% Enrollment in progress..." <<<"$A"
S=$(con_after SUB "show crypto pki server")
check "SUB: State: enrolling" grep -qxF "    State: enrolling" <<<"$S"
con_send 8 "show crypto pki server ROOT requests"
con_sync ROOT 8
REQ=$(con_after ROOT "show crypto pki server ROOT requests")
check "ROOT: the request is a pending subordinate CA request" \
    grep -qE '^1 +pending +[0-9A-F]{32} cn=Lab Sub CA,o=pkish$' \
    <<<"$(sed -n '/^Subordinate CA/,/^RA cert/p' <<<"$REQ")"
con_send 9 "configure terminal" "crypto pki server SUB" " no mode"
con_sync SUB 9
check "SUB: the configuration is locked while enrolling" grep -qF \
    "Server's configuration is locked" <<<"$(con_after SUB "no mode")"
con_send 8 "crypto pki server ROOT grant 1"
con_sync ROOT 8
con_send 9 " no shutdown" " end" "show crypto pki server" "write memory"
con_sync SUB 9 60
check "SUB: % Certificate Server enabled." has SUB.out \
    "% Certificate Server enabled."
wait_http "$SURL?operation=GetCACaps" || die "no SCEP at $SURL"
S=$(con_after SUB "show crypto pki server")
for l in "    Status: enabled" "    State: enabled" \
    "    Issuer name: CN=Lab Sub CA,O=pkish" \
    "    Upper CA cert fingerprint: $(ios_fp root.pem md5)"; do
	check "SUB show: $l" grep -qxF -- "$l" <<<"$S"
done
con_send 9 "configure terminal" "crypto pki server SUB" " shutdown" \
    " no mode" " no shutdown" " end"
con_sync SUB 9
check "SUB: the mode is locked once the CA certificate exists" grep -qF \
    "%Some server settings cannot be changed after CA certificate" \
    <<<"$(con_after SUB "no mode")"

###########################################################################
# 3. SUB's GetCACert: the chain
multi_chain SUB "$SURL" sub.p7 sub.pem
check "SUB's CA certificate is issued by ROOT" \
    openssl verify -CAfile root.pem sub.pem
check "SUB's CA certificate: basicConstraints CA:TRUE" grep -qF "CA:TRUE" \
    <(openssl x509 -in sub.pem -noout -ext basicConstraints)
check "SUB's CA certificate: keyCertSign" grep -qF "Certificate Sign" \
    <(openssl x509 -in sub.pem -noout -ext keyUsage)
check "SUB's CA certificate: subject CN=Lab Sub CA" grep -q \
    'CN *= *Lab Sub CA' <(openssl x509 -in sub.pem -noout -subject)

###########################################################################
# 4. R1 enrolls with SUB
pk_send enable "configure terminal" "hostname R1" \
    "crypto pki trustpoint SUB" " enrollment url http://127.0.0.1:$SPORT" \
    " subject-name CN=r1.example.test,O=pkish" " serial-number none" \
    " ip-address none" " rsakeypair R1 2048" " revocation-check none" \
    " exit" "crypto pki authenticate SUB" yes \
    "crypto pki enroll SUB noconfirm" end "show running-config"
pk_sync 120 || die "R1 enrollment: $(tail -20 "$PK_OUT")"
check "R1: authenticate shows SUB's fingerprint" grep -qF \
    "Fingerprint MD5: $(ios_fp sub.pem md5)" \
    <<<"$(after r1.out "crypto pki authenticate SUB")"
check "R1: SUB is a subordinate CA" has r1.out \
    "Trustpoint 'SUB' is a subordinate CA"
pk_wait "%PKI-6-CERTRET" 1 30
check "R1: certificate received" has r1.out "%PKI-6-CERTRET"
pk_cert SUB rc1.txt r1.pem
check "R1's certificate verifies up to ROOT (openssl verify)" \
    openssl verify -CAfile root.pem -untrusted sub.pem r1.pem
check "R1's certificate does not verify against ROOT alone" \
    not openssl verify -CAfile root.pem r1.pem

###########################################################################
# 5. SUB restarts from startup-config
con_stop SUB 9
check "SUB startup-config: mode sub-cs" grep -qxF " mode sub-cs" \
    "$W/SUB/startup-config"
ca_daemon "$W/SUB" "$SURL"
curl -s "$SURL?operation=GetCACert" -o sub2.p7
check "the restarted SUB serves the same chain" cmp -s sub.p7 sub2.p7
check "no dialog, no error at start-up" hasnt daemon.log "%"
ca_daemon_stop
con_stop ROOT 8
pk_stop
check "R1 console exits 0" test "$PK_RC" -eq 0
finish
