#!/bin/sh
# SPDX-License-Identifier: ISC
# termesc.sh -- names from keystores, certificates and file names never
# reach the terminal raw: aliases and subjects holding ESC sequences, BEL,
# the C1 control U+009B (CSI) and bidirectional overrides (U+202E), and a
# file name with a raw 0x9B byte and invalid UTF-8, go through list, show,
# status, audit (text, JSON, Prometheus) and error lines as \uXXXX and \xNN
# escapes; on the dashboard (tmux) they show as the same escapes.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
command -v openssl >/dev/null || skip "openssl missing"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
SP=storepass
export TLSDECK_BACKUP_DIR SP

# clean FILE WHAT: valid UTF-8 with no C0 control but LF and TAB, no DEL,
# no C1 control and no bidirectional control.
clean() {
	iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1 ||
	    fail "$2: not UTF-8: $(od -c "$1" | head -5)"
	for _p in '[\001-\010\013-\037\177]' '\302[\200-\237]' \
	    '\342\200[\216\217\252-\256]' '\342\201[\246-\251]' '\330\234'; do
		LC_ALL=C grep -q "$(printf "$_p")" "$1" &&
		    fail "$2: a control reaches the terminal: $(cat -v "$1" |
		    head -20)"
	done
	:
}
# run WHAT ARGS...: tlsdeck ARGS, stdout and stderr both clean.
run() {
	_w=$1
	shift
	"$TLSDECK" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	clean "$T/out" "$_w (stdout)"
	clean "$T/err" "$_w (stderr)"
}

# An alias with an OSC title sequence, BEL and CSI (U+009B); a subject
# with ESC and C1 characters (read as Latin-1 by openssl).
ALIAS=$(printf 'al\033]0;t\007\302\2332J')
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/k.pem" -out "$T/c.pem" -days 30 \
    -subj "$(printf '/CN=evil\033[2J\2331m/O=\342\200\256gro')" \
    >/dev/null 2>&1 || fail "openssl req"
openssl pkcs12 -export -inkey "$T/k.pem" -in "$T/c.pem" -name "$ALIAS" \
    -passout pass:storepass -out "$T/t.p12" 2>/dev/null || fail "pkcs12"
# Bidirectional overrides in UTF-8, in the alias and the subject.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/k2.pem" -out "$T/c2.pem" -days 30 -utf8 \
    -subj "$(printf '/CN=evil\302\2332J\342\200\256gro/O=x')" \
    >/dev/null 2>&1 || fail "openssl req -utf8"
openssl pkcs12 -export -inkey "$T/k2.pem" -in "$T/c2.pem" \
    -name "$(printf 'bidi\342\200\256txt')" -passout pass:storepass \
    -out "$T/t2.p12" 2>/dev/null || fail "pkcs12 (bidi)"
# A file name with a raw CSI byte and bytes that are not UTF-8.
RAW=$T/$(printf 'raw\233[2J\377\376.p12')
cp "$T/t.p12" "$RAW"

run "list" list --storepass-env SP "$T/t.p12"
grep -qF 'Alias name: al\u001B]0;t\u0007\u009B2J' "$T/out" ||
    fail "list: the alias, escaped: $(cat "$T/out")"
run "list --format json" list --storepass-env SP "$T/t.p12" --format json
run "show" show --storepass-env SP "$T/t.p12" "$ALIAS"
[ "$rc" = 0 ] || fail "show: exit $rc: $(cat "$T/err")"
run "show (bidi)" show --storepass-env SP "$T/t2.p12" \
    "$(printf 'bidi\342\200\256txt')"
grep -qF 'bidi\u202Etxt' "$T/out" || fail "show: bidi: $(cat "$T/out")"
grep -qF '\u202Egro' "$T/out" || fail "show: bidi subject: $(cat "$T/out")"
run "list (raw name)" list --storepass-env SP "$RAW"
grep -qF 'raw\x9b[2J\xff\xfe.p12' "$T/out" ||
    fail "list: the file name, escaped: $(cat -v "$T/out")"
run "error line (raw name)" list --storepass-env SP "$RAW.missing"
[ "$rc" = 1 ] || fail "missing file: exit $rc"
grep -qF 'raw\x9b[2J\xff\xfe.p12.missing' "$T/err" ||
    fail "error line: $(cat -v "$T/err")"
run "error line (alias)" show --storepass-env SP "$T/t.p12" "x$ALIAS"
[ "$rc" = 1 ] || fail "show: no such alias: exit $rc"

# The server commands: the alias named in the properties (escaped there).
P=$T/application.properties
printf 'server.port=8443\nserver.ssl.key-store=%s\nserver.ssl.key-store-password=storepass\nserver.ssl.key-alias=al\\u001B]0;t\\u0007\\u009B2Jx\n' \
    "$T/t.p12" >"$P"
for f in text json; do
	run "status --format $f" status --no-live --properties "$P" \
	    --format "$f"
	run "audit --format $f" audit --no-live --properties "$P" \
	    --format "$f"
done
run "audit --format prometheus" audit --no-live --properties "$P" \
    --format prometheus
run "configure diff" configure --no-live --properties "$P" \
    --set server.port=9443 --dry-run

# The dashboard: the keystore panel shows the alias as escapes.
if command -v tmux >/dev/null; then
	. "$TOP_SRCDIR/tests/tui/lib.sh"
	tt_start 120 30 --properties "$P" --no-live
	tt_wait_for 'Keystore'
	tt_wait_for 'al\\u001B\]0;t\\u0007\\u009B2J'
	tt_keys q
	[ "$(tt_wait_exit)" = 0 ] || tt_fail "the dashboard's exit"
fi
exit 0
