# SPDX-License-Identifier: ISC
"""httpd against the real capd, with curl, ffmpeg and raw sockets as clients."""
import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import free_port, tcp_listening, wait_for
from framesock import FrameReader, decodes, gaps, rss_kb

WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")


def capd(daemons, tmp, *args, name="frames.sock"):
    path = os.path.join(tmp, name)
    d = daemons("capd", "--socket", path, *args, wait_log="listening on")
    return d, path


def httpd(daemons, sock, *args, www=WWW):
    port = free_port()
    d = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", sock,
                "--www", www, *args, wait_tcp=port)
    return d, port


def curl(port, path, *args, timeout=20):
    """(status, headers dict with lower-case names, body) from curl."""
    r = subprocess.run(["curl", "-s", "-S", "--path-as-is", "-D", "-", "-m", str(timeout)]
                       + list(args) + ["http://127.0.0.1:%d%s" % (port, path)],
                       capture_output=True, timeout=timeout + 5)
    assert r.returncode == 0, r.stderr.decode()
    head, _, body = r.stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


def head(port, path):
    """HEAD over a raw socket: (status, headers, bytes after the headers)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"HEAD %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                  % path.encode())
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    head_, _, rest = buf.partition(b"\r\n\r\n")
    lines = head_.decode("latin-1").split("\r\n")
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), headers, rest


def status(port):
    code, _, body = curl(port, "/api/status")
    assert code == 200
    return json.loads(body)


class HttpFrameReader(FrameReader):
    """Reads /stream.mjpg over HTTP/1.1, checking every part strictly."""

    def __init__(self, port, path="/stream.mjpg", timeout=10.0):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.conn.request("GET", path)
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200, self.resp.status
        assert self.resp.getheader("Content-Type") == \
            "multipart/x-mixed-replace;boundary=campipe"
        self.buf = b""

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.resp.read1(1 << 16)
            if not chunk:
                raise EOFError("stream closed")
            self.buf += chunk

    def close(self):
        self.conn.close()


def raw_request(port, data, timeout=5.0):
    """Sends exact bytes; returns the status code of the answer, 0 on a close."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                return 0
            buf += chunk
        return int(buf.split()[1])


def test_stills_pages_status_and_errors(daemons, tmp):
    _, sock = capd(daemons, tmp, "--source", "test", "--size", "320x240", "--fps", "15")
    _, port = httpd(daemons, sock, "--ws-port", "9123", "--ws-path", "/ws")

    for path in ("/pi.jpg", "/snapshot.jpg", "/?action=snapshot"):
        code, h, body = curl(port, path)
        assert code == 200, path
        assert h["content-type"] == "image/jpeg"
        assert int(h["content-length"]) == len(body)
        assert h["cache-control"] == "no-store"
        assert abs(float(h["x-timestamp"]) - time.time()) < 10
        assert decodes(body, tmp) == (320, 240)
        assert "access-control-allow-origin" not in h
    code, h, body = head(port, "/pi.jpg")
    assert code == 200 and body == b"" and int(h["content-length"]) > 0

    code, h, body = curl(port, "/")
    assert code == 200 and h["content-type"] == "text/html; charset=utf-8"
    assert b'href="pi.jpg"' in body and int(h["content-length"]) == len(body)
    assert b"http://" not in body and b"https://" not in body
    code, h2, body = head(port, "/index.html")
    assert code == 200 and body == b"" and h2["etag"] == h["etag"]
    code, _, body = curl(port, "/", "-H", "If-None-Match: " + h["etag"])
    assert code == 304 and body == b""
    code, _, _ = curl(port, "/", "-H", "If-Modified-Since: " + h["last-modified"])
    assert code == 304
    code, _, _ = curl(port, "/", "-H", 'If-None-Match: "other"')
    assert code == 200

    code, h, body = curl(port, "/no-such-file.html")
    assert code == 404 and body == b"not found\n"
    assert h["content-type"].startswith("text/plain")
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        code, h, body = curl(port, "/pi.jpg", "-X", method)
        assert code == 405 and h["allow"] == "GET, HEAD" and body, method
    code, _, body = curl(port, "/stream.mjpg?fps=abc")
    assert code == 400 and b"fps" in body
    code, h, body = head(port, "/stream.mjpg")
    assert code == 200 and h["content-type"] == "multipart/x-mixed-replace;boundary=campipe"

    st = status(port)
    cam = st["camera"]
    assert cam["state"] in ("streaming", "idle")
    assert cam["size"] == {"width": 320, "height": 240}
    assert cam["frames"] >= 1 and cam["frame_age"] >= 0
    assert st["stills"]["served"] >= 4
    # This test's stills came from one address, a moment ago: one watcher.
    assert st["clients"] == {"stream": 0, "h264": 0, "stills_waiting": 0,
                             "stills_watchers": 1, "max": 100}
    assert st["bytes_sent"]["stills"] > 0 and st["uptime"] > 0 and st["version"]

    code, h, body = curl(port, "/metrics")
    assert code == 200 and h["content-type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for fam in text_string_to_metric_families(body.decode()):
        for smp in fam.samples:
            samples[(smp.name, tuple(sorted(smp.labels.items())))] = smp.value
    # Per-camera series carry the camera's name: "default" for --frames.
    cam_l = (("camera", "default"),)
    assert samples[("campipe_httpd_frames_received_total", cam_l)] >= 1
    assert samples[("campipe_httpd_clients", cam_l + (("kind", "stream"),))] == 0
    assert samples[("campipe_httpd_stills_total", (("result", "served"),))] >= 4
    assert samples[("campipe_httpd_frame_width", cam_l)] == 320
    assert sum(v for (n, _), v in samples.items() if n == "campipe_httpd_camera_state") == 1

    # Keep-alive: several requests on one connection.
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    sock = None
    for path in ("/api/status", "/pi.jpg", "/", "/metrics"):
        c.request("GET", path)
        r = c.getresponse()
        assert r.status == 200 and r.read(), path
        assert sock is None or c.sock is sock, "connection not kept alive"
        sock = c.sock
    c.close()

    code, h, body = curl(port, "/api/config")
    assert code == 200 and h["content-type"] == "application/json"
    assert json.loads(body)["ws"] == {"port": 9123, "path": "/ws"}


def test_cors_is_opt_in_and_ipv6_listen(daemons, tmp):
    _, sock = capd(daemons, tmp, "--source", "test", "--size", "160x120")
    port6 = free_port()
    _, port = httpd(daemons, sock, "--allow-origin", "https://example.org",
                    "--listen", "[::1]:%d" % port6)
    code, h, _ = curl(port, "/api/status")
    assert code == 200 and h["access-control-allow-origin"] == "https://example.org"
    if socket.has_ipv6 and tcp_listening(port6, "::1"):
        r = subprocess.run(["curl", "-s", "-g", "-o", "/dev/null", "-w", "%{http_code}",
                            "http://[::1]:%d/api/config" % port6],
                           capture_output=True, timeout=10)
        assert r.stdout == b"200"


def test_stills_503_when_capd_is_down_or_silent(daemons, tmp):
    _, port = httpd(daemons, os.path.join(tmp, "nobody.sock"))
    code, h, body = curl(port, "/pi.jpg")
    assert code == 503 and b"capd unreachable" in body, body
    assert h["content-type"].startswith("text/plain")
    assert status(port)["camera"]["state"] == "capd unreachable"

    # A source that starts but never yields a frame: 503 after the timeout.
    script = os.path.join(tmp, "silent.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\nexec sleep 60\n")
    os.chmod(script, 0o755)
    _, sock = capd(daemons, tmp, "--source", "exec:" + script, name="silent.sock")
    _, port = httpd(daemons, sock, "--still-timeout", "1")
    code, _, body = curl(port, "/pi.jpg")
    assert code == 503 and b"within 1 s" in body, body


def test_ffmpeg_decodes_stream_and_fps_cap(daemons, tmp):
    _, sock = capd(daemons, tmp, "--source", "test", "--size", "320x240", "--fps", "30")
    _, port = httpd(daemons, sock)
    r = subprocess.run(["ffmpeg", "-v", "error", "-i",
                        "http://127.0.0.1:%d/stream.mjpg" % port,
                        "-frames:v", "30", "-f", "framemd5", "-"],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    frames = [ln for ln in r.stdout.decode().splitlines() if not ln.startswith("#")]
    assert len(frames) == 30

    r = HttpFrameReader(port, "/?action=stream")
    parts = r.parts(10)
    seqs = [p.seq for p in parts]
    assert all(b > a for a, b in zip(seqs, seqs[1:])), seqs
    r.close()

    # HTTP/1.0 clients get the raw multipart body, as mjpg-streamer sends it.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(b"GET /stream.mjpg HTTP/1.0\r\n\r\n")
        buf = b""
        while buf.count(b"--campipe\r\n") < 3:
            chunk = raw.recv(65536)
            assert chunk, buf[:300]
            buf += chunk
    head_, _, body = buf.partition(b"\r\n\r\n")
    assert head_.startswith(b"HTTP/1.0 200") and b"chunked" not in head_.lower()
    assert body.startswith(b"--campipe\r\nContent-Type: image/jpeg\r\n")

    # ?fps=5 sends frames at least 0.2 s apart, the first at once: eight
    # frames since the request was sent span 1.4 s, however busy the machine.
    start = time.monotonic()
    capped = HttpFrameReader(port, "/stream.mjpg?fps=5")
    free = HttpFrameReader(port)
    free_seqs, stop = [], threading.Event()

    def read_free():
        while not stop.is_set():
            free_seqs.append(free.part().seq)
    reader = threading.Thread(target=read_free)
    reader.start()
    capped_seqs = [p.seq for p in capped.parts(8)]
    took = time.monotonic() - start
    st = status(port)
    stop.set()
    reader.join(30)
    assert took >= 7 * 0.2 - 0.001, took
    # The cap left frames out, and the uncapped client got some of them.
    assert gaps(capped_seqs) > 0, capped_seqs
    assert any(capped_seqs[0] < s < capped_seqs[-1] and s not in capped_seqs
               for s in free_seqs), (capped_seqs, free_seqs)
    gaps(free_seqs)
    assert st["clients"]["stream"] == 2
    assert st["camera"]["state"] == "streaming", st
    capped.close()
    free.close()
    wait_for(lambda: status(port)["clients"]["stream"] == 0, what="clients gone")
    # Nobody needs frames any more: httpd lets go of capd.
    wait_for(lambda: not status(port)["camera"]["subscribed"], what="unsubscribe")


def test_concurrent_stills_share_one_capture(daemons, tmp):
    counter = os.path.join(tmp, "starts")
    script = os.path.join(tmp, "cam.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho start >> \"$1\"\n"
                "exec ffmpeg -loglevel error -re -f lavfi -i testsrc=size=320x240:rate=15 "
                "-f mjpeg -q:v 5 pipe:1\n")
    os.chmod(script, 0o755)
    # Control: a subscriber starts the camera, and the start shows in its
    # counter file within `shown` seconds.
    control = os.path.join(tmp, "control-starts")
    ctl, ctl_sock = capd(daemons, tmp, "--source", "exec:%s %s" % (script, control),
                         "--warmup", "0", name="control.sock")
    begin = time.monotonic()
    r = FrameReader(ctl_sock, timeout=30)
    wait_for(lambda: os.path.exists(control), timeout=20, what="the control's start")
    shown = time.monotonic() - begin
    r.close()
    assert ctl.stop() == 0
    _, sock = capd(daemons, tmp, "--source", "exec:%s %s" % (script, counter),
                   "--warmup", "300", "--idle-stop", "30")
    _, port = httpd(daemons, sock)
    # httpd alone starts nothing: no start shows in twice the control's time.
    time.sleep(max(0.5, 2 * shown))
    assert not os.path.exists(counter), "camera started with nobody watching"
    assert status(port)["camera"]["subscribed"] is False

    results = [None] * 50
    go = threading.Event()

    def get(i):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        go.wait()
        c.request("GET", "/pi.jpg")
        r = c.getresponse()
        results[i] = (r.status, r.getheader("X-Frame-Seq"), r.read())
        c.close()

    threads = [threading.Thread(target=get, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    go.set()
    for t in threads:
        t.join(60)
    assert all(r is not None and r[0] == 200 for r in results), \
        [r[:2] for r in results if r is None or r[0] != 200]
    assert decodes(results[0][2], tmp) == (320, 240)
    with open(counter) as f:
        assert f.read().count("start") == 1
    st = status(port)
    assert st["camera"]["subscriptions"] == 1, st
    assert st["stills"]["served"] == 50


def test_stalled_client_costs_others_nothing(daemons, tmp):
    # 10 fps: a reader that a busy machine holds off for a few frame
    # intervals still finds every frame waiting in its socket.  Large frames
    # fill the stalled client's socket buffers (about 2 MB) in seconds.
    _, sock = capd(daemons, tmp, "--source", "test", "--size", "1920x1080", "--fps", "10",
                   "--quality", "90")
    d, port = httpd(daemons, sock, "--stream-timeout", "3")
    good = HttpFrameReader(port)
    seqs = [p.seq for p in good.parts(3)]

    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", port))
    stalled.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: localhost\r\n\r\n")
    wait_for(lambda: status(port)["clients"]["stream"] == 2, what="stalled client")
    skipped0 = status(port)["stream"]["frames_skipped"]
    rss0 = rss_kb(d.proc.pid)
    # Read on until the stalled client's socket buffers are full and it
    # skips, and at least 20 frames.
    for _ in range(100):
        seqs.append(good.part().seq)
        st = status(port)
        if st["stream"]["frames_skipped"] > skipped0 and len(seqs) >= 23:
            break
    rss1 = rss_kb(d.proc.pid)
    # The stalled client skips frames (latest frame wins), counted ...
    assert st["clients"]["stream"] == 2, st
    assert st["stream"]["frames_skipped"] > skipped0, (skipped0, st)
    # ... while the reading one misses none but those httpd itself did not
    # get from capd (its one subscription numbers them from 1).
    cam = st["camera"]
    assert cam["subscriptions"] == 1 and cam["reconnects"] == 0, st
    assert gaps(seqs) <= cam["seq"] - cam["frames"], (seqs, st)
    assert st["frames_alive"] <= 8, st
    assert rss1 - rss0 < 8 * 1024, (rss0, rss1)
    # Taking nothing for --stream-timeout seconds gets it dropped.
    wait_for(lambda: status(port)["clients"]["stream"] == 1, timeout=15,
             what="stalled client dropped")
    good.part()
    good.close()
    stalled.close()


def test_capd_restart_same_stream_resumes(daemons, tmp):
    capd_d, sock = capd(daemons, tmp, "--source", "test", "--size", "320x240",
                        "--fps", "20")
    _, port = httpd(daemons, sock)
    r = HttpFrameReader(port, timeout=20)
    r.parts(5)
    capd_d.kill()
    killed = time.time()
    wait_for(lambda: status(port)["camera"]["state"] == "capd unreachable",
             what="outage shown")
    code, _, body = curl(port, "/pi.jpg")
    assert code == 503 and b"capd unreachable" in body
    capd(daemons, tmp, "--source", "test", "--size", "320x240", "--fps", "20")
    # A frame captured after the kill can only come from the new capd, and
    # it arrives on the connection opened before the outage.
    end = time.monotonic() + 15
    while time.monotonic() < end and r.part().ts <= killed:
        pass
    assert r.part().ts > killed, "no frame of the new capd on the old connection"
    r.parts(5)
    st = status(port)
    assert st["camera"]["state"] == "streaming" and st["camera"]["outages"] >= 1
    assert st["clients"]["stream"] == 1
    r.close()


def test_no_way_out_of_www(daemons, tmp):
    www = os.path.join(tmp, "www")
    os.mkdir(www)
    shutil.copy(os.path.join(WWW, "index.html"), www)
    with open(os.path.join(tmp, "secret.txt"), "w") as f:
        f.write("secret")
    os.mkdir(os.path.join(www, "sub"))
    with open(os.path.join(www, "sub", "a.css"), "w") as f:
        f.write("body{}")
    os.symlink(os.path.join(tmp, "secret.txt"), os.path.join(www, "leak.txt"))
    os.symlink(tmp, os.path.join(www, "up"))
    os.symlink("index.html", os.path.join(www, "alias.html"))
    with open(os.path.join(www, ".hidden"), "w") as f:
        f.write("x")
    _, port = httpd(daemons, os.path.join(tmp, "none.sock"), www=www)

    assert curl(port, "/sub/a.css")[1]["content-type"] == "text/css; charset=utf-8"
    assert curl(port, "/alias.html")[0] == 200
    code, h, _ = curl(port, "/sub")
    assert code == 301 and h["location"] == "/sub/"
    for path in ["/../secret.txt", "/sub/../../secret.txt", "/%2e%2e/secret.txt",
                 "/%2E%2E/secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt",
                 "/..%2fsecret.txt", "/sub%2f..%2f..%2fsecret.txt",
                 "/%2e%2e%2fsecret.txt", "/leak.txt", "/up/secret.txt",
                 "/index.html%00.jpg", "/.hidden", "/%2ehidden", "/sub/.",
                 "//etc/passwd", "/..\\secret.txt", "/%5c..%5csecret.txt",
                 "/%zz", "/%"]:
        code, _, body = curl(port, path)
        assert code in (400, 404), path
        assert b"secret" not in body, path
    for raw in [b"GET ../secret.txt HTTP/1.1\r\nHost: localhost\r\n\r\n",
                b"GET /..%00/secret.txt HTTP/1.1\r\nHost: localhost\r\n\r\n",
                b"GET http://localhost/../secret.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"]:
        assert raw_request(port, raw) in (0, 400, 404), raw


def test_max_clients_and_connection_burst(daemons, tmp):
    _, sock = capd(daemons, tmp, "--source", "test", "--size", "160x120", "--fps", "10")
    d, port = httpd(daemons, sock, "--max-clients", "2")
    a = HttpFrameReader(port)
    b = HttpFrameReader(port)
    a.part()
    b.part()
    code, _, body = curl(port, "/stream.mjpg")
    assert code == 503 and body == b"too many clients\n"
    a.close()
    b.close()

    socks = []
    refused = 0
    for _ in range(1000):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(b"GET /api/config HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            socks.append(s)
        except OSError:
            refused += 1
    served = closed = 0
    for s in socks:
        buf = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            pass
        s.close()
        if buf.startswith(b"HTTP/1.1 200 OK") and buf.rstrip().endswith(b"}"):
            served += 1
        else:
            assert buf == b"", buf[:200]
            closed += 1
    assert served + closed + refused == 1000
    assert served > 0
    assert d.alive()
    assert curl(port, "/api/config")[0] == 200


@pytest.mark.parametrize("args,msg", [
    (["--listen", "nonsense"], "is not ADDRESS:PORT"),
    (["--listen", "256.1.1.1:80"], "256.1.1.1:80"),
    (["--max-clients", "0"], "--max-clients"),
    (["--still-timeout", "x"], "--still-timeout"),
    (["--www", "/no/such/dir"], "/no/such/dir"),
    (["--ws-path", "ws"], "--ws-path"),
    (["--bogus"], "--bogus: unknown option"),
])
def test_bad_options_are_one_line_errors(tmp, args, msg):
    from conftest import binary
    r = subprocess.run([binary("httpd"), "--listen", "127.0.0.1:%d" % free_port()] + args,
                       capture_output=True, timeout=10)
    assert r.returncode != 0
    err = r.stderr.decode()
    assert msg in err, err
    assert "usage" in err or len(err.strip().splitlines()) == 1, err


def test_port_in_use_is_an_error(daemons, tmp):
    from conftest import binary
    _, port = httpd(daemons, os.path.join(tmp, "none.sock"))
    r = subprocess.run([binary("httpd"), "--listen", "127.0.0.1:%d" % port],
                       capture_output=True, timeout=10)
    assert r.returncode != 0 and b"Address already in use" in r.stderr, r.stderr
    r = subprocess.run([binary("httpd"), "--help"], capture_output=True, timeout=10)
    assert r.returncode == 0 and b"--max-clients" in r.stdout


def test_stream_page_at_the_seeds_url_and_same_origin_ws(daemons, tmp):
    _, sock = capd(daemons, tmp, "--source", "test", "--size", "160x120")
    _, port = httpd(daemons, sock, "--ws-port", "0")
    code, h, body = curl(port, "/stream")
    assert code == 200 and h["content-type"].startswith("text/html")
    with open(os.path.join(WWW, "stream.html"), "rb") as f:
        assert body == f.read()
    # Port 0 tells the page to use its own origin (behind a reverse proxy).
    code, _, body = curl(port, "/api/config")
    assert json.loads(body)["ws"]["port"] == 0
