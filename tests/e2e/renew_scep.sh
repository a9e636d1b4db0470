#!/bin/bash
# tests/e2e/renew_scep.sh - automatic renewal of SCEP trustpoints (the
# SCEP half of issue 6) through the real pkish binary, driven as a
# long-running console over a FIFO, inside a private network namespace:
#  1. micromdm scepserver: `auto-enroll 80 regenerate`, `clock set` past
#     the renew date -> a new certificate (new serial, new key pair, seen
#     in `show crypto key mypubkey rsa`) within seconds; until then the old
#     one is shown. A second trustpoint whose CA is stopped keeps its
#     certificate and key, logs %PKI-4-CERTRENEWFAIL, retries with a
#     doubling backoff (never sooner than a minute; moving the clock
#     triggers the retries), escalates to %PKI-3- after three failures and
#     renews once its CA is back.
#  2. the scripted responder (PENDING until told to grant): CertPoll on
#     the `enrollment retry period` schedule doubling (POLL timer), the
#     `enrollment retry count` limit, pkish killed (-9) while a request is
#     pending and restarted: the poll resumes and installs the certificate.
#  3. the scripted responder with GetNextCACert: the rollover CA
#     certificate is fetched past 90 % of the CA's lifetime (on re-enroll
#     and by an automatic renewal), shown as "CA Certificate (Rollover)",
#     saved as "certificate ca rollover", kept across a restart, and
#     promoted when the CA starts answering with it.
# Env (tests/run.sh): PKISH, PKISH_PLAIN, TESTBIN, ROOT.
# Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "$(dirname "$0")/scep.bash"

scep_prereq "$@"

W=$(mktemp -d /tmp/renew_scep.XXXXXX) || die mktemp
SRV2_PID=
cleanup() {
	[ -n "$PK_PID" ] && pk_kill
	scep_server_stop
	[ -n "$SRV2_PID" ] && kill "$SRV2_PID" 2>/dev/null &&
	    wait "$SRV2_PID" 2>/dev/null
	resp_stop
	[ -n "${KEEP:-}" ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
cd "$W" || die "cd $W"
CH=Renew-Challenge-42
VNOW=$(date +%s)	# the virtual clock as last set
vclock() {		# vclock EPOCH: clock set, remember it
	VNOW=$1
	pk_send "clock set $(clockarg "$1")"
}
# The n-th "retrying in N seconds" of trustpoint TP in the output.
retry_wait() {
	grep -o "trustpoint $1 failed.*retrying in [0-9]* seconds" "$PK_OUT" |
	    sed -n "$2p" | grep -o 'in [0-9]* seconds' | grep -o '[0-9]*'
}
wait_count() {	# wait_count FILE REGEX N SECS
	local i=0
	while [ "$(grep -c -- "$2" "$1")" -lt "$3" ]; do
		i=$((i + 1))
		[ $i -gt $(($4 * 10)) ] && return 1
		sleep 0.1
	done
}
tpblock() {	# tpblock NAME KEYLABEL URL
	pk_send "crypto pki trustpoint $1" " enrollment url $3" \
	    " subject-name CN=$(echo "$1" | tr A-Z a-z).example.test,O=Example" \
	    " password $CH" " rsakeypair $2 2048" " serial-number none" \
	    " ip-address none" " auto-enroll 80 regenerate" \
	    " revocation-check none" " exit"
}

###########################################################################
# 1. scepserver: renewal at the renew date; renewal against a stopped CA
scep_ca_init "$W/depot"
scep_ca_init "$W/depot2"
scep_server_start "$W/depot" 2016 "$CH"
SRV1_PID=$SRV_PID
scep_server_start "$W/depot2" 2018 "$CH"
SRV2_PID=$SRV_PID
SRV_PID=$SRV1_PID
pk_start "$W/st1" "$W/p1.out"
pk_send enable "configure terminal" "hostname R1"
tpblock CORP CORPKEY http://127.0.0.1:2016/scep
tpblock DOWN DOWNKEY http://127.0.0.1:2018/scep
pk_send "crypto pki authenticate CORP" yes "crypto pki enroll CORP" yes \
    "crypto pki authenticate DOWN" yes "crypto pki enroll DOWN" yes end
pk_wait "%PKI-6-CERT_INSTALL" 2 120 || die "initial enrollments: $(tail -20 "$PK_OUT")"
pk_send "show crypto key mypubkey rsa CORPKEY" "show crypto key mypubkey rsa DOWNKEY" \
    "show running-config" "show crypto pki certificates CORP"
pk_sync || die "pkish stopped answering"
after p1.out "show running-config" >rc0.txt
chain_cert rc0.txt CORP >corp1.pem
chain_cert rc0.txt DOWN >down1.pem
S1=$(serial_of corp1.pem)
D1=$(serial_of down1.pem)
K1=$(after p1.out "show crypto key mypubkey rsa CORPKEY" | keydata)
DK1=$(after p1.out "show crypto key mypubkey rsa DOWNKEY" | keydata)
check "enrolled CORP ($S1) and DOWN ($D1)" test -n "$S1" -a -n "$D1" -a -n "$K1"
NB=$(date -u -d "$(openssl x509 -in corp1.pem -noout -startdate | cut -d= -f2)" +%s)
NA=$(date -u -d "$(openssl x509 -in corp1.pem -noout -enddate | cut -d= -f2)" +%s)
RENEW_AT=$((NB + (NA - NB) * 80 / 100))
check "renew date shown at 80 % of the lifetime" grep -qF \
    "renew date: $(date -u -d "@$RENEW_AT" '+%H:%M:%S UTC %b %-d %Y')" \
    <(after p1.out "show crypto pki certificates CORP")

# The CA of DOWN goes away; the clock moves to just before the renew date.
kill "$SRV2_PID"; wait "$SRV2_PID" 2>/dev/null; SRV2_PID=
vclock $((RENEW_AT - 120))
pk_block before "show crypto pki certificates CORP"
check "2 minutes before the renew date: no renewal yet" \
    test "$(grep -c 'CERTRENEWAUTO' p1.out)" = 0
check "before the renew date the old certificate serves ($S1)" grep -qF \
    "Certificate Serial Number (hex): $S1" <(block p1.out before)
T0=$(date +%s%N)
vclock $((RENEW_AT + 5))
pk_wait "Trustpoint   : CORP" 2 60
T1=$(date +%s%N)
check "renewal installed within seconds of the clock move ($(( (T1 - T0) / 1000000 )) ms)" \
    test $(( (T1 - T0) / 1000000 )) -lt 10000
check "%PKI-6-CERTRENEWAUTO for CORP" has p1.out \
    "%PKI-6-CERTRENEWAUTO: Renewing the router certificate for trustpoint CORP"
pk_wait "trustpoint DOWN failed" 1 60
pk_send "show crypto key mypubkey rsa CORPKEY" "show crypto key mypubkey rsa DOWNKEY" \
    "show running-config"
pk_sync
after p1.out "show running-config" >rc1.txt
chain_cert rc1.txt CORP >corp2.pem
S2=$(serial_of corp2.pem)
K2=$(after p1.out "show crypto key mypubkey rsa CORPKEY" | keydata)
check "CORP renewed: new serial ($S1 -> $S2)" test -n "$S2" -a "$S2" != "$S1"
check "CORP renewed: new key pair (regenerate)" test -n "$K2" -a "$K2" != "$K1"
check "CORP renewed: the new certificate carries the new key" test "$K2" = "$(cert_spki corp2.pem)"
check "CORP renewed: openssl verify -CAfile depot/ca.pem" \
    openssl verify -CAfile depot/ca.pem corp2.pem
check "CORP renewal was a RenewalReq (server log)" grep -q 'RenewalReq (17)' depot.server.log
W1=$(retry_wait DOWN 1)
check "DOWN: failure logged with the reason" grep -q \
    "%PKI-4-CERTRENEWFAIL: Automatic renewal for trustpoint DOWN failed: SCEP GetCACaps to http://127.0.0.1:2018/scep: .*onnect" p1.out
check "DOWN: first retry in 60..89 s (got $W1)" test -n "$W1" -a "${W1:-0}" -ge 60 -a "${W1:-0}" -lt 90
check "DOWN: old certificate kept ($D1)" test "$(chain_cert rc1.txt DOWN | serial_of /dev/stdin)" = "$D1"
check "DOWN: old key kept" test "$(after p1.out "show crypto key mypubkey rsa DOWNKEY" | keydata)" = "$DK1"
check "DOWN: no regenerated key left behind" \
    test -s st1/keys/DOWNKEY.pem -a -z "$(ls st1/keys | grep -E '^DOWNKEY\.(new|old)')"
BASE=$VNOW
vclock $((BASE + 40))
sleep 2
pk_sync
check "DOWN: no retry before the backoff expires" test "$(grep -c 'trustpoint DOWN failed' p1.out)" = 1
vclock $((BASE + W1 + 2))
pk_wait "trustpoint DOWN failed" 2 60
W2=$(retry_wait DOWN 2)
check "DOWN: second retry doubles to 120..149 s (got $W2)" \
    test -n "$W2" -a "${W2:-0}" -ge 120 -a "${W2:-0}" -lt 150
BASE=$VNOW
vclock $((BASE + W2 + 2))
pk_wait "trustpoint DOWN failed" 3 60
W3=$(retry_wait DOWN 3)
check "DOWN: third failure escalates to %PKI-3-CERTRENEWFAIL" grep -q \
    "%PKI-3-CERTRENEWFAIL: Automatic renewal of the certificate for trustpoint DOWN failed 3 times" p1.out
check "DOWN: third retry doubles to 240..269 s (got $W3)" \
    test -n "$W3" -a "${W3:-0}" -ge 240 -a "${W3:-0}" -lt 270
check "CORP is not renewed again meanwhile" test "$(grep -c 'Trustpoint   : CORP$' p1.out)" = 2
# The CA comes back: the next retry succeeds.
scepserver -depot "$W/depot2" -port 2018 -challenge "$CH" -allowrenew 0 \
    -debug >>"$W/depot2.server.log" 2>&1 7>&- &
SRV2_PID=$!
wait_http "http://127.0.0.1:2018/scep?operation=GetCACaps" || die "scepserver 2 restart"
BASE=$VNOW
vclock $((BASE + W3 + 2))
pk_wait "Trustpoint   : DOWN" 2 60
pk_send "show crypto key mypubkey rsa DOWNKEY" "show running-config"
pk_sync
after p1.out "show running-config" >rc2.txt
chain_cert rc2.txt DOWN >down2.pem
D2=$(serial_of down2.pem)
DK2=$(after p1.out "show crypto key mypubkey rsa DOWNKEY" | keydata)
check "DOWN renewed once its CA is back ($D1 -> $D2)" test -n "$D2" -a "$D2" != "$D1"
check "DOWN renewed: new key pair carried by the new certificate" \
    test -n "$DK2" -a "$DK2" != "$DK1" -a "$DK2" = "$(cert_spki down2.pem)"
check "DOWN renewed: openssl verify -CAfile depot2/ca.pem" \
    openssl verify -CAfile depot2/ca.pem down2.pem
check "the challenge never shows in the log output" \
    test -z "$(grep -F -- "$CH" p1.out | grep -vE "(^ password 0 |# password )$CH\$")"
pk_stop
check "pkish 1 exits 0 at EOF (rc=$PK_RC)" test "$PK_RC" = 0
scep_server_stop
kill "$SRV2_PID"; wait "$SRV2_PID" 2>/dev/null; SRV2_PID=

###########################################################################
# 2. PENDING, CertPoll schedule, retry count, restart while pending
resp_start "$W/pend" 2040 pending
R0=$(date +%s)
VNOW=$R0
pk_start "$W/st2" "$W/p2.out"
pk_send enable "configure terminal" "hostname R1"
for tp in PEND PEND2; do
	pk_send "crypto pki trustpoint $tp" " enrollment url http://127.0.0.1:2040/scep" \
	    " subject-name CN=$tp.example.test" " password x" " serial-number none" \
	    " ip-address none" " revocation-check none" " enrollment retry period 1"
	[ $tp = PEND ] && pk_send " enrollment retry count 5" \
	    " rsakeypair PENDKEY 2048" " auto-enroll 80 regenerate"
	[ $tp = PEND2 ] && pk_send " enrollment retry count 2"
	pk_send " exit" "crypto pki authenticate $tp" yes "crypto pki enroll $tp" yes
done
pk_send end "show crypto pki trustpoints PEND status" "show crypto pki timers" "write memory"
pk_sync 120 || die "pending enrollments: $(tail -20 p2.out)"
R0=$(date +%s)		# every request went out before this
check "enroll answered PENDING: polling announced" grep -qF \
    "% Certificate request is pending; polling every 1 minute(s)" <(after p2.out "crypto pki enroll PEND")
check "%PKI-6-CERTPENDING logged" has p2.out "%PKI-6-CERTPENDING: Certificate request for trustpoint PEND is pending"
check "status: Pending" grep -qF "Last enrollment status: Pending" \
    <(after p2.out "show crypto pki trustpoints PEND status")
check "POLL timer in about a minute" grep -qE '^ *\|  *([45][0-9]|1:00)\.[0-9]{3}  POLL PEND$' \
    <(after p2.out "show crypto pki timers")
check "pending request persisted in <state>/pending/PEND" test -s st2/pending/PEND
vclock $((R0 + 65))
wait_count pend/requests.log 'type=20 ' 2 60
pk_block t1 "show crypto pki timers"
check "first CertPoll after the retry period (both trustpoints)" \
    test "$(grep -c 'type=20 .*ias=ok .*status=PENDING' pend/requests.log)" = 2
check "then the interval doubles: POLL in about 2 minutes" grep -qE \
    '^ *\|  *(1:[45][0-9]|2:00)\.[0-9]{3}  POLL PEND$' <(block p2.out t1)
vclock $((VNOW + 125))
pk_wait "%PKI-3-CERTPENDERR" 1 60
wait_count pend/requests.log 'type=20 ' 4 60
pk_block t2 "show crypto pki timers" "write memory"
check "second CertPoll for both" \
    test "$(grep -c 'type=20 .*status=PENDING' pend/requests.log)" = 4
check "retry count 2 reached: PEND2 stops polling" has p2.out \
    "%PKI-3-CERTPENDERR: Polling for trustpoint PEND2 stopped after 2 tries: retry count reached"
check "interval doubles again: POLL PEND in about 4 minutes" grep -qE \
    '^ *\|  *(3:[45][0-9]|4:00)\.[0-9]{3}  POLL PEND$' <(block p2.out t2)
check "no POLL timer for PEND2 any more" test -n "$(block p2.out t2)" -a \
    -z "$(block p2.out t2 | grep 'POLL PEND2')"
check "PEND2 pending file removed" test ! -e st2/pending/PEND2
check "no certificate while pending" hasnt p2.out "%PKI-6-CERTRET"
POLLS=$(grep -c 'type=20 ' pend/requests.log)
pk_kill
check "pkish killed (-9) while PEND is pending; request still on disk" test -s st2/pending/PEND
touch pend/grant
# The restarted console must answer first, within 120 s like the first
# sync of every console here (pk_block gives up after 60 s without a
# word): a slow start is then told apart from a missing timer. What the
# timers showed is printed when the check fails.
T3=$(date +%s)
pk_start "$W/st2" "$W/p3.out"
pk_send enable
pk_sync 120 || die "pkish did not answer after the restart: $(tail -20 p3.out)"
echo "# the restarted pkish answered in $(($(date +%s) - T3)) s"
pk_block r1 "show crypto pki timers" || echo "# no end of block r1 in 60 s"
B=$(block p3.out r1)
check "after the restart the POLL timer is back" grep -q "POLL PEND$" <<<"$B"
grep -q "POLL PEND$" <<<"$B" || sed 's/^/# r1: /' <<<"$B"
check "no poll before its time after the restart" test "$(grep -c 'type=20 ' pend/requests.log)" = "$POLLS"
vclock $((VNOW + 250))
pk_wait "%PKI-6-CERT_INSTALL" 1 60
pk_send "show running-config" "show crypto pki trustpoints PEND status"
pk_block r2 "show crypto pki timers"
check "the resumed CertPoll was granted" grep -q 'type=20 .*ias=ok .*status=SUCCESS' pend/requests.log
check "%PKI-6-CERTRET after the restart" has p3.out "%PKI-6-CERTRET: Certificate received from Certificate Authority"
after p3.out "show running-config" >rc3.txt
chain_cert rc3.txt PEND >pend.pem
check "granted certificate installed and verifies against the responder CA" \
    openssl verify -CAfile pend/ca.pem pend.pem
check "status: Granted" grep -qF "Last enrollment status: Granted" \
    <(after p3.out "show crypto pki trustpoints PEND status")
check "pending file removed, POLL timer gone" test ! -e st2/pending/PEND -a \
    -z "$(block p3.out r2 | grep 'POLL PEND')"
# A re-enrollment that goes PENDING: RenewalReq and CertPoll signed by the
# current certificate; with regenerate the old key serves until the grant.
P1=$(serial_of pend.pem)
rm -f pend/grant
pk_send "show crypto key mypubkey rsa PENDKEY" "configure terminal" \
    "crypto pki enroll PEND" yes yes end
pk_wait "% Certificate request is pending; polling" 3 60
pk_block k1 "show crypto key mypubkey rsa PENDKEY"
PK1=$(after p3.out "show crypto key mypubkey rsa PENDKEY" | keydata)
check "re-enrollment: RenewalReq signed by the current certificate, PENDING" \
    grep -q "type=17 .*signer=$P1 selfsigned=0 .*status=PENDING" pend/requests.log
check "while pending the old key serves" test -n "$PK1" -a \
    "$(block p3.out k1 | keydata)" = "$PK1" -a "$PK1" = "$(cert_spki pend.pem)"
vclock $((VNOW + 65))
wait_count pend/requests.log "type=20 .*signer=$P1 " 1 60
check "CertPoll of the renewal signed by the current certificate" \
    grep -q "type=20 .*signer=$P1 selfsigned=0 .*ias=ok .*status=PENDING" pend/requests.log
touch pend/grant
vclock $((VNOW + 125))
pk_wait "Trustpoint   : PEND" 2 60
pk_send "show running-config"
pk_block k2 "show crypto key mypubkey rsa PENDKEY"
after p3.out "show running-config" >rc3b.txt
chain_cert rc3b.txt PEND >pend2.pem
PK2=$(block p3.out k2 | keydata)
check "renewal granted after polling: new certificate ($P1 -> $(serial_of pend2.pem))" \
    test "$(serial_of pend2.pem)" != "$P1" -a -n "$(serial_of pend2.pem)"
check "the regenerated key took over with the new certificate" \
    test -n "$PK2" -a "$PK2" != "$PK1" -a "$PK2" = "$(cert_spki pend2.pem)"
check "no temporary key left" test -z "$(ls st2/keys | grep -E '^PENDKEY\.(new|old)')"
pk_stop
check "pkish 3 exits 0 at EOF (rc=$PK_RC)" test "$PK_RC" = 0
resp_stop

###########################################################################
# 3. GetNextCACert: the rollover CA certificate
resp_start "$W/roll" 2050 nextca,ca_days=30
CANB=$(date -u -d "$(openssl x509 -in roll/ca.pem -noout -startdate | cut -d= -f2)" +%s)
CANA=$(date -u -d "$(openssl x509 -in roll/ca.pem -noout -enddate | cut -d= -f2)" +%s)
NEXT_SERIAL=$(serial_of roll/next-ca.pem)
pk_start "$W/st4" "$W/p4.out"
pk_send enable "configure terminal" "hostname R1"
for tp in ROLL ROLL2; do
	pk_send "crypto pki trustpoint $tp" " enrollment url http://127.0.0.1:2050/scep" \
	    " subject-name CN=$tp.example.test" " password x" " serial-number none" \
	    " ip-address none" " revocation-check none"
	[ $tp = ROLL2 ] && pk_send " auto-enroll 80"
	pk_send " exit" "crypto pki authenticate $tp" yes "crypto pki enroll $tp" yes
done
pk_send end "show crypto pki trustpoints ROLL status"
pk_sync 120 || die "rollover enrollments: $(tail -20 p4.out)"
check "caps show GetNextCACert" grep -qF "    GetNextCACert" \
    <(after p4.out "show crypto pki trustpoints ROLL status")
check "before 90 % of the CA lifetime: no GetNextCACert" test -z "$(grep 'op=GetNextCACert' roll/requests.log)"
check "before 90 %: no rollover CA" hasnt p4.out "CA Certificate (Rollover)"
vclock $((CANB + (CANA - CANB) * 93 / 100))
pk_wait "trustpoint ROLL2:" 1 60
pk_send "configure terminal" "crypto pki enroll ROLL" yes yes end
pk_block c1 "show crypto pki certificates ROLL"
pk_send "show running-config" "write memory"
pk_sync 60
check "automatic renewal of ROLL2 fetched the rollover CA" has p4.out \
    "%PKI-6-CA_ROLLOVER_INSTALL: A rollover CA certificate has been installed under trustpoint ROLL2"
check "re-enroll of ROLL fetched the rollover CA" has p4.out \
    "%PKI-6-CA_ROLLOVER_INSTALL: A rollover CA certificate has been installed under trustpoint ROLL:"
check "GetNextCACert sent" grep -q 'op=GetNextCACert .*http=200' roll/requests.log
C=$(block p4.out c1)
check "show: CA Certificate (Rollover) with serial $NEXT_SERIAL" seq_in "$C" \
    $'CA Certificate (Rollover)\n  Status: Available\n  Certificate Serial Number (hex): '"$NEXT_SERIAL"
check "show: the current CA still listed" grep -q '^CA Certificate$' <<<"$C"
after p4.out "show running-config" >rc4.txt
check "running-config: certificate ca rollover $NEXT_SERIAL" grep -q \
    "^ certificate ca rollover $NEXT_SERIAL\$" rc4.txt
check "running-config: the rollover hex is next-ca.pem" cmp -s \
    <(chain_cert rc4.txt ROLL "ca rollover " | openssl x509 -outform der) \
    <(openssl x509 -in roll/next-ca.pem -outform der)
pk_stop
pk_start "$W/st4" "$W/p5.out"
pk_send enable
pk_block c2 "show crypto pki certificates ROLL"
check "rollover CA kept across write memory + restart" grep -q '^CA Certificate (Rollover)$' \
    <(block p5.out c2)
touch roll/rollover
pk_send "configure terminal" "crypto pki enroll ROLL" yes yes end
pk_block c3 "show crypto pki certificates ROLL"
pk_send "show running-config"
pk_sync 60
check "the CA answers with the rollover certificate: promoted" has p5.out \
    "%PKI-6-CA_ROLLOVER_ACTIVE: The rollover CA certificate of trustpoint ROLL is now its active CA certificate"
C=$(block p5.out c3)
check "show: the CA Certificate is now serial $NEXT_SERIAL, no rollover block" \
    test -z "$(grep 'Rollover' <<<"$C")" -a -n "$(seq_in "$C" \
    $'CA Certificate\n  Status: Available\n  Certificate Serial Number (hex): '"$NEXT_SERIAL" && echo y)"
after p5.out "show running-config" >rc5.txt
check "enrolled under the new CA (openssl verify -CAfile next-ca.pem)" \
    openssl verify -CAfile roll/next-ca.pem <(chain_cert rc5.txt ROLL)
pk_stop
check "pkish 5 exits 0 at EOF (rc=$PK_RC)" test "$PK_RC" = 0
resp_stop
finish
