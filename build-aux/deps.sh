#!/bin/sh
# Install what tlsdeck needs on Debian, and nothing else:
#   deps.sh          to build (and run demo.sh)
#   deps.sh test     to build and run the test suite (test.sh)
#   deps.sh fuzz     to build the libFuzzer targets (clang)
#   deps.sh bench    to run bench/run.sh and the ACME comparison with lego
# Does nothing when everything is present; needs root otherwise.
pkgs="build-essential autoconf automake pkg-config libssl-dev libncurses-dev
libcyaml-dev libyaml-dev libxml2-dev libjansson-dev libcmocka-dev
libcurl4-openssl-dev openssl"
case ${1:-} in
test)	# tmux drives the TUI tests, the JDK is the oracle, strace and
	# valgrind watch secrets and memory, pebble is the ACME CA; Jetty's
	# and the YAML/XML tools check the server kinds
	pkgs="$pkgs tmux openjdk-17-jdk-headless python3 jq prometheus
strace valgrind iproute2 pebble python3-yaml libxml2-utils jetty9" ;;
fuzz)	pkgs="$pkgs clang libclang-rt-14-dev" ;;
bench)	pkgs="$pkgs openjdk-17-jdk-headless ca-certificates-java pebble
lego" ;;
esac
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "missing packages:$missing (run as root to install)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
    { echo "apt-get install failed:$missing" >&2; exit 1; }
