#!/bin/sh
# SPDX-License-Identifier: ISC
# Builds a sysroot for cross-compiling campipe from Debian's own packages for
# ARCH: downloads each runtime and -dev package with apt-get download, and
# the FFmpeg libraries with everything they depend on through apt-get
# install --download-only, and unpacks them all with dpkg-deb -x.  Nothing is installed on the host and the
# host's apt configuration is left alone: apt runs on a private state
# directory (lists, cache, an empty dpkg status) with ARCH as its only
# architecture, reading the host's sources.  Absolute symlinks are made
# relative so that they point inside the sysroot.  The sysroot is rebuilt
# only when the package list, this script or the host's sources change.
#
# Usage: scripts/sysroot.sh ARCH DIR     (e.g. arm64 build-arm64/sysroot)
set -eu
arch=${1:?usage: $0 ARCH DIR}
root=${2:?usage: $0 ARCH DIR}

# What campipe links (libevent, TurboJPEG, OpenSSL, libsrtp2, libsystemd,
# libxcrypt, jansson), the C library and kernel headers, and the libraries these pull
# in at link time (libsystemd0's compressors and libgcrypt; Debian builds
# libsrtp2 on NSS, whose soft token loads SQLite when SRTP starts).
pkgs="libc6 libc6-dev linux-libc-dev libgcc-s1 libcrypt1 libcrypt-dev
libevent-2.1-7 libevent-core-2.1-7 libevent-extra-2.1-7 libevent-openssl-2.1-7
libevent-pthreads-2.1-7 libevent-dev libturbojpeg0 libturbojpeg0-dev
libssl3 libssl-dev libsystemd0 libsystemd-dev libcap2 libgcrypt20
libgpg-error0 liblz4-1 liblzma5 libzstd1 libjansson4 libjansson-dev
libsrtp2-1 libsrtp2-dev libnss3 libnspr4 libsqlite3-0"
# capd's H.264 encoder and the MP4 muxer of httpd and wsd: these with their
# whole dependency closure (some 140 packages), as apt resolves it, since
# the linker and qemu-user both need every library they pull in.
closure="libavcodec-dev libavformat-dev libavutil-dev"

stamp="$root/.campipe-sysroot"
want=$(printf '%s\n%s\n%s\n' "$arch" "$pkgs" "$closure" | tr -s ' \n' '\n\n'; md5sum <"$0"; \
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	    /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v '^#' || true)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	echo "sysroot: $root is up to date"
	exit 0
fi

mkdir -p "$root"
root=$(cd "$root" && pwd)
state="$root.apt"
rm -rf "$root" "$state"
mkdir -p "$root" "$state/lists/partial" "$state/cache/archives/partial" \
    "$state/debs/partial"
: >"$state/status"
apt="-o APT::Architecture=$arch -o APT::Architectures::=$arch
-o Dir::State::Lists=$state/lists -o Dir::State::status=$state/status
-o Dir::Cache=$state/cache -o APT::Sandbox::User=root -q"

echo "sysroot: package lists for $arch"
# A mirror in the middle of a sync may serve one index that does not match
# its Release file: try again, then go on with the indexes that did arrive
# (older versions of the same packages) and build afresh next time.
partial=""
for try in 1 2 3; do
	# shellcheck disable=SC2086
	if apt-get $apt update >"$state/update.log" 2>&1; then
		partial=""
		break
	fi
	partial=$(grep '^E: Failed to fetch' "$state/update.log" | cut -c1-200)
	[ -n "$partial" ] || break
	sleep $((try * 2))
done
if grep -q '^E:' "$state/update.log" && [ -z "$partial" ]; then
	cat "$state/update.log" >&2; echo "sysroot: apt-get update failed" >&2
	exit 1
fi
[ -z "$partial" ] || echo "sysroot: warning: going on without: $partial" >&2
echo "sysroot: downloading" $pkgs
list=""
for p in $pkgs; do list="$list $p:$arch"; done
# shellcheck disable=SC2086
(cd "$state/debs" && apt-get $apt download $list) >"$state/download.log" 2>&1 || {
	cat "$state/download.log" >&2; echo "sysroot: apt-get download failed" >&2
	exit 1; }
# The closure: apt resolves it against the empty status, so it fetches every
# dependency into the same directory (the packages above again are skipped);
# the lock files are the private state's, the host's dpkg is not touched.
echo "sysroot: downloading" $closure "and their dependencies"
list=""
for p in $closure; do list="$list $p:$arch"; done
# shellcheck disable=SC2086
apt-get $apt -o Dir::State="$state" -o Dir::State::Lists="$state/lists" \
    -o Dir::State::status="$state/status" \
    -o Dir::Cache::archives="$state/debs" --download-only \
    --no-install-recommends -y install $list >"$state/closure.log" 2>&1 || {
	cat "$state/closure.log" >&2; echo "sysroot: apt-get install --download-only failed" >&2
	exit 1; }
# Each package's file list and shlibs file go where dpkg keeps them on an
# installed system: make deb maps the binaries' NEEDED entries to packages
# with them, as on the host.
mkdir -p "$root/var/lib/dpkg/info"
for d in "$state"/debs/*.deb; do
	dpkg-deb -x "$d" "$root"
	rm -rf "$state/ctrl"
	dpkg-deb -e "$d" "$state/ctrl"
	info="$root/var/lib/dpkg/info/$(dpkg-deb -f "$d" Package):$arch"
	dpkg-deb --fsys-tarfile "$d" | tar -t | sed 's,^\.,,; s,/$,,' |
	    grep . >"$info.list"
	if [ -f "$state/ctrl/shlibs" ]; then
		cp "$state/ctrl/shlibs" "$info.shlibs"
	fi
done
rm -rf "$root/usr/share/doc" "$root/usr/share/man"

# /lib and friends are symlinks into /usr on bookworm (merged /usr); the
# packages ship files under both, so make the links as the base system has.
for d in lib bin sbin; do
	if [ -d "$root/$d" ] && [ ! -L "$root/$d" ]; then
		mkdir -p "$root/usr/$d"
		cp -a "$root/$d/." "$root/usr/$d/"
		rm -rf "${root:?}/$d"
	fi
	mkdir -p "$root/usr/$d"
	ln -sfn "usr/$d" "$root/$d"
done

# An absolute link (libfoo.so -> /lib/ARCH/libfoo.so.1) would point into the
# host: rewrite each as a relative one inside the sysroot.
find "$root" -type l | while read -r l; do
	t=$(readlink "$l")
	case $t in /*) ;; *) continue ;; esac
	dir=$(dirname "${l#"$root"}")
	rel=$(/usr/bin/python3 -c 'import os,sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$t" "$dir")
	ln -sfn "$rel" "$l"
done
# A link that still leads nowhere is a missing package: say which.
bad=$(find -L "$root" -type l 2>/dev/null | sed "s,^$root,," || true)
if [ -n "$bad" ]; then
	echo "sysroot: dangling links:" $bad >&2
	exit 1
fi

rm -rf "$state/cache" "$state/lists" "$state/debs" "$state/ctrl"
# A sysroot made without every index is rebuilt on the next run.
if [ -n "$partial" ]; then want="$want
partial"; fi
printf '%s\n' "$want" >"$stamp"
echo "sysroot: $root ready ($(du -sh "$root" | cut -f1))"
