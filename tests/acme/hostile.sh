#!/bin/sh
# SPDX-License-Identifier: ISC
# hostile.sh -- tlsdeck acme against a hostile ACME server
# (tests/acme/fake-acme.py, HTTPS with the test CA of tests/acme/lib.sh):
# malformed JSON, bodies too big (with and without a length), wrong
# types, NUL characters, duplicate members, deep nesting, too many
# entries, a token that is a path, a redirect, missing or malformed
# nonces, problem documents with control characters, subproblems, a rate
# limit with Retry-After, errors at finalization, a chain that is not a
# certificate or not for our key.  Each: exit 1, exactly one line on
# stderr naming the problem (no control characters), JSON ok=false on
# stdout, and no crash (the ASan pass runs this too).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
command -v jq >/dev/null || skip "jq missing"

fake_start

n=0
# hostile SCENARIO EXPECTED: one run against /SCENARIO/dir.
hostile() {
	out=$(timeout 60 "$TLSDECK" acme --directory \
	    "https://127.0.0.1:$FP/$1/dir" --ca-file "$PB_CA" \
	    -d a.tlsdeck.test --http-port 1 --agree-tos --key ec256 \
	    --format json 2>"$T/err")
	rc=$?
	[ "$rc" = 1 ] || { cat "$T/err"; fail "$1: exit $rc, not 1"; }
	one_line "$1" "$2"
	tr -d '\n' <"$T/err" | LC_ALL=C grep -q '[[:cntrl:]]' &&
	    fail "$1: control characters on stderr: $(od -c "$T/err" | head)"
	[ "$(printf "%s\n" "$out" | jq -r .ok)" = false ] ||
	    fail "$1: JSON: $out"
	echo "ok $1: $(cat "$T/err")"
	n=$((n + 1))
}

hostile dir-notjson "dir-notjson/dir: directory: not JSON"
hostile dir-huge "answer larger than 1048576 bytes"
hostile dir-stream "answer larger than 1048576 bytes"
hostile dir-types "directory: newNonce is not a string"
hostile dir-http "directory: newOrder is not an https URL"
hostile dir-array "directory: not a JSON object"
hostile dir-dup "directory: not JSON .*duplicate"
hostile dir-deep "directory: not JSON"
hostile dir-nul "directory: not JSON .*is not allowed"
hostile dir-redirect "redirected (HTTP 302 to https://.*other/dir); ACME servers do not redirect"
hostile dir-500 "HTTP 500 from the CA, without an ACME problem document"
hostile nonce-missing "nonce: no valid Replay-Nonce header"
hostile nonce-bad "nonce: no valid Replay-Nonce header"
hostile account-problem "127.0.0.1:$FP: malformed: bad?\[31m stuff second line?$"
hostile account-nolocation "the account has no https Location"
hostile order-rejected "acme: bad.tlsdeck.test: rejectedIdentifier: forbidden name$"
hostile rate-limited "rateLimited: too many certificates for tlsdeck.test (retry in 1 h 0 min)"
hostile order-types "order: authorizations is not an array"
hostile order-many "order: authorizations has 1000 entries (at most 100)"
hostile order-invalid "acme: a.tlsdeck.test: caa: CAA record forbids issuance$"
hostile authz-badtoken "challenges\[0\]: token is not base64url"
hostile authz-types "authorization: challenges is not an array"
hostile finalize-badcsr "acme: a.tlsdeck.test: badCSR: key too small for this CA$"
hostile cert-garbage "cert/1"
hostile cert-wrongkey "the certificate is not for the key of the request"

# A CA whose certificate we do not trust: refused, and no switch exists.
out=$(timeout 60 "$TLSDECK" acme --directory "https://127.0.0.1:$FP/ok/dir" \
    -d a.tlsdeck.test --agree-tos --key ec256 2>"$T/err")
[ $? = 1 ] && grep -q "the server's certificate is not trusted" "$T/err" ||
    fail "untrusted CA: $(cat "$T/err")"
"$TLSDECK" acme --help | grep -qi -- '--insecure\|--no-verify\|-k ' &&
    fail "a switch that turns verification off"
echo "ok: $n hostile answers, one line each"
