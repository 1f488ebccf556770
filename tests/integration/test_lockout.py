# SPDX-License-Identifier: ISC
"""Nobody locks out everyone else: floods of idle and slow-dripping
connections from other loopback addresses, and a client from 127.0.0.1
still served at once by wsd and httpd; a dripping head cut at its deadline."""
import asyncio
import json
import os
import selectors
import socket
import threading
import time

import pytest
import websockets

from conftest import free_port, wait_for

WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")
PROMPT = 1.0        # the promise: served within a second of connecting
# Sockets a daemon may hold for two flooding addresses: their shares of
# pending heads (--max-pending-per-addr 64 each), plus the listening and
# capd sockets and the test's own clients.
HELD = 2 * 64 + 8


def have_loopback(addr):
    try:
        with socket.socket() as s:
            s.bind((addr, 0))
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not (have_loopback("127.0.0.2") and have_loopback("127.0.0.3")),
    reason="no 127.0.0.2 and 127.0.0.3")


class Flood:
    """count connections from src kept open to port: any the server closes
    is opened again at once; with drip, each sends one byte of a request
    head that never ends, every interval seconds."""

    DRIP = b"GET /stream HTTP/1.1\r\n" + b"X-Drip: " + b"a" * 4000

    def __init__(self, port, src, count, drip=False, interval=1.0):
        self.port, self.src, self.count = port, src, count
        self.drip, self.interval = drip, interval
        self.sel = selectors.DefaultSelector()
        self.socks = {}             # socket -> bytes sent
        self.opened = self.closed = 0
        self.reconnect = True       # False: keep what is open, open no more
        self.stop_ = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def open_one(self):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.bind((self.src, 0))
            s.connect_ex(("127.0.0.1", self.port))
        except OSError:
            s.close()
            return
        self.sel.register(s, selectors.EVENT_READ)
        self.socks[s] = 0
        self.opened += 1

    def drop(self, s):
        self.sel.unregister(s)
        del self.socks[s]
        s.close()
        self.closed += 1

    def run(self):
        next_drip = time.monotonic()
        while not self.stop_.is_set():
            for _ in range(min(100, self.count - len(self.socks))
                           if self.reconnect else 0):
                self.open_one()
            for key, _ in self.sel.select(0.02):
                try:
                    if key.fileobj.recv(4096):
                        continue
                except BlockingIOError:
                    continue
                except OSError:
                    pass
                self.drop(key.fileobj)
            if self.drip and time.monotonic() >= next_drip:
                next_drip += self.interval
                for s, n in list(self.socks.items()):
                    try:
                        s.send(self.DRIP[n % len(self.DRIP):][:1])
                        self.socks[s] = n + 1
                    except (BlockingIOError, OSError):
                        pass
        for s in list(self.socks):
            self.drop(s)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_.set()
        self.thread.join(10)


def flood(port):
    """500 idle connections from 127.0.0.2, 200 dripping from 127.0.0.3."""
    return Flood(port, "127.0.0.2", 500), Flood(port, "127.0.0.3", 200, drip=True)


def held(pid):
    """Sockets the daemon holds."""
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:"):
                n += 1
        except OSError:
            pass
    return n


def timed_get(port, raw):
    """Connects from 127.0.0.1, sends raw, reads to EOF: (seconds, status,
    body), or (None, None, error) when that fails or takes over 10 s."""
    t0 = time.monotonic()
    data = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(raw)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        return time.monotonic() - t0, int(head.split()[1]), body
    except (OSError, IndexError, ValueError) as e:
        return None, None, repr(e).encode()


async def first_frame(port):
    """Seconds from connecting until the 101 and until the first frame, or
    None when either fails or takes over 10 s."""
    t0 = time.monotonic()
    try:
        async with websockets.connect("ws://127.0.0.1:%d/stream" % port,
                                      max_size=None, open_timeout=10) as ws:
            t101 = time.monotonic() - t0
            msg = await asyncio.wait_for(ws.recv(), 10)
            return t101, time.monotonic() - t0, msg
    except (OSError, asyncio.TimeoutError,
            websockets.exceptions.WebSocketException) as e:
        return None, None, repr(e).encode()


def capd(daemons, tmp):
    path = os.path.join(tmp, "frames.sock")
    daemons("capd", "--socket", path, "--source", "test", "--fps", "30",
            "--size", "320x240", wait_log="listening on")
    return path


def wait_flooded(floods):
    """Until every flood has opened all its connections at least once."""
    wait_for(lambda: all(f.opened >= f.count for f in floods), timeout=30,
             what="the flood under way")
    time.sleep(0.5)          # the drippers' next bytes, more reconnects


def settled_held(floods, pid, bound):
    """The floods stop reconnecting, keeping what is open: the sockets the
    daemon holds then, once at most bound (a bounded wait: sockets closed
    in one burst of accepts are freed when the burst ends)."""
    for f in floods:
        f.reconnect = False
    try:
        return wait_for(lambda: (lambda n: n if n <= bound else 0)(held(pid)),
                        timeout=10, what="at most %d sockets" % bound)
    except AssertionError:
        return held(pid)


def test_wsd_flood_does_not_lock_out(daemons, tmp):
    path = capd(daemons, tmp)
    port = free_port()
    wsd = daemons("wsd", "--listen", "127.0.0.1:%d" % port, "--frames", path,
                  wait_log="relaying frames")

    async def run():
        # A viewer keeps the camera running; a newcomer is the one timed.
        async with websockets.connect("ws://127.0.0.1:%d/stream" % port,
                                      max_size=None) as warm:
            await asyncio.wait_for(warm.recv(), 20)
            before = await first_frame(port)
            a, b = flood(port)
            with a, b:
                await asyncio.to_thread(wait_flooded, (a, b))
                during = await first_frame(port)
                st_took, st_code, st_body = await asyncio.to_thread(
                    timed_get, port, b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                sockets = await asyncio.to_thread(settled_held, (a, b),
                                                  wsd.proc.pid, HELD)
                await asyncio.wait_for(warm.recv(), 10)     # never evicted
            return before, during, sockets, (st_took, st_code, st_body), a, b
    before, during, sockets, (st_took, st_code, st_body), a, b = asyncio.run(run())
    print("wsd under flood: %d sockets held, 101 after %s s, frame after %s s, "
          "/status after %s s (before: frame after %.3f s); %d+%d connections "
          "opened" % (sockets, during[0], during[1], st_took, before[1],
                      a.opened, b.opened))
    assert during[1] is not None and during[1] < PROMPT, during
    assert during[2][:2] == b"\xff\xd8"
    assert st_code == 200 and st_took < PROMPT, (st_took, st_body)
    st = json.loads(st_body)
    # The flood was held to its addresses' shares, not 700 sockets.
    assert st["pending"] <= 2 * 64 + 1, st
    assert sockets <= HELD, sockets
    assert st["evicted"] > 0 and st["clients"] == 1, st


def upgrade(port):
    return ("GET /stream HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n" % port).encode()


def test_wsd_viewers_per_address(daemons, tmp):
    path = capd(daemons, tmp)
    port = free_port()
    daemons("wsd", "--listen", "127.0.0.1:%d" % port, "--frames", path,
            "--max-clients-per-addr", "2", wait_log="relaying frames")
    uri = "ws://127.0.0.1:%d/stream" % port

    async def run():
        a = await websockets.connect(uri, max_size=None)
        b = await websockets.connect(uri, max_size=None)
        _, code, body = await asyncio.to_thread(timed_get, port, upgrade(port))
        assert code == 503 and b"from this address" in body, (code, body)
        # Another address is welcome; the first two keep their frames.
        c = await websockets.connect(uri, max_size=None, local_addr=("127.0.0.2", 0))
        for ws in (a, b, c):
            await asyncio.wait_for(ws.recv(), 20)
            await ws.close()
    asyncio.run(run())


def open_stream(port, path, src="127.0.0.1"):
    """A stream request from src: (socket, status, the head's first bytes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10,
                                 source_address=(src, 0))
    s.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % path.encode())
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    return s, int(got.split()[1]), got


def fetch(port, path):
    """GET path from 127.0.0.1 on a connection of its own: (status, body)."""
    return timed_get(port, b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Connection: close\r\n\r\n" % path.encode())[1:]


def test_httpd_stream_clients_per_address(daemons, tmp):
    path = capd(daemons, tmp)
    port = free_port()
    daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", path,
            "--www", WWW, "--max-clients-per-addr", "2", wait_tcp=port)
    a, code_a, _ = open_stream(port, "/stream.mjpg")
    b, code_b, _ = open_stream(port, "/stream.mjpg?fps=5")
    assert (code_a, code_b) == (200, 200)
    c, code, got = open_stream(port, "/stream.mjpg")
    body = got.partition(b"\r\n\r\n")[2]
    while not body.endswith(b"\n"):
        chunk = c.recv(65536)
        if not chunk:
            break
        body += chunk
    c.close()
    assert code == 503 and body == b"too many clients from this address\n", got
    # Another address is served; stills and pages are no stream clients.
    d, code, _ = open_stream(port, "/stream.mjpg", src="127.0.0.2")
    assert code == 200
    code, body = fetch(port, "/snapshot.jpg")
    assert code == 200 and body[:2] == b"\xff\xd8"
    st = json.loads(fetch(port, "/api/status")[1])
    assert st["refused_per_addr"] == 1 and st["refused"] == 0, st
    assert st["clients"]["stream"] == 3, st["clients"]
    # A client that leaves frees its address's place.
    a.close()
    wait_for(lambda: json.loads(fetch(port, "/api/status")[1])
             ["clients"]["stream"] == 2, what="the stream client gone")
    e, code, _ = open_stream(port, "/stream.mjpg")
    assert code == 200
    _, body = fetch(port, "/metrics")
    assert b"refused_per_addr_total 1" in body, body
    for s in (b, d, e):
        s.close()


def test_httpd_flood_does_not_lock_out(daemons, tmp):
    path = capd(daemons, tmp)
    port = free_port()
    httpd = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", path,
                    "--www", WWW, wait_tcp=port)
    # A stream keeps the camera running; stills then need no warm-up.
    stream = socket.create_connection(("127.0.0.1", port), timeout=10)
    stream.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert stream.recv(100).startswith(b"HTTP/1.1 200")
    page = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    still = b"GET /snapshot.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    before = timed_get(port, page)[0], timed_get(port, still)[0]
    a, b = flood(port)
    with a, b:
        wait_flooded((a, b))
        p_took, p_code, p_body = timed_get(port, page)
        s_took, s_code, s_body = timed_get(port, still)
        sockets = settled_held((a, b), httpd.proc.pid, HELD)
    stream.close()
    print("httpd under flood: %d sockets held, page after %s s, still after "
          "%s s (before: %.3f s, %.3f s); %d+%d connections opened" %
          (sockets, p_took, s_took, before[0], before[1], a.opened, b.opened))
    assert p_code == 200 and b"<html" in p_body.lower(), p_body
    assert s_code == 200 and s_body[:2] == b"\xff\xd8", s_body[:100]
    assert p_took < PROMPT and s_took < PROMPT, (p_took, s_took)
    assert sockets <= HELD, sockets
    assert "to make room for" in httpd.logtext()
    _, code, body = timed_get(port, b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              b"Connection: close\r\n\r\n")
    heads = json.loads(body)["heads"]
    assert heads["evicted"] > 0 and heads["pending"] <= 2 * 64 + 1, heads


def test_httpd_head_timeout_counts_from_first_byte(daemons, tmp):
    port = free_port()
    httpd = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames",
                    os.path.join(tmp, "none.sock"), "--www", WWW,
                    "--head-timeout", "2", "--idle-timeout", "60", wait_tcp=port)
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setblocking(False)
    start = None
    closed_after = None
    end = time.monotonic() + 20       # far below the idle timeout
    for c in b"GET / HTTP/1.1\r\n" + b"X-Drip: " + b"a" * 1000:
        if time.monotonic() > end:
            break
        try:
            s.send(bytes([c]))
        except OSError:
            closed_after = time.monotonic() - start
            break
        if start is None:
            start = time.monotonic()
        time.sleep(0.2)               # a byte every 0.2 s resets no deadline
        try:
            if s.recv(100) == b"":
                closed_after = time.monotonic() - start
                break
        except BlockingIOError:
            pass
        except OSError:
            closed_after = time.monotonic() - start
            break
    s.close()
    print("dripping head cut after %s s" % closed_after)
    assert closed_after is not None, "a dripping head held its socket 20 s"
    assert 1.8 <= closed_after < 10, closed_after
    assert "no request head in time" in httpd.logtext()
    # Others are still served.
    took, code, body = timed_get(port, b"GET /api/status HTTP/1.1\r\n"
                                 b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert code == 200 and json.loads(body)["heads"]["timed_out"] == 1, body


def test_httpd_full_streams_still_serve_stills_and_pages(daemons, tmp):
    path = capd(daemons, tmp)
    port = free_port()
    daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", path,
            "--www", WWW, "--max-clients", "2", wait_tcp=port)
    streams = []
    for _ in range(2):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        got = s.recv(100)
        assert got.startswith(b"HTTP/1.1 200")
        while b"\xff\xd8" not in got:      # frames flow (past warm-up)
            chunk = s.recv(65536)
            assert chunk, "stream ended"
            got = got[-1:] + chunk
        streams.append(s)
    _, code, _ = timed_get(port, b"GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Connection: close\r\n\r\n")
    assert code == 503
    took, code, body = timed_get(port, b"GET /snapshot.jpg HTTP/1.1\r\n"
                                 b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert code == 200 and body[:2] == b"\xff\xd8"
    took, code, body = timed_get(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                 b"Connection: close\r\n\r\n")
    assert code == 200 and b"<html" in body.lower()
    for s in streams:
        s.close()
