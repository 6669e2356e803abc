#!/bin/sh
# bench/acme.sh -- an ACME renewal end to end, tlsdeck against lego, on
# the same pebble (tests/acme/lib.sh: Debian's pebble and challtestsrv on
# free loopback ports), one name, http-01 on loopback, EC P-256 keys,
# accounts registered before the runs.  The target is a Spring Boot
# server's PKCS#12 keystore, served by a real JVM (tests/acme/AcmeServe.java,
# restarted by tests/acme/srv-restart.sh after each renewal):
#
#   tlsdeck acme --server DIR --force --restart ...   (order, new key entry
#       in the keystore, key-alias switched, restart, probe until served)
#   lego run --pfx, then keytool -importkeystore of its PKCS#12 (alias "1")
#       under a new alias, key-alias switched by sed, the same restart
#       (no check of what is served)
#
# Medians of RUNS runs (default 3, bench/timecmd.c); prints a Markdown
# table.  usage: bench/acme.sh [BUILDDIR]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$top/_build}
RUNS=${RUNS:-3}
TOP_SRCDIR=$top
TOP_BUILDDIR=$b
export TOP_SRCDIR TOP_BUILDDIR
command -v lego >/dev/null || { echo "bench/acme.sh: lego not installed" >&2; exit 0; }
command -v pebble >/dev/null || { echo "bench/acme.sh: pebble not installed" >&2; exit 0; }
. "$top/tests/lib.sh"
. "$top/tests/acme/lib.sh"
need_keytool
tc=$b/bench/timecmd
make -C "$b" tlsdeck bench/timecmd >/dev/null
td=${TLSDECK:-$b/tlsdeck}
pebble_start
srv_java
S=$T/srv
srv_tree "$S" p12 bench.tlsdeck.test || fail "tree"
srv_start "$S"
H="--http-port $PB_HTTP --http-address 127.0.0.1 --key ec256"
export PW=$SRV_PASS LEGO_CA_CERTIFICATES=$PB_CA

# The accounts, before the runs.
"$td" acme --server "$S" --directory "$PB_DIR" --ca-file "$PB_CA" $H \
    --agree-tos --restart "$SRV_RESTART" >"$T/td0.log" 2>&1 ||
    { cat "$T/td0.log"; fail "tlsdeck's first run"; }
lego --server "$PB_DIR" --accept-tos --email bench@tlsdeck.test \
    --path "$T/lego" --key-type ec256 --http --http.port "127.0.0.1:$PB_HTTP" \
    -d bench.tlsdeck.test run >"$T/lego0.log" 2>&1 ||
    { cat "$T/lego0.log"; fail "lego's first run"; }

cat >"$T/td.sh" <<EOS
exec "$td" acme --server "$S" --directory "$PB_DIR" --ca-file "$PB_CA" $H \
    --force --restart "$SRV_RESTART" >/dev/null
EOS
cat >"$T/lego.sh" <<EOS
set -e
n=\$(date +%s%N)
lego --server "$PB_DIR" --email bench@tlsdeck.test --path "$T/lego" \
    --key-type ec256 --http --http.port "127.0.0.1:$PB_HTTP" \
    -d bench.tlsdeck.test --pfx --pfx.pass "\$PW" run >/dev/null 2>&1
kt() { "$KEYTOOL17" $JFAST "\$@"; }
kt -importkeystore -noprompt -srckeystore "$T/lego/certificates/bench.tlsdeck.test.pfx" \
    -srcstoretype PKCS12 -srcstorepass:env PW -srcalias 1 \
    -destkeystore "$S/conf/ssl/keystore.p12" -deststoretype PKCS12 \
    -deststorepass:env PW -destalias "lego-\$n" >/dev/null 2>&1
sed -i "s/^server.ssl.key-alias=.*/server.ssl.key-alias=lego-\$n/" \
    "$S/conf/application.properties"
$SRV_RESTART >/dev/null
EOS
# "median-seconds peak-MB"
measure() { "$tc" "$RUNS" "$@" | awk '{printf "%s %.1f", $1, $2 / 1024}'; }
set -- $(measure sh "$T/td.sh")
t1=$1 m1=$2
set -- $(measure sh "$T/lego.sh")
t2=$1 m2=$2
grep -q "^server.ssl.key-alias=lego-" "$S/conf/application.properties" ||
    fail "lego's alias was not installed"
echo "| renewal into a PKCS#12 keystore, JVM restarted | tlsdeck acme | peak | reference | reference time | peak | ratio |"
echo "|---|---|---|---|---|---|---|"
printf '| pebble, 1 name, http-01, EC P-256 | %.2f s | %s MB | lego run --pfx + keytool -importkeystore + sed | %.2f s | %s MB | %.1fx |\n' \
    "$t1" "$m1" "$t2" "$m2" "$(echo "$t2 / $t1" | bc -l)"
