#!/bin/sh
# SPDX-License-Identifier: ISC
# rollback.sh -- a convert --server killed between its two writes leaves a
# transaction journal; opening the dashboard rolls it back first and says
# so in its first message (not only on the terminal the dashboard
# covers): the settings are as before and the new keystore is gone.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
. "${TOP_SRCDIR:-.}/tests/crash/kill-between.sh"
command -v flock >/dev/null || { echo "SKIP: flock missing"; exit 77; }

S=$TT_DIR/state
D=$TT_DIR/srv
PW=tlsdeck-demo
export PW
TLSDECK_STATE_DIR=$S
TLSDECK_BACKUP_DIR=$TT_DIR/bk
export TLSDECK_STATE_DIR TLSDECK_BACKUP_DIR
TT_ENV="TLSDECK_STATE_DIR=$S TLSDECK_BACKUP_DIR=$TT_DIR/bk"

"$TLSDECK" demo "$D" --no-open >/dev/null || tt_fail "demo"
P=$D/conf/application.properties
"$TLSDECK" convert "$D/conf/ssl/keystore.p12" --to jks \
    -o "$D/conf/ssl/keystore.jks" --storepass-env PW >/dev/null ||
    tt_fail "to JKS"
rm "$D/conf/ssl/keystore.p12"
sed -i -e 's#keystore\.p12#keystore.jks#' \
    -e 's#^server.ssl.key-store-type=.*#server.ssl.key-store-type=JKS#' "$P"
cp "$P" "$TT_DIR/p.orig"

# convert killed between its two writes (tests/crash/kill-between.sh)
kill_between_writes "$D" "$D/conf/ssl/keystore.p12" ||
    tt_fail "the new keystore never came"
ls "$S/txn" | grep -q '\.txn$' || tt_fail "no journal left"

tt_start 120 30 --server "$D" --no-live
tt_wait_for 'rolled back an interrupted convert --server' ||
    tt_fail "the dashboard does not say it rolled back"
cmp -s "$P" "$TT_DIR/p.orig" || tt_fail "the settings were not put back"
[ -e "$D/conf/ssl/keystore.p12" ] && tt_fail "the new keystore is left"
tt_keys F10
tt_wait_exit >/dev/null
exit 0
