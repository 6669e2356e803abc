#!/bin/sh
# SPDX-License-Identifier: ISC
# secrets.sh -- passwords stay secret:
#  - tlsdeck runs no other program, so no password can reach a child's
#    argv: every command runs with PATH holding only logging wrappers, and
#    under strace (when it works) every execve is counted;
#  - a password given with --storepass prints the ps warning and is wiped
#    from /proc/PID/cmdline while tlsdeck waits at a prompt (tmux);
#  - no password in any output (text, JSON, Prometheus, diffs, errors),
#    in the backup manifest, or in any file under HOME;
#  - on screen (tmux): the dashboard, a setting's detail and the settings
#    form show the password masked, never in clear, and typed pass
#    phrases are not echoed;
#  - new keystores and every backup are mode 0600, the backup directory
#    0700 (with umask 022); a rewritten file keeps its mode.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
command -v openssl >/dev/null || skip "openssl missing"

umask 022
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME XDG_STATE_HOME JAVA_HOME NO_COLOR
HOME=$T/home
TLSDECK_BACKUP_DIR=$T/backups
export HOME TLSDECK_BACKUP_DIR
mkdir -p "$HOME"

# The secrets: distinctive, so a grep cannot miss them.
S_STORE=Sx1-store-9f2a7c	# the server keystore (after passwd)
S_NEW=Sx2-newks-4b7c11		# new keystores
S_KEYPH=Sx3-keyph-77d1e0	# pass phrase of an encrypted PEM key
S_ARGV=Sx4-argv-5e3b90		# given on the command line
S_CACERTS=Sx5-cacrt-c0ffee	# the JRE's cacerts (after passwd)
S_JKSKEY=Sx6-jkskey-a1b2c3	# a JKS key's own password
S_WRONG=Sx7-wrong-d4e5f6	# a wrong password (errors must not echo it)
S_NEXT=Sx8-next-123abc		# a later store password
DEMO_PASS=tlsdeck-demo		# the demo tree's password before passwd
CHANGEIT=changeit
export S_STORE S_NEW S_KEYPH S_ARGV S_CACERTS S_JKSKEY S_WRONG S_NEXT \
    DEMO_PASS CHANGEIT
SECRETS="$S_STORE $S_NEW $S_KEYPH $S_ARGV $S_CACERTS $S_JKSKEY $S_WRONG $S_NEXT"

# ---- a PATH of wrappers that log any program started through it
W=$T/wrap
mkdir -p "$W" "$T/out"
EXEC_LOG=$T/exec.log
export EXEC_LOG
: >"$EXEC_LOG"
REAL_PATH=$PATH
export REAL_PATH
cat >"$T/wrapper" <<'EOF'
#!/bin/sh
printf '%s' "${0##*/}" >>"$EXEC_LOG"
for a in "$@"; do printf ' [%s]' "$a" >>"$EXEC_LOG"; done
echo >>"$EXEC_LOG"
n=${0##*/}
IFS=:
for d in $REAL_PATH; do
	[ -x "$d/$n" ] && exec "$d/$n" "$@"
done
exit 127
EOF
chmod 755 "$T/wrapper"
if command -v python3 >/dev/null; then
	python3 - "$W" "$T/wrapper" <<'EOF' || fail "wrappers"
import os, sys
w, target = sys.argv[1], sys.argv[2]
for d in os.environ["REAL_PATH"].split(":"):
    try:
        names = os.listdir(d)
    except OSError:
        continue
    for n in names:
        p = os.path.join(w, n)
        if not os.path.lexists(p) and os.access(os.path.join(d, n), os.X_OK):
            os.symlink(target, p)
EOF
else
	for n in sh bash dash java keytool openssl cat ls ps id ss netstat \
	    lsof systemctl service update-ca-certificates sudo su env awk \
	    sed grep find readlink stat cp mv rm chmod chown mktemp tar \
	    gzip less more pager vi nano editor xdg-open man curl wget \
	    uname hostname getent ldconfig; do
		ln -s "$T/wrapper" "$W/$n"
	done
fi
NWRAP=$(ls "$W" | wc -l)

STRACE=
if command -v strace >/dev/null &&
    strace -f -qq -e trace=execve -o /dev/null true 2>/dev/null; then
	STRACE=1
fi

# td NAME ARGS...: tlsdeck ARGS with the wrapper PATH (and under strace),
# stdin not a terminal; output in $T/out/NAME.{out,err,rc}.
td() {
	_n=$1
	shift
	if [ -n "$STRACE" ]; then
		# (LeakSanitizer cannot run under ptrace: leaks are the
		# ASan pass's other tests' business)
		strace -f -qq -e trace=execve,execveat -E "PATH=$W" \
		    -E "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		    -o "$T/out/$_n.strace" "$TLSDECK" "$@" \
		    >"$T/out/$_n.out" 2>"$T/out/$_n.err" </dev/null
	else
		PATH=$W "$TLSDECK" "$@" >"$T/out/$_n.out" 2>"$T/out/$_n.err" \
		    </dev/null
	fi
	echo $? >"$T/out/$_n.rc"
}
# ok NAME: the run succeeded.
ok() {
	[ "$(cat "$T/out/$1.rc")" = 0 ] ||
	    fail "$1: exit $(cat "$T/out/$1.rc"): $(cat "$T/out/$1.err")"
}
mode() { stat -c %a "$1"; }

# ---- a server tree with known passwords
td demo demo "$T/tree" --no-open
ok demo
P=$T/tree/conf/application.properties
K=$T/tree/conf/ssl/keystore.p12
C=$T/tree/jre/lib/security/cacerts
[ -f "$P" ] && [ -f "$K" ] && [ -f "$C" ] || fail "demo tree incomplete"
td passwd-store passwd "$K" --storepass-env DEMO_PASS --new-storepass-env S_STORE
ok passwd-store
td configure-pass configure --properties "$P" --no-live \
    --set-env server.ssl.key-store-password=S_STORE
ok configure-pass
grep -q "key-store-password=$S_STORE" "$P" || fail "password not written to $P"
td passwd-cacerts passwd "$C" --storepass-env CHANGEIT --new-storepass-env S_CACERTS
ok passwd-cacerts

# an encrypted PEM key and its certificate (openssl reads the pass phrase
# from its environment, not argv)
openssl req -x509 -newkey rsa:2048 -keyout "$T/enc.pem" -passout env:S_KEYPH \
    -out "$T/cert.pem" -subj /CN=secrets.example -days 30 2>/dev/null ||
    fail "openssl req"
printf '%s\n' "$S_NEW" >"$T/newpw"
chmod 600 "$T/newpw"

# ---- every command, passwords from the environment or files
td list list "$K" --storepass-env S_STORE
ok list
td list-json list "$K" --storepass-file /dev/stdin --format json
td list-json2 list "$K" --storepass-env S_STORE --format json
ok list-json2
td list-wrong list "$K" --storepass-env S_WRONG
td show show "$K" integration-manager --storepass-env S_STORE \
    --keypass-env S_STORE
ok show
td show-json show "$K" integration-manager --storepass-env S_STORE \
    --keypass-env S_WRONG --format json
td show-pem show "$K" integration-manager --storepass-env S_STORE --format pem
ok show-pem
td genkey genkey "$T/new.p12" --alias fresh --dname CN=fresh.example \
    --storepass-file "$T/newpw" --format json
ok genkey
td genkey-jks genkey "$T/new.jks" --storetype jks --alias jkey \
    --dname CN=jks.example --storepass-env S_NEW --keypass-env S_JKSKEY
ok genkey-jks
td csr csr "$K" --alias integration-manager --storepass-env S_STORE
ok csr
td export export "$K" --alias integration-manager --chain -o "$T/chain.pem" \
    --storepass-env S_STORE
ok export
td import-pem import-pem "$T/imp.p12" --alias imported --key "$T/enc.pem" \
    --key-passphrase-env S_KEYPH --cert "$T/cert.pem" --storepass-env S_NEW \
    --format json
ok import-pem
td import-pem-wrong import-pem "$T/imp2.p12" --alias imported \
    --key "$T/enc.pem" --key-passphrase-env S_WRONG --cert "$T/cert.pem" \
    --storepass-env S_NEW
td import-cert import-cert "$T/trust.p12" "$T/cert.pem" --storepass-env S_NEW
ok import-cert
td import-reply import-reply "$K" --alias integration-manager \
    "$T/chain.pem" --storepass-env S_STORE --dry-run --format json
td status status --properties "$P" --no-live
ok status
td status-json status --properties "$P" --no-live --format json
ok status-json
td audit audit --properties "$P" --no-live
td audit-json audit --properties "$P" --no-live --format json
td audit-prom audit --properties "$P" --no-live --format prometheus
td probe-json probe --properties "$P" --format json --timeout 2000 127.0.0.1:1
grep -q '"keystore"' "$T/out/probe-json.out" || fail "no probe JSON"
td configure-dry configure --properties "$P" --no-live --dry-run \
    --set-env server.ssl.key-store-password=S_NEXT
ok configure-dry
td trust trust --cacerts "$C" --cacerts-pass-env S_CACERTS "$T/cert.pem" \
    --format json
ok trust
td trust-wrong trust --cacerts "$C" --cacerts-pass-env S_WRONG \
    "$T/cert.pem" --dry-run
td rename rename "$T/new.p12" --alias fresh --to renamed --storepass-env S_NEW
ok rename
td delete delete "$T/new.p12" --alias renamed --storepass-env S_NEW --dry-run
ok delete
td passwd-jks passwd "$T/new.jks" --storepass-env S_NEW --new-storepass-env S_NEXT
ok passwd-jks
td history history --format json
ok history
td history-text history
ok history
td restore restore 1 --dry-run
ok restore
[ -s "$T/out/audit-prom.out" ] || fail "no Prometheus output"
grep -q '"findings"' "$T/out/audit-json.out" || fail "no audit JSON"

# --storepass on the command line: works, with the ps warning
td argv list "$K" --storepass "$S_STORE"
ok argv
grep -q 'visible to other users in ps' "$T/out/argv.err" ||
    fail "--storepass without the ps warning: $(cat "$T/out/argv.err")"
td argv-key show "$T/new.jks" jkey --storepass "$S_NEXT" --keypass "$S_JKSKEY"
ok argv-key
[ "$(grep -c 'visible to other users in ps' "$T/out/argv-key.err")" = 2 ] ||
    fail "--keypass without the ps warning: $(cat "$T/out/argv-key.err")"

# ---- no other program ran
if [ -s "$EXEC_LOG" ]; then
	cat "$EXEC_LOG"
	fail "tlsdeck started programs (above) through PATH"
fi
nruns=$(ls "$T/out"/*.rc | wc -l)
if [ -n "$STRACE" ]; then
	for f in "$T/out"/*.strace; do
		n=$(grep -c 'execve' "$f")
		[ "$n" = 1 ] || { cat "$f"; fail "${f##*/}: $n execve calls"; }
	done
	echo "$nruns runs: $NWRAP wrapped names never called; strace: one execve each"
else
	echo "$nruns runs: $NWRAP wrapped names never called (strace not usable)"
fi

# ---- no secret in any output, the manifest, or HOME
leak() {	# leak WHERE FILES...: fail when a secret is in FILES
	_w=$1
	shift
	for s in $SECRETS; do
		if grep -alF -- "$s" "$@" >"$T/leak" 2>/dev/null; then
			fail "$_w: secret $s in $(cat "$T/leak" | tr '\n' ' ')"
		fi
	done
}
leak "output" "$T"/out/*.out "$T"/out/*.err
leak "backup manifest" "$TLSDECK_BACKUP_DIR/manifest.yaml"
find "$HOME" -type f >"$T/homefiles"
[ -s "$T/homefiles" ] && leak "files under HOME" $(cat "$T/homefiles")
# Backups of keystores hold no password in clear; a backup of the
# properties holds what the file held then (the demo or the store password).
for b in "$TLSDECK_BACKUP_DIR"/*; do
	case $b in
	*/manifest.yaml) continue ;;
	*-application.properties)
		for s in $S_NEW $S_KEYPH $S_ARGV $S_CACERTS $S_JKSKEY $S_WRONG \
		    $S_NEXT; do
			grep -aqF -- "$s" "$b" && fail "backup $b holds $s"
		done
		;;
	*)
		# (not DEMO_PASS: "tlsdeck-demo" is also in the demo's aliases)
		for s in $SECRETS; do
			grep -aqF -- "$s" "$b" && fail "backup $b holds $s in clear"
		done
		;;
	esac
done
# the diff of configure was masked, and so are JSON settings
grep -q 'key-store-password=\*' "$T/out/configure-dry.out" ||
    fail "configure's diff does not show the masked password"

# ---- modes: new keystores 0600, backups 0600 in a 0700 directory
for f in "$T/new.p12" "$T/new.jks" "$T/imp.p12" "$T/trust.p12" "$K"; do
	[ "$(mode "$f")" = 600 ] || fail "$f: mode $(mode "$f"), expected 600"
done
[ "$(mode "$TLSDECK_BACKUP_DIR")" = 700 ] ||
    fail "backup directory mode $(mode "$TLSDECK_BACKUP_DIR")"
nb=0
for b in "$TLSDECK_BACKUP_DIR"/*; do
	nb=$((nb + 1))
	[ "$(mode "$b")" = 600 ] || fail "$b: mode $(mode "$b"), expected 600"
done
[ $nb -ge 6 ] || fail "only $nb backup files"
[ "$(mode "$P")" = 640 ] || fail "$P: mode $(mode "$P") (the demo's 640 kept?)"
# a rewritten keystore keeps a mode that was not 0600 (as keytool does)
chmod 640 "$T/trust.p12"
td import-again import-cert "$T/trust.p12" "$T/chain.pem" --alias chain \
    --storepass-env S_NEW
ok import-again
[ "$(mode "$T/trust.p12")" = 640 ] || fail "rewrite changed the mode to $(mode "$T/trust.p12")"

# ---- on a terminal (tmux): /proc/PID/cmdline, prompts, the dashboard
if ! command -v tmux >/dev/null; then
	echo "tmux missing: screen and cmdline checks skipped"
	exit 0
fi
TM="tmux -S $T/tmux -f /dev/null"
screen() { $TM capture-pane -p -t s:0.0; }
wait_for() {	# wait_for ERE: up to 15 s
	_i=0
	until screen | grep -Eq -- "$1"; do
		_i=$((_i + 1))
		[ $_i -gt 750 ] && { screen; fail "timed out waiting for /$1/"; }
		sleep 0.02
	done
}
start() {	# start ARGS...: exec tlsdeck ARGS in a 120x40 pane
	_q=
	for _a in "$@"; do
		_q="$_q '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
	done
	$TM start-server \; set-option -g remain-on-exit on \; \
	    new-session -d -s s -x 120 -y 40 "exec env PATH='$W' \
	    TERM=tmux-256color LC_ALL=C.UTF-8 '$TLSDECK' $_q" || fail "tmux"
	PANE_PID=$($TM display -p -t s:0.0 '#{pane_pid}')
}
no_secret_on_screen() {
	screen >"$T/screen"
	for s in $SECRETS; do
		grep -qF -- "$s" "$T/screen" && { cat "$T/screen";
		    fail "$1: $s on screen"; }
	done
	:
}

# A prompt waiting for a key's pass phrase; the store password came on
# argv: it must be gone from /proc/PID/cmdline.
start import-pem "$T/tty.p12" --alias tty --key "$T/enc.pem" \
    --cert "$T/cert.pem" --storepass "$S_ARGV"
wait_for 'pass phrase'
screen | grep -q 'visible to other users in ps' || fail "no ps warning on tty"
tr '\0' ' ' <"/proc/$PANE_PID/cmdline" >"$T/cmdline"
grep -q 'import-pem' "$T/cmdline" || fail "not tlsdeck's cmdline: $(cat "$T/cmdline")"
grep -qF -- "$S_ARGV" "$T/cmdline" &&
    fail "--storepass still in /proc/PID/cmdline: $(cat "$T/cmdline")"
$TM send-keys -t s:0.0 -l "$S_KEYPH"
$TM send-keys -t s:0.0 Enter
wait_for 'key entry "tty"'
no_secret_on_screen "import-pem prompt"
[ "$(mode "$T/tty.p12")" = 600 ] || fail "tty.p12 mode $(mode "$T/tty.p12")"
$TM kill-server 2>/dev/null

# The dashboard on the tree: masked, never in clear.
start --properties "$P" --no-color
wait_for 'key-store-password'
screen | grep -q 'key-store-password *••••••' ||
    { screen; fail "the password is not shown masked"; }
no_secret_on_screen "dashboard"
tr '\0' ' ' <"/proc/$PANE_PID/cmdline" | grep -qF -- "$S_STORE" &&
    fail "password in the dashboard's cmdline"
# the settings panel, its password row, Enter: the detail
$TM send-keys -t s:0.0 Tab
sleep 0.2
$TM send-keys -t s:0.0 Down Down Down Enter
wait_for 'value: '
screen | grep -q 'value: ••••••' || { screen; fail "detail not masked"; }
no_secret_on_screen "setting detail"
$TM send-keys -t s:0.0 Escape
sleep 0.2
# the settings form (F5)
$TM send-keys -t s:0.0 F5
wait_for 'server.ssl.key-store-password +•'
no_secret_on_screen "settings form"
$TM send-keys -t s:0.0 Escape
sleep 0.2
$TM send-keys -t s:0.0 q
$TM kill-server 2>/dev/null
echo "ok: no password in argv, output, manifest, HOME or on screen; modes 0600/0700"
exit 0
