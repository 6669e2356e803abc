#!/bin/sh
# Install what tlsdeck needs to build (and, with "test", to test) on Debian.
# Does nothing when everything is present; needs root otherwise.
pkgs="build-essential autoconf automake pkg-config libssl-dev libncurses-dev
libcyaml-dev libyaml-dev libxml2-dev libjansson-dev libcmocka-dev
libcurl4-openssl-dev tmux openssl"
[ "${1:-}" = test ] && pkgs="$pkgs openjdk-17-jdk-headless clang
libclang-rt-14-dev time python3 bc jq prometheus python3-yaml libxml2-utils
jetty9 pebble lego"
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
