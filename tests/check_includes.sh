#!/bin/sh
# tests/check_includes.sh - the include rule of pkish, checked on every
# #include "..." of main.c, */*.c and */*.h:
#
#   shell -> parser -> (pki, conf) -> (acme, scep) -> lib
#
# A file may include (1) any header of its own part, or (2) the public
# header of a part on a LOWER level. Parts on one level are siblings and
# never include each other (pki and conf; acme and scep), so there are no
# cycles. Downward includes may skip levels (shell includes conf/conf.h).
# Internal headers (*_int.h, and every header of a part other than its
# public one) never leave their part; in lib/ every header but *_int.h is
# public. Usage: sh tests/check_includes.sh [ROOT]; exit 1 on a violation,
# with one line per offending include. `--selftest` checks that the check
# itself catches an upward include (parser/ from pki/) and an internal
# header used across parts, on a copy of the tree.
# fuzz/, like tests/, calls into the internals of each part on purpose
# (each fuzz target drives one part's real parser): not checked.

# The rule table, the only place the layering is written down:
# part   level  headers other parts may include
RULES='
main    6       -
shell   5       shell/shell.h
parser  4       parser/parser.h
pki     3       pki/pki.h
conf    3       conf/conf.h
acme    2       acme/acme.h
scep    2       scep/scep.h
lib     1       lib/*.h
'

if [ "$1" = --selftest ]; then
	src=$(cd "$(dirname "$0")/.." && pwd)
	tmp=$(mktemp -d) || exit 2
	trap 'rm -rf "$tmp"' EXIT
	(cd "$src" && find . -path ./tests -prune -o -path ./bench -prune -o -path ./fuzz -prune -o \
	    \( -name '*.c' -o -name '*.h' \) -exec cp --parents {} "$tmp" \;) ||
	    exit 2
	rc=0
	for m in 'pki/init.c:parser/parser.h:upward' \
	    'parser/cmd_pki.c:pki/tp_int.h:internal' \
	    'acme/jws.c:scep/scep.h:sideways' 'pki/pki.h:shell/shell.h:upward'; do
		f=${m%%:*}; r=${m#*:}; h=${r%%:*}; want=${r#*:}
		cp "$tmp/$f" "$tmp/$f.orig"
		printf '#include "%s"\n' "$h" >>"$tmp/$f"
		out=$(sh "$0" "$tmp")
		if [ $? -eq 0 ] || ! printf '%s\n' "$out" |
		    grep -qF "$f: #include \"$h\": $want"; then
			echo "not caught: #include \"$h\" in $f"
			rc=1
		fi
		mv "$tmp/$f.orig" "$tmp/$f"
	done
	exit $rc
fi
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
files=$(ls main.c */*.c */*.h 2>/dev/null | grep -v '^tests/\|^bench/\|^fuzz/\|^build')
# shellcheck disable=SC2086
grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files |
awk -v rules="$RULES" '
BEGIN {
	n = split(rules, ln, "\n")
	for (i = 1; i <= n; i++) {
		if (split(ln[i], f, " ") < 3)
			continue
		level[f[1]] = f[2]
		pub[f[1]] = f[3]
	}
}
function public(part, path,   p) {
	if (path ~ /_int\.h$/)
		return 0
	p = pub[part]
	if (p ~ /\/\*\.h$/)
		return index(path, part "/") == 1 && path !~ /\/.*\//
	return path == p
}
{
	file = $0; sub(/:.*/, "", file)
	inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
	from = (file == "main.c") ? "main" : file
	sub(/\/.*/, "", from)
	to = inc; sub(/\/.*/, "", to)
	where = file ": #include \"" inc "\""
	if (!(from in level)) { print where ": " from "/ is in no rule"; bad++; next }
	if (inc !~ /\//)	# a bare name is a header beside the file
		next
	if (!(to in level)) { print where ": " to "/ is in no rule"; bad++; next }
	if (from == to)
		next
	if (level[to] + 0 >= level[from] + 0) {
		print where ": " (level[to] == level[from] ? "sideways" : "upward") \
		    " (" from " may not include " to ")"
		bad++
	} else if (!public(to, inc)) {
		print where ": internal to " to "/ (use " pub[to] ")"
		bad++
	}
}
END {
	exit bad > 0
}'
