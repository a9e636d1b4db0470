#!/bin/sh
# tests/e2e/shell_console.sh - the console on a terminal (pexpect pty):
# raw mode line editing (Ctrl-A/E, arrows, Ctrl-U/W, history), TAB, `?`
# keeping the partial line, Ctrl-Z and Ctrl-C, --More-- paging on the
# console, `exit` -> status 0, SIGTERM on the console -> status 0.
python3 -c 'import pexpect' 2>/dev/null || { echo "SKIP: no pexpect"; exit 77; }
PKISH=${PKISH:-./build-san/pkish}
export PKISH
exec python3 - <<'EOF'
import os, re, shutil, sys, tempfile, time
import pexpect

n = failed = 0


def ok(cond, what, detail=''):
    global n, failed
    n += 1
    if cond:
        print('ok %d - %s' % (n, what))
    else:
        failed += 1
        print('not ok %d - %s' % (n, what))
        if detail:
            print('  ' + repr(detail)[:2000])


st = tempfile.mkdtemp(prefix='pkish-con.')
with open(os.path.join(st, 'startup-config'), 'w') as f:
    f.write(''.join('interface Loopback%d\n description console %d\n!\n'
                    % (i, i) for i in range(30)))
p = pexpect.spawn(os.environ['PKISH'], ['--state', st], dimensions=(24, 80),
                  encoding='latin-1', timeout=20)
try:
    p.expect_exact('pkish>')
    p.sendline('enable')
    p.expect_exact('pkish#')
    # Ctrl-A to the start, fix a typo, Ctrl-E to the end
    p.send('how clock\x01s\x05 detail\r')
    p.expect_exact('pkish#')
    ok('Time source is' in p.before, 'Ctrl-A / Ctrl-E editing', p.before)
    # left arrow + insert, Ctrl-U and Ctrl-W
    p.send('show privilge\x1b[D\x1b[De\r')
    p.expect_exact('pkish#')
    ok('Current privilege level is 15' in p.before, 'arrow keys edit',
       p.before)
    p.send('xshow privilege\x1b[1~\x1b[3~\x1b[4~\r')
    p.expect_exact('pkish#')
    ok('Current privilege level is 15' in p.before and '~' not in
       p.before, 'Home, Delete, End (ESC [ n ~) edit', p.before)
    p.send('show version\x15show privilege\r')
    p.expect_exact('pkish#')
    ok('Current privilege level' in p.before, 'Ctrl-U kills the line')
    p.send('show users extra\x17\x17privilege\r')
    p.expect_exact('pkish#')
    ok('Current privilege level' in p.before, 'Ctrl-W erases words',
       p.before)
    # history (enable, show clock detail, show privilege): Up twice
    p.send('\x1b[A\x1b[A\r')
    p.expect_exact('pkish#')
    ok('Time source is' in p.before, 'Up arrow recalls history', p.before)
    # TAB completes, ? lists and keeps the partial line
    p.send('sh ver\t')
    p.expect_exact('sh version ')
    p.send('\r')
    p.expect_exact('pkish#')
    ok('pkish Software (PKISH-' in p.before, 'TAB completes the keyword')
    p.send('terminal ?')
    p.expect_exact('pkish#terminal ')
    ok('length   Set number of lines on a screen' in p.before,
       '? lists, then the partial line comes back', p.before)
    p.send('\x15conf t\r')
    p.expect_exact('pkish(config)#')
    p.send('interface Loopback5\r')
    p.expect_exact('pkish(config-if)#')
    p.send('\x1a')
    p.expect_exact('pkish#')
    ok('^Z' in p.before and 'CONFIG_I' in p.before,
       'Ctrl-Z: back to #, CONFIG_I logged', p.before)
    p.send('conf t\r')
    p.expect_exact('pkish(config)#')
    p.send('hostname CON\x03')
    p.expect_exact('pkish#')
    ok('^C' in p.before, 'Ctrl-C: line dropped, back to #', p.before)
    # paging on the console: 23 lines, then --More--
    p.send('show running-config\r')
    p.expect_exact(' --More-- ')
    lines = p.before.split('\r\n')
    ok(len(lines) == 25, 'console pages after 23 lines (%d)' %
       (len(lines) - 2), lines)
    p.send(' ')
    p.expect_exact(' --More-- ')
    p.send('q')
    p.expect_exact('pkish#')
    p.send('terminal length 0\r')
    p.expect_exact('pkish#')
    p.send('show running-config\r')
    p.expect(r'\r\nend\r\n')
    ok(' --More-- ' not in p.before, 'terminal length 0 on the console')
    p.expect_exact('pkish#')
    p.sendline('exit')
    p.expect(pexpect.EOF)
    p.close()
    ok(p.exitstatus == 0, 'exit: status 0 (%s)' % p.exitstatus)

    # SIGTERM while the console waits for input
    p = pexpect.spawn(os.environ['PKISH'], ['--state', st],
                      dimensions=(24, 80), encoding='latin-1', timeout=20)
    p.expect_exact('pkish>')
    t0 = time.time()
    p.kill(15)
    p.expect(pexpect.EOF)
    p.close()
    ok(p.exitstatus == 0 and time.time() - t0 < 2, 'SIGTERM on the console:'
       ' status 0 (%s) within 2 s' % p.exitstatus)
except (pexpect.TIMEOUT, pexpect.EOF) as e:
    ok(False, 'console dialogue', '%s: %r' % (type(e).__name__, p.before))
finally:
    p.close(force=True)
    shutil.rmtree(st, ignore_errors=True)
print('%d passed, %d failed' % (n - failed, failed))
sys.exit(1 if failed else 0)
EOF
