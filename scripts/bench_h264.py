# SPDX-License-Identifier: ISC
"""H.264 against MJPEG, per viewer (bench.py calls run(); also runs alone:
/usr/bin/python3 scripts/bench_h264.py BUILD [--smoke]).

For each picture size and source, capd runs with both sockets.  Phase A: one
JPEG subscriber alone for DUR seconds; phase B: the same plus one H.264
subscriber.  Reported: bytes per second each subscriber received (what one
viewer costs on the wire, before HTTP or WebSocket framing), capd's CPU per
encoded frame (phase B minus phase A, so JPEG decoding and H.264 encoding of
each frame), and the PSNR of the H.264 pictures against the JPEGs of the
same frames (ffmpeg's psnr filter), which says what the smaller stream
gave up.  The sources: capd's test pattern and ffmpeg's testsrc2 (JPEGs,
decoded for the encoder) and the fake V4L2 camera in YUYV (its raw
pictures go to the encoder).  Then bench_h264_quality.py compares the two
at equal quality against an uncompressed source.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

HZ = os.sysconf("SC_CLK_TCK")
AUD = b"\x00\x00\x00\x01\x09\xf0"
PART = re.compile(rb"--campipe\r\n.*?Content-Length: (\d+)\r\nX-Frame-Seq: (\d+)\r\n"
                  rb".*?\r\n\r\n", re.S)
SEQ = re.compile(rb"campipe seq=(\d+) ")


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        f = f.read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / HZ


class Reader(threading.Thread):
    """Reads a socket until stopped, keeping everything it got."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.chunks, self.n, self.stop = [], 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                b = self.s.recv(1 << 20)
            except socket.timeout:
                continue
            if not b:
                break
            self.chunks.append(b)
            self.n += len(b)

    def data(self):
        return b"".join(self.chunks)


def jpeg_parts(data):
    """(seq, jpeg) of every whole part."""
    out, i = [], 0
    while True:
        m = PART.search(data, i)
        if m is None or m.end() + int(m.group(1)) > len(data):
            return out
        n = int(m.group(1))
        out.append((int(m.group(2)), data[m.end():m.end() + n]))
        i = m.end() + n


def access_units(data):
    """(seq, bytes) of every whole access unit."""
    starts = [m.start() for m in re.finditer(re.escape(AUD), data)]
    out = []
    for a, b in zip(starts, starts[1:]):
        au = data[a:b]
        m = SEQ.search(au)
        if m:
            out.append((int(m.group(1)), au))
    return out


def psnr(tmp, size, jpegs, aus):
    """PSNR of the decoded H.264 pictures against the JPEGs of the same
    frames: the whole stream decoded (a picture needs those before it),
    then the pictures that have a JPEG compared, picture k with JPEG k."""
    have = dict(jpegs)
    w, h = (int(x) for x in size.split("x"))
    n = w * h * 3 // 2
    hv, dec = os.path.join(tmp, "a.h264"), os.path.join(tmp, "a.yuv")
    with open(hv, "wb") as f:
        f.write(b"".join(a for _, a in aus))
    subprocess.run(["ffmpeg", "-v", "error", "-f", "h264", "-i", hv, "-f", "rawvideo",
                    "-pix_fmt", "yuvj420p", "-y", dec], capture_output=True, timeout=300)
    with open(dec, "rb") as f:
        pics = f.read()
    if len(pics) != n * len(aus):
        return "?"
    pick = [i for i, (s, _) in enumerate(aus) if s in have]
    mj, sel = os.path.join(tmp, "a.mjpeg"), os.path.join(tmp, "b.yuv")
    with open(mj, "wb") as f:
        f.write(b"".join(have[aus[i][0]] for i in pick))
    with open(sel, "wb") as f:
        f.write(b"".join(pics[i * n:(i + 1) * n] for i in pick))
    pts = "settb=1/30,setpts=N"
    r = subprocess.run(["ffmpeg", "-v", "info", "-f", "rawvideo", "-pix_fmt", "yuvj420p",
                        "-s", size, "-i", sel, "-f", "mjpeg", "-i", mj, "-lavfi",
                        "[1:v]format=yuvj420p,%s[a];[0:v]%s[b];[b][a]psnr" % (pts, pts),
                        "-f", "null", "-"], capture_output=True, text=True, timeout=300)
    m = re.search(r"average:([\d.inf]+)", r.stderr)
    return "%.1f" % float(m.group(1)) if m else "?"


def preload(build):
    """The fake V4L2 camera (tests/fakecam), in YUYV."""
    so = os.path.join(build, "fakecam.so")
    if not os.path.exists(so):
        return None
    env = dict(os.environ, LD_PRELOAD=so, FAKECAM_FORMATS="YUYV")
    return env


def point(build, out, size, label, source, dur, env=None):
    tmp = tempfile.mkdtemp(prefix="campipe-bench264-")
    frames = os.path.join(tmp, "frames.sock")
    argv = [os.path.join(build, "campipe-capd"), "--socket", frames, "--size", size,
            "--fps", "30", "--source", source, "--warmup", "0"]
    out("    " + ("LD_PRELOAD=%s FAKECAM_FORMATS=YUYV " % env["LD_PRELOAD"]
                     if env else "") +
        " ".join(a if " " not in a else "'%s'" % a for a in argv))
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         env=env)
    try:
        h264 = os.path.join(tmp, "h264.sock")
        for _ in range(100):
            if os.path.exists(h264):
                break
            time.sleep(0.05)
        j = Reader(frames)
        j.start()
        time.sleep(2)                      # source up and steady
        n0, c0, t0 = j.n, cpu_s(p.pid), time.monotonic()
        time.sleep(dur)
        jpeg_a = (j.n - n0) / (time.monotonic() - t0)
        cpu_a = (cpu_s(p.pid) - c0) / (time.monotonic() - t0)
        h = Reader(h264)
        h.start()
        time.sleep(2)                      # encoder up
        n0, hn0, c0, t0 = j.n, h.n, cpu_s(p.pid), time.monotonic()
        k0 = len(access_units(h.data()))
        time.sleep(dur)
        el = time.monotonic() - t0
        jpeg_b, h264_b = (j.n - n0) / el, (h.n - hn0) / el
        cpu_b = (cpu_s(p.pid) - c0) / el
        j.stop.set()
        h.stop.set()
        j.join(5)
        h.join(5)
        aus = access_units(h.data())
        fps = (len(aus) - k0) / el
        parts = jpeg_parts(j.data())
        enc_ms = (cpu_b - cpu_a) / fps * 1000 if fps else float("nan")
        q = psnr(tmp, size, parts, aus)
        return [size, label, "%.0f" % (jpeg_b / 1000), "%.0f" % (h264_b / 1000),
                "%.3f" % (h264_b / jpeg_b), "%.1f" % fps, "%.1f" % enc_ms,
                "%.0f%%" % (cpu_a * 100), "%.0f%%" % (cpu_b * 100), q]
    finally:
        p.terminate()
        p.wait(10)


def run(build, out, smoke=False):
    dur = 2 if smoke else 10
    out("### H.264 against MJPEG, one viewer each")
    out()
    out("capd at 30 fps, JPEG quality 80 (capd's default), H.264 libx264 at "
        "capd's default bitrate (0.07 bits per pixel: 645 kbit/s at 640x480, "
        "1.9 Mbit/s at 1280x720), preset veryfast, tune zerolatency, baseline. "
        "Bytes are what each subscriber read from capd's socket; encode CPU is "
        "capd's CPU with the H.264 subscriber minus without, per encoded frame "
        "(TurboJPEG decode + libx264 encode; for the fake YUYV camera, "
        "the raw picture's conversion + libx264 encode, as the encoder then "
        "takes the camera's picture, not the JPEG); PSNR compares the H.264 "
        "pictures with the JPEGs of the same frames (for the JPEG-fed "
        "sources, the very JPEGs they were encoded from). This table is "
        "at a fixed bitrate: the next one compares at equal quality. "
        "Commands:")
    out()
    rows = []
    sizes = ["640x480"] if smoke else ["640x480", "1280x720"]
    for size in sizes:
        w, h = size.split("x")
        sources = [("test pattern", "test")]
        if not smoke:
            sources.append(("ffmpeg testsrc2 (moving)",
                            "exec:ffmpeg -loglevel error -re -f lavfi -i "
                            "testsrc2=size=%sx%s:rate=30 -f mjpeg -q:v 4 pipe:1" % (w, h)))
        if not smoke and preload(build):
            sources.append(("fake YUYV camera (raw to H.264)",
                            "v4l2:/dev/video0"))
        for label, src in sources:
            env = preload(build) if src.startswith("v4l2:") else None
            rows.append(point(build, out, size, label, src, dur, env))
    out()
    head = ["size", "source", "MJPEG kB/s", "H.264 kB/s", "H.264/MJPEG",
            "H.264 fps", "encode CPU ms/frame", "capd CPU JPEG only",
            "capd CPU JPEG+H.264", "PSNR dB"]
    out("| " + " | ".join(head) + " |")
    out("|" + "---|" * len(head))
    for r in rows:
        out("| " + " | ".join(r) + " |")
    out()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bench_h264_quality
    bench_h264_quality.run(out, smoke)
    return rows


if __name__ == "__main__":
    run(os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build"),
        lambda s="": print(s, flush=True), "--smoke" in sys.argv)
