#!/bin/sh
# Build and run every test; ends with "tests: N passed, N failed, N skipped".
# Installs missing Debian packages first when run as root.
set -u
top=$(cd "$(dirname "$0")" && pwd)
cd "$top" || exit 1
sh "$top/build-aux/deps.sh" test || exit 1
if [ ! -x configure ] || [ configure.ac -nt configure ] ||
    [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; exit 1; }
fi
mkdir -p _build && cd _build || exit 1
if [ ! -f Makefile ]; then
	../configure --enable-werror >configure.out 2>&1 ||
	    { cat configure.out; echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
fi
make -j2 >make.out 2>&1 ||
    { cat make.out; echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
rm -f test-suite.log
make -j2 check >check.out 2>&1
rc=$?
grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP|XFAIL)' check.out | grep -v '^PASS' || true
[ $rc -ne 0 ] && [ -f test-suite.log ] && sed -n '/^FAIL\|^ERROR/,+40p' test-suite.log | head -200
sh ../build-aux/test-summary.sh test-suite.log
s=$?
[ $rc -ne 0 ] && exit 1
exit $s
