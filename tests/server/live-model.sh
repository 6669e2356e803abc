#!/bin/sh
# SPDX-License-Identifier: ISC
# live-model.sh -- the running server's own sources: a stand-in server
# (tests/server/StandIn.java, one JVM) started as Spring Boot is, with
# environment variables (SERVER_SSL_KEY_STORE_PASSWORD, relaxed binding;
# SPRING_APPLICATION_JSON), a -D system property and a --name=value
# argument, on a free loopback port and in its own working directory.
# tlsdeck finds it through the port (/proc), reads those sources above the
# files, resolves a relative key store against the process's working
# directory, opens the keystore with the password from the environment
# and never shows it; configure refuses to change what the command line
# sets, and writes what the file wins.  Then the restart hint names the
# process's systemd unit only when it has one.  As root, the stand-in runs
# as nobody: a key store nobody cannot read is a critical finding, and new
# files are for nobody (0640): a keystore, a request and an export made
# by tlsdeck for that server are nobody's, and nobody can read them.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_keytool
command -v jq >/dev/null || skip "jq missing"
command -v openssl >/dev/null || skip "openssl missing"
J17=$(dirname "$KEYTOOL17")
[ -x "$J17/javac" ] && [ -x "$J17/java" ] || skip "no javac"
[ -r /proc/self/environ ] || skip "no /proc"
. "$TOP_SRCDIR/tests/data/servers/mktree.sh"
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
j() { printf '%s\n' "$out" | jq -r "$@"; }
row() { j --arg k "$1" '.settings[] | select(.key == $k) | .source'; }

mk_ca "$T/ca" || fail "openssl CA"
mk_jre "$T/base" 17.0.15
P=$(freeport)
SRV_PORT=$P mk_openssl_tree "$T/srv" "$T/ca" "$T/base" -days 400 ||
    fail "OpenSSL tree"
S=$T/srv
# The running server uses another keystore (alias web), a relative path.
openssl req -newkey rsa:2048 -nodes -keyout "$T/web.key" -out "$T/web.csr" \
    -subj "/O=Example Test/CN=$SRV_HOST" \
    -addext "subjectAltName=DNS:$SRV_HOST" 2>/dev/null || fail "req"
ca_sign "$T/ca" "$T/web.csr" "$T/web.pem" -days 300 || fail "sign"
cat "$T/web.pem" "$T/ca/int.pem" "$T/ca/root.pem" >"$T/web-chain.pem"
openssl pkcs12 -export -name web -inkey "$T/web.key" -in "$T/web-chain.pem" \
    -passout env:SRV_PASS -out "$S/conf/ssl/web.p12" 2>/dev/null ||
    fail "web.p12"
WEB_FP=$(openssl x509 -in "$T/web.pem" -noout -fingerprint -sha256 |
    sed 's/.*=//')
# The file's password is wrong: only the environment's opens the store.
sed -i 's/^server.ssl.key-store-password=.*/server.ssl.key-store-password=not-this-one/' \
    "$S/conf/application.properties"
sed -i "s#^sharedDataPath=.*#sharedDataPath=$S#" \
    "$S/conf/application.properties"

"$J17/javac" -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -d "$T/classes" \
    --release 17 "$TOP_SRCDIR/tests/server/StandIn.java" || fail "javac"
# The profile the environment activates, and a location the command line
# adds (relative to the server's working directory).
printf 'server.ssl.enabled-protocols=TLSv1.3\n' \
    >"$S/conf/application-live.properties"
mkdir -p "$S/extra"
printf '# extra\nserver.ssl.ciphers=TLS_AES_128_GCM_SHA256\n' \
    >"$S/extra/application.properties"
# The stand-in runs in the tree, as a server started from there.
( cd "$S" && SERVER_SSL_KEY_STORE_PASSWORD=$SRV_PASS \
    SPRING_APPLICATION_JSON='{"server":{"ssl":{"key-store-type":"PKCS12"}}}' \
    SPRING_PROFILES_ACTIVE=live \
    exec timeout 60 "$J17/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -XX:-UsePerfData \
    -Dserver.ssl.key-store=conf/ssl/web.p12 -cp "$T/classes" StandIn "$P" \
    --server.ssl.key-alias=web \
    --spring.config.additional-location=optional:file:./extra/ ) \
    </dev/null >"$T/standin.log" 2>&1 &
pids="$pids $!"
last=$!
wait_listen "$P" || fail "the stand-in for $P died: $(cat "$T/standin.log")"

out=$(timeout 30 "$TLSDECK" status --server "$S" --format json 2>"$T/err")
rc=$?
[ $rc = 0 ] || fail "status: exit $rc: $(cat "$T/err")"
pid=$(j .listen_pid)
[ -n "$pid" ] && [ "$pid" != null ] || fail "no pid: $(j -c .)"
[ "$(j .keystore.path)" = "$S/conf/ssl/web.p12" ] ||
    fail "keystore: $(j -c .keystore)"
[ "$(j .keystore.key_alias) $(j .keystore.key_recovered)" = "web true" ] ||
    fail "key: $(j -c .keystore)"
[ "$(j '.keystore.entries[0].chain[0].sha256')" = "$WEB_FP" ] ||
    fail "leaf: $(j -c .keystore.entries)"
[ "$(row server.ssl.key-alias)" = "command line of pid $pid" ] ||
    fail "alias source: $(row server.ssl.key-alias)"
[ "$(row server.ssl.key-store)" = "system properties of pid $pid" ] ||
    fail "store source: $(row server.ssl.key-store)"
[ "$(row server.ssl.key-store-password)" = \
    "environment of pid $pid (SERVER_SSL_KEY_STORE_PASSWORD)" ] ||
    fail "password source: $(row server.ssl.key-store-password)"
[ "$(row server.ssl.key-store-type)" = \
    "SPRING_APPLICATION_JSON of pid $pid" ] ||
    fail "type source: $(row server.ssl.key-store-type)"
[ "$(j '.settings[] | select(.key == "server.ssl.key-alias") |
    .overrides[0]')" = "conf/application.properties:7" ] ||
    fail "alias overrides: $(j -c .settings)"
[ "$(j '[.findings[] | select(.code == "setting-overridden") |
    .severity] | unique | join(",")')" = warning ] ||
    fail "overridden: $(j -c '[.findings[]|select(.code=="setting-overridden")]')"
[ "$(j '[.findings[] | select(.code == "setting-overridden")] | length')" = 4 ] ||
    fail "overridden count"
# The profile from the environment, the location from the command line.
[ "$(j '.profiles | join(",")')" = live ] || fail "profiles: $(j -c .profiles)"
[ "$(row server.ssl.enabled-protocols)" = \
    "conf/application-live.properties:1" ] ||
    fail "profile file: $(row server.ssl.enabled-protocols)"
[ "$(row server.ssl.ciphers)" = "extra/application.properties:2" ] ||
    fail "additional location: $(row server.ssl.ciphers)"
j '.keystore.resolved_how' | grep -q "server's working directory ($S)" ||
    fail "relative: $(j .keystore.resolved_how)"
for c in keystore-password-wrong keystore-password-missing; do
	[ "$(j --arg c $c '[.findings[] | select(.code == $c)] | length')" = 0 ] ||
	    fail "$c: $(j -c .findings)"
done
printf '%s\n' "$out" | grep -q "$SRV_PASS" && fail "the password is shown"
out=$(timeout 30 "$TLSDECK" status --server "$S" 2>&1)
printf '%s\n' "$out" | grep -q "$SRV_PASS" && fail "text shows the password"
printf '%s\n' "$out" | grep -q "(command line of pid $pid)" ||
    fail "text: no source: $out"

# configure: the command line wins for the alias, the file for the port.
cp "$S/conf/application.properties" "$T/props.orig"
timeout 30 "$TLSDECK" configure --server "$S" \
    --set server.ssl.key-alias=other >"$T/out" 2>"$T/err" &&
    fail "configure changed what the command line sets"
grep -q "server.ssl.key-alias comes from the command line of pid $pid" \
    "$T/err" || fail "configure: $(cat "$T/err")"
cmp -s "$S/conf/application.properties" "$T/props.orig" ||
    fail "a refused configure changed the file"
timeout 30 "$TLSDECK" configure --server "$S" --set im.title=Test \
    >"$T/out" 2>"$T/err" || fail "configure im.title: $(cat "$T/err")"
grep -q '^im.title=Test$' "$S/conf/application.properties" ||
    fail "configure im.title: not written"

# The restart hint: the process's systemd unit, if it has one (a test
# stand-in usually runs in none); never an init script that is not there.
unit=$(sed -n 's#.*/\([^/]*\.service\)$#\1#p' "/proc/$pid/cgroup" | head -1)
out=$(timeout 30 "$TLSDECK" configure --server "$S" --set im.title=Again 2>&1)
if [ -n "$unit" ]; then
	printf '%s\n' "$out" | grep -q "systemctl restart $unit" ||
	    fail "restart hint: $out"
fi
[ -e /etc/init.d/imservice ] ||
    ! printf '%s\n' "$out" | grep -q /etc/init.d/imservice ||
    fail "restart hint names a missing init script: $out"

# ---- a server running as another user (as root only) -----------------
[ "$(id -u)" = 0 ] || { echo "not root: ownership not checked"; exit 0; }
command -v setpriv >/dev/null || { echo "no setpriv"; exit 0; }
NB=$(id -u nobody 2>/dev/null) || { echo "no user nobody"; exit 0; }
NG=$(id -g nobody)
stop
P2=$(freeport)
sed -i "s/^server.port=.*/server.port=$P2/" "$S/conf/application.properties"
# nobody may reach the tree and the classes, not the key store's
# directory (-XX:-UsePerfData: the JVM would chdir to its perf data
# directory and not come back to a directory it cannot read)
chmod o+x "$T" "$S" "$S/conf"
chmod -R o+rX "$T/classes"
chmod 0750 "$S/conf/ssl"
( cd "$S" && SERVER_SSL_KEY_STORE_PASSWORD=$SRV_PASS \
    exec timeout 60 setpriv --reuid="$NB" --regid="$NG" --clear-groups \
    "$J17/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -XX:-UsePerfData \
    -Dserver.ssl.key-store=conf/ssl/web.p12 -cp "$T/classes" StandIn "$P2" \
    --server.ssl.key-alias=web ) </dev/null >"$T/standin2.log" 2>&1 &
pids="$pids $!"
last=$!
wait_listen "$P2" || fail "the stand-in as nobody died: $(cat "$T/standin2.log")"
out=$(timeout 30 "$TLSDECK" status --server "$S" --format json 2>"$T/err")
[ "$(j .process.uid)" = "$NB" ] || fail "process uid: $(j -c .process)"
[ "$(j '.findings[] | select(.code == "keystore-server-cannot-read") |
    "\(.severity) \(.file)"')" = "critical $S/conf/ssl/web.p12" ] ||
    fail "cannot read: $(j -c .process) $(j -c '[.findings[].code]')"
[ "$(j .new_files.uid) $(j .new_files.gid) $(j .new_files.mode)" = \
    "$NB $NG 0640" ] || fail "new files: $(j -c .new_files)"
# Given to the server's user: readable, no finding.
chmod o+x "$S/conf/ssl"
chown "$NB" "$S/conf/ssl/web.p12"
chmod 0600 "$S/conf/ssl/web.p12"
out=$(timeout 30 "$TLSDECK" status --server "$S" --format json 2>"$T/err")
[ "$(j '[.findings[] | select(.code == "keystore-server-cannot-read")] |
    length')" = 0 ] || fail "still cannot read: $(j -c .findings)"
[ "$(j .keystore.key_recovered)" = true ] || fail "as nobody: key"

# New files for that server (a keystore, a CSR, an export) are nobody's:
# its group, mode 0640 (nogroup is not a general group: a key may be
# group-readable); nobody can read the new keystore.
export SRV_PASS
TLSDECK_PROPERTIES=$S/conf/application.properties
export TLSDECK_PROPERTIES
perms() { stat -c '%u %g %a' "$1"; }
timeout 60 "$TLSDECK" genkey "$S/conf/ssl/new.p12" --alias new \
    --dname "CN=$SRV_HOST" --storepass-env SRV_PASS >"$T/out" 2>"$T/err" ||
    fail "genkey for nobody: $(cat "$T/err")"
[ "$(perms "$S/conf/ssl/new.p12")" = "$NB $NG 640" ] ||
    fail "new keystore: $(perms "$S/conf/ssl/new.p12")"
grep -q "a new file for the server's user nobody" "$T/err" ||
    fail "genkey does not say whose the file is: $(cat "$T/err")"
setpriv --reuid="$NB" --regid="$NG" --clear-groups "$KEYTOOL17" \
    -J-XX:-UsePerfData -list -keystore "$S/conf/ssl/new.p12" \
    -storepass:env SRV_PASS >"$T/out" 2>&1 ||
    fail "nobody cannot read the new keystore: $(cat "$T/out")"
grep -q '^new,' "$T/out" || fail "keytool as nobody: $(cat "$T/out")"
timeout 60 "$TLSDECK" csr "$S/conf/ssl/web.p12" --alias web \
    -o "$S/conf/ssl/web.csr" --storepass-env SRV_PASS >/dev/null 2>"$T/err" ||
    fail "csr: $(cat "$T/err")"
[ "$(perms "$S/conf/ssl/web.csr")" = "$NB $NG 640" ] ||
    fail "new CSR: $(perms "$S/conf/ssl/web.csr")"
timeout 60 "$TLSDECK" export "$S/conf/ssl/web.p12" --alias web \
    -o "$S/conf/ssl/web.crt" --storepass-env SRV_PASS >/dev/null 2>"$T/err" ||
    fail "export: $(cat "$T/err")"
[ "$(perms "$S/conf/ssl/web.crt")" = "$NB $NG 640" ] ||
    fail "new export: $(perms "$S/conf/ssl/web.crt")"
openssl req -in "$S/conf/ssl/web.csr" -noout 2>/dev/null || fail "csr: not PEM"
# An existing file keeps its owner and mode.
timeout 60 "$TLSDECK" genkey "$S/conf/ssl/web.p12" --alias extra \
    --dname "CN=$SRV_HOST" --storepass-env SRV_PASS >/dev/null 2>"$T/err" ||
    fail "genkey in the old keystore: $(cat "$T/err")"
[ "$(perms "$S/conf/ssl/web.p12")" = "$NB 0 600" ] ||
    fail "existing keystore: $(perms "$S/conf/ssl/web.p12")"
# A file outside the server's directories: tlsdeck's own rules.
timeout 60 "$TLSDECK" genkey "$T/other.p12" --alias o --dname CN=o \
    --storepass-env SRV_PASS >/dev/null 2>"$T/err" ||
    fail "genkey elsewhere: $(cat "$T/err")"
[ "$(perms "$T/other.p12")" = "0 0 600" ] ||
    fail "a file not the server's: $(perms "$T/other.p12")"
unset TLSDECK_PROPERTIES
exit 0
