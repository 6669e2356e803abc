#!/bin/sh
# SPDX-License-Identifier: ISC
# crash-convert.sh -- SIGKILL `tlsdeck convert --server` (a new keystore
# file, then the settings) at random points, many times, and check after
# every kill that the server is never left broken: the settings are the
# old ones byte for byte (then the old JKS keystore is untouched) or the
# new ones (then the new PKCS#12 file is complete: it opens with the store
# password and holds the key entry with its certificate).  Bounded to
# about 8 s (CRASH_SECONDS).
. "$TOP_SRCDIR/tests/lib.sh"
command -v sha256sum >/dev/null 2>&1 || skip "no sha256sum"
export TLSDECK_BACKUP_DIR="$T/backups"
PW=tlsdeck-demo
export PW
D=$T/srv
P=$D/conf/application.properties
sha() { sha256sum <"$1" | cut -c1-64; }

# A JKS server tree, made by tlsdeck: the demo's keystore converted.
"$TLSDECK" demo "$T/base" --no-open >/dev/null || fail "demo"
"$TLSDECK" convert "$T/base/conf/ssl/keystore.p12" --to jks \
    -o "$T/base/conf/ssl/keystore.jks" --storepass-env PW >/dev/null ||
    fail "to JKS"
rm "$T/base/conf/ssl/keystore.p12"
sed -i -e 's#keystore\.p12#keystore.jks#' \
    -e 's#^server.ssl.key-store-type=.*#server.ssl.key-store-type=JKS#' \
    -e "s#^sharedDataPath=.*#sharedDataPath=$D#" "$T/base/conf/application.properties"
fp=$("$TLSDECK" list "$T/base/conf/ssl/keystore.jks" --storepass-env PW \
    --format json | sed -n 's/^ *"sha256": "\(.*\)",*$/\1/p' | head -1)
[ -n "$fp" ] || fail "no fingerprint"
p_old=$(sha "$T/base/conf/application.properties")
k_old=$(sha "$T/base/conf/ssl/keystore.jks")

reset() { rm -rf "$D"; cp -a "$T/base" "$D"; }
# Calibrate the kill delays on one complete run.
reset
t0=$(date +%s%N)
"$TLSDECK" convert --server "$D" --to pkcs12 >/dev/null ||
    fail "calibration convert"
per=$(( ($(date +%s%N) - t0) / 1000 ))
[ "$per" -ge 2000 ] || per=2000
p_new=$(sha "$P")
echo "one convert takes about $per us; kill delays 0..$per us"
runs=${CRASH_RUNS:-200}
limit=${CRASH_SECONDS:-8}
start=$(date +%s)
i=0 old=0 new=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	reset
	delay=$(awk -v s="$i$$" -v p="$per" 'BEGIN { srand(s);
	    printf "%d", rand() * p }')
	"$TLSDECK" convert --server "$D" --to pkcs12 >/dev/null 2>&1 &
	pid=$!
	usleep=$(awk -v d="$delay" 'BEGIN { printf "%.6f", d / 1000000 }')
	sleep "$usleep"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	s=$(sha "$P")
	[ "$(sha "$D/conf/ssl/keystore.jks")" = "$k_old" ] ||
	    fail "run $i: the old keystore changed"
	if [ "$s" = "$p_old" ]; then
		old=$((old + 1))
	elif [ "$s" = "$p_new" ]; then
		new=$((new + 1))
		"$TLSDECK" list "$D/conf/ssl/keystore.p12" --storepass-env PW \
		    --format json >"$T/l" 2>"$T/e" ||
		    fail "run $i: settings switched, new keystore broken: $(cat "$T/e")"
		grep -q "$fp" "$T/l" || fail "run $i: the key's certificate is missing"
	else
		fail "run $i: the settings are neither old nor new"
	fi
	[ $(( $(date +%s) - start )) -ge "$limit" ] && break
done
echo "$i kills: settings old $old, new $new"
[ "$i" -ge 5 ] || fail "only $i runs"
exit 0
