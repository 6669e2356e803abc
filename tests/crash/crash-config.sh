#!/bin/sh
# SPDX-License-Identifier: ISC
# crash-config.sh -- SIGKILL `tlsdeck configure` (application.properties)
# and `tlsdeck restore` at random points, many times, and check after every
# kill: the file is exactly the old or the new version (byte for byte), it
# still parses with the intended values, at most one stale temporary file
# is left, and every completed run left a backup of the old version.
# Bounded to about 8 s (CRASH_SECONDS).
. "$TOP_SRCDIR/tests/lib.sh"
command -v sha256sum >/dev/null 2>&1 || skip "no sha256sum"
export TLSDECK_BACKUP_DIR="$T/backups"
# Its own state directory: a kill may leave a transaction journal there.
export TLSDECK_STATE_DIR="$T/state"
P=$T/conf/application.properties
mkdir -p "$T/conf"
# A realistic file: CRLF, a continuation line, comments, a placeholder.
printf '# Integration Manager\r\nsharedDataPath=/etc/opt/actian/im\r\nserver.port=8080\r\nserver.ssl.key-store=${sharedDataPath}/conf/ssl/keystore.p12\r\nserver.ssl.key-alias=integration-manager\r\nim.base-url=https://im.example.com:\\\r\n   ${server.port}\r\n! end\r\n' >"$P"
sha() { sha256sum <"$1" | cut -c1-64; }
port() { "$TLSDECK" status --properties "$P" --no-live --format json \
    2>/dev/null | sed -n 's/^ *"port": \([0-9]*\),*$/\1/p' | head -1; }
p0=$(port)
[ "$p0" = 8080 ] || fail "status cannot read the fixture (port '$p0')"
# The value as written (cheap; status re-parses at the end).
port() { sed -n 's/^server\.port=\([0-9]*\)\r$/\1/p' "$P"; }
# Calibrate the kill delays on one complete run.
t0=$(date +%s%N)
"$TLSDECK" configure --properties "$P" --set server.port=8081 >/dev/null ||
    fail "calibration configure"
per=$(( ($(date +%s%N) - t0) / 1000 ))
[ "$per" -ge 2000 ] || per=2000
echo "one configure takes about $per us; kill delays 0..$((per * 2)) us"
runs=${CRASH_RUNS:-300}
limit=${CRASH_SECONDS:-8}
start=$(date +%s)
kills=0 changed=0 unchanged=0 restores=0
: >"$T/expect"
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	set -- $(awk -v s="$i$$" 'BEGIN { srand(s); printf "%d %d",
	    rand() * 1000000, rand() * 4 }')
	delay=$(($1 % (per * 2 + 1))) coin=$2
	old=$(sha "$P")
	before=$(port)
	if [ "$coin" = 0 ] && [ -s "$T/ids" ]; then
		op=restore
		id=$(tail -1 "$T/ids")
		set -- restore "$id"
	else
		op=configure
		new=$((9000 + i))
		set -- configure --properties "$P" --set "server.port=$new"
	fi
	"$TLSDECK" "$@" >"$T/run.out" 2>"$T/run.err" </dev/null &
	pid=$!
	sleep "$(awk -v us="$delay" 'BEGIN { printf "%.6f", us / 1e6 }')"
	kill -KILL "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	st=$?
	[ "$st" = 137 ] || [ "$st" = 0 ] ||
	    { cat "$T/run.err"; fail "run $i ($op): exited $st"; }
	kills=$((kills + 1))
	now=$(sha "$P")
	after=$(port)
	[ -n "$after" ] || fail "run $i ($op): file unreadable after the kill"
	if [ "$now" = "$old" ]; then
		[ "$after" = "$before" ] || fail "run $i: same bytes, new value"
		unchanged=$((unchanged + 1))
	else
		if [ "$op" = configure ]; then
			[ "$after" = "$new" ] ||
			    fail "run $i: port $after, wanted $before or $new"
		else
			restores=$((restores + 1))
		fi
		grep -q '^! end' "$P" || fail "run $i: the rest of the file was lost"
		echo "$old" >>"$T/expect"
		changed=$((changed + 1))
	fi
	"$TLSDECK" history --format json 2>/dev/null |
	    sed -n 's/^ *"id": \([0-9]*\),*$/\1/p' >"$T/ids"
	n=$(ls -A "$T/conf" | grep -c '^\.tlsdeck-tmp-')
	[ "$n" -le 1 ] || fail "run $i: $n temporary files left"
	el=$(($(date +%s) - start))
	[ "$el" -ge "$limit" ] && [ "$kills" -ge 30 ] && [ "$changed" -ge 5 ] &&
	    [ "$unchanged" -ge 5 ] && break
	[ "$el" -ge $((limit * 10)) ] && break
done
"$TLSDECK" history --format json >"$T/history.json" || fail "history"
# The survivor still reads as Java would: status parses it.
"$TLSDECK" status --properties "$P" --no-live --format json >/dev/null ||
    fail "status cannot read the final file"
while read -r h; do
	grep -q "\"sha256\": \"$h\"" "$T/history.json" ||
	    fail "a completed run left no backup of version $h"
done <"$T/expect"
echo "$kills kills: $changed completed ($restores restores), $unchanged untouched"
[ "$kills" -ge 30 ] || fail "only $kills kills"
[ "$changed" -ge 5 ] || fail "only $changed completed runs"
exit 0
