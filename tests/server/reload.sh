#!/bin/sh
# SPDX-License-Identifier: ISC
# reload.sh -- a Spring Boot SSL bundle with reload-on-update=true: a
# stand-in server (tests/server/ReloadServe.java, one JVM) serves the
# bundle's keystore and loads it again once the file has been quiet for
# spring.ssl.bundle.watch.file.quiet-period (1 s here).  tlsdeck says
# "no restart needed" where it would give a restart hint (genkey,
# import-cert on the bundle's keystore; status's JSON), and probe, run
# just after a change, waits out the quiet period and a margin, says so,
# and then sees the new certificate served.  configure still says
# restart: Spring Boot reads its settings at start only.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_keytool
command -v jq >/dev/null || skip "jq missing"
J17=$(dirname "$KEYTOOL17")
[ -x "$J17/javac" ] && [ -x "$J17/java" ] || skip "no javac"
. "$TOP_SRCDIR/tests/netlib.sh"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME SPRING_APPLICATION_JSON
TLSDECK_BACKUP_DIR=$T/backups
export TLSDECK_BACKUP_DIR
cleanup() {
	net_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP
SRV_PASS=pw-Reload.4
export SRV_PASS
S=$T/srv
KS=$S/conf/ssl/web.p12
PROPS=$S/conf/application.properties
mkdir -p "$S/conf/ssl"
P=$(freeport)
cat >"$PROPS" <<PROPS
server.port=$P
server.ssl.bundle=web
spring.ssl.bundle.jks.web.keystore.location=file:$KS
spring.ssl.bundle.jks.web.keystore.password=$SRV_PASS
spring.ssl.bundle.jks.web.keystore.type=PKCS12
spring.ssl.bundle.jks.web.key.alias=web
spring.ssl.bundle.jks.web.reload-on-update=true
spring.ssl.bundle.watch.file.quiet-period=1s
PROPS
"$TLSDECK" genkey "$KS" --alias web --dname CN=localhost \
    --san dns:localhost --storepass-env SRV_PASS >/dev/null 2>&1 ||
    fail "genkey"
fp() { "$TLSDECK" list "$KS" --format json --storepass-env SRV_PASS |
    jq -r '.entries[] | select(.alias == "web") | .chain[0].sha256'; }
old=$(fp)

"$J17/javac" -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -d "$T/classes" \
    --release 17 "$TOP_SRCDIR/tests/server/ReloadServe.java" || fail "javac"
"$J17/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData \
    -cp "$T/classes" ReloadServe "$P" "$KS" SRV_PASS web 1000 60 \
    </dev/null >"$T/serve.log" 2>&1 &
pids="$pids $!"
last=$!
wait_listen "$P" || fail "the stand-in died: $(cat "$T/serve.log")"

# the model: the bundle reloads, 1 s quiet period
out=$(timeout 30 "$TLSDECK" status --properties "$PROPS" --format json) ||
    fail "status"
[ "$(printf '%s\n' "$out" | jq -r '.keystore.reload_on_update')" = true ] &&
    [ "$(printf '%s\n' "$out" | jq -r '.keystore.quiet_period_ms')" = 1000 ] ||
    fail "status: $(printf '%s\n' "$out" | jq -c .keystore)"
# (exit 1: the self-signed certificate is not trusted by the JRE)
timeout 30 "$TLSDECK" probe --properties "$PROPS" >"$T/out" 2>"$T/err"
grep -q 'Keystore   MATCH' "$T/out" || fail "probe before: $(cat "$T/out")"

# a new key in place: no restart needed, said by genkey
TLSDECK_PROPERTIES=$PROPS timeout 60 "$TLSDECK" genkey "$KS" --alias web \
    --replace --dname CN=localhost --san dns:localhost \
    --storepass-env SRV_PASS >"$T/out" 2>"$T/err" ||
    fail "genkey --replace: $(cat "$T/err")"
grep -q 'no restart needed: Spring Boot reloads the bundle (reload-on-update)' \
    "$T/err" || fail "genkey: no reload line: $(cat "$T/out" "$T/err")"
grep -qi 'restart the server' "$T/out" "$T/err" && fail "a restart hint"
new=$(fp)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "genkey: the same certificate"
# probe at once: it waits for the quiet period, says so, sees the new one
start=$(date +%s%3N)
timeout 30 "$TLSDECK" probe --properties "$PROPS" >"$T/out" 2>"$T/err"
took=$(( $(date +%s%3N) - start ))
grep -q 'waiting [0-9.]* s before probing: no restart needed: Spring Boot reloads the bundle (reload-on-update)' \
    "$T/err" || fail "probe did not say it waits: $(cat "$T/err")"
[ "$took" -ge 1000 ] || fail "probe did not wait ($took ms)"
grep -q 'Keystore   MATCH' "$T/out" ||
    fail "probe after the quiet period: $(cat "$T/out" "$T/err" "$T/serve.log")"
grep -q '^reloaded$' "$T/serve.log" || fail "the stand-in did not reload"
# a trusted certificate into the same keystore: the same line
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/x.key" -out "$T/x.pem" \
    -subj /CN=extra -days 30 2>/dev/null || fail "openssl"
TLSDECK_PROPERTIES=$PROPS timeout 60 "$TLSDECK" import-cert "$KS" \
    --alias extra "$T/x.pem" --storepass-env SRV_PASS >/dev/null \
    2>"$T/err" || fail "import-cert: $(cat "$T/err")"
grep -q 'no restart needed: Spring Boot reloads the bundle' "$T/err" ||
    fail "import-cert: $(cat "$T/err")"
# a change of settings: read at start only, so configure says restart
timeout 30 "$TLSDECK" configure --properties "$PROPS" --no-live \
    --set server.ssl.enabled-protocols=TLSv1.3 >"$T/out" 2>"$T/err" ||
    fail "configure: $(cat "$T/err")"
grep -q "restart the server for the change to take effect (it reloads the key material's files, not its settings)" \
    "$T/out" || fail "configure: $(cat "$T/out")"
exit 0
