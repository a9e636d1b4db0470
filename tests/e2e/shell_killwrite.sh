#!/bin/sh
# tests/e2e/shell_killwrite.sh - kill -9 while `write memory` runs, 30
# times, on a large configuration (trustpoints when `crypto pki
# trustpoint` exists, interfaces otherwise). After every kill the
# startup-config is byte for byte the old or the new configuration, and
# the next start loads it completely (its running-config renders the same
# text again, no line reported bad). Loopback only.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
PKISH=${PKISH:-./build-san/pkish}
ROOT=${ROOT:-$(pwd)}
export PKISH ROOT
exec python3 - <<'EOF'
import os, random, re, shutil, signal, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
from tnlib import Daemon, Checks, STARTUP

ITER = 30
c = Checks()
rnd = random.Random(4242)
state = tempfile.mkdtemp(prefix='pkish-kill.')
start = os.path.join(state, 'startup-config')


def body(show):
    """show running-config output without the two header lines."""
    show = show.replace('\r\n', '\n')
    i = show.index('Current configuration : ')
    return show[show.index('\n', i) + 1:]


def big_config():
    d = Daemon(os.environ['PKISH'], STARTUP, state=state)
    t = d.connect()
    t.login('admin', 'cisco')
    tp = 'Invalid input' not in t.cmd('configure terminal') + \
        t.cmd('crypto pki trustpoint PROBE')
    t.cmd('end')
    lines = ['configure terminal']
    if tp:
        lines.append('no crypto pki trustpoint PROBE')
        for i in range(300):
            lines += ['crypto pki trustpoint TP%d' % i,
                      'enrollment url http://127.0.0.1:%d/scep' % (8000 + i),
                      'subject-name CN=host%d.example.com,O=Lab' % i,
                      'revocation-check none', 'exit']
    for i in range(1500):
        lines += ['interface GigabitEthernet2/%d' % i,
                  'description %s' % ('k' * 90),
                  'ip address 10.2.%d.%d 255.255.255.0' % (i // 250, i % 250),
                  'exit']
    lines.append('end')
    for i in range(0, len(lines), 200):     # read the echo as we go
        chunk = lines[i:i + 200]
        t.send(''.join(l + '\r\n' for l in chunk))
        t.expect(re.escape(chunk[-1]) + r'\r\n', 120)
    t.cmd('show privilege', 120)
    t.cmd('terminal length 0')
    t.cmd('write memory', 60)
    t.close()
    d.term()
    d.stop()
    return 'trustpoints and interfaces' if tp else 'interfaces'


try:
    kind = big_config()
    old = open(start).read()
    c.ok(len(old) > 100000, 'a large startup-config (%d bytes, %s)' %
         (len(old), kind))
    nnew = nold = stale = 0
    for k in range(ITER):
        d = Daemon(os.environ['PKISH'], None, state=state)
        temps = [f for f in os.listdir(state) if f.startswith(
            'startup-config.tmp.')]
        if not c.ok(not temps, 'iteration %d: no temp file of the killed '
                    'write left after the start' % k, temps):
            break
        t = d.connect(timeout=60)
        t.login('admin', 'cisco')
        t.cmd('terminal length 0')
        cur = body(t.cmd('show running-config', 60))
        errs = [l for l in d.output().splitlines() if 'startup-config line'
                in l]
        if not c.ok(cur == old and not errs, 'iteration %d: startup-config '
                    'loaded completely' % k, '\n'.join(errs[:5]) or
                    'rendered text differs from the file'):
            break
        t.cmd('configure terminal')
        t.cmd('interface GigabitEthernet2/%d' % rnd.randrange(1500))
        t.cmd('description changed in iteration %d' % k)
        t.cmd('hostname KILL%d-0' % k)
        new = body(t.cmd('do show running-config', 60))
        # every save differs from the one before: a new hostname each
        versions = [new.replace('\nhostname KILL%d-0\n' % k,
                                '\nhostname KILL%d-%d\n' % (k, j))
                    for j in range(300)]
        t.send(''.join('hostname KILL%d-%d\r\ndo write memory\r\n' % (k, j)
                       for j in range(300)))
        time.sleep(rnd.uniform(0.0, 0.3))
        os.killpg(d.p.pid, signal.SIGKILL)
        d.p.wait()
        d.stop()
        stale += len([f for f in os.listdir(state) if f.startswith(
            'startup-config.tmp.')])
        now = open(start).read()
        if now in versions:
            nnew += 1
        elif now == old:
            nold += 1
        else:
            c.ok(False, 'iteration %d: startup-config is the old or the new '
                 'one' % k, 'neither (%d bytes)' % len(now))
            break
        old = now
    c.ok(nnew + nold == ITER, '%d kills: startup-config always a complete '
         'old or new one (%d new, %d old)' % (ITER, nnew, nold))
    c.ok(nnew > 0, 'some writes completed before the kill')
    c.ok(stale > 0, 'kills hit writes in progress (%d temp files left '
         'behind in all)' % stale)
    d = Daemon(os.environ['PKISH'], None, state=state)
    rc, took = d.term()
    c.ok(rc == 0, 'last daemon: SIGTERM exit 0')
    d.stop()
finally:
    shutil.rmtree(state, ignore_errors=True)
sys.exit(c.done())
EOF
