#!/bin/sh
# SPDX-License-Identifier: ISC
# The fleet view (tlsdeck fleet DIR and -) with 300 hosts made from real
# tlsdeck status reports (fixture servers expiring in 400, 20 and 5
# days), at 80x24 and 200x50: most urgent first with timeline bars, the
# stale reports marked, / filters (by name, by "stale"), the key bar shows
# the command that fixes the selected host, Enter opens its panels
# read-only (Tab, Enter on a finding: its fix), Esc back, q quits; a
# resize to the smallest size; the reports on standard input.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
FX=${TOP_BUILDDIR:-.}/tests/tools/srv-fixture
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq missing"; exit 77; }
[ -x "$FX" ] || { echo "SKIP: srv-fixture not built"; exit 77; }
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME
HOME=$TT_DIR/home
export HOME
mkdir -p "$HOME" || exit 99

# ---- 300 reports ------------------------------------------------------
for d in 400 20 5; do
	"$FX" "$TT_DIR/srv$d" "$d" >/dev/null || exit 99
	"$TLSDECK" status --server "$TT_DIR/srv$d" --no-live --format json \
	    >"$TT_DIR/base$d.json" || exit 99
done
R=$TT_DIR/reports
mkdir -p "$R" || exit 99
# host-007, -057, ... critical (6); every tenth from 3 warning (30); every
# 25th from 0 stale (12); the rest ok
jq -c -n --slurpfile ok "$TT_DIR/base400.json" \
    --slurpfile warn "$TT_DIR/base20.json" \
    --slurpfile crit "$TT_DIR/base5.json" '
    range(0; 300) as $i |
    (if $i % 50 == 7 then $crit[0] elif $i % 10 == 3 then $warn[0]
     else $ok[0] end) |
    .host = ("host-" + ("00" + ($i | tostring))[-3:]) |
    if $i % 25 == 0 then .now = "2026-01-01T00:00:00Z" else . end' |
    awk -v d="$R" '{ f = sprintf("%s/r%03d.json", d, NR); print > f;
        close(f) }' || exit 99
[ "$(ls "$R" | wc -l)" = 300 ] || exit 99

SUMMARY='Fleet +300 hosts: 6 critical, 30 warning, 264 ok, 12 stale'

# ---- 80x24 ------------------------------------------------------------
tt_start 80 24 fleet "$R"
tt_wait_for "$SUMMARY"
# the scale and the column titles
tt_wait_for 'now .*1y'
tt_row 2 | grep -Eq 'host .*find report' || tt_fail "column titles"
# critical first (by name among equals), the cursor on the first row
tt_row 3 | grep -Eq '^│✗ host-007 +█+ [45]d ' || tt_fail "first row"
tt_row 8 | grep -Eq '^│✗ host-257 ' || tt_fail "sixth row"
tt_row 9 | grep -Eq '^│! host-' || tt_fail "warnings after: $(tt_row 9)"
tt_wait_cursor 1,3
tt_wait_for '^ Enter Open  / Filter  fix host-007: ssh host-007 tlsdeck'
# the last row: the bottom
tt_keys G
tt_wait_for '^│✓ host-299 +█+ 400d '
tt_wait_for 'fix host-299|host-299: nothing to fix'
tt_keys g
tt_wait_cursor 1,3
# filter by name: host-250 .. host-259 (host-250 stale, host-253 warning,
# host-257 critical)
tt_keys /
tt_type 'host-25'
tt_wait_for '^./host-25 '
tt_keys Enter
tt_wait_for 'Fleet /host-25'
[ "$(tt_screen | grep -c '^│. host-25[0-9] ')" = 10 ] ||
    tt_fail "10 rows for host-25"
tt_row 3 | grep -q 'host-257' || tt_fail "the critical one first"
tt_screen | grep -Eq '^│✓ host-250 .* stale' || tt_fail "host-250 stale"
tt_keys Escape
tt_wait_gone 'Fleet /host-25'
tt_wait_for "$SUMMARY"
tt_keys /
tt_type 'stale'
tt_keys Enter
tt_wait_for 'Fleet /stale'
[ "$(tt_screen | grep -c 'stale *│$')" = 12 ] || tt_fail "12 stale rows"
tt_keys Escape
tt_wait_gone 'Fleet /stale'
# a filter that matches nothing, then Backspace
tt_keys /
tt_type 'zzz'
tt_wait_for 'no host matches the filter'
tt_keys Escape
tt_wait_for '^│✗ host-007 '

# Enter: host-007's panels, read-only
tt_keys Enter
tt_wait_for '^ host-007 +critical +report .* read-only'
tt_wait_for 'Servers +status report'
tt_wait_for 'Findings +1 critical, 0 warning'
tt_wait_for 'Expiry +warn 30d +crit 14d'
tt_wait_for 'SSL settings'
tt_wait_for 'CRIT leaf certificate'
tt_wait_for 'fix host-007: ssh host-007 tlsdeck --propert'
# Enter on the finding: what fixes it, and where
tt_keys Enter
tt_wait_for 'On that host:'
tt_wait_for 'cert-expiring'
tt_keys Escape
tt_wait_gone 'On that host:'
tt_keys Tab
tt_keys Down
tt_keys Escape
tt_wait_for "$SUMMARY"
# help lists the fleet keys
tt_keys F1
tt_wait_for 'Help +1-'
n=0
until tt_screen | grep -q 'Fleet view'; do
	n=$((n + 1))
	[ $n -le 5 ] || tt_fail "no Fleet view section in the help"
	tt_keys PageDown
	sleep 0.2
done
tt_wait_for '/ +filter the hosts: name, kind'
tt_keys Escape
tt_wait_for "$SUMMARY"
# the smallest size, then back
tt_resize 60 15
tt_wait_for 'Fleet +300 hosts, 6 crit'
tt_row 3 | grep -q 'host-007' || tt_fail "60x15"
tt_resize 80 24
tt_wait_for "$SUMMARY"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "exit status"
tt kill-server >/dev/null 2>&1

# ---- 200x50 -----------------------------------------------------------
tt_start 200 50 fleet "$R"
tt_wait_for "$SUMMARY"
tt_row 2 | grep -Eq 'host .*kind +jre +find report' || tt_fail "titles"
tt_row 3 | grep -Eq '^│✗ host-007 +█+ [45]d +spring +17[.0-9]* +1 ' ||
    tt_fail "first row at 200: $(tt_row 3)"
[ "$(tt_screen | grep -c '^│. host-')" = 45 ] || tt_fail "45 rows"
tt_wait_for '^ Enter Open  / Filter  F1 Help  q Quit  fix host-007: ssh '
tt_keys PageDown
tt_wait_cursor 1,47
tt_keys Enter
tt_wait_for '^ host-[0-9]+ +ok +report'
tt_keys Escape
tt_wait_for "$SUMMARY"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "exit status (200x50)"
tt kill-server >/dev/null 2>&1

# ---- the reports on standard input, the keys from the terminal ---------
REAL=$TLSDECK
TLSDECK=/bin/sh
tt_start 100 30 -c "cat '$R'/r0*.json | '$REAL' fleet -"
tt_wait_for 'Fleet +99 hosts: 2 critical'
tt_keys Down
tt_wait_cursor 1,4
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "exit status (stdin)"
echo "ok: fleet view"
