# SPDX-License-Identifier: ISC
"""Chromium takes campipe's WebRTC answers: tests/browser/sdp_answer.mjs
makes Chromium's own offers (video; audio and video; video and a data
channel), has BUILD/tools/sdp_answer answer each with common/webrtc/, and
gives Chromium the answer.  No daemon and no media: only the SDP."""
import os
import subprocess

from conftest import BUILD
from test_browser import BROWSER, CHROMIUM, npm_ci

TOOL = os.path.join(BUILD, "tools", "sdp_answer")


def test_chromium_takes_the_answer(tmp_path):
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    assert os.access(TOOL, os.X_OK), "build the tools first: make all"
    npm_ci()
    r = subprocess.run(["node", os.path.join(BROWSER, "sdp_answer.mjs"), TOOL,
                        str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "all checks passed" in r.stdout, r.stdout
    # What the script gave Chromium: ICE-lite, DTLS server, complete candidates.
    for name in ("video", "audio-video", "video-data"):
        with open(tmp_path / (name + ".answer.sdp"), newline="") as f:
            answer = f.read()
        for line in ("a=ice-lite", "a=setup:passive", "a=sendonly", "a=end-of-candidates"):
            assert line + "\r\n" in answer, (name, line, answer)
