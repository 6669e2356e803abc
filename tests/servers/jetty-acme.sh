#!/bin/sh
# SPDX-License-Identifier: ISC
# jetty-acme.sh -- tlsdeck acme on Debian's Jetty 9.4 with pebble, one
# Jetty start: the ssl, https and ssl-reload modules (scanInterval 1), a
# PKCS12 keystore with two key entries chosen by SNI (a.tlsdeck.test,
# b.tlsdeck.test), no restart command.
#  1. the served entry renewed in place (same alias, start.d untouched):
#     ssl-reload serves the new certificate without a restart (same pid),
#     b's entry still served for b;
#  2. --host b.tlsdeck.test renews b's entry, a's new one stays served;
#  3. CA-signed: tlsdeck csr for entry b, signed by a test CA made with
#     openssl, tlsdeck import-reply on the same alias: ssl-reload serves
#     the CA-signed certificate for b without a restart.
# (The rollback after a reload is tests/servers/tomcat-acme.sh's.)
. "${TOP_SRCDIR:-.}/tests/servers/lib.sh"
need_jetty
need_keytool
. "$TOP_SRCDIR/tests/acme/lib.sh"
trap 'pebble_stop; srv_cleanup' EXIT

pebble_start
J=$T/jb
jt_base "$J"
port PS
KS=$J/etc/keystore.p12
PASS=jtpass-$$
ks_rsa "$KS" a a.tlsdeck.test "$PASS"
ks_rsa "$KS" b b.tlsdeck.test "$PASS"
cat >"$J/start.d/ssl.ini" <<EOF
--module=ssl,https
--module=ssl-reload
jetty.ssl.host=127.0.0.1
jetty.ssl.port=$PS
jetty.sslContext.keyStorePath=etc/keystore.p12
jetty.sslContext.keyStoreType=PKCS12
jetty.sslContext.keyStorePassword=$PASS
jetty.sslContext.keyManagerPassword=$PASS
jetty.sslContext.trustStorePath=etc/keystore.p12
jetty.sslContext.reload.scanInterval=1
EOF
jt_start "$J" "$PS"
JPID=$SRV_PID

acme_jt() {
	out=$(timeout 120 "$TLSDECK" acme --directory "$PB_DIR" \
	    --ca-file "$PB_CA" --agree-tos --http-port "$PB_HTTP" \
	    --server "$J" --format json "$@" 2>"$T/err")
	rc=$?
}
fp() { served_fp "$PS" "$1"; }
. "$TOP_SRCDIR/tests/servers/ca-sign.sh"
sum() { sha256sum "$@" | cut -d' ' -f1; }
old_a=$(fp a.tlsdeck.test)
old_b=$(fp b.tlsdeck.test)
[ -n "$old_a" ] && [ "$old_a" != "$old_b" ] || fail "Jetty serves $old_a / $old_b"
ini0=$(sum "$J/start.d/ssl.ini")

# ---- 1. the served entry, in place, ssl-reload ---------------------------
t0=$(date +%s%N)
acme_jt --force --domain a.tlsdeck.test
t1=$(date +%s%N)
[ "$rc" = 0 ] || fail "1: exit $rc: $(cat "$T/err")"
echo "# renewal with ssl-reload (scanInterval 1): $(((t1 - t0) / 1000000)) ms" >&2
j -r .restart | grep -q "ssl-reload" || fail "1: restart $(j -r .restart)"
j -r '.plan[]' | grep -q "replaced in place" || fail "1: plan $(j -c .plan)"
new_a=$(fp a.tlsdeck.test)
[ "$new_a" != "$old_a" ] && [ "$new_a" = "$(j -r .served.sha256)" ] ||
    fail "1: a serves $new_a"
[ "$(fp b.tlsdeck.test)" = "$old_b" ] || fail "1: b changed"
[ "$(sum "$J/start.d/ssl.ini")" = "$ini0" ] || fail "1: ssl.ini changed"
kill -0 "$JPID" || fail "1: Jetty is gone"
kt -list -keystore "$KS" -storepass "$PASS" >"$T/list" 2>&1 || fail "1: keytool"
[ "$(grep -c PrivateKeyEntry "$T/list")" = 2 ] || fail "1: $(cat "$T/list")"

# ---- 2. --host b.tlsdeck.test ---------------------------------------------
acme_jt --force --host b.tlsdeck.test
[ "$rc" = 0 ] || fail "2: exit $rc: $(cat "$T/err")"
[ "$(j -r .alias)" = b ] || fail "2: alias $(j -r .alias)"
new_b=$(fp b.tlsdeck.test)
[ "$new_b" != "$old_b" ] && [ "$new_b" = "$(j -r .served.sha256)" ] ||
    fail "2: b serves $new_b"
[ "$(fp a.tlsdeck.test)" = "$new_a" ] || fail "2: a changed"
kill -0 "$JPID" || fail "2: Jetty is gone"

# ---- 2b. a manager user is Tomcat's: refused in one line, nothing written --
ks0=$(sum "$KS")
TLSDECK_MANAGER_PASSWORD=x acme_jt --force --host b.tlsdeck.test \
    --manager-user admin
[ "$rc" = 1 ] || fail "2b: exit $rc"
grep -q "manager user is for Tomcat" "$T/err" || fail "2b: $(cat "$T/err")"
[ "$(sum "$KS")" = "$ks0" ] || fail "2b: the keystore changed"
unset TLSDECK_MANAGER_PASSWORD

# ---- 3. CA-signed: csr, the test CA, import-reply, ssl-reload -------------
export PASS
ca_sign "$KS" b b.tlsdeck.test
i=0
until served_issuer "$PS" b.tlsdeck.test | grep -q "tlsdeck test CA"; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "3: Jetty does not serve the CA-signed certificate: $(served_issuer "$PS" b.tlsdeck.test)"
	sleep 0.1
done
[ "$(fp a.tlsdeck.test)" = "$new_a" ] || fail "3: a changed"
kill -0 "$JPID" || fail "3: Jetty is gone"
echo "# jetty acme: ssl-reload, --host, CA-signed" >&2
