#!/bin/sh
# SPDX-License-Identifier: ISC
# ensure.sh -- tlsdeck ensure with https.acme against Debian's pebble
# (tests/acme/lib.sh).  A server serving a self-signed certificate from
# PEM files (openssl s_server, restarted by tests/acme/srv-restart.sh):
# --check says an order is due and writes nothing, without contacting the
# CA (a directory where nothing listens gives the same answer); the first
# run orders, writes, restarts and the new chain is served and verifies
# against pebble's root; the second run and --check have nothing to do
# and change no byte; a CA that cannot be reached fails with one line,
# nothing written.  A server without HTTPS: --check plans the
# self-signed bootstrap, the settings and the order, offline; with a JDK
# the run bootstraps a PKCS#12 keystore and replaces it by pebble's
# certificate, served by a real JVM (tests/acme/AcmeServe.java), and the
# second run changes nothing.  Bad acme sections: one line, exit 1.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
command -v jq >/dev/null || skip "jq missing"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME SPRING_APPLICATION_JSON
HOME=$T/home
KSPW=Ensure-Acme.42
export HOME KSPW
mkdir -p "$HOME"

run() {
	want=$1
	shift
	timeout -k 2 120 "$TLSDECK" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "tlsdeck $*: exit $rc, expected $want
stdout: $(head -c 3000 "$T/out")
stderr: $(cat "$T/err")"
	if grep -q "$KSPW" "$T/out" "$T/err"; then
		fail "tlsdeck $*: the password was printed"
	fi
}
j() { jq -r "$@" "$T/out"; }
acme_action() { j '.actions[] | select(.action == "acme") | '"$1"; }

pebble_start
# a port where nothing listens: a directory there is never reached
pb_port DEAD
DEAD_DIR=https://127.0.0.1:$DEAD/dir

# spec FILE DIR DIRECTORY [RESTART]: an ensure spec with https.acme
spec() {
	cat >"$1" <<EOF
server: $2
https:
  domains: [a.tlsdeck.test, www.a.tlsdeck.test]
  port: $SRV_PORT
  acme:
    directory: $3
    ca-file: $PB_CA
    email: admin@tlsdeck.test
    agree-tos: true
    challenge: http-01
    http-port: $PB_HTTP
    http-address: 127.0.0.1
    key: ec256
    restart: ${4:-$SRV_RESTART}
    verify-timeout: 30
EOF
}

# ---- a server serving a self-signed certificate (PEM files) ------------
S=$T/pem
SRV_KIND=openssl srv_tree "$S" pem a.tlsdeck.test www.a.tlsdeck.test ||
    fail "the PEM tree"
srv_start "$S"
P=$S/conf/application.properties
old=$(served_fp "$SRV_PORT" a.tlsdeck.test)
[ -n "$old" ] || fail "nothing served at first"
spec "$T/spec.yaml" "$S" "$PB_DIR"
spec "$T/dead.yaml" "$S" "$DEAD_DIR"

# --check: an order is due (self-signed); nothing written, no CA asked
tree_sums "$S" >"$T/before"
for sp in spec dead; do
	run 0 ensure "$T/$sp.yaml" --check --diff --format json
	[ "$(j .changed)" = true ] || fail "check ($sp): $(cat "$T/out")"
	acme_action .changed | grep -qx true || fail "check ($sp): acme"
	acme_action .summary | grep -q "self-signed" ||
	    fail "check ($sp): $(acme_action .summary)"
	acme_action .diff.before | grep -q "CN=a.tlsdeck.test" ||
	    fail "check ($sp): diff: $(cat "$T/out")"
done
tree_sums "$S" | cmp -s - "$T/before" || fail "--check wrote"
[ ! -e "$TLSDECK_ACME_DIR" ] || fail "--check wrote the ACME state"

# the first run: ordered, written, restarted, served
run 0 ensure "$T/spec.yaml" --format json
[ "$(j .changed)" = true ] || fail "first run: $(cat "$T/out")"
# (server.ssl.enabled=true added, then the order)
[ "$(j '[.actions[] | select(.changed) | .action] | join(" ")')" = \
    "settings acme" ] || fail "first run actions: $(cat "$T/out")"
grep -qx 'server.ssl.enabled=true' "$P" || fail "server.ssl.enabled"
acme_action .summary | grep -q "self-signed" ||
    fail "first run: $(acme_action .summary)"
new=$(served_fp "$SRV_PORT" a.tlsdeck.test)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "the old certificate is served"
cf=$(sed -n 's/^server.ssl.certificate=//p' "$P" | tail -n 1)
[ "$cf" != "$S/conf/ssl/server.crt" ] || fail "the setting was not switched"
[ -f "$S/conf/ssl/server.crt" ] || fail "the old file is gone"
chain_ok "$cf" www.a.tlsdeck.test
[ "$(openssl x509 -in "$cf" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' |
    tr 'A-F' 'a-f')" = "$new" ] || fail "served is not the file's"
restarts=$(wc -l <"$S/restarts")

# the second run: nothing to do, not a byte, no restart
tree_sums "$S" >"$T/before"
run 0 ensure "$T/spec.yaml" --format json
[ "$(j .changed)" = false ] || fail "second run: $(cat "$T/out")"
acme_action .summary | grep -q "nothing to do" ||
    fail "second run: $(acme_action .summary)"
tree_sums "$S" | cmp -s - "$T/before" || fail "the second run wrote"
[ "$(wc -l <"$S/restarts")" = "$restarts" ] || fail "the second run restarted"
[ "$(served_fp "$SRV_PORT" a.tlsdeck.test)" = "$new" ] || fail "served changed"
run 0 ensure "$T/spec.yaml" --check --format json
[ "$(j .changed)" = false ] || fail "check after: $(cat "$T/out")"
run 0 ensure "$T/spec.yaml"
tail -n 1 "$T/out" | grep -qx "nothing to change" || fail "text: $(cat "$T/out")"
# another directory did not issue it: an order would be due (offline)
run 0 ensure "$T/dead.yaml" --check --format json
acme_action .summary | grep -q "not issued through $DEAD_DIR" ||
    fail "another directory: $(acme_action .summary)"
tree_sums "$S" | cmp -s - "$T/before" || fail "a check wrote"
# ... and a run that cannot reach it: one line, exit 1, nothing written
run 1 ensure "$T/dead.yaml"
[ "$(grep -c . "$T/err")" = 1 ] || fail "unreachable CA: $(cat "$T/err")"
grep -q "$DEAD_DIR: .*connect" "$T/err" || fail "unreachable CA: $(cat "$T/err")"
tree_sums "$S" | cmp -s - "$T/before" || fail "a failed run wrote"

# ---- a server without HTTPS: the bootstrap -----------------------------
B=$T/boot
mkdir -p "$B/conf"
pb_port SRV_PORT
printf 'server.port=%s\nim.base-url=https://a.tlsdeck.test\n' "$SRV_PORT" \
    >"$B/conf/application.properties"
echo java >"$B/server.kind"
SRV_DIRS="$SRV_DIRS $B"
spec "$T/boot.yaml" "$B" "$PB_DIR" "$TOP_SRCDIR/tests/acme/srv-restart.sh $B"
printf '  keystore: conf/ssl/keystore.p12\n' >>"$T/boot.yaml"
tree_sums "$B" >"$T/before"
run 0 ensure "$T/boot.yaml" --storepass-env KSPW --check --format json
[ "$(j '[.actions[] | select(.changed) | .action] | join(" ")')" = \
    "keypair settings acme" ] || fail "bootstrap check: $(cat "$T/out")"
acme_action .summary | grep -q "no certificate is served yet" ||
    fail "bootstrap check: $(acme_action .summary)"
tree_sums "$B" | cmp -s - "$T/before" || fail "bootstrap --check wrote"

if [ -n "${KEYTOOL17:-}" ] && [ -x "$(dirname "$KEYTOOL17")/javac" ]; then
	srv_java
	run 0 ensure "$T/boot.yaml" --storepass-env KSPW --format json
	[ "$(j '[.actions[] | select(.changed) | .action] | join(" ")')" = \
	    "keypair settings acme" ] || fail "bootstrap: $(cat "$T/out")"
	BP=$B/conf/application.properties
	al=$(sed -n 's/^server.ssl.key-alias=//p' "$BP" | tail -n 1)
	case $al in
	tlsdeck-acme-*) ;;
	*) fail "bootstrap: key alias $al: $(cat "$BP")" ;;
	esac
	openssl s_client -connect "127.0.0.1:$SRV_PORT" -servername \
	    a.tlsdeck.test -showcerts </dev/null 2>/dev/null |
	    sed -n '/BEGIN CERT/,/END CERT/p' >"$T/served.pem"
	chain_ok "$T/served.pem" a.tlsdeck.test
	run 0 list "$B/conf/ssl/keystore.p12" --storepass-env KSPW \
	    --format json
	[ "$(j '.entries | length')" = 2 ] ||
	    fail "bootstrap: the two entries: $(cat "$T/out")"
	tree_sums "$B" >"$T/before"
	run 0 ensure "$T/boot.yaml" --format json
	[ "$(j .changed)" = false ] || fail "bootstrap second run: $(cat "$T/out")"
	tree_sums "$B" | cmp -s - "$T/before" || fail "bootstrap: second run wrote"
else
	echo "# no javac 17: the bootstrap run is not tried"
fi

# ---- bad acme sections: one line naming the spec, exit 1 ---------------
bad() {
	printf 'server: %s\nhttps:\n  domains: [%s]\n  acme:\n%s\n' "$S" \
	    "${3:-a.tlsdeck.test}" "$2" >"$T/bad.yaml"
	run 1 ensure "$T/bad.yaml" --check
	[ "$(grep -c . "$T/err")" = 1 ] || fail "$1: one line: $(cat "$T/err")"
	grep -q "bad.yaml: .*$4" "$T/err" || fail "$1: $(cat "$T/err")"
}
bad http "    directory: http://x.test/dir" "" "not an https:// URL"
bad chall "    directory: $PB_DIR
    challenge: tls-alpn-01" "" "challenge"
bad webroot "    directory: $PB_DIR
    challenge: webroot" "" "needs webroot"
bad key "    directory: $PB_DIR
    key: dsa" "" "https.acme.key"
bad port "    directory: $PB_DIR
    http-port: 70000" "" "http-port"
bad name "    directory: $PB_DIR" "'a_b.test'" "a_b.test"
bad nodir "    email: a@b.test" "" "directory"
echo "ok: ensure with ACME"
