# SPDX-License-Identifier: ISC
# tests/netlib.sh -- loopback servers for tests that probe a port.
#
#   . "$TOP_SRCDIR/tests/netlib.sh"
#   P=$(freeport); bg openssl s_server -accept "127.0.0.1:$P" ...
#   wait_listen "$P" || fail "the server for $P died"
#   serve PH python3 -m http.server --bind 127.0.0.1 @PORT@
#   stop                        # the last server started
#   net_cleanup                 # from the EXIT trap: every server
#
# Every server runs under timeout(1), at most 60 s.

# A listener that accepts on 127.0.0.1:PORT and never answers:
#   bg python3 -c "$SILENT_PY" PORT
SILENT_PY='
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
held = []
while True:
    held.append(s.accept()[0])
'

pids=

# bg CMD...: run a server in the background.
bg() {
	timeout 60 "$@" </dev/null &
	pids="$pids $!"
	last=$!
}
# stop: end the last server started.
stop() {
	kill "$last" 2>/dev/null
	wait "$last" 2>/dev/null
}
# net_cleanup: end every server started.
net_cleanup() {
	for _p in $pids; do
		kill "$_p" 2>/dev/null
	done
	for _p in $pids; do
		wait "$_p" 2>/dev/null
	done
}
# used PORT: does a socket (any state, any address) have PORT?
used() {
	if command -v ss >/dev/null 2>&1; then
		[ -n "$(ss -Hant "sport = :$1" 2>/dev/null)" ]
	else
		python3 -c 'import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)' "$1"
	fi
}
# freeport: a port nothing uses (a start that differs from run to run).
nports=0
freeport() {
	nports=$((nports + 1))
	_p=$((20000 + ($$ * 131 + nports * 977) % 40000))
	while used "$_p"; do
		_p=$((_p + 1))
	done
	echo "$_p"
}
# wait_listen PORT: until a socket listens there; 1 when the last server
# died first, 2 after 10 s.
wait_listen() {
	_i=0
	while :; do
		if command -v ss >/dev/null 2>&1; then
			[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ] &&
			    return 0
		else
			python3 -c 'import socket, sys
socket.create_connection(("localhost", int(sys.argv[1])), 1).close()' \
			    "$1" 2>/dev/null && return 0
		fi
		_i=$((_i + 1))
		[ "$_i" -le 200 ] || return 2
		kill -0 "$last" 2>/dev/null || return 1
		sleep 0.05
	done
}
# serve VAR CMD...: start a server on a free port (into VAR, and for each
# "@PORT@" word of CMD) and wait for it to listen; another port when it
# dies at once (a busy machine can take a port between freeport and bind).
# 1 when five tries fail.  CMD's words must not hold a single quote.
serve() {
	_var=$1
	shift
	for _try in 1 2 3 4 5; do
		_port=$(freeport)
		_cmd=
		for _a in "$@"; do
			[ "$_a" = @PORT@ ] && _a=$_port
			_cmd="$_cmd '$_a'"
		done
		eval bg "$_cmd" >/dev/null 2>&1
		if wait_listen "$_port"; then
			eval "$_var=\$_port"
			return 0
		fi
		stop
	done
	return 1
}
