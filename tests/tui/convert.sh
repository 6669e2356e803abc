#!/bin/sh
# The Convert keystore form as the fix of findings, by keystrokes: a demo
# tree moved to a JKS keystore shows the keystore-jks info; Enter on it in
# the findings opens the form with the settings switch on; the plan is
# core's dry run (the new .p12, the settings lines); y applies it: the
# .p12 is beside the old file, the settings name it, the finding is gone
# after the reload.  Then the JRE is made 11.0.10: pkcs12-too-new opens
# the same form with the legacy profile chosen, and applying it rewrites
# the file in the legacy profile.  At 80x24 and at 160x48.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v jq >/dev/null 2>&1 || { echo "SKIP: no jq"; exit 77; }

D=$TT_DIR/srv
P=$D/conf/application.properties
PW=tlsdeck-demo
export PW
TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bk"
export TLSDECK_BACKUP_DIR=$TT_DIR/bk0

# A JKS server tree: the demo's keystore converted, the settings edited.
mktree() {
	rm -rf "$D"
	"$TLSDECK" demo "$D" --no-open >/dev/null || exit 99
	"$TLSDECK" convert "$D/conf/ssl/keystore.p12" --to jks \
	    -o "$D/conf/ssl/keystore.jks" --storepass-env PW >/dev/null ||
	    exit 99
	rm "$D/conf/ssl/keystore.p12"
	sed -i -e 's#keystore\.p12#keystore.jks#' \
	    -e 's#^server.ssl.key-store-type=.*#server.ssl.key-store-type=JKS#' \
	    "$P"
}
profile() {
	"$TLSDECK" list "$1" --storepass-env PW --format json | jq -r .profile
}

for size in "80 24" "160 48"; do
	mktree
	# shellcheck disable=SC2086
	tt_start $size --properties "$P" --no-live
	tt_wait_for '★ integration-manager '
	tt_keys f
	tt_wait_for 'INFO +the keystore is JKS'
	# most severe first: three warnings of the demo, then this info
	tt_keys Down Down Down
	tt_keys Enter
	tt_wait_for 'fixing: the keystore is JKS'
	tt_wait_for 'Switch the settings +no +\[yes\]'
	tt_wait_for 'a new .p12 beside the old file'
	tt_keys F2
	tt_wait_for 'the plan'
	tt_wait_for 'keystore.p12 \(PKCS12\)'
	tt_wait_for 'Apply this plan\?'
	[ ! -e "$D/conf/ssl/keystore.p12" ] || tt_fail "written before y"
	tt_keys y
	tt_wait_for 'All 1 step done'
	grep -qx 'server.ssl.key-store=${sharedDataPath}/conf/ssl/keystore.p12' \
	    "$P" || tt_fail "$size: key-store not switched"
	grep -qx 'server.ssl.key-store-type=PKCS12' "$P" ||
	    tt_fail "$size: type not switched"
	[ -f "$D/conf/ssl/keystore.jks" ] || tt_fail "$size: old file removed"
	[ "$(profile "$D/conf/ssl/keystore.p12")" = modern ] ||
	    tt_fail "$size: not modern for JRE 17"
	tt_keys Enter
	tt_wait_gone 'Convert keystore'
	tt_screen | grep -q 'keystore is JKS' && tt_fail "finding still shown"

	# pkcs12-too-new: the same form, legacy chosen for the old JRE.
	sed -i 's/^JAVA_VERSION=.*/JAVA_VERSION="11.0.10"/' "$D/jre/release"
	tt_keys Escape
	tt_keys r
	tt_wait_for '1 critical'
	tt_keys f
	tt_wait_for 'CRIT +the keystore uses AES'
	tt_keys Enter
	tt_wait_for 'fixing: the keystore uses AES'
	tt_wait_for 'PKCS#12 profile +modern +\[legacy\]'
	tt_keys F2
	tt_wait_for 'legacy profile'
	tt_keys y
	tt_wait_for 'All 1 step done'
	[ "$(profile "$D/conf/ssl/keystore.p12")" = legacy ] ||
	    tt_fail "$size: not rewritten in the legacy profile"
	tt_keys Enter
	tt_keys F10
	[ "$(tt_wait_exit)" = 0 ] || tt_fail "$size: exit status"
	tt kill-server >/dev/null 2>&1
done
exit 0
