#!/bin/bash
# bench/httpd.sh - throughput of the pkish HTTP listener (lib/httpd on
# libmicrohttpd, bench/httpd/pkish_drv) against the same service on
# libevent's evhttp (bench/httpd/evhttp_drv, one event loop per core),
# measured with ApacheBench on 127.0.0.1: requests/s at 1 and 16
# concurrent connections, keep-alive off and on, for the HTTP-01 token
# (GET /.well-known/acme-challenge/TOKEN) and a route with a query
# (GET /scep?operation=GetCACaps). The two servers take turns; median of
# BENCH_R rounds (default 3) of BENCH_N requests (default 10000) each.
# Not a test: run by `make bench`. Env: BENCH_N, BENCH_R, BUILD.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/${BUILD:-build}
N=${BENCH_N:-10000}
R=${BENCH_R:-3}
command -v ab >/dev/null || { echo "bench/httpd.sh: SKIP (needs ab)"; exit 0; }
for d in pkish_drv evhttp_drv; do
	[ -x "$B/$d" ] || { echo "bench/httpd.sh: no $B/$d (make $B/$d)"; exit 1; }
done
T=$(mktemp -d /tmp/bench_httpd.XXXXXX) || exit 1
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# start NAME: run the driver on an ephemeral port (into PORT), its stdin
# a fifo held open here.
start() {
	PORT=""
	mkfifo "$T/$1.in"
	"$B/$1" 0 <"$T/$1.in" >"$T/$1.out" 2>&1 &
	PIDS="$PIDS $!"
	exec {fd}>"$T/$1.in"
	for _ in $(seq 50); do
		grep -q '^port ' "$T/$1.out" && break
		sleep 0.1
	done
	PORT=$(awk '/^port /{print $2}' "$T/$1.out")
}
start pkish_drv; PP=$PORT
start evhttp_drv; PE=$PORT
[ -n "$PP" ] && [ -n "$PE" ] || { echo "bench/httpd.sh: a driver did not start"; exit 1; }

# rps PORT PATH CONC KEEPALIVE: requests/s of one ab run ("fail" on errors)
rps() {
	local out
	out=$(ab -q -n "$N" -c "$3" $4 "http://127.0.0.1:$1$2" 2>&1)
	if ! grep -q '^Failed requests: *0$' <<<"$out" ||
	    grep -q '^Non-2xx responses' <<<"$out"; then
		echo fail
		return
	fi
	awk '/^Requests per second/{printf "%d", $4}' <<<"$out"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

printf "%-38s %5s %4s %12s %12s\n" "request" "conns" "k-a" "pkish/MHD" "evhttp"
for path in /.well-known/acme-challenge/bench "/scep?operation=GetCACaps"; do
	# the token path is 33 characters: the label shows it whole
	for c in 1 16; do
		for k in "" -k; do
			p="" e=""
			for _ in $(seq "$R"); do
				p="$p $(rps "$PP" "$path" $c "$k")"
				e="$e $(rps "$PE" "$path" $c "$k")"
			done
			case "$p$e" in *fail*) echo "bench/httpd.sh: failed requests ($p /$e)"; exit 1 ;; esac
			printf "%-38s %5d %4s %12s %12s\n" "GET ${path:0:34}" $c \
			    "$( [ -n "$k" ] && echo on || echo off)" "$(echo $p | median)/s" "$(echo $e | median)/s"
		done
	done
done
echo "($N requests a run, median of $R runs, 127.0.0.1, $(nproc) cores)"
