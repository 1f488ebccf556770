# SPDX-License-Identifier: ISC
"""H.264 fan-out against MJPEG at the same number of viewers (bench.py
calls run(); also runs alone: /usr/bin/python3 scripts/bench_fanout.py
BUILD [--smoke] [--viewers N] [--window SEC] [--gop SEC]).

One camera (capd, test source, 640x480 at 30 fps, H.264 on its --h264
socket), wsd taking httpd's WebSocket upgrades (--handoff), httpd on one
port (--ws-handoff), as scripts/run.sh starts them.  For each route, on
freshly started daemons: N viewers from build/bench/loadgen on loopback,
10% of them stalled (connected, request sent, 4 KB receive buffer, never
read), the rest reading everything.  Over the window: the serving daemon's
CPU from /proc/PID/stat (httpd for httpd's routes, wsd for the WebSocket
ones, which pass through httpd only at connect time), its RSS at the end,
the bytes each reading viewer got, the kernel send queue of each stalled
viewer's server-side socket (ss), and for the H.264 routes whether every
reading viewer got every access unit: loadgen finds the campipe SEI text
"campipe seq=S t=..." in each unit (raw Annex-B, or inside fMP4's mdat)
and lists, per viewer, the jumps in seq after its first unit; a jump is a
gap when it skipped a unit capd published (a direct subscriber to capd's
H.264 socket, run beside, tells those from seqs the encoder skipped for
everyone).

Nothing here depends on how the daemons reach capd (one subscription per
viewer today, or one per camera): only what the viewers get and what the
serving daemon costs is measured.
"""
import argparse
import json
import os
import re
import resource
import shlex
import shutil
import socket
import subprocess
import tempfile
import threading
import time

HZ = os.sysconf("SC_CLK_TCK")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SIZE, FPS = "640x480", 30
STALL = 0.1
SEQ = re.compile(rb"campipe seq=(\d+) t=")

# label, serving daemon, loadgen kind, path, H.264
ROUTES = [
    ("httpd /stream.mjpg", "httpd", "mjpeg", "/stream.mjpg", False),
    ("httpd /stream.mp4", "httpd", "h264", "/stream.mp4", True),
    ("httpd /stream.h264", "httpd", "h264", "/stream.h264", True),
    ("wsd /stream (JPEG)", "wsd", "ws", "/stream", False),
    ("wsd /stream.h264 (fMP4)", "wsd", "wsh264", "/stream.h264", True),
]

# The figures, measured on the per-viewer layout (each H.264 viewer
# its own capd subscription): route | viewers | kB/s per viewer | daemon
# CPU-s/s | µs CPU per viewer-second | daemon RSS MB.
BEFORE = [
    ["httpd /stream.mjpg", "1000", "716", "0.20", "201", "31"],
    ["httpd /stream.mp4", "1000", "74", "0.81", "812", "245"],
    ["httpd /stream.h264", "1000", "81", "0.62", "620", "229"],
    ["wsd /stream (JPEG)", "1000", "712", "0.23", "233", "29"],
    ["wsd /stream.h264 (fMP4)", "1000 (995 stayed)", "82", "0.82", "822",
     "236"],
]

HEAD = ["route", "viewers (reading+stalled)", "kB/s per viewer",
        "daemon CPU-s/s", "µs CPU per viewer-second", "daemon RSS MB",
        "send-queue per stalled viewer kB (mean/max)",
        "viewers with SEI gaps"]


def cpu_s(pid):
    """utime + stime of a process, in seconds (None if it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            f = f.read().rsplit(")", 1)[1].split()
        return (int(f[11]) + int(f[12])) / HZ
    except (OSError, IndexError):
        return None


def rss_mb(pid):
    """VmRSS of a process in MB (None if it is gone)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(cond, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def tcp_up(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def unix_up(path):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def fmt(v, spec="%.2f"):
    return "-" if v is None else spec % v


def table(out, head, rows):
    out("| " + " | ".join(head) + " |")
    out("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        out("| " + " | ".join(str(x) for x in r) + " |")
    out()


def send_queues(port):
    """Send-Q (bytes) of every established TCP socket on local port, by
    the peer's port: the server side of each viewer.  A handed-over
    WebSocket keeps httpd's port: wsd holds the very socket."""
    r = subprocess.run(["ss", "-tmnH", "state", "established",
                        "( sport = :%d )" % port],
                       capture_output=True, text=True)
    q = {}
    for line in r.stdout.splitlines():
        f = line.split()
        if len(f) >= 4 and f[0].isdigit() and f[1].isdigit():
            q[int(f[3].rsplit(":", 1)[1])] = int(f[1])
    return q


class Published(threading.Thread):
    """capd's H.264 socket read directly, as a daemon reads it: the seqs of
    the access units capd published.  A seq missing here was skipped by
    the encoder (for every viewer alike), not lost on the way."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(1)
        self.s.connect(path)
        self.seqs = set()
        self.stop = threading.Event()

    def run(self):
        tail = b""
        while not self.stop.is_set():
            try:
                b = self.s.recv(1 << 16)
            except socket.timeout:
                continue
            except OSError:
                break
            if not b:
                break
            buf = tail + b
            self.seqs.update(int(m.group(1)) for m in SEQ.finditer(buf))
            tail = buf[-64:]
        self.s.close()


class Daemons:
    """Daemons started in turn, each waited for (bench_rtsp.py's too)."""

    def start(self, argvs, log, note, who):
        """Starts each (name, argv, up()) once the one before is up."""
        self.procs = {}
        self.log = log
        try:
            for name, argv, up in argvs:
                note(argv)
                p = self.procs[name] = subprocess.Popen(
                    argv, stdout=subprocess.DEVNULL, stderr=log)
                if not wait_for(lambda: up() or p.poll() is not None) or \
                        p.poll() is not None:
                    log.flush()
                    with open(log.name) as f:
                        tail = f.read()[-2000:]
                    raise SystemExit("%s: %s did not start; the daemons' "
                                     "log ends:\n%s" % (who, name, tail))
        except BaseException:
            self.stop()
            raise

    def pids(self):
        return {k: p.pid for k, p in self.procs.items()}

    def stop(self):
        for p in reversed(list(self.procs.values())):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


class Trio(Daemons):
    """capd, wsd and httpd on private sockets and a free port."""

    def __init__(self, build, tmp, gop, log, note):
        self.dir = tempfile.mkdtemp(prefix="fanout-", dir=tmp)
        frames = os.path.join(self.dir, "frames.sock")
        h264 = self.h264 = os.path.join(self.dir, "h264.sock")
        handoff = os.path.join(self.dir, "wsd.sock")
        self.port = free_port()
        argvs = [
            ("capd", [os.path.join(build, "campipe-capd"), "--frames", frames,
                      "--h264", h264, "--source", "test", "--size", SIZE,
                      "--fps", str(FPS), "--h264-gop", "%g" % gop,
                      "--max-subscribers", "5000", "--write-timeout", "120"],
             lambda: unix_up(frames)),
            ("wsd", [os.path.join(build, "campipe-wsd"), "--frames", frames,
                     "--h264", h264, "--handoff", handoff, "--max-clients",
                     "5000", "--max-clients-per-addr", "5000",
                     "--max-pending", "5000", "--max-pending-per-addr",
                     "5000", "--write-timeout", "120", "--ping-interval",
                     "120"],
             lambda: os.path.exists(handoff)),
            ("httpd", [os.path.join(build, "campipe-httpd"), "--frames",
                       frames, "--h264", h264, "--listen",
                       "127.0.0.1:%d" % self.port, "--www",
                       os.path.join(ROOT, "www"), "--ws-handoff", handoff,
                       "--max-clients", "5000", "--max-pending", "5000",
                       "--max-pending-per-addr", "5000", "--stream-timeout",
                       "120"],
             lambda: tcp_up(self.port)),
        ]
        self.start(argvs, log, note, "bench_fanout")


def sample(argv, d, h264, who, on_start=None, on_result=None):
    """Runs loadgen (argv, with -W) on daemons d: their CPU and RSS over
    its window, the send queues on d.port at its end, while every viewer
    is still connected; with h264, what capd published beside.  on_start()
    runs as the window starts, on_result(res) before the viewers close."""
    pub = None
    if h264 and wait_for(lambda: unix_up(d.h264)):
        pub = Published(d.h264)
        pub.start()
        time.sleep(0.5)                 # the encoder's first unit
    err = tempfile.TemporaryFile("w+", dir=d.dir)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.PIPE,
                         stderr=err, text=True)
    pids = dict(d.pids(), loadgen=p.pid)
    c0 = c1 = r1 = {}
    t0 = t1 = 0
    res, queues = None, {}
    try:
        for line in p.stdout:
            if line.startswith("#window start"):
                t0, c0 = time.monotonic(), {k: cpu_s(v)
                                            for k, v in pids.items()}
                if on_start is not None:
                    on_start()
            elif line.startswith("#window end"):
                t1, c1 = time.monotonic(), {k: cpu_s(v)
                                            for k, v in pids.items()}
                r1 = {k: rss_mb(v) for k, v in pids.items()}
                queues = send_queues(d.port)
            elif line.startswith("{"):
                res = json.loads(line)
                if on_result is not None:
                    on_result(res)
                p.stdin.close()         # loadgen may now close its viewers
    finally:
        if p.poll() is None and not p.stdin.closed:
            p.stdin.close()
        p.wait()
        if pub is not None:
            pub.stop.set()
            pub.join(5)
        err.seek(0)
        why = err.read()
        err.close()
        d.log.write(why)
    if res is None or t1 <= t0:
        raise SystemExit("%s: loadgen failed: %s\n%s" % (
            who, shlex.join(argv), why[-2000:]))
    # loadgen names the first three viewers it lost, and why
    res["lost_why"] = sorted(set(re.findall(r"^loadgen: \S+ client: (.*)$",
                                            why, re.M)))
    res["cpu"] = {k: (c1[k] - c0[k]) / (t1 - t0)
                  if c1.get(k) is not None and c0.get(k) is not None
                  else None for k in pids}
    res["rss"] = r1
    for k in res["kinds"]:
        k["queues"] = [queues[port] for port in k["stalled_ports"]
                       if port in queues]
    res["capd_seqs"] = sorted(pub.seqs) if pub is not None else None
    return res


def measure(build, trio, kind, path, n, warm, window, note, h264):
    """loadgen's viewers on one route; CPU and RSS over its window, the
    send queues at its end, while every viewer is still connected; for
    H.264, what capd published beside."""
    argv = [os.path.join(build, "bench", "loadgen"), "-d", str(window),
            "-w", str(warm), "-W", "-s", str(STALL),
            "%s:%d:127.0.0.1:%d%s" % (kind, n, trio.port, path)]
    note(argv)
    res = sample(argv, trio, h264, "bench_fanout")
    res["stalled_queues"] = res["kinds"][0]["queues"]
    return res


def sei_gaps(k, published):
    """Viewers that lost a published unit (since their first, and within
    the window), the units lost, and the seqs never published, from
    loadgen's jumps in seq and the seqs capd published."""
    if not published:
        # no direct subscriber: every jump counts
        return (k["gap_viewers"], k["gap_viewers_window"], k["missing"],
                None)
    pub = set(published)
    viewers, window, lost = set(), set(), 0
    for v, a, b, win in k["gaps"]:
        n = sum(1 for s in range(a, b + 1) if s in pub)
        if n:
            lost += n
            viewers.add(v)
            if win:
                window.add(v)
    never = published[-1] - published[0] + 1 - len(published)
    return len(viewers), len(window), lost, never


def route_figures(route, res):
    """The table's figures of one route, as numbers."""
    label, daemon, _, _, h264 = route
    k = res["kinds"][0]
    readers = k["connected"] - k["closed"]
    cpu = res["cpu"].get(daemon)
    q = res["stalled_queues"]
    gap, gapw, lost, never = sei_gaps(k, res["capd_seqs"]) if h264 else (
        None, None, None, None)
    return {
        "route": label, "daemon": daemon, "h264": h264,
        "readers": readers, "stalled": k["stalled"],
        "lost": k["failed"] + k["closed"], "asked": k["clients"],
        "kBps": k["bytes"] / res["duration"] / readers / 1000
        if readers else None,
        "cpu": cpu,
        "us_per_viewer_s": cpu / readers * 1e6
        if readers and cpu is not None else None,
        "rss": res["rss"].get(daemon),
        "sq_found": len(q),
        "sq_mean_kB": sum(q) / len(q) / 1000 if q else None,
        "sq_max_kB": max(q) / 1000 if q else None,
        "gap_viewers": gap, "gap_viewers_window": gapw, "units_lost": lost,
        "never_published": never,
        "jump_viewers": k["gap_viewers"] if h264 else None,
        "with_units": k["with_units"] if h264 else None,
        "no_units": k["no_units"] if h264 else None,
        "delivered": k["frames"] / (readers * res["published"])
        if readers and res["published"] else None,
        "fps": k["frames"] / readers / res["duration"] if readers else None,
        "p50_ms": k["p50_ms"],
        "p99_ms": k["p99_ms"], "all_cpu": res["cpu"], "all_rss": res["rss"],
        "lost_why": res["lost_why"],
    }


def row(f):
    viewers = "%d+%d" % (f["readers"], f["stalled"])
    if f["lost"]:
        viewers += " (%d of %d lost)" % (f["lost"], f["asked"])
    sq = "-" if f["sq_mean_kB"] is None else "%.0f / %.0f" % (
        f["sq_mean_kB"], f["sq_max_kB"])
    if f["sq_found"] != f["stalled"]:
        sq += " (%d of %d sockets)" % (f["sq_found"], f["stalled"])
    gaps = "-"
    if f["h264"]:
        gaps = "%d / %d" % (f["gap_viewers"], f["with_units"])
        if f["no_units"]:
            gaps += " (%d got none)" % f["no_units"]
    return [f["route"], viewers, fmt(f["kBps"], "%.0f"),
            fmt(f["cpu"], "%.2f"), fmt(f["us_per_viewer_s"], "%.0f"),
            fmt(f["rss"], "%.0f"), sq, gaps]


def detail_row(f):
    c, r = f["all_cpu"], f["all_rss"]
    return [f["route"], "-" if f["delivered"] is None else
            "%.2f" % (100 * f["delivered"]), fmt(f["fps"], "%.1f"),
            "%.1f / %.1f" % (f["p50_ms"], f["p99_ms"])]\
        + [fmt(c.get(d), "%.3f") for d in ("capd", "httpd", "wsd", "loadgen")]\
        + [" / ".join(fmt(r.get(d), "%.0f") for d in ("capd", "httpd", "wsd")),
           "-" if not f["h264"] else "%d (%d)" % (f["gap_viewers_window"],
                                                  f["units_lost"]),
           "-" if f["never_published"] is None else
           "%d" % f["never_published"],
           "; ".join(f["lost_why"]) or "-"]


def verdict(ok):
    return "PASS" if ok else "FAIL"


def targets(out, figs, gop):
    """The targets' ratios, each with PASS or FAIL (reported, not
    asserted)."""
    base = next((f for f in figs if f["route"] == "httpd /stream.mjpg"),
                None)
    wsjpeg = next((f for f in figs if f["route"] == "wsd /stream (JPEG)"),
                  None)
    rows = []
    for f in figs:
        if not f["h264"]:
            continue
        if base and base["us_per_viewer_s"] and f["us_per_viewer_s"]:
            r = f["us_per_viewer_s"] / base["us_per_viewer_s"]
            extra = ""
            if f["daemon"] == "wsd" and wsjpeg and wsjpeg["us_per_viewer_s"]:
                extra = " (÷ wsd JPEG's: %.2f)" % (
                    f["us_per_viewer_s"] / wsjpeg["us_per_viewer_s"])
            rows.append([f["route"], "µs CPU per viewer-second ÷ MJPEG's",
                         "≤ 0.6", "%.2f%s" % (r, extra), verdict(r <= 0.6)])
        if base and base["rss"] is not None and f["rss"] is not None:
            d = round(f["rss"] - base["rss"], 1) + 0.0
            rows.append([f["route"], "daemon RSS − MJPEG's RSS", "≤ 10 MB",
                         "%+.1f MB (%.1f − %.1f)" % (d, f["rss"],
                                                     base["rss"]),
                         verdict(d <= 10)])
        if f["kBps"] and f["sq_max_kB"] is not None:
            two = 2 * gop * f["kBps"]
            rows.append([f["route"],
                         "send queue per stalled viewer vs 2 GOPs "
                         "(2 × %g s × %.0f kB/s)" % (gop, f["kBps"]),
                         "≤ %.0f kB" % two,
                         "mean %.0f kB, max %.0f kB = %.1f× 2 GOPs" % (
                             f["sq_mean_kB"], f["sq_max_kB"],
                             f["sq_max_kB"] / two),
                         verdict(f["sq_max_kB"] <= two and
                                 f["sq_found"] == f["stalled"])])
        rows.append([f["route"], "reading viewers with SEI gaps", "0",
                     "%d of %d%s" % (f["gap_viewers"], f["with_units"],
                                     ", %d got no unit" % f["no_units"]
                                     if f["no_units"] else ""),
                     verdict(f["gap_viewers"] == 0 and not f["no_units"])])
    out("### Targets (H.264 fan-out)")
    out()
    out("Reported, not asserted: MJPEG is httpd /stream.mjpg of this run; "
        "the send queue is the largest of the stalled viewers'; 2 GOPs are "
        "the bytes a reading viewer got in 2 × `--h264-gop` seconds.")
    out()
    table(out, ["route", "target", "wanted", "measured", "result"], rows)
    return rows


def nofile(out, fds, n):
    """Raises the open files limit to its hard one (loadgen and the
    daemons inherit it); says when fds will not fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < fds:
        out("(RLIMIT_NOFILE is %d: %d viewers may be refused)" % (hard, n))


def noter(tmp, build, commands, prefix, subs=()):
    """note(argv): keeps each distinct command line for the report, with
    the run's temporary paths and ports as names (and subs' (re, text))."""
    def note(argv):
        s = shlex.join(argv).replace(tmp, "$TMP")
        s = s.replace(build + "/", "build/").replace(ROOT + "/", "")
        s = re.sub(r"\$TMP/%s-\w+/" % prefix, "$TMP/", s)
        s = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:$PORT", s)
        for a, b in subs:
            s = re.sub(a, b, s)
        if s not in commands:
            commands.append(s)
    return note


def run(build, out, smoke=False, viewers=None, window=None, gop=1):
    """bench.py's entry: the tables, written through out; returns the
    figures."""
    n = viewers or (50 if smoke else 1000)
    window = window or (2 if smoke else 8)
    warm = 1 if smoke else 3
    nofile(out, 2 * n + 200, n)
    if not os.access(os.path.join(build, "bench", "loadgen"), os.X_OK):
        raise SystemExit("bench_fanout: %s/bench/loadgen missing (make bench "
                         "builds it)" % build)
    tmp = tempfile.mkdtemp(prefix="campipe-fanout-")
    log = open(os.path.join(tmp, "daemons.log"), "a")
    commands = []
    note = noter(tmp, build, commands, "fanout")

    out("### H.264 fan-out against MJPEG, %d viewers each (%d%% stalled)"
        % (n, round(100 * STALL)))
    out()
    out("capd test source %s at %d fps with H.264 on (`--h264-gop %g`); "
        "wsd takes httpd's WebSocket upgrades, so every route is on httpd's "
        "one port. Each route on freshly started daemons: %d loadgen viewers "
        "on loopback, %d%% stalled (request sent, 4 KB receive buffer, never "
        "read), the rest reading every byte; warm-up %g s after all are up, "
        "then a %g s window. The daemon is the one serving the route "
        "(httpd, or wsd for the WebSocket routes: httpd only hands their "
        "connections over); µs CPU per viewer-second = its CPU-s/s ÷ reading "
        "viewers; RSS at the window's end; kB/s = payload bytes per reading "
        "viewer; send queue = Send-Q of the stalled viewers' server-side "
        "sockets (`ss -tmn`) at the window's end; kB = 1000 bytes; SEI "
        "gaps = reading viewers whose campipe SEI seq skipped, after their "
        "first unit, a unit capd published (a direct subscriber to its "
        "H.264 socket says which), of those that got a unit. Commands:" % (SIZE, FPS, gop, n, round(100 * STALL), warm,
                             window))
    out()
    figs = []
    try:
        for route in ROUTES:
            trio = Trio(build, tmp, gop, log, note)
            try:
                res = measure(build, trio, route[2], route[3], n, warm,
                              window, note, route[4])
            finally:
                trio.stop()
            figs.append(route_figures(route, res))
        for c in commands:
            out("    " + c)
        out()
        table(out, HEAD, [row(f) for f in figs])
        out("Beside it, the same routes before (measured on the per-viewer "
            "layout), from the issue; its µs column is its CPU-s/s ÷ 1000:")
        out()
        table(out, HEAD[:6], BEFORE)
        out("Details of this run: delivered = units or frames the reading "
            "viewers got ÷ (reading viewers × the window's range of seqs); "
            "latency from capture (the JPEG COM or the SEI stamp) to "
            "arrival; SEI gaps within the window only (published units lost "
            "since each viewer's first, all viewers); seqs never published: "
            "missing from a direct subscriber to capd's H.264 socket over the "
            "run (frames the encoder skipped: no gap for anyone); why viewers "
            "were lost: loadgen's reasons for the first three.")
        out()
        table(out, ["route", "delivered %", "frames or units/s per viewer",
                    "latency p50 / p99 ms", "capd CPU-s/s", "httpd CPU-s/s",
                    "wsd CPU-s/s", "loadgen CPU-s/s",
                    "RSS MB capd / httpd / wsd",
                    "SEI gap viewers in window (units lost)",
                    "seqs never published",
                    "why viewers were lost"],
              [detail_row(f) for f in figs])
        tg = targets(out, figs, gop)
    finally:
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in figs:
        f.pop("all_cpu", None)
        f.pop("all_rss", None)
    return {"viewers": n, "window": window, "gop": gop, "routes": figs,
            "targets": tg, "commands": commands}


def cli(run, description, viewers, n, n_smoke, window, window_smoke):
    """Runs run() from the command line (this module's, bench_rtsp.py's):
    BUILD [--smoke] [--viewers N] [--window SEC] [--gop SEC]."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--smoke", action="store_true",
                    help="%d %s, %g s windows: checks that it works"
                    % (n_smoke, viewers, window_smoke))
    ap.add_argument("--viewers", type=int, help="%s (default %d, %d with "
                    "--smoke)" % (viewers, n, n_smoke))
    ap.add_argument("--window", type=float, help="measured seconds "
                    "(default %g, %g with --smoke)" % (window, window_smoke))
    ap.add_argument("--gop", type=float, default=1,
                    help="capd's --h264-gop in seconds (default 1)")
    a = ap.parse_args()
    t0 = time.monotonic()
    run(os.path.abspath(a.build), lambda s="": print(s, flush=True),
        a.smoke, a.viewers, a.window, a.gop)
    print("Total bench time: %.0f s" % (time.monotonic() - t0))


if __name__ == "__main__":
    cli(run, "H.264 fan-out against MJPEG", "viewers per route", 1000, 50, 8,
        2)
