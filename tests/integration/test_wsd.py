# SPDX-License-Identifier: ISC
"""wsd against the real capd, with python3-websockets and raw sockets."""
import asyncio
import base64
import hashlib
import json
import os
import socket
import struct
import subprocess
import time

import pytest
import websockets

from conftest import binary, free_port, wait_for
from framesock import com_segment, decodes, gaps, rss_kb

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def start_capd(daemons, path, *args):
    return daemons("capd", "--socket", path, "--source", "test", "--fps", "30",
                   "--size", "320x240", *args, wait_log="listening on")


def start_wsd(daemons, frames, *args):
    port = free_port()
    d = daemons("wsd", "--listen", "127.0.0.1:%d" % port, "--frames", frames,
                *args, wait_log="relaying frames")
    return d, port


@pytest.fixture
def relay(daemons, tmp):
    """capd on the test source and wsd in front of it: (capd, wsd, port, path)."""
    def start(*wsd_args):
        path = os.path.join(tmp, "frames.sock")
        capd = start_capd(daemons, path)
        wsd, port = start_wsd(daemons, path, *wsd_args)
        return capd, wsd, port, path
    return start


def url(port, query=""):
    return "ws://127.0.0.1:%d/stream%s" % (port, query)


def check_jpeg(jpeg):
    """Returns the seq of a whole JPEG carrying the campipe COM segment."""
    assert isinstance(jpeg, bytes)
    assert jpeg[:2] == b"\xff\xd8" and jpeg[-2:] == b"\xff\xd9", "not a whole JPEG"
    return com_segment(jpeg)[0]


async def receive(uri, n):
    async with websockets.connect(uri, max_size=None) as ws:
        return [await asyncio.wait_for(ws.recv(), 20) for _ in range(n)]


def status(port):
    code, _, body = http(port, b"GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert code == 200
    return json.loads(body)


# Frames -------------------------------------------------------------------

def test_binary_messages_are_jpegs_with_increasing_seq(relay, tmp):
    _, _, port, _ = relay()
    msgs = asyncio.run(receive(url(port), 30))
    seqs = [check_jpeg(m) for m in msgs]
    assert all(b > a for a, b in zip(seqs, seqs[1:])), seqs
    assert decodes(msgs[0], tmp) == (320, 240)
    assert decodes(msgs[-1], tmp) == (320, 240)
    st = status(port)
    assert st["frames_sent"] >= 30 and st["bytes_sent"] > 30 * 1000
    assert st["capd"]["state"] in ("stopped", "streaming")


def test_base64_text_messages(relay, tmp):
    _, _, port, _ = relay()
    msgs = asyncio.run(receive(url(port, "?encoding=base64"), 30))
    assert all(isinstance(m, str) for m in msgs)
    jpegs = [base64.b64decode(m, validate=True) for m in msgs]
    seqs = [check_jpeg(j) for j in jpegs]
    assert all(b > a for a, b in zip(seqs, seqs[1:])), seqs
    assert decodes(jpegs[-1], tmp) == (320, 240)


def test_base64_is_encoded_once_per_frame_for_all_clients(relay):
    _, _, port, _ = relay()

    async def run():
        return await asyncio.gather(*[receive(url(port, "?encoding=base64"), 15)
                                      for _ in range(6)])
    got = asyncio.run(run())
    sent = sum(len(msgs) for msgs in got)
    st = status(port)
    assert sent == 90
    # Six clients, one encoding per frame: never more encodings than frames.
    assert st["base64_encoded"] <= st["capd"]["frames"] + 1, st
    assert st["base64_encoded"] < sent, st


def test_fps_caps_the_rate_and_mixed_clients_share_frames(relay):
    _, _, port, _ = relay()

    async def run():
        done = asyncio.Event()

        # ?fps=4 sends frames at least 0.25 s apart, the first at once: seven
        # frames since the connection was opened span 1.5 s, however busy
        # the machine.
        async def capped(query, n):
            start = time.monotonic()
            async with websockets.connect(url(port, query), max_size=None) as ws:
                msgs = [await asyncio.wait_for(ws.recv(), 10) for _ in range(n)]
            took = time.monotonic() - start
            if "base64" in query:
                assert all(isinstance(m, str) for m in msgs)
                msgs = [base64.b64decode(m, validate=True) for m in msgs]
            return [check_jpeg(m) for m in msgs], took

        async def free():
            async with websockets.connect(url(port), max_size=None) as ws:
                seqs = []
                while not done.is_set():
                    seqs.append(check_jpeg(await asyncio.wait_for(ws.recv(), 10)))
                return seqs

        reader = asyncio.create_task(free())
        got = await asyncio.gather(capped("?fps=4", 7), capped("?fps=4&encoding=base64", 7))
        done.set()
        return got, await reader
    got, free_seqs = asyncio.run(run())
    gaps(free_seqs)
    for seqs, took in got:
        assert took >= 6 * 0.25 - 0.001, (seqs, took)
        # The cap left frames out, and the uncapped client got some of them.
        assert gaps(seqs) > 0, seqs
        assert any(seqs[0] < s < seqs[-1] and s not in seqs for s in free_seqs), \
            (seqs, free_seqs)


def test_capd_subscription_only_while_watched(relay):
    capd, wsd, port, _ = relay("-v")
    assert status(port)["capd"]["state"] == "stopped"
    asyncio.run(receive(url(port), 3))
    wait_for(lambda: status(port)["capd"]["state"] == "stopped", what="unsubscribed")
    assert "capd link streaming" in wsd.logtext()


# Handshake ----------------------------------------------------------------

def http(port, raw):
    """Sends raw bytes, reads to EOF: (status, header text, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(raw)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode(), body.decode()


def upgrade_request(port, path="/stream", drop=(), extra=()):
    lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port,
             "Upgrade: websocket", "Connection: Upgrade",
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
             "Sec-WebSocket-Version: 13"]
    lines = [l for l in lines if not any(l.startswith(d) for d in drop)]
    return ("\r\n".join(lines + list(extra)) + "\r\n\r\n").encode()


@pytest.mark.parametrize("path,drop,extra,code", [
    ("/stream", ["Sec-WebSocket-Key"], [], 400),
    ("/stream", [], ["Sec-WebSocket-Key: AAAA"], 400),
    ("/stream", ["Sec-WebSocket-Version"], ["Sec-WebSocket-Version: 8"], 426),
    ("/elsewhere", [], [], 404),
    ("/stream", [], ["Origin: http://evil.example"], 403),
    ("/stream", ["Upgrade"], [], 400),
    ("/stream?fps=lots", [], [], 400),
    ("/stream", [], ["Origin: http://127.0.0.1:8080"], 101),
])
def test_handshake_status(daemons, tmp, path, drop, extra, code):
    _, port = start_wsd(daemons, os.path.join(tmp, "none.sock"))
    if code == 101:
        s, rest = open_raw(port, extra=extra)
        s.close()
        return
    got, head, body = http(port, upgrade_request(port, path, drop, extra))
    assert got == code, (head, body)
    assert body.strip(), "no reason given"
    if code == 426:
        assert "\r\nSec-WebSocket-Version: 13" in head


def test_strict_client_sees_refusals(daemons, tmp):
    _, port = start_wsd(daemons, os.path.join(tmp, "none.sock"),
                        "--allow-origin", "https://cam.example")

    async def status_of(uri, **kw):
        try:
            async with websockets.connect(uri, **kw):
                return 101
        except websockets.exceptions.InvalidStatusCode as e:
            return e.status_code
    assert asyncio.run(status_of(url(port), origin="https://cam.example")) == 101
    assert asyncio.run(status_of(url(port), origin="http://127.0.0.1")) == 403
    assert asyncio.run(status_of("ws://127.0.0.1:%d/x" % port)) == 404


def test_oversized_and_malformed_heads(daemons, tmp):
    _, port = start_wsd(daemons, os.path.join(tmp, "none.sock"))
    code, _, _ = http(port, b"GET /stream HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n")
    assert code == 431
    code, _, _ = http(port, b"GET /stream HTTP/1.1\r\nBad Header: x\r\n\r\n")
    assert code == 400
    code, _, _ = http(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n")
    assert code == 400
    assert status(port)["refused"] == 3


def test_slow_request_head_is_cut_off(daemons, tmp):
    wsd, port = start_wsd(daemons, os.path.join(tmp, "none.sock"), "--head-timeout", "1")
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /stream HTTP/1.1\r\n")
    closed = False
    for i in range(100):            # a header byte every 0.1 s: never done
        try:
            s.sendall(b"X-Slow-%d: y\r\n" % i)
        except OSError:
            closed = True
            break
        time.sleep(0.1)
        s.setblocking(False)
        try:
            closed = s.recv(100) == b""
        except BlockingIOError:
            pass
        except ConnectionResetError:  # closed with our later bytes unread
            closed = True
        s.setblocking(True)
        if closed:
            break
    s.close()
    assert closed and "no request head in time" in wsd.logtext()
    # Others are still served.
    assert status(port)["clients"] == 0


def test_max_clients_gets_503(daemons, tmp):
    _, port = start_wsd(daemons, os.path.join(tmp, "none.sock"), "--max-clients", "2")
    a, _ = open_raw(port)
    b, _ = open_raw(port)
    code, _, body = http(port, upgrade_request(port))
    assert code == 503 and "too many" in body
    a.close()
    wait_for(lambda: status(port)["clients"] == 1, what="client gone")
    c, _ = open_raw(port)
    b.close()
    c.close()


# Raw protocol -------------------------------------------------------------

def open_raw(port, extra=(), rcvbuf=None):
    """Handshake on a raw socket; returns it and any bytes after the 101."""
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16))
    req = upgrade_request(port, extra=extra).replace(b"dGhlIHNhbXBsZSBub25jZQ==", key)
    s.sendall(req)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        assert chunk, "closed during handshake: %r" % data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101 Switching Protocols\r\n"), head
    accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
    assert b"\r\nSec-WebSocket-Accept: " + accept in head
    return s, rest


def frame(b0, payload, masked=True):
    """A client frame; masked as RFC 6455 requires unless told otherwise."""
    n = len(payload)
    if n < 126:
        hdr = bytes([b0, (0x80 if masked else 0) | n])
    elif n < 65536:
        hdr = bytes([b0, (0x80 if masked else 0) | 126]) + struct.pack(">H", n)
    else:
        hdr = bytes([b0, (0x80 if masked else 0) | 127]) + struct.pack(">Q", n)
    if not masked:
        return hdr + payload
    key = os.urandom(4)
    return hdr + key + bytes(c ^ key[i & 3] for i, c in enumerate(payload))


def read_to_eof(s, rest=b""):
    data = rest
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return data
        data += chunk


def close_frame(code, reason):
    payload = struct.pack(">H", code) + reason
    return bytes([0x88, len(payload)]) + payload


@pytest.mark.parametrize("sent,code,reason", [
    (frame(0x81, b"Hello", masked=False), 1002, b"unmasked frame"),
    (frame(0x83, b""), 1002, b"unknown opcode 0x3"),
    (frame(0x8b, b"x"), 1002, b"unknown opcode 0xb"),
    (frame(0x89, b"p" * 126), 1002, b"control frame over 125 bytes"),
    (frame(0xc1, b"x"), 1002, b"reserved bits set"),
    (frame(0x80, b"x"), 1002, b"continuation frame without a message"),
    (frame(0x81, b"a" * 5000), 1009, b"message too big"),
    (frame(0x01, b"a" * 3000) + frame(0x80, b"a" * 3000), 1009, b"message too big"),
    (frame(0x81, b"ok \xc0\xaf"), 1007, b"invalid UTF-8 in text message"),
], ids=lambda v: v.decode() if isinstance(v, bytes) and v.isascii() and len(v) < 64
    else str(v) if isinstance(v, int) else "frame")
def test_protocol_errors_close_with_code(daemons, tmp, sent, code, reason):
    wsd, port = start_wsd(daemons, os.path.join(tmp, "none.sock"))
    s, rest = open_raw(port)
    s.sendall(sent)
    # Exactly one close frame with the code, then the server closes TCP.
    assert read_to_eof(s, rest) == close_frame(code, reason)
    s.close()
    wait_for(lambda: reason.decode() in wsd.logtext(), what="log line")
    assert wsd.alive()


def test_message_in_too_many_fragments_closes_with_1009(daemons, tmp):
    wsd, port = start_wsd(daemons, os.path.join(tmp, "none.sock"))
    s, rest = open_raw(port)
    # Positive control: 64 continuation frames make a message, still open.
    s.sendall(frame(0x01, b"") + frame(0x00, b"") * 63 + frame(0x80, b""))
    s.sendall(frame(0x89, b"still"))
    assert s.recv(64) == b"\x8a\x05still"
    # Zero-length continuations without end: closed at the 65th.
    s.sendall(frame(0x01, b"") + frame(0x00, b"") * 1000)
    assert read_to_eof(s, rest) == close_frame(1009, b"message in too many fragments")
    s.close()
    assert wsd.alive()


def test_message_taking_over_10s_closes_with_1008(daemons, tmp):
    wsd, port = start_wsd(daemons, os.path.join(tmp, "none.sock"))
    s, rest = open_raw(port)
    s.settimeout(0.5)
    s.sendall(frame(0x01, b"a"))
    start, data = time.monotonic(), rest
    # One small fragment a second keeps the client alive, not the message.
    while time.monotonic() - start < 20:
        try:
            s.sendall(frame(0x00, b"b"))
        except (BrokenPipeError, ConnectionResetError):
            break
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            time.sleep(0.5)
            continue
        data += chunk
        if not chunk:
            break
        time.sleep(0.5)
    elapsed = time.monotonic() - start
    s.close()
    assert data.startswith(close_frame(1008, b"message took too long")), data
    assert elapsed > 5, "a message may take up to 10 s"
    assert wsd.alive()


def test_ping_gets_pong_with_same_payload_then_close_is_echoed(daemons, tmp):
    _, port = start_wsd(daemons, os.path.join(tmp, "none.sock"))
    s, rest = open_raw(port)
    assert rest == b""
    s.sendall(frame(0x89, b"hello there"))
    assert s.recv(64) == b"\x8a\x0bhello there"
    # Control frames between fragments are answered; the message is accepted.
    s.sendall(frame(0x01, b"fra") + frame(0x89, b"") + frame(0x80, b"gment"))
    assert s.recv(64) == b"\x8a\x00"
    s.sendall(frame(0x88, struct.pack(">H", 1000)))
    assert read_to_eof(s) == b"\x88\x02\x03\xe8"
    s.close()


def test_open_clients_get_going_away_on_sigterm(daemons, tmp):
    wsd, port = start_wsd(daemons, os.path.join(tmp, "none.sock"))
    s, _ = open_raw(port)
    assert wsd.stop() == 0
    data = read_to_eof(s)
    assert data[:2] == b"\x88" + bytes([len(data) - 2]) and data[2:4] == b"\x03\xe9", data
    s.close()


def test_silent_client_is_dropped_by_ping_timeout(relay):
    # A ping timeout long enough for a pong from a busy machine.
    _, wsd, port, _ = relay("--ping-interval", "0.3", "--ping-timeout", "2")
    s, _ = open_raw(port)           # reads, but never answers pings
    dropped = "no answer to ping, dropping"

    async def polite():
        async with websockets.connect(url(port), max_size=None) as ws:
            # Receiving (the library answers pings meanwhile) until the
            # silent client is dropped, then for one more ping round.
            end = time.monotonic() + 30
            while dropped not in wsd.logtext():
                assert time.monotonic() < end, "the silent client was not dropped"
                check_jpeg(await asyncio.wait_for(ws.recv(), 10))
            end = time.monotonic() + 0.3 + 2
            while time.monotonic() < end:
                check_jpeg(await asyncio.wait_for(ws.recv(), 10))
            return status(port)["clients"]
    # Still connected after the silent one was dropped, and only it was.
    assert asyncio.run(polite()) == 1
    assert wsd.logtext().count(dropped) == 1, wsd.logtext()
    s.settimeout(10)
    data = read_to_eof(s)           # frames and pings, then the end
    assert b"\x89\x04" in data
    s.close()


# Load and faults ----------------------------------------------------------

def test_200_clients_and_a_stalled_one(relay):
    # 200 viewers from one address, as behind a reverse proxy.
    _, wsd, port, _ = relay("--max-clients", "300", "--write-timeout", "60",
                            "--max-clients-per-addr", "300",
                            "--max-pending-per-addr", "256")
    stalled, _ = open_raw(port, rcvbuf=4096)   # never reads
    pid = wsd.proc.pid

    async def viewer(n, received, done):
        async with websockets.connect(url(port), max_size=None, open_timeout=30) as ws:
            seqs = [check_jpeg(await asyncio.wait_for(ws.recv(), 30)) for _ in range(n)]
            assert all(b > a for a, b in zip(seqs, seqs[1:]))
            received.append(len(seqs))
            await done.wait()       # stay connected until counted
            return len(seqs)

    async def run():
        rss0 = rss_kb(pid)
        received, done = [], asyncio.Event()
        tasks = [asyncio.create_task(viewer(10, received, done)) for _ in range(200)]
        while len(received) < 200 and not any(t.done() for t in tasks):
            await asyncio.sleep(0.1)
        st, rss1 = status(port), rss_kb(pid)
        done.set()
        return await asyncio.gather(*tasks), rss0, rss1, st
    got, rss0, rss1, st = asyncio.run(run())
    assert got == [10] * 200
    assert st["clients"] == 201 and st["dropped"] == 0, st
    # Clients share frames by reference: a handful alive, not one per client.
    assert st["frames_alive"] <= 10, st
    assert rss1 < rss0 + 32 * 1024, (rss0, rss1)
    stalled.close()


def test_stalled_client_costs_others_nothing(daemons, tmp):
    # 10 fps: a reader that a busy machine holds off for a few frame
    # intervals still finds every frame waiting in its socket.  Large frames
    # fill the stalled client's socket buffers (about 2 MB) in seconds.
    path = os.path.join(tmp, "frames.sock")
    daemons("capd", "--socket", path, "--source", "test", "--fps", "10",
            "--size", "1920x1080", "--quality", "90", wait_log="listening on")
    wsd, port = start_wsd(daemons, path, "--write-timeout", "30")
    pid = wsd.proc.pid

    async def run():
        async with websockets.connect(url(port), max_size=None) as ws:
            async def seq():
                return check_jpeg(await asyncio.wait_for(ws.recv(), 10))
            seqs = [await seq() for _ in range(3)]
            stalled, _ = open_raw(port, rcvbuf=4096)
            skipped0 = status(port)["frames_skipped"]
            rss0 = rss_kb(pid)
            # Read on until the stalled client's socket buffers are full and
            # it skips, and at least 20 frames.
            for _ in range(100):
                seqs.append(await seq())
                st = status(port)
                if st["frames_skipped"] > skipped0 and len(seqs) >= 23:
                    break
            rss1 = rss_kb(pid)
            stalled.close()
            return seqs, skipped0, rss0, rss1, st
    seqs, skipped0, rss0, rss1, st = asyncio.run(run())
    # The stalled client skips frames (latest frame wins), counted ...
    assert st["frames_skipped"] > skipped0, (skipped0, st)
    # ... while the reading one misses none but those wsd itself did not get
    # from capd (its one connection numbers them from 1).
    assert st["capd"]["reconnects"] == 0, st
    assert gaps(seqs) <= st["capd"]["last_seq"] - st["capd"]["frames"], (seqs, st)
    # The stalled client pins two frames at most (in flight and pending):
    # with capd's latest, the fast client's, a handful in all, not ~90.
    assert st["clients"] == 2 and st["frames_alive"] <= 5, st
    assert rss1 - rss0 < 8192, (rss0, rss1)


def test_client_that_never_reads_is_dropped(relay):
    _, wsd, port, _ = relay("--write-timeout", "1")
    stalled, _ = open_raw(port, rcvbuf=4096)
    wait_for(lambda: "not reading, dropping" in wsd.logtext(), timeout=20,
             what="stalled client dropped")
    wait_for(lambda: status(port)["clients"] == 0, what="client count")
    stalled.close()


def test_capd_restart_keeps_clients(daemons, tmp):
    path = os.path.join(tmp, "frames.sock")
    capd = start_capd(daemons, path)
    wsd, port = start_wsd(daemons, path)

    async def run():
        conns = [await websockets.connect(url(port), max_size=None) for _ in range(3)]
        for ws in conns:
            check_jpeg(await asyncio.wait_for(ws.recv(), 20))
        capd.kill()
        killed = time.time()
        wait_for(lambda: status(port)["capd"]["state"] == "connecting",
                 what="wsd reconnecting")
        start_capd(daemons, path)
        # A frame captured after the kill can only come from the new capd,
        # and it arrives on the connections opened before the outage.
        for ws in conns:
            for _ in range(1000):
                m = await asyncio.wait_for(ws.recv(), 20)
                check_jpeg(m)
                if com_segment(m)[1] > killed:
                    break
            assert com_segment(m)[1] > killed, "no frame of the new capd"
            for _ in range(4):
                check_jpeg(await asyncio.wait_for(ws.recv(), 20))
        for ws in conns:
            await ws.close()
    asyncio.run(run())
    assert status(port)["capd"]["reconnects"] >= 1
    assert wsd.alive()


def test_ipv6_and_two_listeners(daemons, tmp):
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback")
    p4, p6 = free_port(), free_port()
    path = os.path.join(tmp, "frames.sock")
    start_capd(daemons, path)
    daemons("wsd", "--listen", "127.0.0.1:%d" % p4, "--listen", "[::1]:%d" % p6,
            "--frames", path, wait_log="relaying frames")
    assert check_jpeg(asyncio.run(receive(url(p4), 1))[0])
    msgs = asyncio.run(receive("ws://[::1]:%d/stream" % p6, 2))
    assert all(check_jpeg(m) for m in msgs)


@pytest.mark.parametrize("args,msg", [
    (["--listen", "nowhere"], "not ADDRESS:PORT"),
    (["--max-clients", "0"], "--max-clients"),
    (["--ping-interval", "-1"], "--ping-interval"),
    (["--path", "stream"], "--path"),
    (["--bogus"], "--bogus: unknown option"),
])
def test_bad_options_are_one_line_errors(args, msg):
    r = subprocess.run([binary("wsd")] + args, capture_output=True, text=True, timeout=10)
    assert r.returncode != 0
    assert msg in r.stderr


def test_port_in_use_is_an_error(tmp):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = subprocess.run([binary("wsd"), "--listen", "127.0.0.1:%d" % port],
                           capture_output=True, text=True, timeout=10)
    assert r.returncode != 0 and "Address already in use" in r.stderr
