#!/bin/sh
# SPDX-License-Identifier: ISC
# scan.sh -- tlsdeck scan over real trees: servers (srv-fixture, the demo
# tree) and standalone files of every format, the bad-input catalogue's
# fixtures and special files (a FIFO, link loops, links out of the root
# twice, a 300 MB sparse file, names with escapes and bad UTF-8) -- no
# crash, no hang, one read-error entry per bad file, nothing changed --
# then JSON, text, Prometheus (promtool), --output (atomic, 0644) and
# Debian's node_exporter reading the textfile on a free loopback port.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
. "$TOP_SRCDIR/tests/netlib.sh"
trap 'net_cleanup; rm -rf "$T"' EXIT
FX=$TOP_BUILDDIR/tests/tools/srv-fixture
FIXTURES=$TOP_SRCDIR/tests/badinput/fixtures
command -v jq >/dev/null || skip "jq missing"
[ -x "$FX" ] || skip "srv-fixture not built (cmocka missing?)"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME
HOME=$T/home
SRV_PASS=pw-Scan.1
export HOME SRV_PASS
mkdir -p "$HOME"

# run WANT-RC ARGS...: stdout in $T/out, stderr in $T/err (20 s at most).
run() {
	want=$1
	shift
	timeout -k 2 20 "$TLSDECK" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "tlsdeck $*: exit $rc, expected $want
stdout: $(head -c 3000 "$T/out")
stderr: $(cat "$T/err")"
}
j() { jq -r "$@" "$T/out"; }

# ---- the tree ---------------------------------------------------------
R=$T/root
mkdir -p "$R/files/deep/a/b/c" "$R/apps" "$T/outside"
cp -R "$FIXTURES" "$R/files/bad"
cp -R "$SAMPLES" "$R/files/samples"
cp "$SAMPLES/certs/ca.pem" "$R/files/deep/a/b/c/deep.pem"
"$FX" "$R/apps/srv1" >/dev/null || fail "srv-fixture"
"$FX" "$R/apps/srv2" 5 >/dev/null || fail "srv-fixture (5 days)"
# a text file that starts like DER, a key alone, a request: not files
printf '0000 not a certificate, just a text file of some length\n' \
    >"$R/files/zeros.txt"
cp "$SAMPLES/certs/s17.csr" "$R/files/request.csr"
# special files
mkfifo "$R/files/fifo.pem" || fail "mkfifo"
ln -s loop2 "$R/files/loop1"
ln -s loop1 "$R/files/loop2"
ln -s .. "$R/files/deep/up"			# a loop through a parent
ln -s "$T/outside" "$R/files/out1"		# out of the root, twice
ln -s "$T/outside" "$R/files/out2"
cp "$SAMPLES/certs/leaf.pem" "$T/outside/outside.pem"
ln -s /proc "$R/files/proc"			# pseudo-filesystems
ln -s /sys "$R/files/sys"
ln -s /dev "$R/files/dev"
truncate -s 300M "$R/files/sparse.p12" || fail "truncate"
CTLNAME=$(printf 'ctl\033[31m\007.jks')
cp "$FIXTURES/jks-trunc-half.jks" "$R/files/$CTLNAME"
BADUTF8=$(printf 'bad\377\376.p12')
cp "$FIXTURES/p12-trunc.p12" "$R/files/$BADUTF8"
NLNAME=$(printf 'new\nline.pem')
cp "$SAMPLES/certs/int.pem" "$R/files/$NLNAME"
QNAME='quote"back\slash.pem'
cp "$SAMPLES/certs/srv2.pem" "$R/files/$QNAME"
# hard link: the same file once
ln "$R/files/samples/sample-jks17.jks" "$R/files/hardlink.jks"

sums() { (cd "$R" && find . -type f ! -name sparse.p12 -exec sha256sum {} + |
    LC_ALL=C sort); }
sums >"$T/sums-before"

# ---- JSON -------------------------------------------------------------
run 0 scan "$R" --format json --no-live
[ "$(j '.servers | length')" = 2 ] || fail "two servers: $(j '.servers')"
[ "$(j '.servers[0].kind')" = spring ] || fail "kind"
# most urgent first: the 5-day server is critical
[ "$(j '.servers[0].config')" = "$R/apps/srv2/conf/application.properties" ] ||
    fail "srv2 first: $(j '.servers[].config')"
[ "$(j '.servers[0].status')" = critical ] || fail "srv2 critical"
[ "$(j '.servers[1].status')" = ok ] || fail "srv1 ok: $(j '.servers[1].findings')"
[ "$(j '.servers[1].keystore.entries | length')" -ge 1 ] ||
    fail "srv1's keystore entries"
# the servers' files are theirs, not standalone (srv-fixture's root.pem
# and int.pem are nobody's)
j '.files[].path' >"$T/paths"
grep -q "/apps/.*\(keystore.p12\|cacerts\)$" "$T/paths" &&
    fail "a server's file listed standalone:
$(grep /apps/ "$T/paths")"
# every bad fixture that is a keystore or certificate: a read error
for f in cert-bad-base64.pem cert-no-end.pem cert-trunc.der empty.jks \
    jceks-trunc.jceks jks-aliaslen-huge.jks jks-bad-magic.jks jks-bad-tag.jks \
    jks-certlen-huge.jks jks-chainlen-huge.jks jks-count-huge-empty.jks \
    jks-count-huge.jks jks-flipped.jks jks-keylen-huge.jks jks-no-digest.jks \
    jks-trunc-half.jks jks-trunc-header.jks jks-version-9.jks p12-junk.p12 \
    p12-mac-iter-huge.p12 p12-seqlen-huge.p12 p12-trunc.p12; do
	r=$(j --arg p "$R/files/bad/$f" '.files[] | select(.path == $p) |
	    .error.reason')
	[ "$r" = corrupt ] || fail "$f: reason '$r', expected corrupt"
done
for f in good.p12 p12-flipped.p12; do
	r=$(j --arg p "$R/files/bad/$f" '.files[] | select(.path == $p) |
	    .error.reason')
	[ "$r" = no_password ] || fail "$f: reason '$r', expected no_password"
done
for f in good.jks ca.pem srv2.pem key-and-cert.pem unicode-alias.jks \
    p12-keybag-iter-huge.p12; do
	r=$(j --arg p "$R/files/bad/$f" '.files[] | select(.path == $p) |
	    .error')
	[ "$r" = null ] || fail "$f: error $r"
done
# the special files: big and sparse by its name, the escapes by theirs
[ "$(j --arg p "$R/files/sparse.p12" '.files[] | select(.path == $p) |
    .error.reason')" = corrupt ] || fail "sparse.p12"
[ "$(j --arg p "$R/files/$CTLNAME" '.files[] | select(.path == $p) |
    .error.reason')" = corrupt ] || fail "the name with escapes"
[ "$(j '[.files[] | select(.path | endswith(".p12")) |
    select(.path | contains("bad"))] | length')" -ge 1 ] ||
    fail "the name with bad UTF-8"
# what is no certificate file is not listed
for n in zeros.txt request.csr fifo.pem key-rsa.pem key-enc.pem \
    key-trunc.pem cert-not-pem.txt config-junk.yaml; do
	grep -q "/$n\$" "$T/paths" && fail "$n listed"
done
# JKS without a password: listed, not verified; passwordless PKCS#12 whole
[ "$(j --arg p "$R/files/bad/good.jks" '.files[] | select(.path == $p) |
    .verified')" = false ] || fail "good.jks verified?"
[ "$(j --arg p "$R/files/samples/sample-jdk25-passwordless.p12" '.files[] |
    select(.path == $p) | [.verified, (.certificates | length)] |
    @tsv')" = "true	2" ] || fail "passwordless PKCS#12"
# links: outside.pem once (two links to it), deep.pem through the loop once
[ "$(grep -c '/outside.pem$' "$T/paths")" = 1 ] || fail "outside.pem: $(grep outside "$T/paths")"
[ "$(grep -c '/deep.pem$' "$T/paths")" = 1 ] || fail "deep.pem"
[ "$(grep -c 'sample-jks17.jks$\|hardlink.jks$' "$T/paths")" = 1 ] ||
    fail "a hard link counted twice"
grep -q '^/proc\|/files/proc/\|/files/sys/\|/files/dev/' "$T/paths" &&
    fail "a pseudo-filesystem was walked"
# ordering: statuses never go up the list
j '.files[].status' | awk '{ r = $0 == "critical" ? 2 : $0 == "warning" ? 1 : 0
    if (NR > 1 && r > p) { print "order: " NR; exit 1 } p = r }' ||
    fail "files not most urgent first"
# the tree is unchanged
sums >"$T/sums-after"
cmp -s "$T/sums-before" "$T/sums-after" || fail "a file changed:
$(diff "$T/sums-before" "$T/sums-after")"
find "$R" -name '.tlsdeck-tmp-*' | grep -q . && fail "a temporary file"

# depth
run 0 scan "$R/files/deep" --format json --max-depth 1
[ "$(j '[.files[] | select(.path | endswith("deep.pem"))] | length')" = 0 ] ||
    fail "--max-depth 1 found deep.pem"
run 0 scan "$R/files/deep" --format json --max-depth 3
[ "$(j '[.files[] | select(.path | endswith("deep.pem"))] | length')" = 1 ] ||
    fail "--max-depth 3 missed deep.pem"

# ---- text ---------------------------------------------------------------
run 0 scan "$R" --no-live
head -1 "$T/out" | grep -q "^CRITICAL  spring  $R/apps/srv2/conf/application.properties: " ||
    fail "first line: $(head -1 "$T/out")"
tail -1 "$T/out" | grep -q '^2 servers, [0-9]* files' || fail "last line"
# the nearest expiry: a date and the days left, spelled out
head -1 "$T/out" | grep -Eq ' [0-9]{4}-[0-9]{2}-[0-9]{2} \([45] days\)' ||
    fail "expiry: $(head -1 "$T/out")"
# no escape reaches the terminal
grep -q "$(printf '\033')" "$T/out" && fail "an escape in the text"
# errors: a missing root fails with one line; one readable root is enough
run 1 scan "$T/nonexistent"
[ "$(wc -l <"$T/err")" = 1 ] && grep -q "^tlsdeck: $T/nonexistent: No such file" "$T/err" ||
    fail "missing root: $(cat "$T/err")"
run 0 scan "$T/nonexistent" "$R/files/deep" --files-only
grep -q "nonexistent" "$T/err" || fail "the missing root not noted"
run 2 scan --max-depth x
run 2 scan --format pem

# ---- Prometheus ---------------------------------------------------------
run 0 scan "$R" --format prometheus --no-live
cp "$T/out" "$T/scan.prom"
if [ -x /usr/bin/promtool ]; then
	/usr/bin/promtool check metrics <"$T/scan.prom" >"$T/lint" 2>&1 ||
	    fail "promtool: $(cat "$T/lint")"
fi
grep -q '^tlsdeck_read_error{file="'"$R"'/files/bad/jks-flipped.jks",format="JKS",reason="corrupt",server=""} 1$' \
    "$T/scan.prom" || fail "read error of jks-flipped.jks"
grep -q 'file="'"$R"'/files/ctl?\[31m?.jks"' "$T/scan.prom" ||
    fail "control characters in a label"
FFFD=$(printf '\357\277\275')
grep -q "file=\"$R/files/bad$FFFD$FFFD.p12\"" "$T/scan.prom" ||
    fail "bad UTF-8 in a label"
grep -q 'file="'"$R"'/files/new\\nline.pem"' "$T/scan.prom" ||
    fail "a newline in a label"
grep -q 'file="'"$R"'/files/quote\\"back\\\\slash.pem"' "$T/scan.prom" ||
    fail "quote and backslash in a label"
grep -q '^tlsdeck_server_status{server="'"$R"'/apps/srv2/conf/application.properties",kind="spring"} 2$' \
    "$T/scan.prom" || fail "server status"
grep -q '^tlsdeck_cert_not_after_timestamp_seconds{file="'"$R"'/apps/srv1/conf/ssl/keystore.p12",alias="[^"]*",role="server",chain_position="0",' \
    "$T/scan.prom" || fail "the server's leaf"
grep -q '^tlsdeck_scan_timestamp_seconds [0-9]*$' "$T/scan.prom" ||
    fail "scan timestamp"
# not-after of a PEM against openssl
na=$(date -u -d "$(openssl x509 -in "$SAMPLES/certs/int.pem" -noout -enddate |
    cut -d= -f2)" +%s)
grep -q "^tlsdeck_cert_not_after_timestamp_seconds{file=\"$R/files/samples/certs/int.pem\".* $na\$" \
    "$T/scan.prom" || fail "int.pem not-after $na"

# --output: atomic, 0644, replaced, nothing left beside
D=$T/textfile
mkdir -p "$D"
run 0 scan "$R" --format prometheus --output "$D/tlsdeck.prom" --no-live
[ -s "$D/tlsdeck.prom" ] && [ ! -s "$T/out" ] || fail "--output"
[ "$(stat -c %a "$D/tlsdeck.prom")" = 644 ] || fail "mode $(stat -c %a "$D/tlsdeck.prom")"
ino=$(stat -c %i "$D/tlsdeck.prom")
run 0 scan "$R/files/deep" --format prometheus --output "$D/tlsdeck.prom"
[ "$(stat -c %i "$D/tlsdeck.prom")" != "$ino" ] || fail "not replaced by rename"
[ "$(ls -A "$D")" = tlsdeck.prom ] || fail "left in the directory: $(ls -A "$D")"
run 0 scan "$R" --format prometheus --output "$D/tlsdeck.prom" --no-live
run 1 scan "$R/files/deep" --output "$T/nodir/x.prom"
[ "$(wc -l <"$T/err")" = 1 ] || fail "--output into no directory: $(cat "$T/err")"

# ---- node_exporter's textfile collector ----------------------------------
NE=/usr/bin/prometheus-node-exporter
if [ -x "$NE" ] && command -v curl >/dev/null; then
	# (serve replaces only a whole @PORT@ word: the address is one)
	for try in 1 2 3 4 5; do
		NP=$(freeport)
		bg "$NE" --web.listen-address="127.0.0.1:$NP" \
		    --collector.textfile.directory="$D" \
		    --collector.disable-defaults --collector.textfile \
		    >"$T/ne.log" 2>&1
		wait_listen "$NP" && break
		stop
		NP=
	done
	[ -n "$NP" ] || fail "node_exporter did not start: $(cat "$T/ne.log")"
	curl -sf "http://127.0.0.1:$NP/metrics" >"$T/scrape" ||
	    fail "curl node_exporter"
	grep -q '^node_textfile_scrape_error 0$' "$T/scrape" ||
	    fail "node_exporter: $(grep textfile "$T/scrape")"
	grep -q '^tlsdeck_read_error{file="'"$R"'/files/bad/jks-flipped.jks"' \
	    "$T/scrape" || fail "tlsdeck_read_error not scraped"
	grep -q '^tlsdeck_cert_not_after_timestamp_seconds{' "$T/scrape" ||
	    fail "certificates not scraped"
	grep -q '^tlsdeck_scan_duration_seconds ' "$T/scrape" ||
	    fail "duration not scraped"
	# node_exporter's own metrics are not ours to lint
	if [ -x /usr/bin/promtool ]; then
		/usr/bin/promtool check metrics <"$T/scrape" >"$T/lint" 2>&1
		grep tlsdeck "$T/lint" && fail "promtool on the scrape"
	fi
	stop
else
	echo "node_exporter or curl missing: its part skipped"
fi
exit 0
