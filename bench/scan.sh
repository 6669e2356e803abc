#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/scan.sh -- tlsdeck scan over a root of 1,000 keystores (500 JKS,
# 500 passwordless PKCS#12, 20 entries each) and 1,000 PEM certificates,
# against what an administrator would run otherwise: keytool -list on each
# keystore and openssl x509 on each PEM file, and check_ssl_cert
# (monitoring-plugins-contrib) on each PEM file and each JKS entry (it
# reads one alias per run).  The references start a JVM or a shell
# pipeline per file: they run once over SAMPLE files of each kind
# (default 20; CS_SAMPLE=3 for check_ssl_cert) and are scaled to the
# 2,000 files, as the table says.  tlsdeck: medians of RUNS runs.
# Called by bench/run.sh; alone: bench/scan.sh [BUILDDIR].
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=${1:-$top/_build}
RUNS=${RUNS:-5}
td=${TLSDECK:-$b/tlsdeck}
gen=$b/bench/gen-truststore
tc=$b/bench/timecmd
make -C "$b" tlsdeck bench/gen-truststore bench/timecmd >/dev/null
KT=${KEYTOOL:-keytool}
w=$(mktemp -d /tmp/tlsdeck-bench-scan.XXXXXX)
trap 'rm -rf "$w"' EXIT
PW=changeit; export PW
src=/etc/ssl/certs/java/cacerts
[ -f "$src" ] || { echo "needs $src (ca-certificates-java)" >&2; exit 1; }
# "median-seconds peak-MB" of N runs of a command
measure() {
	_n=$1; shift
	"$tc" "$_n" "$@" | awk '{printf "%s %.1f", $1, $2 / 1024}'
}
SAMPLE=${SAMPLE:-20}
st=$w/scan
mkdir -p "$st/tree"
"$gen" "$src" 20 jks "$st/one.jks"
"$gen" "$src" 20 pkcs12-nopw "$st/one.p12"
awk -v d="$st" '/BEGIN CERT/ {n++; f = sprintf("%s/c%03d.pem", d, n)}
    n > 0 {print > f} /END CERT/ {close(f)}' /etc/ssl/certs/ca-certificates.crt
python3 - "$st" <<'EOP'
import glob, os, shutil, sys
st = sys.argv[1]
pems = sorted(glob.glob(os.path.join(st, "c*.pem")))
for i in range(500):
    d = os.path.join(st, "tree", "ks", "d%02d" % (i // 50))
    os.makedirs(d, exist_ok=True)
    shutil.copyfile(os.path.join(st, "one.jks"), os.path.join(d, "s%d.jks" % i))
    shutil.copyfile(os.path.join(st, "one.p12"), os.path.join(d, "s%d.p12" % i))
for i in range(1000):
    d = os.path.join(st, "tree", "pem", "d%02d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    shutil.copyfile(pems[i % len(pems)], os.path.join(d, "cert%d.pem" % i))
EOP
set -- $(measure "$RUNS" "$td" scan "$st/tree" --files-only)
sc_t=$1 sc_m=$2
set -- $(measure "$RUNS" "$td" scan "$st/tree" --files-only --format prometheus)
sp_t=$1 sp_m=$2
set -- $(measure "$RUNS" "$td" scan "$st/tree" --files-only --threads 1)
s1_t=$1 s1_m=$2
# the references on SAMPLE files each, one after the other
ks=$(find "$st/tree/ks" -name '*.jks' | head -n "$SAMPLE")
ps=$(find "$st/tree/ks" -name '*.p12' | head -n "$SAMPLE")
pe=$(find "$st/tree/pem" -name '*.pem' | head -n "$SAMPLE")
{
	for f in $ks; do
		echo "$KT -list -keystore $f -storepass:env PW >/dev/null"
	done
	for f in $ps; do
		echo "$KT -list -keystore $f -storetype PKCS12 -storepass:env PW >/dev/null"
	done
} >"$st/kt.sh"
for f in $pe; do
	echo "openssl x509 -in $f -noout -subject -enddate >/dev/null"
done >"$st/ossl.sh"
set -- $(measure 1 sh "$st/kt.sh")
kt_t=$1 kt_m=$2
set -- $(measure 1 sh "$st/ossl.sh")
os_t=$1 os_m=$2
n=$(echo "$ks $ps" | wc -w)
np=$(echo "$pe" | wc -w)
ref=$(echo "$kt_t * 1000 / $n + $os_t * 1000 / $np" | bc -l)
echo
echo "| scan: 1,000 keystores (JKS, PKCS#12; 20 entries) + 1,000 PEM | time | peak |"
echo "|---|---|---|"
printf '| tlsdeck scan (text, 2 threads) | %.2f s | %s MB |\n' "$sc_t" "$sc_m"
printf '| tlsdeck scan (text, 1 thread) | %.2f s | %s MB |\n' "$s1_t" "$s1_m"
printf '| tlsdeck scan --format prometheus | %.2f s | %s MB |\n' "$sp_t" "$sp_m"
printf '| keytool -list x1000 + openssl x509 x1000 (from %d + %d runs) | %.1f s (%.0fx) | %s MB |\n' \
    "$n" "$np" "$ref" "$(echo "$ref / $sc_t" | bc -l)" "$kt_m"
CSC=/usr/lib/nagios/plugins/check_ssl_cert
if [ -x "$CSC" ] && command -v host >/dev/null; then
	CS=${CS_SAMPLE:-3}
	: >"$st/csc-pem.sh"
	: >"$st/csc-jks.sh"
	for f in $(echo "$pe" | head -n "$CS"); do
		echo "$CSC --file $f --ignore-ocsp --ignore-sct --ignore-incomplete-chain >/dev/null" >>"$st/csc-pem.sh"
	done
	for a in $(seq -f 'bench-%06g' 0 $((CS - 1))); do
		echo "$CSC --file $st/one.jks --jks-alias $a --password changeit --ignore-ocsp --ignore-sct --ignore-incomplete-chain >/dev/null" >>"$st/csc-jks.sh"
	done
	set -- $(measure 1 sh "$st/csc-pem.sh")
	cp_t=$1
	set -- $(measure 1 sh "$st/csc-jks.sh")
	cj_t=$1 cj_m=$2
	# 1,000 PEM files, 20,000 keystore entries (PKCS#12 at the JKS cost)
	csc=$(echo "$cp_t * 1000 / $CS + $cj_t * 20000 / $CS" | bc -l)
	printf '| check_ssl_cert x1000 PEM + x20000 entries (from %d + %d runs) | %.0f s (%.0fx) | %s MB |\n' \
	    "$CS" "$CS" "$csc" "$(echo "$csc / $sc_t" | bc -l)" "$cj_m"
fi
