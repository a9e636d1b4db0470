#!/bin/bash
# tests/e2e/install.sh - `make install DESTDIR=... PREFIX=/usr`: the files
# and their modes, the unit passes `systemd-analyze verify` (and a broken
# copy of it does not) and its hardening scores, the man page renders
# without a warning, the installed binary starts and stops as the unit
# runs it (loopback only); `make uninstall` removes every file again.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
W=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$W"' EXIT
. "$ROOT/tests/e2e/tap.bash"
D=$W/dest

make -s -C "$ROOT" install DESTDIR="$D" PREFIX=/usr >"$W/make.out" 2>&1
check "make install DESTDIR PREFIX=/usr exits 0" test $? -eq 0
(cd "$D" && find . -type f -printf '%m %p\n' | sort) >"$W/files"
printf '%s\n' '644 ./usr/lib/systemd/system/pkish.service' \
    '644 ./usr/share/man/man8/pkish.8' '755 ./usr/sbin/pkish' >"$W/want"
check "installed files and modes" diff "$W/want" "$W/files"
check "directories are 0755" test -z "$(cd "$D" && find . -mindepth 1 \
    -type d ! -perm 0755)"
U=$D/usr/lib/systemd/system/pkish.service
check "ExecStart names the installed binary" grep -q \
    '^ExecStart=/usr/sbin/pkish --state /var/lib/pkish .*--no-console' "$U"
check "the tree's pkish is the installed one" cmp "$ROOT/pkish" \
    "$D/usr/sbin/pkish"

# systemd-analyze verify needs ExecStart's binary at its path and
# Documentation='s page in the man path: a copy of the unit that names
# the DESTDIR binary, with the DESTDIR man pages. It exits 0 on mere
# warnings, so any output is a failure too.
mkdir -p "$W/u"
sed "s|^ExecStart=/usr/sbin/|ExecStart=$D/usr/sbin/|" "$U" >"$W/u/pkish.service"
verify() {
	MANPATH=$D/usr/share/man systemd-analyze verify "$1" >"$W/verify.out" 2>&1 &&
	    test ! -s "$W/verify.out"
}
check "systemd-analyze verify passes, silently" verify "$W/u/pkish.service"
cat "$W/verify.out"
for b in 's/^ProtectSystem=strict/ProtectSystem=stict/' \
    's/^RestrictAddressFamilies=/RestrictAdressFamilies=/' \
    "s|^ExecStart=$D/usr/sbin/pkish|ExecStart=$D/usr/bin/pkish|" \
    's/^Documentation=man:pkish(8)/Documentation=man:pkish(1)/'; do
	sed "$b" "$W/u/pkish.service" >"$W/u/bad.service"
	check "verify fails on a broken unit ($b)" \
	    bash -c "! MANPATH=$D/usr/share/man systemd-analyze verify \
	    $W/u/bad.service >$W/bad.out 2>&1 || test -s $W/bad.out"
done
for k in 'DynamicUser=yes' 'StateDirectory=pkish' 'StateDirectoryMode=0700' \
    'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
    'NoNewPrivileges=yes' 'SystemCallFilter=@system-service' \
    'ReadWritePaths=/var/lib/pkish' \
    'CapabilityBoundingSet=CAP_NET_BIND_SERVICE' \
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'; do
	check "unit has $k" grep -qx -- "$k" "$U"
done
# The offline exposure score of the hardening (0 safe .. 10 unsafe): at
# most 2.0 (the unit scores 1.7).
systemd-analyze security --offline=yes --threshold=20 "$W/u/pkish.service" \
    >"$W/sec.out" 2>&1
check "systemd-analyze security: exposure at most 2.0" test $? -eq 0
grep 'Overall exposure' "$W/sec.out"

# The man page renders through man-db without a groff warning.
M=$D/usr/share/man/man8/pkish.8
MANWIDTH=80 man -l --warnings "$M" 2>"$W/man.err" >"$W/man.out"
check "man -l renders pkish(8)" grep -q 'pkish - an IOS-style PKI shell' \
    "$W/man.out"
check "man -l --warnings prints nothing on stderr" test ! -s "$W/man.err"
cat "$W/man.err"
check "man page names the unit and the metrics" bash -c \
    "grep -q pkish.service '$W/man.out' && grep -q 'ip http metrics' '$W/man.out'"
printf '.TH X 8\n.SH NAME\n.BOGUS x\n' >"$W/bad.8"
check "the man check can fail" test -n "$(MANWIDTH=80 man -l --warnings \
    "$W/bad.8" 2>&1 >/dev/null)"

# The installed binary runs: --version, then a daemon start and stop the
# way the unit runs it (state dir made, --no-console, SIGTERM -> 0).
check "installed pkish --version" bash -c \
    "'$D/usr/sbin/pkish' --version | grep -qx 'pkish [0-9.]*'"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$D/usr/sbin/pkish" --state "$W/var/lib/pkish" --telnet "127.0.0.1:$port" \
    --no-console </dev/null >"$W/d.out" 2>&1 &
PID=$!
for _ in $(seq 200); do
	nc -z 127.0.0.1 "$port" 2>/dev/null && break
	sleep 0.05
done
check "daemon listens on 127.0.0.1:$port" nc -z 127.0.0.1 "$port"
check "state directory made 0700" test "$(stat -c %a "$W/var/lib/pkish")" = 700
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
check "SIGTERM stops it with status 0 (rc=$rc)" test "$rc" -eq 0

make -s -C "$ROOT" uninstall DESTDIR="$D" PREFIX=/usr >>"$W/make.out" 2>&1
check "make uninstall exits 0" test $? -eq 0
check "make uninstall removes every file" test -z "$(find "$D" -type f)"
# The default PREFIX is /usr/local, with sbin, share/man and lib/systemd.
make -s -C "$ROOT" install DESTDIR="$W/d2" >>"$W/make.out" 2>&1
check "default PREFIX /usr/local" test -x "$W/d2/usr/local/sbin/pkish" -a \
    -f "$W/d2/usr/local/share/man/man8/pkish.8" -a \
    -f "$W/d2/usr/local/lib/systemd/system/pkish.service"
check "default unit runs /usr/local/sbin/pkish" grep -q \
    '^ExecStart=/usr/local/sbin/pkish ' \
    "$W/d2/usr/local/lib/systemd/system/pkish.service"
tap_end || { cat "$W/make.out"; exit 1; }
