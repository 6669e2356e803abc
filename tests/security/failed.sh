#!/bin/sh
# SPDX-License-Identifier: ISC
# failed.sh -- a change whose rename fails leaves no history entry and no
# temporary file (docs/security.md, "Backups"): the keystore is made
# immutable (chattr +i), so the rename into place fails after the backup
# was made; that backup's entry must go again.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/security/seclib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (chattr +i)"
command -v chattr >/dev/null || skip "chattr missing"
command -v jq >/dev/null || skip "jq missing"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
SP=changeit
export TLSDECK_BACKUP_DIR SP
ks=$T/d/ks.p12
mkdir "$T/d"
run 0 genkey "$ks" --alias a --dname CN=a --keyalg ec --storepass-env SP
run 0 genkey "$ks" --alias b --dname CN=b --keyalg ec --storepass-env SP
n0=$("$TLSDECK" history --format json | jq '.backups | length')
chattr +i "$ks" 2>/dev/null || skip "chattr +i not supported here"
trap 'chattr -i "$ks" 2>/dev/null; rm -rf "$T"' EXIT
sum=$(sha256sum "$ks")
run 1 rename "$ks" --alias a --to c --storepass-env SP
one_line
has_err "nothing changed"
chattr -i "$ks"
[ "$(sha256sum "$ks")" = "$sum" ] || fail "the keystore changed"
n1=$("$TLSDECK" history --format json | jq '.backups | length')
[ "$n1" = "$n0" ] || fail "$((n1 - n0)) history entry for a rename that failed"
ls -A "$T/d" "$T/backups" | grep -q '^\.tlsdeck-tmp-' &&
    fail "temporary file left"
[ "$(ls "$T/backups" | grep -vc manifest.yaml)" = "$n1" ] ||
    fail "a backup copy without its entry was left"
finish
