#!/bin/sh
# tests/e2e/shell_concurrent.sh - 100 telnet sessions at once, each logs
# in, configures its own interface, reads it back with show commands and
# leaves; all succeed, the configuration holds all 100, `show users`
# counted them while they were open, and the daemon is healthy (and exits
# 0 on SIGTERM) afterwards. Loopback only.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
PKISH=${PKISH:-./build-san/pkish}
ROOT=${ROOT:-$(pwd)}
export PKISH ROOT
exec python3 - <<'EOF'
import os, re, sys, threading, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
from tnlib import Daemon, Checks, STARTUP

N = 100
c = Checks()
# one vty line per session (line vty 0 15 would refuse the 17th)
d = Daemon(os.environ['PKISH'], STARTUP.replace('line vty 0 15',
                                                'line vty 0 127'))
errors = {}
users_seen = {}
barrier = threading.Barrier(N, timeout=300)


def session(i):
    try:
        t = d.connect(timeout=120)
        t.login('admin', 'cisco')
        barrier.wait()          # all 100 logged in at the same time
        out = t.cmd('show users | count vty')
        users_seen[i] = int(re.search(r'= (\d+)', out).group(1))
        barrier.wait()          # nobody leaves before all have looked
        t.cmd('configure terminal')
        t.cmd('interface Loopback%d' % (1000 + i))
        t.cmd('description session %d' % i)
        t.cmd('ip address 10.1.%d.%d 255.255.255.255' % (i // 200, i % 200))
        t.cmd('end')
        out = t.cmd('show running-config | section Loopback%d$' % (1000 + i))
        want = ('interface Loopback%d\n description session %d\n'
                ' ip address 10.1.%d.%d 255.255.255.255\n' %
                (1000 + i, i, i // 200, i % 200))
        if out != want:
            raise RuntimeError('read back %r, want %r' % (out, want))
        out = t.cmd('show privilege')
        if 'level is 15' not in out:
            raise RuntimeError(out)
        t.line('exit')
        if not t.wait_closed(30):
            raise RuntimeError('exit did not close')
    except Exception as e:      # noqa: collected and reported below
        errors[i] = '%s: %s' % (type(e).__name__, e)


try:
    t0 = time.time()
    th = [threading.Thread(target=session, args=(i,)) for i in range(N)]
    for x in th:
        x.start()
    for x in th:
        x.join()
    took = time.time() - t0
    c.ok(not errors, '%d concurrent sessions: all succeeded (%.1fs)' %
         (N, took), '\n'.join('%d: %s' % kv for kv in
                              sorted(errors.items())[:10]))
    c.ok(len(users_seen) == N and min(users_seen.values() or [0]) >= N,
         'show users saw all %d sessions open at once' % N,
         sorted(set(users_seen.values())))
    c.ok(d.alive(), 'daemon alive after %d sessions' % N)
    t = d.connect()
    t.login('admin', 'cisco')
    out = t.cmd('show running-config | count ^interface Loopback1')
    c.ok('= %d' % N in out, 'running-config holds all %d interfaces' % N,
         out)
    out = t.cmd('show users | count vty')
    c.ok('= 1' in out, 'their vty lines are free again', out)
    out = t.cmd('show logging | count CONFIG_I: Configured from console '
                'by admin on vty')
    c.ok(re.search(r'= [1-9]', out) is not None,
         'the sessions\' CONFIG_I lines are in the log buffer', out)
    print('# daemon RSS after the run: %d KiB' % d.rss_kib())
    t.close()
    rc, took = d.term()
    c.ok(rc == 0, 'SIGTERM: exit 0 (%.2fs)' % took)
    log = d.output()
    c.ok('ERROR: AddressSanitizer' not in log and 'runtime error' not in log
         and 'LeakSanitizer' not in log and 'ThreadSanitizer' not in log,
         'no sanitizer report', log[-3000:])
finally:
    d.cleanup()
sys.exit(c.done())
EOF
