#!/bin/sh
# SPDX-License-Identifier: ISC
# debian-places.sh -- the directories an administrator types on Debian
# 12 with the tomcat10 and jetty9 packages installed, as they are (read
# only; no server is started): /var/lib/tomcat10 is Tomcat's base;
# /var/lib/jetty9 holds only jetty9's webapps, which its base
# /usr/share/jetty9 links to, so --server /var/lib/jetty9 reads that
# base and says so; a directory above them is still "no server".
. "${TOP_SRCDIR:-.}/tests/lib.sh"
command -v jq >/dev/null || skip "jq missing"
unset TLSDECK_PROPERTIES JAVA_HOME
checked=0

if [ -f /var/lib/tomcat10/conf/server.xml ]; then
	out=$("$TLSDECK" status --server /var/lib/tomcat10 --format json) ||
	    [ $? -le 2 ] || fail "status /var/lib/tomcat10 failed"
	[ "$(printf '%s' "$out" | jq -r .kind)" = tomcat ] ||
	    fail "/var/lib/tomcat10: not tomcat"
	[ "$(printf '%s' "$out" | jq -r .server_base)" = /var/lib/tomcat10 ] ||
	    fail "/var/lib/tomcat10: wrong base"
	checked=$((checked + 1))
fi
if [ -L /usr/share/jetty9/webapps ] && [ -d /var/lib/jetty9 ] &&
    [ -e /usr/share/jetty9/start.ini ]; then
	out=$("$TLSDECK" status --server /var/lib/jetty9 --format json) ||
	    [ $? -le 2 ] || fail "status /var/lib/jetty9 failed"
	[ "$(printf '%s' "$out" | jq -r .kind)" = jetty ] ||
	    fail "/var/lib/jetty9: not jetty"
	[ "$(printf '%s' "$out" | jq -r .server_base)" = /usr/share/jetty9 ] ||
	    fail "/var/lib/jetty9: base is not /usr/share/jetty9"
	printf '%s' "$out" | jq -r .found_by |
	    grep -q 'the Jetty base /usr/share/jetty9 links there' ||
	    fail "/var/lib/jetty9: found_by does not say why"
	# the parent is no server: one line, exit 1
	if "$TLSDECK" status --server /var/lib >/dev/null 2>"$T/err"; then
		fail "/var/lib taken for a server"
	fi
	[ "$(grep -c . "$T/err")" = 1 ] || fail "/var/lib: $(cat "$T/err")"
	grep -q "no server found there" "$T/err" || fail "/var/lib: $(cat "$T/err")"
	checked=$((checked + 1))
fi
[ "$checked" -gt 0 ] || skip "neither tomcat10 nor jetty9 is installed"
