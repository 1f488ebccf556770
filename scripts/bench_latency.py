# SPDX-License-Identifier: ISC
"""Capture-to-display latency in headless Chromium: the viewer's live JPEG
mode against its H.264 mode by MSE and by WebCodecs (bench.py calls run();
also runs alone: /usr/bin/python3 scripts/bench_latency.py BUILD [--smoke]).

For each picture size capd (test source, 30 fps), wsd and httpd run on
loopback; tests/browser/latency.mjs opens the viewer in each mode and
records every frame's latency for DUR seconds: the page's clock at display
(the canvas draw in live and WebCodecs, requestVideoFrameCallback with MSE)
minus the capture time capd stamped in the JPEG COM segment or the H.264
SEI.  One machine, one clock: the figure is the pipeline's, no NTP error.
"""
import json
import os
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
        ("H.264 WebCodecs", "h264", "?h264=webcodecs")]


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
    argvs = [
        [os.path.join(build, "campipe-capd"), "--socket", sock, "--size", size,
         "--fps", "30", "--source", "test", "--warmup", "0"],
        [os.path.join(build, "campipe-wsd"), "--frames", sock, "--h264",
         os.path.join(tmp, "h264.sock"), "--listen", "127.0.0.1:%d" % wsport],
        [os.path.join(build, "campipe-httpd"), "--frames", sock, "--listen",
         "127.0.0.1:%d" % port, "--www", os.path.join(ROOT, "www"), "--ws-port",
         str(wsport)],
    ]
    procs = []
    rows = []

    def show(argv):
        line = " ".join(argv).replace(tmp, "$TMP").replace(ROOT + "/", "")
        return line.replace(":%d" % wsport, ":$WSPORT").replace(
            " %d" % wsport, " $WSPORT").replace(":%d" % port, ":$PORT")

    try:
        for argv in argvs:
            out("    " + show(argv))
            procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
            if argv is argvs[0]:
                end = time.monotonic() + 10
                while not os.path.exists(sock) and time.monotonic() < end:
                    time.sleep(0.05)
        wait_tcp(wsport, procs[1])
        wait_tcp(port, procs[2])
        for label, mode, query in WAYS:
            url = "http://127.0.0.1:%d/%s" % (port, query)
            argv = ["node", "latency.mjs", url, mode, str(dur)]
            out("    (cd tests/browser && " + show(argv) + ")")
            r = subprocess.run(argv, cwd=BROWSER, capture_output=True, text=True,
                               timeout=dur + 90, env=dict(os.environ, CHROMIUM=CHROMIUM))
            try:
                res = json.loads(r.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                out("    failed: " + (r.stdout + r.stderr).strip()[-300:])
                rows.append([size, label, "?", "?", "?", "?", "?"])
                continue
            rows.append([size, label, res["path"] or "-", "%.1f" % res["fps"],
                         str(res["n"]), "%.0f" % res["p50"] if res["p50"] is not None else "?",
                         "%.0f" % res["p90"] if res["p90"] is not None else "?"])
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
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
        "the page's clock at display minus capd's capture stamp, per frame. "
        "Commands:" % dur)
    out()
    rows = []
    for size in (["640x480"] if smoke else ["640x480", "1280x720"]):
        rows += point(build, out, size, dur)
    out()
    head = ["size", "mode", "decoder", "fps shown", "frames", "p50 ms", "p90 ms"]
    out("| " + " | ".join(head) + " |")
    out("|" + "---|" * len(head))
    for r in rows:
        out("| " + " | ".join(r) + " |")
    out()
    return rows


if __name__ == "__main__":
    run(os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build"),
        lambda s="": print(s, flush=True), "--smoke" in sys.argv)
