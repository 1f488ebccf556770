# SPDX-License-Identifier: ISC
"""docs/rtspd.md's example exchange is what the real daemon answers: the
documented requests, sent to campipe-rtspd on capd's test pattern, get the
documented answers byte for byte, but for what the document says differs
each run (version, session, SSRC, sequence number, timestamp)."""
import os
import re
import socket

from conftest import free_port

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "rtspd.md")


def block(marker):
    """The fenced block after the first line holding marker, CRLF ends."""
    lines = open(DOC).read().split("\n")
    i = next(n for n, l in enumerate(lines) if marker in l)
    start = next(n for n in range(i + 1, len(lines)) if lines[n].startswith("```"))
    end = next(n for n in range(start + 1, len(lines)) if lines[n].startswith("```"))
    return "".join(l + "\r\n" for l in lines[start + 1:end])


# What differs each run: the document's value replaces the daemon's.
VARIES = [r"Server: campipe/(\S+)", r"Session: ([0-9A-F]+)", r"ssrc=([0-9A-F]+)",
          r"o=- (\d+) ", r"seq=(\d+)", r"rtptime=(\d+)"]


def same_but_varying(got, want):
    for pat in VARIES:
        w = re.search(pat, want)
        if w:
            got = re.sub(pat, lambda m: m.group(0).replace(m.group(1), w.group(1)), got)
    # The body's length follows from what was replaced in it (o=).
    head, sep, body = got.partition("\r\n\r\n")
    if body:
        head = re.sub(r"Content-Length: \d+", "Content-Length: %d" % len(body), head)
    return head + sep + body


def read_answer(s, buf):
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        assert d, "closed before an answer"
        buf += d
    head, rest = buf.split(b"\r\n\r\n", 1)
    m = re.search(rb"Content-Length: (\d+)", head)
    n = int(m.group(1)) if m else 0
    while len(rest) < n:
        rest += s.recv(65536)
    return (head + b"\r\n\r\n" + rest[:n]).decode(), rest[n:]


def test_the_documented_exchange(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--source", "test", "--frames", frames, "--control",
            os.path.join(tmp, "ctl.sock"), wait_unix=frames)
    port = free_port()
    daemons("rtspd", "--frames", frames, "--listen", "127.0.0.1:%d" % port,
            "--udp-port", "0", wait_tcp=port)
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    buf, session = b"", None
    for method in ("OPTIONS", "DESCRIBE", "SETUP", "PLAY"):
        req = block("%s, example request" % method).replace(":8554/", ":%d/" % port)
        if session:
            req = re.sub(r"Session: \S+", "Session: " + session, req)
        s.sendall((req + "\r\n").encode())
        got, buf = read_answer(s, buf)
        got = got.replace(":%d/" % port, ":8554/")
        want = block("%s, example answer" % method)
        if method == "DESCRIBE":
            head, body = want.split("\r\n\r\n", 1)
            assert (head + "\r\n").endswith("Content-Length: %d\r\n" % len(body))
        else:
            want += "\r\n"
        assert same_but_varying(got, want) == want
        m = re.search(r"Session: ([0-9A-F]+)", got)
        session = m.group(1) if m else session
    # After PLAY's answer, the first packet is RTP on channel 0 with the
    # sequence number and timestamp that RTP-Info named.
    seq, ts = (int(x) for x in re.search(r"seq=(\d+);rtptime=(\d+)", got).groups())
    while len(buf) < 16:
        buf += s.recv(65536)
    assert buf[0:2] == b"$\x00"
    assert buf[4] == 0x80 and buf[5] & 0x7F == 96
    assert int.from_bytes(buf[6:8], "big") == seq
    assert int.from_bytes(buf[8:12], "big") == ts
    s.close()
