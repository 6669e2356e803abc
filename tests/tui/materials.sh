#!/bin/sh
# SPDX-License-Identifier: ISC
# The keystore panel switches between the server's key materials (m and
# M): an Integration Manager tree with the served keystore, the
# encryption keystore and the queue keystore (samples), a profile file
# that overrides the main file's key alias.  The title says which
# material and whether the port serves it, the settings panel follows,
# the setting's detail says where its value comes from and which value it
# overrides; at 80x24 and at 200x50.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"

srv=$TT_DIR/srv
mkdir -p "$srv/conf/ssl"
cp "$TESTDATA/samples/sample-jks17.jks" "$srv/conf/ssl/keystore.jks"
cp "$TESTDATA/samples/sample-jdk17.p12" "$srv/conf/ssl/enc.p12"
cp "$TESTDATA/samples/sample-jdk25.p12" "$srv/conf/ssl/queue.p12"
cp "$TESTDATA/samples/sample-openssl30-trust-pw.p12" "$srv/cacerts"
chmod 600 "$srv/conf/ssl/"*
# the passwords the samples were made with (README.md there)
cat >"$srv/conf/application.properties" <<PROPS
server.port=8443
server.ssl.key-store=conf/ssl/keystore.jks
server.ssl.key-store-type=JKS
server.ssl.key-store-password=storepass
server.ssl.key-alias=labroot
server.ssl.key-password=keypass1
spring.profiles.active=prod
encryption.enabled=true
encryption.key-store=conf/ssl/enc.p12
encryption.key-store-password=storepass
encryption.certificate-name=server
queue.ssl.enabled=true
queue.ssl.key-store=conf/ssl/queue.p12
queue.ssl.key-store-password=storepass
queue.ssl.key-store-type=PKCS12
PROPS
printf 'server.ssl.key-alias=server\n' >"$srv/conf/application-prod.properties"
chmod 600 "$srv/conf/"*.properties

tt_start 80 24 --server "$srv" --cacerts "$srv/cacerts" --no-live
tt_wait_for '┌ Keystore 1/3 server, serves :8443 '
tt_row 23 | grep -q ' m Stores ' || tt_fail "no m in the key bar: $(tt_row 23)"
tt_screen | grep -q '★ server ' || tt_fail "served key entry"
# the profile file's alias wins: the row is marked as overriding
tt_screen | grep -q 'ssl.key-alias  *server  *↑ ✓' ||
    tt_fail "key-alias row not marked: $(tt_screen)"
tt_screen | grep -q 'encryption\.' && tt_fail "encryption rows with the server's"
# its detail: the source and the file value it overrides
tt_keys Right Down Down Down Down Enter
tt_wait_for 'source: conf/application-prod.properties:1'
tt_screen | grep -q 'overrides: conf/application.properties:5' ||
    tt_fail "no overridden value: $(tt_screen)"
tt_screen | grep -q 'does not use the value this one overrides' ||
    tt_fail "the overridden value is not explained"
tt_screen | grep -q 'key material: server' || tt_fail "material of the row"
tt_keys Escape
tt_wait_gone 'source: conf/'

# m: the encryption keystore; its settings, never renewed
tt_keys m
tt_wait_for '┌ Keystore 2/3 encryption '
tt_screen | grep -q 'serves :8443' && tt_fail "encryption said served"
tt_screen | grep -q 'never renewed' || tt_fail "no never-renewed note"
tt_screen | grep -q 'encryption.key-store ' || tt_fail "encryption rows"
tt_screen | grep -q 'ssl.key-alias ' && tt_fail "the server's rows stayed"
tt_screen | grep -q '★ server .* 82d' || tt_fail "encryption key entry"
# the settings detail follows: its first own row
tt_keys Down Down Down Down Enter
tt_wait_for 'key material: encryption'
tt_screen | grep -q 'source: conf/application.properties:9 ' ||
    tt_fail "encryption row source: $(tt_screen)"
tt_keys Escape
tt_wait_gone 'key material: encryption'

# m: the queue keystore; M goes back; m twice wraps to the served one
tt_keys m
tt_wait_for '┌ Keystore 3/3 queue '
tt_screen | grep -q 'queue.ssl.key-store ' || tt_fail "queue rows"
tt_screen | grep -q '  labroot ' || tt_fail "queue entries"
tt_keys M
tt_wait_for '┌ Keystore 2/3 encryption '
tt_keys m m
tt_wait_for '┌ Keystore 1/3 server, serves :8443 '

# 200x50: the source column says "file" for the profile file's value
tt_resize 200 50
tt_wait_for 'm Keystores'
tt_screen | grep -q 'server.ssl.key-alias  *server  *file  *✓ key entry' ||
    tt_fail "no source column at 200 columns: $(tt_screen)"
tt_screen | grep -q 'server.ssl.key-store-password  *••••••   ' ||
    tt_fail "password row at 200 columns"
tt_screen | grep -q 'storepass\|keypass1' && tt_fail "a password is shown"
tt_keys m
tt_wait_for '┌ Keystore 2/3 encryption '
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"
exit 0
