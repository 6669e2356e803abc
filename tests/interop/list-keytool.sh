#!/bin/sh
# tlsdeck list --format json must agree with keytool -list -v on every alias,
# entry type, chain length, SHA-256 fingerprint and validity end, for
# keystores made by keytool 17 (and 25 when installed: KEYTOOL_VERSION=25).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/interop/mkstores.sh"
need_keytool
command -v python3 >/dev/null || skip "python3 missing"
K=kt
if [ "${KEYTOOL_VERSION:-17}" = 25 ]; then
	[ -n "$KEYTOOL25" ] || skip "Temurin 25 not installed"
	K=kt25
fi
SP=storepass1; KP=keypass1; export SP KP
mkstores $K "$T/s" || fail "keytool could not build the test stores"
n=0
# check FILE [PASSWORD]: list with both and compare.
check() {
	_f=$1
	PW=${2-}; export PW
	if [ -n "$PW" ]; then
		$K -list -v -keystore "$_f" -storepass:env PW >"$T/kt.txt" 2>/dev/null ||
		    fail "keytool cannot list $_f"
		"$TLSDECK" list --format json --storepass-env PW "$_f" >"$T/td.json" ||
		    fail "tlsdeck cannot list $_f"
	else
		$K -list -v -keystore "$_f" </dev/null >"$T/kt.txt" 2>/dev/null ||
		    fail "keytool cannot list $_f"
		"$TLSDECK" list --format json "$_f" </dev/null >"$T/td.json" 2>/dev/null ||
		    fail "tlsdeck cannot list $_f"
	fi
	python3 "$TOP_SRCDIR/tests/interop/kt_compare.py" "$T/kt.txt" "$T/td.json" ||
	    fail "$_f: tlsdeck and keytool disagree"
	n=$((n + 1))
}
for f in chain.jks chain.jceks chain.p12 legacy.p12; do
	check "$T/s/$f" "$SP"
done
check "$T/s/trust-nopw.p12" ""
# The shipped samples (made by keytool 17 and 25, and by non-Java writers).
if [ "$K" = kt ]; then
	check "$SAMPLES/sample-jks17.jks" storepass
	check "$SAMPLES/sample-jceks17.jceks" storepass
	check "$SAMPLES/sample-jdk17.p12" storepass
	check "$SAMPLES/sample-jdk17-converted-from-jks.p12" storepass
	check "$SAMPLES/sample-legacy-algs-jdk17.p12" storepass
	check "$SAMPLES/sample-jks-nonjava-writer.jks" storepass
	check "$SAMPLES/sample-openssl30-key-and-trust.p12" storepass
	check "$SAMPLES/sample-openssl30-trust-pw.p12" changeit
	check "$SAMPLES/sample-jks-unicode-alias.jks" "pässwörd"
	check "$SAMPLES/bad-leaf-trusted.p12" storepass
	[ -f /etc/ssl/certs/java/cacerts ] &&
	    check /etc/ssl/certs/java/cacerts changeit
else
	check "$SAMPLES/sample-jdk25.jks" storepass
	check "$SAMPLES/sample-jdk25.p12" storepass
	check "$SAMPLES/sample-jdk25-nonascii-pass.p12" "pässwörd1"
	check "$SAMPLES/sample-jdk25-passwordless.p12" ""
	check "$SAMPLES/sample-openssl30-trust-nopw.p12" ""
fi
echo "$n keystores agree with keytool"
