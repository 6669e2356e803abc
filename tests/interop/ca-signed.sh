#!/bin/sh
# The CA-signed path end to end (docs/formats.md, certreq and CA replies): a
# test CA made with openssl (root + intermediate), our genkey and csr (the
# SANs kept: openssl req -text), the request signed by the intermediate,
# and the reply installed with tlsdeck import-reply as root, intermediate
# and server in every order (separate files), as one bundle, as PKCS#7
# (PEM and DER): keytool 17 shows a chain of 3 each time.  A leaf-only
# reply is completed from the keystore; with nothing to complete it is
# refused (file unchanged) unless --allow-untrusted.  Wrong-key and
# identical replies are refused.  No password is ever on a child's argv.
# Scratch files on tmpfs when there is one: dozens of safe writes, each with
# its fsyncs, are slow on a busy disk and durability is not tested here.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi
. "$TOP_SRCDIR/tests/lib.sh"
# keytool with a lighter JIT and GC: half the CPU of a default JVM start.
JFAST="-J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -J-XX:CICompilerCount=1"
kt() { "$KEYTOOL17" $JFAST -J-Duser.language=en -J-Duser.country=US \
    -J-Duser.timezone=UTC "$@"; }
kt25() { "$KEYTOOL25" $JFAST -J-Duser.language=en -J-Duser.country=US \
    -J-Duser.timezone=UTC "$@"; }
need_keytool
command -v openssl >/dev/null 2>&1 || skip "openssl not installed"
unset JAVA_HOME
export TLSDECK_BACKUP_DIR="$T/backups"

SP='Ca-St0re-9x2k'
KP='Ca-K3y-4p8w'
export SP KP

# x CMD ARGS...: run a child after checking no password is on its argv.
x() {
	for _a in "$@"; do
		case $_a in
		*"$SP"*|*"$KP"*) fail "a password on a child's argv: $*" ;;
		esac
	done
	"$@"
}
td() { x "$TLSDECK" "$@"; }
ossl() { x openssl "$@"; }

# listing FILE: "alias|chain length|fp1,fp2,..." per entry, from keytool 17
# (one JVM per keystore: the cases share keystores, one alias each).
listing() {
	x kt -list -v -keystore "$1" -storepass:env SP >"$T/kl.txt" 2>&1 ||
	    { cat "$T/kl.txt" >&2; fail "keytool -list $1"; }
	awk '/^Alias name: / { if (a != "") print a "|" n "|" f;
		a = substr($0, 13); n = 1; f = "" }
	/^Certificate chain length: / { n = substr($0, 27) }
	/^[ \t]*SHA256: / { sub(/^[ \t]*SHA256: /, ""); f = f (f == "" ? "" : ",") $0 }
	END { if (a != "") print a "|" n "|" f }' "$T/kl.txt" >"$1.list"
}
# chain FILE ALIAS: the line of ALIAS in FILE's listing, without the alias
chain() {
	sed -n "s/^$2|//p" "$1.list"
}
fp() {
	ossl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'
}

# ---- the test CA ------------------------------------------------------------
cd "$T" || exit 1
cat >ca.ext <<'EOF'
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
ossl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout root.key -out root.pem -days 3650 -subj "/O=Test/CN=Test Root CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null ||
    fail "openssl: root CA"
ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout int.key -out int.csr -subj "/O=Test/CN=Test Issuing CA" \
    2>/dev/null || fail "openssl: intermediate request"
ossl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial \
    -days 3000 -extfile ca.ext -extensions v3_ca -out int.pem 2>/dev/null ||
    fail "openssl: intermediate"

# sign ALIAS KEYSTORE: csr for ALIAS, signed by the intermediate -> ALIAS.pem
sign() {
	td csr "$2" --alias "$1" -o "$1.csr" --storepass-env SP 2>/dev/null ||
	    fail "csr $1"
	ossl x509 -req -in "$1.csr" -CA int.pem -CAkey int.key -CAcreateserial \
	    -days 365 -copy_extensions copy -out "$1.pem" 2>/dev/null ||
	    fail "openssl: signing the request of $1"
}

# ---- genkey + csr: the SANs are kept -------------------------------------------
td genkey main.p12 --alias server --dname "CN=srv.example.com, O=Example" \
    --san dns:srv.example.com,dns:www.example.com,ip:10.0.0.5 \
    --storepass-env SP >/dev/null || fail "genkey"
sign server main.p12
ossl req -in server.csr -noout -verify >/dev/null 2>&1 ||
    fail "CSR does not verify"
ossl req -in server.csr -noout -text >req.txt || fail "openssl req -text"
grep -q 'DNS:srv.example.com, DNS:www.example.com, IP Address:10.0.0.5' \
    req.txt || { cat req.txt >&2; fail "CSR lost the SANs"; }
grep -q 'Subject: O = Example, CN = srv.example.com' req.txt ||
    { cat req.txt >&2; fail "CSR subject"; }
ossl x509 -in server.pem -noout -ext subjectAltName |
    grep -q 'DNS:www.example.com' || fail "signed certificate lost the SANs"
# -o refuses to overwrite
td csr main.p12 --alias server -o server.csr --storepass-env SP 2>err.txt &&
    fail "csr overwrote its output"
grep -q 'already exists' err.txt || fail "csr overwrite message: $(cat err.txt)"

# One key entry per case in main.p12 (EC: fast), each with its own reply.
CASES="p1 p2 p3 p4 p5 p6 bundle p7pem p7der lo"
for a in $CASES; do
	td genkey main.p12 --alias $a --keyalg ec --dname "CN=$a.example.com" \
	    --san dns:$a.example.com --storepass-env SP >/dev/null ||
	    fail "genkey $a"
	sign $a main.p12
done
want() { echo "3|$(fp $1.pem),$(fp int.pem),$(fp root.pem)"; }

# ---- the reply in every order, separate files ----------------------------------
n=0
for order in "root int leaf" "root leaf int" "int root leaf" "int leaf root" \
    "leaf root int" "leaf int root"; do
	n=$((n + 1))
	set -- $order
	files=
	for f in "$@"; do
		[ $f = leaf ] && f=p$n
		files="$files $f.pem"
	done
	td import-reply main.p12 --alias p$n $files --storepass-env SP \
	    >out.txt 2>&1 || { cat out.txt >&2; fail "import-reply order $order"; }
	grep -q 'Certificate chain (3' out.txt || fail "chain not shown ($order)"
done

# ---- one bundle (root first), PKCS#7 PEM and DER --------------------------------
cat root.pem bundle.pem int.pem >bundle-reply.pem
cat p7pem.pem int.pem root.pem >b2.pem
ossl crl2pkcs7 -nocrl -certfile b2.pem -out reply.p7b || fail "crl2pkcs7"
cat root.pem int.pem p7der.pem >b3.pem
ossl crl2pkcs7 -nocrl -certfile b3.pem -outform DER -out reply.p7d ||
    fail "crl2pkcs7 DER"
for c in "bundle bundle-reply.pem" "p7pem reply.p7b" "p7der reply.p7d"; do
	set -- $c
	td import-reply main.p12 --alias $1 $2 --storepass-env SP \
	    >out.txt 2>&1 || { cat out.txt >&2; fail "import-reply $2"; }
done

# ---- the same reply again: refused, file unchanged -----------------------------
cp main.p12 before.p12
td import-reply main.p12 --alias bundle bundle-reply.pem --storepass-env SP \
    >out.txt 2>&1 && fail "identical reply accepted"
grep -q 'already installed' out.txt || fail "identical reply: $(cat out.txt)"
cmp -s main.p12 before.p12 || fail "identical reply changed the file"

# ---- a reply for another key: refused, unchanged --------------------------------
ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout other.key -out other.csr -subj "/CN=srv.example.com" 2>/dev/null
ossl x509 -req -in other.csr -CA int.pem -CAkey int.key -CAcreateserial \
    -days 365 -out other.pem 2>/dev/null || fail "openssl: other"
td import-reply main.p12 --alias server other.pem --storepass-env SP \
    >out.txt 2>&1 && fail "wrong-key reply accepted"
grep -q "public keys in reply and keystore don't match" out.txt ||
    fail "wrong key: $(cat out.txt)"
cat other.pem int.pem root.pem >other-bundle.pem
td import-reply main.p12 --alias server other-bundle.pem --storepass-env SP \
    >out.txt 2>&1 && fail "wrong-key bundle accepted"
grep -q 'does not contain the public key' out.txt ||
    fail "wrong bundle: $(cat out.txt)"
cmp -s main.p12 before.p12 || fail "wrong-key reply changed the file"

# ---- leaf only, root and intermediate in the keystore -> chain of 3 ------------
td import-cert main.p12 root.pem int.pem --storepass-env SP >out.txt 2>&1 ||
    { cat out.txt >&2; fail "import-cert root + int"; }
grep -q 'test-root-ca:' out.txt || fail "alias from CN: $(cat out.txt)"
td import-reply main.p12 --alias lo lo.pem --storepass-env SP \
    --format json >out.json 2>err.txt || { cat err.txt >&2; fail "leaf only"; }
grep -q '"root": "keystore"' out.json || fail "leaf only: root not from keystore"
# the original self-signed entry with its reply too (RSA, SANs)
td import-reply main.p12 --alias server server.pem --storepass-env SP \
    >/dev/null 2>&1 || fail "import-reply server"

listing main.p12
for a in server $CASES; do
	got=$(chain main.p12 $a)
	[ "$got" = "$(want $a)" ] ||
	    fail "$a: keytool shows '$got', want '$(want $a)'"
done
got=$(chain main.p12 test-root-ca)
[ "$got" = "1|$(fp root.pem)" ] || fail "trusted root: $got"
# the key is still recoverable: keytool signs a request with it
x kt -certreq -keystore main.p12 -alias server -storepass:env SP \
    -file kt.csr >out.txt 2>&1 || { cat out.txt >&2; fail "keytool -certreq"; }
ossl req -in kt.csr -noout -verify >/dev/null 2>&1 || fail "keytool CSR verify"

# ---- other.p12: the leaf completed from a cacerts (--cacerts) -------------------
td import-cert cacerts.jks --storetype jks root.pem int.pem \
    --storepass-env SP >/dev/null 2>&1 || fail "making a cacerts"
td genkey other.p12 --alias ca --keyalg ec --dname "CN=ca.example.com" \
    --storepass-env SP >/dev/null || fail "genkey ca"
sign ca other.p12
td import-reply other.p12 --alias ca ca.pem --cacerts cacerts.jks \
    --storepass-env SP --format json >out.json 2>err.txt ||
    { cat err.txt >&2; fail "leaf completed from cacerts"; }
grep -q '"root": "cacerts"' out.json || fail "root not from cacerts"
listing other.p12
got=$(chain other.p12 ca)
[ "$got" = "$(want ca)" ] || fail "cacerts: keytool shows $got"

# ---- base.jks: a key password of its own; a leaf-only reply with nothing to
# complete it (JKS keeps each entry's chain as written, PKCS#12 does not) -----
td genkey base.jks --storetype jks --alias Server --keyalg ec \
    --dname "CN=srv.example.com, O=Example" --san dns:srv.example.com \
    --storepass-env SP --keypass-env KP >/dev/null 2>&1 || fail "genkey JKS"
td genkey base.jks --alias none --keyalg ec --dname "CN=none.example.com" \
    --storepass-env SP >/dev/null || fail "genkey none"
sign none base.jks
cp base.jks base.orig
td import-reply base.jks --alias none none.pem --storepass-env SP \
    >out.txt 2>&1
[ $? -eq 1 ] || fail "incomplete chain: exit code"
grep -q 'incomplete chain' out.txt || fail "incomplete chain: $(cat out.txt)"
cmp -s base.jks base.orig || fail "refused reply changed the file"
td import-reply base.jks --alias none none.pem --allow-untrusted \
    --storepass-env SP >out.txt 2>&1 ||
    { cat out.txt >&2; fail "--allow-untrusted"; }
td csr base.jks --alias server -o jks.csr --storepass-env SP \
    --keypass-env KP 2>/dev/null || fail "csr JKS"
ossl x509 -req -in jks.csr -CA int.pem -CAkey int.key -CAcreateserial \
    -days 365 -copy_extensions copy -out jleaf.pem 2>/dev/null ||
    fail "openssl: signing the JKS request"
td import-reply base.jks --alias server int.pem jleaf.pem root.pem \
    --storepass-env SP >out.txt 2>&1 ||
    { cat out.txt >&2; fail "import-reply JKS"; }
x kt -certreq -keystore base.jks -alias server -storepass:env SP \
    -keypass:env KP -file kt2.csr >out.txt 2>&1 ||
    { cat out.txt >&2; fail "keytool -certreq JKS with the key password"; }
ossl req -in kt2.csr -noout -verify >/dev/null 2>&1 || fail "JKS CSR verify"
listing base.jks
got=$(chain base.jks server)
[ "$got" = "3|$(fp jleaf.pem),$(fp int.pem),$(fp root.pem)" ] ||
    fail "JKS: keytool shows $got"
got=$(chain base.jks none)
[ "$got" = "1|$(fp none.pem)" ] || fail "allowed leaf only: keytool shows $got"
echo "ok"
exit 0
