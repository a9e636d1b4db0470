"""bench/benchlib.py - what the benchmark scripts share: pkish's console
driven through a pipe, and the median."""
import os
import re
import select
import statistics
import subprocess
import time


def med(v):
    """Median, or None for no values."""
    return statistics.median(v) if v else None


class Console:
    """pkish with its console on a pipe: one input at a time, its output up
    to the next line matching prompt (a compiled regex anchored at the end
    of the buffer). fail(what, output) is called on a timeout or EOF and
    must not return. With wait, the start-up prompt is read first."""

    def __init__(self, pkish, state, prompt, fail, wait=True):
        self.p = subprocess.Popen([pkish, '--state', state],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, bufsize=0)
        self.prompt, self.fail, self.buf = prompt, fail, ''
        if wait:
            self.wait_prompt()

    def wait_prompt(self, timeout=60):
        end = time.monotonic() + timeout
        while not self.prompt.search(self.buf):
            r, _, _ = select.select([self.p.stdout], [], [],
                                    max(0, end - time.monotonic()))
            if not r:
                self.fail('pkish console (no prompt)', self.buf)
            b = os.read(self.p.stdout.fileno(), 65536)
            if not b:
                self.fail('pkish console (EOF)', self.buf)
            self.buf += b.decode(errors='replace')
        out, self.buf = self.buf, ''
        return out

    def cmd(self, text):
        """Send text (one or more lines); (ms to the next prompt, output)."""
        t0 = time.perf_counter()
        self.p.stdin.write((text + '\n').encode())
        out = self.wait_prompt()
        return (time.perf_counter() - t0) * 1000, out

    def hwm_kib(self):
        """Peak RSS so far (VmHWM), KiB."""
        with open('/proc/%d/status' % self.p.pid) as f:
            return int(re.search(r'VmHWM:\s+(\d+)', f.read()).group(1))

    def close(self):
        """End of input; the exit status."""
        self.p.stdin.close()
        return self.p.wait(30)
