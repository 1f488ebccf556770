# SPDX-License-Identifier: ISC
"""The viewer's H.264 mode in headless Chromium against the real capd, httpd
and wsd (tests/browser/h264.mjs does the browsing): frames presented with
latency shown, recovery from a wsd restart, a clear message without MSE.
Screenshots go to BUILD/artifacts/."""
import os
import subprocess
import threading

import pytest

from conftest import BUILD, free_port
from test_browser import BROWSER, CHROMIUM, MISSING, ROOT, TIMEOUT, npm_ci, stop


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_viewer_h264_mode_in_chromium(daemons, tmp):
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    sock = os.path.join(tmp, "frames.sock")
    h264 = os.path.join(tmp, "h264.sock")
    wsport, port = free_port(), free_port()
    daemons("capd", "--socket", sock, "--source", "test", "--size", "640x480",
            "--fps", "30", wait_log="listening on")
    wsd_args = ("--frames", sock, "--h264", h264, "--listen", "127.0.0.1:%d" % wsport)
    wsd = daemons("wsd", *wsd_args, wait_tcp=wsport)
    daemons("httpd", "--frames", sock, "--listen", "127.0.0.1:%d" % port,
            "--www", os.path.join(ROOT, "www"), "--ws-port", str(wsport),
            wait_tcp=port)
    artifacts = os.path.join(BUILD, "artifacts")
    proc = subprocess.Popen(
        ["node", os.path.join(BROWSER, "h264.mjs"), "http://127.0.0.1:%d/" % port,
         artifacts],
        cwd=BROWSER, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env=dict(os.environ, CHROMIUM=CHROMIUM))
    out = []
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    try:
        for line in proc.stdout:
            out.append(line)
            if line.startswith("CTL stop-wsd"):
                stop(wsd)
            elif line.startswith("CTL start-wsd"):
                wsd = daemons("wsd", *wsd_args, wait_tcp=wsport)
            else:
                continue
            proc.stdin.write("ok\n")
            proc.stdin.flush()
        rc = proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = "".join(out)
    print(text)
    assert rc == 0 and "all checks passed" in text, text
    assert os.path.getsize(os.path.join(artifacts, "viewer-h264.png")) > 1000


def test_h264_helpers_in_node():
    """The SEI reader of www/h264.js on exact bytes."""
    r = subprocess.run(["node", "--test", os.path.join(BROWSER, "h264.test.mjs")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
