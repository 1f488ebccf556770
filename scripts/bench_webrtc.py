# SPDX-License-Identifier: ISC
"""WebRTC against /stream.h264 per viewer, and a viewer's keyframe request
to the key frame (bench.py calls run(); also runs alone: /usr/bin/python3
scripts/bench_webrtc.py BUILD [--smoke] [--viewers N] [--window SEC]).

One camera (capd, test source, 640x480 at 30 fps, `--h264-gop 1`), rtcd
taking httpd's WHEP requests (--rtc-handoff), httpd on one port, as
scripts/run.sh starts them.  Each phase on freshly started daemons:

- httpd /stream.h264: N readers from build/bench/loadgen (none stalled);
- WebRTC, 1 session and N sessions: tests/browser/rtc_load.mjs opens
  them in one headless Chromium page (receive only, offers as the viewer's
  WebRTC mode makes them); each receiver's encoded frames pass through a
  counting worker to Chromium's decoder, no <video> shows them.

Over the window: the serving daemon's CPU (utime + stime from
/proc/PID/stat: httpd for /stream.h264, rtcd for WebRTC), capd's, the
client's (loadgen, or node and every Chromium process under it), the bytes
each viewer got, and rtcd's PLI and FIR counters (a receiver missing
frames asks for keyframes, which would make capd encode more).

Then the keyframe request: capd with `--h264-gop 300` (no IDR comes by
itself), one WebRTC session; K times, 0.6 s apart (rtcd lets one request
through per 500 ms per camera), the receiver's sendKeyFrameRequest() (an
RTCP PLI to rtcd, which writes `IDR` on capd's H.264 socket), timed in
Chromium from the request to the next key frame complete at the receiver.
bench_idr.py times capd's own part.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_fanout import (Daemons, cpu_s, fmt, free_port, noter,  # noqa: E402
                          sample, table, tcp_up, unix_up)
from bench_latency import CHROMIUM, ready  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BROWSER = os.path.join(ROOT, "tests", "browser")
SIZE, FPS = "640x480", 30
GAP_S = 0.6


class Stack(Daemons):
    """capd, rtcd and httpd handing WHEP to it, on private sockets."""

    def __init__(self, build, tmp, gop, n, log, note, size=SIZE):
        self.dir = tempfile.mkdtemp(prefix="webrtc-", dir=tmp)
        frames = os.path.join(self.dir, "frames.sock")
        h264 = self.h264 = os.path.join(self.dir, "h264.sock")
        handoff = os.path.join(self.dir, "rtcd.sock")
        self.port = free_port()
        m = str(max(64, n + 8))
        argvs = [
            ("capd", [os.path.join(build, "campipe-capd"), "--frames", frames,
                      "--h264", h264, "--source", "test", "--size", size,
                      "--fps", str(FPS), "--h264-gop", "%g" % gop, "--warmup",
                      "0"],
             lambda: unix_up(frames)),
            ("rtcd", [os.path.join(build, "campipe-rtcd"), "--frames", frames,
                      "--h264", h264, "--handoff", handoff, "--webrtc-listen",
                      "127.0.0.1:%d" % free_port(), "--max-sessions", m,
                      "--max-sessions-per-addr", m],
             lambda: os.path.exists(handoff)),
            ("httpd", [os.path.join(build, "campipe-httpd"), "--frames",
                       frames, "--h264", h264, "--listen",
                       "127.0.0.1:%d" % self.port, "--www",
                       os.path.join(ROOT, "www"), "--rtc-handoff", handoff,
                       "--max-clients", m, "--max-clients-per-addr", m,
                       "--max-pending-per-addr", m],
             lambda: tcp_up(self.port)),
        ]
        self.start(argvs, log, note, "bench_webrtc")

    def counters(self):
        """rtcd's counters, through httpd (GET /api/webrtc)."""
        with urllib.request.urlopen("http://127.0.0.1:%d/api/webrtc" %
                                    self.port, timeout=5) as r:
            return json.load(r)["counters"]


def tree_cpu_s(pid):
    """CPU seconds of pid and every process under it."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += cpu_s(p) or 0.0
        todo += kids.get(p, [])
    return total


def node_env():
    return dict(os.environ, CHROMIUM=CHROMIUM)


def sessions(stack, n, warm, window, note):
    """n WebRTC sessions held over the window: the figures."""
    argv = ["node", "rtc_load.mjs", "http://127.0.0.1:%d/" % stack.port,
            str(n), str(warm), str(window)]
    note(["node", "tests/browser/rtc_load.mjs"] + argv[2:])
    p = subprocess.Popen(argv, cwd=BROWSER, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=node_env())
    pids = dict(stack.pids())
    c0 = c1 = k0 = k1 = None
    t0 = t1 = 0
    res = None
    try:
        for line in p.stdout:
            if line.startswith("#window start"):
                k0 = stack.counters()
                t0 = time.monotonic()
                c0 = {k: cpu_s(v) for k, v in pids.items()}
                c0["client"] = tree_cpu_s(p.pid)
            elif line.startswith("#window end"):
                t1 = time.monotonic()
                c1 = {k: cpu_s(v) for k, v in pids.items()}
                c1["client"] = tree_cpu_s(p.pid)
                k1 = stack.counters()
            elif line.startswith("{"):
                res = json.loads(line)
    finally:
        p.wait(120)
        why = p.stderr.read()
    if res is None or c0 is None or c1 is None:
        raise SystemExit("bench_webrtc: rtc_load.mjs failed: %s" %
                         why.strip()[-2000:])
    res["cpu"] = {k: (c1[k] - c0[k]) / (t1 - t0) for k in c1}
    res["rtcd"] = {k: k1[k] - k0[k] for k in ("pli", "fir", "idr_requests",
                                              "nack_packets", "send_errors")}
    return res


def readers(build, stack, n, warm, window, note):
    """n loadgen readers of httpd's /stream.h264 over the window."""
    argv = [os.path.join(build, "bench", "loadgen"), "-d", str(window),
            "-w", str(warm), "-W", "-s", "0",
            "h264:%d:127.0.0.1:%d/stream.h264" % (n, stack.port)]
    note(argv)
    res = sample(argv, stack, False, "bench_webrtc")
    k = res["kinds"][0]
    return {"viewers": k["connected"] - k["closed"], "bytes": k["bytes"],
            "frames": k["frames"], "seconds": res["duration"],
            "cpu": dict(res["cpu"], client=res["cpu"].get("loadgen"))}


def figures(label, daemon, res, n):
    """One row's figures."""
    cpu = res["cpu"].get(daemon)
    v = res.get("viewers", res.get("withFrames"))
    return {"route": label, "daemon": daemon, "asked": n, "viewers": v,
            "cpu": cpu, "us": cpu / v * 1e6 if v else None,
            "kBps": res["bytes"] / res["seconds"] / v / 1000 if v else None,
            "fps": res["frames"] / res["seconds"] / v if v else None,
            "capd": res["cpu"].get("capd"), "client": res["cpu"].get("client"),
            "pli": res.get("rtcd", {}).get("pli"),
            "fir": res.get("rtcd", {}).get("fir")}


def pli_times(build, tmp, log, note, k, size):
    """k keyframe requests of one WebRTC session: the ms of each answered."""
    st = Stack(build, tmp, 300, 1, log, note, size)
    try:
        argv = ["node", "rtc_load.mjs", "http://127.0.0.1:%d/" % st.port,
                "pli", str(k)]
        note(["node", "tests/browser/rtc_load.mjs"] + argv[2:])
        r = subprocess.run(argv, cwd=BROWSER, capture_output=True, text=True,
                           timeout=k * 3 + 90, env=node_env())
        try:
            return json.loads(r.stdout.strip().splitlines()[-1])["ms"]
        except (ValueError, IndexError, KeyError):
            raise SystemExit("bench_webrtc: rtc_load.mjs pli failed: %s" %
                             (r.stdout + r.stderr).strip()[-2000:])
    finally:
        st.stop()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100.0 * len(xs)))] if xs else None


def run(build, out, smoke=False, viewers=None, window=None):
    """bench.py's entry: the tables, written through out."""
    n = viewers or (5 if smoke else 50)
    window = window or (2 if smoke else 10)
    warm = 1 if smoke else 3
    k = 3 if smoke else 20
    out("### WebRTC against /stream.h264, %d viewers each" % n)
    out()
    if not os.access(CHROMIUM, os.X_OK) or not ready() or \
            not os.access(os.path.join(build, "campipe-rtcd"), os.X_OK):
        out("(skipped: no Chromium at %s, no playwright-core or no "
            "campipe-rtcd)" % CHROMIUM)
        out()
        return {}
    tmp = tempfile.mkdtemp(prefix="campipe-benchrtc-")
    log = open(os.path.join(tmp, "daemons.log"), "a")
    commands = []
    note = noter(tmp, build, commands, "webrtc")
    phases = [("httpd /stream.h264 (loadgen)", "httpd", n, readers),
              ("WebRTC (rtcd), 1 session", "rtcd", 1, sessions),
              ("WebRTC (rtcd)", "rtcd", n, sessions)]
    figs = []
    try:
        for label, daemon, m, how in phases:
            st = Stack(build, tmp, 1, n, log, note)
            try:
                if how is readers:
                    res = readers(build, st, m, warm, window, note)
                else:
                    res = sessions(st, m, warm, window, note)
            finally:
                st.stop()
            figs.append(figures(label, daemon, res, m))
        ms = {size: pli_times(build, tmp, log, note, k, size) for size in
              (["640x480"] if smoke else ["640x480", "1280x720"])}
    finally:
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    out("capd test source %s at %d fps, libx264 at capd's defaults, "
        "`--h264-gop 1`; each phase on freshly started daemons, warm-up "
        "%g s once every viewer has data, then a %g s window. CPU is "
        "utime + stime from /proc/PID/stat over the window, in CPU-s/s; "
        "µs per viewer-second = the serving daemon's CPU ÷ viewers; kB/s "
        "= payload per viewer (loadgen: bytes read; Chromium: inbound-rtp "
        "bytesReceived, RTP payload); frames/s = access units per viewer "
        "(loadgen's, or those each receiver's worker saw); the client is "
        "loadgen, or node with every Chromium process under it (which "
        "decodes only the key frames, one per GOP: rtc_load.mjs); "
        "PLI/FIR = rtcd's counters over the window. Commands:" % (
            SIZE, FPS, warm, window))
    out()
    for c in commands:
        out("    " + c)
    out()
    table(out, ["route", "viewers", "serving daemon CPU-s/s",
                "µs CPU per viewer-second", "kB/s per viewer",
                "frames/s per viewer",
                "capd CPU-s/s", "client CPU-s/s", "PLI / FIR"],
          [[f["route"], "%s of %d" % (f["viewers"], f["asked"]),
            fmt(f["cpu"], "%.3f"), fmt(f["us"], "%.0f"), fmt(f["kBps"], "%.0f"),
            fmt(f["fps"], "%.1f"),
            fmt(f["capd"], "%.3f"), fmt(f["client"], "%.2f"),
            "-" if f["pli"] is None else "%d / %d" % (f["pli"], f["fir"])]
           for f in figs])
    h, one, many = figs
    rows = []
    ratio = many["us"] / h["us"] if many["us"] and h["us"] else None
    rows.append(["rtcd µs per viewer-second ÷ httpd /stream.h264's", "≤ 2",
                 fmt(ratio, "%.2f"),
                 "-" if ratio is None else ("PASS" if ratio <= 2 else "FAIL")])
    per = None
    if many["cpu"] is not None and one["cpu"] is not None and n > 1:
        per = (many["cpu"] - one["cpu"]) / (n - 1) * 1e6
    rows.append(["rtcd per added session (%d sessions − 1, ÷ %d): "
                 "packetizing is once per camera, so this is SRTP, "
                 "sending and RTCP" % (n, n - 1), "-",
                 fmt(per, "%.0f µs per second"), "-"])
    table(out, ["target", "wanted", "measured", "result"], rows)
    out("Keyframe request over WebRTC: capd `--h264-gop 300`, one session; "
        "%d requests (RTCP PLI from Chromium's sendKeyFrameRequest()), "
        "%.1f s apart, each timed in Chromium to the next key frame "
        "complete at the receiver (so: PLI to rtcd, rtcd's `IDR` to capd, "
        "capd's encode, packetizing, SRTP, loopback and reassembly)." %
        (k, GAP_S))
    out()
    table(out, ["size", "key frames within 2 s", "p50 ms", "p90 ms"],
          [[size, "%d of %d" % (len(t), k), fmt(pct(t, 50), "%.0f"),
            fmt(pct(t, 90), "%.0f")] for size, t in ms.items()])
    return {"viewers": n, "window": window, "routes": figs,
            "ratio": ratio, "per_session_us": per,
            "pli_ms": ms, "commands": commands}


def main():
    ap = argparse.ArgumentParser(description="WebRTC against /stream.h264")
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--viewers", type=int)
    ap.add_argument("--window", type=float)
    a = ap.parse_args()
    run(os.path.abspath(a.build), lambda s="": print(s, flush=True), a.smoke,
        a.viewers, a.window)


if __name__ == "__main__":
    main()
