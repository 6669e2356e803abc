#!/bin/sh
# The same comparison with Temurin 25's keytool (skipped when absent).
KEYTOOL_VERSION=25 exec sh "$TOP_SRCDIR/tests/interop/list-keytool.sh"
