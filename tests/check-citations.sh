#!/bin/sh
# SPDX-License-Identifier: ISC
# check-citations.sh -- every document the tree cites is in the tree.
# In the sources, scripts, tests, build files, README.md and docs/:
#  - a "*.md" reference must be README.md or a file of docs/, cited with
#    its directory ("docs/formats.md");
#  - a document's section is cited by its name, not by a number
#    ("docs/formats.md, The key protector");
#  - no issue numbers and no "part" letters of a plan: say what the code
#    is, not when it came.
# Test data (tests/data but its scripts, the fuzz corpora, the bad-input
# fixtures) is not looked at.  Fails naming each file and line.
top=${TOP_SRCDIR:-$(dirname "$0")/..}
T=$(mktemp -d "${TMPDIR:-/tmp}/check-citations.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
trap 'exit 99' INT TERM HUP
rc=0
cd "$top" || exit 99

# The files: ours, by directory and kind (a build directory or a
# generated build-aux script is not).
{
	find core cli tui tests bench themes docs -type f \( -name '*.c' -o \
	    -name '*.h' -o -name '*.sh' -o -name '*.py' -o -name '*.java' -o \
	    -name '*.md' -o -name '*.yaml' -o -name '*.supp' -o \
	    -name '*.dict' \) 2>/dev/null |
	    grep -v -e '^tests/data/' -e '^tests/fuzz/corpus-' \
	    -e '^tests/badinput/fixtures/'
	find tests/data -type f -name '*.sh' 2>/dev/null
	for f in Makefile.am configure.ac README.md tlsdeck.1 test.sh demo.sh \
	    .ci/run build-aux/deps.sh build-aux/test-summary.sh; do
		[ -f "$f" ] && echo "$f"
	done
} | sort >"$T/files"
[ "$(grep -c . "$T/files")" -ge 50 ] ||
    { echo "FAIL: found only $(grep -c . "$T/files") files under $top"; exit 1; }

# "*.md" references that name no file of the tree.
xargs grep -noE '[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b' <"$T/files" \
    >"$T/refs" 2>/dev/null
while IFS=: read -r file line ref; do
	case $ref in
	README.md|*/README.md)
		continue ;;
	esac
	name=${ref##*/}
	case $ref in
	*/docs/"$name")
		ref=docs/$name ;;	# "$top/docs/findings.md" in a script
	esac
	if [ ! -f "docs/$name" ]; then
		echo "FAIL: $file:$line cites $ref, which is not in docs/"
		rc=1
		continue
	fi
	# docs/ may cite its own files by name; everything else says docs/.
	case $file in
	docs/*)	;;
	*)	if [ "$ref" != "docs/$name" ]; then
			echo "FAIL: $file:$line cites $ref: write docs/$name"
			rc=1
		fi ;;
	esac
done <"$T/refs"

# Sections by number: a "*.md" name followed by a number, "section 1" or
# a paragraph sign.
xargs grep -nE '\.md,?[[:space:]]+((sections?|§)[[:space:]]*)?[0-9]|§[[:space:]]*[0-9]' \
    <"$T/files" >"$T/num" 2>/dev/null
sed 's/^/FAIL: a section cited by number: /' "$T/num"
[ -s "$T/num" ] && rc=1

# History: issue numbers, plan parts.
xargs grep -niE '(^|[^a-z])issues?[[:space:]]+#?[0-9]' <"$T/files" \
    >"$T/hist" 2>/dev/null
xargs grep -nE '(^|[^A-Za-z])[Pp]art[[:space:]]+[AB]([^A-Za-z0-9]|$)' \
    <"$T/files" >>"$T/hist" 2>/dev/null
sed 's/^/FAIL: history in the tree (say what it is instead): /' "$T/hist"
[ -s "$T/hist" ] && rc=1

[ $rc = 0 ] && echo "citations ok: $(grep -c . "$T/files") files"
exit $rc
