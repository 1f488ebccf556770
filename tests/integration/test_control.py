# SPDX-License-Identifier: ISC
"""capd's control socket (docs/control.md) with curl, against the test
pattern and the fake camera: status, settings, live and restarting changes,
refused changes, and the state file."""
import json
import os
import re
import socket
import subprocess
import time

from conftest import binary, wait_for
from framesock import FrameReader, decodes
from test_v4l2 import fake_env

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "control.md")
DOC_SOCKET = "/run/campipe/control.sock"


def capd(daemons, tmp, *args, env=None):
    frames = os.path.join(tmp, "frames.sock")
    d = daemons("capd", "--socket", frames, "--warmup", "0", *args, env=env,
                wait_log="listening on")
    return d, frames, os.path.join(tmp, "control.sock")


def fakecapd(daemons, tmp, *args):
    return capd(daemons, tmp, "--source", "v4l2:/dev/video0", *args,
                env=fake_env(tmp))


def curl(ctl, method, path, body=None, ctype="application/json"):
    """(HTTP status, parsed JSON body) from curl on the control socket."""
    cmd = ["curl", "-s", "--max-time", "20", "-o", "-", "-w", "\n%{http_code}",
           "--unix-socket", ctl, "-X", method]
    if body is not None:
        cmd += ["--data-binary", body]
        if ctype:
            cmd += ["-H", "Content-Type: " + ctype]
    r = subprocess.run(cmd + ["http://capd" + path], capture_output=True,
                       timeout=30)
    assert r.returncode == 0, r.stderr.decode()
    out, code = r.stdout.rsplit(b"\n", 1)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = out.decode("utf-8", "replace")
    return int(code), doc


def get(ctl, path):
    code, doc = curl(ctl, "GET", path)
    assert code == 200, doc
    return doc


def patch(ctl, body):
    return curl(ctl, "PATCH", "/settings", body)


def hello(frames, name, viewers):
    """A frame socket subscriber that says who it is (docs/frames.md)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(frames)
    s.sendall(b"Subscriber: " + name.encode() + b"\r\nViewers: 9\r\n")
    s.sendall(b"Nonsense\r\n" + b"x" * 100 + b"\nViewers: %d\n" % viewers)
    return s


def mean_luma(jpeg):
    r = subprocess.run(["djpeg", "-grayscale", "-pnm"], input=jpeg,
                       capture_output=True, timeout=30)
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", r.stdout)
    assert m, r.stderr.decode()
    px = r.stdout[m.end():]
    return sum(px) / len(px)


def next_frame_where(reader, cond, n=150):
    """The first of the next n frames whose JPEG satisfies cond."""
    for _ in range(n):
        jpeg = reader.part().jpeg
        if cond(jpeg):
            return jpeg
    raise AssertionError("no frame satisfied the condition in %d frames" % n)


def doc_examples():
    """(command, expected output lines) for every curl line of the doc."""
    out, cur = [], None
    in_code = False
    with open(DOC) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("```"):
                in_code = not in_code
                cur = None
                continue
            if not in_code:
                continue
            if line.startswith("$ curl ") or line.startswith("curl "):
                cur = (line[2:] if line.startswith("$ ") else line, [])
                out.append(cur)
            elif cur is not None and line:
                cur[1].append(line)
    return out


def test_doc_curl_examples_verbatim(daemons, tmp):
    _, frames, ctl = fakecapd(daemons, tmp)
    examples = doc_examples()
    assert len(examples) >= 8, examples
    sub = FrameReader(frames, timeout=20)
    sub.part()
    for cmd, expected in examples:
        # Verbatim but for the socket path.
        assert DOC_SOCKET in cmd, cmd
        r = subprocess.run(["sh", "-c", cmd.replace(DOC_SOCKET, ctl)],
                           capture_output=True, timeout=30)
        assert r.returncode == 0, (cmd, r.stderr)
        got = json.loads(r.stdout)
        assert r.stdout.endswith(b"\n")
        if not expected:
            assert "error" not in got, (cmd, got)
            continue
        want = json.loads(expected[0])
        if "uptime" in want:
            # A live status: the same members, the same state.
            assert set(got) == set(want), (cmd, got)
            assert got["state"] == "streaming" and got["source"] == want["source"]
            # The H.264 socket's object has the same members too.
            assert set(got["h264"]) == set(want["h264"]), (cmd, got)
        else:
            assert got == want, (cmd, got)
    sub.close()


def test_status_idle_then_streaming_with_named_subscribers(daemons, tmp):
    _, frames, ctl = capd(daemons, tmp, "--source", "test", "--size",
                          "320x240", "--fps", "20", "--idle-stop", "0.2")
    st = get(ctl, "/status")
    assert st["state"] == "stopped" and st["subscribers"] == [], st
    assert st["size"] is None and st["fps"] == 0 and st["cause"] is None
    assert st["source"] == "test" and st["quality"] == 80
    named = hello(frames, "recorder", 4)
    # A silent reader, as socat is: it gets frames and stays unnamed.
    silent = subprocess.Popen(["socat", "-u", "UNIX-CONNECT:" + frames, "-"],
                              stdout=subprocess.PIPE)
    try:
        assert silent.stdout.read(9) == b"--campipe"
        st = wait_for(lambda: (lambda s: s if s["state"] == "streaming" and
                               len(s["subscribers"]) == 2 and s["fps"] > 5
                               else None)(get(ctl, "/status")),
                      what="streaming with two subscribers")
        assert st["size"] == {"width": 320, "height": 240}
        subs = sorted((str(s["name"]), s["viewers"]) for s in st["subscribers"])
        assert subs == [("None", None), ("recorder", 4)], st
        assert st["viewers"] == 5
        assert all(s["sent"] > 0 for s in st["subscribers"])
        assert st["frames"] > 0 and st["uptime"] > 0
    finally:
        silent.kill()
        silent.wait()
        named.close()
    wait_for(lambda: get(ctl, "/status")["state"] == "stopped",
             what="stopped after the idle delay")


def test_quality_is_live_and_frames_shrink(daemons, tmp):
    _, frames, ctl = capd(daemons, tmp, "--source", "test", "--quality", "95")
    r = FrameReader(frames, timeout=20)
    big = len(r.part().jpeg)
    code, doc = patch(ctl, '{"quality":10}')
    assert code == 200 and doc["quality"]["value"] == 10, doc
    small = next_frame_where(r, lambda j: len(j) < big / 2)
    assert decodes(small, tmp) == (640, 480)
    assert get(ctl, "/status")["quality"] == 10
    r.close()


def test_brightness_on_the_fake_camera_brightens_frames(daemons, tmp):
    _, frames, ctl = fakecapd(daemons, tmp)
    r = FrameReader(frames, timeout=20)
    before = mean_luma(r.part().jpeg)
    code, doc = patch(ctl, '{"controls":{"brightness":255}}')
    assert code == 200, doc
    ctrl = [c for c in doc["controls"] if c["name"] == "brightness"][0]
    assert ctrl["value"] == 255 and ctrl["type"] == "int"
    next_frame_where(r, lambda j: mean_luma(j) > before + 40)
    # And back down by name of a menu item elsewhere: still one change.
    code, doc = patch(ctl, '{"controls":{"brightness":0,'
                      '"power_line_frequency":"60 Hz"}}')
    assert code == 200, doc
    next_frame_where(r, lambda j: mean_luma(j) < before - 40)
    r.close()


def test_size_change_keeps_the_subscriber(daemons, tmp):
    _, frames, ctl = capd(daemons, tmp, "--source", "test", "--size",
                          "640x480")
    r = FrameReader(frames, timeout=20)
    first = r.part()
    assert decodes(first.jpeg, tmp) == (640, 480)
    code, doc = patch(ctl, '{"size":"320x240","fps":10}')
    assert code == 200 and doc["size"]["value"] == "320x240", doc
    # The same connection sees the new size; sequence numbers go on rising.
    last = first.seq
    for _ in range(200):
        p = r.part()
        assert p.seq > last
        last = p.seq
        if decodes(p.jpeg, tmp) == (320, 240):
            break
    else:
        raise AssertionError("no 320x240 frame on the same connection")
    st = get(ctl, "/status")
    assert st["size"] == {"width": 320, "height": 240}
    assert len(st["subscribers"]) == 1
    r.close()


def test_refused_changes_change_nothing(daemons, tmp):
    _, frames, ctl = fakecapd(daemons, tmp, "--state",
                              os.path.join(tmp, "state.json"))
    before = get(ctl, "/settings")
    cases = [
        ('{"quality":50,"fps":', "bad JSON at byte 20: unexpected token "
         "near end of file"),
        ('{"quality":50,"controls":{"focus_absolute":3}}',
         'controls: no control named "focus_absolute"'),
        ('{"quality":50,"controls":{"brightness":256}}',
         "brightness: 256 out of range (0 to 255)"),
        ('{"quality":50,"hflip":"yes"}', "hflip: expected true or false"),
        ('{"quality":50,"controls":{"brightness":"10"}}',
         "brightness: expected an integer"),
        ('{"quality":50,"size":"640"}', 'size: "640" is not WIDTHxHEIGHT'),
        ('{"quality":50,"zoom":2}', 'no setting named "zoom" (expected '
         'size, fps, quality, rotate, hflip, vflip or controls)'),
        ('[]', "expected a JSON object"),
    ]
    for body, reason in cases:
        code, doc = patch(ctl, body)
        assert code == 400 and doc == {"error": reason}, (body, doc)
    code, _ = curl(ctl, "PATCH", "/settings", '{"quality":50}', ctype=None)
    assert code == 415
    code, _ = curl(ctl, "PATCH", "/settings", " " * 20000)
    assert code == 413
    code, _ = curl(ctl, "POST", "/settings", '{"quality":50}')
    assert code == 405
    code, _ = curl(ctl, "GET", "/nothing")
    assert code == 404
    assert get(ctl, "/settings") == before
    assert not os.path.exists(os.path.join(tmp, "state.json"))


def test_saved_settings_survive_a_restart(daemons, tmp):
    state = os.path.join(tmp, "state.json")
    d, frames, ctl = fakecapd(daemons, tmp, "--state", state)
    code, doc = patch(ctl, '{"quality":33,"rotate":90,"controls":'
                      '{"brightness":200}}')
    assert code == 200, doc
    with open(state) as f:
        saved = json.load(f)
    assert saved["quality"] == 33 and saved["rotate"] == 90
    assert saved["controls"]["brightness"] == 200
    assert not os.path.exists(state + ".tmp")
    assert d.stop() == 0
    d, frames, ctl = fakecapd(daemons, tmp, "--state", state)
    doc = get(ctl, "/settings")
    assert doc["quality"]["value"] == 33 and doc["rotate"]["value"] == 90
    assert [c["value"] for c in doc["controls"]
            if c["name"] == "brightness"] == [200]
    # Applied to the picture: rotated 640x480 is 480x640, and bright.
    r = FrameReader(frames, timeout=20)
    jpeg = r.part().jpeg
    assert decodes(jpeg, tmp) == (480, 640)
    assert mean_luma(jpeg) > 150
    r.close()


def test_corrupt_state_file_is_logged_and_ignored(daemons, tmp):
    state = os.path.join(tmp, "state.json")
    with open(state, "w") as f:
        f.write('{"quality":33,"size":')
    d, frames, ctl = capd(daemons, tmp, "--source", "test", "--state", state)
    wait_for(lambda: "state %s: bad JSON" % state in d.logtext(),
             what="the corrupt state file in the log")
    assert get(ctl, "/settings")["quality"]["value"] == 80
    # A bad value is ignored as a whole, too.
    d.stop()
    with open(state, "w") as f:
        f.write('{"quality":33,"fps":1000}')
    d, frames, ctl = capd(daemons, tmp, "--source", "test", "--state", state)
    wait_for(lambda: "fps: 1000 out of range" in d.logtext(),
             what="the bad value in the log")
    assert get(ctl, "/settings")["quality"]["value"] == 80
    code, _ = patch(ctl, '{"quality":40}')
    assert code == 200
    with open(state) as f:
        assert json.load(f)["quality"] == 40


def test_exec_source_settings_are_fixed(daemons, tmp):
    _, frames, ctl = capd(daemons, tmp, "--source", "exec:sleep 1000")
    doc = get(ctl, "/settings")
    assert [doc[k]["apply"] for k in ("size", "fps", "quality")] == \
        ["fixed"] * 3
    assert doc["rotate"]["apply"] == "live" and doc["controls"] == []
    code, doc = patch(ctl, '{"fps":10}')
    assert code == 400 and doc["error"].startswith("fps: this source "
                                                   "cannot change it")


def test_concurrent_changes_are_serialized(daemons, tmp):
    state = os.path.join(tmp, "state.json")
    _, frames, ctl = capd(daemons, tmp, "--source", "test", "--state", state)
    procs = [subprocess.Popen(
        ["curl", "-s", "--unix-socket", ctl, "-X", "PATCH", "-H",
         "Content-Type: application/json", "-d",
         '{"quality":%d,"rotate":%d}' % (q, 90 * (q % 4)),
         "http://capd/settings"], stdout=subprocess.PIPE)
        for q in range(10, 30)]
    outs = [json.loads(p.communicate(timeout=30)[0]) for p in procs]
    # Each answer is one whole change; the last one applied is what stays.
    for o in outs:
        assert o["rotate"]["value"] == 90 * (o["quality"]["value"] % 4)
    final = get(ctl, "/settings")
    assert final["rotate"]["value"] == 90 * (final["quality"]["value"] % 4)
    with open(state) as f:
        saved = json.load(f)
    assert (saved["quality"], saved["rotate"]) == \
        (final["quality"]["value"], final["rotate"]["value"])


def test_rotation_and_flips_are_live_on_the_camera(daemons, tmp):
    from test_v4l2 import corners, picture
    _, frames, ctl = fakecapd(daemons, tmp)
    r = FrameReader(frames, timeout=20)
    first = r.part()
    assert corners(picture(first.jpeg))[:3] == ("red", "green", "blue")
    code, doc = patch(ctl, '{"hflip":true}')
    assert code == 200 and doc["hflip"]["value"] is True
    # The camera's own flip control: mirrored from a later frame, same link.
    next_frame_where(r, lambda j: corners(picture(j))[:2] == ("green", "red"))
    code, doc = patch(ctl, '{"hflip":false,"rotate":90}')
    assert code == 200
    # 90 degrees clockwise: the top-left corner goes to the top-right (a
    # frame or two the camera drew mirrored may come first, rotated).
    next_frame_where(r, lambda j: decodes(j, tmp) == (480, 640) and
                     corners(picture(j))[1] == "red")
    r.close()


def test_control_socket_mode_and_group(daemons, tmp):
    import grp
    import stat
    group = grp.getgrgid(os.getgroups()[-1]).gr_name if os.geteuid() else "video"
    _, frames, ctl = capd(daemons, tmp, "--source", "test", "--control-mode",
                          "0640", "--control-group", group)
    st = os.stat(ctl)
    assert stat.S_IMODE(st.st_mode) == 0o640
    assert st.st_gid == grp.getgrnam(group).gr_gid
    assert stat.S_IMODE(os.stat(frames).st_mode) == 0o660
    r = subprocess.run([binary("capd"), "--socket", os.path.join(tmp, "other.sock"),
                        "--control-group", "no-such-group"],
                       capture_output=True, timeout=20)
    assert r.returncode != 0
    assert b'--control-group: no group "no-such-group"' in r.stderr
