# SPDX-License-Identifier: ISC
"""bench/control.py: capd's control socket, measured: request times for
GET /status, GET /settings and PATCH /settings (a PATCH writes and fsyncs
the state file), and how long a size change and a brightness change take
to show in the frames, on the fake camera.

    make all && /usr/bin/python3 bench/control.py [BUILD]
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from framesock import FrameReader, decodes  # noqa: E402

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
TMP = tempfile.mkdtemp(prefix="campipe-bench-")
with open(os.path.join(TMP, "fc.ctl"), "w") as f:
    f.write("ok\n")
CAPD = subprocess.Popen(
    [os.path.join(BUILD, "campipe-capd"), "--socket", os.path.join(TMP, "frames.sock"),
     "--source", "v4l2:/dev/video0", "--warmup", "0", "--state",
     os.path.join(TMP, "state.json")], stderr=subprocess.DEVNULL,
    env=dict(os.environ, LD_PRELOAD=os.path.join(BUILD, "fakecam.so"),
             FAKECAM_CONTROL=os.path.join(TMP, "fc.ctl")))
ctl = os.path.join(TMP, "control.sock")
for _ in range(100):
    if os.path.exists(ctl):
        break
    time.sleep(0.05)
def req(method, path, body=None):
    s = socket.socket(socket.AF_UNIX); s.connect(ctl)
    h = "%s %s HTTP/1.1\r\nHost: capd\r\nConnection: close\r\n" % (method, path)
    if body: h += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    s.sendall((h + "\r\n" + (body or "")).encode())
    out = b""
    while True:
        d = s.recv(65536)
        if not d: break
        out += d
    s.close(); return out
for what, m, p, b in (("GET /status idle", "GET", "/status", None), ("GET /settings idle", "GET", "/settings", None), ("PATCH quality", "PATCH", "/settings", '{"quality":70}')):
    n = 500; t = time.perf_counter()
    for _ in range(n): req(m, p, b)
    print("%s: %.0f us per request (%d sequential)" % (what, (time.perf_counter() - t) / n * 1e6, n))
r = FrameReader(os.path.join(TMP, "frames.sock"), timeout=20); r.part()
n = 500; t = time.perf_counter()
for _ in range(n): req("GET", "/status")
print("GET /status streaming: %.0f us per request" % ((time.perf_counter() - t) / n * 1e6))
gaps = []
for size in ("1280x720", "640x480", "320x240", "640x480") * 2:
    w, h = map(int, size.split("x"))
    t = time.monotonic(); req("PATCH", "/settings", '{"size":"%s"}' % size)
    while True:
        p = r.part()
        if decodes(p.jpeg, TMP) == (w, h): break
    gaps.append((time.monotonic() - t) * 1000)
print("size change to first frame at the new size (fakecam v4l2, warmup 0): ms", ["%.0f" % g for g in gaps])
t = time.monotonic(); req("PATCH", "/settings", '{"controls":{"brightness":250}}')
base = None
while True:
    p = r.part()
    out = subprocess.run(["djpeg", "-grayscale", "-pnm"], input=p.jpeg, capture_output=True).stdout
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", out); px = out[m.end():]
    if sum(px) / len(px) > 160: break
print("brightness change to first brighter frame: %.0f ms" % ((time.monotonic() - t) * 1000))
CAPD.terminate()
CAPD.wait()
shutil.rmtree(TMP)
