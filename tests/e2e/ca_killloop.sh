#!/bin/bash
# tests/e2e/ca_killloop.sh - durability of the certificate server
# (`grant auto`) across kill -9, inside a private network namespace
# (loopback only). scep_load enrolls over 4 connections the whole time
# (each request built just before it is sent; a refused connection is
# retried with the same message) while the CA daemon is killed with
# SIGKILL at random moments KILLS times (default 32) and started again on
# the same state. Then: every certificate a client received is in the CA
# database and verifies against the CA (openssl verify), no serial twice among
# received certificates nor in the database, and the CA serves again.
# CA_TARGET=pkish (default), micromdm or responder. Env (tests/run.sh): PKISH, ROOT,
# KILLS. Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/scep.bash"
. "$HERE/ca.bash"

LOAD_PID=
cleanup() {
	[ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null &&
	    wait "$LOAD_PID" 2>/dev/null
	ca_cleanup
}
ca_begin ca_killloop "scepserver" "$@"
trap cleanup EXIT
ca_need_load
KILLS=${KILLS:-32}
[ "$KILLS" -ge 30 ] || KILLS=30
ca_up "$W/ca" 2082
echo "# $KILLS kills"

mkdir recv
"$LOAD" -u "$CA_URL" "${CH[@]}" -t 300 -c 4 -n 100000 -k 8 -o recv \
    >load.out 2>load.err 7>&- &
LOAD_PID=$!
sleep 1
kills=0
restart_fail=0
for i in $(seq "$KILLS"); do
	# 20..400 ms of service, then SIGKILL at that moment
	sleep "0.$(printf '%03d' $((RANDOM % 380 + 20)))"
	ca_kill
	kills=$((kills + 1))
	ca_start 2>/dev/null || { restart_fail=$((restart_fail + 1)); break; }
done
sleep 0.5
kill -TERM "$LOAD_PID" 2>/dev/null
wait "$LOAD_PID"
LOAD_PID=
echo "# $(cat load.out)"
check "$kills kills, the CA came back after each" \
    test "$kills" -ge 30 -a "$restart_fail" -eq 0
check "the load client ran to the end" has load.out "level conc=4"
got=$(wc -l <recv/received)
check "clients received certificates ($got)" test "$got" -gt 0
bad=0
for f in recv/0*.pem; do
	openssl verify -CAfile "$CA_PEM" "$f" >/dev/null 2>&1 ||
	    bad=$((bad + 1))
done
check "every received certificate verifies against the CA ($bad bad)" \
    test "$bad" -eq 0
awk '{ print $1 }' recv/received | ca_norm | sort >received.sorted
ca_serials db.serials
missing=$(comm -23 received.sorted db.serials | wc -l)
check "every received certificate is in the CA database ($missing missing)" \
    test "$missing" -eq 0
nocn=$(while read -r ser cn _; do
	ser=$(echo "$ser" | ca_norm)
	grep -q "^$ser .*$(echo "$cn" | tr A-Z a-z)" db.serials.lines ||
	    echo "$ser"
done <recv/received | wc -l)
check "the database lists each received serial with its CN ($nocn not)" \
    test "$nocn" -eq 0
check "no serial twice among received certificates ($(uniq -d received.sorted | wc -l))" \
    test -z "$(uniq -d received.sorted)"
check "no serial twice in the CA database ($(uniq -d db.serials | wc -l))" \
    test -z "$(uniq -d db.serials)"
echo "# received $got, database $(wc -l <db.serials)"
check "the CA serves after the loop" \
    curl -sf -o /dev/null "$(ca_url_caps)"
ca_no_san
finish
