#!/bin/sh
# tests/e2e/shell_valgrind.sh - one full telnet session against the plain
# build under valgrind (memcheck): logins good and bad, EXEC and config
# commands, do, filters, paging, terminal monitor, dialogs, write memory,
# a second session vanishing mid-output, then SIGTERM. valgrind must
# report no errors and "definitely lost: 0". Loopback only.
command -v valgrind >/dev/null 2>&1 || { echo "SKIP: no valgrind"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
PKISH_PLAIN=${PKISH_PLAIN:-./pkish}
ROOT=${ROOT:-$(pwd)}
[ -x "$PKISH_PLAIN" ] || { echo "SKIP: no plain build at $PKISH_PLAIN"; exit 77; }
export PKISH_PLAIN ROOT
exec python3 - <<'EOF'
import os, re, socket, struct, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
from tnlib import Daemon, Checks, STARTUP

c = Checks()
env = dict(os.environ)
env.pop('ASAN_OPTIONS', None)
ifs = ''.join('interface Loopback%d\n description valgrind %d\n!\n' % (i, i)
              for i in range(60))
state = tempfile.mkdtemp(prefix='pkish-vg.')
d = Daemon(os.environ['PKISH_PLAIN'], STARTUP.replace(
    '!\nline vty', ifs + '!\nline vty'), state=state, env=env, wrapper=(
    'valgrind', '--leak-check=full', '--show-leak-kinds=definite',
    '--errors-for-leak-kinds=definite',
    '--log-file=%s/valgrind.log' % state))
vlog = None
try:
    # a failed login, then the real one
    b = d.connect(timeout=120)
    b.expect('Username: ', 120)
    b.line('admin')
    b.expect('Password: ', 60)
    b.line('bad')
    b.login('admin', 'cisco')
    t = b
    steps = [
        'show version', 'show clock detail', 'show users', 'show privilege',
        'show terminal', 'terminal monitor', 'show running-config | i host',
        'show running-config | section Loopback1$', 'show logging | count .',
        'configure terminal', 'hostname VG', 'interface Loopback99',
        'ip address 10.9.9.9 255.255.255.255', 'description valgrind run',
        'do show running-config | count interface', 'exit',
        'username vg privilege 15 secret vgpass', 'logging buffered 8192',
        'logging host 127.0.0.1 transport udp port 9', 'line vty 0 4',
        'exec-timeout 30 0', 'do shw', 'foo', 'end', 'show foo',
        'sh run | foo', 'conf t', 'no interface Loopback99', 'end',
        'clock set 10:00:00 1 jan 2027', 'show clock',
        'write memory', 'show startup-config | count .',
    ]
    for s in steps:
        out = t.cmd(s, 120)
    c.ok('Number of lines which match regexp' in out, 'session commands ran',
         out)
    t.line('copy running-config startup-config')
    t.expect(r'\[startup-config\]\? ', 60)
    t.line('')
    t.expect(r'\[OK\]', 120)
    t.cmd('terminal length 10', 60)
    t.line('show running-config')
    t.expect('--More--', 120)
    t.send(' ')
    t.expect('--More--', 120)
    t.send('q')
    t.cmd('terminal length 0', 60)
    # a second session that vanishes in the middle of output
    v = d.connect(timeout=120)
    v.login('admin', 'cisco')
    v.cmd('terminal length 0', 60)
    v.line('show running-config')
    v.expect('Loopback3', 120)
    v.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                   struct.pack('ii', 1, 0))
    v.close()
    out = t.cmd('show users', 60)
    c.ok(d.alive() and 'admin' in out, 'daemon alive after a vanished '
         'client', out)
    # overlong line and garbage
    t.send(b'x' * 5000 + b'\r\n')
    t.expect('Input line too long', 60)
    t.send(bytes(range(128, 256)) + b'\r\n')
    t.expect(r"% Invalid input detected at '\^' marker\.\r\n\r\nVG#", 60)
    out = t.cmd('show privilege', 60)
    c.ok('level is 15' in out, 'session fine after garbage', out)
    rc, took = d.term(120)
    c.ok(rc == 0, 'SIGTERM under valgrind: exit 0 (%s, %.1fs)' % (rc, took))
    vlog = open(os.path.join(d.state, 'valgrind.log')).read()
    m = re.search(r'ERROR SUMMARY: (\d+) errors', vlog)
    c.ok(m is not None and m.group(1) == '0', 'valgrind: ERROR SUMMARY: 0 '
         'errors', vlog[-4000:])
    m = re.search(r'definitely lost: ([\d,]+) bytes', vlog)
    c.ok(m is None and 'All heap blocks were freed' in vlog or
         (m is not None and m.group(1) == '0'), 'valgrind: definitely lost: '
         '0 bytes', vlog[-4000:])
    print('# ' + '\n# '.join(l.split('== ', 1)[-1] for l in vlog.splitlines()
                             if 'lost:' in l or 'in use at exit' in l))
finally:
    d.cleanup()
sys.exit(c.done())
EOF
