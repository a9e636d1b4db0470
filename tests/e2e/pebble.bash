# tests/e2e/pebble.bash - sourced (bash): Debian's pebble set-up on
# 127.0.0.1 for the ACME end-to-end tests. pebble-challtestsrv is the DNS
# server and answers every name with 127.0.0.1. pebble's TLS certificate
# comes from a throw-away CA made with the openssl CLI ($T/tlsca.pem).
#
# The caller sets T (its temp dir) and the ports PB_ACME, PB_MGMT, PB_DNS,
# PB_CTS, PB_HTTP (pebble's httpPort; PB_HTTP+2 is its tlsPort), and
# optionally PB_VALIDITY (certificate lifetime, seconds), then calls
# pb_setup (TLS CA, $T/pebble.json, challtestsrv started; PB_DIR set) and
# pb_cleanup from its EXIT trap. pebble itself is started by the caller:
#   pebble -config $T/pebble.json -dnsserver 127.0.0.1:$PB_DNS
# Not a test itself (tests/run.sh runs only *.sh).
# (Reconstructed after an accidental overwrite; see the ACME CLI report.)

PB_CTS_PID=

pb_setup() {
	local p validity=
	for p in $PB_ACME $PB_MGMT $PB_DNS $PB_CTS $PB_HTTP $((PB_HTTP + 2)); do
		python3 - "$p" <<'PY' || { echo "FAIL: port $p on 127.0.0.1 is busy"; exit 1; }
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
	done
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/tlsca.key" -out "$T/tlsca.pem" -days 2 \
	    -subj "/CN=pkish e2e pebble TLS CA" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign" 2>"$T/openssl.log" ||
	    { echo "FAIL: TLS CA"; exit 1; }
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$T/tls.key" -out "$T/tls.csr" -subj "/CN=localhost" \
	    2>>"$T/openssl.log" || { echo "FAIL: TLS CSR"; exit 1; }
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
	    >"$T/tls.ext"
	openssl x509 -req -in "$T/tls.csr" -CA "$T/tlsca.pem" \
	    -CAkey "$T/tlsca.key" -CAcreateserial -out "$T/tls.pem" -days 2 \
	    -extfile "$T/tls.ext" 2>>"$T/openssl.log" ||
	    { echo "FAIL: TLS certificate"; exit 1; }
	[ -n "${PB_VALIDITY:-}" ] &&
	    validity=",
    \"certificateValidityPeriod\": $PB_VALIDITY"
	cat >"$T/pebble.json" <<EOF
{
  "pebble": {
    "listenAddress": "127.0.0.1:$PB_ACME",
    "managementListenAddress": "127.0.0.1:$PB_MGMT",
    "certificate": "$T/tls.pem",
    "privateKey": "$T/tls.key",
    "httpPort": $PB_HTTP,
    "tlsPort": $((PB_HTTP + 2)),
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false$validity
  }
}
EOF
	PB_DIR=https://127.0.0.1:$PB_ACME/dir
	pebble-challtestsrv -defaultIPv4 127.0.0.1 -defaultIPv6 "" \
	    -dns01 "127.0.0.1:$PB_DNS" -http01 "" -https01 "" -tlsalpn01 "" \
	    -management "127.0.0.1:$PB_CTS" >"$T/challtestsrv.log" 2>&1 &
	PB_CTS_PID=$!
}

pb_cleanup() {
	if [ -n "$PB_CTS_PID" ]; then
		kill "$PB_CTS_PID" 2>/dev/null
		wait "$PB_CTS_PID" 2>/dev/null
		PB_CTS_PID=
	fi
}
