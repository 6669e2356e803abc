# SPDX-License-Identifier: ISC
# tests/acme/lib.sh -- Debian's pebble (an RFC 8555 test CA) and
# pebble-challtestsrv (its DNS server) on free loopback ports.
#
#   . "$TOP_SRCDIR/tests/lib.sh"
#   . "$TOP_SRCDIR/tests/acme/lib.sh"
#   pebble_start [VAR=VALUE...]    environment for pebble, e.g.
#                                  PEBBLE_WFE_NONCEREJECT=50
#   acme -d a.tlsdeck.test --http-port "$PB_HTTP" ...
#   pebble_stop                    (also from the EXIT trap)
#
# The CA's own HTTPS listener gets a certificate from a throwaway test CA
# made here with openssl ($PB_CA, given to tlsdeck as --ca-file): Debian's
# pebble ships no test certificates.  challtestsrv answers every A query
# with 127.0.0.1 (and no AAAA), so every name the tests use is loopback;
# pebble validates http-01 on $PB_HTTP, where tlsdeck (or a web server
# over a web root) listens, and dns-01 through challtestsrv's TXT records
# ($CTS_MGMT is its management API: /set-txt, /clear-txt).
# Every process runs under timeout(1) and is stopped by its PID.

command -v openssl >/dev/null 2>&1 || skip "openssl missing"
. "$TOP_SRCDIR/tests/netlib.sh"

# Account keys go here, never into the real state directory.
export TLSDECK_ACME_DIR="$T/acme-state"
export TLSDECK_BACKUP_DIR="$T/backups"
PB_PIDS=
PB_EAB_KEY=zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W

acme_cleanup() {
	pebble_stop
	net_cleanup
	rm -rf "$T"
}
trap acme_cleanup EXIT
trap 'exit 99' INT TERM HUP

# The test CA and the certificate of pebble's listener (127.0.0.1).
pebble_pki() {
	[ -f "$T/pki/ca.pem" ] && return 0
	mkdir -p "$T/pki" || return 1
	(
		cd "$T/pki" &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout ca.key -out ca.pem -subj "/CN=tlsdeck test CA" \
		    -days 2 -addext basicConstraints=critical,CA:TRUE \
		    -addext keyUsage=critical,keyCertSign,cRLSign &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		    -keyout key.pem -out srv.csr -subj /CN=127.0.0.1 &&
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
		    >ext &&
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
		    -set_serial 1 -days 2 -extfile ext -out cert.pem
	) >"$T/pki.log" 2>&1 || { cat "$T/pki.log"; return 1; }
	PB_CA=$T/pki/ca.pem
}

# pb_port VAR: a free port into VAR (netlib's freeport in this shell, so
# that each call starts elsewhere, and never one handed out before).
PB_TAKEN=
pb_port() {
	nports=$((nports + 1))
	_p=$((20000 + ($$ * 131 + nports * 977) % 40000))
	while used "$_p" || case " $PB_TAKEN " in *" $_p "*) true ;;
	    *) false ;; esac; do
		_p=$((_p + 1))
	done
	PB_TAKEN="$PB_TAKEN $_p"
	eval "$1=$_p"
}

# pb_bg CMD...: a background process of ours (its PID in PB_PIDS), at
# most 10 minutes (a loaded machine makes these tests slow).
pb_bg() {
	timeout 600 "$@" &
	PB_PIDS="$PB_PIDS $!"
	last=$!
}

# pebble_start [VAR=VALUE...]: challtestsrv, then pebble (PB_EAB=true:
# new accounts need the external account binding of key id "kid-1",
# MAC key $PB_EAB_KEY); sets PB_DIR
# (the directory URL), PB_CA, PB_PORT, PB_MGMT, PB_HTTP, CTS_DNS,
# CTS_MGMT.  Fails the test when they do not come up in five tries.
pebble_start() {
	command -v pebble >/dev/null 2>&1 || skip "pebble not installed"
	command -v pebble-challtestsrv >/dev/null 2>&1 ||
	    skip "pebble-challtestsrv not installed"
	pebble_pki || fail "cannot make the test CA"
	for _try in 1 2 3 4 5; do
		pb_port CTS_DNS
		pb_port CTS_MGMT
		pb_bg pebble-challtestsrv -defaultIPv4 127.0.0.1 \
		    -defaultIPv6 "" -dns01 "127.0.0.1:$CTS_DNS" -http01 "" \
		    -https01 "" -tlsalpn01 "" -management "127.0.0.1:$CTS_MGMT" \
		    >"$T/challtestsrv.log" 2>&1
		CTS_PID=$last
		if wait_listen "$CTS_MGMT" && wait_listen_udp "$CTS_DNS"; then
			break
		fi
		kill "$CTS_PID" 2>/dev/null
		wait "$CTS_PID" 2>/dev/null
		CTS_PID=
	done
	[ -n "$CTS_PID" ] || fail "pebble-challtestsrv did not start"
	for _try in 1 2 3 4 5; do
		pb_port PB_PORT
		pb_port PB_MGMT
		pb_port PB_HTTP
		pb_port PB_TLS
		cat >"$T/pebble.json" <<EOF
{
  "pebble": {
    "listenAddress": "127.0.0.1:$PB_PORT",
    "managementListenAddress": "127.0.0.1:$PB_MGMT",
    "certificate": "$T/pki/cert.pem",
    "privateKey": "$T/pki/key.pem",
    "httpPort": $PB_HTTP,
    "tlsPort": $PB_TLS,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": ${PB_EAB:-false},
    "externalAccountMACKeys": {
      "kid-1": "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"
    }
  }
}
EOF
		pb_bg env PEBBLE_VA_NOSLEEP=1 PEBBLE_VA_ALWAYS_VALID=0 \
		    PEBBLE_WFE_NONCEREJECT=0 "$@" pebble -config "$T/pebble.json" \
		    -dnsserver "127.0.0.1:$CTS_DNS" >"$T/pebble.log" 2>&1
		PB_PID=$last
		if wait_listen "$PB_PORT" && wait_listen "$PB_MGMT"; then
			PB_DIR=https://127.0.0.1:$PB_PORT/dir
			return 0
		fi
		kill "$PB_PID" 2>/dev/null
		wait "$PB_PID" 2>/dev/null
		PB_PID=
	done
	cat "$T/pebble.log"
	fail "pebble did not start"
}

# fake_start: tests/acme/fake-acme.py on a free port ($FP), its leaf
# answer the test CA's server certificate.
fake_start() {
	pebble_pki || fail "cannot make the test CA"
	for _try in 1 2 3 4 5; do
		pb_port FP
		pb_bg python3 "$TOP_SRCDIR/tests/acme/fake-acme.py" "$FP" \
		    "$T/pki/cert.pem" "$T/pki/key.pem" "$T/pki/cert.pem" \
		    >"$T/fake.log" 2>&1
		wait_listen "$FP" && return 0
		kill "$last" 2>/dev/null
		wait "$last" 2>/dev/null
	done
	cat "$T/fake.log"
	fail "the fake ACME server did not start"
}

# wait_listen_udp PORT: until a UDP socket is bound there (10 s).
wait_listen_udp() {
	_i=0
	while [ -z "$(ss -Hlun "sport = :$1" 2>/dev/null)" ]; do
		_i=$((_i + 1))
		[ "$_i" -le 200 ] || return 2
		kill -0 "$last" 2>/dev/null || return 1
		sleep 0.05
	done
}

# pebble_stop: pebble and challtestsrv (and anything else pb_bg ran).
pebble_stop() {
	for _p in $PB_PIDS; do
		kill "$_p" 2>/dev/null
	done
	for _p in $PB_PIDS; do
		wait "$_p" 2>/dev/null
	done
	PB_PIDS=
}

# acme ARGS...: tlsdeck acme against pebble, bounded; stdout in $out,
# stderr in $T/err, exit code in $rc.
acme() {
	out=$(timeout 120 "$TLSDECK" acme --directory "$PB_DIR" \
	    --ca-file "$PB_CA" "$@" 2>"$T/err")
	rc=$?
}
# acme_ok WHAT ARGS...: acme, which must succeed.
acme_ok() {
	_what=$1
	shift
	acme "$@"
	[ "$rc" = 0 ] || { cat "$T/err"; fail "$_what: exit $rc"; }
}
# one_line WHAT PATTERN: stderr is exactly one line and matches.
one_line() {
	[ "$(wc -l <"$T/err")" = 1 ] ||
	    { cat "$T/err"; fail "$1: not one line on stderr"; }
	grep -q -- "$2" "$T/err" ||
	    { cat "$T/err"; fail "$1: stderr does not say '$2'"; }
}
# pebble_root: the CA's root (PEM) from its management interface.
pebble_root() {
	curl -sf --cacert "$PB_CA" "https://127.0.0.1:$PB_MGMT/roots/${1:-0}"
}
# chain_ok FILE NAME: the PEM chain verifies against pebble's root, for
# NAME.
chain_ok() {
	pebble_root >"$T/root.pem" || fail "no root from pebble"
	openssl verify -CAfile "$T/root.pem" -untrusted "$1" \
	    -verify_hostname "$2" "$1" >"$T/verify" 2>&1 ||
	    { cat "$T/verify"; fail "$1 does not verify for $2"; }
}
