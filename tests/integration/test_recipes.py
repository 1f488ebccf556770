# SPDX-License-Identifier: ISC
"""The README's recipes for feeding a media server, run as written: an
ffmpeg listening for RTSP stands in for MediaMTX and receives the stream
from h264.sock and from httpd's /stream.h264, copied, not re-encoded."""
import json
import os
import re
import subprocess

from conftest import free_port
from test_h264 import capd, httpd_h264

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def recipes():
    """The commands of the README's media-server block, joined lines."""
    text = open(README, encoding="utf-8").read()
    m = re.search(r"```\n(# publish to MediaMTX.*?)```", text, re.S)
    assert m, "README has no media-server block"
    cmds, cur = [], ""
    for line in m.group(1).splitlines():
        if line.startswith("#"):
            continue
        cur += (" " if cur else "") + line.strip()
        if not line.rstrip().endswith("|"):
            cmds.append(cur)
            cur = ""
    return cmds


def media_server(tmp, port, frames=45):
    """An RTSP server taking one published stream into an MKV file."""
    out = os.path.join(tmp, "received.mkv")
    p = subprocess.Popen(["ffmpeg", "-v", "error", "-rtsp_flags", "listen",
                          "-timeout", "30", "-f", "rtsp",
                          "-i", "rtsp://127.0.0.1:%d/cam" % port, "-c", "copy",
                          "-frames:v", str(frames), "-y", out],
                         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return p, out


def publish(cmd, server):
    """Runs a README command until the server has what it wants."""
    pub = subprocess.Popen(["bash", "-c", cmd], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           start_new_session=True)
    try:
        rc = server.wait(60)
    finally:
        if pub.poll() is None:
            os.killpg(pub.pid, 15)
        pub.wait(10)
    assert rc == 0, server.stderr.read().decode()[-2000:]


def received(out):
    r = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                        "stream=codec_name,width,height,nb_read_frames",
                        "-of", "json", out], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout)["streams"][0]


def test_readme_has_both_recipes():
    cmds = recipes()
    assert len(cmds) == 2, cmds
    assert "UNIX-CONNECT:/run/campipe/h264.sock" in cmds[0]
    assert "http://pi:8080/stream.h264" in cmds[1]
    assert all("-c copy" in c for c in cmds)


def test_socket_recipe_feeds_a_media_server(daemons, tmp):
    _, _, h264 = capd(daemons, tmp, "--size", "320x240", "--fps", "30")
    port = free_port()
    cmd = recipes()[0].replace("/run/campipe/h264.sock", h264) \
        .replace("HOST:8554", "127.0.0.1:%d" % port)
    server, out = media_server(tmp, port)
    publish(cmd, server)
    st = received(out)
    assert (st["codec_name"], st["width"], st["height"]) == ("h264", 320, 240)
    assert int(st["nb_read_frames"]) == 45


def test_http_recipe_feeds_a_media_server(daemons, tmp):
    _, hport = httpd_h264(daemons, tmp)
    port = free_port()
    cmd = recipes()[1].replace("http://pi:8080", "http://127.0.0.1:%d" % hport) \
        .replace("HOST:8554", "127.0.0.1:%d" % port)
    server, out = media_server(tmp, port)
    publish(cmd, server)
    st = received(out)
    assert (st["codec_name"], st["width"], st["height"]) == ("h264", 320, 240)
    assert int(st["nb_read_frames"]) == 45
