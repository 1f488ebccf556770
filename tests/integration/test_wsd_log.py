# SPDX-License-Identifier: ISC
"""Outsiders cannot make wsd's log grow (docs/wsd.md): WebSockets opened and
closed for 10 s from 200 loopback addresses, half with a close frame and
half hanging up without one, write at most a few dozen lines."""
import os
import socket
import struct
import threading
import time

import pytest

from conftest import wait_for
from test_lockout import have_loopback
from test_wsd import frame, open_raw, start_capd, start_wsd, upgrade_request

SOURCES = ["127.0.0.%d" % i for i in range(2, 202)]
FEW_DOZEN = 36

pytestmark = pytest.mark.skipif(not have_loopback("127.0.0.201"),
                                reason="no 127.0.0.2 to 127.0.0.201")


def open_close(port, src, polite):
    """One WebSocket from src: opened, then closed with a close frame
    (polite) or by hanging up; True if the handshake succeeded."""
    s = socket.socket()
    s.settimeout(5)
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        s.sendall(upgrade_request(port))
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                return False
            data += chunk
        if not data.startswith(b"HTTP/1.1 101 "):
            return False
        if polite:
            s.sendall(frame(0x88, struct.pack(">H", 1000)))
            while s.recv(65536):
                pass
        return True
    except OSError:
        return False
    finally:
        s.close()


def test_websocket_flood_from_200_addresses_writes_a_few_dozen_lines(daemons, tmp):
    path = os.path.join(tmp, "frames.sock")
    start_capd(daemons, path)
    wsd, port = start_wsd(daemons, path)
    # Positive control: one WebSocket works and the log is quiet so far.
    s, _ = open_raw(port)
    s.close()
    time.sleep(0.5)
    before = len(wsd.logtext().splitlines())
    counts = []

    def run(k):
        n, i, end = 0, k, time.monotonic() + 10
        while time.monotonic() < end:
            n += open_close(port, SOURCES[i % len(SOURCES)], i % 2 == 0)
            i += 4
        counts.append(n)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(1.0)
    opened = sum(counts)
    lines = wsd.logtext().splitlines()[before:]
    assert opened >= 1000, "the flood itself did not happen: %d" % opened
    assert len(lines) <= FEW_DOZEN, "%d lines for %d WebSockets:\n%s" % (
        len(lines), opened, "\n".join(lines[:40]))
    assert wsd.alive()


def test_viewers_coming_and_going_keep_one_capd_subscription(daemons, tmp):
    # wsd lingers before unsubscribing, as httpd and the H.264 readers do
    # (FRAME_SUB_LINGER_MS): 20 viewers one after another, each gone before
    # the next comes, cost capd one subscriber, not 20.
    path = os.path.join(tmp, "frames.sock")
    capd = start_capd(daemons, path, "-v")
    wsd, port = start_wsd(daemons, path)
    accepts = lambda: capd.logtext().count("framesock_accept: subscriber fd")
    before = accepts()
    for _ in range(20):
        s, _ = open_raw(port)
        s.close()
        time.sleep(0.05)
    assert accepts() - before <= 2, capd.logtext()[-2000:]
    # Positive control: the link still ends once nobody comes back, about
    # a second after the last viewer.
    gone = time.monotonic()
    wait_for(lambda: "framesock_sub_free: subscriber fd" in capd.logtext(),
             timeout=15, what="capd's subscriber from wsd gone")
    assert time.monotonic() - gone >= 0.5
