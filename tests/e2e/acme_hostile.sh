#!/bin/bash
# tests/e2e/acme_hostile.sh - the ACME engine against a scripted, hostile
# ACME server (python3 http.server + ssl on 127.0.0.1:14736): oversize
# and malformed directories, plain-http URLs, rateLimited with
# Retry-After (waited out, then a problem document with subproblems),
# badNonce forever (bounded retries), an authorization that never leaves
# "pending" (deadline -> 124 with bounded polling). Driver:
# tests/helpers/acme_faults with ACME_PHASE=hostile.
# Env: TESTBIN (dir of unit test binaries). Exit 0 pass, 77 skip.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

TESTBIN=${TESTBIN:-build/tests}
DRIVER=$TESTBIN/helpers/acme_faults
command -v python3 >/dev/null || skip "python3 not installed"
command -v openssl >/dev/null || skip "openssl CLI not installed"
[ -x "$DRIVER" ] || fail "$DRIVER missing (make unit)"

PORT=14736
HTTP_PORT=5736
T=$(mktemp -d /tmp/acme_hostile.XXXXXX) || fail "mktemp"
SRV_PID=
cleanup() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/tls.key" -out "$T/tls.pem" -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" 2>"$T/openssl.log" ||
    fail "TLS certificate: $(cat "$T/openssl.log")"

cat >"$T/srv.py" <<'PY'
import http.server, json, ssl, sys, threading
port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
base = "https://127.0.0.1:%d" % port
count, lock, nonce = {}, threading.Lock(), [0]

def prob(t, detail, **kw):
    d = {"type": "urn:ietf:params:acme:error:" + t, "detail": detail}
    d.update(kw)
    return d

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def send(self, code, body=b"", ctype="application/json", hdrs=()):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        with lock:
            nonce[0] += 1
            n = "nonce%d" % nonce[0]
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Replay-Nonce", n)
        for k, v in hdrs:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    def hit(self):
        with lock:
            count[self.path] = count.get(self.path, 0) + 1
            return count[self.path]
    def directory(self, s, scheme="https"):
        b = "%s://127.0.0.1:%d/%s" % (scheme, port, s)
        return {"newNonce": b + "/nonce", "newAccount": b + "/acct",
                "newOrder": b + "/order"}
    def do_HEAD(self):
        self.do_GET()
    def do_GET(self):
        p = self.path
        if p.startswith("/count/"):
            return self.send(200, str(count.get("/" + p[7:].replace(
                "_", "/"), 0)).encode(), "text/plain")
        if p == "/big/dir":
            return self.send(200, b'{"pad":"' + b"x" * 600000 + b'"}')
        if p == "/junk/dir":
            return self.send(200, json.dumps(self.directory("junk")).encode()
                             + b"garbage")
        if p == "/plain/dir":
            return self.send(200, self.directory("plain", "http"))
        if p.endswith("/dir"):
            return self.send(200, self.directory(p.split("/")[1]))
        if p.endswith("/nonce"):
            return self.send(200)
        self.send(404, prob("malformed", "no such resource"),
                  "application/problem+json")
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        self.rfile.read(n)
        p, k = self.path, self.hit()
        pj = "application/problem+json"
        if p == "/rl/acct":
            if k == 1:
                return self.send(429, prob("rateLimited", "slow down"), pj,
                                 [("Retry-After", "1")])
            return self.send(201, {"status": "valid"}, hdrs=[
                ("Location", base + "/rl/acct/1")])
        if p == "/rl/order":
            return self.send(403, prob("rejectedIdentifier",
                "Some identifiers were rejected", subproblems=[
                    {"type": "urn:ietf:params:acme:error:caa",
                     "detail": "CAA record forbids issuance",
                     "identifier": {"type": "dns",
                                    "value": "evil.example.test"}}]), pj)
        if p == "/bn/acct":
            return self.send(400, prob("badNonce", "stale nonce"), pj)
        if p == "/pend/acct":
            return self.send(201, {"status": "valid"}, hdrs=[
                ("Location", base + "/pend/acct/1")])
        if p == "/pend/order":
            return self.send(201, {"status": "pending",
                "finalize": base + "/pend/fin",
                "authorizations": [base + "/pend/authz"]}, hdrs=[
                ("Location", base + "/pend/order/1")])
        if p == "/pend/authz":
            return self.send(200, {"status": "pending",
                "identifier": {"type": "dns", "value": "slow.example.test"},
                "challenges": [{"type": "http-01", "status": "pending",
                    "url": base + "/pend/chal",
                    "token": "tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ"}]})
        if p == "/pend/chal":
            return self.send(200, {"type": "http-01", "status": "processing",
                "url": base + "/pend/chal",
                "token": "tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
        self.send(404, prob("malformed", "no such resource"), pj)

srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY

python3 "$T/srv.py" $PORT "$T/tls.pem" "$T/tls.key" >"$T/srv.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 100); do
	curl -s --cacert "$T/tls.pem" -o /dev/null "https://127.0.0.1:$PORT/rl/dir" &&
	    break
	sleep 0.05
done

ACME_PHASE=hostile ACME_FAKE_URL=https://127.0.0.1:$PORT ACME_CA_PEM=$T/tls.pem \
    ACME_DIR_URL=https://127.0.0.1:$PORT/rl/dir ACME_HTTP_PORT=$HTTP_PORT \
    ACME_STATE=$T/state ACME_OUT=$T "$DRIVER" | tee "$T/driver.log"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || { cat "$T/srv.log"; fail "driver rc=$rc"; }
grep -q '^[1-9][0-9]* passed, 0 failed' "$T/driver.log" || fail "driver checks"
echo "PASS: acme_hostile"
exit 0
