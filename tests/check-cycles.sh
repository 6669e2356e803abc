#!/bin/sh
# SPDX-License-Identifier: ISC
# check-cycles.sh -- which source files call each other in a circle.
#
# Usage: tests/check-cycles.sh [-v] [BUILDDIR]   (default: .)
#
# Reads the objects of a build (core/, cli/, tui/) with nm: file A depends on
# file B when A's object references a global symbol B's object defines.
# Prints each set of files that reach each other (a strongly connected
# component of more than one file) and the edges inside it; -v names the
# symbols behind each edge.  Fails on any such set except the ones allowed
# below.  The one cycle by design: the keystore model (keystore.c) calls its
# codecs through the codec table, and the codecs build the model.
allowed='core/jks.c core/keystore.c core/pem.c core/pkcs12.c'
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
b=${1:-.}
n=0
tmp=$(mktemp) || exit 1
for d in core cli tui; do
	for o in "$b/$d"/*.o; do
		[ -f "$o" ] || continue
		n=$((n + 1))
		f=${o##*/}
		f=${f#libcore_a-}
		f=${f#libtui_a-}
		f=${f#tests_unit_test_render-}
		f=${f#tlsdeck-}
		f=$d/${f%.o}.c
		nm "$o" | awk -v f="$f" '
			$1 == "U" { print "U", f, $2; next }
			NF == 3 && $2 ~ /^[TDBRCGS]$/ { print "D", f, $3 }'
	done
done >"$tmp"
if [ "$n" = 0 ]; then
	echo "no objects under $b/core, $b/cli, $b/tui: build first"
	rm -f "$tmp"
	exit 1
fi
awk -v verbose=$verbose -v allowed="$allowed" '
# Is every one of the m files in mem named in list, or under dir?
function within(mem, m, list, dir,	i, ok) {
	for (i = 1; i <= m; i++) {
		ok = index(" " list " ", " " mem[i] " ") > 0 ||
		    (dir != "" && index(mem[i], dir) == 1)
		if (!ok)
			return (0)
	}
	return (1)
}
$1 == "D" { def[$3] = $2; next }
$1 == "U" { use[++nu] = $2 " " $3; next }
END {
	for (i = 1; i <= nu; i++) {
		split(use[i], a, " ")
		if (!(a[2] in def) || def[a[2]] == a[1])
			continue
		e = a[1] SUBSEP def[a[2]]
		sym[e] = sym[e] " " a[2]
		if (!(e in edge)) {
			edge[e] = 1
			out[a[1]] = out[a[1]] " " def[a[2]]
			node[a[1]] = node[def[a[2]]] = 1
		}
	}
	# reach[x, y]: y is reachable from x
	for (x in node) {
		n = 0
		stack[++n] = x
		while (n > 0) {
			y = stack[n--]
			k = split(out[y], nx, " ")
			for (j = 1; j <= k; j++)
				if (!((x, nx[j]) in reach)) {
					reach[x, nx[j]] = 1
					stack[++n] = nx[j]
				}
		}
	}
	bad = 0
	for (x in node) {
		if (x in done || !((x, x) in reach))
			continue
		set = ""
		for (y in node)
			if ((x, y) in reach && (y, x) in reach) {
				done[y] = 1
				set = set " " y
			}
		m = split(set, mem, " ")
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && mem[j - 1] > mem[j]; j--) {
				t = mem[j]; mem[j] = mem[j - 1]; mem[j - 1] = t
			}
		line = ""
		for (i = 1; i <= m; i++)
			line = line (i > 1 ? " " : "") mem[i]
		if (within(mem, m, allowed, ""))
			what = "allowed"
		else {
			what = "NOT ALLOWED"
			bad++
		}
		print "cycle (" m " files, " what "): " line
		for (i = 1; i <= m; i++)
			for (j = 1; j <= m; j++)
				if ((mem[i], mem[j]) in edge)
					print "\t" mem[i] " -> " mem[j] \
					    (verbose ? ":" sym[mem[i], mem[j]] : "")
	}
	if (bad == 0)
		print "file cycles ok"
	exit bad > 0
}' "$tmp"
rc=$?
rm -f "$tmp"
exit $rc
