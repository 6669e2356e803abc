#!/bin/sh
# tlsdeck benchmark: tlsdeck list against keytool -list and openssl pkcs12
# on truststores of 144 (Debian cacerts), 1,000 and 10,000 certificates, JKS
# and PKCS#12, in one run on this machine; audit and configure on
# properties files of 10,000 to 1,000,000 keys.  Medians of RUNS runs
# (default 5) of the wall-clock time from fork to exit, ratios, and the
# peak resident set (bench/timecmd.c, wait4).  Prints a Markdown table.
#
# usage: bench/run.sh [BUILDDIR]      (BUILDDIR defaults to ./_build)
# TLSDECK=/path/to/tlsdeck measures that binary instead (another build,
# for a before/after comparison in one run).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$top/_build}
RUNS=${RUNS:-5}
td=${TLSDECK:-$b/tlsdeck}
gen=$b/bench/gen-truststore
tc=$b/bench/timecmd
make -C "$b" tlsdeck bench/gen-truststore bench/timecmd >/dev/null
KT=${KEYTOOL:-keytool}
w=$(mktemp -d /tmp/tlsdeck-bench.XXXXXX)
trap 'rm -rf "$w"' EXIT
PW=changeit; export PW
src=/etc/ssl/certs/java/cacerts
[ -f "$src" ] || { echo "needs $src (ca-certificates-java)" >&2; exit 1; }
for n in 1000 10000; do
	"$gen" "$src" $n jks "$w/ts$n.jks"
	"$gen" "$src" $n pkcs12 "$w/ts$n.p12"
done
cp "$src" "$w/cacerts.jks"

# "median-seconds peak-MB" of RUNS runs of a command
measure() {
	"$tc" "$RUNS" "$@" | awk '{printf "%s %.1f", $1, $2 / 1024}'
}
row() { # label, our cmd..., --, ref label, ref cmd...
	_label=$1; shift
	_ours=""; while [ "$1" != -- ]; do _ours="$_ours '$1'"; shift; done; shift
	_rl=$1; shift
	set -- $(eval measure $_ours) "$@"
	_t1=$1 _m1=$2; shift 2
	set -- $(measure "$@")
	_t2=$1 _m2=$2
	_r=$(echo "$_t2 / $_t1" | bc -l)
	printf '| %s | %.1f ms | %s MB | %s | %.1f ms | %s MB | %.1fx |\n' \
	    "$_label" "$(echo "$_t1*1000" | bc -l)" "$_m1" "$_rl" \
	    "$(echo "$_t2*1000" | bc -l)" "$_m2" "$_r"
}
echo "| input | tlsdeck list | peak | reference | reference time | peak | ratio |"
echo "|---|---|---|---|---|---|---|"
row "Debian cacerts (JKS, 144)" \
    "$td" list --storepass-env PW "$w/cacerts.jks" -- "keytool -list" \
    "$KT" -list -keystore "$w/cacerts.jks" -storepass:env PW
for n in 1000 10000; do
	row "JKS $n" "$td" list --storepass-env PW "$w/ts$n.jks" -- \
	    "keytool -list" "$KT" -list -keystore "$w/ts$n.jks" -storepass:env PW
	row "PKCS12 $n" "$td" list --storepass-env PW "$w/ts$n.p12" -- \
	    "openssl pkcs12 -nokeys" openssl pkcs12 -in "$w/ts$n.p12" \
	    -nokeys -passin env:PW -out /dev/null
done
# Importing one certificate into cacerts (a fresh copy each run; tlsdeck's
# backup included, TLSDECK_BACKUP_DIR in the work dir).
cp "$top/tests/data/samples/certs/leaf.pem" "$w/one.pem"
export TLSDECK_BACKUP_DIR="$w/backups"
cat >"$w/imp-td.sh" <<EOS
cp "$w/cacerts.jks" "$w/imp-td.jks"
exec "$td" trust --cacerts "$w/imp-td.jks" --alias bench-import "$w/one.pem"
EOS
cat >"$w/imp-kt.sh" <<EOS
cp "$w/cacerts.jks" "$w/imp-kt.jks"
exec "$KT" -importcert -noprompt -keystore "$w/imp-kt.jks" -storepass:env PW \
    -alias bench-import -file "$w/one.pem"
EOS
row "import 1 cert into cacerts" sh "$w/imp-td.sh" -- "keytool -importcert" \
    sh "$w/imp-kt.sh"

# The dashboard: time from start to the first complete paint on the demo
# tree (the process exits right after it: TLSDECK_EXIT_AFTER_PAINT), and
# the bytes written to the terminal for that full paint at 120x40.
if command -v script >/dev/null; then
	"$td" demo "$w/demo" --no-open >/dev/null
	for _i in $(seq "$RUNS"); do
		script -qec "stty cols 120 rows 40; s=\$(date +%s%N); \
		    TERM=xterm-256color TLSDECK_EXIT_AFTER_PAINT=1 \
		    $td --properties $w/demo/conf/application.properties; \
		    e=\$(date +%s%N); echo \$(( (e - s) / 1000 )) >$w/paint.t" \
		    /dev/null >"$w/paint.out"
		cat "$w/paint.t"
	done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] / 1000}' >"$w/paint.ms"
	echo
	echo "| dashboard | first complete paint (demo tree, 120x40) | bytes to the terminal for it |"
	echo "|---|---|---|"
	printf '| tlsdeck | %s ms | %s |\n' "$(cat "$w/paint.ms")" \
	    "$(wc -c <"$w/paint.out")"
fi

# application.properties of 10,000, 100,000 and 1,000,000 keys: tlsdeck
# audit and tlsdeck configure --set (a fresh copy each run, the copy
# included; backup included).  The 1,000,000-key file (49 MB) is above
# the 16 MiB limit for a configuration file: its rows time the refusal.
for n in 10000 100000 1000000; do
	awk -v n=$n 'BEGIN { print "server.port=8443"
	    for (i = 0; i < n; i++)
		printf "app.setting.number%07d.value=some value %d\n", i, i }' \
	    >"$w/p$n.properties"
	cat >"$w/conf$n.sh" <<EOS
cp "$w/p$n.properties" "$w/c$n.properties"
exec "$td" configure --no-live --properties "$w/c$n.properties" \
    --set server.port=9443
EOS
done
echo
echo "| properties | bytes | tlsdeck audit | peak | tlsdeck configure --set | peak |"
echo "|---|---|---|---|---|---|"
for n in 10000 100000 1000000; do
	_ta=$(median "$td" audit --no-live --properties "$w/p$n.properties")
	_ma=$(peak "$td" audit --no-live --properties "$w/p$n.properties")
	_tc=$(median sh "$w/conf$n.sh")
	_mc=$(peak sh "$w/conf$n.sh")
	_note=
	[ "$n" = 1000000 ] && _note=" (refused)"
	printf '| %s keys%s | %s | %.1f ms | %s MB | %.1f ms | %s MB |\n' \
	    "$n" "$_note" "$(wc -c <"$w/p$n.properties")" \
	    "$(echo "$_ta*1000" | bc -l)" "$_ma" \
	    "$(echo "$_tc*1000" | bc -l)" "$_mc"
done
rm -f "$w"/p*.properties "$w"/c*.properties

echo
echo "machine: $(nproc) cores, $(uname -sr); runs per median: $RUNS; $(date -u +%Y-%m-%dT%H:%MZ)"
