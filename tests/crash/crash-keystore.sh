#!/bin/sh
# SPDX-License-Identifier: ISC
# crash-keystore.sh -- SIGKILL `tlsdeck trust`, `delete` and `rename` at
# random points, many times, on a copy of the system's JKS cacerts reached
# through a symlink (as Debian's JDKs reach it), and check after every kill:
#  - the link is still a link, and the file is the old or the new version:
#    unchanged, or changed exactly as the command intended;
#  - both are valid: tlsdeck list with the password (integrity checked)
#    succeeds, and keytool -list reads a sample of them;
#  - at most one stale ".tlsdeck-tmp-*" file is left beside it;
#  - every run that changed the file left a backup of the old version
#    (tlsdeck history, TLSDECK_BACKUP_DIR in a temporary directory).
# Bounded to about 10 s (CRASH_SECONDS).
. "$TOP_SRCDIR/tests/lib.sh"
SYSCACERTS=/etc/ssl/certs/java/cacerts
[ -r "$SYSCACERTS" ] || skip "$SYSCACERTS not readable"
command -v sha256sum >/dev/null 2>&1 || skip "no sha256sum"
unset JAVA_HOME
export TLSDECK_BACKUP_DIR="$T/backups"
CP=changeit
export CP
cd "$T" || exit 1

mkdir -p etc jre/lib/security samples
cp "$SYSCACERTS" etc/cacerts
ln -s ../../../etc/cacerts jre/lib/security/cacerts
target=$T/jre/lib/security/cacerts

# Certificates to trust: the test data's, each under t-NAME (or r-NAME
# once renamed).
pool=
for f in ec256 ec384 rsa4096 pss sha1 t61 bmp names gen2050 san \
    trusted x509-label; do
	[ -r "$TESTDATA/certs/$f.pem" ] && pool="$pool $f"
done
npool=$(echo $pool | wc -w)
[ "$npool" -ge 6 ] || fail "only $npool test certificates"

sha() { sha256sum <"$1" | cut -c1-64; }
# aliases FILE: the sorted aliases (integrity checked with the password)
aliases() {
	"$TLSDECK" list "$1" --format json --storepass-env CP 2>"$T/list.err" |
	    sed -n 's/^ *"alias": "\(.*\)",$/\1/p' | sort
}

# One complete trust to calibrate the kill delays.
t0=$(date +%s%N)
"$TLSDECK" trust --cacerts "$target" --alias calib \
    "$TESTDATA/certs/names.pem" >/dev/null || fail "calibration trust"
t1=$(date +%s%N)
"$TLSDECK" delete "$target" --alias calib --storepass-env CP >/dev/null ||
    fail "calibration delete"
per=$(( (t1 - t0) / 1000 ))		# microseconds per run
[ "$per" -ge 2000 ] || per=2000
span=$((per * 2))
echo "one trust takes about $per us; kill delays 0..$span us"

runs=${CRASH_RUNS:-400}
limit=${CRASH_SECONDS:-10}
start=$(date +%s)
kills=0 changed=0 unchanged=0 samples=0
: >"$T/expect"				# SHA-256 of each replaced version
before=$(aliases "$target")
[ -n "$before" ] || { cat "$T/list.err"; fail "cannot list the copy"; }
i=0
while [ "$i" -lt "$runs" ]; do
	i=$((i + 1))
	# Pick a certificate and what to do with it, from the file's state.
	r=$(awk -v s="$i$$" 'BEGIN { srand(s); printf "%d %d %d",
	    rand() * 1000000, rand() * 2, rand() * 100 }')
	set -- $r
	coin=$2 pct=$3
	# Half the kills land early (most interrupt), half anywhere.
	if [ "$pct" -lt 50 ]; then
		delay=$(($1 % (span / 2 + 1)))
	else
		delay=$(($1 % (span + 1)))
	fi
	n=$(( ($1 / 7) % npool + 1 ))
	name=$(echo $pool | cut -d' ' -f"$n")
	if echo "$before" | grep -qx "t-$name"; then
		cur=t-$name other=r-$name
	elif echo "$before" | grep -qx "r-$name"; then
		cur=r-$name other=t-$name
	else
		cur=
	fi
	if [ -z "$cur" ]; then
		op=trust
		set -- trust --cacerts "$target" --alias "t-$name" \
		    "$TESTDATA/certs/$name.pem"
		want=$(printf '%s\nt-%s\n' "$before" "$name" | sort)
	elif [ "$coin" = 0 ]; then
		op=delete
		set -- delete "$target" --alias "$cur" --storepass-env CP
		want=$(echo "$before" | grep -vx "$cur")
	else
		op=rename
		set -- rename "$target" --alias "$cur" --to "$other" \
		    --storepass-env CP
		want=$(printf '%s\n%s\n' "$(echo "$before" | grep -vx "$cur")" \
		    "$other" | sort)
	fi
	old=$(sha "$target")
	"$TLSDECK" "$@" >/dev/null 2>"$T/run.err" &
	pid=$!
	sleep "$(awk -v us="$delay" 'BEGIN { printf "%.6f", us / 1e6 }')"
	kill -KILL "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	st=$?
	[ "$st" = 137 ] || [ "$st" = 0 ] ||
	    { cat "$T/run.err"; fail "run $i ($op): exited $st, not killed"; }
	kills=$((kills + 1))

	[ -L "$target" ] || fail "run $i ($op): the symlink was replaced"
	now=$(sha "$target")
	after=$(aliases "$target")
	[ -n "$after" ] ||
	    { cat "$T/list.err"; fail "run $i ($op): file invalid after kill"; }
	if [ "$now" = "$old" ]; then
		[ "$after" = "$before" ] || fail "run $i: same bytes, new aliases?"
		[ "$st" = 0 ] && fail "run $i ($op): completed, file unchanged"
		unchanged=$((unchanged + 1))
	else
		[ "$after" = "$want" ] ||
		    fail "run $i ($op): the file changed, but not as intended"
		echo "$old" >>"$T/expect"
		changed=$((changed + 1))
		# Keep a few new versions for keytool at the end.
		if [ $((pct % 10)) = 0 ] && [ "$samples" -lt 4 ]; then
			samples=$((samples + 1))
			cp "$T/etc/cacerts" "samples/s$samples"
		fi
	fi
	ntmp=$(ls -A "$T/etc" | grep -c '^\.tlsdeck-tmp-')
	[ "$ntmp" -le 1 ] || fail "run $i: $ntmp temporary files left"
	before=$after

	el=$(($(date +%s) - start))
	if [ "$el" -ge "$limit" ] && [ "$kills" -ge 30 ] &&
	    [ "$changed" -ge 10 ] && [ "$unchanged" -ge 5 ]; then
		break
	fi
	# A loaded machine runs fewer kills a second: go on to the minimum
	# counts, within a hard cap.
	[ "$el" -ge $((limit * 10)) ] && break
done

echo "$kills kills in $(($(date +%s) - start)) s"

# Every replaced version has its backup, with the right hash.
"$TLSDECK" history --format json >"$T/history.json" ||
    fail "tlsdeck history"
missing=0
while read -r h; do
	grep -q "\"sha256\": \"$h\"" "$T/history.json" ||
	    { echo "no backup of version $h"; missing=$((missing + 1)); }
done <"$T/expect"
[ "$missing" = 0 ] || fail "$missing completed runs without a backup"
# Each backup the manifest lists is there, with its hash.  (A run killed
# between the copy and the manifest may leave an unlisted copy: ignored.)
awk -F'"' '/"backup_file":/ { f = $4 } /"sha256":/ { print f, $4 }' \
    "$T/history.json" >"$T/listed"
[ -s "$T/listed" ] || fail "no backups listed"
while read -r f h; do
	[ "$(sha "$T/backups/$f")" = "$h" ] ||
	    fail "backup $f does not match its manifest entry"
done <"$T/listed"

# keytool reads the final file and the sampled versions.
if [ -n "$KEYTOOL17" ]; then
	cp "$T/etc/cacerts" samples/final
	for f in samples/*; do
		n=$(kt -list -keystore "$f" -storepass:env CP 2>&1 |
		    grep -c trustedCertEntry)
		[ "$n" -ge 144 ] || fail "keytool -list $f: $n entries"
	done
	echo "keytool read $(ls samples | wc -l) versions"
fi

# After all that, a clean run still works and sweeps the leftovers.
"$TLSDECK" trust --cacerts "$target" --alias final-check \
    "$TESTDATA/samples/certs/leaf.pem" >"$T/final.out" 2>&1 ||
    { cat "$T/final.out"; fail "trust after the crashes"; }
n=$(ls -A "$T/etc" | grep -c '^\.tlsdeck-tmp-')
[ "$n" = 0 ] || fail "$n temporary files left after a clean run"
echo "$kills kills: $changed runs completed (each backed up), $unchanged" \
    "left the file untouched"
[ "$kills" -ge 30 ] || fail "only $kills kills"
[ "$changed" -ge 10 ] || fail "only $changed completed runs"
[ "$unchanged" -ge 5 ] || fail "only $unchanged interrupted runs"
exit 0
