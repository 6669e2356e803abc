#!/bin/sh
# tlsdeck list / show from the outside: exit codes 0/1/2, one clear line
# naming the file and the problem on every kind of bad input, JSON that
# parses, passwords from env and file.
. "$TOP_SRCDIR/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
S=$SAMPLES
# expect CODE PATTERN CMD...: exit code and one stderr line matching PATTERN
expect() {
	_code=$1 _pat=$2; shift 2
	"$@" >"$T/out" 2>"$T/err" </dev/null
	_rc=$?
	[ $_rc = "$_code" ] || fail "exit $_rc, wanted $_code: $* ($(cat "$T/err"))"
	if [ -n "$_pat" ]; then
		grep -q -- "$_pat" "$T/err" ||
		    fail "stderr of '$*' lacks '$_pat': $(cat "$T/err")"
		[ "$(grep -c 'tlsdeck:' "$T/err")" -le 2 ] ||
		    fail "more than one error line: $(cat "$T/err")"
	fi
}
SP=storepass; export SP
BAD=wrongpass; export BAD
# Good files.
expect 0 "" "$TLSDECK" list --storepass-env SP "$S/sample-jks17.jks"
grep -q 'Alias name: server' "$T/out" || fail "server alias missing"
grep -q 'Certificate chain length: 3' "$T/out" || fail "chain length missing"
grep -q 'days left' "$T/out" || fail "days left missing"
expect 0 "" "$TLSDECK" list --format json --storepass-env SP "$S/sample-jdk17.p12"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
e={x["alias"]:x for x in d["entries"]}; \
assert e["labroot"]["type"]=="trustedCertEntry", e; \
assert e["labroot"]["stored_alias"]=="LabRoot", e; \
assert d["profile"]=="modern", d; \
assert e["server"]["type"]=="PrivateKeyEntry"; \
c=e["server"]["chain"][0]; \
[c[k] for k in ("subject","issuer","serial","not_before","not_after","days_left","sha256","sha1","key","sig_alg","san","ca","self_signed")]; \
assert d["verified"] is True' "$T/out" || fail "JSON fields"
printf 'storepass\n' >"$T/pw"
expect 0 "" "$TLSDECK" list --storepass-file "$T/pw" "$S/sample-jceks17.jceks"
grep -q 'SecretKeyEntry' "$T/out" || fail "JCEKS secret key entry not listed"
# No password: JKS listed unverified with a warning; passwordless P12 fine.
expect 0 "not verified" "$TLSDECK" list "$S/sample-jks17.jks"
expect 0 "" "$TLSDECK" list "$S/sample-jdk25-passwordless.p12"
grep -q 'Integrity: verified' "$T/out" || fail "passwordless not verified"
expect 0 "" "$TLSDECK" list --storepass-env BAD "$S/sample-jdk25-passwordless.p12"
# Upper-case JKS alias: listed with a warning Java cannot use it.
CI=changeit; export CI
expect 0 "" "$TLSDECK" list --storepass-env CI "$S/bad-uppercase-alias.jks"
grep -q 'not lower-case' "$T/out" || fail "upper-case alias not flagged"
# show: text, json, pem; key recovery with the key password.
KP=keypass1; export KP
expect 0 "" "$TLSDECK" show --storepass-env SP --keypass-env KP "$S/sample-jks17.jks" server
grep -q 'recovered' "$T/out" || fail "key not recovered"
expect 1 "" "$TLSDECK" show --storepass-env SP --keypass-env BAD "$S/sample-jks17.jks" server
expect 0 "" "$TLSDECK" show --format pem --storepass-env SP "$S/sample-jks17.jks" SERVER
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/out")" = 3 ] || fail "pem chain of 3"
openssl x509 -in "$T/out" -noout || fail "pem not readable by openssl"
expect 0 "" "$TLSDECK" show --format json --storepass-env SP "$S/sample-jks17.jks" server
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
assert len(d["chain"])==3 and "pem" in d["chain"][0]' "$T/out" || fail "show json"
expect 1 'no entry with alias' "$TLSDECK" show --storepass-env SP "$S/sample-jks17.jks" nosuch
# Bad input: each one line naming the file.
expect 1 'sample-jks17.jks.*password' "$TLSDECK" list --storepass-env BAD "$S/sample-jks17.jks"
expect 1 'sample-jdk17.p12.*password' "$TLSDECK" list --storepass-env BAD "$S/sample-jdk17.p12"
head -c 1000 "$S/sample-jks17.jks" >"$T/trunc.jks"
expect 1 'trunc.jks' "$TLSDECK" list --storepass-env SP "$T/trunc.jks"
head -c 700 "$S/sample-jdk17.p12" >"$T/trunc.p12"
expect 1 'trunc.p12' "$TLSDECK" list --storepass-env SP "$T/trunc.p12"
head -c 4000 /dev/urandom >"$T/junk.bin"
printf '\0\0' | dd of="$T/junk.bin" conv=notrunc 2>/dev/null
expect 1 'junk.bin.*unknown format' "$TLSDECK" list "$T/junk.bin"
: >"$T/empty"
expect 1 'empty.*empty' "$TLSDECK" list "$T/empty"
mkdir "$T/dir.jks"
expect 1 'dir.jks.*directory' "$TLSDECK" list "$T/dir.jks"
expect 1 'nosuchfile.*No such file' "$TLSDECK" list "$T/nosuchfile"
printf -- '-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n' >"$T/bad.pem"
expect 1 'bad.pem' "$TLSDECK" list "$T/bad.pem"
unset NOPE
expect 1 'NOPE' "$TLSDECK" list --storepass-env NOPE "$S/sample-jks17.jks"
# Certificate files.
expect 0 "" "$TLSDECK" list --format json "$S/certs/ca.pem"
cat "$S/certs/leaf.pem" "$S/certs/int.pem" "$S/certs/ca.pem" >"$T/bundle.pem"
expect 0 "" "$TLSDECK" list --format json "$T/bundle.pem"
python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["entries"])==3' \
    "$T/out" || fail "bundle of 3"
# A JKS listed with its password is read a chunk at a time (kslist.c);
# TLSDECK_LIST_WHOLE=1 loads it whole.  Both print the same bytes: every
# JKS and JCEKS sample, and 1,200 entries in no order (two threads).
python3 - "$S/certs" "$T/big.jks" <<'EOP' || fail "making big.jks"
import base64, glob, hashlib, struct, sys
ders = []
for f in sorted(glob.glob(sys.argv[1] + "/*.pem")):
    b64 = "".join(l for l in open(f) if not l.startswith("-----"))
    ders.append(base64.b64decode(b64))
n = 1200
out = struct.pack(">III", 0xFEEDFEED, 2, n)
for i in range(n):
    alias = ("e%05d" % (i * 7919 % n)).encode()
    if i == 600:  # an OSC title sequence, BEL and CSI (U+009B)
        alias = "e\x1b]0;t\x07\u009b2j".encode()
    der = ders[i % len(ders)]
    out += struct.pack(">IH", 2, len(alias)) + alias
    out += struct.pack(">QH", 1700000000000 + i, 5) + b"X.509"
    out += struct.pack(">I", len(der)) + der
key = "changeit".encode("utf-16-be") + b"Mighty Aphrodite"
out += hashlib.sha1(key + out).digest()
open(sys.argv[2], "wb").write(out)
EOP
for f in "$S"/*.jks "$S"/*.jceks "$T/big.jks"; do
	case $f in
	*unicode-alias*) P='p\303\244ssw\303\266rd' ;;
	*uppercase*|*/big.jks) P=changeit ;;
	*) P=storepass ;;
	esac
	LP=$(printf "$P"); export LP
	for pw in BAD LP; do
		"$TLSDECK" list --storepass-env $pw "$f" >"$T/l1" 2>"$T/e1" \
		    </dev/null; r1=$?
		TLSDECK_LIST_WHOLE=1 "$TLSDECK" list --storepass-env $pw "$f" \
		    >"$T/l2" 2>"$T/e2" </dev/null; r2=$?
		[ $r1 = $r2 ] && cmp -s "$T/l1" "$T/l2" &&
		    cmp -s "$T/e1" "$T/e2" ||
		    fail "list of $f ($pw) differs from the whole load"
		[ $pw = LP ] || [ $r1 = 1 ] || fail "wrong password: $f"
	done
	[ $r1 = 0 ] || fail "$f: $(cat "$T/e1")"
done
grep -q 'contains 1200 entries' "$T/l2" || fail "big.jks: $(head -5 "$T/l2")"
[ "$(grep -c '^Alias name: ' "$T/l1")" = 1200 ] || fail "big.jks: entries"
grep '^Alias name: e[0-9]' "$T/l1" | LC_ALL=C sort -c ||
    fail "big.jks: not sorted"
# Aliases, and the file's name, escaped.
E=$(printf 'x\033[2Jy\302\233')
cp "$T/big.jks" "$T/$E.jks"
"$TLSDECK" list --storepass-env LP "$T/$E.jks" >"$T/l1" || fail "list $E"
grep -q 'Alias name: e\\u001B]0;t\\u0007\\u009B2j$' "$T/l1" ||
    fail "the alias, escaped: $(grep -a 'Alias name: e.]' "$T/l1" | cat -v)"
grep -q '^Keystore: .*/x\\u001B\[2Jy\\u009B.jks$' "$T/l1" ||
    fail "the file name, escaped: $(head -1 "$T/l1" | cat -v)"
LC_ALL=C grep -q "$(printf '[\033\007]')" "$T/l1" && fail "a raw control"
# Usage errors exit 2.
expect 2 "" "$TLSDECK" list
expect 2 "" "$TLSDECK" list --format yaml "$S/certs/ca.pem"
expect 2 "" "$TLSDECK" list --bogus "$S/certs/ca.pem"
expect 2 "" "$TLSDECK" show "$S/certs/ca.pem"
expect 2 "" "$TLSDECK" nosuchcommand
expect 0 "" "$TLSDECK" list --help
expect 0 "" "$TLSDECK" --version
echo "list/show behave"
