# SPDX-License-Identifier: ISC
"""capd against real subscribers on a private socket."""
import os
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import SANITIZED, binary, unix_listening, wait_for
from framesock import FrameReader, decodes, gaps, rss_kb

FFMPEG_MJPEG = ("ffmpeg -loglevel error -re -f lavfi -i testsrc=size=320x240:rate=15 "
                "-f mjpeg -q:v 5 pipe:1")


def capd(daemons, tmp, *args, name="frames.sock"):
    path = os.path.join(tmp, name)
    # Wait for the log line, not a connection: connecting starts the source.
    d = daemons("capd", "--socket", path, *args, wait_log="listening on")
    return d, path


def test_readme_example_yields_a_jpeg(daemons, tmp):
    _, path = capd(daemons, tmp, "--source", "test", "--size", "320x240")
    out = os.path.join(tmp, "out.jpg")
    # The README line, verbatim but for the socket path.
    cmd = "socat -u UNIX-CONNECT:%s - | ffmpeg -f mpjpeg -i - -frames:v 1 %s" % (path, out)
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, timeout=30)
    assert os.path.exists(out), r.stderr.decode()[-2000:]
    with open(out, "rb") as f:
        assert decodes(f.read(), tmp) == (320, 240)


def test_test_source_frames_decode_with_increasing_seq(daemons, tmp):
    _, path = capd(daemons, tmp, "--source", "test", "--size", "640x480", "--fps", "30")
    # Connecting starts the source: every frame is captured while we read.
    before = time.time()
    r = FrameReader(path)
    parts = r.parts(20)
    r.close()
    seqs = [p.seq for p in parts]
    assert all(b > a for a, b in zip(seqs, seqs[1:])), seqs
    now = time.time()
    for p in parts:
        assert before - 0.1 < p.ts <= now + 0.1, (before, p.ts, now)
    assert decodes(parts[0].jpeg, tmp) == (640, 480)
    assert decodes(parts[-1].jpeg, tmp) == (640, 480)
    assert parts[0].jpeg != parts[-1].jpeg, "the pattern does not move"


def test_file_source_replays_an_mjpeg_file(daemons, tmp):
    mj = os.path.join(tmp, "clip.mjpeg")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc=size=160x120:rate=10", "-frames:v", "5", "-f", "mjpeg",
                    "-q:v", "5", mj], check=True)
    with open(mj, "rb") as f:
        data = f.read()
    _, path = capd(daemons, tmp, "--source", "file:" + mj, "--fps", "50")
    r = FrameReader(path)
    parts = r.parts(12)
    r.close()
    # Each replayed frame is one of the file's frames, with a COM inserted.
    for p in parts:
        assert decodes(p.jpeg, tmp) == (160, 120)
        body = p.jpeg[2 + 2 + int.from_bytes(p.jpeg[4:6], "big"):]
        assert body in data
    assert len({p.jpeg[30:] for p in parts}) >= 5, "does not loop over all frames"


def test_exec_source_and_three_subscribers(daemons, tmp):
    _, path = capd(daemons, tmp, "--source", "exec:" + FFMPEG_MJPEG, "--warmup", "0")
    readers = [FrameReader(path) for _ in range(3)]
    for r in readers:
        parts = r.parts(5)
        seqs = [p.seq for p in parts]
        assert all(b > a for a, b in zip(seqs, seqs[1:]))
        assert decodes(parts[-1].jpeg, tmp) == (320, 240)
    for r in readers:
        r.close()


def child_pids(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)],
                         capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def test_exec_child_stops_when_idle_and_comes_back(daemons, tmp):
    d, path = capd(daemons, tmp, "--source", "exec:" + FFMPEG_MJPEG,
                   "--idle-stop", "0.5", "--warmup", "0")
    assert child_pids(d.proc.pid) == [], "source runs with nobody watching"
    r = FrameReader(path)
    r.parts(3)
    assert len(child_pids(d.proc.pid)) == 1
    r.close()
    wait_for(lambda: child_pids(d.proc.pid) == [], timeout=10, what="child gone")
    r = FrameReader(path)
    assert len(r.parts(3)) == 3
    assert len(child_pids(d.proc.pid)) == 1
    r.close()
    assert "stopped: no subscribers" in d.logtext()


def test_dying_command_is_restarted(daemons, tmp):
    # Emits two frames then exits: capd must restart it and keep serving.
    script = os.path.join(tmp, "twoframes.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\nffmpeg -loglevel error -f lavfi -i testsrc=size=96x64:rate=10 "
                "-frames:v 2 -f mjpeg pipe:1\nexit 3\n")
    os.chmod(script, 0o755)
    d, path = capd(daemons, tmp, "--source", "exec:" + script, "--warmup", "0")
    r = FrameReader(path, timeout=20)
    parts = r.parts(6)
    r.close()
    assert [p.seq for p in parts] == sorted(p.seq for p in parts)
    log = d.logtext()
    assert "command exited with status 3" in log
    assert log.count("exec: started pid") >= 3


def test_stalled_subscriber_costs_others_nothing(daemons, tmp):
    # 10 fps: a reader that a busy machine holds off for a few frame
    # intervals still finds every frame waiting in its socket.
    d, path = capd(daemons, tmp, "--source", "test", "--fps", "10", "--size", "640x480",
                   "-v")
    fast = FrameReader(path)
    seqs = [p.seq for p in fast.parts(3)]
    stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(path)
    rss0 = rss_kb(d.proc.pid)
    seqs += [p.seq for p in fast.parts(30)]
    rss1 = rss_kb(d.proc.pid)
    stalled.close()
    # capd logs each subscriber's counts when it leaves: only the stalled one has.
    m = wait_for(lambda: re.search(r"subscriber fd \d+: .*\(sent (\d+), skipped (\d+)\)",
                                   d.logtext()), what="the stalled subscriber's counts")
    sent, skipped = int(m.group(1)), int(m.group(2))
    fast.close()
    # The stalled one skipped frames (latest frame wins) while it was offered
    # the frames the other read ...
    assert skipped >= 1 and sent + skipped >= 20, (sent, skipped)
    # ... and the reading one missed none: capd numbers every frame it
    # publishes, so a gap would be a frame this reader skipped.
    assert gaps(seqs) == 0, seqs
    # It pins at most a couple of frames: memory does not grow with time.
    if not SANITIZED:
        assert rss1 - rss0 < 4096, (rss0, rss1)


def test_stalled_subscriber_is_dropped_after_write_timeout(daemons, tmp):
    d, path = capd(daemons, tmp, "--source", "test", "--write-timeout", "1", "-v")
    stalled = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(path)
    wait_for(lambda: "read nothing for 1 s: dropped" in d.logtext(), timeout=10,
             what="stalled subscriber dropped")
    stalled.close()


def test_new_subscriber_gets_latest_frame_at_once(daemons, tmp):
    _, path = capd(daemons, tmp, "--source", "test", "--fps", "1")
    first = FrameReader(path)
    p1 = first.part()
    # Connected within the second after p1, the new subscriber gets p1 itself,
    # not the next frame.  Should a frame be published while it connects
    # (a busy machine), try again right after the next one.
    for _ in range(3):
        second = FrameReader(path)
        p2 = second.part()
        second.close()
        if p2.seq == p1.seq:
            break
        while p1.seq <= p2.seq:
            p1 = first.part()
    assert p2.seq == p1.seq, (p1.seq, p2.seq)
    first.close()


def test_sigterm_removes_socket_and_reaps_child(daemons, tmp):
    d, path = capd(daemons, tmp, "--source", "exec:" + FFMPEG_MJPEG, "--warmup", "0")
    r = FrameReader(path)
    r.parts(2)
    kids = child_pids(d.proc.pid)
    assert kids
    assert d.stop() == 0
    r.close()
    assert not os.path.exists(path)
    for k in kids:
        assert not os.path.exists("/proc/%d" % k) or \
            open("/proc/%d/stat" % k).read().split()[2] == "Z"


def run_capd(*args, timeout=10):
    return subprocess.run([binary("capd")] + list(args), capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("args,msg", [
    (["--fps", "0"], "--fps"),
    (["--size", "big"], "--size"),
    (["--source", "webcam"], '"webcam" is not test, file:PATH'),
    (["--source", "exec:no-such-program-here -x"], "command not found"),
    (["--source", "file:/nonexistent.mjpeg"], "No such file"),
    (["--bogus"], "--bogus: unknown option"),
])
def test_bad_options_are_one_line_errors(tmp, args, msg):
    r = run_capd("--socket", os.path.join(tmp, "s"), *args)
    assert r.returncode != 0
    assert msg in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) <= 3


def test_file_without_frames_is_refused(tmp):
    junk = os.path.join(tmp, "junk.bin")
    with open(junk, "wb") as f:
        f.write(os.urandom(5000).replace(b"\xff", b"\x00"))
    r = run_capd("--socket", os.path.join(tmp, "s"), "--source", "file:" + junk)
    assert r.returncode != 0 and "no JPEG frames" in r.stderr


def test_refuses_second_capd_and_replaces_stale_socket(daemons, tmp):
    d, path = capd(daemons, tmp, "--source", "test")
    r = run_capd("--socket", path)
    assert r.returncode != 0 and "another capd is listening" in r.stderr
    assert unix_listening(path), "the first capd lost its socket"
    d.kill()
    assert os.path.exists(path)  # stale after SIGKILL
    d2, _ = capd(daemons, tmp, "--source", "test")
    assert "replaced stale socket" in d2.logtext()
    FrameReader(path).part()


def test_socket_mode(daemons, tmp):
    _, path = capd(daemons, tmp, "--socket-mode", "0600")
    assert os.stat(path).st_mode & 0o777 == 0o600
