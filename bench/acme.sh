#!/bin/bash
# bench/acme.sh - ACME enrollment speed and memory, pkish against the
# Debian peers uacme, lego and certbot, all against one pebble
# (PEBBLE_VA_NOSLEEP=1) on 127.0.0.1, EC P-256 keys, median of
# BENCH_N (default 10) runs each; printed side by side. Not a test: run
# by `make bench`. Figures:
#  - pkish in a running daemon (a console pipe that enrolls N times):
#    first enrollment (a new contact, so a new account) and re-enrollment
#    (existing account, a new name, full HTTP-01), each timed from the
#    command to the next prompt; peak RSS of the daemon (VmHWM); the CPU
#    time per enrollment of the daemon and of pebble (user + system over
#    the series, which a loaded machine does not inflate as it does the
#    wall time);
#  - pkish as a whole process: start, load the startup-config, enroll,
#    `write memory`, exit; first (fresh state dir) and re-enrollment
#    (account key present, new name); peak RSS (wait4);
#  - uacme (hook + webroot served on pebble's HTTP port; pebble's TLS CA
#    as the system bundle inside a private mount namespace), lego
#    (--http on that port, LEGO_CA_CERTIFICATES) and certbot (--standalone
#    on that port, REQUESTS_CA_BUNDLE): first = new account dir,
#    re-enrollment = same account dir, new name. A peer that is not
#    installed (or uacme without root for the namespace) is left out.
# Targets (issue 4): in-daemon within 1.3x of a 15 ms floor, whole process
# under 100 ms and >= 30x faster than the fastest peer, RSS under 11 MiB.
# Ports: pebble 14761 (management 14762), challtestsrv DNS 14763
# (management 14764), HTTP-01 on 5761.
# Env: BENCH_N, PKISH (default ./pkish), BENCH_PEERS ("uacme lego certbot"),
# BENCH_CALLGRIND=1: also the instructions per in-daemon enrollment under
# valgrind's callgrind (a daemon enrolling 1 + BENCH_CALLGRIND_K times,
# default 6, less one enrolling once; about a minute more).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PKISH=${PKISH:-$ROOT/pkish}
N=${BENCH_N:-10}
. "$ROOT/tests/e2e/acme_pebble.bash"
ap_have || { echo "bench/acme.sh: SKIP (needs pebble, openssl, curl, python3)"; exit 0; }
[ -x "$PKISH" ] || { echo "bench/acme.sh: no $PKISH (make)"; exit 1; }

T=$(mktemp -d /tmp/bench_acme.XXXXXX) || exit 1
trap 'ap_cleanup; rm -rf "$T"' EXIT
AP_BASE=14761
AP_HTTP=5761
echo "bench/acme.sh: pkish, uacme, lego, certbot against pebble, $N runs" \
    "each (a few minutes)" >&2
ap_setup || { echo "bench/acme.sh: pebble set-up failed"; exit 1; }
ap_start || { echo "bench/acme.sh: pebble did not start"; exit 1; }

export ROOT T N PKISH AP_DIR AP_CA AP_HTTP AP_PID
export BENCH_PEERS=${BENCH_PEERS:-uacme lego certbot}
cat >"$T/hook.sh" <<'EOF'
#!/bin/sh
# uacme hook: http-01 into the webroot served on pebble's HTTP port
d=$WEBROOT/.well-known/acme-challenge
case "$1:$2" in
begin:http-01) mkdir -p "$d" && printf '%s' "$5" >"$d/$4" ;;
done:http-01|failed:http-01) rm -f "$d/$4" ;;
*) exit 1 ;;
esac
EOF
chmod +x "$T/hook.sh"

cat >"$T/bench.py" <<'PY'
import os, re, shutil, subprocess, sys, time

sys.path.insert(0, os.path.join(os.environ['ROOT'], 'bench'))
import benchlib  # noqa: E402
from benchlib import med  # noqa: E402

T, N, PKISH = os.environ['T'], int(os.environ['N']), os.environ['PKISH']
DIR, CA, HTTP = os.environ['AP_DIR'], os.environ['AP_CA'], os.environ['AP_HTTP']
PEERS = os.environ['BENCH_PEERS'].split()
rows = []       # (name, first ms, reenroll ms, rss KiB, note)


TIME = os.path.exists('/usr/bin/time')


def spawn_rss(argv, env=None, stdin=None, cwd=None):
    """Wall ms, exit status, peak RSS (KiB) and output of argv. The peak
    RSS comes from /usr/bin/time: Linux carries the pre-exec high-water
    mark of a forked python into the child's ru_maxrss, so wait4 here
    would report this script's size; time(1) is small. Its fork and exec
    (about 3 ms) are inside the wall time."""
    rss = os.path.join(T, 'rss.out')
    if TIME:
        argv = ['/usr/bin/time', '-f', '%M', '-o', rss] + argv
    rfd, wfd = os.pipe()
    inr, inw = os.pipe()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(inr, 0)
        os.dup2(wfd, 1)
        os.dup2(wfd, 2)
        for fd in (rfd, wfd, inr, inw):
            os.close(fd)
        if cwd:
            os.chdir(cwd)
        os.execvpe(argv[0], argv, env or os.environ)
    os.close(wfd)
    os.close(inr)
    if stdin:
        os.write(inw, stdin.encode())
    os.close(inw)
    chunks = []
    while True:
        b = os.read(rfd, 65536)
        if not b:
            break
        chunks.append(b)
    _, status, ru = os.wait4(pid, 0)
    ms = (time.perf_counter() - t0) * 1000
    os.close(rfd)
    kib = ru.ru_maxrss
    if TIME:
        kib = int(open(rss).read().split()[-1])
    return ms, os.waitstatus_to_exitcode(status), kib, \
        b''.join(chunks).decode(errors='replace')


def fail(what, out):
    sys.stderr.write('bench/acme.sh: %s failed:\n%s\n' % (what, out[-3000:]))
    sys.exit(1)


# ------------------------------------------------------- pkish daemon
PROMPT = re.compile(r'(^|\n)[A-Za-z][-\w.]*(\([a-z-]+\))?[>#]$')


def Console(state):
    """pkish's console, past its first prompt; one command at a time."""
    return benchlib.Console(PKISH, state, PROMPT, fail)


def tp_lines(name, contact, fqdn):
    return [' crypto pki trustpoint ' + name,
            'enrollment protocol acme url ' + DIR,
            'enrollment protocol acme authentication http01 outside',
            'enrollment protocol acme contact ' + contact,
            'fqdn ' + fqdn, 'eckeypair K' + name,
            'auto-enroll 80 regenerate', 'exit']


BASE = ['enable', 'configure terminal', 'logging buffered 65536',
        'no logging console',
        'crypto pki trustpool import url file:' + CA,
        'ip http port ' + HTTP, 'interface outside',
        'ip address 127.0.0.1 255.0.0.0', 'exit']


def cpu_ms(pid):
    """User + system CPU time of process pid so far, ms."""
    f = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    return (int(f[11]) + int(f[12])) * 1000.0 / os.sysconf('SC_CLK_TCK')


def enroll_ok(out, what):
    if '717068' not in out and '% ' in out and 'failed' in out:
        fail(what, out)


def pkish_daemon():
    st = os.path.join(T, 'daemon')
    os.mkdir(st)
    c = Console(st)
    for l in BASE + tp_lines('W', 'warm@example.test', 'warm.example.test') \
            + ['crypto ca enroll W noconfirm']:
        c.cmd(l.strip())
    first, again = [], []
    peb = int(os.environ['AP_PID'])
    c0, p0 = cpu_ms(c.p.pid), cpu_ms(peb)
    for i in range(N):
        for l in tp_lines('F%d' % i, 'f%d@example.test' % i,
                          'first%d.example.test' % i):
            c.cmd(l.strip())
        ms, out = c.cmd('crypto ca enroll F%d noconfirm' % i)
        enroll_ok(out, 'pkish daemon first enrollment')
        first.append(ms)
    for i in range(N):
        for l in ['crypto pki trustpoint W', 'fqdn re%d.example.test' % i,
                  'exit']:
            c.cmd(l)
        ms, out = c.cmd('crypto ca enroll W noconfirm')
        enroll_ok(out, 'pkish daemon re-enrollment')
        again.append(ms)
    cpu = ((cpu_ms(c.p.pid) - c0) / (2 * N), (cpu_ms(peb) - p0) / (2 * N))
    c.cmd('end')
    _, log = c.cmd('show logging | include 71706[89]')
    ok = log.count('%ASA-5-717068')
    if ok != 2 * N + 1 or '717069' in log:
        fail('pkish daemon (%d of %d enrollments succeeded)' % (ok, 2 * N + 1),
             log)
    rss = c.hwm_kib()
    c.close()
    rows.append(('pkish, running daemon', med(first), med(again), rss,
                 'CPU per enrollment: pkish %.1f ms, pebble %.1f ms' % cpu))


# ------------------------------------------- pkish under callgrind
class GrindConsole(benchlib.Console):
    """The console of pkish run by valgrind --tool=callgrind."""

    def __init__(self, state, out):
        self.p = subprocess.Popen(
            ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out,
             PKISH, '--state', state], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        self.prompt, self.fail, self.buf = PROMPT, fail, ''
        self.wait_prompt(300)


def grind_total(k, first):
    """Instructions (all threads) of a daemon that starts, enrolls W, then
    k more times (first: new trustpoints, so new accounts), and exits."""
    tag = '%s%d' % ('f' if first else 'r', k)
    st, out = os.path.join(T, 'cg' + tag), os.path.join(T, 'cg%s.out' % tag)
    os.mkdir(st)
    c = GrindConsole(st, out)
    for l in BASE + tp_lines('W', 'g@example.test', 'g.example.test'):
        c.cmd(l.strip())
    names = ['W'] + ['G%d' % i if first else 'W' for i in range(k)]
    for i, name in enumerate(names):
        if i and first:
            for l in tp_lines(name, 'g%d@example.test' % i,
                              'gf%d.example.test' % i):
                c.cmd(l.strip())
        elif i:
            for l in ['crypto pki trustpoint W', 'fqdn gr%d.example.test' % i,
                      'exit']:
                c.cmd(l)
        enroll_ok(c.cmd('crypto ca enroll %s noconfirm' % name)[1],
                  'pkish under callgrind')
    c.close()
    m = re.search(r'(?m)^summary: (\d+)', open(out).read())
    if not m:
        fail('callgrind output', open(out).read()[-2000:])
    return int(m.group(1))


def pkish_callgrind():
    """Instructions per in-daemon enrollment: a daemon that enrolls 1 + K
    times less one that enrolls once, over K (start-up and shutdown cancel
    out; the few configuration lines of each trustpoint count with its
    enrollment)."""
    k = int(os.environ.get('BENCH_CALLGRIND_K', '6'))
    base = grind_total(0, False)
    return [(grind_total(k, f) - base) / k / 1e6 for f in (True, False)]


# ------------------------------------------------ pkish whole process
def pkish_process():
    tmpl = os.path.join(T, 'tmpl')
    os.mkdir(tmpl)
    c = Console(tmpl)
    for l in BASE + tp_lines('W', 'p@example.test', 'p.example.test') + \
            ['end', 'write memory']:
        c.cmd(l.strip())
    c.close()
    cfg = os.path.join(tmpl, 'startup-config')     # syslogs on the console
    s = open(cfg).read()
    open(cfg, 'w').write(re.sub(r'(?m)^no logging console\n', '', s))
    script = ('enable\nconfigure terminal\ncrypto ca enroll W noconfirm\n'
              'end\nwrite memory\n')
    first, again, rss = [], [], 0
    for i in range(N):
        st = os.path.join(T, 'proc%d' % i)
        shutil.copytree(tmpl, st)
        cfg = os.path.join(st, 'startup-config')
        s = open(cfg).read()
        open(cfg, 'w').write(s.replace('p@example.test',
                                       'p%d@example.test' % i)
                             .replace('p.example.test',
                                      'pfirst%d.example.test' % i))
        ms, rc, kib, out = spawn_rss([PKISH, '--state', st], stdin=script)
        if rc != 0 or '717068' not in out:
            fail('pkish process first enrollment', out)
        first.append(ms)
        rss = max(rss, kib)
    st = os.path.join(T, 'proc0')       # has its account key now
    cfg = os.path.join(st, 'startup-config')
    for i in range(N):
        s = open(cfg).read()
        s = re.sub(r'(?m)^ fqdn .*$', ' fqdn pre%d.example.test' % i, s)
        open(cfg, 'w').write(s)
        ms, rc, kib, out = spawn_rss([PKISH, '--state', st], stdin=script)
        if rc != 0 or '717068' not in out or '(created)' in out:
            fail('pkish process re-enrollment', out)
        again.append(ms)
        rss = max(rss, kib)
    rows.append(('pkish, whole process', med(first), med(again), rss, ''))


# --------------------------------------------------------------- peers
FAILS = {}      # peer -> failed attempts (retried, not in the medians)


def attempt(name, make_argv, env):
    """Run a peer until it succeeds (3 attempts; make_argv(k) gives the
    command line of attempt k). Peers fail now and then against pebble's
    nonce rejections (certbot 2.1: AttributeError on badNonce)."""
    for k in range(3):
        ms, rc, kib, out = spawn_rss(make_argv(k), env=env)
        if rc == 0:
            return ms, kib
        FAILS[name] = FAILS.get(name, 0) + 1
    fail(name + ' (3 attempts)', out)


def series(name, make_first, make_again, env):
    """N first enrollments, then N re-enrollments; medians and peak RSS."""
    first, again, rss = [], [], 0
    for i in range(N):
        ms, kib = attempt(name, lambda k: make_first(i, k), env)
        first.append(ms)
        rss = max(rss, kib)
    for i in range(N):
        ms, kib = attempt(name, lambda k: make_again(i, k), env)
        again.append(ms)
        rss = max(rss, kib)
    return med(first), med(again), rss


def note(name, how):
    n = FAILS.get(name, 0)
    return how + (', %d failed run(s) retried' % n if n else '')


def lego():
    if not shutil.which('lego'):
        return
    env = dict(os.environ, LEGO_CA_CERTIFICATES=CA)

    def argv(path, email, name):
        return ['lego', '--server', DIR, '--accept-tos', '--email', email,
                '--domains', name, '--http', '--http.port',
                '127.0.0.1:' + HTTP, '--key-type', 'ec256', '--path', path,
                'run']
    f, a, rss = series(
        'lego',
        lambda i, k: argv(os.path.join(T, 'lego%d.%d' % (i, k)),
                          'l%d.%d@example.test' % (i, k),
                          'lfirst%d.example.test' % i),
        lambda i, k: argv(os.path.join(T, 'lego0.0'), 'l0.0@example.test',
                          'lre%d.example.test' % i), env)
    v = subprocess.run(['lego', '--version'], capture_output=True,
                       text=True).stdout.split()
    rows.append(('lego ' + (v[2] if len(v) > 2 else ''), f, a, rss,
                 note('lego', '--http')))


def certbot():
    if not shutil.which('certbot'):
        return
    env = dict(os.environ, REQUESTS_CA_BUNDLE=CA)

    def argv(d, email, name):
        return ['certbot', 'certonly', '--standalone', '--http-01-port',
                HTTP, '--http-01-address', '127.0.0.1', '--server', DIR,
                '--agree-tos', '-m', email, '--no-eff-email', '-d', name,
                '--key-type', 'ecdsa', '--elliptic-curve', 'secp256r1',
                '--config-dir', d + '/c', '--work-dir', d + '/w',
                '--logs-dir', d + '/l', '--non-interactive']
    f, a, rss = series(
        'certbot',
        lambda i, k: argv(os.path.join(T, 'cb%d.%d' % (i, k)),
                          'c%d.%d@example.test' % (i, k),
                          'cfirst%d.example.test' % i),
        lambda i, k: argv(os.path.join(T, 'cb0.0'), 'c0.0@example.test',
                          'cre%d.example.test' % i), env)
    v = subprocess.run(['certbot', '--version'], capture_output=True,
                       text=True).stdout.split()
    rows.append(('certbot ' + (v[1] if len(v) > 1 else ''), f, a, rss,
                 note('certbot', '--standalone')))


def uacme():
    """Runs inside `unshare --mount` (pebble's CA as the system bundle).
    First enrollment = `uacme new` + `uacme issue` (two processes)."""
    web = os.path.join(T, 'webroot')
    os.makedirs(web, exist_ok=True)
    srv = subprocess.Popen([sys.executable, '-m', 'http.server', '--bind',
                            '127.0.0.1', '--directory', web, HTTP],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    env = dict(os.environ, WEBROOT=web)
    hook = os.path.join(T, 'hook.sh')

    def base(conf):
        return ['uacme', '-y', '-c', os.path.join(T, conf), '-a', DIR,
                '-t', 'EC', '-b', '256']
    first, again, rss = [], [], 0
    try:
        for i in range(N):
            conf = 'ua%d' % i
            ms1, k1 = attempt('uacme', lambda k: base(conf) +
                              ['new', 'u%d@example.test' % i], env)
            ms2, k2 = attempt('uacme', lambda k: base(conf) +
                              ['-h', hook, 'issue',
                               'ufirst%d.example.test' % i], env)
            first.append(ms1 + ms2)
            rss = max(rss, k1, k2)
        for i in range(N):
            ms, kib = attempt('uacme', lambda k: base('ua0') +
                              ['-h', hook, 'issue',
                               'ure%d.example.test' % i], env)
            again.append(ms)
            rss = max(rss, kib)
    finally:
        srv.terminate()
        srv.wait()
    v = subprocess.run(['uacme', '-V'], capture_output=True, text=True)
    m = re.search(r'version (\S+)', v.stdout + v.stderr)
    with open(os.path.join(T, 'uacme.row'), 'w') as f:
        f.write('%s\t%s\t%s\t%s\t%s\n' % ('uacme ' + (m.group(1) if m
                                                      else ''),
                                          med(first), med(again), rss,
                                          note('uacme', 'hook + webroot')))


if len(sys.argv) > 1 and sys.argv[1] == 'uacme':
    uacme()
    sys.exit(0)

pkish_daemon()
pkish_process()
GRIND = pkish_callgrind() if os.environ.get('BENCH_CALLGRIND') == '1' and \
    shutil.which('valgrind') else None
if 'uacme' in PEERS and shutil.which('uacme'):
    me = os.path.abspath(os.path.join(T, 'bench.py'))
    bundle = os.path.join(T, 'bundle.pem')
    shutil.copy(CA, bundle)
    r = subprocess.run(
        ['unshare', '--mount', 'sh', '-c',
         'mount --bind "$1" /etc/ssl/certs/ca-certificates.crt && '
         'exec python3 "$2" uacme', 'sh', bundle, me],
        capture_output=True, text=True)
    if r.returncode == 0 and os.path.exists(os.path.join(T, 'uacme.row')):
        n, f, a, k, how = open(os.path.join(T, 'uacme.row')).read() \
            .rstrip('\n').split('\t')
        rows.append((n, float(f), float(a), int(k), how))
    else:
        sys.stderr.write('bench/acme.sh: uacme left out: %s\n'
                         % (r.stdout + r.stderr)[-1500:])
if 'lego' in PEERS:
    lego()
if 'certbot' in PEERS:
    certbot()

# -------------------------------------------------------------- table
print('ACME enrollment against pebble (PEBBLE_VA_NOSLEEP=1) on 127.0.0.1, '
      'EC P-256, median of %d runs (load average at the end: %.2f)'
      % (N, os.getloadavg()[0]))
print('%-30s %14s %14s %10s  %s' % ('client', 'first (new', 're-enroll',
                                    'peak RSS', ''))
print('%-30s %14s %14s %10s' % ('', 'account)', '(new name)', ''))
for n, f, a, k, note in rows:
    print('%-30s %11.1f ms %11.1f ms %6.1f MiB  %s' % (n, f, a, k / 1024.0,
                                                      note))
d = [r for r in rows if r[0].startswith('pkish, running')][0]
p = [r for r in rows if r[0].startswith('pkish, whole')][0]
peers = [r for r in rows if not r[0].startswith('pkish')]
floor = 15.0
print()
print('targets (issue 4):')
worst = max(d[1], d[2])
print('  in-daemon <= 1.3 x 15 ms = 19.5 ms: first %.1f, re-enroll %.1f ms '
      '(%.2fx the floor) -> %s' % (d[1], d[2], worst / floor,
                                   'met' if worst <= 1.3 * floor else 'MISSED'))
worst = max(p[1], p[2])
print('  whole process < 100 ms: first %.1f, re-enroll %.1f ms -> %s'
      % (p[1], p[2], 'met' if worst < 100 else 'MISSED'))
if peers:
    fast = min(min(r[1], r[2]) for r in peers)
    fname = [r[0] for r in peers if min(r[1], r[2]) == fast][0]
    print('  >= 30x faster than the fastest peer (%s, %.0f ms): %.0fx -> %s'
          % (fname, fast, fast / worst, 'met' if fast / worst >= 30
             else 'MISSED'))
if GRIND:
    print('  callgrind, in-daemon instructions per enrollment (all threads):'
          ' first %.2fM, re-enroll %.2fM' % tuple(GRIND))
rss = max(d[3], p[3]) / 1024.0
print('  peak RSS < 11 MiB (uacme\'s figure in the issue): %.1f MiB -> %s'
      % (rss, 'met' if rss < 11 else 'MISSED'))
PY
python3 "$T/bench.py"
