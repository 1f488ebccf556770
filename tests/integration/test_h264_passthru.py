# SPDX-License-Identifier: ISC
"""capd passing a source's own H.264 through (--source-format h264): an
exec: command standing in for rpicam-vid --codec h264 --inline, read by
ffprobe, a strict access unit reader (h264sock.py), httpd and curl."""
import json
import os
import socket
import subprocess
import sys
import threading
import time

from conftest import wait_for
from h264sock import AUD, AccessUnit, H264Reader
from test_httpd import curl, httpd

# ffmpeg writing H.264 Annex-B as rpicam-vid --codec h264 --inline -o -
# does: SPS and PPS before each IDR, no AUDs, no B-frames, paced at 25 fps.
ENCODE = ("ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=size=320x240:rate=25 "
          "-c:v libx264 -preset ultrafast -tune zerolatency -bf 0 -g %d "
          "-pix_fmt yuv420p -f h264 -")

# Writes an Annex-B file in 50 pieces a second, looping: what comes out of
# capd is cut by capd, wherever the pieces end.
PACER = r"""
import sys, time
data = open(sys.argv[1], "rb").read()
n = int(sys.argv[2])
out = sys.stdout.buffer
while True:
    for i in range(n):
        out.write(data[i * len(data) // n:(i + 1) * len(data) // n])
        out.flush()
        time.sleep(0.02)
"""


def nals(data):
    """The NAL units of an Annex-B stream, start codes left out."""
    return [c.rstrip(b"\x00") for c in data.split(b"\x00\x00\x01")[1:]
            if c.rstrip(b"\x00")]


class Drain:
    """A reader that keeps up: a thread only receives, into memory; the
    access units are parsed afterwards (h264sock.AccessUnit)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.buf = bytearray()
        self.lock = threading.Lock()
        self.done = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done:
            try:
                chunk = self.sock.recv(1 << 20)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.buf += chunk

    def aus(self, n, timeout=30):
        wait_for(lambda: self._count() > n or not self.thread.is_alive(),
                 timeout=timeout, what="%d access units" % n)
        with self.lock:
            data = bytes(self.buf)
        starts, i = [], data.find(AUD)
        while i != -1 and len(starts) <= n:
            starts.append(i)
            i = data.find(AUD, i + 1)
        assert len(starts) == n + 1, len(starts)
        return [AccessUnit(data[a:b]).check() for a, b in zip(starts, starts[1:])]

    def _count(self):
        with self.lock:
            return self.buf.count(AUD)

    def close(self):
        self.done = True
        self.sock.shutdown(socket.SHUT_RDWR)
        self.thread.join(10)
        self.sock.close()


def capd(daemons, tmp, source, *args):
    frames = os.path.join(tmp, "frames.sock")
    d = daemons("capd", "--socket", frames, "--source-format", "h264",
                "--source", source, *args, wait_log="listening on")
    return d, frames, os.path.join(tmp, "h264.sock")


def tee_source(tmp, gop=25):
    """The command, and the file where it also keeps what it wrote."""
    copy = os.path.join(tmp, "source.h264")
    return "exec:" + (ENCODE % gop) + " | tee " + copy, copy


def thread_names(pid):
    names = []
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, t)) as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return names


def slices(data):
    """The slice NAL units (types 1 to 5) of an Annex-B stream."""
    return [n for n in nals(data) if 1 <= n[0] & 0x1F <= 5]


def ffprobe(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-f", "h264", "-show_streams",
                        "-show_frames", "-of", "json", path],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    return json.loads(r.stdout)


def test_exec_h264_passed_through_byte_for_byte(daemons, tmp):
    source, copy = tee_source(tmp)
    d, _, h264 = capd(daemons, tmp, source)
    pid = d.proc.pid
    r = Drain(h264)
    aus = r.aus(60)
    # No encoder ran: capd has no thread but its own.
    assert "capd-h264" not in thread_names(pid), thread_names(pid)
    assert "h264: encoder started" not in d.logtext()
    r.close()
    # The order docs/frames.md promises (AUD, SPS/PPS before an IDR, the
    # campipe SEI before the slices), from an IDR, with no gap in seq.
    assert aus[0].idr
    seqs = [a.seq for a in aus]
    assert seqs == list(range(seqs[0], seqs[0] + 60)), seqs
    ts = [a.ts for a in aus]
    assert ts == sorted(ts) and abs(ts[-1] - time.time()) < 5
    out = os.path.join(tmp, "out.h264")
    with open(out, "wb") as f:
        f.write(b"".join(a.data for a in aus))
    info = ffprobe(out)
    st = info["streams"][0]
    assert (st["codec_name"], st["width"], st["height"]) == ("h264", 320, 240)
    assert len(info["frames"]) == 60
    assert [i for i, f in enumerate(info["frames"]) if f["key_frame"]] == \
        [i for i, a in enumerate(aus) if a.idr]
    # Not re-encoded: every slice is one the command wrote, byte for byte,
    # in its order.
    with open(copy, "rb") as f:
        src = slices(f.read())
    got = [n for a in aus for n in a.nals if 1 <= n[0] & 0x1F <= 5]
    assert len(got) >= 60
    i = src.index(got[0])
    assert got == src[i:i + len(got)]


def test_a_joiner_starts_at_an_idr_with_cached_parameter_sets(daemons, tmp):
    # A stream whose SPS and PPS come only before its first IDR: capd
    # inserts the ones it kept before every later IDR.
    raw = os.path.join(tmp, "raw.h264")
    subprocess.run(["bash", "-c", (ENCODE % 10).replace("-re ", "").replace(
        "-f h264", "-frames:v 50 -f h264") + " > " + raw], check=True, timeout=60)
    with open(raw, "rb") as f:
        units = nals(f.read())
    kept, seen = [], set()
    for n in units:
        if n[0] & 0x1F in (7, 8) and n[0] & 0x1F in seen:
            continue
        seen.add(n[0] & 0x1F)
        kept.append(n)
    stripped = os.path.join(tmp, "stripped.h264")
    with open(stripped, "wb") as f:
        f.write(b"".join(b"\x00\x00\x00\x01" + n for n in kept))
    assert len(units) - len(kept) >= 8      # 4 later IDRs lost theirs
    pacer = os.path.join(tmp, "pacer.py")
    with open(pacer, "w") as f:
        f.write(PACER)
    _, _, h264 = capd(daemons, tmp, "exec:%s %s %s 100" % (sys.executable, pacer, stripped))
    first = Drain(h264)
    assert first.aus(15)[0].idr
    second = Drain(h264)
    more = second.aus(26)
    b = more[0]
    # Its first unit: an IDR with SPS and PPS (check() holds them to it),
    # the very unit the first reader got with that seq.
    assert b.idr and 7 in b.types and 8 in b.types, b.types
    seqs = [m.seq for m in more]
    assert seqs == list(range(b.seq, b.seq + 26))
    assert sum(m.idr for m in more) >= 3 and all(
        7 in m.types and 8 in m.types for m in more if m.idr)
    fa = first.aus(first._count() - 1)
    assert [x.seq for x in fa] == list(range(fa[0].seq, fa[0].seq + len(fa)))
    assert [x.data for x in fa if x.seq == b.seq] == [b.data]
    first.close()
    second.close()


def test_the_source_runs_only_for_h264_subscribers(daemons, tmp):
    source, _ = tee_source(tmp)
    d, frames, h264 = capd(daemons, tmp, source, "--idle-stop", "0.3")
    # A frame socket subscriber reads why, then end-of-file; nothing starts.
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(frames)
    got = b""
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    s.close()
    assert got == (b"Refused: this camera gives H.264 only: JPEG stills and "
                   b"streams are not available; watch H.264\r\n")
    assert "exec: started" not in d.logtext()
    r = H264Reader(h264)
    r.aus(5)
    assert "exec: started" in d.logtext()
    r.close()
    wait_for(lambda: "stopped: no subscribers" in d.logtext(), what="source stopped")
    wait_for(lambda: subprocess.run(["pgrep", "-f", "testsrc2=size=320x240", "-P",
                                     str(d.proc.pid)]).returncode == 1,
             what="the command gone")


def test_jpeg_clients_get_the_reason(daemons, tmp):
    source, _ = tee_source(tmp)
    capd_d, frames, h264 = capd(daemons, tmp, source)
    _, port = httpd(daemons, frames, "--h264", h264, "--still-timeout", "30")
    # A still is answered 503 with the reason at once, not at the timeout.
    t0 = time.monotonic()
    status, _, body = curl(port, "/pi.jpg")
    assert status == 503, body
    assert b"this camera gives H.264 only" in body, body
    assert time.monotonic() - t0 < 10
    # So is an MJPEG stream, now that httpd knows.
    status, _, body = curl(port, "/stream.mjpg")
    assert status == 503 and b"this camera gives H.264 only" in body, body
    # capd's control socket says what the source gives.
    r = subprocess.run(["curl", "-s", "--unix-socket", os.path.join(tmp, "control.sock"),
                        "http://capd/status"], capture_output=True, timeout=20)
    st = json.loads(r.stdout)
    assert st["gives"] == "h264", st
    # The H.264 side plays: /stream.mp4 through ffprobe.
    out = os.path.join(tmp, "http.mp4")
    r = subprocess.run(["curl", "-s", "-o", out, "-m", "3",
                        "http://127.0.0.1:%d/stream.mp4" % port],
                       capture_output=True, timeout=30)
    assert r.returncode == 28, r
    r = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-count_frames",
                        "-of", "json", out], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    st = json.loads(r.stdout)["streams"][0]
    assert (st["codec_name"], st["width"], st["height"]) == ("h264", 320, 240)
    assert int(st["nb_read_frames"]) >= 10


def test_a_jpeg_stream_said_plainly(daemons, tmp):
    jpeg = os.path.join(tmp, "a.jpg")
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=64x48", "-frames:v", "1", "-y", jpeg],
                   check=True, timeout=60)
    d, _, h264 = capd(daemons, tmp, "exec:sh -c 'while :; do cat %s; sleep 0.1; done'" % jpeg)
    r = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    r.connect(h264)
    wait_for(lambda: "the stream is JPEG, not H.264 Annex-B" in d.logtext(),
             what="the line about JPEG")
    r.close()
    assert d.logtext().count("the stream is JPEG") == 1


def test_units_over_max_frame_size_dropped_to_the_next_idr(daemons, tmp):
    # IDRs of this noise are over 64K, P pictures of a still frame under it.
    cmd = ("ffmpeg -nostdin -v error -re -f lavfi -i "
           "\"nullsrc=size=640x480:rate=25,geq=random(1)*255:128:128,"
           "select='eq(n\\,0)',loop=-1:1:0,setpts=N/25/TB\" "
           "-c:v libx264 -preset ultrafast -tune zerolatency -bf 0 -g 25 "
           "-pix_fmt yuv420p -f h264 -")
    d, _, h264 = capd(daemons, tmp, "exec:" + cmd, "--max-frame-size", "64K")
    r = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    r.connect(h264)
    wait_for(lambda: "over --max-frame-size 65536 dropped" in d.logtext(),
             what="the line about units too big")
    wait_for(lambda: "before an IDR skipped" in d.logtext(),
             what="the line about units skipped")
    r.close()


def test_v4l2_h264_camera_passed_through_idr_asked_at_once(daemons, tmp):
    from test_v4l2 import fake_env
    # The fake camera's H.264: a clip with one IDR every 250 frames (8 s),
    # each access unit behind an AUD as fakecam serves them.
    clip = os.path.join(tmp, "clip.h264")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=320x240:rate=30", "-c:v", "libx264", "-preset",
                    "ultrafast", "-tune", "zerolatency", "-bf", "0", "-g", "250",
                    "-x264-params", "aud=1:scenecut=0", "-pix_fmt", "yuv420p",
                    "-frames:v", "250", "-f", "h264", "-y", clip],
                   check=True, timeout=120)
    frames = os.path.join(tmp, "frames.sock")
    d = daemons("capd", "--socket", frames, "--source", "v4l2:/dev/video0",
                "--source-format", "h264", "--size", "320x240", "--fps", "30",
                "--h264-gop", "2", "--idle-stop", "0.3",
                env=fake_env(tmp, FAKECAM_FORMATS="MJPG,H264", FAKECAM_H264=clip),
                wait_log="listening on")
    h264 = os.path.join(tmp, "h264.sock")
    first = Drain(h264)
    aus = first.aus(40)
    assert aus[0].idr
    assert "capd-h264" not in thread_names(d.proc.pid)
    seqs = [a.seq for a in aus]
    assert seqs == list(range(seqs[0], seqs[0] + 40)), seqs
    # The camera's own slices, byte for byte, in its order.
    with open(clip, "rb") as f:
        src = slices(f.read())
    got = [n for a in aus for n in a.nals if 1 <= n[0] & 0x1F <= 5]
    i = src.index(got[0])
    assert got == src[i:i + len(got)]
    log = d.logtext()
    assert "driver gave 320x240 H264 (passed through)" in log, log
    assert "an IDR every 60 frames (--h264-gop)" in log, log
    # A joiner: the camera is asked for an IDR at once (the clip's own
    # next one is over 6 s away).
    joined = time.monotonic()
    second = Drain(h264)
    wait_for(lambda: second._count() >= 2, timeout=3, what="the joiner's first unit")
    assert time.monotonic() - joined < 3
    more = second.aus(30)
    b = more[0]
    assert b.idr, b.types
    assert [m.seq for m in more] == list(range(b.seq, b.seq + 30))
    fa = first.aus(first._count() - 1)
    assert [x.seq for x in fa] == list(range(fa[0].seq, fa[0].seq + len(fa)))
    assert [x.data for x in fa if x.seq == b.seq] == [b.data]
    out = os.path.join(tmp, "joiner.h264")
    with open(out, "wb") as f:
        f.write(b"".join(a.data for a in more))
    info = ffprobe(out)
    assert len(info["frames"]) == 30 and info["frames"][0]["key_frame"] == 1
    first.close()
    second.close()
    wait_for(lambda: "source v4l2:/dev/video0 stopped: no subscribers" in d.logtext(),
             what="camera off")


def test_v4l2_h264_asked_of_a_camera_without_it(daemons, tmp):
    from test_v4l2 import fake_env
    frames = os.path.join(tmp, "frames.sock")
    d = daemons("capd", "--socket", frames, "--source", "v4l2:/dev/video0",
                "--source-format", "h264", env=fake_env(tmp, FAKECAM_FORMATS="MJPG"),
                wait_log="listening on")
    r = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    r.connect(os.path.join(tmp, "h264.sock"))
    wait_for(lambda: "no H.264 format (--source-format h264)" in d.logtext(),
             what="the reason")
    r.close()


def test_file_h264_looped_at_fps(daemons, tmp):
    clip = os.path.join(tmp, "clip.h264")
    subprocess.run(["bash", "-c", (ENCODE % 15).replace("-re ", "").replace(
        "-f h264", "-frames:v 40 -f h264") + " > " + clip], check=True, timeout=60)
    d, _, h264 = capd(daemons, tmp, "file:" + clip, "--fps", "50")
    r = Drain(h264)
    aus = r.aus(100)
    r.close()
    assert "40 frame(s)" in d.logtext()
    seqs = [a.seq for a in aus]
    assert seqs == list(range(seqs[0], seqs[0] + 100))
    # The file's units in a loop: its first, an IDR, every 40.
    assert aus[0].idr
    with open(clip, "rb") as f:
        src = slices(f.read())
    got = [[n for n in a.nals if 1 <= n[0] & 0x1F <= 5] for a in aus]
    assert [n for g in got[:40] for n in g] == src
    assert got[40] == got[0] and got[80] == got[0] and aus[40].idr
    out = os.path.join(tmp, "out.h264")
    with open(out, "wb") as f:
        f.write(b"".join(a.data for a in aus))
    assert len(ffprobe(out)["frames"]) == 100


def test_file_that_is_not_h264_refused_at_start(tmp):
    from conftest import binary
    path = os.path.join(tmp, "x.bin")
    with open(path, "wb") as f:
        f.write(b"\xff\xd8\xff\xe0 not H.264" * 100)
    r = subprocess.run([binary("capd"), "--socket", os.path.join(tmp, "f.sock"),
                        "--source-format", "h264", "--source", "file:" + path],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 1, r
    assert "no H.264 access units from an IDR on" in r.stderr, r.stderr


def test_jpeg_streams_opened_before_the_refusal_end(daemons, tmp):
    import asyncio
    import websockets
    from test_wsd import start_wsd
    source, _ = tee_source(tmp)
    _, frames, h264 = capd(daemons, tmp, source)
    # An MJPEG stream opened first: its response ends, not left open.
    _, port = httpd(daemons, frames, "--h264", h264)
    t0 = time.monotonic()
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "20",
                        "http://127.0.0.1:%d/stream.mjpg" % port],
                       capture_output=True, timeout=30)
    assert (r.returncode, r.stdout) == (0, b"200"), r
    assert time.monotonic() - t0 < 10
    # A live JPEG WebSocket: closed with 1011 and the reason.
    _, wport = start_wsd(daemons, frames)

    async def live():
        async with websockets.connect("ws://127.0.0.1:%d/stream" % wport) as ws:
            try:
                await asyncio.wait_for(ws.recv(), 10)
            except websockets.ConnectionClosed as e:
                return e.rcvd.code, e.rcvd.reason
        return None
    code, reason = asyncio.run(live())
    assert code == 1011 and reason.startswith("this camera gives H.264 only"), reason
