# SPDX-License-Identifier: ISC
# tests/tui/lib.sh -- drive the real tlsdeck binary in a private tmux server.
#
#   . "$TOP_SRCDIR/tests/tui/lib.sh"
#   tt_start 80 24 --demo-model          # tlsdeck ARGS in an 80x24 pane
#   tt_wait_for 'integration-manager'    # poll the screen (ERE), with timeout
#   tt_keys Tab Enter                    # tmux key names
#   tt_type 'caf'                        # literal text
#   [ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"
#
# Pinned: a private socket (-S) and no config (-f /dev/null),
# TERM=tmux-256color inside the pane (the keys tmux sends decode right),
# LC_ALL=C.UTF-8, ESCDELAY=25.  Waits poll every 20 ms up to a deadline; no
# fixed sleeps.  The exit status comes from a file the wrapper writes, not
# from #{pane_dead_status} (which races).  Automake's protocol: 0 pass,
# 77 skip, 99 hard error, anything else fail.

command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 77; }
TLSDECK=${TLSDECK:-${TOP_BUILDDIR:-.}/tlsdeck}
[ -x "$TLSDECK" ] || { echo "ERROR: no tlsdeck binary at $TLSDECK"; exit 99; }

TT_TIMEOUT=${TT_TIMEOUT:-10}		# seconds per wait
TT_TERM=${TT_TERM:-tmux-256color}	# TERM inside the pane
# A short directory: the socket path must fit in sun_path.
TT_DIR=$(mktemp -d /tmp/tt.XXXXXX) || exit 99
TT_SOCK=$TT_DIR/s
TT_T=tt:0.0

tt() { tmux -S "$TT_SOCK" -f /dev/null "$@"; }

tt_cleanup() {
	tt kill-server >/dev/null 2>&1
	rm -rf "$TT_DIR"
}
trap tt_cleanup EXIT
trap 'exit 99' INT TERM HUP

_tt_ms() { date +%s%3N; }

# Quote words for the shell tmux runs the command in.
_tt_quote() {
	_q=
	for _a in "$@"; do
		_q="$_q '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
	done
	printf '%s' "$_q"
}

# tt_start COLS ROWS ARGS...: run tlsdeck ARGS in a COLSxROWS pane.
# TT_ENV (words like NO_COLOR=1) is added to the program's environment.
tt_start() {
	_c=$1 _r=$2
	shift 2
	rm -f "$TT_DIR/exit"
	# remain-on-exit, set before the pane exists, keeps the last screen
	tt start-server \; set-option -g remain-on-exit on \; \
	    new-session -d -s tt -x "$_c" -y "$_r" \
	    "env TERM='$TT_TERM' LC_ALL=C.UTF-8 ESCDELAY=25 ${TT_ENV:-} \
	    $(_tt_quote "$TLSDECK" "$@"); echo \$? >'$TT_DIR/exit'" || exit 99
}

tt_keys() { tt send-keys -t "$TT_T" "$@"; }
tt_type() { tt send-keys -t "$TT_T" -l -- "$1"; }
tt_screen() { tt capture-pane -p -t "$TT_T" "$@"; }
# With colours and attributes as SGR escapes.
tt_screen_e() { tt capture-pane -p -e -t "$TT_T"; }
# Screen and scroll-back (after exit the last lines may scroll up).
tt_all() { tt capture-pane -p -S - -E - -t "$TT_T"; }
tt_cursor() { tt display-message -p -t "$TT_T" '#{cursor_x},#{cursor_y}'; }
tt_resize() { tt resize-window -t tt -x "$1" -y "$2"; }

tt_fail() {
	echo "FAIL: $*" >&2
	echo "----- screen -----" >&2
	tt_screen >&2
	echo "------------------" >&2
	exit 1
}

# tt_wait_for ERE [SECONDS]: poll until the screen matches.
tt_wait_for() {
	_end=$(( $(_tt_ms) + ${2:-$TT_TIMEOUT} * 1000 ))
	until ${TT_CAPTURE:-tt_screen} | grep -Eq -- "$1"; do
		[ "$(_tt_ms)" -ge "$_end" ] &&
		    tt_fail "timed out waiting for /$1/"
		sleep 0.02
	done
}

# tt_wait_gone ERE [SECONDS]: poll until the screen no longer matches.
tt_wait_gone() {
	_end=$(( $(_tt_ms) + ${2:-$TT_TIMEOUT} * 1000 ))
	while tt_screen | grep -Eq -- "$1"; do
		[ "$(_tt_ms)" -ge "$_end" ] &&
		    tt_fail "timed out waiting for /$1/ to go"
		sleep 0.02
	done
}

# tt_wait_cursor X,Y [SECONDS]: poll until the cursor is there.
tt_wait_cursor() {
	_end=$(( $(_tt_ms) + ${2:-$TT_TIMEOUT} * 1000 ))
	until [ "$(tt_cursor)" = "$1" ]; do
		[ "$(_tt_ms)" -ge "$_end" ] &&
		    tt_fail "cursor at $(tt_cursor), expected $1"
		sleep 0.02
	done
}

# tt_wait_exit [SECONDS]: wait for the program to end; print its status.
tt_wait_exit() {
	_end=$(( $(_tt_ms) + ${1:-$TT_TIMEOUT} * 1000 ))
	until [ -s "$TT_DIR/exit" ]; do
		[ "$(_tt_ms)" -ge "$_end" ] && tt_fail "the program did not exit"
		sleep 0.02
	done
	cat "$TT_DIR/exit"
}

# tt_row N: line N (0-based) of the screen.
tt_row() { tt_screen | sed -n "$(( $1 + 1 ))p"; }
# tt_wait_cursor_row ERE [SECONDS]: until the row the cursor is on matches.
tt_wait_cursor_row() {
	_end=$(( $(_tt_ms) + ${2:-$TT_TIMEOUT} * 1000 ))
	until tt_row "$(tt_cursor | cut -d, -f2)" | grep -Eq "$1"; do
		[ "$(_tt_ms)" -ge "$_end" ] &&
		    tt_fail "cursor at $(tt_cursor), not on a row matching $1"
		sleep 0.02
	done
}

# tt_click COL ROW (0-based): a left click, encoded as the program asked
# (SGR 1006 when it turned that on, else X10); raw bytes via send-keys -H.
tt_click() {
	_x=$(( $1 + 1 )) _y=$(( $2 + 1 ))
	if [ "$(tt display-message -p -t "$TT_T" '#{mouse_sgr_flag}')" = 1 ]
	then
		for _e in M m; do
			tt_keys -H $(printf '\033[<0;%d;%d%s' "$_x" "$_y" "$_e" |
			    od -An -tx1)
		done
	else
		tt_keys -H 1b 5b 4d 20 $(printf '%x %x' $((_x + 32)) $((_y + 32)))
		tt_keys -H 1b 5b 4d 23 $(printf '%x %x' $((_x + 32)) $((_y + 32)))
	fi
}
