#!/bin/sh
# SPDX-License-Identifier: ISC
# tomcat-acme.sh -- tlsdeck acme on Debian's Tomcat 10.1 with pebble, one
# Tomcat start: an HTTP connector on loopback (the manager's), an HTTPS
# connector with two SSLHostConfigs (_default_: a.tlsdeck.test in
# a.p12; b.tlsdeck.test in b.p12), the manager webapp (Debian's
# tomcat10-admin when installed, else Tomcat's own ManagerServlet in a
# minimal webapp) and a manager-script user in tomcat-users.xml.
#  1. without a manager user and with no unit: refused before any
#     request, one line saying a restart is needed, nothing written;
#  2. renewal through the manager's sslReload (password from a file): the
#     entry replaced in place, server.xml unchanged, the new certificate
#     served for a.tlsdeck.test without a restart (same pid);
#  3. --host b.tlsdeck.test renews b's host config (password from
#     TLSDECK_MANAGER_PASSWORD), a's stays served;
#  4. a wrong manager password: rolled back to the exact bytes, the old
#     certificate still served.
. "${TOP_SRCDIR:-.}/tests/servers/lib.sh"
need_tomcat
need_keytool
. "$TOP_SRCDIR/tests/acme/lib.sh"
trap 'pebble_stop; srv_cleanup' EXIT

pebble_start
B=$T/tc
tc_base "$B"
port PH
port PS
PASS=tcpass-$$
ks_rsa "$B/conf/a.p12" a a.tlsdeck.test "$PASS"
ks_rsa "$B/conf/b.p12" b b.tlsdeck.test "$PASS"
cat >"$B/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <GlobalNamingResources>
    <Resource name="UserDatabase" auth="Container"
              type="org.apache.catalina.UserDatabase"
              factory="org.apache.catalina.users.MemoryUserDatabaseFactory"
              pathname="conf/tomcat-users.xml" />
  </GlobalNamingResources>
  <Service name="Catalina">
    <Connector port="$PH" address="127.0.0.1" protocol="HTTP/1.1"
               redirectPort="$PS" />
    <Connector port="$PS" address="127.0.0.1"
               protocol="org.apache.coyote.http11.Http11NioProtocol"
               maxThreads="20" SSLEnabled="true">
        <SSLHostConfig>
            <Certificate certificateKeystoreFile="conf/a.p12"
                         certificateKeystorePassword="$PASS"
                         certificateKeyAlias="a" />
        </SSLHostConfig>
        <SSLHostConfig hostName="b.tlsdeck.test">
            <Certificate certificateKeystoreFile="conf/b.p12"
                         certificateKeystorePassword="$PASS"
                         certificateKeyAlias="b" />
        </SSLHostConfig>
    </Connector>
    <Engine name="Catalina" defaultHost="localhost">
      <Realm className="org.apache.catalina.realm.UserDatabaseRealm"
             resourceName="UserDatabase" />
      <Host name="localhost" appBase="webapps" unpackWARs="false"
            autoDeploy="false" />
    </Engine>
  </Service>
</Server>
EOF
MGRPASS=mgr-$$-secret
printf '%s\n' "$MGRPASS" >"$T/mgrpass"
chmod 600 "$T/mgrpass"
cat >"$B/conf/tomcat-users.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
  <user username="tlsdeck-mgr" password="$MGRPASS" roles="manager-script"/>
</tomcat-users>
EOF
rm -rf "$B/conf/Catalina"
if [ -d /usr/share/tomcat10-admin/manager ] &&
    [ -f /etc/tomcat10/Catalina/localhost/manager.xml ]; then
	echo "# the manager: Debian's tomcat10-admin" >&2
	mkdir -p "$B/conf/Catalina/localhost"
	cp /etc/tomcat10/Catalina/localhost/manager.xml \
	    "$B/conf/Catalina/localhost/"
else
	echo "# the manager: ManagerServlet in a minimal webapp" >&2
	mkdir -p "$B/webapps/manager/WEB-INF" "$B/webapps/manager/META-INF"
	echo '<Context privileged="true" />' \
	    >"$B/webapps/manager/META-INF/context.xml"
	cat >"$B/webapps/manager/WEB-INF/web.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="5.0">
  <servlet>
    <servlet-name>Manager</servlet-name>
    <servlet-class>org.apache.catalina.manager.ManagerServlet</servlet-class>
  </servlet>
  <servlet-mapping>
    <servlet-name>Manager</servlet-name>
    <url-pattern>/text/*</url-pattern>
  </servlet-mapping>
  <security-constraint>
    <web-resource-collection>
      <web-resource-name>text</web-resource-name>
      <url-pattern>/text/*</url-pattern>
    </web-resource-collection>
    <auth-constraint><role-name>manager-script</role-name></auth-constraint>
  </security-constraint>
  <login-config><auth-method>BASIC</auth-method></login-config>
  <security-role><role-name>manager-script</role-name></security-role>
</web-app>
EOF
fi
tc_start "$B" "$PS"
TCPID=$SRV_PID
unset TLSDECK_MANAGER_PASSWORD

# acme_tc ARGS...: tlsdeck acme on the Tomcat, http-01 by tlsdeck's own
# listener on pebble's validation port.
acme_tc() {
	out=$(timeout 120 "$TLSDECK" acme --directory "$PB_DIR" \
	    --ca-file "$PB_CA" --agree-tos --http-port "$PB_HTTP" \
	    --server "$B" --format json "$@" 2>"$T/err")
	rc=$?
}
fp() { served_fp "$PS" "$1"; }
old_a=$(fp a.tlsdeck.test)
old_b=$(fp b.tlsdeck.test)
[ -n "$old_a" ] && [ "$old_a" != "$old_b" ] || fail "Tomcat serves $old_a / $old_b"
sum() { sha256sum "$@" | cut -d' ' -f1; }
xml0=$(sum "$B/conf/server.xml")

# ---- 1. no manager user, no unit: a restart is needed --------------------
a0=$(sum "$B/conf/a.p12")
acme_tc --force
[ "$rc" = 1 ] || fail "1: exit $rc: $(cat "$T/err")"
[ "$(wc -l <"$T/err")" = 1 ] || fail "1: $(cat "$T/err")"
grep -q "restart of Apache Tomcat is needed.*--restart" "$T/err" ||
    fail "1: $(cat "$T/err")"
[ "$(sum "$B/conf/a.p12")" = "$a0" ] || fail "1: a.p12 changed"

# ---- 2. sslReload, password from a file ----------------------------------
t0=$(date +%s%N)
acme_tc --force --manager-user tlsdeck-mgr --manager-password-file "$T/mgrpass"
t1=$(date +%s%N)
[ "$rc" = 0 ] || fail "2: exit $rc: $(cat "$T/err")"
echo "# renewal with sslReload: $(((t1 - t0) / 1000000)) ms" >&2
[ "$(j -r .outcome)" = renewed ] || fail "2: $out"
j -r .restart | grep -q "manager (user tlsdeck-mgr): http://127.0.0.1:$PH/manager/text/sslReload?tlsHostName=_default_" ||
    fail "2: restart $(j -r .restart)"
[ "$(j -r .alias)" = a ] || fail "2: alias $(j -r .alias)"
new_a=$(fp a.tlsdeck.test)
[ "$new_a" != "$old_a" ] || fail "2: the old certificate is served"
[ "$new_a" = "$(j -r .served.sha256)" ] || fail "2: served $new_a, not $(j -r .served.sha256)"
[ "$(fp b.tlsdeck.test)" = "$old_b" ] || fail "2: b changed"
[ "$(sum "$B/conf/server.xml")" = "$xml0" ] || fail "2: server.xml changed"
kill -0 "$TCPID" || fail "2: Tomcat is gone"
grep -q "$MGRPASS" "$T/err" && fail "2: the password on stderr"
printf '%s' "$out" | grep -q "$MGRPASS" && fail "2: the password in JSON"
kt -list -keystore "$B/conf/a.p12" -storepass "$PASS" >"$T/list" 2>&1 ||
    fail "2: keytool: $(cat "$T/list")"
[ "$(grep -c PrivateKeyEntry "$T/list")" = 1 ] || fail "2: $(cat "$T/list")"

# ---- 3. --host b.tlsdeck.test, password from the environment ------------
b0=$(sum "$B/conf/b.p12")
TLSDECK_MANAGER_PASSWORD=$MGRPASS acme_tc --force --host b.tlsdeck.test \
    --manager-user tlsdeck-mgr
[ "$rc" = 0 ] || fail "3: exit $rc: $(cat "$T/err")"
j -r .restart | grep -q "tlsHostName=b.tlsdeck.test" || fail "3: $(j -r .restart)"
j -r .names[0] | grep -qx b.tlsdeck.test || fail "3: names $(j -c .names)"
new_b=$(fp b.tlsdeck.test)
[ "$new_b" != "$old_b" ] && [ "$new_b" = "$(j -r .served.sha256)" ] ||
    fail "3: b serves $new_b"
[ "$(fp a.tlsdeck.test)" = "$new_a" ] || fail "3: a changed"
[ "$(sum "$B/conf/b.p12")" != "$b0" ] || fail "3: b.p12 unchanged"
"$TLSDECK" acme --directory "$PB_DIR" --ca-file "$PB_CA" --server "$B" \
    --host nowhere.test --manager-user tlsdeck-mgr >/dev/null 2>"$T/err"
[ $? = 1 ] && grep -q "nowhere.test: no key material" "$T/err" ||
    fail "3: --host nowhere: $(cat "$T/err")"

# ---- 4. a wrong password: rolled back ------------------------------------
a1=$(sum "$B/conf/a.p12")
TLSDECK_MANAGER_PASSWORD=wrong acme_tc --force --manager-user tlsdeck-mgr
[ "$rc" = 1 ] || fail "4: exit $rc"
grep -q "refused user tlsdeck-mgr (HTTP 401)" "$T/err" || fail "4: $(cat "$T/err")"
[ "$(j -r .outcome)" = rolled-back ] || fail "4: $(j -r .outcome)"
[ "$(sum "$B/conf/a.p12")" = "$a1" ] || fail "4: a.p12 not its exact bytes"
[ "$(fp a.tlsdeck.test)" = "$new_a" ] || fail "4: served changed"
[ "$(sum "$B/conf/server.xml")" = "$xml0" ] || fail "4: server.xml changed"
kill -0 "$TCPID" || fail "Tomcat is gone"
echo "# tomcat acme: sslReload, --host, rollback" >&2
