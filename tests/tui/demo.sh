#!/bin/sh
# tlsdeck demo: the tree it builds (keytool reads the keystore and the
# cacerts), the dashboard on it (the certificate expiring soon, the
# duplicate property, the trusted CA-signed chain), a default directory
# under $TMPDIR, refusing to build over a tree, and opening the dashboard
# itself.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"

D=$TT_DIR/demo
out=$("$TLSDECK" demo "$D" --no-open) || tt_fail "demo failed: $out"
echo "$out" | grep -q "demo server tree: $D" || tt_fail "where: $out"
for f in conf/application.properties conf/ssl/keystore.p12 jre/release \
    jre/lib/security/cacerts; do
	[ -s "$D/$f" ] || tt_fail "missing $f"
done
grep -qx 'JAVA_VERSION="17.0.15"' "$D/jre/release" || tt_fail "release"
grep -qxF 'server.ssl.key-store=${sharedDataPath}/conf/ssl/keystore.p12' \
    "$D/conf/application.properties" || tt_fail "no \${sharedDataPath}"
[ "$(grep -c '^server.port=' "$D/conf/application.properties")" = 2 ] ||
    tt_fail "no duplicate property"
# its HTTPS port is one nothing listens on (a real server may hold 8443)
port=$(sed -n 's/^server\.port=//p' "$D/conf/application.properties" |
    tail -1)
[ -n "$port" ] && [ "$port" != 8080 ] || tt_fail "port '$port'"
[ -z "$(ss -Hltn "sport = :$port")" ] || tt_fail "something listens on $port"
if command -v keytool >/dev/null 2>&1; then
	KP=tlsdeck-demo CP=changeit
	export KP CP
	ks=$(keytool -list -v -keystore "$D/conf/ssl/keystore.p12" \
	    -storepass:env KP 2>&1) || { echo "$ks"; tt_fail "keytool"; }
	echo "$ks" | grep -A2 '^Alias name: integration-manager' |
	    grep -q PrivateKeyEntry || tt_fail "no key entry"
	echo "$ks" | grep -q 'Certificate chain length: 3' ||
	    tt_fail "no chain of 3"
	keytool -list -keystore "$D/jre/lib/security/cacerts" \
	    -storepass:env CP 2>&1 | grep -q '^tlsdeck-demo-root,' ||
	    tt_fail "cacerts lacks the demo root"
fi

# the dashboard on it
tt_start 100 30 --properties "$D/conf/application.properties"
tt_wait_for '★ integration-manager'
tt_wait_for 'JRE 17.0.15'
tt_screen | grep -q 'old-server .* 10d' || tt_fail "no expiring certificate"
tt_screen | grep -q '✓ trusted as tlsdeck-demo-root' || tt_fail "trust"
tt_screen | grep -q '└ tlsdeck Demo Issuing C' || tt_fail "no chain"
tt_wait_for "nothing listens on :$port"
tt_keys f
tt_wait_for 'server.port is set 2 times'
tt_wait_for 'alias old-server  \[cert-expiring\]'
tt_keys Escape q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"

# over an existing tree: refused, nothing touched
sum=$(sha256sum "$D/conf/application.properties")
"$TLSDECK" demo "$D" --no-open >/dev/null 2>"$TT_DIR/err" &&
    tt_fail "built over an existing tree"
grep -q 'already exists' "$TT_DIR/err" || tt_fail "$(cat "$TT_DIR/err")"
[ "$sum" = "$(sha256sum "$D/conf/application.properties")" ] ||
    tt_fail "the tree changed"

# no DIR: a new directory under $TMPDIR
mkdir "$TT_DIR/tmp"
out=$(TMPDIR=$TT_DIR/tmp "$TLSDECK" demo --no-open) || tt_fail "$out"
dir=$(echo "$out" | sed -n 's/^demo server tree: //p')
case $dir in
"$TT_DIR"/tmp/tlsdeck-demo.*) ;;
*)	tt_fail "not under TMPDIR: $dir" ;;
esac
[ -s "$dir/conf/ssl/keystore.p12" ] || tt_fail "no keystore in $dir"

# without --no-open it opens the dashboard, then says where the tree is
tt kill-server >/dev/null 2>&1
tt_start 80 24 demo "$TT_DIR/demo2"
tt_wait_for '★ integration-manager'
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "demo: bad exit"
tt_all | grep -q "demo server tree kept in $TT_DIR/demo2" ||
    tt_fail "no closing note"
"$TLSDECK" demo --help | grep -q -- '--no-open' || tt_fail "help"
exit 0
