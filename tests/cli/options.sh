#!/bin/sh
# SPDX-License-Identifier: ISC
# options.sh -- the one option parser every command goes through (cli/opts.c
# cmd_run): for each command of "tlsdeck --help", --help, an unknown
# option, a missing argument and a bad --format give the same messages and
# exit codes (2; audit 3, which monitors read as UNKNOWN).  An option that
# another command takes is refused naming the option, never its argument
# (which may be a password).
. "${TOP_SRCDIR:-.}/tests/lib.sh"

# run ARGS...: tlsdeck with stdin closed; $rc, $T/out, $T/err.
run() {
	"$TLSDECK" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
}
# usage_err CODE CMD MSG ARGS...: exit CODE, nothing on stdout, and on
# stderr exactly "tlsdeck CMD: MSG..." (MSG a prefix) and CMD's usage line.
usage_err() {
	_code=$1 _cmd=$2 _msg=$3
	shift 3
	"$TLSDECK" "$_cmd" --help | sed -n 1p >"$T/usage"
	run "$_cmd" "$@"
	[ "$rc" = "$_code" ] || fail "$_cmd $*: exit $rc, wanted $_code: $(cat "$T/err")"
	[ -s "$T/out" ] && fail "$_cmd $*: wrote to stdout: $(cat "$T/out")"
	[ "$(wc -l <"$T/err")" = 2 ] || fail "$_cmd $*: not two lines: $(cat "$T/err")"
	case $(sed -n 1p "$T/err") in
	"tlsdeck $_cmd: $_msg"*) ;;
	*) fail "$_cmd $*: wanted 'tlsdeck $_cmd: $_msg', got: $(cat "$T/err")" ;;
	esac
	sed -n 2p "$T/err" | cmp -s - "$T/usage" ||
	    fail "$_cmd $*: second line is not the usage line: $(cat "$T/err")"
}

"$TLSDECK" --help >"$T/all" || fail "tlsdeck --help"
sed -n 's/^\(usage:\)\{0,1\} *tlsdeck \([a-z][a-z-]*\) .*/\2/p' "$T/all" \
    >"$T/cmds"
[ "$(wc -l <"$T/cmds")" -ge 19 ] || fail "few commands: $(cat "$T/cmds")"
n=0
while read -r cmd; do
	n=$((n + 1))
	code=2
	[ "$cmd" = audit ] && code=3
	run "$cmd" --help
	[ "$rc" = 0 ] || fail "$cmd --help: exit $rc"
	[ -s "$T/err" ] && fail "$cmd --help: stderr: $(cat "$T/err")"
	u=$(sed -n 1p "$T/out")
	case $u in
	"usage: tlsdeck $cmd "*) ;;
	*) fail "$cmd --help: no usage line: $(cat "$T/out")" ;;
	esac
	grep -qxF "       ${u#usage: }" "$T/all" ||
	    fail "$cmd: its --help and tlsdeck --help differ"
	usage_err $code "$cmd" "unknown or incomplete option: --no-such" \
	    --no-such
	usage_err $code "$cmd" "unknown or incomplete option: --no-such" \
	    --no-such --help
	usage_err $code "$cmd" "unknown or incomplete option: -Z" -Z
	if printf '%s\n' "$u" | grep -q -- '--format'; then
		usage_err $code "$cmd" "unknown or incomplete option: --format" \
		    --format
		usage_err $code "$cmd" "unknown format: no-such" \
		    --format no-such
		usage_err $code "$cmd" "unknown format: no-such" -f no-such
	fi
	# --help wins when it comes first.
	run "$cmd" --help --no-such
	[ "$rc" = 0 ] || fail "$cmd --help --no-such: exit $rc"
done <"$T/cmds"

# Operands.
usage_err 2 list "FILE is missing"
usage_err 2 list "too many arguments" a b
usage_err 2 show "FILE and ALIAS are needed" a
usage_err 2 history "too many arguments" a
usage_err 2 restore "BACKUP is missing (an id from tlsdeck history)" -n
usage_err 2 import-cert "FILE and at least one CERT are needed" a
usage_err 2 status "unexpected argument: b" --no-live b
usage_err 3 audit "unexpected argument: b" b
usage_err 2 probe "unexpected argument: c" b c
usage_err 2 demo "too many arguments" a b
# Option values checked where they are parsed, in command-line order.
usage_err 2 genkey "not a positive number: 0" x --keysize 0 --no-such
usage_err 3 audit "--warn-days: x is not a whole number from 0 to" \
    --warn-days x
usage_err 2 probe "bad --timeout (1 to 600000 ms): 0" --timeout 0
usage_err 2 import-cert "unknown store type: p7 (pkcs12 or jks)" \
    --storetype p7 a b
usage_err 2 export "unknown format: text (pem or der)" -f text x
usage_err 2 trust "unknown format: pem (text or json)" -f pem
usage_err 2 trust "--alias given more than twice" -a a -a b -a c
usage_err 2 configure "--set wants KEY=VALUE: x" --set x

# An option of another command: named, its argument not echoed.
usage_err 2 delete "unknown or incomplete option: --to" x --to y
usage_err 2 passwd "unknown or incomplete option: --to" x --to y
usage_err 2 rename "unknown or incomplete option: --new-storepass-env" \
    x --new-storepass-env V
for c in list export import-cert trust delete rename; do
	usage_err 2 $c "unknown or incomplete option: --keypass" \
	    --keypass s3cr3t-word
	grep -q s3cr3t-word "$T/err" && fail "$c echoed a password"
done
echo "$n commands parse alike"
echo ok
