#!/bin/sh
# The "Renew - ACME" wizard (F3, 4) by keystrokes against Debian's pebble
# (tests/acme/lib.sh): a Spring Boot tree whose PEM files hold a
# self-signed certificate, served by openssl s_server and restarted by
# tests/acme/srv-restart.sh.  The page offers the directory presets and a
# URL, takes the names from the current certificate, the challenge (our
# own listener on a free port), the CA's roots and the restart command;
# the plan says what will happen; the run shows its progress and ends
# with what is served -- the new certificate, which the port really
# serves afterwards, and the settings point at the new files; back on
# the dashboard, the expiry panel marks it and says when its renewal is
# due.  Then again by dns-01 with --force: Esc while the hook runs
# cancels, and no file of the tree changed.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
. "$TOP_SRCDIR/tests/tui/lib.sh"
trap 'tt_cleanup; acme_cleanup' EXIT
TT_TIMEOUT=60

pebble_start
SRV_KIND=openssl srv_tree "$T/srv" pem web.tlsdeck.test www.tlsdeck.test ||
    fail "tree"
S=$T/srv
srv_start "$S"
old=$(served_fp "$SRV_PORT")
[ -n "$old" ] || fail "nothing served"

export HOOK_LOG="$T/hook.log" CTS_MGMT
: >"$HOOK_LOG"
TT_ENV="TLSDECK_BACKUP_DIR=$T/backups TLSDECK_ACME_DIR=$T/acme-state \
HOOK_SLEEP=30"
tt_start 100 40 --server "$S" --no-live
tt_wait_for 'Keystore'
tt_keys F3
tt_wait_for 'ACME \(Let.s Encrypt, internal ACME CA\)'
tt_keys 4
tt_wait_for 'Renew by ACME'
tt_screen | grep -q "Names  *dns:web.tlsdeck.test, dns:www.tlsdeck.test" ||
    tt_fail "the names are not the certificate's"
tt_screen | grep -q "Directory  *\[*Let's Encrypt" || tt_fail "preset"
# Directory: the third choice, a URL
tt_keys Right Right
tt_wait_for 'another ACME CA'
tt_keys Tab C-u
tt_type "$PB_DIR"
tt_keys Tab Tab Tab C-u
tt_type "$PB_HTTP"
# (past the web root and hook, which do not apply to this challenge)
tt_keys Tab Tab Tab
tt_type "admin@tlsdeck.test"
tt_keys Tab Tab
tt_type "$PB_CA"
tt_keys Tab C-u
tt_type "$SRV_RESTART"
tt_wait_for "Restart command .*srv-restart.sh"
tt_screen | grep -q "Contact email  *admin@tlsdeck.test" || tt_fail "email"
tt_keys F2
tt_wait_for 'The plan, 1 step'
tt_screen | grep -q "decide first: nothing is done when" || tt_fail "plan: decide"
tt_screen | grep -q "new PEM files beside" || tt_fail "plan: PEM files"
tt_screen | grep -q "restart: .*srv-restart.sh" || tt_fail "plan: restart"
tt_keys y
tt_wait_for 'All 1 step done'
tt_screen | grep -q "served now: CN=web.tlsdeck.test" ||
    tt_fail "what is served is not said"
tt_screen | grep -q "self-signed" || tt_fail "the decision is not shown"
new=$(served_fp "$SRV_PORT" web.tlsdeck.test)
[ -n "$new" ] && [ "$new" != "$old" ] || tt_fail "the old certificate is served"
grep -q "^server.ssl.certificate=$S/conf/ssl/server-acme-" \
    "$S/conf/application.properties" || tt_fail "settings not switched"
# Back on the dashboard (reloaded): the expiry panel marks the
# certificate tlsdeck renews by ACME and says when that is due.
tt_keys Enter
tt_wait_for 'ACME due 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
tt_screen | grep -q "│ACME web\.tlsd" || tt_fail "no ACME mark"

# Again, now (--force), by dns-01 through a hook that sleeps before it
# adds the record: Esc while it runs cancels; no file of the tree changed.
tree_sums "$S" >"$T/before"
tt_keys F3
tt_wait_for 'ACME \(Let.s Encrypt, internal ACME CA\)'
tt_keys 4
tt_wait_for 'Renew by ACME'
tt_keys Right Right Tab C-u
tt_type "$PB_DIR"
# (a name not validated before: pebble reuses valid authorizations)
tt_keys Tab C-u
tt_type "new.tlsdeck.test"
tt_keys Tab Right Right Tab Tab Tab
tt_type "$TOP_SRCDIR/tests/acme/dns-hook.sh"
tt_keys Tab Tab Tab
tt_type "$PB_CA"
tt_keys Tab C-u
tt_type "$SRV_RESTART"
tt_keys Tab Right
tt_wait_for 'DNS hook  *[^ ]*dns-hook.sh'
tt_screen | grep -q 'Renew .*\[now (--force)\]' || tt_fail "not --force"
tt_keys F2
tt_wait_for 'order now, whatever is left'
tt_keys y
i=0
until grep -q "^add _acme-challenge.new.tlsdeck.test" "$HOOK_LOG"; do
	i=$((i + 1))
	[ $i -le 600 ] || tt_fail "the hook did not run"
	sleep 0.1
done
tt_keys Escape
tt_wait_for 'Cancelled: 0 of 1 steps done'
tree_sums "$S" | cmp -s - "$T/before" || tt_fail "a file changed"
grep -q "^remove _acme-challenge.new.tlsdeck.test" "$HOOK_LOG" ||
    tt_fail "the record was not removed"
tt_keys Enter
tt_wait_for 'ACME due'
tt_keys q
exit 0
