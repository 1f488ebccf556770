#!/bin/sh
# SPDX-License-Identifier: ISC
# Starts the whole system from the build tree on the test pattern, prints
# the URL, and stops everything on Ctrl-C.  Usage: scripts/run.sh BUILD
# One port: httpd hands WebSocket upgrades to wsd over a Unix socket
# (docs/handoff.md).  Environment: HOST (default 127.0.0.1), PORT (8080),
# SOURCE (test), SIZE (640x480), FPS (30); WS_PORT=8081 gives wsd a TCP port
# of its own as well and points the page there (the two-port setup).
# CAMERAS (1): with N > 1, N test-pattern cameras cam1..camN, each its own
# capd, behind one httpd and one wsd: /cam/camK/ and the grid page /grid.html.
# rtspd serves the cameras' H.264 on HOST:RTSP_PORT (8554), RTP over UDP
# from the first free pair of ports from RTSP_UDP_PORT (8000) up.
# rtcd serves WebRTC, its signalling through httpd (POST /whep), its media
# on HOST and the first free UDP port from WEBRTC_PORT (8555) up.
# PASSWORD=... makes a password file with one user, ADMIN (default admin),
# who may change settings; every daemon then asks for it.  RUN_DIR
# (BUILD/run) holds the sockets and the password file.
set -u
build=${1:-build}
host=${HOST:-127.0.0.1}
port=${PORT:-8080}
wsport=${WS_PORT:-}
rtspport=${RTSP_PORT:-8554}
run=${RUN_DIR:-$build/run}
mkdir -p "$run"
sock=$run/frames.sock
handoff=$run/wsd.sock
rtchandoff=$run/rtcd.sock
pids=""
cleanup() {
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null
	echo "campipe stopped"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

cameras=${CAMERAS:-1}
case $cameras in
''|*[!0-9]*|0) echo "CAMERAS: a number from 1 to 16, not \"$cameras\"" >&2; exit 2;;
esac
[ "$cameras" -le 16 ] || { echo "CAMERAS: at most 16" >&2; exit 2; }
camargs=""
if [ "$cameras" -eq 1 ]; then
	"$build/campipe-capd" --frames "$sock" --source "${SOURCE:-test}" \
	    --size "${SIZE:-640x480}" --fps "${FPS:-30}" &
	pids="$pids $!"
	camargs="--frames $sock --h264 $run/h264.sock"
else
	i=1
	while [ "$i" -le "$cameras" ]; do
		mkdir -p "$run/cam$i"
		"$build/campipe-capd" --frames "$run/cam$i/frames.sock" \
		    --source "${SOURCE:-test}" --size "${SIZE:-640x480}" \
		    --fps "${FPS:-30}" &
		pids="$pids $!"
		camargs="$camargs --camera cam$i=$run/cam$i/frames.sock"
		# H.264 is the default camera's (the first): docs/cameras.md.
		[ "$i" -eq 1 ] && camargs="$camargs --h264 $run/cam1/h264.sock"
		i=$((i + 1))
	done
fi
# A password for trying it out: one admin in a password file of the run.
authargs=""
if [ -n "${PASSWORD:-}" ]; then
	admin=${ADMIN:-admin}
	printf '%s\n' "$PASSWORD" | "$build/campipe-passwd" "$admin" \
	    >"$run/htpasswd" || exit 2
	authargs="--htpasswd $run/htpasswd"
fi
sleep 0.3
# The first even UDP port from $1 up that, with the one above it, no
# socket holds (/proc/net/udp*: the local port is hex after the colon);
# with $2 = 1, the first free port from $1 up.
free_udp_pair() {
	used=" "
	for f in /proc/net/udp /proc/net/udp6; do
		[ -r "$f" ] || continue
		while read -r _ local _; do
			case $local in
			*:*) used="$used$((0x${local##*:})) " ;;
			esac
		done <"$f"
	done
	p=$(($1 - $1 % ${2:-2}))
	while case $used in *" $p "*|*" $((p + ${2:-2} - 1)) "*) true ;; *) false ;; esac; do
		p=$((p + ${2:-2}))
	done
	echo "$p"
}
# True when a socket listens on TCP port $1 (/proc/net/tcp*: state 0A).
listening() {
	for f in /proc/net/tcp /proc/net/tcp6; do
		[ -r "$f" ] || continue
		while read -r _ local _ st _; do
			case $local in
			*:*) [ "$st" = 0A ] && [ "$((0x${local##*:}))" = "$1" ] && return 0 ;;
			esac
		done <"$f"
	done
	return 1
}
rtsp=""
if [ -x "$build/campipe-rtspd" ]; then
	udp=$(free_udp_pair "${RTSP_UDP_PORT:-8000}")
	"$build/campipe-rtspd" $camargs $authargs --listen "$host:$rtspport" \
	    --udp-port "$udp" &
	pids="$pids $!"
	rtsp="rtsp://$host:$rtspport/"
	[ "$cameras" -gt 1 ] && rtsp="$rtsp (camera K: ${rtsp}cam/camK)"
fi
rtc=""
if [ -x "$build/campipe-rtcd" ]; then
	rtcport=$(free_udp_pair "${WEBRTC_PORT:-8555}" 1)
	"$build/campipe-rtcd" $camargs --handoff "$rtchandoff" \
	    --webrtc-listen "$host:$rtcport" &
	pids="$pids $!"
	rtc="--rtc-handoff $rtchandoff"
fi
if [ -x "$build/campipe-wsd" ]; then
	"$build/campipe-wsd" $camargs $authargs \
	    ${authargs:+--token-key "$run/token.key"} --handoff "$handoff" \
	    ${wsport:+--listen "$host:$wsport"} &
	pids="$pids $!"
fi
if [ -x "$build/campipe-httpd" ]; then
	"$build/campipe-httpd" $camargs $authargs \
	    ${authargs:+--token-key "$run/token.key" --admin "$admin"} \
	    --listen "$host:$port" --www www --ws-handoff "$handoff" $rtc \
	    ${wsport:+--ws-port "$wsport"} &
	pids="$pids $!"
	# Up to 10 s for the ports to answer (a loaded machine is slow).
	n=0
	while [ $n -lt 100 ] && ! { listening "$port" &&
	    { [ -z "$rtsp" ] || listening "$rtspport"; }; }; do
		sleep 0.1
		n=$((n + 1))
	done
	for p in $pids; do
		kill -0 "$p" 2>/dev/null || { echo "campipe: a daemon failed to start (see above)" >&2; exit 1; }
	done
	if [ "$cameras" -gt 1 ]; then
		echo "campipe is running $cameras cameras: open http://$host:$port/ or http://$host:$port/grid.html (Ctrl-C stops it)"
	else
		echo "campipe is running: open http://$host:$port/ (Ctrl-C stops it)"
	fi
else
	echo "campipe-capd is running: socat -u UNIX-CONNECT:$sock - | ffmpeg -f mpjpeg -i - -frames:v 1 out.jpg"
fi
[ -n "$rtsp" ] && echo "RTSP players open $rtsp"
[ -n "$rtc" ] && echo "WebRTC: the page's WebRTC mode; WHEP players post to http://$host:$port/whep"
[ -n "$authargs" ] && echo "log in as $admin with your PASSWORD; $admin may change settings"
wait
