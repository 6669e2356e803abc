#!/bin/sh
# Run a cmocka TAP program for automake's TAP driver.  cmocka 1.1 reports a
# skipped test as "not ok N # SKIP", which the driver counts as a failure;
# in TAP a skip is "ok N # SKIP".  The program's exit status is kept.
st=$(mktemp "${TMPDIR:-/tmp}/tap-run.XXXXXX") || exit 99
{ "$@"; echo $? >"$st"; } 2>&1 |
    sed 's/^not ok \([0-9][0-9]*\) # SKIP/ok \1 # SKIP/'
rc=$(cat "$st"); rm -f "$st"
exit "${rc:-99}"
