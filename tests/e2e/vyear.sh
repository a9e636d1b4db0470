#!/bin/bash
# tests/e2e/vyear.sh - a year of automatic renewals on pkish's clock only.
# VYEAR_N trustpoints (default 40, to keep the suite's time budget; set
# VYEAR_N=500 for the full scenario) with `auto-enroll 70` and 120-day
# certificates (pkish renews one trustpoint at most once a real minute,
# so a year of 30-day certificates would take 17 real minutes at least)
# from the scripted SCEP responder, which issues on
# pkish's virtual time (its DIR/clock file), go through 365 days in 7-day
# `clock set` steps. After every step: each trustpoint's certificate is
# valid at the virtual time and was renewed inside its window (70 % of
# the lifetime to the end), the number of renewals is the expected one;
# the configuration is saved (write memory) and at random steps the
# daemon is stopped (SIGTERM or kill -9) and started again on its state.
# RSS is sampled at each step: bounded, no growth after the warm-up.
# At the end a restart shows the same running-config and certificates.
# In a private network namespace.
NAME=vyear
. "$(dirname "$0")/scep.bash"
scep_netns "$@"
scep_bins
[ -x "$TESTBIN/test_scep_responder" ] ||
    die "no $TESTBIN/test_scep_responder (make unit)"
W=$(mktemp -d /tmp/pkish-vyear.XXXXXX)
trap 'resp_stop; rm -rf "$W"' EXIT
mkdir -p "$W/ca"
date +%s >"$W/ca/clock"
resp_start "$W/ca" 18121 cgi,cert_days=120
export W PKISH ROOT
python3 - <<'EOF'
import os, random, re, sys, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
import tnlib
from tnlib import Checks, STARTUP
from faultlib import dialog

W = os.environ['W']
ST = os.path.join(W, 'state')
os.mkdir(ST)
N = int(os.environ.get('VYEAR_N', '40'))
DAY = 86400
LIFE = 120 * DAY
RENEW = int(LIFE * 0.7)
STEP = 7 * DAY
# pkish renews one trustpoint at most once a minute of real time (its
# guard against renewal loops): a step lasts at least 60 s divided by the
# steps between two renewals of one trustpoint
STEP_MIN_S = 60.0 / (RENEW // STEP) + 0.5
rnd = random.Random(13)
c = Checks()
names = ['Y%03d' % i for i in range(N)]
tps = ''.join('''crypto pki trustpoint %s
 enrollment url http://127.0.0.1:18121/cgi-bin/pkiclient.exe
 subject-name CN=%s.example.test
 password x
 serial-number none
 ip-address none
 revocation-check none
 rsakeypair %s 1024
 auto-enroll 70
!
''' % (n, n.lower(), n) for n in names)
vnow = int(open(os.path.join(W, 'ca', 'clock')).read())


def clockarg(t):
    return time.strftime('%H:%M:%S %-d %B %Y', time.gmtime(t))


def set_clock(t, sess):
    with open(os.path.join(W, 'ca', 'clock.tmp'), 'w') as f:
        f.write('%d\n' % t)
    os.replace(os.path.join(W, 'ca', 'clock.tmp'),
               os.path.join(W, 'ca', 'clock'))
    sess.cmd('clock set ' + clockarg(t))


def session(d):
    t = d.connect(timeout=300)
    t.login('admin', 'cisco')
    t.cmd('terminal length 0')
    return t


MON = {m: i for i, m in enumerate('Jan Feb Mar Apr May Jun Jul Aug Sep '
                                  'Oct Nov Dec'.split(), 1)}


def parse_date(s):
    m = re.match(r'(\d+):(\d+):(\d+) UTC (\w+) (\d+) (\d+)', s)
    h, mi, se, mon, day, yr = m.groups()
    import calendar
    return calendar.timegm((int(yr), MON[mon], int(day), int(h), int(mi),
                            int(se)))


def certs(t):
    """trustpoint -> (serial, start, end) of its identity certificate."""
    out = t.cmd('show crypto pki certificates').replace('\r', '')
    res = {}
    for blk in out.split('\n\n'):
        if not blk.lstrip('\n').startswith('Certificate\n'):
            continue
        ser = re.search(r'Serial Number \(hex\): (\S+)', blk)
        sd = re.search(r'start date: (.*)', blk)
        ed = re.search(r'end   date: (.*)', blk)
        tp = re.search(r'Associated Trustpoints: (\S+)', blk)
        if ser and sd and ed and tp:
            res[tp.group(1)] = (ser.group(1), parse_date(sd.group(1)),
                                parse_date(ed.group(1)))
    return res


d = tnlib.Daemon(os.environ['PKISH'], STARTUP.replace(
    '!\nline vty', '!\n' + tps + 'line vty'), state=ST)
t = session(d)
t.cmd('configure terminal')
for n in names:
    dialog(t, 'crypto pki authenticate %s' % n, 60)
    dialog(t, 'crypto pki enroll %s' % n, 60)
t.cmd('end')
t.cmd('write memory')
have = certs(t)
c.ok(len(have) == N, 'all %d trustpoints enrolled' % N, sorted(have))
issued = {n: have[n][1] for n in have}     # start date of current cert
expected = 0
renewals = 0
bad_valid, bad_window, rss = [], [], []
restarts = {'SIGTERM': 0, 'kill -9': 0}
t0 = time.time()
steps = int(os.environ.get('VYEAR_STEPS', 365 // 7))
for step in range(1, steps + 1):
    ts = time.time()
    vnow += STEP
    due = [n for n in names if vnow - 60 >= issued[n] + RENEW - 60]
    expected += len(due)
    set_clock(vnow, t)
    deadline = time.time() + 120
    while True:
        have = certs(t)
        fresh = [n for n in due if n in have and have[n][1] > issued[n]]
        if len(fresh) == len(due) or time.time() > deadline:
            break
        time.sleep(0.5)
    for n in names:
        if n not in have:
            out = t.cmd('show crypto pki certificates %s' % n)
            sc = open(os.path.join(ST, 'startup-config')).read()
            i = sc.find('crypto pki certificate chain ' + n + '\n')
            bad_valid.append((step, n, 'no certificate', [
                ln for ln in d.output().splitlines() if n in ln][-8:],
                sc[i:i + 300] if i >= 0 else 'no chain in startup-config',
                t.cmd('show crypto pki trustpoints %s status' % n)))
            continue
        ser, start, end = have[n]
        if not (start <= vnow < end):
            bad_valid.append((step, n, start, end, vnow))
        if start > issued[n]:
            renewals += 1
            # renewed in its window: the old one was past 70 % and valid
            if not (issued[n] + RENEW - 120 <= start <= issued[n] + LIFE):
                bad_window.append((step, n, issued[n], start))
            issued[n] = start
    t.cmd('write memory')
    rss.append(d.rss_kib())
    time.sleep(max(0, STEP_MIN_S - (time.time() - ts)))
    force = os.environ.get('VYEAR_RESTART_AT', '').split(',')
    if rnd.random() < 0.15 or str(step) in force:
        how = rnd.choice(['SIGTERM', 'kill -9'])
        restarts[how] += 1
        t.line('exit')
        if how == 'SIGTERM':
            d.term(15)
        else:
            d.stop()
        d = tnlib.Daemon(os.environ['PKISH'], None, state=ST)
        t = session(d)
        set_clock(vnow, t)
took = time.time() - t0
c.ok(not bad_valid, 'every trustpoint had a certificate valid at the '
     'virtual time after each of %d steps' % steps, bad_valid[:10])
c.ok(not bad_window, 'every renewal happened inside its window',
     bad_window[:10])
c.ok(renewals == expected, 'renewals: %d, expected %d (%d trustpoints, '
     '%d days)' % (renewals, expected, N, steps * 7))
c.ok(restarts['SIGTERM'] + restarts['kill -9'] > 0,
     'restarts in between: %s' % restarts)
warm = rss[len(rss) // 4:]
c.ok(max(warm) <= min(warm) * 1.5 + 8192, 'RSS bounded after warm-up: '
     '%d..%d KiB (all steps %d..%d KiB)' % (min(warm), max(warm),
                                             min(rss), max(rss)))
print('# %d steps, %d renewals in %.0f s' % (steps, renewals, took))
before = (t.cmd('show running-config'), certs(t))
t.line('exit')
d.term(15)
d = tnlib.Daemon(os.environ['PKISH'], None, state=ST)
t = session(d)
set_clock(vnow, t)
after = (t.cmd('show running-config'), certs(t))
strip = lambda s: re.sub(r'(?m)^! Last configuration change.*\n', '', s)
c.ok(strip(after[0]) == strip(before[0]) and after[1] == before[1],
     'the final state reloads identically (running-config, certificates)')
t.line('exit')
rc, _ = d.term(15)
c.ok(rc == 0, 'SIGTERM: exit 0 (%s)' % rc)
log = d.output()
c.ok('AddressSanitizer' not in log and 'runtime error' not in log,
     'no sanitizer report', log[-2000:])
d.cleanup()
sys.exit(c.done())
EOF
