# tests/e2e/ca_multi.bash - sourced by ca_subcs.sh and ca_ra.sh, after
# scep.bash: more pkish consoles than pk_* (fd 7) drives, each by NAME
# (its state W/NAME, its output NAME.out in the working directory) and a
# file descriptor (8, 9). The caller keeps CPID (declare -A) for cleanup.
# con_start NAME FD; con_send FD LINE...; con_wait NAME TEXT [SECS];
# con_sync NAME FD [SECS]; con_after NAME CMD (output of the last command
# line CMD, prompt "NAME..."); con_stop NAME FD (EOF, waits; CON_RC).
# Each console is started without the others' write ends, so it sees
# EOF when closed.
con_start() {	# con_start NAME FD
	rm -f "$1.fifo"
	mkfifo "$1.fifo" || die mkfifo
	"$PKISH" --state "$W/$1" <"$1.fifo" >>"$1.out" 2>&1 7>&- 8>&- 9>&- &
	CPID[$1]=$!
	eval "exec $2>\"$1.fifo\""
}
con_send() { local fd=$1; shift; printf '%s\n' "$@" >&"$fd"; }
con_wait() {	# con_wait NAME TEXT [SECS]
	local t=${3:-30} i=0
	while ! grep -qF -- "$2" "$1.out"; do
		i=$((i + 1))
		[ $i -gt $((t * 10)) ] && return 1
		sleep 0.1
	done
}
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
	local i=0
	eval "exec $2>&-"
	while kill -0 "${CPID[$1]}" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 "${CPID[$1]}" 2>/dev/null && kill -9 "${CPID[$1]}"
	wait "${CPID[$1]}"
	CON_RC=$?
	unset "CPID[$1]"
	no_san "$1.out"
}

