#!/bin/sh
# SPDX-License-Identifier: ISC
# prompt-signals.sh -- a signal at a password prompt leaves the terminal as
# it was, and a crash leaves no core file:
#  - INT, TERM, HUP, QUIT, SEGV and ABRT sent to tlsdeck waiting at its
#    password prompt (tmux): the terminal's settings are back as they were
#    before (stty -g, echo on), and tlsdeck died of that very signal;
#  - TSTP: echo is back on while tlsdeck is stopped, off again when it is
#    continued (the prompt is printed again), and the key is then made;
#  - the dashboard with a password half typed into a form: INT, TERM, HUP
#    and QUIT give the terminal back as it was;
#  - with ulimit -c unlimited (and core_pattern writing into the working
#    directory), SIGSEGV at the prompt and SIGABRT while genkey makes the
#    key after reading the password leave no core file (core dumps were
#    off and the process not dumpable, before any password was read).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
export TLSDECK_BACKUP_DIR
PW=Sx9-prompt-5a7e3c

# The pane runs this: tlsdeck genkey at a prompt (in the foreground: a
# background job of a script would ignore INT and QUIT), then the
# terminal's settings and the exit status into files.
cat >"$T/pane.sh" <<EOF
tty >"$T/tty"
echo \$\$ >"$T/shpid"
stty -g >"$T/stty.before"
cd "$T/cwd" || exit 1
ulimit -c unlimited 2>/dev/null
"$TLSDECK" genkey "$T/cwd/new.p12" --alias a --dname CN=x
echo \$? >"$T/status"
stty -g >"$T/stty.after"
stty -a >"$T/stty.a"
sleep 600
EOF

# start: a fresh pane at the prompt; $pid is tlsdeck's.
nsock=0
start() {
	# A new server on a new socket each time: the old one may still be
	# going away.
	tt kill-server >/dev/null 2>&1
	nsock=$((nsock + 1))
	TT_SOCK=$TT_DIR/s$nsock
	rm -rf "$T/cwd" "$T/shpid" "$T/status" "$T/stty."*
	mkdir -p "$T/cwd"
	tt start-server \; new-session -d -s tt -x 100 -y 20 \
	    "env LC_ALL=C.UTF-8 sh '$T/pane.sh'" || exit 99
	tt_wait_for 'Password for the new keystore'
	pid=$(ps -o pid= --ppid "$(cat "$T/shpid")" | tr -d ' ')
	[ -n "$pid" ] || tt_fail "no tlsdeck process"
	stty -a -F "$(cat "$T/tty")" | grep -q -- '-echo ' ||
	    tt_fail "echo is on at the prompt"
}

# after SIGNAL STATUS: the pane's record once tlsdeck has died.
after() {
	_end=$(( $(_tt_ms) + 10000 ))
	until [ -s "$T/stty.a" ]; do
		[ "$(_tt_ms)" -ge "$_end" ] && tt_fail "$1: tlsdeck still runs"
		sleep 0.02
	done
	[ "$(cat "$T/status")" = "$2" ] ||
	    tt_fail "$1: exit status $(cat "$T/status"), expected $2"
	cmp -s "$T/stty.before" "$T/stty.after" ||
	    tt_fail "$1: terminal not restored: $(cat "$T/stty.a")"
	grep -q -- '-echo ' "$T/stty.a" && tt_fail "$1: echo still off"
	ls "$T/cwd" | grep -q core && tt_fail "$1: a core file was left"
	:
}

for s in INT:130 TERM:143 HUP:129 QUIT:131 SEGV:139 ABRT:134; do
	start
	kill -"${s%:*}" "$pid"
	after "SIG${s%:*}" "${s#*:}"
done

# SIGSEGV after the first password was typed: no core, nothing on disk
# holds it.
start
tt_type "$PW"
tt_keys Enter
tt_wait_for 'Re-enter the password'
kill -SEGV "$pid"
after "SIGSEGV after a password" 139
grep -rqF "$PW" "$T/cwd" && tt_fail "the password is on disk"

# SIGTSTP under a shell with job control: the terminal is back (echo on)
# while tlsdeck is stopped; fg: echo off and the prompt again; the key is
# then made.  (Without job control the group is orphaned and the kernel
# drops the stop: tlsdeck just prompts again.)
cat >"$T/pane-tstp.sh" <<EOF
set -m
cd "$T/cwd" || exit 1
"$TLSDECK" genkey "$T/cwd/new.p12" --alias a --dname CN=x
echo \$? >"$T/status.stopped"
stty -a >"$T/stty.stopped"
fg
echo \$? >"$T/status"
stty -g >"$T/stty.after"
stty -a >"$T/stty.a"
sleep 600
EOF
cat >"$T/pane-start.sh" <<EOF
stty -g >"$T/stty.before"
tty >"$T/tty"
echo \$\$ >"$T/shpid"
exec sh "$T/pane-tstp.sh"
EOF
tt kill-server >/dev/null 2>&1
TT_SOCK=$TT_DIR/tstp
rm -rf "$T/cwd" "$T/status"* "$T/stty."*
mkdir -p "$T/cwd"
tt start-server \; new-session -d -s tt -x 100 -y 20 \
    "env LC_ALL=C.UTF-8 sh '$T/pane-start.sh'" || exit 99
tt_wait_for 'Password for the new keystore'
pid=$(ps -o pid= --ppid "$(cat "$T/shpid")" | tr -d ' ')
[ -n "$pid" ] || tt_fail "no tlsdeck process"
kill -TSTP "$pid"
_end=$(( $(_tt_ms) + 10000 ))
until [ -s "$T/stty.stopped" ]; do
	[ "$(_tt_ms)" -ge "$_end" ] && tt_fail "SIGTSTP: not stopped"
	sleep 0.02
done
[ "$(cat "$T/status.stopped")" = 148 ] ||
    tt_fail "SIGTSTP: status $(cat "$T/status.stopped")"
grep -q -- ' echo ' "$T/stty.stopped" || tt_fail "stopped: echo still off"
_end=$(( $(_tt_ms) + 10000 ))
until stty -a -F "$(cat "$T/tty")" | grep -q -- '-echo '; do
	[ "$(_tt_ms)" -ge "$_end" ] && tt_fail "fg: echo not off again"
	sleep 0.02
done
[ "$(tt_screen | grep -c 'Password for the new keystore')" -ge 2 ] ||
    tt_fail "fg: the prompt is not there again"
tt_type "$PW"
tt_keys Enter
tt_wait_for 'Re-enter the password'
tt_type "$PW"
tt_keys Enter
after "SIGTSTP, fg" 0
[ -s "$T/cwd/new.p12" ] || tt_fail "no keystore after the prompt"
tt_screen | grep -qF "$PW" && tt_fail "the password was echoed"

# The dashboard, a password half typed into a form: INT, TERM, HUP and
# QUIT give the terminal back as it was (stty -g) with echo on.
"$TLSDECK" demo "$T/demo" --no-open >/dev/null || fail "demo tree"
cat >"$T/pane-tui.sh" <<EOF
tty >"$T/tty"
echo \$\$ >"$T/shpid"
stty -g >"$T/stty.before"
cd "$T/cwd" || exit 1
TERM=tmux-256color ESCDELAY=25 TLSDECK_BACKUP_DIR="$T/backups" \
    "$TLSDECK" --properties "$T/demo/conf/application.properties" --no-live
echo \$? >"$T/status"
stty -g >"$T/stty.after"
stty -a >"$T/stty.a"
sleep 600
EOF
for s in INT:130 TERM:143 HUP:129 QUIT:131; do
	tt kill-server >/dev/null 2>&1
	nsock=$((nsock + 1))
	TT_SOCK=$TT_DIR/s$nsock
	rm -rf "$T/cwd" "$T/shpid" "$T/status" "$T/stty."*
	mkdir -p "$T/cwd"
	tt start-server \; new-session -d -s tt -x 100 -y 30 \
	    "env LC_ALL=C.UTF-8 sh '$T/pane-tui.sh'" || exit 99
	tt_wait_for 'integration-manager'
	tt_keys F8
	tt_wait_for 'One step at a time'
	tt_keys 1
	tt_wait_for 'New key pair'
	tt_wait_for 'Keystore password'
	tt_keys Tab C-u
	tt_type 'half-a-pass'
	pid=$(ps -o pid= --ppid "$(cat "$T/shpid")" | tr -d ' ')
	[ -n "$pid" ] || tt_fail "no tlsdeck process"
	kill -"${s%:*}" "$pid"
	after "dashboard, SIG${s%:*}" "${s#*:}"
done

# SIGABRT while the key is made (the password read from the environment):
# no core file.
mkdir -p "$T/abrt"
cd "$T/abrt" || exit 1
SP=$PW
export SP
(
	ulimit -c unlimited 2>/dev/null
	exec "$TLSDECK" genkey "$T/abrt/k.p12" --alias a --dname CN=x \
	    --keyalg rsa --keysize 4096 --storepass-env SP >/dev/null 2>&1
) &
p=$!
sleep 0.3
kill -ABRT "$p" 2>/dev/null
wait "$p"
rc=$?
cd "$T" || exit 1
[ "$rc" = 134 ] || [ "$rc" = 0 ] || fail "SIGABRT in genkey: exit $rc"
ls "$T/abrt" | grep -q core && fail "SIGABRT in genkey left a core file"
exit 0
