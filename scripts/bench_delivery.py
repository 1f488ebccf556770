# SPDX-License-Identifier: ISC
"""Capture to arrival at a plain HTTP reader, no browser: for httpd's
/stream.mjpg, /stream.h264 and /stream.mp4, the time each frame's campipe
stamp (JPEG COM or H.264 SEI) reaches a socket reading the stream, minus
the capture time in the stamp.  One machine, one clock.
bench.py calls run(); alone: /usr/bin/python3 scripts/bench_delivery.py BUILD
[--smoke]."""
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

STAMP = re.compile(rb"campipe seq=(\d+) t=(\d+\.\d+)")
PATHS = ["/stream.mjpg", "/stream.h264", "/stream.mp4"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(cond, timeout=10.0):
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise SystemExit("timed out")
        time.sleep(0.05)


def measure(port, path, seconds):
    """Latencies in ms of the frames a reader of path gets."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path.encode())
    lat, tail, seen = [], b"", set()
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        data = s.recv(1 << 16)
        now = time.time()
        if not data:
            break
        buf = tail + data
        for m in STAMP.finditer(buf):
            if m.group(1) not in seen:
                seen.add(m.group(1))
                lat.append((now - float(m.group(2))) * 1000)
        tail = buf[-64:]
    s.close()
    return lat[30:]             # past the start


def point(build, out, size, seconds):
    """One capd and httpd at size; a table row per stream path."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="campipe-delivery-") as d:
        port = free_port()
        procs = [subprocess.Popen([os.path.join(build, "campipe-capd"),
                                   "--socket", d + "/frames.sock", "--size", size,
                                   "--fps", "30"], stderr=subprocess.DEVNULL)]
        try:
            wait_for(lambda: os.path.exists(d + "/h264.sock"))
            procs.append(subprocess.Popen([os.path.join(build, "campipe-httpd"),
                                           "--listen", "127.0.0.1:%d" % port,
                                           "--frames", d + "/frames.sock"],
                                          stderr=subprocess.DEVNULL))
            wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0)
            for path in PATHS:
                lat = sorted(measure(port, path, seconds))
                rows.append([size, path, str(len(lat))] + (
                    ["%.1f" % statistics.median(lat),
                     "%.1f" % lat[int(len(lat) * 0.9)]] if lat else ["-", "-"]))
        finally:
            for p in procs:
                p.terminate()
                p.wait(10)
    return rows


def run(build, out, smoke=False):
    """bench.py's entry: the table, written through out."""
    seconds = 3 if smoke else 10
    out("### Capture to arrival at an HTTP reader: MJPEG, raw H.264, fMP4")
    out()
    out("capd test source at 30 fps, httpd on loopback, one reader per path "
        "for %d s: the reader's clock when a frame's campipe stamp arrives "
        "minus the capture time in it (`/usr/bin/python3 "
        "scripts/bench_delivery.py BUILD`)." % seconds)
    out()
    rows = []
    for size in (["640x480"] if smoke else ["640x480", "1280x720"]):
        rows += point(build, out, size, seconds)
    head = ["size", "path", "frames", "p50 ms", "p90 ms"]
    out("| " + " | ".join(head) + " |")
    out("|" + "---|" * len(head))
    for r in rows:
        out("| " + " | ".join(r) + " |")
    out()
    return rows


def main():
    build = sys.argv[1]
    smoke = "--smoke" in sys.argv[2:]
    run(build, print, smoke)


if __name__ == "__main__":
    main()
