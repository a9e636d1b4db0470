#!/bin/bash
# tests/e2e/fault_peer_scep.sh - the SCEP CA fails in the middle of an
# exchange. pkish talks to micromdm scepserver through the fault proxy
# (tests/helpers/faultproxy.py), which truncates or resets the stream at
# the start, inside and one byte before the end of every reply of
# `crypto pki authenticate` (GetCACaps, GetCACert) and of a re-enrollment
# (GetCACaps, PKIOperation), drops connections, and stalls one; then
# scepserver itself is killed with SIGKILL in the middle of an
# enrollment. Each attempt ends with a `%` error within its deadline; the
# trustpoint keeps its certificate and key (same serial, same files in
# the state directory), no temp file is left, and the next attempt
# through a passing proxy (or a restarted scepserver) succeeds. In a
# private network namespace.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
NAME=fault_peer_scep
. "$(dirname "$0")/scep.bash"
scep_prereq "$@"
W=$(mktemp -d /tmp/pkish-fault-scep.XXXXXX)
trap 'scep_server_stop 2>/dev/null; rm -rf "$W"' EXIT
PORT=18111
CH=Fault-Challenge-1
scep_ca_init "$W/depot"
scep_server_start "$W/depot" $PORT "$CH"
export W PORT CH PKISH ROOT SRV_PID
python3 - <<'EOF'
import os, signal, subprocess, sys, threading, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
import tnlib
from tnlib import Checks, STARTUP
from faultlib import Kept, dialog, end_checks, errors, peer_setup

W = os.environ['W']
ST, px = peer_setup(W, int(os.environ['PORT']))
srv = {'pid': int(os.environ['SRV_PID'])}
URL = 'http://127.0.0.1:%d/scep' % px.port
TP = '''crypto pki trustpoint %s
 enrollment url ''' + URL + '''
 subject-name CN=%s.example.test
 password ''' + os.environ['CH'] + '''
 rsakeypair %s 1024
 revocation-check none
!
'''
c = Checks()
d = tnlib.Daemon(os.environ['PKISH'], STARTUP.replace(
    '!\nline vty', '!\n' + TP % ('CORP', 'corp', 'CORP') + 'line vty'),
    state=ST)
DEADLINE = 45           # 30 s per SCEP request, and some


def start_server():
    p = subprocess.Popen(
        ['scepserver', '-depot', os.path.join(W, 'depot'), '-port',
         os.environ['PORT'], '-challenge', os.environ['CH'],
         '-allowrenew', '0'], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    srv['pid'] = p.pid
    for _ in range(100):
        try:
            import socket
            socket.create_connection(('127.0.0.1',
                                      int(os.environ['PORT'])), 1).close()
            return p
        except OSError:
            time.sleep(0.1)
    raise RuntimeError('scepserver did not restart')


def session():
    t = d.connect(timeout=90)
    t.login('admin', 'cisco')
    t.cmd('terminal length 0')
    t.cmd('terminal monitor')
    t.cmd('configure terminal')
    return t


t = session()
out, _ = dialog(t, 'crypto pki authenticate CORP', 60)
out2, _ = dialog(t, 'crypto pki enroll CORP', 60)
kept = Kept(c, t, 'CORP', ST, px, DEADLINE,
            lambda: dialog(t, 'crypto pki enroll CORP', DEADLINE),
            lambda out: 'CERT_INSTALL' not in out)
reenroll_ok, failed = kept.reenroll_ok, kept.failed
kept.save()
c.ok(kept.serial, 'CORP authenticated and enrolled', out + out2)


# the replies of a clean re-enrollment, as the proxy sees them
px.set('pass')
dialog(t, 'crypto pki enroll CORP', DEADLINE)
phases = px.responses()
c.ok(len(phases) >= 2, 're-enrollment replies seen by the proxy: %s' %
     phases)
kept.save()
names = ['GetCACaps', 'PKIOperation'] + ['reply%d' % i for i in range(9)]
for i, (off, n) in enumerate(phases):
    for kind, at in (('trunc', off), ('reset', off + 12),
                     ('trunc', off + n // 2), ('reset', off + n - 1)):
        what = 'enroll %s: %s at byte %d of %d' % (names[i], kind,
                                                   at - off, n)
        px.set('%s %d' % (kind, at))
        out, took = dialog(t, 'crypto pki enroll CORP', DEADLINE + 5)
        failed(what, out, took)
    reenroll_ok('enroll %s' % names[i])

px.set('drop')
out, took = dialog(t, 'crypto pki enroll CORP', DEADLINE + 5)
failed('enroll: every connection dropped', out, took)
px.set('stall %d' % phases[-1][0])
out, took = dialog(t, 'crypto pki enroll CORP', DEADLINE + 5)
failed('enroll: PKIOperation reply stalled', out, took)
reenroll_ok('after a stall')

# authenticate: a fresh trustpoint per attempt
px.set('pass')
t.cmd('crypto pki trustpoint A0')
t.cmd('enrollment url ' + URL)
t.cmd('exit')
out, _ = dialog(t, 'crypto pki authenticate A0', DEADLINE)
auth = px.responses()
c.ok('Certificate has the following attributes' in out and len(auth) >= 2,
     'authenticate replies seen by the proxy: %s' % auth, out)
k = 0
for i, (off, n) in enumerate(auth):
    for kind, at in (('reset', off), ('trunc', off + n // 2),
                     ('reset', off + n - 1)):
        k += 1
        px.set('%s %d' % (kind, at))
        t.cmd('crypto pki trustpoint A%d' % k)
        t.cmd('enrollment url ' + URL)
        t.cmd('exit')
        out, took = dialog(t, 'crypto pki authenticate A%d' % k,
                           DEADLINE)
        name = ['GetCACert', 'GetCACaps', 'reply'][min(i, 2)]
        what = 'authenticate %s: %s at byte %d of %d' % (name, kind,
                                                         at - off, n)
        if name == 'GetCACaps' and 'certificate accepted' in out:
            # the CA certificate came whole and was accepted: the
            # capabilities are asked again at enrollment
            c.ok(took < DEADLINE, '%s: the CA certificate, received '
                 'whole, is accepted (%.1fs)' % (what, took), out)
            continue
        c.ok(errors(out) and 'Do you accept' not in out and
             took < DEADLINE, '%s: a %% error (%.1fs: %s)' %
             (what, took, (errors(out) or ['-'])[-1]), out)
        px.set('pass')
        out, _ = dialog(t, 'crypto pki authenticate A%d' % k, DEADLINE)
        c.ok('Certificate has the following attributes' in out,
             '%s: the next attempt succeeds' % what, out)

# scepserver killed (SIGKILL) in the middle of an enrollment: once its
# GetCACaps reply went through, before the PKIOperation
px.set('pass')


def killer():
    t0 = time.time()
    while 'down' not in ' '.join(px.since()) and time.time() - t0 < 60:
        time.sleep(0.005)
    os.kill(srv['pid'], signal.SIGKILL)


k = threading.Thread(target=killer)
k.start()
out, took = dialog(t, 'crypto pki enroll CORP', DEADLINE + 5)
k.join()
failed('scepserver killed mid-enrollment', out, took)
start_server()
reenroll_ok('scepserver restarted')
t.cmd('end')
end_checks(c, t, d, 15)
px.stop()
try:
    os.kill(srv['pid'], signal.SIGTERM)
except OSError:
    pass
d.cleanup()
sys.exit(c.done())
EOF
