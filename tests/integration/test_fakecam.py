# SPDX-License-Identifier: ISC
"""The fake V4L2 camera (build/fakecam.so) against programs nobody here wrote:
v4l2-ctl, ffmpeg, ustreamer and v4l2-compliance stream from it as from a
real camera, and its faults (busy, unplugged, back) look like real ones."""
import os
import re
import subprocess
import urllib.request

import pytest

from conftest import BUILD, free_port, wait_for

FAKECAM = os.path.join(BUILD, "fakecam.so")

# v4l2-compliance tests the fake passes (of 54, streaming tests included);
# raise it when the fake improves.
COMPLIANCE_FLOOR = 54


def fake_env(tmp, **extra):
    """Environment preloading the fake camera, with a control file."""
    ctl = os.path.join(tmp, "fakecam.ctl")
    if not os.path.exists(ctl):
        with open(ctl, "w") as f:
            f.write("ok\n")
    env = dict(os.environ, LD_PRELOAD=FAKECAM, FAKECAM_CONTROL=ctl)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def control(tmp, state):
    with open(os.path.join(tmp, "fakecam.ctl"), "w") as f:
        f.write(state + "\n")


def run(args, env, timeout=60, check=True):
    p = subprocess.run(args, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    out = p.stdout.decode("utf-8", "replace")
    if check:
        assert p.returncode == 0, "%s: exit %d\n%s" % (args, p.returncode, out)
    return out


def probe(path, fmt=None):
    """(width, height, frame count) of a video file, decoding every frame."""
    args = ["ffprobe", "-v", "error", "-count_frames", "-show_entries",
            "stream=width,height,nb_read_frames", "-of", "csv=p=0"]
    if fmt:
        args += ["-f", fmt]
    out = subprocess.run(args + [path], stdout=subprocess.PIPE, check=True,
                         timeout=60).stdout.decode()
    w, h, n = out.strip().split(",")[:3]
    return int(w), int(h), int(n)


def rgb_at(path, x, y):
    """The colour of one pixel of a decoded picture."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         stdout=subprocess.PIPE, check=True, timeout=60).stdout
    w = probe(path)[0]
    i = (y * w + x) * 3
    return tuple(raw[i:i + 3])


def test_list_formats(tmp):
    out = run(["v4l2-ctl", "-d", "/dev/video0", "--list-formats-ext"],
              fake_env(tmp))
    assert "'MJPG' (Motion-JPEG, compressed)" in out
    assert "'YUYV' (YUYV 4:2:2)" in out
    for size in ("640x480", "1280x720", "320x240"):
        assert "Size: Discrete " + size in out
    assert "(30.000 fps)" in out and "(60.000 fps)" in out
    out = run(["v4l2-ctl", "-d", "/dev/video0", "--list-formats"],
              fake_env(tmp, FAKECAM_FORMATS="UYVY"))
    assert "'UYVY'" in out and "MJPG" not in out


def test_stream_mmap_mjpeg(tmp):
    out = os.path.join(tmp, "s.mjpg")
    run(["v4l2-ctl", "-d", "/dev/video0", "--stream-mmap",
         "--stream-count=30", "--stream-to=" + out], fake_env(tmp))
    assert probe(out, "mjpeg") == (640, 480, 30)


def test_stream_mmap_yuyv_no_dht(tmp):
    env = fake_env(tmp, FAKECAM_NODHT=1)
    out = os.path.join(tmp, "s.yuv")
    run(["v4l2-ctl", "-d", "/dev/video0",
         "--set-fmt-video=width=320,height=240,pixelformat=YUYV",
         "--stream-mmap", "--stream-count=30", "--stream-to=" + out], env)
    assert os.path.getsize(out) == 30 * 320 * 240 * 2
    out = os.path.join(tmp, "n.mjpg")
    run(["v4l2-ctl", "-d", "/dev/video0", "--stream-mmap",
         "--stream-count=3", "--stream-to=" + out], env)
    with open(out, "rb") as f:
        data = f.read()
    assert data[:2] == b"\xff\xd8" and b"\xff\xc4" not in data[:1000]


def test_ffmpeg_decodes(tmp):
    out = os.path.join(tmp, "f%d.png")
    run(["ffmpeg", "-v", "error", "-f", "v4l2", "-i", "/dev/video0",
         "-frames:v", "5", out], fake_env(tmp))
    assert probe(os.path.join(tmp, "f5.png"))[:2] == (640, 480)
    # the marked corners: top-left red, top-right green, bottom-left blue
    r, g, b = rgb_at(os.path.join(tmp, "f1.png"), 8, 8)
    assert r > 200 and g < 60 and b < 60, (r, g, b)
    r, g, b = rgb_at(os.path.join(tmp, "f1.png"), 631, 8)
    assert g > 200 and r < 60 and b < 60, (r, g, b)
    out = os.path.join(tmp, "y%d.png")
    run(["ffmpeg", "-v", "error", "-f", "v4l2", "-input_format", "yuyv422",
         "-video_size", "1280x720", "-i", "/dev/video0", "-frames:v", "5", out],
        fake_env(tmp))
    assert probe(os.path.join(tmp, "y5.png"))[:2] == (1280, 720)
    r, g, b = rgb_at(os.path.join(tmp, "y1.png"), 8, 711)
    assert b > 200 and r < 60 and g < 60, (r, g, b)


def ustreamer(tmp, env, *args):
    port = free_port()
    log = open(os.path.join(tmp, "ustreamer.log"), "wb")
    p = subprocess.Popen(["ustreamer", "--device", "/dev/video0", "--host",
                          "127.0.0.1", "--port", str(port)] + list(args),
                         env=env, stdout=log, stderr=subprocess.STDOUT)
    return p, port, log


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read()
    except OSError:
        return None


def online(port):
    s = fetch("http://127.0.0.1:%d/state" % port)
    return s is not None and b'"online": true' in s


def test_ustreamer_snapshot_and_unplug(tmp):
    env = fake_env(tmp)
    p, port, log = ustreamer(tmp, env, "--resolution", "1280x720")
    try:
        wait_for(lambda: online(port), timeout=20, what="ustreamer online")
        jpeg = fetch("http://127.0.0.1:%d/snapshot" % port)
        snap = os.path.join(tmp, "snap.jpg")
        with open(snap, "wb") as f:
            f.write(jpeg)
        assert jpeg[:2] == b"\xff\xd8"
        assert probe(snap)[:2] == (1280, 720)
        # unplugged mid-stream: ustreamer sees ENODEV, then comes back
        control(tmp, "unplug")
        wait_for(lambda: not online(port), timeout=20, what="offline")
        control(tmp, "ok")
        wait_for(lambda: online(port), timeout=20, what="back online")
    finally:
        p.terminate()
        p.wait(10)
        log.close()
    with open(os.path.join(tmp, "ustreamer.log"), "rb") as f:
        text = f.read().decode("utf-8", "replace")
    assert "No such device" in text, text


def test_faults_busy_and_unplugged(tmp):
    out = run(["v4l2-ctl", "-d", "/dev/video0", "--all"],
              fake_env(tmp, FAKECAM_BUSY=1), check=False)
    assert "Device or resource busy" in out, out
    env = fake_env(tmp)
    control(tmp, "busy")
    out = run(["v4l2-ctl", "-d", "/dev/video0", "--all"], env, check=False)
    assert "Device or resource busy" in out, out
    control(tmp, "unplug")
    out = run(["v4l2-ctl", "-d", "/dev/video0", "--all"], env, check=False)
    assert "Cannot open device" in out, out
    out = run(["stat", "/dev/video0"], env, check=False)
    assert "No such file or directory" in out, out
    control(tmp, "ok")
    out = run(["v4l2-ctl", "-d", "/dev/video0", "--all"], env)
    assert "Driver name      : fakecam" in out
    out = run(["stat", "-c", "%F %t:%T", "/dev/video0"], env)
    assert out.strip() == "character special file 51:0", out


def test_v4l2_compliance(tmp):
    out = run(["v4l2-compliance", "-d", "/dev/video0", "-s10"], fake_env(tmp),
              timeout=120, check=False)
    m = re.search(r"Total for .*: (\d+), Succeeded: (\d+), Failed: (\d+), "
                  r"Warnings: (\d+)", out)
    assert m, out
    total, ok, failed, warns = map(int, m.groups())
    print("v4l2-compliance: %d of %d passed, %d failed, %d warnings"
          % (ok, total, failed, warns))
    fails = [l.strip() for l in out.splitlines() if "fail:" in l]
    assert ok >= COMPLIANCE_FLOOR, "\n".join(fails)
