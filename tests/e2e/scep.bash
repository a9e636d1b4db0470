# tests/e2e/scep.bash - sourced by the SCEP end-to-end scripts
# (scep_cli.sh, renew_scep.sh, scep_engine.sh) and bench/scep.sh; not a
# test itself.
# Provides: re-execution inside a private network namespace (only
# loopback exists there, so scepserver - which listens on all interfaces -
# and pkish are reachable from nowhere else), TAP counters, micromdm
# scepserver and the scripted responder (build/tests/helpers/scep_responder)
# start/stop, pkish runs from a script (pipe) and a long-running pkish
# console fed through a FIFO.
# Callers set: NAME (for temp dirs) and, before scep_netns, the tools they
# need. Exit codes: 0 pass, 77 skip, 1 fail.

skip() { echo "SKIP: $*"; exit 77; }
die() { echo "FAIL: $*"; exit 1; }

# Re-exec "$0" in a new network namespace (as root); sets up lo.
scep_netns() {
	if [ -z "${SCEP_NETNS_INSIDE:-}" ]; then
		[ "$(id -u)" = 0 ] || skip "needs root for unshare --net"
		unshare --net --fork true 2>/dev/null ||
		    skip "unshare --net not permitted here"
		export SCEP_NETNS_INSIDE=1
		exec unshare --net --fork bash "$0" "$@"
	fi
	ip link set lo up || die "ip link set lo up"
}

# The set-up every pkish-against-scepserver script starts with: skip
# without the tools, then scep_netns "$@" and scep_bins, and fail without
# the scripted responder.
scep_prereq() {
	local c
	for c in scepserver openssl curl python3; do
		command -v $c >/dev/null || skip "$c not installed"
	done
	scep_netns "$@"
	scep_bins
	[ -x "$TESTBIN/helpers/scep_responder" ] ||
	    die "no $TESTBIN/helpers/scep_responder (make unit)"
}

# The binaries under test: PKISH (ASan build from tests/run.sh, else the
# plain one), TESTBIN (unit test binaries), absolute paths.
scep_bins() {
	ROOT=${ROOT:-$(pwd)}
	PKISH=${PKISH:-$ROOT/build-san/pkish}
	[ -x "$PKISH" ] || PKISH=${PKISH_PLAIN:-$ROOT/pkish}
	[ -x "$PKISH" ] || die "no pkish binary at $PKISH"
	case $PKISH in /*) ;; *) PKISH=$PWD/$PKISH ;; esac
	TESTBIN=${TESTBIN:-$ROOT/build/tests}
	case $TESTBIN in /*) ;; *) TESTBIN=$PWD/$TESTBIN ;; esac
}

. "$(dirname "${BASH_SOURCE[0]}")/tap.bash"
finish() { tap_end && exit 0; exit 1; }

# Wait until URL answers (any HTTP status), up to 10 s.
wait_http() {
	for _ in $(seq 100); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	return 1
}

# scepserver: scep_ca_init DEPOT; scep_server_start DEPOT PORT CHALLENGE
SRV_PID=
scep_ca_init() {
	scepserver ca -init -depot "$1" -keySize 2048 >"$1.init.log" 2>&1 ||
	    die "scepserver ca -init: $(cat "$1.init.log")"
}
scep_server_start() {
	scepserver -depot "$1" -port "$2" -challenge "$3" -allowrenew 0 \
	    -debug >>"$1.server.log" 2>&1 7>&- &
	SRV_PID=$!
	wait_http "http://127.0.0.1:$2/scep?operation=GetCACaps" ||
	    die "scepserver did not start: $(tail -5 "$1.server.log")"
}
scep_server_stop() {
	[ -n "$SRV_PID" ] || return 0
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=
}

# The scripted responder: resp_start DIR PORT MODE (several may run);
# resp_stop stops them all.
RESP_PIDS=
resp_start() {
	mkdir -p "$1"
	SCEP_RESPONDER_PORT=$2 SCEP_RESPONDER_DIR=$1 SCEP_RESPONDER_MODE=$3 \
	    "$TESTBIN/helpers/scep_responder" >"$1/responder.out" 2>&1 7>&- &
	RESP_PIDS="$RESP_PIDS $!"
	wait_http "http://127.0.0.1:$2/" ||
	    die "responder did not start: $(cat "$1/responder.out")"
}
resp_stop() {
	local p
	for p in $RESP_PIDS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	RESP_PIDS=
}

# One pkish run over a state dir from a script: session STATE IN OUT.
session() {
	timeout 120 "$PKISH" --state "$1" <"$2" >"$3" 2>&1
	ran "$(basename "$2")" $? "$3"
}

# A long-running pkish console fed through a FIFO (fd 7; every other
# background process must be started with 7>&-, or pkish never sees EOF):
# pk_start STATE OUT; pk_send LINE...; pk_wait PATTERN [N] [SECS];
# pk_stop (EOF, waits; PK_RC); pk_kill (SIGKILL).
PK_PID=
pk_start() {
	PK_OUT=$2
	rm -f "$PK_OUT.fifo"
	mkfifo "$PK_OUT.fifo" || die "mkfifo"
	"$PKISH" --state "$1" <"$PK_OUT.fifo" >>"$PK_OUT" 2>&1 &
	PK_PID=$!
	exec 7>"$PK_OUT.fifo"
}
pk_send() { printf '%s\n' "$@" >&7; }
# reap PID: wait for a console whose input was closed to exit; after 30 s
# SIGKILL. Returns its exit status (137 after the SIGKILL).
reap() {
	local i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 "$1" 2>/dev/null && kill -9 "$1"
	wait "$1"
}
pk_stop() {	# EOF; after 30 s SIGKILL (PK_RC 137)
	exec 7>&-
	reap "$PK_PID"
	PK_RC=$?
	PK_PID=
	no_san "$PK_OUT"
}
pk_kill() {
	kill -9 "$PK_PID" 2>/dev/null
	wait "$PK_PID" 2>/dev/null
	exec 7>&-
	PK_PID=
}
# wait_in FILE TEXT N SECS: until TEXT (fixed string) is on N lines of
# FILE; 1 when SECS pass first.
wait_in() {
	local i=0 n
	while n=$(grep -cF -- "$2" "$1" 2>/dev/null); [ "${n:-0}" -lt "$3" ]; do
		i=$((i + 1))
		[ $i -gt $(($4 * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}
# Wait until PATTERN (fixed string) occurs N times in the output.
pk_wait() { wait_in "$PK_OUT" "$1" "${2:-1}" "${3:-30}"; }
# A marker comment whose echo shows that everything before it ran.
MARK=0
pk_sync() {
	MARK=$((MARK + 1))
	pk_send "!sync$MARK!"
	pk_wait "!sync$MARK!" 1 "${1:-60}"
}
# pk_block TAG CMD...: run the commands between two marker comments and
# wait for them; block FILE TAG prints what they printed.
pk_block() {
	local tag=$1
	shift
	pk_send "!$tag{" "$@" "!$tag}"
	pk_wait "!$tag}" 1 60
}
block() {
	awk -v b="!$2{" -v e="!$2}" 'index($0, e) { f = 0 } f { print }
	    index($0, b) { f = 1 }' "$1"
}
# "HH:MM:SS D Month YYYY" for `clock set`, from epoch seconds.
clockarg() { date -u -d "@$1" '+%H:%M:%S %-d %B %Y'; }

# The identity certificate of trustpoint TP from a running-config dump:
# the hex under " certificate SERIAL" (not ca/rollover) -> PEM on stdout.
chain_cert() {	# chain_cert FILE TP [KIND]  KIND: "" | "ca " | "ca rollover "
	awk -v tp="$2" -v kind="${3:-}" '
	    /^crypto pki certificate chain / { in_tp = ($5 == tp); next }
	    in_tp && /^ certificate / {
		rest = substr($0, 14); grab = 0
		if (kind == "" && rest !~ /^(ca|rollover|self-signed) /) grab = 1
		if (kind != "" && index(rest, kind) == 1 &&
		    rest !~ ("^" kind "rollover ")) grab = 1
		next }
	    grab && /quit/ { grab = 0; done = 1; next }
	    grab { for (i = 1; i <= NF; i++) printf "%s", $i }
	    /^[^ ]/ && !/^crypto pki certificate chain/ { in_tp = 0 }
	    END { print "" }' "$1" | xxd -r -p |
	    openssl x509 -inform der 2>/dev/null
}

# pk_cert TP RC PEM: the console's running-config (after `show
# running-config`) into RC, the identity certificate of TP from it in PEM.
pk_cert() {
	pk_send "show running-config"
	pk_sync
	after "$PK_OUT" "show running-config" >"$2"
	chain_cert "$2" "$1" >"$3"
}
# Output of the last command line (prompt "R1...") that is exactly CMD
# (leading blanks ignored) in FILE, up to the next prompt line.
after() {	# after FILE CMD
	awk -v c="$2" '
	    /^R1[^#>]*[#>]/ { l = $0; sub(/^R1[^#>]*[#>] */, "", l)
		if (l == c) { buf = ""; f = 1; next } else f = 0 }
	    f { buf = buf $0 "\n" } END { printf "%s", buf }' "$1"
}
# Consecutive lines: seq_in TEXT LINES (both "\n"-separated).
seq_in() {
	printf '%s' "$1" | tr '\n' '\001' |
	    grep -qF -- "$(printf '%s' "$2" | tr '\n' '\001')"
}
# SubjectPublicKeyInfo hex from `show crypto key mypubkey` output (stdin).
keydata() { awk '/Key Data:/ { f = 1; next } f && /^  [0-9A-F]/ { for (i = 1; i <= NF; i++) printf "%s", $i; next } f { exit }'; echo; }
# SubjectPublicKeyInfo hex of a PEM certificate file.
cert_spki() { openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der | xxd -p -c 10000 | tr a-f A-F; }
# IOS-style "AABBCCDD EEFF0011 ..." fingerprint of a PEM certificate.
ios_fp() {	# ios_fp FILE sha1|md5
	openssl x509 -in "$1" -noout -fingerprint "-$2" | sed 's/.*=//; s/://g' |
	    sed 's/\(........\)/\1 /g; s/ $//'
}
serial_of() { openssl x509 -in "$1" -noout -serial | sed 's/serial=//'; }
