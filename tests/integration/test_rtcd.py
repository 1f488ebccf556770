# SPDX-License-Identifier: ISC
"""campipe-rtcd against capd's real H.264 (the test source, libx264):
WHEP requests handed over as httpd hands them (docs/handoff.md: a record
and a TCP socket over rtcd's --handoff socket), answered on that socket;
refusals (400, 404, 406, 415, 503, another user's DELETE), the status
document of docs/webrtc.md byte for byte, and a real viewer end to end:
Chromium plays the camera over WebRTC (tests/browser/rtcd_whep.mjs)
through the real httpd's handoff, across a capd restart and a STUN
flood, until DELETE."""
import json
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import time

import pytest

from conftest import BUILD, free_port, wait_for
from test_browser import BROWSER, CHROMIUM, drive, npm_ci

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
from handoff_record import hand, record  # noqa: E402

WWW = os.path.join(ROOT, "www")
OFFER = os.path.join(ROOT, "tests", "unit", "data", "chromium-recvonly.sdp")
DOC = os.path.join(ROOT, "docs", "webrtc.md")


def capd(daemons, tmp, *args):
    sock = os.path.join(tmp, "frames.sock")
    d = daemons("capd", "--source", "test", "--frames", sock, "--control",
                os.path.join(tmp, "control.sock"), "--size", "320x240",
                "--fps", "20", "--warmup", "0", "--h264-gop", "1",
                "--idle-stop", "2", *args, wait_log="listening on")
    return d, sock


def rtcd(daemons, tmp, sock, *args):
    """rtcd on a free UDP port; (daemon, handoff socket, UDP port)."""
    path = os.path.join(tmp, "rtcd.sock")
    d = daemons("rtcd", "--frames", sock, "--handoff", path,
                "--webrtc-listen", "127.0.0.1:0", "-v", *args,
                wait_log="taking handed-over requests")
    m = wait_for(lambda: re.search(r"WebRTC media on UDP 127\.0\.0\.1:(\d+)",
                                   d.logtext()), what="rtcd's UDP port")
    return d, path, int(m.group(1))


class Answer:
    def __init__(self, raw):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(": ")
            self.headers[k.lower()] = v
        self.text = self.body.decode("utf-8", "replace")


def ask(path, method, target, body=b"", ctype="application/sdp", user="",
        client=None):
    """One request handed over on a TCP socket pair: rtcd's answer."""
    head = "%s %s HTTP/1.1\r\nHost: cam\r\n" % (method, target)
    if body or method in ("POST", "PATCH"):
        head += "Content-Type: %s\r\nContent-Length: %d\r\n" % (ctype, len(body))
    head = (head + "\r\n").encode()
    with socket.socket() as ls:
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        c = socket.create_connection(ls.getsockname())
        a, addr = ls.accept()
    with c, a:
        hand(path, a, record(head, body, user, client or addr))
        a.close()
        c.settimeout(10)
        data = b""
        while True:
            d = c.recv(65536)
            if not d:
                break
            data += d
    return Answer(data)


def offer():
    with open(OFFER, "rb") as f:
        return f.read()


@pytest.fixture
def cam(daemons, tmp):
    _, sock = capd(daemons, tmp)
    return sock


def test_refusals(daemons, tmp, cam):
    d, path, _ = rtcd(daemons, tmp, cam, "--max-sessions", "3",
                      "--max-sessions-per-addr", "2")
    r = ask(path, "POST", "/whep", b"v=0\r\nthis is not sdp\r\n")
    assert r.status == 400 and r.text.strip(), r.text
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    r = ask(path, "POST", "/whep", offer().replace(b"H264/90000", b"VP9/90000"))
    assert r.status == 406, r.text
    assert r.text.strip(), r.text
    r = ask(path, "POST", "/cam/nosuch/whep", offer())
    assert r.status == 404 and r.text == "no camera nosuch\n", r.text
    r = ask(path, "POST", "/whep", offer(), ctype="text/plain")
    assert r.status == 415, r.text
    r = ask(path, "DELETE", "/whep/" + "0" * 32)
    assert r.status == 404 and r.text == "no such session\n", r.text
    # A session per address share, then the pool: 503.
    ids = []
    for k in range(2):
        r = ask(path, "POST", "/whep", offer(), user="alice")
        assert r.status == 201, r.text
        assert r.headers["content-type"] == "application/sdp"
        assert r.headers["connection"] == "close"
        assert re.fullmatch(r"/whep/[0-9a-f]{32}", r.headers["location"])
        assert "a=ice-lite\r\n" in r.text and "a=setup:passive\r\n" in r.text
        assert "a=candidate:" in r.text and "a=end-of-candidates\r\n" in r.text
        ids.append(r.headers["location"])
    r = ask(path, "POST", "/whep", offer())
    assert r.status == 503 and r.text == "too many sessions\n", r.text
    r = ask(path, "POST", "/whep", offer(), client=("192.0.2.9", 4000))
    assert r.status == 201, r.text
    r = ask(path, "POST", "/whep", offer(), client=("192.0.2.10", 4000))
    assert r.status == 503 and r.text == "too many sessions\n", r.text
    # Another user's DELETE finds no such session; the owner's ends it.
    r = ask(path, "DELETE", ids[0], user="bob")
    assert r.status == 404 and r.text == "no such session\n", r.text
    r = ask(path, "DELETE", ids[0])
    assert r.status == 404, r.text
    r = ask(path, "PATCH", ids[0], b"a=end-of-candidates\r\n",
            ctype="application/trickle-ice-sdpfrag", user="bob")
    assert r.status == 404, r.text
    r = ask(path, "DELETE", ids[0], user="alice")
    assert r.status == 200, r.text
    st = json.loads(ask(path, "GET", "/api/webrtc").body)
    assert st["sessions"] == 2, st
    assert "session " in d.logtext() and "ended (DELETE)" in d.logtext()


def test_sessions_made_and_ended_fast_cost_bounded_log_lines(daemons, tmp, cam):
    """200 sessions made and deleted at once: each is answered, and the
    log holds a burst of their lines and a count, not 200 times each."""
    d, path, _ = rtcd(daemons, tmp, cam)
    for _ in range(200):
        r = ask(path, "POST", "/whep", offer())
        assert r.status == 201, r.text
        assert ask(path, "DELETE", r.headers["location"]).status == 200
    log = d.logtext()
    assert log.count("ended (DELETE)") == 30, log[-2000:]
    assert log.count(": camera default for ") - log.count("ended (") == 60, \
        log[-2000:]


def test_ice_timeout_ends_a_session(daemons, tmp, cam):
    d, path, _ = rtcd(daemons, tmp, cam, "--ice-timeout", "0.5")
    r = ask(path, "POST", "/whep", offer())
    assert r.status == 201, r.text
    wait_for(lambda: "no valid STUN check in 0.5 s" in d.logtext(),
             what="the ICE timeout")
    st = json.loads(ask(path, "GET", "/api/webrtc").body)
    assert st["sessions"] == 0, st


def test_the_answer_has_the_streams_profile(daemons, tmp):
    """A camera nobody watches: the first offer waits for its SPS (main
    here), and is answered with the offer's main payload type."""
    _, sock = capd(daemons, tmp, "--h264-profile", "main")
    _, path, _ = rtcd(daemons, tmp, sock)
    t = time.monotonic()
    r = ask(path, "POST", "/whep", offer())
    assert r.status == 201, r.text
    assert time.monotonic() - t < 3
    assert re.search(r"^m=video \d+ UDP/TLS/RTP/SAVPF 116\r$", r.text, re.M), r.text
    assert re.search(r"^a=fmtp:116 .*profile-level-id=4d", r.text, re.M), r.text


def test_an_unreachable_camera_is_503(daemons, tmp):
    """No capd behind the camera's socket: 503 with the cause, at once."""
    _, path, _ = rtcd(daemons, tmp, os.path.join(tmp, "nosuch.sock"))
    r = ask(path, "POST", "/whep", offer())
    assert r.status == 503, r.text


def doc_example():
    """The status example of docs/webrtc.md, as one line."""
    with open(DOC) as f:
        text = f.read()
    m = re.search(r"A fresh rtcd's status.*?```\n(.*?)```", text, re.S)
    assert m, "no status example in docs/webrtc.md"
    return m.group(1).replace("\n", "").replace("  ", "").encode()


def test_status_is_the_documented_example(daemons, tmp, cam):
    _, path, _ = rtcd(daemons, tmp, cam)
    r = ask(path, "GET", "/api/webrtc")
    assert r.status == 200 and r.headers["content-type"] == "application/json"
    assert r.body == doc_example(), r.body


def stun_flood(port, ufrag, count=20000, socks=200):
    """count Binding requests from socks random ports, half to the
    session's ufrag with a wrong MESSAGE-INTEGRITY, half to no session,
    and a DTLS ClientHello's first bytes after every hundredth; the number
    of answers any socket got."""
    ss = []
    for _ in range(socks):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.setblocking(False)
        ss.append(s)
    try:
        for i in range(count):
            name = (ufrag if i % 2 else "%08x" % random.getrandbits(32))
            user = (name + ":peer").encode()
            attrs = struct.pack(">HH", 0x0006, len(user)) + user
            attrs += b"\0" * (-len(user) % 4)
            attrs += struct.pack(">HH", 0x0008, 20) + os.urandom(20)
            pkt = struct.pack(">HHI", 0x0001, len(attrs), 0x2112A442)
            pkt += os.urandom(12) + attrs
            ss[i % socks].sendto(pkt, ("127.0.0.1", port))
            if i % 100 == 0:
                ss[i % socks].sendto(b"\x16\xfe\xfd\0\0" + os.urandom(60),
                                     ("127.0.0.1", port))
        answers = 0
        r, _, _ = select.select(ss, [], [], 1.0)
        for s in r:
            try:
                while s.recv(2048):
                    answers += 1
            except BlockingIOError:
                pass
        return answers
    finally:
        for s in ss:
            s.close()


def test_chromium_plays_over_webrtc(daemons, tmp):
    """Through the real httpd, which hands each WHEP request to rtcd."""
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    capd_d, sock = capd(daemons, tmp)
    d, path, uport = rtcd(daemons, tmp, sock)
    port = free_port()
    daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", sock,
            "--www", WWW, "--rtc-handoff", path, wait_tcp=port)
    state = {"capd": capd_d, "answers": None}

    def do(what):
        if what == "restart capd":
            state["capd"].kill()
            state["capd"], _ = capd(daemons, tmp)
            return True
        if what.startswith("flood "):
            state["answers"] = stun_flood(uport, what.split()[1])
            state["status"] = json.loads(ask(path, "GET", "/api/webrtc").body)
            return True
        return False

    drive(["rtcd_whep.mjs", str(port)], do)
    assert state["answers"] == 0, state
    c = state["status"]["counters"]
    assert c["stun_unknown"] >= 10000 and c["stun_dropped"] >= 10000, c
    assert c["dtls_dropped"] >= 200, c
    log = d.logtext()
    assert "DTLS done" in log and "ended (DELETE)" in log, log
    # The flood cost a bounded number of log lines.
    assert log.count("STUN") < 100, log


def binding_request(local_ufrag, remote_ufrag, pwd):
    """A check as a controlling viewer nominating: USERNAME, PRIORITY,
    ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT."""
    import binascii
    import hashlib
    import hmac

    def attr(t, v):
        return struct.pack(">HH", t, len(v)) + v + b"\0" * (-len(v) % 4)
    body = attr(0x0006, ("%s:%s" % (local_ufrag, remote_ufrag)).encode())
    body += attr(0x0024, struct.pack(">I", 0x6E7F1EFF))
    body += attr(0x802A, os.urandom(8)) + attr(0x0025, b"")
    tid = os.urandom(12)
    head = struct.pack(">HHI", 0x0001, len(body) + 24, 0x2112A442) + tid
    mi = hmac.new(pwd.encode(), head + body, hashlib.sha1).digest()
    body += attr(0x0008, mi)
    head = struct.pack(">HHI", 0x0001, len(body) + 8, 0x2112A442) + tid
    crc = (binascii.crc32(head + body) ^ 0x5354554E) & 0xFFFFFFFF
    return head + body + attr(0x8028, struct.pack(">I", crc)), tid


def test_dtls_garbage_from_the_proven_address_ends_the_session(daemons, tmp, cam):
    d, path, uport = rtcd(daemons, tmp, cam)
    o = offer()
    r = ask(path, "POST", "/whep", o)
    assert r.status == 201, r.text
    ufrag = re.search(r"^a=ice-ufrag:(\S+)\r$", r.text, re.M).group(1)
    pwd = re.search(r"^a=ice-pwd:(\S+)\r$", r.text, re.M).group(1)
    remote = re.search(rb"^a=ice-ufrag:(\S+)\r?$", o, re.M).group(1).decode()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as stranger:
        u.settimeout(5)
        req, tid = binding_request(ufrag, remote, pwd)
        u.sendto(req, ("127.0.0.1", uport))
        resp = u.recv(2048)
        assert resp[:2] == b"\x01\x01" and resp[8:20] == tid, resp
        # The same check with a password one character off: no answer.
        bad, _ = binding_request(ufrag, remote, pwd[:-1] + ("A" if pwd[-1] != "A" else "B"))
        u.sendto(bad, ("127.0.0.1", uport))
        u.settimeout(0.5)
        with pytest.raises(socket.timeout):
            u.recv(2048)
        st = json.loads(ask(path, "GET", "/api/webrtc").body)
        assert st["peers"][0]["state"] == "dtls", st
        # Garbage DTLS from a stranger is dropped; the session goes on.
        for _ in range(100):
            stranger.sendto(b"\x16\xfe\xfd" + os.urandom(40), ("127.0.0.1", uport))
        st = json.loads(ask(path, "GET", "/api/webrtc").body)
        assert st["sessions"] == 1 and st["counters"]["dtls_dropped"] >= 100, st
        # From the proven address it counts against the handshake.
        for _ in range(70):
            u.sendto(b"\x16\xfe\xfd" + os.urandom(40), ("127.0.0.1", uport))
    wait_for(lambda: "ended (dtls: too many datagrams" in d.logtext(), what="the DTLS failure")
    st = json.loads(ask(path, "GET", "/api/webrtc").body)
    assert st["sessions"] == 0 and st["counters"]["dtls_failed"] == 1, st


def test_help_names_every_option():
    r = subprocess.run([os.path.join(BUILD, "campipe-rtcd"), "--help"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and r.stderr == ""
    for opt in ("--camera NAME=PATH", "--frames PATH", "--h264 PATH",
                "--camera-h264 NAME=PATH", "--default-camera NAME",
                "--handoff PATH", "--handoff-user USER",
                "--webrtc-listen ADDR:PORT", "--webrtc-address ADDR",
                "--webrtc-public-address ADDR[:PORT]", "--max-sessions N",
                "--max-sessions-per-addr N", "--mtu N", "--ice-timeout SEC",
                "--user USER", "-v, --verbose", "-h, --help", "--version"):
        assert "  " + opt in r.stdout, opt
