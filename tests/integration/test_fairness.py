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


def open_from(src, port, request):
    """A connection from src to port that sends request; the socket and
    the head of the answer."""
    s = socket.socket()
    s.settimeout(10)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(request)
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


def streaming(s, within=10.0):
    """True if s, once what it holds is read, gets new bytes within the
    time given: its viewer is still being served."""
    s.setblocking(False)
    try:
        while s.recv(65536):
            pass
        return False            # closed
    except BlockingIOError:
        pass
    s.settimeout(within)
    try:
        return bool(s.recv(65536))
    except (socket.timeout, ConnectionResetError):
        return False


def check_pool(daemon, port, request, ok, refused):
    """Fills a pool of 8 (4 per address) from two addresses; a third
    address's newcomer is answered ok and one heaviest address's oldest
    goes; then a newcomer from a full address is answered refused."""
    held = {}
    for src in SOURCES[:2]:
        held[src] = []
        for _ in range(4):
            s, head = open_from(src, port, request)
            assert head.startswith(ok), head
            held[src].append(s)
    # Full (8 of 8). A newcomer from a third address is served...
    s, head = open_from(SOURCES[2], port, request)
    assert head.startswith(ok), head
    # ...and the oldest client of a heaviest address is gone for it.
    assert closed(held[SOURCES[0]][0], 2) or closed(held[SOURCES[1]][0], 2)
    wait_for(lambda: "whose address holds fewer clients" in daemon.logtext(),
             what="the eviction's log line")
    # Full again, every address at most one client apart: a newcomer from
    # an address holding its whole share is refused, nobody else goes.
    x, head = open_from(SOURCES[1], port, request)
    assert head.startswith(refused), head


def test_rtspd_full_pool_makes_room_for_a_quiet_address(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--source", "test", "--frames", frames, "--control",
            os.path.join(tmp, "ctl.sock"), wait_unix=frames)
    port = free_port()
    rtspd = daemons("rtspd", "--frames", frames, "--listen", "127.0.0.1:%d" % port,
                    "--udp-port", "0", "--max-clients", "8",
                    "--max-clients-per-addr", "4", wait_tcp=port)
    req = ("OPTIONS rtsp://127.0.0.1:%d/ RTSP/1.0\r\nCSeq: 1\r\n\r\n"
           % port).encode()
    check_pool(rtspd, port, req, "RTSP/1.0 200 ", "RTSP/1.0 503 ")


def test_wsd_full_pool_makes_room_for_a_quiet_address(daemons, tmp):
    from test_wsd import start_capd, start_wsd, upgrade_request
    path = os.path.join(tmp, "frames.sock")
    start_capd(daemons, path)
    wsd, port = start_wsd(daemons, path, "--max-clients", "8",
                          "--max-clients-per-addr", "4")
    check_pool(wsd, port, upgrade_request(port), "HTTP/1.1 101 ",
               "HTTP/1.1 503 ")


def test_httpd_full_pool_makes_room_for_a_quiet_address(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--socket", frames, "--source", "test", "--size", "160x120",
            "--fps", "10", wait_log="listening on")
    port = free_port()
    httpd = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", frames,
                    "--max-clients", "8", "--max-clients-per-addr", "4",
                    wait_tcp=port)
    req = ("GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n"
           % port).encode()
    check_pool(httpd, port, req, "HTTP/1.1 200 ", "HTTP/1.1 503 ")


def fill(port, requests, ok):
    """From each of the first two addresses, one connection per request,
    each answered ok: {address: [sockets, oldest first]}."""
    held = {}
    for src in SOURCES[:2]:
        held[src] = []
        for req in requests:
            s, head = open_from(src, port, req)
            assert head.startswith(ok), head
            held[src].append(s)
    return held


def test_httpd_full_camera_makes_room_for_a_quiet_address(daemons, tmp):
    # --max-camera-clients 8 with room in the daemon: the camera's own pool,
    # MJPEG and MP4 viewers alike.
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--socket", frames, "--source", "test", "--size", "160x120",
            "--fps", "10", "--h264-gop", "0.5", wait_log="listening on")
    port = free_port()
    httpd = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", frames,
                    "--max-clients", "100", "--max-camera-clients", "8",
                    "--max-clients-per-addr", "5", wait_tcp=port)
    mjpeg = ("GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n"
             % port).encode()
    mp4 = ("GET /stream.mp4 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n"
           % port).encode()
    held = fill(port, (mp4, mjpeg, mjpeg, mjpeg), "HTTP/1.1 200 ")
    s, head = open_from(SOURCES[2], port, mjpeg)
    assert head.startswith("HTTP/1.1 200 "), head
    # The oldest of the first address (its MP4 viewer) went.
    assert closed(held[SOURCES[0]][0], 2)
    assert streaming(held[SOURCES[1]][0])
    wait_for(lambda: "viewer of a full camera closed" in httpd.logtext(),
             what="the eviction's log line")
    # Full again, 3, 4 and 1: a newcomer from the address of 4 (its share
    # is 5) is refused, and nobody goes.
    x, head = open_from(SOURCES[1], port, mp4)
    assert head.startswith("HTTP/1.1 503 "), head
    assert streaming(held[SOURCES[0]][1])


def test_wsd_full_camera_makes_room_for_a_quiet_address(daemons, tmp):
    from test_wsd import start_capd, start_wsd, upgrade_request
    path = os.path.join(tmp, "frames.sock")
    start_capd(daemons, path)
    wsd, port = start_wsd(daemons, path, "--max-clients", "100",
                          "--max-camera-clients", "8",
                          "--max-clients-per-addr", "5")
    req = upgrade_request(port)
    held = fill(port, (req,) * 4, "HTTP/1.1 101 ")
    s, head = open_from(SOURCES[2], port, req)
    assert head.startswith("HTTP/1.1 101 "), head
    assert closed(held[SOURCES[0]][0], 2)
    wait_for(lambda: "a viewer of a full camera closed" in wsd.logtext(),
             what="the eviction's log line")
    x, head = open_from(SOURCES[1], port, req)
    assert head.startswith("HTTP/1.1 503 "), head
    assert streaming(held[SOURCES[0]][1])
