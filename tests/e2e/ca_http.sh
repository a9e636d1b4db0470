#!/bin/bash
# tests/e2e/ca_http.sh - the certificate server and `ip http server`, in a
# private network namespace where only loopback exists:
#  1. `no shutdown` without `ip http server`: the server is enabled (the CA
#     certificate exists, `request pkcs10 terminal` grants), with a `%`
#     warning that SCEP is not served; nothing listens on the port.
#  2. `ip http port N` + `ip http server` later: GetCACaps/GetCACert answer.
#  3. `no ip http server`: SCEP stops; `ip http server` again: it serves.
# Env (tests/run.sh): PKISH, PKISH_PLAIN, TESTBIN, ROOT.
# Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/scep.bash"
. "$HERE/ca.bash"

ca_begin ca_http "" "$@"
PORT=8080
URL=http://127.0.0.1:$PORT/cgi-bin/pkiclient.exe
PASS=Lab-Archive-Pass-1
code() { curl -s -o /dev/null -w '%{http_code}' "$URL?operation=$1"; }

# 1. enabled without an HTTP server
openssl req -new -newkey rsa:2048 -nodes -keyout term.key \
    -subj "/CN=term.example.test/O=pkish" -out term.csr 2>/dev/null ||
    die "openssl req"
pk_start "$W/st" "$W/out"
pk_send enable "configure terminal" \
    "crypto key generate rsa label CS modulus 2048" "crypto pki server CS" \
    " issuer-name CN=Http Test CA,O=pkish" " grant auto" " no shutdown" \
    "$PASS" "$PASS" " end"
pk_sync 120 || die "CA set-up: $(tail -20 "$PK_OUT")"
check "no shutdown without ip http server: enabled" has "$PK_OUT" \
    "% Certificate Server enabled."
check "... with a % warning that SCEP is not served" has "$PK_OUT" \
    '% SCEP is not served until "ip http server" is configured'
check "nothing listens on port $PORT" test "$(code GetCACaps)" = 000
pk_send "crypto pki server CS request pkcs10 terminal"
pk_send "$(cat term.csr)" ""
pk_sync
check "request pkcs10 terminal is granted" has "$PK_OUT" \
    "% Granted certificate:"

# 2. ip http server later: SCEP served
pk_send "configure terminal" "ip http port $PORT" "ip http server" end
pk_sync
wait_http "$URL?operation=GetCACaps"
check "ip http server afterwards: GetCACaps 200" test "$(code GetCACaps)" = 200
curl -s "$URL?operation=GetCACert" -o ca.der
check "GetCACert: the CA certificate" grep -q "CN *= *Http Test CA" \
    <(openssl x509 -inform der -in ca.der -noout -subject 2>/dev/null)

# 3. no ip http server: stopped; again: served
pk_send "configure terminal" "no ip http server" end
pk_sync
check "no ip http server: SCEP no longer served" test "$(code GetCACaps)" = 000
pk_send "configure terminal" "ip http server" end
pk_sync
wait_http "$URL?operation=GetCACaps"
check "ip http server again: GetCACaps 200" test "$(code GetCACaps)" = 200
check "no % error on the console" hasnt "$PK_OUT" "% Error"
pk_stop
check "console exits 0" test "$PK_RC" -eq 0
finish
