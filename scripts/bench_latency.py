# SPDX-License-Identifier: ISC
"""Capture-to-display latency in headless Chromium: the viewer's live JPEG
mode against its H.264 mode by MSE and by WebCodecs and its WebRTC mode
(bench.py calls run(); also runs alone: /usr/bin/python3
scripts/bench_latency.py BUILD [--smoke]).

For each picture size capd (test source, 30 fps), wsd, rtcd (when built)
and httpd handing WHEP to it run on loopback; tests/browser/latency.mjs
opens the viewer in each mode and records every frame's latency for DUR
seconds: the page's clock at display (the canvas draw in live and
WebCodecs, requestVideoFrameCallback with MSE and WebRTC) minus the capture
time capd stamped in the JPEG COM segment or the H.264 SEI, or for WebRTC
the abs-capture-time rtcd sends with each frame's first packet (the
receiver's getSynchronizationSources() captureTimestamp for its
rtpTimestamp, moved to the shown frame's metadata.rtpTimestamp: www/webrtc.js
captureOf()).  One machine, one clock: the figure is the pipeline's, no
NTP error.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BROWSER = os.path.join(ROOT, "tests", "browser")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WAYS = [("live JPEG (WebSocket, canvas)", "live", ""),
        ("H.264 MSE", "h264", "?h264=mse"),
        ("H.264 WebCodecs", "h264", "?h264=webcodecs"),
        ("WebRTC (rtcd, video element)", "webrtc", "")]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_tcp(port, p, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end and p.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("bench_latency: %s did not listen on %d" % (p.args[0], port))


def ready():
    """playwright-core in tests/browser, as the browser tests install it."""
    if os.path.exists(os.path.join(BROWSER, "node_modules", "playwright-core")):
        return True
    if shutil.which("npm") is None:
        return False
    return subprocess.run(["npm", "ci", "--prefix", BROWSER, "--no-audit", "--no-fund"],
                          capture_output=True, timeout=300).returncode == 0


def point(build, out, size, dur):
    tmp = tempfile.mkdtemp(prefix="campipe-benchlat-")
    sock = os.path.join(tmp, "frames.sock")
    wsport, port = free_port(), free_port()
    rtcd = os.path.join(build, "campipe-rtcd")
    handoff = os.path.join(tmp, "rtcd.sock")
    argvs = [
        [os.path.join(build, "campipe-capd"), "--socket", sock, "--size", size,
         "--fps", "30", "--source", "test", "--warmup", "0"],
        [os.path.join(build, "campipe-wsd"), "--frames", sock, "--h264",
         os.path.join(tmp, "h264.sock"), "--listen", "127.0.0.1:%d" % wsport],
        [os.path.join(build, "campipe-httpd"), "--frames", sock, "--listen",
         "127.0.0.1:%d" % port, "--www", os.path.join(ROOT, "www"), "--ws-port",
         str(wsport)],
    ]
    if os.access(rtcd, os.X_OK):
        argvs.insert(2, [rtcd, "--frames", sock, "--handoff", handoff,
                         "--webrtc-listen", "127.0.0.1:%d" % free_port()])
        argvs[-1] += ["--rtc-handoff", handoff]
    ways = [w for w in WAYS if w[1] != "webrtc" or os.access(rtcd, os.X_OK)]
    procs = []
    rows = []
    figs = []

    def show(argv):
        line = " ".join(argv).replace(tmp, "$TMP").replace(ROOT + "/", "")
        line = re.sub(r"--webrtc-listen 127\.0\.0\.1:\d+",
                      "--webrtc-listen 127.0.0.1:$UDPPORT", line)
        return line.replace(":%d" % wsport, ":$WSPORT").replace(
            " %d" % wsport, " $WSPORT").replace(":%d" % port, ":$PORT")

    try:
        for argv in argvs:
            out("    " + show(argv))
            procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
            wait = sock if argv is argvs[0] else handoff if argv[0] == rtcd else None
            end = time.monotonic() + 10
            while wait and not os.path.exists(wait) and time.monotonic() < end:
                time.sleep(0.05)
        wait_tcp(wsport, procs[1])
        wait_tcp(port, procs[-1])
        for label, mode, query in ways:
            url = "http://127.0.0.1:%d/%s" % (port, query)
            argv = ["node", "latency.mjs", url, mode, str(dur)]
            out("    (cd tests/browser && " + show(argv) + ")")
            r = subprocess.run(argv, cwd=BROWSER, capture_output=True, text=True,
                               timeout=dur + 90, env=dict(os.environ, CHROMIUM=CHROMIUM))
            try:
                res = json.loads(r.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                out("    failed: " + (r.stdout + r.stderr).strip()[-300:])
                rows.append([size, label, "?", "?", "?", "?", "?", "-"])
                figs.append((size, mode, query, None))
                continue
            figs.append((size, mode, query, res))
            rows.append([size, label, res["path"] or "-", "%.1f" % res["fps"],
                         str(res["n"]), "%.0f" % res["p50"] if res["p50"] is not None else "?",
                         "%.0f" % res["p90"] if res["p90"] is not None else "?",
                         "%.0f" % res["jitterBufferMs"]
                         if res.get("jitterBufferMs") is not None else "-"])
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    return rows, figs


def targets(out, figs):
    """WebRTC against WebCodecs at each size (reported, not asserted)."""
    rows = []
    for size in dict.fromkeys(f[0] for f in figs):
        got = {(m, q): r for s, m, q, r in figs if s == size and r}
        rtc, wc = got.get(("webrtc", "")), got.get(("h264", "?h264=webcodecs"))
        if not rtc or rtc["p50"] is None:
            continue
        if wc and wc["p50"] is not None:
            ok = rtc["p50"] <= wc["p50"] + 5
            rows.append([size, "WebRTC p50 ≤ WebCodecs p50 + 5 ms",
                         "%.0f ≤ %.0f + 5" % (rtc["p50"], wc["p50"]),
                         "PASS" if ok else "FAIL"])
        ok = rtc["p90"] <= 1.5 * rtc["p50"]
        rows.append([size, "WebRTC p90 ≤ 1.5 × its p50",
                     "%.0f ≤ 1.5 × %.0f = %.0f" % (rtc["p90"], rtc["p50"],
                                                   1.5 * rtc["p50"]),
                     "PASS" if ok else "FAIL"])
    if rows:
        out("Targets (reported, not asserted):")
        out()
        out("| size | target | measured | result |")
        out("|---|---|---|---|")
        for r in rows:
            out("| " + " | ".join(r) + " |")
        out()
    return rows


def run(build, out, smoke=False):
    dur = 3 if smoke else 20
    out("### Capture-to-display latency in Chromium: live JPEG against H.264")
    out()
    if not os.access(CHROMIUM, os.X_OK) or not ready():
        out("(skipped: no Chromium at %s or no playwright-core)" % CHROMIUM)
        out()
        return []
    out("capd test source at 30 fps, JPEG quality 80, H.264 libx264 at capd's "
        "defaults; headless Chromium (--disable-gpu: software decoding) on "
        "the same machine; %d s per mode after 3 s of warm-up; latency is "
        "the page's clock at display minus capd's capture stamp, per frame "
        "(for WebRTC, the abs-capture-time rtcd sends from that stamp, read "
        "as www/webrtc.js captureOf() does); jitter buffer ms, WebRTC only: "
        "Chromium's inbound-rtp jitterBufferDelay ÷ jitterBufferEmittedCount "
        "over the window, part of its latency. Commands:" % dur)
    out()
    rows, figs = [], []
    for size in (["640x480"] if smoke else ["640x480", "1280x720"]):
        r, f = point(build, out, size, dur)
        rows += r
        figs += f
    out()
    head = ["size", "mode", "decoder", "fps shown", "frames", "p50 ms", "p90 ms",
            "jitter buffer ms"]
    out("| " + " | ".join(head) + " |")
    out("|" + "---|" * len(head))
    for r in rows:
        out("| " + " | ".join(r) + " |")
    out()
    targets(out, figs)
    return rows


if __name__ == "__main__":
    run(os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build"),
        lambda s="": print(s, flush=True), "--smoke" in sys.argv)
