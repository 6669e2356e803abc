#!/bin/sh
# SPDX-License-Identifier: ISC
# help-vs-man.sh -- tlsdeck.1 against the program: every command of
# "tlsdeck --help" has a ".SS NAME" section (under COMMANDS) and a SYNOPSIS
# line, and no section names a command that does not exist; every long
# option of "tlsdeck CMD --help" is an item (.TP) of that section, or of
# PASSWORD OPTIONS / GLOBAL OPTIONS when the section refers to them; every
# option item of a section is in that command's --help; the dashboard's
# options are GLOBAL OPTIONS items; every key of tui/keys.c is in the
# Keys section and nothing else is; groff finds nothing to warn about.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
MAN=$TOP_SRCDIR/tlsdeck.1
[ -f "$MAN" ] || fail "no $MAN"
KEYS_C=$TOP_SRCDIR/tui/keys.c
errs=0
bad() { echo "MISMATCH: $*"; errs=$((errs + 1)); }

# The page with the roff escapes a reader does not see taken out.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\(bu/*/g' \
    -e 's/\\(em/--/g' -e 's/\\e/\\/g' "$MAN" >"$T/man"

# section SH-TITLE [SS-TITLE]: the lines of a .SH (or of one .SS in it).
section() {
	awk -v sh="$1" -v ss="${2:-}" '
	/^\.SH / { t = substr($0, 5); gsub(/"/, "", t); insh = (t == sh)
		inss = 0; next }
	/^\.SS / && ss != "" { inss = (insh && substr($0, 5) == ss); next }
	insh && (ss == "" || inss) { print }
	' "$T/man"
}
# items: the long options on .TP tag lines of stdin.
items() {
	awk '/^\.TP/ { getline; print }' | grep -o -- '--[a-z][a-z0-9-]*' |
	    LC_ALL=C sort -u
}
# helpopts: the long options in a --help text on stdin.
helpopts() {
	grep -o -- '--[a-z][a-z0-9-]*' | sed 's/-*$//' | LC_ALL=C sort -u
}

section "PASSWORD OPTIONS" | items >"$T/pw-items"
section "GLOBAL OPTIONS" | items >"$T/global-items"
[ -s "$T/pw-items" ] || bad "no PASSWORD OPTIONS items"
[ -s "$T/global-items" ] || bad "no GLOBAL OPTIONS items"

"$TLSDECK" --help >"$T/help" || fail "tlsdeck --help"
sed -n 's/^\(usage:\)\{0,1\} *tlsdeck \([a-z][a-z-]*\) .*/\2/p' "$T/help" \
    >"$T/cmds"
[ "$(wc -l <"$T/cmds")" -ge 10 ] || fail "few commands in --help: $(cat "$T/cmds")"
section SYNOPSIS >"$T/synopsis"
sed -n 's/^\.SS \(.*\)/\1/p' "$T/man" >"$T/all-ss"
section COMMANDS | grep -c . >/dev/null || bad "no COMMANDS section"
awk '/^\.SH /{c = ($0 == ".SH COMMANDS")} c && /^\.SS /{print substr($0, 5)}' \
    "$T/man" >"$T/man-cmds"

n=0
while read -r cmd; do
	n=$((n + 1))
	grep -qx -- "$cmd" "$T/man-cmds" || {
		bad "$cmd: no '.SS $cmd' under COMMANDS"
		continue
	}
	grep -q "^\.B tlsdeck $cmd\$" "$T/synopsis" ||
	    bad "$cmd: not in SYNOPSIS"
	"$TLSDECK" "$cmd" --help >"$T/h" 2>&1 || bad "$cmd --help failed"
	helpopts <"$T/h" >"$T/h-opts"
	section COMMANDS "$cmd" >"$T/sec"
	items <"$T/sec" >"$T/sec-items"
	while read -r o; do
		grep -qx -- "$o" "$T/sec-items" && continue
		if grep -qx -- "$o" "$T/pw-items" &&
		    grep -q 'PASSWORD OPTIONS' "$T/sec"; then
			continue
		fi
		if grep -qx -- "$o" "$T/global-items" &&
		    grep -q 'GLOBAL' "$T/sec"; then
			continue
		fi
		bad "$cmd: $o (in its --help) is not described in tlsdeck.1"
	done <"$T/h-opts"
	while read -r o; do
		grep -qx -- "$o" "$T/h-opts" ||
		    bad "$cmd: tlsdeck.1 lists $o, its --help does not"
	done <"$T/sec-items"
done <"$T/cmds"
while read -r s; do
	grep -qx -- "$s" "$T/cmds" ||
	    bad "tlsdeck.1 has a section for '$s', not a command of --help"
done <"$T/man-cmds"

# The dashboard's own options (tlsdeck --help shows the command list; a
# dashboard option first reaches the dashboard's usage).
"$TLSDECK" --no-color --help >"$T/dash" 2>&1 || bad "dashboard --help"
grep -q -- '--properties' "$T/dash" || bad "no dashboard usage: $(cat "$T/dash")"
helpopts <"$T/dash" | while read -r o; do
	grep -qx -- "$o" "$T/global-items" ||
	    echo "MISMATCH: dashboard option $o is not in GLOBAL OPTIONS"
done >"$T/dash-bad"
[ -s "$T/dash-bad" ] && { cat "$T/dash-bad"; errs=$((errs + 1)); }

# The keys: names in tui/keys.c against the words of the Keys items.
if [ -f "$KEYS_C" ]; then
	grep -o '"[^"]*", ACT_' "$KEYS_C" | sed 's/^"\(.*\)", ACT_$/\1/' |
	    LC_ALL=C sort -u >"$T/keys"
	section DASHBOARD Keys | awk '/^\.TP/ { getline; print }' |
	    sed -e 's/^\.[A-Z]*//' -e 's/"//g' -e 's/,/ /g' |
	    tr ' ' '\n' | grep . | LC_ALL=C sort -u >"$T/man-keys"
	[ -s "$T/keys" ] || bad "no key names found in $KEYS_C"
	while read -r k; do
		grep -qxF -- "$k" "$T/man-keys" ||
		    bad "key $k (tui/keys.c) is not in the Keys section"
	done <"$T/keys"
	while read -r k; do
		grep -qxF -- "$k" "$T/keys" ||
		    bad "the Keys section lists '$k', tui/keys.c does not"
	done <"$T/man-keys"
fi

# The other sections a man page owes.
for s in NAME SYNOPSIS DESCRIPTION "EXIT STATUS" ENVIRONMENT FILES; do
	grep -qx "\.SH $s" "$T/man" || grep -qx ".SH \"$s\"" "$T/man" ||
	    bad "no .SH $s"
done
for e in TLSDECK_PROPERTIES TLSDECK_BACKUP_DIR NO_COLOR XDG_CONFIG_HOME \
    XDG_STATE_HOME; do
	section ENVIRONMENT | grep -q "^\.B $e\$" || bad "ENVIRONMENT lacks $e"
done

# Formatting: no groff warnings (-ww: all of them).
if command -v groff >/dev/null; then
	LC_ALL=C.UTF-8 groff -t -man -Tutf8 -ww -z "$MAN" >"$T/groff" 2>&1
	[ -s "$T/groff" ] && { bad "groff warns:"; cat "$T/groff"; }
	if command -v man >/dev/null; then
		man -l "$MAN" >/dev/null 2>"$T/manerr" || bad "man -l failed"
		[ -s "$T/manerr" ] && { bad "man -l:"; cat "$T/manerr"; }
	fi
else
	echo "groff not installed: formatting not checked"
fi

echo "$n commands checked against tlsdeck.1"
[ $errs = 0 ] || fail "$errs mismatch(es) between tlsdeck.1 and the program"
echo "ok"
