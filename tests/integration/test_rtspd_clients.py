# SPDX-License-Identifier: ISC
"""rtspd against the RTSP clients a Pi owner points at it: ffprobe and
ffmpeg (TCP and UDP), Frigate's own ffmpeg arguments, GStreamer's
rtspsrc, VLC; several at once on one camera over one capd subscription,
and the camera off again once the last has gone."""
import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import free_port, free_udp_pair, wait_for
from test_auth import entry, write
from test_h264_status import control

SIZE = (320, 240)
FPS = 30
USER = ("alice", "correct horse")
# Every client is bounded: a hung one fails the test instead of the run.
CLIENT_TIMEOUT = 40


def need(*programs):
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.skip("not installed: " + ", ".join(missing))


class Camera:
    """capd's test pattern with H.264, and rtspd serving it."""

    def __init__(self, daemons, tmp, *rtspd_args):
        self.tmp = tmp
        frames = os.path.join(tmp, "frames.sock")
        self.capd = daemons("capd", "--source", "test", "--socket", frames,
                            "--size", "%dx%d" % SIZE, "--fps", str(FPS),
                            "--idle-stop", "0.3", wait_log="listening on")
        self.port = free_port()
        self.rtspd = daemons("rtspd", "-v", "--frames", frames, "--listen",
                             "127.0.0.1:%d" % self.port, "--udp-port",
                             str(free_udp_pair()), *rtspd_args,
                             wait_tcp=self.port)

    def url(self, cred=None, path="/"):
        auth = "%s:%s@" % cred if cred else ""
        return "rtsp://%s127.0.0.1:%d%s" % (auth, self.port, path)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def h264_subscribers(self):
        return control(self.tmp)[1]["h264"]["subscribers"]


@pytest.fixture
def camera(daemons, tmp):
    return Camera(daemons, tmp)


@pytest.fixture
def guarded(daemons, tmp):
    htpasswd = os.path.join(tmp, "htpasswd")
    write(htpasswd, entry(*USER))
    return Camera(daemons, tmp, "--htpasswd", htpasswd, "--auth-delay", "10")


def run(args, timeout=CLIENT_TIMEOUT, env=None, user=None):
    """A client to its end; (exit status, its output as text)."""
    if user is not None:
        args = ["setpriv", "--reuid=%d" % user.pw_uid,
                "--regid=%d" % user.pw_gid, "--clear-groups"] + args
    try:
        r = subprocess.run(args, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        raise AssertionError("%s did not end in %d s:\n%s" % (
            args[0], timeout, (e.stdout or b"").decode("utf-8", "replace")))
    return r.returncode, r.stdout.decode("utf-8", "replace")


def ffprobe_json(*args):
    rc, out = run(["ffprobe", "-v", "error", "-of", "json"] + list(args))
    assert rc == 0, out
    return json.loads(out)


def recorded(path):
    """(codec, width, height, frames) of a file's video stream."""
    assert os.path.exists(path) and os.path.getsize(path) > 0, path
    st = ffprobe_json("-count_frames", "-select_streams", "v:0",
                      "-show_entries",
                      "stream=codec_name,width,height,nb_read_frames", path)
    s = st["streams"][0]
    return s["codec_name"], s["width"], s["height"], int(s["nb_read_frames"])


def decode_errors(path):
    """What ffmpeg says at level error while decoding the whole file.

    The null muxer gets the decoder's own time base: a stamp per frame
    from the camera's clock, never rounded onto a guessed frame rate, where
    two frames a little early and late would meet and be reported."""
    rc, out = run(["ffmpeg", "-nostdin", "-v", "error", "-i", path,
                   "-enc_time_base", "-1", "-f", "null", "-"])
    return out if rc == 0 or out else "exit status %d" % rc


def assert_good_recording(path, seconds):
    codec, w, h, n = recorded(path)
    assert (codec, w, h) == ("h264", SIZE[0], SIZE[1]), (codec, w, h)
    assert n >= FPS * seconds // 2, "%d frames in %s s" % (n, seconds)
    assert n <= FPS * (seconds + 2), "%d frames in %s s" % (n, seconds)
    assert decode_errors(path) == "", decode_errors(path)


# 1. ffprobe


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_ffprobe_sees_the_camera(camera, transport):
    need("ffprobe")
    st = ffprobe_json("-rtsp_transport", transport, "-show_streams",
                      "-show_packets", "-read_intervals", "%+2",
                      "-show_entries",
                      "stream=codec_name,width,height:packet=pts,stream_index",
                      camera.url())
    (s,) = st["streams"]
    assert (s["codec_name"], s["width"], s["height"]) == \
        ("h264", SIZE[0], SIZE[1]), s
    # ffmpeg leaves the first unit unstamped, whatever the server.
    pts = [p["pts"] for p in st["packets"] if "pts" in p]
    assert len(pts) >= 10, st["packets"]
    assert all(a < b for a, b in zip(pts, pts[1:])), pts


# 2. ffmpeg recording


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_ffmpeg_records_a_playable_file(camera, transport):
    need("ffmpeg", "ffprobe")
    out = camera.path("out-%s.mp4" % transport)
    rc, log = run(["ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport",
                   transport, "-i", camera.url(), "-t", "4", "-c", "copy",
                   out])
    assert rc == 0, log
    assert_good_recording(out, 4)


def test_ffmpeg_keeps_its_session_past_the_timeout(daemons, tmp):
    # ffmpeg asks GET_PARAMETER every half of the Session timeout rtspd
    # announces: both transports play on for twice that.
    need("ffmpeg", "ffprobe")
    camera = Camera(daemons, tmp, "--session-timeout", "3")
    procs = {t: subprocess.Popen(
        ["ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", t, "-i",
         camera.url(), "-t", "8", "-c", "copy", camera.path(t + ".mp4")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT) for t in ("tcp", "udp")}
    try:
        for p in procs.values():
            log = p.communicate(timeout=CLIENT_TIMEOUT)[0].decode()
            assert p.returncode == 0, log
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    for t in procs:
        assert_good_recording(camera.path(t + ".mp4"), 8)


# 3. Frigate


FRIGATE_INPUT = ["-avoid_negative_ts", "make_zero", "-fflags",
                 "+genpts+discardcorrupt", "-rtsp_transport", "tcp",
                 "-timeout", "5000000", "-use_wallclock_as_timestamps", "1"]


def test_frigate_record_and_detect_roles_at_once(camera):
    need("ffmpeg", "ffprobe")
    seconds = 4
    pattern = camera.path("rec-%Y%m%d%H%M%S.mp4")
    record = subprocess.Popen(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"] +
        FRIGATE_INPUT + ["-i", camera.url(), "-t", str(seconds), "-f",
                         "segment", "-segment_time", "10", "-segment_format",
                         "mp4", "-reset_timestamps", "1", "-strftime", "1",
                         "-c", "copy", pattern],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    try:
        detect = subprocess.run(
            ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error"] +
            FRIGATE_INPUT + ["-i", camera.url(), "-t", str(seconds), "-r",
                             "5", "-s", "320x240", "-f", "rawvideo",
                             "-pix_fmt", "yuv420p", "pipe:"],
            stdin=subprocess.DEVNULL, capture_output=True,
            timeout=CLIENT_TIMEOUT)
        raw = detect.stdout
        assert detect.returncode == 0, detect.stderr.decode()
        rlog = record.communicate(timeout=CLIENT_TIMEOUT)[0].decode()
        assert record.returncode == 0, rlog
    finally:
        if record.poll() is None:
            record.kill()
            record.wait()
    frame = 320 * 240 * 3 // 2
    assert len(raw) % frame == 0, len(raw)
    assert len(raw) // frame >= 5 * seconds // 2, len(raw) // frame
    # Whole pictures, not grey: the test pattern moves and has detail.
    assert len(set(raw[:frame])) > 16
    (segment,) = glob.glob(camera.path("rec-*.mp4"))
    assert_good_recording(segment, seconds)


# 4. GStreamer


def gst_record(url, out, transport, *props, buffers=60):
    return run(["gst-launch-1.0", "-q", "-e", "rtspsrc", "location=" + url,
                "protocols=" + transport] + list(props) +
               ["!", "rtph264depay", "!", "h264parse", "!", "identity",
                "eos-after=%d" % buffers, "!", "matroskamux", "!",
                "filesink", "location=" + out])


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_gstreamer_records_a_playable_file(camera, transport):
    need("gst-launch-1.0", "ffprobe", "ffmpeg")
    out = camera.path("gst-%s.mkv" % transport)
    rc, log = gst_record(camera.url(), out, transport)
    assert rc == 0, log
    codec, w, h, n = recorded(out)
    assert (codec, w, h) == ("h264", SIZE[0], SIZE[1])
    assert n >= 50, n
    assert decode_errors(out) == ""


def test_gstreamer_logs_in(guarded):
    need("gst-launch-1.0", "ffprobe")
    out = guarded.path("gst-auth.mkv")
    rc, log = gst_record(guarded.url(), out, "tcp", "user-id=" + USER[0],
                         "user-pw=" + USER[1], buffers=20)
    assert rc == 0, log
    assert recorded(out)[3] >= 10
    # A wrong password gets no picture and an answer rtspsrc can read:
    # its third try sends Authorization twice, refused with its CSeq.
    rc, log = gst_record(guarded.url(), guarded.path("no.mkv"), "tcp",
                         "user-id=" + USER[0], "user-pw=wrong", buffers=20)
    assert rc != 0, log
    assert "(401)" in log or "(400)" in log, log
    assert "Parse error" not in log, log


# 5. VLC


def vlc_rtsp():
    """Why VLC cannot be a real RTSP client here, or None when it can."""
    if shutil.which("cvlc") is None:
        return "VLC not installed"
    plugins = glob.glob("/usr/lib/*/vlc/plugins/*/liblive555_plugin.so") + \
        glob.glob("/usr/lib/vlc/plugins/*/liblive555_plugin.so")
    if not plugins:
        # Debian builds VLC with --disable-live555: rtsp:// then goes to
        # its SAT>IP module, which takes any payload for MPEG-TS.
        return "this VLC has no RTSP client (built without live555)"
    return None


def vlc_record(camera, out, url, *opts):
    """VLC records url for a few seconds; root runs it as nobody."""
    home = tempfile.mkdtemp(dir=camera.tmp)
    user = None
    if os.geteuid() == 0:
        # VLC refuses to run as root.
        user = pwd.getpwnam("nobody")
        for d in (camera.tmp, home):
            os.chown(d, user.pw_uid, user.pw_gid)
    env = dict(os.environ, HOME=home)
    return run(["cvlc", "--intf", "dummy", "--no-audio", "--run-time=4"] +
               list(opts) + ["--sout", "#std{access=file,mux=ts,dst=%s}" %
                             out, url, "vlc://quit"], env=env, user=user)


@pytest.mark.skipif(vlc_rtsp() is not None, reason=str(vlc_rtsp()))
@pytest.mark.parametrize("tcp", [True, False], ids=["tcp", "udp"])
def test_vlc_records_a_stream(camera, tcp):
    out = camera.path("vlc.ts")
    rc, log = vlc_record(camera, out, camera.url(),
                         *(["--rtsp-tcp"] if tcp else []))
    assert rc == 0, log
    assert recorded(out)[:3] == ("h264", SIZE[0], SIZE[1])
    assert recorded(out)[3] >= 20


@pytest.mark.skipif(vlc_rtsp() is not None, reason=str(vlc_rtsp()))
def test_vlc_logs_in(guarded):
    out = guarded.path("vlc-auth.ts")
    rc, log = vlc_record(guarded, out, guarded.url(USER), "--rtsp-tcp",
                         "--rtsp-user", USER[0], "--rtsp-pwd", USER[1])
    assert rc == 0, log
    assert recorded(out)[3] >= 20


# 6 and 7. Several at once, one subscription; the camera off afterwards


def test_clients_at_once_share_one_subscription_then_camera_off(camera):
    need("ffmpeg", "ffprobe", "gst-launch-1.0")
    assert camera.h264_subscribers() == 0
    outs = {t: camera.path("many-%s.mp4" % t) for t in ("tcp", "udp")}
    gst_out = camera.path("many-gst.mkv")
    procs = [subprocess.Popen(
        ["ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", t, "-i",
         camera.url(), "-t", "5", "-c", "copy", out],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT) for t, out in outs.items()]
    procs.append(subprocess.Popen(
        ["gst-launch-1.0", "-q", "-e", "rtspsrc", "location=" + camera.url(),
         "protocols=tcp", "!", "rtph264depay", "!", "h264parse", "!",
         "identity", "eos-after=100", "!", "matroskamux", "!", "filesink",
         "location=" + gst_out],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT))
    try:
        # Until all have ended: rtspd holds one subscription for them
        # all, and tells capd how many watch through it.
        seen = []
        end = time.monotonic() + CLIENT_TIMEOUT
        while any(p.poll() is None for p in procs) and \
                time.monotonic() < end:
            st = control(camera.tmp)[1]
            seen.append((st["h264"]["subscribers"], st["viewers"]))
            time.sleep(0.1)
        assert (1, 3) in seen, seen
        assert max(n for n, _ in seen) == 1, seen
        for p in procs:
            log = p.communicate(timeout=CLIENT_TIMEOUT)[0].decode()
            assert p.returncode == 0, log + "\nRTSPD:\n" + camera.rtspd.logtext()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for out in outs.values():
        assert_good_recording(out, 5)
    assert recorded(gst_out)[3] >= 90
    # Nobody watches: rtspd lets the camera go, and capd stops it.
    wait_for(lambda: camera.h264_subscribers() == 0, timeout=10,
             what="rtspd's H.264 subscription ending")
    wait_for(lambda: control(camera.tmp)[1]["state"] == "stopped",
             timeout=10, what="capd stopping the camera")
