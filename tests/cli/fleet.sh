#!/bin/sh
# SPDX-License-Identifier: ISC
# fleet.sh -- tlsdeck fleet over real reports: tlsdeck status and scan
# --format json of fixture servers (one healthy, one expiring in 5 days),
# copied as a directory of hosts and as a stream on standard input; text
# and JSON most urgent first (host names in natural order within the same
# urgency: web2 before web10), exactly the JSON fields of a host, stale
# reports, the command that fixes a host, and hostile reports (not JSON,
# empty, an array, too large, escapes in names, a FIFO): one line each on
# stderr naming the file, exit 1, the other hosts still shown, nothing
# written.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
FX=$TOP_BUILDDIR/tests/tools/srv-fixture
command -v jq >/dev/null || skip "jq missing"
[ -x "$FX" ] || skip "srv-fixture not built (cmocka missing?)"
unset TLSDECK_PROPERTIES XDG_CONFIG_HOME JAVA_HOME
HOME=$T/home
export HOME
mkdir -p "$HOME"

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

# ---- real reports -----------------------------------------------------
"$FX" "$T/srv-ok" >/dev/null || fail "srv-fixture"
"$FX" "$T/srv-crit" 5 >/dev/null || fail "srv-fixture (5 days)"
D=$T/reports
mkdir -p "$D"
run 0 status --server "$T/srv-ok" --no-live --format json
cp "$T/out" "$D/web-ok.json"
run 0 status --server "$T/srv-crit" --no-live --format json
cp "$T/out" "$D/web-crit.json"
run 0 scan "$T/srv-ok" --no-live --format json
jq '.host = "scanned"' "$T/out" >"$D/scan.json"
# a report of two days ago: stale at the default 24 hours
jq '.now = (now - 2 * 86400 | strftime("%Y-%m-%dT%H:%M:%SZ"))' \
    "$D/web-ok.json" >"$D/web-old.json"
# not a report: ignored (a dot file)
echo 'not JSON' >"$D/.hidden"

run 0 fleet "$D" --format json
[ "$(j '.hosts | length')" = 4 ] || fail "4 hosts: $(cat "$T/out")"
[ "$(j '[.hosts[].name] | join(" ")')" = \
    "web-crit scanned web-ok web-old" ] ||
    [ "$(j '[.hosts[].name] | join(" ")')" = \
    "web-crit scanned web-old web-ok" ] ||
    fail "most urgent first: $(j '[.hosts[].name] | join(" ")')"
[ "$(j '[.hosts[].status] | join(" ")')" = "critical warning ok ok" ] ||
[ "$(j '[.hosts[].status] | join(" ")')" = "critical ok ok ok" ] ||
    fail "statuses: $(j '[.hosts[].status] | join(" ")')"
# exactly the fields of a host
[ "$(j '[.hosts[] | keys | join(",")] | unique | join(" ")')" = \
    "findings,kind,name,nearest_expiry,report_time,status" ] ||
    fail "host fields: $(j '.hosts[0] | keys')"
[ "$(j '.hosts[0].kind')" = spring ] || fail "kind"
[ "$(j '.hosts[0].findings')" -ge 1 ] || fail "findings count"
exp=$(j '.hosts[0].nearest_expiry')
case $exp in
[0-9][0-9][0-9][0-9]-*T*Z) ;;
*) fail "nearest_expiry: $exp" ;;
esac
# five days from now, give or take a day
left=$(( ($(date -u -d "$exp" +%s) - $(date +%s)) / 86400 ))
[ "$left" -ge 4 ] && [ "$left" -le 5 ] || fail "nearest expiry $left days"
[ "$(j '.hosts[] | select(.name == "web-old") | .report_time')" != null ] ||
    fail "report_time"
[ -s "$T/err" ] && fail "stderr: $(cat "$T/err")"

# text: one line per host, the stale one marked
run 0 fleet "$D" --format text
[ "$(wc -l <"$T/out")" = 5 ] || fail "text lines: $(cat "$T/out")"
sed -n 2p "$T/out" | grep -q '^CRITICAL  web-crit ' ||
    fail "text order: $(cat "$T/out")"
# the nearest expiry: a date and the days left, tersely
sed -n 2p "$T/out" | grep -Eq ' [0-9]{4}-[0-9]{2}-[0-9]{2} \([45]d\) ' ||
    fail "expiry: $(sed -n 2p "$T/out")"
grep -q '^ok  *web-old .* STALE$' "$T/out" || fail "stale: $(cat "$T/out")"
grep 'web-ok ' "$T/out" | grep -q STALE && fail "web-ok is not stale"
run 0 fleet "$D" --format text --stale 72
grep -q STALE "$T/out" && fail "--stale 72: $(cat "$T/out")"
run 2 fleet "$D" --stale 0
grep -q -- '--stale' "$T/err" || fail "--stale 0: $(cat "$T/err")"

# the same reports as a stream on standard input
cat "$D/web-ok.json" "$D/web-crit.json" "$D/scan.json" |
    timeout 20 "$TLSDECK" fleet - --format json >"$T/out" 2>"$T/err" ||
    fail "fleet -: $(cat "$T/err")"
[ "$(j '.hosts | length')" = 3 ] || fail "stream: $(cat "$T/out")"
[ "$(j '.hosts[0].status')" = critical ] || fail "stream order"
[ "$(j '.hosts[] | select(.name == "scanned") | .kind')" = spring ] ||
    fail "the scan report names its host: $(cat "$T/out")"

# the fix command of the critical host names its configuration
"$TOP_BUILDDIR/tests/fuzz/replay-report" "$D/web-crit.json" >/dev/null ||
    fail "replay-report"

# ---- hostile reports: one line each, the others still shown ------------
H=$T/hostile
mkdir -p "$H"
cp "$D/web-crit.json" "$D/web-ok.json" "$H/"
echo '{"findings": [' >"$H/trunc.json"
: >"$H/empty.json"
echo '[1, 2, 3]' >"$H/array.json"
echo '{"hello": "world"}' >"$H/other.json"
printf '{"findings": [], "certificates": [{"not_after": 5}], "host": ""}' \
    >"$H/types.json"
truncate -s 40M "$H/huge.json"
mkfifo "$H/fifo.json"
ln -s /nonexistent "$H/dangling.json"
jq -n '{host: "evil\u001b[31m\u0007", findings: [{severity: "critical",
    code: "x\u001b]0;t\u0007", message: "m"}], certificates: []}' \
    >"$H/esc.json"
# 9-deep nesting bombs are jansson's problem: a deep one
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; print "" }' \
    >"$H/deep.json"
before=$(cd "$H" && ls -la | sha256sum)
run 1 fleet "$H" --format text
after=$(cd "$H" && ls -la | sha256sum)
[ "$before" = "$after" ] || fail "the directory changed"
for f in trunc empty array other huge fifo dangling deep; do
	grep -q "$H/$f.json: " "$T/err" || fail "no line for $f.json:
$(cat "$T/err")"
done
[ "$(grep -c . "$T/err")" = 8 ] || fail "one line each: $(cat "$T/err")"
grep -q 'web-crit' "$T/out" && grep -q 'web-ok' "$T/out" ||
    fail "the good hosts: $(cat "$T/out")"
# no terminal escapes reach stdout or stderr
if grep -q "$(printf '\033')" "$T/out" "$T/err"; then
	fail "an escape reached the terminal"
fi
grep -q 'types' "$T/out" || fail "types.json is a host: $(cat "$T/out")"
run 1 fleet "$H" --format json
jq -e '.hosts | length == 12' "$T/out" >/dev/null ||
    fail "json hosts: $(j '.hosts | length')"
jq -e '[.hosts[] | select(.name | test("^evil"))] | length == 1' \
    "$T/out" >/dev/null || fail "the escaped name"

# ---- host names in natural order within the same urgency -----------
N=$T/natural
mkdir -p "$N"
for h in web10 web2 web1 web02x db3 web9; do
	cp "$D/web-ok.json" "$N/$h.json"
done
run 0 fleet "$N" --format json
[ "$(j '[.hosts[].name] | join(" ")')" = "db3 web1 web2 web02x web9 web10" ] ||
    fail "natural order: $(j '[.hosts[].name] | join(" ")')"
run 0 fleet "$N" --format text
[ "$(grep -o 'db3\|web[0-9x]*' "$T/out" | tr '\n' ' ')" = \
    "db3 web1 web2 web02x web9 web10 " ] ||
    fail "natural order (text): $(cat "$T/out")"

# ---- bad invocations ---------------------------------------------------
run 1 fleet "$T/nonexistent" --format json
[ "$(grep -c . "$T/err")" = 1 ] && grep -q "$T/nonexistent" "$T/err" ||
    fail "missing dir: $(cat "$T/err")"
run 1 fleet "$D/web-ok.json" --format json
grep -q "web-ok.json" "$T/err" || fail "a file: $(cat "$T/err")"
run 2 fleet
run 2 fleet "$D" --format prometheus
echo "ok: fleet"
