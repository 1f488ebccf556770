#!/bin/sh
# SPDX-License-Identifier: ISC
# Takes the README's screenshot of the viewer from the real page: starts
# the system from BUILD on the test pattern (scripts/run.sh) on ports and
# in a folder of its own, and has Chromium photograph the page once frames
# flow (tests/browser/screenshot.mjs).  Usage: scripts/screenshot.sh BUILD OUT.png
# Environment: PORT (18480), RTSP_PORT (18554), RTSP_UDP_PORT (18600).
set -eu
build=${1:?usage: scripts/screenshot.sh BUILD OUT.png}
out=${2:?usage: scripts/screenshot.sh BUILD OUT.png}
port=${PORT:-18480}
dir=$(mktemp -d "${TMPDIR:-/tmp}/campipe-screenshot.XXXXXX")
log=$dir/run.log
RUN_DIR=$dir PORT=$port RTSP_PORT=${RTSP_PORT:-18554} \
    RTSP_UDP_PORT=${RTSP_UDP_PORT:-18600} SIZE=640x480 \
    scripts/run.sh "$build" >"$log" 2>&1 &
run=$!
trap 'kill $run 2>/dev/null; wait $run 2>/dev/null || true; rm -rf "$dir"' EXIT
n=0
until grep -q 'campipe is running' "$log"; do
	if ! kill -0 $run 2>/dev/null || [ $n -ge 200 ]; then
		cat "$log" >&2
		echo "screenshot: the system did not start" >&2
		exit 1
	fi
	sleep 0.1
	n=$((n + 1))
done
node tests/browser/screenshot.mjs "http://127.0.0.1:$port/" "$out"
