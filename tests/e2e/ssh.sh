#!/bin/bash
# tests/e2e/ssh.sh - the SSH transport end to end, driven by the real
# OpenSSH client (and python3-pexpect for the pty session) on 127.0.0.1.
# Env: PKISH = pkish binary (default ./pkish).
# Exit 0 = pass, 77 = skip (no ssh client / pexpect), other = fail.
# Uses its own temp state dir and port; kills only the pkish it started.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

PKISH=${PKISH:-./pkish}
PASS=hashcat
command -v ssh >/dev/null 2>&1 || { echo "SKIP: no ssh client"; exit 77; }
command -v ssh-keyscan >/dev/null 2>&1 || { echo "SKIP: no ssh-keyscan"; exit 77; }
python3 -c 'import pexpect' 2>/dev/null ||
	{ echo "SKIP: python3 pexpect missing"; exit 77; }
[ -x "$PKISH" ] || { echo "FAIL: no pkish binary at $PKISH"; exit 1; }

T=$(mktemp -d)
PID=""
PORT=""
cleanup() {
	[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

. "$(dirname "$0")/tap.bash"

printf '#!/bin/sh\necho %s\n' "$PASS" >"$T/askpass-good"
printf '#!/bin/sh\necho x >>%s/tries\necho wrong-password\n' "$T" \
    >"$T/askpass-bad"
chmod 755 "$T/askpass-good" "$T/askpass-bad"
mkdir -p "$T/state"
cat >"$T/state/startup-config" <<EOF
hostname R1
username admin privilege 15 secret $PASS
EOF

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# sshx ASKPASS [ssh args...]: non-interactive password entry via askpass
sshx() {
	local ap=$1
	shift
	SSH_ASKPASS=$T/$ap SSH_ASKPASS_REQUIRE=force DISPLAY=none \
	    timeout 60 setsid -w ssh -F /dev/null -p "$PORT" \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
	    -o LogLevel=ERROR -o ConnectTimeout=10 \
	    -o PreferredAuthentications=password -o PubkeyAuthentication=no \
	    "$@"
}

# Host key as seen by a client; empty while nothing listens.
scan_key() {
	ssh-keyscan -T 3 -t ed25519 -p "$PORT" 127.0.0.1 2>/dev/null |
	    awk '{ print $2, $3 }'
}

# start_pkish: (re)start on $PORT (a fresh port if it is taken).
start_pkish() {
	local i try
	for try in 1 2 3; do
		[ -n "$PORT" ] || PORT=$(free_port)
		"$PKISH" --state "$T/state" --no-console \
		    --ssh "127.0.0.1:$PORT" >>"$T/pkish.log" 2>&1 &
		PID=$!
		for i in $(seq 1 100); do
			kill -0 "$PID" 2>/dev/null || break
			[ -n "$(scan_key)" ] && return 0
			sleep 0.1
		done
		kill -9 "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
		PID=""
		PORT=""
	done
	echo "pkish did not start:"
	tail -20 "$T/pkish.log"
	return 1
}

# stop_pkish: SIGTERM; sets STOP_RC to pkish's exit status.
stop_pkish() {
	kill -TERM "$PID"
	wait "$PID"
	STOP_RC=$?
	PID=""
}

start_pkish || exit 1
KEY1=$(scan_key)
check "host key file generated with mode 0600" \
    test "$(stat -c %a "$T/state/ssh_host_ed25519_key" 2>/dev/null)" = 600

# exec: output and exit status
sshx askpass-good admin@127.0.0.1 "show running-config | include hostname" \
    </dev/null >"$T/out"
rc=$?
out=$(tr -d '\r' <"$T/out")
check "exec exits 0 (rc=$rc)" test "$rc" = 0
check "exec prints the running-config line" test "$out" = "hostname R1"

out=$(sshx askpass-good admin@127.0.0.1 "show no-such-thing" </dev/null 2>&1)
rc=$?
check "exec exits non-zero after a % error (rc=$rc)" test "$rc" != 0 -a "$rc" != 255
check "exec prints the % error" grep -q '^%' <<<"$out"

# three wrong passwords: the server disconnects, although the client
# would try five times (it may already have asked for a fourth password
# when the disconnect arrives)
rm -f "$T/tries"
sshx askpass-bad -o NumberOfPasswordPrompts=5 admin@127.0.0.1 \
    "show clock" </dev/null >/dev/null 2>&1
rc=$?
tries=$(wc -l <"$T/tries" 2>/dev/null || echo 0)
check "wrong password x3 -> disconnected (tries=$tries rc=$rc)" \
    test "$tries" -ge 3 -a "$tries" -le 4 -a "$rc" = 255

# interactive session with a pty
cat >"$T/sshpty_test.py" <<'EOF'
import pexpect, sys
port, pw = sys.argv[1], sys.argv[2]
c = pexpect.spawn("ssh", ["-tt", "-F", "/dev/null", "-p", port,
    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
    "-o", "LogLevel=ERROR", "-o", "PreferredAuthentications=password",
    "-o", "PubkeyAuthentication=no", "admin@127.0.0.1"],
    timeout=30, encoding="utf-8")
c.logfile_read = sys.stdout
c.expect("assword:")
c.sendline(pw)
c.expect(r"R1#")
c.send("show clock\r")
c.expect(r"\d\d:\d\d:\d\d\.\d{3} UTC")
c.expect(r"R1#")
c.send("configure terminal\r")
c.expect(r"R1\(config\)#")
c.send("end\r")
c.expect(r"R1#")
c.send("exit\r")
c.expect(pexpect.EOF)
c.close()
sys.exit(0 if c.exitstatus == 0 else 1)
EOF
timeout 90 python3 "$T/sshpty_test.py" "$PORT" "$PASS" >"$T/pty.log" 2>&1
rc=$?
check "pty session: show clock, configure terminal, end, exit (rc=$rc)" \
    test "$rc" = 0
[ "$rc" = 0 ] || tail -20 "$T/pty.log"

# piped session without a pty, LF-only line ends
printf 'show clock\nshow running-config | include hostname\nexit\n' |
    sshx askpass-good -T admin@127.0.0.1 >"$T/out"
rc=$?
out=$(tr -d '\r' <"$T/out")
check "ssh -T with LF input exits 0 (rc=$rc)" test "$rc" = 0
check "ssh -T ran show clock" grep -Eq '[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} UTC' <<<"$out"
check "ssh -T ran the filtered show" grep -qx 'hostname R1' <<<"$out"

# 20 concurrent exec sessions
pids=""
for i in $(seq 1 20); do
	(sshx askpass-good admin@127.0.0.1 \
	    "show running-config | include hostname" </dev/null |
	    tr -d '\r' >"$T/c.$i"; echo "${PIPESTATUS[0]}" >"$T/c.$i.rc") &
	pids="$pids $!"
done
wait $pids		# not a bare wait: pkish is a child too
good=0
for i in $(seq 1 20); do
	[ "$(cat "$T/c.$i.rc")" = 0 ] && [ "$(cat "$T/c.$i")" = "hostname R1" ] &&
	    good=$((good + 1))
done
check "20 concurrent exec sessions all succeed ($good/20)" test "$good" = 20

# a client vanishing mid-output does not hurt the daemon: the client's
# stdout is a FIFO nobody reads, so output (far more than the SSH window
# plus socket buffers) backs up into pkish; then the
# ssh process itself is killed
yes 'show running-config' | head -n 40000 >"$T/many"
mkfifo "$T/fifo"
(SSH_ASKPASS=$T/askpass-good SSH_ASKPASS_REQUIRE=force DISPLAY=none \
    exec ssh -F /dev/null -p "$PORT" -T -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -o PreferredAuthentications=password -o PubkeyAuthentication=no \
    admin@127.0.0.1 <"$T/many" >"$T/fifo" 2>/dev/null) &
vp=$!
exec 3<"$T/fifo"		# open the read end, never read it
sleep 3
check "client still stalled mid-output before it is killed" kill -0 "$vp"
kill -9 "$vp" 2>/dev/null
wait "$vp" 2>/dev/null
exec 3<&-
out=$(sshx askpass-good admin@127.0.0.1 \
    "show running-config | include hostname" </dev/null | tr -d '\r')
check "daemon still running after a client vanished" kill -0 "$PID"
check "daemon still serving after a client vanished" \
    test "$out" = "hostname R1"

# restart: clean SIGTERM exit, the same host key is reused
stop_pkish
check "SIGTERM -> exit 0 (rc=$STOP_RC)" test "$STOP_RC" = 0
start_pkish || exit 1
KEY2=$(scan_key)
check "host key reused on restart (same public key)" \
    test -n "$KEY1" -a "$KEY1" = "$KEY2"
check "host key file still mode 0600" \
    test "$(stat -c %a "$T/state/ssh_host_ed25519_key")" = 600

# transport input telnet: ssh sessions are refused
printf 'configure terminal\nline vty 0 15\ntransport input telnet\nend\nexit\n' |
    sshx askpass-good -T admin@127.0.0.1 >/dev/null 2>&1
out=$(sshx askpass-good admin@127.0.0.1 "show clock" </dev/null 2>/dev/null)
rc=$?
check "transport input telnet refuses ssh (rc=$rc)" \
    test "$rc" = 255 -a -z "$out"

stop_pkish
check "final SIGTERM -> exit 0 (rc=$STOP_RC)" test "$STOP_RC" = 0
check "no sanitizer report from pkish" \
    test -z "$(grep -E 'runtime error|Sanitizer' "$T/pkish.log")"
grep -E -A5 'runtime error|Sanitizer' "$T/pkish.log" | head -40
tap_end
