#!/bin/sh
# SPDX-License-Identifier: ISC
# crash-write.sh -- SIGKILL a writer at random points of sw_commit, many
# times, and check after every kill that:
#  - the file (reached through a symlink) is exactly the old or the new
#    content, and the link is still a link;
#  - at most one stale ".tlsdeck-tmp-*" file exists beside it and in the
#    backup directory (the killed one; sw_open removes them under the lock);
#  - the backup manifest still parses;
#  - every commit that completed has its backup, present and with the hash
#    of the content it replaced;
#  - after a clean run, no lock file is left (a killed writer's is taken
#    over and removed).
# 200 runs with random delays, bounded to about 10 s (CRASH_SECONDS).
drv=${TOP_BUILDDIR:-.}/tests/tools/sw-driver
[ -x "$drv" ] || { echo "SKIP: $drv not built"; exit 77; }
command -v sleep >/dev/null || exit 77

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsdeck-crash.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM HUP
TLSDECK_BACKUP_DIR=$tmp/backups
TLSDECK_STATE_DIR=$tmp/state
export TLSDECK_BACKUP_DIR TLSDECK_STATE_DIR
mkdir "$tmp/real" "$tmp/link"
ln -s ../real/store.bin "$tmp/link/store"
target=$tmp/link/store
log=$tmp/log

fail() { echo "FAIL: $*"; exit 1; }

"$drv" init "$tmp/real/store.bin" || fail "init"
[ "$(stat -c %a "$tmp/real/store.bin")" = 640 ] || fail "new file mode"

runs=${CRASH_RUNS:-200}
limit=${CRASH_SECONDS:-10}
# Calibrate: how long does one commit take here, process start included?
# Kills land anywhere in the first ~4 commits, whatever the machine's load.
t0=$(date +%s%N)
"$drv" run "$target" "$tmp/calib.log" 5 || fail "calibration run"
t1=$(date +%s%N)
per=$(( (t1 - t0) / 5000 ))		# microseconds per commit
[ "$per" -ge 200 ] || per=200
span=$((per * 4))
echo "one commit takes about $per us; kill delays 0..$span us"
start=$(date +%s)
delays=$(awk -v n="$runs" -v span="$span" 'BEGIN { srand();
    for (i = 0; i < n; i++) printf "%d\n", int(rand() * span) }')
kills=0
commits=0
for us in $delays; do
	"$drv" run "$target" "$log" &
	pid=$!
	sleep "$(awk -v us="$us" 'BEGIN { printf "%.6f", us / 1e6 }')"
	kill -KILL "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	st=$?
	# 137: killed as planned; anything else is the driver failing.
	[ "$st" = 137 ] || [ "$st" = 0 ] ||
	    fail "run $kills: driver exited $st (not killed)"
	out=$("$drv" check "$target" "$log" 2>&1) ||
	    fail "run $kills (killed after ${us} us): $out"
	[ -L "$target" ] || fail "the symlink was replaced"
	kills=$((kills + 1))
	commits=$(echo "$out" | sed -n 's/^ok: \([0-9]*\) logged.*/\1/p')
	el=$(($(date +%s) - start))
	# Stop at the time limit once the run proves something (at least 20
	# kills and 10 completed commits); a loaded machine goes on to those
	# counts, within 10 times the limit.
	if [ "$el" -ge "$limit" ] && [ "$kills" -ge 20 ] &&
	    [ "${commits:-0}" -ge 10 ]; then
		break
	fi
	[ "$el" -ge $((limit * 10)) ] && break
done

# Writers still work after all that, and clean up what the kills left.
"$drv" run "$target" "$log" 3 || fail "run after crashes"
"$drv" sweep "$target" || fail "sweep"
out=$("$drv" check "$target" "$log" 2>&1) || fail "final check: $out"
n=$(ls -A "$tmp/real" "$tmp/backups" | grep -c '^\.tlsdeck-tmp-')
[ "$n" = 0 ] || fail "$n temporary files left after a clean run"
[ "$(stat -c %a "$tmp/real/store.bin")" = 640 ] || fail "mode not kept"
[ "$(stat -c %a "$tmp/backups")" = 700 ] || fail "backup dir not 0700"
# A killed writer's lock file is taken over and removed by the next one.
n=$(ls -A "$tmp/state/locks" | wc -l)
[ "$n" = 0 ] || fail "$n lock files left after a clean run"
bad=$(find "$tmp/backups" -type f ! -perm 0600 | head -1)
[ -z "$bad" ] || fail "backup file not 0600: $bad"
echo "$kills kills; $out"
[ "$kills" -ge 20 ] || fail "only $kills kills"
[ "${commits:-0}" -ge 10 ] || fail "only ${commits:-0} commits completed"
exit 0
