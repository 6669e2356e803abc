#!/bin/sh
# SPDX-License-Identifier: ISC
# challenges.sh -- the other ways to answer, against pebble: http-01 by
# token files under a web root that python's http.server serves (0644
# files, removed afterwards with the directories made for them); dns-01
# through a hook script that sets challtestsrv's TXT records, for a name
# and its wildcard (every record added is removed again); a validation
# that fails (nothing serves the web root: one line naming the name and
# the CA's problem, the files still removed); a hook that fails (its
# message in the one line, its record removed); account keys of each
# kind the CA takes (ES256 was issue.sh's; ES384 and RS256 here); a key
# file the CA has no account for.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
command -v curl >/dev/null || skip "curl missing"
command -v jq >/dev/null || skip "jq missing"

pebble_start
mkdir -p "$T/www"
acme_ok "account" -d a.tlsdeck.test --http-port "$PB_HTTP" \
    --http-address 127.0.0.1 --agree-tos --key ec256

# 1. webroot, served by another web server on the http-01 port.
pb_bg python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$PB_HTTP" \
    >"$T/www.log" 2>&1
wait_listen "$PB_HTTP" || fail "http.server did not start"
# Watch the token file while tlsdeck runs: it must exist, 0644.
(
	while [ ! -d "$T/www/.well-known/acme-challenge" ] ||
	    [ -z "$(ls "$T/www/.well-known/acme-challenge")" ]; do
		sleep 0.02
	done
	stat -c %a "$T/www/.well-known/acme-challenge"/* >"$T/mode"
) &
watcher=$!
acme_ok "webroot" -d w1.tlsdeck.test -d w2.tlsdeck.test --webroot "$T/www" \
    --key ec256 -o "$T/web.pem"
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
stop
chain_ok "$T/web.pem" w2.tlsdeck.test
[ "$(sort -u "$T/mode")" = 644 ] || fail "token file mode: $(cat "$T/mode")"
[ ! -e "$T/www/.well-known" ] ||
    fail "webroot not cleaned: $(find "$T/www")"
printf "%s\n" "$out" | grep -q "2 token files removed" ||
    fail "no cleanup reported: $out"
# A .well-known that was there stays, only our files go.
mkdir -p "$T/www/.well-known/acme-challenge"
echo keep >"$T/www/.well-known/keep"
pb_bg python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$PB_HTTP" \
    >"$T/www.log" 2>&1
wait_listen "$PB_HTTP" || fail "http.server did not start"
acme_ok "webroot, existing dirs" -d w3.tlsdeck.test --webroot "$T/www" \
    --key ec256
stop
[ -d "$T/www/.well-known/acme-challenge" ] &&
    [ -z "$(ls "$T/www/.well-known/acme-challenge")" ] &&
    [ -f "$T/www/.well-known/keep" ] || fail "existing dirs: $(find "$T/www")"

# 2. Nothing serves the web root: the CA's problem, one line, the name.
acme -d w4.tlsdeck.test --webroot "$T/www" --key ec256
[ "$rc" = 1 ] || fail "unserved webroot: exit $rc"
one_line "unserved webroot" "^tlsdeck: acme: w4.tlsdeck.test: connection: "
[ -z "$(ls "$T/www/.well-known/acme-challenge")" ] ||
    fail "token left after a failure"

# 3. dns-01 through the hook, a name and its wildcard.
export HOOK_LOG="$T/hook.log" CTS_MGMT
HOOK="$TOP_SRCDIR/tests/acme/dns-hook.sh"
acme_ok "dns-01" -d d.tlsdeck.test -d '*.d.tlsdeck.test' --dns-hook "$HOOK" \
    --key ec256 -o "$T/dns.pem"
chain_ok "$T/dns.pem" x.d.tlsdeck.test
[ "$(grep -c '^add _acme-challenge.d.tlsdeck.test ' "$HOOK_LOG")" = 2 ] &&
    [ "$(grep -c '^remove _acme-challenge.d.tlsdeck.test ' "$HOOK_LOG")" = 2 ] ||
    fail "hook calls: $(cat "$HOOK_LOG")"
# The values are base64url SHA-256 digests (43 characters), nothing else.
awk '{ print $3 }' "$HOOK_LOG" | grep -qvE '^[A-Za-z0-9_-]{43}$' &&
    fail "hook values: $(cat "$HOOK_LOG")"
printf "%s\n" "$out" | grep -q "2 TXT records removed" ||
    fail "no dns cleanup reported: $out"
# A wildcard without dns-01 is refused with the reason.
acme -d '*.e.tlsdeck.test' --http-port "$PB_HTTP" --http-address 127.0.0.1 \
    --key ec256
[ "$rc" = 1 ] && grep -q '\*.e.tlsdeck.test: a wildcard name needs the dns-01' \
    "$T/err" || fail "wildcard by http-01: $(cat "$T/err")"

# 4. A failing hook: its last line in the message; what it may have
# added is removed.
: >"$HOOK_LOG"
HOOK_FAIL="zone is locked" acme -d f.tlsdeck.test --dns-hook "$HOOK" \
    --key ec256
[ "$rc" = 1 ] || fail "failing hook: exit $rc"
one_line "failing hook" "dns hook"
grep -q "dns hook .* add _acme-challenge.f.tlsdeck.test failed (exit 3): provider says: zone is locked" \
    "$T/err" || fail "failing hook message: $(cat "$T/err")"
grep -q '^remove _acme-challenge.f.tlsdeck.test ' "$HOOK_LOG" ||
    fail "no remove after a failed add: $(cat "$HOOK_LOG")"
acme -d f.tlsdeck.test --dns-hook "$T/no-such-hook" --key ec256
[ "$rc" = 1 ] && grep -q "not an executable file" "$T/err" ||
    fail "missing hook: $(cat "$T/err")"

# 5. Account keys ES384 and RS256 (each a new account: another state).
for kind in ec384 rsa2048; do
	TLSDECK_ACME_DIR="$T/state-$kind" acme_ok "account $kind" \
	    -d "$kind.tlsdeck.test" --http-port "$PB_HTTP" \
	    --http-address 127.0.0.1 --agree-tos --account-key "$kind" \
	    --key ec256 -o "$T/$kind.pem"
	chain_ok "$T/$kind.pem" "$kind.tlsdeck.test"
	k=$(ls "$T/state-$kind"/*/account.pem)
	case $kind in
	ec384) openssl pkey -in "$k" -noout -text | grep -q 'P-384' ;;
	rsa2048) openssl pkey -in "$k" -noout -text | grep -q '2048 bit' ;;
	esac || fail "account key $kind: $(openssl pkey -in "$k" -noout -text | head -2)"
done

# 6. A key the CA does not know (a CA that forgot its accounts, or a key
# put there): the lookup finds nothing, --agree-tos registers that key,
# and the file is not touched.
export TLSDECK_ACME_DIR="$T/state-preset"
d="$TLSDECK_ACME_DIR/$(printf %s "$PB_DIR" | sha256sum | cut -d' ' -f1)"
mkdir -p "$d" && chmod 700 "$TLSDECK_ACME_DIR" "$d"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$d/account.pem" 2>/dev/null || fail "openssl genpkey"
chmod 600 "$d/account.pem"
sum=$(sha256sum <"$d/account.pem")
acme -d k.tlsdeck.test --http-port "$PB_HTTP" --key ec256
[ "$rc" = 1 ] || fail "unknown key without --agree-tos: exit $rc"
one_line "unknown key" "agree with --agree-tos"
acme_ok "unknown key" -d k.tlsdeck.test --http-port "$PB_HTTP" --key ec256 \
    --agree-tos --format json
[ "$(printf "%s\n" "$out" | jq -r .account.created)" = true ] ||
    fail "not registered: $out"
[ "$(sha256sum <"$d/account.pem")" = "$sum" ] || fail "the key file changed"
echo "ok"
