#!/bin/sh
# SPDX-License-Identifier: ISC
# history.sh -- tlsdeck history / restore on real backups made through the
# safe-write path (made by tests/tools/sw-driver): listing in text and
# JSON, restore and --dry-run, refusals, exit codes, and a corrupt
# manifest.
drv=${TOP_BUILDDIR:-.}/tests/tools/sw-driver
TLSDECK=${TLSDECK:-./tlsdeck}
[ -x "$TLSDECK" ] || { echo "SKIP: no tlsdeck binary"; exit 77; }
[ -x "$drv" ] || { echo "SKIP: $drv not built"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq missing"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsdeck-hist.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM HUP
TLSDECK_BACKUP_DIR=$tmp/backups
export TLSDECK_BACKUP_DIR
f=$tmp/store.p12
fail() { echo "FAIL: $*"; exit 1; }
# run EXPECTED-RC ARGS...: output in $out, stderr in $err
run() {
	want=$1
	shift
	out=$("$TLSDECK" "$@" 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
	[ "$rc" = "$want" ] ||
	    fail "tlsdeck $*: exit $rc, expected $want; stderr: $err"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

# No backups yet.
run 0 history
echo "$out" | grep -q '^No backups yet' || fail "empty history: $out"
run 0 history --format json
[ "$(echo "$out" | jq -c .backups)" = "[]" ] || fail "empty json: $out"

printf 'one\n' >"$tmp/v1"
printf 'two two\n' >"$tmp/v2"
printf 'three\n' >"$tmp/v3"
cp "$tmp/v1" "$f"
chmod 640 "$f"
[ "$("$drv" put "$f" "$tmp/v2" trust)" = 1 ] || fail "put 1"
[ "$("$drv" put "$f" "$tmp/v3" configure)" = 2 ] || fail "put 2"
real=$(realpath "$f")

# Text listing.
run 0 history
[ -z "$err" ] || fail "history wrote to stderr: $err"
echo "$out" | grep -Eq "^ +1  [0-9-]{10}T[0-9:]{8}Z  trust +4  $real" ||
    fail "history text, row 1: $out"
echo "$out" | grep -Eq "^ +2  .*configure +8  $real" ||
    fail "history text, row 2: $out"

# JSON listing, cross-checked with sha256sum and the backup files.
run 0 history --format json
echo "$out" | jq -e . >/dev/null || fail "not JSON: $out"
[ "$(echo "$out" | jq '.backups | length')" = 2 ] || fail "2 backups: $out"
[ "$(echo "$out" | jq -r .backup_dir)" = "$TLSDECK_BACKUP_DIR" ] ||
    fail "backup_dir: $out"
b1=$(echo "$out" | jq -c '.backups[0]')
[ "$(echo "$b1" | jq .id)" = 1 ] || fail "id: $b1"
[ "$(echo "$b1" | jq -r .command)" = trust ] || fail "command: $b1"
[ "$(echo "$b1" | jq -r .path)" = "$real" ] || fail "path: $b1"
[ "$(echo "$b1" | jq .size)" = 4 ] || fail "size: $b1"
[ "$(echo "$b1" | jq -r .mode)" = 0640 ] || fail "mode: $b1"
[ "$(echo "$b1" | jq -r .sha256)" = "$(sha "$tmp/v1")" ] || fail "sha: $b1"
echo "$b1" | jq -r .time | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' ||
    fail "time: $b1"
bf=$TLSDECK_BACKUP_DIR/$(echo "$b1" | jq -r .backup_file)
cmp -s "$bf" "$tmp/v1" || fail "backup file content: $bf"
[ "$(stat -c %a "$bf")" = 600 ] || fail "backup file mode"
[ "$(stat -c %a "$TLSDECK_BACKUP_DIR")" = 700 ] || fail "backup dir mode"

# Dry run changes nothing.
run 0 restore --dry-run 1
echo "$out" | grep -q "would restore $real from backup 1" ||
    fail "dry run: $out"
cmp -s "$f" "$tmp/v3" || fail "dry run changed the file"
run 0 history --format json
[ "$(echo "$out" | jq '.backups | length')" = 2 ] || fail "dry run backed up"

# Restore 1: v1 back, v3 saved as backup 3.
run 0 restore 1
echo "$out" | grep -q "restored $real from backup 1" || fail "restore: $out"
echo "$out" | grep -q "replaced content is backup 3" || fail "restore: $out"
cmp -s "$f" "$tmp/v1" || fail "restore did not put v1 back"
[ "$(stat -c %a "$f")" = 640 ] || fail "restore changed the mode"
run 0 history --format json
[ "$(echo "$out" | jq -r '.backups[2].command')" = restore ] || fail "3: $out"
[ "$(echo "$out" | jq -r '.backups[2].sha256')" = "$(sha "$tmp/v3")" ] ||
    fail "backup 3 is not v3"
run 0 restore 0001
echo "$out" | grep -q "nothing to do" || fail "restore same: $out"

# Usage errors: 2.
run 2 restore
run 2 restore 1 2
run 2 restore --bogus 1
run 2 history --format pem
run 2 history extra
run 0 history --help
echo "$out" | grep -q '^usage: tlsdeck history' || fail "history --help"
run 0 restore --help
echo "$out" | grep -q '^usage: tlsdeck restore' || fail "restore --help"

# Failures: 1, one line on stderr.
run 1 restore 99
echo "$err" | grep -q '^tlsdeck: backup 99: no such backup' ||
    fail "unknown id: $err"
"$TLSDECK" history --format json | jq -r '.backups[1].backup_file' \
    >"$tmp/name"
bf2=$TLSDECK_BACKUP_DIR/$(cat "$tmp/name")
printf 'tampered' >"$bf2"
run 1 restore 2
echo "$err" | grep -q 'does not match' || fail "tampered: $err"
cmp -s "$f" "$tmp/v1" || fail "tampered restore changed the file"
rm -f "$bf2"
run 1 restore 2
echo "$err" | grep -q 'No such file' || fail "missing backup: $err"

# A corrupt manifest: exit 1, the file and line named.
printf 'version: 1\nbackups:\n- id: 1\n  tme: x\n' \
    >"$TLSDECK_BACKUP_DIR/manifest.yaml"
run 1 history
echo "$err" | grep -q 'manifest.yaml: invalid backup manifest: .*tme.*line' ||
    fail "corrupt manifest: $err"
[ "$(echo "$err" | wc -l)" = 1 ] || fail "more than one line: $err"
run 1 restore 1
exit 0
