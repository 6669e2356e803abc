#!/bin/sh
# SPDX-License-Identifier: ISC
# convert-keytool.sh -- tlsdeck convert against the real thing.  Keystores
# made by keytool (a JKS whose key password differs from the store
# password, trusted entries, aliases given in upper case; JCEKS with secret
# keys from keytool 17 and 25; PKCS#12 in both profiles) are converted both
# ways, and each result is read back:
#  - by the JVM of JDK 17 and Temurin 25 (tests/interop/KsDump.java): the
#    same aliases, entry types, certificate fingerprints, private keys that
#    sign for their certificate and secret keys with the same bytes;
#  - by keytool -certreq (the key is usable) and keytool -list;
#  - by OpenSSL 3, which needs -legacy exactly for the legacy profile;
#  - bag by bag against what keytool -importkeystore writes for the same
#    source, with and without -J-Dkeystore.pkcs12.legacy
#    (tests/interop/p12_shape.py);
#  - by a TLS handshake between the JDK's HTTPS server, serving the
#    converted key, and its client, trusting a converted truststore
#    (tests/interop/HttpsCheck.java).
# Slow (about 30 JVM starts): listed in test.sh's slow list.
. "$TOP_SRCDIR/tests/lib.sh"
need_keytool
J17=$(dirname "$KEYTOOL17")
[ -x "$J17/javac" ] || skip "javac 17 not installed"
command -v openssl >/dev/null 2>&1 || skip "openssl not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
J25=
[ -n "$KEYTOOL25" ] && J25=$(dirname "$KEYTOOL25")
SHAPE="python3 $TOP_SRCDIR/tests/interop/p12_shape.py"
CD=$TESTDATA/convert

cd "$T" || fail "cd $T"
TLSDECK_BACKUP_DIR=$T/backups
SP=storepass KP1=keypass1 KP2=keypass2 OP=storepass
export TLSDECK_BACKUP_DIR SP KP1 KP2 OP

"$J17/javac" -d "$T/classes" --release 17 \
    "$TOP_SRCDIR/tests/interop/KsDump.java" \
    "$TOP_SRCDIR/tests/interop/HttpsCheck.java" || fail "javac"
JF="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp $T/classes"

# dump JAVA_BIN FILE TYPE [KEYPASS_VAR]: what that JVM loads (KsDump).
dump() {
	KP=$(eval "printf %s \"\${${4:-SP}}\"") "$1/java" $JF KsDump "$2" "$3" \
	    >"$T/dump.out" 2>&1 ||
	    { cat "$T/dump.out" >&2; fail "$1/java cannot load $2"; }
	cat "$T/dump.out"
}
# same WHAT A B: two dumps are equal.
same() {
	diff -u "$2" "$3" >&2 || fail "$1: the JVM loads something else"
}
td() { "$TLSDECK" "$@"; }
conv() {
	td convert "$@" --storepass-env SP >"$T/conv.out" 2>&1 ||
	    { cat "$T/conv.out" >&2; fail "tlsdeck convert $*"; }
}
# certreq FILE ALIAS [TYPE]: keytool 17 recovers the key with the store
# password and signs a request that verifies.
certreq() {
	kt -certreq -keystore "$1" -alias "$2" -storepass:env SP \
	    -file "$T/req.csr" >"$T/cr.txt" 2>&1 ||
	    { cat "$T/cr.txt" >&2; fail "keytool -certreq $2 on $1"; }
	openssl req -in "$T/req.csr" -noout -verify >/dev/null 2>&1 ||
	    fail "$1: the request of $2 does not verify"
}
# ossl FILE legacy|modern: openssl pkcs12 reads the file with -legacy
# exactly when it is legacy.
ossl() {
	openssl pkcs12 -in "$1" -passin env:SP -nodes -out /dev/null \
	    2>/dev/null
	_plain=$?
	openssl pkcs12 -legacy -in "$1" -passin env:SP -nodes -out /dev/null \
	    2>/dev/null || fail "$1: openssl -legacy cannot read it"
	case $2 in
	legacy) [ $_plain != 0 ] || fail "$1: openssl reads it without -legacy" ;;
	*) [ $_plain = 0 ] || fail "$1: openssl needs -legacy for it" ;;
	esac
}
# profile FILE P: tlsdeck list names the profile.
profile() {
	td list "$1" --storepass-env SP --format json >"$T/l.json" ||
	    fail "tlsdeck list $1"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
assert d["profile"]==sys.argv[2], d["profile"]' "$T/l.json" "$2" ||
	    fail "$1: profile is not $2"
}

# ---- 1. a keytool JKS: key password differs, aliases given in upper case
kt -genkeypair -keystore a.jks -storetype JKS -storepass:env SP \
    -keypass:env KP2 -alias WebServer -keyalg RSA -keysize 2048 \
    -dname CN=localhost -ext SAN=dns:localhost,ip:127.0.0.1 -validity 30 \
    >kt.log 2>&1 || { cat kt.log; fail "keytool -genkeypair"; }
kt -importcert -noprompt -keystore a.jks -storetype JKS -storepass:env SP \
    -alias LabRoot -file "$SAMPLES/certs/ca.pem" >kt.log 2>&1 ||
    { cat kt.log; fail "keytool -importcert"; }
dump "$J17" a.jks JKS KP2 >a17.txt
grep -q '^webserver|PrivateKeyEntry|.*RSA signs$' a17.txt ||
    { cat a17.txt; fail "keytool's JKS is not as expected"; }
# without the key password: refused, nothing written
cp a.jks a-orig.jks
td convert a.jks --to pkcs12 --storepass-env SP </dev/null >x.out 2>&1 &&
    fail "converted without the key password"
grep -q 'has its own key password' x.out || { cat x.out; fail "message"; }
cmp -s a.jks a-orig.jks || fail "a refused convert changed a.jks"
conv a.jks --to pkcs12 -o a.p12 --keypass-env KP2
grep -q 'its key had its own password' conv.out || fail "no rekey note"
dump "$J17" a.p12 PKCS12 >a17p.txt
same "JKS -> PKCS12 (17)" a17.txt a17p.txt
if [ -n "$J25" ]; then
	dump "$J25" a.p12 PKCS12 >a25p.txt
	same "JKS -> PKCS12 (25)" a17.txt a25p.txt
fi
certreq a.p12 webserver
profile a.p12 modern
ossl a.p12 modern

# ... to the legacy profile in place, then back to JKS
conv a.p12 --to pkcs12 --profile legacy
grep -q '^Backup of the previous file: [0-9]' conv.out || fail "no backup"
profile a.p12 legacy
ossl a.p12 legacy
dump "$J17" a.p12 PKCS12 >a17l.txt
same "PKCS12 modern -> legacy" a17.txt a17l.txt
conv a.p12 --to jks -o a2.jks
dump "$J17" a2.jks JKS >a17j.txt
same "PKCS12 legacy -> JKS" a17.txt a17j.txt
certreq a2.jks webserver

# ---- 2. the JKS sample with a chain of 3, against keytool -importkeystore
conv "$SAMPLES/sample-jks17.jks" --to pkcs12 -o s.p12 --keypass-env KP1
conv "$SAMPLES/sample-jks17.jks" --to pkcs12 --profile legacy -o sl.p12 \
    --keypass-env KP1
kt -importkeystore -srckeystore "$SAMPLES/sample-jks17.jks" \
    -srcstoretype JKS -srcstorepass:env SP -srcalias server \
    -srckeypass:env KP1 -destkeystore kts.p12 -deststoretype PKCS12 \
    -deststorepass:env SP -destkeypass:env SP -noprompt >kt.log 2>&1 ||
    { cat kt.log; fail "keytool -importkeystore"; }
kt -J-Dkeystore.pkcs12.legacy -importkeystore \
    -srckeystore "$SAMPLES/sample-jks17.jks" -srcstoretype JKS \
    -srcstorepass:env SP -srcalias server -srckeypass:env KP1 \
    -destkeystore ktsl.p12 -deststoretype PKCS12 -deststorepass:env SP \
    -destkeypass:env SP -noprompt >kt.log 2>&1 ||
    { cat kt.log; fail "keytool -importkeystore (legacy)"; }
# keytool copied the key entry only: compare the key entry's bags
for f in s.p12 sl.p12 kts.p12 ktsl.p12; do
	$SHAPE "$f" | grep -v 'trust:' >"$f.shape" || fail "shape of $f"
done
diff -u kts.p12.shape s.p12.shape >&2 ||
    fail "modern: the bags differ from keytool 17's"
diff -u ktsl.p12.shape sl.p12.shape >&2 ||
    fail "legacy: the bags differ from keytool 17's"
certreq sl.p12 server

# ---- 3. JCEKS with secret keys, keytool 17 and 25
conv "$SAMPLES/sample-jceks17.jceks" --to pkcs12 -o c17.p12 --keypass-env KP1
dump "$J17" "$SAMPLES/sample-jceks17.jceks" JCEKS KP1 >c17.txt
grep -q '^aeskey|SecretKeyEntry|AES ' c17.txt || fail "no AES key in c17"
dump "$J17" c17.p12 PKCS12 >c17p.txt
same "JCEKS 17 -> PKCS12" c17.txt c17p.txt
# (every alias: keytool asks for each key password on its input)
printf '%s\n%s\n' "$KP1" "$KP1" | kt -importkeystore \
    -srckeystore "$SAMPLES/sample-jceks17.jceks" -srcstoretype JCEKS \
    -srcstorepass:env SP -destkeystore ktc17.p12 -deststoretype PKCS12 \
    -deststorepass:env SP -noprompt >kt.log 2>&1 ||
    { cat kt.log; fail "keytool -importkeystore (JCEKS)"; }
$SHAPE ktc17.p12 >ktc17.shape && $SHAPE c17.p12 >c17.shape ||
    fail "shape of the JCEKS conversions"
diff -u ktc17.shape c17.shape >&2 ||
    fail "JCEKS: the bags differ from keytool 17's"
conv "$CD/jceks25.jceks" --to pkcs12 --profile legacy -o c25.p12 \
    --keypass-env KP2
dump "$J17" "$CD/jceks25.jceks" JCEKS KP2 >c25.txt
grep -q '^hmackey|SecretKeyEntry|HmacSHA256 ' c25.txt ||
    { cat c25.txt; fail "no HMAC key in c25"; }
dump "$J17" c25.p12 PKCS12 >c25p.txt
same "JCEKS 25 -> PKCS12 legacy (17)" c25.txt c25p.txt
if [ -n "$J25" ]; then
	dump "$J25" c25.p12 PKCS12 >c25p25.txt
	same "JCEKS 25 -> PKCS12 legacy (25)" c25.txt c25p25.txt
fi
ossl c25.p12 legacy
certreq c25.p12 eckey
# JKS cannot hold the secret keys: refused, naming one
td convert "$CD/jceks25.jceks" --to jks -o c25.jks --storepass-env SP \
    --keypass-env KP2 >x.out 2>&1 && fail "secret keys into JKS"
grep -q 'is a secret key (SecretKeyEntry), which JKS cannot hold' x.out ||
    { cat x.out; fail "message"; }
[ -e c25.jks ] && fail "c25.jks written"

# ---- 4. an upper-case JKS alias Java cannot look up becomes usable
CI=changeit
export CI
td convert "$SAMPLES/bad-uppercase-alias.jks" --to pkcs12 -o up.p12 \
    --storepass-env CI >conv.out 2>&1 || { cat conv.out; fail "up.p12"; }
grep -q 'Java could not look it up' conv.out || fail "no note on LabRoot"
kt -list -keystore up.p12 -storepass:env CI >up.txt 2>&1 ||
    { cat up.txt; fail "keytool -list up.p12"; }
grep -q '^labroot,.*trustedCertEntry' up.txt || fail "labroot missing"

# ---- 5. a TLS handshake: the JDK's server with the converted key, its
# client trusting a converted, passwordless truststore
td export a.p12 --alias webserver --storepass-env SP -o srv.pem \
    >x.out 2>&1 || { cat x.out; fail "export"; }
td import-cert trust.p12 srv.pem --alias webserver --storepass-env SP \
    >x.out 2>&1 || { cat x.out; fail "import-cert"; }
conv trust.p12 --to pkcs12 --profile passwordless
profile trust.p12 passwordless
for ks in a.p12 a2.jks; do
	rm -f port
	"$J17/java" $JF HttpsCheck server "$ks" SP SP webserver "$T/port" 20 \
	    2>server.log &
	srv=$!
	i=0
	while [ ! -s port ]; do
		i=$((i + 1))
		[ $i -le 200 ] || { cat server.log; fail "no server"; }
		kill -0 $srv 2>/dev/null || { cat server.log; fail "died"; }
		sleep 0.1
	done
	"$J17/java" $JF HttpsCheck client "$(cat port)" trust.p12 \
	    >client.out 2>&1 || { cat client.out server.log; fail "client"; }
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	grep -q '^trust.p12: OK 200' client.out ||
	    { cat client.out server.log; fail "$ks: no handshake"; }
done
echo "ok"
