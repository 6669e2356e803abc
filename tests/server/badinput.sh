#!/bin/sh
# SPDX-License-Identifier: ISC
# badinput.sh -- status and audit on bad input: binary junk as
# application.properties, malformed escapes, empty files, placeholders that
# loop or nest deeply, a keystore that is a directory / a device / junk,
# junk cacerts and release files, unreadable files (as an unprivileged
# user when run as root).  Always a clear finding or error, never a crash.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
FX=$TOP_BUILDDIR/tests/tools/srv-fixture
[ -x "$FX" ] || skip "srv-fixture not built (cmocka missing?)"
command -v jq >/dev/null || skip "jq missing"
command -v openssl >/dev/null || skip "openssl missing"
SRV_PASS=pw-Bad.9
export SRV_PASS
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME

# audit_codes TREE: the codes as one sorted line in $codes, exit in $rc;
# an exit of 0-2 only, valid JSON, nothing on stderr.
audit_codes() {
	out=$("$TLSDECK" audit --server "$1" --no-live --format json 2>"$T/err")
	rc=$?
	[ $rc -le 2 ] || fail "audit $1: exit $rc: $(cat "$T/err")"
	[ -s "$T/err" ] && fail "audit $1: stderr: $(cat "$T/err")"
	codes=$(printf '%s\n' "$out" | jq -r '.findings[].code' | sort -u |
	    tr '\n' ' ')
	[ -n "$out" ] || fail "audit $1: no output"
	"$TLSDECK" status --server "$1" --no-live >/dev/null 2>"$T/err" ||
	    fail "status $1: $(cat "$T/err")"
}
has_code() {
	case " $codes" in
	*" $1 "*) ;;
	*) fail "$2: no $1 in [$codes]" ;;
	esac
}

F=$T/srv
"$FX" "$F" || fail "srv-fixture"
P=$F/conf/application.properties
cp "$P" "$T/good.properties"

# Binary junk as application.properties (several sizes and seeds): no
# properties file, refused with one line naming it (exit 3: nothing could
# be judged), nothing else said.
i=0
while [ $i -lt 12 ]; do
	openssl rand -out "$P" $((i * 997 + 1000)) 2>/dev/null || fail "rand"
	if [ $((i % 3)) = 0 ]; then
		# junk that looks like keys: separators, escapes, placeholders
		openssl rand -hex 300 | sed 's/a/=/g; s/b/\\/g; s/c/${/g; s/d/}/g;
		    s/e/\n/g; s/f/:/g' >>"$P"
	fi
	out=$("$TLSDECK" audit --server "$F" --no-live --format json \
	    2>"$T/err")
	rc=$?
	[ $rc = 3 ] || fail "binary junk: exit $rc: $out"
	[ "$(wc -l <"$T/err")" = 1 ] && grep -q "$P: looks like binary" \
	    "$T/err" || fail "binary junk: $(cat "$T/err")"
	i=$((i + 1))
done
# Junk that is text: Java reads it as properties, so does the audit.
openssl rand -hex 2000 | sed 's/a/=/g; s/b/\\/g; s/c/${/g; s/d/}/g;
    s/e/\n/g; s/f/:/g' >"$P"
audit_codes "$F"

# A malformed \uXXXX: Java throws, the server would not start.
printf 'server.port=8443\nim.title=\\u00G9\n' >"$P"
audit_codes "$F"
[ "$codes" = "properties-malformed " ] || fail "malformed: [$codes]"
[ $rc = 2 ] || fail "malformed: exit $rc"
printf '%s\n' "$out" | jq -r '.findings[0].message' | grep -q 'line 2' ||
    fail "malformed names the line: $out"

# Empty file, only comments, CR-only line ends: HTTPS off.
: >"$P"
audit_codes "$F"
[ "$codes" = "https-off " ] || fail "empty: [$codes]"
printf '# nothing\r! here\r' >"$P"
audit_codes "$F"
[ "$codes" = "https-off " ] || fail "comments: [$codes]"

# Placeholders: a self-loop, a long chain, deep nesting.
cp "$T/good.properties" "$P"
printf 'server.port=${server.port}\n' >>"$P"
audit_codes "$F"
has_code placeholder-cycle "self-loop"
has_code property-duplicate "self-loop"
cp "$T/good.properties" "$P"
n=0
while [ $n -lt 300 ]; do
	printf 'p%d=${p%d}x\n' $n $((n + 1)) >>"$P"
	n=$((n + 1))
done
printf 'server.ssl.key-alias=${p0}\n' >>"$P"
audit_codes "$F"
has_code alias-missing "long chain"
cp "$T/good.properties" "$P"
deep=$(awk 'BEGIN { for (i = 0; i < 5000; i++) printf "${"; printf "x";
    for (i = 0; i < 5000; i++) printf "}"; }')
printf 'server.ssl.key-store-type=%s\n' "$deep" >>"$P"
audit_codes "$F"
has_code placeholder-cycle "deep nesting"

# The keystore: a directory, a device, junk, empty, not there.
cp "$T/good.properties" "$P"
sed -i "s#^server.ssl.key-store=.*#server.ssl.key-store=$F/conf#" "$P"
audit_codes "$F"
[ "$codes" = "keystore-is-directory " ] || fail "directory: [$codes]"
sed -i "s#^server.ssl.key-store=.*#server.ssl.key-store=/dev/null#" "$P"
audit_codes "$F"
[ "$codes" = "keystore-corrupt " ] || fail "device: [$codes]"
printf '%s\n' "$out" | grep -q 'not a regular file' || fail "device message"
cp "$T/good.properties" "$P"
cp "$F/conf/ssl/keystore.p12" "$T/keystore.p12"
openssl rand -out "$F/conf/ssl/keystore.p12" 2000 2>/dev/null
audit_codes "$F"
[ "$codes" = "keystore-corrupt " ] || fail "junk keystore: [$codes]"
head -c 700 "$T/keystore.p12" >"$F/conf/ssl/keystore.p12"
audit_codes "$F"
[ "$codes" = "keystore-corrupt " ] || fail "truncated keystore: [$codes]"
: >"$F/conf/ssl/keystore.p12"
audit_codes "$F"
[ "$codes" = "keystore-corrupt " ] || fail "empty keystore: [$codes]"
cp "$T/keystore.p12" "$F/conf/ssl/keystore.p12"

# The JRE's files: junk cacerts, junk release.
cp "$F/jre/lib/security/cacerts" "$T/cacerts"
openssl rand -out "$F/jre/lib/security/cacerts" 3000 2>/dev/null
audit_codes "$F"
[ "$codes" = "cacerts-unreadable " ] || fail "junk cacerts: [$codes]"
cp "$T/cacerts" "$F/jre/lib/security/cacerts"
openssl rand -out "$F/jre/release" 500 2>/dev/null
audit_codes "$F"
[ "$codes" = "" ] || fail "junk release: [$codes]"
printf '%s\n' "$out" >/dev/null

# Properties that are a directory, or missing: an error, exit 3.
out=$("$TLSDECK" audit --properties "$F/conf" 2>"$T/err")
[ $? = 3 ] || fail "directory properties: exit"
grep -q "^tlsdeck: $F/conf: is a directory" "$T/err" ||
    fail "directory properties: $(cat "$T/err")"
"$TLSDECK" status --properties "$F/conf" >/dev/null 2>&1
[ $? = 1 ] || fail "status on a directory: exit 1"

# Unreadable files, for a user who cannot read them.
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || exit 0
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$@"; }
	chmod 755 "$T"
	chmod -R go+rX "$F"
	chmod 600 "$F/conf/ssl/keystore.p12"
	out=$(as_nobody "$TLSDECK" audit --server "$F" --no-live \
	    --format json 2>"$T/err")
	codes=$(printf '%s\n' "$out" | jq -r '.findings[].code' | sort -u |
	    tr '\n' ' ')
	[ "$codes" = "keystore-unreadable properties-world-readable " ] ||
	    fail "unreadable keystore: [$codes] $(cat "$T/err")"
	printf '%s\n' "$out" | grep -q 'Permission denied' ||
	    fail "unreadable keystore message: $out"
	chmod 600 "$P"
	out=$(as_nobody "$TLSDECK" audit --server "$F" --no-live 2>"$T/err")
	[ $? = 3 ] || fail "unreadable properties: exit"
	grep -q 'Permission denied' "$T/err" || fail "EACCES: $(cat "$T/err")"
	printf '%s\n' "$out" | grep -q '^UNKNOWN - .*Permission denied' ||
	    fail "UNKNOWN line: $out"
elif [ -n "${TLSDECK_TEST_NONROOT:-1}" ]; then
	chmod 000 "$F/conf/ssl/keystore.p12"
	audit_codes "$F"
	[ "$codes" = "keystore-unreadable " ] || fail "unreadable: [$codes]"
fi
exit 0
