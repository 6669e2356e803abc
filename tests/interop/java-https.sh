#!/bin/sh
# SPDX-License-Identifier: ISC
# java-https.sh -- the files we write, used by Java for real TLS: a key made
# with tlsdeck genkey (PKCS12; and JKS with a separate key password set by
# tlsdeck passwd, renamed by tlsdeck rename) is served by the JDK's own
# HttpsServer (tests/interop/HttpsCheck.java, compiled here with javac 17),
# and `tlsdeck trust` puts its certificate into COPIES of a cacerts: the
# system's JKS one (changeit) and a passwordless PKCS12 one made by keytool
# with certProtectionAlgorithm=NONE / macAlgorithm=NONE.  A Java client
# whose trust store is the modified cacerts completes the handshake and
# reads the response; with the unmodified copy it must fail (PKIX path
# building failed); openssl s_client with the certificate from tlsdeck
# export agrees (verify return code 0).  No password is ever on a child's
# argv: a sampler reads every /proc/PID/cmdline while the test runs.
. "$TOP_SRCDIR/tests/lib.sh"
need_keytool
command -v openssl >/dev/null 2>&1 || skip "openssl not installed"
J17=$(dirname "$KEYTOOL17")
[ -x "$J17/javac" ] && [ -x "$J17/java" ] || skip "javac 17 not installed"
SYSCACERTS=/etc/ssl/certs/java/cacerts
[ -r "$SYSCACERTS" ] || skip "$SYSCACERTS not readable"
unset JAVA_HOME
export TLSDECK_BACKUP_DIR="$T/backups"
cd "$T" || exit 1

# Unusual passwords, so that the sampler cannot match anything by chance.
SP="St-$$-q7Zr"
SP2="St2-$$-w4Kx"
KP="Kp-$$-m2Vb"
CP=changeit
export SP SP2 KP CP
printf '%s\n%s\n%s\n' "$SP" "$SP2" "$KP" >"$T/secrets"

# The sampler: every child's argv, all the time, until the test ends.
: >"$T/leaks"
(
	while [ -e "$T/secrets" ]; do
		# One grep a round: "/proc/PID/cmdline:ARGV" for each hit.
		grep -a -s -F -f "$T/secrets" /proc/[0-9]*/cmdline 2>/dev/null |
		    tr '\0' ' ' >>"$T/leaks"
		sleep 0.1
	done
) &
sampler=$!
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	rm -f "$T/secrets"
	wait "$sampler" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

# x CMD ARGS...: run a child after checking no password is on its argv.
x() {
	for _a in "$@"; do
		case $_a in
		*"$SP"*|*"$SP2"*|*"$KP"*) fail "a password on argv: $*" ;;
		esac
	done
	"$@"
}
td() { x "$TLSDECK" "$@"; }

x "$J17/javac" -d "$T/classes" --release 17 \
    "$TOP_SRCDIR/tests/interop/HttpsCheck.java" || fail "javac HttpsCheck"
JAVA="$J17/java -cp $T/classes"

# ---- the truststores: copies of a JKS cacerts and a passwordless PKCS12 ----
cp "$SYSCACERTS" cacerts.jks
x kt -importkeystore -srckeystore cacerts.jks -srcstoretype JKS \
    -srcstorepass:env CP -destkeystore cacerts-nopw.p12 -deststoretype PKCS12 \
    -deststorepass:env CP -noprompt \
    -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE \
    -J-Dkeystore.pkcs12.macAlgorithm=NONE >kt-import.log 2>&1 ||
    { cat kt-import.log; fail "keytool -importkeystore (passwordless)"; }
x openssl pkcs12 -info -in cacerts-nopw.p12 -passin pass: -nokeys \
    -noout >p12info.txt 2>&1
grep -q 'MAC is absent' p12info.txt || fail "the PKCS12 copy has a MAC"
ncerts=$(td list cacerts-nopw.p12 --format json | grep -c '"alias"')
[ "$ncerts" -ge 100 ] || fail "passwordless copy has $ncerts entries"

# start_server KEYSTORE STOREPASS_VAR KEYPASS_VAR ALIAS: sets $srv, $port
start_server() {
	rm -f "$T/port"
	$JAVA HttpsCheck server "$1" "$2" "$3" "$4" "$T/port" 120 \
	    2>"$T/server.log" &
	srv=$!
	i=0
	while [ ! -s "$T/port" ]; do
		i=$((i + 1))
		[ "$i" -le 150 ] || { cat "$T/server.log"; fail "no server"; }
		kill -0 "$srv" 2>/dev/null ||
		    { cat "$T/server.log"; fail "server died"; }
		sleep 0.1
	done
	port=$(cat "$T/port")
}
stop_server() {
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	srv=
}

# client SPEC...: one JVM, one GET per truststore ("PATH" or "PATH=VAR");
# its output, a line per truststore, in $T/client.out
client() {
	$JAVA HttpsCheck client "$port" "$@" >"$T/client.out" 2>&1 ||
	    { cat "$T/client.out" "$T/server.log"; fail "Java client failed"; }
}
# result PATH: what the client said about that truststore
result() {
	sed -n "s|^$1: ||p" "$T/client.out"
}

# check_case NAME KEYSTORE STOREPASS_VAR KEYPASS_VAR ALIAS
check_case() {
	name=$1 ks=$2 spv=$3 kpv=$4 alias=$5
	for ts in cacerts.jks cacerts-nopw.p12; do
		cp "$ts" "$name-$ts"
		cp "$ts" "$name-orig-$ts"
	done
	# trust, from the keystore (self-signed: its own certificate)
	td trust --cacerts "$name-cacerts.jks" --from-keystore "$ks" \
	    --from-alias "$alias" --storepass-env "$spv" >trust1.out 2>&1 ||
	    { cat trust1.out; fail "$name: trust into JKS cacerts"; }
	grep -q 'opened with changeit' trust1.out ||
	    { cat trust1.out; fail "$name: JKS not opened with changeit"; }
	grep -q '^Backup of the previous file: [0-9]' trust1.out ||
	    fail "$name: no backup id printed"
	td trust --cacerts "$name-cacerts-nopw.p12" --from-keystore "$ks" \
	    --from-alias "$alias" --storepass-env "$spv" >trust2.out 2>&1 ||
	    { cat trust2.out; fail "$name: trust into PKCS12 cacerts"; }
	grep -q 'PKCS12 without password' trust2.out ||
	    { cat trust2.out; fail "$name: PKCS12 not passwordless"; }
	# Formats kept: JKS stays JKS, the PKCS12 stays MAC-less.
	[ "$(head -c 4 "$name-cacerts.jks" | od -An -tx1 | tr -d ' ')" = \
	    feedfeed ] || fail "$name: JKS cacerts is no longer JKS"
	x openssl pkcs12 -info -in "$name-cacerts-nopw.p12" -passin pass: \
	    -nokeys -noout >p12info.txt 2>&1
	grep -q 'MAC is absent' p12info.txt ||
	    fail "$name: the PKCS12 cacerts got a MAC"
	# keytool reads both, with the new entry.
	x kt -list -keystore "$name-cacerts.jks" -storepass:env CP \
	    >kl.txt 2>&1 || { cat kl.txt; fail "$name: keytool -list JKS"; }
	x kt -list -keystore "$name-cacerts-nopw.p12" -storepass:env CP \
	    >kl2.txt 2>&1 || { cat kl2.txt; fail "$name: keytool -list p12"; }
	n1=$(grep -c trustedCertEntry kl.txt)
	n2=$(grep -c trustedCertEntry kl2.txt)
	[ "$n1" = $((ncerts + 1)) ] && [ "$n2" = $((ncerts + 1)) ] ||
	    fail "$name: entries after trust: JKS $n1, PKCS12 $n2 (was $ncerts)"
	# Trusting again: already there, nothing written.
	sum=$(sha256sum <"$name-cacerts.jks")
	td trust --cacerts "$name-cacerts.jks" --from-keystore "$ks" \
	    --from-alias "$alias" --storepass-env "$spv" >trust3.out 2>&1 ||
	    { cat trust3.out; fail "$name: second trust failed"; }
	grep -q '^Already trusted' trust3.out || fail "$name: not 'already'"
	[ "$(sha256sum <"$name-cacerts.jks")" = "$sum" ] ||
	    fail "$name: second trust changed the file"

	td export "$ks" --alias "$alias" -o "$name-cert.pem" \
	    --storepass-env "$spv" 2>/dev/null || fail "$name: export"

	start_server "$ks" "$spv" "$kpv" "$alias"
	client "$name-cacerts.jks=CP" "$name-cacerts-nopw.p12" \
	    "$name-orig-cacerts.jks=CP" "$name-orig-cacerts-nopw.p12"
	for ts in "$name-cacerts.jks=CP" "$name-cacerts-nopw.p12"; do
		result "$ts" | grep -q '^OK 200 hello from tlsdeck' ||
		    fail "$name: $ts: $(result "$ts")"
	done
	# Negative controls: the unmodified copies do not trust the server.
	for ts in "$name-orig-cacerts.jks=CP" "$name-orig-cacerts-nopw.p12"; do
		result "$ts" | grep -q 'HANDSHAKE-FAILED.*PKIX path building failed' ||
		    fail "$name: $ts: $(result "$ts")"
	done
	# openssl agrees, with the certificate tlsdeck exported.
	x openssl s_client -connect "127.0.0.1:$port" -verify_return_error \
	    -verify_ip 127.0.0.1 -CAfile "$name-cert.pem" </dev/null \
	    >sclient.out 2>&1 || { cat sclient.out; fail "$name: s_client"; }
	grep -q 'Verify return code: 0 (ok)' sclient.out ||
	    fail "$name: s_client did not verify"
	# ... and refuses without it.
	x openssl s_client -connect "127.0.0.1:$port" -verify_return_error \
	    -CAfile "$TESTDATA/samples/certs/ca.pem" </dev/null \
	    >sclient2.out 2>&1 && fail "$name: s_client verified a stranger"
	stop_server
	echo "ok: $name: Java handshake with JKS and passwordless PKCS12" \
	    "cacerts; negative controls fail; s_client verifies"
}

# ---- PKCS12: genkey, then a new store password with passwd ------------------
td genkey srv.p12 --alias Server --dname "CN=localhost, O=tlsdeck test" \
    --san dns:localhost,ip:127.0.0.1 --storepass-env SP >/dev/null ||
    fail "genkey PKCS12"
# Refusals from the command line: exit 1 (2 for usage), file unchanged.
sum=$(sha256sum <srv.p12)
SHORT=abc12 x "$TLSDECK" passwd srv.p12 --storepass-env SP \
    --new-storepass-env SHORT </dev/null >out.txt 2>&1
[ $? = 1 ] && grep -q 'at least 6' out.txt || fail "short password: $(cat out.txt)"
td passwd srv.p12 --storepass-env SP </dev/null >out.txt 2>&1
[ $? = 2 ] || fail "passwd without a new password: $(cat out.txt)"
td passwd srv.p12 --storepass-env SP --alias server --new-keypass-env KP \
    </dev/null >out.txt 2>&1
[ $? = 1 ] || fail "PKCS12 key password accepted: $(cat out.txt)"
td rename srv.p12 --storepass-env SP --alias server --to SERVER \
    </dev/null >out.txt 2>&1
[ $? = 1 ] || fail "rename to the same alias: $(cat out.txt)"
td delete srv.p12 --storepass-env SP --alias nosuch </dev/null >out.txt 2>&1
[ $? = 1 ] || fail "delete of a missing alias: $(cat out.txt)"
td delete srv.p12 --storepass-env SP2 --alias server </dev/null >out.txt 2>&1
[ $? = 1 ] || fail "delete with a wrong password: $(cat out.txt)"
[ "$(sha256sum <srv.p12)" = "$sum" ] || fail "a refusal changed srv.p12"
td passwd srv.p12 --storepass-env SP --new-storepass-env SP2 >/dev/null \
    2>&1 || fail "passwd PKCS12"
x kt -list -keystore srv.p12 -storepass:env SP2 -alias server >/dev/null \
    2>&1 || fail "keytool cannot open srv.p12 with the new password"
check_case p12 srv.p12 SP2 - server

# ---- JKS with a separate key password (passwd) and a renamed alias ----------
td genkey srv.jks --storetype jks --alias web --keyalg ec --curve P-256 \
    --dname "CN=localhost" --san dns:localhost,ip:127.0.0.1 \
    --storepass-env SP >/dev/null || fail "genkey JKS"
td passwd srv.jks --storepass-env SP --alias web --new-keypass-env KP \
    >/dev/null 2>&1 || fail "passwd JKS key"
td rename srv.jks --storepass-env SP --alias web --to WebServer \
    >/dev/null 2>&1 || fail "rename JKS"
x kt -list -keystore srv.jks -storepass:env SP -alias webserver >/dev/null \
    2>&1 || fail "keytool does not see alias webserver"
check_case jks srv.jks SP KP webserver

# The sampler saw every process; none had a password on its command line.
rm -f "$T/secrets"
wait "$sampler" 2>/dev/null
if [ -s "$T/leaks" ]; then
	sed 's/^/  /' "$T/leaks"
	fail "a password appeared in a process's argv"
fi
echo "ok: no password on any argv"
exit 0
