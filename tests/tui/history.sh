#!/bin/sh
# The history screen (H on the dashboard): with no backups it says so; a
# corrupt manifest shows its error without crashing; after
# `tlsdeck configure --set server.port=8443` the backup is listed, Enter
# shows the dry run, y restores it: application.properties is byte for
# byte the original again, and `tlsdeck history` lists the restore's own
# backup of the replaced (8443) content.  Help says H is history, h left.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"

T=$TT_DIR/srv
BK=$TT_DIR/bk
P=$T/conf/application.properties
mkdir -p "$T/conf" || exit 99
cat >"$P" <<EOF
# Integration Manager
sharedDataPath=$T
server.port=8080
im.base-url=http://localhost:8080
worker.threads=4
EOF
cp "$P" "$TT_DIR/orig" || exit 99
TLSDECK_BACKUP_DIR=$BK
export TLSDECK_BACKUP_DIR
TT_ENV="TLSDECK_BACKUP_DIR=$BK"

# ---- no backups yet: a clear line naming the directory; h is not history
tt_start 100 24 --properties "$P"
tt_wait_for 'F1 Help'
# help (from the key table): H is history, h stays left
tt_keys '?'
tt_wait_for 'Left, h +panel to the left'
tt_keys PageDown
tt_wait_for '^│ +H +history of changes: every backup, restore one \(h is left\)'
tt_keys Escape
tt_wait_gone 'H +history of changes'
tt_keys h
tt_keys H
tt_wait_for 'History of changes'
tt_wait_for "no changes recorded yet \\(backups in $BK\\)"
tt_keys Escape
tt_wait_gone 'History of changes'
tt_keys F10
[ "$(tt_wait_exit)" = 0 ] || tt_fail "dashboard exit status"
tt kill-server >/dev/null 2>&1

# ---- a corrupt manifest: its error on screen, no crash
mkdir -p "$TT_DIR/bad" && chmod 700 "$TT_DIR/bad"
printf 'backups: [ {id: "x\n\001\002' >"$TT_DIR/bad/manifest.yaml"
TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bad"
tt_start 100 24 --properties "$P"
tt_wait_for 'F1 Help'
tt_keys H
tt_wait_for 'History of changes'
tt_wait_for 'manifest\.yaml: invalid backup manifest'
tt_keys Enter j k
tt_wait_for 'History of changes'
tt_keys F10
[ "$(tt_wait_exit)" = 0 ] || tt_fail "exit status with a bad manifest"
tt kill-server >/dev/null 2>&1
TT_ENV="TLSDECK_BACKUP_DIR=$BK"

# ---- a change through the CLI makes a backup
"$TLSDECK" configure --properties "$P" --no-live --set server.port=8443 \
    >"$TT_DIR/cfg.out" 2>&1 || { cat "$TT_DIR/cfg.out"; exit 1; }
grep -q '^server.port=8443$' "$P" || { echo "FAIL: configure"; exit 1; }
"$TLSDECK" history >"$TT_DIR/h1" || exit 1
[ "$(grep -c 'configure' "$TT_DIR/h1")" = 1 ] ||
    { cat "$TT_DIR/h1"; echo "FAIL: one configure backup expected"; exit 1; }
id=$(awk '$3 == "configure" { print $1 }' "$TT_DIR/h1")

tt_start 120 24 --properties "$P"
tt_wait_for 'F1 Help'
tt_wait_for '8443'
tt_keys H
tt_wait_for 'History of changes'
tt_wait_for "^│ +$id +[0-9T:-]+Z +configure +[0-9]+ +.*application\.properties"
tt_keys Enter
tt_wait_for 'Replaces: .*application\.properties'
tt_wait_for 'current file differs from this backup'
tt_wait_for 'y: restore   Esc: cancel'
# Esc cancels: nothing written
tt_keys Escape
tt_wait_gone 'y: restore'
cmp -s "$P" "$TT_DIR/orig" && tt_fail "restored without y"
tt_keys Enter
tt_wait_for 'y: restore'
# other keys do not confirm
tt_keys n
tt_wait_for 'y: restore'
tt_keys y
tt_wait_for "restored backup $id \\(the replaced content is backup [0-9]+\\): .*application\\.properties"
cmp "$P" "$TT_DIR/orig" || tt_fail "not byte-identical after restore"
# the list was re-read: the restore's own backup is on top
tt_wait_for '^│ +[0-9]+ +[0-9T:-]+Z +restore +'
# the dashboard's model was reloaded: back on it, port 8080
tt_keys Escape
tt_wait_gone 'History of changes'
tt_wait_for '8080'
tt_screen | grep -q '8443' && tt_fail "dashboard still shows 8443"
tt_keys F10
[ "$(tt_wait_exit)" = 0 ] || tt_fail "exit status after restore"

"$TLSDECK" history >"$TT_DIR/h2" || exit 1
grep -Eq '^ *[0-9]+ +[0-9T:-]+Z +restore +[0-9]+ +.*application\.properties' \
    "$TT_DIR/h2" ||
    { cat "$TT_DIR/h2"; echo "FAIL: no restore backup in history"; exit 1; }
# the restore's backup holds the 8443 content it replaced
rid=$(awk '$3 == "restore" { print $1 }' "$TT_DIR/h2")
f=$(ls "$BK" | grep -- "-0*$rid-application.properties\$" | head -n 1)
[ -n "$f" ] && grep -q '^server.port=8443$' "$BK/$f" ||
    { ls -l "$BK"; echo "FAIL: restore backup content"; exit 1; }
exit 0
