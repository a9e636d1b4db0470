#!/bin/bash
# tests/e2e/ca_rollover.sh - the seed's CA rollover timeline
# (ios-pki.md Appendix B.3) with pkish on both sides, on pkish's clock
# (`clock set` on both consoles, never the system clock), inside a private
# network namespace; micromdm scepclient (GetCACert only) enrolls before
# and after the switch.
#   CA: `lifetime ca-certificate 730`, `lifetime certificate 365`,
#       `auto-rollover 90`, `grant auto`, `grant auto rollover ca-cert`.
#   R1: `auto-enroll 70 regenerate`.
#   day 0    CA created, R1 enrolled (RENEW: 365 days < the CA's 730)
#   day 256  RENEW -> a certificate to day 621 (RENEW again)
#   day 512  RENEW -> clipped to the CA's end, day 730 (SHADOW)
#   day 640  CS SHADOW CERT GENERATION: key CS#, rollover CA certificate,
#            CS_00001.p12
#   day 665  SHADOW renewal: GetNextCACert, shadow identity from day 730
#   day 730  CS CERT EXPIRE: both sides switch
#   day 986  RENEW under the new CA
# At each step: show crypto pki certificates / server / timers and the
# running-config layout, openssl verify against the right CA, and a valid
# identity certificate on R1 at that instant. RESTART=1 (ca_rollover_restart.sh)
# restarts both between the steps (state from startup-config, timers
# re-armed from the stored dates).
# Env (tests/run.sh): PKISH, PKISH_PLAIN, TESTBIN, ROOT.
# Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/scep.bash"
. "$HERE/ca.bash"

ca_begin ca_rollover scepclient "$@"
PORT=8080
CAURL=http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe
PASS=Lab-Archive-Pass-1
DAY=86400
epoch() { date -u -d "$(openssl x509 -in "$1" -noout "-$2" | cut -d= -f2)" +%s; }
both_clock() {
	ca_send "clock set $(clockarg "$1")"
	pk_send "clock set $(clockarg "$1")"
}
# A restart of both consoles between steps when RESTART=1.
restart() {
	[ "${RESTART:-0}" = 1 ] || return 0
	ca_send "write memory"
	pk_send "write memory"
	ca_sync && pk_sync
	ca_con_stop
	pk_stop
	check "restart: both consoles exit 0 ($CA_RC, $PK_RC)" \
	    test "$CA_RC" = 0 -a "$PK_RC" = 0
	pk_start "$W/r1" "$W/r1.out"
	ca_con_start "$W/ca" "$W/ca.out"
	pk_send enable
	ca_send enable
	both_clock "$1"
	wait_http "$CAURL?operation=GetCACaps" || bad "CA not back after restart"
}
# micromdm scepclient (GetCACert only) enrolls: sc_enroll TAG T CA-PEM
sc_enroll() {	# in its own directory (scepclient keeps csr.pem there)
	mkdir -p "sc.$1"
	(cd "sc.$1" && timeout 60 scepclient -server-url "$CAURL" \
	    -private-key sc.key -certificate sc.pem -cn "scepclient-$1" \
	    >sc.log 2>&1)
	check "$1: scepclient enrolls, its certificate verifies against $(basename "$3")" \
	    openssl verify -attime "$(($2 + 60))" -CAfile "$3" "sc.$1/sc.pem"
}
# R1's identity at the instant T verifies against CA-PEM (every step).
r1_valid() {	# r1_valid TAG T CA-PEM
	pk_cert CS "rc.$1" "id.$1.pem"
	# a renewal lands up to a minute after T (the real-time minimum
	# interval between two renewals); until then the old one served
	local t=$(($2 + 5)) nb
	nb=$(epoch "id.$1.pem" startdate)
	[ "$nb" -ge "$t" ] && t=$((nb + 5))
	check "$1: R1 holds a certificate valid now against $(basename "$3")" \
	    openssl verify -attime "$t" -CAfile "$3" "id.$1.pem"
}

pk_start "$W/r1" "$W/r1.out"
ca_con_start "$W/ca" "$W/ca.out"
T0=$(date +%s)
both_clock "$T0"
ca_send enable "configure terminal" "hostname CA" \
    "crypto key generate rsa label CS modulus 2048 exportable" \
    "ip http server" "ip http port $PORT" "crypto pki server CS" \
    " issuer-name CN=RootCA,OU=TAC,O=Cisco" " lifetime ca-certificate 730" \
    " lifetime certificate 365" " database archive pkcs12 password $PASS" \
    " grant auto" " grant auto rollover ca-cert" " auto-rollover 90" \
    " no shutdown" " end" "show crypto pki timers" "write memory"
ca_sync 120 || die "CA set-up: $(tail -20 "$CA_OUT")"
wait_http "$CAURL?operation=GetCACaps" || die "no SCEP at $CAURL"
check "GetCACaps lists GetNextCACert" grep -qx GetNextCACert \
    <(curl -s "$CAURL?operation=GetCACaps" | tr -d '\r')
curl -s "$CAURL?operation=GetCACert" -o ca.der
openssl x509 -inform der -in ca.der -out ca1.pem
CANA=$(epoch ca1.pem enddate)
T=$(ca_after "show crypto pki timers")
check "CA timers: CS SHADOW CERT GENERATION 639d23:..., CS CERT EXPIRE 729d23:..." \
    test -n "$(grep -E '^ \|639d23:[0-9:.]+  CS SHADOW CERT GENERATION$' <<<"$T")" -a \
    -n "$(grep -E '^ \|729d23:[0-9:.]+  CS CERT EXPIRE$' <<<"$T")"

# day 0: R1 enrolls
pk_send enable "configure terminal" "hostname R1" \
    "crypto pki trustpoint CS" " enrollment url http://127.0.0.1:$PORT" \
    " subject-name CN=r1.example.test,O=pkish" " serial-number none" \
    " ip-address none" " revocation-check none" \
    " auto-enroll 70 regenerate" " exit" \
    "crypto pki authenticate CS" yes "crypto pki enroll CS noconfirm" end \
    "show crypto pki timers"
pk_wait "%PKI-6-CERT_INSTALL" 1 120 || die "R1 enrollment: $(tail -20 r1.out)"
pk_sync
check "R1 timers: RENEW CS (expires before the CA)" grep -q ' RENEW CS$' \
    <(after r1.out "show crypto pki timers")
r1_valid day0 "$T0" ca1.pem

# RENEW, RENEW (the second is clipped to the CA's end)
n=1
for step in renew1 renew2; do
	NB=$(epoch "id.$([ $step = renew1 ] && echo day0 || echo renew1).pem" startdate)
	NA=$(epoch "id.$([ $step = renew1 ] && echo day0 || echo renew1).pem" enddate)
	AT=$((NB + (NA - NB) * 70 / 100 + 120))
	restart "$AT"
	both_clock "$AT"
	n=$((n + 1))
	pk_wait "%PKI-6-CERT_INSTALL" $n 120 || bad "$step: no renewal"
	r1_valid "$step" "$AT" ca1.pem
done
check "after the second RENEW R1's certificate ends with the CA (clipped)" \
    test "$(epoch id.renew2.pem enddate)" = "$CANA"
pk_send "show crypto pki timers"
pk_sync
check "R1 timers: SHADOW CS now" grep -q ' SHADOW CS$' \
    <(after r1.out "show crypto pki timers")

# day 640: CS SHADOW CERT GENERATION
GEN=$((CANA - 90 * DAY))
restart "$((GEN - 60))"
ca_send "debug crypto pki server"
both_clock "$((GEN + 60))"
ca_wait "CRYPTO_CS: file opened:" 1 90	# the last step: archived
ca_send "show crypto pki certificates" "show crypto pki server" \
    "show running-config" "show crypto key mypubkey rsa"
ca_sync
for l in "CRYPTO_CS: shadow generation timer fired." \
    "CRYPTO_CS: key 'CS#' does not exist; generated automatically" \
    "CRYPTO_CS: exporting shadow CA key and cert" "_00001.p12"; do
	check "CA debug: $l" has "$CA_OUT" "$l"
done
check "CA: CA Certificate (Rollover) before CA Certificate" \
    test "$(ca_after "show crypto pki certificates" | grep -E '^CA Certificate' | tr '\n' '|')" = \
    "CA Certificate (Rollover)|CA Certificate|"
S=$(ca_after "show crypto pki server")
check "CA: Rollover status: available for rollover" grep -qF \
    "    Rollover status: available for rollover" <<<"$S"
check "CA: Auto-Rollover configured, overlap period 90 days" grep -qF \
    "    Auto-Rollover configured, overlap period 90 days" <<<"$S"
check "CA: key CS# exists" grep -q '^Key name: CS#$' \
    <(ca_after "show crypto key mypubkey rsa")
curl -s "$CAURL?operation=GetNextCACert" -o next.p7
openssl pkcs7 -inform der -in next.p7 -print_certs 2>/dev/null >next.txt
openssl cms -verify -inform der -in next.p7 -CAfile ca1.pem -binary \
    -purpose any -attime "$((GEN + 60))" -out next.inner 2>/dev/null
openssl pkcs7 -inform der -in next.inner -print_certs -out ca2.pem 2>/dev/null
check "GetNextCACert: signed by the current CA, the rollover from its end" \
    test "$(epoch ca2.pem startdate)" = "$CANA"
sc_enroll beforeswitch "$((GEN + 60))" ca1.pem

# day 665: R1's SHADOW renewal
NB=$(epoch id.renew2.pem startdate)
AT=$((NB + (CANA - NB) * 70 / 100 + 120))
restart "$AT"
both_clock "$AT"
pk_wait "CERT_ROLLOVER_INSTALL" 1 120 || bad "no shadow identity: $(tail -20 r1.out)"
pk_send "show crypto pki certificates CS" "show running-config"
pk_sync
after r1.out "show running-config" >rc.shadow
chain_cert rc.shadow CS "rollover " >shadow.pem
check "R1 shadow identity: from the rollover CA, starts at the switch" \
    test "$(epoch shadow.pem startdate)" = "$CANA" -a -n "$(openssl verify \
    -attime $((CANA + 60)) -CAfile ca2.pem shadow.pem 2>/dev/null)"
check "R1 chain: rollover, identity, ca rollover, ca" test "$(sed -n \
    '/^crypto pki certificate chain CS/,/^!/p' rc.shadow | grep -oE \
    '^ certificate (ca )?(rollover )?' | tr -d ' ' | tr '\n' '|')" = \
    "certificaterollover|certificate|certificatecarollover|certificateca|"
r1_valid shadow "$AT" ca1.pem

# day 730: the switch
restart "$((CANA - 30))"
r1_valid before "$((CANA - 30))" ca1.pem
both_clock "$((CANA + 1))"
ca_wait "CS_ROLLOVER_ACTIVE" 1 60 || bad "CA: no switch"
pk_wait "CA_ROLLOVER_ACTIVE" 1 60 || bad "R1: no switch"
curl -s "$CAURL?operation=GetCACert" -o ca3.der
check "CA: GetCACert now answers the rollover certificate" cmp -s \
    <(openssl x509 -inform der -in ca3.der -outform der) \
    <(openssl x509 -in ca2.pem -outform der)
r1_valid after "$((CANA + 1))" ca2.pem
sc_enroll afterswitch "$((CANA + 60))" ca2.pem

# day 986: RENEW under the new CA
NB=$(epoch id.after.pem startdate)
NA=$(epoch id.after.pem enddate)
AT=$((NB + (NA - NB) * 70 / 100 + 120))
restart "$AT"
both_clock "$AT"
pk_wait "%PKI-6-CERT_INSTALL" $((n + 1)) 120 || bad "no RENEW under the new CA"
r1_valid final "$AT" ca2.pem
check "the renewed certificate has a new serial" test \
    "$(serial_of id.final.pem)" != "$(serial_of id.after.pem)"
ca_con_stop
pk_stop
check "both consoles exit 0 ($CA_RC, $PK_RC)" test "$CA_RC" = 0 -a "$PK_RC" = 0
finish
