#!/bin/bash
# tests/e2e/renew_acme.sh - automatic renewal of an ACME trustpoint end to
# end against Debian's pebble (certificates valid 1 hour), driven over
# telnet like an operator would:
#  1. enroll TP with `auto-enroll 80 regenerate`; the renew date shown is
#     notBefore + 80 % of the lifetime and `show crypto pki timers
#     [detail]` has the RENEW line in the IOS layout at the same instant;
#     `write memory` + restart recomputes the same RENEW time;
#  2. `clock set` just before the renew date renews nothing; just past it
#     a new certificate (new serial, new key, the key Auto.TP certifies)
#     is installed within seconds, the old one served until then, and the
#     terminal monitor session saw 717070/717067 <automatic>/717068 and
#     CERT_INSTALL; no renewal loop follows; moving the clock far ahead at
#     once is held by the minimum interval (said by show timers) and logs
#     the expiry (717055);
#  3. restart, pebble stopped: the renewal fails (717069, %PKI-4-
#     CERTRENEWFAIL), the old certificate and key stay, retries back off
#     60/120/240 s (plus jitter) as the clock is moved to each retry, the
#     third failure escalates to %PKI-3-, and once pebble is back the next
#     retry installs a new certificate;
#  4. RFC 9773 (pebble 2.4 has no ARI): a forwarding proxy in front of
#     pebble adds renewalInfo to the directory and answers it with a
#     scripted window; a trustpoint enrolled through it fetches the window
#     for its certificate's certID, shows its RENEW time inside the window
#     (not at 80 %), renews there, and is not renewed again. Whether the
#     renewal's newOrder carries "replaces" (the old certificate's certID).
# Everything on 127.0.0.1: pebble 14771 (management 14772), challtestsrv
# DNS 14773 (management 14774), the ARI proxy 14775, pkish's HTTP-01
# responder 5771, telnet on a free port. Env: PKISH (ASan build), PKISH_PLAIN, ROOT.
# Exit 0 pass, 77 skip, other fail. Temp dir removed; only our own
# processes are stopped.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PKISH=${PKISH:-$ROOT/build-san/pkish}
[ -x "$PKISH" ] || PKISH=${PKISH_PLAIN:-$ROOT/pkish}
command -v pebble >/dev/null || skip "pebble not installed"
command -v pebble-challtestsrv >/dev/null || skip "pebble-challtestsrv not installed"
command -v openssl >/dev/null || skip "openssl CLI not installed"
command -v curl >/dev/null || skip "curl CLI not installed"
command -v python3 >/dev/null || skip "python3 not installed"
[ -x "$PKISH" ] || fail "no pkish binary at $PKISH"

T=$(mktemp -d /tmp/renew_acme.XXXXXX) || fail "mktemp"
AP_BASE=14771 AP_HTTP=5771 AP_VALIDITY=3600
. "$ROOT/tests/e2e/acme_pebble.bash"
trap 'ap_cleanup; rm -rf "$T"' EXIT
ap_setup || fail "pebble set-up: $(cat "$T/openssl.log" 2>/dev/null)"

export PKISH T AP_DIR AP_HTTP AP_DNS AP_CA ROOT
python3 - <<'PY'
import datetime, hashlib, os, re, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests', 'e2e'))
from tnlib import Daemon, Checks, H9_CISCO, Pebble, Timeout

T = os.environ['T']
PKISH = os.environ['PKISH']
DIR = os.environ['AP_DIR']
c = Checks()
STATE = os.path.join(T, 'state')
os.mkdir(STATE)
STARTUP = '''hostname R1
!
username admin privilege 15 secret 9 %s
!
line vty 0 15
 login local
 transport input all
!
ip http port %s
!
interface Loopback0
 ip address 127.0.0.1 255.0.0.0
!
logging buffered 200000
end
''' % (H9_CISCO, os.environ['AP_HTTP'])


class AriProxy:
    """HTTPS proxy in front of pebble (Host kept, so pebble's URLs point
    here): adds renewalInfo to the directory, answers renewalInfo/<id>
    with a window [near] for the first certID and [far] after that, and
    records each certID asked for and each newOrder payload."""
    PORT = 14775

    def __init__(self, near, far):
        import base64, http.client, http.server, json, ssl, threading
        self.ids, self.orders = [], []
        px = self
        up = ssl.create_default_context(cafile=os.path.join(T, 'tlsca.pem'))
        acme = DIR.split('/')[2]

        def window(a, b):
            f = lambda t: time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))
            return json.dumps({'suggestedWindow': {'start': f(a),
                                                   'end': f(b)}}).encode()

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *a):
                pass

            def reply(self, code, hdrs, body):
                self.send_response(code)
                for k, v in hdrs:
                    if k.lower() not in ('content-length', 'connection',
                                         'transfer-encoding'):
                        self.send_header(k, v)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(n) if n else None
                if self.path.startswith('/renewal-info/'):
                    cid = self.path.split('/')[-1]
                    px.ids.append(cid)
                    w = near if px.ids.count(cid) and \
                        px.ids.index(cid) == 0 else far
                    return self.reply(200, [('Content-Type',
                                             'application/json')],
                                      window(*w))
                if self.path.startswith('/order-plz') and body:
                    pl = json.loads(body)['payload']
                    px.orders.append(json.loads(base64.urlsafe_b64decode(
                        pl + '=' * (-len(pl) % 4))))
                c = http.client.HTTPSConnection(acme, context=up,
                                                timeout=30)
                hdrs = {k: v for k, v in self.headers.items()
                        if k.lower() not in ('connection', 'keep-alive')}
                c.request(self.command, self.path, body, hdrs)
                r = c.getresponse()
                data = r.read()
                if self.path == '/dir':
                    d = json.loads(data)
                    d['renewalInfo'] = 'https://%s/renewal-info/' % \
                        self.headers['Host']
                    data = json.dumps(d).encode()
                self.reply(r.status, r.getheaders(), data)
                c.close()
            do_GET = do_POST = do_HEAD = do

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(os.path.join(T, 'tls.pem'),
                            os.path.join(T, 'tls.key'))
        self.srv = http.server.ThreadingHTTPServer(('127.0.0.1', self.PORT),
                                                   H)
        self.srv.socket = ctx.wrap_socket(self.srv.socket, server_side=True)
        self.srv.daemon_threads = True
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = 'https://127.0.0.1:%d/dir' % self.PORT

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


def cert_id_serial(serial_hex):
    """The serial half of an RFC 9773 certID for a hex serial."""
    import base64
    b = bytes.fromhex(serial_hex if len(serial_hex) % 2 == 0
                      else '0' + serial_hex)
    if b[0] & 0x80:
        b = b'\0' + b
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode()


def fmt_date(s):
    return datetime.datetime.strptime(s.strip(), '%H:%M:%S UTC %b %d %Y') \
        .replace(tzinfo=datetime.timezone.utc).timestamp()


def iso(s):
    return datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ') \
        .replace(tzinfo=datetime.timezone.utc).timestamp()


def ident(out):
    """Fields of the identity certificate block of show crypto ca certs."""
    for blk in out.replace('\r', '').split('\n\n'):
        if blk.lstrip('\n').startswith('Certificate\n'):
            f = {}
            for k, rx in (('serial', r'Certificate Serial Number: (\w+)'),
                          ('status', r'Status: (\w+)'),
                          ('start', r'start date: (.*)'),
                          ('end', r'end   date: (.*)'),
                          ('renew', r'renew date: (.*)'),
                          ('spki', r'SHA1 PublicKeyInfo hash: (\w+)')):
                m = re.search(rx, blk)
                f[k] = m.group(1).strip() if m else None
            return f
    return None


class Router:
    def __init__(self, state, startup=None):
        self.d = Daemon(PKISH, startup, state=state)
        self.a = self.login()           # operator with terminal monitor
        self.a.cmd('terminal monitor')
        self.b = self.login()           # operator running commands
        self.off = 0.0                  # virtual - real clock, seconds

    def login(self):
        t = self.d.connect(timeout=60)
        t.login('admin', 'cisco')
        t.cmd('terminal length 0')
        return t

    def cmd(self, s, timeout=60):
        return self.b.cmd(s, timeout)

    def config(self, lines):
        out = self.cmd('configure terminal')
        for ln in lines:
            out += self.cmd(ln, 120)
        return out + self.cmd('end')

    def vnow(self):
        return time.time() + self.off

    def clock_set(self, when):
        s = time.strftime('%H:%M:%S %d %b %Y', time.gmtime(when))
        out = self.cmd('clock set ' + s)
        self.off = when - time.time()
        return out

    def cert(self, tp='TP'):
        return ident(self.cmd('show crypto ca certificates ' + tp))

    def keyhash(self):
        out = self.cmd('show crypto key mypubkey rsa Auto.TP')
        m = re.search(r'Key Data:\n((?:  [0-9A-F ]+\n)+)', out)
        if not m:
            return None
        return hashlib.sha1(bytes.fromhex(''.join(m.group(1).split()))) \
            .hexdigest()

    def renew_timer(self, tp='TP'):
        out = self.cmd('show crypto pki timers detail')
        m = re.search(r'^  \|(.{16})  \((\S+)\) RENEW %s(?:  \[(.*)\])?$'
                      % tp, out, re.M)
        if not m:
            return None, None, out
        return iso(m.group(2)), m.group(3) or '', out

    def mark(self):
        """Read what the monitor session has pending (until 0.5 s of
        silence) and return the offset of what comes next."""
        while True:
            try:
                self.a.recv_some(0.5)
            except Timeout:
                return len(self.a.log)

    def monitor_wait(self, rx, timeout=30, start=0):
        """Wait until the monitor session has received rx (after offset
        start of its log); returns the match or None."""
        deadline = time.time() + timeout
        while True:
            m = re.compile(rx, re.S).search(self.a.log, start)
            if m:
                return m
            if time.time() >= deadline:
                return None
            try:
                self.a.recv_some(min(1, deadline - time.time()))
            except Timeout:
                pass

    def stop(self, clean=True):
        if clean:
            rc, _ = self.d.term(30)
            c.ok(rc == 0, 'pkish exits 0 on SIGTERM (rc=%s)' % rc)
        log = self.d.output()
        c.ok('Sanitizer' not in log and 'runtime error' not in log,
             'no sanitizer report', log[-3000:])
        self.d.stop()


pb = Pebble()
routers = []
try:
    pb.start()
    # ---------------------------------------------------------- phase 1
    r = Router(STATE, STARTUP)
    routers.append(r)
    out = r.config([
        'crypto pki trustpool import url file:' +
        os.path.join(T, 'tlsca.pem'),
        'crypto ca trustpoint TP',
        ' enrollment protocol acme url ' + DIR,
        ' enrollment protocol acme authentication http01 Loopback0',
        ' fqdn tp.example.test',
        ' subject-name CN=tp.example.test',
        ' auto-enroll 80 regenerate',
        ' exit',
        'crypto ca enroll TP noconfirm'])
    c.ok(r.monitor_wait(r'717068: ACME Certificate enrollment succeeded '
                        r'for trustpoint <TP>') is not None,
         'manual enrollment succeeded (717068 on the monitor)', out)
    c1 = r.cert()
    c.ok(c1 and c1['serial'] and c1['status'] == 'Available',
         'identity certificate installed', c1)
    nb, na = fmt_date(c1['start']), fmt_date(c1['end'])
    want = nb + (na - nb) * 80 // 100
    c.ok(c1['renew'] and fmt_date(c1['renew']) == want,
         'renew date = notBefore + 80 %% of the lifetime (%s)'
         % c1['renew'], c1)
    k1 = r.keyhash()
    c.ok(k1 == c1['spki'], 'the certificate certifies key Auto.TP')
    out = r.cmd('show crypto pki timers')
    c.ok(re.search(r'^PKI Timers\n\|[ 0-9d:.]{16}\n \|[ 0-9d:.]{16}  '
                   r'RENEW TP$', out, re.M) is not None,
         'show crypto pki timers: IOS layout with RENEW TP', out)
    when, note, out = r.renew_timer()
    c.ok(when == want, 'show crypto pki timers detail: RENEW TP at the '
         'renew date', out)
    m = re.search(r'^  \|(.{16})  \(\S+\) RENEW TP', out, re.M)
    left = m.group(1).strip() if m else ''
    c.ok(re.fullmatch(r'(\d+d)?\d{1,2}:\d\d:\d\d\.\d{3}|\d{1,2}:\d\d\.\d{3}'
                      r'|\d{1,2}\.\d{3}', left) is not None,
         'remaining time as [Nd]h:mm:ss.mmm / m:ss.mmm (%s)' % left)
    r.cmd('write memory')
    r.stop()
    # restart: every timer recomputed from the stored certificate
    r = Router(STATE)
    routers.append(r)
    c.ok(r.cert()['serial'] == c1['serial'], 'restart: same certificate')
    when2, _, out = r.renew_timer()
    c.ok(when2 == want, 'restart: same RENEW time', out)

    # ---------------------------------------------------------- phase 2
    r.clock_set(want - 30)
    time.sleep(2.5)
    c.ok(r.cert()['serial'] == c1['serial'],
         'clock 30 s before the renew date: nothing renewed')
    mark = r.mark()
    r.clock_set(want + 2)
    t0 = time.time()
    samples, c2 = [], None
    while time.time() - t0 < 60:
        cur = r.cert()
        samples.append(cur)
        if cur and cur['serial'] != c1['serial']:
            c2 = cur
            break
        time.sleep(0.1)
    took = time.time() - t0
    c.ok(c2 is not None and took < 20,
         'clock past the renew date: new certificate within %.1f s' % took)
    c.ok(all(s and s['status'] == 'Available' and
             s['serial'] in (c1['serial'], c2 and c2['serial'])
             for s in samples),
         'the old certificate served until the new one was installed '
         '(%d samples)' % len(samples))
    if c2 is None:
        raise RuntimeError('no renewal; giving up')
    k2 = r.keyhash()
    c.ok(k2 != k1, 'regenerate: a new key pair (Auto.TP changed)')
    c.ok(c2['spki'] == k2, 'the new certificate certifies the new Auto.TP')
    m = r.monitor_wait(r'CERT_INSTALL: An ID certificate has been installed'
                       r' under\s+Trustpoint   : TP', 20, mark)
    seen = r.a.log[mark:m.end() if m else len(r.a.log)]
    c.ok(m is not None, 'terminal monitor: %PKI-6-CERT_INSTALL', seen)
    for rx, what in (
            (r'717070: Keypair <Auto\.TP> in the trustpoint <TP> is '
             r'regenerated for <automatic>', '717070 <automatic>'),
            (r'717067: Starting ACME certificate enrollment for the '
             r'trustpoint <TP> .*Mode <automatic>', '717067 <automatic>'),
            (r'717068: ACME Certificate enrollment succeeded for '
             r'trustpoint <TP>.*Serial Number <%s>' % c2['serial'],
             '717068 with the new serial')):
        c.ok(re.search(rx, seen) is not None,
             'terminal monitor, before CERT_INSTALL: ' + what, seen)
    out = r.cmd('show logging')
    c.ok(re.search(r'717067: .*<TP>.*Mode <automatic>', out) and
         '717068' in out, 'show logging has the renewal too')
    time.sleep(3)
    c.ok(r.cert()['serial'] == c2['serial'],
         'no renewal loop: the new certificate stays (3 s later)')
    when, note, out = r.renew_timer()
    c.ok(when and when > r.vnow() + 2000 and 'anchored' in note,
         'next RENEW anchored at the install time (%s)' % note, out)
    # far ahead at once: the minimum interval holds the renewal
    mark = r.mark()
    r.clock_set(r.vnow() + 3300)
    time.sleep(2.5)
    c.ok(r.cert()['serial'] == c2['serial'],
         'clock far ahead right after a renewal: not renewed again')
    when, note, out = r.renew_timer()
    c.ok('minimum interval' in note and when <= r.vnow() + 60,
         'show crypto pki timers detail says the minimum interval holds '
         'it', out)
    c.ok(r.monitor_wait(r'%%ASA-1-717055: The <identity> certificate in '
                        r'the trustpoint <TP> has expired\. .*Serial Number '
                        r'<%s>' % c2['serial'], 10, mark) is not None,
         'expiry logged (717055) when the clock passes notAfter',
         r.a.log[mark:])
    r.cmd('write memory')
    r.stop()

    # ---------------------------------------------------------- phase 3
    pb.stop()
    r = Router(STATE)
    routers.append(r)
    c2b = r.cert()
    nb, na = fmt_date(c2b['start']), fmt_date(c2b['end'])
    want = nb + (na - nb) * 80 // 100
    when, _, out = r.renew_timer()
    c.ok(c2b['serial'] == c2['serial'] and when == want,
         'restart: RENEW of the renewed certificate from its dates', out)
    waits = []
    for n in (1, 2, 3):
        mark = r.mark()
        r.clock_set(max(when, r.vnow()) + 1)
        m = r.monitor_wait(r'%PKI-(\d)-CERTRENEWFAIL: [^\n]*retrying in '
                           r'(\d+) seconds', 30, mark)
        seen = r.a.log[mark:]
        c.ok(m is not None, 'pebble down: renewal %d fails with '
             'CERTRENEWFAIL' % n, seen)
        if m is None:
            break
        waits.append(int(m.group(2)))
        c.ok(re.search(r'717069: ACME Certificate enrollment failed for '
                       r'trustpoint <TP>', seen) is not None,
             'failure %d: 717069' % n, seen)
        sev = '3' if n == 3 else '4'
        c.ok(m.group(1) == sev, 'failure %d logged as %%PKI-%s-' % (n, sev),
             m.group(0))
        c.ok(r.cert()['serial'] == c2['serial'] and r.keyhash() == k2,
             'failure %d: the old certificate and key stay' % n)
        when, note, out = r.renew_timer()
        c.ok(when and 'retry %d after failure' % n in note and
             abs(when - (r.vnow() + waits[-1])) < 5,
             'show timers: RENEW is the retry %d' % n, out)
    c.ok(len(waits) == 3 and 60 <= waits[0] < 90 and
         120 <= waits[1] < 150 and 240 <= waits[2] < 270,
         'backoff 60/120/240 s plus jitter (%s)' % waits)
    pb.start()
    mark = r.mark()
    r.clock_set(when + 1)
    m = r.monitor_wait(r'717068: ACME Certificate enrollment succeeded for '
                       r'trustpoint <TP>', 30, mark)
    c.ok(m is not None, 'pebble back: the next retry succeeds',
         r.a.log[mark:])
    c3 = r.cert()
    c.ok(c3 and c3['serial'] not in (c1['serial'], c2['serial']) and
         c3['spki'] == r.keyhash() != k2,
         'a third certificate with a third key is installed')
    when, note, out = r.renew_timer()
    c.ok(when and 'retry' not in note, 'RENEW timer back to normal', out)

    # ---------------------------------------------------------- phase 4
    r.clock_set(time.time())    # the CA's time again: no anchoring
    now = time.time()
    near, far = (now + 600, now + 900), (now + 2 * 86400, now + 3 * 86400)
    px = AriProxy(near, far)
    try:
        r.config(['crypto ca trustpoint ARI',
                  ' enrollment protocol acme url ' + px.url,
                  ' enrollment protocol acme authentication http01 '
                  'Loopback0',
                  ' fqdn ari.example.test',
                  ' auto-enroll 80',
                  ' exit',
                  'crypto ca enroll ARI noconfirm'])
        a1 = r.cert('ARI')
        c.ok(a1 and a1['serial'], 'ARI: enrolled through the proxy', a1)
        deadline = time.time() + 20
        while not px.ids and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        c.ok(len(px.ids) == 1 and px.ids[0].endswith(
            '.' + cert_id_serial(a1['serial'])),
            'ARI: renewalInfo fetched for the certificate\'s certID', px.ids)
        nb, na = fmt_date(a1['start']), fmt_date(a1['end'])
        when, note, out = r.renew_timer('ARI')
        c.ok(when is not None and near[0] <= when < near[1] and
             'RFC 9773' in note, 'ARI: RENEW inside the suggested window, '
             'not at 80 %', out)
        c.ok(when != nb + (na - nb) * 80 // 100, 'ARI: the window replaced '
             'the percentage')
        mark = r.mark()
        r.clock_set(when + 1)
        m = r.monitor_wait(r'CERT_INSTALL: An ID certificate has been '
                           r'installed under\s+Trustpoint   : ARI', 30, mark)
        c.ok(m is not None, 'ARI: renewed at the chosen instant',
             r.a.log[mark:])
        a2 = r.cert('ARI')
        c.ok(a2 and a2['serial'] != a1['serial'], 'ARI: new certificate',
             (a1, a2))
        time.sleep(3)
        c.ok(r.cert('ARI')['serial'] == a2['serial'] and len(px.ids) == 2,
             'ARI: the new certificate\'s window (far ahead) is fetched and '
             'it is not renewed again', px.ids)
        when, note, out = r.renew_timer('ARI')
        c.ok(when and when >= far[0] and 'RFC 9773' in note,
             'ARI: next RENEW in the new window', out)
        rep = [o.get('replaces') for o in px.orders]
        c.ok(len(rep) >= 2 and rep[0] is None and rep[-1] == px.ids[0],
             'ARI: the renewal\'s newOrder carries replaces = the old '
             'certificate\'s certID (RFC 9773 section 5)', rep)
    finally:
        px.stop()
    r.stop()
except Exception as ex:        # report, then fail
    import traceback
    traceback.print_exc()
    c.ok(False, 'exception: %s' % ex)
finally:
    for r in routers:
        r.d.stop()
    pb.stop()
sys.exit(c.done())
PY
rc=$?
[ $rc -eq 0 ] || { echo "--- pebble.log (tail)"; tail -20 "$T/pebble.log"; }
exit $rc
