#!/bin/sh
# The dashboard on a real server tree (discovery and audit by the core):
# a CA-signed JKS keystore from the samples, its application.properties
# and a cacerts that holds the lab CA.  Alias, chain, days left (checked
# against openssl) and trust must be right.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl"; exit 77; }

srv=$TT_DIR/srv
mkdir -p "$srv/conf/ssl"
cp "$TESTDATA/samples/sample-jks17.jks" "$srv/conf/ssl/keystore.jks"
cp "$TESTDATA/samples/sample-openssl30-trust-pw.p12" "$srv/cacerts"
chmod 600 "$srv/conf/ssl/keystore.jks"
# the passwords the sample was made with (README.md there)
cat >"$srv/conf/application.properties" <<PROPS
server.port=8443
server.ssl.key-store=conf/ssl/keystore.jks
server.ssl.key-store-type=JKS
server.ssl.key-store-password=storepass
server.ssl.key-alias=server
server.ssl.key-password=keypass1
PROPS
chmod 600 "$srv/conf/application.properties"

# days left of the server certificate, as openssl sees it
end=$(openssl x509 -in "$TESTDATA/samples/certs/leaf.pem" -noout -enddate |
    sed 's/^notAfter=//')
days=$(( ($(date -d "$end" +%s) - $(date +%s)) / 86400 ))

tt_start 100 30 --server "$srv" --cacerts "$srv/cacerts"
tt_wait_for '★ server'
tt_screen | grep -Eq "★ server .* ${days}d " ||
    tt_fail "server row lacks ${days}d"
tt_screen | grep -q '└ Lab Intermediate CA' || tt_fail "no chain"
tt_screen | grep -q '└ Lab Root CA' || tt_fail "chain not complete"
tt_screen | grep -q '  labroot  *trusted' || tt_fail "labroot entry"
tt_screen | grep -q '✓ trusted as labint' || tt_fail "trust not found"
tt_screen | grep -q 'format   PKCS12, 2 entries' || tt_fail "cacerts format"
tt_screen | grep -q 'server.ssl.key-store-password ••••••' ||
    tt_fail "password not masked"
tt_screen | grep -q 'storepass\|keypass1' && tt_fail "a password is shown"
# the detail view: the whole certificate and its PEM
tt_keys Down Enter
tt_wait_for 'Alias: server \(keystore, PrivateKeyEntry, certificate 1 of 3\)'
tt_keys G
tt_wait_for 'END CERTIFICATE'
tt_keys Escape q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"
tt kill-server

# no properties anywhere: the dashboard opens empty and says why
mkdir "$TT_DIR/empty"
tt_start 100 30 --server "$TT_DIR/empty"
tt_wait_for 'not loaded: '
tt_screen | grep -q 'no keystore loaded' || tt_fail "empty keystore panel"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"
exit 0
