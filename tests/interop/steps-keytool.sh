#!/bin/sh
# Every writing step checked by keytool 17 (and Temurin 25 when installed):
# genkey (PKCS12 and JKS, RSA and EC, RSA 4096 once), import-cert (a bundle
# becomes one entry per certificate, aliases from the CN), import-pem
# (traditional encrypted RSA, encrypted PKCS#8 EC, chain in any order and
# completed from the keystore), import-reply.  keytool -list -v must show
# exactly the aliases, entry types, chain lengths and SHA-256 fingerprints
# intended, and keytool -certreq must recover every key we wrote (JKS:
# with its own key password).  Also export (PEM/DER/chain) against
# openssl, and that no password is ever on a child's argv.
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

SP='Stp-St0re-5q1z'
KP='Stp-K3y-8m3v'
PP='Stp-Phr4se-2c6'
export SP KP PP

# x CMD ARGS...: run a child after checking no password is on its argv.
x() {
	for _a in "$@"; do
		case $_a in
		*"$SP"*|*"$KP"*|*"$PP"*) fail "a password on a child's argv: $*" ;;
		esac
	done
	"$@"
}
td() { x "$TLSDECK" "$@"; }
ossl() { x openssl "$@"; }
fp() { ossl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }
# the SHA-256 of the first certificate in a step's JSON output
jfp() { sed -n 's/^ *"sha256": "\(.*\)",*$/\1/p' "$1" | head -1; }

# summary KEYTOOL FILE: sorted "alias|type|chain length|fp,fp,..." lines
summary() {
	x $1 -list -v -keystore "$2" -storepass:env SP >"$T/list.txt" 2>&1 ||
	    { cat "$T/list.txt" >&2; fail "$1 cannot list $2"; }
	awk '
	/^Alias name: / { if (a != "") print a "|" t "|" n "|" f;
		a = substr($0, 13); t = ""; n = ""; f = "" }
	/^Entry type: / { t = substr($0, 13); if (t == "trustedCertEntry") n = 1 }
	/^Certificate chain length: / { n = substr($0, 27) }
	/^[ \t]*SHA256: / { sub(/^[ \t]*SHA256: /, ""); f = f (f == "" ? "" : ",") $0 }
	END { if (a != "") print a "|" t "|" n "|" f }' "$T/list.txt" | sort
}
# expect FILE WANT...: keytool 17's (and 25's) listing is exactly WANT
expect() {
	_f=$1
	shift
	printf '%s\n' "$@" | sort >"$T/want.txt"
	summary kt "$_f" >"$T/got.txt"
	diff -u "$T/want.txt" "$T/got.txt" >&2 ||
	    fail "$_f: keytool 17 listing differs"
	if [ -n "$KEYTOOL25" ]; then
		summary kt25 "$_f" >"$T/got.txt"
		diff -u "$T/want.txt" "$T/got.txt" >&2 ||
		    fail "$_f: keytool 25 listing differs"
	fi
}
# certreq KEYTOOL FILE ALIAS [KEYPASS-VAR]: the key is recovered and signs
certreq() {
	_kp=
	[ $# -ge 4 ] && _kp="-keypass:env $4"
	x $1 -certreq -keystore "$2" -alias "$3" -storepass:env SP $_kp \
	    -file "$T/kt.csr" >"$T/cr.txt" 2>&1 ||
	    { cat "$T/cr.txt" >&2; fail "$1 -certreq $3 in $2"; }
	ossl req -in "$T/kt.csr" -noout -verify >/dev/null 2>&1 ||
	    fail "CSR from $3 does not verify"
}

cd "$T" || exit 1
# ---- the command contract: --help, usage errors (exit 2) ----------------------
for c in genkey csr import-reply import-cert import-pem export; do
	td $c --help >h.txt || fail "$c --help"
	grep -q "^usage: tlsdeck $c " h.txt || fail "$c --help: $(head -1 h.txt)"
	td $c >/dev/null 2>&1
	[ $? -eq 2 ] || fail "$c without arguments: not a usage error"
	td $c x.p12 --no-such-option >/dev/null 2>&1
	[ $? -eq 2 ] || fail "$c with an unknown option: not a usage error"
done
td genkey x.p12 --alias a --dname CN=a --keysize big >/dev/null 2>&1
[ $? -eq 2 ] || fail "genkey --keysize big: not a usage error"
td genkey x.p12 --alias a --dname "CN=a, BOGUS=1" --storepass-env SP \
    >o.txt 2>e.txt
[ $? -eq 1 ] || fail "genkey bad dname: exit code"
[ "$(wc -l <e.txt)" -eq 1 ] && grep -q '^tlsdeck: .*BOGUS' e.txt ||
    fail "error is not one line 'tlsdeck: ...': $(cat e.txt)"
[ ! -e x.p12 ] || fail "a refused genkey created the file"

# ---- a test CA (EC, fast) and certificates for import-pem ---------------------
cat >ca.ext <<'EOF'
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ srv ]
basicConstraints = CA:FALSE
subjectAltName = DNS:pem.example.com
EOF
ossl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout root.key -out root.pem -days 3650 -subj "/CN=Steps Root CA" \
    -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null || fail "root"
ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout int.key -out int.csr -subj "/CN=Steps Int CA" 2>/dev/null
ossl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial \
    -days 3000 -extfile ca.ext -extensions v3_ca -out int.pem 2>/dev/null ||
    fail "intermediate"
# signed KEYFILE NAME: a server certificate for KEYFILE's key -> NAME.pem
signed() {
	ossl req -new -key "$1" -passin env:PP -subj "/CN=$2.example.com" \
	    -out "$2.csr" 2>/dev/null || fail "request for $2"
	ossl x509 -req -in "$2.csr" -CA int.pem -CAkey int.key \
	    -CAcreateserial -days 365 -extfile ca.ext -extensions srv \
	    -out "$2.pem" 2>/dev/null || fail "signing $2"
}
# traditional encrypted RSA ("Proc-Type: 4,ENCRYPTED") and encrypted PKCS#8 EC
ossl genrsa -traditional -aes256 -passout env:PP -out rsa-trad.key 2048 \
    2>/dev/null || fail "genrsa"
grep -q 'Proc-Type: 4,ENCRYPTED' rsa-trad.key || fail "not a traditional key"
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes256 \
    -pass env:PP -out ec-p8.key 2>/dev/null || fail "genpkey"
grep -q 'BEGIN ENCRYPTED PRIVATE KEY' ec-p8.key || fail "not encrypted PKCS#8"
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out plain.key \
    2>/dev/null || fail "genpkey plain"
signed rsa-trad.key pemrsa
signed ec-p8.key pemec
signed plain.key pemplain
cat root.pem int.pem >cas.pem
R=$(fp root.pem)
I=$(fp int.pem)

# ---- PKCS12 --------------------------------------------------------------------
td genkey s.p12 --alias rsa --dname "CN=rsa.example.com, O=Steps" \
    --san dns:rsa.example.com --storepass-env SP --format json >g1.json ||
    fail "genkey rsa"
grep -q '"key": "RSA 2048"' g1.json || fail "default key is not RSA 2048"
# validity = notAfter - notBefore (days_left depends on the clock)
validity() {
	_nb=$(sed -n 's/^ *"not_before": "\(.*\)",$/\1/p' "$1" | head -1)
	_na=$(sed -n 's/^ *"not_after": "\(.*\)",$/\1/p' "$1" | head -1)
	echo $(( ($(date -u -d "$_na" +%s) - $(date -u -d "$_nb" +%s)) / 86400 ))
}
[ "$(validity g1.json)" = 3650 ] || fail "default validity is not 3650 days"
td genkey s.p12 --alias ec384 --keyalg ec --curve P-384 --dname "CN=ec" \
    --storepass-env SP --keypass-env KP --format json >g2.json 2>g2.err ||
    fail "genkey ec"
grep -q 'ignored' g2.err || fail "PKCS12 key password: no note"
td import-cert s.p12 cas.pem --storepass-env SP >ic.txt 2>&1 ||
    { cat ic.txt >&2; fail "import-cert"; }
# a trusted certificate already there, and an alias clash: refused
cp s.p12 s.before
td import-cert s.p12 int.pem --alias other --storepass-env SP >o.txt 2>&1 &&
    fail "duplicate certificate imported"
grep -q 'already present under alias "steps-int-ca"' o.txt ||
    fail "duplicate message: $(cat o.txt)"
td import-cert s.p12 pemec.pem --alias rsa --storepass-env SP >o.txt 2>&1 &&
    fail "alias clash accepted"
grep -q 'alias "rsa" already exists' o.txt || fail "clash message: $(cat o.txt)"
td genkey s.p12 --alias rsa --dname "CN=x" --storepass-env SP >o.txt 2>&1 &&
    fail "genkey over an existing alias"
cmp -s s.p12 s.before || fail "a refused step changed s.p12"
# import-pem: leaf only (completed from the keystore); shuffled chain
td import-pem s.p12 --alias pemrsa --key rsa-trad.key --cert pemrsa.pem \
    --key-passphrase-env PP --storepass-env SP >o.txt 2>&1 ||
    { cat o.txt >&2; fail "import-pem traditional RSA"; }
cat root.pem pemec.pem int.pem >pemec-chain.pem
td import-pem s.p12 --alias pemec --key ec-p8.key --cert pemec-chain.pem \
    --key-passphrase-file /dev/stdin --storepass-env SP >o.txt 2>&1 <<EOF ||
$PP
EOF
    { cat o.txt >&2; fail "import-pem PKCS#8 EC"; }
# wrong pass phrase, key not matching: refused
td import-pem s.p12 --alias bad --key ec-p8.key --cert pemec.pem \
    --key-passphrase-env SP --storepass-env SP >o.txt 2>&1 &&
    fail "wrong pass phrase accepted"
td import-pem s.p12 --alias bad --key plain.key --cert pemec.pem \
    --storepass-env SP >o.txt 2>&1 && fail "mismatched key accepted"
grep -q 'matches none' o.txt || fail "mismatch message: $(cat o.txt)"
# import-reply: our key, signed by the intermediate, reply leaf + int
td genkey s.p12 --alias srv --keyalg ec --dname "CN=srv.example.com" \
    --san dns:srv.example.com --storepass-env SP >/dev/null || fail "genkey srv"
td csr s.p12 --alias srv -o srv.csr --storepass-env SP 2>/dev/null ||
    fail "csr srv"
ossl x509 -req -in srv.csr -CA int.pem -CAkey int.key -CAcreateserial \
    -days 365 -copy_extensions copy -out srv.pem 2>/dev/null || fail "sign srv"
cat srv.pem int.pem >srv-reply.pem
td import-reply s.p12 --alias srv srv-reply.pem --storepass-env SP \
    --format json >r.json 2>&1 || { cat r.json >&2; fail "import-reply"; }
grep -q '"root": "keystore"' r.json || fail "reply root not from the keystore"

expect s.p12 \
    "rsa|PrivateKeyEntry|1|$(jfp g1.json)" \
    "ec384|PrivateKeyEntry|1|$(jfp g2.json)" \
    "steps-root-ca|trustedCertEntry|1|$R" \
    "steps-int-ca|trustedCertEntry|1|$I" \
    "pemrsa|PrivateKeyEntry|3|$(fp pemrsa.pem),$I,$R" \
    "pemec|PrivateKeyEntry|3|$(fp pemec.pem),$I,$R" \
    "srv|PrivateKeyEntry|3|$(fp srv.pem),$I,$R"
# keys protected anew (genkey RSA, import-pem EC) and one kept as it was
# (import-reply rewrites the file, the key bytes unchanged)
for a in rsa pemec srv; do
	certreq kt s.p12 $a
done
[ -n "$KEYTOOL25" ] && certreq kt25 s.p12 pemrsa

# ---- JKS -----------------------------------------------------------------------
td genkey s.jks --storetype jks --alias Big --keysize 4096 --dname "CN=big" \
    --storepass-env SP --keypass-env KP --format json >j1.json ||
    fail "genkey RSA 4096 JKS"
grep -q '"sig_alg": "SHA384withRSA"' j1.json || fail "RSA 4096 not SHA-384"
grep -q '"aliases": \[' j1.json && grep -q '"big"' j1.json ||
    fail "JKS alias not lower-cased"
td genkey s.jks --alias eckey --keyalg ec --dname "CN=eckey" --days 30 \
    --storepass-env SP --format json >j2.json || fail "genkey EC JKS"
[ "$(validity j2.json)" = 30 ] || fail "--days"
td genkey s.jks --storetype pkcs12 --alias x --dname "CN=x" \
    --storepass-env SP >o.txt 2>&1 && fail "--storetype mismatch accepted"
td import-cert s.jks root.pem --alias Lab --storepass-env SP >/dev/null 2>&1 ||
    fail "import-cert JKS"
td import-pem s.jks --alias pem --key plain.key --cert pemplain.pem \
    --cert int.pem --storepass-env SP --keypass-env KP >o.txt 2>&1 ||
    { cat o.txt >&2; fail "import-pem JKS"; }
td csr s.jks --alias eckey -o eckey.csr --storepass-env SP 2>/dev/null ||
    fail "csr eckey"
ossl x509 -req -in eckey.csr -CA int.pem -CAkey int.key -CAcreateserial \
    -days 365 -copy_extensions copy -out eckey.pem 2>/dev/null ||
    fail "sign eckey"
td import-reply s.jks --alias eckey eckey.pem int.pem --storepass-env SP \
    >o.txt 2>&1 || { cat o.txt >&2; fail "import-reply JKS"; }
expect s.jks \
    "big|PrivateKeyEntry|1|$(jfp j1.json)" \
    "eckey|PrivateKeyEntry|3|$(fp eckey.pem),$I,$R" \
    "lab|trustedCertEntry|1|$R" \
    "pem|PrivateKeyEntry|3|$(fp pemplain.pem),$I,$R"
certreq kt s.jks big KP
certreq kt s.jks eckey
certreq kt s.jks pem KP
[ -n "$KEYTOOL25" ] && certreq kt25 s.jks big KP

# ---- export --------------------------------------------------------------------
td export s.p12 --alias pemec -o leaf.pem --storepass-env SP 2>/dev/null ||
    fail "export"
[ "$(fp leaf.pem)" = "$(fp pemec.pem)" ] || fail "exported leaf differs"
td export s.p12 --alias pemec --chain -o - --storepass-env SP >chain.pem || fail "export chain"
[ "$(grep -c 'BEGIN CERTIFICATE' chain.pem)" = 3 ] || fail "chain not 3"
ossl verify -CAfile root.pem -untrusted chain.pem chain.pem >/dev/null ||
    fail "exported chain does not verify"
td export s.jks --alias lab --format der -o lab.der --storepass-env SP \
    2>/dev/null || fail "export DER"
[ "$(ossl x509 -inform DER -in lab.der -noout -fingerprint -sha256 |
    sed 's/.*=//')" = "$R" ] || fail "DER export differs"
td export s.p12 --alias pemec --chain --format der -o c.der \
    --storepass-env SP >o.txt 2>&1 && fail "DER chain accepted"
cp leaf.pem leaf.before
td export s.p12 --alias rsa -o leaf.pem --storepass-env SP >o.txt 2>&1 &&
    fail "export overwrote a file"
cmp -s leaf.pem leaf.before || fail "refused export changed the file"
td export s.p12 --alias rsa -o leaf.pem --force --storepass-env SP \
    2>/dev/null || fail "export --force"
[ "$(fp leaf.pem)" = "$(jfp g1.json)" ] || fail "forced export differs"
echo "ok"
exit 0
