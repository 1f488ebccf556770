# SPDX-License-Identifier: ISC
"""Request-to-IDR time on capd's H.264 socket (bench.py calls run(); also
runs alone: /usr/bin/python3 scripts/bench_idr.py BUILD [--smoke]).

capd on its test source at 30 fps, libx264, --h264-gop 300 (no IDR comes
by itself); one subscriber reads every access unit in a thread, waits for
its first IDR and a second more, then writes `IDR\\r\\n` (docs/frames.md,
"Asking for an IDR") N times, 0.6 s apart (past capd's 500 ms limit), and
times each from the write to the arrival of the IDR unit that follows it
whole (capd writes the next unit's delimiter in the same write).
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from h264sock import H264Reader  # noqa: E402
from bench_fanout import table  # noqa: E402

GAP_S = 0.6


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100.0 * len(xs)))]


def point(build, size, n):
    """The request-to-IDR times, in ms, of n requests at size."""
    tmp = tempfile.mkdtemp(prefix="campipe-benchidr-")
    h264 = os.path.join(tmp, "h264.sock")
    p = subprocess.Popen([os.path.join(build, "campipe-capd"), "--socket",
                          os.path.join(tmp, "frames.sock"), "--source", "test",
                          "--size", size, "--fps", "30", "--h264-encoder",
                          "libx264", "--h264-gop", "300"],
                         stderr=subprocess.DEVNULL)
    idrs, lock, times = [], threading.Lock(), []
    try:
        end = time.monotonic() + 10
        while not os.path.exists(h264) and time.monotonic() < end:
            time.sleep(0.05)
        r = H264Reader(h264, timeout=20)

        def read():
            try:
                while True:
                    au = r.au()
                    if au.idr:
                        with lock:
                            idrs.append(time.monotonic())
            except (OSError, EOFError):
                return
        threading.Thread(target=read, daemon=True).start()
        end = time.monotonic() + 20
        while not idrs and time.monotonic() < end:
            time.sleep(0.01)
        time.sleep(1.0)
        for _ in range(n):
            t = time.monotonic()
            r.sock.sendall(b"IDR\r\n")
            end = t + 2.0
            got = None
            while got is None and time.monotonic() < end:
                with lock:
                    got = next((x for x in idrs if x > t), None)
                time.sleep(0.002)
            if got is not None:
                times.append((got - t) * 1000)
            time.sleep(max(0.0, t + GAP_S - time.monotonic()))
        r.sock.shutdown(socket.SHUT_RDWR)
        r.close()
    finally:
        p.terminate()
        p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return times


def run(build, out, smoke=False):
    """bench.py's entry: the table, written through out."""
    n = 5 if smoke else 20
    out("### Request to IDR on the H.264 socket")
    out()
    out("capd test source at 30 fps, libx264, `--h264-gop 300`; one "
        "subscriber writes `IDR\\r\\n` %d times, %.1f s apart, each timed to "
        "the arrival of the whole IDR unit after it (`/usr/bin/python3 "
        "scripts/bench_idr.py BUILD`)." % (n, GAP_S))
    out()
    rows = []
    for size in (["640x480"] if smoke else ["640x480", "1280x720"]):
        t = point(build, size, n)
        rows.append([size, "%d of %d" % (len(t), n),
                     "%.0f" % pct(t, 50) if t else "-",
                     "%.0f" % pct(t, 90) if t else "-"])
    table(out, ["size", "IDRs within 2 s", "p50 ms", "p90 ms"], rows)
    return rows


def main():
    run(sys.argv[1], print, "--smoke" in sys.argv[2:])


if __name__ == "__main__":
    main()
