# SPDX-License-Identifier: ISC
"""H.264 served by httpd and wsd: the same limits and counts as the JPEG
streams (per-address shares, --max-camera-clients, /status, /api/status,
/metrics), and every camera's own H.264 from two capds."""
import asyncio
import http.client
import json
import os
import subprocess

import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from conftest import binary, free_port, wait_for
from test_httpd import WWW, curl, status as api_status
from test_lockout import have_loopback
from test_wsd import http as ws_http, status as ws_status, upgrade_request


def capd(daemons, path, size, *args):
    return daemons("capd", "--socket", path, "--size", size, "--fps", "30",
                   "--idle-stop", "0.3", *args, wait_log="listening on")


def wsd(daemons, *args):
    port = free_port()
    d = daemons("wsd", "--listen", "127.0.0.1:%d" % port, *args,
                wait_log="relaying frames")
    return d, port


def httpd(daemons, *args):
    port = free_port()
    d = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--www", WWW,
                *args, wait_tcp=port)
    return d, port


class HttpStream:
    """A GET of an H.264 stream over HTTP/1.1, its first bytes read."""

    def __init__(self, port, path):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.conn.request("GET", path)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.first = self.resp.read1(64) if self.status == 200 else \
            self.resp.read()

    def close(self):
        self.conn.close()


def size_of(data, tmp, fmt=None):
    """(width, height, frames decoded) of an H.264 or MP4 stream, by ffprobe."""
    path = os.path.join(tmp, "probe.%d" % len(data))
    with open(path, "wb") as f:
        f.write(data)
    r = subprocess.run(["ffprobe", "-v", "error"] + (["-f", fmt] if fmt else []) +
                       ["-count_frames", "-show_streams", "-of", "json", path],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    st = json.loads(r.stdout)["streams"][0]
    assert st["codec_name"] == "h264"
    return st["width"], st["height"], int(st["nb_read_frames"])


def http_get(port, path, tmp, seconds=2):
    """The bytes of a stream curl read for a few seconds."""
    out = os.path.join(tmp, "get.out")
    r = subprocess.run(["curl", "-s", "-o", out, "-m", str(seconds),
                        "http://127.0.0.1:%d%s" % (port, path)],
                       capture_output=True, timeout=30)
    assert r.returncode == 28, r        # cut by -m: the stream went on
    with open(out, "rb") as f:
        return f.read()


def ws_get(port, path, n=12):
    async def run():
        async with websockets.connect("ws://127.0.0.1:%d%s" % (port, path),
                                      max_size=None) as ws:
            return [await asyncio.wait_for(ws.recv(), 10) for _ in range(n)]
    return b"".join(asyncio.run(run()))


async def ws_status_of(port, path, **kw):
    try:
        async with websockets.connect("ws://127.0.0.1:%d%s" % (port, path), **kw):
            return 101
    except websockets.exceptions.InvalidStatusCode as e:
        return e.status_code


@pytest.mark.skipif(not have_loopback("127.0.0.2"), reason="no 127.0.0.2")
def test_wsd_h264_viewers_hold_the_address_share_and_are_counted(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    capd(daemons, frames, "320x240")
    _, port = wsd(daemons, "--frames", frames, "--max-clients-per-addr", "2")
    st = ws_status(port)
    assert (st["clients"], st["h264_clients"]) == (0, 0)
    assert st["cameras"][0]["h264"]["ws"] == "/cam/default/stream.h264"
    uri = "ws://127.0.0.1:%d/stream.h264" % port

    async def run():
        a = await websockets.connect(uri, max_size=None)
        b = await websockets.connect(uri, max_size=None)
        for ws in (a, b):
            await asyncio.wait_for(ws.recv(), 10)       # the init segment
        st = await asyncio.to_thread(ws_status, port)
        assert (st["clients"], st["h264_clients"]) == (2, 2), st
        cam = st["cameras"][0]
        assert (cam["clients"], cam["h264_clients"]) == (2, 2), cam
        # A third from the same address, H.264 or JPEG, is refused.
        for path in ("/stream.h264", "/stream"):
            code, _, body = await asyncio.to_thread(
                ws_http, port, upgrade_request(port, path))
            assert (code, body) == (503, "too many clients from this address\n")
        # Another address is served meanwhile, and the first two go on.
        c = await websockets.connect(uri, max_size=None,
                                     local_addr=("127.0.0.2", 0))
        assert (await asyncio.wait_for(c.recv(), 10))[4:8] == b"ftyp"
        for ws in (a, b, c):
            assert (await asyncio.wait_for(ws.recv(), 10))[4:8] == b"moof"
        st = await asyncio.to_thread(ws_status, port)
        assert (st["clients"], st["h264_clients"]) == (3, 3), st
        await a.close()
        await b.close()
        await c.close()
    asyncio.run(run())
    wait_for(lambda: (lambda s: (s["clients"], s["h264_clients"],
                                 s["cameras"][0]["h264_clients"]))(
        ws_status(port)) == (0, 0, 0), what="the counts fall to 0")
    # The address's share is free again.
    assert asyncio.run(ws_status_of(port, "/stream.h264")) == 101


def test_wsd_h264_viewers_count_in_max_camera_clients(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    capd(daemons, frames, "320x240")
    _, port = wsd(daemons, "--frames", frames, "--max-camera-clients", "1")

    async def run():
        async with websockets.connect("ws://127.0.0.1:%d/stream.h264" % port,
                                      max_size=None) as ws:
            await asyncio.wait_for(ws.recv(), 10)
            return [await ws_status_of(port, p) for p in ("/stream",
                                                          "/stream.h264")]
    assert asyncio.run(run()) == [503, 503]
    wait_for(lambda: ws_status(port)["clients"] == 0, what="the viewer gone")
    assert asyncio.run(ws_status_of(port, "/stream")) == 101


def metric(port, name, **labels):
    _, _, body = curl(port, "/metrics")
    for fam in text_string_to_metric_families(body.decode()):
        for s in fam.samples:
            if s.name == name and all(s.labels.get(k) == v
                                      for k, v in labels.items()):
                return s.value
    raise AssertionError("no %s %s" % (name, labels))


def test_httpd_h264_viewers_are_counted_and_limited(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    capd(daemons, frames, "320x240")
    _, port = httpd(daemons, "--frames", frames, "--max-camera-clients", "2")
    assert api_status(port)["clients"]["h264"] == 0
    raw = HttpStream(port, "/stream.h264")
    mp4 = HttpStream(port, "/stream.mp4")
    assert raw.status == 200 and raw.first.startswith(b"\0\0\0\1\x09\xf0")
    assert mp4.status == 200 and mp4.first[4:8] == b"ftyp"
    c = api_status(port)["clients"]
    assert (c["stream"], c["h264"]) == (2, 2), c
    _, _, body = curl(port, "/api/cameras")
    cam = json.loads(body)["cameras"][0]
    assert (cam["clients"]["stream"], cam["clients"]["h264"]) == (2, 2), cam
    assert cam["h264"] == {"stream": "/cam/default/stream.h264",
                           "mp4": "/cam/default/stream.mp4",
                           "ws": "/cam/default/stream.h264"}
    assert metric(port, "campipe_httpd_h264_clients", camera="default") == 2
    assert metric(port, "campipe_httpd_clients", camera="default",
                  kind="stream") == 2
    # The camera's share is taken: a third stream of any kind is refused.
    for path in ("/stream.h264", "/stream.mjpg"):
        status, _, body = curl(port, path, timeout=5)
        assert (status, body) == (503, b"too many clients\n"), path
    raw.close()
    mp4.close()
    wait_for(lambda: api_status(port)["clients"]["h264"] == 0 and
             api_status(port)["clients"]["stream"] == 0, what="counts fall to 0")
    assert metric(port, "campipe_httpd_h264_clients", camera="default") == 0
    again = HttpStream(port, "/stream.mp4")
    assert again.status == 200
    again.close()


def test_each_camera_serves_its_own_h264(daemons, tmp):
    door = os.path.join(tmp, "door.sock")
    garden = os.path.join(tmp, "garden.sock")
    g264 = os.path.join(tmp, "garden.h264.sock")
    capd(daemons, door, "320x240")              # door-h264.sock, derived
    capd(daemons, garden, "160x120", "--h264", g264)
    cams = ["--camera", "door=" + door, "--camera", "garden=" + garden,
            "--camera-h264", "garden=" + g264]
    h, port = httpd(daemons, *cams)
    assert "camera door: frames from %s, H.264 from %s (default)" % (
        door, os.path.join(tmp, "door-h264.sock")) in h.logtext()
    for path, fmt, size in (("/stream.h264", "h264", (320, 240)),
                            ("/cam/door/stream.mp4", None, (320, 240)),
                            ("/cam/garden/stream.h264", "h264", (160, 120)),
                            ("/cam/garden/stream.mp4", None, (160, 120))):
        w, ht, n = size_of(http_get(port, path, tmp), tmp, fmt)
        assert (w, ht) == size and n >= 5, (path, w, ht, n)
    _, _, body = curl(port, "/api/cameras")
    listed = {c["name"]: c["h264"] for c in json.loads(body)["cameras"]}
    assert listed["garden"]["ws"] == "/cam/garden/stream.h264"
    _, wport = wsd(daemons, *cams)
    for path, size in (("/stream.h264", (320, 240)),
                       ("/cam/door/stream.h264", (320, 240)),
                       ("/cam/garden/stream.h264", (160, 120))):
        w, ht, n = size_of(ws_get(wport, path), tmp)
        assert (w, ht) == size and n >= 5, (path, w, ht, n)
    st = ws_status(wport)
    assert [c["h264"]["ws"] for c in st["cameras"]] == ["/cam/door/stream.h264",
                                                       "/cam/garden/stream.h264"]


def test_a_camera_without_h264_answers_404(daemons, tmp):
    a = os.path.join(tmp, "a.sock")
    b = os.path.join(tmp, "b.sock")
    cams = ["--camera", "a=" + a, "--camera", "b=" + b, "--camera-h264", "b=off"]
    _, port = httpd(daemons, *cams)
    # No capd: a has an H.264 socket that is not there (503), b none (404).
    for path in ("/cam/a/stream.h264", "/cam/a/stream.mp4", "/stream.h264"):
        status, _, body = curl(port, path)
        assert (status, body) == (503, b"the H.264 stream is not available\n")
    for path in ("/cam/b/stream.h264", "/cam/b/stream.mp4"):
        status, _, body = curl(port, path)
        assert (status, body) == (404, b"no H.264 for this camera\n")
    _, _, body = curl(port, "/api/cameras")
    assert [c["h264"] is None for c in json.loads(body)["cameras"]] == \
        [False, True]
    _, wport = wsd(daemons, *cams)
    assert asyncio.run(ws_status_of(wport, "/cam/a/stream.h264")) == 503
    assert asyncio.run(ws_status_of(wport, "/cam/b/stream.h264")) == 404
    assert asyncio.run(ws_status_of(wport, "/cam/b/stream")) == 101
    # --h264 off: the default camera has none.
    _, port = httpd(daemons, "--frames", a, "--h264", "off")
    assert curl(port, "/stream.mp4")[0] == 404
    _, wport = wsd(daemons, "--frames", a, "--h264", "off")
    assert asyncio.run(ws_status_of(wport, "/stream.h264")) == 404


def test_muxing_logs_nothing_per_frame(daemons, tmp):
    # The muxer corrects a guessed duration about every other frame; its
    # own messages must not reach the daemons' logs.
    frames = os.path.join(tmp, "frames.sock")
    capd(daemons, frames, "320x240")
    h, port = httpd(daemons, "--frames", frames)
    w, wport = wsd(daemons, "--frames", frames)
    before = (len(h.logtext().splitlines()), len(w.logtext().splitlines()))
    data = http_get(port, "/stream.mp4", tmp, seconds=3)
    assert data.count(b"moof") >= 30            # fragments went out
    assert size_of(ws_get(wport, "/stream.h264", 61), tmp)[2] == 60
    after = (len(h.logtext().splitlines()), len(w.logtext().splitlines()))
    assert after[0] - before[0] <= 2, h.logtext()
    assert after[1] - before[1] <= 4, w.logtext()
    assert "mp4 @" not in h.logtext() + w.logtext()


@pytest.mark.parametrize("daemon", ["httpd", "wsd"])
@pytest.mark.parametrize("args,msg", [
    (["--camera", "a=/x", "--camera-h264", "b=/y"],
     '--camera-h264: no camera named "b"'),
    (["--camera-h264", "a"], '--camera-h264: "a" is not NAME=PATH'),
    (["--camera", "a=/x", "--camera-h264", "a=/" + "y" * 120],
     "--camera-h264: /yyy"),
    (["--h264", "/" + "y" * 120], "--h264: /yyy"),
])
def test_h264_option_errors(daemon, args, msg):
    r = subprocess.run([binary(daemon)] + args, capture_output=True, timeout=10)
    err = r.stderr.decode()
    assert r.returncode == 2 and msg in err and err.count("\n") == 1, err
