#!/bin/sh
# The "Enable HTTPS - self-signed" wizard run by keystrokes on a fresh
# Integration-Manager-like tree without HTTPS: the keystore it writes is
# listed by keytool with the key entry, application.properties holds the
# seven settings (everything else kept), the certificate is in the tree's
# cacerts (a copy of a real one) and in the exported file, and the
# password never shows on screen.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v keytool >/dev/null 2>&1 || { echo "SKIP: no keytool"; exit 77; }
command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl"; exit 77; }

T=$TT_DIR/srv
mkdir -p "$T/conf" "$T/jre/lib/security" "$TT_DIR/bk" || exit 99
cat >"$T/conf/application.properties" <<EOF
# Integration Manager
sharedDataPath=$T
server.port=8080
im.base-url=http://localhost:8080
worker.threads=4
EOF
printf 'JAVA_VERSION="17.0.15"\n' >"$T/jre/release"
# cacerts: a copy of the system's (JKS, changeit), or one our demo makes
if [ -f /etc/ssl/certs/java/cacerts ]; then
	cp -L /etc/ssl/certs/java/cacerts "$T/jre/lib/security/cacerts"
else
	"$TLSDECK" demo "$TT_DIR/d" --no-open >/dev/null || exit 99
	cp "$TT_DIR/d/jre/lib/security/cacerts" "$T/jre/lib/security/cacerts"
fi
CHANGEIT=changeit
export CHANGEIT
before=$(keytool -list -keystore "$T/jre/lib/security/cacerts" \
    -storepass:env CHANGEIT 2>/dev/null | grep -c trustedCertEntry)

PW='s3cret-Pass'
TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bk"
tt_start 80 24 --properties "$T/conf/application.properties"
tt_wait_for 'F1 Help'
tt_keys F2
tt_wait_for 'Which certificate will the server present'
tt_keys 1
tt_wait_for 'New key pair  step 1 of 4'
# the keystore goes where the vendor puts it; the directory is made
tt_screen | grep -q "conf/ssl/keystore.p12" || tt_fail "keystore path"
tt_wait_for 'new file: it will be created, and'
# the cursor is in the focused field (after the pre-filled path)
tt_wait_cursor "$(( 26 + ${#T} + 22 )),3"
tt_keys Tab
tt_type 'abc'
tt_wait_for 'a new keystore.s password needs at least 6'
tt_keys BSpace BSpace BSpace
tt_type "$PW"
tt_wait_for 'does not match the password'
tt_keys Tab
tt_type "$PW"
tt_wait_gone 'does not match the password'
echo "--- the form, 80x24 ---"; tt_screen
tt_keys F2
tt_wait_for 'SSL settings  step 2 of 4'
tt_wait_for 'the new keystore.s password'
tt_screen | grep -q 'server.port  *443' || tt_fail "port not 443"
tt_keys F2
tt_wait_for 'Export certificate  step 3 of 4'
tt_keys F2
tt_wait_for 'Trust in cacerts  step 4 of 4'
tt_keys F2
tt_wait_for 'The plan, 4 steps'
echo "--- the plan, 80x24 ---"; tt_screen
tt_screen | grep -q '1\. New key pair "integration-manager"' ||
    tt_fail "no key pair step"
tt_screen | grep -q 'create the PKCS12 keystore' || tt_fail "no create line"
# nothing is written before the plan is confirmed
[ ! -e "$T/conf/ssl/keystore.p12" ] || tt_fail "written before confirming"
tt_keys y
tt_wait_for 'All 4 steps done' 60
tt_screen | grep -Eq '(systemctl restart|/etc/init.d/imservice stop|restart the Java server)' ||
    tt_fail "no restart"
tt_keys Enter
# the dashboard has reloaded: the new key, its settings, its trust
tt_wait_for '★ integration-manager'
tt_wait_for 'trusted as integration-manager'
tt_all | grep -q "$PW" && tt_fail "the password was shown"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"

# keytool reads the keystore: one key entry, self-signed, with SANs
export PW
out=$(keytool -list -v -keystore "$T/conf/ssl/keystore.p12" \
    -storepass:env PW 2>&1) || { echo "$out"; tt_fail "keytool -list"; }
echo "$out" | grep -q '^Alias name: integration-manager' ||
    tt_fail "no integration-manager alias: $out"
echo "$out" | grep -q '^Entry type: PrivateKeyEntry' || tt_fail "no key entry"
echo "$out" | grep -q 'DNSName: localhost' || tt_fail "no SAN"
[ "$(stat -c %a "$T/conf/ssl/keystore.p12")" = 600 ] || tt_fail "mode"

# the seven settings, and the other lines kept
P=$T/conf/application.properties
for kv in 'server.port=443' 'security.require-ssl=true' \
    'server.ssl.key-store=${sharedDataPath}/conf/ssl/keystore.p12' \
    'server.ssl.key-store-type=PKCS12' \
    "server.ssl.key-store-password=$PW" \
    'server.ssl.key-alias=integration-manager' \
    'im.base-url=https://localhost:${server.port}'; do
	grep -qxF "$kv" "$P" || { cat "$P"; tt_fail "missing: $kv"; }
done
grep -qxF "sharedDataPath=$T" "$P" || tt_fail "sharedDataPath lost"
grep -qxF 'worker.threads=4' "$P" || tt_fail "other line lost"
grep -qxF '# Integration Manager' "$P" || tt_fail "comment lost"
[ "$(grep -c '^server.port=' "$P")" = 1 ] || tt_fail "server.port twice"

# the tree's cacerts trusts the same certificate (keytool on the copy)
fp_ks=$(echo "$out" | sed -n 's/^[[:space:]]*SHA256: //p' | head -1)
ca=$(keytool -list -v -keystore "$T/jre/lib/security/cacerts" \
    -storepass:env CHANGEIT -alias integration-manager 2>&1) ||
    { echo "$ca"; tt_fail "not in cacerts"; }
echo "$ca" | grep -q 'Entry type: trustedCertEntry' || tt_fail "not trusted"
echo "$ca" | grep -q "SHA256: $fp_ks" || tt_fail "another certificate"
after=$(keytool -list -keystore "$T/jre/lib/security/cacerts" \
    -storepass:env CHANGEIT 2>/dev/null | grep -c trustedCertEntry)
[ "$after" = $((before + 1)) ] || tt_fail "cacerts: $before -> $after"

# the exported certificate is the same one
fp_pem=$(openssl x509 -in "$T/conf/ssl/integration-manager.pem" -noout \
    -fingerprint -sha256 | sed 's/.*=//')
[ "$fp_pem" = "$fp_ks" ] || tt_fail "export differs: $fp_pem / $fp_ks"
# every file changed was backed up first (properties, cacerts)
grep -q 'command: configure' "$TT_DIR/bk/manifest.yaml" ||
    tt_fail "no backup of application.properties"
grep -q 'command: trust' "$TT_DIR/bk/manifest.yaml" ||
    tt_fail "no backup of cacerts"
exit 0
