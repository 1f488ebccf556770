# SPDX-License-Identifier: ISC
"""docs/fairness.md's rule for the viewer pools: when a pool is full
because some addresses hold their whole share, a newcomer from a quieter
address is served and the heaviest address's oldest client goes; a
newcomer from a heavy address is refused."""
import os
import socket
import time

import pytest

from conftest import free_port, wait_for
from test_lockout import have_loopback

SOURCES = ["127.0.0.%d" % i for i in (2, 3, 4)]

pytestmark = pytest.mark.skipif(not all(have_loopback(a) for a in SOURCES),
                                reason="no 127.0.0.2 to 127.0.0.4")


def rtsp_options(src, port, cseq=1):
    s = socket.socket()
    s.settimeout(10)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(("OPTIONS rtsp://127.0.0.1:%d/ RTSP/1.0\r\nCSeq: %d\r\n\r\n"
               % (port, cseq)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        d = s.recv(4096)
        if not d:
            break
        head += d
    return s, head.decode("latin1")


def closed(s, within=5.0):
    """True if the peer closes s within the time given (frames it sends
    meanwhile are read and dropped)."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            if not s.recv(65536):
                return True
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
    return False


def test_rtspd_full_pool_makes_room_for_a_quiet_address(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--source", "test", "--frames", frames, "--control",
            os.path.join(tmp, "ctl.sock"), wait_unix=frames)
    port = free_port()
    rtspd = daemons("rtspd", "--frames", frames, "--listen", "127.0.0.1:%d" % port,
                    "--udp-port", "0", "--max-clients", "8",
                    "--max-clients-per-addr", "4", wait_tcp=port)
    held = {}
    for src in SOURCES[:2]:
        held[src] = []
        for i in range(4):
            s, head = rtsp_options(src, port)
            assert head.startswith("RTSP/1.0 200 "), head
            held[src].append(s)
    # Full (8 of 8). A newcomer from a third address is served...
    s, head = rtsp_options(SOURCES[2], port)
    assert head.startswith("RTSP/1.0 200 "), head
    # ...and the oldest client of a heaviest address is gone for it.
    assert closed(held[SOURCES[0]][0], 2) or closed(held[SOURCES[1]][0], 2)
    wait_for(lambda: "whose address holds fewer clients" in rtspd.logtext(),
             what="the eviction's log line")
    # Full again, every address at most one client apart: a newcomer from
    # an address holding its whole share is refused, nobody else goes.
    x, head = rtsp_options(SOURCES[1], port)
    assert head.startswith("RTSP/1.0 503 "), head



def ws_open(src, port):
    from test_wsd import upgrade_request
    s = socket.socket()
    s.settimeout(10)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(upgrade_request(port))
    head = b""
    while b"\r\n\r\n" not in head:
        d = s.recv(4096)
        if not d:
            break
        head += d
    return s, head.decode("latin1")


def test_wsd_full_pool_makes_room_for_a_quiet_address(daemons, tmp):
    from test_wsd import start_capd, start_wsd
    path = os.path.join(tmp, "frames.sock")
    start_capd(daemons, path)
    wsd, port = start_wsd(daemons, path, "--max-clients", "8",
                          "--max-clients-per-addr", "4")
    held = {}
    for src in SOURCES[:2]:
        held[src] = []
        for _ in range(4):
            s, head = ws_open(src, port)
            assert head.startswith("HTTP/1.1 101 "), head
            held[src].append(s)
    s, head = ws_open(SOURCES[2], port)
    assert head.startswith("HTTP/1.1 101 "), head
    assert closed(held[SOURCES[0]][0], 2) or closed(held[SOURCES[1]][0], 2)
    wait_for(lambda: "whose address holds fewer clients" in wsd.logtext(),
             what="the eviction's log line")
    x, head = ws_open(SOURCES[1], port)
    assert head.startswith("HTTP/1.1 503 "), head


def mjpeg_open(src, port):
    s = socket.socket()
    s.settimeout(10)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(("GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n"
               % port).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        d = s.recv(4096)
        if not d:
            break
        head += d
    return s, head.decode("latin1")


def test_httpd_full_pool_makes_room_for_a_quiet_address(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--socket", frames, "--source", "test", "--size", "160x120",
            "--fps", "10", wait_log="listening on")
    port = free_port()
    httpd = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", frames,
                    "--max-clients", "8", "--max-clients-per-addr", "4",
                    wait_tcp=port)
    held = {}
    for src in SOURCES[:2]:
        held[src] = []
        for _ in range(4):
            s, head = mjpeg_open(src, port)
            assert head.startswith("HTTP/1.1 200 "), head
            held[src].append(s)
    s, head = mjpeg_open(SOURCES[2], port)
    assert head.startswith("HTTP/1.1 200 "), head
    assert closed(held[SOURCES[0]][0], 2) or closed(held[SOURCES[1]][0], 2)
    wait_for(lambda: "whose address holds fewer clients" in httpd.logtext(),
             what="the eviction's log line")
    x, head = mjpeg_open(SOURCES[1], port)
    assert head.startswith("HTTP/1.1 503 "), head
