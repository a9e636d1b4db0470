# tests/e2e/ns.bash - sourced by the bash-wrapped Python tests that run in
# namespaces of their own (fault_disk.sh, fault_ca_db.sh,
# limit_http_daemon.sh, ca_valgrind.sh); not a test itself.
# ns_need WHY TOOL...: a skip (77) without a TOOL, or without root (WHY:
# what root is for); ROOT (default: here) absolute and exported.
# ns_abs VAR DEFAULT: VAR (DEFAULT when unset) made absolute and exported.
# ns_load: LOAD (build/scep_load, made by `make unit`), a failure without
# it. ns_enter FLAG "OPTS" ARGS: the script again (with ARGS) under
# `unshare OPTS --fork`, once (FLAG set inside); loopback up.
# ns_tmpfs NAME DIR: T, a fresh /tmp/NAME.XXXXXX (exported), with a 2 MB
# tmpfs on T/DIR, private to this mount namespace; ns_tmpfs_done RC
# unmounts it, removes T and exits RC.
ns_need() {
	local why=$1 c
	shift
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || { echo "SKIP: no $c"; exit 77; }
	done
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root ($why)"; exit 77; }
	ROOT=${ROOT:-$(pwd)}
	ns_abs ROOT "$ROOT"
}
ns_abs() {
	local val=${!1:-$2}
	case $val in /*) ;; *) val=$PWD/$val ;; esac
	printf -v "$1" %s "$val"
	export "${1?}"
}
ns_load() {
	LOAD=$ROOT/build/scep_load
	[ -x "$LOAD" ] || { echo "not ok 1 - no $LOAD (make unit)"; exit 1; }
	export LOAD
}
ns_enter() {
	local flag=$1 opts=$2
	shift 2
	if [ -z "${!flag:-}" ]; then
		export "$flag=1"
		# shellcheck disable=SC2086
		exec unshare $opts --fork bash "$0" "$@"
	fi
	ip link set lo up
}
NS_TMPFS=
ns_tmpfs() {
	mount --make-rprivate / ||
	    { echo "not ok 1 - mount --make-rprivate"; exit 1; }
	T=$(mktemp -d "/tmp/$1.XXXXXX")
	NS_TMPFS=$T/$2
	mkdir "$NS_TMPFS"
	mount -t tmpfs -o size=2m,mode=0700 tmpfs "$NS_TMPFS" ||
	    { echo "not ok 1 - tmpfs mount"; exit 1; }
	export T
}
ns_tmpfs_done() {
	umount "$NS_TMPFS"
	rm -rf "$T"
	exit "$1"
}
