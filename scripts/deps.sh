#!/bin/sh
# SPDX-License-Identifier: ISC
# Installs the Debian packages campipe needs when run as root; otherwise
# names the missing ones and fails.  Usage: scripts/deps.sh build|check|bench|cross
# (cross: the toolchains and qemu-user for make cross, check-cross and deb).
set -u
build="gcc make pkg-config libevent-dev libturbojpeg0-dev libssl-dev libsystemd-dev libcrypt-dev libjansson-dev libavcodec-dev libavformat-dev libavutil-dev"
check="$build clang libclang-rt-14-dev mandoc groff-base socat ffmpeg curl libjpeg-turbo-progs python3 python3-pytest python3-prometheus-client python3-websockets v4l-utils ustreamer chromium chromium-driver nodejs npm systemd lintian"
bench="$check wrk nginx-light"
cross="$check gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf qemu-user file"
case "${1:-build}" in
build) want=$build ;;
check) want=$check ;;
bench) want=$bench ;;
cross) want=$cross ;;
*) echo "usage: $0 build|check|bench|cross" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
	# Node.js may come from elsewhere with npm inside: the commands suffice.
	case $p in
	nodejs) command -v node >/dev/null && continue ;;
	npm) command -v npm >/dev/null && continue ;;
	esac
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
	[ "$s" = "installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null; then
	apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null || {
		echo "deps: apt-get install$missing failed" >&2; exit 1; }
fi
