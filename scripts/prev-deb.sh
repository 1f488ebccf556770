#!/bin/sh
# SPDX-License-Identifier: ISC
# make check-deploy's upgrade check: prints the path of the amd64 package
# built from the commit before HEAD, building it once per commit, in a
# throw-away worktree, into WORKDIR/prev-HASH.deb (its log beside it).
# Prints nothing when HEAD has no parent here (a shallow clone).
#   scripts/prev-deb.sh WORKDIR
set -eu
work=$1
prev=$(git rev-parse -q --verify HEAD~1 2>/dev/null) || exit 0
mkdir -p "$work"
work=$(cd "$work" && pwd)
deb="$work/prev-$prev.deb"
if [ ! -s "$deb" ]; then
	src="$work/prev-src"
	git worktree remove --force "$src" 2>/dev/null || rm -rf "$src"
	git worktree prune
	git worktree add -q --detach "$src" "$prev" >&2
	if ! make -C "$src" -j2 deb ARCH=amd64 >"$work/prev-$prev.log" 2>&1; then
		tail -20 "$work/prev-$prev.log" >&2
		echo "prev-deb: make deb at $prev failed (log: $work/prev-$prev.log)" >&2
		exit 1
	fi
	cp "$src"/build-amd64/campipe_*_amd64.deb "$deb.tmp"
	mv "$deb.tmp" "$deb"
	git worktree remove --force "$src"
fi
echo "$deb"
