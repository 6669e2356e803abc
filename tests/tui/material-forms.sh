#!/bin/sh
# SPDX-License-Identifier: ISC
# Forms and wizards act on the key material the dashboard shows: an
# Integration Manager tree (a demo tree with an encryption and a queue
# keystore added).  With the encryption keystore selected (m) the Renew
# wizard is refused in one line; with the queue keystore selected (m m)
# "Renew - self-signed" renews the queue's key entry in place (no
# settings page: the server's settings stay), and keytool sees the queue
# keystore's certificate changed while the server's keystore and the
# settings file are byte for byte the same.  At 80x24, then the dashboard
# at 200x50.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v jq >/dev/null 2>&1 || { echo "SKIP: no jq"; exit 77; }

D=$TT_DIR/srv
KS=$D/conf/ssl/keystore.p12
Q=$D/conf/ssl/queue.p12
P=$D/conf/application.properties
"$TLSDECK" demo "$D" --no-open >/dev/null || exit 99
cp "$TESTDATA/samples/sample-jdk17.p12" "$D/conf/ssl/enc.p12"
cp "$TESTDATA/samples/sample-jdk25.p12" "$Q"
chmod 600 "$D/conf/ssl/enc.p12" "$Q"
cat >>"$P" <<PROPS
encryption.enabled=true
encryption.key-store=\${sharedDataPath}/conf/ssl/enc.p12
encryption.key-store-password=storepass
encryption.certificate-name=server
queue.ssl.enabled=true
queue.ssl.key-store=\${sharedDataPath}/conf/ssl/queue.p12
queue.ssl.key-store-password=storepass
queue.ssl.key-store-type=PKCS12
PROPS
QPW=storepass
export QPW
sha() { sha256sum "$1" | cut -d' ' -f1; }
leaf() { "$TLSDECK" list "$1" --format json --storepass-env QPW |
    jq -r --arg a "$2" '.entries[] | select(.alias == $a) |
    .chain[0].sha256'; }
old_q=$(leaf "$Q" server)
[ -n "$old_q" ] || exit 99
sha_ks=$(sha "$KS") sha_p=$(sha "$P") sha_enc=$(sha "$D/conf/ssl/enc.p12")

TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bk"
tt_start 80 24 --properties "$P" --no-live
tt_wait_for '┌ Keystore 1/3 server'
# the encryption keystore: the wizard is refused, in one line
tt_keys m
tt_wait_for '┌ Keystore 2/3 encryption '
tt_keys F3
tt_wait_for 'The old key stays in use until the new'
tt_keys 1
tt_wait_for 'not for the encryption key'
tt_screen | grep -q 'New key pair' && tt_fail "a form on the encryption key"
echo "--- refused, 80x24 ---"; tt_screen
# the queue keystore: renewed in place, three pages (no settings)
tt_keys m
tt_wait_for '┌ Keystore 3/3 queue '
tt_keys F3
tt_wait_for 'The old key stays in use until the new'
tt_keys 1
tt_wait_for 'New key pair  step 1 of 3'
tt_screen | grep -q "Keystore file  *$Q" || tt_fail "not the queue keystore"
tt_wait_for 'the queue key material'
tt_wait_for 'opens the keystore \(from application.properties\)'
tt_screen | grep -q 'Alias  *server ' || tt_fail "not the queue's entry"
echo "--- the queue's key pair page, 80x24 ---"; tt_screen
tt_keys F2
tt_wait_for 'Export certificate  step 2 of 3'
tt_keys F2
tt_wait_for 'Trust in cacerts  step 3 of 3'
tt_keys F2
tt_wait_for 'The plan, 3 steps'
tt_screen | grep -q 'server.ssl' && tt_fail "the plan changes the settings"
[ "$(sha "$Q")" = "$(sha "$TESTDATA/samples/sample-jdk25.p12")" ] ||
    tt_fail "written before confirming"
tt_keys y
tt_wait_for 'All 3 steps done' 60
echo "--- the end, 80x24 ---"; tt_screen
tt_keys Enter
tt_wait_for '┌ Keystore'
tt_resize 200 50
tt_wait_for 'm Keystores'
echo "--- the dashboard, 200x50 ---"; tt_screen
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"

# the queue keystore changed (keytool reads the new certificate), the
# server's keystore, the encryption keystore and the settings did not
new_q=$(leaf "$Q" server)
[ -n "$new_q" ] && [ "$new_q" != "$old_q" ] ||
    tt_fail "the queue's certificate did not change"
[ "$(sha "$KS")" = "$sha_ks" ] || tt_fail "the server's keystore changed"
[ "$(sha "$P")" = "$sha_p" ] || tt_fail "the settings changed"
[ "$(sha "$D/conf/ssl/enc.p12")" = "$sha_enc" ] ||
    tt_fail "the encryption keystore changed"
if command -v keytool >/dev/null 2>&1; then
	kt=$(keytool -list -keystore "$Q" -storepass:env QPW 2>&1) ||
	    { echo "$kt"; tt_fail "keytool -list"; }
	printf '%s\n' "$kt" | awk '/^server,.*PrivateKeyEntry/ { f = 1; next }
	    f && /SHA-256/ { print $NF; exit }' | grep -qx "$new_q" ||
	    { echo "$kt"; tt_fail "keytool: not the new certificate"; }
fi
exit 0
