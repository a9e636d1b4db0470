#!/usr/bin/env python3
"""tests/helpers/faultproxy.py - a TCP proxy on loopback that injects
peer faults, for the fault tests (python3 standard library only).

    faultproxy.py LISTEN_PORT TARGET_PORT CONTROL_FILE LOG_FILE

Forwards 127.0.0.1:LISTEN_PORT to 127.0.0.1:TARGET_PORT byte for byte
(TLS passes through untouched). CONTROL_FILE holds one line, read at
every new connection and before every forwarded chunk:

    pass        forward everything
    drop        close each new connection at once
    trunc N     after N bytes from the target (counted over all
                connections since the line was written), close cleanly
    reset N     the same, but reset (SO_LINGER 0: the peer sees RST)
    stall N     the same, but then forward nothing more and hold the
                connection open until the client gives up

Once a fault has fired, every later connection gets it at byte 0, until
the control line changes. LOG_FILE gets one line per event:
    conn ID                      a client connected
    down ID OFFSET LEN HEAD      LEN bytes from the target at OFFSET
                                 (counted as above); HEAD: their first
                                 bytes, repr'd
    fault ID KIND OFFSET         the fault fired
Runs until SIGTERM.
"""
import os
import select
import signal
import socket
import struct
import sys
import threading

LOCK = threading.Lock()
STATE = {'line': None, 'down': 0, 'fired': False, 'conns': 0}


def control(path):
    try:
        with open(path) as f:
            line = f.read().strip()
    except OSError:
        line = 'pass'
    parts = line.split()
    kind = parts[0] if parts else 'pass'
    n = int(parts[1]) if len(parts) > 1 else 0
    with LOCK:
        if line != STATE['line']:
            STATE.update(line=line, down=0, fired=False)
    return kind, n


def log(path, text):
    with LOCK:
        with open(path, 'a') as f:
            f.write(text + '\n')


def close(s, rst=False):
    try:
        if rst:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack('ii', 1, 0))
        else:
            s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()


def fire(cid, kind, client, target, logf):
    with LOCK:
        STATE['fired'] = True
        off = STATE['down']
    log(logf, 'fault %d %s %d' % (cid, kind, off))
    close(target, rst=(kind == 'reset'))
    if kind == 'stall':
        client.settimeout(None)
        try:
            while client.recv(65536):
                pass
        except OSError:
            pass
    close(client, rst=(kind == 'reset'))


def budget(kind, n):
    """Bytes that may still go down before the fault, None: no limit."""
    with LOCK:
        if kind == 'pass':
            return None
        if STATE['fired'] or kind == 'drop':
            return 0
        return max(0, n - STATE['down'])


def pump(cid, client, target, ctl, logf):
    """Both directions in this one thread (so a close takes effect at
    once); returns when either side ends or the fault fires."""
    up_open = True
    while True:
        kind, n = control(ctl)
        left = budget(kind, n)
        if left == 0:
            return fire(cid, kind, client, target, logf)
        rd, _, _ = select.select([client, target] if up_open else [target],
                                 [], [], 0.2)
        if client in rd:
            try:
                b = client.recv(65536)
                if b:
                    target.sendall(b)
                else:
                    up_open = False
                    target.shutdown(socket.SHUT_WR)
            except OSError:
                break
        if target not in rd:
            continue
        try:
            b = target.recv(65536 if left is None else min(left, 65536))
        except OSError:
            b = b''
        if not b:
            break
        with LOCK:
            off = STATE['down']
            STATE['down'] += len(b)
        log(logf, 'down %d %d %d %r' % (cid, off, len(b), b[:16]))
        try:
            client.sendall(b)
        except OSError:
            break
    close(client)
    close(target)


def handle(client, tport, ctl, logf):
    with LOCK:
        STATE['conns'] += 1
        cid = STATE['conns']
    log(logf, 'conn %d' % cid)
    kind, n = control(ctl)
    try:
        target = socket.create_connection(('127.0.0.1', tport), 10)
    except OSError:
        close(client, rst=True)
        return
    target.settimeout(None)
    if budget(kind, n) == 0:
        return fire(cid, kind, client, target, logf)
    pump(cid, client, target, ctl, logf)


def main():
    lport, tport, ctl, logf = (int(sys.argv[1]), int(sys.argv[2]),
                               sys.argv[3], sys.argv[4])
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', lport))
    ls.listen(64)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=handle, args=(c, tport, ctl, logf),
                         daemon=True).start()


if __name__ == '__main__':
    main()
