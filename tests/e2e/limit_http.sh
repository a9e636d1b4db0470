#!/bin/sh
# tests/e2e/limit_http.sh - the HTTP listener (lib/httpd, run alone as
# build/pkish_drv with caps of 16 connections, 8 per client address, a
# 2 s whole-request deadline, 30 s idle) under a connection flood and a slowloris:
# idle connections from two addresses filling it (12 more from one of
# them, past its cap, and a new client past the cap of 16 are closed at
# once, without a byte; a client is served once a slot frees), the silent
# ones cut at the deadline, then a client trickling its head a byte every
# 200 ms (cut at the deadline though never idle) while requests from
# another address are answered within a second. The listener
# process stays up and exits 0 when told. Loopback (127.0.0.0/8) only.
# The same listener in the daemon, serving SCEP: limit_http_daemon.sh.
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
ROOT=${ROOT:-$(pwd)}
# the sanitizer build when there is one (make SAN=1 builds it)
DRV=${HTTPD_DRV:-$ROOT/build-san/pkish_drv}
[ -x "$DRV" ] || DRV=$ROOT/build/pkish_drv
[ -x "$DRV" ] || make -C "$ROOT" -s build/pkish_drv >/dev/null ||
    { echo "not ok 1 - no $DRV"; echo "0 passed, 1 failed"; exit 1; }
export ROOT DRV
exec python3 - <<'EOF2'
import os, socket, subprocess, sys, threading, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
from tnlib import Checks
from faultlib import dial, closed_bare, trickle, no_san

c = Checks()
drv = subprocess.Popen([os.environ['DRV'], '-c', '16', '-i', '8', '-r',
                        '2000', '-t', '30000', '0'], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
line = drv.stdout.readline().decode()
port = int(line.split()[1]) if line.startswith('port ') else 0
c.ok(port > 0, 'listener started', line)
GET = b'GET /.well-known/acme-challenge/bench HTTP/1.0\r\n\r\n'


def legit(src='127.0.0.2'):
    """Seconds for a 200 from src, or None."""
    t0 = time.time()
    try:
        s = dial(src, port)
        s.settimeout(1.0)
        s.sendall(GET)
        out = b''
        while True:
            d = s.recv(4096)
            if not d:
                break
            out += d
        s.close()
    except OSError:
        return None
    return time.time() - t0 if out.startswith(b'HTTP/1.1 200') else None


try:
    # within the 2 s deadline: a flood from one address, then a full house
    t0 = time.time()
    hold = [dial('127.0.0.1', port) for _ in range(8)]
    more = [dial('127.0.0.4', port) for _ in range(8)]
    time.sleep(0.2)
    c.ok(not any(closed_bare(s, 0.02) for s in hold + more),
         '8 idle connections each from 127.0.0.1 and 127.0.0.4: all open')
    excess = [dial('127.0.0.1', port) for _ in range(12)]
    n = sum(closed_bare(s, 1.0) for s in excess)
    c.ok(n == 12, '12 more from 127.0.0.1: all closed at once, no bytes',
         '%d closed' % n)
    c.ok(closed_bare(dial('127.0.0.5', port), 1.0),
         'a new client past the cap of 16: closed at once')
    more.pop().close()
    time.sleep(0.2)
    x = legit()
    c.ok(x is not None and x < 1.0, 'a slot freed: 127.0.0.2 served')
    c.ok(time.time() - t0 < 1.8, 'all that within the deadline (%.1f s)' %
         (time.time() - t0))
    # the flood, sending nothing, is cut at the deadline
    n = sum(closed_bare(s, 3.0) for s in hold + more)
    c.ok(n == 15, 'the 15 silent connections cut at the deadline',
         '%d closed' % n)
    res = {}
    t = threading.Thread(target=trickle, args=(
        res, '127.0.0.3', port,
        b'GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ' + b'a' * 200))
    t.start()
    times = []
    for _ in range(8):
        times.append(legit())
        time.sleep(0.3)
    t.join()
    c.ok(all(x is not None and x < 1.0 for x in times),
         'requests from 127.0.0.2 meanwhile: each 200 within a second',
         times)
    c.ok(1.5 < res.get('cut', 0) < 4.5 and not res.get('answered'),
         'slowloris trickling its head cut at the 2 s deadline (%.1f s)' %
         res.get('cut', 0), res)
    for s in hold + excess + more:
        s.close()
    time.sleep(0.2)
    c.ok(drv.poll() is None, 'listener process still up')
    c.ok(legit('127.0.0.1') is not None,
         'the flooding address is served again')
finally:
    drv.stdin.close()
    try:
        rc = drv.wait(timeout=5)
    except subprocess.TimeoutExpired:
        drv.kill()
        rc = drv.wait()
    c.ok(rc == 0, 'listener exits 0 when told (rc=%s)' % rc)
    out = drv.stdout.read().decode(errors='replace')
    no_san(c, out, 3000)
sys.exit(c.done())
EOF2
