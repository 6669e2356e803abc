#!/bin/sh
# SPDX-License-Identifier: ISC
# The "Renew - self-signed" wizard on a Spring Boot server with PEM files
# (server.ssl.certificate and server.ssl.certificate-private-key): one
# page, then a new key and certificate as new dated files beside the old
# ones (which stay, byte for byte), the key 0600 (tlsdeck's own user is
# the server's here), the settings switched to the new files; openssl
# says the new key and certificate belong together.  The other forms are
# refused in one line on PEM files.  At 80x24.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl"; exit 77; }

S=$TT_DIR/srv
P=$S/conf/application.properties
mkdir -p "$S/conf/ssl"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$S/conf/ssl/server.key" \
    -out "$S/conf/ssl/server.pem" -subj /CN=localhost -days 20 \
    -addext subjectAltName=DNS:localhost 2>/dev/null || exit 99
chmod 600 "$S/conf/ssl/server.key"
cat >"$P" <<PROPS
server.port=8443
server.ssl.certificate=$S/conf/ssl/server.pem
server.ssl.certificate-private-key=$S/conf/ssl/server.key
PROPS
sha() { sha256sum "$1" | cut -d' ' -f1; }
sha_c=$(sha "$S/conf/ssl/server.pem") sha_k=$(sha "$S/conf/ssl/server.key")
today=$(date -u +%Y%m%d)

TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bk"
tt_start 80 24 --properties "$P" --no-live
tt_wait_for '┌ Keystore'
# a keystore form on PEM files: refused in one line
tt_keys F4
tt_wait_for 'PEM files: only "Renew - self-signed" and ACME renew them'
tt_keys F3
tt_wait_for 'The old key stays in use until the new'
tt_keys 1
tt_wait_for '┌ New PEM key and certificate '
tt_screen | grep -q "Certificate  *$S/conf/ssl/server.pem" ||
    tt_fail "not the certificate: $(tt_screen)"
tt_screen | grep -q 'Common name (CN)  *localhost' || tt_fail "CN"
echo "--- the page, 80x24 ---"; tt_screen
tt_keys F2
tt_wait_for 'The plan, 1 step'
tt_keys y
tt_wait_for 'All 1 step done' 60
echo "--- the end, 80x24 ---"; tt_screen
tt_keys Enter
tt_wait_for '┌ Keystore'
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"

cert=$S/conf/ssl/server-$today.pem key=$S/conf/ssl/server-$today.key
[ -f "$cert" ] && [ -f "$key" ] || { ls -l "$S/conf/ssl"; tt_fail "new files"; }
grep -qxF "server.ssl.certificate=$cert" "$P" &&
    grep -qxF "server.ssl.certificate-private-key=$key" "$P" ||
    { cat "$P"; tt_fail "the settings do not name the new files"; }
[ "$(stat -c %a "$key")" = 600 ] || tt_fail "key mode $(stat -c %a "$key")"
[ "$(sha "$S/conf/ssl/server.pem")" = "$sha_c" ] &&
    [ "$(sha "$S/conf/ssl/server.key")" = "$sha_k" ] ||
    tt_fail "the old files changed"
a=$(openssl x509 -in "$cert" -noout -pubkey | sha256sum)
b=$(openssl pkey -in "$key" -pubout | sha256sum)
[ "$a" = "$b" ] || tt_fail "the new key and certificate do not match"
openssl x509 -in "$cert" -noout -subject | grep -q 'CN *= *localhost' ||
    tt_fail "subject"
openssl x509 -in "$cert" -noout -ext subjectAltName | grep -q 'DNS:localhost' ||
    tt_fail "SAN lost"
openssl x509 -in "$cert" -noout -checkend $((3000 * 86400)) >/dev/null ||
    tt_fail "not the new validity"
exit 0
