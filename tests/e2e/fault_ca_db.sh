#!/bin/bash
# tests/e2e/fault_ca_db.sh - the disk fails under pkish's certificate
# server (`crypto pki server CS`, `grant auto`, SCEP on `ip http port`).
# Its state directory and its database (`database url unix:DIR`) are on a
# 2 MB tmpfs (in a mount and network namespace of this test, loopback
# only). Filled up (ENOSPC): `no shutdown` fails with a `%` error at the
# key generation and, the key there, at the archive write, leaving no
# file of the server behind; `write memory` fails, the startup-config
# stays. Once enabled, enrollments (build/scep_load) on the full disk get
# a CertRep FAILURE (no certificate the database does not record), the
# daemon logs %PKI-3-CS_ISSUE and keeps serving GetCACaps/GetCACert,
# `revoke` gives a `%` error; with space back the next enrollment
# succeeds. The journal is open while the server runs (the kernel then
# refuses a read-only remount), so the read-only fault comes at the
# server's `no shutdown` and at a daemon restart on the read-only disk:
# `%` errors, the daemon serves its vtys. With the disk writable again the
# database reloads: every certificate a client received is listed, no
# serial twice, serials only go up, the revocation kept.
# Env (tests/run.sh): PKISH, ROOT. Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/ns.bash"
ns_need "tmpfs mounts" python3
ns_abs PKISH ./build-san/pkish
ns_load
ns_enter FAULT_CA_INSIDE "--mount --net" "$@"
ns_tmpfs pkish-fault-ca m
mkdir "$T/m/state"
python3 - <<'EOF'
import os, re, subprocess, sys, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
import tnlib
from tnlib import Checks, STARTUP
from faultlib import Scep, cs, cs_no_shutdown as no_shutdown, cs_serials, \
    login, http_on, term_ok, end_checks

T = os.environ['T']
M = os.path.join(T, 'm')
ST = os.path.join(M, 'state')
DB = os.path.join(M, 'db')
HTTP = tnlib.free_port()
scep = Scep(os.environ['LOAD'], HTTP, T)
received = scep.received


def Daemon():
    """tnlib's daemon on ST with its log outside the tmpfs."""
    return tnlib.Daemon(os.environ['PKISH'], None, state=ST,
                        log=os.path.join(T, 'daemon.log'))


FILL = os.path.join(M, 'fill')


def fill():
    fd = os.open(FILL, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        while True:
            os.write(fd, b'\0' * 4096)
    except OSError:
        pass
    try:
        while True:
            os.write(fd, b'\0')
    except OSError:
        pass
    os.close(fd)


def unfill():
    os.unlink(FILL)


def files(top):
    """Relative paths under top, no fill file."""
    return sorted(os.path.relpath(os.path.join(dp, f), top)
                  for dp, _, fs in os.walk(top) for f in fs
                  if os.path.join(dp, f) != FILL)


c = Checks()
T0 = time.time()


def phase(what):
    print('# %.1f s: %s' % (time.time() - T0, what))


open(os.path.join(ST, 'startup-config'), 'w').write(STARTUP)
d = Daemon()
try:
    t = login(d)
    http_on(t, HTTP)
    cs(t, 'database url unix:%s' % DB, 'grant auto')
    out = t.cmd('write memory')
    c.ok('[OK]' in out, 'CS configured, write memory', out)
    startup = open(os.path.join(ST, 'startup-config')).read()
    before = files(M)

    phase('ENOSPC at no shutdown')
    # --- ENOSPC at `no shutdown`: the key generation, then the archive
    fill()
    out = no_shutdown(t)
    c.ok(re.search(r'^% .*No space left on device', out, re.M) and
         'Certificate Server enabled' not in out,
         'full disk, no key: no shutdown gives a % error', out)
    out = t.cmd('show crypto key mypubkey rsa CS')
    c.ok('Key name: CS' not in out, 'no key CS was kept', out)
    c.ok(files(M) == before, 'no file of the server left (no temp file)',
         sorted(set(files(M)) ^ set(before)))
    t.cmd('configure terminal')
    t.cmd('hostname FULL')
    t.cmd('end')
    out = t.cmd('write memory')
    c.ok(re.search(r'^% Error writing startup-config: .*No space left',
                   out, re.M), 'write memory gives a % error', out)
    c.ok(open(os.path.join(ST, 'startup-config')).read() == startup,
         'the startup-config is unchanged')
    t.cmd('configure terminal')
    t.cmd('hostname R1')
    t.cmd('end')
    unfill()
    t.cmd('configure terminal')
    out = t.cmd('crypto key generate rsa label CS modulus 2048', 120)
    t.cmd('end')
    keys = files(M)
    fill()
    out = no_shutdown(t)
    c.ok(re.search(r'^% .*No space left on device', out, re.M) and
         'Certificate Server enabled' not in out,
         'full disk, key there: no shutdown fails at the archive write',
         out)
    c.ok(files(M) == keys, 'no archive, CA certificate or journal left',
         sorted(set(files(M)) ^ set(keys)))
    out = t.cmd('show crypto pki server')
    c.ok(re.search(r'(?i)status: disabled', out), 'the server is disabled',
         out)
    unfill()
    out = no_shutdown(t)
    c.ok('Certificate Server enabled' in out, 'space back: no shutdown '
         'enables the server', out)
    out = t.cmd('write memory')
    c.ok('[OK]' in out, 'write memory', out)

    phase('ENOSPC at enrollments')
    # --- ENOSPC at the database write of enrollments
    got, log = scep.enroll(3)
    c.ok(got.get('ok') == 3, '3 enrollments on a free disk', log)
    fill()
    fails = 0
    for i in range(8):      # the journal's last page may hold a few more
        got, log = scep.enroll(1)
        if got.get('ok') != 1:
            fails += 1
            break
    c.ok(fails and got.get('fail') == 1 and got.get('http') == 0,
         'full disk: an enrollment gets a CertRep FAILURE (after %d '
         'that still fit)' % i, log)
    got, log = scep.enroll(3)
    c.ok(got.get('fail') == 3 and got.get('ok') == 0,
         'and so do the next 3, no certificate handed out', log)
    out = t.cmd('show logging | include CS_ISSUE')
    c.ok(re.search(r'%PKI-3-CS_ISSUE: Certificate not issued: .*No space '
                   r'left on device', out), 'the daemon logs a %PKI-3 error',
         out)
    st, body = scep.get('GetCACaps')
    c.ok(st == 200 and b'POSTPKIOperation' in body,
         'GetCACaps answered on the full disk', (st, body))
    st, body = scep.get('GetCACert')
    c.ok(st == 200 and len(body) > 100, 'GetCACert answered', st)
    phase('revoke loop')
    # revoke/unrevoke until the journal's last page is full too: each
    # one recorded is in the CRL served, the first refused a `%` error
    x = received[0]
    revoked = False
    refused = ''
    crl_ok = True
    for i in range(400):
        out = t.cmd('crypto pki server CS %srevoke %X' %
                    ('un' if revoked else '', x))
        if 'succesfully' in out:
            revoked = not revoked
            crl_ok = crl_ok and scep.crl_has(x) == revoked
        else:
            refused = out
            break
    c.ok(re.search(r'^% .*No space left on device', refused, re.M),
         'revoke on the full disk: a %% error once the journal is full '
         '(after %d recorded)' % i, refused or out)
    c.ok(crl_ok, 'each revocation recorded meanwhile is in the CRL served')
    ser, out = cs_serials(t)
    c.ok(set(received) <= set(ser), 'every certificate received is in '
         'the database', out)
    unfill()
    got, log = scep.enroll(2)
    c.ok(got.get('ok') == 2, 'space back: the next enrollments succeed',
         log)
    c.ok(scep.crl_has(x) == revoked, 'the CRL served agrees with the '
         'database (%s)' % ('revoked' if revoked else 'not revoked'))
    if not revoked:
        out = t.cmd('crypto pki server CS revoke %X' % x)
        revoked = 'succesfully revoked' in out
        c.ok(revoked, 'revoke', out)

    phase('read-only')
    # --- read-only: at `no shutdown` and at a restart
    cs(t, 'shutdown')
    subprocess.check_call(['mount', '-o', 'remount,ro', M])
    out = no_shutdown(t)
    c.ok(re.search(r'^% .*Read-only file system', out, re.M) and
         'Certificate Server enabled' not in out,
         'read-only: no shutdown gives a % error', out)
    st, _ = scep.get('GetCACaps')
    c.ok(d.alive() and st != 200, 'daemon alive, SCEP not served (%s)' % st)
    cs(t, 'no shutdown')
    out = t.cmd('write memory')
    c.ok(re.search(r'^% Error writing startup-config: .*Read-only', out,
                   re.M), 'write memory gives a % error', out)
    term_ok(c, t, d, 30)
    d = Daemon()
    t = login(d)
    out = d.output()
    c.ok(re.search(r'^% startup-config line \d+: +no shutdown\n'
                   r'% .*/db/journal: Read-only file system', out, re.M),
         'restarted on the read-only disk: the server does not start, a '
         '%% error for its startup-config line', out[-1500:])
    out = t.cmd('show version')
    c.ok(d.alive() and 'uptime' in out, 'the daemon serves its vty', out)
    subprocess.check_call(['mount', '-o', 'remount,rw', M])
    out = no_shutdown(t)
    c.ok('Certificate Server enabled' in out and 'Password' not in out,
         'writable again: no shutdown enables it, no question asked', out)
    got, log = scep.enroll(2)
    c.ok(got.get('ok') == 2, 'enrollments succeed', log)
    ser, out = cs_serials(t)
    c.ok(set(received) <= set(ser), 'the reloaded database lists every '
         'certificate received (%d)' % len(received), out)
    c.ok(len(ser) == len(set(ser)) and len(received) == len(set(received)),
         'no serial twice, in the database or among received', out)
    c.ok(received == sorted(received), 'serials only went up', received)
    c.ok(scep.crl_has(x), 'the revocation survived, in the CRL served')
    end_checks(c, t, d, 30)
    phase('done')
finally:
    d.stop()
sys.exit(c.done())
EOF
ns_tmpfs_done $?
