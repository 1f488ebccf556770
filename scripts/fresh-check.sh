#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs CI as a newcomer's machine would: makes a new Debian 12 root with
# mmdebstrap (the essential packages, apt and git, nothing else), clones
# this repository's HEAD into it, and runs "bash .ci/run" there under
# systemd-nspawn, so that every package CI needs must come from
# scripts/deps.sh.  Prints how long it took and which packages the run
# installed.  Needs root, mmdebstrap and systemd-container; not part of CI.
#
# Usage: sudo scripts/fresh-check.sh [DIR]   (default /var/tmp/campipe-fresh;
#        DIR is removed first; DIR/ci.log keeps the output)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/var/tmp/campipe-fresh}
root=$dir/root
[ "$(id -u)" -eq 0 ] || { echo "fresh-check: run as root" >&2; exit 2; }
for c in mmdebstrap systemd-nspawn; do
	command -v $c >/dev/null || { echo "fresh-check: needs $c (apt-get install mmdebstrap systemd-container)" >&2; exit 2; }
done
rm -rf "$dir"
mkdir -p "$dir"
t0=$(date +%s)
mmdebstrap --quiet --variant=apt --include=git,ca-certificates bookworm "$root"
# The machine's own extra certificate authorities (a proxy that inspects
# TLS), so that npm reaches its registry from the root as from the host.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	chroot "$root" update-ca-certificates >/dev/null
fi
git clone -q --no-hardlinks "$here" "$root/root/campipe"
chroot "$root" dpkg-query -W -f='${Package}\n' | sort >"$dir/before"
t1=$(date +%s)
rc=0
# Root in the container lacks CAP_IPC_LOCK and CAP_NET_ADMIN unless given
# them, as root on a machine has them: without the first libgcrypt (pulled
# in by libavformat's libssh) warns "using insecure memory" on stderr in
# every program that links it; without the second make check-deploy's own
# container gets no loopback.
systemd-nspawn --quiet --register=no --keep-unit --console=pipe \
    --capability=CAP_IPC_LOCK,CAP_NET_ADMIN -D "$root" \
    --chdir=/root/campipe bash .ci/run >"$dir/ci.log" 2>&1 </dev/null || rc=$?
t2=$(date +%s)
chroot "$root" dpkg-query -W -f='${Package}\n' | sort >"$dir/after"
new=$(comm -13 "$dir/before" "$dir/after" | wc -l)
tail -5 "$dir/ci.log"
echo "fresh-check: root made and cloned in $((t1 - t0)) s;" \
    ".ci/run took $((t2 - t1)) s and exited $rc; it installed $new packages" \
    "(list: $dir/installed)"
comm -13 "$dir/before" "$dir/after" >"$dir/installed"
exit $rc
