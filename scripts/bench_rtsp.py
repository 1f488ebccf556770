# SPDX-License-Identifier: ISC
"""RTSP fan-out (rtspd, RTP over TCP interleaved and over UDP) against
httpd's /stream.h264 at the same number of viewers (bench.py calls run();
also runs alone: /usr/bin/python3 scripts/bench_rtsp.py BUILD [--smoke]
[--viewers N] [--window SEC] [--gop SEC]).

One camera (capd, test source, 640x480 at 30 fps, H.264 on its --h264
socket) and one serving daemon, freshly started for each run: rtspd
(--max-clients and the other limits raised for the bench) or httpd.  The
runs, each one loadgen (build/bench/loadgen) on loopback:

- rtspd, N RTSP/TCP (interleaved) viewers and N RTSP/UDP viewers at once;
- httpd, 2N /stream.h264 viewers: the same number of viewers on one
  daemon as the run before;
- rtspd, N RTSP/TCP viewers alone; rtspd, N RTSP/UDP viewers alone;
  httpd, N /stream.h264 viewers: each transport against httpd at N;
- rtspd, one viewer of each transport: the latency with no fan-out.

10% of each kind's viewers are stalled (RTSP: they stop reading once PLAY
is answered; UDP ones then never read their port, 4 KB receive buffer);
the rest read everything.  Beside the viewers, in the same loadgen, one
direct subscriber of capd's H.264 socket: the latency every daemon adds to
is its latency.  Over the window: the serving daemon's CPU from
/proc/PID/stat, its RSS at the end, the bytes each reading viewer got
(RTP packets with their RTP headers for RTSP, the Annex-B bytes for
/stream.h264), for RTSP whether every reading viewer got every RTP packet
(no sequence-number gap after its first) and for all whether it got every
access unit capd published (the campipe SEI's seq, as bench_fanout.py
counts it), and the latency from each unit's capture (the SEI's t=) to
the arrival of its marker-bit packet (RTSP), of its text (/stream.h264),
or of the next unit's delimiter (capd's socket: the unit is whole).
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile

import bench_fanout as bf

ROOT = bf.ROOT
SIZE, FPS = bf.SIZE, bf.FPS
STALL = 0.1
LIMITS = "1000"         # rtspd's client limits for the bench
table, fmt = bf.table, bf.fmt


def free_udp_pair():
    """An even UDP port whose next one is free too (on loopback)."""
    for _ in range(64):
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            if port % 2 or port > 65000:
                continue
            b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
        finally:
            a.close()
            b.close()
    raise SystemExit("bench_rtsp: no free UDP port pair")


class Daemons(bf.Daemons):
    """capd and one serving daemon (rtspd or httpd) on private sockets."""

    def __init__(self, build, tmp, serving, gop, log, note):
        self.dir = tempfile.mkdtemp(prefix="rtsp-", dir=tmp)
        frames = os.path.join(self.dir, "frames.sock")
        self.h264 = os.path.join(self.dir, "h264.sock")
        self.port = bf.free_port()
        argvs = [("capd", [os.path.join(build, "campipe-capd"), "--frames",
                           frames, "--h264", self.h264, "--source", "test",
                           "--size", SIZE, "--fps", str(FPS), "--h264-gop",
                           "%g" % gop, "--max-subscribers", "5000",
                           "--write-timeout", "120"],
                  lambda: bf.unix_up(frames))]
        if serving == "rtspd":
            argvs.append(("rtspd", [
                os.path.join(build, "campipe-rtspd"), "--frames", frames,
                "--h264", self.h264, "--listen", "127.0.0.1:%d" % self.port,
                "--udp-port", str(free_udp_pair()), "--max-clients", LIMITS,
                "--max-clients-per-addr", LIMITS, "--max-pending", LIMITS,
                "--max-pending-per-addr", LIMITS, "--write-timeout", "120",
                "--session-timeout", "120"], lambda: bf.tcp_up(self.port)))
        else:
            argvs.append(("httpd", [
                os.path.join(build, "campipe-httpd"), "--frames", frames,
                "--h264", self.h264, "--listen", "127.0.0.1:%d" % self.port,
                "--www", os.path.join(ROOT, "www"), "--max-clients", "5000",
                "--max-pending", "5000", "--max-pending-per-addr", "5000",
                "--stream-timeout", "120"], lambda: bf.tcp_up(self.port)))
        self.start(argvs, log, note, "bench_rtsp")


def probe_start(build, d, specs, window, note):
    """A second loadgen, started as the first's window starts: one viewer
    of each kind and a direct subscriber in a process of their own, so
    that their latency is not the first loadgen's wait for its other
    viewers.  They join last: the end of the daemon's fan-out."""
    argv = [os.path.join(build, "bench", "loadgen"), "-d",
            "%g" % max(window - 2.5, 1), "-w", "0.5"] + specs
    note(argv)
    return subprocess.Popen(argv, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def probe_end(p):
    """The probe's JSON line, once it is done (None if it failed)."""
    so, _ = p.communicate()
    for line in so.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    return None


def measure(build, d, specs, probe, warm, window, note):
    """One loadgen run on d (bench_fanout.sample), and the probe's
    viewers meanwhile."""
    argv = [os.path.join(build, "bench", "loadgen"), "-d", str(window),
            "-w", str(warm), "-W", "-s", str(STALL)] + specs
    note(argv)
    pr = []

    def start():
        pr.append(probe_start(build, d, probe, window, note))

    def result(res):
        res["probe"] = probe_end(pr.pop()) if pr else None
    try:
        return bf.sample(argv, d, True, "bench_rtsp", start, result)
    finally:
        for p in pr:
            p.kill()
            p.wait()


LABEL = {"rtsp": "RTSP/TCP", "rtspu": "RTSP/UDP", "h264": "/stream.h264",
         "h264unix": "capd H.264 socket (direct)"}


def kind_figures(k, res, direct):
    """A kind's figures in one run, as numbers."""
    readers = k["connected"] - k["closed"]
    gap, gapw, lost, never = bf.sei_gaps(k, res["capd_seqs"])
    rtp = k["kind"] in ("rtsp", "rtspu")
    q = k["queues"] if k["kind"] != "rtspu" else []
    return {
        "kind": k["kind"], "label": LABEL[k["kind"]], "readers": readers,
        "stalled": k["stalled"], "lost": k["failed"] + k["closed"],
        "asked": k["clients"],
        "kBps": k["bytes"] / res["duration"] / readers / 1000
        if readers else None,
        "ups": k["frames"] / readers / res["duration"] if readers else None,
        "delivered": k["frames"] / (readers * res["published"])
        if readers and res["published"] else None,
        "rtp_gap_viewers": k["rtp_gap_viewers"] if rtp else None,
        "rtp_lost": k["rtp_lost"] if rtp else None,
        "rtp_late": k["rtp_late"] if rtp else None,
        "rtp_packets": k["rtp_packets"] if rtp else None,
        "sei_single": k["sei_single"] if rtp else None,
        "sei_fu": k["sei_fu"] if rtp else None,
        "gap_viewers": gap, "gap_viewers_window": gapw, "units_lost": lost,
        "never_published": never, "with_units": k["with_units"],
        "no_units": k["no_units"],
        "p50_ms": k["p50_ms"], "p99_ms": k["p99_ms"],
        "d50_ms": k["p50_ms"] - direct["p50_ms"] if direct else None,
        "d99_ms": k["p99_ms"] - direct["p99_ms"] if direct else None,
        "sq_mean_kB": sum(q) / len(q) / 1000 if q else None,
        "sq_max_kB": max(q) / 1000 if q else None,
    }


def probe_figures(pr):
    """The probe's latencies by kind, each with the direct subscriber's
    beside it."""
    if not pr:
        return None
    direct = next((k for k in pr["kinds"] if k["kind"] == "h264unix"), None)
    return {k["kind"]: {"p50_ms": k["p50_ms"], "p99_ms": k["p99_ms"],
                        "units": k["frames"],
                        "d50_ms": k["p50_ms"] - direct["p50_ms"]
                        if direct else None,
                        "d99_ms": k["p99_ms"] - direct["p99_ms"]
                        if direct else None}
            for k in pr["kinds"]}


def run_figures(name, daemon, res):
    """A run's figures: the daemon's, then each viewer kind's."""
    kinds = res["kinds"]
    direct = next((k for k in kinds if k["kind"] == "h264unix"), None)
    viewers = [k for k in kinds if k["kind"] != "h264unix"]
    served = sum(k["connected"] - k["closed"] + k["stalled"]
                 for k in viewers)
    reading = sum(k["connected"] - k["closed"] for k in viewers)
    cpu = res["cpu"].get(daemon)
    return {
        "run": name, "daemon": daemon, "served": served, "reading": reading,
        "cpu": cpu,
        "us_per_viewer_s": cpu / served * 1e6 if served and cpu is not None
        else None,
        "rss": res["rss"].get(daemon), "capd_cpu": res["cpu"].get("capd"),
        "loadgen_cpu": res["cpu"].get("loadgen"),
        "kinds": [kind_figures(k, res, direct) for k in viewers],
        "direct": kind_figures(direct, res, None) if direct else None,
        "probe": probe_figures(res.get("probe")),
        "published": res["published"], "lost_why": res["lost_why"],
    }


def plan(n):
    """The runs: name, serving daemon, loadgen kinds (kind, viewers)."""
    return [
        ("rtspd, %d TCP + %d UDP" % (n, n), "rtspd",
         [("rtsp", n), ("rtspu", n)]),
        ("httpd, %d /stream.h264" % (2 * n), "httpd", [("h264", 2 * n)]),
        ("rtspd, %d TCP" % n, "rtspd", [("rtsp", n)]),
        ("rtspd, %d UDP" % n, "rtspd", [("rtspu", n)]),
        ("httpd, %d /stream.h264" % n, "httpd", [("h264", n)]),
        ("rtspd, 1 TCP + 1 UDP", "rtspd", [("rtsp", 1), ("rtspu", 1)]),
    ]


def spec(kind, n, d):
    if kind == "h264":
        return "h264:%d:127.0.0.1:%d/stream.h264" % (n, d.port)
    return "%s:%d:127.0.0.1:%d/" % (kind, n, d.port)


def ms_pair(a, b):
    return "-" if a is None else "%.2f / %.2f" % (a, b)


def verdict(ok):
    return "PASS" if ok else "FAIL"


def targets(out, figs, names):
    """The issue's targets, each with PASS or FAIL (reported, not
    asserted); names are the runs', in plan()'s order."""
    by = {f["run"]: f for f in figs}
    rows = []
    pairs = [(names[0], names[1]), (names[2], names[4]),
             (names[3], names[4])]
    for r, h in pairs:
        a, b = by.get(r), by.get(h)
        if a and b and a["us_per_viewer_s"] is not None and \
                b["us_per_viewer_s"]:
            x = a["us_per_viewer_s"] / b["us_per_viewer_s"]
            rows.append(["%s vs %s" % (r, h),
                         "µs CPU per viewer-second ÷ httpd's", "≤ 1.2",
                         "%.2f (%.0f ÷ %.0f µs)" % (
                             x, a["us_per_viewer_s"], b["us_per_viewer_s"]),
                         verdict(x <= 1.2)])
    for f in figs:
        if f["daemon"] != "rtspd":
            continue
        for k in f["kinds"]:
            pk = (f["probe"] or {}).get(k["kind"])
            dk = (f["probe"] or {}).get("h264unix")
            if pk and dk and pk["d50_ms"] is not None:
                ok = pk["d50_ms"] <= 1 and pk["d99_ms"] <= 1
                rows.append(["%s: %s" % (f["run"], k["label"]),
                             "capture → marker packet, − direct "
                             "subscriber's (p50 / p99), probe", "≤ 1 ms",
                             "%+.2f / %+.2f ms (%.2f / %.2f − %.2f / %.2f)"
                             % (pk["d50_ms"], pk["d99_ms"], pk["p50_ms"],
                                pk["p99_ms"], dk["p50_ms"], dk["p99_ms"]),
                             verdict(ok)])
            if k["d50_ms"] is not None:
                ok = k["d50_ms"] <= 1 and k["d99_ms"] <= 1
                rows.append(["%s: %s" % (f["run"], k["label"]),
                             "the same, all viewers of the first loadgen",
                             "≤ 1 ms",
                             "%+.2f / %+.2f ms (%.2f / %.2f − %.2f / %.2f)"
                             % (k["d50_ms"], k["d99_ms"], k["p50_ms"],
                                k["p99_ms"], f["direct"]["p50_ms"],
                                f["direct"]["p99_ms"]), verdict(ok)])
            ok = not k["rtp_gap_viewers"] and not k["gap_viewers"] and \
                not k["no_units"] and k["readers"] > 0
            rows.append(["%s: %s" % (f["run"], k["label"]),
                         "reading viewers with RTP sequence gaps / with "
                         "SEI (access unit) gaps", "0 / 0",
                         "%d / %d of %d" % (k["rtp_gap_viewers"],
                                            k["gap_viewers"], k["readers"]),
                         verdict(ok)])
    out("### Targets (RTSP)")
    out()
    table(out, ["run", "target", "wanted", "measured", "result"], rows)
    return rows


def run(build, out, smoke=False, viewers=None, window=None, gop=1):
    """bench.py's entry: the tables, written through out; returns the
    figures."""
    n = viewers or (5 if smoke else 200)
    window = window or (1.5 if smoke else 8)
    warm = 0.5 if smoke else 3
    bf.nofile(out, 6 * n + 200, n)
    for b in ("bench/loadgen", "campipe-rtspd", "campipe-httpd"):
        if not os.access(os.path.join(build, b), os.X_OK):
            raise SystemExit("bench_rtsp: %s/%s missing (make bench builds "
                             "it)" % (build, b))
    tmp = tempfile.mkdtemp(prefix="campipe-rtsp-")
    log = open(os.path.join(tmp, "daemons.log"), "a")
    commands = []
    note = bf.noter(tmp, build, commands, "rtsp",
                    [(r"--udp-port \d+", "--udp-port $UDP")])

    runs = plan(n)
    out("### RTSP (rtspd) against httpd /stream.h264, %d + %d viewers "
        "(%d%% stalled)" % (n, n, round(100 * STALL)))
    out()
    out("capd test source %s at %d fps, H.264 `--h264-gop %g`. Each run on "
        "freshly started capd and serving daemon, one loadgen: RTSP viewers "
        "send OPTIONS, DESCRIBE, SETUP (TCP interleaved, or UDP with a "
        "client_port pair bound on 127.0.0.1) and PLAY, then read RTP; "
        "%d%% of each kind stall once PLAY is answered (UDP: never read "
        "their port); /stream.h264 viewers as in the H.264 fan-out above. "
        "Warm-up %g s after all are up, then a %g s window. Equal N: the "
        "first two runs put %d viewers on one daemon (RTSP: %d TCP and %d "
        "UDP at once), the next three %d, the last one of each transport "
        "(the latency without a fan-out; %d%% of one is no stalled viewer). "
        "µs CPU per viewer-second = the "
        "serving daemon's CPU-s/s ÷ the viewers it serves (reading and "
        "stalled); RSS at the window's end; kB/s per reading viewer = RTP "
        "packets with their 12-byte headers (RTSP) or the Annex-B bytes "
        "(/stream.h264), kB = 1000 bytes; latency from the capture time in "
        "each unit's campipe SEI to the arrival of the unit's marker-bit "
        "packet (RTSP), of the SEI's text (/stream.h264), or of the next "
        "unit's delimiter (the direct subscriber of capd's H.264 socket "
        "that each loadgen runs beside its viewers). Commands:"
        % (SIZE, FPS, gop, round(100 * STALL), warm, window, 2 * n, n, n,
           n, round(100 * STALL)))
    out()
    figs = []
    try:
        for name, daemon, kinds in runs:
            d = Daemons(build, tmp, daemon, gop, log, note)
            try:
                specs = [spec(k, m, d) for k, m in kinds]
                specs.append("h264unix:1:%s" % d.h264)
                probe = [spec(k, 1, d) for k, _ in kinds]
                probe.append("h264unix:1:%s" % d.h264)
                res = measure(build, d, specs, probe, warm, window, note)
            finally:
                d.stop()
            figs.append(run_figures(name, daemon, res))
        for c in commands:
            out("    " + c)
        out()
        table(out, ["run", "viewers served (reading)", "daemon CPU-s/s",
                    "µs CPU per viewer-second", "daemon RSS MB",
                    "capd CPU-s/s", "loadgen CPU-s/s"],
              [[f["run"], "%d (%d)" % (f["served"], f["reading"]),
                fmt(f["cpu"], "%.3f"), fmt(f["us_per_viewer_s"], "%.0f"),
                fmt(f["rss"], "%.1f"), fmt(f["capd_cpu"], "%.3f"),
                fmt(f["loadgen_cpu"], "%.3f")] for f in figs])
        rows = []
        for f in figs:
            for k in f["kinds"] + ([f["direct"]] if f["direct"] else []):
                v = "%d+%d" % (k["readers"], k["stalled"])
                pk = (f["probe"] or {}).get(k["kind"])
                if k["lost"]:
                    v += " (%d of %d lost)" % (k["lost"], k["asked"])
                rows.append([
                    f["run"], k["label"], v, fmt(k["kBps"], "%.1f"),
                    fmt(k["ups"], "%.2f"),
                    "-" if k["rtp_packets"] is None else
                    "%d (%d lost, %d late)" % (k["rtp_gap_viewers"],
                                               k["rtp_lost"], k["rtp_late"]),
                    "%d / %d%s" % (k["gap_viewers"], k["with_units"],
                                   " (%d got none)" % k["no_units"]
                                   if k["no_units"] else ""),
                    "-" if k["sei_single"] is None else
                    "%d / %d" % (k["sei_single"], k["sei_fu"]),
                    ms_pair(k["p50_ms"], k["p99_ms"]),
                    "-" if k["d50_ms"] is None else "%+.2f / %+.2f" % (
                        k["d50_ms"], k["d99_ms"]),
                    "-" if pk is None else "%.2f / %.2f (%s)" % (
                        pk["p50_ms"], pk["p99_ms"], "-" if pk["d50_ms"] is
                        None or k["kind"] == "h264unix" else
                        "%+.2f / %+.2f" % (pk["d50_ms"], pk["d99_ms"])),
                    "-" if k["sq_mean_kB"] is None else "%.0f / %.0f" % (
                        k["sq_mean_kB"], k["sq_max_kB"])])
        table(out, ["run", "viewers", "reading+stalled", "kB/s per viewer",
                    "units/s per viewer",
                    "viewers with RTP seq gaps (packets)",
                    "viewers with SEI gaps / with units",
                    "SEI in single NAL unit / FU-A packets",
                    "latency p50 / p99 ms",
                    "− direct subscriber's ms",
                    "probe: latency p50 / p99 ms (− its direct's)",
                    "send queue per stalled TCP viewer kB (mean / max)"],
              rows)
        why = sorted(set(w for f in figs for w in f["lost_why"]))
        if why:
            out("Why viewers were lost (loadgen, the first three per kind): "
                + "; ".join(why))
            out()
        tg = targets(out, figs, [r[0] for r in runs])
    finally:
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"viewers": n, "window": window, "gop": gop, "runs": figs,
            "targets": tg, "commands": commands}


if __name__ == "__main__":
    bf.cli(run, "RTSP against /stream.h264", "RTSP viewers per transport",
           200, 5, 8, 1.5)
