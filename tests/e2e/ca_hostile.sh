#!/bin/bash
# tests/e2e/ca_hostile.sh - bad input to the certificate server,
# inside a private network namespace (loopback only). Each case sent by
# scep_load -b must get a CertRep FAILURE or an HTTP 4xx, and the CA must
# still answer afterwards: an 8 MiB body, a 256 KiB GET query, garbage
# and truncated PKCS#7 (POST and GET), a wrong Content-Type, a CSR whose
# key is not the signer's, a broken signature, an envelope for another
# recipient, an unknown messageType, an unknown operation, and a replay
# (the same message again, then a new request under the same
# transactionID). Then a good enrollment still works, and the CA
# database grew by exactly the two good certificates (the replay's first
# and the last one).
# CA_TARGET=pkish (default), micromdm or responder.
# Env (tests/run.sh): PKISH, ROOT.
# Exit 0 pass, 77 skip, other fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/scep.bash"
. "$HERE/ca.bash"

ca_begin ca_hostile "scepserver" "$@"
ca_need_load
ca_up "$W/ca" 2081
alive() { curl -s -o /dev/null -w '%{http_code}' "$(ca_url_caps)" | grep -qx 200; }

ca_serials before
mkdir out
for c in oversize getoversize garbage truncated getgarbage ctype wrongkey badsig \
    badenv msgtype unknownop replay; do
	timeout 60 "$LOAD" -u "$CA_URL" "${CH[@]}" -b $c -o out >$c.out 2>$c.err
	rc=$?
	sed 's/^/# /' $c.out
	check "$c: refused with FAILURE or HTTP 4xx (rc=$rc)" test $rc -eq 0
	check "$c: the CA still serves" alive
done
check "replay: the first enrollment was issued" test -s out/replay.pem

mkdir good
"$LOAD" -u "$CA_URL" "${CH[@]}" -n 1 -k 1 -o good >good.out 2>good.err
check "a good enrollment after all that" has good.out "ok=1 "
ca_serials after
{ cat before; serial_of out/replay.pem 2>/dev/null | ca_norm
  awk '{ print $1 }' good/received 2>/dev/null | ca_norm; } | sort >expect
check "the database holds exactly the two good certificates more" \
    cmp -s expect after
cmp -s expect after || diff expect after | head -10
ca_no_san
finish
