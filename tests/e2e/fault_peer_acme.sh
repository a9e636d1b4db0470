#!/bin/bash
# tests/e2e/fault_peer_acme.sh - the ACME server fails in the middle of an
# enrollment. pkish talks to pebble through the fault proxy
# (tests/helpers/faultproxy.py; TLS passes through as bytes, pebble names
# the proxy in its URLs since it builds them from the Host header). A
# clean re-enrollment is recorded (directory, nonce, account, order,
# authorization, challenge, finalize, certificate download: every chunk
# pebble sends); then the stream is reset or truncated inside each of
# those chunks, every connection is dropped, one is stalled, and pebble
# is killed with SIGKILL mid-enrollment. Each attempt ends with a `%`
# error within its deadline, the certificate and key files stay, no temp
# file is left, and the next attempt through a passing proxy (or a
# restarted pebble) succeeds. In a private network namespace.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (unshare --net)"; exit 77; }
if [ -z "${FAULT_ACME_INSIDE:-}" ]; then
	export FAULT_ACME_INSIDE=1
	exec unshare --net --fork bash "$0" "$@"
fi
ip link set lo up
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PKISH=${PKISH:-$ROOT/build-san/pkish}
[ -x "$PKISH" ] || PKISH=$ROOT/pkish
case $PKISH in /*) ;; *) PKISH=$PWD/$PKISH ;; esac
. "$ROOT/tests/e2e/acme_pebble.bash"
ap_have || { echo "FAIL: needs pebble, pebble-challtestsrv, openssl, curl"; exit 1; }
T=$(mktemp -d /tmp/pkish-fault-acme.XXXXXX)
trap 'ap_cleanup 2>/dev/null; rm -rf "$T"' EXIT
AP_BASE=14781
AP_HTTP=5781
ap_setup || { echo "FAIL: pebble set-up"; exit 1; }
ap_start PEBBLE_AUTHZREUSE=0 || { echo "FAIL: pebble did not start"; exit 1; }
export T ROOT PKISH AP_BASE AP_HTTP AP_CA AP_PID AP_DNS
python3 - <<'EOF'
import os, signal, subprocess, sys, threading, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
import tnlib
from tnlib import Checks, STARTUP
from faultlib import Kept, dialog, end_checks, peer_setup

T = os.environ['T']
ST, px = peer_setup(T, int(os.environ['AP_BASE']))
peb = {'pid': int(os.environ['AP_PID'])}
c = Checks()
d = tnlib.Daemon(os.environ['PKISH'], STARTUP, state=ST)
DEADLINE = 100          # the engine's own deadlines are shorter


def session():
    t = d.connect(timeout=120)
    t.login('admin', 'cisco')
    for cmd in ('terminal length 0', 'terminal monitor',
                'configure terminal', 'ip http port ' +
                os.environ['AP_HTTP'], 'interface outside',
                'ip address 127.0.0.1 255.0.0.0', 'exit'):
        t.cmd(cmd)
    t.line('crypto pki trustpool import terminal')
    with open(os.environ['AP_CA']) as f:
        for ln in f.read().splitlines():
            t.line(ln)
    t.line('quit')
    t.expect(tnlib.PROMPT, 30)
    for cmd in ('crypto pki trustpoint WEB',
                'enrollment protocol acme url https://127.0.0.1:%d/dir' %
                px.port,
                'enrollment protocol acme authentication http01 outside',
                'fqdn host1.example.test',
                'subject-name CN=host1.example.test',
                'keypair rsa modulus 2048', 'exit'):
        t.cmd(cmd)
    return t


def enroll():
    return dialog(t, 'crypto ca enroll WEB noconfirm', DEADLINE)


t = session()
out, _ = enroll()
k = Kept(c, t, 'WEB', ST, px, DEADLINE, enroll)
reenroll_ok, failed = k.reenroll_ok, k.failed
k.save()
c.ok(k.serial, 'WEB enrolled through the proxy', out)

px.set('pass')
enroll()
chunks = [(int(p[2]), int(p[3])) for p in
          (ln.split(' ', 4) for ln in px.since()) if p[0] == 'down']
k.save()
c.ok(len(chunks) >= 7, 'a clean re-enrollment: %d chunks from pebble '
     '(%d bytes)' % (len(chunks), sum(n for _, n in chunks)))
for i, (off, n) in enumerate(chunks):
    kind = ('reset', 'trunc')[i % 2]
    at = off + max(1, n // 2)
    px.set('%s %d' % (kind, at))
    out, took = enroll()
    failed('chunk %d of %d: %s at byte %d' % (i + 1, len(chunks), kind, at),
           out, took)
    if i % 4 == 3 or i == len(chunks) - 1:
        reenroll_ok('after chunk %d' % (i + 1))

px.set('drop')
out, took = enroll()
failed('every connection dropped', out, took)
px.set('stall %d' % chunks[len(chunks) // 2][0])
out, took = enroll()
failed('a reply stalled', out, took)
reenroll_ok('after a stall')


def killer():
    t0 = time.time()
    while len([ln for ln in px.since() if ln.startswith('down')]) < \
            len(chunks) // 2 and time.time() - t0 < 60:
        time.sleep(0.005)
    os.kill(peb['pid'], signal.SIGKILL)


px.set('pass')
kt = threading.Thread(target=killer)
kt.start()
out, took = enroll()
kt.join()
failed('pebble killed mid-enrollment', out, took)
p = subprocess.Popen(['pebble', '-config', os.path.join(T, 'pebble.json'),
                      '-dnsserver', '127.0.0.1:' + os.environ['AP_DNS']],
                     env=dict(os.environ, PEBBLE_VA_NOSLEEP='1',
                              PEBBLE_AUTHZREUSE='0'),
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(2)
reenroll_ok('pebble restarted (a new CA: account and chain made again)')
t.cmd('end')
end_checks(c, t, d, 15)
px.stop()
p.terminate()
p.wait()
d.cleanup()
sys.exit(c.done())
EOF
