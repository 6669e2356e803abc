#!/bin/sh
# SPDX-License-Identifier: ISC
# linear.sh -- properties files of 10,000 and 100,000 keys (and hostile
# shapes: every key twice, 20,000 server.ssl.* keys each twice, placeholder
# loops on every line) are audited, edited and deduplicated in time linear
# in the file, under a time limit far above what that takes (pairwise
# checks took 14 s for 40,000 keys and minutes for 100,000); configure's
# peak memory stays a small multiple of the file; a file above the 16 MiB
# limit is refused at once with one line and left as it is.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
export TLSDECK_BACKUP_DIR
# Generous limits: the machine may be shared (each run takes well under
# a second of CPU here).
LIMIT=${TLSDECK_LINEAR_LIMIT:-30}

# gen FILE N [dup]: N keys (each twice with dup), plus the SSL settings.
gen() {
	awk -v n="$2" -v dup="${3:-}" 'BEGIN {
		print "server.port=8443"
		for (i = 0; i < n; i++) {
			printf "app.setting.number%07d.value=some value %d\n", i, i
			if (dup != "")
				printf "app.setting.number%07d.value=again %d\n", i, i
		}
	}' >"$1"
}

# timed SECS CMD...: run within SECS seconds (exit status kept in $rc,
# output in $T/out, $T/err).
timed() {
	_lim=$1
	shift
	_s=$(date +%s)
	timeout "$_lim" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	_e=$(date +%s)
	[ "$rc" = 124 ] && fail "$* took more than $_lim s"
	echo "# $(($_e - $_s)) s: $*"
}

for n in 10000 100000; do
	P=$T/p$n.properties
	gen "$P" $n
	timed "$LIMIT" "$TLSDECK" audit --no-live --properties "$P"
	[ "$rc" -le 2 ] || fail "audit $n keys: exit $rc: $(cat "$T/err")"
	timed "$LIMIT" "$TLSDECK" configure --no-live --properties "$P" \
	    --set server.port=9443
	[ "$rc" = 0 ] || fail "configure $n keys: exit $rc: $(cat "$T/err")"
	grep -qx 'server.port=9443' "$P" || fail "configure $n: not written"
	[ "$(wc -l <"$P")" = $((n + 1)) ] || fail "configure $n: lines lost"

	# Every key twice: 100 findings name a key each, one more counts
	# the rest; --dedup leaves one line per key in one rewrite.
	D=$T/d$n.properties
	gen "$D" $n dup
	timed "$LIMIT" "$TLSDECK" audit --no-live --properties "$D" \
	    --format json
	[ "$(jq '[.findings[] | select(.code == "property-duplicate")] |
	    length' "$T/out")" = 101 ] || fail "dup $n: findings"
	jq -e --arg m "$((n - 100)) more keys are set more than once" \
	    '[.findings[] | select(.message | startswith($m))] | length == 1' \
	    "$T/out" >/dev/null || fail "dup $n: no count of the rest"
	timed "$LIMIT" "$TLSDECK" configure --no-live --properties "$D" --dedup
	[ "$rc" = 0 ] || fail "dedup $n keys: exit $rc: $(cat "$T/err")"
	[ "$(wc -l <"$D")" = $((n + 1)) ] || fail "dedup $n: $(wc -l <"$D")"
	grep -q 'again 9$' "$D" || fail "dedup $n: the last one must win"
done

# One key repeated 100,000 times: one finding, one short line.
awk 'BEGIN { for (i = 0; i < 100000; i++) print "server.ssl.key-alias=a" i }' \
    >"$T/same.properties"
timed "$LIMIT" "$TLSDECK" audit --no-live --properties "$T/same.properties" \
    --format json
jq -e '[.findings[] | select(.code == "property-duplicate")] | length == 1'\
    "$T/out" >/dev/null || fail "same key: findings"
[ "$(jq -r '.findings[] | select(.code == "property-duplicate") | .message' \
    "$T/out" | wc -c)" -lt 1000 ] || fail "same key: message too long"

# 20,000 server.ssl.* keys, each twice: a settings row each, checked
# against the findings by key.
awk 'BEGIN { for (i = 0; i < 20000; i++)
	printf "server.ssl.x%06d=v\nserver.ssl.x%06d=w\n", i, i }' \
    >"$T/ssl.properties"
timed "$LIMIT" "$TLSDECK" audit --no-live --properties "$T/ssl.properties"
[ "$rc" -le 2 ] || fail "ssl rows: exit $rc"

# A placeholder loop on every line, warnings and criticals interleaved.
awk 'BEGIN { for (i = 0; i < 20000; i++)
	printf "server.ssl.a%06d=${server.ssl.a%06d}\nx%06d=${x%06d}\n", \
	    i, i, i, i }' >"$T/loops.properties"
timed "$LIMIT" "$TLSDECK" audit --no-live --properties "$T/loops.properties"
[ "$rc" = 2 ] || fail "loops: exit $rc"
grep -q '39900 more values hold placeholders' "$T/out" ||
    fail "loops: no count of the rest: $(grep -c placeholder "$T/out")"

# Memory: configure on the 100,000-key file within a small multiple of
# it (a fixed 12 MB for the libraries, then 10 times the file).
if [ -x /usr/bin/time ]; then
	P=$T/p100000.properties
	size=$(wc -c <"$P")
	/usr/bin/time -v "$TLSDECK" configure --no-live --properties "$P" \
	    --set server.port=9444 >/dev/null 2>"$T/time" ||
	    fail "configure: $(cat "$T/time")"
	kb=$(awk '/Maximum resident/ { print $6 }' "$T/time")
	echo "# configure 100000 keys ($size bytes): $kb kB peak"
	[ "$kb" -le $((12 * 1024 + size * 10 / 1024)) ] ||
	    fail "configure peak $kb kB for a $size-byte file"
fi

# 1,000,000 keys (49 MB): refused at once, one line, file untouched.
B=$T/big.properties
gen "$B" 1000000
before=$(sha256sum "$B")
timed 10 "$TLSDECK" configure --no-live --properties "$B" \
    --set server.port=1
[ "$rc" = 1 ] || fail "big configure: exit $rc"
[ "$(wc -l <"$T/err")" = 1 ] || fail "big: not one line: $(cat "$T/err")"
grep -q 'too large for a configuration file' "$T/err" ||
    fail "big: $(cat "$T/err")"
timed 10 "$TLSDECK" audit --no-live --properties "$B"
[ "$rc" = 2 ] || fail "big audit: exit $rc"
grep -q 'too large for a configuration file' "$T/out" ||
    fail "big audit: $(cat "$T/out")"
[ "$(sha256sum "$B")" = "$before" ] || fail "big file changed"
exit 0
