# SPDX-License-Identifier: ISC
# tests/crash/kill-between.sh -- sourced: kill a `tlsdeck convert --server`
# exactly between its two writes.  The lock of the settings' directory is
# held here (as another tlsdeck would hold it), so convert writes the new
# keystore and then waits for that lock; it is killed there, leaving a
# transaction journal in $TLSDECK_STATE_DIR.
#
#   kill_between_writes DIR NEWFILE   (DIR: --server DIR; NEWFILE: the
#                                      keystore convert writes first)
# Sets $killed_pid; returns 1 (with a line on stderr) when NEWFILE never
# came.  Needs TLSDECK, TLSDECK_STATE_DIR and flock.
kill_between_writes() {
	_kd=$1 _kn=$2
	mkdir -p "$TLSDECK_STATE_DIR/locks"
	chmod 700 "$TLSDECK_STATE_DIR" "$TLSDECK_STATE_DIR/locks"
	_kl=$TLSDECK_STATE_DIR/locks/$(stat -c %d-%i "$_kd/conf").lock
	flock -o "$_kl" sleep 20 >/dev/null 2>&1 &
	_kh=$!
	_kc=0
	while [ ! -e "$_kl" ] && [ $_kc -lt 100 ]; do
		sleep 0.05
		_kc=$((_kc + 1))
	done
	TLSDECK_LOCK_WAIT_MS=30000 "$TLSDECK" convert --server "$_kd" \
	    --to pkcs12 >/dev/null 2>&1 &
	killed_pid=$!
	_kc=0
	while [ ! -e "$_kn" ] && [ $_kc -lt 400 ]; do
		sleep 0.05
		_kc=$((_kc + 1))
	done
	_krc=0
	if [ ! -e "$_kn" ]; then
		echo "the new keystore never came: $_kn" >&2
		_krc=1
	fi
	sleep 0.3
	kill -9 "$killed_pid" 2>/dev/null
	wait "$killed_pid" 2>/dev/null
	kill "$_kh"
	wait "$_kh" 2>/dev/null
	return $_krc
}
