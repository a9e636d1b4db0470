#!/bin/bash
# tests/e2e/rollover_scep.sh - the client side of a CA rollover (SHADOW
# renewal, ios-pki.md sections 9.3-9.5) through the real pkish binary
# against the scripted SCEP responder, on pkish's clock (`clock set`):
#  - (after a restart, timers re-armed from the stored certificates) a
#    CA that clips what it issues to its own end and offers
#    GetNextCACert: the identity ends with the CA, so the renewal at the
#    auto-enroll percentage is a SHADOW one (`show crypto pki timers`):
#    GetNextCACert (verified against the current CA, fingerprint logged),
#    a shadow identity issued by the next CA that starts when the current
#    CA ends, held as "Certificate (Rollover)" / "certificate rollover"
#    with its regenerated key "<label>#"; kept across write memory and a
#    restart; at the CA's expiry both take over (no instant without a
#    valid certificate) and the old key is gone;
#  - a CA that answers the shadow request PENDING: CertPoll resumes after
#    a restart and the granted shadow certificate is held and switched to;
#  - a CA without GetNextCACert, and one whose GetNextCACert is signed by
#    another key: the SHADOW renewal is refused with a %PKI error and the
#    current certificate stays.
# Env (tests/run.sh): PKISH, PKISH_PLAIN, TESTBIN, ROOT.
# Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "$(dirname "$0")/scep.bash"

scep_prereq "$@"

W=$(mktemp -d /tmp/rollover_scep.XXXXXX) || die mktemp
cleanup() {
	[ -n "$PK_PID" ] && pk_kill
	resp_stop
	[ -n "${KEEP:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
cd "$W" || die "cd $W"
vclock() { pk_send "clock set $(clockarg "$1")"; }
epoch() { date -u -d "$(openssl x509 -in "$1" -noout "-$2" | cut -d= -f2)" +%s; }
# valid_at FILE-PEM CA-PEM EPOCH: openssl says the chain is good then
valid_at() { openssl verify -attime "$3" -CAfile "$2" "$1" >/dev/null 2>&1; }

resp_start "$W/good" 2060 nextca,shadow,clip,ca_days=30,cert_days=40
resp_start "$W/none" 2061 clip,ca_days=30,cert_days=40
resp_start "$W/bad" 2062 nextca,shadow,clip,badnext,ca_days=30,cert_days=40
resp_start "$W/pend" 2063 nextca,shadow,clip,pending,ca_days=30,cert_days=40
touch pend/grant	# the first enrollment is granted at once
CANB=$(epoch good/ca.pem startdate)
CANA=$(epoch good/ca.pem enddate)
NEXT_SERIAL=$(serial_of good/next-ca.pem)

tpblock() {	# tpblock NAME PORT
	pk_send "crypto pki trustpoint $1" \
	    " enrollment url http://127.0.0.1:$2/scep" \
	    " subject-name CN=$(echo "$1" | tr A-Z a-z).example.test" \
	    " password x" " serial-number none" " ip-address none" \
	    " revocation-check none" " auto-enroll 70 regenerate" " exit" \
	    "crypto pki authenticate $1" yes "crypto pki enroll $1" yes
}
pk_start "$W/st" "$W/p1.out"
pk_send enable "configure terminal" "hostname R1"
tpblock SHD 2060
tpblock NONEXT 2061
tpblock BADNEXT 2062
tpblock PSHD 2063
pk_send end
pk_wait "%PKI-6-CERT_INSTALL" 4 120 || die "enrollments: $(tail -20 p1.out)"
rm -f pend/grant
pk_block t1 "show crypto pki timers"
pk_send "show running-config"
pk_sync || die "pkish stopped answering"
after p1.out "show running-config" >rc1.txt
chain_cert rc1.txt SHD >id1.pem
S1=$(serial_of id1.pem)
check "enrolled SHD ($S1); the CA clipped it to its own end" \
    test -n "$S1" -a "$(epoch id1.pem enddate)" = "$CANA"
T=$(block p1.out t1)
check "timers: SHADOW SHD (identity ends with its CA), no RENEW SHD" \
    test -n "$(grep -E '^ \|.*  SHADOW SHD$' <<<"$T")" -a \
    -z "$(grep 'RENEW SHD' <<<"$T")"
check "timers: IOS layout (' |' + 16-character remaining time + two spaces)" \
    grep -qE '^ \|[ 0-9d:.]{16}  SHADOW SHD$' <<<"$T"
NB=$(epoch id1.pem startdate)
SHADOW_AT=$((NB + (CANA - NB) * 70 / 100))
check "before the SHADOW time: no GetNextCACert" \
    test -z "$(grep 'op=GetNextCACert' good/requests.log)"

# A restart first: the timers come back from the stored certificates.
pk_send "write memory"
pk_sync 60
pk_stop
check "pkish exits 0 at EOF (rc=$PK_RC)" test "$PK_RC" = 0
pk_start "$W/st" "$W/p1.out"
pk_send enable

# The SHADOW renewals.
vclock $((SHADOW_AT + 60))
pk_wait "CERT_ROLLOVER_INSTALL" 1 60 || bad "no shadow certificate: $(tail -20 p1.out)"
pk_wait "trustpoint NONEXT failed" 1 60
pk_wait "trustpoint BADNEXT failed" 1 60
pk_wait "for trustpoint PSHD is pending" 1 60
pk_block c2 "show crypto pki certificates SHD"
pk_block t2 "show crypto pki timers"
pk_block k2 "show crypto key mypubkey rsa SHD#"
pk_block n2 "show crypto pki certificates NONEXT" "show crypto pki certificates BADNEXT"
pk_send "show running-config" "write memory"
pk_sync 60
check "GetNextCACert sent, answered" grep -q 'op=GetNextCACert .*http=200' good/requests.log
check "%PKI-6-CA_ROLLOVER_INSTALL with the rollover CA's SHA-256 fingerprint" has p1.out \
    "fingerprint SHA256 $(ios_fp good/next-ca.pem sha256)"
check "the shadow request went to the next CA, signed by the identity" \
    grep -qE "type=17 .* signer=$S1 selfsigned=0 enc=next issued=.* status=SUCCESS" good/requests.log
after p1.out "show running-config" >rc2.txt
chain_cert rc2.txt SHD "rollover " >shadow.pem
chain_cert rc2.txt SHD >id2.pem
SH=$(serial_of shadow.pem)
check "running-config: certificate rollover $SH, certificate ca rollover $NEXT_SERIAL" \
    seq_in "$(sed -n '/^crypto pki certificate chain SHD/,/^crypto pki certificate chain [^S]/p' rc2.txt | grep '^ certificate')" \
    " certificate rollover $SH"$'\n'" certificate $S1"$'\n'" certificate ca rollover $NEXT_SERIAL"
check "the shadow certificate starts when the CA ends" test "$(epoch shadow.pem startdate)" = "$CANA"
check "openssl verify: shadow chains to the next CA (at the switch)" \
    valid_at shadow.pem good/next-ca.pem $((CANA + 60))
check "openssl verify: the shadow is not valid yet" \
    bash -c "! openssl verify -attime $((SHADOW_AT + 120)) -CAfile good/next-ca.pem shadow.pem >/dev/null 2>&1"
check "openssl verify: the active identity ($S1) still serves now" \
    valid_at id2.pem good/ca.pem $((SHADOW_AT + 120))
C=$(block p1.out c2)
check "show: Certificate (Rollover) first, then Certificate, CA Certificate (Rollover), CA Certificate" \
    test "$(grep -E '^(CA )?Certificate' <<<"$C" | tr '\n' '|')" = \
    "Certificate (Rollover)|Certificate|CA Certificate (Rollover)|CA Certificate|"
check "show: the rollover block is serial $SH" seq_in "$C" \
    $'Certificate (Rollover)\n  Status: Available\n  Certificate Serial Number (hex): '"$SH"
T=$(block p1.out t2)
check "timers: after the SHADOW renewal, RENEW SHD (of the shadow), no SHADOW SHD" \
    test -n "$(grep 'RENEW SHD' <<<"$T")" -a -z "$(grep 'SHADOW SHD' <<<"$T")"
KSH=$(block p1.out k2 | keydata)
check "regenerated shadow key SHD# is the shadow certificate's key" \
    same "$KSH" "$(cert_spki shadow.pem)"
check "the waiting key shows Storage Device: not specified" has \
    <(block p1.out k2) " Storage Device: not specified"
check "NONEXT: refused with %PKI-4-CERTRENEWFAIL naming GetNextCACert" has p1.out \
    "The CA of trustpoint NONEXT does not offer GetNextCACert"
check "BADNEXT: GetNextCACert not signed by the current CA, refused" has p1.out \
    "GetNextCACert: signature does not verify against the current CA"
N=$(block p1.out n2)
check "NONEXT/BADNEXT keep their certificate, no rollover entries" \
    test "$(grep -c '^Certificate$' <<<"$N")" = 2 -a -z "$(grep Rollover <<<"$N")"
check "PSHD: the shadow request is PENDING (POLL timer)" grep -q 'POLL PSHD$' \
    <(block p1.out t2)
pk_stop
check "pkish exits 0 at EOF (rc=$PK_RC)" test "$PK_RC" = 0

# Restart just before the CA expires: the shadow state survives; the CA
# grants the pending shadow request, CertPoll resumes and installs it.
touch pend/grant
pk_start "$W/st" "$W/p2.out"
pk_send enable
vclock $((CANA - 30))
pk_wait "CERT_ROLLOVER_INSTALL" 1 60 || bad "PSHD: no shadow after the poll: $(tail -20 p2.out)"
check "PSHD: CertPoll to the next CA granted the shadow certificate" \
    grep -qE "type=20 .* enc=next ias=ok issued=.* status=SUCCESS" pend/requests.log
pk_block c3 "show crypto pki certificates SHD"
pk_send "show running-config"
pk_sync 60
C=$(block p2.out c3)
check "after restart: Certificate (Rollover) $SH still held" seq_in "$C" \
    $'Certificate (Rollover)\n  Status: Available\n  Certificate Serial Number (hex): '"$SH"
after p2.out "show running-config" >rc3.txt
chain_cert rc3.txt SHD >id3.pem
check "30 s before the CA expires: the old identity $S1 is active and valid" \
    test "$(serial_of id3.pem)" = "$S1" -a -n "$(valid_at id3.pem good/ca.pem $((CANA - 30)) && echo y)"

# The switch (the responders started a moment apart: past both ends).
PCANA=$(epoch pend/ca.pem enddate)
vclock $(( (PCANA > CANA ? PCANA : CANA) + 1 ))
pk_wait "CA_ROLLOVER_ACTIVE" 1 30 || bad "no switch: $(tail -20 p2.out)"
pk_block c4 "show crypto pki certificates SHD"
pk_block k4 "show crypto key mypubkey rsa SHD" "show crypto key mypubkey rsa"
pk_block t4 "show crypto pki timers"
pk_send "show running-config"
pk_sync 60
C=$(block p2.out c4)
check "after the switch: Certificate $SH, CA Certificate $NEXT_SERIAL, no rollover blocks" \
    test -z "$(grep Rollover <<<"$C")" -a -n "$(seq_in "$C" $'Certificate\n  Status: Available\n  Certificate Serial Number (hex): '"$SH" && echo y)" \
    -a -n "$(seq_in "$C" $'CA Certificate\n  Status: Available\n  Certificate Serial Number (hex): '"$NEXT_SERIAL" && echo y)"
after p2.out "show running-config" >rc4.txt
chain_cert rc4.txt SHD >id4.pem
check "openssl verify: the active identity chains to the new CA at the switch" \
    valid_at id4.pem good/next-ca.pem $((CANA + 1))
check "running-config: no rollover entries left for SHD" \
    test -z "$(sed -n '/^crypto pki certificate chain SHD/,/^crypto pki certificate chain [^S]/p' rc4.txt | grep 'rollover')"
check "the shadow key took the label SHD" \
    same "$(block p2.out k4 | keydata)" "$(cert_spki shadow.pem)"
check "no SHD# key left" hasnt <(block p2.out k4) "Key name: SHD#"
check "PSHD switched over too" has p2.out \
    "The rollover CA certificate of trustpoint PSHD is now its active CA certificate"
check "timers: the new identity ends with the new CA: SHADOW SHD again" \
    grep -q 'SHADOW SHD$' <(block p2.out t4)
pk_stop
check "pkish exits 0 at EOF (rc=$PK_RC)" test "$PK_RC" = 0
resp_stop
finish
