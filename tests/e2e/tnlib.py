# tests/e2e/tnlib.py - a small telnet client for the shell e2e tests:
# raw socket, answers the server's option negotiation (RFC 854/1073),
# strips IAC sequences, reads until a regular expression matches; the
# pkish daemon and pebble processes the tests run, and their checks.
# Loopback only.
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
NAWS = 31
PROMPT = r'\r\n[A-Za-z][-A-Za-z0-9_.]*(\([a-z-]+\))?[>#]$'


class Timeout(Exception):
    pass


class Tn:
    """One telnet session to 127.0.0.1:port."""

    def __init__(self, port, naws=(80, 0), timeout=20, rcvbuf=0):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:      # before connect, so the window stays small
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(timeout)
        self.s.connect(('127.0.0.1', port))
        self.s.settimeout(timeout)
        self.naws = naws
        self.timeout = timeout
        self.buf = ''
        self.log = ''           # everything received, for checks
        self.opts = []
        self.closed = False
        self._iac = b''

    def _naws(self):
        w, h = self.naws
        body = bytes([w >> 8, w & 255, h >> 8, h & 255])
        body = body.replace(b'\xff', b'\xff\xff')
        return bytes([IAC, SB, NAWS]) + body + bytes([IAC, SE])

    def _filter(self, data):
        """Strip telnet commands from data, answering the options."""
        out = bytearray()
        data = self._iac + data
        self._iac = b''
        i = 0
        while i < len(data):
            c = data[i]
            if c != IAC:
                out.append(c)
                i += 1
                continue
            if i + 1 >= len(data):
                self._iac = data[i:]
                break
            cmd = data[i + 1]
            if cmd == IAC:
                out.append(IAC)
                i += 2
            elif cmd in (WILL, WONT, DO, DONT):
                if i + 2 >= len(data):
                    self._iac = data[i:]
                    break
                opt = data[i + 2]
                self.opts.append((cmd, opt))
                try:
                    if cmd == DO and opt == NAWS:
                        self.s.sendall(bytes([IAC, WILL, NAWS]) +
                                       self._naws())
                    elif cmd == WILL:
                        self.s.sendall(bytes([IAC, DO, opt]))
                except OSError:
                    pass        # the server already hung up
                i += 3
            elif cmd == SB:
                j = data.find(bytes([IAC, SE]), i)
                if j < 0:
                    self._iac = data[i:]
                    break
                i = j + 2
            else:
                i += 2
        return out.decode('latin-1')

    def recv_some(self, timeout=None):
        self.s.settimeout(timeout if timeout is not None else self.timeout)
        try:
            data = self.s.recv(65536)
        except socket.timeout:
            raise Timeout('no data; have %r' % self.buf[-300:])
        if not data:
            self.closed = True
            return False
        text = self._filter(data)
        self.buf += text
        self.log += text
        return True

    def expect(self, pattern, timeout=None):
        """Read until pattern matches the buffer; return the text up to
        and including the match, keep the rest."""
        deadline = time.time() + (timeout or self.timeout)
        rx = re.compile(pattern, re.S)
        while True:
            m = rx.search(self.buf)
            if m:
                got = self.buf[:m.end()]
                self.buf = self.buf[m.end():]
                return got
            left = deadline - time.time()
            if left <= 0 or self.closed:
                raise Timeout('waiting for %r; have %r' %
                              (pattern, self.buf[-500:]))
            if not self.recv_some(left):
                raise Timeout('closed while waiting for %r; have %r' %
                              (pattern, self.buf[-500:]))

    def send(self, s):
        if isinstance(s, str):
            s = s.encode('latin-1')
        self.s.sendall(s)

    def line(self, s):
        self.send(s + '\r\n')

    def cmd(self, s, timeout=None):
        """Send a command, return its output (echo and prompt removed)."""
        self.line(s)
        out = self.expect(PROMPT, timeout)
        out = out.replace('\r\n', '\n')
        first = out.find('\n')
        body = out[first + 1:] if first >= 0 else ''
        return body[:body.rfind('\n') + 1] if '\n' in body else ''

    def login(self, user, password):
        self.expect('Username: ')
        self.line(user)
        self.expect('Password: ')
        self.line(password)
        return self.expect(PROMPT)

    def wait_closed(self, timeout=10):
        deadline = time.time() + timeout
        while not self.closed and time.time() < deadline:
            try:
                self.recv_some(max(0.1, deadline - time.time()))
            except Timeout:
                if time.time() >= deadline:
                    break
            except OSError:
                self.closed = True      # reset by the peer
        return self.closed

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Pebble:
    """Our own pebble process, on the config tests/e2e/acme_pebble.bash's
    ap_setup wrote to $T/pebble.json (T, AP_DNS, AP_DIR and AP_CA come
    from the environment). No nonce rejection; PEBBLE_AUTHZREUSE=0, which
    in pebble 2.4 still reuses a valid authorization about 1 time in 100."""

    def __init__(self):
        self.p = None
        self.t = os.environ['T']
        self.log = os.path.join(self.t, 'pebble.log')

    def start(self, fresh_log=False):
        if fresh_log:
            open(self.log, 'w').close()
        env = dict(os.environ, PEBBLE_VA_NOSLEEP='1',
                   PEBBLE_WFE_NONCEREJECT='0', PEBBLE_AUTHZREUSE='0')
        with open(self.log, 'a') as log:
            self.p = subprocess.Popen(
                ['pebble', '-config', os.path.join(self.t, 'pebble.json'),
                 '-dnsserver', '127.0.0.1:' + os.environ['AP_DNS']],
                stdout=log, stderr=subprocess.STDOUT, env=env)
        for _ in range(200):
            if subprocess.run(['curl', '-s', '--cacert', os.environ['AP_CA'],
                               '-o', '/dev/null', os.environ['AP_DIR']]
                              ).returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError('pebble did not start')

    def requests(self):
        """ACME requests pebble has logged since its log was fresh."""
        with open(self.log) as f:
            return sum(1 for ln in f if 'calling handler' in ln)

    def stop(self, timeout=30):
        if self.p and self.p.poll() is None:
            self.p.terminate()
            self.p.wait(timeout)
        self.p = None


class Daemon:
    """pkish --no-console --telnet 127.0.0.1:PORT on a fresh state dir
    with a startup-config; stopped (and only it) on exit. Its output goes
    to state/daemon.log, or appended to the file log (outside the state
    directory, for the tests that fail the disk under it)."""

    def __init__(self, binary, startup, state=None, extra=(), env=None,
                 wrapper=(), log=None):
        self.state = state or tempfile.mkdtemp(prefix='pkish-e2e.')
        if startup is not None:
            with open(os.path.join(self.state, 'startup-config'), 'w') as f:
                f.write(startup)
        self.port = free_port()
        self.log = open(log, 'a+') if log else \
            open(os.path.join(self.state, 'daemon.log'), 'w+')
        self.p = subprocess.Popen(list(wrapper) + [
            binary, '--state', self.state, '--no-console',
            '--telnet', '127.0.0.1:%d' % self.port] + list(extra),
            stdout=self.log, stderr=subprocess.STDOUT,
            env=env, start_new_session=True)
        self.wait_listening()

    def wait_listening(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.p.poll() is not None:
                raise RuntimeError('daemon exited: %s' % self.output())
            try:
                socket.create_connection(('127.0.0.1', self.port), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError('daemon not listening')

    def connect(self, **kw):
        return Tn(self.port, **kw)

    def alive(self):
        return self.p.poll() is None

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def rss_kib(self):
        with open('/proc/%d/status' % self.p.pid) as f:
            for ln in f:
                if ln.startswith('VmRSS:'):
                    return int(ln.split()[1])
        return -1

    def term(self, timeout=10):
        """SIGTERM; returns (exit status, seconds taken)."""
        t0 = time.time()
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
            return 'timeout', time.time() - t0
        return rc, time.time() - t0

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.log.close()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.state, ignore_errors=True)


# a real IOS type-9 hash (password "cisco") and the hashcat example one
# (password "hashcat"), as pasted from a configuration
H9_CISCO = '$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM'
H9_HASHCAT = '$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6'

STARTUP = '''hostname R1
!
username admin privilege 15 secret 9 %s
username oper privilege 1 secret 9 %s
!
line vty 0 15
 login local
 transport input all
!
end
''' % (H9_CISCO, H9_HASHCAT)


class Checks:
    """ok/not ok lines; exit status 1 if any failed."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=''):
        self.n += 1
        if cond:
            print('ok %d - %s' % (self.n, what))
        else:
            self.failed += 1
            print('not ok %d - %s' % (self.n, what))
            if detail:
                print('  ' + str(detail).replace('\n', '\n  ')[:3000])
        return cond

    def done(self):
        print('%d passed, %d failed' % (self.n - self.failed, self.failed))
        return 1 if self.failed else 0
