#!/bin/sh
# SPDX-License-Identifier: ISC
# symlinks.sh -- root never writes where another user points it
# (docs/security.md, "The ownership rule").  As root, with a second user
# who owns the service's directory and plants links in it:
#  - configure through a planted link to a root file (standing in for
#    /etc/passwd) is refused with one line naming the link, its owner and
#    its target, and the target is unchanged;
#  - the same through a planted directory link, and through a root-owned
#    link the other user could have moved into their directory;
#  - restore refuses to write back through a link planted after the backup;
#  - --storepass-file does not read root's password file through a link;
#  - what is legitimate still works: the user's own link to their own
#    file (which stays theirs, and the note says so), and a new file root
#    creates in their directory belongs to them.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/security/seclib.sh"
need_root
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME
TLSDECK_BACKUP_DIR=$T/backups
SP=changeit
export TLSDECK_BACKUP_DIR SP

app=$T/app
mkdir "$app"
chown "$OTHER_UID:$OTHER_GID" "$app"
victim=$T/victim
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$victim"
chmod 644 "$victim"
vsum=$(sha256sum "$victim")
unchanged() { [ "$(sha256sum "$victim")" = "$vsum" ] ||
    fail "$1: root's file was written through the link"; }

# 1. A planted link as the properties file itself.
as_other ln -s "$victim" "$app/application.properties" || fail "ln"
run 1 configure --properties "$app/application.properties" \
    --set server.port=8443
one_line
has_err "not following symbolic link $app/application.properties"
has_err "owned by $OTHER (uid $OTHER_UID)"
has_err "to $victim, owned by root"
unchanged "planted file link"

# 2. A planted directory link on the way.
mkdir "$T/rootconf"
printf 'server.port=1\n' >"$T/rootconf/application.properties"
rsum=$(sha256sum "$T/rootconf/application.properties")
as_other ln -s "$T/rootconf" "$app/conf" || fail "ln dir"
run 1 configure --properties "$app/conf/application.properties" \
    --set server.port=8443
one_line
has_err "not following symbolic link $app/conf"
[ "$(sha256sum "$T/rootconf/application.properties")" = "$rsum" ] ||
    fail "written through the planted directory link"

# 3. A root-owned link in a directory the other user can write: they could
#    have moved it there, so it is not followed to a root file either.
ln -s "$victim" "$app/rootlink.properties"
run 1 configure --properties "$app/rootlink.properties" --set a=b
one_line
has_err "directory $app can be written by its owner, $OTHER"
unchanged "root's link in their directory"

# 4. restore writes back to the recorded path under the same rule.
as_other sh -c "printf 'a=1\n' >'$app/real.properties'" || fail "as other"
run 0 configure --properties "$app/real.properties" --set a=2
printf '%s\n' "$err" | grep -q "belongs to $OTHER" ||
    fail "no note that the file stays the other user's: $err"
[ "$(stat -c %U "$app/real.properties")" = "$OTHER" ] ||
    fail "the file changed owner"
id=$("$TLSDECK" history --format json | jq '.backups[-1].id')
[ -n "$id" ] && [ "$id" != null ] || fail "no backup to restore"
as_other sh -c "rm '$app/real.properties' &&
    ln -s '$victim' '$app/real.properties'" || fail "replant"
run 1 restore "$id"
one_line
has_err "not following symbolic link $app/real.properties"
unchanged "restore"

# 5. --storepass-file: root's password file through their link.
"$TLSDECK" genkey "$T/ks.p12" --alias k --dname CN=k --keyalg ec \
    --storepass-env SP >/dev/null 2>&1 || fail "genkey"
printf '%s\n' "$SP" >"$T/rootpass"
chmod 600 "$T/rootpass"
as_other ln -s "$T/rootpass" "$app/pass" || fail "ln pass"
run 1 list "$T/ks.p12" --storepass-file "$app/pass"
one_line
has_err "not following symbolic link $app/pass"

# 6. Legitimate: their own link to their own file, in their directory.
as_other sh -c "printf 'b=1\n' >'$app/own.properties' &&
    ln -s own.properties '$app/link.properties'" || fail "own link"
run 0 configure --properties "$app/link.properties" --set b=2
[ -L "$app/link.properties" ] || fail "the link was replaced"
grep -qx 'b=2' "$app/own.properties" || fail "own file not written"
[ "$(stat -c %U "$app/own.properties")" = "$OTHER" ] ||
    fail "their file changed owner"
# ...and root's own link in root's directory to root's file.
mkdir "$T/etc"
printf 'c=1\n' >"$T/etc/app.properties"
ln -s etc/app.properties "$T/link.properties"
run 0 configure --properties "$T/link.properties" --set c=2
grep -qx 'c=2' "$T/etc/app.properties" || fail "root's link not followed"

# 7. A new file root writes in their directory is theirs.
run 0 export "$T/ks.p12" --alias k -o "$app/k.pem" --storepass-env SP
[ "$(stat -c %U "$app/k.pem")" = "$OTHER" ] ||
    fail "new file in their directory not theirs: $(stat -c %U "$app/k.pem")"
finish
