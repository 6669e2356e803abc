#!/bin/sh
# SPDX-License-Identifier: ISC
# badinput.sh -- Tomcat and Jetty trees tlsdeck must not misread or edit:
# a malformed server.xml, one with entities, one that includes another
# file, a Jetty password in a corrupt OBF: form, a directory that is no
# server.  Each gives one clear line (a failure, or a finding), and no
# file changes.  No server is started.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
command -v jq >/dev/null || skip "jq missing"
unset TLSDECK_PROPERTIES JAVA_HOME
export TLSDECK_BACKUP_DIR="$T/backups"

# td ARGS...: tlsdeck; stdout in $out, stderr in $err, exit in $rc.
td() {
	out=$(timeout 60 "$TLSDECK" "$@" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
}
j() { printf '%s\n' "$out" | jq -r "$@"; }
# one_line WHAT: stderr is one line.
one_line() {
	[ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] ||
	    fail "$1: not one line: $err"
}
# same FILE: unchanged since snap.
snap() { cp "$1" "$T/snap"; }
same() { cmp -s "$1" "$T/snap" || fail "$1 changed"; }

tree() {
	rm -rf "$T/t"
	mkdir -p "$T/t/conf"
	printf '%s\n' "$1" >"$T/t/conf/server.xml"
	snap "$T/t/conf/server.xml"
}

# ---- malformed XML ------------------------------------------------------
tree '<?xml version="1.0"?>
<Server port="-1">
  <Service name="Catalina">
    <Connector port="8443" SSLEnabled="true">
  </Service>
</Server>'
td status --server "$T/t" --no-live
[ $rc = 1 ] || fail "malformed: exit $rc"
one_line malformed
printf '%s' "$err" | grep -q "^tlsdeck: $T/t/conf/server.xml: line [0-9]*: " ||
    fail "malformed: $err"
td configure --server "$T/t" --set key-alias=x
[ $rc = 1 ] || fail "malformed configure: exit $rc"
one_line "malformed configure"
same "$T/t/conf/server.xml"

# ---- entities -----------------------------------------------------------
tree '<?xml version="1.0"?>
<!DOCTYPE Server [
  <!ENTITY pw "changeit">
]>
<Server port="-1">
  <Service name="Catalina">
    <Connector port="8443" SSLEnabled="true">
      <SSLHostConfig>
        <Certificate certificateKeystoreFile="conf/ks.p12"
                     certificateKeystorePassword="&pw;" />
      </SSLHostConfig>
    </Connector>
  </Service>
</Server>'
td status --server "$T/t" --no-live --format json
[ $rc = 0 ] || fail "entities: status exit $rc: $err"
f='.findings[] | select(.code == "config-not-editable")'
[ "$(j "[$f] | length")" = 1 ] || fail "entities: $(j -c '[.findings[] | .code]')"
j "$f | .message" | grep -q 'server.xml' || fail "entities: $(j "$f | .message")"
td configure --server "$T/t" --set key-alias=x
[ $rc = 1 ] || fail "entities configure: exit $rc"
one_line "entities configure"
printf '%s' "$err" | grep -q 'server.xml.*(nothing written)' ||
    fail "entities configure: $err"
same "$T/t/conf/server.xml"

# ---- a server.xml that includes another file ----------------------------
tree '<?xml version="1.0"?>
<!DOCTYPE Server [
  <!ENTITY connector SYSTEM "connector.xml">
]>
<Server port="-1">
  <Service name="Catalina">
    &connector;
  </Service>
</Server>'
printf '<Connector port="8443" SSLEnabled="true"/>\n' >"$T/t/conf/connector.xml"
td status --server "$T/t" --no-live --format json
[ $rc = 0 ] || fail "include: status exit $rc: $err"
j "$f | .message" | grep -q 'includes other files' ||
    fail "include: $(j -c '[.findings[] | {code, message}]')"
td configure --server "$T/t" --set port=9443
[ $rc = 1 ] || fail "include configure: exit $rc"
one_line "include configure"
same "$T/t/conf/server.xml"

# ---- a corrupt OBF: password --------------------------------------------
rm -rf "$T/j"
mkdir -p "$T/j/start.d" "$T/j/etc"
cat >"$T/j/start.d/ssl.ini" <<'EOF'
--module=ssl,https
jetty.sslContext.keyStorePassword=OBF:1vnyXXXX1x8e
EOF
cp "$T/j/start.d/ssl.ini" "$T/snap"
td status --server "$T/j" --no-live --format json
[ $rc = 0 ] || fail "OBF: status exit $rc: $err"
f='.findings[] | select(.code == "jetty-obf-invalid")'
[ "$(j "$f | .severity")" = critical ] || fail "OBF: $(j -c '[.findings[] | .code]')"
j "$f | .message" | grep -q '^jetty.sslContext.keyStorePassword: corrupt OBF: password' ||
    fail "OBF: $(j "$f | .message")"
printf '%s' "$out" | grep -q 1vnyXXXX && fail "OBF: the string is quoted"
same "$T/j/start.d/ssl.ini"

# ---- a directory that is no server --------------------------------------
mkdir -p "$T/empty"
td status --server "$T/empty" --no-live
[ $rc = 1 ] || fail "empty: exit $rc"
one_line empty
printf '%s' "$err" | grep -q 'no server found there' || fail "empty: $err"
echo "badinput: ok"
