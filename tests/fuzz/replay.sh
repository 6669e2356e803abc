#!/bin/sh
# Replay every fuzz corpus (tests/fuzz/corpus-NAME) through its target
# (built as tests/fuzz/replay-NAME).  A crash or sanitizer report fails.
. "$TOP_SRCDIR/tests/lib.sh"
n=0
for dir in "$TOP_SRCDIR"/tests/fuzz/corpus-*; do
	name=${dir##*/corpus-}
	bin=$TOP_BUILDDIR/tests/fuzz/replay-$name
	[ -x "$bin" ] || fail "no replay binary for corpus $name"
	ls "$dir" | grep -q . || continue
	"$bin" "$dir"/* >"$T/out" 2>&1 || { cat "$T/out"; fail "replay $name"; }
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no corpus replayed"
echo "replayed $n corpora"
