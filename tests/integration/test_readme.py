# SPDX-License-Identifier: ISC
"""Every fenced block of the README, as written.  Each is run here against
the real daemons, with only the host, the ports and the /run/campipe paths
pointed at the test's own (and a stand-in rpicam-vid on PATH, since there
is no camera module), or is named with the test that runs it elsewhere
(check-deploy in a booted container, make deb, the proxy test's nginx), or
says why nothing here can run it.  A block that is added or changed fails
test_every_block_is_placed until it is placed."""
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from conftest import binary, free_port, free_udp_pair, tcp_listening, wait_for
from rtspclient import Rtsp
from test_auth import entry, free_any_port, write
from test_rtspd_clients import FRIGATE_INPUT, ffprobe_json, need, recorded

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
README = os.path.join(ROOT, "README.md")
USER = ("alice", "correct horse")

# Where each block is tested, by its first line: "here" (a test below), or
# (file, strings that file holds where it runs the block's commands), or a
# reason nothing here can run it.
HERE_ = "here"
PLACES = {
    "make deb ARCH=arm64":
        ("tests/integration/test_deb.py", ['"deb", "ARCH=" + arch'],
         "scp copies to a Pi"),
    "sudo apt install ./campipe_*_arm64.deb":
        ("scripts/deploy-check.sh", ["apt-get install",
                                     "campipe-passwd --admin",
                                     "systemctl enable --now campipe.target"],
         "sudoedit opens an editor; the file's lines are the next block"),
    'CAPD_SOURCE="exec:rpicam-vid -t 0 --codec mjpeg --width 1280 --height 720 --framerate 30 -o -"':
        HERE_,
    "make run      # installs missing packages (as root), builds, starts on the test pattern":
        ("tests/integration/test_run.py", ["def test_make_run"],
         "make check is what .ci/run runs"),
    "socat -u UNIX-CONNECT:/run/campipe/frames.sock - | ffmpeg -f mpjpeg -i - -frames:v 1 out.jpg":
        HERE_,
    "socat -u UNIX-CONNECT:/run/campipe/h264.sock - | ffplay -f h264 -": HERE_,
    "# publish to MediaMTX (it then serves rtsp://HOST:8554/cam, WebRTC, HLS)":
        ("tests/integration/test_recipes.py", ["# publish to MediaMTX"], ""),
    "vlc rtsp://HOST:8554/          # a VLC with live555; Debian 12's has no RTSP":
        HERE_,
    "campipe-passwd --nvr nvr >> /etc/campipe/nvr-credentials   # prints nvr:PASSWORD":
        HERE_,
    "campipe-capd --source test --size 640x480 --fps 30": HERE_,
    "LD_PRELOAD=build/fakecam.so campipe-capd --source v4l2:/dev/video0 --frames /tmp/f.sock":
        HERE_,
    "curl --unix-socket /run/campipe/control/control.sock http://capd/status": HERE_,
    "make deb ARCH=arm64          # 64-bit Raspberry Pi OS: Pi 3, 4, 5, Zero 2 W":
        ("tests/integration/test_deb.py", ['"deb", "ARCH=" + arch'],
         "scp copies to a Pi"),
    "sudo apt install ./campipe_*_arm64.deb        # pulls libevent, libjpeg-turbo, ... as needed":
        ("scripts/deploy-check.sh", ["apt-get install",
                                     "systemctl enable --now campipe.target"],
         "sudoedit opens an editor"),
    "sudo apt install git make rpicam-apps-lite   # rpicam-vid; the desktop image has rpicam-apps already":
        ("tests/integration/test_systemd.py", ['make("install"'],
         "rpicam-apps-lite is Raspberry Pi OS's; git clone needs the "
         "repository's address; sudo make deps is scripts/deps.sh build"),
    "sudo usermod -aG campipe $USER     # then log in again":
        ("scripts/deploy-check.sh", ["a member of group campipe reads frames"],
         "its socat line runs here"),
    "sudo campipe-passwd --admin alice          # asks for the password twice":
        ("scripts/deploy-check.sh", ["campipe-passwd --admin"], ""),
    'HTTPD_OPTS="--listen 0.0.0.0:8080"': HERE_,
    "map $http_upgrade $connection_upgrade {": HERE_,
    "cam.example {": HERE_,
    "cameras:": HERE_,
    "campipe-capd --source-format h264 \\": HERE_,
    'RTCD_OPTS="--webrtc-listen 0.0.0.0:8555"':
        ("scripts/deploy-check.sh", ["RTCD_OPTS=", "--webrtc-listen"],
         "the package's rtcd under systemd plays to webrtcbin from another "
         "address; 0.0.0.0 would be every address of the machine"),
    "# /etc/turnserver.conf: coturn, relaying for the viewers httpd signs in":
        ("tests/integration/test_turn.py", ["--use-auth-secret",
                                            "--static-auth-secret="],
         "the test gives coturn the same settings as flags"),
}


def blocks():
    """Every fenced block of the README: (first line, text), indentation
    of a block inside a list item taken off."""
    text = open(README, encoding="utf-8").read()
    out = []
    for m in re.finditer(r"(?m)^( *)```[a-z]*\n(.*?)^\1```", text, re.S):
        ind = len(m.group(1))
        body = "".join(l[ind:] if l[:ind].strip() == "" else l
                       for l in m.group(2).splitlines(True))
        out.append((body.split("\n", 1)[0], body))
    return out


def block(first):
    """The text of the README's block that starts with the line first."""
    found = [t for f, t in blocks() if f == first]
    assert found, "README has no block starting " + repr(first)
    return found[0]


def commands(text):
    """A block's shell commands: comments dropped, lines ending in | or \\
    joined."""
    cmds, cur = [], ""
    for line in text.splitlines():
        if not cur and (not line.strip() or line.lstrip().startswith("#")):
            continue
        part = line.strip()
        if part.endswith("\\"):
            part = part[:-1].rstrip()
        cur += (" " if cur else "") + part
        if not line.rstrip().endswith(("|", "\\")):
            cmds.append(cur)
            cur = ""
    return cmds


def here(tmp):
    """A shell environment where the README's commands find campipe's
    programs and a stand-in rpicam-vid: ffmpeg's test source at the asked
    size and rate, MJPEG or (--codec h264) Annex-B H.264 with an IDR every
    --intra frames, as rpicam-vid -o - writes them."""
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir, exist_ok=True)
    for name in ("capd", "httpd", "wsd", "rtspd", "passwd"):
        dst = os.path.join(bindir, "campipe-" + name)
        if not os.path.exists(dst):
            os.symlink(binary(name), dst)
    fake = os.path.join(bindir, "rpicam-vid")
    with open(fake, "w") as f:
        f.write('#!/bin/sh\nw=640 h=480 r=30 c=yuv420 g=60\n'
                'while [ $# -gt 0 ]; do case $1 in\n'
                '--width) w=$2; shift;; --height) h=$2; shift;;\n'
                '--framerate) r=$2; shift;; --codec) c=$2; shift;;\n'
                '--intra) g=$2; shift;; esac; shift; done\n'
                'src="-loglevel error -re -f lavfi -i testsrc2=size=${w}x${h}:rate=$r"\n'
                'case $c in\n'
                'mjpeg) exec ffmpeg $src -c:v mjpeg -q:v 5 -f mjpeg - ;;\n'
                'h264) exec ffmpeg $src -c:v libx264 -preset ultrafast -tune '
                'zerolatency -bf 0 -g $g -f h264 - ;;\n'
                'esac\nexit 1\n')
    os.chmod(fake, 0o755)
    return dict(os.environ, PATH=bindir + ":" + os.environ["PATH"])


def at(text, tmp, **more):
    """A README text pointed at the test's own paths and ports."""
    text = text.replace("/run/campipe/control/", tmp + "/").replace(
        "/run/campipe/", tmp + "/").replace("/etc/campipe/", tmp + "/")
    for k, v in more.items():
        text = text.replace(k, v)
    return text


class Shell:
    """A README command running in bash until stopped, in its own group."""

    def __init__(self, cmd, tmp, env, stdin=subprocess.DEVNULL):
        self.log = os.path.join(tmp, "shell.%d.log" % time.monotonic_ns())
        with open(self.log, "wb") as log:
            self.p = subprocess.Popen(["bash", "-c", cmd], cwd=tmp, env=env,
                                      stdin=stdin, stdout=log, stderr=log,
                                      start_new_session=True)

    def text(self):
        with open(self.log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM):
        if self.p.poll() is None:
            os.killpg(self.p.pid, sig)
        try:
            self.p.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
        return self.text()


def snapshot(tmp, env, sock, out="out.jpg"):
    """The README's snapshot line on a frame socket: the picture's size."""
    cmd = at(block("socat -u UNIX-CONNECT:/run/campipe/frames.sock - | "
                   "ffmpeg -f mpjpeg -i - -frames:v 1 out.jpg"), tmp)
    cmd = cmd.replace(tmp + "/frames.sock", sock).replace("out.jpg", out)
    r = subprocess.run(["bash", "-c", cmd.strip()], cwd=tmp, env=env,
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    s = ffprobe_json("-show_entries", "stream=width,height",
                     os.path.join(tmp, out))["streams"][0]
    return s["width"], s["height"]


def test_every_block_is_placed():
    seen = set()
    for first, _ in blocks():
        assert first in PLACES, "README block not placed in test_readme.py: " + first
        seen.add(first)
        place = PLACES[first]
        if place == HERE_:
            continue
        path, strings, _ = place
        text = open(os.path.join(ROOT, path), encoding="utf-8").read()
        for s in strings:
            assert s in text, "%s no longer holds %r" % (path, s)
    assert seen == set(PLACES), "placed but gone from the README: %s" % (
        set(PLACES) - seen)


def test_snapshot_lines(daemons, tmp):
    """The frame socket's snapshot lines (two sections) yield a JPEG."""
    need("socat", "ffmpeg", "ffprobe")
    env = here(tmp)
    sock = os.path.join(tmp, "frames.sock")
    daemons("capd", "--frames", sock, "--source", "test", "--size", "320x240",
            wait_log="listening on")
    assert snapshot(tmp, env, sock) == (320, 240)
    taps = [c for c in commands(block("sudo usermod -aG campipe $USER     "
                                      "# then log in again"))
            if c.startswith("socat")]
    assert len(taps) == 1
    r = subprocess.run(["bash", "-c", at(taps[0], tmp)], cwd=tmp, env=env,
                       capture_output=True, timeout=60)
    assert r.returncode == 0 and os.path.getsize(os.path.join(tmp, "snap.jpg")) > 0


def test_h264_tap_with_ffplay(daemons, tmp):
    """socat | ffplay on the H.264 socket plays (SDL's dummy drivers: no
    screen here)."""
    need("socat", "ffplay")
    env = dict(here(tmp), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    frames, h264 = os.path.join(tmp, "frames.sock"), os.path.join(tmp, "h264.sock")
    daemons("capd", "--frames", frames, "--h264", h264, "--source", "test",
            "--size", "320x240", wait_log="listening on")
    sh = Shell(at(block("socat -u UNIX-CONNECT:/run/campipe/h264.sock - | "
                        "ffplay -f h264 -"), tmp), tmp, env)
    try:
        wait_for(lambda: "Video: h264" in sh.text() or sh.p.poll() is not None,
                 timeout=30, what="ffplay reading the stream")
        time.sleep(1)
        assert sh.p.poll() is None, sh.text()
    finally:
        out = sh.stop()
    assert "Video: h264" in out and "320x240" in out, out[-2000:]


def test_capd_source_lines(daemons, tmp):
    """capd's three sources as written, each with the test's socket."""
    need("socat", "ffmpeg", "ffprobe")
    env = here(tmp)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=160x120:rate=10", "-frames:v", "5", "-f",
                    "mjpeg", os.path.join(tmp, "clip.mjpeg")], check=True)
    lines = commands(block("campipe-capd --source test --size 640x480 --fps 30"))
    want = [(640, 480), (640, 480), (160, 120)]
    assert len(lines) == len(want), lines
    for i, (line, size) in enumerate(zip(lines, want)):
        sock = os.path.join(tmp, "f%d.sock" % i)
        sh = Shell("exec " + line + " --frames " + sock, tmp, env)
        try:
            wait_for(lambda: "listening on" in sh.text() or sh.p.poll() is not None,
                     what="capd of " + line)
            assert snapshot(tmp, env, sock, "s%d.jpg" % i) == size, line
        finally:
            out = sh.stop()
        assert sh.p.returncode == 0, out


def test_fakecam_line(tmp):
    """The fake V4L2 camera's line, from the top of the tree."""
    need("socat", "ffmpeg", "ffprobe")
    env = here(tmp)
    line = block("LD_PRELOAD=build/fakecam.so campipe-capd --source "
                 "v4l2:/dev/video0 --frames /tmp/f.sock").strip()
    sock = os.path.join(tmp, "f.sock")
    # The build's fake camera (after the ASan runtime in a sanitized build).
    from test_v4l2 import preload
    line = line.replace("build/fakecam.so", preload())
    sh = Shell("cd %s && %s" % (ROOT, line.replace("/tmp/f.sock", sock)),
               tmp, env)
    try:
        wait_for(lambda: "listening on" in sh.text() or sh.p.poll() is not None,
                 what="capd on the fake camera")
        assert snapshot(tmp, env, sock) == (640, 480)
    finally:
        out = sh.stop()
    assert "signal 15: exiting" in out, out


def test_control_socket_lines(daemons, tmp):
    """The status and settings lines on capd's control socket."""
    need("curl")
    env = here(tmp)
    from test_v4l2 import fake_env
    daemons("capd", "--frames", os.path.join(tmp, "frames.sock"), "--source",
            "v4l2:/dev/video0", "--warmup", "0", env=fake_env(tmp),
            wait_log="listening on")
    status, patch = commands(block("curl --unix-socket /run/campipe/control/"
                                   "control.sock http://capd/status"))
    r = subprocess.run(["bash", "-c", at(status, tmp)], env=env,
                       capture_output=True, timeout=30)
    assert r.returncode == 0 and "state" in json.loads(r.stdout), r.stdout
    r = subprocess.run(["bash", "-c", at(patch, tmp) + " -w '\\n%{http_code}'"],
                       env=env, capture_output=True, timeout=30)
    body, code = r.stdout.decode().rsplit("\n", 1)
    assert code == "200", body
    r = subprocess.run(["bash", "-c", at(status, tmp).replace("/status", "/settings")],
                       env=env, capture_output=True, timeout=30)
    ctl = [c for c in json.loads(r.stdout)["controls"] if c["name"] == "brightness"]
    assert ctl and ctl[0]["value"] == 160, r.stdout


def test_network_lines(daemons, tmp):
    """The /etc/default/campipe lines, read by a shell as the units'
    EnvironmentFile would be: capd takes CAPD_SOURCE (rpicam-vid's stand-in)
    at 1280x720; httpd starts with HTTPD_OPTS (its port free here); the
    package's file names both."""
    need("socat", "ffmpeg", "ffprobe")
    env = here(tmp)
    text = block('CAPD_SOURCE="exec:rpicam-vid -t 0 --codec mjpeg --width 1280 '
                 '--height 720 --framerate 30 -o -"')
    conf = os.path.join(tmp, "default")
    port = free_any_port()
    with open(conf, "w") as f:
        f.write(text.replace(":8080", ":%d" % port))
    sock = os.path.join(tmp, "frames.sock")
    sh = Shell('. %s; exec campipe-capd --frames %s --source "$CAPD_SOURCE"'
               % (conf, sock), tmp, env)
    try:
        wait_for(lambda: "listening on" in sh.text() or sh.p.poll() is not None,
                 what="capd on CAPD_SOURCE")
        assert snapshot(tmp, env, sock) == (1280, 720)
        web = Shell(". %s; exec campipe-httpd $HTTPD_OPTS --frames %s"
                    % (conf, sock), tmp, env)
        try:
            wait_for(lambda: tcp_listening(port) or web.p.poll() is not None,
                     what="httpd on HTTPD_OPTS")
            assert web.p.poll() is None, web.text()
        finally:
            web.stop()
    finally:
        sh.stop()
    assert block('HTTPD_OPTS="--listen 0.0.0.0:8080"') == 'HTTPD_OPTS="--listen 0.0.0.0:8080"\n'
    # The file the package installs as /etc/default/campipe names both,
    # and the units pass them on.
    default = open(os.path.join(ROOT, "systemd", "campipe.default"), encoding="utf-8").read()
    assert '#CAPD_SOURCE="exec:rpicam-vid -t 0 --codec mjpeg' in default
    assert '#HTTPD_OPTS="--listen 0.0.0.0:8080"' in default
    for unit, var in (("campipe-capd.service", "--source ${CAPD_SOURCE}"),
                      ("campipe-httpd.service", "$HTTPD_OPTS")):
        with open(os.path.join(ROOT, "systemd", unit), encoding="utf-8") as f:
            assert var in f.read(), (unit, var)


def test_rtsp_player_lines(daemons, tmp):
    """ffmpeg and GStreamer as written (GStreamer's autovideosink picks
    fakevideosink: no screen here); VLC: Debian 12's has no RTSP client."""
    need("ffmpeg", "ffprobe", "gst-launch-1.0")
    env = here(tmp)
    frames, h264 = os.path.join(tmp, "frames.sock"), os.path.join(tmp, "h264.sock")
    daemons("capd", "--frames", frames, "--h264", h264, "--source", "test",
            "--size", "320x240", "--fps", "30", wait_log="listening on")
    port = free_port()
    daemons("rtspd", "--frames", frames, "--h264", h264, "--listen",
            "127.0.0.1:%d" % port, "--udp-port", str(free_udp_pair()), wait_tcp=port)
    vlc, ff, gst = commands(block("vlc rtsp://HOST:8554/          # a VLC with "
                                  "live555; Debian 12's has no RTSP"))
    assert vlc.startswith("vlc rtsp://HOST:8554/")
    hostport = {"HOST:8554": "127.0.0.1:%d" % port}
    sh = Shell(at(ff, tmp, **hostport), tmp, env, stdin=subprocess.PIPE)
    time.sleep(4)
    sh.p.stdin.write(b"q")
    sh.p.stdin.close()
    sh.p.wait(30)
    codec, w, h, n = recorded(os.path.join(tmp, "clip.mp4"))
    assert (codec, w, h) == ("h264", 320, 240) and n >= 30, (codec, w, h, n)
    genv = dict(env, GST_PLUGIN_FEATURE_RANK="fakevideosink:MAX")
    sh = Shell(at(gst, tmp, **hostport), tmp, genv)
    try:
        wait_for(lambda: "Setting pipeline to PLAYING" in sh.text() or
                 sh.p.poll() is not None, timeout=30, what="GStreamer playing")
        time.sleep(3)
        assert sh.p.poll() is None, sh.text()
    finally:
        out = sh.stop(signal.SIGINT)
    assert "ERROR" not in out, out[-2000:]


def test_onvif_block(daemons, tmp):
    """The NVR credentials line writes nvr:PASSWORD; its mode line holds
    (the group is the test's own: there is no campipe group here); httpd
    and rtspd start with the block's options, and rtspd offers Digest."""
    need("curl")
    env = here(tmp)
    lines = commands(block("campipe-passwd --nvr nvr >> /etc/campipe/nvr-credentials   "
                           "# prints nvr:PASSWORD"))
    assert len(lines) == 4, lines
    r = subprocess.run(["bash", "-c", at(lines[0], tmp)], env=env,
                       capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    cred = os.path.join(tmp, "nvr-credentials")
    assert re.fullmatch(r"nvr:\S{8,}\n", open(cred).read()), open(cred).read()
    group = subprocess.run(["id", "-gn"], capture_output=True, text=True).stdout.strip()
    r = subprocess.run(["bash", "-c", at(lines[1], tmp, **{"chgrp campipe": "chgrp " + group})],
                       env=env, capture_output=True, timeout=30)
    assert r.returncode == 0 and oct(os.stat(cred).st_mode & 0o777) == "0o640", r.stderr
    conf = os.path.join(tmp, "default")
    hport, rport = free_any_port(), free_any_port()
    with open(conf, "w") as f:
        f.write(at("\n".join(lines[2:]) + "\n", tmp, **{
            ":8080": ":%d" % hport, ":8554": ":%d" % rport}))
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--frames", frames, "--h264", os.path.join(tmp, "h264.sock"),
            "--source", "test", "--size", "320x240", wait_log="listening on")
    procs = [Shell(". %s; exec campipe-httpd $HTTPD_OPTS --frames %s" % (conf, frames),
                   tmp, env),
             Shell(". %s; exec campipe-rtspd $RTSPD_OPTS --frames %s --udp-port %d"
                   % (conf, frames, free_udp_pair()), tmp, env)]
    try:
        for p, port in zip(procs, (hport, rport)):
            wait_for(lambda: tcp_listening(port) or p.p.poll() is not None,
                     what="a daemon on the block's options")
            assert p.p.poll() is None, p.text()
        c = Rtsp(rport)
        r = c.request("DESCRIBE", c.url())
        c.close()
        offers = " ".join(r.headers.get("www-authenticate", []))
        assert r.status == 401 and "Digest" in offers, r
    finally:
        for p in procs:
            p.stop()


def test_nginx_block_is_the_proxy_tests():
    """The README's nginx lines are those test_proxy.py runs nginx with."""
    conf = open(os.path.join(HERE, "nginx-campipe.conf"), encoding="utf-8").read()
    conf = " ".join(conf.replace("HTTPD_PORT", "8080").split())
    text = block("map $http_upgrade $connection_upgrade {")
    mapping = text[:text.index("server {")]
    location = text[text.index("\tlocation /cam/"):text.rindex("}", 0, text.rindex("}"))]
    for part in (mapping, location):
        assert " ".join(part.split()) in conf, part


def test_caddy_block(daemons, tmp):
    """Caddy with the README's site, served on a loopback port of its own
    over plain HTTP (no certificate from the internet here): stills and
    MJPEG through it."""
    need("caddy", "curl")
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--frames", frames, "--source", "test", "--size", "320x240",
            wait_log="listening on")
    hport, cport = free_port(), free_port()
    daemons("httpd", "--frames", frames, "--listen", "127.0.0.1:%d" % hport,
            wait_tcp=hport)
    site = block("cam.example {").replace("cam.example", "http://127.0.0.1:%d" % cport)
    site = site.replace("127.0.0.1:8080", "127.0.0.1:%d" % hport)
    path = os.path.join(tmp, "Caddyfile")
    with open(path, "w") as f:
        f.write("{\n\tadmin off\n\tstorage file_system %s\n}\n%s" % (tmp, site))
    daemons("caddy", "run", "--config", path, "--adapter", "caddyfile",
            exe=shutil.which("caddy"), env={"HOME": tmp, "XDG_DATA_HOME": tmp,
                                            "XDG_CONFIG_HOME": tmp},
            wait_tcp=cport)
    r = subprocess.run(["curl", "-sf", "-o", os.path.join(tmp, "p.jpg"),
                        "http://127.0.0.1:%d/cam/pi.jpg" % cport],
                       capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    with open(os.path.join(tmp, "p.jpg"), "rb") as f:
        assert f.read(2) == b"\xff\xd8"
    r = subprocess.run(["curl", "-s", "--max-time", "3", "http://127.0.0.1:%d/cam/stream.mjpg"
                        % cport], capture_output=True, timeout=30)
    assert r.stdout.count(b"\xff\xd8") >= 3, len(r.stdout)


def test_frigate_blocks(daemons, tmp):
    """Frigate's two cameras: blocks, each input opened with Frigate's own
    input arguments for preset-rtsp-generic, with a user's password; the
    detect input of the second is the sub-stream at detect's size."""
    need("ffmpeg", "ffprobe")
    texts = [t for f, t in blocks() if f == "cameras:"]
    assert len(texts) == 2, texts
    htpasswd = os.path.join(tmp, "htpasswd")
    write(htpasswd, entry(*USER))
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--frames", frames, "--h264", os.path.join(tmp, "h264.sock"),
            "--source", "test", "--size", "1280x720", "--fps", "30",
            "--h264-sub", "640x360@5", wait_log="listening on")
    port = free_port()
    daemons("rtspd", "--frames", frames, "--h264", os.path.join(tmp, "h264.sock"),
            "--listen", "127.0.0.1:%d" % port, "--udp-port", str(free_udp_pair()),
            "--htpasswd", htpasswd, wait_tcp=port)
    for text in texts:
        inputs = re.findall(r"- path: (\S+)\n\s+input_args: (\S+)\n\s+roles: \[([^\]]+)\]",
                            text)
        assert inputs, text
        detect = re.search(r"detect:\n(?:\s+\w+: .*\n)*", text).group(0)
        size = re.findall(r"(width|height): (\d+)", detect)
        for url, preset, roles in inputs:
            assert preset == "preset-rtsp-generic"
            url = url.replace("USER:PASSWORD", "%s:%s" % (USER[0], USER[1].replace(" ", "%20")))
            url = url.replace("HOST:8554", "127.0.0.1:%d" % port)
            r = subprocess.run(["ffmpeg", "-nostdin", "-v", "error"] + FRIGATE_INPUT +
                               ["-i", url, "-t", "2", "-f", "null", "-"],
                               capture_output=True, timeout=60)
            assert r.returncode == 0, r.stderr.decode()[-2000:]
            s = ffprobe_json("-rtsp_transport", "tcp", "-show_entries",
                             "stream=width,height", url)["streams"][0]
            if roles == "detect" and size:
                assert (s["width"], s["height"]) == tuple(int(v) for _, v in size), s
            else:
                assert (s["width"], s["height"]) == (1280, 720), (url, s)


def test_rpicam_h264_line(daemons, tmp):
    """capd passing rpicam-vid's own H.264 through (its stand-in here):
    the H.264 socket gives the stream, an IDR first."""
    need("socat", "ffprobe")
    env = here(tmp)
    line, = commands(block("campipe-capd --source-format h264 \\"))
    frames, h264 = os.path.join(tmp, "frames.sock"), os.path.join(tmp, "h264.sock")
    sh = Shell("exec %s --frames %s --h264 %s" % (line, frames, h264), tmp, env)
    try:
        wait_for(lambda: "listening on" in sh.text() or sh.p.poll() is not None,
                 what="capd on rpicam-vid's H.264")
        r = subprocess.run(["bash", "-c", "socat -u UNIX-CONNECT:%s - | ffprobe -v error "
                            "-f h264 -show_entries stream=codec_name,width,height -of json -"
                            % h264], env=env, capture_output=True, timeout=60)
        st = json.loads(r.stdout)["streams"][0]
        assert (st["codec_name"], st["width"], st["height"]) == ("h264", 640, 480), st
    finally:
        out = sh.stop()
    assert sh.p.returncode == 0, out
