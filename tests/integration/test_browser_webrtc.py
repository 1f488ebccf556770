# SPDX-License-Identifier: ISC
"""The viewer's WebRTC mode in headless Chromium against the real capd, httpd
and rtcd (tests/browser/webrtc.mjs does the browsing): httpd hands WHEP to
rtcd (docs/handoff.md), the page opens in WebRTC by itself, presents frames
in each of 10 s and shows its figures, DELETEs its session on leaving and on
closing (rtcd's sessions back to 0), recovers after rtcd is killed and
started again, and falls back to Live when rtcd is down on a first visit
(that part also runs without an rtcd built).  Its pure helpers run under
node.  Screenshots go to BUILD/artifacts/."""
import json
import os
import re
import subprocess
import urllib.request

import pytest

from conftest import BUILD, binary, free_port, wait_for
from test_browser import BROWSER, CHROMIUM, MISSING, ROOT, drive, npm_ci, stop

NO_RTCD = not os.path.exists(binary("rtcd"))


class Stack:
    """capd, wsd (for Live), rtcd and httpd handing WHEP to it, on one
    test's sockets and ports; rtcd may be left out, stopped, killed and
    started again."""

    def __init__(self, daemons, tmp, rtcd=True):
        self.daemons = daemons
        sock = os.path.join(tmp, "frames.sock")
        h264 = os.path.join(tmp, "h264.sock")
        handoff = os.path.join(tmp, "rtcd.sock")
        self.port, wsport = free_port(), free_port()
        self.capd = daemons("capd", "--socket", sock, "--warmup", "0", "--source", "test",
                            "--size", "640x480", "--fps", "30", wait_log="listening on")
        daemons("wsd", "--frames", sock, "--listen", "127.0.0.1:%d" % wsport,
                wait_tcp=wsport)
        self.rtcd_args = ("--frames", sock, "--handoff", handoff,
                          "--webrtc-listen", "127.0.0.1:%d" % free_port())
        self.rtcd = self.start_rtcd() if rtcd else None
        daemons("httpd", "--frames", sock, "--h264", h264, "--listen",
                "127.0.0.1:%d" % self.port, "--www", os.path.join(ROOT, "www"),
                "--ws-port", str(wsport), "--rtc-handoff", handoff, wait_tcp=self.port)

    def start_rtcd(self):
        return self.daemons("rtcd", *self.rtcd_args, wait_log="taking handed-over requests")

    def sessions(self):
        """rtcd's sessions, from its status through httpd (GET /api/webrtc)."""
        with urllib.request.urlopen("http://127.0.0.1:%d/api/webrtc" % self.port,
                                    timeout=5) as r:
            st = json.load(r)
        return st["sessions"]

    def do(self, what):
        """What webrtc.mjs's "CTL what" lines ask; False if unknown."""
        if what == "sessions-0":
            wait_for(lambda: self.sessions() == 0, timeout=10, step=0.2,
                     what="rtcd's sessions back to 0")
        elif what == "ended-by-delete":
            ended = re.findall(r"ended \(([^)]*)\)", self.rtcd.logtext())
            assert ended and ended[-1] == "DELETE", ended
        elif what == "ended-by-viewer":
            # the page's DELETE, or its DTLS close_notify when that came first
            ended = re.findall(r"ended \(([^)]*)\)", self.rtcd.logtext())
            assert ended and ended[-1] in ("DELETE", "the viewer closed DTLS"), ended
        elif what == "kill-rtcd":
            self.rtcd.kill()
        elif what == "stop-rtcd":
            stop(self.rtcd)
        elif what == "start-rtcd":
            self.rtcd = self.start_rtcd()
        else:
            return False
        return True


def test_webrtc_helpers_in_node():
    """Codec order, capture time, figures and refusals on exact inputs."""
    r = subprocess.run(["node", "--test", os.path.join(BROWSER, "webrtc.test.mjs")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_viewer_webrtc_without_rtcd_in_chromium(daemons, tmp):
    """httpd hands WHEP to an rtcd that is not running (503): a first visit
    falls back to Live and says why; WebRTC picked says Reconnecting…"""
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    s = Stack(daemons, tmp, rtcd=False)
    art = os.path.join(BUILD, "artifacts")
    drive(["webrtc.mjs", "http://127.0.0.1:%d/" % s.port, art, "away"], s.do)
    assert os.path.getsize(os.path.join(art, "viewer-webrtc-fallback.png")) > 1000


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
@pytest.mark.skipif(NO_RTCD, reason="build/campipe-rtcd does not exist: the WebRTC "
                    "daemon is not built, so the page has nothing to play from")
def test_viewer_webrtc_in_chromium(daemons, tmp):
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    s = Stack(daemons, tmp)
    art = os.path.join(BUILD, "artifacts")
    drive(["webrtc.mjs", "http://127.0.0.1:%d/" % s.port, art], s.do)
    for shot in ("viewer-webrtc", "viewer-webrtc-reconnecting", "viewer-webrtc-fallback"):
        assert os.path.getsize(os.path.join(art, shot + ".png")) > 1000
