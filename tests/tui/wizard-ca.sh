#!/bin/sh
# The "Enable HTTPS - CA-signed" wizard by keystrokes: part 1 writes a key
# pair and a CSR; a CA made here with openssl (root -> issuing CA) signs
# it; part 2 imports the reply (files in any order), sets the seven
# settings and trusts the root in the tree's cacerts.  keytool then lists
# a chain of three, and the CSR kept the SANs keytool would lose.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v keytool >/dev/null 2>&1 || { echo "SKIP: no keytool"; exit 77; }
command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl"; exit 77; }

T=$TT_DIR/srv
C=$TT_DIR/ca
mkdir -p "$T/conf/ssl" "$T/jre/lib/security" "$TT_DIR/bk" "$C" || exit 99
cat >"$T/conf/application.properties" <<EOF
sharedDataPath=$T
server.port=8080
im.base-url=http://im.example.test:8080
EOF
printf 'JAVA_VERSION="17.0.15"\n' >"$T/jre/release"
"$TLSDECK" demo "$TT_DIR/d" --no-open >/dev/null || exit 99
cp "$TT_DIR/d/jre/lib/security/cacerts" "$T/jre/lib/security/cacerts"

PW='Ca-path-pw9'
export PW
TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bk"

# ---- part 1: key pair + CSR
tt_start 80 24 --properties "$T/conf/application.properties"
tt_wait_for 'F1 Help'
tt_keys F2
tt_wait_for 'Which certificate'
tt_keys 2
tt_wait_for 'New key pair  step 1 of 2'
tt_wait_for 'new file: it will be created'
tt_keys Tab
tt_type "$PW"
tt_keys Tab
tt_type "$PW"
tt_wait_gone 'does not match'
# the SANs: the host of im.base-url and localhost, pre-filled
tt_screen | grep -q 'dns:im.example.test,dns:localhost' || tt_fail "SANs"
tt_screen | grep -q 'Common name (CN) *im.example.test' || tt_fail "CN"
tt_keys F2
tt_wait_for 'Certificate request \(CSR\)  step 2 of 2'
tt_keys F2
tt_wait_for 'The plan, 2 steps'
tt_keys y
tt_wait_for 'All 2 steps done' 60
tt_wait_for 'Send the CSR to your CA'
tt_keys Enter
tt_wait_for 'F1 Help'
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "part 1: bad exit"

CSR=$T/conf/ssl/integration-manager.csr
[ -f "$CSR" ] || tt_fail "no CSR written"
openssl req -in "$CSR" -noout -verify 2>&1 | grep -q 'verify OK' ||
    tt_fail "the CSR does not verify"
openssl req -in "$CSR" -noout -text | grep -q 'DNS:im.example.test' ||
    tt_fail "the CSR lost its SANs"
# the server is not switched yet: no key-store in the settings
grep -q '^server.ssl' "$T/conf/application.properties" &&
    tt_fail "part 1 changed the settings"

# ---- the CA signs it (root -> issuing CA -> server)
cat >"$C/ca.ext" <<EOF
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
cat >"$C/leaf.ext" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
(
	cd "$C" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout root.key -subj "/O=Test/CN=Wizard Test Root CA" \
	    -days 3650 -out root.pem \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout ica.key -subj "/O=Test/CN=Wizard Test Issuing CA" \
	    -out ica.csr &&
	openssl x509 -req -in ica.csr -CA root.pem -CAkey root.key \
	    -CAcreateserial -days 1825 -extfile ca.ext -out ica.pem &&
	openssl x509 -req -in "$CSR" -CA ica.pem -CAkey ica.key \
	    -CAcreateserial -days 397 -copy_extensions copy \
	    -extfile leaf.ext -out leaf.pem
) >"$TT_DIR/openssl.log" 2>&1 || { cat "$TT_DIR/openssl.log"; exit 99; }

# ---- part 2: import the reply (any order), settings, trust the root
tt kill-server >/dev/null 2>&1
tt_start 80 24 --properties "$T/conf/application.properties"
tt_wait_for 'F1 Help'
tt_keys F2
tt_wait_for 'Which certificate'
tt_keys 3
tt_wait_for 'Import CA reply  step 1 of 3'
tt_screen | grep -q 'conf/ssl/keystore.p12' || tt_fail "keystore default"
tt_keys Tab
tt_type 'wrong-password'
tt_wait_for 'wrong password'
tt_keys C-u
tt_type "$PW"
tt_wait_for 'opens the keystore'
tt_keys Tab
tt_wait_for 'PrivateKeyEntry, im.example.test'
tt_keys Tab
tt_type "$C/root.pem $C/leaf.pem $C/ica.pem"
tt_wait_for '3 certificates in 3 files'
tt_keys F2
tt_wait_for 'SSL settings  step 2 of 3'
tt_keys F2
tt_wait_for 'Trust in cacerts  step 3 of 3'
tt_keys F2
tt_wait_for 'The plan, 3 steps'
tt_screen | grep -q 'Wizard Test Issuing CA' || tt_fail "plan lacks the chain"
tt_screen | grep -q 'NOT trusted by the keystore or cacerts' ||
    tt_fail "no warning about the untrusted root"
tt_keys y
tt_wait_for 'All 3 steps done' 30
tt_screen | grep -q 'imported as "wizard-test-root-ca"' ||
    tt_fail "the root was not trusted"
tt_keys Enter
tt_wait_for '★ integration-manager'
tt_all | grep -q "$PW" && tt_fail "the password was shown"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "part 2: bad exit"

# keytool: a chain of three on the key entry
out=$(keytool -list -v -keystore "$T/conf/ssl/keystore.p12" \
    -storepass:env PW -alias integration-manager 2>&1) ||
    { echo "$out"; tt_fail "keytool -list"; }
echo "$out" | grep -q 'Certificate chain length: 3' ||
    { echo "$out"; tt_fail "chain length is not 3"; }
echo "$out" | grep -q 'Issuer: CN=Wizard Test Issuing CA, O=Test' ||
    tt_fail "leaf not issued by the issuing CA"
# the settings point at it
grep -qxF 'server.ssl.key-alias=integration-manager' \
    "$T/conf/application.properties" || tt_fail "no key-alias"
grep -qxF "server.ssl.key-store-password=$PW" \
    "$T/conf/application.properties" || tt_fail "no password"
# the root is in the tree's cacerts
CHANGEIT=changeit
export CHANGEIT
keytool -list -keystore "$T/jre/lib/security/cacerts" -storepass:env \
    CHANGEIT -alias wizard-test-root-ca 2>&1 | grep -q trustedCertEntry ||
    tt_fail "root not in cacerts"
exit 0
