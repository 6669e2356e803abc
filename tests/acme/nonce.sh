#!/bin/sh
# SPDX-License-Identifier: ISC
# nonce.sh -- pebble rejecting half of the good nonces
# (PEBBLE_WFE_NONCEREJECT=50): every issuance still succeeds, the retries
# are counted; and pebble offering an alternate chain to another root
# (PEBBLE_ALTERNATE_ROOTS=1): the default chain, then the alternate
# chosen by --preferred-chain with its root's CN, each verifying against
# its own root, and a preferred issuer nobody offers (the default kept).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
command -v jq >/dev/null || skip "jq missing"
j() { printf "%s\n" "$out" | jq -r "$@"; }

pebble_start PEBBLE_WFE_NONCEREJECT=50 PEBBLE_ALTERNATE_ROOTS=1
H="--http-port $PB_HTTP --http-address 127.0.0.1 --key ec256 --format json"
retries=0
for i in 1 2 3; do
	acme_ok "issuance $i" -d "n$i.tlsdeck.test" $H --agree-tos \
	    -o "$T/n$i.pem"
	retries=$((retries + $(j .bad_nonce_retries)))
	chain_ok "$T/n$i.pem" "n$i.tlsdeck.test"
done
# About 20 signed requests a run, half rejected: retries must show.
[ "$retries" -ge 3 ] || fail "only $retries badNonce retries in 3 runs"

# Alternate chains: roots/0 is the default's root, roots/1 the other.
pebble_root 0 >"$T/root0.pem" && pebble_root 1 >"$T/root1.pem" ||
    fail "no roots from pebble"
cn0=$(openssl x509 -in "$T/root0.pem" -noout -subject -nameopt multiline |
    sed -n 's/^ *commonName *= *//p')
cn1=$(openssl x509 -in "$T/root1.pem" -noout -subject -nameopt multiline |
    sed -n 's/^ *commonName *= *//p')
[ -n "$cn1" ] && [ "$cn0" != "$cn1" ] || fail "roots: '$cn0' '$cn1'"
acme_ok "default chain" -d alt.tlsdeck.test $H -o "$T/alt0.pem"
[ "$(j .issuer)" = "CN=$cn0" ] || fail "default issuer $(j .issuer), not $cn0"
[ "$(j '.alternates | length')" -ge 1 ] &&
    [ "$(j '.alternates[0]')" = "CN=$cn1" ] || fail "alternates: $out"
openssl verify -CAfile "$T/root0.pem" -untrusted "$T/alt0.pem" \
    "$T/alt0.pem" >/dev/null 2>&1 || fail "default chain does not verify"
acme_ok "preferred chain" -d alt.tlsdeck.test $H --preferred-chain "$cn1" \
    -o "$T/alt1.pem"
[ "$(j .issuer)" = "CN=$cn1" ] && [ "$(j .preferred_found)" = true ] ||
    fail "preferred: $(j .issuer) $(j .preferred_found)"
[ "$(j '.alternates[0]')" = "CN=$cn0" ] || fail "alternates: $(j .alternates)"
openssl verify -CAfile "$T/root1.pem" -untrusted "$T/alt1.pem" \
    "$T/alt1.pem" >/dev/null 2>&1 || fail "alternate chain does not verify"
acme_ok "preferred, absent" -d alt.tlsdeck.test $H \
    --preferred-chain "No Such Root"
[ "$(j .issuer)" = "CN=$cn0" ] && [ "$(j .preferred_found)" = false ] ||
    fail "absent preferred: $(j .issuer) $(j .preferred_found)"
echo "ok ($retries badNonce retries)"
