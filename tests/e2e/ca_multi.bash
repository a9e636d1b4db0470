# tests/e2e/ca_multi.bash - sourced by ca_subcs.sh and ca_ra.sh, after
# scep.bash (it sources ca.bash): the scripts' common start (multi_begin),
# ROOT's certificate server (multi_root), an RA/CA chain from GetCACert
# (multi_chain), and more pkish consoles than pk_* (fd 7) drives, each by NAME
# (its state W/NAME, its output NAME.out in the working directory) and a
# file descriptor (8, 9), its pid in CPID (multi_begin declares it).
# con_start NAME FD; con_send FD LINE...; con_wait NAME TEXT [SECS];
# con_sync NAME FD [SECS]; con_after NAME CMD (output of the last command
# line CMD, prompt "NAME..."); con_stop NAME FD (EOF, waits; CON_RC, a
# check that it is 0).
# Each console is started without the others' write ends, so it sees
# EOF when closed.
. "$(dirname "${BASH_SOURCE[0]}")/ca.bash"

# multi_begin NAME CA ARGS: ca_begin NAME "" ARGS (openssl and curl, the
# network namespace, the binaries, W the current directory), CPID, not,
# ROOT's port and URL (RPORT, RURL), the EXIT trap multi_cleanup; then the
# consoles: R1 (pk_start, W/r1), ROOT (fd 8) and CA (fd 9).
not() { ! "$@"; }
multi_begin() {
	local name=$1 ca=$2
	shift 2
	declare -gA CPID=()
	RPORT=8080
	RURL=http://127.0.0.1:$RPORT/cgi-bin/pkiclient.exe
	ca_begin "$name" "" "$@"
	trap multi_cleanup EXIT
	pk_start "$W/r1" "$W/r1.out"
	con_start ROOT 8
	con_start "$ca" 9
}
# The consoles of CPID, then ca_cleanup (the daemon, R1, W).
multi_cleanup() {
	local n
	for n in "${!CPID[@]}"; do
		kill -9 "${CPID[$n]}" 2>/dev/null && wait "${CPID[$n]}" 2>/dev/null
	done
	ca_cleanup
}
# multi_root GRANT [LINE...]: console ROOT (fd 8) sets up and enables
# `crypto pki server ROOT` (issuer CN=Lab Root CA,O=pkish, `grant GRANT`,
# no archive) on RPORT, then runs the LINEs; a check that it is enabled,
# and its certificate from GetCACert in root.pem.
multi_root() {
	local grant=$1
	shift
	con_send 8 enable "configure terminal" "hostname ROOT" "ip http server" \
	    "ip http port $RPORT" "crypto pki server ROOT" \
	    " issuer-name CN=Lab Root CA,O=pkish" " grant $grant" \
	    " no database archive" " no shutdown" " end" "$@"
	con_sync ROOT 8 120 || die "ROOT set-up: $(tail -20 ROOT.out)"
	check "ROOT: % Certificate Server enabled." has ROOT.out \
	    "% Certificate Server enabled."
	wait_http "$RURL?operation=GetCACaps" || die "no SCEP at $RURL"
	curl -s "$RURL?operation=GetCACert" -o root.der
	openssl x509 -inform der -in root.der -out root.pem ||
	    die "ROOT GetCACert: not one certificate"
}
# multi_chain NAME URL P7 PEM: checks that NAME's GetCACert (kept in P7)
# is application/x-x509-ca-ra-cert with two certificates (chain.pem); the
# first of them in PEM.
multi_chain() {
	local ct
	ct=$(curl -s -o "$3" -w '%{content_type}' "$2?operation=GetCACert")
	check "$1 GetCACert: application/x-x509-ca-ra-cert" \
	    test "$ct" = application/x-x509-ca-ra-cert
	openssl pkcs7 -inform der -in "$3" -print_certs -out chain.pem
	check "$1 GetCACert: two certificates" test "$(grep -c 'BEGIN CERT' \
	    chain.pem)" -eq 2
	openssl x509 -in chain.pem -out "$4"
}
con_start() {	# con_start NAME FD
	rm -f "$1.fifo"
	mkfifo "$1.fifo" || die mkfifo
	"$PKISH" --state "$W/$1" <"$1.fifo" >>"$1.out" 2>&1 7>&- 8>&- 9>&- &
	CPID[$1]=$!
	eval "exec $2>\"$1.fifo\""
}
con_send() { local fd=$1; shift; printf '%s\n' "$@" >&"$fd"; }
con_wait() { wait_in "$1.out" "$2" 1 "${3:-30}"; }	# NAME TEXT [SECS]
SYNC=0
con_sync() {	# con_sync NAME FD [SECS]
	SYNC=$((SYNC + 1))
	con_send "$2" "!sync$SYNC!"
	con_wait "$1" "!sync$SYNC!" "${3:-60}"
}
# Output of the last command line CMD of console NAME (prompt NAME...).
con_after() {	# con_after NAME CMD
	awk -v p="$1" -v c="$2" '
	    index($0, p) == 1 && /^[^ ]*[#>]/ { l = $0
		sub(/^[^#>]*[#>] */, "", l)
		if (l == c) { buf = ""; f = 1; next } else f = 0 }
	    f { buf = buf $0 "\n" } END { printf "%s", buf }' "$1.out"
}
con_stop() {	# con_stop NAME FD
	eval "exec $2>&-"
	reap "${CPID[$1]}"
	CON_RC=$?
	unset "CPID[$1]"
	no_san "$1.out"
	check "$1 console exits 0" test "$CON_RC" -eq 0
}

