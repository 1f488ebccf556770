#!/bin/sh
# Turns a staged "make install DESTDIR=STAGE PREFIX=/usr" into a Debian
# binary package with dpkg-deb --build.  Depends: is read from the
# binaries: each NEEDED library (readelf -d) is looked up in the shlibs
# files of the packages that ship it, as dpkg-shlibdeps does (the host's
# /var/lib/dpkg/info for the host's architecture, the sysroot's for
# another), plus systemd for sysusers and tmpfiles.
#
# Usage: scripts/deb.sh ARCH STAGE OUTDIR VERSION SHLIBSDIR
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
arch=$1 stage=$2 outdir=$3 version=$4 shlibs=$5
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
date=$(git -C "$here" log -1 --format=%aD 2>/dev/null || date -R)
printf 'campipe (%s) bookworm; urgency=medium\n\n  * Built from git %s.\n\n -- %s  %s\n' \
    "$version" "$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo -)" \
    "$maint" "$date" | gzip -9n >"$doc/changelog.gz"
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -path '*/usr/bin/*' -exec chmod 0644 {} +

# sonames -> "package (>= version)", from the shlibs files.
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
	dep=$(cat "$shlibs"/*.shlibs 2>/dev/null | awk -v n="$name" -v v="$ver" \
	    '$1 == n && $2 == v { $1 = ""; $2 = ""; sub(/^  */, ""); print; exit }')
	if [ -z "$dep" ]; then
		echo "deb: no package in $shlibs ships $so" >&2
		exit 1
	fi
	deps="$deps$dep
"
done
depends=$(printf '%ssystemd\n' "$deps" | sort -u | paste -sd, - | sed 's/,/, /g')

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
 browsers over WebSocket.
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
