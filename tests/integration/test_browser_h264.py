# SPDX-License-Identifier: ISC
"""The viewer's H.264 mode in headless Chromium against the real capd, httpd
and wsd (tests/browser/h264.mjs does the browsing): WebCodecs in a secure
context (http://127.0.0.1), Media Source Extensions on an origin that is not
(http://campipe.test, mapped to 127.0.0.1 inside Chromium only), on the test
pattern and on the fake V4L2 camera in MJPEG: frames presented in each of
10 s with latency shown, recovery from a wsd restart, MSE without WebCodecs,
a clear message with neither.  Screenshots go to BUILD/artifacts/."""
import os
import subprocess

import pytest

from conftest import BUILD, free_port
from test_browser import BROWSER, CHROMIUM, MISSING, ROOT, drive, npm_ci, stop
from test_v4l2 import fake_env

NAME = "campipe.test"       # not loopback by name: not a secure context


class Stack:
    """capd, wsd and httpd on one test's sockets and ports."""

    def __init__(self, daemons, tmp, capd_args, env=None):
        self.daemons = daemons
        sock = os.path.join(tmp, "frames.sock")
        self.wsport, self.port = free_port(), free_port()
        self.capd = daemons("capd", "--socket", sock, "--warmup", "0", *capd_args,
                            env=env, wait_log="listening on")
        self.wsd_args = ("--frames", sock, "--h264", os.path.join(tmp, "h264.sock"),
                         "--listen", "127.0.0.1:%d" % self.wsport,
                         "--server-name", NAME)
        self.wsd = daemons("wsd", *self.wsd_args, wait_tcp=self.wsport)
        daemons("httpd", "--frames", sock, "--listen", "127.0.0.1:%d" % self.port,
                "--www", os.path.join(ROOT, "www"), "--ws-port", str(self.wsport),
                "--server-name", NAME, wait_tcp=self.port)

    def url(self, host):
        return "http://%s:%d/" % (host, self.port)

    def browse(self, host, name, path, size, *opts):
        """Runs h264.mjs, stopping and starting wsd when it asks."""
        def do(what):
            if what == "stop-wsd":
                stop(self.wsd)
            elif what == "start-wsd":
                self.wsd = self.daemons("wsd", *self.wsd_args, wait_tcp=self.wsport)
            else:
                return False
            return True
        drive(["h264.mjs", self.url(host), os.path.join(BUILD, "artifacts"), name, path,
               size, *opts], do)
        shot = os.path.join(BUILD, "artifacts", "viewer-h264-%s.png" % name)
        assert os.path.getsize(shot) > 1000


def pattern(daemons, tmp):
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    return Stack(daemons, tmp, ("--source", "test", "--size", "640x480", "--fps", "30"))


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_viewer_h264_webcodecs_in_chromium(daemons, tmp):
    """Secure context: WebCodecs, a wsd restart, and both fallbacks."""
    pattern(daemons, tmp).browse("127.0.0.1", "webcodecs", "WebCodecs", "640x480",
                                 "restart", "fallbacks")


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_viewer_h264_mse_on_insecure_origin(daemons, tmp):
    """Plain http:// by a LAN-style name: MSE, and a wsd restart."""
    pattern(daemons, tmp).browse(NAME, "mse", "MSE", "640x480", "restart")


@pytest.mark.skipif(bool(MISSING) or not os.path.exists(os.path.join(BUILD, "fakecam.so")),
                    reason="daemons or fake camera not built")
def test_viewer_h264_on_fake_v4l2_camera(daemons, tmp):
    """capd's v4l2: source on the fake camera in MJPEG, both ways."""
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    s = Stack(daemons, tmp, ("--source", "v4l2:/dev/video0", "--size", "640x480",
                             "--fps", "30"),
              env=fake_env(tmp, FAKECAM_FORMATS="MJPG"))
    s.browse("127.0.0.1", "v4l2-webcodecs", "WebCodecs", "640x480")
    s.browse(NAME, "v4l2-mse", "MSE", "640x480")
    log = s.capd.logtext()
    assert "asked 640x480 MJPG, driver gave 640x480 MJPG" in log, log


def test_h264_helpers_in_node():
    """The SEI reader and the fMP4 parser of www/ on exact bytes."""
    r = subprocess.run(["node", "--test", os.path.join(BROWSER, "h264.test.mjs"),
                        os.path.join(BROWSER, "fmp4.test.mjs")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
