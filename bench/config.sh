#!/bin/sh
# bench/config.sh - configuration scale of the shell (not a test; `make
# bench`). Generates a running-config of about 20,000 lines (2,000
# trustpoints with 8 sub-commands each when `crypto pki trustpoint`
# exists, plus users, interfaces and logging hosts; users and interfaces
# only before that), then reports in one run, side by side with the
# targets of issue 2:
#   - lines/s applied through the console pipe
#   - time of `show running-config` on it (over telnet, and in-process)
#   - idle daemon RSS (empty and with the configuration loaded)
#   - RSS with 100 open telnet sessions, and per extra session
# Uses the plain build ./pkish and loopback only.
cd "$(dirname "$0")/.." || exit 2
PKISH=${PKISH:-./pkish}
[ -x "$PKISH" ] || { echo "bench/config.sh: build ./pkish first"; exit 2; }
command -v python3 >/dev/null || { echo "bench/config.sh: needs python3"; exit 2; }
export PKISH
exec python3 - <<'EOF'
import os, re, resource, shutil, statistics, subprocess, sys, tempfile
import time
sys.path.insert(0, 'tests/e2e')
from tnlib import Daemon, H9_CISCO

PKISH = os.environ['PKISH']
TARGET_LINES = 20000
tmp = tempfile.mkdtemp(prefix='pkish-bench.')


def run(stdin_text, state):
    """pkish on the console pipe, input from a file and output to a file
    (as a paste into a terminal would not wait for a slow reader);
    returns (seconds, output)."""
    os.makedirs(state, exist_ok=True)
    inp, outp = os.path.join(state, 'in'), os.path.join(state, 'out')
    with open(inp, 'w') as f:
        f.write(stdin_text)
    with open(inp) as fi, open(outp, 'w') as fo:
        t0 = time.perf_counter()
        subprocess.run([PKISH, '--state', state], stdin=fi, stdout=fo,
                       stderr=subprocess.STDOUT)
        t = time.perf_counter() - t0
    with open(outp, errors='replace') as f:
        return t, f.read()


def has_trustpoints():
    st = os.path.join(tmp, 'probe')
    _, out = run('enable\nconfigure terminal\ncrypto pki trustpoint P\n'
                 'subject-name CN=p\nend\nshow running-config\n', st)
    return 'Invalid input' not in out and 'crypto pki trustpoint P' in out


def generate(tp):
    """(config lines, description). '!' separators as in a rendering."""
    L = ['hostname BENCH', '!', 'ip domain name bench.example.com', '!']
    nusers, nifs, ntp = 200, 0, 2000 if tp else 0
    for i in range(nusers):
        L.append('username user%04d privilege %d secret 9 %s' %
                 (i, 15 if i % 10 == 0 else 1, H9_CISCO))
    L.append('!')
    for i in range(8):
        L.append('logging host 127.0.0.%d transport udp port %d' %
                 (i + 1, 20514 + i))
    L.append('!')
    for i in range(ntp):
        L += ['crypto pki trustpoint TP%04d' % i,
              ' enrollment url http://127.0.0.1:8080/scep/%04d' % i,
              ' subject-name CN=host%04d.bench.example.com,O=Bench,C=US' % i,
              ' subject-alt-name host%04d.bench.example.com' % i,
              ' fqdn host%04d.bench.example.com' % i,
              ' revocation-check crl',
              ' rsakeypair TP%04d-KEY 2048' % i,
              ' auto-enroll 80 regenerate',
              ' hash sha256',
              '!']
    while len(L) < TARGET_LINES - 12:
        L += ['interface GigabitEthernet3/%d' % nifs,
              ' description bench interface %d' % nifs,
              ' ip address 10.%d.%d.1 255.255.255.0' % (nifs // 250,
                                                         nifs % 250),
              '!']
        nifs += 1
    L += ['line vty 0 127', ' exec-timeout 60 0', ' login local',
          ' transport input telnet', '!']
    what = '%d trustpoints x 8 sub-commands, ' % ntp if ntp else ''
    what += '%d users, %d interfaces, 8 logging hosts' % (nusers, nifs)
    return L, what


def rss_kib(pid, what='VmRSS:'):
    with open('/proc/%d/status' % pid) as f:
        for ln in f:
            if ln.startswith(what):
                return int(ln.split()[1])
    return -1


def body_lines(show):
    return show.count('\n')


try:
    tp = has_trustpoints()
    cfg, what = generate(tp)
    ncmd = sum(1 for l in cfg if l.strip() != '!')
    text = 'enable\nconfigure terminal\n' + '\n'.join(cfg) + '\nend\n'

    # 1. lines/s through the console pipe (best of 3), and the baseline
    #    of a process that applies nothing
    base = min(run('', os.path.join(tmp, 'e%d' % i))[0] for i in range(5))
    times = []
    for i in range(5):
        st = os.path.join(tmp, 'apply%d' % i)
        t, out = run(text, st)
        times.append(t)
        bad = [l for l in out.splitlines() if l.startswith('% ')]
        if bad:
            print('bench/config.sh: %d lines refused, e.g. %s' %
                  (len(bad), bad[:3]))
    t_apply = min(times)
    lps = len(cfg) / t_apply
    lps_net = len(cfg) / max(t_apply - base, 1e-6)

    # 2. show running-config in-process (console pipe, output to a pipe)
    st = os.path.join(tmp, 'show')
    _, out = run(text + 'write memory\n', st)
    start = open(os.path.join(st, 'startup-config')).read()
    nrender = start.count('\n')
    reps = 20
    t1 = min(run('enable\n', st)[0] for i in range(3))
    tN = min(run('enable\n' + 'show running-config\n' * reps, st)[0]
             for i in range(3))
    t_show_pipe = (tN - t1) / reps

    # 3. the daemon: startup replay, idle RSS, show running-config over
    #    telnet, 100 sessions
    empty = Daemon(PKISH, '')
    time.sleep(1.0)
    rss_empty = rss_kib(empty.p.pid)
    rss_file = rss_kib(empty.p.pid, 'RssFile:')
    rss_anon = rss_kib(empty.p.pid, 'RssAnon:')
    empty.term()
    empty.cleanup()

    t0 = time.perf_counter()
    d = Daemon(PKISH, start)
    t_boot = time.perf_counter() - t0
    try:
        time.sleep(1.0)
        rss_idle = rss_kib(d.p.pid)
        t = d.connect(timeout=60)
        t.login('user0000', 'cisco')
        t.cmd('terminal length 0')
        shows = []
        for i in range(7):
            t0 = time.perf_counter()
            t.send('show running-config\r\n')
            got = b''
            while not got.endswith(b'\r\nend\r\nBENCH#'):
                data = t.s.recv(1 << 20)
                if not data:
                    raise RuntimeError('connection closed')
                got = got[-64:] + data
            shows.append(time.perf_counter() - t0)
        t_show = statistics.median(shows)
        t.line('exit')
        t.wait_closed(10)
        time.sleep(0.5)
        rss_before = rss_kib(d.p.pid)
        sess = []
        for i in range(100):
            s = d.connect(timeout=60)
            s.login('user%04d' % (i % 200), 'cisco')
            sess.append(s)
        time.sleep(1.0)
        rss_100 = rss_kib(d.p.pid)
        per = (rss_100 - rss_before) / 100.0
        for s in sess:
            s.close()
        d.term()
    finally:
        d.cleanup()

    mib = lambda k: '%.1f MiB' % (k / 1024.0)
    rows = [
        ('config lines applied, console pipe', '%s lines/s' %
         format(int(lps), ','), '>= 50,000 lines/s', lps >= 50000),
        ('  same, net of process start (%.0f ms)' % (base * 1000),
         '%s lines/s' % format(int(lps_net), ','), '', None),
        ('show running-config, telnet (median)', '%.1f ms' % (t_show * 1000),
         '< 100 ms', t_show < 0.1),
        ('show running-config, in-process', '%.1f ms' %
         (t_show_pipe * 1000), '', None),
        ('startup-config replay at daemon start', '%.0f ms' %
         (t_boot * 1000), '', None),
        ('idle daemon RSS, empty config', mib(rss_empty), '<= 10 MiB',
         rss_empty <= 10240),
        ('  of which library/program file pages', mib(rss_file), '', None),
        ('  of which anonymous (heap, stacks)', mib(rss_anon), '', None),
        ('idle daemon RSS, this config', mib(rss_idle), '', None),
        ('RSS with 100 telnet sessions', mib(rss_100), '', None),
        ('per extra session', '%.0f KiB' % per, '<= 300 KiB', per <= 300),
    ]
    print('pkish bench/config.sh: %d-line running-config (%d commands '
          'applied; %s)' % (nrender, ncmd, what))
    print('%-40s %-18s %-18s %s' % ('figure', 'measured', 'target', ''))
    for name, got, want, good in rows:
        mark = '' if good is None else ('ok' if good else 'MISSED')
        print('%-40s %-18s %-18s %s' % (name, got, want, mark))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
EOF
