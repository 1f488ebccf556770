#!/bin/sh
# SPDX-License-Identifier: ISC
# Turns a staged "make install DESTDIR=STAGE PREFIX=/usr" into a Debian
# binary package with dpkg-deb --build.  Depends: is read from the
# binaries: each NEEDED library (readelf -d) is looked up in the shlibs
# file of the package that ships it, as dpkg-shlibdeps does, in ROOT (the
# sysroot of another architecture, whose dpkg file lists and shlibs files
# scripts/sysroot.sh kept; empty for the host), plus systemd for sysusers
# and tmpfiles, and passwd for the userdel and groupdel of postrm's purge
# (Priority: required, but not Essential: a minimal root lacks it).
#
# Usage: scripts/deb.sh ARCH STAGE OUTDIR VERSION TRIPLET [ROOT]
#        scripts/deb.sh --version     the package version, from git describe
# Environment: STRIP (a strip for ARCH), DEB_MAINTAINER.
set -eu

# A tag vX.Y gives X.Y (X.Y+gitN.gHASH N commits past it); with no tag,
# 0~gitN.gHASH (N commits in all), so a first tag sorts above; "+dirty"
# marks uncommitted changes.
if [ "${1:-}" = --version ]; then
	if v=$(git describe --tags --match 'v[0-9]*' 2>/dev/null); then
		v=$(echo "${v#v}" | sed 's/-\([0-9]*\)-g/+git\1.g/')
	else
		v="0~git$(git rev-list --count HEAD 2>/dev/null || echo 0).g$(git rev-parse --short HEAD 2>/dev/null || echo 0)"
	fi
	git diff --quiet HEAD 2>/dev/null || v="$v+dirty"
	echo "$v"
	exit 0
fi
arch=$1 stage=$2 outdir=$3 version=$4 triplet=$5 root=${6:-}
info="$root/var/lib/dpkg/info"
strip=${STRIP:-strip}
maint=${DEB_MAINTAINER:?DEB_MAINTAINER is empty}
here=$(cd "$(dirname "$0")/.." && pwd)
doc="$stage/usr/share/doc/campipe"

# Binaries without their symbols; every file root's and world-readable.
for f in "$stage"/usr/bin/*; do
	"$strip" --strip-unneeded --remove-section=.comment \
	    --remove-section=.note "$f"
done
install -m 0644 "$here/pkg/debian/copyright" "$doc/copyright"
# Manual pages compressed, as Debian ships them.
if [ -d "$stage/usr/share/man" ]; then
	find "$stage/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9nf {} +
fi
date=$(git -C "$here" log -1 --format=%aD 2>/dev/null || date -R)
printf 'campipe (%s) bookworm; urgency=medium\n\n  * Built from git %s.\n\n -- %s  %s\n' \
    "$version" "$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo -)" \
    "$maint" "$date" | gzip -9n >"$doc/changelog.gz"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -path '*/usr/bin/*' -exec chmod 0644 {} +

# sonames -> "package (>= version)" as dpkg-shlibdeps finds it: the file
# the soname resolves to in ROOT's library directories, the package whose
# file list holds it, and that package's shlibs line for the soname.
needed=$(for f in "$stage"/usr/bin/*; do
	readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
done | sort -u)
[ -n "$needed" ] || { echo "deb: no NEEDED libraries found" >&2; exit 1; }
deps=""
for so in $needed; do
	case $so in
	*.so.*) name=${so%%.so.*} ver=${so#*.so.} ;;
	*-[0-9]*.so) name=${so%-*} ver=${so##*-}; ver=${ver%.so} ;;
	*) echo "deb: cannot read soname $so" >&2; exit 1 ;;
	esac
	path=""
	for d in /lib/$triplet /usr/lib/$triplet /lib /usr/lib; do
		if [ -e "$root$d/$so" ]; then path="$d/$so"; break; fi
	done
	[ -n "$path" ] || { echo "deb: $so not found under $root/" >&2; exit 1; }
	# Merged /usr: dpkg lists a file under either of its two names.
	alt=${path#/usr}
	[ "$alt" != "$path" ] || alt="/usr$path"
	list=$(grep -lxF -e "$path" -e "$alt" "$info"/*.list 2>/dev/null | head -1)
	[ -n "$list" ] || { echo "deb: no package in $info ships $path" >&2; exit 1; }
	pkg=$(basename "$list" .list)
	dep=$(awk -v n="$name" -v v="$ver" '$1 == n && $2 == v {
	    $1 = ""; $2 = ""; sub(/^  */, ""); print; exit }' \
	    "$info/$pkg.shlibs" 2>/dev/null)
	if [ -z "$dep" ]; then
		echo "deb: $pkg has no shlibs entry for $so" >&2
		exit 1
	fi
	deps="$deps$dep
"
done
depends=$(printf '%ssystemd\npasswd\n' "$deps" | sort -u | paste -sd, - | sed 's/,/, /g')

mkdir -p "$stage/DEBIAN"
for s in postinst prerm postrm; do
	install -m 0755 "$here/pkg/debian/$s" "$stage/DEBIAN/$s"
done
(cd "$stage" && find etc -type f | sed 's,^,/,' | sort) >"$stage/DEBIAN/conffiles"
(cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) \
    >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/conffiles" "$stage/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<EOF
Package: campipe
Version: $version
Architecture: $arch
Maintainer: $maint
Installed-Size: $size
Depends: $depends
Section: video
Priority: optional
Description: camera server for the Raspberry Pi
 Small daemons joined by sockets: campipe-capd owns the camera (V4L2, a
 command such as rpicam-vid, a file or a test pattern) and publishes JPEG
 frames on a Unix socket; campipe-httpd serves stills, an MJPEG stream,
 the viewer pages, status and metrics; campipe-wsd relays frames to
 browsers over WebSocket; campipe-rtspd serves the cameras' H.264 over
 RTSP to NVRs and players; campipe-rtcd serves it over WebRTC to browsers
 and WHEP players.
 .
 The systemd units are installed but neither enabled nor started:
 set the camera in /etc/default/campipe, then
 "systemctl enable --now campipe.target".
EOF
mkdir -p "$outdir"
out="$outdir/campipe_${version}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "deb: $out"
echo "deb: Depends: $depends"
