#!/bin/sh
# tests/e2e/limit_vty.sh - the vty limits: `line vty 0 2` gives three
# sessions, a fourth connection is told "% All 3 vty lines are in use"
# and closed while the three go on working (and a freed line is taken
# again); `timeout login response 2` cuts a client that says nothing or
# trickles bytes at the Username: or Password: prompt; `exec-timeout 0 5`
# ends an idle session but not a busy one. Loopback only.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
PKISH=${PKISH:-./build-san/pkish}
ROOT=${ROOT:-$(pwd)}
export PKISH ROOT
exec python3 - <<'EOF'
import os, sys, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
from tnlib import Daemon, Checks, STARTUP, Timeout

START = STARTUP.replace('line vty 0 15\n', 'line vty 0 2\n'
                        ' exec-timeout 0 5\n timeout login response 2\n')
c = Checks()
d = Daemon(os.environ['PKISH'], START)


def closed_within(t, secs):
    t0 = time.time()
    t.wait_closed(secs)
    return t.closed, time.time() - t0


def cap():
    s = [d.connect() for _ in range(3)]
    for t in s:
        t.login('admin', 'cisco')
    x = d.connect()
    try:
        x.expect(r'% All 3 vty lines are in use; try again later', 5)
        told = True
    except Timeout:
        told = False
    shut, _ = closed_within(x, 5)
    c.ok(told and shut, 'the 4th connection is told all 3 vty lines are '
         'in use and closed', x.log)
    outs = [t.cmd('show privilege') for t in s]
    c.ok(all('level is 15' in o for o in outs),
         'the three sessions are unaffected')
    n = s[0].cmd('show users | count vty')
    c.ok('= 3' in n, 'show users counts 3 vty sessions', n)
    lg = s[0].cmd('show logging | include VTY_BUSY')
    c.ok('%SYS-4-VTY_BUSY: vty connection from 127.0.0.1 refused' in lg,
         'the refusal is logged (%SYS-4-VTY_BUSY)', lg)
    s[2].line('exit')
    s[2].wait_closed(5)
    time.sleep(0.3)
    y = d.connect()
    y.login('admin', 'cisco')
    c.ok('level is 15' in y.cmd('show privilege'),
         'a line freed by exit is taken by the next connection')
    for t in s[:2] + [y]:
        t.line('exit')
        t.wait_closed(5)
    time.sleep(0.3)


def silent():
    t = d.connect()
    t.expect('Username: ')
    t0 = time.time()
    try:
        t.expect(r'% Username:  timeout expired!', 6)
        said = True
    except Timeout:
        said = False
    shut, _ = closed_within(t, 3)
    took = time.time() - t0
    c.ok(said and shut and 1.0 <= took < 5,
         'silent client at Username: cut after the login timeout '
         '(%.1fs)' % took, t.log)


def trickle(at_password):
    t = d.connect()
    t.expect('Username: ')
    if at_password:
        t.line('admin')
        t.expect('Password: ')
    t0 = time.time()
    while not t.closed and time.time() - t0 < 10:
        try:
            t.send('a')
            t.recv_some(0.3)
        except Timeout:
            pass
        except OSError:
            t.closed = True
    took = time.time() - t0
    what = 'Password' if at_password else 'Username'
    c.ok(t.closed and took < 5 and ('%% %s:  timeout expired!' % what)
         in t.log, 'client trickling a byte every 0.3 s at %s: cut after '
         'the login timeout (%.1fs)' % (what, took), t.log[-300:])


def idle():
    busy = d.connect()
    busy.login('admin', 'cisco')
    lazy = d.connect()
    lazy.login('admin', 'cisco')
    t0 = time.time()
    alive = True
    while time.time() - t0 < 8:
        try:
            alive = 'level is 15' in busy.cmd('show privilege', 5)
        except (Timeout, OSError):
            alive = False
            break
        time.sleep(1)
    shut, _ = closed_within(lazy, 0.5)
    c.ok(shut, 'an idle session is closed by exec-timeout 0 5')
    c.ok(alive, 'a session typing every second outlives the exec-timeout')
    busy.line('exit')
    busy.wait_closed(5)


try:
    run = d.connect()
    run.login('admin', 'cisco')
    cfg = run.cmd('show running-config | section line vty')
    c.ok(' timeout login response 2\n' in cfg and ' exec-timeout 0 5\n'
         in cfg, 'the line settings render', cfg)
    run.line('exit')
    run.wait_closed(5)
    time.sleep(0.3)
    cap()
    silent()
    trickle(False)
    trickle(True)
    idle()
    c.ok(d.alive(), 'daemon alive')
    rc, took = d.term(15)
    c.ok(rc == 0, 'SIGTERM: exit 0 (%s)' % rc)
finally:
    d.cleanup()
sys.exit(c.done())
EOF
