#!/bin/sh
# SPDX-License-Identifier: ISC
# scan-contrib.sh -- what contrib/ ships for tlsdeck scan: the alerting
# rules (promtool check rules, and promtool test rules against series as
# scan writes them), the systemd units as make installs them (@bindir@
# replaced, mode 0644, systemd-analyze verify), and the service's command
# writing a textfile that promtool accepts.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
PROMTOOL=/usr/bin/promtool
[ -x "$PROMTOOL" ] || skip "promtool missing (Debian's prometheus)"

# the rules
"$PROMTOOL" check rules "$TOP_SRCDIR/contrib/prometheus/tlsdeck.rules.yml" \
    >"$T/out" 2>&1 || fail "promtool check rules: $(cat "$T/out")"
(cd "$TOP_SRCDIR/tests/data/prometheus" &&
    "$PROMTOOL" test rules tlsdeck.rules.test.yml) >"$T/out" 2>&1 ||
    fail "promtool test rules: $(cat "$T/out")"

# the units, installed by the generic rule
U=$T/units
make -s -C "$TOP_BUILDDIR" install-systemd-units DESTDIR="$T/dest" \
    systemdsystemunitdir=/units bindir=/opt/tlsdeck/bin >"$T/out" 2>&1 ||
    fail "make install-systemd-units: $(cat "$T/out")"
mv "$T/dest/units" "$U"
for f in "$TOP_SRCDIR"/contrib/systemd/*.service \
    "$TOP_SRCDIR"/contrib/systemd/*.timer; do
	n=$(basename "$f")
	[ -f "$U/$n" ] || fail "$n not installed"
	[ "$(stat -c %a "$U/$n")" = 644 ] || fail "$n: mode $(stat -c %a "$U/$n")"
	grep -q '@bindir@' "$U/$n" && fail "$n: @bindir@ left"
done
grep -q '^ExecStart=/opt/tlsdeck/bin/tlsdeck scan ' "$U/tlsdeck-scan.service" ||
    fail "ExecStart: $(grep ExecStart "$U/tlsdeck-scan.service")"
grep -q '^OnUnitActiveSec=15min$' "$U/tlsdeck-scan.timer" || fail "timer"
if command -v systemd-analyze >/dev/null; then
	# verify wants the binary to exist: point it at this build's
	for n in tlsdeck-scan.service tlsdeck-scan.timer; do
		sed "s|/opt/tlsdeck/bin/tlsdeck|$TLSDECK|" "$U/$n" >"$T/$n"
	done
	systemd-analyze verify --man=no "$T/tlsdeck-scan.service" \
	    "$T/tlsdeck-scan.timer" >"$T/out" 2>&1 ||
	    fail "systemd-analyze verify: $(cat "$T/out")"
fi

# the service's command, into another directory
cmd=$(sed -n 's/^ExecStart=//p' "$U/tlsdeck-scan.service" |
    sed "s|/opt/tlsdeck/bin/tlsdeck|$TLSDECK|; s|/var/lib/prometheus/node-exporter|$T/tf|")
mkdir -p "$T/tf"
# the roots of the host would take long: the same command on the samples
set -- $cmd
shift 2
timeout 60 "$TLSDECK" scan "$SAMPLES" "$@" >"$T/out" 2>&1 ||
    fail "the service's command: $(cat "$T/out")"
[ -s "$T/tf/tlsdeck.prom" ] || fail "no textfile"
"$PROMTOOL" check metrics <"$T/tf/tlsdeck.prom" >"$T/out" 2>&1 ||
    fail "promtool check metrics: $(cat "$T/out")"
exit 0
