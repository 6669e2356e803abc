#!/bin/sh
# SPDX-License-Identifier: ISC
# tomcat-tui.sh -- the dashboard and the "Renew - self-signed" wizard on a
# running Debian Tomcat 10.1 (tests/servers/lib.sh: a private
# CATALINA_BASE on free loopback ports), driven by keystrokes in tmux
# (tests/tui/lib.sh):
#  1. the dashboard at 80x24 and 200x50: the header names the kind and
#     server.xml, the keystore panel marks the served entry, the settings
#     panel shows server.xml's own attribute names;
#  2. the wizard makes an EC key under a new alias in the same keystore;
#     its settings page has Tomcat's names; the plan changes
#     certificateKeyAlias, and when it runs type too (RSA -> EC, the new
#     key's); the restart names the running server; server.xml differs in those two
#     attribute values only and xmllint reads it; no password on screen;
#  3. the probe says the new certificate is pending while Tomcat runs,
#     and served once it is restarted.
. "${TOP_SRCDIR:-.}/tests/servers/lib.sh"
need_tomcat
need_keytool
command -v xmllint >/dev/null || skip "xmllint missing"
# tests/tui/lib.sh sets its own EXIT trap: both clean-ups run.
. "$TOP_SRCDIR/tests/tui/lib.sh"
trap 'tt_cleanup; srv_cleanup' EXIT
TT_TIMEOUT=30

CA=$T/cacerts.p12
B=$T/tc
tc_base "$B"
port PH
port PS
PW='Tc-9v!Kq4pw'
ks_rsa "$B/conf/tls.p12" tomcat localhost "$PW"
trust_of "$CA" "$B/conf/tls.p12" tomcat "$PW"
cat >"$B/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- a test server: HTTP and HTTPS on loopback -->
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="$PH" address="127.0.0.1" protocol="HTTP/1.1"
               connectionTimeout="20000"
               redirectPort="$PS" />
    <Connector port="$PS" address="127.0.0.1"
               protocol="org.apache.coyote.http11.Http11NioProtocol"
               maxThreads="50" SSLEnabled="true">
        <SSLHostConfig>
            <Certificate certificateKeystoreFile="conf/tls.p12"
                         certificateKeystorePassword="$PW"
                         certificateKeyAlias="tomcat" type="RSA" />
        </SSLHostConfig>
    </Connector>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false"
            autoDeploy="false" />
    </Engine>
  </Service>
</Server>
EOF
cp "$B/conf/server.xml" "$T/server.xml.before"
tc_start "$B" "$PS"
TCPID=$SRV_PID
OLD=$(fp_of "$B/conf/tls.p12" tomcat "$PW")

nopw() {
	tt_screen | grep -qF -- "$PW" && tt_fail "the password is on screen"
	return 0
}

# ---- 1. the dashboard ---------------------------------------------------
TT_ENV="TLSDECK_BACKUP_DIR=$T/backups"
tt_start 200 50 --server "$B" --cacerts "$CA"
tt_wait_for '★ tomcat '
echo "--- the dashboard, 200x50 ---"; tt_screen
tt_row 0 | grep -q "Apache Tomcat $B/conf/server.xml" ||
    tt_fail "200x50 header: $(tt_row 0)"
tt_row 0 | grep -q 'cacerts PKCS12 1' || tt_fail "200x50 header: no cacerts"
tt_screen | grep -q 'certificateKeyAlias' ||
    tt_fail "200x50: Tomcat's attribute names are not in the settings"
nopw
tt_resize 80 24
tt_wait_for '^ *tlsdeck  tomcat …'
echo "--- the dashboard, 80x24 ---"; tt_screen
tt_screen | grep -q '★ tomcat ' || tt_fail "80x24: no served entry"
nopw

# ---- 2. Renew, self-signed ------------------------------------------------
tt_keys F3
tt_wait_for 'The old key stays in use until the new'
tt_keys 1
tt_wait_for 'New key pair  step 1 of 4'
tt_wait_for 'opens the keystore'
alias=$(tt_screen | sed -n 's/.* Alias  *\(tomcat-[0-9]\{8\}\) .*/\1/p')
[ -n "$alias" ] || tt_fail "no new alias"
# EC, 256 bits
i=0
until tt_row "$(tt_cursor | cut -d, -f2)" | grep -q 'Key algorithm'; do
	i=$((i + 1))
	[ $i -lt 25 ] || tt_fail "no Key algorithm item"
	tt_keys Tab
	sleep 0.1
done
tt_keys Right
tt_wait_for 'Key algorithm .*\[EC\]'
tt_keys Tab C-u
tt_type 256
tt_wait_gone 'EC: 256 or 384'
tt_keys F2
tt_wait_for 'SSL settings  step 2 of 4'
tt_wait_for "certificateKeyAlias  *$alias"
tt_wait_for 'the entry an earlier step makes'
tt_screen | grep -q 'certificateKeystoreFile  *conf/tls.p12' ||
    tt_fail "settings: the keystore as written"
tt_screen | grep -q 'server.ssl' && tt_fail "settings: Spring names"
nopw
tt_keys F2
tt_wait_for 'Export certificate  step 3 of 4'
tt_keys F2
tt_wait_for 'Trust in cacerts  step 4 of 4'
tt_keys F2
tt_wait_for 'The plan, 4 steps'
tt_resize 200 50
tt_wait_for 'certificateKeyAlias'
echo "--- the plan ---"; tt_screen
tt_screen | grep -q "change certificateKeyAlias of <Certificate> (line 12): tomcat -> $alias" ||
    tt_fail "plan: alias"
tt_screen | grep -q 'planned again when it runs' || tt_fail "plan: again"
cmp -s "$T/server.xml.before" "$B/conf/server.xml" ||
    tt_fail "written before confirming"
nopw
tt_keys y
tt_wait_for 'All 4 steps done' 60
echo "--- the end ---"; tt_screen
tt_screen | grep -q 'Restart the server' || tt_fail "no restart"
tt_screen | grep -q "kill $TCPID" || tt_screen | grep -q "pid $TCPID" ||
    tt_fail "the restart does not name the running Tomcat"
tt_screen | grep -q 'type follows the new key: EC (was RSA)' ||
    tt_fail "result: type"
nopw
tt_keys Enter
tt_wait_for "★ $alias"
tt_all | grep -qF -- "$PW" && tt_fail "the password was shown"
tt_keys q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"

# server.xml: two attribute values, nothing else
xmllint --noout "$B/conf/server.xml" || fail "xmllint after the wizard"
sed -e "s|certificateKeyAlias=\"tomcat\"|certificateKeyAlias=\"$alias\"|" \
    -e 's|type="RSA"|type="EC"|' "$T/server.xml.before" |
    cmp -s - "$B/conf/server.xml" ||
    { diff "$T/server.xml.before" "$B/conf/server.xml"; fail "server.xml"; }
NEW=$(fp_of "$B/conf/tls.p12" "$alias" "$PW")
[ -n "$NEW" ] && [ "$NEW" != "$OLD" ] || fail "no new entry"

# ---- 3. pending, then served ---------------------------------------------
td probe --server "$B" --cacerts "$CA" --format json
[ $rc = 1 ] || fail "pending: exit $rc $(j -c .findings)"
[ "$(j .kind)" = tomcat ] || fail "probe kind: $(j .kind)"
[ "$(j .chain[0].sha256)" = "$OLD" ] || fail "not the old one served"
f='.findings[] | select(.code == "served-cert-differs")'
j "$f | .fix" | grep -q "pid $TCPID" || fail "restart fix: $(j "$f | .fix")"
srv_stop
tc_start "$B" "$PS"
td probe --server "$B" --cacerts "$CA" --format json
[ $rc = 0 ] && [ "$(j .keystore.match)" = true ] ||
    fail "after restart: exit $rc $(j -c '{keystore, findings}')"
[ "$(j .chain[0].sha256)" = "$NEW" ] || fail "not the new certificate"
srv_stop
echo "tomcat-tui: ok"
