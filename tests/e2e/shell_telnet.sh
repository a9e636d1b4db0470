#!/bin/sh
# tests/e2e/shell_telnet.sh - telnet sessions against a daemon whose users
# come from its startup-config: login lands at HOST# (or HOST> for a
# privilege-1 user), three failed logins drop the connection and log
# %SEC_LOGIN-4-LOGIN_FAILED (seen from another session), `terminal
# monitor` receives another session's CONFIG_I, do/filters/show users,
# exec-timeout, `transport input`. Loopback only.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
PKISH=${PKISH:-./build-san/pkish}
ROOT=${ROOT:-$(pwd)}
export PKISH ROOT
exec python3 - <<'EOF'
import os, re, sys, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
from tnlib import Daemon, Checks, STARTUP, PROMPT, Timeout

c = Checks()
d = Daemon(os.environ['PKISH'], STARTUP.replace(
    ' login local\n', ' exec-timeout 0 3\n login local\n'))
try:
    # admin (privilege 15, pasted IOS type-9 hash) lands at R1#
    a = d.connect()
    got = a.login('admin', 'cisco')
    c.ok(got.endswith('\r\nR1#'), 'admin login lands at R1#', got)
    c.ok((253, 31) in [(x, y) for x, y in a.opts] and
         (251, 1) in a.opts, 'server asks DO NAWS and WILL ECHO', a.opts)
    out = a.cmd('show privilege')
    c.ok('Current privilege level is 15' in out, 'privilege 15', out)

    # a privilege-1 user lands at R1>, cannot configure, enable refused
    o = d.connect()
    got = o.login('oper', 'hashcat')
    c.ok(got.endswith('\r\nR1>'), 'oper login lands at R1>', got)
    out = o.cmd('configure terminal')
    c.ok(out.startswith("   ^\n% Invalid input detected at '^' marker."),
         'oper: configure refused, caret under it', out)
    o.line('enable')
    got = o.expect(PROMPT)
    c.ok('% No password set' in got, 'enable without enable secret on a '
         'vty: % No password set', got)

    # terminal monitor: oper sees admin's configuration log line
    o.cmd('terminal monitor')
    out = o.cmd('show terminal')
    c.ok('Capabilities: Receives Logging Output' in out, 'show terminal '
         'reports terminal monitor', out)
    out = a.cmd('configure terminal')
    a.cmd('interface Loopback7')
    out = a.cmd('do show running-config | section Loopback7')
    c.ok('interface Loopback7' in out and 'R1(config-if)#' not in out,
         'do + filter in config-if', out)
    out = a.cmd('do show privilege')
    c.ok('level is 15' in out, 'do keeps the privilege', out)
    got = a.cmd('end')
    try:
        mon = o.expect(r'%SYS-5-CONFIG_I: Configured from console by admin '
                       r'on vty\d+ \(127\.0\.0\.1\)', 5)
        c.ok(True, 'monitor session receives CONFIG_I of another session')
    except Timeout as e:
        c.ok(False, 'monitor session receives CONFIG_I of another session',
             e)
    o.cmd('terminal no monitor')

    # three failed logins: the connection is dropped and logged
    b = d.connect()
    for i in range(3):
        b.expect('Username: ')
        b.line('admin')
        b.expect('Password: ')
        b.line('wrong%d' % i)
    got = b.buf
    closed = b.wait_closed(10)
    c.ok(closed, 'third failed login drops the connection', b.buf[-300:])
    c.ok(b.log.count('% Login invalid') == 3, 'three % Login invalid',
         b.log)
    out = a.cmd('show logging | include LOGIN_FAILED')
    n = len(re.findall(r'%%SEC_LOGIN-4-LOGIN_FAILED: Login failed \[user: '
                       r'admin\] \[Source: 127\.0\.0\.1\] \[localport: '
                       r'%d\] \[Reason: Login Authentication Failed\] at '
                       r'\d\d:\d\d:\d\d UTC \w\w\w \w\w\w \d+ \d{4}'
                       % d.port, out))
    c.ok(n == 3, 'three %SEC_LOGIN-4-LOGIN_FAILED in show logging', out)

    # unknown user and empty password fail the same way
    u = d.connect()
    u.expect('Username: ')
    u.line('nosuchuser')
    u.expect('Password: ')
    u.line('')
    got = u.expect('Username: ')
    c.ok('% Login invalid' in got, 'unknown user: % Login invalid', got)
    u.close()

    # show users lists both logged-in vty sessions, '*' on our own
    out = a.cmd('show users')
    rows = [l for l in out.splitlines() if re.match(r'^[* ]\s+\d+ vty', l)]
    c.ok(len([r for r in rows if 'admin' in r]) == 1 and
         len([r for r in rows if 'oper' in r]) == 1 and
         any(r.startswith('*') and 'admin' in r for r in rows),
         'show users: admin (*) and oper', out)
    c.ok(re.search(r'^\*\s+\d+ vty \d+\s+admin\s+idle\s+00:00:0\d '
                   r'127\.0\.0\.1$', out, re.M) is not None,
         'show users row layout', out)

    # caret under the bad character through telnet (prompt counted)
    out = a.cmd('show runing-config')
    c.ok(out.startswith('           ^\n% Invalid input'),
         'caret column over telnet', repr(out))

    # exec-timeout 0 3 (from the startup-config): idle session closed,
    # while the admin session, kept busy, stays
    t0 = time.time()
    closed = False
    while not closed and time.time() - t0 < 15:
        closed = o.wait_closed(0.5)
        if not closed:
            a.cmd('show privilege')
    took = time.time() - t0
    c.ok(closed and took < 10, 'exec-timeout closes an idle session '
         '(%.1fs)' % took)
    out = a.cmd('show users')
    c.ok('oper' not in out, 'timed-out session gone from show users', out)

    # transport input ssh: new telnet sessions are refused
    a.cmd('configure terminal')
    a.cmd('line vty 0 15')
    a.cmd('transport input ssh')
    a.cmd('end')
    r = d.connect()
    closed = r.wait_closed(5)
    c.ok(closed and 'Username' not in r.buf,
         'transport input ssh refuses telnet', r.buf)
    a.cmd('configure terminal')
    a.cmd('line vty 0 15')
    a.cmd('transport input telnet')
    a.cmd('end')
    r = d.connect()
    got = r.login('admin', 'cisco')
    c.ok(got.endswith('R1#'), 'transport input telnet allows telnet again')
    r.line('exit')
    c.ok(r.wait_closed(5), 'exit closes the session')

    a.line('logout')
    c.ok(a.wait_closed(5), 'logout closes the session')
    c.ok(d.alive(), 'daemon alive')
    rc, took = d.term()
    c.ok(rc == 0, 'SIGTERM: exit status 0 (%s)' % rc)
    log = d.output()
    c.ok('ERROR: AddressSanitizer' not in log and 'runtime error' not in log
         and 'LeakSanitizer' not in log, 'no sanitizer report', log[-3000:])
finally:
    d.cleanup()
sys.exit(c.done())
EOF
