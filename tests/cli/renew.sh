#!/bin/sh
# The renewal preflight (docs/architecture.md, The renewal preflight): genkey
# replacing an entry (or --replaces another), csr and import-reply compare
# the new certificate or request with the one it replaces and put the
# differences in the notes (text and JSON); losing a SAN is refused, the
# file unchanged, unless --accept-san-loss; a dry run says so and writes
# nothing.  A CA reply (signed by openssl) that drops a SAN of the request
# is refused naming the SAN.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi
. "$TOP_SRCDIR/tests/lib.sh"
command -v openssl >/dev/null 2>&1 || skip "openssl not installed"
export TLSDECK_BACKUP_DIR="$T/backups"
SP='Rn-St0re-7q3v'
export SP
KS=$T/web.p12
td() { "$TLSDECK" "$@" --storepass-env SP; }
sum() { sha256sum "$1" | cut -d' ' -f1; }

td genkey "$KS" --alias web --dname "CN=a.example" \
    --san dns:a.example,dns:b.example >/dev/null || fail "genkey"

# A replacement that drops b.example: refused, nothing written.
s0=$(sum "$KS")
td genkey "$KS" --alias web --dname "CN=a.example" --san dns:a.example \
    --replace >"$T/out" 2>"$T/err" && fail "SAN loss accepted"
grep -q 'drops SANs of the certificate of "web": dns:b.example' "$T/err" ||
    { cat "$T/err"; fail "refusal does not name the SAN"; }
[ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err"; fail "not one line"; }
[ "$(sum "$KS")" = "$s0" ] || fail "file changed by a refused renewal"

# The dry run shows it (JSON san_loss) and writes nothing.
td genkey "$KS" --alias web --dname "CN=a.example" --san dns:a.example \
    --replace --dry-run --format json >"$T/j" || fail "dry run"
grep -q '"san_loss": true' "$T/j" || fail "dry run: no san_loss"
grep -q 'renewal WARNING: SANs lost: dns:b.example' "$T/j" ||
    fail "dry run: no SAN note"
[ "$(sum "$KS")" = "$s0" ] || fail "file changed by a dry run"

# A larger key and the same names: an info line, written.
td genkey "$KS" --alias web --dname "CN=a.example" \
    --san dns:a.example,dns:b.example --keysize 3072 --replace \
    >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "renewal refused"; }
grep -q 'renewal: key: RSA 2048 -> RSA 3072' "$T/err" ||
    { cat "$T/err"; fail "no key difference"; }
grep -q 'WARNING' "$T/err" && fail "a warning for a stronger key"

# A second entry renewing the first (--replaces), accepting the loss.
td genkey "$KS" --alias web2 --dname "CN=a.example" --san dns:a.example \
    --replaces web --accept-san-loss --format json >"$T/j" ||
    fail "accepted loss refused"
grep -q '"san_loss": true' "$T/j" || fail "accepted: no san_loss"
grep -q 'RSA 3072 -> RSA 2048 (weaker)' "$T/j" || fail "weaker key not said"

# csr: a request without b.example is refused; the default keeps it.
td csr "$KS" --alias web --san dns:a.example >"$T/r.csr" 2>"$T/err" &&
    fail "csr dropping a SAN accepted"
grep -q 'new request drops SANs.*dns:b.example' "$T/err" ||
    { cat "$T/err"; fail "csr refusal"; }
td csr "$KS" --alias web >"$T/web.csr" 2>"$T/err" || fail "csr"
td csr "$KS" --alias web --san dns:a.example --accept-san-loss \
    >"$T/r.csr" 2>/dev/null || fail "csr --accept-san-loss"

# A CA that drops b.example from the request.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" \
    -subj "/CN=Renew Test CA" -days 30 -out "$T/ca.pem" \
    -addext basicConstraints=critical,CA:true \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null ||
    fail "openssl CA"
printf 'subjectAltName=DNS:a.example\nextendedKeyUsage=serverAuth\n' \
    >"$T/ext"
openssl x509 -req -in "$T/web.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
    -CAcreateserial -days 20 -extfile "$T/ext" -out "$T/reply.pem" \
    2>/dev/null || fail "openssl sign"
s0=$(sum "$KS")
td import-reply "$KS" --alias web --csr "$T/web.csr" "$T/reply.pem" \
    "$T/ca.pem" --allow-untrusted >"$T/out" 2>"$T/err" &&
    fail "a reply lacking a SAN accepted"
grep -q "reply lacks SANs the request asked for: dns:b.example" "$T/err" ||
    { cat "$T/err"; fail "reply refusal"; }
[ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err"; fail "not one line"; }
[ "$(sum "$KS")" = "$s0" ] || fail "file changed by a refused reply"
# without --csr: against the entry's own SANs (what csr copied)
td import-reply "$KS" --alias web "$T/reply.pem" "$T/ca.pem" \
    --allow-untrusted --dry-run >"$T/out" 2>"$T/err" || fail "dry run"
grep -q 'SANs lost: dns:b.example' "$T/err" || fail "dry run: no SAN note"
grep -q 'validity: .*(20 days)' "$T/err" || fail "no validity line"
td import-reply "$KS" --alias web --csr "$T/web.csr" "$T/reply.pem" \
    "$T/ca.pem" --allow-untrusted --accept-san-loss >"$T/out" 2>"$T/err" ||
    { cat "$T/err"; fail "accepted reply"; }
# a request for another key is refused
td import-reply "$KS" --alias web2 --csr "$T/web.csr" "$T/reply.pem" \
    --allow-untrusted --dry-run >"$T/out" 2>"$T/err" &&
    fail "a reply for another key accepted"

# A new PKCS#12 file in the legacy profile (for an old JRE).
td genkey "$T/old.p12" --alias web --dname "CN=a.example" --profile legacy \
    >/dev/null 2>&1 || fail "genkey --profile legacy"
[ "$("$TLSDECK" list "$T/old.p12" --storepass-env SP --format json |
    sed -n 's/^  "profile": "\(.*\)",*$/\1/p')" = legacy ] ||
    fail "not legacy"
exit 0
