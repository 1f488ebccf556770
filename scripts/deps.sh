#!/bin/sh
# SPDX-License-Identifier: ISC
# Installs the Debian packages campipe needs when run as root; otherwise
# names the missing ones and fails.  One list per make target:
#   scripts/deps.sh build|check|cross|deb|bench|fuzz|deploy|ci
# build: make and make run; check: make check (its tests' programs too);
# cross: make cross and check-cross; deb: make deb; bench: make bench;
# fuzz: make fuzz; deploy: make check-deploy; ci: everything .ci/run does.  scripts/depcheck.py
# checks that each list holds every program its target executes.
set -u
build="gcc make pkg-config git libevent-dev libturbojpeg0-dev libssl-dev libsrtp2-dev libsystemd-dev libcrypt-dev libjansson-dev libavcodec-dev libavformat-dev libavutil-dev"
check="$build clang libclang-rt-14-dev mandoc groff-base socat ffmpeg caddy gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav gstreamer1.0-nice python3-gst-1.0 gir1.2-gst-plugins-bad-1.0 vlc-bin vlc-plugin-base coturn curl procps iproute2 nginx libjpeg-turbo-progs python3 python3-pytest python3-pytest-xdist python3-prometheus-client python3-websockets python3-zeep v4l-utils ustreamer chromium chromium-driver nodejs npm systemd lintian"
bench="$check wrk strace linux-perf"
deb="$build binutils lintian"
fuzz="$build clang libclang-rt-14-dev"
deploy="$deb mmdebstrap systemd-container procps"
cross="$check gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf qemu-user file"
ci="$check $cross $deb $bench $fuzz $deploy"
case "${1:-build}" in
build) want=$build ;;
check) want=$check ;;
cross) want=$cross ;;
deb) want=$deb ;;
bench) want=$bench ;;
fuzz) want=$fuzz ;;
deploy) want=$deploy ;;
ci) want=$ci ;;
*) echo "usage: $0 build|check|cross|deb|bench|fuzz|deploy|ci" >&2; exit 2 ;;
esac
missing=""
want=$(echo $want | tr ' ' '\n' | awk '!seen[$0]++')
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
# A fresh system has no package lists yet: update first, then install.
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
	apt-get update -q >/dev/null || { echo "deps: apt-get update failed" >&2; exit 1; }
fi
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null || {
		echo "deps: apt-get install$missing failed" >&2; exit 1; }
fi
