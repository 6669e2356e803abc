#!/bin/sh
# SPDX-License-Identifier: ISC
# ansible.sh -- contrib/ansible/ with Debian's ansible-core against
# localhost (-c local): examples/enable-https.yml in check mode writes
# nothing, the first run changes (key pair, settings, the JRE's cacerts:
# keytool reads them), the second run changes nothing; a keystore with two
# entries keeps both; CA certificates go into the server's own trust store
# (trust_certs, trust_in), a second run unchanged; a bad domain fails with
# tlsdeck's one line; the password is in no output (-vvv);
# examples/collect-status.yml collects the report that tlsdeck fleet reads;
# examples/acme-https.yml passes --syntax-check.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
FX=$TOP_BUILDDIR/tests/tools/srv-fixture
command -v ansible-playbook >/dev/null || skip "ansible-core missing"
command -v jq >/dev/null || skip "jq missing"
[ -x "$FX" ] || skip "srv-fixture not built (cmocka missing?)"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME
HOME=$T/home
TLSDECK_BACKUP_DIR=$T/backups
ANSIBLE_LOCAL_TEMP=$T/ansible-tmp
ANSIBLE_REMOTE_TEMP=$T/ansible-tmp
ANSIBLE_NOCOLOR=1
ANSIBLE_RETRY_FILES_ENABLED=0
ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export HOME TLSDECK_BACKUP_DIR ANSIBLE_LOCAL_TEMP ANSIBLE_REMOTE_TEMP \
    ANSIBLE_NOCOLOR ANSIBLE_RETRY_FILES_ENABLED ANSIBLE_PYTHON_INTERPRETER
mkdir -p "$HOME"
EX=$TOP_SRCDIR/contrib/ansible/examples
PW=Ansible-Pass.7
printf '%s\n' "$PW" >"$T/pw"
chmod 600 "$T/pw"

# play PLAYBOOK ARGS...: output in $T/play (the password never in it)
play() {
	pb=$1
	shift
	timeout -k 5 300 ansible-playbook -i localhost, -c local \
	    -e "tlsdeck_binary=$TLSDECK" "$EX/$pb" "$@" >"$T/play" 2>&1
	prc=$?
	if grep -q "$PW" "$T/play"; then
		fail "the password is in the output of $pb $*"
	fi
	return $prc
}
recap() { grep -E '^localhost +: ' "$T/play"; }
sums() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }

"$FX" "$T/fx" >/dev/null || fail "srv-fixture"
S=$T/app
mkdir -p "$S/conf"
cp -R "$T/fx/jre" "$S/jre"
printf 'sharedDataPath=%s\nserver.port=8080\n' "$S" \
    >"$S/conf/application.properties"
VARS="{\"tlsdeck_server\": \"$S\",
    \"tlsdeck_domains\": [\"app.example.test\", \"localhost\"],
    \"tlsdeck_keystore_password_file\": \"$T/pw\"}"

# --check: changed, nothing written
before=$(sums "$S")
play enable-https.yml -e "$VARS" -e ansible_become=false --check --diff ||
    fail "check run: $(cat "$T/play")"
recap | grep -q 'changed=1' || fail "check: $(recap)"
grep -q '^+server.ssl.key-store-password=\*\*\*\*\*\*\*\*' "$T/play" ||
    fail "check --diff: $(cat "$T/play")"
[ "$(sums "$S")" = "$before" ] || fail "--check wrote"

# the first run
play enable-https.yml -e "$VARS" -e ansible_become=false ||
    fail "first run: $(cat "$T/play")"
recap | grep -q 'changed=1.*failed=0' || fail "first: $(recap)"
KS=$S/conf/ssl/keystore.p12
keytool -list -keystore "$KS" -storepass:file "$T/pw" >"$T/kt" 2>&1 ||
    fail "keytool: $(cat "$T/kt")"
grep -q '^tlsdeck,' "$T/kt" || fail "key entry: $(cat "$T/kt")"
keytool -list -keystore "$S/jre/lib/security/cacerts" -storepass changeit \
    >"$T/kt" 2>&1 || fail "keytool cacerts: $(cat "$T/kt")"
grep -q '^tlsdeck-tlsdeck-' "$T/kt" || fail "trusted: $(cat "$T/kt")"
grep -qx 'server.ssl.key-alias=tlsdeck' "$S/conf/application.properties" ||
    fail "settings"

# the second run: unchanged, not a byte written
before=$(sums "$S")
play enable-https.yml -e "$VARS" -e ansible_become=false -vvv ||
    fail "second run: $(cat "$T/play")"
recap | grep -q 'changed=0.*failed=0' || fail "second: $(recap)"
[ "$(sums "$S")" = "$before" ] || fail "the second run wrote"

# a keystore with two entries keeps both
S2=$T/two
mkdir -p "$S2/conf/ssl"
cp -R "$T/fx/jre" "$S2/jre"
K2=$S2/conf/ssl/keystore.p12
"$TLSDECK" genkey "$K2" --alias tlsdeck --dname CN=old.example.test \
    --days 3 --storepass-file "$T/pw" >/dev/null || fail "genkey"
"$TLSDECK" import-cert "$K2" --alias partner "$SAMPLES/certs/ca.pem" \
    --storepass-file "$T/pw" >/dev/null || fail "import-cert"
printf 'sharedDataPath=%s\nserver.port=8443\n' "$S2" \
    >"$S2/conf/application.properties"
VARS2=$(echo "$VARS" | sed "s|\"$S\"|\"$S2\"|")
play enable-https.yml -e "$VARS2" -e ansible_become=false ||
    fail "two entries: $(cat "$T/play")"
recap | grep -q 'changed=1' || fail "two entries: $(recap)"
keytool -list -keystore "$K2" -storepass:file "$T/pw" >"$T/kt" 2>&1 ||
    fail "keytool: $(cat "$T/kt")"
grep -q '^partner,' "$T/kt" && grep -q '^tlsdeck,' "$T/kt" ||
    fail "both entries: $(cat "$T/kt")"
[ "$(grep -c 'Entry,' "$T/kt")" = 2 ] || fail "two entries: $(cat "$T/kt")"
"$TLSDECK" list "$K2" --storepass-file "$T/pw" --format json >"$T/out" ||
    fail "list"
jq -e '.entries[] | select(.alias == "tlsdeck") |
    .chain[0].days_left > 800' "$T/out" >/dev/null || fail "renewed"
play enable-https.yml -e "$VARS2" -e ansible_become=false ||
    fail "two entries again: $(cat "$T/play")"
recap | grep -q 'changed=0' || fail "two entries again: $(recap)"

# a bad domain: failed, with tlsdeck's line
play enable-https.yml -e "$VARS" -e ansible_become=false \
    -e '{"tlsdeck_domains": ["bad domain"]}' &&
    fail "a bad domain passed"
grep -q 'https.domains: \\"bad domain\\" is not a DNS name' "$T/play" ||
    grep -q 'https.domains: "bad domain" is not a DNS name' "$T/play" ||
    fail "the failure: $(cat "$T/play")"
recap | grep -q 'failed=1' || fail "failed: $(recap)"

# the server's own trust store (trust_certs, trust_in: server), entry by
# entry; a second run changes nothing
S3=$T/trust
mkdir -p "$S3/conf/ssl"
cp -R "$T/fx/jre" "$S3/jre"
TS=$S3/conf/ssl/truststore.p12
"$TLSDECK" import-cert "$TS" --alias partner "$SAMPLES/certs/ca.pem" \
    --storepass-file "$T/pw" >/dev/null || fail "import-cert trust store"
printf 'sharedDataPath=%s\nserver.port=8443\nserver.ssl.trust-store=%s\nserver.ssl.trust-store-password=%s\n' \
    "$S3" "$TS" "$PW" >"$S3/conf/application.properties"
VARS3=$(echo "$VARS" | sed "s|\"$S\"|\"$S3\"|")
TV="{\"tlsdeck_trust_certs\": [\"$SAMPLES/certs/ca.pem\", \"$SAMPLES/certs/int.pem\"],
    \"tlsdeck_trust_in\": [\"server\"]}"
play enable-https.yml -e "$VARS3" -e "$TV" -e ansible_become=false ||
    fail "trust store: $(cat "$T/play")"
recap | grep -q 'changed=1.*failed=0' || fail "trust store: $(recap)"
keytool -list -keystore "$TS" -storepass:file "$T/pw" >"$T/kt" 2>&1 ||
    fail "keytool trust store: $(cat "$T/kt")"
[ "$(grep -c 'trustedCertEntry' "$T/kt")" = 2 ] ||
    fail "trust store entries: $(cat "$T/kt")"
before=$(sums "$S3")
play enable-https.yml -e "$VARS3" -e "$TV" -e ansible_become=false ||
    fail "trust store again: $(cat "$T/play")"
recap | grep -q 'changed=0.*failed=0' || fail "trust store again: $(recap)"
[ "$(sums "$S3")" = "$before" ] || fail "trust store: the second run wrote"

# collect the report for the fleet view
R=$T/reports
play collect-status.yml -e ansible_become=false -e "tlsdeck_reports=$R" \
    -e "{\"tlsdeck_status_args\": [\"--server\", \"$S\"]}" ||
    fail "collect: $(cat "$T/play")"
[ -s "$R/localhost.json" ] || fail "no report: $(ls -la "$R")"
"$TLSDECK" fleet "$R" --format json >"$T/out" 2>"$T/err" ||
    fail "fleet: $(cat "$T/err")"
[ "$(jq -r '.hosts[0].name' "$T/out")" = localhost ] ||
    fail "fleet: $(cat "$T/out")"
[ "$(jq -r '.hosts[0].kind' "$T/out")" = spring ] || fail "fleet kind"
timeout -k 5 120 ansible-playbook -i localhost, -c local --syntax-check \
    "$EX/acme-https.yml" >"$T/play" 2>&1 ||
    fail "acme-https.yml: $(cat "$T/play")"
echo "ok: ansible"
