#!/bin/sh
# SPDX-License-Identifier: ISC
# backups.sh -- backups that cannot be planted (docs/security.md,
# "Backups").  As root, with a second user:
#  - a world-writable backup directory (1777) is refused, even root's own,
#    and never chmod'ed into shape; a manifest.yaml symlink planted there
#    receives nothing;
#  - a manifest (and a copy) planted by the other user in root's private
#    directory, while it was open, is refused: nothing is restored from it;
#  - a backup directory the other user created is refused;
#  - restore masks the mode the manifest gives a new file: no setuid,
#    setgid, sticky or world-write bits;
# each refusal is one line saying why and how to fix it, and changes no
# file.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/security/seclib.sh"
need_root
command -v jq >/dev/null || skip "jq missing"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
props=$T/application.properties
printf 'a=1\n' >"$props"
psum=$(sha256sum "$props")
same() { [ "$(sha256sum "$props")" = "$psum" ] || fail "$1: file changed"; }
reset() { printf 'a=1\n' >"$props"; }
mkdir "$T/theirs"
chown "$OTHER_UID" "$T/theirs"
stolen=$T/theirs/stolen
as_other sh -c ": >'$stolen'" || fail "as other"

# 1. Root's own backup directory, but world-writable, with a planted link.
B=$T/b1
mkdir "$B"
chmod 1777 "$B"
as_other ln -s "$stolen" "$B/manifest.yaml" || fail "ln"
TLSDECK_BACKUP_DIR=$B run 1 configure --properties "$props" --set a=2
one_line
has_err "backup directory $B can be written by others (mode 1777)"
has_err "move it away"
same "1777 directory"
[ ! -s "$stolen" ] || fail "the planted manifest link received a manifest"
[ "$(stat -c %a "$B")" = 1777 ] || fail "the directory was chmod'ed"

# 2. Root's private directory holding the other user's manifest and copy
#    (planted while it was open): restore refuses it.
B=$T/b2
mkdir "$B"
chmod 700 "$B"
printf 'pwned\n' >"$B/20260101T000000Z-0001-target"
sum=$(sha256sum "$B/20260101T000000Z-0001-target" | cut -d' ' -f1)
cat >"$B/manifest.yaml" <<MF
version: 1
backups:
- id: 1
  time: 2026-01-01T00:00:00Z
  command: configure
  path: $T/target
  file: 20260101T000000Z-0001-target
  size: 6
  sha256: $sum
  uid: 0
  mode: "0644"
MF
chown "$OTHER_UID" "$B/manifest.yaml" "$B/20260101T000000Z-0001-target"
reset
TLSDECK_BACKUP_DIR=$B run 1 restore 1
one_line
has_err "$B/"
has_err "in the backup directory but belongs to $OTHER"
[ ! -e "$T/target" ] || fail "restored from a planted manifest"
TLSDECK_BACKUP_DIR=$B run 1 configure --properties "$props" --set a=2
one_line
same "planted manifest"

# 3. A backup directory the other user created.
reset
B=$T/b3
mkdir "$B"
chown "$OTHER_UID" "$B"
chmod 700 "$B"
TLSDECK_BACKUP_DIR=$B run 1 configure --properties "$props" --set a=2
one_line
has_err "backup directory $B belongs to $OTHER"
same "their directory"

# 4. restore masks the manifest's mode for a new file.
B=$T/b4
mkdir "$B"
chmod 700 "$B"
printf 'restored\n' >"$B/20260101T000000Z-0001-new"
chmod 600 "$B/20260101T000000Z-0001-new"
sum=$(sha256sum "$B/20260101T000000Z-0001-new" | cut -d' ' -f1)
cat >"$B/manifest.yaml" <<MF
version: 1
backups:
- id: 1
  time: 2026-01-01T00:00:00Z
  command: configure
  path: $T/new
  file: 20260101T000000Z-0001-new
  size: 9
  sha256: $sum
  uid: 0
  mode: "6777"
MF
chmod 600 "$B/manifest.yaml"
TLSDECK_BACKUP_DIR=$B run 0 restore 1
m=$(stat -c %a "$T/new")
[ "$m" = 775 ] || fail "restored mode $m (the manifest said 6777)"
finish
