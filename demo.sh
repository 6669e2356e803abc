#!/bin/sh
# Install what is missing (apt, as root), build tlsdeck, and open the
# dashboard on a generated demo server tree.
set -eu
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
sh build-aux/deps.sh
[ -x configure ] && [ ! configure.ac -nt configure ] || autoreconf -fi >/dev/null
mkdir -p _build && cd _build
[ -f Makefile ] || ../configure -q
make -j2 >/dev/null
exec ./tlsdeck demo
