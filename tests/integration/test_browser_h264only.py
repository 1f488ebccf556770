# SPDX-License-Identifier: ISC
"""The pages for a camera that gives H.264 only, in headless Chromium
(tests/browser/h264only.mjs does the browsing): capd passing through an
exec: ffmpeg libx264 stand-in for rpicam-vid --codec h264 --inline (the
default camera, whose status httpd reads) beside a capd on the test pattern
(JPEG), behind one httpd and one wsd.  Screenshots go to BUILD/artifacts/."""
import os
import subprocess

import pytest

from conftest import BUILD, free_port
from test_browser import BROWSER, CHROMIUM, MISSING, ROOT, npm_ci
from test_h264_passthru import ENCODE

TIMEOUT = 300


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_h264_only_camera_pages_in_chromium(daemons, tmp):
    """Viewer, /cam/NAME/ and grid switch to H.264 by themselves; JPEG as before."""
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    socks = {}
    for name in ("pi", "yard"):
        os.mkdir(os.path.join(tmp, name))
        socks[name] = os.path.join(tmp, name, "frames.sock")
    daemons("capd", "--socket", socks["pi"], "--source-format", "h264",
            "--source", "exec:" + ENCODE % 25, wait_log="listening on")
    daemons("capd", "--socket", socks["yard"], "--warmup", "0", "--source", "test",
            "--size", "320x240", "--fps", "25", wait_log="listening on")
    cams = []
    for name, sock in socks.items():
        cams += ["--camera", "%s=%s" % (name, sock)]
    wsport, port = free_port(), free_port()
    daemons("wsd", *cams, "--listen", "127.0.0.1:%d" % wsport, wait_tcp=wsport)
    daemons("httpd", *cams, "--default-camera", "pi", "--listen", "127.0.0.1:%d" % port,
            "--www", os.path.join(ROOT, "www"), "--ws-port", str(wsport), wait_tcp=port)
    art = os.path.join(BUILD, "artifacts")
    r = subprocess.run(["node", os.path.join(BROWSER, "h264only.mjs"),
                        "http://127.0.0.1:%d/" % port, art, "pi", "yard"],
                       cwd=BROWSER, capture_output=True, text=True, timeout=TIMEOUT,
                       env=dict(os.environ, CHROMIUM=CHROMIUM))
    print(r.stdout + r.stderr)
    assert r.returncode == 0 and "all checks passed" in r.stdout, r.stdout + r.stderr
    for shot in ("viewer-h264only.png", "grid-h264only.png"):
        assert os.path.getsize(os.path.join(art, shot)) > 1000
