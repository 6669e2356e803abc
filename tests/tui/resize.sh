#!/bin/sh
# SIGWINCH: the layout follows the terminal: 2x2 grid, one panel under tabs
# at 60x15, more room at 200x60, a clear message below 60x15 that still
# quits; and back.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"

tt_start 80 24 --demo-model
tt_wait_for '★ integration-manager'
tt_screen | grep -q '┌ Keystore.*┌ SSL settings' || tt_fail "no 2x2 grid"

tt_resize 60 15
tt_wait_for 'Keystore  \|  SSL settings  \|  Expiry  \|  Trust'
tt_screen | grep -q '★ integration-manager' || tt_fail "keystore tab empty"
[ "$(tt_screen | wc -l)" -le 15 ] || tt_fail "drew past 15 rows"
# Tab shows the next panel in the compact layout
tt_keys Tab
tt_wait_for '┌ SSL settings'
tt_screen | grep -q 'server.ssl.key-store-password ••••••  *✓ opens' ||
    tt_fail "settings tab"

tt_resize 200 60
tt_wait_for 'Findings  4, Enter: how to fix'
tt_screen | grep -q 'F2 Enable HTTPS  F3 Renew  F4 Import reply' ||
    tt_fail "long hints at 200 columns"
tt_screen | grep -Eq '★ integration-manager .* 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] ' ||
    tt_fail "no expiry date column at 200 columns"

tt_resize 40 10
tt_wait_for 'terminal too small'
tt_screen | grep -q 'need 60x15, have 40x10' || tt_fail "sizes not shown"
tt_screen | grep -q 'integration-manager' && tt_fail "drew the dashboard"

tt_resize 100 30
tt_wait_for '★ integration-manager'
tt_wait_gone 'too small'

# q works on the too-small screen too
tt_resize 50 12
tt_wait_for 'need 60x15, have 50x12'
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "q did not quit from the small screen"
exit 0
