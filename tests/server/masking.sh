#!/bin/sh
# SPDX-License-Identifier: ISC
# masking.sh -- secret-looking properties (password, secret, token,
# credentials, api-key, private key, passphrase, keystorePass, pwd), not
# only the SSL passwords, are masked in configure's diff, refused on argv
# by --set, and absent from status and audit (text and JSON), even where a
# finding is about their value (a backslash Java eats, a placeholder
# nothing defines); the JSON says how cacerts was opened under a name that
# is not "password".
. "${TOP_SRCDIR:-.}/tests/lib.sh"
command -v jq >/dev/null || skip "jq missing"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
export TLSDECK_BACKUP_DIR

P=$T/application.properties
cat >"$P" <<'EOF'
app.credentials=Sm1-cred-4411
api.token=Sm2-token-5522
stripe.api-key=Sm3-apikey-6633
server.port=8443
jwt.private-key=Sm4-privkey-7744
db.pwd=Sm5-pwd-8855
tomcat.keystorePass=Sm6-kspass-9966
client.secret=Sm7-secret-aa77
server.ssl.key-store-password=Sm8-ksp\ass
server.ssl.trust-store-password=${nothing.defines.this}Sm9-suffix
gpg.passphrase=Sma-phrase-bb88
EOF
SECRETS="Sm1-cred-4411 Sm2-token-5522 Sm3-apikey-6633 Sm4-privkey-7744
Sm5-pwd-8855 Sm6-kspass-9966 Sm7-secret-aa77 Sm8-ksp Sm9-suffix
Sma-phrase-bb88"

# none FILE WHAT: no secret in FILE.
none() {
	for _s in $SECRETS; do
		grep -qF -- "$_s" "$1" && fail "$2 shows $_s: $(cat "$1")"
	done
	:
}

"$TLSDECK" configure --no-live --properties "$P" --set server.port=9443 \
    --dry-run >"$T/diff" 2>&1 || fail "configure: $(cat "$T/diff")"
grep -q '^+server.port=9443' "$T/diff" || fail "no diff: $(cat "$T/diff")"
none "$T/diff" "the configure diff"
for k in app.credentials api.token stripe.api-key jwt.private-key db.pwd \
    tomcat.keystorePass; do
	grep -qx " $k=\*\*\*\*\*\*\*\*" "$T/diff" ||
	    fail "$k not masked in the diff: $(cat "$T/diff")"
done

for k in api.token app.credentials stripe.apiKey db.pwd some.passphrase; do
	"$TLSDECK" configure --no-live --properties "$P" --set "$k=x" \
	    >"$T/out" 2>&1
	[ $? = 2 ] || fail "--set $k=x on argv accepted: $(cat "$T/out")"
	grep -q 'refusing' "$T/out" || fail "--set $k: $(cat "$T/out")"
done

for c in status audit; do
	for f in text json; do
		"$TLSDECK" "$c" --no-live --properties "$P" --format "$f" \
		    >"$T/out" 2>&1
		none "$T/out" "$c --format $f"
	done
done
"$TLSDECK" audit --no-live --properties "$P" --format json >"$T/audit.json"
jq -e '[.findings[] | select(.code == "properties-backslash" and
    (.message | contains("server.ssl.key-store-password")))] | length == 1' \
    "$T/audit.json" >/dev/null || fail "no backslash finding for the secret"
jq -e '[.findings[] | select(.code == "placeholder-unresolved" and
    (.message | contains("server.ssl.trust-store-password")))] | length == 1' \
    "$T/audit.json" >/dev/null || fail "no placeholder finding"

# A write: the file changes, the backup manifest names keys only.
"$TLSDECK" configure --no-live --properties "$P" --set server.port=9443 \
    >"$T/out" 2>&1 || fail "configure: $(cat "$T/out")"
none "$T/out" "configure's output"
for m in $(find "$T/backups" -name '*.yaml'); do
	none "$m" "the backup manifest"
done

# status JSON: how cacerts was opened, under its own name.
"$TLSDECK" status --no-live --properties "$P" --format json >"$T/st.json"
jq -e '.jre | has("truststore_password") | not' "$T/st.json" >/dev/null ||
    fail "truststore_password is still in the JSON"
jq -e '.jre | has("truststore_opened_with")' "$T/st.json" >/dev/null ||
    fail "no truststore_opened_with"
exit 0
