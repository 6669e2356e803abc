#!/bin/sh
# JKS files written by our codec (core/jks.c, driven by tests/tools/jks-tool)
# must be read by real keytool: the same aliases, entry types and SHA-256
# fingerprints, and keys that keytool -certreq can recover (and sign with:
# openssl req -verify checks the CSR signature against the certificate key).
. "$TOP_SRCDIR/tests/lib.sh"
need_keytool
JT=$TOP_BUILDDIR/tests/tools/jks-tool
[ -x "$JT" ] || skip "tests/tools/jks-tool not built"

FP_ROOT=65:12:BA:DE:EC:EB:09:7C:8F:B0:3F:F8:BE:0B:80:B4:39:1E:15:B0:89:FD:CA:75:8E:7F:29:04:A3:9B:D8:52
FP_INT=CC:4A:83:AE:72:0F:52:29:FF:88:5A:21:95:63:94:23:EC:FF:4D:60:B2:FC:10:0B:EE:3D:CE:CE:CA:19:C0:AD
FP_SRV=33:AF:7D:0D:19:D3:A3:2F:8B:E4:0F:53:4E:29:3D:BC:0E:BE:29:9F:93:C8:33:6E:2F:BF:15:25:74:73:F8:48
FP_JSRV=83:A3:05:96:9B:27:2D:2B:AC:A7:DA:32:9C:BF:5D:28:93:8B:48:09:43:3F:42:B7:33:74:29:0A:D0:0A:4F:4D
FP_RSA=3D:E4:A1:8F:07:D6:E1:7A:BC:40:70:F0:48:82:36:C2:3B:8A:FD:55:A5:B2:BB:64:8C:42:C1:1D:62:B5:D8:B2
FP_EC=18:28:81:94:60:D6:3D:69:FD:6C:92:EB:5E:ED:55:B9:3A:00:D9:9E:73:10:C8:4F:72:0B:54:51:93:2B:CA:07

# summary KEYTOOL FILE: "alias|type|fp,fp,..." per entry, sorted (store
# password in $OP).
summary() {
	$1 -list -v -keystore "$2" -storepass:env OP >"$T/list.txt" 2>&1 ||
	    { cat "$T/list.txt" >&2; fail "keytool cannot list $2"; }
	awk '
	/^Alias name: / { if (a != "") print a "|" t "|" f;
		a = substr($0, 13); t = ""; f = "" }
	/^Entry type: / { t = substr($0, 13) }
	/^[ \t]*SHA256: / { sub(/^[ \t]*SHA256: /, ""); f = f (f == "" ? "" : ",") $0 }
	END { if (a != "") print a "|" t "|" f }' "$T/list.txt" | sort
}

# expect KEYTOOL FILE WANT...: the summary must equal the WANT lines.
expect() {
	_k=$1 _f=$2
	shift 2
	printf '%s\n' "$@" | sort >"$T/want.txt"
	summary "$_k" "$_f" >"$T/got.txt"
	diff -u "$T/want.txt" "$T/got.txt" >&2 || fail "$_f: keytool listing differs"
}

# certreq KEYTOOL FILE ALIAS: keytool recovers the key (password in $KP)
# and signs a CSR that verifies.
certreq() {
	$1 -certreq -keystore "$2" -alias "$3" -storepass:env OP \
	    -keypass:env KP -file "$T/req.csr" >"$T/cr.txt" 2>&1 ||
	    { cat "$T/cr.txt" >&2; fail "keytool -certreq $3 on $2"; }
	openssl req -in "$T/req.csr" -noout -verify >/dev/null 2>&1 ||
	    fail "$2: CSR of $3 does not verify"
}

# 1. keytool 17 store: key re-protected with a new key password.
JT_STOREPASS=storepass JT_KEYPASS=keypass1 JT_NEWKEYPASS=newkeypass1 \
JT_OUTPASS=outpass1 "$JT" rewrite "$SAMPLES/sample-jks17.jks" "$T/a.jks" ||
    fail "rewrite sample-jks17.jks"
OP=outpass1; export OP
expect kt "$T/a.jks" "labint|trustedCertEntry|$FP_INT" \
    "labroot|trustedCertEntry|$FP_ROOT" \
    "server|PrivateKeyEntry|$FP_SRV,$FP_INT,$FP_ROOT"
KP=newkeypass1; export KP
certreq kt "$T/a.jks" server
# The old key password must no longer work.
KP=keypass1
kt -certreq -keystore "$T/a.jks" -alias server -storepass:env OP \
    -keypass:env KP -file "$T/bad.csr" >"$T/cr.txt" 2>&1 &&
    fail "keytool recovered the key with the old key password"
grep -q "Cannot recover key" "$T/cr.txt" || fail "unexpected keytool error"

# 2. Non-Java writer store rewritten with the protected keys kept as is.
JT_STOREPASS=storepass JT_OUTPASS=outpass2 "$JT" rewrite \
    "$SAMPLES/sample-jks-nonjava-writer.jks" "$T/b.jks" ||
    fail "rewrite sample-jks-nonjava-writer.jks"
OP=outpass2
expect kt "$T/b.jks" "eckey|PrivateKeyEntry|$FP_EC" \
    "rsakey|PrivateKeyEntry|$FP_RSA,$FP_INT,$FP_ROOT"
KP=keypass2
certreq kt "$T/b.jks" eckey

# 3. Upper-case alias lower-cased: keytool can now list it.
JT_STOREPASS=changeit JT_OUTPASS=changeit "$JT" rewrite \
    "$SAMPLES/bad-uppercase-alias.jks" "$T/c.jks" ||
    fail "rewrite bad-uppercase-alias.jks"
OP=changeit
expect kt "$T/c.jks" "labint|trustedCertEntry|$FP_INT" \
    "labroot|trustedCertEntry|$FP_ROOT"
# (a control: the same check must fail on the original file)
( expect kt "$SAMPLES/bad-uppercase-alias.jks" \
    "labint|trustedCertEntry|$FP_INT" "labroot|trustedCertEntry|$FP_ROOT" \
    ) 2>/dev/null && fail "the listing check passed on bad-uppercase-alias.jks"

# 4. JCEKS converted to JKS (secret key dropped, 3DES key re-protected),
#    with a non-ASCII store password.
JT_STOREPASS=storepass JT_KEYPASS=keypass1 JT_OUTPASS="pässwörd" \
"$JT" rewrite "$SAMPLES/sample-jceks17.jceks" "$T/d.jks" ||
    fail "rewrite sample-jceks17.jceks"
OP="pässwörd"
expect kt "$T/d.jks" "labroot|trustedCertEntry|$FP_ROOT" \
    "server|PrivateKeyEntry|$FP_JSRV"
# The key password defaults to the new store password: keytool 17 accepts
# a non-ASCII one for the JKS key protector (it hashes UTF-16 chars).
KP="pässwörd"
certreq kt "$T/d.jks" server

# 5. Temurin 25 reads what we wrote too.
if [ -n "$KEYTOOL25" ]; then
	OP=outpass1 KP=newkeypass1
	expect kt25 "$T/a.jks" "labint|trustedCertEntry|$FP_INT" \
	    "labroot|trustedCertEntry|$FP_ROOT" \
	    "server|PrivateKeyEntry|$FP_SRV,$FP_INT,$FP_ROOT"
	certreq kt25 "$T/a.jks" server
fi
exit 0
