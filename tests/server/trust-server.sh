#!/bin/sh
# SPDX-License-Identifier: ISC
# trust-server.sh -- `tlsdeck trust` with no CERT on a server tree: the
# server's own certificate (a self-signed leaf, or the root of a CA-signed
# chain) goes into the cacerts of the server's JRE (${sharedDataPath}/jre,
# as the model finds it): a JKS opened with changeit and a passwordless
# PKCS#12 that stays passwordless.  keytool lists the new
# trustedCertEntry with the expected fingerprint; a second run (found
# through ./conf/application.properties, then --properties) says "already
# trusted" and leaves the bytes alone; the audit's cert-untrusted finding
# is gone.  Refusals write nothing.  Three JVMs (keytool).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_keytool
command -v jq >/dev/null || skip "jq missing"
command -v openssl >/dev/null || skip "openssl missing"
[ -r /etc/ssl/certs/java/cacerts ] || skip "no /etc/ssl/certs/java/cacerts"
. "$TOP_SRCDIR/tests/data/servers/mktree.sh"
unset TLSDECK_PROPERTIES JAVA_HOME
XDG_CONFIG_HOME=$T/xdg
TLSDECK_BACKUP_DIR=$T/backups
export XDG_CONFIG_HOME TLSDECK_BACKUP_DIR

# run WANT ARGS...: tlsdeck ARGS, exit code WANT; $out, $err.
run() {
	want=$1
	shift
	out=$("$TLSDECK" "$@" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
	[ "$rc" = "$want" ] || fail "tlsdeck $*: exit $rc, expected $want
stdout: $out
stderr: $err"
}
has() { printf '%s\n' "$out" | grep -qF -- "$1" || fail "no [$1] in: $out"; }
j() { printf '%s\n' "$out" | jq -r "$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# codes TREE: the audit's finding codes, one line.
codes() {
	"$TLSDECK" audit --server "$1" --no-live --format json \
	    2>/dev/null | jq -r '.findings[].code' | sort -u | tr '\n' ' '
}
# fp PEMFILE: the SHA-256 fingerprint as keytool prints it.
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }

# ---- the trees: nothing of theirs is in their JRE's cacerts yet --------
# Self-signed (keytool, PKCS12 keystore); the JRE's cacerts is a copy of
# the system's JKS (changeit).
S=$T/self
mkdir -p "$S/conf/ssl"
mk_jre "$S" 17.0.15 /etc/ssl/certs/java/cacerts
kt -genkeypair -alias integration-manager -keyalg EC -groupname secp256r1 \
    -storetype PKCS12 -keystore "$S/conf/ssl/keystore.p12" -validity 3650 \
    -dname "CN=$SRV_HOST, O=Example Test, C=US" \
    -ext "SAN=dns:$SRV_HOST,dns:localhost" -storepass:env SRV_PASS \
    >/dev/null 2>&1 || fail "keytool -genkeypair"
props_write "$S" keystore.p12 PKCS12
openssl pkcs12 -in "$S/conf/ssl/keystore.p12" -passin env:SRV_PASS \
    -nokeys -clcerts 2>/dev/null | openssl x509 -out "$T/self.pem" ||
    fail "openssl: the self-signed certificate"
SC=$S/jre/lib/security/cacerts
[ "$(head -c 4 "$SC" | od -An -tx1 | tr -d ' \n')" = feedfeed ] ||
    skip "the system cacerts is not JKS"

# CA-signed (OpenSSL: leaf, intermediate, root in the keystore); the
# JRE's cacerts is a passwordless PKCS#12 holding two other CAs.
mk_ca "$T/ca" || fail "openssl CA"
mk_jre "$T/base" 21.0.7 "$SAMPLES/sample-jdk25-passwordless.p12"
C=$T/ca-signed
mk_openssl_tree "$C" "$T/ca" "$T/base" -days 400 || fail "CA-signed tree"
CC=$C/jre/lib/security/cacerts

case " $(codes "$S") " in *" cert-untrusted "*) ;;
*) fail "self before: no cert-untrusted: $(codes "$S")" ;; esac
case " $(codes "$C") " in *" cert-untrusted "*) ;;
*) fail "ca-signed before: no cert-untrusted: $(codes "$C")" ;; esac

# ---- refusals and the dry run: nothing written ---------------------
s0=$(sha "$SC")
run 2 trust --server "$S" --storepass-env SRV_PASS
printf '%s\n' "$err" | grep -q 'application.properties' ||
    fail "password options without --from-keystore: $err"
run 2 trust --server "$S" "$T/self.pem" --from-keystore "$T/x.p12"
run 1 trust --server "$S" --from-alias nosuch
printf '%s\n' "$err" | grep -q 'no entry "nosuch"' || fail "from-alias: $err"
cp -a "$S" "$T/nokey"
sed -i -e '/^server\.ssl\.key-store=/d' \
    -e "s#^sharedDataPath=.*#sharedDataPath=$T/nokey#" \
    "$T/nokey/conf/application.properties"
run 1 trust --server "$T/nokey"
printf '%s\n' "$err" | grep -q 'server.ssl.key-store is not set' ||
    fail "no keystore: $err"
TLSDECK_PROPERTIES=$S/conf/application.properties
export TLSDECK_PROPERTIES
run 0 trust --dry-run --format json
unset TLSDECK_PROPERTIES
[ "$(j .dry_run)" = true ] || fail "dry run: $out"
[ "$(j .properties_found_by)" = '$TLSDECK_PROPERTIES' ] ||
    fail "dry run found by: $out"
[ "$(j .alias)" = "$SRV_HOST" ] || fail "dry run alias: $out"
[ "$(sha "$SC")" = "$s0" ] || fail "a refusal or the dry run wrote cacerts"
[ -e "$TLSDECK_BACKUP_DIR/manifest.yaml" ] && fail "backup without a change"

# ---- self-signed into the JKS cacerts ------------------------------
run 0 trust --server "$S" --format json
[ "$(j .server_certificate)" = true ] || fail "self: not the server's: $out"
[ "$(j .already_trusted)" = false ] || fail "self: already? $out"
[ "$(j .format)" = JKS ] || fail "self: format: $out"
[ "$(j .opened_with)" = changeit ] || fail "self: opened with: $out"
[ "$(j .cacerts)" = "$SC" ] || fail "self: cacerts $(j .cacerts)"
want='${sharedDataPath}/jre, the JRE of the server in '
[ "$(j .found_by)" = "$want$S/conf/application.properties" ] ||
    fail "self: found by: $(j .found_by)"
case $(j .what) in *self-signed*integration-manager*) ;;
*) fail "self: what: $(j .what)" ;; esac
[ "$(j .certificate.sha256)" = "$(fp "$T/self.pem")" ] ||
    fail "self: certificate $(j .certificate.sha256)"
[ "$(j .backup_id)" != null ] || fail "self: no backup"
sa=$(j .alias)
n=$(j .entries)
kt -list -keystore "$SC" -storepass:env CACERTS_PASS >"$T/kl-self.txt" \
    2>&1 || { cat "$T/kl-self.txt"; fail "keytool -list (JKS)"; }
grep -A1 "^$sa, " "$T/kl-self.txt" >"$T/e.txt"
grep -q ', trustedCertEntry,' "$T/e.txt" || fail "keytool: no entry $sa"
grep -q "^Certificate fingerprint (SHA-256): $(fp "$T/self.pem")\$" \
    "$T/e.txt" || fail "keytool: $sa fingerprint: $(cat "$T/e.txt")"
grep -q "^Your keystore contains $n entries" "$T/kl-self.txt" ||
    fail "keytool: not $n entries"

# Again, found through ./conf/application.properties: nothing written.
s1=$(sha "$SC")
out=$(cd "$S" && "$TLSDECK" trust 2>"$T/err") ||
    fail "self again: $(cat "$T/err")"
has "Already trusted"
has "nothing written"
has "found by ./conf/application.properties"
[ "$(sha "$SC")" = "$s1" ] || fail "self again: cacerts changed"
case " $(codes "$S") " in *" cert-untrusted "*)
	fail "self after: still cert-untrusted" ;; esac

# ---- CA-signed: its root into the passwordless PKCS#12 -----------
run 0 trust --server "$C"
has "Trusted \"CN=Example Test Root CA, O=Example Test\""
has "PKCS12 without password"
has "found by \${sharedDataPath}/jre, the JRE of the server in $C/conf/"
has "the root of entry \"integration-manager\"'s chain (3 certificates)"
has "in the server's keystore $C/conf/ssl/keystore.p12"
has "$(fp "$T/ca/root.pem")"
# Any password lists it: still no MAC.
NOPW=not-the-password
export NOPW
kt -list -keystore "$CC" -storetype PKCS12 -storepass:env NOPW \
    >"$T/kl-ca.txt" 2>&1 || { cat "$T/kl-ca.txt"; fail "keytool (PKCS12)"; }
grep -A1 '^example-test-root-ca, ' "$T/kl-ca.txt" >"$T/e.txt"
grep -q ', trustedCertEntry,' "$T/e.txt" || fail "keytool: no root entry
$(cat "$T/kl-ca.txt")"
grep -q "^Certificate fingerprint (SHA-256): $(fp "$T/ca/root.pem")\$" \
    "$T/e.txt" || fail "keytool: root fingerprint: $(cat "$T/e.txt")"
grep -q '^Your keystore contains 3 entries' "$T/kl-ca.txt" ||
    fail "keytool: not 3 entries: $(cat "$T/kl-ca.txt")"

s2=$(sha "$CC")
run 0 trust --properties "$C/conf/application.properties" --format json
[ "$(j .already_trusted)" = true ] || fail "ca again: $out"
[ "$(j .alias)" = example-test-root-ca ] || fail "ca again alias: $out"
[ "$(j .backup_id)" = null ] || fail "ca again: a backup"
[ "$(sha "$CC")" = "$s2" ] || fail "ca again: cacerts changed"
case " $(codes "$C") " in *" cert-untrusted "*)
	fail "ca-signed after: still cert-untrusted" ;; esac

# --from-keystore FILE still works beside the server's JRE.
run 0 trust --server "$C" --from-keystore "$S/conf/ssl/keystore.p12" \
    --storepass-env SRV_PASS --dry-run
has "Would trust \"CN=$SRV_HOST, O=Example Test, C=US\""
[ "$(sha "$CC")" = "$s2" ] || fail "dry run with --from-keystore wrote"
exit 0
