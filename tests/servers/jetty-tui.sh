#!/bin/sh
# SPDX-License-Identifier: ISC
# jetty-tui.sh -- the "Renew - self-signed" wizard on a running Debian
# Jetty 9.4 with the ssl-reload module (tests/servers/lib.sh: a private
# jetty.base on free loopback ports), by keystrokes in tmux
# (tests/tui/lib.sh).  Jetty has no key alias setting (it serves every
# entry, by SNI): the wizard renews the served entry in place (same
# alias, Replace: yes), its settings page changes nothing, the ini files
# stay as they were, the end says Jetty reloads the keystore itself, and
# the probe sees the new certificate served without a restart (same
# pid).
. "${TOP_SRCDIR:-.}/tests/servers/lib.sh"
need_jetty
need_keytool
# tests/tui/lib.sh sets its own EXIT trap: both clean-ups run.
. "$TOP_SRCDIR/tests/tui/lib.sh"
trap 'tt_cleanup; srv_cleanup' EXIT
TT_TIMEOUT=30

CA=$T/cacerts.p12
J=$T/jb
jt_base "$J"
port PS
PW='Jt-4w!Rr8pw'
KS=$J/etc/keystore.p12
ks_rsa "$KS" a a.example.test "$PW"
trust_of "$CA" "$KS" a "$PW"
cat >"$J/start.d/ssl.ini" <<EOF
--module=ssl,https
--module=ssl-reload
jetty.ssl.host=127.0.0.1
jetty.ssl.port=$PS
jetty.sslContext.keyStorePath=etc/keystore.p12
jetty.sslContext.keyStoreType=PKCS12
jetty.sslContext.keyStorePassword=$PW
jetty.sslContext.keyManagerPassword=$PW
jetty.sslContext.trustStorePath=etc/keystore.p12
jetty.sslContext.reload.scanInterval=1
EOF
cp "$J/start.d/ssl.ini" "$T/ssl.before"
jt_start "$J" "$PS"
JPID=$SRV_PID
OLD=$(fp_of "$KS" a "$PW")

nopw() {
	tt_screen | grep -qF -- "$PW" && tt_fail "the password is on screen"
	return 0
}

TT_ENV="TLSDECK_BACKUP_DIR=$T/backups"
tt_start 200 50 --server "$J" --cacerts "$CA"
tt_wait_for '★ a '
tt_row 0 | grep -q "tlsdeck  Jetty $J/start.d/ssl.ini" ||
    tt_fail "header: $(tt_row 0)"
tt_screen | grep -q 'jetty.sslContext.keyStorePath' ||
    tt_fail "Jetty's names are not in the settings"
nopw
tt_keys F3
tt_wait_for 'The old key stays in use until the new'
tt_keys 1
tt_wait_for 'New key pair  step 1 of 4'
tt_wait_for 'opens the keystore'
tt_screen | grep -q 'Alias  *a  *$\|Alias  *a  ' || tt_fail "alias: not a"
tt_screen | grep -q 'Replace existing entry  *no  \[yes\]' ||
    tt_fail "not replaced in place"
tt_screen | grep -q 'Common name (CN)  *a.example.test' || tt_fail "CN"
tt_keys F2
tt_wait_for 'SSL settings  step 2 of 4'
tt_wait_for 'jetty.sslContext.keyStoreType'
tt_screen | grep -q 'serves every key entry' || tt_fail "no SNI note"
tt_screen | grep -q 'key-alias\|server.ssl' && tt_fail "an alias setting"
nopw
tt_keys F2
tt_wait_for 'Export certificate  step 3 of 4'
tt_keys F2
tt_wait_for 'Trust in cacerts  step 4 of 4'
tt_keys F2
tt_wait_for 'The plan, 4 steps'
echo "--- the plan ---"; tt_screen
tt_screen | grep -q 'replaces the entry' || tt_fail "plan: not replaced"
tt_screen | grep -q 'nothing to change' || tt_fail "plan: settings change"
nopw
tt_keys y
tt_wait_for 'All 4 steps done' 60
echo "--- the end ---"; tt_screen
tt_screen | grep -q "A new certificate in the keystore the server uses: Jetty's ssl-reload module: automatic within 1 s" ||
    tt_fail "no reload"
nopw
tt_keys Enter
tt_wait_for '★ a '
tt_all | grep -qF -- "$PW" && tt_fail "the password was shown"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"

cmp -s "$T/ssl.before" "$J/start.d/ssl.ini" || fail "ssl.ini changed"
NEW=$(fp_of "$KS" a "$PW")
[ -n "$NEW" ] && [ "$NEW" != "$OLD" ] || fail "entry a not renewed"
i=0
while :; do
	td probe --server "$J" --cacerts "$CA" --sni a.example.test \
	    --format json
	[ "$(j .chain[0].sha256)" = "$NEW" ] && break
	i=$((i + 1))
	[ $i -lt 60 ] || fail "Jetty did not reload in 60 s: $(j -c .findings)"
	sleep 1
done
[ $rc = 0 ] && [ "$(j .keystore.match)" = true ] || fail "after reload: $rc"
kill -0 "$JPID" || fail "Jetty went away"
td status --server "$J" --format json
[ "$(j .listen_pid)" = "$JPID" ] || fail "a restart happened?"
srv_stop
echo "jetty-tui: ok"
