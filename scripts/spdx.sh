#!/bin/sh
# SPDX-License-Identifier: ISC
# Every source file of campipe carries the line "SPDX-License-Identifier: ISC"
# in its first lines.  Usage: scripts/spdx.sh check|add
#   check  names each tracked source file without it and fails
#   add    adds it, in the comment style of the file's language
set -u
cd "$(dirname "$0")/.." || exit 1
tag="SPDX-License-Identifier: ISC"

# The tracked source files: code, scripts, pages, units, manual pages.
sources() {
	git ls-files -- '*.c' '*.h' '*.py' '*.sh' '*.mjs' '*.js' '*.css' \
	    '*.html' '*.mk' 'Makefile' 'man/*' 'systemd/*' 'pkg/debian/post*' \
	    'pkg/debian/pre*' '.ci/run'
}

# Prints the comment line for file $1.
line_for() {
	case $1 in
	*.c|*.h|*.css) echo "/* $tag */" ;;
	*.mjs|*.js) echo "// $tag" ;;
	*.html) echo "<!-- $tag -->" ;;
	man/*) echo ".\\\" $tag" ;;
	*) echo "# $tag" ;;
	esac
}

# Adds the line to file $1: after a "#!" or "<!doctype" first line, else first.
add_one() {
	l=$(line_for "$1")
	first=$(head -n 1 "$1")
	case $first in
	'#!'*|'<!doctype'*|'<!DOCTYPE'*)
		{ echo "$first"; echo "$l"; tail -n +2 "$1"; } > "$1.spdx" ;;
	*)
		{ echo "$l"; cat "$1"; } > "$1.spdx" ;;
	esac
	chmod --reference="$1" "$1.spdx" && mv "$1.spdx" "$1"
}

case "${1:-check}" in
check)
	missing=0
	for f in $(sources); do
		head -n 3 "$f" | grep -q "$tag" && continue
		echo "spdx: $f: no \"$tag\" in its first lines" >&2
		missing=$((missing + 1))
	done
	[ "$missing" -eq 0 ] || { echo "spdx: $missing files (scripts/spdx.sh add)" >&2; exit 1; }
	;;
add)
	for f in $(sources); do
		head -n 3 "$f" | grep -q "$tag" || add_one "$f"
	done
	;;
*)
	echo "usage: $0 check|add" >&2; exit 2 ;;
esac
