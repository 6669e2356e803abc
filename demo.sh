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
if ./tlsdeck demo --help >/dev/null 2>&1; then
	exec ./tlsdeck demo
fi
# (Until the dashboard lands: list a demo keystore and the system cacerts.)
./tlsdeck list --storepass-file /dev/stdin ../tests/data/samples/sample-jks17.jks <<PW
storepass
PW
[ -f /etc/ssl/certs/java/cacerts ] && PW=changeit ./tlsdeck list \
    --storepass-env PW /etc/ssl/certs/java/cacerts | head -40
