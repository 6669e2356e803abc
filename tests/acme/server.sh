#!/bin/sh
# SPDX-License-Identifier: ISC
# server.sh -- tlsdeck acme on a server (tests/acme/lib.sh: pebble, and a
# Spring Boot tree served by a real JVM, tests/acme/AcmeServe.java,
# restarted by tests/acme/srv-restart.sh): the first issuance replaces a
# self-signed certificate in a PKCS#12 keystore, a JKS keystore and PEM
# files (a new alias or new files beside the old, the settings switched,
# the JVM serves the new certificate); the second run has nothing to do
# and changes no byte; --force renews; a server that keeps serving the
# old certificate and a restart command that fails both put every file
# back to its exact bytes (the restart runs again, exit 1); Ctrl-C in the
# middle leaves nothing half-written.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/acme/lib.sh"
need_keytool
command -v jq >/dev/null || skip "jq missing"
j() { printf "%s\n" "$out" | jq -r "$@"; }
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME SPRING_APPLICATION_JSON

pebble_start
srv_java
H="--http-port $PB_HTTP --http-address 127.0.0.1 --agree-tos --key ec256"

for kind in p12 jks pem; do
	S=$T/srv-$kind
	srv_tree "$S" "$kind" "$kind.tlsdeck.test" "www.$kind.tlsdeck.test" ||
	    fail "$kind tree"
	srv_start "$S"
	old=$(served_fp "$SRV_PORT")
	[ -n "$old" ] || fail "$kind: nothing served at first"
	tree_sums "$S" >"$T/before"

	# 1. The first issuance: self-signed, so ordered.
	acme_ok "$kind: first" --server "$S" $H --restart "$SRV_RESTART" \
	    --format json
	[ "$(j .outcome)" = renewed ] || fail "$kind: outcome $(j .outcome)"
	j .decision | grep -q "self-signed" || fail "$kind: $(j .decision)"
	[ "$(j '.names | join(",")')" = "$kind.tlsdeck.test,www.$kind.tlsdeck.test" ] ||
	    fail "$kind: names $(j -c .names)"
	new=$(served_fp "$SRV_PORT" "$kind.tlsdeck.test")
	[ "$new" != "$old" ] || fail "$kind: the old certificate is served"
	[ "$new" = "$(j -r .served.sha256 | tr 'A-F' 'a-f' | tr -d :)" ] ||
	    fail "$kind: served $new, reported $(j .served.sha256)"
	openssl s_client -connect "127.0.0.1:$SRV_PORT" -servername \
	    "$kind.tlsdeck.test" -showcerts </dev/null 2>/dev/null |
	    sed -n '/BEGIN CERT/,/END CERT/p' >"$T/served.pem"
	chain_ok "$T/served.pem" "www.$kind.tlsdeck.test"
	case $kind in
	pem)
		cf=$(j -r .cert_file)
		kf=$(j -r .key_file)
		[ -f "$cf" ] && [ -f "$kf" ] || fail "pem: no new files"
		[ -f "$S/conf/ssl/server.crt" ] || fail "pem: old file gone"
		grep -qx "server.ssl.certificate=$cf" "$S/conf/application.properties" ||
		    fail "pem: certificate setting not switched"
		grep -qx "server.ssl.certificate-private-key=$kf" \
		    "$S/conf/application.properties" || fail "pem: key setting"
		[ "$(stat -c %a "$kf")" = 600 ] || fail "key mode $(stat -c %a "$kf")"
		;;
	*)
		a=$(j -r .alias)
		case $a in server-acme-2[0-9]*) ;; *) fail "$kind: alias $a" ;; esac
		grep -qx "server.ssl.key-alias=$a" "$S/conf/application.properties" ||
		    fail "$kind: key-alias not switched"
		kt -list -keystore "$S/conf/ssl/keystore.$kind" \
		    -storepass:env SRV_PASS >"$T/kt" 2>&1 || { cat "$T/kt"; fail "$kind: keytool"; }
		grep -q "^server," "$T/kt" && grep -q "^$a," "$T/kt" ||
		    { cat "$T/kt"; fail "$kind: both entries expected"; }
		;;
	esac
	[ "$(j '.files | length')" -ge 2 ] || fail "$kind: files $(j -c .files)"

	# 2. Issued here, years left (pebble): nothing to do, no byte changed.
	tree_sums "$S" >"$T/after1"
	acme_ok "$kind: second" --server "$S" $H --restart "$SRV_RESTART"
	printf "%s\n" "$out" | grep -q "^Nothing to do: [0-9]* days left, renewal due" ||
	    fail "$kind: second run: $out"
	tree_sums "$S" | cmp -s - "$T/after1" || fail "$kind: bytes changed"

	# 3. --renew-before 3650 (more than is left) and --force order.
	acme_ok "$kind: window" --server "$S" $H --restart "$SRV_RESTART" \
	    --renew-before 3650 --dry-run --format json
	[ "$(j .outcome)" = planned ] && j .decision | grep -q "within the renewal window of 3650 days" ||
	    fail "$kind: --renew-before: $(j .decision)"
	tree_sums "$S" | cmp -s - "$T/after1" || fail "$kind: dry run wrote"
	[ "$kind" = pem ] || continue
	acme_ok "$kind: force" --server "$S" $H --restart "$SRV_RESTART" \
	    --force --format json
	[ "$(j .outcome)" = renewed ] || fail "--force: $(j .outcome)"
	j .cert_file | grep -q -- "-acme-2[0-9]*-2.crt$" ||
	    fail "--force: new file name $(j .cert_file)"
done

# 4. A server that keeps serving the old certificate: rolled back.
S=$T/srv-p12
SRV_RESTART="$TOP_SRCDIR/tests/acme/srv-restart.sh $S"
tree_sums "$S" >"$T/before"
P12_PORT=$(sed -n 's/^server.port=//p' "$S/conf/application.properties")
served=$(served_fp "$P12_PORT")
touch "$S/keep-old"
acme --server "$S" $H --restart "$SRV_RESTART" --force --verify-timeout 3
[ "$rc" = 1 ] || fail "keep-old: exit $rc"
one_line "keep-old" "was not served within 3 s.*every file was put back"
rm -f "$S/keep-old"
tree_sums "$S" | cmp -s - "$T/before" || fail "keep-old: not the exact bytes"
printf "%s\n" "$out" | grep -q "back to its previous bytes" || fail "keep-old: $out"
[ "$(served_fp "$P12_PORT")" = "$served" ] || fail "keep-old: served changed"

# 5. A restart command that fails: rolled back, the restart run again.
touch "$S/restart-fails"
n0=$(wc -l <"$S/restarts")
acme --server "$S" $H --restart "$SRV_RESTART" --force
[ "$rc" = 1 ] || fail "restart-fails: exit $rc"
grep -q "restart command .* failed (exit 3): Job for app.service failed" "$T/err" ||
    fail "restart-fails: $(cat "$T/err")"
rm -f "$S/restart-fails"
tree_sums "$S" | cmp -s - "$T/before" || fail "restart-fails: bytes"
[ $(($(wc -l <"$S/restarts") - n0)) = 2 ] || fail "the restart did not run again"

# 6. Ctrl-C while the server restarts (after the writes): rolled back.
cat >"$T/slow-restart" <<EOF2
#!/bin/sh
# the first call hangs (Ctrl-C comes), the next one restarts
[ -e "$T/slept" ] && exec $SRV_RESTART
touch "$T/slept"
sleep 30
EOF2
chmod +x "$T/slow-restart"
timeout 120 "$TLSDECK" acme --directory "$PB_DIR" --ca-file "$PB_CA" \
    --server "$S" $H --restart "$T/slow-restart" --force >"$T/int.out" 2>"$T/err" &
p=$!
i=0
until grep -q "restart:" "$T/int.out" 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 600 ] || fail "never reached the restart"
	sleep 0.1
done
kill -INT $p
wait $p
rc=$?
[ "$rc" = 1 ] || fail "Ctrl-C: exit $rc"
grep -q "cancelled" "$T/err" || fail "Ctrl-C: $(cat "$T/err")"
tree_sums "$S" | cmp -s - "$T/before" || fail "Ctrl-C: bytes"
ls -a "$S/conf" "$S/conf/ssl" | grep -q tlsdeck-tmp && fail "temporary file left"
exit 0
