#!/bin/sh
# SPDX-License-Identifier: ISC
# output.sh -- tlsdeck status / audit as a monitor sees them: text, JSON,
# Prometheus (promtool check metrics when installed), exit codes 0-3,
# thresholds from flags and config.yaml, discovery of the properties, and
# the live look at the port (a real listener found through /proc).  No
# JVM: the tree comes from tests/tools/srv-fixture (the product's writers).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
FX=$TOP_BUILDDIR/tests/tools/srv-fixture
[ -x "$FX" ] || skip "srv-fixture not built (cmocka missing?)"
command -v jq >/dev/null || skip "jq missing"
command -v openssl >/dev/null || skip "openssl missing"
SRV_PASS=pw-Output.7
export SRV_PASS
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
HOME=$T/home
export HOME
mkdir -p "$HOME"

# run WANT-RC ARGS...: stdout in $out, stderr in $err.
run() {
	want=$1
	shift
	out=$("$TLSDECK" "$@" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
	[ "$rc" = "$want" ] || fail "tlsdeck $*: exit $rc, expected $want
stdout: $out
stderr: $err"
}
j() { printf '%s\n' "$out" | jq -r "$@"; }
# promtool: parse errors exit 1; lint problems exit 3; both fail.
promcheck() {
	[ -x /usr/bin/promtool ] || return 0
	lint=$(printf '%s\n' "$out" | /usr/bin/promtool check metrics 2>&1)
	prc=$?
	[ $prc = 0 ] && return 0
	fail "promtool (exit $prc): $lint
$out"
}

F=$T/srv
"$FX" "$F" || fail "srv-fixture"

# ---- a healthy server: OK, 0 ------------------------------------------
run 0 audit --server "$F" --no-live
printf '%s\n' "$out" | head -1 | grep -q '^OK - 0 critical, 0 warning(s), 0 info' ||
    fail "OK line: $out"
[ -z "$err" ] || fail "stderr: $err"
run 0 audit --server "$F" --no-live --format json
[ "$(j .status)" = OK ] && [ "$(j .exit)" = 0 ] || fail "json: $out"
[ "$(j '.certificates | length')" = 3 ] || fail "3 certificates"
[ "$(j '.certificates[0].position')" = leaf ] || fail "leaf first"

# The leaf's not-after and days left, against openssl.
openssl pkcs12 -in "$F/conf/ssl/keystore.p12" -nokeys -clcerts \
    -passin env:SRV_PASS -out "$T/leaf.pem" 2>/dev/null || fail "openssl"
na=$(date -u -d "$(openssl x509 -in "$T/leaf.pem" -noout -enddate |
    cut -d= -f2)" +%s)
now=$(date -u +%s)
days=$(( (na - now) / 86400 ))
run 0 audit --server "$F" --no-live --format prometheus
promcheck
printf '%s\n' "$out" | grep -q '^# TYPE tlsdeck_cert_not_after_seconds gauge$' ||
    fail "TYPE line: $out"
printf '%s\n' "$out" | grep -q '^# HELP tlsdeck_cert_remaining_seconds ' || fail "HELP"
line=$(printf '%s\n' "$out" | grep '^tlsdeck_cert_not_after_seconds{.*position="leaf"}')
[ "${line##* }" = "$na" ] || fail "not_after: $line, openssl $na"
case "$line" in
*"{role=\"server\",file=\"$F/conf/ssl/keystore.p12\",alias=\"integration-manager\",subject=\"CN=im.example.test, O=Test\""*) ;;
*) fail "labels: $line" ;;
esac
line=$(printf '%s\n' "$out" | grep '^tlsdeck_cert_remaining_seconds{.*position="leaf"}')
[ "$(( ${line##* } / 86400 ))" = "$days" ] || fail "days left: $line, expected $days"
printf '%s\n' "$out" | grep -q '^tlsdeck_findings{severity="critical"} 0$' ||
    fail "findings metric"
printf '%s\n' "$out" | grep -q '^tlsdeck_audit_status 0$' || fail "status 0"
[ "$(printf '%s\n' "$out" | grep -c '^tlsdeck_cert_remaining_seconds{')" = 3 ] ||
    fail "3 remaining_seconds series"

# status: the four panels, text and JSON
run 0 status --server "$F" --no-live --theme mono --no-color
for w in '^Server ' '^Keystore ' '^Settings ' '^Trust ' '^Findings ' \
    '^  \* integration-manager  PrivateKeyEntry  EC P-256' \
    'trusted as "fixture-root"'; do
	printf '%s\n' "$out" | grep -q "$w" || fail "status text lacks $w: $out"
done
printf '%s\n' "$out" | grep -q "$SRV_PASS" && fail "status shows the password"
run 0 status --server "$F" --no-live --format json
for k in properties found_by port https base_url keystore settings jre \
    trust certificates findings thresholds; do
	[ "$(j "has(\"$k\")")" = true ] || fail "status JSON lacks $k"
done
[ "$(j '.keystore.entries[0].served')" = true ] || fail "served entry"
[ "$(j '.settings[] | select(.key == "server.ssl.key-store-password") |
    .check')" = opens ] || fail "password row"
[ "$(j .listening)" = null ] || fail "--no-live: listening is null"
run 2 status --server "$F" --properties "$F/conf/application.properties"
printf '%s\n' "$err" | grep -q 'exclude each other' || fail "exclusive: $err"
run 2 status --format yaml
run 1 status --properties "$T/none.properties"
printf '%s\n' "$err" | grep -q "^tlsdeck: $T/none.properties: " ||
    fail "error line: $err"

# ---- thresholds: flags and config.yaml ---------------------------------
S=$T/soon
"$FX" "$S" 20 || fail "srv-fixture 20"
run 1 audit --server "$S" --no-live
printf '%s\n' "$out" | grep -q '^WARNING - 0 critical, 1 warning(s)' ||
    fail "WARNING: $out"
printf '%s\n' "$out" | grep -q 'cert-expiring' || fail "code shown"
run 0 audit --server "$S" --no-live --warn-days 10 --crit-days 5
run 2 audit --server "$S" --no-live --crit-days 25 --warn-days 40
printf '%s\n' "$out" | head -1 | grep -q '^CRITICAL - 1 critical' || fail "CRIT"
run 2 audit --server "$S" --no-live --format prometheus --crit-days 25 \
    --warn-days 40
promcheck
printf '%s\n' "$out" | grep -q '^tlsdeck_audit_status 2$' || fail "status 2"
printf '%s\n' "$out" | grep -q '^tlsdeck_findings{severity="critical"} 1$' ||
    fail "1 critical"
run 3 audit --server "$S" --no-live --crit-days 40
printf '%s\n' "$out" | grep -q '^UNKNOWN - the critical threshold' ||
    fail "crit > warn: $out"
run 3 audit --server "$S" --no-live --warn-days abc
printf 'warn-days: 10\ncrit-days: 5\n' >"$T/quiet.yaml"
run 0 audit --server "$S" --no-live --config "$T/quiet.yaml"
run 1 audit --server "$S" --no-live --config "$T/quiet.yaml" --warn-days 30
mkdir -p "$T/xdg/tlsdeck"
cp "$T/quiet.yaml" "$T/xdg/tlsdeck/config.yaml"
XDG_CONFIG_HOME=$T/xdg
export XDG_CONFIG_HOME
run 0 audit --server "$S" --no-live
run 0 status --server "$S" --no-live --format json
[ "$(j .config)" = "$T/xdg/tlsdeck/config.yaml" ] || fail "config: $out"
[ "$(j .thresholds.warn_days)" = 10 ] || fail "warn_days from config"
unset XDG_CONFIG_HOME
mkdir -p "$HOME/.config/tlsdeck"
printf 'crit-days: 5\nwarn-dayz: 10\n' >"$HOME/.config/tlsdeck/config.yaml"
run 3 audit --server "$S" --no-live
printf '%s\n' "$err" | grep -q 'config.yaml: line 2, column 1: unknown key "warn-dayz"' ||
    fail "unknown key: $err"
run 1 status --server "$S" --no-live
rm "$HOME/.config/tlsdeck/config.yaml"
run 3 audit --server "$S" --config "$T/nope.yaml"

# ---- UNKNOWN: nothing to audit ------------------------------------------
mkdir "$T/empty"
cd "$T/empty" || fail cd
# (not when a server is installed in a usual place: tlsdeck finds it)
usual=
for d in /etc/opt/actian/integration-manager/conf/application.properties \
    /var/lib/tomcat11/conf/server.xml /var/lib/tomcat10/conf/server.xml \
    /var/lib/tomcat9/conf/server.xml /var/lib/jetty9/start.ini \
    /var/lib/jetty9/start.d /usr/share/jetty9/start.ini \
    /usr/share/jetty9/start.d; do
	[ -e "$d" ] && usual=$d
done
if [ -z "$usual" ]; then
	run 3 audit
	printf '%s\n' "$out" | grep -q '^UNKNOWN - no application.properties found' ||
	    fail "UNKNOWN: $out"
	run 3 audit --format prometheus
	promcheck
	printf '%s\n' "$out" | grep -q '^tlsdeck_audit_status 3$' || fail "3"
	run 3 audit --format json
	[ "$(j .status)" = UNKNOWN ] || fail "json UNKNOWN"
fi

# ---- discovery ----------------------------------------------------------
cd "$F/conf" || fail cd
run 0 audit --no-live --format json
[ "$(j .properties)" = "$F/conf/application.properties" ] || fail "./"
cd "$F" || fail cd
run 0 status --no-live --format json
[ "$(j .found_by)" = "./conf/application.properties" ] || fail "./conf/"
cd "$T/empty" || fail cd
TLSDECK_PROPERTIES=$F/conf/application.properties
export TLSDECK_PROPERTIES
run 0 status --no-live --format json
[ "$(j .found_by)" = '$TLSDECK_PROPERTIES' ] || fail "env: $(j .found_by)"
unset TLSDECK_PROPERTIES

# ---- label escaping: an alias with " and \ ------------------------------
W=$T/weird
"$FX" "$W" || fail "srv-fixture weird"
openssl pkcs12 -in "$W/conf/ssl/keystore.p12" -passin env:SRV_PASS -nodes \
    -out "$T/all.pem" 2>/dev/null || fail "openssl export"
openssl pkcs12 -export -in "$T/all.pem" -name 'we"ird\al' \
    -passout env:SRV_PASS -out "$W/conf/ssl/keystore.p12" 2>/dev/null ||
    fail "openssl pkcs12"
sed -i 's/^server.ssl.key-alias=.*/server.ssl.key-alias=we"ird\\\\al/' \
    "$W/conf/application.properties"
run 0 audit --server "$W" --no-live --format prometheus
promcheck
printf '%s\n' "$out" | grep -qF 'alias="we\"ird\\al"' ||
    fail "escaped alias: $out"

# ---- the live look: a listener found through /proc ------------------------
command -v perl >/dev/null || exit 0
L=$T/live
"$FX" "$L" || fail "srv-fixture live"
port=$(( 20000 + $$ % 20000 ))
sed -i "s/^server.port=.*/server.port=$port/" "$L/conf/application.properties"
run 1 audit --server "$L"
[ "$(printf '%s\n' "$out" | grep -c 'port-not-listening')" = 1 ] ||
    fail "not listening: $out"
# A "java" (perl under that name) listening on the port; the tree has no
# JRE of its own, so the process's is the one found.
mkdir -p "$T/jdk/bin"
cp "$(command -v perl)" "$T/jdk/bin/java"
mv "$L/jre/lib" "$T/jdk/lib"
mv "$L/jre/release" "$T/jdk/release"
rm -rf "$L/jre"
"$T/jdk/bin/java" -MIO::Socket::INET -e '
	$s = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
	    LocalPort => $ARGV[0], Listen => 5, ReuseAddr => 1) or exit 3;
	print STDOUT "up\n"; close STDOUT; sleep 30' "$port" >"$T/up" &
pid=$!
i=0
while [ ! -s "$T/up" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ -s "$T/up" ]; then
	run 0 status --server "$L" --format json
	[ "$(j .listening)" = true ] || fail "listening: $out"
	[ "$(j .listen_pid)" = "$pid" ] || fail "pid $(j .listen_pid) != $pid"
	case "$(j .jre.found_by)" in
	"the java process listening on port $port (pid $pid)") ;;
	*) fail "JRE via /proc: $(j .jre.found_by)" ;;
	esac
	# The listener accepts but never speaks TLS: the live probe says so.
	[ "$(j '[.findings[].code] | join(" ")')" = "probe-failed" ] ||
	    fail "live findings: $(j '[.findings[].code]')"
	run 1 audit --server "$L"
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
exit 0
