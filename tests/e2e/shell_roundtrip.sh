#!/bin/sh
# tests/e2e/shell_roundtrip.sh - the running-config round trip: configure
# everything the shell knows (and a trustpoint when `crypto pki
# trustpoint` exists), render it, then (a) start a fresh state dir from
# that startup-config and (b) paste the whole `show running-config`
# output into a fresh console; both render exactly the same text, hashes
# included, and no line is refused on the way.
PKISH=${PKISH:-./build-san/pkish}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $1"; }

H9='$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM'
H5='$1$Q3r2$x8F5QcPvnFjxGWB/OABhR.'
H8='$8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk'
mkdir "$tmp/a" "$tmp/b" "$tmp/c" "$tmp/p"

# does this build have trustpoints yet?
printf 'enable\nconfigure terminal\ncrypto pki trustpoint PROBE\n' |
    "$PKISH" --state "$tmp/p" >"$tmp/probe.out" 2>&1
tp=0
grep -q 'PROBE' "$tmp/probe.out" && ! grep -q 'Invalid input' \
    "$tmp/probe.out" && tp=1

{
cat <<EOF
enable
configure terminal
hostname RT-1
ip domain name lab.example.com
enable secret 9 $H9
username admin privilege 15 secret 9 $H9
username md5user privilege 5 secret 5 $H5
username pbkdf privilege 1 secret 8 $H8
username plain secret cisco-plain
logging buffered 16384 informational
logging console warnings
no logging monitor
logging trap notifications
logging host 127.0.0.1
logging host 127.0.0.2 transport udp port 1514
interface Loopback0
 description management | loopback
 ip address 10.255.0.1 255.255.255.255
interface GigabitEthernet0/0
 ip address 192.0.2.1 255.255.255.0
 shutdown
interface GigabitEthernet0/1
ip http port 8080
line vty 0 4
 exec-timeout 15 30
 no login
 transport input ssh
EOF
if [ $tp = 1 ]; then
cat <<EOF
crypto pki trustpoint RT-TP
 enrollment url http://127.0.0.1:8080/scep
 subject-name CN=rt-1.lab.example.com,O=Lab
 revocation-check none
EOF
fi
cat <<EOF
end
write memory
terminal length 0
show running-config
EOF
} >"$tmp/a.in"
"$PKISH" --state "$tmp/a" <"$tmp/a.in" >"$tmp/a.out" 2>&1
# the output of the last "show running-config" in a transcript, to "end"
extract() {
	awk '/#show running-config$/ { out = ""; on = 1; next }
	    on { out = out $0 "\n"; if ($0 == "end") on = 0 }
	    END { printf "%s", out }' "$1"
}
extract "$tmp/a.out" >"$tmp/run1"
if grep -q '^% ' "$tmp/a.out"; then
	bad "configuring the first instance"
	grep -n '^% ' -B1 "$tmp/a.out" | head -20
else
	ok "configured the first instance (trustpoint: $tp)"
fi
[ -s "$tmp/run1" ] && grep -q '^hostname RT-1$' "$tmp/run1" &&
    grep -q '^ exec-timeout 15 30$' "$tmp/run1" &&
    grep -qF "secret 8 $H8" "$tmp/run1" && ok "running-config rendered" ||
    { bad "running-config rendered"; cat "$tmp/a.out" | tail -40; }

# (a) startup-config replay in a fresh state dir
cp "$tmp/a/startup-config" "$tmp/b/startup-config"
# (the enable secret came back too: "cisco" is its password)
printf 'enable\ncisco\nterminal length 0\nshow running-config\n' |
    "$PKISH" --state "$tmp/b" >"$tmp/b.out" 2>&1
extract "$tmp/b.out" >"$tmp/run2"
if grep -q 'startup-config line' "$tmp/b.out"; then
	bad "startup-config replayed without a bad line"
	grep 'startup-config line' -A3 "$tmp/b.out" | head -20
else
	ok "startup-config replayed without a bad line"
fi
if cmp -s "$tmp/run1" "$tmp/run2"; then
	ok "render -> startup-config -> render: identical"
else
	bad "render -> startup-config -> render: identical"
	diff -u "$tmp/run1" "$tmp/run2" | head -40
fi

# (b) the whole show running-config output pasted into a fresh console
{ printf 'enable\nconfigure terminal\n'; cat "$tmp/run1"
  printf 'terminal length 0\nshow running-config\n'; } >"$tmp/c.in"
"$PKISH" --state "$tmp/c" <"$tmp/c.in" >"$tmp/c.out" 2>&1
if grep -q '^% ' "$tmp/c.out"; then
	bad "paste accepted every line"
	grep -n '^% ' -B2 "$tmp/c.out" | head -20
else
	ok "paste accepted every line"
fi
extract "$tmp/c.out" >"$tmp/run3"
if cmp -s "$tmp/run1" "$tmp/run3"; then
	ok "render -> paste -> render: identical"
else
	bad "render -> paste -> render: identical"
	diff -u "$tmp/run1" "$tmp/run3" | head -40
fi

# a second round from the replayed state changes nothing either
printf 'enable\ncisco\nwrite memory\n' | "$PKISH" --state "$tmp/b" >/dev/null 2>&1
if cmp -s "$tmp/a/startup-config" "$tmp/b/startup-config"; then
	ok "write memory after the replay writes the same file"
else
	bad "write memory after the replay writes the same file"
	diff -u "$tmp/a/startup-config" "$tmp/b/startup-config" | head -20
fi
grep -q 'ERROR: AddressSanitizer\|runtime error\|LeakSanitizer' \
    "$tmp"/*.out && bad "no sanitizer report" || ok "no sanitizer report"
echo "$((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]
