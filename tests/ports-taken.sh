#!/bin/sh
# SPDX-License-Identifier: ISC
# ports-taken.sh CMD... -- run CMD while a foreign TLS server holds the
# ports a Java web server takes: 8443 and 443 on every address (0.0.0.0 and
# ::), 8080 on 127.0.0.1 only.  Each one answers TLS with a throwaway
# self-signed certificate for CN=foreign.invalid.  A suite that passes
# under this neither listens on those ports nor probes them by accident
# (docs/testing.md, "The no-fixed-port rule").  Exits with CMD's status.
#
# As root CMD runs in a network namespace of its own (unshare -n, loopback
# up), so the listeners disturb nothing else on the host.  Otherwise they
# hold the host's 8443 and 8080 while CMD runs (443 needs root), and a port
# that something else already holds counts as taken.
set -u
if [ "$(id -u)" = 0 ] && [ -z "${PORTS_TAKEN_NS:-}" ] &&
    unshare -n true 2>/dev/null; then
	PORTS_TAKEN_NS=1 exec unshare -n sh "$0" "$@"
fi
if [ -n "${PORTS_TAKEN_NS:-}" ]; then
	ip link set lo up || exit 1
fi
d=$(mktemp -d "${TMPDIR:-/tmp}/tlsdeck-ports.XXXXXX") || exit 1
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$d/key.pem" -out "$d/cert.pem" -days 2 \
    -subj /CN=foreign.invalid >/dev/null 2>&1 || {
	echo "ports-taken: openssl cannot make a certificate" >&2; exit 1; }
# hold ADDRESS PORT [-6]: a TLS server there for as long as CMD can run.
hold() {
	timeout 7200 openssl s_server -accept "$1:$2" ${3:-} \
	    -cert "$d/cert.pem" -key "$d/key.pem" -www -quiet \
	    </dev/null >/dev/null 2>&1 &
	pids="$pids $!"
}
ports="8443 8080"
[ "$(id -u)" = 0 ] && ports="443 $ports"
for p in $ports; do
	case $p in
	8080)	hold 127.0.0.1 $p ;;
	*)	hold 0.0.0.0 $p
		hold '[::]' $p -6 ;;
	esac
done
# Every port listens (ours, or what held it already) within 10 s.
for p in $ports; do
	i=0
	until [ -n "$(ss -Hltn "sport = :$p")" ]; do
		i=$((i + 1))
		[ $i -le 200 ] || {
			echo "ports-taken: nothing listens on $p" >&2; exit 1; }
		sleep 0.05
	done
done
echo "ports-taken: TLS listeners on $ports${PORTS_TAKEN_NS:+ (own network namespace)}"
"$@"
