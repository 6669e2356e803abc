#!/bin/sh
# SPDX-License-Identifier: ISC
# catalogue.sh -- the bad-input catalogue: malformed and hostile
# inputs for every command.  Each case must end with the expected exit
# code (1 failure, 2 usage; audit: 2 CRITICAL, 3 UNKNOWN for a usage
# error; the dashboard: 0 with the message on screen for a broken theme
# or properties file, as tlsdeck.1 says), exactly one message line
# on stderr that starts with "tlsdeck:" (or "tlsdeck CMD:") and names the
# file or option and the problem, no signal and no hang, and every file
# byte-identical afterwards (no backup, no temporary file left).
#
# One line per case:
#	c NAME EXIT REGEX [+FLAG...] ARGS...	(runs tlsdeck ARGS)
# REGEX (grep -E) must match the message line.  Flags:
#	+stdout		the message is on stdout (audit findings); stderr empty
#	+note		one extra "tlsdeck: note:" or "tlsdeck: warning:" line
#			is allowed (documented in tlsdeck.1)
#	+nobody		run as the user nobody (skipped when impossible)
#	+env VAR=VALUE	extra environment
#	+tty		run on a terminal (tmux); stderr still to a file
#	+screen		(with +tty) REGEX is for the screen; then q quits
# Fixtures: tests/badinput/fixtures (made by gen-fixtures.sh); special files
# (FIFO, loops, sparse file, odd names) are made here.  VALGRIND=1 runs
# every case under valgrind too (exit 99 on an error); ONLY=ERE runs the
# cases whose names match.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
FIXTURES=$TOP_SRCDIR/tests/badinput/fixtures
[ -f "$FIXTURES/good.p12" ] || fail "no fixtures in $FIXTURES"
command -v sha256sum >/dev/null || skip "sha256sum missing"

unset TLSDECK_PROPERTIES XDG_CONFIG_HOME XDG_STATE_HOME JAVA_HOME \
    TLSDECK_THEMES_DIR NO_COLOR
HOME=$T/home
TLSDECK_BACKUP_DIR=$T/backups
SP=storepass
WRONG=not-the-password
export HOME TLSDECK_BACKUP_DIR SP WRONG
mkdir -p "$HOME"

# The files: F (fixtures, hashed), X (special files, compared by stat).
F=$T/f
X=$T/x
cp -R "$FIXTURES" "$F"
chmod -R u+w "$F"
mkdir -p "$X/adir" "$X/application.properties" "$X/pwdir"
ln -s loop2 "$X/loop1"
ln -s loop1 "$X/loop2"
ln -s adir "$X/dirlink.p12"
mkfifo "$X/fifo" 2>/dev/null || fail "mkfifo"
truncate -s 300M "$X/sparse.p12" 2>/dev/null ||
    dd if=/dev/zero of="$X/sparse.p12" bs=1 count=0 seek=300M 2>/dev/null
printf 'storepass\n' >"$F/pw"
: >"$F/pw-empty"
cp "$F/jks-trunc-half.jks" "$X/café-ключ.jks"
CTLNAME=$(printf 'ctl\033[31m\007.jks')
cp "$F/jks-trunc-half.jks" "$X/$CTLNAME"
BADUTF8=$(printf 'bad\377\376.p12')
cp "$F/p12-trunc.p12" "$X/$BADUTF8"
CTLALIAS=$(printf 'ser\033[2Jver')
# C1 controls (U+009B is CSI), a raw 0x9B byte, a bidirectional override
C1NAME=$(printf 'c1\302\23331m.jks')
cp "$F/jks-trunc-half.jks" "$X/$C1NAME"
RAWCSI=$(printf 'csi\233[2J.jks')
cp "$F/jks-trunc-half.jks" "$X/$RAWCSI"
BIDINAME=$(printf 'bidi\342\200\256kcaj.jks')
cp "$F/jks-trunc-half.jks" "$X/$BIDINAME"
C1ALIAS=$(printf 'ser\302\2332Jver')
# a properties file above the 16 MiB limit (sparse: NUL bytes)
truncate -s 17M "$X/huge.properties" 2>/dev/null ||
    dd if=/dev/zero of="$X/huge.properties" bs=1 count=0 seek=17M \
    2>/dev/null
BELALIAS=$(printf 'new\007alias')
cp "$F/good.p12" "$X/unreadable.p12"
chmod 000 "$X/unreadable.p12"
# a keystore with its password, and the key and properties for the dashboard
printf 'server.port=8443\nserver.ssl.key-store=%s\nserver.ssl.key-store-password=storepass\nserver.ssl.key-alias=server\n' \
    "$F/good.p12" >"$F/app.properties"
printf 'server.port=8443\nserver.ssl.key-store=%s\nserver.ssl.key-store-password=storepass\nserver.ssl.key-alias=ser\\u0007ver\n' \
    "$F/good.p12" >"$F/ctl-alias.properties"
# nobody must reach X (mktemp -d is 0700)
chmod 755 "$T" "$X"

# Can we drop to nobody?
AS_NOBODY=
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null &&
	    setpriv --reuid=nobody --regid=nogroup --clear-groups true \
	    2>/dev/null; then
		AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	elif setpriv --reuid=nobody --regid=nobody --clear-groups true \
	    2>/dev/null; then
		AS_NOBODY="setpriv --reuid=nobody --regid=nobody --clear-groups"
	fi
else
	AS_NOBODY=exec		# not root: chmod 000 is already unreadable
fi

HAVE_TMUX=
command -v tmux >/dev/null && HAVE_TMUX=1
USE_VG=
if [ "${VALGRIND:-0}" = 1 ] && command -v valgrind >/dev/null; then
	USE_VG=1
fi

# What the files are: every name with its type, size, mode, inode, mtime
# (not of directories) and link target -- cheap enough for every case --
# and the SHA-256 of each file the case names.  The backup directory must
# not appear.  The whole fixture tree is also hashed at the start and end.
snap() {
	find "$T/f" "$T/x" "$T/home" "$T/backups" \( -type d \
	    -printf '%p d %m\n' \) -o -printf '%p %y %s %m %i %T@ %l\n' \
	    2>/dev/null
	# keep the arguments that name files under $T (also after VAR=)
	_n=$#
	while [ "$_n" -gt 0 ]; do
		_a=${1#*=}
		shift
		_n=$((_n - 1))
		case $_a in
		"$T"/*) [ -f "$_a" ] && set -- "$@" "$_a" ;;
		esac
	done
	[ $# -gt 0 ] && find "$@" -maxdepth 0 -type f -size -1024k \
	    -exec sha256sum {} +
	:
}
hash_all() {
	(cd "$T/f" && find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

# Quote words for the shell tmux runs.
q() {
	for _a in "$@"; do
		printf " '%s'" "$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")"
	done
}

hash_all >"$T/all-before"
NCASES=0
NFAIL=0
FAILED=
NSKIP=

c() {
	name=$1 want=$2 re=$3
	shift 3
	mode=stderr note= nobody= envs= tty=
	while :; do
		case ${1:-} in
		+stdout) mode=stdout; shift ;;
		+note) note=1; shift ;;
		+nobody) nobody=1; shift ;;
		+env) envs="$envs $2"; shift 2 ;;
		+tty) tty=1; shift ;;
		+screen) mode=screen; shift ;;
		*) break ;;
		esac
	done
	if [ -n "${ONLY:-}" ] && ! printf '%s' "$name" | grep -Eq -- "$ONLY"
	then
		return
	fi
	NCASES=$((NCASES + 1))
	if [ -n "$nobody" ] && [ -z "$AS_NOBODY" ]; then
		echo "skip $name: cannot run as an unprivileged user"
		NSKIP="$NSKIP $name"
		return
	fi
	if [ -n "$tty" ] && [ -z "$HAVE_TMUX" ]; then
		echo "skip $name: tmux is not installed"
		NSKIP="$NSKIP $name"
		return
	fi

	# the command line: [setpriv] [env VARS] timeout|valgrind tlsdeck ARGS
	set -- "$TLSDECK" "$@"
	if [ -n "$USE_VG" ]; then
		set -- valgrind --error-exitcode=99 -q --leak-check=full \
		    --errors-for-leak-kinds=definite "$@"
	elif [ -n "$tty" ]; then
		# in the terminal's foreground process group, or SIGTTIN
		set -- timeout --foreground -k 2 20 "$@"
	else
		set -- timeout -k 2 20 "$@"
	fi
	for e in $envs; do
		set -- "$e" "$@"
	done
	set -- env "$@"
	if [ -n "$nobody" ] && [ "$AS_NOBODY" != exec ]; then
		set -- $AS_NOBODY "$@"
	fi

	snap "$@" >"$T/before"
	rm -f "$T/out" "$T/err" "$T/rc"
	if [ -n "$tty" ]; then
		tmux -S "$T/tmux" -f /dev/null new-session -d -s bi \
		    -x 100 -y 30 "cd '$T' && TERM=tmux-256color LC_ALL=C.UTF-8 \
		    $(q "$@") 2>'$T/err' ; echo \$? >'$T/rc'" ||
		    fail "$name: tmux"
		n=0
		if [ $mode = screen ]; then
			until tmux -S "$T/tmux" capture-pane -p -t bi:0.0 |
			    grep -Eaq -- "$re"; do
				n=$((n + 1))
				[ $n -gt 200 ] && break
				sleep 0.05
			done
			tmux -S "$T/tmux" capture-pane -p -t bi:0.0 >"$T/out"
			tmux -S "$T/tmux" send-keys -t bi:0.0 q
		fi
		n=0
		until [ -s "$T/rc" ] || [ $n -gt 400 ]; do
			n=$((n + 1))
			sleep 0.05
		done
		tmux -S "$T/tmux" kill-server >/dev/null 2>&1
		rc=$(cat "$T/rc" 2>/dev/null)
		[ -n "$rc" ] || rc=124
		: >>"$T/err"
	else
		"$@" >"$T/out" 2>"$T/err" </dev/null
		rc=$?
	fi
	snap "$@" >"$T/after"

	why=
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		why="hung (killed after 20 s)"
	elif [ "$rc" = 99 ] && [ -n "$USE_VG" ]; then
		why="valgrind found errors"
	elif [ "$rc" -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$rc" != "$want" ]; then
		why="exit $rc, expected $want"
	fi
	case $mode in
	stderr)
		# one awk: the message line, and what is wrong with stderr
		RE=$re LC_ALL=C awk -v want="$want" -v note="$note" '
		{ n++ }
		/^tlsdeck: (note|warning): / { extra++; next }
		/^usage: tlsdeck / { usage++; next }
		{ if (++m == 1) msg = $0 }
		END {
			re = ENVIRON["RE"]
			if (m != 1)
				w = n " stderr lines, expected one message"
			else if (msg !~ /^tlsdeck( [a-z-]+)?: /)
				w = "message does not start with tlsdeck:"
			else if (msg !~ re)
				w = "message does not match /" re "/"
			if (extra > 0 && note == "")
				w = w (w != "" ? "; " : "") \
				    "undocumented warning line"
			else if (extra > 1)
				w = w (w != "" ? "; " : "") extra " warning lines"
			if (usage > 0 && want == 1)
				w = w (w != "" ? "; " : "") \
				    "usage line for a non-usage error"
			else if (usage > 1)
				w = w (w != "" ? "; " : "") usage " usage lines"
			print w
			print msg
		}' "$T/err" >"$T/check"
		{ read -r w; read -r msg; } <"$T/check"
		[ -n "$w" ] && why="$why${why:+; }$w"
		;;
	stdout|screen)
		msg=$(LC_ALL=C grep -Ea -m1 -- "$re" "$T/out")
		if [ -s "$T/err" ]; then
			why="$why${why:+; }stderr not empty: $(head -1 "$T/err")"
		elif [ -z "$msg" ]; then
			why="$why${why:+; }$mode does not match /$re/"
		fi
		;;
	esac
	if ! cmp -s "$T/before" "$T/after"; then
		why="$why${why:+; }files changed: $(diff "$T/before" \
		    "$T/after" | grep '^[<>]' | head -3 | tr '\n' ' ')"
	fi
	if [ -n "$why" ]; then
		echo "FAIL $name: $why"
		sed 's/^/     | /' "$T/err" | head -5 | cat -v
		NFAIL=$((NFAIL + 1))
		FAILED="$FAILED $name"
	else
		echo "ok   $name ($rc): $msg"
	fi
}

# ---- list / show: keystores that are truncated, corrupt, or lie about sizes
c list-jks-trunc-header 1 'jks-trunc-header.jks: file is truncated' list "$F/jks-trunc-header.jks"
c list-jks-trunc-half 1 'jks-trunc-half.jks: file is truncated' list "$F/jks-trunc-half.jks" --storepass-env SP
c list-jks-no-digest 1 'jks-no-digest.jks: file is truncated \(integrity digest\)' list "$F/jks-no-digest.jks" --storepass-env SP
c list-jks-flipped 1 'jks-flipped.jks: entry 2 of 3 .*malformed certificate' list "$F/jks-flipped.jks" --storepass-env SP
c list-jks-bad-magic 1 'jks-bad-magic.jks: not a keystore or certificate file' list "$F/jks-bad-magic.jks"
c list-jks-version-9 1 'jks-version-9.jks: unsupported JKS version 9' list "$F/jks-version-9.jks" --storepass-env SP
c list-jks-count-7fffffff 1 'jks-count-huge.jks: entry [0-9]+ of 2147483647' list "$F/jks-count-huge.jks" --storepass-env SP
c list-jks-count-empty 1 'jks-count-huge-empty.jks: (entry 1 of 2147483647|file is truncated)' list "$F/jks-count-huge-empty.jks"
c list-jks-certlen-ffffffff 1 'jks-certlen-huge.jks: file is truncated' list "$F/jks-certlen-huge.jks" --storepass-env SP
c list-jks-aliaslen-ffff 1 'jks-aliaslen-huge.jks: file is truncated' list "$F/jks-aliaslen-huge.jks"
c list-jks-keylen-ffffffff 1 'jks-keylen-huge.jks: file is truncated' list "$F/jks-keylen-huge.jks"
c list-jks-chain-7fffffff 1 'jks-chainlen-huge.jks: entry 1 of 1 .*(oversized|truncated)' list "$F/jks-chainlen-huge.jks"
c list-jks-unknown-tag 1 'jks-bad-tag.jks: entry 1 of 1: unknown entry type \(tag 7\)' list "$F/jks-bad-tag.jks"
c list-jceks-trunc 1 'jceks-trunc.jceks: file is truncated' list "$F/jceks-trunc.jceks" --storepass-env SP
c list-p12-trunc 1 'p12-trunc.p12: not a readable PKCS#12 keystore' list "$F/p12-trunc.p12" --storepass-env SP
c list-p12-flipped 1 'p12-flipped.p12: keystore password is incorrect \(or the file was modified\)' list "$F/p12-flipped.p12" --storepass-env SP
c list-p12-mac-iter-huge 1 'p12-mac-iter-huge.p12: integrity MAC iteration count out of range' list "$F/p12-mac-iter-huge.p12" --storepass-env SP
c list-p12-seqlen-7fffffff 1 'p12-seqlen-huge.p12: not a readable PKCS#12' list "$F/p12-seqlen-huge.p12" --storepass-env SP
c list-p12-junk 1 'p12-junk.p12: not a keystore or certificate file' list "$F/p12-junk.p12"
c list-empty-file 1 'empty.jks: file is empty' list "$F/empty.jks"
c list-cert-trunc-der 1 'cert-trunc.der: malformed certificate' list "$F/cert-trunc.der"
c list-cert-bad-base64 1 'cert-bad-base64.pem: line 1: bad base64' list "$F/cert-bad-base64.pem"
# wrong passwords and password sources
c list-p12-wrong-pass 1 'good.p12: keystore password is incorrect' list "$F/good.p12" --storepass-env WRONG
c list-jks-wrong-pass 1 'good.jks: keystore password is incorrect, or the file was tampered with' list "$F/good.jks" --storepass-env WRONG
c list-missing-env 1 'environment variable NO_SUCH_VAR is not set' list "$F/good.p12" --storepass-env NO_SUCH_VAR
c list-empty-pass-file 1 'pw-empty: the password file is empty' list "$F/good.jks" --storepass-file "$F/pw-empty"
c list-pass-file-is-dir 1 'pwdir: is a directory' list "$F/good.jks" --storepass-file "$X/pwdir"
c list-pass-file-missing 1 'no-such-pw: No such file or directory' list "$F/good.jks" --storepass-file "$F/no-such-pw"
# files that are not files
c list-dev-zero 1 '/dev/zero: file too large' list /dev/zero
c list-sparse-300M 1 'sparse.p12: file too large \(314572800 bytes\)' list "$X/sparse.p12"
c list-fifo 1 'fifo: file is empty' list "$X/fifo"
c list-symlink-loop 1 'loop1: Too many levels of symbolic links' list "$X/loop1"
c list-symlink-to-dir 1 'dirlink.p12: is a directory, not a file' list "$X/dirlink.p12"
c list-directory 1 'adir: is a directory, not a file' list "$X/adir"
c list-missing 1 'nothing-here.p12: No such file or directory' list "$X/nothing-here.p12"
c list-unreadable 1 'unreadable.p12: Permission denied' +nobody list "$X/unreadable.p12"
# names: non-ASCII, control characters (shown escaped), invalid UTF-8
c list-nonascii-name 1 'café-ключ.jks: file is truncated' list "$X/café-ключ.jks"
c list-control-char-name 1 'ctl\\u001B\[31m\\u0007\.jks: file is truncated' list "$X/$CTLNAME"
c list-invalid-utf8-name 1 'bad\\xff\\xfe\.p12: not a readable PKCS#12' list "$X/$BADUTF8" --storepass-env SP
c list-c1-csi-name 1 'c1\\u009B31m\.jks: file is truncated' list "$X/$C1NAME"
c list-raw-csi-byte-name 1 'csi\\x9b\[2J\.jks: file is truncated' list "$X/$RAWCSI"
c list-bidi-override-name 1 'bidi\\u202Ekcaj\.jks: file is truncated' list "$X/$BIDINAME"
c show-c1-csi-alias 1 'good.p12: no entry with alias "ser\\u009B2Jver"' show "$F/good.p12" "$C1ALIAS" --storepass-env SP
c list-bad-format 2 'unknown format: yaml' list "$F/good.p12" --format yaml
c show-control-char-alias 1 'good.p12: no entry with alias "ser\\u001B\[2Jver"' show "$F/good.p12" "$CTLALIAS" --storepass-env SP
c show-unicode-alias-prefix 1 'unicode-alias.jks: no entry with alias "caf' +note show "$F/unicode-alias.jks" café

# ---- writing commands: nothing may change
c genkey-pem-as-keystore 1 'ca.pem: is a certificate file \(PEM\), not a keystore' genkey "$F/ca.pem" --alias x --dname CN=x --storepass-env SP
c genkey-truncated-keystore 1 'jks-trunc-half.jks: file is truncated' genkey "$F/jks-trunc-half.jks" --alias x --dname CN=x --storepass-env SP
c genkey-wrong-pass 1 'good.p12: keystore password is incorrect' genkey "$F/good.p12" --alias x --dname CN=x --storepass-env WRONG
c genkey-control-alias 1 'alias "new\\u0007alias": control characters' genkey "$F/good.p12" --alias "$BELALIAS" --dname CN=x --storepass-env SP
c genkey-directory 1 'adir: (not a regular file|is a directory)' genkey "$X/adir" --alias x --dname CN=x --storepass-env SP
c genkey-symlink-loop 1 'loop1: Too many levels of symbolic links' genkey "$X/loop1" --alias x --dname CN=x --storepass-env SP
c genkey-no-such-dir 1 'nodir: No such file or directory' genkey "$X/nodir/new.p12" --alias x --dname CN=x --storepass-env SP
c genkey-bad-dname 1 '"CN": expected KEY=value' genkey "$F/good.p12" --alias x --dname CN --storepass-env SP
c genkey-bad-keysize 2 'not a positive number: -1' genkey "$F/good.p12" --alias x --dname CN=x --keysize -1 --storepass-env SP
c genkey-unreadable 1 'unreadable.p12: Permission denied' +nobody +env TLSDECK_BACKUP_DIR=/nonexistent/b genkey "$X/unreadable.p12" --alias x --dname CN=x --storepass-env SP
c csr-trusted-entry 1 'good.p12: entry "LabRoot" is a trustedCertEntry, not a key entry' csr "$F/good.p12" --alias LabRoot --storepass-env SP
c csr-output-exists 1 'ca.pem: already exists; not overwritten' +note csr "$F/good.p12" --alias server --storepass-env SP -o "$F/ca.pem"
c csr-jks-key-password-needed 1 'good.jks: cannot recover key "server": wrong key password \(give the key password' csr "$F/good.jks" --alias server --storepass-env SP
c csr-jks-wrong-key-password 1 'good.jks: cannot recover key "server": wrong key password' csr "$F/good.jks" --alias server --storepass-env SP --keypass-env WRONG
c export-wrong-store-password 1 'good.jks: keystore password is incorrect' export "$F/good.jks" --alias server -o "$X/out.pem" --storepass-env WRONG
c csr-keybag-iter-huge 1 'p12-keybag-iter-huge.p12: key entry "server": .*iteration count out of range' csr "$F/p12-keybag-iter-huge.p12" --alias server --storepass-env SP
c import-reply-keystore-as-reply 1 'good.jks: is a JKS keystore, not a certificate file' import-reply "$F/good.p12" --alias server "$F/good.jks" --storepass-env SP
c import-reply-wrong-key 1 'srv2.pem: public keys in reply and keystore don.t match' import-reply "$F/good.p12" --alias server "$F/srv2.pem" --storepass-env SP
c import-reply-dev-zero 1 '/dev/zero: file too large' import-reply "$F/good.p12" --alias server /dev/zero --storepass-env SP
c import-cert-keystore-as-cert 1 'good.jks: is a JKS keystore, not a certificate file' import-cert "$F/good.p12" "$F/good.jks" --storepass-env SP
c import-cert-no-end 1 'cert-no-end.pem: line 1: BEGIN CERTIFICATE without END' import-cert "$F/good.p12" "$F/cert-no-end.pem" --storepass-env SP
c import-cert-not-pem 1 'cert-not-pem.txt: not a certificate file' import-cert "$F/good.p12" "$F/cert-not-pem.txt" --storepass-env SP
c import-cert-duplicate 1 'good.p12: certificate .* is already present under alias "LabRoot"' import-cert "$F/good.p12" "$F/ca.pem" --storepass-env SP
c import-cert-fifo 1 'fifo: file is empty' import-cert "$F/good.p12" "$X/fifo" --storepass-env SP
c import-cert-control-alias 1 'alias "new\\u0007alias": control characters' import-cert "$F/good.p12" --alias "$BELALIAS" "$F/srv2.pem" --storepass-env SP
c import-pem-keystore-as-key 1 'good.jks: no private key found' import-pem "$X/new.p12" --alias x --key "$F/good.jks" --cert "$F/key-and-cert.pem" --storepass-env SP
c import-pem-keystore-as-cert 1 'good.p12: is a PKCS12 keystore, not a certificate file' import-pem "$X/new.p12" --alias x --key "$F/key-rsa.pem" --cert "$F/good.p12" --storepass-env SP
c import-pem-key-mismatch 1 'key-rsa.pem: the key \(RSA 2048\) matches none of the 1 certificate' import-pem "$X/new.p12" --alias x --key "$F/key-rsa.pem" --cert "$F/ca.pem" --storepass-env SP
c import-pem-encrypted-no-pass 1 'key-enc.pem: the key is encrypted: its pass phrase is needed' import-pem "$X/new.p12" --alias x --key "$F/key-enc.pem" --cert "$F/key-and-cert.pem" --storepass-env SP
c import-pem-wrong-passphrase 1 'key-enc.pem: wrong pass phrase' import-pem "$X/new.p12" --alias x --key "$F/key-enc.pem" --key-passphrase-env WRONG --cert "$F/key-and-cert.pem" --storepass-env SP
c import-pem-truncated-key 1 'key-trunc.pem: line 1: BEGIN PRIVATE KEY without END' import-pem "$X/new.p12" --alias x --key "$F/key-trunc.pem" --cert "$F/key-and-cert.pem" --storepass-env SP
c export-output-is-dir 1 'adir: (not a regular file|is a directory)' export "$F/good.p12" --alias server -o "$X/adir" --storepass-env SP
c export-output-exists 1 'ca.pem: already exists; not overwritten' export "$F/good.p12" --alias server -o "$F/ca.pem" --storepass-env SP
c export-no-such-alias 1 'good.p12: no entry with alias "nope"' export "$F/good.p12" --alias nope -o "$X/out.pem" --storepass-env SP
c export-missing-output 2 '(-o|OUT|output)' export "$F/good.p12" --alias server --storepass-env SP

# ---- history / restore
c restore-no-such-backup 1 'backup 7: no such backup' restore 7
c restore-path-as-id 1 'backup \.\./\.\./etc/passwd: no such backup' restore ../../etc/passwd
c history-backup-dir-is-file 1 'pw(/manifest.yaml)?: (Not a directory|not a directory)' +env "TLSDECK_BACKUP_DIR=$F/pw" history

# ---- status / audit / configure: config YAML, properties, server trees
c status-config-junk 1 'config-junk.yaml: line 1, column [0-9]+' status --config "$F/config-junk.yaml" --properties "$F/app.properties" --no-live
c status-config-unknown-key 1 'config-unknown-key.yaml: line 2, column 1: unknown key "colour"' status --config "$F/config-unknown-key.yaml" --properties "$F/app.properties" --no-live
c status-config-int-overflow 1 'config-int-overflow.yaml: line 1.*99999999999999999999' status --config "$F/config-int-overflow.yaml" --properties "$F/app.properties" --no-live
c status-config-nul 1 'config-nul.yaml: .*(control characters|NUL)' status --config "$F/config-nul.yaml" --properties "$F/app.properties" --no-live
c status-config-deep 1 'config-deep.yaml: ' status --config "$F/config-deep.yaml" --properties "$F/app.properties" --no-live
c status-config-bad-utf8 1 'config-bad-utf8.yaml: ' status --config "$F/config-bad-utf8.yaml" --properties "$F/app.properties" --no-live
c status-config-is-dir 1 'adir: is a directory, not a file' status --config "$X/adir" --properties "$F/app.properties" --no-live
c status-properties-is-dir 1 'application.properties: is a directory, not a file' status --properties "$X/application.properties" --no-live
c status-properties-missing 1 'none.properties: No such file or directory' status --properties "$X/none.properties" --no-live
c status-server-missing 1 '/nonexistent/im: not a directory' status --server /nonexistent/im --no-live
c status-properties-and-server 2 '--properties and --server exclude each other' status --properties "$F/app.properties" --server "$X/adir" --no-live
c audit-placeholder-loop 2 'CRITICAL +placeholder-cycle +.*props-loop.properties:1' +stdout audit --properties "$F/props-loop.properties" --no-live --cacerts "$F/good.jks"
c audit-malformed-escape 2 'props-bad-unicode.properties: line 2: malformed .uxxxx encoding' +stdout audit --properties "$F/props-bad-unicode.properties" --no-live --cacerts "$F/good.jks"
c audit-nul-in-path 2 'server.ssl.key-store holds a NUL character' +stdout audit --properties "$F/props-nul-path.properties" --no-live --cacerts "$F/good.jks"
c audit-control-char-alias 2 'no entry "ser\\u0007ver"' +stdout audit --properties "$F/ctl-alias.properties" --no-live --cacerts "$F/good.jks"
c audit-binary-properties 3 "props-binary.properties: looks like binary data" audit --properties "$F/props-binary.properties" --no-live --cacerts "$F/good.jks"
c audit-bad-thresholds 3 '(--warn-days|-5: not a number)' audit --properties "$F/app.properties" --no-live --warn-days -5
c configure-properties-is-dir 1 'application.properties: (not a regular file|is a directory)' configure --properties "$X/application.properties" --set server.port=8443
c configure-missing-env 1 '--set-env server.ssl.key-store-password: environment variable NO_SUCH_VAR is not set' configure --properties "$F/app.properties" --set-env server.ssl.key-store-password=NO_SUCH_VAR
c configure-server-xml-dedup 1 'server.xml: looks like XML \(a Tomcat server.xml\?\)' configure --properties "$F/server.xml" --dedup
c configure-server-xml-set 1 'server.xml: looks like XML' configure --properties "$F/server.xml" --set server.port=8443
c configure-binary-properties 1 'props-binary.properties: looks like binary data' configure --properties "$F/props-binary.properties" --dedup
c audit-server-xml 3 'server.xml: looks like XML' audit --properties "$F/server.xml" --no-live
c status-server-xml 1 'server.xml: looks like XML' status --properties "$F/server.xml" --no-live
c configure-set-no-value 2 '(--set|KEY=VALUE)' configure --properties "$F/app.properties" --set server.port
c configure-properties-too-large 1 'huge.properties: 17825792 bytes: too large for a configuration file' configure --properties "$X/huge.properties" --set server.port=8443 --no-live
c audit-properties-too-large 2 'huge.properties: 17825792 bytes: too large for a configuration file' +stdout audit --properties "$X/huge.properties" --no-live --cacerts "$F/good.jks"
c configure-token-on-argv 2 'refusing api.token on the command line' configure --properties "$F/app.properties" --set api.token=abc
c configure-apikey-on-argv 2 'refusing stripe.apiKey on the command line' configure --properties "$F/app.properties" --set stripe.apiKey=abc
c configure-credentials-on-argv 2 'refusing db.credentials on the command line' configure --properties "$F/app.properties" --set db.credentials=abc

# ---- trust / delete / rename / passwd
c trust-keystore-as-cert 1 'good.p12: is a PKCS12 keystore, not a certificate file' trust --cacerts "$F/good.jks" --cacerts-pass-env SP "$F/good.p12"
c trust-truncated-cacerts 1 'jks-trunc-half.jks: file is truncated' trust --cacerts "$F/jks-trunc-half.jks" --cacerts-pass-env SP "$F/srv2.pem"
c trust-wrong-cacerts-pass 1 'good.jks: keystore password is incorrect' trust --cacerts "$F/good.jks" --cacerts-pass-env WRONG "$F/srv2.pem"
c trust-not-a-jre 1 'adir: no lib/security/cacerts' trust --jre "$X/adir" "$F/srv2.pem"
c trust-symlink-loop-cacerts 1 'loop1: Too many levels of symbolic links' trust --cacerts "$X/loop1" "$F/srv2.pem"
c delete-no-such-alias 1 'good.p12: no entry "nope"' delete "$F/good.p12" --alias nope --storepass-env SP
c delete-wrong-pass 1 'good.jks: keystore password is incorrect' delete "$F/good.jks" --alias labroot --storepass-env WRONG
c rename-taken 1 'good.p12: alias "labroot" is taken' rename "$F/good.p12" --alias server --to labroot --storepass-env SP
c rename-control-alias 1 'control characters' rename "$F/good.p12" --alias server --to "$BELALIAS" --storepass-env SP
c passwd-empty-new-pass-file 1 'pw-empty: the password file is empty' passwd "$F/good.p12" --storepass-env SP --new-storepass-file "$F/pw-empty"
c passwd-wrong-pass 1 'good.p12: keystore password is incorrect' passwd "$F/good.p12" --storepass-env WRONG --new-storepass-env SP
c passwd-truncated 1 'jks-trunc-half.jks: file is truncated' passwd "$F/jks-trunc-half.jks" --storepass-env SP --new-storepass-env SP

# ---- probe (port 1 of the loopback: nothing listens there)
c probe-refused 1 'probe: nothing listens on 127.0.0.1:1 \(connection refused\)' probe 127.0.0.1:1 --properties "$F/app.properties" --timeout 2000
c probe-bad-port 2 '127.0.0.1:99999: bad port "99999"' probe 127.0.0.1:99999
c probe-ipv6-unclosed 2 "\\[::1: missing '\\]'" probe '[::1'
c probe-bad-timeout 2 'bad --timeout' probe 127.0.0.1:1 --timeout 0
c probe-config-junk 1 'config-junk.yaml: line 1' probe --config "$F/config-junk.yaml" 127.0.0.1:1
c probe-properties-dir 1 'probe: .*application.properties: is a directory' probe --properties "$X/application.properties"

# ---- demo and the dashboard
c demo-dir-is-file 1 'demo: .*pw: (File exists|Not a directory|not a directory)' demo "$F/pw" --no-open
c dashboard-config-junk 1 'config-junk.yaml: line 1' +tty --config "$F/config-junk.yaml" --properties "$F/app.properties"
c dashboard-config-dir 1 'adir: is a directory' +tty --config "$X/adir" --properties "$F/app.properties"
c dashboard-theme-junk 0 'theme: .*theme-junk.yaml: line 2' +tty +screen --theme "$F/theme-junk.yaml" --properties "$F/app.properties"
c dashboard-theme-bad-colour 0 'theme: .*theme-bad-colour.yaml' +tty +screen --theme "$F/theme-bad-colour.yaml" --properties "$F/app.properties"
c dashboard-theme-unknown-role 0 'theme: .*theme-unknown-role.yaml' +tty +screen --theme "$F/theme-unknown-role.yaml" --properties "$F/app.properties"
c dashboard-theme-fifo 0 'theme: .*fifo' +tty +screen --theme "$X/fifo" --properties "$F/app.properties"
c dashboard-properties-dir 0 'application.properties: is a directory' +tty +screen --properties "$X/application.properties"

hash_all >"$T/all-after"
if ! cmp -s "$T/all-before" "$T/all-after"; then
	echo "FAIL: fixture files changed:"
	diff "$T/all-before" "$T/all-after"
	NFAIL=$((NFAIL + 1))
	FAILED="$FAILED (fixture-hashes)"
fi
echo "$NCASES cases, $NFAIL failed${NSKIP:+, skipped:$NSKIP}"
[ -n "${ONLY:-}" ] || [ "$NCASES" -ge 40 ] || fail "only $NCASES cases"
[ $NFAIL = 0 ] || fail "failing cases:$FAILED"
exit 0
