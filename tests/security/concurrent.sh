#!/bin/sh
# SPDX-License-Identifier: ISC
# concurrent.sh -- another program's change that lands between tlsdeck's
# last check and its rename is not lost (docs/security.md, "Concurrent
# writers").  strace holds configure's rename of the properties file for
# a few seconds; meanwhile a line is appended in place.  tlsdeck must see
# it after the rename, put that version back, fail naming the conflict,
# and leave no history entry for a change that did not happen.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/security/seclib.sh"
command -v strace >/dev/null || skip "strace missing"
strace -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
command -v jq >/dev/null || skip "jq missing"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
export TLSDECK_BACKUP_DIR
p=$T/conf/application.properties
mkdir "$T/conf"
printf 'a=1\n' >"$p"
# One write first, so the backup directory and its manifest exist.
run 0 configure --properties "$p" --set a=2
n0=$("$TLSDECK" history --format json | jq '.backups | length')

# The second rename* of the run is the properties file's (the first is
# the backup manifest's): hold it 3 s.  strace writes the call's entry
# (with its paths) before the delay: once it is there, tlsdeck has made
# its last check and waits in the rename.  LeakSanitizer cannot run under
# ptrace: the traced run keeps ASan's other checks and skips the leak one.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
strace -f -qq -s 256 -o "$T/trace" -e trace=rename,renameat,renameat2 \
    -e inject=rename,renameat,renameat2:delay_enter=3000000:when=2 \
    "$TLSDECK" configure --properties "$p" --set b=2 >"$T/out" 2>"$T/err" &
pid=$!
i=0
while ! grep -q '"application.properties"' "$T/trace" 2>/dev/null &&
    [ $i -lt 400 ]; do
	sleep 0.05
	i=$((i + 1))
done
grep -q '"application.properties"' "$T/trace" ||
    fail "the rename was not seen: $(cat "$T/trace")"
printf 'appended=by-another-program\n' >>"$p"
wait "$pid"
rc=$?
err=$(cat "$T/err")
grep -qx 'appended=by-another-program' "$p" ||
    fail "the other program's line was lost (exit $rc): $(cat "$p")"
[ "$rc" = 1 ] || fail "exit $rc, expected 1: $err"
one_line
has_err "another program changed it while tlsdeck was replacing it"
grep -q '^b=2' "$p" && fail "tlsdeck's change is in place: $(cat "$p")"
n1=$("$TLSDECK" history --format json | jq '.backups | length')
[ "$n1" = "$n0" ] || fail "$((n1 - n0)) history entries for no change"
ls -A "$T/conf" | grep -q '^\.tlsdeck-tmp-' && fail "temporary file left"
finish
