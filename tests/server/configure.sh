#!/bin/sh
# SPDX-License-Identifier: ISC
# configure.sh -- tlsdeck configure: the diff (--dry-run changes nothing),
# the write through the safe-write path with a backup (history/restore),
# passwords refused on argv and masked in the diff, --set-env, --unset,
# --dedup, CRLF kept, new keys placed in the server.ssl block, non-ASCII
# values escaped, and java.util.Properties reading the result as meant
# (one JVM, skipped without java).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
FX=$TOP_BUILDDIR/tests/tools/srv-fixture
[ -x "$FX" ] || skip "srv-fixture not built (cmocka missing?)"
command -v jq >/dev/null || skip "jq missing"
SRV_PASS=pw-Conf.8
export SRV_PASS
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
export TLSDECK_BACKUP_DIR

run() {
	want=$1
	shift
	out=$("$TLSDECK" "$@" 2>"$T/err")
	rc=$?
	err=$(cat "$T/err")
	[ "$rc" = "$want" ] || fail "tlsdeck $*: exit $rc, expected $want
stdout: $out
stderr: $err"
}
has() { printf '%s\n' "$out" | grep -qF -- "$1" || fail "no [$1] in: $out"; }
hasnt() { printf '%s\n' "$out" | grep -qF -- "$1" && fail "[$1] in: $out"; :; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

F=$T/srv
"$FX" "$F" || fail "srv-fixture"
P=$F/conf/application.properties
chmod 640 "$P"
orig=$(sha "$P")
cp "$P" "$T/orig.properties"

# --dry-run: the diff, nothing written, no backup.
run 0 configure --server "$F" --set server.port=9443 --dry-run
has "--- $P"
has "+++ $P (new)"
has "@@ -1,5 +1,5 @@"
has "-server.port=8443"
has "+server.port=9443"
has " server.ssl.key-alias=integration-manager"
has "(dry run: $P not changed)"
hasnt "$SRV_PASS"
[ "$(sha "$P")" = "$orig" ] || fail "dry run changed the file"
[ ! -e "$T/backups/manifest.yaml" ] || fail "dry run made a backup"

# The write: only that line changes; a backup of the original.
run 0 configure --server "$F" --set server.port=9443
has "wrote $P (backup 1: tlsdeck restore 1)"
has "restart the server"
diff "$T/orig.properties" "$P" >"$T/d"
[ "$(grep -c '^[<>]' "$T/d")" = 2 ] || fail "diff: $(cat "$T/d")"
grep -q '^server.port=9443$' "$P" || fail "not written"
[ "$(stat -c %a "$P")" = 640 ] || fail "mode kept: $(stat -c %a "$P")"
run 0 history --format json
[ "$(printf '%s\n' "$out" | jq -r '.backups[0].command')" = configure ] ||
    fail "history: $out"
[ "$(printf '%s\n' "$out" | jq -r '.backups[0].description')" = \
    "set server.port" ] || fail "description: $out"
[ "$(printf '%s\n' "$out" | jq -r '.backups[0].sha256')" = "$orig" ] ||
    fail "backup sha"
run 0 audit --server "$F" --no-live
# Same value again: nothing to change, no backup.
run 0 configure --server "$F" --set server.port=9443
has "nothing to change"
run 0 history --format json
[ "$(printf '%s\n' "$out" | jq '.backups | length')" = 1 ] || fail "1 backup"

# Passwords: never from argv (relaxed names too); --set-env, masked.
before=$(sha "$P")
run 2 configure --server "$F" --set server.ssl.key-store-password=Secret1
printf '%s\n' "$err" | grep -q -- '--set-env server.ssl.key-store-password=VAR' ||
    fail "refusal: $err"
run 2 configure --server "$F" --set server.ssl.keyStorePassword=Secret1
run 2 configure --server "$F" --set spring.datasource.password=Secret1
[ "$(sha "$P")" = "$before" ] || fail "refused set wrote"
NEWPW='N3w-pw!x'
export NEWPW
run 0 configure --server "$F" --set-env server.ssl.key-store-password=NEWPW
has "-server.ssl.key-store-password=********"
has "+server.ssl.key-store-password=********"
hasnt "$NEWPW"
hasnt "$SRV_PASS"
grep -qF "server.ssl.key-store-password=$NEWPW" "$P" || fail "new password"
run 1 configure --server "$F" --set-env server.ssl.key-store-password=NOPE_UNSET
printf '%s\n' "$err" | grep -q 'NOPE_UNSET is not set' || fail "unset env"
# The keystore still has the old password: the audit says so.
run 2 audit --server "$F" --no-live --format json
[ "$(printf '%s\n' "$out" | jq -r '[.findings[].code] | join(" ")')" = \
    keystore-password-wrong ] || fail "audit after password change: $out"
run 0 configure --server "$F" --set-env server.ssl.key-store-password=SRV_PASS

# A new key goes into the server.ssl block; --unset; non-ASCII escaped.
run 0 configure --server "$F" --set server.ssl.enabled-protocols=TLSv1.3 \
    --set 'im.title=Caf\303\251' --set security.require-ssl=true --dry-run
printf 'im.title=Caf\303\251\n' >"$T/v"
run 0 configure --server "$F" --set server.ssl.enabled-protocols=TLSv1.3 \
    --set "$(cat "$T/v")" --set security.require-ssl=true
awk '/^server.ssl.key-store-type=/ { t = NR } /^server.ssl.enabled-protocols=/ { e = NR }
    END { exit !(t && e == t + 1) }' "$P" || fail "placement: $(cat "$P")"
grep -qi '^im.title=Caf\\u00e9$' "$P" || fail "escape: $(cat "$P")"
LC_ALL=C grep -q "$(printf '\303')" "$P" && fail "non-ASCII written"
run 1 audit --server "$F" --no-live --format json
[ "$(printf '%s\n' "$out" | jq -r '[.findings[].code] | join(" ")')" = \
    require-ssl-no-effect ] || fail "audit: $out"
run 0 configure --server "$F" --unset security.require-ssl
grep -q 'require-ssl' "$P" && fail "unset"
run 0 audit --server "$F" --no-live

# --dedup keeps the last of each key (relaxed names).
printf 'server.ssl.keyAlias=old\nserver.ssl.key-alias=integration-manager\n' \
    >>"$P"
run 1 audit --server "$F" --no-live
run 0 configure --server "$F" --dedup
has "-server.ssl.key-alias=integration-manager"
has "-server.ssl.keyAlias=old"
[ "$(grep -ci 'key.\?alias' "$P")" = 1 ] || fail "dedup: $(cat "$P")"
run 0 audit --server "$F" --no-live

# CRLF files stay CRLF.
sed -i 's/$/\r/' "$P"
n=$(wc -l <"$P")
run 0 configure --server "$F" --set server.port=8443 --set x.y=z
[ "$(grep -c "$(printf '\r')\$" "$P")" = "$(wc -l <"$P")" ] ||
    fail "CRLF lost: $(od -c "$P" | head)"
[ "$(wc -l <"$P")" = $((n + 1)) ] || fail "one line added"
has "-server.port=9443"

# Restore the first backup: the original bytes again.
run 0 restore 1
[ "$(sha "$P")" = "$orig" ] || fail "restore"

# Usage errors change nothing.
run 2 configure --server "$F"
run 2 configure --server "$F" --set novalue
run 2 configure --server "$F" --set '=x'
run 2 configure --server "$F" --bogus
run 2 configure --server "$F" --properties "$P" --set a=b
run 1 configure --properties "$T/none" --set a=b
[ "$(sha "$P")" = "$orig" ] || fail "usage errors wrote"

# Java reads what configure wrote as intended.
if command -v java >/dev/null 2>&1; then
	run 0 configure --server "$F" --set 'x.path=C:\ProgramData\Actian' \
	    --set "$(cat "$T/v")" --set 'x.lead= spaced=:#!'
	java -Duser.language=en "$TOP_SRCDIR/tests/interop/PropsDump.java" \
	    "$P" >"$T/java.out" 2>&1 || fail "PropsDump: $(cat "$T/java.out")"
	grep -qF '[x.path] => [C:\u005cProgramData\u005cActian]' "$T/java.out" ||
	    fail "java x.path: $(cat "$T/java.out")"
	grep -qF '[im.title] => [Caf\u00e9]' "$T/java.out" ||
	    fail "java im.title: $(cat "$T/java.out")"
	grep -qF '[x.lead] => [ spaced=:#!]' "$T/java.out" ||
	    fail "java x.lead: $(cat "$T/java.out")"
	grep -qF '[server.port] => [8443]' "$T/java.out" || fail "java port"
fi
exit 0
