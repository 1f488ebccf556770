# SPDX-License-Identifier: ISC
"""capd's H.264 sub-stream (--h264-sub, docs/frames.md) and rtspd's /sub
URLs (docs/rtspd.md): a small stream at a low rate beside the full one,
encoded only while subscribed, as Frigate's detect role wants it."""
import os
import socket
import threading

from conftest import wait_for
from h264sock import H264Reader
from test_h264_status import control
from test_httpd import WWW, curl, status as api_status
from test_rtspd_clients import ffprobe_json, free_port, free_udp_pair, need

MAIN = (1280, 720)
SUB = (640, 360)
SUB_FPS = 5
MAIN_FPS = 30
SECONDS = 4


def start(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    capd = daemons("capd", "--source", "test", "--socket", frames,
                   "--size", "%dx%d" % MAIN, "--fps", str(MAIN_FPS),
                   "--h264-sub", "%dx%d@%d" % (SUB + (SUB_FPS,)),
                   "--idle-stop", "0.3", wait_log="listening on")
    port = free_port()
    daemons("rtspd", "--frames", frames, "--listen", "127.0.0.1:%d" % port,
            "--udp-port", str(free_udp_pair()), wait_tcp=port)
    return capd, "rtsp://127.0.0.1:%d" % port


def probe(url):
    """(width, height, frames read in SECONDS) of an RTSP URL, over TCP."""
    st = ffprobe_json("-rtsp_transport", "tcp", "-read_intervals",
                      "%%+%d" % SECONDS, "-count_frames", "-select_streams",
                      "v:0", "-show_entries",
                      "stream=codec_name,width,height,nb_read_frames", url)
    s = st["streams"][0]
    assert s["codec_name"] == "h264", s
    return s["width"], s["height"], int(s["nb_read_frames"])


def assert_sub(w, h, n):
    assert (w, h) == SUB, (w, h)
    fps = n / SECONDS
    assert 2.5 <= fps <= 7.5, "%d frames in %d s" % (n, SECONDS)


def test_sub_socket_and_status(daemons, tmp):
    need("ffprobe")
    capd, _ = start(daemons, tmp)
    sub = os.path.join(tmp, "h264-sub.sock")
    assert os.path.exists(sub)
    # Nobody on the sub-stream: its encoder does not run.
    _, st = control(tmp)
    assert st["h264_sub"] == {"subscribers": 0, "input": None,
                              "from_jpeg": 0, "from_raw": 0,
                              "idr_requests": 0, "idr_forced": 0}, st
    assert "h264-sub: encoder started" not in capd.logtext()
    r = H264Reader(sub)
    aus = [a.check() for a in r.aus(2 * SUB_FPS)]
    assert aus[0].idr
    seqs = [a.seq for a in aus]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), seqs
    span = aus[-1].ts - aus[0].ts
    assert 0.5 * (len(aus) - 1) / SUB_FPS <= span <= 2.0 * (len(aus) - 1) / SUB_FPS, span
    _, st = control(tmp)
    assert st["h264_sub"]["subscribers"] == 1, st
    assert st["h264_sub"]["input"] == "jpeg", st
    assert st["h264"]["subscribers"] == 0, st
    r.close()
    wait_for(lambda: "h264-sub: encoder stopped: no subscribers" in capd.logtext(),
             what="the sub-stream's encoder stopped")


def test_rtsp_sub_and_main(daemons, tmp):
    need("ffprobe")
    _, base = start(daemons, tmp)
    assert_sub(*probe(base + "/sub"))
    assert_sub(*probe(base + "/cam/default/sub"))
    w, h, n = probe(base + "/")
    assert (w, h) == MAIN, (w, h)
    assert n / SECONDS >= 15, "%d frames in %d s" % (n, SECONDS)


def test_frigate_both_at_once(daemons, tmp):
    need("ffprobe")
    _, base = start(daemons, tmp)
    got = {}

    def one(name, url):
        got[name] = probe(url)

    ts = [threading.Thread(target=one, args=(k, base + p))
          for k, p in (("record", "/cam/default"), ("detect", "/cam/default/sub"))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert got["record"][:2] == MAIN, got
    assert got["record"][2] / SECONDS >= 15, got
    assert_sub(*got["detect"])
    _, st = control(tmp)
    assert st["h264"]["from_jpeg"] > st["h264_sub"]["from_jpeg"] > 0, st


def http_probe(url):
    """(width, height, frames read in SECONDS) of an HTTP H.264 stream."""
    st = ffprobe_json("-read_intervals", "%%+%d" % SECONDS, "-count_frames",
                      "-select_streams", "v:0", "-show_entries",
                      "stream=codec_name,width,height,nb_read_frames", url)
    s = st["streams"][0]
    assert s["codec_name"] == "h264", s
    return s["width"], s["height"], int(s["nb_read_frames"])


def test_httpd_sub_mp4_and_h264(daemons, tmp):
    """httpd's /sub.mp4 and /sub.h264 (and under /cam/NAME/) are the
    sub-stream; /stream.mp4 stays the full one; counted as H.264 viewers."""
    need("ffprobe")
    start(daemons, tmp)
    port = free_port()
    daemons("httpd", "--frames", os.path.join(tmp, "frames.sock"), "--listen",
            "127.0.0.1:%d" % port, "--www", WWW, wait_tcp=port)
    base = "http://127.0.0.1:%d" % port
    assert_sub(*http_probe(base + "/sub.mp4"))
    assert_sub(*http_probe(base + "/cam/default/sub.mp4"))
    # Raw Annex-B has no timestamps: ten packets, at the sub-stream's size.
    st = ffprobe_json("-f", "h264", "-read_intervals", "%+#10", "-select_streams",
                      "v:0", "-show_entries", "stream=codec_name,width,height",
                      base + "/sub.h264")
    assert (st["streams"][0]["width"], st["streams"][0]["height"]) == SUB, st
    w, h, _ = http_probe(base + "/stream.mp4")
    assert (w, h) == MAIN, (w, h)
    # A viewer of the sub-stream is an H.264 viewer in /api/status.
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /sub.mp4 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port)
    assert s.recv(4096).startswith(b"HTTP/1.1 200 ")
    wait_for(lambda: api_status(port)["clients"]["h264"] == 1, what="one H.264 viewer")
    s.close()


def test_httpd_sub_without_capd_sub(daemons, tmp):
    """A camera whose capd has no --h264-sub: 404 with the reason."""
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--source", "test", "--socket", frames, "--size",
            "320x240", wait_log="listening on")
    port = free_port()
    daemons("httpd", "--frames", frames, "--listen", "127.0.0.1:%d" % port,
            "--www", WWW, wait_tcp=port)
    for path in ("/sub.mp4", "/sub.h264", "/cam/default/sub.mp4"):
        code, _, body = curl(port, path)
        assert code == 404, (path, code, body)
        assert b"no sub-stream for this camera (capd --h264-sub gives one)" in body, body
