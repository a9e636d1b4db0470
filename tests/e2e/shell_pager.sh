#!/bin/sh
# tests/e2e/shell_pager.sh - the real telnet client on a pseudo-terminal
# (pexpect): NAWS sets length and width (also on resize), --More-- with
# space (next page), Enter (one line) and q (quit), the prompt erased,
# `terminal length 0` turns paging off, `terminal length N` wins over
# NAWS. Loopback only.
command -v telnet >/dev/null 2>&1 || { echo "SKIP: no telnet client"; exit 77; }
python3 -c 'import pexpect' 2>/dev/null || { echo "SKIP: no pexpect"; exit 77; }
PKISH=${PKISH:-./build-san/pkish}
ROOT=${ROOT:-$(pwd)}
export PKISH ROOT
exec python3 - <<'EOF'
import os, re, sys, time
import pexpect
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
from tnlib import Daemon, Checks, STARTUP

MORE = ' --More-- '
ERASE = '\b' * 10 + ' ' * 10 + '\b' * 10
ifs = ''.join('interface Loopback%d\n description pager line %d\n!\n' % (i, i)
              for i in range(40))
c = Checks()
d = Daemon(os.environ['PKISH'], STARTUP.replace('!\nline vty', ifs +
           '!\nline vty'))
p = None
try:
    p = pexpect.spawn('telnet', ['127.0.0.1', str(d.port)],
                      dimensions=(12, 100), encoding='latin-1', timeout=20)
    p.expect('Username: ')
    p.sendline('admin')
    p.expect('Password: ')
    p.sendline('cisco')
    p.expect('R1#')

    p.sendline('show terminal')
    p.expect('R1#')
    c.ok('Length: 12 lines, Width: 100 columns' in p.before,
         'NAWS from the telnet client sets length and width', p.before)

    p.setwinsize(20, 90)      # the client sends a new NAWS
    time.sleep(0.5)
    p.sendline('show terminal')
    p.expect('R1#')
    c.ok('Length: 20 lines, Width: 90 columns' in p.before,
         'a window resize updates length and width', p.before)

    # 20 lines: 19 lines of output, then --More--
    p.sendline('show running-config')
    p.expect_exact(MORE)
    first = p.before.replace('\r\n', '\n').split('\n')
    body = first[1:]            # without the echoed command line
    c.ok(len(body) == 20 and body[-1] == '', 'first page: 19 lines then '
         '--More-- (%d)' % (len(body) - 1), first)
    p.send(' ')
    p.expect_exact(MORE)
    page2 = p.before
    c.ok(page2.startswith(ERASE), 'space erases --More-- first',
         repr(page2[:40]))
    n2 = page2.count('\r\n')
    c.ok(n2 == 19, 'space: a full page (%d lines)' % n2, page2)
    p.send('\r')
    p.expect_exact(MORE)
    n3 = p.before.count('\r\n')
    c.ok(n3 == 1, 'Enter: one more line (%d)' % n3, p.before)
    p.send('q')
    p.expect('R1#')
    rest = p.before
    c.ok(rest == ERASE, 'q: --More-- erased, output stops, prompt back',
         repr(rest))

    # the session still works, and paging can be turned off
    p.sendline('terminal length 0')
    p.expect('R1#')
    p.sendline('show running-config')
    p.expect(r'\r\nend\r\n')
    c.ok(MORE not in p.before, 'terminal length 0: no --More--')
    p.expect('R1#')

    # an explicit terminal length wins over later NAWS updates
    p.sendline('terminal length 6')
    p.expect('R1#')
    p.setwinsize(30, 120)
    time.sleep(0.5)
    p.sendline('show terminal')
    p.expect('R1#')
    c.ok('Length: 6 lines, Width: 120 columns' in p.before,
         'terminal length sticks, NAWS still sets the width', p.before)
    p.sendline('show running-config | include description')
    p.expect_exact(MORE)
    n = p.before.replace('\r\n', '\n').split('\n')
    c.ok(len(n) == 7, 'filtered output pages too (5 lines)', n)
    p.send('q')
    p.expect('R1#')

    p.sendline('exit')
    p.expect(pexpect.EOF)
    c.ok(True, 'exit ends the telnet client')
    c.ok(d.alive(), 'daemon alive')
    rc, took = d.term()
    c.ok(rc == 0, 'SIGTERM: exit 0')
    log = d.output()
    c.ok('ERROR: AddressSanitizer' not in log and 'runtime error' not in log
         and 'LeakSanitizer' not in log, 'no sanitizer report', log[-3000:])
except (pexpect.TIMEOUT, pexpect.EOF) as e:
    c.ok(False, 'telnet dialogue', '%s\nbefore: %r' % (
        type(e).__name__, p.before if p else ''))
finally:
    if p is not None:
        p.close(force=True)
    d.cleanup()
sys.exit(c.done())
EOF
