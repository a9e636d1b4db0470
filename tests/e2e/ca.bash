# tests/e2e/ca.bash - sourced by the certificate-server tests (ca_interop,
# ca_hostile, ca_killloop, ca_http, ca_pkish, ca_rollover) and bench/ca.sh;
# not a test itself.
# One SCEP CA under test, chosen by CA_TARGET:
#   pkish     pkish's `crypto pki server CS` (default): an RSA 2048 key
#             CS first (else `no shutdown` makes one), `ip http server`,
#             `ip http port PORT`, `grant auto`, `no shutdown` with the
#             passphrase dialog, `write memory`; then the daemon
#             (--no-console) serves SCEP at /cgi-bin/pkiclient.exe
#   micromdm  micromdm scepserver (the stand-in; challenge required)
#   responder pkish's scripted test CA (build/tests/helpers/scep_responder:
#             issues whatever it can decode; its database is its log)
# Callers source scep.bash first (netns, TAP, wait_http, scepserver).
# Failures call die and then return 1 (bench/ca.sh's die does not exit).
# Provides: ca_setup DIR PORT (first start: sets CA_URL, CA_PEM,
# CA_CHALLENGE), ca_start / ca_stop / ca_kill (same state), CA_PID,
# ca_serials FILE (the CA database's serials, uppercase hex without
# leading zeros, one a line, sorted), ca_crl FILE (PEM CRL, pkish only);
# the CA as a long-running console (ca_con_start, ca_send, ca_wait,
# ca_sync, ca_after, ca_con_stop, ca_con_kill); the scripts' common start
# (ca_begin) and EXIT trap (ca_cleanup).
CA_TARGET=${CA_TARGET:-pkish}
CA_PID=
CA_PASS=Ca-Archive-Pass-1

ca_url_caps() { echo "$CA_URL?operation=GetCACaps"; }

# pkish console from a script on the CA's state: ca_console IN OUT
ca_console() {
	timeout 120 "$PKISH" --state "$CA_DIR/state" <"$1" >"$2" 2>&1 7>&-
}

ca_pkish_setup() {
	mkdir -p "$CA_DIR/state"
	cat >"$CA_DIR/setup.in" <<EOF
enable
configure terminal
crypto key generate rsa label CS modulus 2048 exportable
ip http server
ip http port $CA_PORT
crypto pki server CS
 grant auto
 no shutdown
$CA_PASS
$CA_PASS
 end
write memory
EOF
	ca_console "$CA_DIR/setup.in" "$CA_DIR/setup.out" || {
		die "pkish CA set-up failed: $(tail -5 "$CA_DIR/setup.out")"
		return 1
	}
	grep -q "Certificate Server enabled" "$CA_DIR/setup.out" || {
		die "no '% Certificate Server enabled.':" \
		    "$(grep -m3 '%' "$CA_DIR/setup.out")"
		return 1
	}
}

ca_start() {
	case $CA_TARGET in
	micromdm)
		scepserver -depot "$CA_DIR/depot" -port "$CA_PORT" \
		    -challenge "$CA_CHALLENGE" -allowrenew 0 \
		    >>"$CA_DIR/server.log" 2>&1 7>&- &
		;;
	pkish)
		"$PKISH" --state "$CA_DIR/state" --no-console \
		    >>"$CA_DIR/server.log" 2>&1 </dev/null 7>&- &
		;;
	responder)
		SCEP_RESPONDER_PORT=$CA_PORT SCEP_RESPONDER_DIR=$CA_DIR \
		    SCEP_RESPONDER_MODE= "$TESTBIN/helpers/scep_responder" \
		    >>"$CA_DIR/server.log" 2>&1 7>&- &
		;;
	*) die "CA_TARGET $CA_TARGET: pkish, micromdm or responder"
		return 1 ;;
	esac
	CA_PID=$!
	wait_http "$(ca_url_caps)" && return 0
	die "$CA_TARGET CA did not start: $(tail -5 "$CA_DIR/server.log")"
	return 1
}
ca_stop() {
	[ -n "$CA_PID" ] || return 0
	kill "$CA_PID" 2>/dev/null
	wait "$CA_PID" 2>/dev/null
	CA_PID=
}
ca_kill() {
	[ -n "$CA_PID" ] || return 0
	kill -9 "$CA_PID" 2>/dev/null
	wait "$CA_PID" 2>/dev/null
	CA_PID=
}
# Peak RSS (VmHWM, KiB) of the running CA process.
ca_rss() { awk '/^VmHWM:/ { print $2 }' "/proc/$CA_PID/status" 2>/dev/null; }

# ca_setup DIR PORT: make the CA and start it.
ca_setup() {
	CA_DIR=$1
	CA_PORT=$2
	mkdir -p "$CA_DIR"
	case $CA_TARGET in
	micromdm)
		CA_URL=http://127.0.0.1:$CA_PORT/scep
		CA_CHALLENGE=${CA_CHALLENGE:-Ca-Challenge-1}
		scep_ca_init "$CA_DIR/depot" || return 1
		;;
	pkish)
		CA_URL=http://127.0.0.1:$CA_PORT/cgi-bin/pkiclient.exe
		CA_CHALLENGE=${CA_CHALLENGE:-}
		ca_pkish_setup || return 1
		;;
	responder)
		CA_URL=http://127.0.0.1:$CA_PORT/scep
		CA_CHALLENGE=
		;;
	esac
	ca_start || return 1
	CA_PEM=$CA_DIR/ca.pem
	curl -s "$CA_URL?operation=GetCACert" -o "$CA_DIR/ca.der" &&
	    openssl x509 -inform der -in "$CA_DIR/ca.der" -out "$CA_PEM" \
		2>/dev/null && return 0
	openssl pkcs7 -inform der -in "$CA_DIR/ca.der" -print_certs \
	    -out "$CA_PEM" 2>/dev/null && return 0
	die "GetCACert gave no certificate"
	return 1
}

# ca_lines FILE: database lines "SERIAL REST" on stdin -> FILE (the
# serials, sorted) and FILE.lines (serial normalised, the rest in lower
# case, for the subjects).
ca_lines() {
	awk '{ s = toupper($1); sub(/^0X/, "", s); sub(/^0+/, "", s)
	    if (s == "") s = "0"; $1 = s; print tolower($0) }' |
	    sed 's/^\([^ ]*\)/\U\1/' | sort >"$1.lines"
	cut -d' ' -f1 "$1.lines" | sort >"$1"
}

# Serials: uppercase hex, no leading zeros.
ca_norm() { tr a-f A-F | sed 's/^0x//I; s/^0*\([0-9A-F]\)/\1/'; }

# ca_serials FILE: the serials of the certificates in the CA database;
# FILE.lines: "SERIAL subject..." (lower case) per certificate.
# pkish: `show crypto pki server CS certificates` (the CA certificate's
# own serial is left out, so the list holds issued certificates only);
# the daemon is stopped for the console run and started again.
ca_serials() {
	local ca_ser
	case $CA_TARGET in
	micromdm)
		awk -F'\t' '$1 == "V" { print $4, $6 }' \
		    "$CA_DIR/depot/index.txt" | ca_lines "$1"
		;;
	responder)
		sed -n 's/.* issued=\([0-9A-Fa-f]*\).*/\1/p' \
		    "$CA_DIR/requests.log" | ca_lines "$1"
		;;
	pkish)
		ca_ser=$(openssl x509 -in "$CA_PEM" -noout -serial |
		    sed 's/serial=//' | ca_norm)
		printf 'enable\nshow crypto pki server CS certificates\n' \
		    >"$CA_DIR/show.in"
		local was=$CA_PID
		ca_stop
		ca_console "$CA_DIR/show.in" "$CA_DIR/show.out"
		[ -n "$was" ] && ca_start
		awk '/^Serial +Issued date/ { f = 1; next }
		    f && /^[0-9A-Fa-f]+ / { print }' "$CA_DIR/show.out" |
		    ca_lines "$1.all"
		grep -v "^$ca_ser " "$1.all.lines" >"$1.lines"
		grep -vxF "$ca_ser" "$1.all" >"$1"
		;;
	esac
}

# ca_crl FILE: the CA's CRL (PEM) through GetCRL over HTTP.
ca_crl() {
	[ "$CA_TARGET" = pkish ] || return 1
	curl -s "$CA_URL?operation=GetCRL" -o "$1.der" &&
	    openssl crl -inform der -in "$1.der" -out "$1"
}

# A sanitizer report in anything the CA printed is a failure.
ca_no_san() {
	local f
	for f in "$CA_DIR"/server.log "$CA_DIR"/*.out; do
		[ -f "$f" ] && no_san "$f"
	done
	return 0
}

# The CA as a long-running pkish console (a router with hostname CA...)
# fed through a FIFO on fd 8; a client console (pk_start, fd 7) is started
# first and the CA's closes fd 7, so that each sees EOF when closed:
# ca_con_start STATE OUT (sets CA_OUT, CAC_PID); ca_send LINE...;
# ca_wait TEXT [N] [SECS]; ca_sync [SECS]; ca_after CMD;
# ca_con_stop (EOF, waits; CA_RC); ca_con_kill (SIGKILL).
CAC_PID=
ca_con_start() {
	CA_OUT=$2
	rm -f "$CA_OUT.fifo"
	mkfifo "$CA_OUT.fifo" || die mkfifo
	"$PKISH" --state "$1" <"$CA_OUT.fifo" >>"$CA_OUT" 2>&1 7>&- &
	CAC_PID=$!
	exec 8>"$CA_OUT.fifo"
}
ca_send() { printf '%s\n' "$@" >&8; }
# Wait until TEXT (fixed string) occurs N times in the CA's output.
ca_wait() { wait_in "$CA_OUT" "$1" "${2:-1}" "${3:-30}"; }	# TEXT [N] [SECS]
# A marker comment whose echo shows that everything before it ran.
CAMARK=0
ca_sync() {	# ca_sync [SECS]
	CAMARK=$((CAMARK + 1))
	ca_send "!casync$CAMARK!"
	ca_wait "!casync$CAMARK!" 1 "${1:-60}"
}
ca_con_stop() {	# EOF; after 30 s SIGKILL (CA_RC 137)
	exec 8>&-
	reap "$CAC_PID"
	CA_RC=$?
	CAC_PID=
	no_san "$CA_OUT"
}
ca_con_kill() {
	[ -n "$CAC_PID" ] || return 0
	kill -9 "$CAC_PID" 2>/dev/null
	wait "$CAC_PID" 2>/dev/null
	exec 8>&-
	CAC_PID=
}
# Output of the last CA command line (prompt "CA...") that is exactly CMD,
# up to the next prompt line.
ca_after() {	# ca_after CMD
	awk -v c="$1" '
	    /^CA[^#>]*[#>]/ { l = $0; sub(/^CA[^#>]*[#>] */, "", l)
		if (l == c) { buf = ""; f = 1; next } else f = 0 }
	    f { buf = buf $0 "\n" } END { printf "%s", buf }' "$CA_OUT"
}

# The start of every certificate-server script: ca_begin NAME "TOOLS" ARGS
# - openssl and curl (a failure without them) and TOOLS (a skip without
# them, a failure with CI=true), the private network namespace (scep_netns
# ARGS), the binaries (scep_bins), then W: a fresh /tmp/NAME.XXXXXX, made
# the current directory and removed at exit (ca_cleanup) unless KEEP is set.
ca_begin() {
	local name=$1 tools=$2 c
	shift 2
	for c in openssl curl; do
		command -v $c >/dev/null || die "$c not installed"
	done
	for c in $tools; do
		command -v "$c" >/dev/null && continue
		[ "${CI:-}" = true ] && die "$c not installed (scripts/deps.sh test)"
		skip "$c not installed"
	done
	scep_netns "$@"
	scep_bins
	W=$(mktemp -d "/tmp/$name.XXXXXX") || die mktemp
	trap ca_cleanup EXIT
	cd "$W" || die "cd $W"
}
# The EXIT trap: ends what was started through scep.bash and ca.bash (a
# ca_daemon, R1's console, the CA's console, the CA daemon) and removes W
# (KEEP keeps it). A script with processes of its own traps a function
# that ends them and then calls ca_cleanup.
DAEMON_PID=
ca_cleanup() {
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null &&
	    wait "$DAEMON_PID" 2>/dev/null
	[ -n "$PK_PID" ] && pk_kill
	ca_con_kill
	ca_stop
	[ -n "${KEEP:-}" ] && echo "kept $W" || rm -rf "$W"
}

# A saved CA started again as a daemon: ca_daemon STATE URL (pkish
# --no-console on STATE, its output in daemon.log, DAEMON_PID; waits for
# GetCACaps at URL); ca_daemon_stop (SIGTERM, waits, no_san).
ca_daemon() {
	"$PKISH" --state "$1" --no-console >daemon.log 2>&1 </dev/null \
	    7>&- 8>&- 9>&- &
	DAEMON_PID=$!
	wait_http "$2?operation=GetCACaps"
}
ca_daemon_stop() {
	kill "$DAEMON_PID"
	wait "$DAEMON_PID"
	DAEMON_PID=
	no_san daemon.log
}

# The load client (bench/scep_load, built by `make unit`): LOAD.
ca_need_load() {
	LOAD=$ROOT/build/scep_load
	[ -x "$LOAD" ] || die "no $LOAD (make unit)"
}
# ca_up DIR PORT: ca_setup, the target on the output, and CH: the
# challenge option for scep_load (none without a challenge).
ca_up() {
	ca_setup "$1" "$2"
	echo "# target $CA_TARGET at $CA_URL"
	CH=()
	[ -n "$CA_CHALLENGE" ] && CH=(-p "$CA_CHALLENGE")
}
