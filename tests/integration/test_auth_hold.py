# SPDX-License-Identifier: ISC
"""Held (delayed) login retries in httpd (docs/auth.md): a held request
whose client hangs up is released at once, and one address cannot hold the
whole pool of held requests while another address retries."""
import os
import socket
import time

import pytest

from conftest import wait_for
from test_auth import GOOD, Site, basic
from test_lockout import have_loopback, held

WRONG = ("alice", "wrong")


def wrong_request(port):
    return ("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            "Authorization: %s\r\n\r\n" % (port, basic(WRONG))).encode()


def fail_once(site, source="127.0.0.1"):
    """One wrong password from source: 401, and its next try is held."""
    assert site.get("/api/status", WRONG, source=source)[0] == 401


def hold(site, n, source="127.0.0.1"):
    """n connections from source, each with a wrong password, left held."""
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind((source, 0))
        s.settimeout(10)
        s.connect(("127.0.0.1", site.port))
        s.sendall(wrong_request(site.port))
        socks.append(s)
    return socks


def settled(pid):
    """The daemon's sockets once two readings 0.2 s apart agree (the
    fixture's readiness probe may still be closing)."""
    last = held(pid)
    while True:
        time.sleep(0.2)
        now = held(pid)
        if now == last:
            return now
        last = now


def answered(s, wait):
    """The status of the answer on s within wait seconds, or None."""
    s.settimeout(wait)
    try:
        data = s.recv(4096)
    except socket.timeout:
        return None
    return int(data.split()[1]) if data else None


SOURCES = ["127.0.0.%d" % i for i in range(2, 7)]

pytestmark = pytest.mark.skipif(not all(have_loopback(a) for a in SOURCES),
                                reason="no 127.0.0.2 to 127.0.0.6")


def test_held_request_of_a_client_gone_is_released_at_once(daemons, tmp):
    # 10 s per failure: the held ones would stay held for 10 s and more.
    site = Site(daemons, tmp, "--max-pending-per-addr", "300", delay=10000)
    pid = site.httpd.proc.pid
    base = settled(pid)
    socks = []
    for src in SOURCES:
        fail_once(site, src)
        socks += hold(site, 50, src)
    wait_for(lambda: held(pid) >= base + 250, what="250 held connections")
    # Positive control: none was answered yet, they are all held.
    assert answered(socks[0], 0.2) is None and answered(socks[-1], 0.2) is None
    for s in socks:
        s.close()
    gone = time.monotonic()
    wait_for(lambda: held(pid) <= base, timeout=1.0,
             what="descriptors back to their baseline within a second")
    assert time.monotonic() - gone <= 1.0
    assert site.httpd.alive()


def test_one_address_cannot_hold_the_whole_held_pool(daemons, tmp):
    site = Site(daemons, tmp, "--max-pending-per-addr", "400", delay=10000)
    flood_src, other = SOURCES[0], SOURCES[1]
    fail_once(site, flood_src)
    fail_once(site, other)
    # One address sends 300 retries at once: more than the pool of 256.
    flood = hold(site, 300, flood_src)
    refused = [answered(s, 0.05) for s in flood]
    # It keeps at most its quarter held; the rest is refused with 429.
    waiting = [s for s, code in zip(flood, refused) if code is None]
    assert 0 < len(waiting) <= 64, len(waiting)
    assert all(code in (None, 429) for code in refused), set(refused)
    # Another address's retry after a typo is held, not refused: its
    # answer comes after the hold, 200 with the right password.
    s = socket.socket()
    s.bind((other, 0))
    s.settimeout(30)
    s.connect(("127.0.0.1", site.port))
    s.sendall(("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
               "Authorization: %s\r\n\r\n" % (site.port, basic(GOOD))).encode())
    assert answered(s, 0.5) is None, "not held"
    assert answered(s, 30) == 200
    s.close()
    for f in flood:
        f.close()
    assert site.httpd.alive()
