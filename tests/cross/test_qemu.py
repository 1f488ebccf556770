# SPDX-License-Identifier: ISC
"""The cross-built daemons end to end under qemu-user (make check-cross).

capd, httpd, wsd, rtspd and rtcd of build-ARCH/ all run under qemu
(CAMPIPE_QEMU, e.g. "qemu-arm -cpu cortex-a7 -L build-armhf/sysroot"); the
clients are the host's: curl and djpeg for /pi.jpg, ffprobe for
/stream.mjpg and for rtspd's RTSP, a python3-websockets client for wsd,
socat on the frame socket, GStreamer's webrtcbin for rtcd.  qemu is slow, so every wait is generous and nothing here measures
speed.
"""
import asyncio
import json
import os
import re
import shlex
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from conftest import BUILD, Daemon, binary, free_port, free_udp_pair, tcp_listening, tmp, unix_listening, veth_netns, wait_for  # noqa: E402,F401
from framesock import PART_RE, com_segment, decodes  # noqa: E402

import websockets  # noqa: E402

QEMU = shlex.split(os.environ.get("CAMPIPE_QEMU", ""))
ARCH = os.environ.get("CAMPIPE_ARCH", "")
WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")
SLOW = 120          # seconds: any wait for a daemon under qemu
PROGRAMS = ("capd", "httpd", "wsd", "rtspd", "rtcd", "passwd")
ELF = {"arm64": "ARM aarch64", "armhf": "ARM, EABI5"}

pytestmark = pytest.mark.skipif(not QEMU or ARCH not in ELF,
                                reason="run by make check-cross ARCH=arm64|armhf")


@pytest.fixture
def qemu(tmp):
    """Starts a cross-built daemon under qemu; stops it and checks exit 0."""
    started = []

    def start(name, *args, guest_env=None, wait_log=None, wait_unix=None,
              wait_tcp=None):
        env_args = []
        for k, v in (guest_env or {}).items():
            env_args += ["-E", "%s=%s" % (k, v)]
        d = Daemon(name, QEMU[1:] + env_args + [binary(name)] + list(args),
                   tmp, exe=QEMU[0]).start()
        started.append(d)
        if wait_log:
            wait_for(lambda: wait_log in d.logtext() or not d.alive(),
                     timeout=SLOW, step=0.2, what=name + " log " + repr(wait_log))
        if wait_unix:
            wait_for(lambda: unix_listening(wait_unix) or not d.alive(),
                     timeout=SLOW, step=0.2, what=name + " socket")
        if wait_tcp:
            wait_for(lambda: tcp_listening(wait_tcp) or not d.alive(),
                     timeout=SLOW, step=0.2, what=name + " port")
        assert d.alive(), "%s exited at start:\n%s" % (name, d.logtext())
        return d

    yield start
    for d in reversed(started):
        alive = d.alive()
        rc = d.stop(timeout=SLOW)
        if alive:
            assert rc == 0, "%s exit status %s:\n%s" % (d.name, rc, d.logtext())


def read_parts(stream, n, timeout=SLOW):
    """n parts (seq, jpeg) read strictly from a binary stream of parts."""
    buf = b""
    parts = []
    end = time.monotonic() + timeout
    while len(parts) < n:
        assert time.monotonic() < end, "timed out reading parts"
        m = PART_RE.match(buf)
        if m and len(buf) >= m.end() + int(m.group(1)) + 2:
            size = int(m.group(1))
            jpeg = buf[m.end():m.end() + size]
            assert buf[m.end() + size:m.end() + size + 2] == b"\r\n"
            parts.append((int(m.group(2)), jpeg))
            buf = buf[m.end() + size + 2:]
            continue
        assert m or len(buf) < 1024, "malformed part: %r" % buf[:200]
        chunk = stream.read1(65536)
        assert chunk, "stream closed after %d parts" % len(parts)
        buf += chunk
    return parts


def check_frames(parts, tmpdir, size=(320, 240)):
    """Whole JPEGs that decode, with rising sequence numbers in COM and header."""
    seqs = []
    for seq, jpeg in parts:
        assert com_segment(jpeg)[0] == seq
        assert decodes(jpeg, tmpdir) == size
        seqs.append(seq)
    assert all(b > a for a, b in zip(seqs, seqs[1:])), seqs


def test_binaries_are_the_targets():
    """What runs here is the cross build (a host binary would prove nothing)."""
    for name in PROGRAMS:
        out = subprocess.run(["file", "-L", binary(name)], capture_output=True,
                             text=True).stdout
        assert ELF[ARCH] in out, out


@pytest.mark.parametrize("name", PROGRAMS)
def test_version_and_help_under_qemu(name):
    """Each program starts on the target: --version, and --help naming it."""
    r = subprocess.run(QEMU + [binary(name), "--version"], capture_output=True,
                       text=True, timeout=SLOW)
    assert r.returncode == 0 and re.fullmatch(r"campipe-%s \S+\n" % name, r.stdout), \
        r.stdout + r.stderr
    r = subprocess.run(QEMU + [binary(name), "--help"], capture_output=True,
                       text=True, timeout=SLOW)
    assert r.returncode == 0 and "campipe-%s" % name in r.stdout, r.stdout + r.stderr


def test_three_daemons_serve_frames(qemu, tmp):
    sock = os.path.join(tmp, "frames.sock")
    web, ws = free_port(), free_port()
    qemu("capd", "--socket", sock, "--source", "test", "--size", "320x240",
         "--fps", "10", "--max-frame-size", "256M", wait_log="listening on")
    qemu("httpd", "--listen", "127.0.0.1:%d" % web, "--frames", sock,
         "--www", WWW, wait_tcp=web)
    qemu("wsd", "--listen", "127.0.0.1:%d" % ws, "--frames", sock,
         wait_log="relaying frames")

    # A still from httpd: a JPEG djpeg decodes at the asked size.
    r = subprocess.run(["curl", "-s", "-S", "-f", "-m", str(SLOW), "-o", "-",
                        "http://127.0.0.1:%d/pi.jpg" % web],
                       capture_output=True, timeout=SLOW + 10)
    assert r.returncode == 0, r.stderr.decode()
    assert decodes(r.stdout, tmp) == (320, 240)

    # A page's ETag carries its mtime in milliseconds, which overflows a
    # 32-bit long unless computed in 64 bits.
    r = subprocess.run(["curl", "-s", "-S", "-f", "-m", str(SLOW), "-D", "-", "-o",
                        "/dev/null", "http://127.0.0.1:%d/index.html" % web],
                       capture_output=True, text=True, timeout=SLOW + 10)
    assert r.returncode == 0, r.stderr
    etag = re.search(r"(?im)^etag: \"([0-9a-f]+)-([0-9a-f]+)-([0-9a-f]+)\"", r.stdout)
    assert etag, r.stdout
    st = os.stat(os.path.join(WWW, "index.html"))
    assert (int(etag.group(2), 16), int(etag.group(3), 16)) == \
        (st.st_size, st.st_mtime_ns // 1000000), r.stdout

    # The MJPEG stream: ffprobe reads frames of it.
    r = subprocess.run(["ffprobe", "-v", "error", "-rw_timeout", str(SLOW * 1000000),
                        "-read_intervals", "%+#5", "-select_streams", "v:0",
                        "-show_entries", "frame=width,height", "-of", "csv=p=0",
                        "http://127.0.0.1:%d/stream.mjpg" % web],
                       capture_output=True, text=True, timeout=SLOW + 10)
    assert r.returncode == 0, r.stderr[-2000:]
    frames = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert len(frames) >= 5 and all(f == "320,240" for f in frames), r.stdout

    # wsd: binary messages, each a whole JPEG that decodes.
    async def receive(n):
        async with websockets.connect("ws://127.0.0.1:%d/stream" % ws,
                                      max_size=None, open_timeout=SLOW) as c:
            return [await asyncio.wait_for(c.recv(), SLOW) for _ in range(n)]
    msgs = asyncio.run(receive(3))
    assert all(isinstance(m, bytes) for m in msgs)
    check_frames([(com_segment(m)[0], m) for m in msgs], tmp)

    # socat taps the frame socket as an admin would.
    tap = subprocess.Popen(["socat", "-u", "UNIX-CONNECT:" + sock, "-"],
                           stdout=subprocess.PIPE)
    try:
        check_frames(read_parts(tap.stdout, 3), tmp)
    finally:
        tap.kill()
        tap.wait()


def test_fake_camera_under_qemu(qemu, tmp):
    """capd's V4L2 source on the cross-built fakecam.so, preloaded in the guest."""
    ctl = os.path.join(tmp, "fakecam.ctl")
    with open(ctl, "w") as f:
        f.write("ok\n")
    sock = os.path.join(tmp, "frames.sock")
    qemu("capd", "--socket", sock, "--source", "v4l2:/dev/video0", "--warmup", "0",
         "--size", "320x240",
         guest_env={"LD_PRELOAD": os.path.join(BUILD, "fakecam.so"),
                    "FAKECAM_CONTROL": ctl},
         wait_log="listening on")
    tap = subprocess.Popen(["socat", "-u", "UNIX-CONNECT:" + sock, "-"],
                           stdout=subprocess.PIPE)
    try:
        parts = read_parts(tap.stdout, 3)
    finally:
        tap.kill()
        tap.wait()
    for seq, jpeg in parts:
        assert com_segment(jpeg)[0] == seq
        w, h = decodes(jpeg, tmp)
        assert (w, h) > (0, 0)
    assert all(b[0] > a[0] for a, b in zip(parts, parts[1:]))


@pytest.mark.parametrize("size", ["4097M", "4194305K", "18014398509481984K"])
def test_frame_size_suffix_does_not_wrap(size, tmp):
    """4097M is 2^32 + 1M: a 32-bit unsigned long would wrap it to 1M."""
    r = subprocess.run(QEMU + [binary("capd"), "--source", "test",
                               "--max-frame-size", size,
                               "--frames", os.path.join(tmp, "frames.sock")],
                       capture_output=True, text=True, timeout=SLOW)
    assert r.returncode == 2
    assert r.stderr == ('campipe-capd: --max-frame-size: "%s" is not a size '
                        'from 1K to 256M (bytes, or K or M)\n' % size), r.stderr


def test_h264_under_qemu(qemu, tmp):
    """The cross-built capd's libavcodec encodes; httpd muxes fMP4; the
    host's ffprobe reads both, and the SEI numbers rise."""
    from h264sock import H264Reader
    sock = os.path.join(tmp, "frames.sock")
    web = free_port()
    qemu("capd", "--socket", sock, "--source", "test", "--size", "160x120",
         "--fps", "10", "--h264-gop", "0.5", wait_log="listening on")
    r = H264Reader(os.path.join(tmp, "h264.sock"), timeout=SLOW)
    aus = r.aus(6)
    r.close()
    assert aus[0].idr
    seqs = [a.seq for a in aus]
    assert all(b > a for a, b in zip(seqs, seqs[1:])), seqs
    raw = os.path.join(tmp, "out.h264")
    with open(raw, "wb") as f:
        f.write(b"".join(a.data for a in aus))
    p = subprocess.run(["ffprobe", "-v", "error", "-f", "h264", "-count_frames",
                        "-show_entries", "stream=codec_name,width,height,nb_read_frames",
                        "-of", "csv=p=0", raw], capture_output=True, text=True,
                       timeout=SLOW)
    assert p.returncode == 0 and p.stdout.strip() == "h264,160,120,6", \
        p.stdout + p.stderr
    qemu("httpd", "--listen", "127.0.0.1:%d" % web, "--frames", sock,
         "--www", WWW, wait_tcp=web)
    p = subprocess.run(["ffprobe", "-v", "error", "-rw_timeout", str(SLOW * 1000000),
                        "-read_intervals", "%+#3", "-show_entries",
                        "stream=codec_name,width,height", "-of", "csv=p=0",
                        "http://127.0.0.1:%d/stream.mp4" % web],
                       capture_output=True, text=True, timeout=SLOW + 10)
    assert p.returncode == 0 and p.stdout.strip() == "h264,160,120", \
        p.stdout + p.stderr[-2000:]


def rtsp_probe(url, transport):
    """codec,width,height of the stream the host's ffprobe plays."""
    p = subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", transport,
                        "-timeout", str(SLOW * 1000000), "-show_entries",
                        "stream=codec_name,width,height", "-of", "csv=p=0", url],
                       capture_output=True, text=True, timeout=SLOW + 10)
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout.strip()


def test_rtspd_under_qemu(qemu, tmp):
    """The cross-built rtspd packetizes the cross-built capd's H.264: the
    host's ffprobe plays it over TCP interleaved and over UDP, at / and at
    /cam/NAME."""
    sock = os.path.join(tmp, "frames.sock")
    port = free_port()
    qemu("capd", "--socket", sock, "--source", "test", "--size", "160x120",
         "--fps", "10", "--h264-gop", "0.5", wait_log="listening on")
    qemu("rtspd", "--listen", "127.0.0.1:%d" % port, "--camera", "door=" + sock,
         "--udp-port", str(free_udp_pair()), wait_log="RTP over UDP")
    for path, transport in (("/", "tcp"), ("/cam/door", "udp")):
        assert rtsp_probe("rtsp://127.0.0.1:%d%s" % (port, path),
                          transport) == "h264,160,120", (path, transport)


def test_rtcd_under_qemu(qemu, tmp):
    """The cross-built rtcd serves WebRTC behind the cross-built httpd's
    WHEP: the host's GStreamer webrtcbin, in a network namespace of its own
    (libnice offers no loopback candidates), completes ICE, DTLS-SRTP and
    decodes the cross-built capd's H.264."""
    pid = os.getpid()
    net = "10.79.%d." % (pid % 250)
    with veth_netns("campipe-qemu-%d" % pid, "cpq%d" % (pid % 100000),
                    net + "1", net + "2") as ns:
        sock = os.path.join(tmp, "frames.sock")
        handoff = os.path.join(tmp, "rtcd.sock")
        port = free_port()
        qemu("capd", "--socket", sock, "--source", "test", "--size", "160x120",
             "--fps", "10", "--h264-gop", "0.5", wait_log="listening on")
        qemu("rtcd", "--frames", sock, "--handoff", handoff, "--webrtc-listen",
             net + "1:0", wait_log="taking handed-over requests")
        qemu("httpd", "--listen", "%s1:%d" % (net, port), "--frames", sock,
             "--www", WWW, "--rtc-handoff", handoff, wait_log="serving ")
        player = os.path.join(os.path.dirname(__file__), "..", "integration",
                              "whep_gst.py")
        r = subprocess.run(["ip", "netns", "exec", ns, "/usr/bin/python3", player,
                            "http://%s1:%d/whep" % (net, port), "3"],
                           capture_output=True, text=True, timeout=SLOW + 60)
        lines = r.stdout.strip().splitlines()
        assert lines, r.stderr[-3000:]
        out = json.loads(lines[-1])
        assert out["codes"] == {"POST": 201, "DELETE": 200}, (out, r.stderr[-2000:])
        assert out["size"] == [160, 120] and out["frames"] > 0, out
