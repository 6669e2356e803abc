#!/bin/sh
# Terminals: TERM=dumb is refused (pointing to 'tlsdeck status'), an
# unknown TERM falls back and says so, --ascii draws with ASCII only,
# usage errors exit 2, SIGTERM and Ctrl-C restore the terminal and exit.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"

TT_TERM=dumb tt_start 80 24 --demo-model
st=$(tt_wait_exit)
[ "$st" = 1 ] || tt_fail "TERM=dumb: exit $st, expected 1"
TT_CAPTURE=tt_all tt_wait_for "TERM=dumb cannot show the dashboard; use 'tlsdeck status'"
tt kill-server

TT_TERM=no-such-terminal-here tt_start 90 24 --demo-model
tt_wait_for 'TERM=no-such-terminal-here is not known here: drawing as xterm-256color'
tt_screen | grep -q '★ integration-manager' || tt_fail "no dashboard"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"
tt kill-server

# --ascii: no line-drawing characters, ASCII marks
tt_start 80 24 --demo-model --ascii
tt_wait_for '\* integration-manager'
tt_screen | grep -q '^+ Keystore' || tt_fail "no ASCII frame"
tt_screen | grep -q '[│─┌└★•]' && tt_fail "non-ASCII drawing with --ascii"
tt_screen | grep -q 'ssl.key-store-password \*\*\*\*\*\*' ||
    tt_fail "password not masked with --ascii"
tt_keys q
tt_wait_exit >/dev/null
tt kill-server

# usage errors
tt_start 80 24 --no-such-option
[ "$(tt_wait_exit)" = 2 ] || tt_fail "unknown option: exit is not 2"
tt kill-server
tt_start 80 24 --properties a --server b
[ "$(tt_wait_exit)" = 2 ] || tt_fail "conflicting options: exit is not 2"
tt kill-server

# SIGTERM: the terminal is given back (the alternate screen is left)
tt_start 80 24 --demo-model
tt_wait_for '★ integration-manager'
# the pane's shell runs env, which execs tlsdeck: its one child
pid=$(pgrep -P "$(tt display-message -p -t "$TT_T" '#{pane_pid}')")
[ -n "$pid" ] || tt_fail "no tlsdeck process"
kill -TERM "$pid"
st=$(tt_wait_exit)
[ "$st" = 143 ] || tt_fail "SIGTERM: exit $st, expected 143"
tt_screen | grep -q '★ integration-manager' &&
    tt_fail "the dashboard is still on the screen after SIGTERM"
tt kill-server

# Ctrl-C likewise
tt_start 80 24 --demo-model
tt_wait_for '★ integration-manager'
tt_keys C-c
st=$(tt_wait_exit)
[ "$st" = 130 ] || tt_fail "Ctrl-C: exit $st, expected 130"
exit 0
