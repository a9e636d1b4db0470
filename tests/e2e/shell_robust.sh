#!/bin/sh
# tests/e2e/shell_robust.sh - hostile telnet clients: clients vanishing in
# the middle of a large `show running-config` (close and reset), one that
# stops reading, binary garbage and overlong lines at the login prompt and
# at the command prompt, telnet sub-negotiations that never end; the
# daemon stays healthy, then SIGTERM ends it (exit 0) within a second or
# two even with sessions in every state. Loopback only.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
PKISH=${PKISH:-./build-san/pkish}
ROOT=${ROOT:-$(pwd)}
export PKISH ROOT
exec python3 - <<'EOF'
import os, random, socket, struct, sys, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
from tnlib import Daemon, Checks, STARTUP, PROMPT, Timeout

ifs = ''.join('interface GigabitEthernet1/%d\n description %s\n'
              ' ip address 10.%d.%d.1 255.255.255.0\n!\n' %
              (i, 'x' * 60, i // 250, i % 250) for i in range(3000))
c = Checks()
d = Daemon(os.environ['PKISH'], STARTUP.replace('!\nline vty', ifs +
           '!\nline vty'))
rnd = random.Random(20240601)


def healthy(what):
    t = d.connect()
    t.login('admin', 'cisco')
    out = t.cmd('show privilege')
    t.close()
    c.ok(d.alive() and 'level is 15' in out, 'daemon healthy after ' + what)


try:
    # vanishing clients in the middle of ~300 KB of output
    for i in range(10):
        t = d.connect()
        t.login('admin', 'cisco')
        t.cmd('terminal length 0')
        t.line('show running-config')
        t.expect('GigabitEthernet1/%d\r\n' % (100 + i * 50))
        if i % 2:   # reset instead of a clean close
            t.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                           struct.pack('ii', 1, 0))
        t.close()
    healthy('10 clients vanished mid-output')

    # garbage at the login prompt
    for i in range(5):
        t = d.connect()
        t.expect('Username: ')
        t.send(bytes(rnd.randrange(256) for _ in range(3000)))
        t.close()
    healthy('garbage at the login prompt')

    # garbage, overlong lines and endless sub-negotiations after login
    t = d.connect()
    t.login('admin', 'cisco')
    for i in range(20):
        junk = bytes(rnd.randrange(256) for _ in range(2000))
        t.send(junk.replace(b'\r', b'').replace(b'\n', b''))
    t.send(b'\x15\r\n')
    t.send(b'A' * 10000 + b'\r\n')
    t.expect(r'% Input line too long \(max 4095 characters\); ignored')
    t.send(b'\xff\xfa\x1f' + b'\x01' * 5000 + b'\xff\xf0\r\n')
    t.send(b'\x15show privilege\r\n')
    try:
        t.expect('Current privilege level is', 15)
        ok = True
    except Timeout:
        ok = False
    c.ok(ok, 'session usable after garbage, overlong line and a long SB')
    t.close()
    healthy('garbage in a session')

    # sessions in every state, then SIGTERM
    idle = d.connect()
    idle.login('admin', 'cisco')
    atlogin = d.connect()
    atlogin.expect('Username: ')
    more = d.connect(naws=(80, 10))
    more.login('admin', 'cisco')
    more.line('show running-config')
    more.expect('--More--')
    conf = d.connect()
    conf.login('admin', 'cisco')
    conf.cmd('configure terminal')
    conf.cmd('interface Loopback9')
    stuck = d.connect(rcvbuf=4096)
    stuck.login('admin', 'cisco')
    stuck.cmd('terminal length 0')
    # ~9 MB of output (more than a loopback send buffer takes), unread
    stuck.send('show running-config\r\n' * 30)
    time.sleep(1)
    c.ok(d.alive(), 'daemon alive with sessions in every state')
    rc, took = d.term(15)
    c.ok(rc == 0, 'SIGTERM: exit status 0 (%s)' % rc)
    c.ok(took < 3.0, 'SIGTERM: exit within 3 s with a stuck writer '
         '(%.2fs)' % took)
    c.ok(took >= 0.9, 'the unread client really held a writer up (the '
         'daemon waited for it before hanging up)')
    for name, s in (('idle', idle), ('login', atlogin), ('--More--', more),
                    ('config', conf), ('stuck', stuck)):
        t0 = time.time()
        c.ok(s.wait_closed(30), '%s session closed by the shutdown (%.1fs)'
             % (name, time.time() - t0))
    log = d.output()
    c.ok('ERROR: AddressSanitizer' not in log and 'runtime error' not in log
         and 'LeakSanitizer' not in log, 'no sanitizer report', log[-3000:])

    # and a quick stop with only idle sessions
    d2 = Daemon(os.environ['PKISH'], STARTUP)
    try:
        ss = [d2.connect() for _ in range(5)]
        for s in ss:
            s.login('admin', 'cisco')
        rc, took = d2.term(10)
        c.ok(rc == 0 and took < 1.5, 'SIGTERM with idle sessions: exit 0 '
             'in %.2fs' % took)
    finally:
        d2.cleanup()
finally:
    d.cleanup()
sys.exit(c.done())
EOF
