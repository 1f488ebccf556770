#!/bin/bash
# SPDX-License-Identifier: ISC
# make check-deploy: the amd64 package installed as a Pi owner installs it,
# under a real systemd booted in a container (systemd-nspawn), and checked:
# units ready, pages, streams and RTSP, the frame socket's permissions, camera
# instances, socket activation, restarts after a crash and a hang, the
# fake V4L2 camera through a unit drop-in, removal and purge, and each
# unit's systemd-analyze security exposure.  docs/deploy.md says what
# each step promises.
#
# Usage: scripts/deploy-check.sh DEB FAKECAM_SO WORKDIR [PREV_DEB]   (as root)
# PREV_DEB, the package of an earlier commit, is installed and started
# first, then upgraded to DEB with viewers watching.
# The base root (systemd, the package's Depends, curl, socat, python3) is
# made once by mmdebstrap into WORKDIR/root-HASH, HASH of its package
# list (Depends' versions too) and mirrors; every run boots a throw-away
# copy of it (--ephemeral).
set -eu

deb=$(readlink -f "$1") fakecam=$(readlink -f "$2") work=$3
prevdeb=${4:+$(readlink -f "$4")}
here=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "check-deploy: run as root" >&2; exit 2; }
t0=$(date +%s.%N)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
report=()
note() { echo "check-deploy: $*"; report+=("$*"); }
fails=0
fail() { echo "check-deploy: FAIL $*"; report+=("FAIL $*"); fails=$((fails + 1)); }

# Today's systemd-analyze security exposure of each unit: a unit more
# exposed than this fails (lower it here when a unit is hardened further).
declare -A exposure_max=(
	[campipe-capd.service]=0.5 [campipe-capd@door.service]=0.5
	[campipe-httpd.service]=1.1 [campipe-wsd.service]=1.2
	[campipe-rtspd.service]=1.1 [campipe-rtcd.service]=1.2
)

# The base root: systemd, the .deb's Depends, and what the checks run
# (nothing more: purge must find its userdel through Depends).
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//; s/[ (].*//' |
	sed '/^$/d')
pkgs=$(printf '%s\n' systemd systemd-sysv dbus curl socat python3 $depends |
	sed 's/^ *//' | sort -u | paste -sd, -)
mirrors=("deb http://deb.debian.org/debian bookworm main"
	"deb http://deb.debian.org/debian bookworm-updates main"
	"deb http://deb.debian.org/debian-security bookworm-security main")
# The key: the list, the mirrors, and Depends with its versions (a newer
# library than the root holds would need the network the container lacks).
key=$(printf '%s\n' "$pkgs" "${mirrors[@]}" "$(dpkg-deb -f "$deb" Depends)" |
	sha256sum | cut -c1-12)
root="$work/root-$key"
mkdir -p "$work"
if [ ! -e "$root/.done" ]; then
	# Roots of other keys are stale.
	rm -rf "$work"/root-*
	s=$(now)
	echo "check-deploy: mmdebstrap bookworm into $root ($pkgs)"
	mmdebstrap --quiet --variant=apt --include="$pkgs" bookworm "$root.tmp" \
	    "${mirrors[@]}"
	# No network in the container: no apt timers, no resolver waits.
	rm -f "$root.tmp"/etc/systemd/system/timers.target.wants/*
	touch "$root.tmp/.done"
	mv "$root.tmp" "$root"
	note "base root made in $(since "$s") s"
else
	note "base root cached: $root"
fi

# This run's files; what the container sees in /srv/deploy (read-only).
run=$(mktemp -d "$work/run.XXXXXX")
share="$run/share"
mkdir -p "$share"
cp "$deb" "$share/"
[ -n "$prevdeb" ] && cp "$prevdeb" "$share/prev.deb"
cp "$fakecam" "$share/fakecam.so"
cp "$here/tests/deploy/probe.py" "$share/probe.py"
debname=$(basename "$deb")

log="$run/nspawn.log"
s=$(now)
# --link-journal=no: nspawn reads no machine ID of its own then (inside
# another container, e.g. scripts/fresh-check.sh, there is none).
systemd-nspawn --quiet --register=no --keep-unit --console=passive \
    --private-network --link-journal=no --ephemeral -D "$root" \
    --bind-ro="$share:/srv/deploy" --boot >"$log" 2>&1 &
nspawn=$!
leader=""
cleanup() {
	if kill -0 "$nspawn" 2>/dev/null; then
		[ -n "$leader" ] && kill -RTMIN+3 "$leader" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.2; done
		kill "$nspawn" 2>/dev/null || true
		wait "$nspawn" 2>/dev/null || true
	fi
	# The logs of a failed run are kept.
	[ "$fails" = 0 ] && [ "$ok" = 1 ] && rm -rf "$run"
}
ok=0
trap cleanup EXIT
# The container's PID 1, the child of nspawn once the root is copied and
# nspawn's own intermediate child has gone.
for _ in $(seq 600); do
	leader=$(ps -o pid=,comm= --ppid "$nspawn" | awk '$2 == "systemd" { print $1; exit }')
	[ -n "$leader" ] && break
	kill -0 "$nspawn" 2>/dev/null || { cat "$log"; echo "check-deploy: nspawn exited" >&2; exit 1; }
	sleep 0.1
done
[ -n "$leader" ] || { echo "check-deploy: no container after 60 s" >&2; exit 1; }
# In the container: its namespaces, a clean environment.
c() { nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
state=""
for _ in $(seq 120); do
	state=$(c systemctl is-system-running 2>/dev/null || true)
	case $state in running|degraded) break ;; esac
	sleep 0.5
done
[ "$state" = running ] || { c systemctl --failed --no-pager || true; echo "check-deploy: container is $state" >&2; exit 1; }
# Every check talks to 127.0.0.1 inside: nested in a container without
# CAP_NET_ADMIN, nspawn cannot bring the loopback of --private-network up.
if ! c python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); socket.create_connection(s.getsockname(), 2)' 2>/dev/null; then
	echo "check-deploy: no loopback in the container (nspawn lacks CAP_NET_ADMIN: inside another container?); run it on the host" >&2
	exit 1
fi
note "container booted in $(since "$s") s (systemd $(c systemctl --version | awk 'NR==1 {print $2}'))"
# From here on each check says what failed and the run goes on.
set +e
probe() { c timeout 120 python3 /srv/deploy/probe.py "$@"; }
# Waits up to $1 seconds for unit $2 to be active.
wait_active() {
	local n=$(($1 * 5)) st
	while [ $n -gt 0 ]; do
		st=$(c systemctl is-active "$2" 2>/dev/null || true)
		[ "$st" = active ] && return 0
		n=$((n - 1)); sleep 0.2
	done
	return 1
}
check() {
	local out
	if out=$("$@" 2>&1); then echo "  $out"; else fail "$out"; fi
}

# 1. Install (the previous commit's package first, when given), enable,
# every unit ready.
all_units="campipe-capd.service campipe-httpd.service campipe-wsd.service campipe-rtspd.service campipe-rtcd.service"
# The services of the package installed (the previous one may lack a
# daemon this one brings).
installed_units() {
	local u
	for u in $all_units; do
		c test -e "/usr/lib/systemd/system/$u" && printf '%s ' "$u"
	done
}
# $1: the package's path in the container.
install_deb() {
	c env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$1"
}
first=/srv/deploy/$debname
[ -n "$prevdeb" ] && first=/srv/deploy/prev.deb
s=$(now)
if ! install_deb "$first" >"$run/apt.log" 2>&1; then
	cat "$run/apt.log"; echo "check-deploy: apt install failed" >&2; exit 1
fi
grep -q 'Need to get [1-9]' "$run/apt.log" && note "apt downloaded packages: $(grep 'Need to get' "$run/apt.log")"
note "apt install ${first#/srv/deploy/} ($(c dpkg-query -W -f '${Version}' campipe)): $(since "$s") s"
c sh -c 'printf "CAPD_SOURCE=test\n" >>/etc/default/campipe'
units=$(installed_units)
s=$(now)
c systemctl enable --now campipe.target >/dev/null 2>&1 || fail "systemctl enable --now campipe.target"
for u in campipe.target $units; do
	if wait_active 30 "$u"; then :; else fail "$u is $(c systemctl is-active "$u")"; fi
done
for u in $units; do
	[ "$(c systemctl show -P Type "$u")" = notify ] || fail "$u is not Type=notify"
done
note "campipe.target and its $(echo $units | wc -w) services active (Type=notify) in $(since "$s") s"

# 12. The upgrade to this package, with a viewer of each kind watching:
# the owner's /etc/default/campipe is kept, every daemon restarts into the
# new binaries, and each viewer comes back by itself.
if [ -n "$prevdeb" ]; then
	from=$(c dpkg-query -W -f '${Version}' campipe)
	# A camera instance runs too: the upgrade restarts it as well.
	c mkdir -p /etc/campipe/cameras
	c sh -c 'echo "CAPD_SOURCE=test" >/etc/campipe/cameras/door.conf'
	c systemctl start campipe-capd@door.service
	wait_active 30 campipe-capd@door.service || fail "upgrade: campipe-capd@door is $(c systemctl is-active campipe-capd@door.service)"
	declare -A pids=()
	for u in $units campipe-capd@door.service; do pids[$u]=$(c systemctl show -P MainPID "$u"); done
	for _ in $(seq 50); do probe get /pi.jpg jpeg >/dev/null 2>&1 && break; sleep 0.2; done
	for _ in $(seq 50); do probe rtsp / >/dev/null 2>&1 && break; sleep 0.2; done
	kinds="mjpeg mp4 ws rtsp"
	for k in $kinds; do
		c sh -c "python3 /srv/deploy/probe.py watch $k 90 >/run/upgrade-$k.out 2>&1 &"
	done
	for k in $kinds; do
		for _ in $(seq 100); do
			c grep -q flowing "/run/upgrade-$k.out" 2>/dev/null && break; sleep 0.1
		done
	done
	s=$(now)
	if install_deb "/srv/deploy/$debname" >"$run/apt-upgrade.log" 2>&1; then
		note "upgrade $from to $(c dpkg-query -W -f '${Version}' campipe) (apt install ./$debname): $(since "$s") s"
	else
		fail "upgrade: apt install ./$debname: $(tail -1 "$run/apt-upgrade.log")"
	fi
	old_units=$units
	units=$(installed_units)
	[ "$units" != "$old_units" ] && note "upgrade: new services started with the running campipe.target: $(for u in $units; do case " $old_units " in *" $u "*) ;; *) printf '%s ' "$u" ;; esac; done)"
	if c grep -qx CAPD_SOURCE=test /etc/default/campipe && ! c sh -c 'ls /etc/default/campipe.dpkg-* 2>/dev/null | grep -q .'; then
		note "upgrade: the owner's /etc/default/campipe kept (conffile), no .dpkg-dist or .dpkg-old beside it"
	else
		fail "upgrade: /etc/default/campipe lost the owner's CAPD_SOURCE=test: $(c ls /etc/default/)"
	fi
	for u in $units campipe-capd@door.service; do
		wait_active 30 "$u" || fail "upgrade: $u is $(c systemctl is-active "$u")"
		p=$(c systemctl show -P MainPID "$u")
		exe=$(c readlink "/proc/$p/exe")
		if [ "$p" = "${pids[$u]:-}" ]; then
			fail "upgrade: $u not restarted (pid $p)"
		elif [ "${exe% (deleted)}" != "$exe" ]; then
			fail "upgrade: $u runs a deleted binary ($exe)"
		fi
	done
	for k in $kinds; do
		for _ in $(seq 300); do
			c grep -q 'outage\|FAIL' "/run/upgrade-$k.out" 2>/dev/null && break; sleep 0.2
		done
		out=$(c tail -1 "/run/upgrade-$k.out")
		case $out in
		outage*) note "upgrade: the $k viewer's outage ${out#outage }" ;;
		*) fail "upgrade: the $k viewer: $out" ;;
		esac
	done
	note "upgrade: $(echo $units | wc -w) daemons and campipe-capd@door restarted into the new binaries"
fi
failed=$(c systemctl --failed --no-legend --plain --no-pager)
[ -z "$failed" ] || fail "systemctl --failed: $failed"

# 2. Pages and streams, through httpd on its default address.
for _ in $(seq 50); do probe get /pi.jpg jpeg >/dev/null 2>&1 && break; sleep 0.2; done
check probe get / html
check probe get /pi.jpg jpeg
check probe get /stream.mjpg mjpeg
check probe get /stream.mp4 mp4
check probe ws /stream
# RTSP on rtspd's default address, RTP over TCP interleaved.
for _ in $(seq 50); do probe rtsp / >/dev/null 2>&1 && break; sleep 0.2; done
check probe rtsp /
check probe rtsp /cam/default

# WebRTC through httpd's WHEP and rtcd under PID 1: the host's GStreamer
# webrtcbin (tests/integration/whep_gst.py) in the container's network
# namespace only, its programs the host's.  libnice offers no loopback
# candidates: a veth pair inside the container gives rtcd and the player
# an address each.
cn() { nsenter -t "$leader" -n "$@"; }
cn ip link add cpw0 type veth peer name cpw1 &&
    cn ip addr add 10.80.0.1/24 dev cpw0 && cn ip addr add 10.80.0.2/24 dev cpw1 &&
    cn ip link set cpw0 up && cn ip link set cpw1 up || fail "WebRTC: no veth pair in the container"
c sh -c 'echo "RTCD_OPTS=\"--webrtc-listen 10.80.0.1:8555\"" >>/etc/default/campipe'
c systemctl restart campipe-rtcd.service
wait_active 30 campipe-rtcd.service || fail "rtcd on 10.80.0.1: $(c systemctl is-active campipe-rtcd.service)"
# $1: what for.  Plays 3 s; its JSON line, or FAIL.
webrtc_play() {
	local out
	out=$(cn timeout 90 /usr/bin/python3 "$here/tests/integration/whep_gst.py" \
	    http://127.0.0.1:8080/whep 3 2>"$run/whep-$1.err" | tail -1)
	case $out in
	*'"codes": {"POST": 201, "DELETE": 200}'*) echo "$out" ;;
	*) echo "FAIL ${out:-$(tail -1 "$run/whep-$1.err")}" ;;
	esac
}
out=$(webrtc_play first)
case $out in
FAIL*) fail "WebRTC under systemd: $out" ;;
*) note "WebRTC: webrtcbin played through httpd's WHEP and rtcd: $(echo "$out" | sed 's/.*"frames": \([0-9]*\).*"size": \(\[[^]]*\]\).*/\1 frames of \2 in 3 s/')" ;;
esac

# 3. The frame socket: group campipe only.
c systemd-sysusers --inline 'u viewer - "campipe test viewer" - -' 'm viewer campipe' >/dev/null
c stat -c '  %n: %A %U:%G' /run/campipe /run/campipe/frames.sock
check c runuser -u viewer -- python3 /srv/deploy/probe.py sock /run/campipe/frames.sock
n=$(c runuser -u nobody -- timeout 5 socat -u UNIX-CONNECT:/run/campipe/frames.sock - 2>"$run/nobody.err" | wc -c)
err=$(grep -o 'Permission denied\|No such file[^"]*' "$run/nobody.err" | head -1)
if [ "$n" = 0 ] && [ "$err" = "Permission denied" ]; then
	echo "  nobody: refused ($err), 0 bytes"
	note "frame socket: a member of group campipe reads frames; nobody is refused"
else
	fail "nobody read $n bytes of the frame socket (${err:-$(head -1 "$run/nobody.err")})"
fi

# 6. Restart=on-failure: each daemon killed, the outage a viewer sees.
# 7. The watchdog: capd hung (SIGSTOP) until systemd restarts it.
# $1 unit, $2 signal, $3 viewer (mjpeg|mp4|ws|rtsp), $4 bound in seconds.
outage() {
	local unit=$1 sig=$2 kind=$3 bound=$4 pid out s
	c sh -c "python3 /srv/deploy/probe.py watch $kind $bound >/run/watch.out 2>&1 &"
	for _ in $(seq 100); do
		c grep -q flowing /run/watch.out 2>/dev/null && break; sleep 0.1
	done
	pid=$(c systemctl show -P MainPID "$unit")
	s=$(now)
	c sh -c "kill -$sig $pid"
	for _ in $(seq $((bound * 5 + 10))); do
		c grep -q 'outage\|FAIL' /run/watch.out 2>/dev/null && break; sleep 0.2
	done
	out=$(c cat /run/watch.out | tail -1)
	wait_active 10 "$unit" || fail "$unit not active again after kill -$sig"
	if [ "$(c systemctl show -P MainPID "$unit")" = "$pid" ]; then
		fail "$unit: the same process $pid"
	fi
	case $unit:$out in
	campipe-capd*:*reconnects*)
		fail "kill -$sig $unit: the $kind viewer had to reconnect: $out" ;;
	*:outage*) note "kill -$sig $unit: new pid after $(c systemctl show -P NRestarts "$unit") restarts; $kind viewer's outage ${out#outage } (kill to its report, a second of frames after: $(since "$s") s)" ;;
	*) fail "kill -$sig $unit: $kind viewer: $out" ;;
	esac
}
outage campipe-capd.service KILL mjpeg 30
outage campipe-capd.service KILL mp4 30
outage campipe-httpd.service KILL mjpeg 30
outage campipe-wsd.service KILL ws 30
outage campipe-rtspd.service KILL rtsp 30
# rtcd: its sessions end with it (a page makes a new one); a new WHEP
# session plays once systemd has restarted it.
pid=$(c systemctl show -P MainPID campipe-rtcd.service)
s=$(now)
c kill -9 "$pid"
for _ in $(seq 100); do
	p=$(c systemctl show -P MainPID campipe-rtcd.service)
	[ "$p" != "$pid" ] && [ "$p" != 0 ] && [ "$(c systemctl is-active campipe-rtcd.service)" = active ] && break
	sleep 0.1
done
restarted=$(since "$s")
out=$(webrtc_play restart)
case $out in
FAIL*) fail "kill -9 campipe-rtcd.service: a new session: $out" ;;
*) note "kill -9 campipe-rtcd.service: active again after $restarted s, a new WHEP session played (first frame $(echo "$out" | sed 's/.*"first_frame_s": \([0-9.]*\).*/\1/') s after its offer)" ;;
esac
wd=$(c systemctl show -P WatchdogUSec campipe-capd.service)
outage campipe-capd.service STOP mjpeg 120
res=$(c journalctl -u campipe-capd.service --no-pager -o cat | grep -o 'Watchdog timeout[^!.]*' | tail -1)
[ -n "$res" ] || fail "capd restarted without a watchdog timeout in its journal"
note "capd's watchdog: WatchdogSec=$wd; systemd logged \"$res\""
failed=$(c systemctl --failed --no-legend --plain --no-pager)
[ -z "$failed" ] || fail "systemctl --failed after the restarts: $failed"

# 5. Socket activation: httpd, then rtspd, started by its first connection.
# $1 daemon, then the probe that connects first.
activated() {
	local d=$1 st s
	shift
	c systemctl stop "campipe-$d.service"
	c systemctl enable --now "campipe-$d.socket" >/dev/null 2>&1 || fail "enable campipe-$d.socket"
	st=$(c systemctl is-active "campipe-$d.service" || true)
	[ "$st" = inactive ] || fail "campipe-$d.service is $st before any connection"
	s=$(now)
	check probe "$@"
	st=$(c systemctl is-active "campipe-$d.service" || true)
	if [ "$st" = active ] && [ "$(c systemctl show -P TriggeredBy "campipe-$d.service")" = "campipe-$d.socket" ]; then
		note "socket activation: campipe-$d.socket started $d, first connection ($1 $2) served in $(since "$s") s"
	else
		fail "socket activation: $d is $st"
	fi
}
activated httpd get /pi.jpg jpeg
check probe ws /stream
c systemctl disable --now campipe-httpd.socket >/dev/null 2>&1
c systemctl restart campipe-httpd.service
# rtspd's port 8554 from systemd, its RTP over UDP beside it.
activated rtspd rtsp /
c systemctl disable --now campipe-rtspd.socket >/dev/null 2>&1
c systemctl restart campipe-rtspd.service

# 4. Two cameras at once: campipe-capd@door and @garden.
c mkdir -p /etc/campipe/cameras
c sh -c 'echo "CAPD_SOURCE=test" >/etc/campipe/cameras/door.conf'
c sh -c 'printf "CAPD_SOURCE=test\nCAPD_OPTS=\"--size 320x240\"\n" >/etc/campipe/cameras/garden.conf'
s=$(now)
c systemctl enable --now campipe-capd@door campipe-capd@garden >/dev/null 2>&1 ||
    fail "enable --now campipe-capd@door campipe-capd@garden"
for n in door garden; do
	wait_active 30 "campipe-capd@$n.service" || fail "campipe-capd@$n is $(c systemctl is-active "campipe-capd@$n")"
	check c runuser -u viewer -- python3 /srv/deploy/probe.py sock "/run/campipe/$n/frames.sock"
done
note "campipe-capd@door and @garden active in $(since "$s") s"
mode=$(c stat -c %a /run/campipe)
[ "$mode" = 1770 ] || fail "/run/campipe is mode $mode after the instances started (1770 wanted: wsd makes its socket there)"
c sh -c 'echo "HTTPD_OPTS=\"--frames /run/campipe/frames.sock --camera door=/run/campipe/door/frames.sock --camera garden=/run/campipe/garden/frames.sock\"" >>/etc/default/campipe'
c systemctl restart campipe-httpd.service
wait_active 30 campipe-httpd.service || fail "httpd with the cameras: $(c systemctl is-active campipe-httpd.service)"
for _ in $(seq 50); do probe get /cam/door/pi.jpg jpeg >/dev/null 2>&1 && break; sleep 0.2; done
check probe get /cam/door/pi.jpg jpeg
check probe get /cam/garden/pi.jpg jpeg
check probe get /pi.jpg jpeg
c systemctl restart campipe-wsd.service
wait_active 30 campipe-wsd.service || fail "wsd restarted with the instances running: $(c systemctl is-active campipe-wsd.service)"
check probe ws /stream
c sh -c 'echo "RTSPD_OPTS=\"--frames /run/campipe/frames.sock --camera door=/run/campipe/door/frames.sock --camera garden=/run/campipe/garden/frames.sock\"" >>/etc/default/campipe'
c systemctl restart campipe-rtspd.service
wait_active 30 campipe-rtspd.service || fail "rtspd with the cameras: $(c systemctl is-active campipe-rtspd.service)"
for _ in $(seq 50); do probe rtsp /cam/door >/dev/null 2>&1 && break; sleep 0.2; done
check probe rtsp /cam/door
check probe rtsp /cam/garden
check probe rtsp /

# The fake V4L2 camera: capd@fake on v4l2:/dev/video0 through a drop-in.
# fakecam answers for /dev/video0 (open, stat, ioctl, mmap); a file of
# group video, mode 0640, shows whether the unit's process holds group
# video under PrivateUsers= (a real camera node is root:video 0660), one
# of group campipe-control that it holds no group it should not.
c install -D -m 0644 /srv/deploy/fakecam.so /usr/local/lib/campipe/fakecam.so
c sh -c 'echo video-only >/srv/video-only && chgrp video /srv/video-only && chmod 0640 /srv/video-only'
c sh -c 'echo control-only >/srv/control-only && chgrp campipe-control /srv/control-only && chmod 0640 /srv/control-only'
# The node the fake answers for, as udev makes it (no driver behind it
# here), and one DevicePolicy=closed must refuse (10:200, /dev/net/tun):
# whether systemd enforces the device policy in this container.
c sh -c 'mknod -m 0660 /dev/video0 c 81 0 && chgrp video /dev/video0'
c sh -c 'mknod -m 0666 /dev/devpolicy-probe c 10 200'
c sh -c 'echo "CAPD_SOURCE=v4l2:/dev/video0" >/etc/campipe/cameras/fake.conf'
c mkdir -p /etc/systemd/system/campipe-capd@fake.service.d
c sh -c 'cat >/etc/systemd/system/campipe-capd@fake.service.d/fakecam.conf' <<'EOF'
[Service]
Environment=LD_PRELOAD=/usr/local/lib/campipe/fakecam.so FAKECAM_DEVICE=/dev/video0
ExecStartPre=/bin/sh -c 'id; head -c 10 /srv/video-only; ! head -c 1 /srv/control-only 2>/dev/null'
ExecStartPre=/bin/sh -c '(exec 3</dev/devpolicy-probe) 2>/dev/null && echo "devpolicy: opened" || echo "devpolicy: refused"'
EOF
c systemctl daemon-reload
s=$(now)
if c systemctl start campipe-capd@fake.service 2>/dev/null && wait_active 20 campipe-capd@fake.service; then
	check c runuser -u viewer -- python3 /srv/deploy/probe.py sock /run/campipe/fake/frames.sock
	dp=$(c journalctl -u campipe-capd@fake.service -o cat --no-pager | sed -n 's/^devpolicy: //p' | head -1)
	v4l=$(c grep -c ' video4linux$' /proc/devices)
	case $dp in
	refused) note "DevicePolicy=closed enforced here (10:200 refused)" ;;
	*) note "DevicePolicy=closed not enforced in this container (10:200 $dp: no devices controller for its systemd, cgroup $(c stat -fc %T /sys/fs/cgroup)); the kernel has $( [ "$v4l" = 0 ] && echo no || echo a) video4linux major: DeviceAllow= untested" ;;
	esac
	note "campipe-capd@fake on the fake V4L2 camera: active in $(since "$s") s; a file root:video 0640 read under PrivateUsers=yes (id there: $(c journalctl -u campipe-capd@fake.service -o cat --no-pager | grep -m1 '^uid=' | grep -o 'groups=.*'): video is unmapped, still held), root:campipe-control 0640 refused"
else
	fail "campipe-capd@fake on the fake V4L2 camera: $(c systemctl is-active campipe-capd@fake.service || true)"
	c journalctl -u campipe-capd@fake.service --no-pager -o cat | tail -15 | sed 's/^/    /'
fi

failed=$(c systemctl --failed --no-legend --plain --no-pager)
[ -z "$failed" ] || fail "systemctl --failed: $failed"

# 10. One step to an admin: campipe-passwd --admin, then a restart, and
# every daemon asks for the password it wrote; the admin may change settings.
s=$(now)
c sh -c 'echo "owner pass 1" | campipe-passwd --admin owner' >"$run/passwd.log" 2>&1 ||
    fail "campipe-passwd --admin owner: $(tail -1 "$run/passwd.log")"
c systemctl restart campipe-httpd.service campipe-wsd.service campipe-rtspd.service
for u in campipe-httpd.service campipe-wsd.service campipe-rtspd.service; do
	wait_active 30 "$u" || fail "$u after campipe-passwd: $(c systemctl is-active "$u")"
done
code() { c curl -s -o /dev/null -w '%{http_code}' "$@" http://127.0.0.1:8080/pi.jpg; }
for _ in $(seq 50); do [ "$(code)" = 401 ] && break; sleep 0.2; done
[ "$(code)" = 401 ] || fail "/pi.jpg without a password after campipe-passwd: $(code)"
[ "$(code -u 'owner:owner pass 1')" = 200 ] || fail "/pi.jpg as owner: $(code -u 'owner:owner pass 1')"
c curl -s -u 'owner:owner pass 1' http://127.0.0.1:8080/api/camera | grep -q '"admin": *true' ||
    fail "owner is not an admin after campipe-passwd --admin"
rtsp=$(c sh -c 'printf "DESCRIBE rtsp://127.0.0.1:8554/ RTSP/1.0\r\nCSeq: 1\r\n\r\n" |
    timeout 10 socat -t 5 - TCP:127.0.0.1:8554' | head -1 | tr -d '\r')
case $rtsp in "RTSP/1.0 401 "*) ;; *) fail "rtspd without a password after campipe-passwd: $rtsp" ;; esac
note "campipe-passwd --admin: $(c stat -c '%A %U:%G' /etc/campipe/htpasswd) htpasswd; httpd, wsd and rtspd ask for it after a restart ($(since "$s") s)"

# 11. journald: a flood of wrong passwords and garbage, from outside, writes
# at most the rate-limited lines, and the owner sees them with journalctl -u.
s=$(now)
sleep 1	# journalctl --since counts whole seconds: none of step 10's lines
since_ts=$(c date '+%Y-%m-%d %H:%M:%S')
sleep 1
c python3 - <<'PY' >"$run/flood.log" 2>&1 || fail "the flood: $(tail -1 "$run/flood.log")"
import base64, socket
bad = base64.b64encode(b"owner:wrong").decode()
n = 0
for i in range(600):
    s = socket.create_connection(("127.0.0.1", 8080), timeout=5)
    if i % 2:
        s.sendall(("GET /pi.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Authorization: Basic %s\r\n\r\n" % bad).encode())
    else:
        s.sendall(b"\x16\x03\x01 garbage \xff\r\n\r\n")
    s.close()
    n += 1
print(n)
PY
sleep 2
lines=$(c journalctl -u campipe-httpd.service --since "$since_ts" --no-pager -o cat | wc -l)
c journalctl -u campipe-httpd.service --since "$since_ts" --no-pager -o cat | tail -4 | sed 's/^/    /'
[ "$lines" -ge 1 ] || fail "journald: the flood left no line at all (is httpd logging?)"
[ "$lines" -le 30 ] || fail "journald: $lines lines from a flood of 600 requests"
note "journald: 600 bad requests (300 wrong passwords, 300 garbage heads) wrote $lines lines to journalctl -u campipe-httpd ($(since "$s") s)"

# 9. systemd-analyze security, each unit.
for u in campipe-capd.service campipe-capd@door.service campipe-httpd.service campipe-wsd.service campipe-rtspd.service campipe-rtcd.service; do
	e=$(c systemd-analyze security --no-pager "$u" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) \(.*\)/\1 \2/p')
	note "systemd-analyze security $u: ${e:-?}"
	max=${exposure_max[$u]}
	awk -v e="${e%% *}" -v m="$max" 'BEGIN { exit !(e != "" && e + 0 <= m + 0) }' ||
	    fail "$u: exposure ${e:-?} above today's $max"
done

# 8. Removal stops every unit; purge leaves no users, groups or files.
c systemctl stop campipe-capd@fake.service 2>/dev/null || true
s=$(now)
c apt-get remove -y -q campipe >"$run/apt-remove.log" 2>&1 || fail "apt remove campipe"
for u in campipe.target $units campipe-capd@door.service campipe-capd@garden.service campipe-httpd.socket campipe-rtspd.socket; do
	st=$(c systemctl is-active "$u" 2>/dev/null || true)
	[ "$st" = active ] && fail "$u still active after apt remove"
done
left=$(c sh -c 'cat /proc/[0-9]*/comm 2>/dev/null | grep "^campipe-" || true')
[ -z "$left" ] || fail "processes left after apt remove: $left"
note "apt remove campipe: every unit stopped ($(since "$s") s)"
c apt-get purge -y -q campipe >"$run/apt-purge.log" 2>&1 || fail "apt purge campipe"
for n in campipe-capd campipe-httpd campipe-wsd campipe-rtspd campipe-rtcd; do
	c getent passwd "$n" >/dev/null && fail "user $n left after purge"
done
for g in campipe campipe-control; do
	c getent group "$g" >/dev/null && fail "group $g left after purge"
done
for f in /etc/default/campipe /usr/share/campipe /var/lib/campipe /run/campipe; do
	c test -e "$f" && fail "$f left after purge"
done
c systemctl daemon-reload
st=$(c systemctl is-system-running || true)
note "apt purge campipe: no campipe users, groups or files; system $st"

echo
echo "check-deploy: report ($(since "$t0") s in all)"
for r in "${report[@]}"; do echo "  $r"; done
if [ $fails -gt 0 ]; then
	echo "check-deploy: $fails FAILED (logs in $run)"
	exit 1
fi
ok=1
echo "check-deploy: ok"
