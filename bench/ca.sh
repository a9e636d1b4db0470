#!/bin/bash
# bench/ca.sh - certificate-server enrollment throughput: pkish's
# `crypto pki server` (`grant auto`) and micromdm scepserver measured in
# the same run on the same machine, inside a private network namespace
# (loopback only). RSA 2048 throughout (CA keys and requester keys). The
# load client (build/scep_load) builds every PKCSReq before the clock
# starts (its own signing is not measured) and checks every CertRep after
# it stops. BENCH_N enrollments (default 1000) at 1, 2 and 16 keep-alive
# connections: enrollments/s, p50/p99
# latency, duplicate serials (certificates whose serial an earlier one of
# the level already had; a fresh CA per level), failures (anything but an issued, verified
# certificate), peak RSS of the server process (VmHWM) and its CPU time
# (user + system, all threads) per enrollment. Next to the table, the
# machine's ceiling measured live: `openssl speed -multi $(nproc)
# rsa2048` gives RSA-2048 signatures per second on all cores, and one
# enrollment needs three private-key operations at the CA (certificate
# signature, CertRep signature, decrypting the request's envelope), so
# no server here can go faster than a third of that (the load client
# shares those cores too). BENCH_TARGETS (default "micromdm pkish")
# picks the servers.
# Targets (issue 11): >= 1,500/s at 16 connections on 2 cores, 0
# duplicates and 0 failures at every concurrency, p99 < 50 ms.
# Not a test: run by `make bench`. Needs root (unshare --net).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT PKISH=${PKISH:-$ROOT/pkish} BENCH_N=${BENCH_N:-1000}
LOAD=$ROOT/build/scep_load
for t in scepserver openssl curl; do
	command -v $t >/dev/null ||
	    { echo "bench/ca.sh: SKIP (needs $t)"; exit 0; }
done
[ -x "$LOAD" ] || { echo "bench/ca.sh: no $LOAD (make build/scep_load)"; exit 1; }
if [ -z "${SCEP_NETNS_INSIDE:-}" ]; then
	{ [ "$(id -u)" = 0 ] && unshare --net --fork true 2>/dev/null; } ||
	    { echo "bench/ca.sh: SKIP (needs root for unshare --net)"; exit 0; }
fi
. "$ROOT/tests/e2e/scep.bash"
. "$ROOT/tests/e2e/ca.bash"
scep_netns "$@"

T=$(mktemp -d /tmp/bench_ca.XXXXXX) || exit 1
trap 'ca_stop; rm -rf "$T"' EXIT
LEVELS=${BENCH_LEVELS:-1 2 16}
TARGETS=${BENCH_TARGETS:-micromdm pkish}

die() { echo "$*" >"$T/why"; }	# ca.bash: report, do not exit

# CPU time (user + system, clock ticks) of the running CA process.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$CA_PID/stat" 2>/dev/null; }

# run TARGET PORT: per level a fresh CA, so that a level's duplicates
# are its own; T/TARGET.out gets "level ... rss_kib=N" lines.
run() {
	local ch=() c t0
	CA_TARGET=$1
	for c in $LEVELS; do
		CA_CHALLENGE=
		ca_setup "$T/$1-$c" "$2" >/dev/null 2>&1 || return 1
		ch=()
		[ -n "$CA_CHALLENGE" ] && ch=(-p "$CA_CHALLENGE")
		t0=$(cpu_ticks)
		"$LOAD" -u "$CA_URL" "${ch[@]}" -n "$BENCH_N" -c "$c" -k 32 \
		    >"$T/level.out" 2>>"$T/$1.err"
		echo "$(cat "$T/level.out") rss_kib=$(ca_rss)" \
		    "cpu_ticks=$(( $(cpu_ticks) - t0 ))" >>"$T/$1.out"
		ca_stop
	done
}

# RSA-2048 signatures/s on all cores (-mr: "+F2:i:2048:sign/s:verify/s"),
# before and after the servers' runs: the shared machine drifts.
rsa_signs() {
	openssl speed -mr -multi "$(nproc)" -seconds 3 rsa2048 2>/dev/null |
	    awk -F: '/^\+F2:/ { s = $4 } END { printf "%d", s }'
}
signs0=$(rsa_signs)
case " $TARGETS " in *" micromdm "*)
	run micromdm 2090 ||
	    echo "micromdm: could not start: $(cat "$T/why")" ;;
esac
case " $TARGETS " in *" pkish "*)
	run pkish 2091 || echo "pkish: certificate server not available" \
	    "in this build: $(cat "$T/why")" ;;
esac
signs1=$(rsa_signs)

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
# per N: "per T N SCALE": T / SCALE / N with two decimals, "-" if N is 0
per() { awk -v t="$1" -v n="$2" -v k="$3" \
    'BEGIN { if (n > 0) printf "%.2f", t / k / n; else printf "-" }'; }
hz=$(getconf CLK_TCK)
printf '\nSCEP enrollments, RSA 2048, %s per level, %s cores (%s)\n' \
    "$BENCH_N" "$(nproc)" "load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %5s %9s %8s %8s %5s %6s %9s %9s %9s\n' server conns \
    "enroll/s" "p50 ms" "p99 ms" dups fails "peak RSS" "CPU/enr" \
    "client"
for s in $TARGETS; do
	[ -s "$T/$s.out" ] || { printf '%-9s %s\n' "$s" "not measured"; continue; }
	while read -r line; do
		ok=$(field "$line" ok)
		printf '%-9s %5s %9s %8s %8s %5s %6s %6s MiB %6s ms %6s ms\n' \
		    "$s" "$(field "$line" conc)" "$(field "$line" rps)" \
		    "$(field "$line" p50_ms)" "$(field "$line" p99_ms)" \
		    "$(field "$line" dup)" "$(( $(field "$line" n) - ok ))" \
		    "$(per "$(field "$line" rss_kib)" 1 1024 | sed 's/.$//')" \
		    "$(per "$(( $(field "$line" cpu_ticks) * 1000 ))" "$ok" \
			"$hz")" \
		    "$(per "$(field "$line" cpu_ms)" "$ok" 1)"
	done <"$T/$s.out"
done
echo "CPU/enr: the server's CPU time (all threads) per enrollment;" \
    "client: the load client's CPU time per enrollment while the clock ran"
for sg in "$signs0 before" "$signs1 after"; do
	set -- $sg
	awk -v s="$1" -v c="$(nproc)" -v w="$2" 'BEGIN { if (s > 0)
	    printf "machine ceiling (%s the runs): %d RSA-2048 signs/s on %d " \
	    "cores (openssl speed -multi %d) / 3 private-key operations per " \
	    "enrollment = %d enrollments/s\n", w, s, c, c, s / 3
	    else printf "machine ceiling (%s): openssl speed gave no " \
	    "figure\n", w }'
done
echo "targets: >= 1500/s at 16 connections, 0 dups, 0 fails, p99 < 50 ms"
