#!/bin/sh
# SPDX-License-Identifier: ISC
# crash-wizard.sh -- the dashboard's "Enable HTTPS - self-signed" wizard
# killed between its writes: its steps are one transaction (core/txn.c).
# The test holds the lock of conf/ (as another tlsdeck would), so the
# wizard writes the new keystore in conf/ssl/ and then waits to write
# application.properties; there it is killed (SIGKILL).  `tlsdeck history`
# names the interrupted transaction; the next tlsdeck command that writes
# rolls it back in one line: the keystore it created is removed (kept as
# a backup), application.properties is byte for byte as before.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v flock >/dev/null 2>&1 || { echo "SKIP: no flock"; exit 77; }

T=$TT_DIR/srv
S=$TT_DIR/state
mkdir -p "$T/conf" "$T/jre/lib/security" "$TT_DIR/bk" "$S/locks" || exit 99
chmod 700 "$S" "$S/locks"
cat >"$T/conf/application.properties" <<EOF2
# Integration Manager
sharedDataPath=$T
server.port=8080
EOF2
printf 'JAVA_VERSION="17.0.15"\n' >"$T/jre/release"
"$TLSDECK" demo "$TT_DIR/d" --no-open >/dev/null || exit 99
cp "$TT_DIR/d/jre/lib/security/cacerts" "$T/jre/lib/security/cacerts"
P=$T/conf/application.properties
p_old=$(sha256sum <"$P")
export TLSDECK_BACKUP_DIR="$TT_DIR/bk" TLSDECK_STATE_DIR="$S"

PW='s3cret-Pass'
TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bk TLSDECK_STATE_DIR=$S TLSDECK_LOCK_WAIT_MS=60000"
tt_start 80 24 --properties "$P"
tt_wait_for 'F1 Help'
tt_keys F2
tt_wait_for 'Which certificate will the server present'
tt_keys 1
tt_wait_for 'New key pair  step 1 of 4'
tt_wait_for 'new file: it will be created, and'
tt_keys Tab
tt_type "$PW"
tt_keys Tab
tt_type "$PW"
tt_wait_gone 'does not match the password'
tt_keys F2
tt_wait_for 'SSL settings  step 2 of 4'
tt_keys F2
tt_wait_for 'Export certificate  step 3 of 4'
tt_keys F2
tt_wait_for 'Trust in cacerts  step 4 of 4'
tt_keys F2
tt_wait_for 'The plan, 4 steps'
# (the forms' checks read the files under the same lock: taken now)
lockf=$S/locks/$(stat -c %d-%i "$T/conf").lock
flock -o "$lockf" sleep 60 >/dev/null 2>&1 &
holder=$!
trap 'kill $holder 2>/dev/null; tt_cleanup' EXIT
n=0
while [ ! -e "$lockf" ] && [ $n -lt 100 ]; do sleep 0.02; n=$((n + 1)); done
tt_keys y
# the key pair is written, then the settings wait for the lock
n=0
while [ ! -e "$T/conf/ssl/keystore.p12" ] ||
    ! ls "$S/txn" 2>/dev/null | grep -q '\.txn$'; do
	[ $n -lt 1500 ] || tt_fail "the keystore was never written"
	sleep 0.02
	n=$((n + 1))
done
sleep 0.3
j=$(ls "$S/txn" | grep '\.txn$')
pid=${j%%-*}
[ -d "/proc/$pid" ] || tt_fail "no tlsdeck process $pid"
kill -9 "$pid"
kill "$holder"
while [ -d "/proc/$pid" ]; do sleep 0.02; done
[ "$(sha256sum <"$P")" = "$p_old" ] || tt_fail "the settings changed"
[ -e "$T/conf/ssl/keystore.p12" ] || tt_fail "no keystore to roll back"

"$TLSDECK" history >"$TT_DIR/h" 2>&1 || tt_fail "history"
grep -q "interrupted dashboard (pid $pid, .*: the next tlsdeck command that writes rolls it back" \
    "$TT_DIR/h" || { cat "$TT_DIR/h"; tt_fail "history does not name it"; }
"$TLSDECK" convert "$TT_DIR/no-such.jks" --to pkcs12 >/dev/null \
    2>"$TT_DIR/e" && tt_fail "convert of nothing"
grep -v no-such.jks "$TT_DIR/e" >"$TT_DIR/r"
[ "$(wc -l <"$TT_DIR/r")" -eq 1 ] || { cat "$TT_DIR/e"; tt_fail "not one line"; }
grep -q "^tlsdeck: rolled back an interrupted dashboard (pid $pid, .*): removed $T/conf/ssl/keystore.p12\$" \
    "$TT_DIR/r" || { cat "$TT_DIR/e"; tt_fail "the rollback line"; }
[ ! -e "$T/conf/ssl/keystore.p12" ] || tt_fail "the keystore stayed"
[ "$(sha256sum <"$P")" = "$p_old" ] || tt_fail "the settings are not as before"
[ -z "$(ls "$S/txn")" ] || tt_fail "a journal stayed"
"$TLSDECK" history | grep -q "rollback .*keystore.p12  (interrupted dashboard" ||
    tt_fail "the removed keystore is not in the history"
echo "killed pid $pid between the key pair and the settings: rolled back"
exit 0
