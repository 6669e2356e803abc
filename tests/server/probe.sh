#!/bin/sh
# SPDX-License-Identifier: ISC
# probe.sh -- tlsdeck probe against real servers on loopback: openssl
# s_server serving the keystore's certificate (with and without its
# intermediate) and another one, the JDK's own HttpsServer serving the
# keystore (tests/interop/HttpsCheck.java, as server.ssl.* would), a port
# nobody listens on, python's plain HTTP server, and a listener that never
# answers.  The tree is made as tests/server/trees.sh makes them
# (tests/data/servers/mktree.sh: an OpenSSL CA, the root put into the
# JRE's cacerts by keytool), its keystore by tlsdeck import-pem.  Every
# server runs under timeout(1) and is killed on exit; every probe is
# bounded too.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_keytool
command -v openssl >/dev/null || skip "openssl missing"
command -v python3 >/dev/null || skip "python3 missing"
command -v jq >/dev/null || skip "jq missing"
. "$TOP_SRCDIR/tests/data/servers/mktree.sh"
unset TLSDECK_PROPERTIES JAVA_HOME
export TLSDECK_BACKUP_DIR="$T/backups"

. "$TOP_SRCDIR/tests/netlib.sh"
cleanup() {
	net_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 99' INT TERM HUP

# probe ARGS...: tlsdeck probe, bounded; stdout in $out, stderr in
# $T/err, exit code in $rc.
probe() {
	out=$(timeout 20 "$TLSDECK" probe "$@" 2>"$T/err")
	rc=$?
}
# j FILTER: jq -r on the last JSON output.
j() { printf "%s\n" "$out" | jq -r "$@"; }
# has PATTERN: does the last output hold a line matching it?
has() { printf "%s\n" "$out" | grep -q "$1"; }
# codes: the finding codes of the last JSON output, sorted.
codes() { j '[.findings[].code] | sort | join(" ")'; }
# fp FILE: the SHA-256 fingerprint of a PEM certificate, as openssl says.
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }

# ---- the tree: OpenSSL CA, keystore with [leaf, intermediate, root] ------
mk_ca "$T/ca" || fail "openssl CA"
mk_jre "$T/base" 17.0.15
kt -importcert -noprompt -alias example-test-root -file "$T/ca/root.pem" \
    -storetype PKCS12 -keystore "$T/base/jre/lib/security/cacerts" \
    -storepass:env CACERTS_PASS >/dev/null 2>&1 || fail "keytool cacerts"
P=$(freeport)
SRV_PORT=$P mk_openssl_tree "$T/srv" "$T/ca" "$T/base" -days 400 ||
    fail "OpenSSL tree"
S=$T/srv
# the keystore the server reads is written by tlsdeck import-pem from the
# OpenSSL key and chain (s_server serves those PEM files, the JVM this)
rm -f "$S/conf/ssl/keystore.p12"
"$TLSDECK" import-pem "$S/conf/ssl/keystore.p12" --alias integration-manager \
    --key "$S/leaf.key" --cert "$S/leaf.pem" --cert "$S/chain.pem" \
    --storepass-env SRV_PASS >"$T/import.log" 2>&1 ||
    { cat "$T/import.log"; fail "tlsdeck import-pem"; }
LEAF_FP=$(fp "$S/leaf.pem")
# another certificate for the same name: what a server still running
# with the previous keystore would serve
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/other.key" \
    -out "$T/other.pem" -subj "/O=Example Test/CN=$SRV_HOST" -days 30 \
    -addext "subjectAltName=DNS:$SRV_HOST" 2>/dev/null || fail "other cert"

# ---- (a) s_server with the keystore's certificate: a match -------------
bg openssl s_server -accept "127.0.0.1:$P" -cert "$S/leaf.pem" \
    -key "$S/leaf.key" -cert_chain "$S/chain.pem" -trace -www \
    >"$T/s_server.log" 2>&1
wait_listen "$P" || fail "the server for $P died"
probe --server "$S" --format json
[ "$rc" = 0 ] || fail "match: exit $rc: $(cat "$T/err") $out"
[ "$(j .keystore.match)" = true ] || fail "match: $(j -c .keystore)"
[ "$(j .trust.verified)" = true ] || fail "trust: $(j -c .trust)"
[ "$(j .trust.alias)" = example-test-root ] || fail "anchor: $(j -c .trust)"
[ "$(j '.chain | length')" = 3 ] || fail "chain of 3: $(j '.chain | length')"
[ "$(j '.chain[0].sha256')" = "$LEAF_FP" ] ||
    fail "leaf SHA-256 $(j '.chain[0].sha256'), openssl says $LEAF_FP"
[ "$(j '.chain[1].subject')" = "CN=Example Test Issuing CA, O=Example Test" ] ||
    fail "intermediate: $(j '.chain[1].subject')"
[ "$(j .host):$(j .port)" = "localhost:$P" ] ||
    fail "target $(j .host):$(j .port)"
[ "$(j .sni)" = "$SRV_HOST" ] || fail "SNI $(j .sni)"
[ "$(j .protocol)" = TLSv1.3 ] || fail "protocol $(j .protocol)"
[ "$(codes)" = "" ] || fail "match: findings $(codes)"
[ -s "$T/err" ] && fail "match: stderr $(cat "$T/err")"
# what s_server saw: our SNI, the host of im.base-url
sed -n '/extension_type=server_name/{n;p;n;p;}' "$T/s_server.log" |
    sed 's/.*   //' | tr -d '\n' | grep -q "$SRV_HOST" ||
    fail "s_server did not receive SNI $SRV_HOST"
probe --server "$S"
[ "$rc" = 0 ] || fail "text: exit $rc"
has '^Keystore   MATCH: the served certificate is "integration-manager"' ||
    fail "text: no MATCH line: $out"
has "^Trust      TRUSTED by $S/jre/lib/security/cacerts" ||
    fail "text: no TRUSTED line: $out"
has "SHA-256  $LEAF_FP" || fail "text: fingerprint"
stop

# ---- (a') the same over IPv6 loopback, when there is one --------------
# (::1 is there when lo has it: /proc/net/if_inet6)
if grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null; then
	P6=$(freeport)
	bg openssl s_server -accept "[::1]:$P6" -cert "$S/leaf.pem" \
	    -key "$S/leaf.key" -cert_chain "$S/chain.pem" -www -quiet
	wait_listen "$P6" || fail "the server for $P6 died"
	probe --server "$S" "[::1]:$P6" --format json
	[ "$rc" = 0 ] || fail "IPv6: exit $rc: $(cat "$T/err")"
	[ "$(j .address)" = ::1 ] && [ "$(j .keystore.match)" = true ] ||
	    fail "IPv6: $(j -c '{address, keystore}')"
	stop
fi

# ---- (a'') the leaf without its intermediate ----------------------------
bg openssl s_server -accept "127.0.0.1:$P" -cert "$S/leaf.pem" \
    -key "$S/leaf.key" -www -quiet
wait_listen "$P" || fail "the server for $P died"
probe --server "$S" --format json
[ "$rc" = 1 ] || fail "leaf only: exit $rc"
[ "$(j .keystore.match)" = true ] || fail "leaf only: match"
[ "$(codes)" = "served-chain-incomplete served-chain-untrusted" ] ||
    fail "leaf only: $(codes)"
j '.findings[] | select(.code == "served-chain-incomplete") | .message' |
    grep -q 'not the intermediate "CN=Example Test Issuing CA' ||
    fail "leaf only: message $(j -c .findings)"
stop

# ---- (b) s_server with another certificate: restart pending ------------
bg openssl s_server -accept "127.0.0.1:$P" -cert "$T/other.pem" \
    -key "$T/other.key" -www -quiet
wait_listen "$P" || fail "the server for $P died"
probe --server "$S" --format json
[ "$rc" = 1 ] || fail "mismatch: exit $rc"
[ "$(j .keystore.match)" = false ] || fail "mismatch: $(j -c .keystore)"
[ "$(j '.chain[0].sha256')" = "$(fp "$T/other.pem")" ] || fail "mismatch: leaf"
[ "$(codes)" = "served-cert-differs served-chain-untrusted" ] ||
    fail "mismatch: $(codes)"
sev=$(j '.findings[] | select(.code == "served-cert-differs") | .severity')
[ "$sev" = critical ] ||
    fail "mismatch: severity"
# the restart hint names what exists: a unit, the init script, or none
j '.findings[] | select(.code == "served-cert-differs") | .fix' |
    grep -Eq 'systemctl restart |/etc/init.d/imservice stop, then|restart the Java server that reads' ||
    fail "mismatch: fix $(j -c .findings)"
if [ ! -e /etc/init.d/imservice ]; then
	j '.findings[] | select(.code == "served-cert-differs") | .fix' |
	    grep -q imservice && fail "mismatch: a missing init script"
fi
probe --server "$S"
[ "$rc" = 1 ] || fail "mismatch text: exit $rc"
has '^Keystore   DIFFERS' || fail "no DIFFERS: $out"
has 'restart pending?' || fail "no restart hint"
has 'NOT TRUSTED by' || fail "no NOT TRUSTED"
stop

# ---- (c) the JDK's HttpsServer with the keystore: a match ---------------
J17=$(dirname "$KEYTOOL17")
if [ -x "$J17/javac" ] && [ -x "$J17/java" ]; then
	"$J17/javac" -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC \
	    -d "$T/classes" --release 17 \
	    "$TOP_SRCDIR/tests/interop/HttpsCheck.java" || fail "javac"
	bg "$J17/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
	    -cp "$T/classes" HttpsCheck server "$S/conf/ssl/keystore.p12" \
	    SRV_PASS - integration-manager "$T/jport" 30
	i=0
	while [ ! -s "$T/jport" ]; do
		i=$((i + 1))
		[ "$i" -le 150 ] && kill -0 "$last" 2>/dev/null ||
		    fail "no Java HTTPS server"
		sleep 0.1
	done
	JP=$(cat "$T/jport")
	probe --server "$S" "127.0.0.1:$JP" --format json
	[ "$rc" = 0 ] || fail "Java: exit $rc: $(cat "$T/err") $out"
	[ "$(j .keystore.match) $(j .trust.verified)" = "true true" ] ||
	    fail "Java: $(j -c '{keystore, trust}')"
	[ "$(j '.chain[0].sha256')" = "$LEAF_FP" ] || fail "Java: leaf"
	[ "$(j '.chain | length')" = 3 ] || fail "Java: the key entry's chain"
	[ "$(j .sni)" = "$SRV_HOST" ] || fail "Java: SNI"
	[ "$(codes)" = "" ] || fail "Java: findings $(codes)"
	stop
fi

# ---- (d) nothing listens ------------------------------------------------
probe --server "$S" --format json
[ "$rc" = 1 ] || fail "refused: exit $rc"
grep -qx \
    "tlsdeck: probe: nothing listens on localhost:$P (connection refused)" \
    "$T/err" || fail "refused: stderr $(cat "$T/err")"
[ "$(j .error.kind)" = refused ] || fail "refused: $(j -c .error)"
[ "$(codes)" = port-not-listening ] || fail "refused: findings $(codes)"
(cd "$T" && timeout 20 "$TLSDECK" probe "127.0.0.1:$P" >/dev/null 2>"$T/err")
rc=$?
[ "$rc" = 1 ] || fail "refused without a tree: exit $rc"
grep -q "nothing listens on 127.0.0.1:$P" "$T/err" ||
    fail "refused: $(cat "$T/err")"

# ---- (e) plain HTTP on the port -----------------------------------------
serve PH python3 -m http.server --bind 127.0.0.1 @PORT@ ||
    fail "no HTTP server would start"
probe "127.0.0.1:$PH" --server "$S" --format json
[ "$rc" = 1 ] || fail "HTTP: exit $rc"
grep -q "127.0.0.1:$PH answered, but not with TLS: plain HTTP?" "$T/err" ||
    fail "HTTP: stderr $(cat "$T/err")"
[ "$(j .error.kind)" = not-tls ] || fail "HTTP: $(j -c .error)"
[ "$(codes)" = served-not-tls ] || fail "HTTP: findings $(codes)"
stop

# ---- (f) a listener that never answers: a timeout in about 3 s -----------
serve PS python3 -c "$SILENT_PY" @PORT@ ||
    fail "no silent listener would start"
t0=$(date +%s%N)
probe "127.0.0.1:$PS" --server "$S"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" = 1 ] || fail "silent: exit $rc"
grep -q "did not answer the TLS hello within 3000 ms" "$T/err" ||
    fail "silent: stderr $(cat "$T/err")"
[ "$ms" -ge 2900 ] && [ "$ms" -lt 5000 ] || fail "silent: took $ms ms"
probe "127.0.0.1:$PS" --timeout 300 --server "$S" --format json
[ "$(j .error.kind)" = timeout ] || fail "silent: $(j -c .error)"
[ "$(codes)" = probe-failed ] || fail "silent: findings $(codes)"
stop

# ---- (g) usage ------------------------------------------------------------
for args in "--timeout 0" "host:99999" "--format yaml" "a:1 b:2" "--bogus"; do
	# shellcheck disable=SC2086
	timeout 20 "$TLSDECK" probe --server "$S" $args >/dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] || fail "usage ($args): exit $rc"
done
"$TLSDECK" probe --help | grep -q '^usage: tlsdeck probe ' || fail "--help"

# ---- (h) server.port that is not a number: refused, not port 443 ----------
mkdir -p "$T/np"
printf 'server.port=${NO_SUCH_PORT}\nserver.ssl.enabled=true\n' \
    >"$T/np/application.properties"
sum=$(sha256sum "$T/np/application.properties")
for fmt in text json; do
	probe --properties "$T/np/application.properties" --format $fmt
	[ "$rc" = 1 ] || fail "port not a number ($fmt): exit $rc"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "not one line: $(cat "$T/err")"
	grep -q "$T/np/application.properties: server.port \"\${NO_SUCH_PORT}\" is not a port number: give HOST:PORT" \
	    "$T/err" || fail "port not a number: $(cat "$T/err")"
done
[ "$(sha256sum "$T/np/application.properties")" = "$sum" ] ||
    fail "the properties changed"
exit 0
