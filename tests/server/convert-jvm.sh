#!/bin/sh
# SPDX-License-Identifier: ISC
# convert-jvm.sh -- tlsdeck convert --server on a Spring Boot tree served
# by a real JVM (tests/acme/AcmeServe.java, reading application.properties
# as Spring Boot does; restarted by tests/acme/srv-restart.sh): a JKS
# keystore becomes keystore.p12, the settings are switched in the same
# transaction, the old file is moved away, and after a restart the JVM
# serves the same certificate from the new PKCS#12 file (openssl s_client).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
need_keytool
export TLSDECK_STATE_DIR="$T/state"
srv_java
S=$T/srv
SRV_KIND=java srv_tree "$S" jks conv.tlsdeck.test || fail "JKS tree"
srv_start "$S"
fp=$(served_fp "$SRV_PORT")
[ -n "$fp" ] || fail "nothing served from the JKS keystore"
"$TLSDECK" convert --server "$S" --to pkcs12 >"$T/out" 2>"$T/err" ||
    { cat "$T/err"; fail "convert --server"; }
[ ! -s "$T/err" ] || { cat "$T/err"; fail "stderr"; }
P=$S/conf/application.properties
grep -qx "server.ssl.key-store=$S/conf/ssl/keystore.p12" "$P" ||
    fail "key-store: $(grep key-store= "$P")"
grep -qx 'server.ssl.key-store-type=PKCS12' "$P" || fail "type"
mv "$S/conf/ssl/keystore.jks" "$T/keystore.jks.old"
$SRV_RESTART >"$T/restart" 2>&1 || { cat "$T/restart"; fail "restart"; }
[ "$(served_fp "$SRV_PORT")" = "$fp" ] ||
    fail "after the restart: $(served_fp "$SRV_PORT"), not $fp"
exit 0
