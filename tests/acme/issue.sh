#!/bin/sh
# SPDX-License-Identifier: ISC
# issue.sh -- tlsdeck acme against Debian's pebble (tests/acme/lib.sh):
# the terms of service first (refused without --agree-tos, naming their
# URL, nothing written), a dry run, the first issuance by http-01 on our
# own listener (two names; the chain verifies against pebble's root; the
# account key 0600 in a 0700 directory), the account reused by the next
# run (key file unchanged), the key and chain into a new PKCS#12 and a
# new JKS keystore (read back by tlsdeck, and by keytool when there), a
# private account key whose mode was widened (refused), an output file
# that exists (refused before any request), JSON output.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
command -v jq >/dev/null || skip "jq missing"
j() { printf "%s\n" "$out" | jq -r "$@"; }

pebble_start
H="--http-port $PB_HTTP --http-address 127.0.0.1"

# 1. No account yet, no --agree-tos: one line with the terms URL, and
# not a file written (no key, no state directory).
acme -d a.tlsdeck.test $H --key ec256
[ "$rc" = 1 ] || fail "no --agree-tos: exit $rc"
one_line "no --agree-tos" "agree with --agree-tos"
grep -q 'data:text/plain,Do%20what%20thou%20wilt' "$T/err" ||
    fail "the terms URL is not shown: $(cat "$T/err")"
[ ! -e "$TLSDECK_ACME_DIR" ] || fail "state written without an account"
acme -d a.tlsdeck.test $H --format json
[ "$rc" = 1 ] && [ "$(j .need_agree_tos)" = true ] &&
    [ "$(j .terms)" = "data:text/plain,Do%20what%20thou%20wilt" ] ||
    fail "JSON without --agree-tos: $out"

# 2. A dry run says what it would do and writes nothing.
acme -d a.tlsdeck.test $H --dry-run
[ "$rc" = 0 ] || { cat "$T/err"; fail "dry run: exit $rc"; }
printf "%s\n" "$out" | grep -q "a new one would be registered" ||
    fail "dry run: $out"
[ ! -e "$TLSDECK_ACME_DIR" ] || fail "dry run wrote the state"

# 3. The first issuance: http-01 answered by tlsdeck.
acme_ok "first issuance" -d a.tlsdeck.test -d B.tlsdeck.test $H \
    --agree-tos --email admin@tlsdeck.test --key ec256 -o "$T/chain.pem"
printf "%s\n" "$out" | grep -q "^- b.tlsdeck.test: validated" ||
    fail "no validation reported: $out"
printf "%s\n" "$out" | grep -q "^- listener closed" ||
    fail "the listener was not closed: $out"
[ -s "$T/err" ] && fail "stderr after a success: $(cat "$T/err")"
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/chain.pem")" = 2 ] ||
    fail "chain.pem does not hold leaf and intermediate"
chain_ok "$T/chain.pem" a.tlsdeck.test
chain_ok "$T/chain.pem" b.tlsdeck.test
key=$(ls "$TLSDECK_ACME_DIR"/*/account.pem)
[ "$(stat -c %a "$key")" = 600 ] || fail "account key mode $(stat -c %a "$key")"
[ "$(stat -c %a "$(dirname "$key")")" = 700 ] || fail "state dir not 0700"
expected=$(printf %s "$PB_DIR" | sha256sum | cut -d' ' -f1)
[ "$(basename "$(dirname "$key")")" = "$expected" ] ||
    fail "state dir is not the SHA-256 of the directory URL"
grep -q "BEGIN PRIVATE KEY" "$key" || fail "account key is not PKCS#8 PEM"
sum1=$(sha256sum <"$key")
# Nothing listens once the run is over.
[ -z "$(ss -Hltn "sport = :$PB_HTTP")" ] ||
    fail "port $PB_HTTP still listening after the run"

# 4. The next run finds the account by its key (onlyReturnExisting).
acme_ok "second issuance" -d c.tlsdeck.test $H --key ec256 --format json
[ "$(j .account.created)" = false ] && [ "$(j .account.exists)" = true ] ||
    fail "account not reused: $out"
[ "$(j .account.contact)" = "mailto:admin@tlsdeck.test" ] ||
    fail "contact: $(j .account.contact)"
[ "$(j '.chain | length')" = 2 ] && [ "$(j '.names[0]')" = c.tlsdeck.test ] ||
    fail "JSON chain: $out"
[ "$(j '.chain[0].san[0]')" = "DNS:c.tlsdeck.test" ] || fail "SAN: $out"
[ "$(sha256sum <"$key")" = "$sum1" ] || fail "account key rewritten"
# A new email updates the contact (and the listener takes every
# address, as by default).
acme_ok "contact" -d c.tlsdeck.test --http-port "$PB_HTTP" --key ec256 \
    --email ops@tlsdeck.test --format json
[ "$(j .account.contact)" = "mailto:ops@tlsdeck.test" ] ||
    fail "contact not updated: $(j .account.contact)"

# 5. Into keystores: PKCS#12 (the default rsa2048 key) and JKS.
export SP=changeit-acme
acme_ok "PKCS#12" -d p12.tlsdeck.test $H --keystore "$T/ks.p12" \
    --storepass-env SP --format json
[ "$(j .keystore.alias)" = p12.tlsdeck.test ] &&
    [ "$(j .keystore.format)" = PKCS12 ] ||
    fail "keystore JSON: $(j .keystore)"
out=$("$TLSDECK" list "$T/ks.p12" --storepass-env SP --format json) ||
    fail "tlsdeck list ks.p12"
[ "$(j '.entries[0].type')" = PrivateKeyEntry ] &&
    [ "$(j '.entries[0].chain | length')" = 2 ] &&
    [ "$(j '.entries[0].chain[0].key')" = "RSA 2048" ] ||
    fail "ks.p12: $out"
openssl pkcs12 -in "$T/ks.p12" -passin env:SP -nodes -out "$T/p12.pem" \
    2>/dev/null || fail "openssl cannot read ks.p12"
k=$(openssl pkey -in "$T/p12.pem" -pubout 2>/dev/null | sha256sum)
c=$(openssl x509 -in "$T/p12.pem" -noout -pubkey | sha256sum)
[ "$k" = "$c" ] || fail "ks.p12: the key is not the certificate's"
[ "$(stat -c %a "$T/ks.p12")" = 600 ] || fail "ks.p12 mode"
acme_ok "JKS" -d jks.tlsdeck.test $H --key ec384 --keystore "$T/ks.jks" \
    --storetype jks --alias tomcat --storepass-env SP
out=$("$TLSDECK" list "$T/ks.jks" --storepass-env SP --format json) ||
    fail "tlsdeck list ks.jks"
[ "$(j '.format')" = JKS ] && [ "$(j '.entries[0].alias')" = tomcat ] &&
    [ "$(j '.entries[0].chain[0].key')" = "EC P-384" ] ||
    fail "ks.jks: $out"
if [ -n "$KEYTOOL17" ]; then
	kt -list -v -keystore "$T/ks.jks" -storepass:env SP >"$T/kt" 2>&1 ||
	    { cat "$T/kt"; fail "keytool cannot read ks.jks"; }
	grep -q "Certificate chain length: 2" "$T/kt" ||
	    fail "keytool: $(cat "$T/kt")"
fi
# The alias is taken now: refused before anything is ordered.
acme -d jks.tlsdeck.test $H --key ec256 --keystore "$T/ks.jks" \
    --alias tomcat --storepass-env SP
[ "$rc" = 1 ] || fail "existing alias: exit $rc"
one_line "existing alias" 'alias "tomcat" already exists'

# 6. -o onto an existing file: refused before any request.
acme -d a.tlsdeck.test $H --key ec256 -o "$T/chain.pem"
[ "$rc" = 1 ] || fail "existing -o: exit $rc"
one_line "existing -o" "already exists"

# 7. An account key others can read is refused, not used.
chmod 644 "$key"
acme -d a.tlsdeck.test $H --key ec256
[ "$rc" = 1 ] || fail "mode 644: exit $rc"
one_line "mode 644" "readable by its owner only"
chmod 600 "$key"

# 8. Usage errors.
"$TLSDECK" acme --directory "$PB_DIR" -d a.tlsdeck.test --webroot "$T" \
    --dns-hook /bin/true 2>"$T/err"
[ $? = 2 ] || fail "two challenge kinds: not a usage error"
"$TLSDECK" acme --directory "http://127.0.0.1:$PB_PORT/dir" \
    -d a.tlsdeck.test 2>"$T/err"
[ $? = 1 ] && grep -q "https URL" "$T/err" || fail "http:// directory"
acme -d "a_b.tlsdeck.test" $H
[ "$rc" = 1 ] && grep -q 'name "a_b.tlsdeck.test"' "$T/err" ||
    fail "bad name: $(cat "$T/err")"
echo "ok"
