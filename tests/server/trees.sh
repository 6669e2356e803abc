#!/bin/sh
# SPDX-License-Identifier: ISC
# trees.sh -- the audit on server trees built the way an administrator
# builds them (tests/data/servers/mktree.sh: keytool -genkeypair,
# -certreq, -importcert of root, intermediate and reply, -exportcert and
# -import into the JRE's cacerts), then broken copies of them.  For every
# tree the exact set of finding codes is asserted: each fires where it
# should and nowhere else.  keytool runs 12 times in all (three good
# trees); the broken trees are edits of copies.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_keytool
command -v jq >/dev/null || skip "jq missing"
command -v openssl >/dev/null || skip "openssl missing"
[ -r /etc/ssl/certs/java/cacerts ] || skip "no /etc/ssl/certs/java/cacerts"
. "$TOP_SRCDIR/tests/data/servers/mktree.sh"

mk_ca "$T/ca" || fail "openssl CA"
mk_selfsigned "$T/self" || fail "self-signed tree (keytool)"
mk_casigned "$T/ca-signed" "$T/ca" || fail "CA-signed tree (keytool)"
mk_jks_keypass "$T/jks" || fail "JKS tree (keytool)"

# The trees' own cross-check: keytool agrees on what we will audit.
kt -list -keystore "$T/ca-signed/conf/ssl/keystore.p12" \
    -storepass:env SRV_PASS -alias integration-manager -v 2>/dev/null |
    grep -q '^Certificate chain length: 3' || fail "keytool: CA chain"

# audit_json TREE [ARGS...]: JSON in $out, exit code in $rc.
audit_json() {
	t=$1
	shift
	out=$("$TLSDECK" audit --server "$t" --no-live --format json "$@" \
	    2>"$T/err")
	rc=$?
	[ -s "$T/err" ] && fail "audit $t wrote to stderr: $(cat "$T/err")"
	printf "%s\n" "$out" | jq -e . >/dev/null || fail "audit $t: not JSON: $out"
}

# expect TREE "CODES" [ARGS...]: exactly these codes, and the exit code
# that the worst severity implies (also what the JSON says).
expect() {
	t=$1 want=$(for c in $2; do echo "$c"; done | sort -u | tr '\n' ' ')
	shift 2
	audit_json "$T/$t" "$@"
	got=$(printf "%s\n" "$out" | jq -r '.findings[].code' | sort -u | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "$t: codes [$got], expected [$want]
$(printf "%s\n" "$out" | jq -r '.findings[] | "  \(.severity) \(.code): \(.message)"')"
	worst=$(printf "%s\n" "$out" | jq -r '[.findings[].severity] |
	    if index("critical") then 2 elif index("warning") then 1
	    else 0 end')
	[ "$rc" = "$worst" ] || fail "$t: exit $rc, worst severity says $worst"
	[ "$(printf "%s\n" "$out" | jq .exit)" = "$rc" ] || fail "$t: JSON exit"
}

# sev TREE CODE: the severities of CODE (after expect).
sev() { printf "%s\n" "$out" | jq -r --arg c "$1" \
    '[.findings[] | select(.code == $c) | .severity] | join(",")'; }
# where CODE: "file:line" of its first finding.
where() { printf "%s\n" "$out" | jq -r --arg c "$1" \
    '[.findings[] | select(.code == $c)][0] | "\(.file):\(.line)"'; }

# derive FROM TO: a copy whose sharedDataPath is the copy.
derive() {
	cp -a "$T/$1" "$T/$2"
	sed -i "s#^sharedDataPath=.*#sharedDataPath=$T/$2#" \
	    "$T/$2/conf/application.properties"
}
P() { echo "$T/$1/conf/application.properties"; }

# ---- the good trees -------------------------------------------------
expect self "cert-self-signed require-ssl-no-effect"
[ "$(sev require-ssl-no-effect)" = warning ] || fail "require-ssl severity"
[ "$(where require-ssl-no-effect)" = "$(P self):12" ] ||
    fail "require-ssl where: $(where require-ssl-no-effect)"
[ "$(sev cert-self-signed)" = info ] || fail "self-signed severity"
[ "$(printf "%s\n" "$out" | jq -r .exit)" = 1 ] || fail "self: exit"
expect ca-signed ""
[ "$rc" = 0 ] || fail "clean CA-signed tree: exit $rc"
expect jks "cert-self-signed"

# What status reports about the good trees.
st=$("$TLSDECK" status --server "$T/ca-signed" --no-live --format json) ||
    fail "status ca-signed"
[ "$(printf "%s\n" "$st" | jq -r '.trust.alias')" = example-test-root ] ||
    fail "ca-signed trust alias: $(printf "%s\n" "$st" | jq -c .trust)"
[ "$(printf "%s\n" "$st" | jq '.trust.chain | length')" = 3 ] || fail "chain of 3"
[ "$(printf "%s\n" "$st" | jq -r '.jre.truststore_opened_with')" = changeit ] ||
    fail "cacerts opened with changeit"
[ "$(printf "%s\n" "$st" | jq -r '.jre.found_by')" = '${sharedDataPath}/jre' ] ||
    fail "JRE found by: $(printf "%s\n" "$st" | jq -r .jre.found_by)"
[ "$(printf "%s\n" "$st" | jq -r '.jre.version')" = 17.0.15 ] || fail "JRE version"
n=$(kt -list -keystore "$T/ca-signed/jre/lib/security/cacerts" \
    -storepass:env CACERTS_PASS 2>/dev/null |
    sed -n 's/^Your keystore contains \([0-9]*\) entr.*/\1/p')
[ "$(printf "%s\n" "$st" | jq '.jre.truststore_entries')" = "$n" ] ||
    fail "cacerts entries: ours $(printf "%s\n" "$st" | jq .jre.truststore_entries), keytool $n"
[ "$(printf "%s\n" "$st" | jq -r '.settings[] | select(.key ==
    "server.ssl.key-store-password") | .value')" = '********' ] ||
    fail "password row not masked"
printf "%s\n" "$st" | grep -q "$SRV_PASS" && fail "status shows the password"
st=$("$TLSDECK" status --server "$T/jks" --no-live --format json)
[ "$(printf "%s\n" "$st" | jq -r '.jre.truststore_opened_with')" = "no password" ] ||
    fail "passwordless cacerts"
[ "$(printf "%s\n" "$st" | jq -r '.keystore.key_recovered')" = true ] ||
    fail "JKS key not recovered with its key password"
[ "$(printf "%s\n" "$st" | jq -r '.trust.alias')" = integration-manager ] ||
    fail "jks: leaf trusted as itself"

# ---- settings broken -------------------------------------------------
derive self dup
sed -i "s#^server.ssl.key-store-password=#server.ssl.keyStorePassword=old\\n&#" \
    "$(P dup)"
expect dup "cert-self-signed property-duplicate require-ssl-no-effect"
printf "%s\n" "$out" | jq -r '.findings[] | select(.code == "property-duplicate") |
    .message' | grep -q 'lines 9 (server.ssl.keyStorePassword) and 10' ||
    fail "duplicate names both lines: $out"

derive self wrongpass
sed -i "s#^server.ssl.key-store-password=.*#server.ssl.key-store-password=nope#" \
    "$(P wrongpass)"
expect wrongpass "keystore-password-wrong require-ssl-no-effect"
[ "$(where keystore-password-wrong)" = "$(P wrongpass):9" ] ||
    fail "wrong password where"

derive ca-signed alias-missing
sed -i "s#^server.ssl.key-alias=.*#server.ssl.key-alias=nosuch#" \
    "$(P alias-missing)"
expect alias-missing "alias-missing"
printf "%s\n" "$out" | grep -q '"integration-manager"' || fail "key aliases listed"

derive ca-signed alias-trusted
sed -i "s#^server.ssl.key-alias=.*#server.ssl.key-alias=root#" \
    "$(P alias-trusted)"
expect alias-trusted "alias-not-key"

derive jks type-mismatch
sed -i "s#^server.ssl.key-store-type=.*#server.ssl.key-store-type=PKCS12#" \
    "$(P type-mismatch)"
expect type-mismatch "cert-self-signed keystore-type-mismatch"
[ "$(sev keystore-type-mismatch)" = warning ] || fail "mismatch severity"

derive jks no-keypass
sed -i "/^server.ssl.key-password=/d" "$(P no-keypass)"
expect no-keypass "cert-self-signed key-password-wrong"
derive jks wrong-keypass
sed -i "s#^server.ssl.key-password=.*#server.ssl.key-password=$SRV_PASS#" \
    "$(P wrong-keypass)"
expect wrong-keypass "cert-self-signed key-password-wrong"

# CRLF line ends and the key-store value split over continuation lines:
# nothing to report (the parser reads it as Java does).
derive ca-signed crlf
awk '/^server.ssl.key-store=/ {
	sub(/conf\/ssl\//, "conf/ssl/\\\r\n      "); }
	{ printf "%s\r\n", $0 }' "$(P crlf)" >"$T/crlf.tmp"
mv "$T/crlf.tmp" "$(P crlf)"
[ "$(grep -c "$(printf '\r')\$" "$(P crlf)")" -ge 12 ] || fail "crlf fixture"
grep -q 'conf/ssl/\\' "$(P crlf)" || fail "continuation fixture"
expect crlf ""

derive ca-signed not-in-san
sed -i "s#^im.base-url=.*#im.base-url=https://other.example.test:\${server.port}#" \
    "$(P not-in-san)"
expect not-in-san "base-url-not-in-san"
[ "$(where base-url-not-in-san)" = "$(P not-in-san):11" ] ||
    fail "not-in-san where: $(where base-url-not-in-san)"

derive ca-signed url-port
sed -i "s#^im.base-url=.*#im.base-url=http://im.example.test/im#" \
    "$(P url-port)"
expect url-port "base-url-port base-url-scheme"

derive ca-signed relative
sed -i "s#^server.ssl.key-store=.*#server.ssl.key-store=conf/ssl/keystore.p12#" \
    "$(P relative)"
expect relative "keystore-path-relative"
printf "%s\n" "$out" | grep -q 'found against the directory above the properties' ||
    fail "relative: which directory"
derive ca-signed file-url
sed -i "s#^server.ssl.key-store=.*#server.ssl.key-store=file://\${sharedDataPath}/conf/ssl/keystore.p12#" \
    "$(P file-url)"
expect file-url ""
derive ca-signed classpath
sed -i "s#^server.ssl.key-store=.*#server.ssl.key-store=classpath:keystore.p12#" \
    "$(P classpath)"
expect classpath "keystore-classpath"
derive ca-signed dir
sed -i "s#^server.ssl.key-store=.*#server.ssl.key-store=\${sharedDataPath}/conf/ssl#" \
    "$(P dir)"
expect dir "keystore-is-directory"
[ "$(sev keystore-is-directory)" = critical ] || fail "directory severity"
derive ca-signed missing
rm "$T/missing/conf/ssl/keystore.p12"
expect missing "keystore-missing"

derive ca-signed loop
sed -i "s#^server.ssl.key-store=.*#server.ssl.key-store=\${a}#" "$(P loop)"
printf 'a=${b}/x\nb=${a}\n' >>"$(P loop)"
expect loop "placeholder-cycle"
[ "$(sev placeholder-cycle)" = "critical,warning,warning" ] ||
    fail "cycle severities: $(sev placeholder-cycle)"
derive ca-signed unresolved
sed -i "s#^server.ssl.key-store=.*#server.ssl.key-store=\${nosuch}/k.p12#" \
    "$(P unresolved)"
expect unresolved "placeholder-unresolved"

derive ca-signed backslash
printf 'logging.file.name=C:\\ProgramData\\Actian\\im.log\n' >>"$(P backslash)"
expect backslash "properties-backslash"
printf "%s\n" "$out" | grep -q 'as \\"C:ProgramDataActianim.log\\"' ||
    fail "backslash message: $out"
derive ca-signed nonascii
printf '# Zertifikat f\303\274r den Server\n' >>"$(P nonascii)"
expect nonascii "properties-non-ascii"
[ "$(where properties-non-ascii)" = "$(P nonascii):12" ] ||
    fail "non-ascii where"

derive ca-signed ssl-off
printf 'server.ssl.enabled=false\n' >>"$(P ssl-off)"
expect ssl-off "base-url-scheme ssl-disabled"
derive ca-signed https-off
sed -i "/^server.ssl/d" "$(P https-off)"
expect https-off "https-off"
derive ca-signed bad-type
sed -i "s#^server.ssl.key-store-type=.*#server.ssl.key-store-type=PKC12#" \
    "$(P bad-type)"
expect bad-type "keystore-type-invalid"
derive ca-signed bad-port
sed -i "s#^server.port=.*#server.port=84a3#" "$(P bad-port)"
expect bad-port "base-url-invalid port-invalid"
derive ca-signed example-url
sed -i "s#^im.base-url=.*#im.base-url=https://IM_SERVER_HOSTNAME:\${server.port}#" \
    "$(P example-url)"
expect example-url "base-url-placeholder"

# ---- files ------------------------------------------------------------
derive ca-signed world
chmod 644 "$T/world/conf/ssl/keystore.p12" "$(P world)"
expect world "keystore-world-readable properties-world-readable"
derive ca-signed jsse
cp "$T/jsse/jre/lib/security/cacerts" "$T/jsse/jre/lib/security/jssecacerts"
expect jsse "jssecacerts-present"
derive ca-signed distro
ln -sf /etc/ssl/certs/java/cacerts "$T/distro/jre/lib/security/cacerts"
expect distro "cacerts-distro cert-untrusted"
derive ca-signed linked
mv "$T/linked/jre/lib/security/cacerts" "$T/linked/cacerts.jks"
ln -s ../../../cacerts.jks "$T/linked/jre/lib/security/cacerts"
expect linked "cacerts-symlink"
derive ca-signed jre11
sed -i 's/^JAVA_VERSION=.*/JAVA_VERSION="11.0.11"/' "$T/jre11/jre/release"
expect jre11 "pkcs12-too-new"
# JDK 8 layout (jre/lib/security) on an update that reads AES PKCS#12
derive ca-signed jre8
mkdir -p "$T/jre8/jre/jre/lib"
mv "$T/jre8/jre/lib/security" "$T/jre8/jre/jre/lib/security"
sed -i 's/^JAVA_VERSION=.*/JAVA_VERSION="1.8.0_301"/' "$T/jre8/jre/release"
expect jre8 ""
derive ca-signed nojre
rm -rf "$T/nojre/jre"
out=$(env -u JAVA_HOME PATH=/nonexistent "$TLSDECK" audit --server \
    "$T/nojre" --no-live --format json)
[ "$(printf "%s\n" "$out" | jq -r '[.findings[].code] | join(" ")')" = \
    jre-not-found ] || fail "no JRE: $out"
# --cacerts names the truststore directly
expect nojre "" --cacerts "$T/ca-signed/jre/lib/security/cacerts"
expect nojre "cert-untrusted" --cacerts "$T/jks/jre/lib/security/cacerts"

# ---- certificates (OpenSSL-made keystores, the CA tree's JRE) ----------
mk_openssl_tree "$T/expired" "$T/ca" "$T/ca-signed" \
    -startdate 20200101000000Z -enddate 20200301000000Z || fail "expired"
expect expired "cert-expired"
[ "$(sev cert-expired)" = critical ] || fail "expired severity"
KEYOPT=rsa:1024 mk_openssl_tree "$T/weak" "$T/ca" "$T/ca-signed" \
    -days 300 -md sha1 || fail "weak"
expect weak "cert-weak-key cert-weak-signature"
SAN= mk_openssl_tree "$T/nosan" "$T/ca" "$T/ca-signed" -days 300 ||
    fail "nosan"
expect nosan "cert-no-san"
mk_openssl_tree "$T/soon" "$T/ca" "$T/ca-signed" -days 20 || fail "soon"
expect soon "cert-expiring"
[ "$(sev cert-expiring)" = warning ] || fail "20 days: warning"
expect soon "" --warn-days 10 --crit-days 5
expect soon "cert-expiring" --crit-days 25
[ "$(sev cert-expiring)" = critical ] || fail "--crit-days 25: critical"
mk_openssl_tree "$T/future" "$T/ca" "$T/ca-signed" \
    -startdate 20990101000000Z -enddate 20991231000000Z || fail "future"
expect future "cert-not-yet-valid"
exit 0
