# SPDX-License-Identifier: ISC
"""capd's own account of H.264 viewers: GET /status and the sd_notify
STATUS= line while only an H.264 subscriber watches, encoded and passed
through; and GET/PATCH /settings marking what passed-through H.264 cannot
change."""
import json
import os
import re
import subprocess

from conftest import wait_for
from h264sock import H264Reader
from test_h264_passthru import tee_source
from test_systemd import Notifications


def control(tmp, method="GET", path="/status", body=None):
    """(HTTP status, JSON body) of capd's control socket, by curl."""
    args = ["curl", "-s", "-w", "\n%{http_code}", "--unix-socket",
            os.path.join(tmp, "control.sock"), "-X", method]
    if body is not None:
        args += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
    r = subprocess.run(args + ["http://capd" + path], capture_output=True,
                       timeout=20)
    text, code = r.stdout.decode().rsplit("\n", 1)
    return int(code), json.loads(text)


def streaming_to_one(n):
    """The STATUS= line for one subscriber with frames flowing."""
    n.wait(lambda m: re.fullmatch(r"STATUS=streaming [1-9]\d* fps to 1 subscriber", m),
           "streaming to 1 subscriber at a non-zero rate")


def watched_by_h264_only(tmp, d, n):
    """Only an H.264 subscriber: one viewer, streaming, in both accounts."""
    n.wait(lambda m: m == "STATUS=idle, source stopped", "idle status")
    _, st = control(tmp)
    assert (st["viewers"], st["state"], st["h264"]["subscribers"]) == (0, "stopped", 0), st
    r = H264Reader(os.path.join(tmp, "h264.sock"))
    r.aus(5)
    streaming_to_one(n)
    _, st = control(tmp)
    assert st["viewers"] == 1, st
    assert st["state"] == "streaming", st
    assert st["subscribers"] == [], st
    assert st["h264"]["subscribers"] == 1, st
    r.close()
    n.wait(lambda m: m == "STATUS=no subscribers, source stopping soon", "stopping soon")
    wait_for(lambda: control(tmp)[1]["viewers"] == 0, what="no viewer left")


def test_encoded_h264_viewer_counted(daemons, tmp):
    n = Notifications(tmp)
    d = daemons("capd", "--socket", os.path.join(tmp, "frames.sock"), "--size",
                "320x240", "--idle-stop", "2", env={"NOTIFY_SOCKET": n.path},
                wait_log="listening on")
    watched_by_h264_only(tmp, d, n)


def test_passed_through_h264_viewer_counted(daemons, tmp):
    n = Notifications(tmp)
    source, _ = tee_source(tmp)
    d = daemons("capd", "--socket", os.path.join(tmp, "frames.sock"),
                "--source-format", "h264", "--source", source, "--idle-stop", "2",
                env={"NOTIFY_SOCKET": n.path}, wait_log="listening on")
    watched_by_h264_only(tmp, d, n)


def test_passed_through_settings_fixed(daemons, tmp):
    source, _ = tee_source(tmp)
    daemons("capd", "--socket", os.path.join(tmp, "frames.sock"),
            "--source-format", "h264", "--source", source, wait_log="listening on")
    code, s = control(tmp, path="/settings")
    assert code == 200, s
    for k in ("quality", "rotate", "hflip", "vflip"):
        assert s[k]["apply"] == "fixed", s
        assert "passed through" in s[k]["reason"], s
    # exec: size and frame rate are the command's own, said as before.
    assert s["size"]["apply"] == "fixed" and "reason" not in s["size"], s
    for body in ({"rotate": 180}, {"hflip": True}, {"vflip": False}, {"quality": 50},
                 {"fps": 10}):
        code, r = control(tmp, "PATCH", "/settings", body)
        assert code == 400, (body, r)
        key = next(iter(body))
        assert r["error"].startswith(key + ": "), r
        assert "\n" not in r["error"]
    code, r = control(tmp, "PATCH", "/settings", {"rotate": 90})
    assert r == {"error": "rotate: H.264 is passed through as the source gives it, "
                          "not decoded (--source-format h264)"}
    # Nothing changed.
    assert control(tmp, path="/settings")[1] == s


def test_v4l2_h264_camera_controls_still_work(daemons, tmp):
    from test_v4l2 import fake_env
    clip = os.path.join(tmp, "clip.h264")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=320x240:rate=30", "-c:v", "libx264", "-preset",
                    "ultrafast", "-tune", "zerolatency", "-bf", "0", "-g", "30",
                    "-x264-params", "aud=1:scenecut=0", "-pix_fmt", "yuv420p",
                    "-frames:v", "60", "-f", "h264", "-y", clip],
                   check=True, timeout=120)
    daemons("capd", "--socket", os.path.join(tmp, "frames.sock"), "--source",
            "v4l2:/dev/video0", "--source-format", "h264", "--size", "320x240",
            env=fake_env(tmp, FAKECAM_FORMATS="MJPG,H264", FAKECAM_H264=clip),
            wait_log="listening on")
    _, s = control(tmp, path="/settings")
    assert s["quality"]["apply"] == "fixed" and s["rotate"]["apply"] == "fixed", s
    # The camera flips by its own controls.
    assert s["hflip"]["apply"] == "live" and "reason" not in s["hflip"], s
    assert [c["value"] for c in s["controls"] if c["name"] == "brightness"] == [128], s
    code, r = control(tmp, "PATCH", "/settings", {"controls": {"brightness": 160},
                                                  "hflip": True})
    assert code == 200, r
    assert [c["value"] for c in r["controls"] if c["name"] == "brightness"] == [160], r
    assert r["hflip"]["value"] is True, r
    code, r = control(tmp, "PATCH", "/settings", {"controls": {"brightness": 100},
                                                  "rotate": 180})
    assert code == 400 and r["error"].startswith("rotate: H.264 is passed"), r
    _, s = control(tmp, path="/settings")
    assert [c["value"] for c in s["controls"] if c["name"] == "brightness"] == [160], s
