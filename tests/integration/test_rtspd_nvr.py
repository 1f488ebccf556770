# SPDX-License-Identifier: ISC
"""NVR credentials (docs/auth.md#nvr-credentials): campipe-passwd --nvr
makes the line, campipe-rtspd --nvr-credentials offers Digest beside Basic,
and real clients that pick Digest (ffprobe, GStreamer) play with the
NVR user and are refused without it; the file is re-read on SIGHUP and
refused when others may read it."""
import os
import re
import shutil
import signal
import socket
import subprocess

import pytest

from conftest import binary, free_port, wait_for


def nvr_line(user):
    p = subprocess.run([binary("passwd"), "--nvr", user], capture_output=True,
                       text=True, timeout=10, check=True)
    line = p.stdout
    assert re.fullmatch(r"%s:[A-HJ-NP-Za-km-z2-9]{20}\n" % user, line), line
    assert line.split(":")[1].strip() in p.stderr
    return line


def start(daemons, tmp, lines, *extra):
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--source", "test", "--frames", frames, "--control",
            os.path.join(tmp, "ctl.sock"), wait_unix=frames)
    creds = os.path.join(tmp, "nvr-credentials")
    with open(creds, "w") as f:
        f.write("".join(lines))
    os.chmod(creds, 0o600)
    port = free_port()
    d = daemons("rtspd", "--frames", frames, "--listen", "127.0.0.1:%d" % port,
                "--udp-port", "0", "--nvr-credentials", creds,
                "--auth-delay", "10", *extra, wait_tcp=port)
    return port, creds, d


def url(port, user, pw):
    return "rtsp://%s:%s@127.0.0.1:%d/" % (user, pw, port)


def ffprobe(u):
    return subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                           "-show_entries", "stream=codec_name,width",
                           "-of", "csv=p=0", u],
                          capture_output=True, text=True, timeout=30)


def describe(port, auth=None):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    req = "DESCRIBE rtsp://127.0.0.1:%d/ RTSP/1.0\r\nCSeq: 2\r\n" % port
    if auth:
        req += "Authorization: %s\r\n" % auth
    s.sendall((req + "\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
    s.close()
    return data.decode("latin1")


def test_digest_then_basic_offered_and_ffprobe_plays(daemons, tmp):
    line = nvr_line("nvr")
    pw = line.split(":")[1].strip()
    port, _, _ = start(daemons, tmp, [line])
    head = describe(port)
    assert head.startswith("RTSP/1.0 401 ")
    challenges = re.findall(r"WWW-Authenticate: (\S+)([^\r]*)", head)
    assert [c[0] for c in challenges] == ["Digest", "Basic"], head
    assert re.fullmatch(r' realm="campipe", nonce="[0-9a-f]{48}"', challenges[0][1])
    p = ffprobe(url(port, "nvr", pw))
    assert p.returncode == 0 and p.stdout.strip() == "h264,640", p.stderr
    p = ffprobe(url(port, "nvr", pw[:-1] + ("x" if pw[-1] != "x" else "y")))
    assert p.returncode != 0 and "401" in p.stderr
    p = ffprobe(url(port, "nobody", pw))
    assert p.returncode != 0 and "401" in p.stderr


def test_basic_takes_the_nvr_password(daemons, tmp):
    import base64
    line = nvr_line("cam")
    pw = line.split(":")[1].strip()
    port, _, _ = start(daemons, tmp, [line])
    ok = base64.b64encode(("cam:" + pw).encode()).decode()
    assert describe(port, "Basic " + ok).startswith("RTSP/1.0 200 ")
    bad = base64.b64encode(b"cam:wrong-password").decode()
    assert describe(port, "Basic " + bad).startswith("RTSP/1.0 401 ")


@pytest.mark.skipif(not shutil.which("gst-launch-1.0"), reason="no GStreamer")
def test_gstreamer_with_digest(daemons, tmp):
    line = nvr_line("gst")
    pw = line.split(":")[1].strip()
    port, _, _ = start(daemons, tmp, [line])
    out = os.path.join(tmp, "gst.mkv")
    p = subprocess.run(["gst-launch-1.0", "-q", "rtspsrc",
                        "location=rtsp://127.0.0.1:%d/" % port, "protocols=tcp",
                        "user-id=gst", "user-pw=" + pw, "!", "rtph264depay", "!",
                        "h264parse", "!", "identity", "eos-after=30", "!",
                        "matroskamux", "!", "filesink", "location=" + out],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    n = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams",
                        "v", "-show_entries", "stream=codec_name,nb_read_frames",
                        "-of", "csv=p=0", out], capture_output=True, text=True,
                       timeout=30).stdout.strip()
    assert n.startswith("h264,") and int(n.split(",")[1]) >= 20, n


def test_reread_on_sighup_and_private_file(daemons, tmp):
    a = nvr_line("first")
    port, creds, d = start(daemons, tmp, [a])
    b = nvr_line("second")
    pw_b = b.split(":")[1].strip()
    assert ffprobe(url(port, "second", pw_b)).returncode != 0
    with open(creds, "a") as f:
        f.write(b)
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: ffprobe(url(port, "second", pw_b)).returncode == 0,
             timeout=20, what="the new NVR user let in after SIGHUP")
    # A file others may read is refused on SIGHUP (the old one stays) and
    # at start, with one line.
    os.chmod(creds, 0o604)
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "others may read it" in d.logtext(), what="refused reload")
    assert ffprobe(url(port, "second", pw_b)).returncode == 0
    p = subprocess.run([binary("rtspd"), "--frames", os.path.join(tmp, "frames.sock"),
                        "--listen", "127.0.0.1:%d" % free_port(), "--udp-port", "0",
                        "--nvr-credentials", creds], capture_output=True, text=True,
                       timeout=10)
    assert p.returncode != 0
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "others may read it" in lines[0], p.stderr
