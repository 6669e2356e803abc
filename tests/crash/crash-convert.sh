#!/bin/sh
# SPDX-License-Identifier: ISC
# crash-convert.sh -- SIGKILL `tlsdeck convert --server` (a new keystore
# file, then the settings: one transaction, core/txn.c) and check that the
# next tlsdeck command that writes rolls an interrupted transaction back.
# First a kill exactly between the two writes (the settings' directory
# lock is held by the test, so tlsdeck waits there with the new keystore
# written): `tlsdeck history` names the interrupted transaction, the next
# command says what it put back, the settings are the old ones byte for
# byte and no new keystore is left.  Then kills at random points, many
# times: after each, the next command leaves either the old settings and
# no keystore.p12, or the new settings with a complete new PKCS#12 file
# (it opens with the store password and holds the key entry with its
# certificate); the old JKS keystore is never touched.  Bounded to about
# 8 s (CRASH_SECONDS).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/crash/kill-between.sh"
command -v sha256sum >/dev/null 2>&1 || skip "no sha256sum"
export TLSDECK_BACKUP_DIR="$T/backups"
# Its own state directory: the journals a kill leaves are this test's.
export TLSDECK_STATE_DIR="$T/state"
PW=tlsdeck-demo
export PW
D=$T/srv
P=$D/conf/application.properties
sha() { sha256sum <"$1" | cut -c1-64; }

# A JKS server tree, made by tlsdeck: the demo's keystore converted.
"$TLSDECK" demo "$T/base" --no-open >/dev/null || fail "demo"
"$TLSDECK" convert "$T/base/conf/ssl/keystore.p12" --to jks \
    -o "$T/base/conf/ssl/keystore.jks" --storepass-env PW >/dev/null ||
    fail "to JKS"
rm "$T/base/conf/ssl/keystore.p12"
sed -i -e 's#keystore\.p12#keystore.jks#' \
    -e 's#^server.ssl.key-store-type=.*#server.ssl.key-store-type=JKS#' \
    -e "s#^sharedDataPath=.*#sharedDataPath=$D#" "$T/base/conf/application.properties"
fp=$("$TLSDECK" list "$T/base/conf/ssl/keystore.jks" --storepass-env PW \
    --format json | sed -n 's/^ *"sha256": "\(.*\)",*$/\1/p' | head -1)
[ -n "$fp" ] || fail "no fingerprint"
p_old=$(sha "$T/base/conf/application.properties")
k_old=$(sha "$T/base/conf/ssl/keystore.jks")

reset() { rm -rf "$D"; cp -a "$T/base" "$D"; }
njournals() { ls "$TLSDECK_STATE_DIR/txn" 2>/dev/null | grep -c '\.txn$'; }
# A command that writes, and fails without writing anything itself: it
# only rolls back what a killed tlsdeck left.
next_write() {
	"$TLSDECK" convert "$T/no-such.jks" --to pkcs12 >/dev/null 2>"$T/next"
	grep -v 'no-such.jks' "$T/next" >"$T/rolled" || :
}

# 1. Killed between the writes: the new keystore is written, tlsdeck
# waits for the lock of conf/ (held here, as another tlsdeck would).
reset
kill_between_writes "$D" "$D/conf/ssl/keystore.p12" ||
    fail "the new keystore never came"
pid=$killed_pid
[ "$(sha "$P")" = "$p_old" ] || fail "the settings changed under the lock"
[ "$(njournals)" -eq 1 ] || fail "no journal of the interrupted convert"
"$TLSDECK" history >"$T/h" || fail "history"
grep -q "interrupted convert --server (pid $pid, .*: the next tlsdeck command that writes rolls it back" \
    "$T/h" || { cat "$T/h"; fail "history does not name it"; }
next_write
[ "$(wc -l <"$T/rolled")" -eq 1 ] || { cat "$T/next"; fail "not one line"; }
grep -q "^tlsdeck: rolled back an interrupted convert --server (pid $pid, .*): removed $D/conf/ssl/keystore.p12\$" \
    "$T/rolled" || { cat "$T/next"; fail "rollback line"; }
[ ! -e "$D/conf/ssl/keystore.p12" ] || fail "the new keystore stayed"
[ "$(sha "$P")" = "$p_old" ] || fail "the settings are not the old ones"
[ "$(sha "$D/conf/ssl/keystore.jks")" = "$k_old" ] ||
    fail "the old keystore changed"
[ "$(njournals)" -eq 0 ] || fail "the journal stayed"
"$TLSDECK" history >"$T/h"
grep -q "rollback .*keystore.p12  (interrupted convert --server" "$T/h" ||
    { cat "$T/h"; fail "history: no rollback entry"; }
# and the same convert, run again, is complete
"$TLSDECK" convert --server "$D" --to pkcs12 >/dev/null 2>"$T/e" ||
    { cat "$T/e"; fail "convert after the rollback"; }
[ ! -s "$T/e" ] || { cat "$T/e"; fail "convert after: stderr"; }

# Calibrate the kill delays on one complete run.
reset
t0=$(date +%s%N)
"$TLSDECK" convert --server "$D" --to pkcs12 >/dev/null ||
    fail "calibration convert"
per=$(( ($(date +%s%N) - t0) / 1000 ))
[ "$per" -ge 2000 ] || per=2000
p_new=$(sha "$P")
echo "one convert takes about $per us; kill delays 0..$per us"
runs=${CRASH_RUNS:-200}
limit=${CRASH_SECONDS:-8}
start=$(date +%s)
i=0 old=0 new=0 rolled=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	reset
	delay=$(awk -v s="$i$$" -v p="$per" 'BEGIN { srand(s);
	    printf "%d", rand() * p }')
	"$TLSDECK" convert --server "$D" --to pkcs12 >/dev/null 2>&1 &
	pid=$!
	usleep=$(awk -v d="$delay" 'BEGIN { printf "%.6f", d / 1000000 }')
	sleep "$usleep"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	next_write
	[ "$(njournals)" -eq 0 ] || fail "run $i: a journal stayed"
	grep -q 'rolled back' "$T/rolled" && rolled=$((rolled + 1))
	s=$(sha "$P")
	[ "$(sha "$D/conf/ssl/keystore.jks")" = "$k_old" ] ||
	    fail "run $i: the old keystore changed"
	if [ "$s" = "$p_old" ]; then
		old=$((old + 1))
		[ ! -e "$D/conf/ssl/keystore.p12" ] ||
		    fail "run $i: old settings, and a stray keystore.p12"
	elif [ "$s" = "$p_new" ]; then
		new=$((new + 1))
		"$TLSDECK" list "$D/conf/ssl/keystore.p12" --storepass-env PW \
		    --format json >"$T/l" 2>"$T/e" ||
		    fail "run $i: settings switched, new keystore broken: $(cat "$T/e")"
		grep -q "$fp" "$T/l" || fail "run $i: the key's certificate is missing"
	else
		fail "run $i: the settings are neither old nor new"
	fi
	[ $(( $(date +%s) - start )) -ge "$limit" ] && break
done
echo "$i kills: settings old $old, new $new; $rolled rolled back"
[ "$i" -ge 5 ] || fail "only $i runs"
exit 0
