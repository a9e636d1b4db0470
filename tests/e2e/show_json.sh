#!/bin/bash
# tests/e2e/show_json.sh - `| json` and the IOS views parsers read. A CA
# made with the openssl CLI signs pkish's request (with DNS and IP SANs);
# then every `| json` document is validated against
# docs/show-json.schema.json (tests/e2e/schema_check.py) and its values
# are checked against the text view of the same command and against
# openssl's reading of the certificate. `show version` must satisfy the
# regular expressions configuration tools take their facts from, and the
# board ID must survive a restart.
# Env: PKISH (default ./build-san/pkish, else PKISH_PLAIN or ./pkish).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

PKISH=${PKISH:-./build-san/pkish}
[ -x "$PKISH" ] || PKISH=${PKISH_PLAIN:-./pkish}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -x "$PKISH" ] || { echo "FAIL: no pkish binary at $PKISH"; exit 1; }
case $PKISH in /*) ;; *) PKISH=$PWD/$PKISH ;; esac

W=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
ST=$W/state
. "$ROOT/tests/e2e/tap.bash"
session() {
	timeout 120 "$PKISH" --state "$ST" <"$1" >"$2" 2>&1
	ran "$(basename "$1")" $? "$2"
}
# Text after the echoed command line CMD up to the next prompt.
after() {
	awk -v c="$2" 'f && /^R1[#(>]/ { exit } f { print } index($0, c) && /^R1/ { f = 1 }' "$1"
}

cd "$W" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem \
    -days 3650 -subj "/CN=Json Test Root/O=pkish" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
check "CA made" test -s ca.pem

# --- session 1: trustpoints, keys, authenticate, enroll
{
	printf 'enable\nconfigure terminal\nhostname R1\n'
	printf 'crypto key generate ec keysize 256 label E1\n'
	printf 'crypto pki trustpoint T\n enrollment terminal\n'
	printf ' subject-name CN=r1.json.test,O=pkish\n rsakeypair T 2048\n'
	printf ' auto-enroll 80\n exit\n'
	printf 'crypto pki authenticate T\n'; cat ca.pem; printf 'quit\nyes\n'
	printf 'crypto pki enroll T\nno\nno\nyes\nno\n'
	printf 'crypto pki trustpoint S\n enrollment selfsigned\n'
	printf ' serial-number none\n ip-address none\n exit\n'
	printf 'crypto pki enroll S\nyes\n'
	printf 'end\nwrite memory\n'
} >s1.in
session s1.in s1.out
awk '/^Certificate Request follows:/ { f = 1; next } /^---End/ { f = 0 }
    f && NF' s1.out >csr.b64
{ echo "-----BEGIN CERTIFICATE REQUEST-----"; cat csr.b64
  echo "-----END CERTIFICATE REQUEST-----"; } >r1.csr
printf 'subjectAltName=DNS:r1.json.test,DNS:alt.json.test,IP:192.0.2.7\n' >ext.cnf
openssl x509 -req -in r1.csr -CA ca.pem -CAkey ca.key -set_serial 0x5EED \
    -days 90 -extfile ext.cnf -out r1.pem 2>/dev/null
check "request signed" test -s r1.pem

# --- session 2: import, then every view as text and as JSON
SHOWS=("show crypto pki certificates" "show crypto pki certificates T"
    "show crypto pki trustpoints" "show crypto pki trustpoints T status"
    "show crypto pki timers" "show crypto key mypubkey all"
    "show crypto key mypubkey rsa T")
{
	printf 'enable\nconfigure terminal\ncrypto pki import T certificate\n'
	cat r1.pem; printf 'quit\nend\n'
	for s in "${SHOWS[@]}"; do printf '%s\n%s | json\n' "$s" "$s"; done
	printf 'show crypto pki certificates verbose T\n'
	printf 'show clock | json\nshow crypto pki certificates NOPE | json\n'
	printf 'show version\n'
} >s2.in
session s2.in s2.out
check "certificate imported" has s2.out \
    "% Router Certificate successfully imported"
i=0
for s in "${SHOWS[@]}"; do
	i=$((i + 1))
	after s2.out "$s | json" >doc$i.json
	check "'$s | json' is one JSON document" python3 -c \
	    'import json,sys; json.load(open(sys.argv[1]))' doc$i.json
	check "'$s | json' follows the schema" \
	    python3 "$ROOT/tests/e2e/schema_check.py" \
	    "$ROOT/docs/show-json.schema.json" doc$i.json
done
check "a command without JSON says so" has s2.out \
    "% JSON output is not available for this command"
check "an unknown trustpoint is an error, not a document" has s2.out \
    "% Certificate Authority (trustpoint) NOPE is unknown"

# values: the JSON against the text view and against openssl
after s2.out "show crypto pki certificates verbose T" >verbose.txt
openssl x509 -in r1.pem -noout -enddate -fingerprint -sha1 >ossl.txt
openssl x509 -in r1.pem -noout -fingerprint -sha256 >>ossl.txt
after s2.out "show crypto pki timers" >timers.txt
python3 - doc1.json doc3.json doc5.json doc6.json verbose.txt ossl.txt \
    timers.txt >values.out 2>&1 <<'PY'
import datetime, json, re, sys
certs, tps, timers, keys = (json.load(open(f)) for f in sys.argv[1:5])
text = open(sys.argv[5]).read()
ossl = open(sys.argv[6]).read()
fail = []
def want(cond, what):
    if not cond:
        fail.append(what)
ident = [c for c in certs['certificates'] if c['kind'] == 'identity']
want(len(ident) == 1, 'one identity certificate')
c = ident[0]
want(c['serial'] == '5EED', 'serial 5EED: %s' % c['serial'])
want(c['trustpoints'] == ['T'], 'trustpoint T')
# the request carries the hostname as IOS does (hostname= unstructuredName)
want(c['subject'] == 'unstructuredName=R1,O=pkish,CN=r1.json.test',
     'subject ' + c['subject'])
want(c['issuer'] == 'O=pkish,CN=Json Test Root', 'issuer ' + c['issuer'])
want({(s['type'], s['value']) for s in c['sans']} ==
     {('dns', 'r1.json.test'), ('dns', 'alt.json.test'),
      ('ip', '192.0.2.7')}, 'SANs %s' % c['sans'])
want(c['key'] == {'type': 'rsa', 'size': 2048}, 'key %s' % c['key'])
end = re.search(r'notAfter=(.*)', ossl).group(1).strip()
na = datetime.datetime.strptime(end, '%b %d %H:%M:%S %Y GMT')
want(c['notAfter'] == na.strftime('%Y-%m-%dT%H:%M:%SZ'),
     'notAfter %s vs openssl %s' % (c['notAfter'], end))
want(c['fingerprints']['sha1'] ==
     re.search(r'SHA1 Fingerprint=(\S+)', ossl, re.I).group(1), 'sha1')
want(c['fingerprints']['sha256'] ==
     re.search(r'SHA256 Fingerprint=(\S+)', ossl, re.I).group(1), 'sha256')
tsha1 = re.search(r'Fingerprint SHA1: ([0-9A-F ]+)', text).group(1)
want(tsha1.replace(' ', '') == c['fingerprints']['sha1'].replace(':', ''),
     'sha1 as the text view prints it')
# renew date: the text view's "renew date:" and the JSON renewTime
rd = re.search(r'renew date: (\S+) UTC (\S+) +(\d+) (\d+)', text)
want(rd is not None, 'text view has a renew date')
if rd:
    t = datetime.datetime.strptime('%s %s %s %s' % (rd.group(2),
        rd.group(3), rd.group(4), rd.group(1)), '%b %d %Y %H:%M:%S')
    want(c['renewTime'] == t.strftime('%Y-%m-%dT%H:%M:%SZ'),
         'renewTime %s vs text %s' % (c['renewTime'], rd.group(0)))
ca = [x for x in certs['certificates'] if x['kind'] == 'ca']
want(len(ca) == 1 and ca[0]['isCA'] and ca[0]['selfSigned'], 'CA block')
ss = [x for x in certs['certificates'] if x['kind'] == 'self-signed']
want(len(ss) == 1 and ss[0]['trustpoints'] == ['S'], 'self-signed block')
tp = {t['name']: t for t in tps['trustpoints']}
want(set(tp) == {'T', 'S'}, 'trustpoints %s' % sorted(tp))
want(tp['T']['status'] == 'Granted' and tp['T']['caAuthenticated'],
     'T granted and authenticated')
want(tp['T']['autoEnroll'] == {'percent': 80, 'regenerate': False},
     'T auto-enroll')
want(tp['T']['renewTime'] == c['renewTime'], 'T renew time')
want(tp['T']['certificate']['serial'] == '5EED', 'T certificate')
want(tp['S']['enrollment'] == 'selfsigned' and tp['S']['autoEnroll'] is None,
     'S self-signed, no auto-enroll')
names = [l.split('  ', 1)[1] for l in open(sys.argv[7]).read().splitlines()
         if l.startswith(' |')]
want(names == [x['name'] for x in timers['timers']] and 'ID(T)' in names,
     'timers as the text view lists them: %s' % names)
kl = {k['label']: k for k in keys['keys']}
want(kl.get('E1', {}).get('type') == 'ec' and kl['E1']['size'] == 256,
     'E1 key')
want(kl.get('T', {}).get('type') == 'rsa' and kl['T']['size'] == 2048,
     'T key')
print('\n'.join(fail) if fail else 'values agree')
sys.exit(1 if fail else 0)
PY
check "JSON values agree with the text views and openssl" \
    grep -qx 'values agree' values.out
cat values.out

# show version: the expressions Ansible's ios_facts and ntc-templates'
# cisco_ios_show_version use
after s2.out "show version" >version.txt
python3 - version.txt >version.out 2>&1 <<'PY'
import re, sys
d = open(sys.argv[1]).read()
fail = []
def m(rx, want, flags=0, what=None):
    r = re.search(rx, d, flags)
    got = r.group(1) if r else None
    if (want is None and got is None) or (want is not None and got != want):
        fail.append('%s: %r' % (what or rx, got))
    return got
# ios_facts (cisco.ios facts/legacy/base.py)
m(r'Version (\S+?)(?:,\s|\s)', '0.1.0', what='version')
m(r'^[Cc]isco (\S+).+bytes of .*memory', 'PKISH', re.M, 'model')
serial = m(r'Processor board ID (\S+)', None, what='serial')
m(r'^(\S+) uptime', 'R1', re.M, 'hostname')
m(r'image file is "(.+)"', None, what='image')
# ntc-templates cisco_ios_show_version.textfsm
m(r'^.*Software\s.+\),\sVersion\s(.+?),*\s+RELEASE.*', '0.1.0', re.M,
  'ntc VERSION')
m(r'^\s*(\S+)\s+uptime\s+is\s+(.+)', 'R1', re.M, 'ntc HOSTNAME')
m(r'^[sS]ystem\s+image\s+file\s+is\s+"(?:.*?):(\S+)"', None, re.M,
  'ntc RUNNING_IMAGE')
m(r'^[Cc]isco\s+(\S+|\S+\d\S+)\s+\(.+\).+', 'PKISH', re.M, 'ntc HARDWARE')
m(r'^[Pp]rocessor\s+board\s+ID\s+(\S+)', serial, re.M, 'ntc SERIAL')
m(r'^[Cc]onfiguration\s+register\s+is\s+(\S+)', '0x2102', re.M,
  'ntc CONFIG_REGISTER')
mem = re.search(r'with (\d+)K bytes of memory', d)
if not mem or int(mem.group(1)) <= 0:
    fail.append('memory')
print('\n'.join(fail) if fail else 'serial ' + serial)
sys.exit(1 if fail else 0)
PY
check "show version matches the ios_facts and ntc-templates expressions" \
    grep -q '^serial PKS' version.out
cat version.out
board=$(sed -n 's/^serial //p' version.out)
check "board ID kept in the state directory" \
    test "$(cat "$ST/board-id")" = "$board"
printf 'show version | include board\n' >s3.in
session s3.in s3.out
check "board ID the same after a restart" has s3.out \
    "Processor board ID $board"
tap_end
