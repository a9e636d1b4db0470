#!/bin/sh
# tests/e2e/metrics.sh - `ip http metrics`: GET /metrics on the `ip http
# port` listener, scraped with curl from a pkish daemon (telnet on
# loopback) holding a self-signed trustpoint and a SCEP trustpoint
# enrolled from the scripted responder (build/tests/helpers/scep_responder);
# every value equals what `show crypto pki certificates` and `show crypto
# pki timers | json` print; the text parses as exposition format 0.0.4;
# an automatic renewal (clock set past the RENEW time) and a failed one
# (responder stopped) show in the last-renewal metrics and the counters;
# off by default, `no ip http metrics` stops it, `ip http port` moves it.
command -v python3 >/dev/null 2>&1 || { echo "FAIL: no python3"; exit 1; }
PKISH=${PKISH:-./build-san/pkish}
[ -x "$PKISH" ] || PKISH=${PKISH_PLAIN:-./pkish}
ROOT=${ROOT:-$(pwd)}
TESTBIN=${TESTBIN:-$ROOT/build/tests}
export PKISH ROOT TESTBIN
exec python3 - <<'EOF'
import calendar, json, os, re, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests/e2e'))
from tnlib import Daemon, Checks, STARTUP, PROMPT, free_port

c = Checks()
W = tempfile.mkdtemp(prefix='pkish-metrics.')
resp_bin = os.path.join(os.environ['TESTBIN'], 'helpers', 'scep_responder')
if not os.access(resp_bin, os.X_OK):
    print('not ok 1 - no %s (make unit)' % resp_bin)
    sys.exit(1)
rport, hport, hport2 = free_port(), free_port(), free_port()


def responder():
    os.makedirs(os.path.join(W, 'ca'), exist_ok=True)
    p = subprocess.Popen([resp_bin], env=dict(
        os.environ, SCEP_RESPONDER_PORT=str(rport), SCEP_RESPONDER_MODE='cgi',
        SCEP_RESPONDER_DIR=os.path.join(W, 'ca')),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if curl('http://127.0.0.1:%d/' % rport)[0] == 0:
            return p
        time.sleep(0.1)
    raise RuntimeError('responder did not start')


def curl(url, *extra):
    """(curl exit status, HTTP status, headers, body)"""
    r = subprocess.run(['curl', '-s', '-m', '10', '-D', '-', *extra, url],
                       capture_output=True, text=True)
    head, _, body = r.stdout.partition('\n\n')    # text: \r\n read as \n
    m = re.match(r'HTTP/[0-9.]+ ([0-9]+)', head)
    return r.returncode, int(m.group(1)) if m else 0, head, body


# The text exposition format 0.0.4: HELP/TYPE lines, then samples
# name{label="value",...} value, every family's samples together after
# its TYPE; returns {(name, frozenset(labels)): value} and the errors.
NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r'^(%s)(?:\{((?:%s)(?:,%s)*)?\})? ([-+]?(?:[0-9.eE+-]+|'
                    r'NaN|Inf))(?: -?[0-9]+)?$' % (NAME, LABEL, LABEL))


def parse(text):
    out, errs, types, seen, cur = {}, [], {}, set(), None
    if not text.endswith('\n'):
        errs.append('no final newline')
    for ln in text.split('\n')[:-1]:
        m = re.match(r'^# (HELP|TYPE) (%s) (.*)$' % NAME, ln)
        if m:
            if m.group(1) == 'TYPE':
                if m.group(3) not in ('counter', 'gauge', 'histogram',
                                      'summary', 'untyped'):
                    errs.append('bad type: ' + ln)
                if m.group(2) in types:
                    errs.append('TYPE twice: ' + ln)
                types[m.group(2)] = m.group(3)
                cur = m.group(2)
            continue
        m = SAMPLE.match(ln)
        if not m:
            errs.append('bad line: %r' % ln)
            continue
        name = m.group(1)
        if name != cur:
            errs.append('sample outside its family: ' + ln)
        labels = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]'
                                      r'|\\.)*)"', m.group(2) or ''))
        if (name, labels) in seen:
            errs.append('duplicate sample: ' + ln)
        seen.add((name, labels))
        out[(name, labels)] = float(m.group(3))
    return out, errs, types


def get(m, name, **labels):
    return m.get((name, frozenset(labels.items())))


def scrape(port):
    rc, st, head, body = curl('http://127.0.0.1:%d/metrics' % port)
    m, errs, types = parse(body) if st == 200 else ({}, ['status %d' % st], {})
    return m, errs, types, head, body


def epoch(show_date):       # "10:33:11 UTC Dec 5 2036"
    return calendar.timegm(time.strptime(show_date, '%H:%M:%S UTC %b %d %Y'))


def cert_blocks(out):
    """[(kind, serial, end epoch)] of `show crypto pki certificates`"""
    res = []
    for b in re.split(r'\n(?=\S)', '\n' + out):
        first = b.strip('\n').split('\n')[0]
        k = re.match(r'(CA Certificate|(?:Router Self-Signed )?Certificate)\s*$',
                     first)
        s = re.search(r'Certificate Serial Number \(hex\): ([0-9A-F]+)', b)
        e = re.search(r'end   date: (.*)', b)
        if k and s and e:
            res.append((k.group(1), s.group(1), epoch(e.group(1).strip())))
    return res


def wait_for(pred, secs=40):
    end = time.time() + secs
    while time.time() < end:
        r = pred()
        if r:
            return r
        time.sleep(0.2)
    return None


def ask(t, cmd, answers):
    t.line(cmd)
    for q, a in answers:
        t.expect(re.escape(q))
        t.line(a)
    return t.expect(PROMPT, 120)


def clock_to(t, when):
    t.cmd('do clock set ' + time.strftime('%H:%M:%S %d %b %Y', time.gmtime(when)))


resp = responder()
startup = STARTUP.replace('end\n', '''ip http port %d
!
crypto pki trustpoint SELF
 enrollment selfsigned
 serial-number none
 ip-address none
!
crypto pki trustpoint CORP
 enrollment url http://127.0.0.1:%d/cgi-bin/pkiclient.exe
 subject-name CN=r1.example.test,O=Example
 password Metrics-Challenge
 serial-number none
 ip-address none
 auto-enroll 50
 revocation-check none
!
end
''' % (hport, rport))
d = Daemon(os.environ['PKISH'], startup)
try:
    rc, st, _, _ = curl('http://127.0.0.1:%d/metrics' % hport)
    c.ok(rc == 7, 'off by default: nothing listens on ip http port', rc)
    t = d.connect()
    t.login('admin', 'cisco')
    t.cmd('terminal length 0')
    t.cmd('configure terminal')
    t.line('ip http ?')
    h = t.expect(PROMPT)
    c.ok(re.search(r'metrics +Serve Prometheus metrics at /metrics', h),
         'ip http ? lists metrics', h)
    t.line('')     # the ? left "ip http " on the line
    t.expect(PROMPT)
    ask(t, 'crypto pki enroll SELF',
        [('Generate Self Signed Router Certificate? [yes/no]: ', 'yes')])
    ask(t, 'crypto pki authenticate CORP',
        [('Do you accept this certificate? [yes/no]: ', 'yes')])
    out = t.cmd('crypto pki enroll CORP noconfirm', 120)
    t.cmd('ip http metrics')
    rcfg = t.cmd('do show running-config | include ^ip http')
    c.ok(rcfg == 'ip http port %d\nip http metrics\n' % hport,
         'running-config has ip http metrics', rcfg)

    m, errs, types, head, body = scrape(hport)
    c.ok(not errs and m, 'scrape parses as exposition format 0.0.4',
         '\n'.join(errs) + '\n' + body)
    c.ok(re.search(r'(?im)^Content-Type: text/plain; version=0\.0\.4', head),
         'Content-Type text/plain; version=0.0.4', head)
    for fam, ty in (('pkish_certificate_not_after_seconds', 'gauge'),
                    ('pkish_certificate_renew_time_seconds', 'gauge'),
                    ('pkish_ca_certificate_not_after_seconds', 'gauge'),
                    ('pkish_renewal_last_timestamp_seconds', 'gauge'),
                    ('pkish_renewal_last_success', 'gauge'),
                    ('pkish_enrollment_attempts_total', 'counter'),
                    ('pkish_enrollment_successes_total', 'counter'),
                    ('pkish_enrollment_failures_total', 'counter')):
        c.ok(types.get(fam) == ty and '# HELP %s ' % fam in body,
             'HELP and TYPE %s %s' % (fam, ty), body)

    def against_show(m, what):
        for tp in ('SELF', 'CORP'):
            certs = cert_blocks(t.cmd('do show crypto pki certificates ' + tp))
            ids = [x for x in certs if x[0] != 'CA Certificate']
            cas = [x for x in certs if x[0] == 'CA Certificate']
            c.ok(ids and get(m, 'pkish_certificate_not_after_seconds',
                             trustpoint=tp, serial=ids[0][1]) == ids[0][2],
                 '%s: %s notAfter and serial = show (%s)' % (what, tp, ids),
                 body)
            if tp == 'CORP':
                c.ok(cas and get(m, 'pkish_ca_certificate_not_after_seconds',
                                 trustpoint=tp, serial=cas[0][1]) == cas[0][2],
                     '%s: CA notAfter and serial = show (%s)' % (what, cas))
        tj = json.loads(t.cmd('do show crypto pki timers | json'))
        renew = [x for x in tj['timers'] if x['name'] == 'RENEW CORP']
        when = calendar.timegm(time.strptime(renew[0]['when'],
                               '%Y-%m-%dT%H:%M:%SZ')) if renew else None
        c.ok(when and get(m, 'pkish_certificate_renew_time_seconds',
                          trustpoint='CORP') == when,
             '%s: renew time = show crypto pki timers (%s)' % (what, when))
        return when

    renew = against_show(m, 'enrolled')
    c.ok(get(m, 'pkish_ca_certificate_not_after_seconds', trustpoint='SELF',
             serial='01') is None and
         get(m, 'pkish_certificate_renew_time_seconds', trustpoint='SELF')
         is None, 'SELF: no CA and no RENEW timer, no samples')
    cnt = lambda m, w, p: get(m, 'pkish_enrollment_%s_total' % w, protocol=p)
    c.ok((cnt(m, 'attempts', 'scep'), cnt(m, 'successes', 'scep'),
          cnt(m, 'failures', 'scep'), cnt(m, 'attempts', 'acme')) ==
         (1, 1, 0, 0), 'counters: one SCEP enrollment granted, no ACME', body)
    c.ok(get(m, 'pkish_renewal_last_success', trustpoint='CORP') is None,
         'no renewal yet: no last-renewal sample')

    # an automatic renewal, then one with the CA gone
    clock_to(t, renew + 30)
    m = wait_for(lambda: (lambda s: s if get(
        s, 'pkish_renewal_last_success', trustpoint='CORP') == 1 else None)(
        scrape(hport)[0]))
    c.ok(m is not None, 'automatic renewal: last success 1')
    m = m or {}
    ts = get(m, 'pkish_renewal_last_timestamp_seconds', trustpoint='CORP')
    c.ok(ts and renew + 30 <= ts <= renew + 120,
         'renewal timestamp on pkish clock (%s vs %s)' % (ts, renew + 30))
    c.ok((cnt(m, 'attempts', 'scep'), cnt(m, 'successes', 'scep')) == (2, 2),
         'counters: the renewal counted')
    renew2 = against_show(m, 'renewed')
    resp.terminate()
    resp.wait()
    clock_to(t, renew2 + 30)
    # (a second renewal waits RENEW_MIN_INTERVAL, 60 s, after the first)
    m = wait_for(lambda: (lambda s: s if get(
        s, 'pkish_renewal_last_success', trustpoint='CORP') == 0 else None)(
        scrape(hport)[0]), 120)
    c.ok(m is not None, 'renewal with the CA stopped: last success 0')
    m = m or {}
    c.ok((cnt(m, 'attempts', 'scep'), cnt(m, 'failures', 'scep')) == (3, 1),
         'counters: the failure counted',
         (cnt(m, 'attempts', 'scep'), cnt(m, 'failures', 'scep')))

    rc, st, _, _ = curl('http://127.0.0.1:%d/metrics/x' % hport)
    c.ok(st == 404, '/metrics/x: 404', st)
    rc, st, _, _ = curl('http://127.0.0.1:%d/metrics' % hport, '-d', 'x')
    c.ok(st == 405, 'POST /metrics: 405', st)
    t.cmd('ip http port %d' % hport2)
    c.ok(scrape(hport2)[0] and curl('http://127.0.0.1:%d/metrics' % hport)[0]
         == 7, 'ip http port moves the endpoint')
    t.cmd('no ip http metrics')
    c.ok(curl('http://127.0.0.1:%d/metrics' % hport2)[0] == 7,
         'no ip http metrics: not served any more')
    rcfg = t.cmd('do show running-config | include ^ip http')
    c.ok(rcfg == 'ip http port %d\n' % hport2, 'running-config: off', rcfg)
    t.cmd('end')
    t.line('exit')
    rc, _ = d.term(30)
    c.ok(rc == 0, 'SIGTERM: clean exit with the endpoint off (rc=%s)' % rc)
finally:
    if resp.poll() is None:
        resp.terminate()
        resp.wait()
    log = d.output()
    d.cleanup()
    shutil.rmtree(W, ignore_errors=True)
c.ok('ERROR: AddressSanitizer' not in log and 'runtime error' not in log
     and 'LeakSanitizer' not in log, 'no sanitizer report', log[-3000:])
sys.exit(c.done())
EOF
