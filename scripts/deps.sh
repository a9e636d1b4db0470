#!/bin/sh
# Install the Debian packages pkish needs, only when missing.
#   deps.sh run   - build and run
#   deps.sh test  - also the test peers and clients
#   deps.sh bench - also the peers the benchmarks compare with
set -e
# The run-time libraries come as dependencies of their -dev packages.
# libstrongswan-extra-plugins carries the curl fetcher `pki --scep` needs.
RUN="gcc make pkg-config libssl-dev libcurl4-openssl-dev libjson-c-dev libssh-dev libcrypt-dev libmicrohttpd-dev ca-certificates"
TEST="$RUN clang libclang-rt-14-dev openssl openssh-client telnet python3 python3-pexpect python3-cryptography expect valgrind pebble scep strongswan-pki libstrongswan-extra-plugins certmonger iproute2 util-linux netcat-openbsd procps curl xxd systemd man-db"
# make bench: the peers it is measured against (a missing one is left out).
BENCH="$TEST lego certbot uacme apache2-utils libevent-dev"
case "$1" in
test) want=$TEST ;;
bench) want=$BENCH ;;
*) want=$RUN ;;
esac
missing=""
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $missing
