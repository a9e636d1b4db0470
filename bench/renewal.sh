#!/bin/bash
# bench/renewal.sh - benchmark, not a test: BENCH_N (1000) ACME
# trustpoints due at the same instant, renewed by pkish's engine against
# Debian's pebble, side by side with lego (Debian package) renewing the
# same names with `lego renew` in a loop run LEGO_PAR (= BENCH_CONC) at a
# time. Reported for each: wall time from "due" until every certificate
# is renewed, failures, peak RSS, requests per second seen by pebble
# (from its request log), and for pkish the most jobs it had in flight
# (its own count, `debug crypto pki transactions`) against the bound
# PKISH_RENEW_CONCURRENCY=BENCH_CONC (8). Target: pkish renews all in
# under 60 s, no failures, never more than BENCH_CONC in flight.
# Both clients reuse their key (pkish: one `eckeypair`, no regenerate;
# lego: --reuse-key, ec256); pebble is fresh for each client, with
# certificates valid 1 hour, no VA sleeps, no nonce rejection and no
# authorization reuse. Everything on 127.0.0.1: pebble 14791 (management
# 14792), challtestsrv DNS 14793 (management 14794), HTTP-01 on 5791
# (pkish's responder, then a webroot server for lego), telnet on a free
# port. Env: PKISH_PLAIN (default ./pkish), BENCH_N, BENCH_CONC, LEGO_PAR,
# LEGO_OBTAIN_PAR (64, initial certificates, not measured).
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
set -u

fail() { echo "bench/renewal: $*"; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKISH=${PKISH_PLAIN:-$ROOT/pkish}
for c in pebble pebble-challtestsrv openssl curl python3; do
	command -v $c >/dev/null || fail "$c not installed"
done
[ -x "$PKISH" ] || fail "no pkish binary at $PKISH (make)"
command -v lego >/dev/null ||
    echo "bench/renewal: lego not installed (apt-get install lego); pkish only"

T=$(mktemp -d /tmp/bench_renewal.XXXXXX) || fail "mktemp"
AP_BASE=14791 AP_HTTP=5791 AP_VALIDITY=3600
. "$ROOT/tests/e2e/acme_pebble.bash"
trap 'ap_cleanup; rm -rf "$T"' EXIT
ap_setup || fail "pebble set-up: $(cat "$T/openssl.log" 2>/dev/null)"

export PKISH T AP_DIR AP_HTTP AP_DNS AP_CA ROOT
export BENCH_N=${BENCH_N:-1000} BENCH_CONC=${BENCH_CONC:-8}
export LEGO_PAR=${LEGO_PAR:-$BENCH_CONC} LEGO_OBTAIN_PAR=${LEGO_OBTAIN_PAR:-64}
python3 - <<'PY'
import concurrent.futures, datetime, functools, http.server, os, re
import shutil, subprocess, sys, threading, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests', 'e2e'))
from tnlib import Daemon, H9_CISCO, Pebble

T = os.environ['T']
N = int(os.environ['BENCH_N'])
CONC = int(os.environ['BENCH_CONC'])
LPAR = int(os.environ['LEGO_PAR'])
OPAR = int(os.environ['LEGO_OBTAIN_PAR'])
DIR = os.environ['AP_DIR']
HTTP = int(os.environ['AP_HTTP'])
names = ['b%04d.example.test' % i for i in range(N)]
res = {}


class RssSampler(threading.Thread):
    """Sum of VmRSS over the pids pids() returns, every 100 ms."""
    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids, self.peak, self.halt = pids, 0, False

    def run(self):
        while not self.halt:
            tot = 0
            for pid in self.pids():
                try:
                    with open('/proc/%d/status' % pid) as f:
                        for ln in f:
                            if ln.startswith('VmRSS:'):
                                tot += int(ln.split()[1])
                except OSError:
                    pass
            self.peak = max(self.peak, tot)
            time.sleep(0.1)


def stamp(line):
    m = re.match(r'\*?\w{3} +\d+ (\d\d):(\d\d):(\d\d)\.(\d{3}):', line)
    if not m:
        return None
    h, mi, s, ms = map(int, m.groups())
    return h * 3600 + mi * 60 + s + ms / 1000.0


def login(d):
    t = d.connect(timeout=600)
    t.login('admin', 'cisco')
    t.cmd('terminal length 0')
    return t


def bench_pkish(pb):
    tps = ''.join('''crypto ca trustpoint B%04d
 enrollment protocol acme url %s
 enrollment protocol acme authentication http01 Loopback0
 fqdn %s
 eckeypair BENCH
 auto-enroll 80
!
''' % (i, DIR, n) for i, n in enumerate(names))
    startup = '''hostname R1
!
username admin privilege 15 secret 9 %s
!
line vty 0 15
 login local
 transport input all
!
ip http port %d
!
interface Loopback0
 ip address 127.0.0.1 255.0.0.0
!
logging buffered 4096 informational
logging console warnings
!
%send
''' % (H9_CISCO, HTTP, tps)
    st = os.path.join(T, 'state')
    os.mkdir(st)
    d = Daemon(os.environ['PKISH'], startup, state=st,
               env=dict(os.environ, PKISH_RENEW_CONCURRENCY=str(CONC)))
    try:
        b = login(d)
        b.cmd('configure terminal')
        b.cmd('crypto key generate ec keysize 256 label BENCH')
        b.cmd('crypto pki trustpool import url file:' +
              os.path.join(T, 'tlsca.pem'))
        b.cmd('end')
        t0 = time.time()

        def enroll(part):
            t = login(d)
            t.cmd('configure terminal')
            for i in part:
                t.cmd('crypto ca enroll B%04d noconfirm' % i, 600)
            t.close()
        with concurrent.futures.ThreadPoolExecutor(8) as ex:
            list(ex.map(enroll, [range(N)[k::8] for k in range(8)]))
        res['pkish_enroll_s'] = time.time() - t0
        out = b.cmd('show crypto ca certificates', 600)
        renew = [datetime.datetime.strptime(x, '%H:%M:%S UTC %b %d %Y')
                 .replace(tzinfo=datetime.timezone.utc).timestamp()
                 for x in re.findall(r'renew date: (.*?)\r?\n', out)]
        if len(renew) != N:
            raise RuntimeError('only %d of %d enrolled' % (len(renew), N))
        a = login(d)
        a.cmd('terminal monitor')
        b.cmd('debug crypto pki transactions')
        # the first ARI look-ups after enrollment are over when pebble's
        # request log stands still for a second
        n0 = -1
        while n0 != pb.requests():
            n0 = pb.requests()
            time.sleep(1)
        mark = len(a.log)
        rss = RssSampler(lambda: [d.p.pid])
        rss.start()
        due = max(renew) + 2
        t0 = time.time()
        b.cmd('clock set ' + time.strftime('%H:%M:%S %d %b %Y',
                                           time.gmtime(due)))
        while time.time() - t0 < 900:
            seen = a.log[mark:]
            if seen.count('717068') + seen.count('717069') >= N:
                break
            try:
                a.recv_some(1)
            except Exception:
                pass
        t_done = time.time()
        rss.halt = True
        lines = a.log[mark:].replace('\r', '').split('\n')
        ok = [stamp(ln) for ln in lines if '717068' in ln]
        res['pkish_ok'] = len(ok)
        res['pkish_fail'] = sum('717069' in ln for ln in lines)
        res['pkish_wall'] = (max(ok) - (due % 86400)) if ok else \
            t_done - t0
        res['pkish_wall_seen'] = t_done - t0
        inflight = [int(m.group(1)) for m in (re.search(
            r'renewal engine: \w+ \S+ started, (\d+) of', ln)
            for ln in lines) if m]
        res['pkish_inflight'] = max(inflight) if inflight else 0
        res['pkish_req'] = pb.requests() - n0
        res['pkish_rss_renew_kib'] = rss.peak
        with open('/proc/%d/status' % d.p.pid) as f:
            res['pkish_hwm_kib'] = int(re.search(r'VmHWM:\s+(\d+)',
                                                 f.read()).group(1))
        d.term(60)
    finally:
        d.stop()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


def lego(args, name):
    cmd = ['lego', '--server', DIR, '--email', 'bench@example.test',
           '--accept-tos', '--path', os.path.join(T, 'lego'), '--http',
           '--http.webroot', os.path.join(T, 'www'), '--key-type', 'ec256',
           '-d', name] + args
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(T, 'lego.log'), 'a'),
                            env=dict(os.environ, LEGO_CA_CERTIFICATES=
                                     os.path.join(T, 'tlsca.pem')))


def bench_lego(pb):
    www = os.path.join(T, 'www')
    os.makedirs(www)
    srv = http.server.ThreadingHTTPServer(
        ('127.0.0.1', HTTP), functools.partial(Quiet, directory=www))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    live = set()
    lock = threading.Lock()
    maxrss = [0]

    def run(args, name):
        p = lego(args, name)
        with lock:
            live.add(p.pid)
        _, status, ru = os.wait4(p.pid, 0)    # rusage of this lego only
        p.returncode = os.waitstatus_to_exitcode(status)
        with lock:
            live.discard(p.pid)
            maxrss[0] = max(maxrss[0], ru.ru_maxrss)
        return p.returncode
    try:
        t0 = time.time()
        if run(['run'], names[0]) != 0:       # the account, once
            raise RuntimeError('lego run failed: see lego.log')
        with concurrent.futures.ThreadPoolExecutor(OPAR) as ex:
            rcs = list(ex.map(lambda n: run(['run'], n), names[1:]))
        res['lego_obtain_s'] = time.time() - t0
        res['lego_obtain_fail'] = sum(rc != 0 for rc in rcs)
        crt = lambda n: os.path.join(T, 'lego', 'certificates', n + '.crt')
        before = {n: open(crt(n), 'rb').read() for n in names
                  if os.path.exists(crt(n))}
        n0 = pb.requests()
        rss = RssSampler(lambda: list(live))
        rss.start()
        t0 = time.time()
        with concurrent.futures.ThreadPoolExecutor(LPAR) as ex:
            rcs = list(ex.map(lambda n: run(
                ['renew', '--days', '90', '--no-random-sleep',
                 '--reuse-key'], n), names))
        res['lego_wall'] = time.time() - t0
        rss.halt = True
        changed = sum(os.path.exists(crt(n)) and
                      open(crt(n), 'rb').read() != before.get(n)
                      for n in names)
        res['lego_ok'] = changed
        res['lego_fail'] = sum(rc != 0 for rc in rcs)
        res['lego_req'] = pb.requests() - n0
        res['lego_rss_kib'] = rss.peak
        res['lego_proc_maxrss_kib'] = maxrss[0]
    finally:
        srv.shutdown()
        srv.server_close()


pb = Pebble()
try:
    pb.start(fresh_log=True)
    bench_pkish(pb)
    pb.stop()
    if shutil.which('lego'):
        pb.start(fresh_log=True)
        bench_lego(pb)
finally:
    pb.stop()

print('bench/renewal: %d ACME certificates due at once, pebble on '
      '127.0.0.1, %d jobs at a time' % (N, CONC))
print('%-34s %14s %14s' % ('', 'pkish', 'lego (loop)'))


def row(what, a, b):
    print('%-34s %14s %14s' % (what, a, b))


g = res.get
row('renewed / failed', '%d / %d' % (g('pkish_ok'), g('pkish_fail')),
    '%s / %s' % (g('lego_ok', '-'), g('lego_fail', '-')))
row('wall time, due -> all renewed (s)', '%.1f' % g('pkish_wall'),
    '%.1f' % g('lego_wall') if g('lego_wall') else '-')
row('renewals per second', '%.1f' % (g('pkish_ok') / g('pkish_wall')),
    '%.1f' % (g('lego_ok') / g('lego_wall')) if g('lego_wall') else '-')
row('requests at pebble', g('pkish_req'), g('lego_req', '-'))
row('requests per second at pebble', '%.0f' % (g('pkish_req') /
    g('pkish_wall')), '%.0f' % (g('lego_req') / g('lego_wall'))
    if g('lego_wall') else '-')
row('peak RSS while renewing (MiB)', '%.1f' % (g('pkish_rss_renew_kib') /
    1024), '%.1f' % (g('lego_rss_kib') / 1024) if g('lego_wall') else '-')
row('most jobs in flight (bound %d)' % CONC, g('pkish_inflight'),
    '%d procs' % LPAR if g('lego_wall') else '-')
print('pkish: peak RSS over the whole run (VmHWM) %.1f MiB; initial '
      'enrollment of %d took %.1f s (8 sessions)' % (
          g('pkish_hwm_kib') / 1024, N, g('pkish_enroll_s')))
print('pkish: the engine spreads due renewals over [0, %d) s of per-name '
      'jitter (1 + N/50), a floor under its wall time' % (1 + N // 50))
if g('lego_wall'):
    print('lego: one process per name; largest process %.1f MiB; initial '
          '`lego run` x%d took %.1f s (%d at a time, %d failed)' % (
              g('lego_proc_maxrss_kib') / 1024, N, g('lego_obtain_s'), OPAR,
              g('lego_obtain_fail')))
    if g('lego_fail'):
        with open(os.path.join(T, 'lego.log'), errors='replace') as f:
            errs = [ln.rstrip() for ln in f
                    if 'error' in ln.lower() or 'Error' in ln][-5:]
        print('lego errors (last %d):' % len(errs))
        for ln in errs:
            print('  ' + ln[:300])
ok = (g('pkish_ok') == N and g('pkish_fail') == 0 and
      g('pkish_wall') < 60 and g('pkish_inflight') <= CONC)
print('target (all %d renewed in < 60 s, no failure, <= %d in flight): %s'
      % (N, CONC, 'met' if ok else 'NOT met'))
PY
