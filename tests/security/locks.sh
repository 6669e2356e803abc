#!/bin/sh
# SPDX-License-Identifier: ISC
# locks.sh -- another user cannot block root's writes (docs/security.md,
# "Locks").  The lock is root's own file in root's state directory, so the
# other user's flock(2) on the keystore's directory (or on the keystore)
# changes nothing; a lock held by another tlsdeck is named by its pid.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/security/seclib.sh"
need_root
command -v flock >/dev/null || skip "flock missing"
drv=$TOP_BUILDDIR/tests/tools/sw-driver
[ -x "$drv" ] || skip "sw-driver not built"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
TLSDECK_STATE_DIR=$T/state
TLSDECK_LOCK_WAIT_MS=600
SP=changeit
export TLSDECK_BACKUP_DIR TLSDECK_STATE_DIR TLSDECK_LOCK_WAIT_MS SP
kd=$T/conf
mkdir "$kd"
ks=$kd/ks.p12
run 0 genkey "$ks" --alias one --dname CN=one --keyalg ec --storepass-env SP
chmod 755 "$kd"
chmod 644 "$ks"
mkdir "$T/theirs"
chown "$OTHER_UID" "$T/theirs"

# The other user holds an flock on the directory and on the file.
(as_other_exec flock -o "$kd" sh -c "echo >'$T/theirs/ready'; sleep 30") &
p1=$!
(as_other_exec flock -o "$ks" sleep 30) &
p2=$!
i=0
while [ ! -e "$T/theirs/ready" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e "$T/theirs/ready" ] || fail "the other user's flock did not start"
run 0 genkey "$ks" --alias two --dname CN=two --keyalg ec \
    --storepass-env SP
kill "$p1" "$p2" 2>/dev/null
wait 2>/dev/null

# The lock directory is private: only root's files in it.
[ "$(stat -c %U:%a "$T/state/locks")" = root:700 ] ||
    fail "lock directory $(stat -c %U:%a "$T/state/locks")"

# Another tlsdeck (the driver) holds the lock: named by its pid.
"$drv" hold "$kd/other" >"$T/held" &
hp=$!
i=0
while ! grep -q held "$T/held" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q held "$T/held" || fail "the driver did not take the lock"
run 1 genkey "$ks" --alias three --dname CN=three --keyalg ec \
    --storepass-env SP
one_line
has_err "another tlsdeck (pid $hp) is changing files in $kd"
kill "$hp"; sleep 0.2
wait 2>/dev/null
# Its lock went with it.
run 0 genkey "$ks" --alias three --dname CN=three --keyalg ec \
    --storepass-env SP
finish
