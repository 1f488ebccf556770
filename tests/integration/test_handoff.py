# SPDX-License-Identifier: ISC
"""httpd hands WebSocket upgrades to wsd (docs/handoff.md): one port, the
socket itself passed over a Unix socket; real daemons, python3-websockets,
raw sockets and ss."""
import asyncio
import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time

import pytest
import websockets

from conftest import binary, free_port, wait_for
from framesock import com_segment

WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")


def start_capd(daemons, tmp):
    path = os.path.join(tmp, "frames.sock")
    daemons("capd", "--socket", path, "--source", "test", "--fps", "30",
            "--size", "320x240", wait_log="listening on")
    return path


def start_wsd(daemons, tmp, frames, *args):
    sock = os.path.join(tmp, "wsd.sock")
    d = daemons("wsd", "--handoff", sock, "--frames", frames, *args,
                wait_log="relaying frames")
    return d, sock


def start_httpd(daemons, frames, handoff, *args):
    port = free_port()
    d = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", frames,
                "--www", WWW, "--ws-handoff", handoff, *args, wait_tcp=port)
    return d, port


@pytest.fixture
def site(daemons, tmp):
    """capd, wsd on its Unix socket only, httpd handing over to it."""
    class Site:
        pass

    def start(httpd_args=(), wsd_args=()):
        s = Site()
        s.frames = start_capd(daemons, tmp)
        s.wsd, s.sock = start_wsd(daemons, tmp, s.frames, *wsd_args)
        s.httpd, s.port = start_httpd(daemons, s.frames, s.sock, *httpd_args)
        return s
    return start


def upgrade(port, path="/stream", extra=(), tail=b""):
    lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port,
             "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
             "Sec-WebSocket-Version: 13"] + list(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + tail


def read_reply(s):
    """Reads one reply: (status, head text, body); no body after a 101."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    code = int(head.split()[1])
    length = None
    for line in head.decode().split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    while code != 101 and (length is None or len(body) < length):
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return code, head.decode(), body


def exchange(port, raw, timeout=10):
    """Sends raw bytes on a new connection and reads one reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(raw)
        return read_reply(s)


async def frames(uri, n, **kw):
    async with websockets.connect(uri, max_size=None, **kw) as ws:
        return [await asyncio.wait_for(ws.recv(), 20) for _ in range(n)]


def get(port, path):
    return exchange(port, ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Connection: close\r\n\r\n" % path).encode())


def test_one_port_websocket_and_config(site):
    s = site()
    msgs = asyncio.run(frames("ws://127.0.0.1:%d/stream" % s.port, 30))
    seqs = [com_segment(m)[0] for m in msgs]
    assert all(b == a + 1 for a, b in zip(seqs, seqs[1:])), seqs
    code, _, body = get(s.port, "/api/config")
    assert code == 200 and json.loads(body)["ws"]["port"] == 0
    # A plain GET /stream (no Upgrade) is still the stream page.
    code, head, body = get(s.port, "/stream")
    assert code == 200 and b"<html" in body.lower()
    # wsd did the handshake and counts the viewer as its own.
    assert "handoff link from pid %d" % s.httpd.proc.pid in s.wsd.logtext()
    code, _, body = get(s.port, "/api/status")
    assert json.loads(body)["handoff"] == {"sent": 1, "refused": 0}


def test_head_reaches_wsd_whole(site):
    """wsd checks what it was handed: query, Origin, version, path."""
    s = site()
    code, _, _ = exchange(s.port, upgrade(s.port, "/stream?fps=2"))
    assert code == 101
    code, _, body = exchange(s.port, upgrade(s.port, "/stream?fps=x"))
    assert code == 400
    code, _, body = exchange(s.port, upgrade(
        s.port, extra=["Origin: http://evil.example"]))
    assert code == 403 and b"origin" in body.lower()
    code, _, _ = exchange(s.port, upgrade(
        s.port, extra=["Origin: http://127.0.0.1:%d" % s.port]))
    assert code == 101
    # Any path goes to wsd, which knows only its own.
    code, _, _ = exchange(s.port, upgrade(s.port, "/cam/front/stream"))
    assert code == 404
    # httpd's own rules come first: an unknown Host name gets its 421.
    raw = upgrade(s.port).replace(b"Host: 127.0.0.1", b"Host: evil.example")
    code, _, body = exchange(s.port, raw)
    assert code == 421 and b"--server-name" in body
    raw = upgrade(s.port).replace(b"Version: 13", b"Version: 8")
    code, head, _ = exchange(s.port, raw)
    assert code == 426 and "Sec-WebSocket-Version: 13" in head


def ss_owners(port):
    """The processes holding established TCP sockets with local port."""
    out = subprocess.run(["ss", "-tpnH", "state", "established",
                          "( sport = :%d )" % port], capture_output=True,
                         text=True, check=True).stdout
    return out


def test_handed_upgrade_with_two_origins_is_400(site):
    s = site()
    own = "Origin: http://127.0.0.1:%d" % s.port
    for extra in [[own, "Origin: http://evil.example"],
                  [own, "Sec-Fetch-Site: same-origin", "Sec-Fetch-Site: cross-site"]]:
        code, _, body = exchange(s.port, upgrade(s.port, extra=extra))
        assert code == 400 and body.startswith(b"more than one "), (extra, body)
    # Positive control: one own Origin is handed over and upgraded.
    code, _, _ = exchange(s.port, upgrade(s.port, extra=[own]))
    assert code == 101


def test_only_wsd_holds_the_socket(site):
    s = site()
    # Positive control: a keep-alive HTTP connection is httpd's.
    with socket.create_connection(("127.0.0.1", s.port)) as c:
        c.sendall(b"GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert c.recv(65536).startswith(b"HTTP/1.1 200")
        wait_for(lambda: "pid=%d," % s.httpd.proc.pid in ss_owners(s.port),
                 what="httpd's socket in ss")
    with socket.create_connection(("127.0.0.1", s.port)) as c:
        c.sendall(upgrade(s.port))
        assert read_reply(c)[0] == 101
        out = wait_for(lambda: (lambda o: "pid=%d," % s.wsd.proc.pid in o
                                and o)(ss_owners(s.port)), what="wsd in ss")
        assert "pid=%d," % s.httpd.proc.pid not in out, out
        assert out.count("\n") == 1, out


def test_503_at_once_without_wsd(daemons, tmp):
    frames = start_capd(daemons, tmp)
    httpd, port = start_httpd(daemons, frames, os.path.join(tmp, "none.sock"))
    t = time.monotonic()
    code, head, body = exchange(port, upgrade(port))
    assert code == 503 and body == b"WebSocket relay unavailable\n"
    assert time.monotonic() - t < 2
    code, _, body = get(port, "/api/status")
    assert code == 200 and json.loads(body)["handoff"] == {"sent": 0, "refused": 1}


def mjpeg_parts(port, stop, seqs):
    """Reads MJPEG parts from httpd until stop is set, recording seqs."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as c:
        c.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        buf = b""
        while not stop.is_set():
            chunk = c.recv(65536)
            if not chunk:
                return
            buf += chunk
            while True:
                i = buf.find(b"\xff\xd8")
                j = buf.find(b"\xff\xd9", i + 2)
                if i < 0 or j < 0:
                    break
                seqs.append(com_segment(buf[i:j + 2])[0])
                buf = buf[j + 2:]


def test_wsd_restart(site, daemons, tmp):
    """wsd killed: httpd's clients go on, upgrades get 503 at once, and
    succeed again once wsd is back."""
    s = site()
    stop, seqs = threading.Event(), []
    t = threading.Thread(target=mjpeg_parts, args=(s.port, stop, seqs))
    t.start()
    try:
        assert asyncio.run(frames("ws://127.0.0.1:%d/stream" % s.port, 3))
        wait_for(lambda: len(seqs) > 5, what="MJPEG frames")
        s.wsd.kill()
        n = len(seqs)
        t0 = time.monotonic()
        code, _, body = exchange(s.port, upgrade(s.port))
        assert code == 503 and time.monotonic() - t0 < 2
        wait_for(lambda: len(seqs) > n + 30, what="MJPEG frames after the kill")
        wsd = daemons("wsd", "--handoff", s.sock, "--frames", s.frames,
                      wait_log="relaying frames")
        msgs = asyncio.run(frames("ws://127.0.0.1:%d/stream" % s.port, 5))
        assert len(msgs) == 5
        assert "handoff link from pid %d" % s.httpd.proc.pid in wsd.logtext()
    finally:
        stop.set()
        t.join()
    # The MJPEG viewer saw every frame: nothing held httpd up.
    assert all(b > a for a, b in zip(seqs, seqs[1:]))
    assert s.httpd.alive()


def test_stopped_wsd_never_blocks_httpd(site):
    """wsd frozen: handoffs fill the socket, then the queue, then get 503;
    httpd answers other requests throughout; wsd takes the waiting ones
    once it runs again."""
    s = site()
    assert asyncio.run(frames("ws://127.0.0.1:%d/stream" % s.port, 1))
    os.kill(s.wsd.proc.pid, signal.SIGSTOP)
    try:
        conns, codes = [], []
        for _ in range(200):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            c.sendall(upgrade(s.port))
            conns.append(c)
        # The queue is full: later ones get 503 at once, and httpd serves.
        t0 = time.monotonic()
        code, _, _ = exchange(s.port, upgrade(s.port))
        assert code == 503 and time.monotonic() - t0 < 2
        code, _, _ = get(s.port, "/api/status")
        assert code == 200
        # Those queued get 503 within the queue's 2 s.
        for c in conns[-20:]:
            codes.append(read_reply(c)[0])
        assert codes == [503] * 20
    finally:
        os.kill(s.wsd.proc.pid, signal.SIGCONT)
    # The first ones went into the socket: wsd answers them now.
    assert read_reply(conns[0])[0] == 101
    for c in conns:
        c.close()
    # Up to --max-clients viewers came out of the socket and the queue: a
    # new one is served once wsd has seen them go.
    wait_for(lambda: exchange(s.port, upgrade(s.port))[0] == 101,
             what="an upgrade served after wsd runs again")
    assert asyncio.run(frames("ws://127.0.0.1:%d/stream" % s.port, 2))


def test_bytes_after_the_head_are_refused(site):
    frame = bytes([0x81, 0x82, 1, 2, 3, 4]) + bytes([ord("h") ^ 1, ord("i") ^ 2])
    s = site()
    code, _, body = exchange(s.port, upgrade(s.port, tail=frame))
    assert code == 400 and b"after the request head" in body
    # The same head alone: accepted (positive control).
    code, _, _ = exchange(s.port, upgrade(s.port))
    assert code == 101


def test_httpd_user_needs_no_token(site, tmp):
    pw = os.path.join(tmp, "htpasswd")
    subprocess.run(["sh", "-c", "printf 'secret\\nsecret\\n' | %s alice > %s"
                    % (binary("passwd").replace("campipe-passwd", "campipe-passwd"), pw)],
                   check=True)
    key = os.path.join(tmp, "token.key")
    s = site(httpd_args=("--htpasswd", pw, "--token-key", key),
             wsd_args=("--htpasswd", pw, "--token-key", key))
    basic = "Authorization: Basic " + base64.b64encode(b"alice:secret").decode()
    code, head, _ = exchange(s.port, upgrade(s.port, extra=[basic]))
    assert code == 101
    code, head, _ = exchange(s.port, upgrade(s.port))
    assert code == 401 and "WWW-Authenticate" in head
    bad = "Authorization: Basic " + base64.b64encode(b"alice:wrong").decode()
    code, _, _ = exchange(s.port, upgrade(s.port, extra=[bad]))
    assert code == 401


def send_record(sock_path, fd, record):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    c.connect(sock_path)
    c.sendmsg([record], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                          struct.pack("i", fd))])
    return c


def record(head, user=b""):
    return (b"CPWH\x01\x00" + bytes(18) + bytes([len(user), 0]) +
            struct.pack(">H", len(head)) + user + head)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
def test_peer_credentials(daemons, tmp):
    """Only root or --handoff-user may hand over."""
    frames = start_capd(daemons, tmp)
    wsd, sock = start_wsd(daemons, tmp, frames, "--handoff-user", "daemon")
    os.chmod(tmp, 0o755)
    os.chmod(sock, 0o666)
    head = upgrade(1)

    def handed(uid):
        a, b = socket.socketpair()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.setuid(uid)
                c = send_record(sock, b.fileno(), record(head))
                time.sleep(0.5)
                c.close()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        b.close()
        a.settimeout(5)
        try:
            return a.recv(4096)
        finally:
            a.close()

    # Root may (positive control); nobody may not.
    assert handed(0).startswith(b"HTTP/1.1 101")
    assert handed(65534) == b""
    assert "handoff from uid 65534" in wsd.logtext()


def test_bad_records_are_dropped(daemons, tmp):
    frames = start_capd(daemons, tmp)
    wsd, sock = start_wsd(daemons, tmp, frames)
    a, b = socket.socketpair()
    bad = record(upgrade(1))[:-1]
    c = send_record(sock, b.fileno(), bad)
    b.close()
    a.settimeout(5)
    assert a.recv(10) == b""  # wsd closed the descriptor
    wait_for(lambda: "handoff dropped" in wsd.logtext(), what="log line")
    # The link stays usable: a good record is served.
    a, b = socket.socketpair()
    c.sendmsg([record(upgrade(1))], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                      struct.pack("i", b.fileno()))])
    b.close()
    a.settimeout(5)
    assert a.recv(4096).startswith(b"HTTP/1.1 101")
    c.close()


def test_socket_activated_httpd_hands_over(daemons, tmp):
    """httpd started by systemd-socket-activate on its socket, as
    campipe-httpd.socket does, hands upgrades over too."""
    activate = shutil.which("systemd-socket-activate")
    if activate is None:
        pytest.skip("no systemd-socket-activate")
    fsock = start_capd(daemons, tmp)
    wsd, sock = start_wsd(daemons, tmp, fsock)
    port = free_port()
    daemons("httpd", "-l", "127.0.0.1:%d" % port, "--",
            binary("httpd"), "--frames", fsock, "--www", WWW,
            "--ws-handoff", sock, exe=activate, wait_tcp=port)
    msgs = asyncio.run(frames("ws://127.0.0.1:%d/stream" % port, 3))
    assert len(msgs) == 3
    assert "handoff link from pid" in wsd.logtext()
