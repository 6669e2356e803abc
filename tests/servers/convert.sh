#!/bin/sh
# SPDX-License-Identifier: ISC
# convert.sh -- tlsdeck convert --server on Debian's Tomcat 10.1 and Jetty
# 9.4 (tests/servers/lib.sh): a keytool-made JKS keystore whose key has
# its own password, served by the running server, becomes a PKCS#12 file
# beside it; the server's own settings are switched in the same
# transaction (Tomcat: certificateKeystoreFile/Type, certificateKeyPassword
# dropped, only those attribute bytes change, xmllint reads the file;
# Jetty: keyStorePath/Type, keyManagerPassword set to the store password,
# as Jetty's own default would not open the key).  The old JKS
# file is moved away, the server restarted, and the probe sees the same
# certificate served, from the new file.
. "${TOP_SRCDIR:-.}/tests/servers/lib.sh"
need_tomcat
need_jetty
need_keytool
command -v xmllint >/dev/null || skip "xmllint missing"
export TLSDECK_STATE_DIR="$T/state"

CA=$T/cacerts.p12
# jks FILE ALIAS CN: a JKS key entry whose key password is not the store
# password (as Tomcat's and Jetty's key-password settings allow).
jks() {
	kt -genkeypair -keystore "$1" -storetype JKS -storepass storepw1 \
	    -keypass keypw123 -alias "$2" -keyalg RSA -keysize 2048 \
	    -dname "CN=$3" -ext "SAN=dns:$3" -validity 400 >/dev/null 2>&1 ||
	    fail "keytool JKS $1"
	kt -exportcert -keystore "$1" -storepass storepw1 -alias "$2" -rfc \
	    -file "$T/export.pem" >/dev/null 2>&1 || fail "export $1"
	kt -importcert -noprompt -keystore "$CA" -storetype PKCS12 \
	    -storepass changeit -alias "$2" -file "$T/export.pem" \
	    >/dev/null 2>&1 || fail "trust $1"
}
# served BASE FP: the probe matches the keystore, which is the new
# PKCS#12 file, and the server sends the certificate of fingerprint FP.
served() {
	td probe --server "$1" --cacerts "$CA" --format json
	[ $rc = 0 ] || fail "probe $1: exit $rc $err $(j -c .keystore)"
	[ "$(j .keystore.match)" = true ] || fail "probe $1: $(j -c .keystore)"
	case $(j .keystore.path) in
	*.p12) ;;
	*) fail "probe $1: keystore $(j .keystore.path)" ;;
	esac
	[ "$(j '.chain[0].sha256')" = "$2" ] ||
	    fail "$1 serves $(j '.chain[0].sha256'), not $2"
}

# ---- Tomcat --------------------------------------------------------------
B=$T/tc
tc_base "$B"
port PS
jks "$B/conf/tc.jks" tc localhost
fp=$(fp_of "$B/conf/tc.jks" tc storepw1)
cat >"$B/conf/server.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <!-- HTTPS from a JKS keystore -->
    <Connector port="$PS" address="127.0.0.1"
               protocol="org.apache.coyote.http11.Http11NioProtocol"
               maxThreads="50" SSLEnabled="true">
        <SSLHostConfig>
            <Certificate certificateKeystoreFile="conf/tc.jks"
                         certificateKeystoreType="JKS"
                         certificateKeystorePassword="storepw1"
                         certificateKeyPassword="keypw123"
                         certificateKeyAlias="tc" type="RSA" />
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
td probe --server "$B" --cacerts "$CA" --format json
[ "$(j .keystore.match)" = true ] || fail "Tomcat before: $(j -c .keystore)"

td convert --server "$B" --to pkcs12
[ $rc = 0 ] || fail "convert Tomcat: exit $rc: $err"
[ -z "$err" ] || fail "convert Tomcat: stderr: $err"
X=$B/conf/server.xml
grep -q 'certificateKeystoreFile="conf/tc.p12"' "$X" ||
    fail "certificateKeystoreFile: $(grep Keystore "$X")"
grep -q 'certificateKeystoreType="PKCS12"' "$X" || fail "type not switched"
grep -q 'certificateKeyPassword' "$X" && fail "certificateKeyPassword left"
xmllint --noout "$X" || fail "xmllint"
# only those bytes: three lines differ, one of them gone
[ "$(diff "$T/server.xml.before" "$X" | grep -c '^<')" = 3 ] &&
    [ "$(diff "$T/server.xml.before" "$X" | grep -c '^>')" = 2 ] ||
    { diff "$T/server.xml.before" "$X"; fail "server.xml: other changes"; }
[ -z "$(ls "$T/state/txn" 2>/dev/null)" ] || fail "a journal stayed"
mv "$B/conf/tc.jks" "$T/tc.jks.old"
srv_stop
tc_start "$B" "$PS"
served "$B" "$fp"
srv_stop

# ---- Jetty ---------------------------------------------------------------
J=$T/jb
jt_base "$J"
port PJ
jks "$J/etc/jt.jks" jt localhost
fp=$(fp_of "$J/etc/jt.jks" jt storepw1)
# (Jetty's trust store is its key store unless named)
cp "$CA" "$J/etc/trust.p12"
cat >"$J/start.d/ssl.ini" <<EOF
# TLS from a JKS keystore
--module=ssl,https
jetty.ssl.host=127.0.0.1
jetty.ssl.port=$PJ
jetty.sslContext.keyStorePath=etc/jt.jks
jetty.sslContext.keyStoreType=JKS
jetty.sslContext.keyStorePassword=storepw1
jetty.sslContext.keyManagerPassword=keypw123
jetty.sslContext.trustStorePath=etc/trust.p12
jetty.sslContext.trustStoreType=PKCS12
jetty.sslContext.trustStorePassword=changeit
EOF
jt_start "$J" "$PJ"
td probe --server "$J" --cacerts "$CA" --format json
[ "$(j .keystore.match)" = true ] || fail "Jetty before: $(j -c .keystore)"

td convert --server "$J" --to pkcs12
[ $rc = 0 ] || fail "convert Jetty: exit $rc: $err"
I=$J/start.d/ssl.ini
grep -qx 'jetty.sslContext.keyStorePath=etc/jt.p12' "$I" ||
    fail "keyStorePath: $(cat "$I")"
grep -qx 'jetty.sslContext.keyStoreType=PKCS12' "$I" || fail "keyStoreType"
# the key password is the store password now (Jetty's default, "keypwd",
# would not open the key): written in Jetty's OBF: form
grep -q '^jetty.sslContext.keyManagerPassword=OBF:' "$I" ||
    fail "keyManagerPassword: $(grep keyManagerPassword "$I")"
grep -q keypw123 "$I" && fail "the old key password is left"
grep -qx '# TLS from a JKS keystore' "$I" || fail "comment lost"
mv "$J/etc/jt.jks" "$T/jt.jks.old"
srv_stop
jt_start "$J" "$PJ"
served "$J" "$fp"
exit 0
