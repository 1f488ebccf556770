# SPDX-License-Identifier: ISC
"""Chromium takes campipe's WebRTC answers: tests/browser/sdp_answer.mjs
makes Chromium's own offers (video; audio and video; video and a data
channel), has BUILD/tools/sdp_answer answer each with common/webrtc/, and
gives Chromium the answer.  And the other way round, as camera-streamer's
signalling goes: tests/browser/cs_offer.mjs gives Chromium campipe's offer
(BUILD/tools/cs_offer) the way Mainsail and Fluidd do, and the tool checks
Chromium's answer.  No daemon and no media: only the SDP."""
import os
import subprocess

from conftest import BUILD
from test_browser import BROWSER, CHROMIUM, npm_ci

TOOL = os.path.join(BUILD, "tools", "sdp_answer")
CS_TOOL = os.path.join(BUILD, "tools", "cs_offer")


def run_script(script, tool, save):
    """Runs tests/browser/SCRIPT with TOOL, saving its SDP in SAVE; every
    check must pass."""
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    assert os.access(tool, os.X_OK), "build the tools first: make all"
    npm_ci()
    r = subprocess.run(["node", os.path.join(BROWSER, script), tool,
                        str(save)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "all checks passed" in r.stdout, r.stdout


def test_chromium_takes_the_answer(tmp_path):
    run_script("sdp_answer.mjs", TOOL, tmp_path)
    # What the script gave Chromium: ICE-lite, DTLS server, complete candidates.
    for name in ("video", "audio-video", "video-data"):
        with open(tmp_path / (name + ".answer.sdp"), newline="") as f:
            answer = f.read()
        for line in ("a=ice-lite", "a=setup:passive", "a=sendonly", "a=end-of-candidates"):
            assert line + "\r\n" in answer, (name, line, answer)


def test_chromium_answers_our_offer(tmp_path):
    run_script("cs_offer.mjs", CS_TOOL, tmp_path)
    # What Chromium answered: the DTLS client, receiving our one payload type.
    for name in ("clients", "bare", "octoprint"):
        with open(tmp_path / (name + ".answer.sdp"), newline="") as f:
            answer = f.read()
        for line in ("a=setup:active", "a=recvonly", "m=video 9 UDP/TLS/RTP/SAVPF 96"):
            assert line + "\r\n" in answer, (name, line, answer)
    with open(tmp_path / "offer.sdp", newline="") as f:
        offer = f.read()
    for line in ("a=ice-lite", "a=setup:actpass", "a=sendonly", "a=end-of-candidates"):
        assert line + "\r\n" in offer, (line, offer)
