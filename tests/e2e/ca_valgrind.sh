#!/bin/bash
# tests/e2e/ca_valgrind.sh - a short certificate-server run of the plain
# build under valgrind (memcheck), in a network namespace of this test
# (loopback only): `no shutdown` of `crypto pki server CS` (CA
# certificate, PKCS#12 archive, database, first CRL; the RSA key is made
# beforehand outside valgrind, key generation being slow there), SCEP
# GetCACaps/GetCACert/GetCRL, enrollments by build/scep_load with `grant
# auto`, one queued with `no grant auto` and granted by `crypto pki server
# CS grant all`, revoke and unrevoke, the CRL and the shows, `shutdown`,
# `no shutdown` from disk, one more enrollment, `shutdown`, SIGTERM.
# valgrind must report no errors and "definitely lost: 0".
# Env (tests/run.sh): PKISH_PLAIN, ROOT. Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "$0")/ns.bash"
ns_need "unshare --net" valgrind python3
ns_abs PKISH_PLAIN ./pkish
[ -x "$PKISH_PLAIN" ] || { echo "SKIP: no plain build at $PKISH_PLAIN"; exit 77; }
ns_load
ns_enter CA_VALGRIND_INSIDE --net "$@"
exec python3 - <<'EOF'
import os, re, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
import tnlib
from tnlib import Checks, Daemon, STARTUP
from faultlib import Scep, cs, cs_no_shutdown, cs_serials

c = Checks()
T0 = time.time()
env = dict(os.environ)
env.pop('ASAN_OPTIONS', None)
state = tempfile.mkdtemp(prefix='pkish-cavg.')
HTTP = tnlib.free_port()
with open(os.path.join(state, 'startup-config'), 'w') as f:
    f.write(STARTUP)
# the CA key, outside valgrind
r = subprocess.run([os.environ['PKISH_PLAIN'], '--state', state],
                   input='enable\nconfigure terminal\ncrypto key generate '
                   'rsa label CS modulus 2048\nend\nwrite memory\n',
                   capture_output=True, text=True, timeout=120, env=env)
c.ok('[OK]' in r.stdout, 'key CS made (outside valgrind)', r.stdout[-800:])
d = Daemon(os.environ['PKISH_PLAIN'], None, state=state, env=env, wrapper=(
    'valgrind', '--leak-check=full', '--show-leak-kinds=definite',
    '--errors-for-leak-kinds=definite', '--error-exitcode=99',
    '--log-file=%s/valgrind.log' % state))
scep = Scep(os.environ['LOAD'], HTTP, state)
try:
    print('# valgrind daemon listening (%.1f s)' % (time.time() - T0))
    t = d.connect(timeout=120)
    t.expect('Username: ', 120)
    t.line('admin')
    t.expect('Password: ', 60)
    t.line('cisco')
    t.expect(tnlib.PROMPT, 60)
    t.cmd('terminal length 0', 60)
    t.cmd('configure terminal', 60)
    t.cmd('ip http server', 60)
    t.cmd('ip http port %d' % HTTP, 60)
    t.cmd('end', 60)
    cs(t, 'grant auto')
    out = cs_no_shutdown(t)
    c.ok('Certificate Server enabled' in out, 'no shutdown: enabled '
         '(%.1f s)' % (time.time() - T0), out)
    st, body = scep.get('GetCACaps', timeout=60)
    st2, body2 = scep.get('GetCACert', timeout=60)
    c.ok(st == 200 and st2 == 200 and len(body2) > 300,
         'GetCACaps, GetCACert', (st, body, st2))
    got, log = scep.enroll(2, 300)
    c.ok(got.get('ok') == 2, '2 enrollments, grant auto (%.1f s)' %
         (time.time() - T0), log)
    cs(t, 'no grant auto')
    got, log = scep.enroll(1, 300)
    c.ok(got.get('pending') == 1, 'no grant auto: the request is queued', log)
    out = t.cmd('crypto pki server CS info requests', 60)
    out += t.cmd('crypto pki server CS grant all', 120)
    c.ok(not re.search(r'^% ', out, re.M) and
         len(cs_serials(t)[0]) == len(scep.received) + 2,
         'info requests, grant all: issued', out)
    x = scep.received[0]
    out = t.cmd('crypto pki server CS revoke %X' % x, 120)
    c.ok('succesfully revoked' in out, 'revoke', out)
    c.ok(scep.crl_has(x), 'GetCRL lists it')
    out = t.cmd('crypto pki server CS info crl', 60)
    out += t.cmd('crypto pki server CS unrevoke %X' % x, 120)
    c.ok('succesfully unrevoked' in out, 'info crl, unrevoke', out)
    out = t.cmd('show crypto pki server', 60)
    ser, out2 = cs_serials(t)
    c.ok(set(scep.received) <= set(ser), 'show crypto pki server, its '
         'certificates', out + out2)
    cs(t, 'shutdown')
    out = cs_no_shutdown(t)
    c.ok('Certificate Server enabled' in out, 'shutdown, no shutdown from '
         'disk', out)
    cs(t, 'grant auto')
    got, log = scep.enroll(1, 300)
    c.ok(got.get('ok') == 1, 'one more enrollment (%.1f s)' %
         (time.time() - T0), log)
    cs(t, 'shutdown')
    t.line('exit')
    rc, took = d.term(120)
    c.ok(rc == 0, 'SIGTERM under valgrind: exit 0 (%s, %.1fs)' % (rc, took))
    vlog = open(os.path.join(state, 'valgrind.log')).read()
    m = re.search(r'ERROR SUMMARY: (\d+) errors', vlog)
    c.ok(m is not None and m.group(1) == '0', 'valgrind: ERROR SUMMARY: 0 '
         'errors', vlog[-6000:])
    m = re.search(r'definitely lost: ([\d,]+) bytes', vlog)
    c.ok(m is None and 'All heap blocks were freed' in vlog or
         (m is not None and m.group(1) == '0'), 'valgrind: definitely lost: '
         '0 bytes', vlog[-6000:])
    print('# ' + '\n# '.join(l.split('== ', 1)[-1] for l in vlog.splitlines()
                             if 'lost:' in l or 'in use at exit' in l))
    print('# %.1f s' % (time.time() - T0))
finally:
    d.cleanup()
sys.exit(c.done())
EOF
