#!/bin/sh
# The dashboard end to end: open, read the panels, navigate, detail, help,
# findings, filter, a form key, quit; then a real keystore file.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"

tt_start 80 24 --demo-model
tt_wait_for 'integration-manager'
# the configured alias is starred and has its days; its chain is a tree
tt_screen | grep -q '★ integration-manager .* 412d' ||
    tt_fail "no starred alias with 412d"
tt_screen | grep -q '└ Example Issuing CA 1' || tt_fail "no chain tree"
tt_screen | grep -q 'key-store-password ••••••' || tt_fail "password shown"
tt_screen | grep -q '✓ trusted as example-root' || tt_fail "no trust line"
tt_screen | grep -q 'CRIT  old-server: certificate expires in 9 days' ||
    tt_fail "no findings strip"
tt_row 23 | grep -q 'F1 Help.*F10 Quit' || tt_fail "no hint bar"
# the cursor sits on the focused row: keystore, row 1
tt_wait_cursor 1,2
echo "--- 80x24 ---"; tt_screen

# Tab to the settings panel, down twice, Enter: that setting's detail
tt_keys Tab
tt_wait_cursor 41,2
tt_keys Down Down
tt_wait_cursor 41,4
tt_keys Enter
tt_wait_for 'value: /etc/opt/actian/integration-manager/conf/ssl/keystore.p12'
tt_keys Escape
tt_wait_gone 'value: '

# back to the keystore (Shift-Tab), down to old-server, Enter: detail
tt_keys BTab Down Down Down Enter
tt_wait_for 'Alias: old-server \(keystore, PrivateKeyEntry'
tt_screen | grep -q 'Owner: CN=old.example.com' || tt_fail "no owner"
tt_keys Escape
tt_wait_for '★ integration-manager'

# help from the key table; q leaves it
tt_keys F1
tt_wait_for 'this help, generated from the key table'
tt_screen | grep -q 'Tab  *next panel' || tt_fail "help lacks Tab"
tt_keys q
tt_wait_gone 'generated from the key table'

# all findings; Enter opens the form that fixes it (forms.sh goes on)
tt_keys f
tt_wait_for 'Findings  4, most severe first'
tt_keys Down Down Enter
tt_wait_for 'fixing: security.require-ssl has no effect'
tt_screen | grep -q '^┌ SSL settings' || tt_fail "not the settings form"
tt_keys Escape
tt_wait_for 'Findings  4, most severe first'
tt_keys Escape
tt_wait_for '★ integration-manager'

# filter the keystore rows; q is text while typing
tt_keys /
tt_type 'caf'
tt_wait_for 'Keystore /caf'
tt_screen | grep -q 'café-partner' || tt_fail "filter lost the match"
tt_screen | grep -q '│  old-server' && tt_fail "filter kept old-server"
tt_keys Escape
tt_wait_for '│  old-server'

# a form key opens its form; Esc closes it, nothing written
tt_keys F5
tt_wait_for '^┌ SSL settings'
tt_keys Escape
tt_wait_for '★ integration-manager'

# r reloads the model (a message says so; the panels are back)
tt_keys r
tt_wait_for 'OK    reloaded'
tt_screen | grep -q '★ integration-manager' || tt_fail "reload lost the model"

# no --mouse: a click on the trust panel changes nothing
tt_click 50 15
tt_keys Down
tt_wait_cursor 1,3

# q quits with status 0
tt_keys q
st=$(tt_wait_exit)
[ "$st" = 0 ] || tt_fail "exit status $st, expected 0"


# 120x40: the same model uses the room
tt kill-server >/dev/null 2>&1
tt_start 120 40 --demo-model
tt_wait_for 'Findings  4, Enter: how to fix'
tt_screen | grep -q 'JRE 17.0.15  cacerts JKS 4' || tt_fail "header lacks JRE"
tt_screen | grep -q 'server.ssl.key-store-password ••••••  *✓ opens' ||
    tt_fail "no check text at 120 columns"
echo "--- 120x40 ---"; tt_screen
tt_keys F10
[ "$(tt_wait_exit)" = 0 ] || tt_fail "F10 did not quit cleanly"

# --mouse: a click focuses the panel and selects the row under it
tt kill-server >/dev/null 2>&1
tt_start 80 24 --demo-model --mouse
tt_wait_for '★ integration-manager'
tt_click 50 5
tt_wait_cursor 41,5
tt_click 10 16
tt_wait_cursor 1,16
tt_keys Enter
tt_wait_for 'Owner: CN=Partner CA'
tt_keys Escape q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit after the mouse test"

# A real keystore (JKS, no password: listed without verification)
tt kill-server >/dev/null 2>&1
tt_start 100 30 --keystore "$TESTDATA/samples/sample-jks17.jks"
tt_wait_for '★ server'
tt_screen | grep -q 'labroot' || tt_fail "labroot entry missing"
tt_screen | grep -q '└ Lab Intermediate CA' || tt_fail "chain missing"
tt_keys Enter
tt_wait_for 'BEGIN CERTIFICATE'
tt_keys Escape q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"
exit 0
