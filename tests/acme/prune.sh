#!/bin/sh
# SPDX-License-Identifier: ISC
# prune.sh -- tlsdeck acme --prune (tests/acme/lib.sh: pebble, a Spring
# Boot tree with a PKCS#12 keystore served by AcmeServe, and a PEM tree
# served by openssl s_server): after the new certificate is served, the
# earlier entries or files this ACME client made for the material (their
# certificates in the issued record) are removed, the newest KEEP kept,
# each backed up; the original self-signed entry and files, and an entry
# named like ACME's that tlsdeck did not issue, are never removed.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
need_keytool
command -v jq >/dev/null || skip "jq missing"
j() { printf "%s\n" "$out" | jq -r "$@"; }
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME SPRING_APPLICATION_JSON

pebble_start
srv_java
H="--http-port $PB_HTTP --http-address 127.0.0.1 --agree-tos --key ec256"
DAY=$(date -u +%Y%m%d)

# ---- a keystore ------------------------------------------------------------
S=$T/srv-p12
srv_tree "$S" p12 p.tlsdeck.test || fail "p12 tree"
KS=$S/conf/ssl/keystore.p12
# an entry named as ACME names them, not issued by tlsdeck
kt -genkeypair -keystore "$KS" -storetype PKCS12 -storepass:env SRV_PASS \
    -alias "server-acme-20200101" -keyalg EC -groupname secp256r1 \
    -dname CN=p.tlsdeck.test >/dev/null 2>&1 || fail "keytool"
srv_start "$S"
aliases() {
	kt -list -keystore "$KS" -storepass:env SRV_PASS 2>/dev/null |
	    sed -n 's/,.*PrivateKeyEntry.*//p' | LC_ALL=C sort | tr '\n' ' '
}
for i in 1 2; do
	acme_ok "p12 $i" --server "$S" $H --restart "$SRV_RESTART" --force \
	    --format json
done
[ "$(aliases)" = "server server-acme-20200101 server-acme-$DAY server-acme-$DAY-2 " ] ||
    fail "before pruning: $(aliases)"
nb=$(ls "$TLSDECK_BACKUP_DIR" | wc -l)
acme_ok "p12 prune=1" --server "$S" $H --restart "$SRV_RESTART" --force \
    --prune=1 --format json
[ "$(aliases)" = "server server-acme-20200101 server-acme-$DAY-2 server-acme-$DAY-3 " ] ||
    fail "--prune=1: $(aliases)"
[ "$(j -c .pruned)" = "[\"server-acme-$DAY\"]" ] || fail "--prune=1: $(j -c .pruned)"
[ "$(ls "$TLSDECK_BACKUP_DIR" | wc -l)" -gt "$nb" ] || fail "no backup"
acme_ok "p12 prune" --server "$S" $H --restart "$SRV_RESTART" --force \
    --prune
# (the first name is free again: the new entry takes it)
[ "$(aliases)" = "server server-acme-20200101 server-acme-$DAY " ] ||
    fail "--prune: $(aliases)"
printf '%s\n' "$out" | grep -q "^Pruned       server-acme-$DAY-" || fail "text: $out"
[ "$(served_fp "$SRV_PORT" p.tlsdeck.test)" = \
    "$(kt -exportcert -keystore "$KS" -storepass:env SRV_PASS \
    -alias "server-acme-$DAY" 2>/dev/null | openssl x509 -inform DER \
    -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')" ] ||
    fail "the newest entry is not served"

# ---- PEM files ---------------------------------------------------------------
SRV_KIND=openssl srv_tree "$T/srv-pem" pem q.tlsdeck.test || fail "pem tree"
P=$T/srv-pem
srv_start "$P"
acme_ok "pem 1" --server "$P" $H --restart "$SRV_RESTART" --force --format json
c1=$(j -r .cert_file)
k1=$(j -r .key_file)
acme_ok "pem 2" --server "$P" $H --restart "$SRV_RESTART" --force --prune \
    --format json
c2=$(j -r .cert_file)
[ ! -e "$c1" ] && [ ! -e "$k1" ] || fail "pem: $c1 or $k1 still there"
[ -f "$c2" ] && [ -f "$P/conf/ssl/server.crt" ] && [ -f "$P/conf/ssl/server.key" ] ||
    fail "pem: removed too much: $(ls "$P/conf/ssl")"
[ "$(j -r '.pruned | length')" = 2 ] || fail "pem: $(j -c .pruned)"
ls "$TLSDECK_BACKUP_DIR" | grep -q -- "-$(basename "$k1")$" ||
    fail "pem: the key was not backed up: $(ls "$TLSDECK_BACKUP_DIR")"
