# SPDX-License-Identifier: ISC
"""httpd hands WebRTC signalling to rtcd (--rtc-handoff, docs/httpd.md
WebRTC, docs/handoff.md): the refusals httpd answers itself, and the record
on the wire, head and body, received by a SOCK_SEQPACKET listener standing
in for rtcd; a real httpd, raw sockets."""
import array
import json
import os
import re
import socket
import struct
import threading

import pytest

from conftest import free_port, wait_for
from test_auth import CAROL, GOOD, basic, entry, write
from test_camera_api import doc_example
from test_handoff import read_reply

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
WWW = os.path.join(ROOT, "www")
BOB = ("bob", "not for the door")
OFFER = b"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
SESSION = "0123456789abcdef0123456789abcdef"


def doc_record_example():
    """The record of docs/handoff.md's example with a body, as bytes."""
    text = open(os.path.join(ROOT, "docs", "handoff.md"), encoding="utf-8").read()
    block = text.split("the record with its body in hex:", 1)[1]
    block = block.split("```", 2)[1]
    return bytes.fromhex(" ".join(block.split()))


def record(addr, port, user, head, body=b""):
    """A record as docs/handoff.md lays it out (IPv4 and IPv6 clients)."""
    if ":" in addr:
        fam, raw = 6, socket.inet_pton(socket.AF_INET6, addr)
    else:
        fam, raw = 4, socket.inet_aton(addr) + bytes(12)
    return (b"CPWH" + struct.pack(">BBH", 1, fam, port) + raw +
            struct.pack(">BBH", len(user), 0, len(head)) + user + head + body)


def test_record_builder_is_the_documents():
    """The test's own builder makes the document's example exactly."""
    head = (b"POST /whep HTTP/1.1\r\nContent-Type: application/sdp\r\n"
            b"Content-Length: 10\r\n\r\n")
    assert record("2001:db8::7", 50000, b"", head, b"v=0\r\no=- 1") == \
        doc_record_example()


class FakeRtcd:
    """Listens on a SOCK_SEQPACKET socket as rtcd does; keeps every record
    with its descriptors and answers each handed client 201 and closes."""

    def __init__(self, path, go=None):
        self.path = path
        self.go = go    # an Event: reads nothing before it is set
        self.records = []
        self.fds = []
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.bind(path)
        self.sock.listen(4)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        if self.go is not None:
            self.go.wait(30)
        with conn:
            while True:
                fds = array.array("i")
                try:
                    data, anc, _, _ = conn.recvmsg(
                        65536, socket.CMSG_SPACE(4 * fds.itemsize))
                except OSError:
                    return
                if not data:
                    return
                for level, kind, cdata in anc:
                    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                        fds.frombytes(cdata[:len(cdata) - len(cdata) % fds.itemsize])
                with self.lock:
                    self.records.append(data)
                    self.fds.append(len(fds))
                for fd in fds:
                    with socket.socket(fileno=fd) as c:
                        c.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 3\r\n"
                                  b"Connection: close\r\n\r\nok\n")

    def close(self):
        self.sock.close()

    def wait(self, n):
        wait_for(lambda: len(self.records) >= n, what="%d records" % n)
        return self.records[n - 1]


def request(port, method, path, body=None, headers=(), length=True, tail=b""):
    """One request's bytes."""
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % port]
    lines += list(headers)
    if body is not None and length:
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"") + tail


def raw(port, method, path, body=None, headers=(), length=True, tail=b""):
    """Sends one request on a new connection: (status, head, body, the
    client's port, the bytes sent)."""
    req = request(port, method, path, body, headers, length, tail)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(req)
        code, head, rbody = read_reply(s)
        return code, head, rbody, s.getsockname()[1], req


def start_httpd(daemons, tmp, *args, auth=False):
    port = free_port()
    argv = ["--listen", "127.0.0.1:%d" % port, "--www", WWW,
            "--camera", "door=" + os.path.join(tmp, "door.sock"),
            "--camera", "yard=" + os.path.join(tmp, "yard.sock"),
            "--rtc-handoff", os.path.join(tmp, "rtcd.sock")]
    if auth:
        pw = os.path.join(tmp, "htpasswd")
        write(pw, entry(*GOOD) + entry(*BOB) + entry(*CAROL))
        argv += ["--htpasswd", pw, "--auth-delay", "1",
                 "--camera-users", "door=alice,carol"]
    return daemons("httpd", *(argv + list(args)), wait_tcp=port), port


def status(port, cred=None):
    hdr = ["Authorization: " + basic(cred)] if cred else []
    code, _, body, _, _ = raw(port, "GET", "/api/status", headers=hdr + ["Connection: close"])
    assert code == 200, body
    return json.loads(body)


def test_record_on_the_wire(daemons, tmp):
    """Each route's request reaches rtcd as docs/handoff.md's record: the
    client's address and port, the user httpd verified, the head as sent
    and the body whole; rtcd's answer reaches the client."""
    rtcd = FakeRtcd(os.path.join(tmp, "rtcd.sock"))
    try:
        _, port = start_httpd(daemons, tmp, auth=True)
        auth = "Authorization: " + basic(GOOD)
        sdp = ["Content-Type: application/sdp", auth]
        cases = [("POST", "/whep", OFFER, sdp),
                 ("POST", "/cam/door/whep", OFFER, sdp),
                 ("PATCH", "/whep/" + SESSION, b"a=ice-ufrag:x\r\n",
                  ["Content-Type: application/trickle-ice-sdpfrag", auth]),
                 ("DELETE", "/whep/" + SESSION, None, [auth]),
                 ("OPTIONS", "/whep", None, [auth]),
                 ("POST", "/webrtc", b'{"type":"request"}',
                  ["Content-Type: application/json", auth]),
                 ("GET", "/api/webrtc?x=1", None, [auth]),
                 ("POST", "/whep", OFFER * 300, sdp)]
        for i, (method, path, body, hdrs) in enumerate(cases):
            code, _, rbody, cport, sent = raw(port, method, path, body, hdrs)
            assert (code, rbody) == (201, b"ok\n"), (method, path, code, rbody)
            head, _, _ = sent.partition(b"\r\n\r\n")
            want = record("127.0.0.1", cport, b"alice", head + b"\r\n\r\n",
                          body or b"")
            got = rtcd.wait(i + 1)
            assert got == want, (method, path, got[:200], want[:200])
            assert rtcd.fds[i] == 1
        assert len(OFFER * 300) > 8192    # beyond the 1 KB of other paths
        st = status(port, GOOD)
        assert st["rtc_handoff"] == {"sent": len(cases), "refused": 0}, st
        assert "handoff" not in st
    finally:
        rtcd.close()


def test_refusals_httpd_answers_itself(daemons, tmp):
    """405, Origin, 411, 413, 401, the camera rules, 404 and pipelining
    are httpd's; nothing of them reaches rtcd."""
    rtcd = FakeRtcd(os.path.join(tmp, "rtcd.sock"))
    try:
        _, port = start_httpd(daemons, tmp, auth=True)
        auth = "Authorization: " + basic(GOOD)
        sdp = ["Content-Type: application/sdp", auth]
        code, head, _, _, _ = raw(port, "GET", "/whep", None, [auth])
        assert code == 405 and "Allow: POST, OPTIONS" in head
        code, head, _, _, _ = raw(port, "POST", "/whep/" + SESSION, OFFER, sdp)
        assert code == 405 and "Allow: PATCH, DELETE, OPTIONS" in head
        code, head, _, _, _ = raw(port, "PUT", "/webrtc", OFFER, sdp)
        assert code == 405 and re.search(r"Allow: POST\r", head)
        code, head, _, _, _ = raw(port, "POST", "/api/webrtc", OFFER, sdp)
        assert code == 405 and re.search(r"Allow: GET\r", head)
        # Origin: a foreign one refused, the page's own passes.
        code, _, body, _, _ = raw(port, "POST", "/whep", OFFER,
                                  sdp + ["Origin: http://evil.example"])
        assert code == 403 and b"cross-origin" in body
        code, _, body, _, _ = raw(port, "DELETE", "/whep/" + SESSION, None,
                                  [auth, "Origin: http://127.0.0.1:1"])
        assert code == 403 and b"cross-origin" in body
        code, _, body, _, _ = raw(port, "POST", "/whep", OFFER,
                                  sdp + ["Sec-Fetch-Site: cross-site"])
        assert code == 403
        code, _, _, _, _ = raw(port, "POST", "/whep", OFFER,
                               sdp + ["Origin: http://127.0.0.1:%d" % port,
                                      "Sec-Fetch-Site: same-origin"])
        assert code == 201
        # 411 without Content-Length, 413 beyond 16384 bytes.
        code, _, body, _, _ = raw(port, "POST", "/whep", b"", sdp, length=False)
        assert code == 411 and b"Content-Length" in body
        code, _, _, _, _ = raw(port, "PATCH", "/whep/" + SESSION, b"", [auth],
                               length=False)
        assert code == 411
        code, _, _, _, _ = raw(port, "POST", "/whep", b"v" * 16385, sdp)
        assert code == 413
        code, _, _, _, _ = raw(port, "POST", "/whep", b"v" * 16384, sdp)
        assert code == 201
        # Other paths keep their 1 KB.
        code, _, _, _, _ = raw(port, "POST", "/api/login", b"x" * 1025, [auth])
        assert code == 413
        # Authentication as on every path, then the camera rules.
        code, head, _, _, _ = raw(port, "POST", "/whep", OFFER,
                                  ["Content-Type: application/sdp"])
        assert code == 401
        code, _, _, _, _ = raw(port, "DELETE", "/whep/" + SESSION, None, [])
        assert code == 401
        code, _, _, _, _ = raw(port, "GET", "/api/webrtc", None, [])
        assert code == 401
        bob = ["Content-Type: application/sdp", "Authorization: " + basic(BOB)]
        code, _, body, _, _ = raw(port, "POST", "/whep", OFFER, bob)
        assert code == 403 and b"not for this user" in body
        code, _, body, _, _ = raw(port, "POST", "/cam/door/whep", OFFER, bob)
        assert code == 403
        code, _, body, _, _ = raw(port, "GET", "/api/webrtc", None, bob[1:])
        assert code == 403
        code, _, _, _, _ = raw(port, "POST", "/cam/yard/whep", OFFER, bob)
        assert code == 201
        code, _, _, _, _ = raw(port, "POST", "/cam/nope/whep", OFFER, sdp)
        assert code == 404
        # A pipelined request after the body: 400, not handed over.
        code, _, body, _, _ = raw(port, "POST", "/whep", OFFER, sdp,
                                  tail=b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert code == 400 and body == b"data after the request body\n"
        st = status(port, GOOD)
        assert st["rtc_handoff"] == {"sent": 3, "refused": 0}, st
        assert len(rtcd.records) == 3
    finally:
        rtcd.close()


def test_503_when_rtcd_is_away(daemons, tmp):
    """No socket at --rtc-handoff: 503 at once, counted; the pages go on."""
    _, port = start_httpd(daemons, tmp)
    code, head, body, _, _ = raw(port, "POST", "/whep", OFFER,
                                 ["Content-Type: application/sdp"])
    assert (code, body) == (503, b"WebRTC service unavailable\n"), head
    code, _, body, _, _ = raw(port, "GET", "/api/webrtc")
    assert (code, body) == (503, b"WebRTC service unavailable\n")
    code, _, body, _, _ = raw(port, "GET", "/api/config")
    assert code == 200 and json.loads(body)["webrtc"] is True
    assert "ice_servers" not in json.loads(body)
    st = status(port)["rtc_handoff"]
    assert st == {"sent": 0, "refused": 2}
    assert list(st) == list(doc_example("rtc_handoff"))    # docs/httpd.md
    # rtcd comes: the next one is handed over.
    rtcd = FakeRtcd(os.path.join(tmp, "rtcd.sock"))
    try:
        code, _, body, _, _ = raw(port, "POST", "/whep", OFFER,
                                  ["Content-Type: application/sdp"])
        assert (code, body) == (201, b"ok\n")
        assert rtcd.wait(1)[24] == 0    # no user without --htpasswd
    finally:
        rtcd.close()


def test_without_rtc_handoff_the_routes_are_not_there(daemons, tmp):
    port = free_port()
    daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--www", WWW,
            "--frames", os.path.join(tmp, "none.sock"), wait_tcp=port)
    code, _, body, _, _ = raw(port, "GET", "/api/config")
    assert code == 200 and json.loads(body)["webrtc"] is False
    code, head, _, _, _ = raw(port, "POST", "/whep", OFFER)
    assert code == 405 and "Allow: GET, HEAD" in head
    assert "rtc_handoff" not in status(port)


def test_one_address_holds_a_share_of_the_queue(daemons, tmp):
    """rtcd reading nothing: one address's handoffs fill the socket, then
    their share of the queue, then get 503 at once; another address's
    still wait in the queue and are handed over once rtcd reads."""
    go = threading.Event()
    rtcd = FakeRtcd(os.path.join(tmp, "rtcd.sock"), go)
    conns = []
    try:
        _, port = start_httpd(daemons, tmp)
        offer = request(port, "POST", "/whep", OFFER * 300,
                        ["Content-Type: application/sdp"])
        for _ in range(40):
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.sendall(offer)
            conns.append(c)
        # The last ones were refused at once: the address's share is full.
        code, _, body = read_reply(conns[-1])
        assert (code, body) == (503, b"WebRTC service unavailable\n")
        refused = status(port)["rtc_handoff"]["refused"]
        assert 40 - 16 - 4 <= refused < 40 - 16, refused
        other = socket.create_connection(("127.0.0.1", port), timeout=10,
                                         source_address=("127.0.0.2", 0))
        conns.append(other)
        other.sendall(offer)
        other.settimeout(0.3)
        with pytest.raises(socket.timeout):
            other.recv(1)       # waiting in the queue, not refused
        go.set()
        other.settimeout(10)
        assert read_reply(other)[:3:2] == (201, b"ok\n")
        st = status(port)["rtc_handoff"]
        assert st["sent"] + st["refused"] == 41 and st["refused"] >= refused, st
    finally:
        go.set()
        for c in conns:
            c.close()
        rtcd.close()
