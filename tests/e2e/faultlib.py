"""tests/e2e/faultlib.py - shared by the fault and limit tests
(fault_*.sh, limit_http*.sh, ca_valgrind.sh): the fault proxy
(tests/helpers/faultproxy.py) as a child process, a vty logged in and the
checks at a daemon's end, IOS dialogs driven by what pkish asks,
state-directory snapshots, a trustpoint's certificate kept through the
faults of a peer (Kept), client sockets of a flood (dial, closed_bare,
trickle), and the certificate server CS (configuration, `no shutdown`
with its passphrase dialog, enrollments by build/scep_load, GetCRL)."""
import hashlib
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tnlib  # noqa: E402


class Proxy:
    """faultproxy.py from port to target; set() writes the control line."""

    def __init__(self, root, work, target):
        self.ctl = os.path.join(work, 'proxy.ctl')
        self.logf = os.path.join(work, 'proxy.log')
        self.port = tnlib.free_port()
        self.gen = 0
        self.set('pass')
        self.p = subprocess.Popen(
            ['python3', os.path.join(root, 'tests/helpers/faultproxy.py'),
             str(self.port), str(target), self.ctl, self.logf])
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError('fault proxy did not start')

    def set(self, line):
        """A new control line (the byte count starts again at 0)."""
        self.gen += 1
        parts = line.split() + ['0']
        with open(self.ctl + '.tmp', 'w') as f:
            f.write('%s %s %d\n' % (parts[0], parts[1], self.gen))
        os.replace(self.ctl + '.tmp', self.ctl)
        self.mark = self.log_size()

    def log_size(self):
        try:
            return os.path.getsize(self.logf)
        except OSError:
            return 0

    def since(self):
        """Log lines written since the last set()."""
        try:
            with open(self.logf) as f:
                f.seek(self.mark)
                return f.read().splitlines()
        except OSError:
            return []

    def responses(self):
        """(offset, length) of each HTTP response since the last set()."""
        out = []
        for ln in self.since():
            p = ln.split(' ', 4)
            if p[0] != 'down':
                continue
            off, n = int(p[2]), int(p[3])
            if p[4].startswith("b'HTTP/") or not out:
                out.append([off, n])
            else:
                out[-1][1] += n
        return [tuple(x) for x in out]

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            self.p.wait()


def login(d, timeout=120):
    """A vty of daemon d logged in as admin, `terminal length 0`."""
    t = d.connect(timeout=timeout)
    t.login('admin', 'cisco')
    t.cmd('terminal length 0')
    return t


def http_on(t, port):
    """`ip http server` on port (t at the EXEC prompt)."""
    t.cmd('configure terminal')
    t.cmd('ip http server')
    t.cmd('ip http port %d' % port)
    t.cmd('end')


def no_san(c, log, tail=2000):
    """The check that a daemon's output log has no sanitizer report."""
    c.ok('Sanitizer' not in log and 'runtime error' not in log,
         'no sanitizer report', log[-tail:])


def term_ok(c, t, d, timeout, what='SIGTERM: exit 0'):
    """`exit` on vty t, SIGTERM to d: the check that it exits 0 within
    timeout."""
    t.line('exit')
    rc, _ = d.term(timeout)
    c.ok(rc == 0, '%s (%s)' % (what, rc))


def end_checks(c, t, d, timeout, tail=2000):
    """term_ok, then the check that d's output has no sanitizer report."""
    term_ok(c, t, d, timeout)
    no_san(c, d.output(), tail)


def dial(src, port):
    """A TCP connection from address src to 127.0.0.1:port."""
    s = socket.socket()
    s.bind((src, 0))
    s.connect(('127.0.0.1', port))
    return s


def closed_bare(s, wait):
    """True when the server closed s within wait seconds, sending nothing."""
    s.settimeout(wait)
    try:
        return s.recv(100) == b''
    except (socket.timeout, OSError) as e:
        return isinstance(e, ConnectionResetError)


def trickle(res, src, port, head):
    """A slowloris from src: head a byte every 200 ms; res['cut'] =
    seconds until the server closed it, res['answered'] if it said
    anything."""
    s = dial(src, port)
    t0 = time.time()
    s.settimeout(0.2)
    for b in head:
        try:
            s.send(bytes([b]))
            if s.recv(100) == b'':
                break
            res['answered'] = True
        except socket.timeout:
            continue
        except OSError:
            break
    res['cut'] = time.time() - t0
    s.close()


# question -> answer, for every dialog of enroll/authenticate
ANSWERS = [
    (r'Do you want to continue with re-enrollment\? \[yes/no\]: $', 'yes'),
    (r'serial number in the subject name\? \[yes/no\]: $', 'no'),
    (r'IP address in the subject name\? \[no\]: $', 'no'),
    (r'Request certificate from CA\? \[yes/no\]: $', 'yes'),
    (r'Do you accept this certificate\? \[yes/no\]: $', 'yes'),
]


def dialog(t, cmd, deadline):
    """Run cmd, answering its questions, until the prompt; returns
    (output, seconds)."""
    t0 = time.time()
    t.line(cmd)
    out = ''
    alts = '|'.join('(%s)' % q for q, _ in ANSWERS) + '|(%s)' % tnlib.PROMPT
    while True:
        left = deadline - (time.time() - t0)
        got = t.expect(alts, max(left, 0.1))
        out += got
        for q, a in ANSWERS:
            if re.search(q, got):
                t.line(a)
                break
        else:
            return out.replace('\r\n', '\n'), time.time() - t0


def state_files(st):
    """path -> sha256 of the files under the state directory that hold
    keys and configuration (logs and poll state excluded)."""
    out = {}
    for dp, _, fs in os.walk(st):
        for f in fs:
            p = os.path.join(dp, f)
            rel = os.path.relpath(p, st)
            if rel.endswith('.log'):
                continue
            with open(p, 'rb') as fh:
                out[rel] = hashlib.sha256(fh.read()).hexdigest()
    return out


def temps(st):
    return [os.path.join(dp, f) for dp, _, fs in os.walk(st)
            for f in fs if '.tmp.' in f]


def cert_serial(t, tp):
    """Serial of tp's identity certificate, or None (t in a
    configuration mode)."""
    out = t.cmd('do show crypto pki certificates %s' % tp)
    m = re.search(r'^Certificate\n  Status: Available\n  Certificate Serial '
                  r'Number \(hex\): (\S+)', out.replace('\r', ''), re.M)
    return m.group(1) if m else None


DIALOG = ('% Start certificate', '% The subject name', '% Include ',
          '% Certificate request sent', "% The 'show crypto",
          '% Do you accept', '% Please answer')


def errors(out):
    """The % error lines of a command's output (dialog lines and
    syslog lines left out)."""
    return [ln for ln in out.split('\n') if ln.startswith('% ') and
            not ln.startswith(DIALOG)]


def peer_setup(work, target):
    """The fault tests against a peer: the state directory work/state
    (made) and a fault proxy in front of 127.0.0.1:target."""
    st = os.path.join(work, 'state')
    os.mkdir(st)
    return st, Proxy(os.environ['ROOT'], work, target)


class Kept:
    """A trustpoint's certificate through its peer's faults: the serial
    and the state files of the last good enrollment (save()); failed()
    checks an attempt under a fault, reenroll_ok() the next one through a
    passing proxy. enroll() -> (output, seconds); clean(output) is false
    when a failed attempt's output shows what must not be there."""

    def __init__(self, c, t, tp, st, px, deadline, enroll,
                 clean=lambda out: True):
        self.c, self.t, self.tp, self.st, self.px = c, t, tp, st, px
        self.deadline, self.enroll, self.clean = deadline, enroll, clean
        self.serial, self.files = None, None

    def save(self):
        self.serial = cert_serial(self.t, self.tp)
        self.t.cmd('do write memory')
        self.files = state_files(self.st)

    def reenroll_ok(self, what):
        """The next attempt, the proxy passing traffic, succeeds."""
        self.px.set('pass')
        out, _ = self.enroll()
        new = cert_serial(self.t, self.tp)
        self.c.ok(new and new != self.serial, '%s: the next enrollment '
                  'succeeds (serial %s -> %s)' % (what, self.serial, new),
                  out)
        self.serial = new
        self.t.cmd('do write memory')
        self.files = state_files(self.st)

    def failed(self, what, out, took):
        bad = errors(out)
        now = cert_serial(self.t, self.tp)
        self.c.ok(bad and self.clean(out) and took < self.deadline,
                  '%s: a %% error within %d s (%.1fs: %s)' %
                  (what, self.deadline, took, bad[-1] if bad else '-'), out)
        self.c.ok(now == self.serial and state_files(self.st) == self.files
                  and not temps(self.st), '%s: certificate %s and key '
                  'files kept, no temp file' % (what, self.serial),
                  '%s %s' % (now, temps(self.st)))


CS_PASS = 'Ca-Archive-Pass-1'


def cs(t, *lines):
    """Lines in `crypto pki server CS` mode (t at the EXEC prompt); the
    output of the last."""
    t.cmd('configure terminal')
    t.cmd('crypto pki server CS')
    out = ''
    for ln in lines:
        out = t.cmd(ln, 300)
    t.cmd('end')
    return out


def cs_no_shutdown(t, timeout=300):
    """`no shutdown` of CS, answering the passphrase dialog if asked."""
    t.cmd('configure terminal')
    t.cmd('crypto pki server CS')
    t.line('no shutdown')
    out = t.expect(r'Password: |' + tnlib.PROMPT, timeout)
    if out.endswith('Password: '):
        t.line(CS_PASS)
        out += t.expect(r'Re-enter password: ', 60)
        t.line(CS_PASS)
        out += t.expect(tnlib.PROMPT, timeout)
    t.cmd('end')
    return out


class Scep:
    """The CA's SCEP URL on 127.0.0.1:port: scep_load enrollments (every
    serial received kept in .received) and plain GETs."""

    def __init__(self, load, port, work):
        self.load = load
        self.port = port
        self.url = 'http://127.0.0.1:%d/cgi-bin/pkiclient.exe' % port
        self.work = work
        self.runs = 0
        self.received = []

    def enroll(self, n, timeout=120):
        """n enrollments over one connection: (counts, output)."""
        self.runs += 1
        out = os.path.join(self.work, 'load-%d' % self.runs)
        os.mkdir(out)
        r = subprocess.run([self.load, '-u', self.url, '-n', str(n), '-c',
                            '1', '-k', '1', '-o', out], capture_output=True,
                           text=True, timeout=timeout)
        got = {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', r.stdout)}
        rec = os.path.join(out, 'received')
        if os.path.exists(rec):
            with open(rec) as f:
                self.received.extend(int(ln.split()[0], 16) for ln in f
                                     if ln.strip())
        return got, r.stdout + r.stderr

    def get(self, op, src=None, timeout=10):
        """GET ?operation=op (from address src): (status, body)."""
        s = socket.socket()
        try:
            s.settimeout(timeout)
            if src:
                s.bind((src, 0))
            s.connect(('127.0.0.1', self.port))
            s.sendall(('GET /cgi-bin/pkiclient.exe?operation=%s HTTP/1.1\r\n'
                       'Host: 127.0.0.1\r\nConnection: close\r\n\r\n' %
                       op).encode())
            data = b''
            while True:
                d = s.recv(65536)
                if not d:
                    break
                data += d
        except OSError:
            return None, b''
        finally:
            s.close()
        head, _, body = data.partition(b'\r\n\r\n')
        m = re.match(rb'HTTP/1\.[01] (\d+)', head)
        return (int(m.group(1)) if m else None), body

    def crl_has(self, serial):
        """True when the CRL GetCRL serves lists serial (its DER holds the
        revokedCertificates entry: the INTEGER, then the UTCTime); None
        without a CRL."""
        st, der = self.get('GetCRL')
        if st != 200:
            return None
        b = serial.to_bytes((serial.bit_length() + 8) // 8, 'big')
        return bytes([2, len(b)]) + b + b'\x17\x0d' in der


def cs_serials(t):
    """Serials `show crypto pki server CS certificates` lists, and that
    output."""
    out = t.cmd('show crypto pki server CS certificates', 60)
    body = out.split('Subject Name\n', 1)[-1]
    return [int(m, 16) for m in re.findall(r'(?m)^([0-9A-F]+) ', body)], out
