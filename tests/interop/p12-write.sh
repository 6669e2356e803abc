#!/bin/sh
# PKCS#12 files written by our codec (core/pkcs12.c, driven by
# tests/tools/p12-tool) must be read by real keytool 17 (and Temurin 25 when
# installed): the same aliases, entry types (trusted entries must be
# trustedCertEntry), chain lengths and SHA-256 fingerprints, and keys that
# keytool -certreq can recover and sign with (openssl req -verify).  Also
# the other way: what keytool writes (a secret key, a mixed-case alias),
# we read and rewrite.
. "$TOP_SRCDIR/tests/lib.sh"
need_keytool
PT=$TOP_BUILDDIR/tests/tools/p12-tool
[ -x "$PT" ] || skip "tests/tools/p12-tool not built"
command -v openssl >/dev/null 2>&1 || skip "openssl not installed"

FP_ROOT=65:12:BA:DE:EC:EB:09:7C:8F:B0:3F:F8:BE:0B:80:B4:39:1E:15:B0:89:FD:CA:75:8E:7F:29:04:A3:9B:D8:52
FP_INT=CC:4A:83:AE:72:0F:52:29:FF:88:5A:21:95:63:94:23:EC:FF:4D:60:B2:FC:10:0B:EE:3D:CE:CE:CA:19:C0:AD
FP_SRV2=3D:E4:A1:8F:07:D6:E1:7A:BC:40:70:F0:48:82:36:C2:3B:8A:FD:55:A5:B2:BB:64:8C:42:C1:1D:62:B5:D8:B2
FP_CONV=33:AF:7D:0D:19:D3:A3:2F:8B:E4:0F:53:4E:29:3D:BC:0E:BE:29:9F:93:C8:33:6E:2F:BF:15:25:74:73:F8:48
FP_LEGACY=49:5F:B2:85:78:71:7B:FC:89:BA:2B:23:C8:21:28:57:2B:E4:55:03:D4:55:82:4D:A4:D3:CC:E6:38:B7:65:46

# summary KEYTOOL FILE: "alias|type|chain length|fp,fp,..." per entry,
# sorted (store password in $OP).
summary() {
	$1 -list -v -keystore "$2" -storepass:env OP >"$T/list.txt" 2>&1 ||
	    { cat "$T/list.txt" >&2; fail "keytool cannot list $2"; }
	awk '
	/^Alias name: / { if (a != "") print a "|" t "|" n "|" f;
		a = substr($0, 13); t = ""; n = ""; f = "" }
	/^Entry type: / { t = substr($0, 13); if (t == "trustedCertEntry") n = 1 }
	/^Certificate chain length: / { n = substr($0, 27) }
	/^[ \t]*SHA256: / { sub(/^[ \t]*SHA256: /, ""); f = f (f == "" ? "" : ",") $0 }
	END { if (a != "") print a "|" t "|" n "|" f }' "$T/list.txt" | sort
}

# expect [-25] FILE WANT...: keytool 17's summary (and with -25 also
# Temurin 25's, when installed) must equal the WANT lines.  A JVM start
# costs ~0.5 s, so keytool 25 checks only a few representative files.
expect() {
	_k25=
	[ "$1" = -25 ] && { _k25=$KEYTOOL25; shift; }
	_f=$1
	shift
	printf '%s\n' "$@" | sort >"$T/want.txt"
	summary kt "$_f" >"$T/got.txt"
	diff -u "$T/want.txt" "$T/got.txt" >&2 ||
	    fail "$_f: keytool 17 listing differs"
	if [ -n "$_k25" ]; then
		summary kt25 "$_f" >"$T/got.txt"
		diff -u "$T/want.txt" "$T/got.txt" >&2 ||
		    fail "$_f: keytool 25 listing differs"
	fi
}

# certreq FILE ALIAS: keytool recovers the key (PKCS#12: key password =
# store password) and signs a CSR that verifies.
certreq() {
	kt -certreq -keystore "$1" -alias "$2" -storepass:env OP \
	    -file "$T/req.csr" >"$T/cr.txt" 2>&1 ||
	    { cat "$T/cr.txt" >&2; fail "keytool -certreq $2 on $1"; }
	openssl req -in "$T/req.csr" -noout -verify >/dev/null 2>&1 ||
	    fail "$1: CSR of $2 does not verify"
}

# scheme FILE PATTERN: openssl pkcs12 -info shows PATTERN.
scheme() {
	openssl pkcs12 -info -in "$1" -passin env:OP -nokeys -nocerts \
	    ${3:-} >"$T/info.txt" 2>&1
	grep -q "$2" "$T/info.txt" ||
	    { cat "$T/info.txt" >&2; fail "$1: no '$2' in openssl -info"; }
}

# 1. OpenSSL-made key + trust store rewritten with its own scheme: the key
# entry's alias is lower-cased as Java does, "LabRoot" stays trusted.
OP=storepass; export OP
P12PASS=storepass "$PT" rewrite "$SAMPLES/sample-openssl30-key-and-trust.p12" \
    "$T/a.p12" || fail "rewrite sample-openssl30-key-and-trust.p12"
expect -25 "$T/a.p12" "myserver|PrivateKeyEntry|3|$FP_SRV2,$FP_INT,$FP_ROOT" \
    "labroot|trustedCertEntry|1|$FP_ROOT"
certreq "$T/a.p12" myserver
scheme "$T/a.p12" "MAC: sha256, Iteration 10000"
scheme "$T/a.p12" "PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000"

# 2. The negative sample rewritten: still what Java showed (trusted).
P12PASS=storepass "$PT" rewrite "$SAMPLES/bad-leaf-trusted.p12" "$T/b.p12" ||
    fail "rewrite bad-leaf-trusted.p12"
expect "$T/b.p12" "myserver|trustedCertEntry|1|$FP_SRV2" \
    "labroot|trustedCertEntry|1|$FP_ROOT"

# 3. New password: keys recovered and encrypted again; the old one fails.
OP=n3wpass
P12PASS=storepass P12NEWPASS=n3wpass P12RECOVER=1 "$PT" rewrite \
    "$SAMPLES/sample-jdk17-converted-from-jks.p12" "$T/c.p12" ||
    fail "rewrite sample-jdk17-converted-from-jks.p12"
expect "$T/c.p12" "server|PrivateKeyEntry|3|$FP_CONV,$FP_INT,$FP_ROOT"
certreq "$T/c.p12" server
OP=storepass
kt -list -keystore "$T/c.p12" -storepass:env OP >"$T/old.txt" 2>&1 &&
    fail "keytool opened the rewritten store with the old password"

# 4. Passwordless: any password lists it, and no MAC is written.
OP=any-password
"$PT" rewrite "$SAMPLES/sample-jdk25-passwordless.p12" "$T/d.p12" ||
    fail "rewrite sample-jdk25-passwordless.p12"
expect -25 "$T/d.p12" "labroot|trustedCertEntry|1|$FP_ROOT" \
    "labint|trustedCertEntry|1|$FP_INT"
scheme "$T/d.p12" "MAC is absent"

# 5. Legacy algorithms kept (the legacy provider is installed here).
OP=storepass
P12PASS=storepass "$PT" rewrite "$SAMPLES/sample-legacy-algs-jdk17.p12" \
    "$T/e.p12" || fail "rewrite sample-legacy-algs-jdk17.p12"
expect "$T/e.p12" "server|PrivateKeyEntry|1|$FP_LEGACY"
certreq "$T/e.p12" server
scheme "$T/e.p12" "pbeWithSHA1And40BitRC2-CBC" -legacy
# ... or modernised on request (the stored 3DES key is kept as it is).
P12PASS=storepass P12DEFAULTS=1 "$PT" rewrite \
    "$SAMPLES/sample-legacy-algs-jdk17.p12" "$T/e2.p12" ||
    fail "rewrite sample-legacy-algs-jdk17.p12 with defaults"
scheme "$T/e2.p12" "PKCS7 Encrypted data: PBES2"
scheme "$T/e2.p12" "MAC: sha256, Iteration 10000"

# 6. A new store from PEM files (fresh encryption of a new key), with and
# without a password.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/ca.key" -out "$T/ca.pem" -subj "/CN=P12 Test CA" -days 30 \
    -addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1 ||
    fail "openssl: CA"
openssl req -newkey rsa:2048 -nodes -keyout "$T/srv.key" -out "$T/srv.csr" \
    -subj "/CN=p12.example.com" >/dev/null 2>&1 || fail "openssl: CSR"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
    -CAcreateserial -days 30 -out "$T/srv.pem" >/dev/null 2>&1 ||
    fail "openssl: sign"
cat "$T/srv.pem" "$T/ca.pem" >"$T/chain.pem"
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }
FP_S=$(fp "$T/srv.pem")
FP_C=$(fp "$T/ca.pem")
OP=buildpass
P12NEWPASS=buildpass "$PT" build "$T/f.p12" MixedCase "$T/srv.key" \
    "$T/chain.pem" TestCA "$T/ca.pem" LabRoot "$SAMPLES/certs/ca.pem" ||
    fail "build f.p12"
expect -25 "$T/f.p12" "mixedcase|PrivateKeyEntry|2|$FP_S,$FP_C" \
    "testca|trustedCertEntry|1|$FP_C" "labroot|trustedCertEntry|1|$FP_ROOT"
certreq "$T/f.p12" mixedcase
P12PASSWORDLESS=1 P12NEWPASS=buildpass "$PT" build "$T/g.p12" srv \
    "$T/srv.key" "$T/chain.pem" TestCA "$T/ca.pem" || fail "build g.p12"
expect "$T/g.p12" "srv|PrivateKeyEntry|2|$FP_S,$FP_C" \
    "testca|trustedCertEntry|1|$FP_C"
certreq "$T/g.p12" srv
scheme "$T/g.p12" "MAC is absent"

# 7. keytool writes, we read and rewrite: a secret key and a key entry
# whose alias keytool lower-cased.
OP=ktpass
kt -genseckey -alias AesKey -keyalg AES -keysize 128 -storetype PKCS12 \
    -keystore "$T/h.p12" -storepass:env OP >/dev/null 2>&1 ||
    fail "keytool -genseckey"
kt -genkeypair -alias Web -keyalg EC -groupname secp256r1 -dname CN=web \
    -keystore "$T/h.p12" -storepass:env OP >/dev/null 2>&1 ||
    fail "keytool -genkeypair"
P12PASS=ktpass "$PT" list "$T/h.p12" >"$T/ours.txt" || fail "list h.p12"
grep -q "^aeskey	SecretKeyEntry	0	-" "$T/ours.txt" ||
    { cat "$T/ours.txt" >&2; fail "secret key not read"; }
grep -q "^web	PrivateKeyEntry	1	" "$T/ours.txt" ||
    { cat "$T/ours.txt" >&2; fail "key entry not read"; }
P12PASS=ktpass "$PT" rewrite "$T/h.p12" "$T/i.p12" || fail "rewrite h.p12"
summary kt "$T/i.p12" >"$T/got.txt"
grep -q "^aeskey|SecretKeyEntry|" "$T/got.txt" ||
    { cat "$T/got.txt" >&2; fail "keytool lost the secret key"; }
grep -q "^web|PrivateKeyEntry|1|" "$T/got.txt" ||
    { cat "$T/got.txt" >&2; fail "keytool lost the key entry"; }
certreq "$T/i.p12" web
exit 0
