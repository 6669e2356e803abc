#!/bin/sh
# Install what tlsdeck needs on Debian, and nothing else:
#   deps.sh          to build (and run demo.sh)
#   deps.sh test     to build and run the test suite (test.sh)
#   deps.sh fuzz     to build the libFuzzer targets (clang)
#   deps.sh bench    to run bench/run.sh and the ACME comparison with lego
# Does nothing when everything is present; needs root otherwise.
pkgs="build-essential autoconf automake pkg-config libssl-dev libncurses-dev
libcyaml-dev libyaml-dev libxml2-dev zlib1g-dev libjansson-dev libcmocka-dev
libcurl4-openssl-dev openssl"
case ${1:-} in
test)	# tmux drives the TUI tests, the JDK is the oracle, strace and
	# valgrind watch secrets and memory, pebble is the ACME CA; Jetty's
	# and Tomcat's packages (tomcat10-admin: the manager's sslReload) and
	# the YAML/XML tools check the server kinds; node_exporter, curl and
	# ansible-core run the fleet's engines
	pkgs="$pkgs tmux openjdk-17-jdk-headless python3 jq prometheus
strace valgrind iproute2 pebble python3-yaml libxml2-utils jetty9
tomcat10 tomcat10-admin prometheus-node-exporter curl ansible-core" ;;
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
# No service starts during the install: prometheus would listen on 9090 and
# prometheus-node-exporter on 9100 (the tests start their own on free
# ports).  invoke-rc.d asks policy-rc.d; 101 means "action forbidden".
prc=/usr/sbin/policy-rc.d
saved=
if [ -e "$prc" ]; then
	saved=$(mktemp /usr/sbin/policy-rc.d.XXXXXX) && cp -p "$prc" "$saved"
fi
printf '#!/bin/sh\nexit 101\n' >"$prc" && chmod 755 "$prc"
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null
rc=$?
if [ -n "$saved" ]; then mv -f "$saved" "$prc"; else rm -f "$prc"; fi
[ $rc = 0 ] || { echo "apt-get install failed:$missing" >&2; exit 1; }
