# SPDX-License-Identifier: ISC
# tests/servers/lib.sh -- Debian's tomcat10 and jetty9, started by the
# tests in private directories on free loopback ports (never 8080 or
# 8443), as root or as their own users, and stopped by PID.
#
#   . "$TOP_SRCDIR/tests/servers/lib.sh"
#   need_tomcat
#   tc_base "$T/tc"                   a CATALINA_BASE from /etc/tomcat10's files
#   tc_start "$T/tc" PORT [USER]      start it; $SRV_PID; wait until PORT serves
#   jt_base "$T/jb"                   an empty jetty.base (start.d, etc)
#   jt_start "$T/jb" PORT [USER]
#   srv_stop                          stop the last server (kill, wait)
#
# Start-up takes 10 to 50 s on a loaded machine: the waits are generous
# (SRV_WAIT, 150 s) and fail with the server's log.  Every server still
# running is stopped on exit.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/netlib.sh"

TC_HOME=/usr/share/tomcat10
JETTY_HOME=/usr/share/jetty9
: "${SRV_WAIT:=150}"
SRV_JAVA_HOME=
for _d in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-*; do
	[ -x "$_d/bin/java" ] && { SRV_JAVA_HOME=$_d; break; }
done
# Light JIT and GC: the servers start faster on a busy machine.
SRV_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1 -Xss512k -Djava.security.egd=file:/dev/urandom"
srv_pids=
SRV_PID=
SRV_LOG=

unset TLSDECK_PROPERTIES JAVA_HOME
export TLSDECK_BACKUP_DIR="$T/backups"

srv_cleanup() {
	for _p in $srv_pids; do
		kill "$_p" 2>/dev/null
	done
	for _p in $srv_pids; do
		_i=0
		while kill -0 "$_p" 2>/dev/null && [ $_i -lt 100 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		kill -9 "$_p" 2>/dev/null
	done
	net_cleanup
	rm -rf "$T"
}
trap srv_cleanup EXIT
trap 'exit 99' INT TERM HUP

need_tomcat() {
	[ -f "$TC_HOME/bin/bootstrap.jar" ] || skip "tomcat10 not installed"
	[ -n "$SRV_JAVA_HOME" ] || skip "no Java 17"
	command -v jq >/dev/null || skip "jq missing"
}
need_jetty() {
	[ -f "$JETTY_HOME/start.jar" ] || skip "jetty9 not installed"
	[ -n "$SRV_JAVA_HOME" ] || skip "no Java 17"
	command -v jq >/dev/null || skip "jq missing"
}

# port VAR: a free port into VAR, another one each call (freeport alone,
# in $(...), would give the same port twice).
port() {
	nports=$((nports + 1))
	eval "$1=\$(freeport)"
}

# tc_base DIR: a private CATALINA_BASE with Debian's configuration files
# (without the admin webapps' contexts).
tc_base() {
	mkdir -p "$1/conf" "$1/logs" "$1/temp" "$1/webapps/ROOT" "$1/work" ||
	    fail "mkdir $1"
	cp -r /etc/tomcat10/. "$1/conf/" || fail "copy /etc/tomcat10"
	# Debian's tomcat10-admin deploys the manager webapps through
	# Catalina/localhost: not in the tests' servers (tomcat-acme.sh adds
	# the manager itself)
	rm -f "$1/conf/Catalina/localhost/manager.xml" \
	    "$1/conf/Catalina/localhost/host-manager.xml"
	echo "ok" >"$1/webapps/ROOT/index.html"
}

# jt_base DIR: an empty jetty.base.
jt_base() {
	mkdir -p "$1/start.d" "$1/etc" "$1/webapps" "$1/logs" ||
	    fail "mkdir $1"
}

# srv_wait PORT WHAT MARK: until PORT listens and the log holds MARK
# (the server's own "started" line), or the server died, or SRV_WAIT s.
srv_wait() {
	_t0=$(date +%s)
	while :; do
		if ! kill -0 "$SRV_PID" 2>/dev/null; then
			tail -30 "$SRV_LOG" >&2
			fail "$2 died while starting (log above)"
		fi
		if [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ] &&
		    grep -q "$3" "$SRV_LOG" 2>/dev/null; then
			echo "# $2 up on $1 after $(($(date +%s) - _t0)) s" >&2
			return 0
		fi
		if [ $(($(date +%s) - _t0)) -ge "$SRV_WAIT" ]; then
			tail -30 "$SRV_LOG" >&2
			fail "$2 did not serve port $1 within $SRV_WAIT s (log above)"
		fi
		sleep 0.3
	done
}

# srv_as USER: the command prefix that runs as USER (none for root).
srv_as() {
	[ -z "${1:-}" ] && return 0
	echo "setpriv --reuid=$1 --regid=$1 --init-groups"
}

# tc_start BASE PORT [USER]: Tomcat on BASE until PORT listens (and the
# log says it started).
tc_start() {
	SRV_LOG=$1/logs/stdout.$(date +%s%N)
	_as=$(srv_as "${3:-}")
	(
		cd "$1" || exit 1
		exec $_as env CATALINA_HOME="$TC_HOME" CATALINA_BASE="$1" \
		    CATALINA_TMPDIR="$1/temp" JAVA_HOME="$SRV_JAVA_HOME" \
		    JAVA_OPTS="$SRV_JAVA_OPTS" "$TC_HOME/bin/catalina.sh" run
	) >"$SRV_LOG" 2>&1 </dev/null &
	SRV_PID=$!
	srv_pids="$srv_pids $SRV_PID"
	srv_wait "$2" Tomcat "Server startup in"
}

# jt_start BASE PORT [USER]: Jetty (start.jar) on BASE.
jt_start() {
	SRV_LOG=$1/logs/stdout.$(date +%s%N)
	_as=$(srv_as "${3:-}")
	(
		cd "$1" || exit 1
		exec $_as "$SRV_JAVA_HOME/bin/java" $SRV_JAVA_OPTS \
		    -jar "$JETTY_HOME/start.jar" jetty.home="$JETTY_HOME" \
		    jetty.base="$1"
	) >"$SRV_LOG" 2>&1 </dev/null &
	SRV_PID=$!
	srv_pids="$srv_pids $SRV_PID"
	srv_wait "$2" Jetty "Started @"
}

# srv_stop: stop the last server started (SIGTERM, then SIGKILL after
# 30 s).
srv_stop() {
	[ -n "$SRV_PID" ] || return 0
	kill "$SRV_PID" 2>/dev/null
	_i=0
	while kill -0 "$SRV_PID" 2>/dev/null && [ $_i -lt 300 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -9 "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	srv_pids=$(echo "$srv_pids" | tr ' ' '\n' | grep -vx "$SRV_PID" |
	    tr '\n' ' ')
	SRV_PID=
}

# ks_rsa FILE ALIAS CN PASS [TYPE]: a self-signed RSA key entry by keytool
# (SAN dns:CN); ks_ec the same with EC P-256.
ks_rsa() {
	kt -genkeypair -keystore "$1" -storetype "${5:-PKCS12}" \
	    -storepass "$4" -keypass "$4" -alias "$2" -keyalg RSA -keysize 2048 \
	    -dname "CN=$3" -ext "SAN=dns:$3" -validity 400 >/dev/null 2>&1 ||
	    fail "keytool RSA $1"
}
ks_ec() {
	kt -genkeypair -keystore "$1" -storetype "${5:-PKCS12}" \
	    -storepass "$4" -keypass "$4" -alias "$2" -keyalg EC \
	    -groupname secp256r1 -dname "CN=$3" -ext "SAN=dns:$3" \
	    -validity 400 >/dev/null 2>&1 || fail "keytool EC $1"
}
# trust_of CACERTS FILE ALIAS PASS: the entry's certificate into a
# private cacerts (PKCS12, password changeit), so that probes verify.
ntrust=0
trust_of() {
	ntrust=$((ntrust + 1))
	kt -exportcert -keystore "$2" -storepass "$4" -alias "$3" -rfc \
	    -file "$T/export.pem" >/dev/null 2>&1 || fail "export $2 $3"
	kt -importcert -noprompt -keystore "$1" -storetype PKCS12 \
	    -storepass changeit -alias "$(basename "$2")-$3-$ntrust" \
	    -file "$T/export.pem" >/dev/null 2>&1 || fail "trust $2 $3"
}
# fp_of FILE ALIAS PASS: the SHA-256 fingerprint of an entry, as keytool
# prints it.
fp_of() {
	kt -list -v -keystore "$1" -storepass "$3" -alias "$2" 2>/dev/null |
	    sed -n 's/^[[:space:]]*SHA256: //p' | head -1
}

# td ARGS...: tlsdeck, bounded; stdout in $out, stderr in $err, exit in
# $rc.
td() {
	out=$(timeout 60 "$TLSDECK" "$@" 2>"$T/td.err")
	rc=$?
	err=$(cat "$T/td.err")
}
# j FILTER: jq -r on the last output.
j() { printf '%s\n' "$out" | jq -r "$@"; }
