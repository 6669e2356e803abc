#!/bin/sh
# The "Renew - self-signed" wizard (F3, 1) by keystrokes on a demo tree:
# a new key pair under a new, dated alias goes into the same keystore
# next to the old entry (kept, byte for byte the same certificate), the
# settings switch server.ssl.key-alias to it, its certificate is exported
# and trusted in the tree's cacerts, every file changed was backed up
# first, the restart command is shown, and the keystore password never
# shows on screen.  Then Esc while an RSA 4096 key is being generated:
# the screen keeps drawing, says it was cancelled, and no file of the
# tree changed and no backup was made.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v jq >/dev/null 2>&1 || { echo "SKIP: no jq"; exit 77; }

D=$TT_DIR/srv
BK=$TT_DIR/bk
KS=$D/conf/ssl/keystore.p12
P=$D/conf/application.properties
CA=$D/jre/lib/security/cacerts
"$TLSDECK" demo "$D" --no-open >/dev/null || exit 99
# the demo's HTTPS port (the last server.port: a free one, 8443 or other)
PORT=$(sed -n 's/^server\.port=//p' "$P" | tail -1)
# A password of our own: the demo's ("tlsdeck-demo") is also part of
# alias names on the dashboard, so it could not be looked for on screen.
# Set with the CLI (its backups go elsewhere: $BK sees the wizard only).
OLDPW=tlsdeck-demo
PW='Rnw-7q!Zx2pw'
CHANGEIT=changeit
export OLDPW PW CHANGEIT
TLSDECK_BACKUP_DIR=$TT_DIR/bk0 "$TLSDECK" passwd "$KS" \
    --storepass-env OLDPW --new-storepass-env PW >/dev/null 2>&1 || exit 99
TLSDECK_BACKUP_DIR=$TT_DIR/bk0 "$TLSDECK" configure --properties "$P" \
    --no-live --set-env server.ssl.key-store-password=PW >/dev/null ||
    exit 99

ks_json() { "$TLSDECK" list "$KS" --format json --storepass-env PW; }
# jq over the keystore's JSON: the field F of the first certificate of
# the entry A
entry() { printf '%s\n' "$1" | jq -r --arg a "$2" \
    ".entries[] | select(.alias == \$a) | $3"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
nopw() {
	tt_screen | grep -qF -- "$PW" && tt_fail "the password is on screen"
	return 0
}

before=$(ks_json) || exit 99
old_sha=$(entry "$before" integration-manager '.chain[0].sha256')
old_na=$(entry "$before" integration-manager '.chain[0].not_after')
[ -n "$old_sha" ] && [ -n "$old_na" ] || exit 99
n_before=$(printf '%s\n' "$before" | jq '.entries | length')
sha_ks=$(sha "$KS") sha_p=$(sha "$P") sha_ca=$(sha "$CA")
today=$(date -u +%Y%m%d)

# ---- the wizard, page by page
TT_ENV="TLSDECK_BACKUP_DIR=$BK"
tt_start 80 24 --properties "$P" --no-live
tt_wait_for '★ integration-manager '
tt_keys F3
tt_wait_for 'The old key stays in use until the new'
tt_keys 1
tt_wait_for 'New key pair  step 1 of 4'
tt_wait_for 'opens the keystore \(from application.properties\)'
tt_screen | grep -q "Keystore file  *$KS" || tt_fail "not the keystore"
# the new alias: the old one and the date (UTC); the old entry is kept
alias=$(tt_screen |
    sed -n 's/.* Alias  *\(integration-manager-[0-9]\{8\}\) .*/\1/p')
case $alias in
integration-manager-"$today"|integration-manager-"$(date -u +%Y%m%d)") ;;
*) tt_fail "alias \"$alias\", not integration-manager-$today" ;;
esac
tt_screen | grep -q 'Replace existing entry  *\[no\]' || tt_fail "replace"
# the password typed rather than taken from the settings: wrong, right
tt_keys Tab C-u
tt_type 'wrong-password'
tt_wait_for 'wrong password'
tt_keys C-u
tt_type "$PW"
tt_wait_for 'opens the keystore'
tt_wait_gone 'wrong password'
nopw
tt_keys F2
tt_wait_for 'SSL settings  step 2 of 4'
tt_wait_for "server.ssl.key-alias  *$alias"
tt_wait_for 'the entry an earlier step makes'
nopw
tt_keys F2
tt_wait_for 'Export certificate  step 3 of 4'
tt_screen | grep -q "Entry  *$alias (created by an earlier step)" ||
    tt_fail "export: not the new entry"
tt_keys F2
tt_wait_for 'Trust in cacerts  step 4 of 4'
tt_keys F2
tt_wait_for 'The plan, 4 steps'
echo "--- the plan, 80x24 ---"; tt_screen
tt_screen | grep -q "1\. New key pair \"$alias\"" || tt_fail "plan: key pair"
tt_screen | grep -q "add to the PKCS12 keystore $KS" ||
    tt_fail "plan: not added to the keystore"
tt_screen | grep -q 'change server.ssl.key-alias (line [0-9]*): ' ||
    tt_fail "plan: key-alias not changed"
tt_screen | grep -q 'keep server.ssl.key-store-password = \*\*\*\*' ||
    tt_fail "plan: password not kept (or shown)"
tt_screen | grep -q 'replaces the entry' && tt_fail "plan: replaces"
nopw
# nothing is written before the plan is confirmed
[ "$(sha "$KS")" = "$sha_ks" ] && [ "$(sha "$P")" = "$sha_p" ] &&
    [ "$(sha "$CA")" = "$sha_ca" ] && [ ! -e "$BK" ] ||
    tt_fail "written before confirming"
tt_keys y
tt_wait_for 'All 4 steps done' 30
echo "--- the end, 80x24 ---"; tt_screen
tt_screen | grep -q 'Restart the server to use the new certificate' ||
    tt_fail "no restart"
# the restart names what exists (here: no unit, no init script)
tt_screen | grep -Eq '^│ *(systemctl restart|/etc/init.d/imservice stop|restart the Java server)' ||
    tt_fail "no restart command"
tt_screen | grep -q "imported as \"$alias\" into" || tt_fail "not trusted"
nopw
# the top of the results: the key pair step
tt_keys PPage PPage
tt_wait_for "added key entry \"$alias\""
tt_wait_for 'backup 1 of the previous file'
nopw
tt_keys Enter
# the dashboard has reloaded: the star on the new entry, the old kept
tt_wait_for '★ integration-manager-2'
tt_screen | grep -q '│  integration-manager  ' || tt_fail "old entry gone"
tt_wait_for "trusted as integration-manager-2"
nopw
tt_all | grep -qF -- "$PW" && tt_fail "the password was shown"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"

# ---- the keystore: the new entry next to the old one
after=$(ks_json) || tt_fail "list after"
[ "$(printf '%s\n' "$after" | jq '.entries | length')" = \
    $((n_before + 1)) ] || tt_fail "not one entry more"
[ "$(entry "$after" "$alias" .type)" = PrivateKeyEntry ] ||
    tt_fail "no key entry $alias"
[ "$(entry "$after" "$alias" '.chain | length')" = 1 ] &&
    [ "$(entry "$after" "$alias" '.chain[0].self_signed')" = true ] ||
    tt_fail "$alias is not one self-signed certificate"
new_sha=$(entry "$after" "$alias" '.chain[0].sha256')
new_na=$(entry "$after" "$alias" '.chain[0].not_after')
[ -n "$new_sha" ] && [ "$new_sha" != "$old_sha" ] ||
    tt_fail "the same certificate: $new_sha"
# ISO 8601, UTC: later is greater
[ "$(printf '%s\n%s\n' "$old_na" "$new_na" | sort | tail -1)" = "$new_na" ] &&
    [ "$new_na" != "$old_na" ] || tt_fail "not later: $new_na <= $old_na"
entry "$after" "$alias" '.chain[0].san[]' | grep -qx 'DNS:localhost' ||
    tt_fail "SAN lost"
# the old entry is still there, unchanged (the server keeps it until
# restarted)
[ "$(entry "$after" integration-manager .type)" = PrivateKeyEntry ] ||
    tt_fail "the old key entry is gone"
[ "$(entry "$after" integration-manager '.chain[0].sha256')" = \
    "$old_sha" ] || tt_fail "the old certificate changed"
[ "$(entry "$after" integration-manager '.chain | length')" = 3 ] ||
    tt_fail "the old chain changed"
[ "$(stat -c %a "$KS")" = 600 ] || tt_fail "keystore mode"
# keytool reads the same (a JVM start: only when keytool is here)
if command -v keytool >/dev/null 2>&1; then
	kt=$(keytool -list -keystore "$KS" -storepass:env PW 2>&1) ||
	    { echo "$kt"; tt_fail "keytool -list"; }
	# alias, date, type / Certificate fingerprint (SHA-256): X
	ktfp() { printf '%s\n' "$kt" | awk -v a="$1" '
	    index($0, a ", ") == 1 && /PrivateKeyEntry/ { f = 1; next }
	    f && /SHA-256/ { print $NF; exit }'; }
	[ "$(ktfp "$alias")" = "$new_sha" ] ||
	    { echo "$kt"; tt_fail "keytool: $alias is not the new key"; }
	[ "$(ktfp integration-manager)" = "$old_sha" ] ||
	    { echo "$kt"; tt_fail "keytool: the old entry differs"; }
fi

# ---- the settings: the new alias, the rest as it was
grep -qxF "server.ssl.key-alias=$alias" "$P" || { cat "$P"; tt_fail \
    "key-alias"; }
[ "$(grep -c '^server.ssl.key-alias=' "$P")" = 1 ] || tt_fail "alias twice"
grep -qxF "server.ssl.key-store-password=$PW" "$P" || tt_fail "password"
grep -qxF 'server.ssl.key-store=${sharedDataPath}/conf/ssl/keystore.p12' \
    "$P" || tt_fail "key-store changed"
# the plan said so: the duplicate server.port goes, the last one stays
[ "$(grep -c '^server.port=' "$P")" = 1 ] && grep -qxF "server.port=$PORT" "$P" ||
    tt_fail "server.port"
grep -qxF 'spring.servlet.multipart.max-file-size=50MB' "$P" ||
    tt_fail "another line lost"

# ---- the export and cacerts hold the new certificate
if command -v openssl >/dev/null 2>&1; then
	fp=$(openssl x509 -in "$D/conf/ssl/$alias.pem" -noout -fingerprint \
	    -sha256 | sed 's/.*=//')
	[ "$fp" = "$new_sha" ] || tt_fail "export: $fp"
fi
ca=$("$TLSDECK" list "$CA" --format json --storepass-env CHANGEIT) ||
    tt_fail "cacerts"
[ "$(entry "$ca" "$alias" .type)" = trustedCertEntry ] &&
    [ "$(entry "$ca" "$alias" '.chain[0].sha256')" = "$new_sha" ] ||
    tt_fail "cacerts does not trust the new certificate"

# ---- backups: each file, as it was before, once
h=$(TLSDECK_BACKUP_DIR=$BK "$TLSDECK" history --format json) ||
    tt_fail "history"
bk() { printf '%s\n' "$h" | jq -r --arg c "$1" \
    "[.backups[] | select(.command == \$c)] | map(.path + \" \" + .sha256)
    | join(\",\")"; }
[ "$(printf '%s\n' "$h" | jq '.backups | length')" = 3 ] ||
    { echo "$h"; tt_fail "not 3 backups"; }
[ "$(bk genkey)" = "$KS $sha_ks" ] || tt_fail "keystore backup: $(bk genkey)"
[ "$(bk configure)" = "$P $sha_p" ] || tt_fail "settings backup"
[ "$(bk trust)" = "$CA $sha_ca" ] || tt_fail "cacerts backup"
echo "renewed: $alias $new_sha"

# ---- Esc while an RSA 4096 key is being generated
# Generating one takes 0.4 to 4 s here; should one be done before the
# Esc lands (the step then succeeds), the try is made again on a fresh
# tree.  A cancel that does not stop the generation fails every time.
sums() { (cd "$1" && find . -type f | sort | xargs sha256sum); }
try=1
while :; do
	E=$TT_DIR/esc$try
	EB=$TT_DIR/bk-esc$try
	"$TLSDECK" demo "$E" --no-open >/dev/null || exit 99
	sums_before=$(sums "$E")
	tt kill-server >/dev/null 2>&1
	TT_ENV="TLSDECK_BACKUP_DIR=$EB"
	tt_start 80 24 --properties "$E/conf/application.properties" --no-live
	tt_wait_for '★ integration-manager '
	tt_keys F3
	tt_wait_for 'The old key stays in use until the new'
	tt_keys 1
	tt_wait_for 'New key pair  step 1 of 4'
	tt_wait_for 'opens the keystore'
	# the confirmation is only for a new keystore, and says so
	tt_wait_for 'not needed: the keystore exists'
	# the key size: 13 fields below the keystore file
	tt_keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab
	tt_wait_cursor_row 'Key size \(bits\)  *2048'
	tt_keys C-u
	tt_type 4096
	tt_wait_for 'a 4096-bit key takes a few seconds to make'
	tt_keys F2
	tt_wait_for 'SSL settings  step 2 of 4'
	tt_keys F2
	tt_wait_for 'Export certificate  step 3 of 4'
	tt_keys F2
	tt_wait_for 'Trust in cacerts  step 4 of 4'
	tt_keys F2
	tt_wait_for 'The plan, 4 steps'
	tt_screen | grep -q 'RSA 4096 key' || tt_fail "plan: not RSA 4096"
	tt_keys y
	tt_wait_for 'generating the RSA key \(Esc cancels\)|All 4 steps done'
	# the screen keeps drawing while the worker computes: the spinner
	# (row 1) turns while the step still says it is generating; then Esc
	f1=$(tt_row 1)
	turned=no
	_end=$(( $(_tt_ms) + 3000 ))
	while :; do
		s=$(tt_screen)
		printf '%s\n' "$s" | grep -q 'generating the RSA key' || break
		if [ "$(printf '%s\n' "$s" | sed -n 2p)" != "$f1" ]; then
			turned=yes
			break
		fi
		[ "$(_tt_ms)" -lt "$_end" ] ||
		    tt_fail "the spinner stood still while generating"
		sleep 0.02
	done
	if [ "$turned" = yes ]; then
		tt_keys Escape
		# the results; or, when the steps ended just before the Esc,
		# that Esc closed them and the dashboard shows the new key
		tt_wait_for 'Cancelled: [0-9] of 4|All 4 steps|F1 Help F2 Enable' 15
		tt_screen | grep -q 'Cancelled: 0 of 4 steps done' && break
		if tt_screen | grep -q 'F1 Help F2 Enable'; then
			tt_screen | grep -q '★ integration-manager-2' ||
			    tt_fail "Esc closed the wizard while it worked"
		fi
	fi
	echo "try $try: the key was made before Esc landed"; tt_screen
	[ "$try" -lt 3 ] ||
	    tt_fail "3 tries: Esc never cancelled the key generation"
	try=$((try + 1))
done
echo "--- cancelled (try $try), 80x24 ---"; tt_screen
tt_screen | grep -q 'the files of the steps not done are' || tt_fail "text"
tt_screen | grep -q 'Restart the server' && tt_fail "restart after cancel"
tt_keys PPage PPage
tt_wait_for '1\. New key pair "integration-manager-[0-9]*"'
tt_wait_for '^│ *key generation cancelled'
# still answering: close, the dashboard as it was, the chooser, quit
tt_keys Enter
tt_wait_for '★ integration-manager '
tt_screen | grep -q 'integration-manager-2' && tt_fail "a new entry shows"
tt_keys F3
tt_wait_for 'The old key stays in use until the new'
tt_keys Escape
tt_wait_gone 'The old key stays in use until the new'
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit after cancelling"
sums_after=$(sums "$E")
[ "$sums_after" = "$sums_before" ] ||
    { printf '%s\n' "$sums_after" >"$TT_DIR/sums"
    printf '%s\n' "$sums_before" | diff - "$TT_DIR/sums"
    tt_fail "a file changed after cancelling"; }
[ "$(TLSDECK_BACKUP_DIR=$EB "$TLSDECK" history --format json |
    jq '.backups | length')" = 0 ] || tt_fail "a backup after cancelling"
exit 0
