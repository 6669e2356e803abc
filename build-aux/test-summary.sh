#!/bin/sh
# Turn automake's test-suite.log headers into one machine-readable line:
#   tests: 9 passed, 0 failed, 1 skipped
# test-summary.sh [LOG...] (default: test-suite.log): the sum over the logs
# (test.sh gives one per pass).  Counts come from the real results (per TAP
# case for C tests, per script for the shell tests).  Exits 1 when anything
# failed or a log is missing.
[ $# = 0 ] && set -- test-suite.log
for log; do
	[ -r "$log" ] ||
	    { echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
done
awk '
  /^# PASS:/  {p+=$3}  /^# XFAIL:/ {xf+=$3}
  /^# FAIL:/  {f+=$3}  /^# XPASS:/ {xp+=$3} /^# ERROR:/ {e+=$3}
  /^# SKIP:/  {s+=$3}
  END { if (p+xf+f+xp+e+s == 0) { print "tests: 0 passed, 1 failed, 0 skipped"; exit 1 }
        printf "tests: %d passed, %d failed, %d skipped\n", p+xf, f+xp+e, s
        exit (f+xp+e) ? 1 : 0 }' "$@"
