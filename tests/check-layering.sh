#!/bin/sh
# The layering rule: core/ includes no curses and never prints; tui/ includes
# no OpenSSL or libcyaml headers; cli/ includes nothing of tui/ (it calls the
# dashboard through the one tui_main declared in cli/cli.h, which must agree
# with tui/tui.h's).  Fails naming the offending line.
top=${TOP_SRCDIR:-$(dirname "$0")/..}
rc=0
bad=$(grep -nE '#[[:space:]]*include[[:space:]]*[<"](n?cursesw?|curses|form|menu|panel|term)\.h' \
    "$top"/core/*.c "$top"/core/*.h 2>/dev/null)
[ -n "$bad" ] && { echo "core includes curses:"; echo "$bad"; rc=1; }
bad=$(grep -nE '\b(printf|fprintf|puts|fputs|putchar|perror|vprintf|vfprintf)[[:space:]]*\(' \
    "$top"/core/*.c 2>/dev/null | grep -v 'snprintf\|vsnprintf' |
    grep -v 'core/xmalloc.c:.*fprintf(stderr' | grep -vE ':[0-9]+:[[:space:]]*/?\*')
[ -n "$bad" ] && { echo "core prints:"; echo "$bad"; rc=1; }
bad=$(grep -nE '#[[:space:]]*include[[:space:]]*[<"](openssl/|cyaml/)' \
    "$top"/tui/*.c "$top"/tui/*.h 2>/dev/null)
[ -n "$bad" ] && { echo "tui includes OpenSSL/libcyaml:"; echo "$bad"; rc=1; }
bad=$(grep -nE '#[[:space:]]*include[[:space:]]*[<"](openssl/|cyaml/)' \
    "$top"/cli/*.h 2>/dev/null)
[ -n "$bad" ] && { echo "cli header includes OpenSSL/libcyaml:"; echo "$bad"; rc=1; }
bad=$(grep -nE '#[[:space:]]*include[[:space:]]*[<"]([^">]*/)?(tui/|tui\.h|n?cursesw?\.h|curses\.h|form\.h|menu\.h|panel\.h|term\.h)' \
    "$top"/cli/*.c "$top"/cli/*.h 2>/dev/null)
[ -n "$bad" ] && { echo "cli includes tui/ or curses:"; echo "$bad"; rc=1; }
# tui_main: one prototype in each header, the same (spaces aside).
decl() { grep -E '^int[[:space:]]+tui_main\(' "$1" | tr -s ' \t' ' '; }
[ "$(decl "$top"/cli/cli.h | wc -l)" = 1 ] &&
    [ "$(decl "$top"/cli/cli.h)" = "$(decl "$top"/tui/tui.h)" ] || {
	echo "tui_main: cli/cli.h and tui/tui.h do not declare it alike:"
	grep -n 'tui_main(' "$top"/cli/cli.h "$top"/tui/tui.h; rc=1; }
[ $rc = 0 ] && echo "layering ok"
exit $rc
