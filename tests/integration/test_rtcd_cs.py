# SPDX-License-Identifier: ISC
"""campipe-rtcd speaking camera-streamer's JSON signalling on /webrtc
(docs/webrtc.md, "camera-streamer's signalling"), requests handed over as
httpd hands them: the offer of a "request", an unanswered session's end,
another user's or camera's session refused, a bad answer; and Chromium
playing the camera through the real httpd the way Mainsail and Fluidd run
the exchange (tests/browser/rtcd_cs.mjs), and as camera-streamer's own
page does, the page's requests on its own origin."""
import json
import os
import re

import pytest

from conftest import free_port, wait_for
from test_browser import CHROMIUM, drive, npm_ci
from test_rtc_handoff import status
from test_rtcd import WWW, ask, capd, offer, rtcd

REQUEST = b'{"type":"request"}'


def test_camera_streamer_signalling(daemons, tmp):
    _, sock = capd(daemons, tmp)
    d, path, _ = rtcd(daemons, tmp, sock, "--ice-timeout", "0.5")
    # Mainsail's request has no Content-Type: a browser says text/plain.
    r = ask(path, "POST", "/webrtc", REQUEST, ctype="text/plain;charset=UTF-8",
            user="alice")
    assert r.status == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.headers["connection"] == "close"
    o = json.loads(r.body)
    assert list(o) == ["iceServers", "id", "sdp", "type"], o
    assert o["type"] == "offer" and o["iceServers"] == [], o
    assert re.fullmatch(r"[0-9a-f]{32}", o["id"]), o
    for line in ("a=ice-lite", "a=setup:actpass", "a=sendonly", "a=mid:0",
                 "a=group:BUNDLE 0", "a=end-of-candidates"):
        assert line + "\r\n" in o["sdp"], (line, o["sdp"])
    # The stream's own profile, as WHEP's answer has it.
    assert "profile-level-id=42c0" in o["sdp"], o["sdp"]
    st = json.loads(ask(path, "GET", "/api/webrtc").body)
    assert st["sessions"] == 1 and st["peers"][0]["state"] == "offered", st
    # Another user's or camera's candidate: no such session.
    cand = json.dumps({"type": "remote_candidate", "id": o["id"],
                       "candidates": []}).encode()
    r = ask(path, "POST", "/webrtc", cand, ctype="application/json", user="bob")
    assert r.status == 404 and r.text == "no such session\n", r.text
    r = ask(path, "POST", "/webrtc", cand, ctype="application/json", user="alice")
    assert r.status == 200 and r.body == b"{}", r.text
    r = ask(path, "POST", "/cam/nosuch/webrtc", REQUEST)
    assert r.status == 404 and r.text == "no camera nosuch\n", r.text
    r = ask(path, "GET", "/webrtc")
    assert r.status == 405 and r.headers["allow"] == "POST", r.text
    r = ask(path, "POST", "/webrtc", b'{"type":"hello"}')
    assert r.status == 400 and r.text == ("cs signal: the type is not request, "
                                          "answer, remote_candidate or offer\n"), r.text
    # A bad answer is refused and ends the session.
    bad = json.dumps({"type": "answer", "id": o["id"], "sdp": "v=0\r\n"}).encode()
    r = ask(path, "POST", "/webrtc", bad, user="alice")
    assert r.status == 400 and r.text.startswith("the answer"), r.text
    r = ask(path, "POST", "/webrtc", cand, user="alice")
    assert r.status == 404, r.text
    # A session never answered ends after --ice-timeout.
    r = ask(path, "POST", "/webrtc", REQUEST)
    assert r.status == 200, r.text
    wait_for(lambda: "no answer in 0.5 s" in d.logtext(), what="the unanswered end")
    st = json.loads(ask(path, "GET", "/api/webrtc").body)
    assert st["sessions"] == 0, st


def test_an_offer_is_answered_in_json(daemons, tmp):
    """camera-streamer's other way: the client offers, as in WHEP."""
    _, sock = capd(daemons, tmp)
    d, path, _ = rtcd(daemons, tmp, sock)
    body = json.dumps({"type": "offer", "sdp": offer().decode()}).encode()
    r = ask(path, "POST", "/webrtc", body, ctype="application/json")
    assert r.status == 200, r.text
    assert r.headers["content-type"] == "application/json"
    a = json.loads(r.body)
    assert list(a) == ["iceServers", "sdp", "type"], a
    assert a["type"] == "answer" and a["iceServers"] == [], a
    assert "a=setup:passive\r\n" in a["sdp"] and "a=ice-lite\r\n" in a["sdp"], a
    body = json.dumps({"type": "offer", "sdp": offer().decode().replace(
        "H264/90000", "VP9/90000")}).encode()
    r = ask(path, "POST", "/webrtc", body, ctype="application/json")
    assert r.status == 406 and r.text.strip(), r.text
    r = ask(path, "POST", "/webrtc", b'{"type":"offer","sdp":"x"}')
    assert r.status == 400, r.text


@pytest.mark.parametrize("mode", ["mainsail", "page"])
def test_chromium_plays_camera_streamer_way(daemons, tmp, mode):
    """Through the real httpd: Mainsail's requests, or camera-streamer's
    own page's, made by the page on its own origin."""
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    _, sock = capd(daemons, tmp)
    d, path, _ = rtcd(daemons, tmp, sock)
    port = free_port()
    daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--www", WWW,
            "--frames", sock, "--rtc-handoff", path, wait_tcp=port)
    drive(["rtcd_cs.mjs", str(port), mode], lambda what: False)
    log = d.logtext()
    assert "offered" in log and "answered" in log and "DTLS done" in log, log
    # Every request went through httpd: request, answer, candidates, refusals.
    assert status(port)["rtc_handoff"]["sent"] >= 7, status(port)
