#!/bin/bash
# tests/e2e/limit_http_daemon.sh - the daemon's own HTTP listener (`ip
# http server`, `ip http port`, serving the certificate server's SCEP
# with `grant auto`) under a connection flood and a slowloris, in a
# network namespace of this test (loopback only). Its caps (lib/httpd.h):
# 256 connections, 32 per client address, 5 s idle, 10 s for a whole
# request. 32 silent connections from 127.0.0.2 are held, 8 more from it
# are closed at once without a byte; 127.0.0.3-9 fill the listener to 256
# and a client from 127.0.0.10 is closed at once too; a slot freed, a
# GetCACaps is answered. Then a slowloris trickles its request head a
# byte every 200 ms (never idle: cut at the 10 s deadline), the silent
# flood is cut at the idle timeout, and all the while GetCACaps, GetCACert
# and SCEP enrollments (build/scep_load) from 127.0.0.1 succeed within
# seconds. The daemon serves the flooding address again and exits 0.
# Env (tests/run.sh): PKISH, ROOT. Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/ns.bash"
ns_need "unshare --net" python3
ns_abs PKISH ./build-san/pkish
ns_load
ns_enter LIMIT_HTTPD_INSIDE --net "$@"
exec python3 - <<'EOF'
import os, socket, sys, threading, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
import tnlib
from tnlib import Checks, Daemon, STARTUP
from faultlib import Scep, cs, cs_no_shutdown, cs_serials, login, no_san, \
    http_on, dial, closed_bare, trickle

c = Checks()
HTTP = tnlib.free_port()
d = Daemon(os.environ['PKISH'], STARTUP)
scep = Scep(os.environ['LOAD'], HTTP, d.state)
HEAD = b'GET /cgi-bin/pkiclient.exe?operation=GetCACaps HTTP/1.1\r\n'


def caps(src=None):
    """Seconds for GetCACaps from src, or None when it failed."""
    t0 = time.time()
    st, body = scep.get('GetCACaps', src, 5)
    return time.time() - t0 if st == 200 and b'POSTPKIOperation' in body \
        else None


def legit(res, stop):
    """GetCACaps, GetCACert and an enrollment, over and over."""
    while not stop.is_set():
        res['caps'].append(caps())
        t0 = time.time()
        st, body = scep.get('GetCACert')
        res['cacert'].append(time.time() - t0 if st == 200 and
                             len(body) > 300 else None)
        t0 = time.time()
        got, _ = scep.enroll(1)
        res['enroll'].append(time.time() - t0 if got.get('ok') == 1
                             else None)


held = []
try:
    t = login(d)
    http_on(t, HTTP)
    cs(t, 'grant auto')
    out = cs_no_shutdown(t)
    c.ok('Certificate Server enabled' in out, 'CS enabled on the daemon\'s '
         'listener', out)
    c.ok(caps() is not None, 'GetCACaps answered')
    # the caps, within the idle timeout (5 s)
    t0 = time.time()
    flood = [dial('127.0.0.2', HTTP) for _ in range(32)]
    time.sleep(0.5)
    c.ok(not any(closed_bare(s, 0.01) for s in flood),
         '32 silent connections from 127.0.0.2: all open')
    excess = [dial('127.0.0.2', HTTP) for _ in range(8)]
    n = sum(closed_bare(s, 1.0) for s in excess)
    c.ok(n == 8, '8 more from 127.0.0.2: closed at once, no byte sent',
         '%d closed' % n)
    for a in range(3, 10):
        flood += [dial('127.0.0.%d' % a, HTTP) for _ in range(32)]
    time.sleep(0.5)
    n = sum(closed_bare(s, 0.005) for s in flood)
    c.ok(n == 0, '224 more from 127.0.0.3-9: the listener holds 256',
         '%d closed' % n)
    c.ok(closed_bare(dial('127.0.0.10', HTTP), 1.0),
         'a new client past the cap of 256: closed at once')
    for s in flood[-8:]:
        s.close()
    del flood[-8:]
    time.sleep(0.3)
    x = caps()
    c.ok(x is not None and x < 2.0, 'slots freed: GetCACaps answered (%s)'
         % x)
    c.ok(time.time() - t0 < 4.5, 'all that within the idle timeout '
         '(%.1f s)' % (time.time() - t0))
    # the slowloris and the silent flood against legitimate clients
    slow, res, stop = {}, {'caps': [], 'cacert': [], 'enroll': []}, \
        threading.Event()
    ts = threading.Thread(target=trickle, args=(
        slow, '127.0.0.10', HTTP, HEAD + b'Host: a\r\nX-Slow: ' + b'a' * 200))
    tl = threading.Thread(target=legit, args=(res, stop))
    ts.start()
    tl.start()
    n = sum(closed_bare(s, max(0.1, t0 + 8 - time.time())) for s in flood)
    c.ok(n == len(flood), 'the %d silent connections cut at the idle '
         'timeout (%.1f s)' % (len(flood), time.time() - t0),
         '%d closed' % n)
    ts.join()
    stop.set()
    tl.join()
    c.ok(9.0 < slow.get('cut', 0) < 13.5 and not slow.get('answered'),
         'the slowloris trickling its head cut at the 10 s deadline '
         '(%.1f s)' % slow.get('cut', 0), slow)
    for k, lim in (('caps', 2.0), ('cacert', 2.0), ('enroll', 6.0)):
        v = res[k]
        c.ok(v and all(x is not None and x < lim for x in v),
             'meanwhile %d %s from 127.0.0.1, each within %.0f s (max '
             '%.2f s)' % (len(v), k, lim, max(x or 99 for x in v)), v)
    for s in flood + excess:
        s.close()
    time.sleep(0.2)
    c.ok(d.alive(), 'daemon alive')
    c.ok(caps('127.0.0.2') is not None,
         'the flooding address is served again')
    got, log = scep.enroll(2)
    c.ok(got.get('ok') == 2, 'and enrollments succeed', log)
    ser, out = cs_serials(t)
    c.ok(set(scep.received) <= set(ser),
         'the database lists all %d certificates issued' %
         len(scep.received), out)
    t.line('exit')
    rc, took = d.term(30)
    c.ok(rc == 0, 'SIGTERM: exit 0 (%s, %.1f s)' % (rc, took))
    no_san(c, d.output(), 3000)
finally:
    d.cleanup()
sys.exit(c.done())
EOF
