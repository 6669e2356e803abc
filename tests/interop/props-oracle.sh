#!/bin/sh
# SPDX-License-Identifier: ISC
# props-oracle.sh -- core/props.c against java.util.Properties.load: every
# file of tests/data/props, the sample, and random files must read the same
# (tests/tools/props-dump.c vs tests/interop/PropsDump.java), with JDK 17 and,
# when present, Temurin 25.  Then values written by props_set must read back
# in Java exactly as set.
set -u

: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${TESTDATA:=$TOP_SRCDIR/tests/data}"
DUMP=$TOP_BUILDDIR/tests/tools/props-dump

command -v javac >/dev/null 2>&1 || { echo "skip: no javac"; exit 77; }
command -v java >/dev/null 2>&1 || { echo "skip: no java"; exit 77; }
[ -x "$DUMP" ] || { echo "missing $DUMP"; exit 99; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/props-oracle.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM HUP
fail=0

javac -d "$tmp" "$TOP_SRCDIR/tests/interop/PropsDump.java" || exit 99

mkdir "$tmp/rand"
"$DUMP" -g 20240517 400 "$tmp/rand" || exit 99

set -- "$TESTDATA/samples/properties-test.properties" \
    "$TESTDATA"/props/*.properties "$tmp"/rand/*.properties
nfiles=$#

# Our reading (also checked: it sees every file).
"$DUMP" "$@" >"$tmp/ours.out" || { echo "props-dump failed"; exit 1; }
n=$(grep -c '^== ' "$tmp/ours.out")
if [ "$n" -ne "$nfiles" ]; then
	echo "props-dump printed $n sections for $nfiles files"
	fail=1
fi

# The malformed files must fail in ours (and, below, in Java).
for f in "$TESTDATA"/props/bad-*.properties; do
	if ! grep -A1 -F -x "== $f" "$tmp/ours.out" | grep -q -x \
	    'ERROR malformed'; then
		echo "FAIL: $f should not load"
		fail=1
	fi
done
# A sanity check on the format: the sample's known pair.
grep -q -F -x '[multi] => [line one line two line three]' "$tmp/ours.out" ||
    { echo "FAIL: multi not read as expected"; fail=1; }

run_java() {	# java-binary label files...
	jbin=$1
	label=$2
	shift 2
	if ! "$jbin" -cp "$tmp" PropsDump "$@" \
	    >"$tmp/java-$label.out" 2>"$tmp/java-$label.err"; then
		echo "java ($label) failed:"
		cat "$tmp/java-$label.err"
		fail=1
		return
	fi
	if diff -u "$tmp/java-$label.out" "$tmp/ours.out" >"$tmp/diff-$label"
	then
		echo "ok: $nfiles files read identically by Java $label"
	else
		echo "FAIL: differences from Java $label (-java +ours):"
		head -60 "$tmp/diff-$label"
		fail=1
	fi
}

run_java java 17 "$@"
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
if [ -x "$J25" ]; then
	run_java "$J25" 25 "$@"
else
	echo "note: Temurin 25 not found, JDK 17 only"
fi

# props_set writes values Java reads back exactly.  Each case: file, key,
# value, and a line the dump of the result must hold.  One JVM reads all.
i=0
setcase() {	# file key value expected-line
	i=$((i + 1))
	if ! "$DUMP" -s "$1" "$2" "$3" >"$tmp/set-$i.properties"; then
		echo "FAIL: set $2 in $1"
		fail=1
	fi
	printf '%s\n' "$4" >"$tmp/set-$i.want"
}
P=$TESTDATA/props
setcase "$P/integration-manager.properties" server.ssl.key-store \
    'C:\ProgramData\Actian\ks.p12' \
    '[server.ssl.key-store] => [C:\u005cProgramData\u005cActian\u005cks.p12]'
setcase "$P/crlf.properties" multi '  lead: =x #y !z  ' \
    '[multi] => [  lead: =x #y !z  ]'
setcase "$P/crlf.properties" new.key 'caf'"$(printf '\303\251')"' '"$(printf '\360\237\230\200')" \
    '[new.key] => [caf\u00e9 \ud83d\ude00]'
setcase "$P/separators.properties" 'odd key:=#!' '=starts with equals' \
    '[odd key:=#!] => [=starts with equals]'
setcase "$P/separators.properties" key4 ':colon first' \
    '[key4] => [:colon first]'
setcase "$P/lone-backslash-eof.properties" added 'v\' \
    '[added] => [v\u005c]'
setcase "$P/lone-backslash-line-eof.properties" added 'w' '[added] => [w]'
setcase "$P/lone-backslash-line-eof.properties" added 'w' '[] => []'
setcase "$P/backslash-newline-eof.properties" c 'tab	and
newline' '[c] => [tab\u0009and\u000anewline]'
setcase "$P/cr-only.properties" e '5' '[e] => [5]'
setcase "$P/cr-only.properties" e '5' '[cont.cr] => [x]'
setcase "$P/no-final-newline.properties" z 'zz' '[last] => [no newline]'
setcase "$P/empty-keys.properties" '' 'was empty' '[] => [was empty]'
setcase "$P/escapes.properties" esc 'replaced' '[esc] => [replaced]'
setcase "$P/backslash-crlf-eof.properties" c '3' '[b] => [x]'
setcase "$P/backslash-ws-eof.properties" c '3' '[b] => [x]'
setcase "$P/lone-backslash-lf-eof.properties" c '3' '[] => []'
setcase "$P/lone-backslash-crlf-eof.properties" c '3' '[c] => [3]'
setcase "$P/continuation.properties" multi 'one' '[blank.ends] => [abc ]'
setcase "$P/junk.properties" ctrl "$(printf 'a\033b')" '[ctrl] => [a\u001bb]'

set --
j=1
while [ "$j" -le "$i" ]; do
	set -- "$@" "$tmp/set-$j.properties"
	j=$((j + 1))
done
java -cp "$tmp" PropsDump "$@" >"$tmp/set.java" || fail=1
"$DUMP" "$@" >"$tmp/set.ours"
if ! cmp -s "$tmp/set.java" "$tmp/set.ours"; then
	echo "FAIL: edited files read differently by Java and ours:"
	diff "$tmp/set.java" "$tmp/set.ours"
	fail=1
fi
j=1
while [ "$j" -le "$i" ]; do
	# The section of file j in Java's output.
	awk -v f="== $tmp/set-$j.properties" '
	    /^== / { on = ($0 == f); next } on' "$tmp/set.java" \
	    >"$tmp/set-$j.java"
	if ! grep -q -F -x -f "$tmp/set-$j.want" "$tmp/set-$j.java"; then
		echo "FAIL: set case $j: Java does not read $(cat \
		    "$tmp/set-$j.want")"
		cat "$tmp/set-$j.java"
		fail=1
	fi
	j=$((j + 1))
done
echo "ok: $i edits read back by Java as set"

exit $fail
