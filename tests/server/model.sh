#!/bin/sh
# SPDX-License-Identifier: ISC
# model.sh -- what the server really uses (docs/server-model.md): one tree
# per precedence rule, built with OpenSSL (tests/data/servers/mktree.sh, no
# JVM), judged through tlsdeck status --format json:
#   server.ssl.bundle wins outright (the decoy key store is never shown),
#   PEM (certificate + private key) wins over the key store, profile files
#   win over the plain file, application.yml (documents activated by
#   profile), the client trust store and client-auth=need, SNI bundles,
#   Integration Manager's encryption and queue keystores (the encryption
#   key is never renewable and its expiry is only info), a missing bundle;
#   then the files tlsdeck must never take for a properties file (a Tomcat
#   server.xml, binary data): refused, not changed; configure writing to
#   the file that wins, YAML edits checked byte for byte and re-read by
#   python3's yaml.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
command -v jq >/dev/null || skip "jq missing"
command -v openssl >/dev/null || skip "openssl missing"
. "$TOP_SRCDIR/tests/data/servers/mktree.sh"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME
TLSDECK_BACKUP_DIR=$T/backups
export TLSDECK_BACKUP_DIR

# st TREE: status JSON of a tree in $out (exit 0), nothing on stderr.
st() {
	out=$("$TLSDECK" status --server "$1" --no-live --format json \
	    2>"$T/err")
	rc=$?
	[ "$rc" = 0 ] || fail "status $1: exit $rc: $(cat "$T/err")"
	[ -s "$T/err" ] && fail "status $1: stderr: $(cat "$T/err")"
	printf '%s\n' "$out" | jq -e . >/dev/null || fail "status $1: $out"
}
j() { printf '%s\n' "$out" | jq -r "$@"; }
codes() { j '[.findings[].code] | unique | join(" ")'; }
has_code() {
	case " $(codes) " in
	*" $1 "*) ;;
	*) fail "$2: no $1 in [$(codes)]" ;;
	esac
}
no_code() {
	case " $(codes) " in
	*" $1 "*) fail "$2: $1 in [$(codes)]" ;;
	esac
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
# leaf DIR NAME CN DAYS: a CA-signed leaf, its key and chain (PEM) in DIR.
leaf() {
	openssl req -newkey rsa:2048 -nodes -keyout "$1/$2.key" \
	    -out "$1/$2.csr" -subj "/O=Example Test/CN=$3" \
	    -addext "subjectAltName=DNS:$3" 2>/dev/null || fail "req $2"
	ca_sign "$T/ca" "$1/$2.csr" "$1/$2.pem" -days "$4" || fail "sign $2"
	cat "$1/$2.pem" "$T/ca/int.pem" "$T/ca/root.pem" >"$1/$2-chain.pem"
}
# p12 DIR NAME ALIAS: NAME.key + NAME-chain.pem as DIR/NAME.p12.
p12() {
	openssl pkcs12 -export -name "$3" -inkey "$1/$2.key" \
	    -in "$1/$2-chain.pem" -passout env:SRV_PASS \
	    -out "$1/$2.p12" 2>/dev/null || fail "pkcs12 $2"
}
# tree NAME: a tree with the CA's root in its JRE's cacerts and a decoy
# keystore at the documented place (server.ssl.key-store).
tree() {
	d=$T/$1
	mkdir -p "$d/conf/ssl"
	cp -a "$T/base/jre" "$d/jre"
	leaf "$d/conf/ssl" decoy decoy.example.test 400
	p12 "$d/conf/ssl" decoy integration-manager
	mv "$d/conf/ssl/decoy.p12" "$d/conf/ssl/keystore.p12"
	props_write "$d" keystore.p12 PKCS12
}

mk_ca "$T/ca" || fail "openssl CA"
mk_jre "$T/base" 17.0.15
# The JRE's cacerts trusts the test root (written by tlsdeck import-cert
# as Java writes trusted certificate entries).
"$TLSDECK" import-cert "$T/base/jre/lib/security/cacerts" \
    --alias example-test-root "$T/ca/root.pem" --storepass-env CACERTS_PASS \
    >/dev/null 2>&1 || fail "cacerts"
DECOY_FP=

# ---- server.ssl.bundle wins; the decoy key store is never shown ------
tree bundle
B=$T/bundle
leaf "$B/conf/ssl" web im.example.test 300
p12 "$B/conf/ssl" web web
DECOY_FP=$(openssl x509 -in "$B/conf/ssl/decoy.pem" -noout -fingerprint \
    -sha256 | sed 's/.*=//')
cat >>"$B/conf/application.properties" <<EOF
server.ssl.bundle=web
spring.ssl.bundle.jks.web.keystore.location=\${sharedDataPath}/conf/ssl/web.p12
spring.ssl.bundle.jks.web.keystore.password=$SRV_PASS
spring.ssl.bundle.jks.web.key.alias=web
EOF
st "$B"
[ "$(j .kind)" = spring ] || fail "bundle: kind $(j .kind)"
[ "$(j .keystore.path)" = "$B/conf/ssl/web.p12" ] ||
    fail "bundle: served $(j .keystore.path)"
[ "$(j .keystore.name) $(j .keystore.key_alias) $(j .keystore.key_recovered)" = \
    "web web true" ] || fail "bundle: $(j -c .keystore)"
[ "$(j '.keystore.configured_by[0]')" = server.ssl.bundle ] ||
    fail "bundle: configured_by $(j -c .keystore.configured_by)"
printf '%s\n' "$out" | jq -e '.keystores | map(select(.path |
    test("keystore.p12"))) | length == 0' >/dev/null ||
    fail "bundle: the decoy is a key material: $(j -c .keystores)"
printf '%s\n' "$out" | grep -q "$DECOY_FP" &&
    fail "bundle: the decoy's certificate is shown"
printf '%s\n' "$out" | grep -q 'decoy.example.test' &&
    fail "bundle: the decoy's subject is shown"
has_code setting-ignored bundle
[ "$(j '[.findings[] | select(.code == "setting-ignored") | .key] |
    sort | join(",")')" = \
    "server.ssl.key-alias,server.ssl.key-store,server.ssl.key-store-password,server.ssl.key-store-type" ] ||
    fail "bundle: ignored $(j -c '[.findings[]|select(.code=="setting-ignored")|.key]')"
[ "$(j '.settings[] | select(.key == "server.ssl.key-store") | .check')" = \
    ignored ] || fail "bundle: key-store row $(j -c .settings)"
no_code keystore-password-wrong bundle
printf '%s\n' "$out" | grep -q "$SRV_PASS" && fail "bundle: password shown"

# A bundle that is not there: the server will not start.
sed -i 's/^server.ssl.bundle=web/server.ssl.bundle=nope/' \
    "$B/conf/application.properties"
st "$B"
has_code ssl-bundle-missing "missing bundle"
[ "$(j .status)" = critical ] || fail "missing bundle: $(j .status)"
[ "$(j .keystore.name)" = nope ] || fail "missing bundle: $(j -c .keystore)"

# ---- PEM wins over the key store ------------------------------------
tree pem
M=$T/pem
leaf "$M/conf/ssl" pem im.example.test 300
cat >>"$M/conf/application.properties" <<EOF
server.ssl.certificate=\${sharedDataPath}/conf/ssl/pem-chain.pem
server.ssl.certificate-private-key=file:\${sharedDataPath}/conf/ssl/pem.key
EOF
st "$M"
[ "$(j .keystore.format) $(j .keystore.where)" = "PEM pem" ] ||
    fail "pem: $(j -c .keystore)"
[ "$(j .keystore.path)" = "$M/conf/ssl/pem-chain.pem" ] ||
    fail "pem: path $(j .keystore.path)"
[ "$(j .keystore.private_key_file)" = "$M/conf/ssl/pem.key" ] ||
    fail "pem: key $(j .keystore.private_key_file)"
[ "$(j .keystore.key_recovered) $(j '.keystore.chain | length')" = \
    "true 3" ] || fail "pem: chain $(j -c .keystore)"
# PEM files are renewed by new files (the Renew wizard, ACME)
[ "$(j .keystore.renewable)" = true ] || fail "pem: renewable"
[ "$(j .trust.trusted)" = true ] || fail "pem: trust $(j -c .trust)"
has_code setting-ignored pem
printf '%s\n' "$out" | grep -q 'decoy.example.test' &&
    fail "pem: the decoy is shown"
no_code key-cert-mismatch pem
# A key that does not belong to the certificate.
cp "$M/conf/ssl/decoy.key" "$M/conf/ssl/pem.key"
st "$M"
has_code key-cert-mismatch "pem mismatch"
[ "$(j '[.findings[] | select(.code == "key-cert-mismatch")][0].material.role')" = \
    server ] || fail "pem mismatch: material"
# The certificate without its key: the key store is used after all.
sed -i '/^server.ssl.certificate-private-key=/d' \
    "$M/conf/application.properties"
st "$M"
[ "$(j .keystore.path)" = "$M/conf/ssl/keystore.p12" ] ||
    fail "pem without key: $(j .keystore.path)"
[ "$(j '[.findings[] | select(.code == "setting-ignored") | .key] |
    join(",")')" = server.ssl.certificate ] || fail "pem without key: ignored"

# ---- profile files win over the plain file --------------------------
tree prof
R=$T/prof
leaf "$R/conf/ssl" prod im.example.test 300
p12 "$R/conf/ssl" prod prod
printf 'spring.profiles.active=prod\n' >>"$R/conf/application.properties"
cat >"$R/conf/application-prod.properties" <<EOF
# the prod profile
server.ssl.key-store=$R/conf/ssl/prod.p12
server.ssl.key-alias=prod
EOF
st "$R"
[ "$(j -c .profiles)" = '["prod"]' ] || fail "profile: $(j -c .profiles)"
[ "$(j .keystore.path) $(j .keystore.key_alias)" = \
    "$R/conf/ssl/prod.p12 prod" ] || fail "profile: $(j -c .keystore)"
[ "$(j '.settings[] | select(.key == "server.ssl.key-alias") | .source')" = \
    "conf/application-prod.properties:3" ] ||
    fail "profile: source $(j -c '.settings[]|select(.key=="server.ssl.key-alias")')"
[ "$(j '.settings[] | select(.key == "server.ssl.key-alias") |
    .overrides[0]')" = "conf/application.properties:7" ] ||
    fail "profile: overrides"
[ "$(j '.findings[] | select(.code == "setting-overridden" and
    .key == "server.ssl.key-alias") | "\(.severity) \(.file):\(.line)"')" = \
    "info $R/conf/application.properties:7" ] ||
    fail "profile: overridden $(j -c '[.findings[]|select(.code=="setting-overridden")]')"
# Another profile is active: the plain file again.
sed -i 's/^spring.profiles.active=prod/spring.profiles.active=dev/' \
    "$R/conf/application.properties"
st "$R"
[ "$(j .keystore.path)" = "$R/conf/ssl/keystore.p12" ] ||
    fail "profile dev: $(j .keystore.path)"

# ---- application.yml, documents activated by profile ------------------
Y=$T/yaml
mkdir -p "$Y/conf/ssl"
cp -a "$T/base/jre" "$Y/jre"
leaf "$Y/conf/ssl" yml im.example.test 300
p12 "$Y/conf/ssl" yml yml
cp "$T/bundle/conf/ssl/keystore.p12" "$Y/conf/ssl/keystore.p12"
cat >"$Y/conf/application.yml" <<EOF
# the server's settings
server:
  port: 8443
  ssl:
    key-store: "$Y/conf/ssl/keystore.p12"   # the old one
    key-store-password: '$SRV_PASS'
    key-alias: integration-manager
spring:
  profiles:
    active: tls
---
spring:
  config:
    activate:
      on-profile: tls & !dev
server:
  ssl:
    key-store: $Y/conf/ssl/yml.p12
    key-alias: yml
---
spring.config.activate.on-profile: dev
server.port: 9999
EOF
cp "$Y/conf/application.yml" "$T/yml.orig"
st "$Y"
[ "$(j .keystore.path) $(j .keystore.key_alias) $(j .port)" = \
    "$Y/conf/ssl/yml.p12 yml 8443" ] || fail "yaml: $(j -c .keystore)"
[ "$(j '.settings[] | select(.key == "server.ssl.key-alias") | .source')" = \
    "conf/application.yml:19" ] || fail "yaml: source"
[ "$(j '[.sources[] | select(.format == "yaml")] | length')" = 2 ] ||
    fail "yaml: sources $(j -c .sources)"
printf '%s\n' "$out" | grep -q "$SRV_PASS" && fail "yaml: password shown"
# configure: the key goes to the document that wins, the port to the
# first; only those scalars change, and python's yaml reads the result.
"$TLSDECK" configure --server "$Y" --no-live --set server.ssl.key-alias=new \
    --set server.port=8444 >"$T/conf.out" 2>&1 || fail "yaml configure: $(cat "$T/conf.out")"
grep -q "$SRV_PASS" "$T/conf.out" && fail "yaml configure shows the password"
sed -e 's/^  port: 8443$/  port: 8444/' -e 's/^    key-alias: yml$/    key-alias: new/' \
    "$T/yml.orig" >"$T/yml.want"
cmp -s "$T/yml.want" "$Y/conf/application.yml" ||
    fail "yaml configure: $(diff "$T/yml.want" "$Y/conf/application.yml")"
if python3 -c 'import yaml' 2>/dev/null; then
	python3 - "$Y/conf/application.yml" <<-'EOF' || fail "python3 yaml"
	import sys, yaml
	d = list(yaml.safe_load_all(open(sys.argv[1])))
	assert d[0]["server"]["port"] == 8444, d
	assert d[1]["server"]["ssl"]["key-alias"] == "new", d
	assert d[0]["server"]["ssl"]["key-alias"] == "integration-manager", d
	assert d[2]["server.port"] == 9999, d
	EOF
fi
st "$Y"
[ "$(j .keystore.key_alias) $(j .port)" = "new 8444" ] ||
    fail "yaml reread: $(j -c .keystore)"
# A block scalar cannot be edited in place: refused, file unchanged.
mkdir -p "$T/yblock/config"
printf 'server:\n  port: 1\nim:\n  title: |\n    two\n    lines\n' \
    >"$T/yblock/config/application.yaml"
before=$(sha "$T/yblock/config/application.yaml")
"$TLSDECK" configure --server "$T/yblock" --no-live --set im.title=x \
    >"$T/conf.out" 2>"$T/err" && fail "block scalar edited"
grep -q 'application.yaml: line 4: im.title is a block scalar' "$T/err" ||
    fail "block scalar: $(cat "$T/err")"
[ "$(sha "$T/yblock/config/application.yaml")" = "$before" ] ||
    fail "refused YAML edit changed the file"

# ---- client trust, client-auth=need ---------------------------------
tree trust
C=$T/trust
printf 'server.ssl.client-auth=need\n' >>"$C/conf/application.properties"
st "$C"
has_code client-auth-no-trust "no trust store"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/clients.key" \
    -out "$T/clients.pem" -subj "/O=Example Test/CN=Clients CA" -days 20 \
    -addext basicConstraints=critical,CA:true 2>/dev/null || fail "client CA"
"$TLSDECK" import-cert "$C/conf/ssl/trust.p12" --alias clients \
    "$T/clients.pem" --storepass-env SRV_PASS >/dev/null 2>&1 ||
    fail "trust.p12"
cat >>"$C/conf/application.properties" <<EOF
server.ssl.trust-store=$C/conf/ssl/trust.p12
server.ssl.trust-store-password=$SRV_PASS
EOF
st "$C"
no_code client-auth-no-trust "trust store"
[ "$(j '.keystores[] | select(.role == "client-trust") | .path')" = \
    "$C/conf/ssl/trust.p12" ] || fail "trust: $(j -c .keystores)"
[ "$(j '.keystores[] | select(.role == "client-trust") | .entries | length')" = 1 ] ||
    fail "trust: entries"
[ "$(j '.certificates[] | select(.material.role == "client-trust") |
    "\(.position) \(.status)"')" = "trusted warning" ] ||
    fail "trust: expiry row $(j -c .certificates)"
[ "$(j '.findings[] | select(.code == "cert-expiring") |
    "\(.severity) \(.material.role)"')" = "warning client-trust" ] ||
    fail "trust: expiring $(j -c .findings)"

# ---- SNI: a certificate per host name -------------------------------
tree sni
N=$T/sni
leaf "$N/conf/ssl" api api.example.test 20
p12 "$N/conf/ssl" api api
cat >>"$N/conf/application.properties" <<EOF
server.ssl.server-name-bundles[0].server-name=api.example.test
server.ssl.server-name-bundles[0].bundle=api
spring.ssl.bundle.jks.api.keystore.location=$N/conf/ssl/api.p12
spring.ssl.bundle.jks.api.keystore.password=$SRV_PASS
EOF
st "$N"
[ "$(j '.keystores[] | select(.role == "sni") | "\(.name) \(.hosts[0]) \(.key_alias)"')" = \
    "api.example.test api.example.test api" ] ||
    fail "sni: $(j -c '.keystores[]|select(.role=="sni")')"
[ "$(j '[.findings[] | select(.code == "cert-expiring") |
    .material.role] | join(",")')" = sni ] ||
    fail "sni: expiry $(j -c '[.findings[]|select(.code=="cert-expiring")]')"

# ---- Integration Manager: encryption and queue keystores -------------
tree im
I=$T/im
leaf "$I/conf/ssl" enc encryption.example.test 5
p12 "$I/conf/ssl" enc macros
leaf "$I/conf/ssl" queue queue.example.test 10
p12 "$I/conf/ssl" queue queue
cat >>"$I/conf/application.properties" <<EOF
encryption.enabled=true
encryption.key-store=\${sharedDataPath}/conf/ssl/enc.p12
encryption.key-store-password=$SRV_PASS
encryption.certificate-name=macros
queue.ssl.enabled=true
queue.ssl.key-store=\${sharedDataPath}/conf/ssl/queue.p12
queue.ssl.key-store-password=$SRV_PASS
queue.ssl.key-store-type=PKCS12
queue.ssl.protocol=TLSv1.3
EOF
st "$I"
[ "$(j '[.keystores[].role] | join(",")')" = server,encryption,queue ] ||
    fail "im: roles $(j -c '[.keystores[].role]')"
[ "$(j '.keystores[] | select(.role == "encryption") | "\(.renewable) \(.key_alias) \(.key_recovered)"')" = \
    "false macros true" ] || fail "im: encryption $(j -c .keystores)"
[ "$(j '.keystores[] | select(.role == "queue") | "\(.renewable) \(.key_recovered)"')" = \
    "true true" ] || fail "im: queue"
[ "$(j '[.findings[] | select(.code == "cert-expiring") |
    "\(.material.role):\(.severity)"] | sort | join(",")')" = \
    "encryption:info,queue:critical" ] ||
    fail "im: expiry $(j -c '[.findings[]|select(.code=="cert-expiring")]')"
# Prometheus: every certificate's series says whose it is.
prom=$("$TLSDECK" audit --server "$I" --no-live --format prometheus 2>&1)
for r in server encryption queue; do
	printf '%s\n' "$prom" | grep -q "^tlsdeck_cert_remaining_seconds{role=\"$r\",.*position=\"leaf\"}" ||
	    fail "prometheus: no leaf of role $r: $prom"
done
printf '%s\n' "$prom" | grep -q "^tlsdeck_cert_not_after_seconds{role=\"encryption\",file=\"$I/conf/ssl/enc.p12\"" ||
    fail "prometheus: encryption file: $prom"
# Nothing changes the encryption keystore: each command refuses with one
# line saying why, the file unchanged (the server is found as status
# finds it, here through $TLSDECK_PROPERTIES).
enc=$(sha "$I/conf/ssl/enc.p12")
refuse() {
	TLSDECK_PROPERTIES=$I/conf/application.properties "$TLSDECK" "$@" \
	    >"$T/out" 2>"$T/err" </dev/null && fail "$1 on the encryption keystore"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "$1: $(cat "$T/err")"
	grep -q "enc.p12: not changed: it is the encryption key material of .*a new key pair loses that data" \
	    "$T/err" || fail "$1: $(cat "$T/err")"
	[ "$(sha "$I/conf/ssl/enc.p12")" = "$enc" ] || fail "$1 changed enc.p12"
}
refuse delete "$I/conf/ssl/enc.p12" --alias macros --storepass-env SRV_PASS
refuse rename "$I/conf/ssl/enc.p12" --alias macros --to other \
    --storepass-env SRV_PASS
refuse passwd "$I/conf/ssl/enc.p12" --storepass-env SRV_PASS \
    --new-storepass-env SRV_PASS
refuse genkey "$I/conf/ssl/enc.p12" --alias macros --dname CN=x --replace \
    --storepass-env SRV_PASS
refuse import-pem "$I/conf/ssl/enc.p12" --alias macros \
    --key "$I/conf/ssl/enc.key" --cert "$I/conf/ssl/enc-chain.pem" --replace \
    --storepass-env SRV_PASS
refuse import-reply "$I/conf/ssl/enc.p12" --alias macros \
    "$I/conf/ssl/enc-chain.pem" --storepass-env SRV_PASS
# Listing and exporting it are fine.
TLSDECK_PROPERTIES=$I/conf/application.properties "$TLSDECK" list \
    "$I/conf/ssl/enc.p12" --storepass-env SRV_PASS >/dev/null 2>&1 ||
    fail "list of the encryption keystore refused"
# The queue keystore is not protected: renewable.
TLSDECK_PROPERTIES=$I/conf/application.properties "$TLSDECK" rename \
    "$I/conf/ssl/queue.p12" --alias queue --to queue2 --dry-run \
    --storepass-env SRV_PASS >/dev/null 2>"$T/err" ||
    fail "queue rename refused: $(cat "$T/err")"
# configure neither points it elsewhere nor changes its password.
cp "$I/conf/application.properties" "$T/im.orig"
for k in encryption.key-store encryption.certificate-name; do
	"$TLSDECK" configure --server "$I" --no-live --set "$k=/x" \
	    >"$T/out" 2>"$T/err" && fail "configure $k"
	grep -q "^tlsdeck: $k: not changed: it chooses the encryption keystore" \
	    "$T/err" || fail "configure $k: $(cat "$T/err")"
done
cmp -s "$T/im.orig" "$I/conf/application.properties" ||
    fail "configure changed the IM properties"

# ---- never a wrong file ---------------------------------------------
X=$T/xml
mkdir -p "$X/conf"
cp "$TOP_SRCDIR/tests/badinput/fixtures/server.xml" "$X/conf/server.xml"
cp "$X/conf/server.xml" "$T/server.xml.orig"
for cmd in "status --no-live" "audit --no-live" \
    "configure --no-live --dedup" "configure --no-live --set server.port=1"; do
	# shellcheck disable=SC2086
	"$TLSDECK" $cmd --properties "$X/conf/server.xml" >"$T/out" \
	    2>"$T/err"
	rc=$?
	case $cmd in
	audit*) [ $rc = 3 ] || fail "$cmd server.xml: exit $rc" ;;
	*) [ $rc = 1 ] || fail "$cmd server.xml: exit $rc" ;;
	esac
	[ "$(wc -l <"$T/err")" = 1 ] || fail "$cmd: $(cat "$T/err")"
	grep -q "server.xml: looks like XML (a Tomcat server.xml?)" "$T/err" ||
	    fail "$cmd server.xml: $(cat "$T/err")"
	case $cmd in
	audit*) grep -q '^UNKNOWN - ' "$T/out" ||
		fail "$cmd server.xml: stdout $(cat "$T/out")" ;;
	*) [ -s "$T/out" ] && fail "$cmd server.xml: stdout $(cat "$T/out")" ;;
	esac
	cmp -s "$X/conf/server.xml" "$T/server.xml.orig" ||
	    fail "$cmd changed server.xml"
done
ls "$X/conf" | grep -v '^server.xml$' && fail "files left beside server.xml"
# --dedup removes only real duplicate keys.
printf 'a=1\n<x\n<x\n{"a":1}\n{"a":1}\nb=1\na=2\nb=2\n' \
    >"$T/dup.properties"
"$TLSDECK" configure --no-live --properties "$T/dup.properties" --dedup \
    >/dev/null 2>"$T/err" || fail "dedup: $(cat "$T/err")"
[ "$(cat "$T/dup.properties")" = \
    "$(printf '<x\n<x\n{"a":1}\n{"a":1}\na=2\nb=2')" ] ||
    fail "dedup: $(cat "$T/dup.properties")"
# A YAML-only server is judged like a properties one: HTTPS off is said,
# and a declared type that is not the file's is found.
N=$T/yamlonly
mkdir -p "$N"
printf 'server:\n  port: 8080\n' >"$N/application.yml"
out=$("$TLSDECK" status --server "$N" --no-live --format json 2>"$T/err")
printf '%s\n' "$out" | jq -r '.findings[].code' | grep -qx https-off ||
    fail "yaml only: no https-off: $(printf '%s' "$out" | jq -c '[.findings[].code]')"
cat >"$N/application.yml" <<EOF
server:
  port: 8443
  ssl:
    key-store: $Y/conf/ssl/yml.p12
    key-store-password: '$SRV_PASS'
    key-store-type: JKS
EOF
out=$("$TLSDECK" status --server "$N" --no-live --format json 2>"$T/err")
printf '%s\n' "$out" | jq -r '.findings[].code' |
    grep -qx keystore-type-mismatch ||
    fail "yaml only: type: $(printf '%s' "$out" | jq -c '[.findings[].code]')"
# A password in a YAML file or a server.xml every user can read is said
# as it is for a properties file; not once it is 0640.
chmod 0644 "$N/application.yml"
out=$("$TLSDECK" status --server "$N" --no-live --format json 2>"$T/err")
[ "$(printf '%s\n' "$out" | jq -r '[.findings[] | select(.code ==
    "properties-world-readable") | .file] | join(" ")')" = \
    "$N/application.yml" ] || fail "yaml world-readable: $out"
chmod 0640 "$N/application.yml"
out=$("$TLSDECK" status --server "$N" --no-live --format json 2>"$T/err")
printf '%s\n' "$out" | jq -r '.findings[].code' |
    grep -qx properties-world-readable && fail "yaml 0640: still readable"
TC=$T/tcwr
mkdir -p "$TC/conf"
cp "$Y/conf/ssl/yml.p12" "$TC/conf/ks.p12"
cat >"$TC/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="18443" SSLEnabled="true">
      <SSLHostConfig>
        <Certificate certificateKeystoreFile="conf/ks.p12"
                     certificateKeystorePassword="$SRV_PASS" type="RSA"/>
      </SSLHostConfig>
    </Connector>
  </Service>
</Server>
EOF
chmod 0644 "$TC/conf/server.xml"
out=$("$TLSDECK" status --server "$TC" --no-live --format json 2>"$T/err")
[ "$(printf '%s\n' "$out" | jq -r '[.findings[] | select(.code ==
    "properties-world-readable") | .file] | join(" ")')" = \
    "$TC/conf/server.xml" ] || fail "server.xml world-readable: $out"
printf '%s\n' "$out" | grep -q "$SRV_PASS" && fail "server.xml: password shown"
exit 0
