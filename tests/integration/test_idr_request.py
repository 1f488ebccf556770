# SPDX-License-Identifier: ISC
"""A connected H.264 subscriber asks for an IDR (docs/frames.md, "Asking
for an IDR"): the real capd on the test pattern with libx264 and a GOP too
long for a natural IDR, real sockets: the IDR comes at once, a flood is
held to the 500 ms limit, another subscriber is served all along, both
counts are in GET /status; the sub-stream alike; a passed-through exec:
stream counts the request and cannot be asked; the doc's socat line."""
import os
import re
import subprocess
import threading
import time

from conftest import wait_for
from h264sock import AUD, H264Reader
from test_h264_passthru import tee_source
from test_h264_status import control

HERE = os.path.dirname(os.path.abspath(__file__))
FRAMES_MD = os.path.join(HERE, "..", "..", "docs", "frames.md")
DOC_SOCKET = "/run/campipe/h264.sock"
IDR = b"IDR\r\n"


class Recorder(threading.Thread):
    """Reads access units in the background: (arrival, idr, seq) each."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.reader = H264Reader(path, timeout=20)
        self.units = []
        self.error = None
        self.lock = threading.Lock()
        self.start()

    def run(self):
        try:
            while True:
                au = self.reader.au()
                with self.lock:
                    self.units.append((time.monotonic(), au.idr, au.seq))
        except Exception as e:      # the socket closed at the end
            self.error = e

    def idrs_after(self, t):
        with self.lock:
            return [u for u in self.units if u[1] and u[0] > t]

    def count(self):
        with self.lock:
            return len(self.units)

    def say(self, data):
        self.reader.sock.sendall(data)

    def close(self):
        self.reader.sock.shutdown(2)
        self.join(5)
        self.reader.close()


def capd(daemons, tmp, *args):
    return daemons("capd", "--source", "test", "--socket",
                   os.path.join(tmp, "frames.sock"), "--size", "320x240",
                   "--fps", "30", "--h264-encoder", "libx264", "--h264-gop",
                   "300", *args, wait_log="listening on")


def started(rec):
    """Waits for a recorder's first unit, an IDR, as every start is, and a
    few more (an encoder that starts on a loaded machine may make its
    second picture an IDR too)."""
    wait_for(lambda: rec.count() > 5 or rec.error, timeout=20,
             what="the first access units")
    assert rec.error is None, rec.error
    assert rec.units[0][1], "the first unit is not an IDR"


def ask(rec, data=IDR, within=2.0):
    """Writes a request and waits for an IDR that arrives after it."""
    t = time.monotonic()
    rec.say(data)
    wait_for(lambda: rec.idrs_after(t), timeout=within,
             what="an IDR within %g s of the request" % within)
    return rec.idrs_after(t)[0][0] - t


def quiet(rec, seconds):
    """Reads on: no IDR comes by itself (the GOP is 300 s)."""
    t = time.monotonic()
    n = rec.count()
    time.sleep(seconds)
    assert rec.count() > n + seconds * 5, "the stream stalled"
    assert rec.idrs_after(t) == [], "an IDR nobody asked for"


def test_request_flood_and_another_subscriber(daemons, tmp):
    d = capd(daemons, tmp)
    h264 = os.path.join(tmp, "h264.sock")
    other = Recorder(h264)
    started(other)
    asker = Recorder(h264)
    started(asker)
    quiet(asker, 1.5)
    st = control(tmp)[1]["h264"]
    assert (st["idr_requests"], st["idr_forced"]) == (0, 0), st

    # One request: an IDR at once, for every subscriber.
    t = time.monotonic()
    ask(asker)
    wait_for(lambda: other.idrs_after(t), timeout=2, what="the other's IDR")
    st = control(tmp)[1]["h264"]
    assert (st["idr_requests"], st["idr_forced"]) == (1, 1), st
    quiet(asker, 1.0)

    # 100 requests in 100 ms, some cut across writes: at most two IDRs
    # (the first at once, the held rest at the window's end, if the first
    # IDR did not already answer them), none later.
    t = time.monotonic()
    before = other.count()
    for i in range(100):
        if i % 10 == 9:
            asker.say(b"ID")
            asker.say(b"R\n")
        else:
            asker.say(IDR)
        time.sleep(0.001)
    assert time.monotonic() - t < 0.5
    wait_for(lambda: asker.idrs_after(t), timeout=2, what="the flood's IDR")
    time.sleep(2.0 - (time.monotonic() - t))
    flood = asker.idrs_after(t)
    assert 1 <= len(flood) <= 2, flood
    if len(flood) == 2:
        assert flood[1][0] - flood[0][0] >= 0.3, flood
    st = control(tmp)[1]["h264"]
    assert st["idr_requests"] == 101 and st["idr_forced"] == 1 + len(flood), st
    quiet(asker, 1.0)

    # The other subscriber was served all along, in order.
    assert other.error is None, other.error
    assert other.count() - before >= 30, (before, other.count())
    seqs = [u[2] for u in other.units]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert len(other.idrs_after(t)) == len(flood)

    # Lines meaning nothing: skipped, logged once, the stream goes on.
    asker.say(b"idr\r\nIDR \r\nGET / HTTP/1.1\r\n" + b"x" * 300 + b"\n" * 50)
    quiet(asker, 1.0)
    assert d.logtext().count("a line meaning nothing skipped") == 1
    assert control(tmp)[1]["h264"]["idr_requests"] == 101
    assert ask(asker) < 2.0
    asker.close()
    other.close()


def test_sub_stream_request(daemons, tmp):
    capd(daemons, tmp, "--h264-sub", "160x120@10")
    sub = Recorder(os.path.join(tmp, "h264-sub.sock"))
    main = Recorder(os.path.join(tmp, "h264.sock"))
    started(sub)
    started(main)
    time.sleep(1.5)
    t = time.monotonic()
    ask(sub)
    # The main stream is another stream: no IDR for it.
    time.sleep(1.0)
    assert main.idrs_after(t) == []
    st = control(tmp)[1]
    assert (st["h264_sub"]["idr_requests"], st["h264_sub"]["idr_forced"]) == (1, 1), st
    assert (st["h264"]["idr_requests"], st["h264"]["idr_forced"]) == (0, 0), st
    sub.close()
    main.close()


def test_passed_through_exec_counts_and_ignores(daemons, tmp):
    source, _ = tee_source(tmp, gop=10000)
    daemons("capd", "--socket", os.path.join(tmp, "frames.sock"),
            "--source-format", "h264", "--source", source,
            wait_log="listening on")
    rec = Recorder(os.path.join(tmp, "h264.sock"))
    started(rec)
    rec.say(IDR * 3)
    wait_for(lambda: control(tmp)[1]["h264"]["idr_requests"] == 3,
             what="three requests counted")
    time.sleep(1.0)
    assert control(tmp)[1]["h264"]["idr_forced"] == 0
    assert rec.error is None and rec.count() > 1
    rec.close()


def doc_socat_line():
    text = open(FRAMES_MD, encoding="utf-8").read()
    m = re.search(r"To record a few seconds with a second IDR.*?```\n(.*?)\n```",
                  text, re.S)
    assert m, "frames.md lost its IDR example"
    return m.group(1)


def test_doc_socat_example(daemons, tmp):
    capd(daemons, tmp)
    cmd = doc_socat_line()
    assert DOC_SOCKET in cmd and cmd.endswith("> clip.h264"), cmd
    h264 = os.path.join(tmp, "h264.sock")
    r = subprocess.run(["sh", "-c", cmd.replace(DOC_SOCKET, h264)], cwd=tmp,
                       capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr.decode()
    data = open(os.path.join(tmp, "clip.h264"), "rb").read()
    units = [AUD + u for u in data.split(AUD)[1:] if u]
    idr = [i for i, u in enumerate(units) if b"\x00\x00\x00\x01\x65" in u]
    # The start's (an encoder starting on a loaded machine may make its
    # second picture an IDR too) and the asked one, about five seconds in.
    assert idr[0] == 0, idr
    asked = [i for i in idr if i > 2]
    assert len(asked) == 1 and 60 <= asked[0] <= 200, (idr, len(units))
    st = control(tmp)[1]["h264"]
    assert (st["idr_requests"], st["idr_forced"]) == (1, 1), st
