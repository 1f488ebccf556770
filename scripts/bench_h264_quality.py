# SPDX-License-Identifier: ISC
"""H.264 against MJPEG at equal quality (bench_h264.py calls run(); also
runs alone: /usr/bin/python3 scripts/bench_h264_quality.py [--smoke]).

The question is how many bytes H.264 needs for the picture MJPEG gives, so
both are measured against the same uncompressed source rather than at a
fixed bitrate:

- reference: N frames rendered by ffmpeg's lavfi (RGB, lossless);
- MJPEG: each frame through cjpeg (libjpeg-turbo, the library capd's
  TurboJPEG calls are) at capd's default quality 80, 4:2:2 as capd makes
  JPEGs from a camera's YUYV;
- H.264: libx264 through ffmpeg with capd's settings (preset veryfast, tune
  zerolatency, constrained baseline, no B-frames, an IDR every second,
  bitrate = maxrate = VBV buffer as capd sets them, full range), at the
  lowest bitrate whose luma PSNR against the reference reaches MJPEG's,
  found by bisection, then the same for SSIM; and at capd's default
  bitrate (0.07 bits per pixel);
- quality: ffmpeg's psnr and ssim filters, luma (Y), on full-range 4:4:4
  upsampled pictures of both against the reference.

Bytes are the codecs' payload only (capd's socket adds about 64 bytes per
access unit for the AUD and SEI, and about 150 per JPEG for its part header
and COM segment: under 3% either way at these rates).
"""
import os
import re
import subprocess
import sys
import tempfile

FPS = 30
DEFAULT_BPP = 0.07


def ff(args, timeout=600):
    r = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "info"] + args,
                       capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError("ffmpeg %s: %s" % (" ".join(args), r.stderr[-1500:]))
    return r.stderr


def quality(tmp, fmt, path, ref, size, n):
    """(PSNR-Y dB, SSIM-Y) of a coded file against the reference."""
    stats = os.path.join(tmp, "psnr.log")
    # Both numbered from 0 at the same rate: picture k against frame k.
    pts = "settb=1/%d,setpts=N" % FPS
    err = ff(["-f", fmt, "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24",
              "-s", size, "-i", ref, "-lavfi",
              "[0:v]format=yuvj444p,%s[a];[1:v]format=yuvj444p,%s[b];"
              "[a]split[a1][a2];[b]split[b1][b2];[a1][b1]psnr=stats_file=%s;"
              "[a2][b2]ssim" % (pts, pts, stats), "-f", "null", "-"])
    with open(stats) as f:
        got = len(f.readlines())
    if got != n:
        raise RuntimeError("%s: %d pictures compared, not %d" % (path, got, n))
    p = re.search(r"PSNR y:([\d.inf]+)", err)
    s = re.search(r"SSIM Y:([\d.]+)", err)
    return float(p.group(1)), float(s.group(1))


def mjpeg(tmp, ref, w, h, n):
    """Bytes of the N frames as JPEGs, and the file holding them."""
    path = os.path.join(tmp, "q.mjpeg")
    frame = w * h * 3
    total = 0
    with open(ref, "rb") as f, open(path, "wb") as out:
        for _ in range(n):
            ppm = b"P6\n%d %d\n255\n" % (w, h) + f.read(frame)
            r = subprocess.run(["cjpeg", "-quality", "80", "-sample", "2x1"],
                               input=ppm, capture_output=True, check=True)
            out.write(r.stdout)
            total += len(r.stdout)
    return total, path


def h264(tmp, ref, size, rate):
    """Bytes of the N frames as H.264 at rate bits per second, and the file."""
    path = os.path.join(tmp, "q.h264")
    ff(["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", size, "-framerate",
        str(FPS), "-i", ref, "-vf", "format=yuvj420p", "-c:v", "libx264",
        "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "baseline",
        "-b:v", str(rate), "-maxrate", str(rate), "-bufsize", str(rate),
        "-g", str(FPS), "-bf", "0", "-flags", "+low_delay", "-f", "h264",
        "-y", path])
    return os.path.getsize(path), path


def point(out, size, label, lavfi, n, steps):
    w, h = (int(x) for x in size.split("x"))
    tmp = tempfile.mkdtemp(prefix="campipe-benchq-")
    ref = os.path.join(tmp, "ref.rgb")
    ff(["-f", "lavfi", "-i", lavfi % {"size": size, "fps": FPS}, "-frames:v",
        str(n), "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", ref])
    jb, jp = mjpeg(tmp, ref, w, h, n)
    jq = quality(tmp, "mjpeg", jp, ref, size, n)
    dflt = int(w * h * FPS * DEFAULT_BPP)
    db, dp = h264(tmp, ref, size, dflt)
    dq = quality(tmp, "h264", dp, ref, size, n)
    seen = {}

    def at(rate):
        if rate not in seen:
            b, p = h264(tmp, ref, size, rate)
            seen[rate] = (b, quality(tmp, "h264", p, ref, size, n))
        return seen[rate]

    row = [size, label, "%.0f" % (jb / n * FPS / 1000), "%.1f / %.4f" % jq,
           "%.0f" % (db / n * FPS / 1000), "%.1f / %.4f" % dq,
           "%.3f" % (db / jb)]
    # For PSNR-Y, then SSIM-Y: the lowest rate (bisection on its log)
    # giving at least MJPEG's.
    for k in (0, 1):
        lo, hi = w * h * FPS * 0.005, w * h * FPS * 2.0
        best = None
        for _ in range(steps):
            mid = int((lo * hi) ** 0.5)
            b, q = at(mid)
            if q[k] >= jq[k]:
                best, hi = (mid, b, q), mid
            else:
                lo = mid
        if best is None:
            row += ["> %.0f" % (hi / 1000), "-", "-"]
        else:
            row += ["%.0f" % (best[0] / 1000), "%.1f / %.4f" % best[2],
                    "%.3f" % (best[1] / jb)]
    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    return row


SOURCES = [
    ("testsrc2 (moving)", "testsrc2=size=%(size)s:rate=%(fps)d"),
    ("mandelbrot (zooming, all pixels move)",
     "mandelbrot=size=%(size)s:rate=%(fps)d"),
]


def run(out, smoke=False):
    n, steps = (30, 4) if smoke else (150, 9)
    sizes = ["640x480"] if smoke else ["640x480", "1280x720"]
    out("### H.264 against MJPEG at equal quality")
    out()
    out("%d frames at %d fps of each lavfi source; MJPEG: cjpeg -quality 80 "
        "-sample 2x1; H.264: libx264 with capd's settings at capd's default "
        "bitrate (%.2f bits per pixel) and at the lowest bitrates matching "
        "MJPEG's PSNR-Y, then SSIM-Y, against the uncompressed source "
        "(bisection on the rate's logarithm, %d steps each). "
        "Quality: PSNR-Y dB / SSIM-Y against the source (ffmpeg psnr, ssim)."
        % (n, FPS, DEFAULT_BPP, steps))
    out()
    head = ["size", "source", "MJPEG kB/s", "MJPEG PSNR/SSIM",
            "H.264 default kB/s", "default PSNR/SSIM", "default H.264/MJPEG",
            "equal-PSNR kbit/s", "its PSNR/SSIM", "equal-PSNR H.264/MJPEG",
            "equal-SSIM kbit/s", "its PSNR/SSIM", "equal-SSIM H.264/MJPEG"]
    out("| " + " | ".join(head) + " |")
    out("|" + "---|" * len(head))
    rows = []
    for size in sizes:
        for label, lavfi in SOURCES[:1] if smoke else SOURCES:
            r = point(out, size, label, lavfi, n, steps)
            out("| " + " | ".join(r) + " |")
            rows.append(r)
    out()
    return rows


if __name__ == "__main__":
    run(lambda s="": print(s, flush=True), "--smoke" in sys.argv)
