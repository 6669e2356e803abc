#!/bin/sh
# SPDX-License-Identifier: ISC
# tomcat.sh -- tlsdeck against Debian's Tomcat 10.1, started in private
# CATALINA_BASEs on free loopback ports (tests/servers/lib.sh):
#  1. one HTTPS connector with two SSLHostConfigs: _default_ with an RSA
#     key in PKCS12 and an EC key in JKS, b.example.test with its own
#     PKCS12: status and probe match what Tomcat serves for each name;
#  2. a renewal through the CLI (a new keystore by tlsdeck genkey, then
#     configure NAME@SCOPE): only that attribute's bytes change, xmllint
#     reads the file, the probe says "pending" before the restart and
#     "served" after it;
#  3. the Connector's own keystoreFile/keystorePass of Tomcat 8.5: Tomcat
#     10.1 does not serve it (critical finding with the rewrite), tlsdeck
#     configure --fix rewrites it, and Tomcat serves after a restart;
#  4. an HTTP-only Tomcat (Debian's server.xml): configure inserts an
#     HTTPS connector (type EC, as the key tlsdeck genkey made), Tomcat
#     runs as the tomcat user and cannot read the keystore tlsdeck made
#     (0600 root): a critical finding, and after chgrp/chmod it serves.
. "${TOP_SRCDIR:-.}/tests/servers/lib.sh"
need_tomcat
need_keytool
command -v xmllint >/dev/null || skip "xmllint missing"
command -v setpriv >/dev/null || skip "setpriv missing"

CA=$T/cacerts.p12

# ---- 1. two host configs, RSA + EC, PKCS12 + JKS -------------------------
B=$T/tc
tc_base "$B"
port PH
port PS
ks_rsa "$B/conf/rsa.p12" rsa localhost rsapass1
ks_ec "$B/conf/ec.jks" ec localhost ecpass123 JKS
ks_rsa "$B/conf/b.p12" b b.example.test bpass123
trust_of "$CA" "$B/conf/rsa.p12" rsa rsapass1
trust_of "$CA" "$B/conf/ec.jks" ec ecpass123
trust_of "$CA" "$B/conf/b.p12" b bpass123
cat >"$B/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- a test server: HTTP and HTTPS on loopback -->
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="$PH" address="127.0.0.1" protocol="HTTP/1.1"
               connectionTimeout="20000"
               redirectPort="$PS" />
    <!-- HTTPS: RSA and EC for every name, and b.example.test alone -->
    <Connector port="$PS" address="127.0.0.1"
               protocol="org.apache.coyote.http11.Http11NioProtocol"
               maxThreads="50" SSLEnabled="true">
        <SSLHostConfig>
            <Certificate certificateKeystoreFile="conf/rsa.p12"
                         certificateKeystorePassword="rsapass1"
                         certificateKeyAlias="rsa" type="RSA" />
            <Certificate certificateKeystoreFile="\${catalina.base}/conf/ec.jks"
                         certificateKeystoreType="JKS"
                         certificateKeystorePassword="ecpass123"
                         certificateKeyAlias="ec" type="EC" />
        </SSLHostConfig>
        <SSLHostConfig hostName="b.example.test">
            <Certificate certificateKeystoreFile="conf/b.p12"
                         certificateKeystorePassword="bpass123" />
        </SSLHostConfig>
    </Connector>
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false"
            autoDeploy="false" />
    </Engine>
  </Service>
</Server>
EOF
tc_start "$B" "$PS"
TCPID=$SRV_PID

td status --server "$B" --format json
[ $rc = 0 ] || fail "status: exit $rc: $err"
[ "$(j .kind)" = tomcat ] || fail "kind $(j .kind)"
j .server_version | grep -q '^10\.1\.' || fail "version $(j .server_version)"
[ "$(j .server_home)" = "$TC_HOME" ] || fail "home $(j .server_home)"
[ "$(j .port)" = "$PS" ] && [ "$(j .listening)" = true ] ||
    fail "port $(j .port) listening $(j .listening)"
[ "$(j .listen_pid)" = "$TCPID" ] || fail "pid $(j .listen_pid), not $TCPID"
j .jre.found_by | grep -q "running server (pid $TCPID)\|listening on port $PS" ||
    fail "JRE: $(j .jre.found_by)"
[ "$(j '[.keystores[] | .role] | join(" ")')" = "server server sni" ] ||
    fail "roles: $(j -c '[.keystores[] | {role, name}]')"
[ "$(j '[.keystores[] | .format] | join(" ")')" = "PKCS12 JKS PKCS12" ] ||
    fail "formats: $(j -c '[.keystores[] | .format]')"
[ "$(j '[.keystores[] | .key_recovered] | all')" = true ] ||
    fail "keys: $(j -c '[.keystores[] | {name, error}]')"
[ "$(j '.keystores[1].path')" = "$B/conf/ec.jks" ] ||
    fail "\${catalina.base}: $(j '.keystores[1].path')"
[ "$(j '.keystores[2].hosts[0]')" = b.example.test ] || fail "SNI host"
[ "$(j '[.findings[] | select(.severity == "critical")] | length')" = 0 ] ||
    fail "critical: $(j -c '[.findings[] | {code, message}]')"
# the rows: native names, their scope and line
row='.settings[] | select(.key == "certificateKeystoreFile" and
    .scope == "connector '$PS', host b.example.test")'
ln=$(grep -n 'certificateKeystoreFile="conf/b.p12"' "$B/conf/server.xml" |
    cut -d: -f1)
[ "$(j "$row | .source")" = "conf/server.xml:$ln" ] ||
    fail "row: $(j -c "[$row]")"
[ "$(j '[.settings[] | select(.secret) | .value] | unique | join(",")')" = \
    "********" ] || fail "passwords shown"
printf '%s' "$out" | grep -q 'rsapass1\|ecpass123\|bpass123' &&
    fail "a password in the JSON"
td status --server "$B"
printf '%s\n' "$out" | grep -q "^           Apache Tomcat 10\.1\.[0-9]*, pid $TCPID" ||
    fail "text header: $(printf '%s\n' "$out" | head -3)"

# probe: the default name and b.example.test, each against its entry
td probe --server "$B" --cacerts "$CA" --format json
[ $rc = 0 ] || fail "probe: exit $rc $err $(j -c '{keystore, hosts, findings}')"
[ "$(j .keystore.match)" = true ] || fail "probe default: $(j -c .keystore)"
[ "$(j '.hosts | length')" = 1 ] && [ "$(j '.hosts[0].sni')" = \
    b.example.test ] && [ "$(j '.hosts[0].match')" = true ] ||
    fail "probe hosts: $(j -c .hosts)"
[ "$(j '.hosts[0].sha256')" = "$(fp_of "$B/conf/b.p12" b bpass123)" ] ||
    fail "b.example.test served $(j '.hosts[0].sha256')"

# ---- 2. a renewal through the CLI ---------------------------------------
cp "$B/conf/server.xml" "$T/server.xml.before"
PW=bpass123 "$TLSDECK" genkey "$B/conf/b2.p12" --alias b \
    --dname CN=b.example.test --san dns:b.example.test --storepass-env PW \
    >"$T/genkey.out" 2>&1 || { cat "$T/genkey.out"; fail "genkey"; }
trust_of "$CA" "$B/conf/b2.p12" b bpass123
td configure --server "$B" --set \
    "certificateKeystoreFile@b.example.test=conf/b2.p12"
[ $rc = 0 ] || fail "configure: exit $rc: $err $out"
printf '%s\n' "$out" | grep -q '^+ *<Certificate certificateKeystoreFile="conf/b2.p12"' ||
    fail "configure diff: $out"
xmllint --noout "$B/conf/server.xml" || fail "xmllint after the renewal"
diff "$T/server.xml.before" "$B/conf/server.xml" >"$T/diff"
[ "$(grep -c '^[<>]' "$T/diff")" = 2 ] || { cat "$T/diff"; fail "diff"; }
sed 's|certificateKeystoreFile="conf/b.p12"|certificateKeystoreFile="conf/b2.p12"|' \
    "$T/server.xml.before" | cmp -s - "$B/conf/server.xml" ||
    fail "more than the attribute's value changed"
# pending: Tomcat still serves the old certificate
td probe --server "$B" --cacerts "$CA" --format json
[ $rc = 1 ] || fail "pending: exit $rc"
[ "$(j '.hosts[0].match')" = false ] || fail "pending: $(j -c .hosts)"
f='.findings[] | select(.code == "served-cert-differs")'
[ "$(j "$f | .severity")" = critical ] || fail "pending: $(j -c .findings)"
j "$f | .message" | grep -q "for b.example.test" || fail "$(j "$f | .message")"
j "$f | .fix" | grep -q "pid $TCPID" || fail "restart fix: $(j "$f | .fix")"
srv_stop
tc_start "$B" "$PS"
td probe --server "$B" --cacerts "$CA" --format json
[ $rc = 0 ] || fail "after restart: exit $rc $(j -c '{hosts, findings}')"
[ "$(j '.hosts[0].sha256')" = "$(fp_of "$B/conf/b2.p12" b bpass123)" ] ||
    fail "not the renewed certificate: $(j -c .hosts)"
srv_stop

# ---- 3. the old Connector attributes on Tomcat 10.1 ----------------------
L=$T/legacy
tc_base "$L"
port PH2
port PL
ks_rsa "$L/conf/legacy.jks" tomcat localhost legacy12 JKS
trust_of "$CA" "$L/conf/legacy.jks" tomcat legacy12
cat >"$L/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector port="$PH2" address="127.0.0.1" protocol="HTTP/1.1"
               connectionTimeout="20000" redirectPort="$PL" />
    <!-- as Tomcat 8.5 wrote it -->
    <Connector port="$PL" address="127.0.0.1" protocol="org.apache.coyote.http11.Http11NioProtocol"
               maxThreads="50" SSLEnabled="true" scheme="https" secure="true"
               keystoreFile="conf/legacy.jks" keystorePass="legacy12"
               keyAlias="tomcat" keystoreType="JKS"
               clientAuth="false" sslProtocol="TLS" />
    <Engine name="Catalina" defaultHost="localhost">
      <Host name="localhost" appBase="webapps" unpackWARs="false"
            autoDeploy="false" />
    </Engine>
  </Service>
</Server>
EOF
td status --server "$L" --no-live --format json
f='.findings[] | select(.code == "tomcat-legacy-tls")'
[ "$(j "$f | .severity")" = critical ] || fail "legacy: $(j -c .findings)"
j "$f | .message" | grep -q 'keystoreFile, keystorePass, keyAlias, keystoreType, clientAuth, sslProtocol' ||
    fail "legacy message: $(j "$f | .message")"
j "$f | .fix" | grep -q '<Certificate certificateKeystoreFile="conf/legacy.jks"' ||
    fail "legacy rewrite: $(j "$f | .fix")"
j "$f | .fix" | grep -q 'certificateKeystorePassword="\*\*\*\*\*\*\*\*"' ||
    fail "the rewrite must mask the password"
printf '%s' "$out" | grep -q legacy12 && fail "a password in the JSON"
[ "$(j '.keystore.key_recovered')" = true ] || fail "legacy keystore not read"
# Tomcat 10.1 really does not serve it
tc_start "$L" "$PH2"
sleep 2
[ -z "$(ss -Hltn "sport = :$PL")" ] || fail "Tomcat 10.1 serves the old form?"
srv_stop
cp "$L/conf/server.xml" "$T/legacy.before"
td configure --server "$L" --fix tomcat-legacy-tls
[ $rc = 0 ] || fail "--fix: exit $rc: $err $out"
printf '%s\n' "$out" | grep -q '^+ *certificateKeystorePassword="\*\*\*\*\*\*\*\*"' ||
    fail "--fix diff does not mask the password: $out"
printf '%s' "$out" | grep -q legacy12 && fail "--fix shows the password"
xmllint --noout "$L/conf/server.xml" || fail "xmllint after --fix"
grep -q 'keystoreFile=' "$L/conf/server.xml" && fail "keystoreFile left"
grep -q 'certificateKeystorePassword="legacy12"' "$L/conf/server.xml" ||
    fail "the password did not move"
td status --server "$L" --no-live --format json
[ "$(j '[.findings[] | select(.code == "tomcat-legacy-tls")] | length')" = 0 ] ||
    fail "still legacy after --fix"
tc_start "$L" "$PL"
td probe --server "$L" --cacerts "$CA" --format json
[ $rc = 0 ] && [ "$(j .keystore.match)" = true ] ||
    fail "after --fix: exit $rc $(j -c '{keystore, findings}')"
srv_stop

# ---- 4. Enable HTTPS on an HTTP-only Tomcat, run as tomcat ---------------
E=$T/http
tc_base "$E"
port PH3
port PE
sed -e "s/port=\"8080\" protocol=\"HTTP\/1.1\"/port=\"$PH3\" address=\"127.0.0.1\" protocol=\"HTTP\/1.1\"/" \
    /etc/tomcat10/server.xml >"$E/conf/server.xml"
grep -q "port=\"$PH3\" address" "$E/conf/server.xml" || fail "sed Debian's file"
td status --server "$E" --no-live --format json
[ "$(j '.https')" = false ] || fail "https on?"
[ "$(j '[.findings[] | .code] | index("https-off")')" != null ] ||
    fail "no https-off: $(j -c '[.findings[] | .code]')"
cp "$E/conf/server.xml" "$T/http.before"
PW=tlspass1 "$TLSDECK" genkey "$E/conf/tls.p12" --alias tomcat --keyalg ec \
    --dname CN=localhost --san dns:localhost --storepass-env PW \
    >"$T/genkey.out" 2>&1 || { cat "$T/genkey.out"; fail "genkey EC"; }
trust_of "$CA" "$E/conf/tls.p12" tomcat tlspass1
PW=tlspass1 td configure --server "$E" --set key-store=conf/tls.p12 \
    --set-env key-store-password=PW --set port="$PE"
[ $rc = 0 ] || fail "enable: exit $rc: $err $out"
printf '%s\n' "$out" | grep -q "note: a new HTTPS connector on port $PE after the connector on port $PH3, type EC" ||
    fail "enable notes: $out"
printf '%s' "$out" | grep -q tlspass1 && fail "enable shows the password"
xmllint --noout "$E/conf/server.xml" || fail "xmllint after enabling"
grep -q "redirectPort=\"$PE\"" "$E/conf/server.xml" || fail "redirectPort"
grep -q 'type="EC"' "$E/conf/server.xml" || fail "type follows the key"
# nothing else changed: the old file is the new one without the
# connector and with the old redirectPort
sed -n '/<Connector port="'"$PE"'"/,/<\/Connector>/!p' "$E/conf/server.xml" |
    sed "s/redirectPort=\"$PE\"/redirectPort=\"8443\"/" |
    cmp -s - "$T/http.before" || fail "more than the connector changed"
# Tomcat as tomcat: the keystore tlsdeck made (root, 0600) is not
# readable for it
chmod 755 "$T"
chown -R tomcat:tomcat "$E"
chown root:root "$E/conf/tls.p12"
chmod 0600 "$E/conf/tls.p12"
tc_start "$E" "$PH3" tomcat
sleep 2
td status --server "$E" --format json
f='.findings[] | select(.code == "keystore-server-cannot-read")'
[ "$(j "$f | .severity")" = critical ] || fail "ownership: $(j -c '[.findings[] | .code]')"
j "$f | .message" | grep -q "(pid $SRV_PID, uid $(id -u tomcat).*cannot read $E/conf/tls.p12" ||
    fail "ownership message: $(j "$f | .message")"
[ -z "$(ss -Hltn "sport = :$PE")" ] || fail "Tomcat read the keystore?"
srv_stop
chgrp tomcat "$E/conf/tls.p12"
chmod 0640 "$E/conf/tls.p12"
tc_start "$E" "$PE" tomcat
td probe --server "$E" --cacerts "$CA" --format json
[ $rc = 0 ] && [ "$(j .keystore.match)" = true ] ||
    fail "enabled HTTPS: exit $rc $(j -c '{keystore, findings}')"
td status --server "$E" --format json
[ "$(j '[.findings[] | select(.code == "keystore-server-cannot-read")] | length')" = 0 ] ||
    fail "still unreadable"
srv_stop
echo "tomcat: ok"
