#!/bin/sh
# Run a TAP test program under valgrind (memcheck, leaks included).  Any
# valgrind error turns into "Bail out!", which the TAP driver reports as a
# failure even with --ignore-exit.
TLSDECK_UNDER_VALGRIND=1; export TLSDECK_UNDER_VALGRIND
log=$(mktemp "${TMPDIR:-/tmp}/vg.XXXXXX")
sh "$(dirname "$0")/tap-run.sh" valgrind -q --num-callers=64 --error-exitcode=99 --suppressions="$(dirname "$0")/valgrind.supp" --leak-check=full --errors-for-leak-kinds=definite \
    --log-file="$log" "$@"
rc=$?
if [ -s "$log" ] || [ $rc = 99 ]; then
	sed 's/^/# /' "$log"
	echo "Bail out! valgrind found errors in $1"
fi
rm -f "$log"
exit $rc
