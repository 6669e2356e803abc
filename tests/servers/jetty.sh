#!/bin/sh
# SPDX-License-Identifier: ISC
# jetty.sh -- tlsdeck against Debian's Jetty 9.4, started by start.jar in a
# private jetty.base on free loopback ports (tests/servers/lib.sh): the
# ssl, https and ssl-reload modules in start.d/ssl.ini, passwords in
# Jetty's OBF: form (made by Jetty's own Password class), a PKCS12
# keystore with two key entries chosen by SNI.
#  1. status: the OBF: passwords open the keystore (and are never shown),
#     each entry with the names it serves, the reload automatic within
#     scanInterval; probe: each name against its own entry;
#  2. ssl-reload: an entry renewed in place by tlsdeck genkey --replace is
#     served without a restart (same pid);
#  3. configure writes a password in OBF: form, as Jetty writes it, and
#     never shows it; a key alias is refused (Jetty has none); an unset
#     keyManagerPassword is Jetty's "keypwd".
. "${TOP_SRCDIR:-.}/tests/servers/lib.sh"
need_jetty
need_keytool

JAR=$(ls "$JETTY_HOME"/lib/jetty-util-[0-9]*.jar 2>/dev/null | head -1)
[ -n "$JAR" ] || skip "no jetty-util jar"
# obf PASSWORD: Jetty's own OBF: form
obf() {
	"$SRV_JAVA_HOME/bin/java" -cp "$JAR" \
	    org.eclipse.jetty.util.security.Password "$1" 2>&1 |
	    grep '^OBF:'
}
CA=$T/cacerts.p12
J=$T/jb
jt_base "$J"
port PH
port PS
KS=$J/etc/keystore.p12
ks_rsa "$KS" a a.example.test jettypass1
ks_ec "$KS" b b.example.test jettypass1
trust_of "$CA" "$KS" a jettypass1
trust_of "$CA" "$KS" b jettypass1
OBF=$(obf jettypass1)
[ -n "$OBF" ] || fail "Jetty's Password class"
cat >"$J/start.d/ssl.ini" <<EOF
# TLS: two names, one keystore
--module=ssl,https
--module=ssl-reload
jetty.ssl.host=127.0.0.1
jetty.ssl.port=$PS
jetty.sslContext.keyStorePath=etc/keystore.p12
jetty.sslContext.keyStoreType=PKCS12
jetty.sslContext.keyStorePassword=$OBF
jetty.sslContext.keyManagerPassword=$OBF
jetty.sslContext.trustStorePath=etc/keystore.p12
jetty.sslContext.reload.scanInterval=1
EOF
cat >"$J/start.d/http.ini" <<EOF
--module=http
jetty.http.host=127.0.0.1
jetty.http.port=$PH
EOF
cp -r "$J" "$T/jb-copy"
jt_start "$J" "$PS"
JPID=$SRV_PID

# ---- 1. status and probe ------------------------------------------------
td status --server "$J" --format json
[ $rc = 0 ] || fail "status: exit $rc: $err"
[ "$(j .kind)" = jetty ] || fail "kind $(j .kind)"
[ "$(j .listening)" = true ] && [ "$(j .listen_pid)" = "$JPID" ] ||
    fail "listening $(j .listening) pid $(j .listen_pid), not $JPID"
[ "$(j .keystore.verified)" = true ] && [ "$(j .keystore.by_sni)" = true ] ||
    fail "keystore: $(j -c '.keystore | {path, error, verified}')"
[ "$(j '[.keystore.entries[] | .alias + "=" + (.hosts | join(","))] | join(" ")')" = \
    "a=a.example.test b=b.example.test" ] ||
    fail "entries: $(j -c '[.keystore.entries[] | {alias, hosts}]')"
[ "$(j .keystore.reload)" = "Jetty's ssl-reload module: automatic within 1 s of a change to the keystore" ] ||
    fail "reload: $(j .keystore.reload)"
[ "$(j '[.findings[] | select(.severity == "critical")] | length')" = 0 ] ||
    fail "critical: $(j -c '[.findings[] | {code, message}]')"
row='.settings[] | select(.key == "jetty.sslContext.keyStorePassword")'
[ "$(j "$row | .source")" = start.d/ssl.ini:8 ] &&
    [ "$(j "$row | .value")" = "********" ] &&
    [ "$(j "$row | .check")" = "OBF form" ] || fail "row: $(j -c "[$row]")"
printf '%s' "$out" | grep -q 'jettypass1\|OBF:' && fail "a password in the JSON"
td status --server "$J"
printf '%s' "$out" | grep -q 'jettypass1\|OBF:' && fail "a password in the text"
printf '%s\n' "$out" | grep -q '^  \* b  PrivateKeyEntry  EC P-256  serves b.example.test$' ||
    fail "text: $out"

td probe --server "$J" --cacerts "$CA" --format json
[ $rc = 0 ] || fail "probe: exit $rc $err $(j -c '{keystore, hosts, findings}')"
[ "$(j '[.hosts[] | .sni + "=" + (.match | tostring)] | join(" ")')" = \
    "a.example.test=true b.example.test=true" ] || fail "hosts: $(j -c .hosts)"
[ "$(j '.hosts[] | select(.sni == "a.example.test") | .sha256')" = \
    "$(fp_of "$KS" a jettypass1)" ] || fail "a.example.test: $(j -c .hosts)"
[ "$(j '.hosts[] | select(.sni == "b.example.test") | .alias')" = b ] ||
    fail "b.example.test: $(j -c .hosts)"
td probe --server "$J" --cacerts "$CA" --sni b.example.test --format json
[ $rc = 0 ] && [ "$(j .keystore.alias)" = b ] &&
    [ "$(j .chain[0].sha256)" = "$(fp_of "$KS" b jettypass1)" ] ||
    fail "--sni b.example.test: $rc $(j -c .keystore)"

# ---- 2. ssl-reload: a renewal served without a restart -------------------
OLD_A=$(fp_of "$KS" a jettypass1)
PW=jettypass1 "$TLSDECK" genkey "$KS" --alias b --replace --keyalg ec \
    --dname CN=b.example.test --san dns:b.example.test --storepass-env PW \
    >"$T/genkey.out" 2>&1 || { cat "$T/genkey.out"; fail "genkey --replace"; }
trust_of "$CA" "$KS" b jettypass1
NEW_B=$(fp_of "$KS" b jettypass1)
i=0
while :; do
	td probe --server "$J" --cacerts "$CA" --sni b.example.test --format json
	[ "$(j .chain[0].sha256)" = "$NEW_B" ] && break
	i=$((i + 1))
	[ $i -lt 60 ] || fail "Jetty did not reload the keystore in 60 s: $(j -c '{chain: [.chain[0].sha256], findings}')"
	sleep 1
done
echo "# reloaded after about $i s" >&2
[ $rc = 0 ] && [ "$(j .keystore.match)" = true ] || fail "after reload: $rc"
kill -0 "$JPID" || fail "Jetty went away"
td status --server "$J" --format json
[ "$(j .listen_pid)" = "$JPID" ] || fail "a restart happened?"
td probe --server "$J" --cacerts "$CA" --sni a.example.test --format json
[ "$(j .chain[0].sha256)" = "$OLD_A" ] || fail "entry a changed"
srv_stop

# ---- 3. writing: OBF:, no alias, keypwd ---------------------------------
C=$T/jb-copy
cp "$C/start.d/ssl.ini" "$T/ssl.before"
PW2=another-pass7 td configure --server "$C" --set-env key-store-password=PW2
[ $rc = 0 ] || fail "configure password: exit $rc: $err $out"
printf '%s' "$out" | grep -q 'another-pass7\|OBF:' && fail "configure shows it: $out"
printf '%s\n' "$out" | grep -q '^+jetty.sslContext.keyStorePassword=\*\*\*\*\*\*\*\*$' ||
    fail "configure diff: $out"
grep -qx "jetty.sslContext.keyStorePassword=$(obf another-pass7)" \
    "$C/start.d/ssl.ini" || fail "not Jetty's OBF: $(grep keyStorePassword "$C/start.d/ssl.ini")"
[ "$(diff "$T/ssl.before" "$C/start.d/ssl.ini" | grep -c '^[<>]')" = 2 ] ||
    fail "more than one line changed"
td status --server "$C" --no-live --format json
[ "$(j '[.findings[] | .code] | index("keystore-password-wrong")')" != null ] ||
    fail "the new password was not read: $(j -c '[.findings[] | .code]')"
td configure --server "$C" --set key-alias=a
[ $rc = 1 ] && printf '%s' "$err" | grep -q 'Jetty has no key alias setting' ||
    fail "key-alias: $rc $err"
cp "$T/ssl.before" "$C/start.d/ssl.ini"
sed -i '/keyManagerPassword/d' "$C/start.d/ssl.ini"
td status --server "$C" --no-live --format json
f='.findings[] | select(.code == "key-password-wrong")'
j "$f | .message" | grep -q 'default password "keypwd"' ||
    fail "keypwd: $(j -c '[.findings[] | {code, message}]')"
echo "jetty: ok"
