#!/bin/bash
# tests/e2e/renew_storm.sh - a renewal storm against Debian's pebble:
# STORM_N (200) ACME trustpoints with `auto-enroll 80` are enrolled (four
# telnet sessions in parallel), then one `clock set` makes all of them
# due at the same instant. With PKISH_RENEW_CONCURRENCY=5 every one is
# renewed exactly once, the engine's own count of jobs in flight
# (`debug crypto pki transactions`) reaches 5 and never exceeds it, the
# 717067..717068 intervals from the log never overlap more than 5 deep,
# and the starts are spread over several seconds (never all in one).
# The trustpoints share one EC key (no regenerate) to keep the test lean.
# Everything on 127.0.0.1: pebble 14781 (management 14782), challtestsrv
# DNS 14783 (management 14784), pkish's HTTP-01 responder 5781, telnet on
# a free port. Env: PKISH (ASan build), PKISH_PLAIN, ROOT, STORM_N.
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

T=$(mktemp -d /tmp/renew_storm.XXXXXX) || fail "mktemp"
AP_BASE=14781 AP_HTTP=5781 AP_VALIDITY=3600
. "$ROOT/tests/e2e/acme_pebble.bash"
trap 'ap_cleanup; rm -rf "$T"' EXIT
ap_setup || fail "pebble set-up: $(cat "$T/openssl.log" 2>/dev/null)"
ap_start PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 ||
    fail "pebble did not start"

export PKISH T AP_DIR AP_HTTP ROOT
export STORM_N=${STORM_N:-200} STORM_CONC=5
python3 - <<'PY'
import datetime, os, re, sys, threading, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests', 'e2e'))
from tnlib import Daemon, Checks, H9_CISCO

T = os.environ['T']
N = int(os.environ['STORM_N'])
CONC = int(os.environ['STORM_CONC'])
DIR = os.environ['AP_DIR']
c = Checks()
names = ['S%03d' % i for i in range(N)]
tps = ''.join('''crypto ca trustpoint %s
 enrollment protocol acme url %s
 enrollment protocol acme authentication http01 Loopback0
 fqdn %s.example.test
 eckeypair STORM
 auto-enroll 80
!
''' % (n, DIR, n.lower()) for n in names)
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
logging buffered 8000000
!
%send
''' % (H9_CISCO, os.environ['AP_HTTP'], tps)


def login(d):
    t = d.connect(timeout=120)
    t.login('admin', 'cisco')
    t.cmd('terminal length 0')
    return t


def idents(out):
    """{trustpoint: (serial, renew date)} from show crypto ca certs."""
    got = {}
    for blk in out.replace('\r', '').split('\n\n'):
        if not blk.lstrip('\n').startswith('Certificate\n'):
            continue
        s = re.search(r'Certificate Serial Number: (\w+)', blk)
        r = re.search(r'renew date: (.*)', blk)
        a = re.search(r'Associated Trustpoints: (\S+)', blk)
        if s and a:
            got[a.group(1)] = (s.group(1), r.group(1).strip() if r else '')
    return got


def stamp(line):
    """Seconds (with ms) of a log line '*Mon dd hh:mm:ss.mmm: ...'."""
    m = re.match(r'\*?\w{3} +\d+ (\d\d):(\d\d):(\d\d)\.(\d{3}):', line)
    if not m:
        return None
    h, mi, s, ms = map(int, m.groups())
    return h * 3600 + mi * 60 + s + ms / 1000.0


os.mkdir(os.path.join(T, 'state'))
d = Daemon(os.environ['PKISH'], STARTUP, state=os.path.join(T, 'state'),
           env=dict(os.environ, PKISH_RENEW_CONCURRENCY=str(CONC)))
try:
    b = login(d)
    b.cmd('configure terminal')
    b.cmd('crypto key generate ec keysize 256 label STORM')
    b.cmd('crypto pki trustpool import url file:' +
          os.path.join(T, 'tlsca.pem'))
    b.cmd('end')
    # initial enrollment, four sessions at once
    t0 = time.time()
    errs = []

    def enroll(part):
        try:
            t = login(d)
            t.cmd('configure terminal')
            for n in part:
                t.cmd('crypto ca enroll %s noconfirm' % n, 120)
            t.cmd('end')
            t.close()
        except Exception as ex:
            errs.append(repr(ex))
    th = [threading.Thread(target=enroll, args=(names[i::4],))
          for i in range(4)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    old = idents(b.cmd('show crypto ca certificates', 300))
    c.ok(not errs and len(old) == N, '%d trustpoints enrolled in %.1f s'
         % (len(old), time.time() - t0), errs)
    due = max(datetime.datetime.strptime(v[1], '%H:%M:%S UTC %b %d %Y')
              .replace(tzinfo=datetime.timezone.utc).timestamp()
              for v in old.values() if v[1])
    time.sleep(2)               # first ARI look-ups (pebble has none)
    b.cmd('debug crypto pki transactions')
    mark = b.cmd('show logging').count('\n')
    # one instant: every trustpoint is due now
    t0 = time.time()
    b.cmd('clock set ' + time.strftime('%H:%M:%S %d %b %Y',
                                       time.gmtime(due + 2)))
    new = {}
    while time.time() - t0 < 600:
        new = idents(b.cmd('show crypto ca certificates', 300))
        if sum(new.get(n, ('',))[0] != old.get(n, ('',))[0]
               for n in names) == N:
            break
        time.sleep(1)
    took = time.time() - t0
    renewed = sum(new.get(n, ('',))[0] != old.get(n, ('',))[0]
                  for n in names)
    c.ok(renewed == N, 'all %d renewed (%d) in %.1f s' % (N, renewed, took))
    time.sleep(2)
    log = b.cmd('show logging', 300).split('\n')[mark:]
    starts = [(ln, re.search(r'renewal engine: RENEW (\S+) started, (\d+) '
                             r'of (\d+) in flight', ln)) for ln in log]
    starts = [(stamp(ln), m) for ln, m in starts if m]
    inflight = [int(m.group(2)) for _, m in starts]
    bounds = set(int(m.group(3)) for _, m in starts)
    per_tp = {}
    for _, m in starts:
        per_tp[m.group(1)] = per_tp.get(m.group(1), 0) + 1
    c.ok(len(starts) == N and set(per_tp.values()) == {1},
         'every trustpoint renewed exactly once (%d RENEW jobs)'
         % len(starts))
    c.ok(bounds == {CONC}, 'the configured bound is %d (%s)' % (CONC, bounds))
    c.ok(inflight and max(inflight) <= CONC,
         'engine count in flight never above %d (max %s)'
         % (CONC, max(inflight) if inflight else None))
    c.ok(inflight and max(inflight) == CONC,
         'the bound is used: %d jobs ran at once' % CONC)
    # independent: overlap of 717067 (start) .. 717068 (success) per tp
    ev = []
    for ln in log:
        m = re.search(r'717067: .*trustpoint <(\S+)> .*Mode <automatic>', ln)
        if m:
            ev.append((stamp(ln), 1))
        elif re.search(r'717068: ACME Certificate enrollment succeeded', ln):
            ev.append((stamp(ln), -1))
    depth = peak = 0
    for _, dlt in sorted(ev, key=lambda e: (e[0], e[1])):
        depth += dlt
        peak = max(peak, depth)
    n67 = sum(1 for _, dlt in ev if dlt == 1)
    n68 = sum(1 for _, dlt in ev if dlt == -1)
    c.ok(n67 == N and n68 == N, '717067 <automatic> and 717068 for each '
         '(%d, %d)' % (n67, n68))
    c.ok(0 < peak <= CONC, 'log intervals 717067..717068 at most %d deep '
         '(%d)' % (CONC, peak))
    c.ok(not any('717069' in ln or 'CERTRENEWFAIL' in ln for ln in log),
         'no failure logged')
    secs = {}
    for ts, _ in starts:
        secs[int(ts)] = secs.get(int(ts), 0) + 1
    c.ok(len(secs) >= 2 and max(secs.values()) < N,
         'starts spread over %d seconds, at most %d in one'
         % (len(secs), max(secs.values()) if secs else 0))
    print('# renewals per second:', [secs[k] for k in sorted(secs)])
    b.cmd('undebug all')
    rc, _ = d.term(60)
    c.ok(rc == 0, 'pkish exits 0 on SIGTERM (rc=%s)' % rc)
    out = d.output()
    c.ok('Sanitizer' not in out and 'runtime error' not in out,
         'no sanitizer report', out[-3000:])
except Exception as ex:
    import traceback
    traceback.print_exc()
    c.ok(False, 'exception: %s' % ex)
finally:
    d.stop()
sys.exit(c.done())
PY
