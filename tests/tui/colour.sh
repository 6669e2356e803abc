#!/bin/sh
# Colour: a theme by default; NO_COLOR and --no-color give attributes
# only; a broken theme names its line and falls back to the default.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
esc=$(printf '\033')

# Colour SGR parameters: 30-37/40-47/90-97/100-107 or 38;5 / 48;5.
has_colour() {
	tt_screen_e | grep -Eq "$esc\\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|10[0-7]|38;5|48;5)(;[0-9;]*)?m"
}

# default: colours from the default theme
TT_ENV="TLSDECK_THEMES_DIR=$TOP_SRCDIR/themes" tt_start 80 24 --demo-model
tt_wait_for '★ integration-manager'
has_colour || tt_fail "no colours with the default theme"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"
tt kill-server

# NO_COLOR (non-empty): no colour at all, the selection in reverse video
TT_ENV="NO_COLOR=1" tt_start 80 24 --demo-model
tt_wait_for '★ integration-manager'
has_colour && tt_fail "colours despite NO_COLOR"
tt_screen_e | grep -Eq "$esc\\[[0-9;]*7m($esc\\[[0-9;]*m)*★ integration-manager" ||
    tt_fail "the selected row is not in reverse video"
tt_keys q
tt_wait_exit >/dev/null
tt kill-server

# --no-color, and the mono theme file
tt_start 80 24 --demo-model --no-color
tt_wait_for '★ integration-manager'
has_colour && tt_fail "colours despite --no-color"
tt_keys q
tt_wait_exit >/dev/null
tt kill-server
TT_ENV="TLSDECK_THEMES_DIR=$TOP_SRCDIR/themes" tt_start 80 24 --demo-model \
    --theme mono
tt_wait_for '★ integration-manager'
tt_screen | grep -q 'theme:' && tt_fail "mono theme did not load"
has_colour && tt_fail "colours with the mono theme"
tt_keys q
tt_wait_exit >/dev/null
tt kill-server

# a broken theme: the error with its line, then the built-in default
printf 'name: broken\nroles:\n  title: { fg: red }\n  titel: { fg: blue }\n' \
    >"$TT_DIR/broken.yaml"
tt_start 100 24 --demo-model --theme "$TT_DIR/broken.yaml"
tt_wait_for 'theme: .*broken.yaml: line 4, column 3: Unexpected key: titel'
tt_screen | grep -q '★ integration-manager' || tt_fail "no dashboard"
has_colour || tt_fail "no colours after falling back to the default"
# the message goes with the next key
tt_keys Down
tt_wait_gone 'Unexpected key'
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"
tt kill-server

# an unknown theme name
tt_start 100 24 --demo-model --theme no-such-theme
tt_wait_for 'theme: theme not found: no-such-theme'
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"
exit 0
