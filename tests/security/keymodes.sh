#!/bin/sh
# SPDX-License-Identifier: ISC
# keymodes.sh -- a private key never lands in a file others can read
# (docs/security.md, "Private keys").  Every write that adds or keeps a
# key (genkey, import-pem, rename, delete of another entry, passwd) leaves
# no bits for others, keeps group read for a server's own group but not
# for a general group ("users"), and says so in a note; a truststore
# without keys keeps its mode.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/security/seclib.sh"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
SP=changeit
export TLSDECK_BACKUP_DIR SP
ks=$T/ks.p12
mode() { stat -c %a "$1"; }
gk() { run 0 genkey "$ks" --alias "$1" --dname "CN=$1" --keyalg ec \
    --storepass-env SP; }

# A new keystore: 0600 whatever the umask.
umask 0
gk one
[ "$(mode "$ks")" = 600 ] || fail "new keystore mode $(mode "$ks")"
umask 022

# 0644 (someone's mistake): the next key write takes others' bits away.
chmod 644 "$ks"
gk two
[ "$(mode "$ks")" = 640 ] || fail "genkey kept mode $(mode "$ks")"
has_err "mode 0644 -> 0640: it holds a private key"

# 0666: rename (keeps both keys) strips others, keeps the group's.
chmod 666 "$ks"
run 0 rename "$ks" --alias two --to deux --storepass-env SP
[ "$(mode "$ks")" = 660 ] || fail "rename kept mode $(mode "$ks")"
has_err "mode 0666 -> 0660"

# import-pem into a 0604 store.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/k.pem" -out "$T/c.pem" -subj /CN=pem -days 2 2>/dev/null ||
    fail "openssl req"
chmod 604 "$ks"
run 0 import-pem "$ks" --alias pem --cert "$T/c.pem" --key "$T/k.pem" \
    --storepass-env SP
[ "$(mode "$ks")" = 600 ] || fail "import-pem kept mode $(mode "$ks")"

# delete of one entry keeps the other keys: still private.
chmod 644 "$ks"
run 0 delete "$ks" --alias pem --storepass-env SP
[ "$(mode "$ks")" = 640 ] || fail "delete kept mode $(mode "$ks")"

# A general group ("users", gid 100) loses read too (root: chgrp).
if [ "$(id -u)" = 0 ] && getent group 100 >/dev/null; then
	chgrp 100 "$ks"
	chmod 640 "$ks"
	gk three
	[ "$(mode "$ks")" = 600 ] || fail "group users kept $(mode "$ks")"
	has_err "the group and others may not read it"
	[ "$(stat -c %g "$ks")" = 100 ] || fail "group changed"
fi

# A truststore (no key) keeps 0644: certificates are public.
ts=$T/trust.p12
run 0 import-cert "$ts" --alias ca "$T/c.pem" --storepass-env SP
chmod 644 "$ts"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/k2.pem" -out "$T/c2.pem" -subj /CN=ca2 -days 2 2>/dev/null
run 0 import-cert "$ts" --alias ca2 "$T/c2.pem" --storepass-env SP
[ "$(mode "$ts")" = 644 ] || fail "truststore mode $(mode "$ts")"
finish
