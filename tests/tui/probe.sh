#!/bin/sh
# SPDX-License-Identifier: ISC
# probe.sh -- the dashboard's live probe: a server tree
# whose keystore tlsdeck import-pem made from an OpenSSL key, served on a
# free loopback port by openssl s_server with (a) the keystore's own
# certificate: the trust panel says the chain matches; (b) another
# certificate, after r: the panel and the findings say it differs; (c) a
# listener that accepts and never answers: "probing" shows while the
# screen stays live, and q quits at once (the probe would take 3 s);
# (d) --no-live: no probe at all.  Every server runs under timeout(1) and
# is killed on exit.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
unset TLSDECK_PROPERTIES JAVA_HOME
export TLSDECK_BACKUP_DIR="$TT_DIR/backups"

. "$TOP_SRCDIR/tests/netlib.sh"
cleanup() {
	net_cleanup
	tt_cleanup
}
trap cleanup EXIT

# ---- the tree: keystore by import-pem, the leaf trusted in cacerts -----
SRV_PASS='Kst0re-pw.1'
CACERTS_PASS=changeit
export SRV_PASS CACERTS_PASS
H=im.example.test
S=$TT_DIR/srv
mkdir -p "$S/conf/ssl" "$S/jre/lib/security"
printf 'IMPLEMENTOR="Test"\nJAVA_VERSION="17.0.15"\n' >"$S/jre/release"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TT_DIR/leaf.key" \
    -out "$TT_DIR/leaf.pem" -subj "/O=Example Test/CN=$H" -days 400 \
    -addext "subjectAltName=DNS:$H" 2>/dev/null || tt_fail "openssl leaf"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TT_DIR/other.key" \
    -out "$TT_DIR/other.pem" -subj "/O=Example Test/CN=old.example.test" \
    -days 30 -addext "subjectAltName=DNS:$H" 2>/dev/null ||
    tt_fail "openssl other"
"$TLSDECK" import-pem "$S/conf/ssl/keystore.p12" --alias integration-manager \
    --key "$TT_DIR/leaf.key" --cert "$TT_DIR/leaf.pem" \
    --storepass-env SRV_PASS >"$TT_DIR/log" 2>&1 ||
    { cat "$TT_DIR/log"; tt_fail "import-pem"; }
"$TLSDECK" import-cert "$S/jre/lib/security/cacerts" --alias imtest \
    "$TT_DIR/leaf.pem" --storepass-env CACERTS_PASS >"$TT_DIR/log" 2>&1 ||
    { cat "$TT_DIR/log"; tt_fail "import-cert"; }
P=$(freeport)
cat >"$S/conf/application.properties" <<PROPS
sharedDataPath=$S
server.port=$P
server.ssl.key-alias=integration-manager
server.ssl.key-store=\${sharedDataPath}/conf/ssl/keystore.p12
server.ssl.key-store-password=$SRV_PASS
server.ssl.key-store-type=PKCS12
im.base-url=https://$H:\${server.port}
PROPS
chmod 600 "$S/conf/application.properties"

# ---- (a) the keystore's certificate is served: a match -----------------
bg openssl s_server -accept "127.0.0.1:$P" -cert "$TT_DIR/leaf.pem" \
    -key "$TT_DIR/leaf.key" -www -quiet >/dev/null 2>&1
wait_listen "$P" || tt_fail "the server for $P died"
tt_start 100 30 --server "$S"
tt_wait_for 'served   ✓ chain matches the keystore'
tt_screen | grep -q '✓ trusted as imtest' || tt_fail "(a) trust line"
tt_screen | grep -q 'differs\|served-cert\|NOT trusted' &&
    tt_fail "(a) a mismatch on screen"
echo "--- (a) match ---"; tt_screen | grep -A1 'served'

# ---- (b) another certificate on the port; r probes again ----------------
stop
bg openssl s_server -accept "127.0.0.1:$P" -cert "$TT_DIR/other.pem" \
    -key "$TT_DIR/other.key" -www -quiet >/dev/null 2>&1
wait_listen "$P" || tt_fail "the server for $P died"
tt_keys r
tt_wait_for "served   ✗ :$P differs from the keystore"
tt_wait_for 'restart pending\? \(old\.example\.test\)'
# the finding, most severe first: in the findings panel and the strip
tt_screen | grep -Eq "CRIT  localhost:$P( for [^ ]+)? serves \"CN=old\.example\.test" ||
    tt_fail "(b) no served-cert-differs finding"
tt_screen | grep -q 'served chain NOT trusted by this cacerts' ||
    tt_fail "(b) untrusted served chain"
tt_screen | grep -q 'chain matches the keystore' &&
    tt_fail "(b) the old result is still shown"
echo "--- (b) mismatch ---"; tt_screen | grep -A2 'served'
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "(b) bad exit"
tt kill-server
stop

# ---- (c) a listener that never answers: quit while probing --------------
bg python3 -c "$SILENT_PY" "$P"
wait_listen "$P" || tt_fail "the server for $P died"
tt_start 100 30 --server "$S"
tt_wait_for "served   probing :$P"
# the screen stays live while the probe waits: keys still work
tt_keys F1
tt_wait_for 'this help, generated from the key table'
tt_keys q
tt_wait_for "served   probing :$P"
t0=$(_tt_ms)
tt_keys q
[ "$(tt_wait_exit 5)" = 0 ] || tt_fail "(c) bad exit"
ms=$(( $(_tt_ms) - t0 ))
echo "(c) quit during the probe took $ms ms"
[ "$ms" -lt 1000 ] || tt_fail "(c) quitting took $ms ms"
tt kill-server

# the same listener, left alone: the probe times out and says so
tt_start 100 30 --server "$S"
tt_wait_for "served   probing :$P"
tt_wait_for "served   ! no TLS answer from :$P in 3 s" 8
tt_screen | grep -q "WARN  cannot check what localhost:$P serves" ||
    tt_fail "(c) no probe-failed finding"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "(c) bad exit after the timeout"
tt kill-server

# ---- (d) --no-live: no probe --------------------------------------------
tt_start 100 30 --server "$S" --no-live
tt_wait_for 'served   not checked \(--no-live\)'
tt_screen | grep -q 'probing' && tt_fail "(d) probing with --no-live"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "(d) bad exit"
stop
exit 0
