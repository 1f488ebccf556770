# SPDX-License-Identifier: ISC
"""H.264 viewers of httpd (/stream.mp4, /stream.h264) and wsd
(/stream.h264) through a capd restart, as JPEG viewers: each stays on its
connection, and the stream goes on at the next IDR of the new capd.  With
the same parameters the MP4 stream goes on from the same muxer (no second
init segment, fragment numbers and decode times going on); with other
parameters a new init segment comes first, and the page's MSE and
WebCodecs paths take it (www/h264.js)."""
import asyncio
import http.client
import os
import re
import subprocess
import threading
import time

import websockets

from conftest import free_port, wait_for
from test_wsd import start_wsd

SEI_RE = re.compile(rb"campipe seq=(\d+) t=(\d+)\.(\d{6})")
AUD = b"\x00\x00\x00\x01\x09\xf0"


def capd(daemons, tmp, size):
    frames = os.path.join(tmp, "frames.sock")
    return daemons("capd", "--socket", frames, "--size", size, "--fps", "20",
                   "--h264-gop", "0.5", "--idle-stop", "0.3",
                   wait_log="listening on"), frames


def sei_time(data):
    m = SEI_RE.search(data)
    return int(m.group(2)) + int(m.group(3)) / 1e6 if m else None


def top_boxes(data):
    """(type, bytes) of each whole top-level box at the front of data, and
    the bytes after them."""
    out, i = [], 0
    while i + 8 <= len(data):
        size = int.from_bytes(data[i:i + 4], "big")
        assert size >= 8, (i, size)
        if i + size > len(data):
            break
        out.append((data[i + 4:i + 8], data[i:i + size]))
        i += size
    return out, data[i:]


def child(box, path):
    """The payload of the box at path inside box (a whole box's bytes)."""
    data = box[8:]
    for name in path:
        i = 0
        while True:
            assert i + 8 <= len(data), (name, path)
            size = int.from_bytes(data[i:i + 4], "big")
            if data[i + 4:i + 8] == name:
                data = data[i + 8:i + size]
                break
            i += size
    return data


def moof_numbers(moof):
    """(mfhd sequence_number, tfdt baseMediaDecodeTime) of a moof box."""
    seq = int.from_bytes(child(moof, [b"mfhd"])[4:8], "big")
    tfdt = child(moof, [b"traf", b"tfdt"])
    t = int.from_bytes(tfdt[4:12] if tfdt[0] == 1 else tfdt[4:8], "big")
    return seq, t


class Collector(threading.Thread):
    """Reads a stream in the background: items of (type, bytes) as they come."""

    def __init__(self):
        super().__init__(daemon=True)
        self.items = []
        self.error = None
        self.stop = False

    def run(self):
        try:
            self.read()
        except Exception as e:      # noqa: BLE001 (reported by the test)
            self.error = e

    def since(self, t):
        """Items whose campipe SEI says they were captured after t."""
        return [it for it in list(self.items)
                if it[0] in (b"moof", b"mdat", b"au", b"ws") and
                (sei_time(it[1]) or 0) > t]


class HttpCollector(Collector):
    """A GET of path; cut(buf) takes the whole items off the bytes so far."""

    def __init__(self, port, path):
        super().__init__()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", path)
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        self.raw = b""

    def read(self):
        buf = b""
        while not self.stop:
            b = self.resp.read1(65536)
            if not b:
                break
            self.raw += b
            items, buf = self.cut(buf + b)
            self.items += items


class Mp4Collector(HttpCollector):
    def __init__(self, port):
        super().__init__(port, "/stream.mp4")

    def cut(self, buf):
        return top_boxes(buf)


class RawCollector(HttpCollector):
    def __init__(self, port):
        super().__init__(port, "/stream.h264")

    def cut(self, buf):
        # A unit is whole once the next delimiter has come.
        parts = buf.split(AUD)
        if len(parts) < 2:
            return [], buf
        return [(b"au", AUD + p) for p in parts[1:-1]], AUD + parts[-1]


class WsCollector(Collector):
    def __init__(self, port):
        super().__init__()
        self.uri = "ws://127.0.0.1:%d/stream.h264" % port

    def read(self):
        async def run():
            async with websockets.connect(self.uri, max_size=None) as ws:
                while not self.stop:
                    m = await asyncio.wait_for(ws.recv(), 30)
                    boxes, _ = top_boxes(m)
                    self.items.append((b"init" if boxes[0][0] == b"ftyp"
                                       else b"ws", m))
        asyncio.run(run())


def nal_types(mdat):
    """The NAL unit types of an mdat box (4-byte lengths before each)."""
    out, i, data = [], 8, mdat
    while i + 4 < len(data):
        n = int.from_bytes(data[i:i + 4], "big")
        out.append(data[i + 4] & 31)
        i += 4 + n
    return out


def is_idr_au(au):
    return any(n and n[0] & 31 == 5 for n in au.split(b"\x00\x00\x00\x01"))


def viewers(daemons, tmp):
    cd, frames = capd(daemons, tmp, "320x240")
    port = free_port()
    daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", frames,
            wait_tcp=port)
    _, wport = start_wsd(daemons, frames, "--h264",
                         os.path.join(tmp, "h264.sock"))
    cs = [Mp4Collector(port), RawCollector(port), WsCollector(wport)]
    for c in cs:
        c.start()
    wait_for(lambda: all(len(c.since(0)) > 5 for c in cs), timeout=20,
             what="every viewer streaming")
    return cd, port, cs


def restart(daemons, tmp, cd, cs, size):
    cd.kill()
    killed = time.time()
    time.sleep(1)
    capd(daemons, tmp, size)
    wait_for(lambda: all(len(c.since(killed)) > 10 or c.error for c in cs),
             timeout=30, what="every viewer streaming from the new capd")
    for c in cs:
        assert c.error is None, c.error
    return killed


def mp4_checks(items, killed):
    """Fragment numbers and decode times go on across the restart."""
    moofs = [moof_numbers(b) for t, b in items if t == b"moof"]
    seqs = [s for s, _ in moofs]
    times = [t for _, t in moofs]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
    assert all(b > a for a, b in zip(times, times[1:])), times


def test_h264_viewers_survive_a_capd_restart(daemons, tmp):
    cd, port, (mp4, raw, ws) = viewers(daemons, tmp)
    killed = restart(daemons, tmp, cd, (mp4, raw, ws), "320x240")
    # MP4: one init segment, then fragments numbered and timed on.
    assert [t for t, _ in mp4.items[:2]] == [b"ftyp", b"moov"]
    assert [t for t, _ in mp4.items].count(b"moov") == 1
    mp4_checks(mp4.items, killed)
    # The first fragment from the new capd is an IDR (a sync sample).
    first = [b for t, b in mp4.items if t == b"mdat" and
             (sei_time(b) or 0) > killed][0]
    assert 5 in nal_types(first), nal_types(first)
    # Raw: the first unit after the restart is an IDR with its SPS.
    after = raw.since(killed)
    assert is_idr_au(after[0][1]) and b"\x00\x00\x00\x01\x67" in after[0][1]
    # wsd: the same socket, no new init segment.
    assert [t for t, _ in ws.items].count(b"init") == 1
    assert ws.items[0][0] == b"init"
    # ffmpeg decodes the MP4 taken across the restart without an error.
    for c in (mp4, raw, ws):
        c.stop = True
    out = os.path.join(tmp, "across.mp4")
    with open(out, "wb") as f:
        f.write(mp4.raw)
    r = subprocess.run(["ffmpeg", "-v", "error", "-i", out, "-f", "null", "-"],
                       capture_output=True, timeout=60)
    assert r.returncode == 0 and b"rror" not in r.stderr, r.stderr.decode()[-2000:]
    st = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    st.request("GET", "/api/status")
    assert b'"state":"streaming"' in st.getresponse().read().replace(b" ", b"")


def test_h264_viewers_get_a_new_init_when_the_camera_changes(daemons, tmp):
    cd, port, (mp4, raw, ws) = viewers(daemons, tmp)
    killed = restart(daemons, tmp, cd, (mp4, raw, ws), "640x480")
    types = [t for t, _ in mp4.items]
    assert types.count(b"moov") == 2, types[:10]
    # The new init segment comes before the first fragment of the new capd.
    i = len(types) - 1 - types[::-1].index(b"moov")
    assert types[i - 1] == b"ftyp"
    assert all((sei_time(b) or 0) <= killed for t, b in mp4.items[:i - 1]
               if t == b"mdat")
    nxt = [b for t, b in mp4.items[i + 1:] if t == b"mdat"][0]
    assert (sei_time(nxt) or 0) > killed
    # wsd: a second init message, then the new capd's fragments.
    wtypes = [t for t, _ in ws.items]
    assert wtypes.count(b"init") == 2, wtypes[:10]
    j = len(wtypes) - 1 - wtypes[::-1].index(b"init")
    assert sei_time(ws.items[j + 1][1]) > killed
    for c in (mp4, raw, ws):
        c.stop = True
    # ffprobe sees the new size in the new init segment.
    out = os.path.join(tmp, "new.mp4")
    with open(out, "wb") as f:
        f.write(b"".join(b for _, b in mp4.items[i - 1:]))
    r = subprocess.run(["ffprobe", "-v", "error", "-of",
                        "csv=p=0", "-show_entries", "stream=width,height", out],
                       capture_output=True, timeout=60)
    assert r.stdout.strip() == b"640,480", r
