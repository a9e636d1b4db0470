#!/bin/sh
# Install the Debian packages pkish needs, only when missing.
#   deps.sh run   - build and run
#   deps.sh test  - also the test peers and clients
set -e
# libssh-4, libssl3, libjson-c5, libcrypt1 and libcurl4 are dlopen()ed at run time
# (shell/ssh_dl.c, lib/ssl_dl.c, lib/json_dl.c, lib/crypt_dl.c): nothing
# links them, so they are named here besides their -dev packages.
RUN="gcc make pkg-config libssl-dev libcurl4-openssl-dev libjson-c-dev libssh-dev libcrypt-dev ca-certificates libssh-4 libssl3 libjson-c5 libcrypt1 libcurl4"
TEST="$RUN clang libclang-rt-14-dev openssl openssh-client telnet python3 python3-pexpect python3-cryptography expect valgrind pebble scep iproute2 util-linux netcat-openbsd procps curl"
case "$1" in
test) want=$TEST ;;
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
