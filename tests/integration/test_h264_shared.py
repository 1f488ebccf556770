# SPDX-License-Identifier: ISC
"""H.264 once per camera: httpd and wsd each hold one subscription to
capd's H.264 socket and one muxer per camera, whatever the number of
viewers, so capd's --max-subscribers no longer bounds them; every viewer
starts at an IDR after its init segment, and a viewer that stops reading
slows nobody."""
import os
import re
import resource
import selectors
import socket
import time

from conftest import wait_for
from test_h264_serve import capd, httpd, wsd
from test_h264_status import control
from test_wsd import upgrade_request

SEQ = re.compile(rb"campipe seq=(\d+) ")
PER_DAEMON = 150


def raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))


class Viewer:
    """One connection that sent its request and gathers what comes."""

    def __init__(self, port, request):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.s.sendall(request)
        self.s.setblocking(False)
        self.data = bytearray()
        self.closed = False

    def seqs(self):
        return [int(m.group(1)) for m in SEQ.finditer(self.data)]

    def done(self, units):
        return len(self.seqs()) >= units


def get(port, path):
    return ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" %
            (path, port)).encode()


def dechunk(b):
    """The bytes of the whole chunks at the front of b."""
    out = bytearray()
    while b"\r\n" in b:
        n, rest = b.split(b"\r\n", 1)
        n = int(n, 16)
        if len(rest) < n + 2:
            break
        out += rest[:n]
        b = rest[n + 2:]
    return bytes(out)


def read_until(viewers, units, timeout=60):
    """Reads every viewer until each holds units access units."""
    sel = selectors.DefaultSelector()
    for v in viewers:
        sel.register(v.s, selectors.EVENT_READ, v)
    end = time.monotonic() + timeout
    while time.monotonic() < end and \
            not all(v.done(units) or v.closed for v in viewers):
        for key, _ in sel.select(0.5):
            v = key.data
            try:
                b = v.s.recv(1 << 16)
            except BlockingIOError:
                continue
            if not b:
                v.closed = True
                sel.unregister(v.s)
            else:
                v.data += b
    sel.close()


def start(daemons, tmp, *capd_args):
    frames = os.path.join(tmp, "frames.sock")
    d = capd(daemons, frames, "320x240", "--max-subscribers", "8",
             *capd_args)
    h264 = os.path.join(tmp, "h264.sock")
    common = ["--frames", frames, "--h264", h264, "--max-clients", "1000",
              "--max-camera-clients", "1000"]
    w, wport = wsd(daemons, *common, "--max-clients-per-addr", "1000")
    h, hport = httpd(daemons, *common)
    return d, h, hport, w, wport


def test_300_h264_viewers_with_capd_at_8_subscribers(daemons, tmp):
    raise_nofile(2048)
    d, h, hport, w, wport = start(daemons, tmp)
    viewers = []
    for i in range(PER_DAEMON):
        path = "/stream.mp4" if i % 2 else "/stream.h264"
        viewers.append(Viewer(hport, get(hport, path)))
        viewers.append(Viewer(wport, upgrade_request(wport, "/stream.h264")))
    read_until(viewers, 5)
    got = [v for v in viewers if v.done(5)]
    assert len(got) == 2 * PER_DAEMON, \
        "%d of %d viewers got 5 access units; one got %r" % (
            len(got), len(viewers),
            next(bytes(v.data[:300]) for v in viewers if not v.done(5)))
    for v in viewers:
        b = bytes(v.data)
        s = v.seqs()
        assert s == list(range(s[0], s[0] + len(s))), s[:20]
        if b"video/mp4" in b or b"101 Switching" in b:
            # The init segment, then fragments.
            assert b.index(b"ftyp") < b.index(b"moof") < b.index(b"mdat")
        else:
            # Raw Annex-B from a delimiter, the first unit an IDR with
            # its SPS (type 7) and PPS (type 8).
            body = dechunk(b[b.index(b"\r\n\r\n") + 4:])
            assert body.startswith(b"\x00\x00\x00\x01\x09\xf0"), body[:16]
            assert body[6:11] == b"\x00\x00\x00\x01\x67", body[:16]
    # One subscription to capd per daemon, and capd refused nobody.
    _, st = control(tmp)
    assert st["h264"]["subscribers"] == 2, st["h264"]
    # Each says how many it serves: capd counts the people.
    wait_for(lambda: control(tmp)[1]["viewers"] == 2 * PER_DAEMON,
             what="capd counting 300 viewers")
    assert "refused" not in d.logtext(), d.logtext()[-2000:]
    for v in viewers:
        v.s.close()
    wait_for(lambda: control(tmp)[1]["h264"]["subscribers"] == 0,
             timeout=20, what="both subscriptions gone after the viewers")


def test_a_stalled_viewer_slows_nobody(daemons, tmp):
    raise_nofile(256)
    d, h, hport, w, wport = start(daemons, tmp, "--h264-gop", "0.5")
    stalled = []
    for port, req in ((hport, get(hport, "/stream.mp4")),
                      (wport, upgrade_request(wport, "/stream.h264"))):
        for _ in range(5):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", port))
            s.sendall(req)
            stalled.append(s)
    time.sleep(2)       # their buffers fill; they read nothing
    readers = [Viewer(hport, get(hport, "/stream.mp4")),
               Viewer(wport, upgrade_request(wport, "/stream.h264"))]
    read_until(readers, 60, timeout=60)
    for v in readers:
        s = v.seqs()
        assert len(s) >= 60, len(s)
        assert s == list(range(s[0], s[0] + len(s))), "gap in %s" % s
    for s in stalled:
        s.close()
    for v in readers:
        v.s.close()


def test_h264_refusals_logged_once_per_episode(daemons, tmp):
    # One subscriber held, two more opening and closing in a loop at
    # --max-subscribers 2: one warning for the whole episode, then one
    # line with its count once refusals have stopped for a while.
    h264 = os.path.join(tmp, "h264.sock")
    d = capd(daemons, os.path.join(tmp, "frames.sock"), "320x240",
             "--max-subscribers", "2")
    held = socket.socket(socket.AF_UNIX)
    held.connect(h264)
    wait_for(lambda: control(tmp)[1]["h264"]["subscribers"] == 1,
             what="the held subscriber")
    end, cycles = time.monotonic() + 2, 0
    while time.monotonic() < end:
        pair = []
        for _ in range(2):
            s = socket.socket(socket.AF_UNIX)
            s.connect(h264)
            pair.append(s)
        time.sleep(0.02)
        for s in pair:
            s.close()
        cycles += 1
    assert cycles > 10
    wait_for(lambda: "h264 subscribers accepted again" in d.logtext(),
             timeout=20, what="the end of the episode")
    log = d.logtext()
    assert log.count("h264 subscribers refused: limit of 2 reached") == 1, log
    m = re.search(r"h264 subscribers accepted again: (\d+) refused", log)
    assert int(m.group(1)) >= cycles // 2, (m.group(0), cycles)
    held.close()
