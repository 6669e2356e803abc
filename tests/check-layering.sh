#!/bin/sh
# The layering rule: core/ includes no curses and never prints; tui/ includes
# no OpenSSL or libcyaml headers.  Fails naming the offending line.
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
[ $rc = 0 ] && echo "layering ok"
exit $rc
