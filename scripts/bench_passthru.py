# SPDX-License-Identifier: ISC
"""H.264 passed through against H.264 encoded, in capd's CPU
(/usr/bin/python3 scripts/bench_passthru.py BUILD [SECONDS]).

At 640x480 and 1280x720, 30 fps, one H.264 subscriber reading: capd with
--source-format h264 and an exec: command writing H.264 (ffmpeg, libx264,
standing in for rpicam-vid, whose CPU is not capd's), then capd on its test
source encoding with libx264.  Reported: capd's CPU seconds per second
(utime + stime of its process, all threads) and per access unit.  The
encoded figure includes drawing the pattern, JPEG encoding and decoding.
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

AUD = b"\x00\x00\x00\x01\x09\xf0"
ENCODE = ("exec:ffmpeg -nostdin -v error -re -f lavfi -i testsrc2=size=%s:rate=30 "
          "-c:v libx264 -preset ultrafast -tune zerolatency -bf 0 -g 30 "
          "-pix_fmt yuv420p -f h264 -")


def cpu_s(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def measure(capd, args, secs):
    """(capd's CPU seconds per second, access units per second)."""
    with tempfile.TemporaryDirectory(prefix="campipe-bench-") as d:
        p = subprocess.Popen([capd, "--frames", d + "/frames.sock"] + args,
                             stderr=subprocess.DEVNULL)
        try:
            while not os.path.exists(d + "/h264.sock"):
                time.sleep(0.05)
            s = socket.socket(socket.AF_UNIX)
            s.connect(d + "/h264.sock")
            n = [0]

            def read():
                while True:
                    b = s.recv(1 << 20)
                    if not b:
                        return
                    n[0] += b.count(AUD)
            threading.Thread(target=read, daemon=True).start()
            time.sleep(2)
            c0, n0, t0 = cpu_s(p.pid), n[0], time.monotonic()
            time.sleep(secs)
            c1, n1, t1 = cpu_s(p.pid), n[0], time.monotonic()
            s.close()
        finally:
            p.terminate()
            p.wait()
    return (c1 - c0) / (t1 - t0), (n1 - n0) / (t1 - t0)


def main():
    capd = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "build", "campipe-capd")
    secs = float(sys.argv[2]) if len(sys.argv) > 2 else 10
    for size in ("640x480", "1280x720"):
        for what, args in (("passed through", ["--source-format", "h264", "--source",
                                               ENCODE % size]),
                           ("encoded", ["--source", "test", "--size", size,
                                        "--fps", "30"])):
            c, f = measure(capd, args, secs)
            print("%-8s %-14s capd %.3f CPU-s/s, %.1f units/s, %.2f ms CPU a unit"
                  % (size, what, c, f, 1000 * c / f if f else 0))


if __name__ == "__main__":
    main()
