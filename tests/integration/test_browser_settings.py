# SPDX-License-Identifier: ISC
"""The camera settings panel in headless Chromium (tests/browser/settings.mjs)
against capd on the fake camera, wsd and httpd with passwords and an admin."""
import os
import subprocess

from conftest import BUILD, free_port
from test_auth import CAROL, GOOD, entry, write
from test_browser import BROWSER, CHROMIUM, ROOT, npm_ci
from test_v4l2 import fake_env


def test_settings_panel_in_chromium(daemons, tmp):
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    frames = os.path.join(tmp, "frames.sock")
    htpasswd, key = os.path.join(tmp, "htpasswd"), os.path.join(tmp, "token.key")
    write(htpasswd, entry(*GOOD) + entry(*CAROL))
    daemons("capd", "--socket", frames, "--source", "v4l2:/dev/video0",
            "--warmup", "0", "--state", os.path.join(tmp, "state.json"),
            env=fake_env(tmp), wait_log="listening on")
    wsport, port = free_port(), free_port()
    daemons("wsd", "--frames", frames, "--listen", "127.0.0.1:%d" % wsport,
            "--htpasswd", htpasswd, "--token-key", key, wait_tcp=wsport)
    daemons("httpd", "--frames", frames, "--listen", "127.0.0.1:%d" % port,
            "--www", os.path.join(ROOT, "www"), "--ws-port", str(wsport),
            "--htpasswd", htpasswd, "--token-key", key, "--admin", GOOD[0],
            wait_tcp=port)
    artifacts = os.path.join(BUILD, "artifacts")
    os.makedirs(artifacts, exist_ok=True)
    r = subprocess.run(["node", os.path.join(BROWSER, "settings.mjs"),
                        "http://127.0.0.1:%d/" % port] + list(GOOD) + list(CAROL),
                       cwd=BROWSER, capture_output=True, text=True, timeout=150,
                       env=dict(os.environ, CHROMIUM=CHROMIUM, ARTIFACTS=artifacts))
    print(r.stdout)
    assert r.returncode == 0 and "all checks passed" in r.stdout, r.stdout + r.stderr
