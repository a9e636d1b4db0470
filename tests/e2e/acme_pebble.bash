# tests/e2e/acme_pebble.bash - sourced (bash) by the ACME end-to-end tests
# and benches: Debian's pebble with pebble-challtestsrv as its DNS server
# answering every name with 127.0.0.1, everything on 127.0.0.1. pebble's
# TLS certificate comes from a throw-away CA made with the openssl CLI
# (the Debian package ships no test certificates).
# Not a test itself (tests/run.sh runs only *.sh).
#
# The caller sets T (its temp dir) and AP_BASE (4 consecutive ports: ACME,
# management, DNS, challtestsrv management) and AP_HTTP (pebble's
# httpPort; AP_HTTP+2 becomes its tlsPort), optionally AP_VALIDITY
# (certificate lifetime in seconds), then calls ap_setup, and ap_cleanup
# from its EXIT trap. After ap_setup: AP_DIR (directory URL), AP_MGMT
# (management URL), AP_CA (TLS CA PEM), AP_DNS (the DNS port pebble asks).
# ap_start [ENV=VAL ...] starts pebble (PEBBLE_VA_NOSLEEP=1 always),
# ap_stop stops it. A caller that runs pebble itself (tnlib.Pebble) uses
# $T/pebble.json with -dnsserver 127.0.0.1:$AP_DNS.

AP_PID=
AP_CTS_PID=

ap_port_free() {	# port: free on 127.0.0.1 for TCP and UDP
	python3 - "$1" <<'PY'
import socket, sys
p = int(sys.argv[1])
for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, t)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
PY
}

ap_have() {	# 0 when pebble, challtestsrv, openssl, curl, python3 exist
	command -v pebble >/dev/null && command -v pebble-challtestsrv \
	    >/dev/null && command -v openssl >/dev/null &&
	    command -v curl >/dev/null && command -v python3 >/dev/null
}

ap_setup() {
	local p validity=
	for p in $AP_BASE $((AP_BASE + 1)) $((AP_BASE + 2)) $((AP_BASE + 3)) \
	    $AP_HTTP $((AP_HTTP + 2)); do
		ap_port_free "$p" || { echo "port $p on 127.0.0.1 is busy"; return 1; }
	done
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/tlsca.key" -out "$T/tlsca.pem" -days 2 \
	    -subj "/CN=pkish e2e pebble TLS CA" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign" 2>"$T/openssl.log" ||
	    return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/tls.key" -out "$T/tls.csr" -subj "/CN=localhost" \
	    2>>"$T/openssl.log" || return 1
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
	    >"$T/tls.ext"
	openssl x509 -req -in "$T/tls.csr" -CA "$T/tlsca.pem" \
	    -CAkey "$T/tlsca.key" -CAcreateserial -out "$T/tls.pem" -days 2 \
	    -extfile "$T/tls.ext" 2>>"$T/openssl.log" || return 1
	[ -n "${AP_VALIDITY:-}" ] && validity=",
    \"certificateValidityPeriod\": $AP_VALIDITY"
	cat >"$T/pebble.json" <<EOF
{
  "pebble": {
    "listenAddress": "127.0.0.1:$AP_BASE",
    "managementListenAddress": "127.0.0.1:$((AP_BASE + 1))",
    "certificate": "$T/tls.pem",
    "privateKey": "$T/tls.key",
    "httpPort": $AP_HTTP,
    "tlsPort": $((AP_HTTP + 2)),
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false$validity
  }
}
EOF
	AP_CA=$T/tlsca.pem
	AP_DIR=https://127.0.0.1:$AP_BASE/dir
	AP_MGMT=https://127.0.0.1:$((AP_BASE + 1))
	AP_DNS=$((AP_BASE + 2))
	pebble-challtestsrv -defaultIPv4 127.0.0.1 -defaultIPv6 "" \
	    -dns01 "127.0.0.1:$AP_DNS" -http01 "" -https01 "" \
	    -tlsalpn01 "" -management "127.0.0.1:$((AP_BASE + 3))" \
	    >"$T/challtestsrv.log" 2>&1 &
	AP_CTS_PID=$!
}

ap_start() {	# [ENV=VALUE ...]
	env PEBBLE_VA_NOSLEEP=1 "$@" pebble -config "$T/pebble.json" \
	    -dnsserver "127.0.0.1:$AP_DNS" >>"$T/pebble.log" 2>&1 &
	AP_PID=$!
	for _ in $(seq 100); do
		curl -s --cacert "$AP_CA" -o /dev/null "$AP_DIR" && return 0
		sleep 0.05
	done
	cat "$T/pebble.log"
	return 1
}

ap_stop() {
	if [ -n "$AP_PID" ]; then
		kill "$AP_PID" 2>/dev/null
		wait "$AP_PID" 2>/dev/null
		AP_PID=
	fi
}

ap_cleanup() {
	ap_stop
	if [ -n "$AP_CTS_PID" ]; then
		kill "$AP_CTS_PID" 2>/dev/null
		wait "$AP_CTS_PID" 2>/dev/null
		AP_CTS_PID=
	fi
}

ap_roots() {	# out_root out_intermediate: pebble's current chain
	curl -sf --cacert "$AP_CA" "$AP_MGMT/roots/0" >"$1" &&
	    curl -sf --cacert "$AP_CA" "$AP_MGMT/intermediates/0" >"$2"
}

ap_cert_status() {	# serial (lower-case hex): pebble's JSON for it
	curl -sf --cacert "$AP_CA" "$AP_MGMT/cert-status-by-serial/$1"
}
