#!/bin/sh
# SPDX-License-Identifier: ISC
# A Spring Boot SSL bundle with reload-on-update=true, served by a
# stand-in (tests/server/ReloadServe.java, one JVM) that loads its
# keystore again once the file has been quiet for the quiet period (2 s
# here).  The "Renew - self-signed" wizard renews the served entry in
# place (no settings page), and its end says no restart is needed for
# the new certificate; the dashboard's live probe then says it waits for
# the quiet period, and after it sees the new certificate served.  At
# 80x24, the dashboard also at 200x50.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
. "$TOP_SRCDIR/tests/netlib.sh"
command -v jq >/dev/null 2>&1 || { echo "SKIP: no jq"; exit 77; }
J17=
for d in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-*; do
	[ -x "$d/bin/javac" ] && { J17=$d/bin; break; }
done
[ -n "$J17" ] || { echo "SKIP: no javac"; exit 77; }
trap 'net_cleanup; tt_cleanup' EXIT

SRV_PASS=pw-Reload.5 CHANGEIT=changeit
export SRV_PASS CHANGEIT
S=$TT_DIR/srv
KS=$S/conf/ssl/web.p12
P=$S/conf/application.properties
mkdir -p "$S/conf/ssl"
PORT=$(freeport)
cat >"$P" <<PROPS
server.port=$PORT
server.ssl.bundle=web
spring.ssl.bundle.jks.web.keystore.location=file:$KS
spring.ssl.bundle.jks.web.keystore.password=$SRV_PASS
spring.ssl.bundle.jks.web.keystore.type=PKCS12
spring.ssl.bundle.jks.web.key.alias=web
spring.ssl.bundle.jks.web.reload-on-update=true
spring.ssl.bundle.watch.file.quiet-period=2s
PROPS
"$TLSDECK" genkey "$KS" --alias web --dname CN=localhost \
    --san dns:localhost --days 30 --storepass-env SRV_PASS >/dev/null 2>&1 ||
    exit 99
# a cacerts of the test's own (the trust page writes into it)
"$TLSDECK" export "$KS" --alias web -o "$TT_DIR/web0.pem" \
    --storepass-env SRV_PASS >/dev/null 2>&1 || exit 99
"$TLSDECK" import-cert "$TT_DIR/cacerts" --alias old "$TT_DIR/web0.pem" \
    --storetype jks --storepass-env CHANGEIT >/dev/null 2>&1 || exit 99
fp() { "$TLSDECK" list "$KS" --format json --storepass-env SRV_PASS |
    jq -r '.entries[] | select(.alias == "web") | .chain[0].sha256'; }
old=$(fp)
sha_p=$(sha256sum "$P")

"$J17/javac" -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC \
    -d "$TT_DIR/classes" --release 17 \
    "$TOP_SRCDIR/tests/server/ReloadServe.java" || exit 99
"$J17/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData \
    -cp "$TT_DIR/classes" ReloadServe "$PORT" "$KS" SRV_PASS web 2000 90 \
    </dev/null >"$TT_DIR/serve.log" 2>&1 &
pids="$pids $!"
last=$!
wait_listen "$PORT" || tt_fail "the stand-in died: $(cat "$TT_DIR/serve.log")"

TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bk"
tt_start 80 24 --properties "$P" --cacerts "$TT_DIR/cacerts"
tt_wait_for 'chain matches the keystore' 20
tt_keys F3
tt_wait_for 'The old key stays in use until the new'
tt_keys 1
tt_wait_for 'New key pair  step 1 of 3'
tt_screen | grep -q 'Alias  *web ' || tt_fail "not renewed in place"
tt_screen | grep -q 'Replace existing entry   no  \[yes\]' ||
    tt_fail "not replaced"
tt_keys F2
tt_wait_for 'Export certificate  step 2 of 3'
tt_keys F2
tt_wait_for 'Trust in cacerts  step 3 of 3'
tt_keys F2
tt_wait_for 'The plan, 3 steps'
tt_screen | grep -q 'server.ssl\|spring.ssl' && tt_fail "the plan changes settings"
tt_keys y
tt_wait_for 'All 3 steps done' 60
tt_wait_for 'no restart needed: Spring Boot reloads the bundle'
echo "--- the end, 80x24 ---"; tt_screen
tt_keys Enter
tt_wait_for 'probed in [0-9]+ s: no restart ne'
echo "--- waiting, 80x24 ---"; tt_screen
tt_wait_for 'chain matches the keystore' 20
tt_resize 200 50
tt_wait_for 'served   ✓ chain matches the keystore'
echo "--- after the reload, 200x50 ---"; tt_screen
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"

new=$(fp)
[ -n "$new" ] && [ "$new" != "$old" ] || tt_fail "the same certificate"
[ "$(sha256sum "$P")" = "$sha_p" ] || tt_fail "the settings changed"
grep -q '^reloaded$' "$TT_DIR/serve.log" || tt_fail "the stand-in did not reload"
exit 0
