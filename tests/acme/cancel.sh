#!/bin/sh
# SPDX-License-Identifier: ISC
# cancel.sh -- Ctrl-C (SIGINT) in the middle of tlsdeck acme: while the
# dns hook runs against pebble (the hook is stopped, its record removed,
# nothing written: no -o file, no keystore, no temporary file), while
# tlsdeck's own http-01 listener waits for a CA that never validates
# (tests/acme/fake-acme.py: the listener closed, the port free), and while
# a request hangs (SIGTERM too).  Each stops within a few seconds with
# one "cancelled" line and exit 1.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
command -v curl >/dev/null || skip "curl missing"

# run_bg ARGS...: tlsdeck acme in the background (pid in $ap).
run_bg() {
	"$TLSDECK" acme "$@" >"$T/out" 2>"$T/err" &
	ap=$!
}
# wait_for FILE PATTERN: until FILE says it (60 s).
wait_for() {
	_i=0
	until grep -q -- "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -le 1200 ] || { cat "$T/err"; fail "never saw '$2'"; }
		kill -0 "$ap" 2>/dev/null || { cat "$T/err"; fail "ended early"; }
		sleep 0.05
	done
}
# stopped SIGNAL: send it, then tlsdeck must end within 15 s (about 1 s
# on an idle machine; the bound leaves room for a loaded one), exit 1,
# one line on stderr ending in "cancelled".
stopped() {
	_t0=$(date +%s)
	kill -"$1" "$ap"
	_i=0
	while kill -0 "$ap" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -le 300 ] ||
		    { kill -9 "$ap"; fail "still running 15 s after SIG$1"; }
		sleep 0.05
	done
	wait "$ap"
	_rc=$?
	[ "$_rc" = 1 ] || { cat "$T/err"; fail "exit $_rc after SIG$1"; }
	one_line "SIG$1" "^tlsdeck: acme: .*cancelled$"
	echo "# stopped $(($(date +%s) - _t0)) s after SIG$1"
}

pebble_start
acme_ok "account" -d a.tlsdeck.test --http-port "$PB_HTTP" \
    --http-address 127.0.0.1 --agree-tos --key ec256
export SP=changeit-acme HOOK_LOG="$T/hook.log" CTS_MGMT
: >"$HOOK_LOG"

# 1. During the dns hook (it sleeps 30 s before adding).
HOOK_SLEEP=30 run_bg --directory "$PB_DIR" --ca-file "$PB_CA" \
    -d c.tlsdeck.test --dns-hook "$TOP_SRCDIR/tests/acme/dns-hook.sh" \
    --key ec256 -o "$T/chain.pem" --keystore "$T/ks.p12" \
    --storepass-env SP
wait_for "$HOOK_LOG" "^add _acme-challenge.c.tlsdeck.test"
stopped INT
grep -q "^remove _acme-challenge.c.tlsdeck.test" "$HOOK_LOG" ||
    fail "record not removed after Ctrl-C: $(cat "$HOOK_LOG")"
[ ! -e "$T/chain.pem" ] && [ ! -e "$T/ks.p12" ] ||
    fail "a file was written after Ctrl-C"
ls -a "$T" | grep -q '\.tlsdeck-tmp-' && fail "temporary file left"
# The hook was stopped with what it started (its sleep: gone, or a
# zombie waiting for init).
[ -s "$HOOK_LOG.sleep" ] || fail "the hook did not start its sleep"
case $(ps -o stat= -p "$(cat "$HOOK_LOG.sleep")") in
""|Z*) ;;
*) fail "the hook's child still runs" ;;
esac

fake_start
pb_port LP
# 2. While our listener waits for a CA that never looks.
run_bg --directory "https://127.0.0.1:$FP/pending-forever/dir" \
    --ca-file "$PB_CA" -d a.tlsdeck.test --http-port "$LP" \
    --http-address 127.0.0.1 --agree-tos --key ec256 -o "$T/chain.pem"
wait_for "$T/out" "listening on 127.0.0.1 port $LP"
sleep 0.5
stopped INT
grep -q "^- listener closed" "$T/out" || fail "listener not closed"
[ -z "$(ss -Hltn "sport = :$LP")" ] || fail "port $LP still listening"
[ ! -e "$T/chain.pem" ] || fail "a chain was written"

# 3. While a request hangs (the CA answers in 60 s), by SIGTERM.
run_bg --directory "https://127.0.0.1:$FP/slow/dir" --ca-file "$PB_CA" \
    -d a.tlsdeck.test --agree-tos --key ec256
sleep 1
stopped TERM
echo "ok"
