# SPDX-License-Identifier: ISC
"""capd's H.264 socket against real readers: ffprobe, ffmpeg, a strict
access unit reader (tests/integration/h264sock.py)."""
import json
import os
import subprocess
import threading
import time

from conftest import wait_for
from framesock import FrameReader, gaps
from h264sock import H264Reader


def capd(daemons, tmp, *args):
    frames = os.path.join(tmp, "frames.sock")
    d = daemons("capd", "--socket", frames, *args, wait_log="listening on")
    return d, frames, os.path.join(tmp, "h264.sock")


def ffprobe_frames(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-f", "h264", "-show_streams",
                        "-show_frames", "-of", "json", path],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    return json.loads(r.stdout)


def tasks(pid):
    return len(os.listdir("/proc/%d/task" % pid))


def test_ffprobe_reads_the_socket_keyframes_within_the_gop(daemons, tmp):
    _, _, h264 = capd(daemons, tmp, "--size", "640x480", "--fps", "30",
                      "--h264-gop", "0.5")
    r = H264Reader(h264)
    aus = r.aus(61)
    r.close()
    out = os.path.join(tmp, "out.h264")
    with open(out, "wb") as f:
        f.write(b"".join(a.data for a in aus[:60]))
    info = ffprobe_frames(out)
    st = info["streams"][0]
    assert (st["codec_name"], st["width"], st["height"]) == ("h264", 640, 480)
    assert st["profile"] == "Constrained Baseline"
    frames = info["frames"]
    assert len(frames) == 60
    keys = [i for i, f in enumerate(frames) if f["key_frame"] == 1]
    assert keys[0] == 0
    # IDR every 15 frames at most (0.5 s at 30 fps), none of them B.
    assert all(b - a <= 15 for a, b in zip(keys, keys[1:])), keys
    assert 60 - 1 - keys[-1] < 15, keys
    assert [i for i, a in enumerate(aus[:60]) if a.idr] == keys
    assert not [f for f in frames if f["pict_type"] == "B"]


def test_socat_into_ffmpeg_decodes(daemons, tmp):
    _, _, h264 = capd(daemons, tmp, "--size", "320x240", "--fps", "30")
    out = os.path.join(tmp, "out.gray")
    cmd = ("socat -u UNIX-CONNECT:%s - 2>/dev/null | ffmpeg -v error -xerror -f h264 -i - "
           "-frames:v 30 -f rawvideo -pix_fmt gray -y %s" % (h264, out))
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, timeout=60)
    assert r.returncode == 0 and r.stderr == b"", r.stderr.decode()[-2000:]
    assert os.path.getsize(out) == 30 * 320 * 240


def test_sei_seq_increasing_and_matches_the_jpeg_frames(daemons, tmp):
    _, frames, h264 = capd(daemons, tmp, "--size", "320x240", "--fps", "15")
    j = FrameReader(frames)
    r = H264Reader(h264)
    before = time.time()
    aus, parts = [], []
    for _ in range(30):         # in step: neither reader falls behind
        aus.append(r.au())
        parts.append(j.part())
    after = time.time()
    j.close()
    r.close()
    seqs = [a.seq for a in aus]
    assert all(b > a for a, b in zip(seqs, seqs[1:])), seqs
    jts = {p.seq: p.ts for p in parts}
    # The SEI carries the frame's own number and capture time.
    both = [a for a in aus if a.seq in jts]
    assert len(both) >= 10, (seqs, sorted(jts))
    for a in both:
        assert round(a.ts, 6) == round(jts[a.seq], 6)
    for a in aus:
        assert before - 2 < a.ts <= after + 0.1


def test_a_joiner_starts_at_an_idr_asked_for_at_once(daemons, tmp):
    # An IDR every 30 s only: the joiner's, within 5 s, is the one its
    # arrival forced (a scene cut or a reader that fell behind may add
    # others, never remove it).
    _, _, h264 = capd(daemons, tmp, "--size", "320x240", "--fps", "30",
                      "--h264-gop", "30")
    first = H264Reader(h264)
    aus = first.aus(45)
    assert aus[0].idr
    joined = time.monotonic()
    second = H264Reader(h264, timeout=5)
    a = second.au()
    assert a.idr, a.types
    assert time.monotonic() - joined < 5
    # The first reader got the same IDR, in the middle of its stream.
    while True:
        b = first.au()
        if b.seq >= a.seq:
            break
    assert b.seq == a.seq and b.idr and b.data == a.data
    rest = second.aus(10)
    assert [x.seq for x in rest] == sorted(x.seq for x in rest)
    first.close()
    second.close()


def test_encoder_thread_runs_only_while_subscribed(daemons, tmp):
    d, frames, h264 = capd(daemons, tmp, "--size", "320x240", "--fps", "30",
                           "--idle-stop", "0.5")
    pid = d.proc.pid
    base = tasks(pid)
    j = FrameReader(frames)
    j.parts(5)
    assert tasks(pid) == base, "JPEG alone starts no encoder"
    r = H264Reader(h264)
    r.aus(5)
    assert tasks(pid) > base
    r.close()
    wait_for(lambda: tasks(pid) == base, what="encoder threads gone")
    assert "h264: encoder stopped: no subscribers" in d.logtext()
    j.parts(5)          # the JPEG socket goes on
    j.close()
    # Again on demand.
    r = H264Reader(h264)
    assert r.au().idr
    r.close()


def test_h264_alone_runs_the_source_and_stops_it(daemons, tmp):
    d, _, h264 = capd(daemons, tmp, "--size", "320x240", "--idle-stop", "0.3")
    r = H264Reader(h264)
    r.aus(5)
    r.close()
    wait_for(lambda: "source test stopped: no subscribers" in d.logtext(),
             what="source stopped")


def test_jpeg_subscriber_sees_every_frame_while_h264_is_encoded(daemons, tmp):
    _, frames, h264 = capd(daemons, tmp, "--size", "1280x720", "--fps", "15")
    j = FrameReader(frames)
    r = H264Reader(h264)
    stop = threading.Event()
    got = []

    def h264_read():
        while not stop.is_set():
            got.append(r.au().seq)
    t = threading.Thread(target=h264_read, daemon=True)
    t.start()
    parts = j.parts(60)
    stop.set()
    t.join(10)
    assert len(got) >= 10, "H.264 was encoded meanwhile"
    assert gaps([p.seq for p in parts]) == 0
    j.close()
    r.close()


def test_a_reader_that_falls_behind_resumes_at_an_idr(daemons, tmp):
    _, _, h264 = capd(daemons, tmp, "--size", "640x480", "--fps", "30",
                      "--h264-gop", "30", "--h264-bitrate", "4M")
    # A reader that keeps up sees every unit the encoder made: a slow
    # encoder skips frames itself, so a gap in seq alone is no loss.
    made, stop = [], threading.Event()
    fast = H264Reader(h264)

    def keep_up():
        while not stop.is_set():
            made.append(fast.au().seq)
    t = threading.Thread(target=keep_up, daemon=True)
    t.start()
    r = H264Reader(h264, rcvbuf=4096)
    r.au()
    time.sleep(3)       # the socket fills: units are lost for this reader
    aus = r.aus(120)
    r.close()
    seqs = [a.seq for a in aus]
    wait_for(lambda: made and made[-1] >= seqs[-1], what="the fast reader")
    stop.set()
    t.join(10)
    fast.close()
    made = set(made)
    lost = [i for i in range(1, len(aus))
            if any(s in made for s in range(seqs[i - 1] + 1, seqs[i]))]
    assert lost, "the reader lost nothing (positive control)"
    for i in lost:
        assert aus[i].idr, (seqs[i - 1], seqs[i], aus[i].types)


def test_h264_off_and_bad_options(daemons, tmp):
    _, _, h264 = capd(daemons, tmp, "--h264", "off")
    assert not os.path.exists(h264)
    for args, msg in ((["--h264-profile", "extended"], "--h264-profile"),
                      (["--h264-gop", "0"], "--h264-gop"),
                      (["--h264-bitrate", "9"], "--h264-bitrate")):
        r = subprocess.run([d_bin(), *args], capture_output=True, timeout=10)
        assert r.returncode == 2 and msg in r.stderr.decode(), r.stderr


def d_bin():
    from conftest import binary
    return binary("capd")


def httpd_h264(daemons, tmp, *args):
    from test_httpd import httpd
    d, frames, h264 = capd(daemons, tmp, "--size", "320x240", "--fps", "30",
                           "--idle-stop", "0.3", *args)
    _, port = httpd(daemons, frames, "--h264", h264)
    return d, port


def test_httpd_stream_h264_read_by_ffprobe(daemons, tmp):
    capd_d, port = httpd_h264(daemons, tmp)
    out = os.path.join(tmp, "http.h264")
    r = subprocess.run(["curl", "-s", "-D", os.path.join(tmp, "hdr"), "-o", out,
                        "-m", "3", "http://127.0.0.1:%d/stream.h264" % port],
                       capture_output=True, timeout=30)
    assert r.returncode == 28, r       # cut by -m: the stream went on
    with open(os.path.join(tmp, "hdr")) as f:
        hdr = f.read().lower()
    assert hdr.startswith("http/1.1 200") and "content-type: video/h264" in hdr
    with open(out, "rb") as f:
        data = f.read()
    assert data.startswith(b"\x00\x00\x00\x01\x09\xf0")
    info = ffprobe_frames(out)
    assert info["streams"][0]["codec_name"] == "h264"
    assert len(info["frames"]) >= 10 and info["frames"][0]["key_frame"] == 1
    # The viewer left: capd's encoder stops.
    wait_for(lambda: "h264: encoder stopped: no subscribers" in capd_d.logtext(),
             what="encoder stopped")


def test_httpd_stream_h264_decodes_with_ffmpeg_over_http(daemons, tmp):
    _, port = httpd_h264(daemons, tmp)
    out = os.path.join(tmp, "out.gray")
    r = subprocess.run(["ffmpeg", "-v", "error", "-xerror", "-f", "h264", "-i",
                        "http://127.0.0.1:%d/stream.h264" % port, "-frames:v", "20",
                        "-f", "rawvideo", "-pix_fmt", "gray", "-y", out],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    assert os.path.getsize(out) == 20 * 320 * 240


def test_httpd_stream_h264_without_capd_is_503(daemons, tmp):
    from test_httpd import httpd
    _, port = httpd(daemons, os.path.join(tmp, "none.sock"), "--h264",
                    os.path.join(tmp, "none264.sock"))
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://127.0.0.1:%d/stream.h264" % port],
                       capture_output=True, timeout=30)
    assert r.stdout == b"503"


def test_httpd_stream_mp4_read_by_ffprobe(daemons, tmp):
    _, port = httpd_h264(daemons, tmp)
    out = os.path.join(tmp, "http.mp4")
    r = subprocess.run(["curl", "-s", "-D", os.path.join(tmp, "hdr"), "-o", out,
                        "-m", "3", "http://127.0.0.1:%d/stream.mp4" % port],
                       capture_output=True, timeout=30)
    assert r.returncode == 28, r
    with open(os.path.join(tmp, "hdr")) as f:
        assert "content-type: video/mp4" in f.read().lower()
    with open(out, "rb") as f:
        data = f.read()
    # Init segment, then one fragment per frame.
    assert data[4:8] == b"ftyp"
    assert data.count(b"moof") >= 10
    r = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-count_frames",
                        "-of", "json", out], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    st = json.loads(r.stdout)["streams"][0]
    assert (st["codec_name"], st["width"], st["height"]) == ("h264", 320, 240)
    assert int(st["nb_read_frames"]) >= 10
    # Frames decode.
    r = subprocess.run(["ffmpeg", "-v", "error", "-xerror", "-i", out, "-f", "null",
                        "-"], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]


def wsd_h264(daemons, tmp, *args):
    from test_wsd import start_wsd
    d, frames, h264 = capd(daemons, tmp, "--size", "320x240", "--fps", "30",
                           "--idle-stop", "0.3")
    _, port = start_wsd(daemons, frames, "--h264", h264, *args)
    return d, port


def ws_messages(uri, n, **kw):
    import asyncio
    import websockets

    async def run():
        async with websockets.connect(uri, max_size=None, **kw) as ws:
            return [await asyncio.wait_for(ws.recv(), 10) for _ in range(n)]
    return asyncio.run(run())


def boxes(data):
    """Top-level MP4 box types of a message."""
    out, i = [], 0
    while i + 8 <= len(data):
        size = int.from_bytes(data[i:i + 4], "big")
        assert size >= 8 and i + size <= len(data), (i, size, len(data))
        out.append(data[i + 4:i + 8].decode())
        i += size
    assert i == len(data)
    return out


def test_wsd_stream_h264_init_then_one_fragment_per_frame(daemons, tmp):
    capd_d, port = wsd_h264(daemons, tmp)
    msgs = ws_messages("ws://127.0.0.1:%d/stream.h264" % port, 31)
    assert all(isinstance(m, bytes) for m in msgs)
    assert boxes(msgs[0]) == ["ftyp", "moov"]
    for m in msgs[1:]:
        assert boxes(m) == ["moof", "mdat"]
    # Each fragment carries one frame with its campipe SEI, in order.
    import re
    seqs = [int(re.search(rb"campipe seq=(\d+) ", m).group(1)) for m in msgs[1:]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 30
    out = os.path.join(tmp, "ws.mp4")
    with open(out, "wb") as f:
        f.write(b"".join(msgs))
    r = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_frames",
                        "-of", "json", out], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    info = json.loads(r.stdout)
    assert info["streams"][0]["codec_name"] == "h264"
    assert len(info["frames"]) == 30 and info["frames"][0]["key_frame"] == 1
    wait_for(lambda: "h264: encoder stopped: no subscribers" in capd_d.logtext(),
             what="encoder stopped after the viewer left")


def test_wsd_stream_h264_origin_and_limits(daemons, tmp):
    import asyncio
    import websockets
    _, port = wsd_h264(daemons, tmp, "--allow-origin", "https://cam.example",
                       "--max-clients", "1")
    uri = "ws://127.0.0.1:%d/stream.h264" % port

    async def status_of(**kw):
        try:
            async with websockets.connect(uri, **kw):
                return 101
        except websockets.exceptions.InvalidStatusCode as e:
            return e.status_code

    async def two():
        async with websockets.connect(uri, origin="https://cam.example") as ws:
            await asyncio.wait_for(ws.recv(), 10)
            return await status_of(origin="https://cam.example")
    assert asyncio.run(status_of(origin="https://cam.example")) == 101
    assert asyncio.run(status_of(origin="http://evil.example")) == 403
    assert asyncio.run(two()) == 503


def test_wsd_stream_h264_without_capd_is_503(daemons, tmp):
    import asyncio
    import websockets
    from test_wsd import start_wsd
    _, port = start_wsd(daemons, os.path.join(tmp, "none.sock"), "--h264",
                        os.path.join(tmp, "none264.sock"))

    async def run():
        try:
            async with websockets.connect("ws://127.0.0.1:%d/stream.h264" % port):
                return 101
        except websockets.exceptions.InvalidStatusCode as e:
            return e.status_code
    assert asyncio.run(run()) == 503


def test_default_socket_names_let_capds_share_a_directory(daemons, tmp):
    a = os.path.join(tmp, "a.sock")
    daemons("capd", "--socket", a, "--size", "320x240", wait_log="listening on")
    d = daemons("capd", "--socket", os.path.join(tmp, "frames.sock"),
                "--size", "320x240", wait_log="listening on")
    assert os.path.exists(os.path.join(tmp, "a-h264.sock"))
    assert os.path.exists(os.path.join(tmp, "h264.sock"))
    assert H264Reader(os.path.join(tmp, "a-h264.sock")).au().idr
    # A default that cannot be bound costs the H.264 socket, not the camera.
    b = daemons("capd", "--socket", os.path.join(tmp, "b.sock"), "--h264",
                os.path.join(tmp, "b264.sock"), wait_log="listening on")
    r = subprocess.run([d_bin(), "--socket", os.path.join(tmp, "c.sock"), "--h264",
                        os.path.join(tmp, "b264.sock")], capture_output=True,
                       timeout=10)
    assert r.returncode != 0 and b"another capd is listening" in r.stderr
    os.symlink(os.path.join(tmp, "h264.sock"), os.path.join(tmp, "x-h264.sock"))
    e = daemons("capd", "--socket", os.path.join(tmp, "x.sock"),
                wait_log="listening on")
    assert "no H.264 socket" in e.logtext()
    assert d.alive() and b.alive()


def test_an_encoder_that_cannot_open_closes_subscribers_each_time(daemons, tmp):
    import pytest
    d, _, h264 = capd(daemons, tmp, "--size", "320x240", "--h264-encoder", "nosuch")
    for _ in range(2):
        r = H264Reader(h264)
        with pytest.raises(EOFError):
            r.au()
        r.close()
    assert d.logtext().count("h264: no encoder nosuch in libavcodec") == 2


def test_wsd_stream_h264_through_httpd_handoff(daemons, tmp):
    from test_handoff import start_httpd, start_wsd
    _, frames, h264 = capd(daemons, tmp, "--size", "320x240", "--fps", "30")
    _, sock = start_wsd(daemons, tmp, frames, "--h264", h264)
    _, port = start_httpd(daemons, frames, sock)
    msgs = ws_messages("ws://127.0.0.1:%d/stream.h264" % port, 4)
    assert boxes(msgs[0]) == ["ftyp", "moov"]
    assert all(boxes(m) == ["moof", "mdat"] for m in msgs[1:])

