#!/bin/sh
# SPDX-License-Identifier: ISC
# eab.sh -- a CA that requires an external account binding (pebble with
# externalAccountBindingRequired, key id "kid-1"): refused without one
# (one line, nothing written), refused with a wrong MAC key (the CA's
# problem), registered with the right one read from the environment or
# a file (never from argv), then used without it.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"

PB_EAB=true pebble_start
H="--http-port $PB_HTTP --http-address 127.0.0.1 --key ec256 --agree-tos"
acme -d e.tlsdeck.test $H
[ "$rc" = 1 ] || fail "no EAB: exit $rc"
one_line "no EAB" "requires an external account binding"
[ ! -e "$TLSDECK_ACME_DIR" ] || fail "state written without an account"
export EAB_BAD=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
acme -d e.tlsdeck.test $H --eab-kid kid-1 --eab-hmac-env EAB_BAD
[ "$rc" = 1 ] || fail "wrong EAB key: exit $rc"
one_line "wrong EAB key" "^tlsdeck: acme: 127.0.0.1:$PB_PORT: "
[ ! -e "$TLSDECK_ACME_DIR" ] || fail "state written for a refused account"
acme -d e.tlsdeck.test $H --eab-kid kid-1
[ "$rc" = 2 ] || fail "--eab-kid alone: exit $rc, not a usage error"
printf '%s\n' "$PB_EAB_KEY" >"$T/eab.key"
acme_ok "EAB" -d e.tlsdeck.test $H --eab-kid kid-1 --eab-hmac-file \
    "$T/eab.key" -o "$T/e.pem"
chain_ok "$T/e.pem" e.tlsdeck.test
acme_ok "EAB account reused" -d f.tlsdeck.test $H
echo "ok"
