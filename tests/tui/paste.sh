#!/bin/sh
# SPDX-License-Identifier: ISC
# paste.sh -- a paste does not load the keystore once per character: 10 KB
# pasted into the password field of the New key pair form, on a keystore
# of 5,000 entries that opens with any password (passwordless PKCS#12: each
# check is a full load), is taken within a few seconds, and the keystore
# is read once for it, not 1,024 times (/proc/PID/io, when readable).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"
P12TOOL=$TOP_BUILDDIR/tests/tools/p12-tool
[ -x "$P12TOOL" ] || skip "p12-tool not built"
LIMIT=${TLSDECK_PASTE_LIMIT:-15}

"$TLSDECK" demo "$T/demo" --no-open >/dev/null || fail "demo tree"
KS=$T/big.p12
P12PASSWORDLESS=1 "$P12TOOL" gen "$TESTDATA/certs/bundle-crlf.pem" "$KS" \
    5000 >/dev/null || fail "p12-tool gen"
TLSDECK_BACKUP_DIR=$T/bk "$TLSDECK" configure --no-live \
    --properties "$T/demo/conf/application.properties" \
    --set "server.ssl.key-store=$KS" >/dev/null || fail "configure"

# 10 KB, then Esc in the same paste: it is read after every pasted key.
{ head -c 10240 /dev/zero | tr '\0' 'k'; printf '\033'; } >"$T/paste"
TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bk"
tt_start 100 30 --properties "$T/demo/conf/application.properties" --no-live
tt_wait_for 'SSL settings'
pid=$(tt display-message -p -t "$TT_T" '#{pane_pid}')
tt_keys F8
tt_wait_for 'One step at a time'
tt_keys 1
tt_wait_for 'New key pair'
tt_wait_for 'PKCS12 keystore, 5000 entries'
tt_keys Tab C-u
# The tlsdeck process (the pane runs a shell that runs it).
tpid=$(ps -o pid= --ppid "$pid" | tr -d ' ' | head -1)
[ -n "$tpid" ] || tpid=$pid
# Bytes tlsdeck has read so far (root can see them: it is not dumpable).
rchar() { awk '/^rchar/ { print $2 }' "/proc/$tpid/io" 2>/dev/null; }
r0=$(rchar)
tt load-buffer "$T/paste"
s=$(date +%s)
tt paste-buffer -t "$TT_T"
# Esc leaves the form: only once every key before it was handled.
tt_wait_gone 'New key pair' "$LIMIT"
e=$(date +%s)
r1=$(rchar)
echo "# paste handled in $((e - s)) s"
[ $((e - s)) -le "$LIMIT" ] || tt_fail "the paste took $((e - s)) s"
if [ -n "$r0" ] && [ -n "$r1" ]; then
	size=$(wc -c <"$KS")
	echo "# read $((r1 - r0)) bytes for the paste (the keystore: $size)"
	[ $((r1 - r0)) -le $((3 * size)) ] ||
	    tt_fail "read $((r1 - r0)) bytes: the keystore more than 3 times"
fi
tt_keys F10
tt_wait_exit >/dev/null
exit 0
