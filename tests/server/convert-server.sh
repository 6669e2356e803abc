#!/bin/sh
# SPDX-License-Identifier: ISC
# convert-server.sh -- tlsdeck convert --server / --properties on server
# trees (tests/data/servers/mktree.sh): a keytool-made JKS keystore whose
# key has its own password becomes keystore.p12 beside it, the settings
# switched in the same step (key-store as written, type PKCS12,
# key-password removed); keytool 17 reads the new file (same alias and
# fingerprint, the key usable by -certreq with the store password); the
# audit is clean afterwards.  A dry run changes nothing; a settings write
# that fails removes the new file; a JRE before 11.0.12 gets the legacy
# profile; the pkcs12-too-new tree is fixed by convert FILE --profile
# legacy; a JKS file with an alias stored twice has a warning naming it.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_keytool
command -v jq >/dev/null || skip "jq missing"
command -v openssl >/dev/null || skip "openssl missing"
. "$TOP_SRCDIR/tests/data/servers/mktree.sh"
export TLSDECK_BACKUP_DIR="$T/backups"

sums() { sha256sum "$1/conf/application.properties" "$1"/conf/ssl/*; }
codes() {
	"$TLSDECK" audit --server "$1" --no-live --format json |
	    jq -r '.findings[].code' | sort -u | tr '\n' ' '
}

mk_jks_keypass "$T/jks" || fail "JKS tree (keytool)"
cp -a "$T/jks" "$T/jks11"
cp -a "$T/jks" "$T/yml"
sed -i "s#^sharedDataPath=.*#sharedDataPath=$T/jks11#" \
    "$T/jks11/conf/application.properties"
case $(codes "$T/jks") in
*keystore-jks*) ;;
*) fail "no keystore-jks finding on a JKS server" ;;
esac
fp0=$(kt -list -keystore "$T/jks/conf/ssl/keystore.jks" -storepass:env \
    SRV_PASS -alias integration-manager 2>/dev/null |
    sed -n 's/.*(SHA-256): //p')
[ -n "$fp0" ] || fail "keytool: no fingerprint"

# A dry run: the plan in JSON, nothing written.
sums "$T/jks" >"$T/before"
"$TLSDECK" convert --server "$T/jks" --to pkcs12 --dry-run --format json \
    >"$T/j" || fail "dry run"
[ "$(jq -r .dry_run "$T/j")" = true ] || fail "dry_run"
[ "$(jq -r .properties "$T/j")" = "$T/jks/conf/application.properties" ] ||
    fail "properties: $(jq -r .properties "$T/j")"
[ "$(jq -r .written "$T/j")" = "$T/jks/conf/ssl/keystore.p12" ] ||
    fail "written: $(jq -r .written "$T/j")"
[ "$(jq -r .profile "$T/j")" = modern ] || fail "profile for JRE 21"
jq -r '.plan[]' "$T/j" | grep -q 'remove server.ssl.key-password' ||
    fail "plan: no key-password removal"
sums "$T/jks" | cmp -s - "$T/before" || fail "dry run changed files"
[ ! -e "$T/jks/conf/ssl/keystore.p12" ] || fail "dry run wrote the p12"

# The settings cannot be written (no backup directory): nothing changes,
# the new keystore is removed.
TLSDECK_BACKUP_DIR=/dev/null/b "$TLSDECK" convert --server "$T/jks" \
    --to pkcs12 >"$T/out" 2>"$T/err" && fail "convert without backups"
[ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err"; fail "not one line"; }
sums "$T/jks" | cmp -s - "$T/before" || fail "failed convert changed files"
[ ! -e "$T/jks/conf/ssl/keystore.p12" ] || fail "new keystore left behind"

# The conversion.
"$TLSDECK" convert --server "$T/jks" --to pkcs12 >"$T/out" 2>"$T/err" ||
    { cat "$T/err"; fail "convert --server"; }
p=$T/jks/conf/application.properties
grep -qx 'server.ssl.key-store=${sharedDataPath}/conf/ssl/keystore.p12' "$p" ||
    fail "key-store not switched: $(grep key-store= "$p")"
grep -qx 'server.ssl.key-store-type=PKCS12' "$p" || fail "type not switched"
grep -q '^server.ssl.key-password' "$p" && fail "key-password left"
[ -f "$T/jks/conf/ssl/keystore.jks" ] || fail "the old keystore is gone"
[ "$(stat -c %a "$T/jks/conf/ssl/keystore.p12")" = \
    "$(stat -c %a "$T/jks/conf/ssl/keystore.jks")" ] || fail "mode differs"
fp1=$(kt -list -keystore "$T/jks/conf/ssl/keystore.p12" -storetype PKCS12 \
    -storepass:env SRV_PASS -alias integration-manager 2>/dev/null |
    sed -n 's/.*(SHA-256): //p')
[ "$fp1" = "$fp0" ] || fail "keytool: fingerprint $fp1, was $fp0"
kt -certreq -keystore "$T/jks/conf/ssl/keystore.p12" -storepass:env \
    SRV_PASS -alias integration-manager -file "$T/r.csr" >/dev/null 2>&1 ||
    fail "keytool -certreq with the store password"
c=$(codes "$T/jks")
[ "$c" = "cert-self-signed " ] || fail "after: findings [$c]"

# The TLS settings in application.yml (beside the properties file, which
# keeps the rest): the YAML is switched, in the same transaction, and the
# properties file is left as it was.
y=$T/yml/conf/application.yml
sed -i "s#^sharedDataPath=.*#sharedDataPath=$T/yml#" \
    "$T/yml/conf/application.properties"
{
	echo "# TLS for the console"
	echo "server:"
	echo "  ssl:"
	grep '^server\.ssl\.' "$T/yml/conf/application.properties" |
	    sed 's/^server\.ssl\.\([^=]*\)=\(.*\)$/    \1: "\2"/'
} >"$y"
sed -i '/^server\.ssl\./d' "$T/yml/conf/application.properties"
ph=$(sha256sum <"$T/yml/conf/application.properties")
"$TLSDECK" convert --server "$T/yml" --to pkcs12 --format json >"$T/j" \
    2>"$T/err" || { cat "$T/err"; fail "convert --server (YAML)"; }
grep -qx '    key-store: "${sharedDataPath}/conf/ssl/keystore.p12"' "$y" ||
    fail "YAML key-store not switched: $(cat "$y")"
grep -qx '    key-store-type: "PKCS12"' "$y" || fail "YAML type: $(cat "$y")"
grep -q 'key-password' "$y" && fail "YAML key-password left: $(cat "$y")"
grep -qx '# TLS for the console' "$y" || fail "YAML comment lost"
[ "$(sha256sum <"$T/yml/conf/application.properties")" = "$ph" ] ||
    fail "the properties file changed"
kt -list -keystore "$T/yml/conf/ssl/keystore.p12" -storetype PKCS12 \
    -storepass:env SRV_PASS -alias integration-manager >/dev/null 2>&1 ||
    fail "keytool: the YAML server's new keystore"
c=$(codes "$T/yml")
[ "$c" = "cert-self-signed " ] || fail "YAML after: findings [$c]"

# A JRE that cannot read the modern profile: legacy, chosen from it.
sed -i 's/^JAVA_VERSION=.*/JAVA_VERSION="11.0.10"/' "$T/jks11/jre/release"
"$TLSDECK" convert --properties "$T/jks11/conf/application.properties" \
    --to pkcs12 --format json >"$T/j" || fail "convert (JRE 11.0.10)"
[ "$(jq -r .profile "$T/j")" = legacy ] || fail "profile for 11.0.10"
c=$(codes "$T/jks11")
[ "$c" = "cert-self-signed " ] || fail "JRE 11 after: findings [$c]"
if openssl pkcs12 -help 2>&1 | grep -q -- -legacy; then
	openssl pkcs12 -in "$T/jks11/conf/ssl/keystore.p12" -passin env:SRV_PASS \
	    -nokeys -noout 2>/dev/null && fail "legacy read without -legacy"
	openssl pkcs12 -legacy -in "$T/jks11/conf/ssl/keystore.p12" \
	    -passin env:SRV_PASS -nokeys -noout 2>/dev/null ||
	    fail "openssl -legacy"
fi

# pkcs12-too-new: the modern p12 of the first tree on an old JRE, fixed by
# the finding's own command.
sed -i 's/^JAVA_VERSION=.*/JAVA_VERSION="11.0.10"/' "$T/jks/jre/release"
case $(codes "$T/jks") in
*pkcs12-too-new*) ;;
*) fail "no pkcs12-too-new" ;;
esac
"$TLSDECK" audit --server "$T/jks" --no-live --format json |
    jq -r '.findings[] | select(.code == "pkcs12-too-new") | .fix' |
    grep -q "tlsdeck convert $T/jks/conf/ssl/keystore.p12 --to pkcs12 --profile legacy" ||
    fail "pkcs12-too-new fix"
"$TLSDECK" convert "$T/jks/conf/ssl/keystore.p12" --to pkcs12 --profile \
    legacy --storepass-env SRV_PASS >/dev/null || fail "convert --profile"
c=$(codes "$T/jks")
[ "$c" = "cert-self-signed " ] || fail "after the legacy rewrite: [$c]"

# An alias stored twice: a warning naming the entry Java ignores.
cp "$TESTDATA/convert/dup-alias.jks" "$T/jks11/conf/ssl/dup.jks"
SP=storepass
export SP
sed -i -e 's#^server.ssl.key-store=.*#server.ssl.key-store=${sharedDataPath}/conf/ssl/dup.jks#' \
    -e 's#^server.ssl.key-store-password=.*#server.ssl.key-store-password=storepass#' \
    -e 's#^server.ssl.key-store-type=.*#server.ssl.key-store-type=JKS#' \
    -e 's#^server.ssl.key-alias=.*#server.ssl.key-alias=server#' \
    -e '$a server.ssl.key-password=keypass1' \
    "$T/jks11/conf/application.properties"
"$TLSDECK" audit --server "$T/jks11" --no-live --format json >"$T/j"
jq -r '.findings[] | select(.code == "keystore-alias-twice") |
    "\(.severity)|\(.alias)|\(.message)"' "$T/j" >"$T/w"
grep -q '^warning|labroot|alias "labroot" is stored twice: Java loads entry 4 and ignores entry 1 (trustedCertEntry)$' \
    "$T/w" || fail "alias twice: $(cat "$T/w")"
exit 0
