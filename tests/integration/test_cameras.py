# SPDX-License-Identifier: ISC
"""Several cameras behind one httpd and one wsd: three capds (the test
pattern, a file: replay, the fake V4L2 camera's second device), each told
apart by its picture; a camera killed and restarted, a camera started late,
subscriptions only while watched, and bad names refused at start."""
import asyncio
import json
import os
import re
import socket
import subprocess
import time

import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from conftest import BUILD, binary, free_port, wait_for
from test_httpd import WWW, HttpFrameReader, curl
from test_wsd import http as ws_http, status as ws_status, upgrade_request
from test_v4l2 import preload

CAMS = ("pattern", "replay", "fake")
SIZES = {"pattern": (320, 240), "replay": (160, 120), "fake": (640, 480)}


def identify(jpeg):
    """Which camera drew a JPEG: its size and mean colour, decoded by djpeg.
    The test pattern is grey, the replay solid red, and the fake camera's
    second device (FAKECAM_DEVICES) tinted purple."""
    r = subprocess.run(["djpeg", "-pnm"], input=jpeg, capture_output=True,
                       timeout=30)
    assert r.returncode == 0, "djpeg failed: %s" % r.stderr.decode()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", r.stdout)
    assert m, "djpeg gave no colour image"
    w, h = int(m.group(1)), int(m.group(2))
    rgb = r.stdout[m.end():]
    n = w * h
    red, green, blue = (sum(rgb[i::3]) / n for i in range(3))
    if red - green > 150 and blue < 60:
        kind = "replay"
    elif red - green > 60 and blue - green > 60:
        kind = "fake"
    elif abs(red - green) < 30 and abs(blue - green) < 30:
        kind = "pattern"
    else:
        kind = "unknown (%.0f, %.0f, %.0f)" % (red, green, blue)
    assert (w, h) == SIZES.get(kind), (kind, w, h)
    return kind


class Notify:
    """A NOTIFY_SOCKET for one capd: its STATUS= lines, sent when they
    change, say its subscribers."""

    def __init__(self, tmp, name):
        self.path = os.path.join(tmp, "notify-%s.sock" % name)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.setblocking(False)
        self.status = []

    def poll(self):
        while True:
            try:
                msg = self.sock.recv(4096).decode()
            except BlockingIOError:
                return self.status
            self.status += [l[7:] for l in msg.splitlines()
                            if l.startswith("STATUS=")]

    def wait(self, pred, what):
        """Waits until the latest STATUS line satisfies pred."""
        return wait_for(lambda: self.poll() and pred(self.status[-1]),
                        timeout=30, what=what)


class Setup:
    """The three capds (restartable), httpd and wsd in front of them."""

    def __init__(self, daemons, tmp):
        self.daemons, self.tmp = daemons, tmp
        self.paths = {c: os.path.join(tmp, c + ".sock") for c in CAMS}
        self.capds, self.notify = {}, {}
        self.clip = os.path.join(tmp, "red.jpg")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                        "color=c=red:s=160x120", "-frames:v", "1", self.clip],
                       check=True, timeout=60)
        ctl = os.path.join(tmp, "fakecam.ctl")
        with open(ctl, "w") as f:
            f.write("ok\n")
        self.fake_env = {"LD_PRELOAD": preload(), "FAKECAM_CONTROL": ctl,
                         "FAKECAM_DEVICES": "/dev/video0,/dev/video2"}

    def capd(self, cam):
        args = {"pattern": ["--source", "test", "--size", "320x240", "--fps", "15"],
                "replay": ["--source", "file:" + self.clip, "--fps", "15"],
                "fake": ["--source", "v4l2:/dev/video2", "--size", "640x480",
                         "--fps", "15", "--warmup", "0"]}[cam]
        if cam not in self.notify:
            self.notify[cam] = Notify(self.tmp, cam)
        env = dict(self.fake_env if cam == "fake" else {},
                   NOTIFY_SOCKET=self.notify[cam].path)
        self.capds[cam] = self.daemons("capd", "--socket", self.paths[cam], *args,
                                       env=env, wait_log="listening on")
        return self.capds[cam]

    def web(self, *args, cams=CAMS):
        specs = []
        for c in cams:
            specs += ["--camera", "%s=%s" % (c, self.paths[c])]
        self.port, self.wsport = free_port(), free_port()
        self.httpd = self.daemons("httpd", "--listen", "127.0.0.1:%d" % self.port,
                                  "--www", WWW, "--ws-port", str(self.wsport),
                                  *specs, *args, wait_tcp=self.port)
        self.wsd = self.daemons("wsd", "--listen", "127.0.0.1:%d" % self.wsport,
                                *specs, *args, wait_log="relaying frames")

    def cameras(self):
        code, _, body = curl(self.port, "/api/cameras")
        assert code == 200
        return json.loads(body)

    def cam_state(self, name):
        return {c["name"]: c for c in self.cameras()["cameras"]}[name]

    def still(self, path):
        code, h, body = curl(self.port, path)
        assert code == 200, (path, code, body[:200])
        assert h["content-type"] == "image/jpeg"
        return identify(body)

    def stream(self, path, n=2):
        r = HttpFrameReader(self.port, path, timeout=20)
        try:
            kinds = {identify(p.jpeg) for p in r.parts(n)}
        finally:
            r.close()
        assert len(kinds) == 1, kinds
        return kinds.pop()

    def ws_url(self, path):
        return "ws://127.0.0.1:%d%s" % (self.wsport, path)

    def ws(self, path, n=2):
        async def get():
            async with websockets.connect(self.ws_url(path), max_size=None) as ws:
                return [await asyncio.wait_for(ws.recv(), 20) for _ in range(n)]
        kinds = {identify(m) for m in asyncio.run(get())}
        assert len(kinds) == 1, kinds
        return kinds.pop()


@pytest.fixture
def setup(daemons, tmp):
    return Setup(daemons, tmp)


def test_each_cameras_urls_give_its_frames(setup):
    for c in CAMS:
        setup.capd(c)
    setup.web("--default-camera", "fake")
    listed = setup.cameras()
    assert listed["default"] == "fake"
    assert [c["name"] for c in listed["cameras"]] == list(CAMS)
    for c in listed["cameras"]:
        assert c["online"] and c["state"] == "idle", c
        assert c["still"] == "/cam/%s/pi.jpg" % c["name"]
        assert c["ws"] == "/cam/%s/stream" % c["name"]

    for c in CAMS:
        assert setup.still("/cam/%s/pi.jpg" % c) == c
        assert setup.still("/cam/%s/snapshot.jpg" % c) == c
        assert setup.still("/cam/%s/?action=snapshot" % c) == c
        assert setup.stream("/cam/%s/stream.mjpg" % c) == c
        assert setup.stream("/cam/%s/?action=stream" % c) == c
        assert setup.ws("/cam/%s/stream" % c) == c
    # Today's URLs answer for the default camera.
    assert setup.still("/pi.jpg") == "fake"
    assert setup.still("/?action=snapshot") == "fake"
    assert setup.stream("/stream.mjpg") == "fake"
    assert setup.ws("/stream") == "fake"

    # Unknown cameras: 404 from both daemons.
    code, _, body = curl(setup.port, "/cam/nope/pi.jpg")
    assert code == 404 and b"no such camera" in body
    assert curl(setup.port, "/cam/pattern/nothing")[0] == 404
    assert curl(setup.port, "/cam/bad%20name/pi.jpg")[0] == 404
    got, head, _ = ws_http(setup.wsport, upgrade_request(setup.wsport, "/cam/nope/stream"))
    assert got == 404, head

    # Per-camera series in /metrics, one per camera.
    code, _, body = curl(setup.port, "/metrics")
    frames = {}
    for fam in text_string_to_metric_families(body.decode()):
        for s in fam.samples:
            if s.name == "campipe_httpd_frames_received_total":
                frames[s.labels["camera"]] = s.value
    assert set(frames) == set(CAMS) and all(v >= 1 for v in frames.values()), frames
    st = ws_status(setup.wsport)
    assert st["default"] == "fake"
    assert [c["name"] for c in st["cameras"]] == list(CAMS)
    assert all(c["frames"] >= 2 for c in st["cameras"]), st["cameras"]


def test_killed_camera_503_while_others_stream(setup):
    """A camera whose capd is killed: its stills 503, a stream opened then
    waits, the other cameras stream on, and it comes back by itself."""
    for c in CAMS:
        setup.capd(c)
    setup.web()
    pattern = HttpFrameReader(setup.port, "/cam/pattern/stream.mjpg", timeout=20)
    fake = HttpFrameReader(setup.port, "/cam/fake/stream.mjpg", timeout=20)

    async def watch_ws(path, until):
        """Frames of one camera over WebSocket until until() holds."""
        async with websockets.connect(setup.ws_url(path), max_size=None) as ws:
            kinds = set()
            while not until():
                kinds.add(identify(await asyncio.wait_for(ws.recv(), 20)))
            return kinds

    try:
        assert {identify(p.jpeg) for p in pattern.parts(2)} == {"pattern"}
        assert {identify(p.jpeg) for p in fake.parts(2)} == {"fake"}
        assert setup.still("/cam/replay/pi.jpg") == "replay"
        setup.capds["replay"].kill()
        killed = time.time()
        # Its URLs answer 503 (the socket file is left behind by SIGKILL).
        code, _, body = curl(setup.port, "/cam/replay/pi.jpg")
        assert code == 503 and b"capd unreachable" in body, body
        assert setup.cam_state("replay")["online"] is False
        # A stream opened meanwhile waits for it.
        waiting = HttpFrameReader(setup.port, "/cam/replay/stream.mjpg", timeout=30)
        # The others go on: frames captured after the kill keep coming.
        for r, kind in ((pattern, "pattern"), (fake, "fake")):
            after = [p for p in r.parts(40) if p.ts > killed]
            assert len(after) >= 5 and {identify(p.jpeg) for p in after[-2:]} == {kind}
        n = [0]
        assert asyncio.run(watch_ws("/cam/pattern/stream",
                                    lambda: n.__setitem__(0, n[0] + 1) or n[0] > 3)) \
            == {"pattern"}
        # It comes back by itself: the waiting stream gets its frames.
        setup.capd("replay")
        first = waiting.part()
        waiting.close()
        assert first.ts > killed and identify(first.jpeg) == "replay"
        wait_for(lambda: curl(setup.port, "/cam/replay/pi.jpg")[0] == 200,
                 timeout=20, what="replay back")
        assert setup.still("/cam/replay/pi.jpg") == "replay"
        assert setup.stream("/cam/replay/stream.mjpg") == "replay"
        assert setup.ws("/cam/replay/stream") == "replay"
        assert setup.cam_state("replay")["online"] is True
    finally:
        pattern.close()
        fake.close()


def test_camera_started_later_appears(setup):
    setup.web(cams=("pattern",))
    assert setup.cam_state("pattern")["state"] == "offline"
    code, _, _ = curl(setup.port, "/pi.jpg")
    assert code == 503
    st = ws_status(setup.wsport)
    assert st["cameras"][0]["name"] == "pattern"

    # A viewer already waiting on the WebSocket gets frames once capd runs.
    async def early_viewer():
        async with websockets.connect(setup.ws_url("/cam/pattern/stream"),
                                      max_size=None) as ws:
            setup.capd("pattern")
            return identify(await asyncio.wait_for(ws.recv(), 20))
    assert asyncio.run(early_viewer()) == "pattern"
    wait_for(lambda: setup.cam_state("pattern")["online"], timeout=20,
             what="listed online")
    assert setup.still("/cam/pattern/pi.jpg") == "pattern"
    assert setup.stream("/stream.mjpg") == "pattern"
    assert setup.httpd.alive() and setup.wsd.alive()


def test_only_watched_cameras_are_subscribed(setup):
    for c in CAMS:
        setup.capd(c)
    setup.web()
    idle = "idle, source stopped"
    for c in CAMS:
        setup.notify[c].wait(lambda s: s == idle, c + " idle")
    assert not any(c["subscribed"] for c in setup.cameras()["cameras"])

    # One MJPEG viewer of the pattern: its capd has one subscriber.
    r = HttpFrameReader(setup.port, "/cam/pattern/stream.mjpg", timeout=20)
    try:
        r.parts(2)
        setup.notify["pattern"].wait(lambda s: "to 1 subscriber" in s,
                                     "pattern's capd streaming to httpd")
        subscribed = {c["name"]: c["subscribed"] for c in setup.cameras()["cameras"]}
        assert subscribed == {"pattern": True, "replay": False, "fake": False}

        # A WebSocket viewer of the fake camera: one subscriber there too.
        async def watch():
            async with websockets.connect(setup.ws_url("/cam/fake/stream"),
                                          max_size=None) as ws:
                identify(await asyncio.wait_for(ws.recv(), 20))
                setup.notify["fake"].wait(lambda s: "to 1 subscriber" in s,
                                          "fake's capd streaming to wsd")
                st = ws_status(setup.wsport)
                return {c["name"]: c["clients"] for c in st["cameras"]}
        assert asyncio.run(watch()) == {"pattern": 0, "replay": 0, "fake": 1}
        # The replay, never watched, never had a subscriber: its capd never
        # said anything but idle while the two others reported theirs.
        assert set(setup.notify["replay"].poll()) == {idle}
    finally:
        r.close()
    # Nobody watches: every capd stops its source again.
    for c in ("pattern", "fake"):
        setup.notify[c].wait(lambda s: s == idle, c + " idle again")


@pytest.mark.parametrize("daemon", ["httpd", "wsd"])
@pytest.mark.parametrize("args,msg", [
    (["--camera", "door one=/x"], 'camera name "door one": only letters, digits'),
    (["--camera", "door=/x", "--camera", "door=/y"], 'camera "door" named twice'),
    (["--camera", "door"], '"door" is not NAME=PATH'),
    (["--camera", "=/x"], "empty camera name"),
    (["--camera", "a" * 33 + "=/x"], "longer than 32 characters"),
    (["--camera", "a=/x", "--default-camera", "b"], 'no camera named "b"'),
    (["--default-camera", "x/y"], "--default-camera: camera name"),
    (["--frames", "/f", "--camera", "default=/x"], 'camera "default" named twice'),
])
def test_bad_camera_names_are_one_line_errors(daemon, args, msg):
    r = subprocess.run([binary(daemon)] + args, capture_output=True, timeout=10)
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert err.count("\n") == 1 and msg in err, err
    assert err.startswith("campipe-%s: --" % daemon), err


def test_camera_pages_have_no_inline_code():
    """The grid page and the switcher work under a strict policy
    (script-src 'self', style-src 'self'): no inline script, style, style
    attribute or event handler attribute in their HTML, no style attribute
    or inline handler set from their scripts."""
    www = os.path.join(os.path.dirname(__file__), "..", "..", "www")
    for page in ("grid.html", "index.html"):
        with open(os.path.join(www, page)) as f:
            html = f.read()
        assert re.findall(r"<script\b[^>]*>", html), page
        assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html)), page
        assert "<style" not in html and not re.search(r"\sstyle=", html), page
        assert not re.search(r"\son[a-z]+=", html), page
    for js in ("grid.js", "cameras.js"):
        with open(os.path.join(www, js)) as f:
            code = f.read()
        assert not re.search(r"setAttribute\(\s*['\"](style|on)", code), js
        assert "innerHTML" not in code and "eval(" not in code, js
