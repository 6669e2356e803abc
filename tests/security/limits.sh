#!/bin/sh
# SPDX-License-Identifier: ISC
# limits.sh -- a file size limit (ulimit -f, SIGXFSZ) ends a write with the
# usual one line, exit 1 and no temporary file left, instead of killing
# tlsdeck (docs/security.md, "Write failures"): for a new keystore (the
# temporary file hits the limit) and for an existing one (its backup copy
# does).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/security/seclib.sh"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
SP=changeit
export TLSDECK_BACKUP_DIR SP
mkdir "$T/d"
tmps() { ls -A "$T/d" "$T/backups" 2>/dev/null | grep -c '^\.tlsdeck-tmp-'; }
# limited ARGS...: tlsdeck ARGS with files limited to 1 kB (2 blocks of
# 512 bytes in sh's ulimit; an RSA keystore is about 2.5 kB).
limited() {
	out=$( (ulimit -f 2 && exec "$TLSDECK" "$@") 2>"$T/.err")
	rc=$?
	err=$(cat "$T/.err")
}

# A new keystore.
limited genkey "$T/d/new.p12" --alias k --dname CN=k --storepass-env SP
[ "$rc" = 1 ] || fail "new keystore: exit $rc (153 is SIGXFSZ), stderr: $err"
one_line
has_err "File too large"
[ ! -e "$T/d/new.p12" ] || fail "a keystore was left"
[ "$(tmps)" = 0 ] || fail "temporary files left: $(ls -A "$T/d")"

# An existing one: the backup copy is the first write to hit the limit.
run 0 genkey "$T/d/ks.p12" --alias one --dname CN=one --storepass-env SP
sum=$(sha256sum "$T/d/ks.p12")
limited genkey "$T/d/ks.p12" --alias two --dname CN=two --storepass-env SP
[ "$rc" = 1 ] || fail "existing keystore: exit $rc, stderr: $err"
one_line
has_err "File too large"
[ "$(sha256sum "$T/d/ks.p12")" = "$sum" ] || fail "the keystore changed"
[ "$(tmps)" = 0 ] || fail "temporary files left"
ls "$T/backups" | grep -v manifest.yaml | grep -q . &&
    fail "a backup copy was left: $(ls "$T/backups")"
finish
