#!/bin/sh
# Compare the listings of two tlsdeck binaries byte for byte: `list` as
# text and JSON, with the right password, with none (JKS unverified,
# PKCS#12 plain parts) and with a wrong one (the error line), and `show`
# of one entry, on every sample keystore and certificate file and on the
# benchmark's generated truststores (1,000 and 10,000 entries, JKS and
# PKCS#12).  Both run in the same minute, so "days left" agree.
#
# usage: bench/compare.sh OLD_TLSDECK NEW_TLSDECK [BUILDDIR]
# Exits 0 when every output and exit code is the same.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OLD NEW [BUILDDIR]" >&2; exit 2; }
old=$1 new=$2
top=$(cd "$(dirname "$0")/.." && pwd)
b=${3:-$top/_build}
S=$top/tests/data/samples
w=$(mktemp -d /tmp/tlsdeck-compare.XXXXXX)
trap 'rm -rf "$w"' EXIT
make -C "$b" bench/gen-truststore >/dev/null
PW=changeit; export PW
src=/etc/ssl/certs/java/cacerts
if [ -f "$src" ]; then
	for n in 1000 10000; do
		"$b/bench/gen-truststore" "$src" $n jks "$w/ts$n.jks"
		"$b/bench/gen-truststore" "$src" $n pkcs12 "$w/ts$n.p12"
	done
	"$b/bench/gen-truststore" "$src" 1000 pkcs12-nopw "$w/nopw1000.p12"
	cp "$src" "$w/cacerts.jks"
fi

# The store password of each sample (README.md of the samples).
pass_of() {
	case $(basename "$1") in
	sample-jks-unicode-alias.jks) printf 'p\303\244ssw\303\266rd' ;;
	sample-jdk25-nonascii-pass.p12) printf 'p\303\244ssw\303\266rd1' ;;
	bad-uppercase-alias.jks|sample-openssl30-trust-pw.p12|\
	    ts*|nopw*|cacerts.jks) printf changeit ;;
	*) printf storepass ;;
	esac
}

n=0 bad=0
# run NAME CMD...: both binaries, stdout, stderr (binary name masked) and
# exit code must match.
run() {
	_name=$1; shift
	for _v in old new; do
		eval "_bin=\$$_v"
		_rc=0
		"$_bin" "$@" >"$w/$_v.out" 2>"$w/$_v.err" </dev/null || _rc=$?
		echo "$_rc" >"$w/$_v.rc"
	done
	n=$((n + 1))
	if ! cmp -s "$w/old.out" "$w/new.out" ||
	    ! cmp -s "$w/old.err" "$w/new.err" ||
	    ! cmp -s "$w/old.rc" "$w/new.rc"; then
		bad=$((bad + 1))
		echo "DIFFERS: $_name" >&2
		diff "$w/old.out" "$w/new.out" | head -5 >&2 || true
		diff "$w/old.err" "$w/new.err" | head -5 >&2 || true
	fi
}

BAD=wrongpass; export BAD
for f in "$S"/*.jks "$S"/*.jceks "$S"/*.p12 "$S"/certs/* "$w"/*.jks \
    "$w"/*.p12; do
	[ -f "$f" ] || continue
	SP=$(pass_of "$f"); export SP
	for fmt in text json; do
		run "$f $fmt" list --format $fmt --storepass-env SP "$f"
		run "$f $fmt nopass" list --format $fmt "$f"
		run "$f $fmt wrongpass" list --format $fmt \
		    --storepass-env BAD "$f"
	done
	# show the first entry in full (text, JSON and PEM)
	a=$("$new" list --format json --storepass-env SP "$f" 2>/dev/null |
	    python3 -c 'import json,sys; e=json.load(sys.stdin)["entries"]; \
print(e[0]["alias"] if e else "")' 2>/dev/null) || a=
	[ -n "$a" ] || continue
	for fmt in text json pem; do
		run "$f show $fmt" show --format $fmt --storepass-env SP "$f" "$a"
	done
done
echo "compared $n runs: $((n - bad)) identical, $bad different"
[ "$bad" = 0 ]
