#!/bin/sh
# SPDX-License-Identifier: ISC
# aliases.sh -- any alias Java allows (JKS: up to 65,535 bytes) works in
# genkey, delete, rename and import-cert; the backup manifest takes the
# change (its description shortened), and error lines shorten the alias
# with "...(N bytes)" instead of printing 64 kB.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/security/seclib.sh"
command -v jq >/dev/null || skip "jq missing"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
SP=changeit
export TLSDECK_BACKUP_DIR SP
long() { head -c "$1" /dev/zero | tr '\0' "$2"; }
A5K=$(long 5000 q)
A64K=$(long 65535 r)
ks=$T/ks.jks
short_err() {
	[ "$(printf '%s' "$err" | wc -c)" -lt 400 ] ||
	    fail "a $(printf '%s' "$err" | wc -c)-byte error line"
	has_err "bytes)"
}

run 0 genkey "$ks" --storetype jks --alias a --dname CN=a --keyalg ec \
    --storepass-env SP
# Into an existing keystore: a backup is made, its description shortened.
run 0 genkey "$ks" --alias "$A5K" --dname CN=b --keyalg ec --storepass-env SP
run 0 genkey "$ks" --alias "$A64K" --dname CN=c --keyalg ec \
    --storepass-env SP
"$TLSDECK" list "$ks" --storepass-env SP | grep -q "$A64K" ||
    fail "the 65535-byte alias is not listed"
d=$("$TLSDECK" history --format json | jq -r '.backups[-1].description')
[ "${#d}" -lt 1100 ] || fail "a ${#d}-byte description in the manifest"
echo "$d" | grep -q '(65535 bytes)' || fail "description: $d"
run 0 rename "$ks" --alias "$A64K" --to b64 --storepass-env SP
run 0 rename "$ks" --alias b64 --to "$A64K" --storepass-env SP
run 0 delete "$ks" --alias "$A64K" --storepass-env SP
run 0 delete "$ks" --alias "$A5K" --storepass-env SP
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/k.pem" -out "$T/c.pem" -subj /CN=ca -days 2 2>/dev/null ||
    fail "openssl req"
run 0 import-cert "$ks" --alias "$A64K" "$T/c.pem" --storepass-env SP

# Errors name a long alias in a short line.
run 1 delete "$ks" --alias "$(long 70000 s)" --storepass-env SP
one_line
short_err
has_err "(70000 bytes)"
run 1 rename "$ks" --alias a --to "$A64K" --storepass-env SP
one_line
short_err
run 1 genkey "$ks" --alias "$(long 65536 t)" --dname CN=t --keyalg ec \
    --storepass-env SP
one_line
short_err
finish
