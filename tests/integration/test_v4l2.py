# SPDX-License-Identifier: ISC
"""capd's V4L2 source against the fake camera (build/fakecam.so): each
format, Huffman tables added, flips and rotations, controls, and a camera
that is busy at start or unplugged mid-stream."""
import os
import re
import subprocess
import time

import pytest

from conftest import BUILD, wait_for
from framesock import FrameReader

FAKECAM = os.path.join(BUILD, "fakecam.so")


def preload():
    """The fake camera, after the ASan runtime when capd is built with it."""
    ldd = subprocess.run(["ldd", os.path.join(BUILD, "campipe-capd")],
                         capture_output=True).stdout.decode()
    m = re.search(r"(\S*libasan\.so\S*) => (\S+)", ldd)
    return (m.group(2) + ":" + FAKECAM) if m else FAKECAM


def fake_env(tmp, **extra):
    ctl = os.path.join(tmp, "fakecam.ctl")
    if not os.path.exists(ctl):
        with open(ctl, "w") as f:
            f.write("ok\n")
    env = {"LD_PRELOAD": preload(), "FAKECAM_CONTROL": ctl}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def control(tmp, state):
    with open(os.path.join(tmp, "fakecam.ctl"), "w") as f:
        f.write(state + "\n")


def capd(daemons, tmp, *args, env=None, **fake):
    path = os.path.join(tmp, "frames.sock")
    d = daemons("capd", "--socket", path, "--source", "v4l2:/dev/video0",
                "--warmup", "0", *args, env=env or fake_env(tmp, **fake),
                wait_log="listening on")
    return d, path


def picture(jpeg):
    """(width, height, rgb bytes) decoded by djpeg."""
    r = subprocess.run(["djpeg", "-pnm"], input=jpeg, capture_output=True,
                       timeout=30)
    assert r.returncode == 0, "djpeg failed: %s" % r.stderr.decode()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", r.stdout)
    assert m, "djpeg gave no colour image"
    return int(m.group(1)), int(m.group(2)), r.stdout[m.end():]


def color_at(pic, x, y):
    """'red', 'green', 'blue' or 'other' at a pixel."""
    w, _, rgb = pic
    r, g, b = rgb[(y * w + x) * 3:(y * w + x) * 3 + 3]
    for name, c in (("red", (r, g, b)), ("green", (g, r, b)),
                    ("blue", (b, r, g))):
        if c[0] > 170 and c[1] < 90 and c[2] < 90:
            return name
    return "other"


def corners(pic):
    """Marker colours at top-left, top-right, bottom-left, bottom-right."""
    w, h, _ = pic
    return tuple(color_at(pic, x, y) for x, y in
                 ((8, 8), (w - 9, 8), (8, h - 9), (w - 9, h - 9)))


def first_frame(path):
    r = FrameReader(path, timeout=20)
    try:
        r.part()                # may predate a control change: skip it
        return r.part().jpeg
    finally:
        r.close()


@pytest.mark.parametrize("formats,size", [
    ("MJPG,YUYV", "1280x720"),
    ("YUYV", "320x240"),
    ("UYVY", "640x480"),
])
def test_formats_decode_at_negotiated_size(daemons, tmp, formats, size):
    d, path = capd(daemons, tmp, "--size", size, "--fps", "30",
                   FAKECAM_FORMATS=formats)
    pic = picture(first_frame(path))
    assert "%dx%d" % pic[:2] == size
    assert corners(pic) == ("red", "green", "blue", "other")
    log = d.logtext()
    fmt = formats.split(",")[0]
    assert "asked %s %s, driver gave %s %s" % (size, fmt, size, fmt) in log, log
    assert "asked 30 fps, driver gave 1/30" in log, log


def test_size_not_offered_is_negotiated(daemons, tmp):
    d, path = capd(daemons, tmp, "--size", "800x600")
    pic = picture(first_frame(path))
    assert pic[:2] == (640, 480)
    assert "asked 800x600 MJPG, driver gave 640x480 MJPG" in d.logtext()


def test_frames_without_huffman_tables_get_them(daemons, tmp):
    _, path = capd(daemons, tmp, FAKECAM_NODHT=1)
    jpeg = first_frame(path)
    sos = jpeg.index(b"\xff\xda")
    assert b"\xff\xc4" in jpeg[:sos]
    assert picture(jpeg)[:2] == (640, 480)


ORIENT = [
    # args, expected size (from 640x480), corners TL, TR, BL, BR
    ((), (640, 480), ("red", "green", "blue", "other")),
    (("--hflip",), (640, 480), ("green", "red", "other", "blue")),
    (("--vflip",), (640, 480), ("blue", "other", "red", "green")),
    (("--rotate", "90"), (480, 640), ("blue", "red", "other", "green")),
    (("--rotate", "180"), (640, 480), ("other", "blue", "green", "red")),
    (("--rotate", "270"), (480, 640), ("green", "other", "red", "blue")),
    (("--hflip", "--rotate", "90"), (480, 640),
     ("other", "green", "blue", "red")),
]


@pytest.mark.parametrize("driver_flips", [True, False])
@pytest.mark.parametrize("args,size,want", ORIENT)
def test_flips_and_rotations(daemons, tmp, driver_flips, args, size, want):
    fake = {} if driver_flips else {"FAKECAM_NOFLIP": 1}
    _, path = capd(daemons, tmp, *args, **fake)
    pic = picture(first_frame(path))
    assert pic[:2] == size
    assert corners(pic) == want


def test_rotation_applies_to_the_test_source(daemons, tmp):
    path = os.path.join(tmp, "t.sock")
    daemons("capd", "--socket", path, "--source", "test", "--size",
            "320x240", "--rotate", "90", wait_log="listening on")
    assert picture(first_frame(path))[:2] == (240, 320)


def test_controls_listed_and_set(daemons, tmp):
    env = dict(os.environ, **fake_env(tmp))
    out = subprocess.run([os.path.join(BUILD, "campipe-capd"), "--source",
                          "v4l2:/dev/video0", "--list-controls"], env=env,
                         capture_output=True, timeout=30)
    text = out.stdout.decode()
    assert out.returncode == 0, out.stderr.decode()
    assert re.search(r"brightness 0x00980900 \(int\)\s*: min=0 max=255", text)
    assert "power_line_frequency" in text and "1: 50 Hz" in text
    base = picture(first_frame(capd(daemons, tmp)[1]))
    daemons_path = os.path.join(tmp, "b.sock")
    d = daemons("capd", "--socket", daemons_path, "--source",
                "v4l2:/dev/video0", "--warmup", "0", "--ctrl",
                "brightness=255", "--ctrl", "power_line_frequency=60 Hz",
                "--ctrl", "nosuch=1", env=fake_env(tmp),
                wait_log="listening on")
    bright = picture(first_frame(daemons_path))
    log = d.logtext()
    assert "control brightness set to 255" in log, log
    assert "control power_line_frequency set to 60 Hz" in log, log
    assert "--ctrl nosuch: no such control" in log, log
    # a gradient pixel away from the moving bar is brighter
    i = (300 * 640 + 320) * 3
    assert sum(bright[2][i:i + 3]) > sum(base[2][i:i + 3]) + 60


def test_unplug_and_replug_resume_on_same_connection(daemons, tmp):
    d, path = capd(daemons, tmp, "--fps", "30")
    r = FrameReader(path, timeout=20)
    before = r.parts(5)[-1].seq
    control(tmp, "unplug")
    wait_for(lambda: "No such device" in d.logtext(), timeout=10,
             what="unplug noticed")
    time.sleep(1)
    control(tmp, "ok")
    after = r.parts(10)
    assert after[-1].seq > before + 5
    r.close()
    log = d.logtext()
    assert "streaming again" in log, log
    assert log.count("(retrying)") == 1, log
    assert d.alive()


def test_busy_at_start_is_retried(daemons, tmp):
    d, path = capd(daemons, tmp, FAKECAM_BUSY=3)
    pic = picture(first_frame(path))
    assert pic[:2] == (640, 480)
    log = d.logtext()
    assert "busy (another program has the camera) (retrying)" in log, log
    assert "streaming again" in log, log
