# SPDX-License-Identifier: ISC
"""Misbehaving sources and hostile clients: bounded logs, CPU and memory."""
import http.client
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import SANITIZED, free_port, wait_for
from framesock import FrameReader, decodes, rss_kb
from test_systemd import Notifications

FFMPEG_MJPEG = ("ffmpeg -loglevel error -re -f lavfi -i testsrc=size=160x120:rate=15 "
                "-f mjpeg -q:v 5 pipe:1")


def capd(daemons, tmp, *args, env=None):
    path = os.path.join(tmp, "frames.sock")
    # Wait for the log line, not a connection: connecting starts the source.
    d = daemons("capd", "--socket", path, *args, env=env, wait_log="listening on")
    return d, path


def lines(d):
    return d.logtext().splitlines()


def cpu_seconds(pid):
    """User plus system CPU time of a process, from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_share(pid, seconds):
    """The share of wall time a process spent on a CPU over `seconds`."""
    c0, t0 = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (cpu_seconds(pid) - c0) / (time.monotonic() - t0)


def child_pids(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)],
                         capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def jpeg_file(tmp, name, size, q=5):
    path = os.path.join(tmp, name)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=%s:rate=1" % size, "-frames:v", "1", "-q:v", str(q),
                    "-f", "mjpeg", path], check=True)
    with open(path, "rb") as f:
        return f.read()


def set_sof_size(jpeg, width, height):
    """The JPEG with its SOF0 segment edited to declare width x height."""
    i = jpeg.index(b"\xff\xc0")
    return jpeg[:i + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + jpeg[i + 9:]


# Logs never flood.

def test_exec_random_bytes_log_few_lines(daemons, tmp):
    n = Notifications(tmp)
    d, path = capd(daemons, tmp, "--source", "exec:cat /dev/urandom", "--warmup", "200",
                   env={"NOTIFY_SOCKET": n.path, "WATCHDOG_USEC": "1000000"})
    before = len(lines(d))
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    wait_for(lambda: "exec: started pid" in d.logtext(), what="the command started")
    time.sleep(10)
    # The loop kept turning: watchdog pings, and the status says what is wrong.
    pings = n.poll().count("WATCHDOG=1")
    time.sleep(1.5)
    assert n.poll().count("WATCHDOG=1") > pings, "capd stopped answering"
    n.wait(lambda m: m.startswith("STATUS=source failing: no frame in"), "no-frame status")
    log = lines(d)[before:]
    s.close()
    print("exec:cat /dev/urandom, 10 s: %d log lines" % len(log))
    assert len(log) <= 40, "\n".join(log[:60])
    assert any("dropped" in x for x in log), "the drops were not reported at all"


def test_exec_stderr_flood_logs_few_lines(daemons, tmp):
    cmd = "exec:yes 'noise on stderr' >&2 & exec " + FFMPEG_MJPEG
    d, path = capd(daemons, tmp, "--source", cmd, "--warmup", "0")
    before = len(lines(d))
    r = FrameReader(path)
    # Frames keep coming, numbered without gaps, while stderr floods.
    seqs = [p.seq for p in r.parts(3)]
    end = time.monotonic() + 10
    while time.monotonic() < end:
        seqs.append(r.part().seq)
    r.close()
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), seqs
    assert len(seqs) >= 50, "too few frames: %d" % len(seqs)
    log = lines(d)[before:]
    print("stderr loop, 10 s: %d log lines, %d frames" % (len(log), len(seqs)))
    assert len(log) <= 40, "\n".join(log[:60])
    assert any("similar lines suppressed" in x for x in log), "\n".join(log)


def test_exec_without_frames_is_reported(daemons, tmp):
    n = Notifications(tmp)
    d, path = capd(daemons, tmp, "--source", "exec:sleep 600", "--warmup", "500",
                   env={"NOTIFY_SOCKET": n.path})
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    t0 = time.monotonic()
    wait_for(lambda: "no frame in 5.5 s since the start" in d.logtext(), timeout=15,
             what="the no-frame line")
    took = time.monotonic() - t0
    assert 5.0 <= took <= 9, took
    n.wait(lambda m: m == "STATUS=source failing: no frame in 5.5 s since the start",
           "the no-frame status")
    s.close()


# Out of file descriptors.

def hold(connect, n):
    """n idle connections from connect(); the ones that could be made."""
    socks = []
    for _ in range(n):
        try:
            socks.append(connect())
        except OSError:
            break
    return socks


def tcp(port):
    return lambda: socket.create_connection(("127.0.0.1", port), timeout=5)


def unix(path):
    def connect():
        # A full backlog answers EAGAIN at once: try again for a while.
        end = time.monotonic() + 3
        while True:
            s = socket.socket(socket.AF_UNIX)
            s.setblocking(False)
            try:
                s.connect(path)
                return s
            except BlockingIOError:
                s.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.005)
    return connect


def http_status(port, path):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", path)
        st = c.getresponse().status
        c.close()
        return st
    except OSError:
        return None


def rtsp_status(port):
    """The status of an RTSP OPTIONS, or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n")
            line = s.makefile("rb").readline().split()
        return int(line[1]) if line[:1] == [b"RTSP/1.0"] else None
    except (OSError, IndexError, ValueError):
        return None


@pytest.mark.parametrize("name", ["httpd", "wsd", "rtspd", "capd"])
def test_out_of_descriptors_pauses_accepting(daemons, tmp, name):
    d, path = capd(daemons, tmp, "--source", "test", "--size", "160x120",
                   "--max-subscribers", "1000")
    port = free_port()
    if name == "httpd":
        # Pools wide enough for 300 idle connections from one address to
        # reach the descriptor limit (test_lockout.py tests the pools).
        d = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", path,
                    "--www", os.path.join(os.path.dirname(__file__), "..", "..", "www"),
                    "--max-pending", "1000", "--max-pending-per-addr", "1000",
                    wait_tcp=port)
        connect, served = tcp(port), lambda: http_status(port, "/api/status") == 200
    elif name == "wsd":
        d = daemons("wsd", "--listen", "127.0.0.1:%d" % port, "--frames", path,
                    "--max-clients", "1000", "--max-pending", "1000",
                    "--max-pending-per-addr", "1000", wait_log="relaying frames")
        connect, served = tcp(port), lambda: http_status(port, "/status") == 200
    elif name == "rtspd":
        d = daemons("rtspd", "--listen", "127.0.0.1:%d" % port, "--frames", path,
                    "--udp-port", "0", "--max-clients", "1000", "--max-pending", "1000",
                    "--max-pending-per-addr", "1000", wait_log="RTP over TCP only")
        connect, served = tcp(port), lambda: rtsp_status(port) == 200
    else:
        connect = unix(path)
        served = lambda: FrameReader(path, timeout=5).part() is not None
    assert served(), "no answer before the test"
    subprocess.run(["prlimit", "--pid", str(d.proc.pid), "--nofile=256:256"], check=True)
    before = len(lines(d))
    socks = hold(connect, 300)
    wait_for(lambda: "not accepting for a while" in d.logtext(), timeout=10,
             what="the descriptor limit reached")
    share = cpu_share(d.proc.pid, 3)
    log = lines(d)[before:]
    for s in socks:
        s.close()
    print("%s at 256 descriptors, %d connections: %.0f%% CPU, %d log lines" %
          (name, len(socks), share * 100, len(log)))
    assert share < 0.3, "%s spins: %.0f%% CPU" % (name, share * 100)
    assert len(log) <= 5, "\n".join(log[:40])
    wait_for(served, timeout=15, what="%s serving again" % name)
    wait_for(lambda: "accepting connections again" in d.logtext(), timeout=15,
             what="the end of the episode")


# capd: the camera stops after the last subscriber, whatever the order.

def starts_and_stops(d):
    log = d.logtext()
    return log.count("source test started"), log.count("stopped: no subscribers")


def test_idle_stop_after_leaving_before_the_source_started(daemons, tmp):
    d, path = capd(daemons, tmp, "--source", "test", "--idle-stop", "0.5")
    for i in range(1, 4):
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        s.close()
        wait_for(lambda: starts_and_stops(d) == (i, i), timeout=10,
                 what="source started and stopped %d times" % i)


def test_idle_stop_after_leaving_during_warmup(daemons, tmp):
    d, path = capd(daemons, tmp, "--source", "exec:" + FFMPEG_MJPEG, "--warmup", "5000",
                   "--idle-stop", "0.5")
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    wait_for(lambda: len(child_pids(d.proc.pid)) == 1, what="the command running")
    s.close()
    wait_for(lambda: child_pids(d.proc.pid) == [], timeout=5, what="the command stopped")
    assert "stopped: no subscribers" in d.logtext()


def test_idle_stop_after_leaving_during_a_restart_backoff(daemons, tmp):
    d, path = capd(daemons, tmp, "--source", "exec:false", "--idle-stop", "0.5")
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    wait_for(lambda: "exec: restarting in" in d.logtext(), what="a restart backoff")
    s.close()
    wait_for(lambda: "stopped: no subscribers" in d.logtext(), timeout=5,
             what="the source stopped")
    # Stopping cancelled the pending restart: the next start is a subscriber's.
    r = socket.socket(socket.AF_UNIX)
    r.connect(path)
    wait_for(lambda: d.logtext().count("source exec:false started") == 2,
             what="started again for a new subscriber")
    r.close()
    wait_for(lambda: d.logtext().count("stopped: no subscribers") == 2, timeout=5,
             what="stopped again")


def test_idle_stop_after_leaving_while_the_camera_is_missing(daemons, tmp):
    dev = os.path.join(tmp, "video9")
    d, path = capd(daemons, tmp, "--source", "v4l2:" + dev, "--idle-stop", "0.5")
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    wait_for(lambda: "No such file or directory (retrying)" in d.logtext(),
             what="the camera retried")
    s.close()
    wait_for(lambda: "stopped: no subscribers" in d.logtext(), timeout=5,
             what="the source stopped")


def test_idle_stop_after_the_last_of_several_leaves(daemons, tmp):
    d, path = capd(daemons, tmp, "--source", "test", "--idle-stop", "1")
    a = FrameReader(path)
    a.parts(2)
    b = FrameReader(path)
    b.parts(2)
    a.close()
    # One still watches: the source keeps running past the idle delay.
    t = time.monotonic()
    while time.monotonic() < t + 1.5:
        b.part()
    assert starts_and_stops(d) == (1, 0)
    b.close()
    # Coming back within the delay keeps the source on.
    c = FrameReader(path)
    t = time.monotonic()
    while time.monotonic() < t + 1.5:
        c.part()
    assert starts_and_stops(d) == (1, 0)
    c.close()
    wait_for(lambda: starts_and_stops(d) == (1, 1), timeout=5, what="the source stopped")


# capd: frames that declare a huge picture.

def test_huge_declared_picture_is_dropped_before_rotation(daemons, tmp):
    good = jpeg_file(tmp, "good.jpg", "64x48")
    bad = set_sof_size(jpeg_file(tmp, "bad.jpg", "64x64"), 60000, 60000)
    clip = os.path.join(tmp, "clip.mjpeg")
    with open(clip, "wb") as f:
        f.write((good + bad) * 5)
    d, path = capd(daemons, tmp, "--source", "file:" + clip, "--fps", "100",
                   "--rotate", "90")
    r = FrameReader(path)
    parts = r.parts(100)
    rss = rss_kb(d.proc.pid)
    r.close()
    # Only the good frame comes out, turned; the other is dropped, and said so.
    assert all(decodes(p.jpeg, tmp) == (48, 64) for p in parts[:3] + parts[-3:])
    log = d.logtext()
    assert "declaring 60000x60000 over --max-pixels" in log
    assert log.count("declaring 60000x60000") <= 10
    print("capd RSS after 100 good and about 100 huge frames: %d kB" % rss)
    if not SANITIZED:
        assert rss < 64 * 1024, rss


# capd: refused subscribers.

def test_refused_subscribers_are_logged_per_episode(daemons, tmp):
    n = Notifications(tmp)
    d, path = capd(daemons, tmp, "--source", "test", "--max-subscribers", "2",
                   env={"NOTIFY_SOCKET": n.path})
    a, b = FrameReader(path), FrameReader(path)
    a.part()
    b.part()
    for _ in range(50):
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        s.settimeout(5)
        assert s.recv(1) == b"", "a subscriber over the limit was served"
        s.close()
    a.close()
    # Until capd has seen a leave, a newcomer is still refused (and counted).
    refused, kept = 50, []

    def admitted():
        nonlocal refused
        try:
            r = FrameReader(path, timeout=5)
            r.part()
            kept.append(r)
            return True
        except EOFError:
            refused += 1
            return False
    wait_for(admitted, what="a subscriber admitted again")
    log = d.logtext()
    assert log.count("subscribers refused: limit of 2 reached") == 1, log
    assert "subscribers accepted again: %d refused at the limit" % refused in log, log
    n.wait(lambda m: re.fullmatch(r"STATUS=streaming \d+ fps to 2 subscribers, %d refused "
                                  r"at --max-subscribers" % refused, m),
           "the count in the status")
    b.close()
    kept[0].close()


# capd: file: maps the file.

def test_large_mjpeg_file_replays_with_bounded_rss(daemons, tmp):
    frame = jpeg_file(tmp, "big.jpg", "640x480", q=2)
    clip = os.path.join(tmp, "large.mjpeg")
    n = 300 * 1024 * 1024 // len(frame)
    with open(clip, "wb") as f:
        for _ in range(n // 64):
            f.write(frame * 64)
    d, path = capd(daemons, tmp, "--source", "file:" + clip, "--fps", "200")
    r = FrameReader(path, timeout=60)
    first = r.part().seq
    parts = r.parts(200)
    peak = rss_kb(d.proc.pid)
    r.close()
    # At 200 fps a reader on a busy machine may be skipped (latest frame
    # wins): the promise here is memory, so the sequence only has to rise.
    seqs = [p.seq for p in parts]
    assert seqs[0] > first and all(b > a for a, b in zip(seqs, seqs[1:]))
    assert decodes(parts[-1].jpeg, tmp) == (640, 480)
    assert "%d frame(s)" % (n // 64 * 64) in d.logtext()
    print("capd RSS replaying %d MB: %d kB" % (os.path.getsize(clip) >> 20, peak))
    if not SANITIZED:
        assert peak < 64 * 1024, peak
