#!/bin/sh
# Build and run every test; ends with "tests: N passed, N failed, N skipped".
# Installs missing Debian packages first when run as root.
#
# Three passes, all counted in the final line:
#   1. the whole suite, normal build (-Werror);
#   2. the whole suite again under ASan+UBSan (--enable-asan), except the
#      long keytool/JVM round trips, which exercise the same tlsdeck code
#      paths as the CLI tests, and the tests that are about processes, not
#      memory (SIGKILL crash tests, the strace secrets test, help vs man,
#      signals and core files at a prompt), or about time and peak memory
#      (linear.sh);
#   3. the C unit tests under valgrind (memcheck, leaks), niced, at the
#      same time as pass 2.
# TLSDECK_QUICK=1 runs pass 1 only.
set -u
top=$(cd "$(dirname "$0")" && pwd)
cd "$top" || exit 1
sh "$top/build-aux/deps.sh" test || exit 1
if [ ! -x configure ] || [ configure.ac -nt configure ] ||
    [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 1; }
fi
logs=
failed=0
# build DIR CONFIGURE-ARGS...: configure (once) and make.
build() {
	_d=$1; shift
	_t0=$(date +%s)
	mkdir -p "$top/$_d" && cd "$top/$_d" || return 1
	if [ ! -f Makefile ]; then
		"$top/configure" "$@" >configure.out 2>&1 ||
		    { cat configure.out; return 1; }
	fi
	make -j2 >make.out 2>&1 || { tail -40 make.out; return 1; }
	make -j2 check TESTS= >>make.out 2>&1 || { tail -40 make.out; return 1; }
	echo "== built $_d ($(($(date +%s) - _t0)) s)"
}
# check_run DIR LABEL MAKE-ARGS...: run make check in DIR (niced by
# $NICE when set); its output, status and start time are kept there.
check_run() {
	_d=$1 _label=$2; shift 2
	cd "$top/$_d" || return 1
	rm -f test-suite.log
	date +%s >"$_label.t0"
	${NICE:+nice -n "$NICE"} make -j2 check "$@" >"$_label.out" 2>&1
	echo $? >"$_label.rc"
}
# check_report DIR LABEL: print what check_run left, keep its log for the
# count.
check_report() {
	_d=$1 _label=$2
	cd "$top/$_d" || return 1
	echo "== $_label"
	[ "$(cat "$_label.rc" 2>/dev/null)" = 0 ] || failed=1
	grep -E '^(FAIL|ERROR|XPASS)' "$_label.out"
	if [ -f test-suite.log ]; then
		cp test-suite.log "$top/$_d/$_label.log"
		logs="$logs $top/$_d/$_label.log"
		[ $failed = 1 ] && sed -n '/^FAIL\|^ERROR/,+40p' test-suite.log | head -150
	else
		failed=1
	fi
	sh "$top/build-aux/test-summary.sh" test-suite.log |
	    sed "s/^tests:/  $_label:/; s/\$/ ($(($(date +%s) - $(cat "$_label.t0"))) s)/"
}
check() {
	check_run "$@"
	check_report "$1" "$2"
}
if ! build _build --enable-werror; then
	echo "tests: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
check _build normal
if [ "${TLSDECK_QUICK:-0}" != 1 ]; then
	cd "$top/_build" || exit 1
	# (only the test names: a Makefile regeneration may print too)
	fast=$(make -s print-asan-tests 2>/dev/null | tr ' ' '\n' |
	    grep '^tests/' | tr '\n' ' ')
	units=$(make -s print-unit-tests 2>/dev/null | tr ' ' '\n' |
	    grep '^tests/' | tr '\n' ' ')
	# memcheck is slow and single-threaded: it runs niced beside the
	# ASan build and pass, on the CPU their waits leave.
	vgpid=
	if command -v valgrind >/dev/null; then
		(NICE=10 check_run _build valgrind TESTS="$units" \
		    LOG_COMPILER="sh $top/tests/valgrind-wrap.sh") &
		vgpid=$!
	fi
	if build _build-asan --enable-asan; then
		LSAN_OPTIONS=suppressions=$top/tests/lsan.supp:print_suppressions=0 \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		    check _build-asan asan TESTS="$fast"
	else
		echo "ASan build failed"; failed=1
	fi
	if [ -n "$vgpid" ]; then
		wait "$vgpid"
		check_report _build valgrind
	fi
fi
# One line over every pass.
[ -z "$logs" ] && { echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
sh "$top/build-aux/test-summary.sh" $logs
s=$?
[ $failed = 1 ] && exit 1
exit $s
