#!/bin/sh
# Each form checks as you type and writes nothing until its plan is
# confirmed: bad SAN, key size, alias clash and wrong password on the key
# pair form; port and password on the settings form; an alias clash on
# the import and trust forms; an existing output file on export.  Every
# file of the tree is byte for byte the same afterwards, and no backup was
# made.  Also: the hardware cursor sits in the focused field, and a
# finding's Enter opens the form that fixes it.
. "${TOP_SRCDIR:-.}/tests/tui/lib.sh"
command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl"; exit 77; }

D=$TT_DIR/demo
"$TLSDECK" demo "$D" --no-open >/dev/null || exit 99
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TT_DIR/p.key" -subj "/CN=Partner CA" -days 30 \
    -out "$TT_DIR/partner.pem" >/dev/null 2>&1 || exit 99
touch "$D/conf/ssl/exists.pem"
sums() { find "$D" -type f | sort | xargs sha256sum; }
before=$(sums)

TT_ENV="TLSDECK_BACKUP_DIR=$TT_DIR/bk"
tt_start 80 24 --properties "$D/conf/application.properties"
tt_wait_for '★ integration-manager'

# ---- New key pair (F8, 1)
tt_keys F8
tt_wait_for 'One step at a time'
tt_keys 1
tt_wait_for 'New key pair'
# the configured keystore, its password from application.properties
tt_wait_for 'PKCS12 keystore, 4 entries'
tt_wait_for 'opens the keystore \(from application.properties\)'
tt_keys Tab C-u
tt_wait_for "the keystore's password is needed"
tt_type 'not-the-password'
tt_wait_for 'Keystore password  *(•){16}( |$)'
tt_wait_for 'wrong password'
# the cursor is on the password field, after the mask
y=$(tt_cursor | cut -d, -f2)
tt_row "$y" | grep -q 'Keystore password  *••••••••••••••••' ||
    tt_fail "cursor not on the password row ($(tt_cursor))"
tt_keys C-u
tt_type 'tlsdeck-demo'
tt_wait_for 'opens the keystore'
tt_wait_gone 'wrong password'
# alias clash
tt_keys Tab Tab
tt_wait_for 'alias "integration-manager" exists'
tt_keys C-u
tt_type 'old-server'
tt_wait_for 'alias "old-server" exists'
tt_keys C-u
tt_type 'brand-new'
tt_wait_gone 'alias "old-server" exists'
# bad SAN (8 items below the alias)
tt_keys Tab Tab Tab Tab Tab Tab Tab Tab C-u
tt_type 'dns:bad_host.example'
tt_wait_for 'SAN "dns:bad_host.example"'
tt_keys C-u
tt_type 'dns:good.example,ip:10.0.0.7'
tt_wait_gone 'SAN "dns:bad_host'
# key size
tt_keys Tab Tab C-u
tt_type '1024'
tt_wait_for 'RSA key size 1024 is too small'
# going on is refused, nothing written
tt_keys F2
tt_wait_for '1 field needs attention: nothing was written'
tt_keys Escape
tt_wait_for '★ integration-manager'

# ---- SSL settings (F5)
tt_keys F5
tt_wait_for 'SSL settings'
tt_wait_for '1 duplicate line of these keys'
tt_keys C-u
tt_type '99999'
tt_wait_for 'a port number, 1 to 65535'
# the password from the file shows as a fixed-width mask, not its length
# (12 characters), and typing replaces it rather than appending to it
tt_wait_for 'key-store-password  +(•){8} '
tt_keys Tab Tab Tab Tab
tt_type 'nope-nope'
tt_wait_for 'key-store-password  +(•){9} '
tt_wait_for 'wrong password'
tt_keys F2
tt_wait_for '2 fields need attention: nothing was written'
tt_keys Escape
tt_wait_for '★ integration-manager'

# ---- Import trusted certificates (F8, 4): alias clash
tt_keys F8
tt_wait_for 'One step at a time'
tt_keys 4
tt_wait_for 'Import trusted certificates'
tt_keys Tab Tab Tab
tt_type "$TT_DIR/partner.pem"
tt_wait_for '1 certificate in 1 file'
tt_keys Tab
tt_type 'old-server'
tt_wait_for 'alias "old-server" exists'
tt_keys C-u
tt_wait_for 'empty: from each certificate.s CN \("partner-ca"'
tt_keys Escape
tt_wait_for '★ integration-manager'

# ---- Export (F6): the output file exists
tt_keys F6
tt_wait_for 'Export certificate'
tt_keys Tab Tab Tab Tab Tab C-u
tt_type "$D/conf/ssl/exists.pem"
tt_wait_for 'exists: choose another name or set Overwrite'
tt_keys Escape
tt_wait_for '★ integration-manager'

# ---- Trust (F7): an alias cacerts already has
tt_keys F7
tt_wait_for 'Trust in cacerts'
tt_keys Tab Tab Tab Tab Tab Tab
tt_type 'tlsdeck-demo-root'
tt_wait_for 'cacerts already has an entry "tlsdeck-demo-root"'
tt_keys Escape
tt_wait_for '★ integration-manager'

# ---- a finding's Enter opens the form that fixes it
tt_keys f
tt_wait_for 'Findings'
tt_keys Enter
tt_wait_for 'fixing: server.port is set 2 times'
tt_screen | grep -q '^┌ SSL settings' || tt_fail "not the settings form"
tt_keys Escape
tt_wait_for 'Findings'
tt_keys Escape q
[ "$(tt_wait_exit)" = 0 ] || tt_fail "bad exit"

# nothing was written, nothing backed up
after=$(sums)
[ "$before" = "$after" ] || tt_fail "files changed: $(echo "$after" |
    diff - /dev/stdin <<EOF
$before
EOF
)"
[ ! -e "$TT_DIR/bk/manifest.yaml" ] || tt_fail "a backup was made"
exit 0
