#!/bin/sh
# SPDX-License-Identifier: ISC
# ensure.sh -- tlsdeck ensure on a real server tree without HTTPS: --check
# writes nothing; the first run creates the key pair, the settings and the
# trust in the server JRE's cacerts (keytool reads them back); the second
# run changes nothing (every byte the same); a keystore with two entries
# keeps the other one when its key pair is renewed; --diff masks the
# password; the password never appears on stdout, stderr or in JSON; bad
# specs are refused with one line naming the file, nothing written.  On a
# server configured in application.yml the settings are edited in place
# (comments, order and the other documents kept) and a second run writes
# nothing.  trust: {in: [cacerts, server], certs} adds CA certificates to
# the JRE's cacerts and to the server's own trust store (Spring's
# server.ssl.trust-store, Tomcat's truststoreFile), entry by entry, backed
# up, the second run writing nothing.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
FX=$TOP_BUILDDIR/tests/tools/srv-fixture
command -v jq >/dev/null || skip "jq missing"
[ -x "$FX" ] || skip "srv-fixture not built (cmocka missing?)"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME
HOME=$T/home
TLSDECK_BACKUP_DIR=$T/backups
KSPW=Ensure-Pass.42
export HOME TLSDECK_BACKUP_DIR KSPW
mkdir -p "$HOME"

run() {
	want=$1
	shift
	timeout -k 2 60 "$TLSDECK" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "tlsdeck $*: exit $rc, expected $want
stdout: $(head -c 3000 "$T/out")
stderr: $(cat "$T/err")"
	if grep -q "$KSPW" "$T/out" "$T/err"; then
		fail "tlsdeck $*: the password was printed"
	fi
}
j() { jq -r "$@" "$T/out"; }
sums() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }

# ---- a server without HTTPS (its JRE's cacerts from the fixture) -------
"$FX" "$T/fx" >/dev/null || fail "srv-fixture"
S=$T/app
mkdir -p "$S/conf"
cp -R "$T/fx/jre" "$S/jre"
cat >"$S/conf/application.properties" <<EOF
# the application
sharedDataPath=$S
server.port=8080
im.base-url=http://app.example.test:8080
EOF
cat >"$T/spec.yaml" <<EOF
server: $S
https:
  domains: [app.example.test, localhost]
  port: 8443
EOF

# --check: what would change, nothing written
before=$(sums "$S")
run 0 ensure "$T/spec.yaml" --storepass-env KSPW --check --format json
[ "$(j .changed)" = true ] || fail "check: changed"
[ "$(j '[.actions[] | select(.changed) | .action] | join(" ")')" = \
    "keypair settings trust" ] || fail "check actions: $(cat "$T/out")"
[ "$(sums "$S")" = "$before" ] || fail "--check wrote something"
[ -e "$T/backups" ] && [ -n "$(ls -A "$T/backups")" ] &&
    fail "--check made a backup"

# the first run
run 0 ensure "$T/spec.yaml" --storepass-env KSPW --format json
[ "$(j .changed)" = true ] || fail "first run: changed"
[ "$(j '[.actions[] | select(.changed) | .action] | join(" ")')" = \
    "keypair settings trust" ] || fail "first run: $(cat "$T/out")"
j '.findings | type' | grep -qx array || fail "findings"
P=$S/conf/application.properties
grep -qx 'server.port=8443' "$P" || fail "port: $(cat "$P")"
grep -qx 'server.ssl.key-alias=tlsdeck' "$P" || fail "alias"
grep -qx "server.ssl.key-store=$S/conf/ssl/keystore.p12" "$P" ||
    fail "key-store"
grep -qx '# the application' "$P" || fail "the comment was lost"
KS=$S/conf/ssl/keystore.p12
run 0 list "$KS" --storepass-env KSPW --format json
[ "$(j '.entries | length')" = 1 ] || fail "one entry: $(cat "$T/out")"
j '.entries[0].chain[0].san | join(",")' |
    grep -qx 'DNS:app.example.test,DNS:localhost' || fail "SANs"
CA=$S/jre/lib/security/cacerts
if command -v keytool >/dev/null 2>&1; then
	keytool -list -keystore "$KS" -storepass:env KSPW >"$T/kt" 2>&1 ||
	    fail "keytool -list: $(cat "$T/kt")"
	grep -q '^tlsdeck,' "$T/kt" || fail "keytool: $(cat "$T/kt")"
	keytool -list -cacerts -keystore "$CA" -storepass changeit \
	    >"$T/kt" 2>&1 || keytool -list -keystore "$CA" -storepass \
	    changeit >"$T/kt" 2>&1 || fail "keytool cacerts: $(cat "$T/kt")"
	grep -q '^tlsdeck-tlsdeck-' "$T/kt" || fail "cacerts: $(cat "$T/kt")"
fi
run 0 status --server "$S" --no-live --format json
[ "$(j '.keystore.key_alias')" = tlsdeck ] || fail "status: key alias"

# the second run: nothing to change, not a byte
before=$(sums "$S")
run 0 ensure "$T/spec.yaml" --storepass-env KSPW --format json
[ "$(j .changed)" = false ] || fail "second run changed: $(cat "$T/out")"
[ "$(j '[.actions[] | select(.changed)] | length')" = 0 ] ||
    fail "second run actions"
[ "$(sums "$S")" = "$before" ] || fail "the second run wrote"
run 0 ensure "$T/spec.yaml" --storepass-env KSPW
tail -1 "$T/out" | grep -qx 'nothing to change' || fail "text: $(cat "$T/out")"
# the configured password is enough once it is configured
run 0 ensure "$T/spec.yaml" --format json
[ "$(j .changed)" = false ] || fail "configured password"

# ---- a keystore with two entries keeps both -----------------------------
S2=$T/two
mkdir -p "$S2/conf/ssl"
cp -R "$T/fx/jre" "$S2/jre"
K2=$S2/conf/ssl/keystore.p12
run 0 genkey "$K2" --alias web --dname CN=old.example.test --days 5 \
    --storepass-env KSPW
run 0 import-cert "$K2" --alias partner "$SAMPLES/certs/ca.pem" \
    --storepass-env KSPW
run 0 list "$K2" --storepass-env KSPW --format json
partner=$(j '.entries[] | select(.alias == "partner") | .chain[0].sha256')
[ -n "$partner" ] || fail "partner entry"
cat >"$S2/conf/application.properties" <<EOF
sharedDataPath=$S2
server.port=8443
server.ssl.key-store=\${sharedDataPath}/conf/ssl/keystore.p12
server.ssl.key-store-password=$KSPW
server.ssl.key-store-type=PKCS12
server.ssl.key-alias=web
server.ssl.enabled=true
EOF
cat >"$T/spec2.yaml" <<EOF
server: $S2
https:
  domains: [new.example.test]
  min-days: 30
  days: 400
EOF
run 0 ensure "$T/spec2.yaml" --format json --diff
[ "$(j '.actions[] | select(.action == "keypair") | .changed')" = true ] ||
    fail "renew: $(cat "$T/out")"
[ "$(j '.actions[] | select(.action == "settings") | .changed')" = false ] ||
    fail "settings as they were: $(cat "$T/out")"
j '.actions[] | select(.action == "keypair") | .diff.before' |
    grep -q '^partner: trustedCertEntry' || fail "diff before"
j '.actions[] | select(.action == "keypair") | .diff.after' |
    grep -q '^web: PrivateKeyEntry, CN=new.example.test' || fail "diff after"
grep -q '\${sharedDataPath}/conf/ssl/keystore.p12' \
    "$S2/conf/application.properties" || fail "key-store rewritten"
run 0 list "$K2" --storepass-env KSPW --format json
[ "$(j '.entries | length')" = 2 ] || fail "two entries: $(cat "$T/out")"
[ "$(j '.entries[] | select(.alias == "partner") | .chain[0].sha256')" = \
    "$partner" ] || fail "partner changed"
[ "$(j '.entries[] | select(.alias == "web") | .chain[0].days_left')" \
    -ge 399 ] || fail "web renewed"
run 0 ensure "$T/spec2.yaml" --format json
[ "$(j .changed)" = false ] || fail "spec2 second run: $(cat "$T/out")"

# --diff of the settings masks the password
S3=$T/three
mkdir -p "$S3/conf"
cp -R "$T/fx/jre" "$S3/jre"
printf 'sharedDataPath=%s\nserver.port=8080\n' "$S3" \
    >"$S3/conf/application.properties"
printf 'server: %s\nhttps:\n  domains: [x.example.test]\n' "$S3" \
    >"$T/spec3.yaml"
run 0 ensure "$T/spec3.yaml" --storepass-file /dev/stdin --check --diff \
    --format json <<EOF
$KSPW
EOF
j '.actions[] | select(.action == "settings") | .diff.after' |
    grep -qx 'server.ssl.key-store-password=\*\*\*\*\*\*\*\*' ||
    fail "masked: $(cat "$T/out")"
[ -e "$S3/conf/ssl" ] && fail "--check created the keystore directory"

# ---- a Spring server configured in YAML (application.yml) -------------
# The keys go into the YAML where they win, every other line (comments,
# order, a profile document) stays as it was; the second run writes
# nothing.
SY=$T/yml
mkdir -p "$SY/conf"
cp -R "$T/fx/jre" "$SY/jre"
Y=$SY/conf/application.yml
cat >"$Y" <<EOF
# the application, in YAML
sharedDataPath: $SY
server:
  port: 8080   # plain HTTP for now
  servlet:
    context-path: /app
im:
  base-url: http://yml.example.test:8080
---
spring:
  config:
    activate:
      on-profile: dev
server:
  port: 9090
EOF
cp "$Y" "$T/yml.orig"
cat >"$T/specy.yaml" <<EOF
server: $SY
https:
  domains: [yml.example.test]
  port: 8443
settings:
  - key: server.servlet.context-path
    value: /im
  - key: server.http2.enabled
    value: "true"
EOF
before=$(sums "$SY")
run 0 ensure "$T/specy.yaml" --storepass-env KSPW --check --diff --format json
[ "$(j .changed)" = true ] || fail "yaml check: $(cat "$T/out")"
[ "$(sums "$SY")" = "$before" ] || fail "yaml: --check wrote"
j '.actions[] | select(.action == "settings") | .target' | grep -qx "$Y" ||
    fail "yaml: the settings target: $(cat "$T/out")"
run 0 ensure "$T/specy.yaml" --storepass-env KSPW --format json
[ "$(j '[.actions[] | select(.changed) | .action] | join(" ")')" = \
    "keypair settings trust" ] || fail "yaml first run: $(cat "$T/out")"
# every line of the original but the two values changed is still there
grep -v -e '^  port: 8080' -e 'context-path: /app' "$T/yml.orig" |
    while IFS= read -r line; do
	grep -qxF -- "$line" "$Y" || fail "yaml: lost \"$line\": $(cat "$Y")"
done || exit 1
grep -q '^  port: 8443' "$Y" || fail "yaml port: $(cat "$Y")"
grep -q 'context-path: /im' "$Y" || fail "yaml context-path: $(cat "$Y")"
grep -q '# plain HTTP for now' "$Y" || fail "yaml: the comment: $(cat "$Y")"
[ "$(sed -n '/^---$/,$p' "$Y")" = "$(sed -n '/^---$/,$p' "$T/yml.orig")" ] ||
    fail "yaml: the profile document changed: $(cat "$Y")"
run 0 status --server "$SY" --no-live --format json
[ "$(j '.keystore.key_alias')" = tlsdeck ] || fail "yaml: status key alias"
[ "$(j '.keystore.port')" = 8443 ] || fail "yaml: status port: $(j -c .keystore)"
grep -A1 '^  http2:$' "$Y" | grep -qx '    enabled: true' ||
    fail "yaml: http2 nested under server: $(cat "$Y")"
before=$(sums "$SY")
run 0 ensure "$T/specy.yaml" --storepass-env KSPW --format json
[ "$(j .changed)" = false ] || fail "yaml second run: $(cat "$T/out")"
[ "$(sums "$SY")" = "$before" ] || fail "yaml: the second run wrote"
run 0 ensure "$T/specy.yaml" --format json --check
[ "$(j .changed)" = false ] || fail "yaml check after: $(cat "$T/out")"

# ---- trust in the server's own trust store too -------------------------
# trust: {in: [cacerts, server], certs: [...]}: each certificate into the
# JRE's cacerts and into the trust store the server configures
# (server.ssl.trust-store), entry by entry: one already there is left as
# it is, the other added (the store backed up first); the second run
# writes nothing.
ST=$T/trust
mkdir -p "$ST/conf/ssl"
cp -R "$T/fx/jre" "$ST/jre"
TS=$ST/conf/ssl/truststore.p12
TSPW=Trust-Pass.43
export TSPW
run 0 import-cert "$TS" --alias partner-ca "$SAMPLES/certs/ca.pem" \
    --storepass-env TSPW
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/ca2.key" -out "$T/ca2.pem" -subj "/CN=ensure second CA" \
    -days 30 -addext basicConstraints=critical,CA:TRUE \
    >"$T/req.log" 2>&1 || fail "openssl: $(cat "$T/req.log")"
cat >"$ST/conf/application.properties" <<EOF
sharedDataPath=$ST
server.port=8080
server.ssl.trust-store=\${sharedDataPath}/conf/ssl/truststore.p12
server.ssl.trust-store-password=$TSPW
server.ssl.trust-store-type=PKCS12
EOF
cat >"$T/spect.yaml" <<EOF
server: $ST
trust:
  in: [cacerts, server]
  certs: [$SAMPLES/certs/ca.pem, $T/ca2.pem]
EOF
rm -rf "$T/backups"
before=$(sums "$ST")
run 0 ensure "$T/spect.yaml" --check --format json
[ "$(j '[.actions[] | select(.action == "trust") | "\(.target)=\(.changed)"] | join(" ")')" = \
    "$ST/jre/lib/security/cacerts=true $TS=false $ST/jre/lib/security/cacerts=true $TS=true" ] ||
    fail "trust check: $(cat "$T/out")"
[ "$(sums "$ST")" = "$before" ] || fail "trust: --check wrote"
run 0 ensure "$T/spect.yaml" --format json
[ "$(j '[.actions[] | select(.changed)] | length')" = 3 ] ||
    fail "trust run: $(cat "$T/out")"
j '.actions[] | select(.target == "'"$TS"'" and .changed) | .backup' |
    grep -qx '[0-9][0-9]*' || fail "trust: no backup: $(cat "$T/out")"
run 0 list "$TS" --storepass-env TSPW --format json
[ "$(j '.entries | length')" = 2 ] || fail "trust store: $(cat "$T/out")"
[ "$(j '.entries[] | select(.alias == "partner-ca") | .type')" = \
    trustedCertEntry ] || fail "trust store: partner-ca: $(cat "$T/out")"
j '.entries[].chain[0].subject' | grep -q 'ensure second CA' ||
    fail "trust store: the second CA: $(cat "$T/out")"
if command -v keytool >/dev/null 2>&1; then
	keytool -list -keystore "$TS" -storepass:env TSPW >"$T/kt" 2>&1 ||
	    fail "keytool -list trust store: $(cat "$T/kt")"
	[ "$(grep -c trustedCertEntry "$T/kt")" = 2 ] ||
	    fail "keytool: $(cat "$T/kt")"
fi
before=$(sums "$ST")
run 0 ensure "$T/spect.yaml" --format json
[ "$(j .changed)" = false ] || fail "trust second run: $(cat "$T/out")"
[ "$(sums "$ST")" = "$before" ] || fail "trust: the second run wrote"
# the same on Tomcat: the SSLHostConfig's truststoreFile (JKS)
TC=$T/tomcat
mkdir -p "$TC/conf"
run 0 import-cert "$TC/conf/trust.jks" --alias partner-ca \
    "$SAMPLES/certs/ca.pem" --storepass-env TSPW --storetype jks
cat >"$TC/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="8443" protocol="org.apache.coyote.http11.Http11NioProtocol"
               SSLEnabled="true" scheme="https" secure="true">
      <SSLHostConfig certificateVerification="optional"
                     truststoreFile="conf/trust.jks"
                     truststorePassword="$TSPW" truststoreType="JKS">
        <Certificate certificateKeystoreFile="conf/ks.p12"
                     certificateKeystorePassword="x-pass" type="RSA"/>
      </SSLHostConfig>
    </Connector>
  </Service>
</Server>
EOF
printf 'server: %s\ntrust:\n  in: [server]\n  certs: [%s, %s]\n' "$TC" \
    "$SAMPLES/certs/ca.pem" "$T/ca2.pem" >"$T/spectc.yaml"
run 0 ensure "$T/spectc.yaml" --format json
[ "$(j '[.actions[] | "\(.target)=\(.changed)"] | join(" ")')" = \
    "$TC/conf/trust.jks=false $TC/conf/trust.jks=true" ] ||
    fail "tomcat trust: $(cat "$T/out")"
if command -v keytool >/dev/null 2>&1; then
	keytool -list -keystore "$TC/conf/trust.jks" -storepass:env TSPW \
	    >"$T/kt" 2>&1 || fail "keytool -list tomcat: $(cat "$T/kt")"
	[ "$(grep -c trustedCertEntry "$T/kt")" = 2 ] ||
	    fail "keytool tomcat: $(cat "$T/kt")"
fi
before=$(sums "$TC")
run 0 ensure "$T/spectc.yaml" --format json
[ "$(j .changed)" = false ] || fail "tomcat trust again: $(cat "$T/out")"
[ "$(sums "$TC")" = "$before" ] || fail "tomcat trust: the second run wrote"

# in: [server] only; a server without a trust store is refused
printf 'server: %s\ntrust:\n  in: [server]\n  certs: [%s]\n' "$S" \
    "$T/ca2.pem" >"$T/spect2.yaml"
before=$(sums "$S")
run 1 ensure "$T/spect2.yaml"
[ "$(grep -c . "$T/err")" = 1 ] && grep -q 'no trust store of its own' \
    "$T/err" || fail "no trust store: $(cat "$T/err")"
[ "$(sums "$S")" = "$before" ] || fail "no trust store: wrote"

# ---- bad specs: one line naming the file, nothing written ---------------
before=$(sums "$S")
bad() {
	printf '%s' "$2" >"$T/bad.yaml"
	run 1 ensure "$T/bad.yaml" --storepass-env KSPW
	[ "$(grep -c . "$T/err")" = 1 ] || fail "$1: one line: $(cat "$T/err")"
	grep -q "$3" "$T/err" || fail "$1: $(cat "$T/err")"
}
bad empty '' "bad.yaml: empty"
bad notyaml 'server: [1' "bad.yaml: "
bad unknown "server: $S
color: red
" "bad.yaml: .*color"
bad both "server: $S
properties: $P
" "exactly one of server"
bad secret "server: $S
settings:
  - key: server.ssl.trust-store-password
    value: x
" "passwords never go into a spec"
bad domain "server: $S
https:
  domains: ['a b']
" "not a DNS name"
bad days "server: $S
https:
  domains: [a.example]
  min-days: 900
  days: 100
" "min-days"
bad trustin "server: $S
trust:
  in: [jre]
  certs: [$T/ca2.pem]
" "trust.in: .*neither cacerts"
bad acmepem "server: $S
https:
  domains: [a.example]
  pem-key: /k.pem
  pem-chain: /c.pem
  acme: {directory: 'https://ca.example/dir'}
" "not both"
printf 'server: x\000\n' >"$T/bad.yaml"
run 1 ensure "$T/bad.yaml"
grep -q 'NUL' "$T/err" || fail "NUL: $(cat "$T/err")"
[ "$(sums "$S")" = "$before" ] || fail "a bad spec wrote"
# no password for a new keystore
printf 'server: %s\nhttps:\n  domains: [y.example.test]\n' "$S3" \
    >"$T/spec4.yaml"
run 1 ensure "$T/spec4.yaml"
grep -q 'no keystore password' "$T/err" || fail "no password: $(cat "$T/err")"
run 1 ensure "$T/missing.yaml"
grep -q "missing.yaml" "$T/err" || fail "missing spec"
run 2 ensure

# ---- one transaction: a failure after some writes puts them all back ----
# The key pair, the settings and the trust in cacerts are written, then
# the CA file is not a certificate: every file is as before, the new
# keystore is gone, and the message says what was put back.
S5=$T/txn
mkdir -p "$S5/conf"
cp -R "$T/fx/jre" "$S5/jre"
printf 'sharedDataPath=%s\nserver.port=8080\n' "$S5" \
    >"$S5/conf/application.properties"
echo "not a certificate" >"$T/bad-ca.pem"
cat >"$T/spec5.yaml" <<EOF
server: $S5
https:
  domains: [txn.example.test]
  port: 8443
ca-files: [$T/bad-ca.pem]
EOF
before=$(sums "$S5")
run 1 ensure "$T/spec5.yaml" --storepass-env KSPW
[ "$(grep -c . "$T/err")" = 1 ] || fail "txn: not one line: $(cat "$T/err")"
grep -q "bad-ca.pem: not a certificate" "$T/err" || fail "txn: $(cat "$T/err")"
grep -q "rolled back: put back .*application.properties" "$T/err" ||
    fail "txn: no rollback said: $(cat "$T/err")"
[ "$(sums "$S5")" = "$before" ] || fail "txn: files not put back"
[ -e "$S5/conf/ssl/keystore.p12" ] && fail "txn: the new keystore is left"
echo "ok: ensure"
