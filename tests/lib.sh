# Shared helpers for shell tests (sourced).  Exit codes: 0 pass, 77 skip.
set -u
: "${TLSDECK:=$TOP_BUILDDIR/tlsdeck}"
: "${TESTDATA:=$TOP_SRCDIR/tests/data}"
SAMPLES=$TESTDATA/samples
KEYTOOL17=${KEYTOOL17:-}
if [ -z "$KEYTOOL17" ]; then
	for d in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-*; do
		[ -x "$d/bin/keytool" ] && { KEYTOOL17=$d/bin/keytool; break; }
	done
fi
KEYTOOL25=
[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/keytool ] &&
    KEYTOOL25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/keytool
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsdeck-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 99' INT TERM HUP
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
need_keytool() { [ -n "$KEYTOOL17" ] || skip "keytool 17 not installed"; }
# keytool with a fixed locale and time zone, quiet about JKS.
# Light JIT/GC flags halve the CPU of each short keytool run.
JFAST="-J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -J-XX:CICompilerCount=1"
kt() { "$KEYTOOL17" $JFAST -J-Duser.language=en -J-Duser.country=US \
    -J-Duser.timezone=UTC "$@"; }
kt25() { "$KEYTOOL25" $JFAST -J-Duser.language=en -J-Duser.country=US \
    -J-Duser.timezone=UTC "$@"; }
