#!/bin/bash
# tests/e2e/fault_disk.sh - the disk fails under a running daemon: its
# state directory is a 2 MB tmpfs (in a mount namespace of this test)
# that is filled up (ENOSPC) and then remounted read-only. At each
# fault `write memory`, `crypto key generate` and an enrollment that
# generates its key and installs a certificate give a `%` error; the
# startup-config and the key files are unchanged and no temp file is
# left; a daemon restarted on the directory (read-only too) shows the
# same running-config, certificates and keys as before the faults; with
# the disk back, the next write succeeds. The certificate server's
# database on such a disk: fault_ca_db.sh.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/ns.bash"
ns_need "tmpfs mounts" python3
ns_abs PKISH ./build-san/pkish
ns_enter FAULT_DISK_INSIDE "--mount --net" "$@"
ns_tmpfs pkish-fault-disk state
python3 - <<'EOF'
import hashlib, os, re, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
import tnlib
from tnlib import Checks, STARTUP
from faultlib import login, term_ok, end_checks

T = os.environ['T']
ST = os.path.join(T, 'state')


def Daemon(startup):
    """tnlib's daemon with its log outside the state directory (an open
    file would keep the tmpfs from going read-only)."""
    return tnlib.Daemon(os.environ['PKISH'], startup, state=ST,
                        log=os.path.join(T, 'daemon.log'))


def files():
    """path -> sha256 of every file in the state directory."""
    out = {}
    for dp, _, fs in os.walk(ST):
        for f in fs:
            p = os.path.join(dp, f)
            with open(p, 'rb') as fh:
                out[os.path.relpath(p, ST)] = \
                    hashlib.sha256(fh.read()).hexdigest()
    return out


def session(d):
    return login(d, 60)


def views(t):
    run = re.sub(r'(?m)^! Last configuration change.*\n', '',
                 t.cmd('show running-config'))
    return (run, t.cmd('show crypto pki certificates'),
            t.cmd('show crypto key mypubkey rsa'))


def enroll(t, tp):
    t.cmd('configure terminal')
    t.line('crypto pki enroll %s' % tp)
    t.expect(r'serial number in the subject name\? \[yes/no\]: ')
    t.line('no')
    t.expect(r'IP address in the subject name\? \[no\]: ')
    t.line('no')
    t.expect(r'Generate Self Signed Router Certificate\? \[yes/no\]: ')
    t.line('yes')
    out = t.expect(tnlib.PROMPT, 120)
    t.cmd('end')
    return out


def fill():
    with open(os.path.join(T, 'state', 'fill'), 'wb') as f:
        try:
            while True:
                f.write(b'\0' * 65536)
                f.flush()
        except OSError:
            pass


c = Checks()
START = STARTUP.replace('!\nline vty', '''!
crypto pki trustpoint OLD
 enrollment selfsigned
 subject-name CN=old.example.test
 rsakeypair OLD 1024
!
crypto pki trustpoint NEW
 enrollment selfsigned
 subject-name CN=new.example.test
 rsakeypair NEW 1024
!
line vty''')
d = Daemon(START)
try:
    t = session(d)
    out = enroll(t, 'OLD')
    c.ok('successfully created' in out, 'OLD enrolled (self-signed)', out)
    t.cmd('write memory')
    before = views(t)
    saved = files()

    def faults(kind):
        t.cmd('configure terminal')
        t.cmd('hostname FAULTY')
        t.cmd('end')
        out = t.cmd('write memory')
        c.ok(re.search(r'^% Error writing startup-config: .*' + kind, out,
                       re.M), '%s: write memory gives a %% error' % kind, out)
        t.cmd('configure terminal')
        out = t.cmd('crypto key generate rsa general-keys label K2 '
                    'modulus 1024')
        t.cmd('end')
        c.ok(re.search(r'^% Key generation failed: .*' + kind, out, re.M),
             '%s: key generation gives a %% error' % kind, out)
        out = enroll(t, 'NEW')
        c.ok(re.search(r'^% .*' + kind, out, re.M) and
             'successfully created' not in out,
             '%s: an enrollment that generates its key fails with a %% '
             'error' % kind, out)
        certs = t.cmd('show crypto pki certificates NEW')
        c.ok('Status: Available' not in certs,
             '%s: NEW has no certificate installed' % kind, certs)
        now = files()
        now.pop('fill', None)
        tmp = [f for f in now if '.tmp.' in f]
        c.ok(now == saved and not tmp, '%s: the state directory is as it '
             'was (no temp file, no half key)' % kind,
             sorted(set(now.items()) ^ set(saved.items())))
        c.ok(d.alive(), '%s: daemon alive' % kind)
        t.cmd('configure terminal')
        t.cmd('hostname R1')
        t.cmd('end')

    fill()
    faults('No space left on device')
    os.unlink(os.path.join(ST, 'fill'))
    subprocess.check_call(['mount', '-o', 'remount,ro', ST])
    faults('Read-only file system')
    term_ok(c, t, d, 15, 'SIGTERM on a read-only state directory: exit 0')
    d = Daemon(None)
    t = session(d)
    c.ok(views(t) == before, 'restarted on the read-only directory: same '
         'running-config, certificates and keys as before the faults',
         '\n'.join(a + '\n---\n' + b for a, b in zip(views(t), before)
                   if a != b))
    subprocess.check_call(['mount', '-o', 'remount,rw', ST])
    out = t.cmd('write memory')
    c.ok('[OK]' in out, 'with the disk back write memory succeeds', out)
    out = enroll(t, 'NEW')
    c.ok('successfully created' in out, 'and the enrollment succeeds', out)
    end_checks(c, t, d, 15)
finally:
    d.stop()
sys.exit(c.done())
EOF
ns_tmpfs_done $?
