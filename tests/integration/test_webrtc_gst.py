# SPDX-License-Identifier: ISC
"""A second, independent WebRTC client: GStreamer's webrtcbin (libnice's
ICE, GStreamer's DTLS-SRTP and depayloader, libav's decoder) plays the
camera through WHEP, as a viewer on the local network would: capd, rtcd
and httpd on this side of a veth pair, the player in a network namespace
of its own on the other (libnice offers no loopback candidates, and a
phone on the LAN is not on loopback either)."""
import json
import os
import subprocess

import pytest

from conftest import binary, free_port, veth_netns, wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYER = os.path.join(ROOT, "tests", "integration", "whep_gst.py")
WWW = os.path.join(ROOT, "www")
NETNS = "campipe-gst-%d" % os.getpid()
VETH = "cpg%d" % (os.getpid() % 100000)
NET = "10.78.%d." % (os.getpid() % 250)
HOST_ADDR, NS_ADDR = NET + "1", NET + "2"

gi = pytest.importorskip("gi")


def have_webrtcbin():
    """True when python3-gi finds webrtcbin and libnice's elements."""
    r = subprocess.run(["/usr/bin/python3", "-c",
                        "import gi; gi.require_version('Gst', '1.0'); "
                        "gi.require_version('GstWebRTC', '1.0'); "
                        "from gi.repository import Gst; Gst.init(None); "
                        "assert Gst.ElementFactory.find('webrtcbin'); "
                        "assert Gst.ElementFactory.find('nicesrc')"],
                       capture_output=True, timeout=30)
    return r.returncode == 0


@pytest.fixture
def netns():
    """A namespace joined to this one by a veth pair."""
    assert have_webrtcbin(), "GStreamer's webrtcbin or libnice missing " \
        "(scripts/deps.sh installs them)"
    with veth_netns(NETNS, VETH, HOST_ADDR, NS_ADDR) as ns:
        yield ns


def site(daemons, tmp, *httpd_args):
    """capd, rtcd on the veth address, httpd handing WHEP to it: the port."""
    sock = os.path.join(tmp, "frames.sock")
    daemons("capd", "--source", "test", "--frames", sock, "--control",
            os.path.join(tmp, "control.sock"), "--size", "640x480",
            "--fps", "30", "--warmup", "0", "--idle-stop", "2",
            wait_log="listening on")
    handoff = os.path.join(tmp, "rtcd.sock")
    rtcd = daemons("rtcd", "--frames", sock, "--handoff", handoff,
                   "--webrtc-listen", HOST_ADDR + ":0",
                   wait_log="taking handed-over requests")
    port = free_port()
    daemons("httpd", "--listen", "%s:%d" % (HOST_ADDR, port), "--frames", sock,
            "--www", WWW, "--rtc-handoff", handoff, *httpd_args)
    wait_for(lambda: subprocess.run(
        ["ip", "netns", "exec", NETNS, "curl", "-s", "-o", "/dev/null",
         "http://%s:%d/api/config" % (HOST_ADDR, port)]).returncode == 0,
        what="httpd from the namespace")
    return rtcd, port


def play(port, seconds, *cred):
    """whep_gst.py in the namespace: what it saw."""
    r = subprocess.run(["ip", "netns", "exec", NETNS, "/usr/bin/python3",
                        PLAYER, "http://%s:%d/whep" % (HOST_ADDR, port),
                        str(seconds), *cred], capture_output=True, text=True,
                       timeout=seconds + 60)
    lines = r.stdout.strip().splitlines()
    assert lines, r.stderr[-3000:]
    return json.loads(lines[-1]), r


def test_webrtcbin_plays_through_whep(daemons, tmp, netns):
    rtcd, port = site(daemons, tmp)
    out, r = play(port, 5)
    assert out["codes"] == {"POST": 201, "DELETE": 200}, (out, r.stderr[-2000:],
                                                          rtcd.logtext())
    # Decoded pictures of the camera's size in every one of 5 seconds.
    assert out["size"] == [640, 480], out
    assert len(out["per_second"]) == 5 and min(out["per_second"]) > 0, out
    log = rtcd.logtext()
    assert "DTLS done" in log and "ended (DELETE)" in log, log


def test_webrtcbin_needs_the_password(daemons, tmp, netns):
    pw = os.path.join(tmp, "htpasswd")
    with open(pw, "w") as f:
        subprocess.run([binary("passwd"), "alice"], input="secret\n", text=True,
                       stdout=f, check=True)
    _, port = site(daemons, tmp, "--htpasswd", pw, "--auth-delay", "1")
    out, _ = play(port, 2)
    assert out["codes"] == {"POST": 401} and out["frames"] == 0, out
    out, r = play(port, 2, "alice:secret")
    assert out["codes"] == {"POST": 201, "DELETE": 200}, (out, r.stderr[-2000:])
    assert out["frames"] > 0, out
