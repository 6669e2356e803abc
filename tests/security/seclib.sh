# SPDX-License-Identifier: ISC
# seclib.sh -- shared by the tests/security scripts (sourced after
# tests/lib.sh): root and a second, unprivileged user who plants links and
# files where root will write (docs/security.md).
#
#	need_root		skip (77) unless running as root
#	OTHER, OTHER_UID	the second user: nobody, else tlsdeck-test
#				(created with useradd when missing)
#	as_other CMD...		run CMD as that user
#	as_other_exec CMD...	exec CMD as that user
#	run EXIT ARGS...	tlsdeck ARGS: stdout in $out, stderr in $err,
#				fails unless the exit code is EXIT
#	one_line		fails unless $err is exactly one line
need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (to act as a second user)"
	command -v setpriv >/dev/null || skip "setpriv missing"
	if id nobody >/dev/null 2>&1; then
		OTHER=nobody
	else
		id tlsdeck-test >/dev/null 2>&1 ||
		    useradd -M -s /usr/sbin/nologin tlsdeck-test ||
		    skip "no second user"
		OTHER=tlsdeck-test
	fi
	OTHER_UID=$(id -u "$OTHER")
	OTHER_GID=$(id -g "$OTHER")
	# The second user must reach the test's directory.
	chmod 755 "$T"
}
as_other() {
	setpriv --reuid="$OTHER_UID" --regid="$OTHER_GID" --clear-groups -- "$@"
}
# (as_other_exec CMD...) & -- in the background, $! is CMD's own pid.
as_other_exec() {
	exec setpriv --reuid="$OTHER_UID" --regid="$OTHER_GID" \
	    --clear-groups -- "$@"
}
run() {
	_want=$1
	shift
	out=$("$TLSDECK" "$@" 2>"$T/.err")
	rc=$?
	err=$(cat "$T/.err")
	[ "$rc" = "$_want" ] || fail "tlsdeck $(echo "$*" | cut -c1-200): exit \
$rc, expected $_want
stdout: $(echo "$out" | cut -c1-300)
stderr: $(echo "$err" | cut -c1-300)"
}
one_line() {
	[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] ||
	    fail "expected one line on stderr, got: $err"
}
# has_err TEXT: the message contains TEXT (fixed string).
has_err() {
	printf '%s\n' "$err" | grep -qF -- "$1" ||
	    fail "no [$1] in: $(echo "$err" | cut -c1-400)"
}
# SECTEST_ALL=1 reports every failure and goes on (to list all that an
# older tlsdeck gets wrong); scripts end with "finish".
nfail=0
if [ "${SECTEST_ALL:-0}" = 1 ]; then
	fail() {
		echo "FAIL: $*" | head -4 >&2
		nfail=$((nfail + 1))
		return 1
	}
fi
finish() {
	[ "$nfail" = 0 ] || exit 1
	exit 0
}
