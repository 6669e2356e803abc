#!/bin/sh
# SPDX-License-Identifier: ISC
# check-findings.sh -- docs/findings.md against the code, both ways:
#  - every code of core/audit.c's table (audit_codes[]) has exactly one row
#    in docs/findings.md, with the same label and the same form (by the
#    name the dashboard gives it, from tui/'s form name table), and every
#    row names a code of that table;
#  - every code the sources pass to audit_add() or finding_add() (core/,
#    tui/) and every code of probe.c's probe_codes[] is in the table.
# Fails naming each difference.
top=${TOP_SRCDIR:-$(dirname "$0")/..}
doc=$top/docs/findings.md
T=$(mktemp -d "${TMPDIR:-/tmp}/check-findings.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
trap 'exit 99' INT TERM HUP
rc=0
bad() { echo "FAIL: $*"; rc=1; }
[ -f "$doc" ] || { echo "FAIL: $doc is missing"; exit 1; }

# The table: code|FORM_X|label, one line each.
awk '/audit_codes\[\] = \{/ { on = 1; next }
    on && /^};/ { exit }
    on && /\{ *"/ {
	s = $0
	gsub(/[ \t]+/, " ", s)
	if (match(s, /\{ ?"[^"]*", ?[A-Z_]+, ?"[^"]*" ?\}/) == 0) {
		print "UNPARSED " $0; next
	}
	s = substr(s, RSTART, RLENGTH)
	gsub(/^\{ ?"|" ?\}$/, "", s)
	sub(/", ?/, "|", s); sub(/, ?"/, "|", s)
	print s
    }' "$top/core/audit.c" >"$T/table"
grep '^UNPARSED' "$T/table" | sed 's/^/FAIL: audit.c table line not understood: /'
grep -q '^UNPARSED' "$T/table" && rc=1
[ "$(grep -c . "$T/table")" -ge 40 ] ||
    bad "found only $(grep -c . "$T/table") codes in core/audit.c's table"

# Form names as the dashboard shows them (each form_def's .kind and
# .title): FORM_X|Name.
awk '/\.kind = FORM_/ { k = $3; sub(/,$/, "", k); next }
    k != "" && /\.title = "/ { t = $0; sub(/^[^"]*"/, "", t); sub(/".*/, "", t)
	print k "|" t; k = "" }' "$top"/tui/form*.c >"$T/forms"
echo "FORM_NONE|–" >>"$T/forms"
[ "$(grep -c . "$T/forms")" -ge 9 ] ||
    bad "found only $(grep -c . "$T/forms") form names in tui/"

# The document's rows: code|Form name|label.
awk -F ' *\\| *' '/^\| *`[a-z0-9-]+`/ {
	code = $2; gsub(/`/, "", code)
	print code "|" $5 "|" $4
    }' "$doc" >"$T/rows"

# Every document row, with its form as FORM_X.
awk -F '|' 'NR == FNR { form[$2] = $1; next }
    { f = ($2 in form) ? form[$2] : "UNKNOWN-FORM(" $2 ")"
      print $1 "|" f "|" $3 }' "$T/forms" "$T/rows" >"$T/doc"

cut -d '|' -f 1 "$T/table" | sort | uniq -d | while read -r c; do
	echo "FAIL: code $c is twice in core/audit.c's table"
done | grep . && rc=1
cut -d '|' -f 1 "$T/doc" | sort | uniq -d | while read -r c; do
	echo "FAIL: code $c has more than one row in docs/findings.md"
done | grep . && rc=1

# Both ways, code by code.
sort -u "$T/table" >"$T/a"
sort -u "$T/doc" >"$T/b"
cut -d '|' -f 1 "$T/a" | sort -u >"$T/ca"
cut -d '|' -f 1 "$T/b" | sort -u >"$T/cb"
comm -23 "$T/ca" "$T/cb" | while read -r c; do
	echo "FAIL: $c (core/audit.c) is not in docs/findings.md"
done | grep . && rc=1
comm -13 "$T/ca" "$T/cb" | while read -r c; do
	echo "FAIL: $c (docs/findings.md) is not in core/audit.c's table"
done | grep . && rc=1
while IFS='|' read -r code form label; do
	d=$(grep "^$code|" "$T/b" | head -1)
	[ -n "$d" ] || continue
	dform=$(echo "$d" | cut -d '|' -f 2)
	dlabel=$(echo "$d" | cut -d '|' -f 3)
	[ "$form" = "$dform" ] ||
	    bad "$code: form $form in core/audit.c, $dform in docs/findings.md"
	[ "$label" = "$dlabel" ] ||
	    bad "$code: label \"$label\" in core/audit.c, \"$dlabel\" in docs/findings.md"
done <"$T/a"

# Codes the sources add (the literal after the model argument; a call
# may continue on the next line).
for f in "$top"/core/*.c "$top"/tui/*.c; do
	awk -v file="${f#"$top"/}" '{ l[NR] = $0 }
	    END { for (i = 1; i <= NR; i++) {
		if (l[i] !~ /(audit_add|finding_add|MAT_ADD)\(/ ||
		    l[i] ~ /add\(struct / || l[i] ~ /#define/)
			continue
		s = l[i] " " l[i + 1]
		sub(/.*(audit_add|finding_add|MAT_ADD)\(/, "", s)
		# the forwarders (audit_add() and MAT_ADD in material.c) pass
		# their own argument
		if (s ~ /^m, code,/ || s ~ /^\(s\)->m, \(code\),/)
			continue
		# MAT_ADD(s, mat, "code", ...)
		sub(/^s, mat, /, "s, ", s)
		if (match(s, /^[a-z_>-]+,[ \t]*"[^"]*"/) == 0) {
			print "? " file; continue
		}
		s = substr(s, RSTART, RLENGTH); sub(/^[^"]*"/, "", s)
		print substr(s, 1, length(s) - 1) " " file
	    } }' "$f"
done >"$T/used"
[ "$(grep -c . "$T/used")" -ge 40 ] ||
    bad "found only $(grep -c . "$T/used") audit_add/finding_add calls"
probe_list=$(awk '/probe_codes\[\] = \{/ { on = 1; next }
    on && /^};/ { exit }
    on { while (match($0, /"[^"]*"/)) {
	print substr($0, RSTART + 1, RLENGTH - 2)
	$0 = substr($0, RSTART + RLENGTH) } }' "$top/core/probe.c")
[ -n "$probe_list" ] || bad "no probe_codes[] found in core/probe.c"
for c in $probe_list; do
	echo "$c core/probe.c (probe_codes)"
done >>"$T/used"
while read -r code file; do
	if [ "$code" = "?" ]; then
		bad "$file: an audit_add/finding_add call whose code is not a literal"
		continue
	fi
	grep -qx "$code" "$T/ca" ||
	    bad "$file adds \"$code\", which core/audit.c's table lacks"
done <"$T/used"

[ $rc = 0 ] && echo "findings ok: $(grep -c . "$T/ca") codes"
exit $rc
