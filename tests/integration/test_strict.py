# SPDX-License-Identifier: ISC
"""Strict HTTP and the browser side, against the real httpd and wsd over raw
sockets: heads a proxy could read another way get 400 and a closed
connection, unknown Host names get 421, every error is framed, HEAD on the
stream has GET's headers, and pages carry their security headers."""
import os
import socket
import time

import pytest

from conftest import free_port

WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")
HOSTNAME = socket.gethostname()


@pytest.fixture
def server(daemons, tmp):
    """Starts httpd or wsd (no capd: these answers need no frames)."""
    def start(name, *args):
        port, sock = free_port(), os.path.join(tmp, "frames.sock")
        if name == "httpd":
            daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", sock,
                    "--www", WWW, "--ws-port", "18081", *args, wait_tcp=port)
        else:
            daemons("wsd", "--listen", "127.0.0.1:%d" % port, "--frames", sock,
                    *args, wait_tcp=port)
        return port
    return start


def parse(buf):
    """(status, headers with lower-case names, the bytes after the head)."""
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers.setdefault(k.strip().lower(), v.strip())
    return int(lines[0].split()[1]), headers, rest


def exchange(port, raw, wait=5.0):
    """Sends raw bytes; reads until the server closes or wait seconds pass.
    Returns (everything read, True if the server closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(raw)
        buf, end = b"", time.monotonic() + wait
        while time.monotonic() < end:
            s.settimeout(max(0.05, end - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return buf, False
            except ConnectionResetError:
                return buf, True
            if not chunk:
                return buf, True
            buf += chunk
        return buf, False


def one_response(port, raw, wait=5.0, closing=False):
    """One framed answer: (status, headers, body, closed after it).  Reads
    up to the end of the body; with closing, then waits for the close."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(raw)
        buf, n = b"", None
        while n is None or len(buf.partition(b"\r\n\r\n")[2]) < n:
            chunk = s.recv(65536)
            assert chunk, "closed before a whole answer: %r" % buf
            buf += chunk
            if n is None and b"\r\n\r\n" in buf:
                headers = parse(buf)[1]
                assert "content-length" in headers, buf[:300]
                n = int(headers["content-length"])
        code, headers, rest = parse(buf)
        assert len(rest) == n, buf
        closed = False
        if closing:
            try:
                closed = s.recv(1) == b""
            except (socket.timeout, ConnectionResetError) as e:
                closed = isinstance(e, ConnectionResetError)
    return code, headers, rest, closed


def good(port, daemon):
    """The positive control: the same kind of request, well-formed."""
    path = b"/api/config" if daemon == "httpd" else b"/status"
    return b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\n"


def refused(port, daemon, raw, reason):
    """The head gets 400 with reason, framed, and the connection closes."""
    code, headers, body, closed = one_response(port, raw, closing=True)
    assert code == 400, body
    assert headers.get("connection", "").lower() == "close"
    assert body == reason.encode() + b"\n", body
    assert closed, "the connection stayed open after the 400"


DAEMONS = ["httpd", "wsd"]


@pytest.mark.parametrize("daemon", DAEMONS)
def test_400_for_two_content_lengths(server, daemon):
    port = server(daemon)
    ok = good(port, daemon)
    assert one_response(port, ok + b"Content-Length: 0\r\n\r\n")[0] == 200
    refused(port, daemon, ok + b"Content-Length: 0\r\nContent-Length: 0\r\n\r\n",
            "more than one Content-Length")
    refused(port, daemon, ok + b"Content-Length: 0\r\ncontent-length: 3\r\n\r\nabc",
            "more than one Content-Length")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_400_for_content_length_not_plain_digits(server, daemon):
    port = server(daemon)
    ok = good(port, daemon)
    assert one_response(port, ok + b"Content-Length:  0 \r\n\r\n")[0] == 200
    for v in [b"+0", b"-0", b"0x0", b"0 0", b"0,0", b"1e0", b"\xd9\xa0"]:
        refused(port, daemon, ok + b"Content-Length: " + v + b"\r\n\r\n",
                "Content-Length is not plain digits")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_400_for_http11_without_exactly_one_host(server, daemon):
    port = server(daemon)
    path = b"/api/config" if daemon == "httpd" else b"/status"
    assert one_response(port, b"GET " + path + b" HTTP/1.0\r\n\r\n")[0] == 200
    refused(port, daemon, b"GET " + path + b" HTTP/1.1\r\n\r\n",
            "HTTP/1.1 needs exactly one Host")
    refused(port, daemon, b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\n"
            b"Host: localhost\r\n\r\n", "HTTP/1.1 needs exactly one Host")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_400_for_two_origin_host_or_sec_fetch_site_headers(server, daemon):
    port = server(daemon)
    ok = good(port, daemon)
    own = b"Origin: http://localhost:%d\r\n" % port
    site = b"Sec-Fetch-Site: same-origin\r\n"
    # Positive control: one of each passes.
    assert one_response(port, ok + own + site + b"\r\n")[0] == 200
    refused(port, daemon, ok + own + b"Origin: http://evil.example\r\n\r\n",
            "more than one Origin")
    refused(port, daemon, ok + site + b"sec-fetch-site: cross-site\r\n\r\n",
            "more than one Sec-Fetch-Site")
    refused(port, daemon, ok + b"Host: evil.example\r\n\r\n",
            "HTTP/1.1 needs exactly one Host")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_400_for_version_other_than_10_11(server, daemon):
    port = server(daemon)
    path = b"/api/config" if daemon == "httpd" else b"/status"
    for v in [b"HTTP/1.2", b"HTTP/2.0", b"HTTP/0.9", b"HTTP/ 1.1", b"http/1.1",
              b"HTTP/1.10"]:
        refused(port, daemon, b"GET " + path + b" " + v + b"\r\nHost: localhost\r\n\r\n",
                "unsupported HTTP version")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_400_for_whitespace_before_colon(server, daemon):
    port = server(daemon)
    ok = good(port, daemon)
    assert one_response(port, ok + b"X-A: 1\r\n\r\n")[0] == 200
    refused(port, daemon, ok + b"X-A : 1\r\n\r\n", "whitespace between field name and colon")
    refused(port, daemon, ok + b"Content-Length\t: 0\r\n\r\n",
            "whitespace between field name and colon")


@pytest.mark.parametrize("daemon", DAEMONS)
def test_400_for_obs_fold(server, daemon):
    port = server(daemon)
    ok = good(port, daemon)
    assert one_response(port, ok + b"X-A: 1 2\r\n\r\n")[0] == 200
    refused(port, daemon, ok + b"X-A: 1\r\n 2\r\n\r\n", "obs-fold continuation line")
    refused(port, daemon, ok + b"X-A: 1\r\n\t2\r\n\r\n", "obs-fold continuation line")


def test_400_for_a_bad_head_arriving_in_pieces(server):
    """The head is judged on the bytes, whatever the reads evhttp sees."""
    port = server("httpd")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        for piece in [b"GET /api/config HTTP/1.1\r\n", b"Host: localhost\r\n",
                      b"X-A: 1\r\n", b" 2\r\n", b"\r\n"]:
            s.sendall(piece)
            time.sleep(0.05)
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    code, headers, body = parse(buf)
    assert code == 400 and body == b"obs-fold continuation line\n"


def test_connect_405_framed_and_closes(server):
    port = server("httpd")
    buf, closed = exchange(port, b"CONNECT localhost:22 HTTP/1.1\r\nHost: localhost:22\r\n\r\n"
                           b"GET /api/config HTTP/1.1\r\nHost: localhost\r\n\r\n")
    code, headers, rest = parse(buf)
    assert code == 405 and headers["allow"] == "GET, HEAD"
    assert headers["connection"].lower() == "close"
    assert rest == b"method not allowed\n" and int(headers["content-length"]) == len(rest)
    assert closed, "the connection stayed open after 405 to CONNECT"


def test_error_responses_are_framed(server, daemons, tmp):
    port = server("httpd", "--max-clients", "1")
    cases = [
        (b"POST /api/config HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nab", 405),
        (b"DELETE / HTTP/1.1\r\nHost: localhost\r\n\r\n", 405),
        (b"FOO / HTTP/1.1\r\nHost: localhost\r\n\r\n", 501),
        (b"GET /nothing-here HTTP/1.1\r\nHost: localhost\r\n\r\n", 404),
        (b"GET /stream.mjpg?fps=x HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
        (b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n", 421),
        (b"GET / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
         400),
    ]
    for raw, want in cases:
        code, headers, body, _ = one_response(port, raw)
        assert code == want, raw
        assert len(body) == int(headers["content-length"]) > 0, raw
    # 503 with one stream held open.
    with socket.create_connection(("127.0.0.1", port), timeout=5) as held:
        held.sendall(b"GET /stream.mjpg HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert held.recv(100).startswith(b"HTTP/1.1 200")
        code, headers, body, _ = one_response(
            port, b"GET /stream.mjpg HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert code == 503 and body == b"too many clients\n"


def test_head_on_stream_has_get_headers(server):
    port = server("httpd")
    for version in [b"1.1", b"1.0"]:
        heads = {}
        for method in [b"GET", b"HEAD"]:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(method + b" /stream.mjpg HTTP/" + version +
                          b"\r\nHost: localhost\r\n\r\n")
                buf = b""
                while b"\r\n\r\n" not in buf:
                    chunk = s.recv(4096)
                    assert chunk, buf
                    buf += chunk
            head = buf.partition(b"\r\n\r\n")[0].split(b"\r\n")
            heads[method] = sorted(h for h in head if not h.lower().startswith(b"date:"))
        assert heads[b"HEAD"] == heads[b"GET"], heads


@pytest.mark.parametrize("daemon", DAEMONS)
def test_421_for_unknown_host_names(server, daemon):
    port = server(daemon, "--server-name", "cam.example.org")
    path = b"/api/config" if daemon == "httpd" else b"/status"
    allowed = [b"localhost", b"localhost:%d" % port, b"127.0.0.1", b"127.0.0.1:%d" % port,
               b"[::1]:%d" % port, HOSTNAME.encode(),
               HOSTNAME.split(".")[0].encode() + b".local:%d" % port,
               b"cam.example.org", b"CAM.example.org:8080"]
    for host in allowed:
        code, _, body, _ = one_response(port, b"GET " + path + b" HTTP/1.1\r\nHost: " +
                                        host + b"\r\n\r\n")
        assert code == 200, (host, body)
    for host in [b"evil.example", b"evil.example:%d" % port, b"127.0.0.1.nip.io",
                 b"localhost.evil.example", b"cam.example.org.evil.example", b"x"]:
        code, _, body, _ = one_response(port, b"GET " + path + b" HTTP/1.1\r\nHost: " +
                                        host + b"\r\n\r\n")
        assert code == 421, host
        assert body == b"unknown host name: add it with --server-name\n"


def test_421_for_unknown_absolute_form_host(server):
    port = server("httpd")
    code, _, _, _ = one_response(
        port, b"GET http://localhost/api/config HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert code == 200
    code, _, _, _ = one_response(
        port, b"GET http://evil.example/api/config HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert code == 421


def test_421_for_websocket_upgrade_to_unknown_host(server):
    port = server("wsd")
    key = b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    up = (b"GET /stream HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + key +
          b"Sec-WebSocket-Version: 13\r\n")
    buf, _ = exchange(port, up + b"Host: 127.0.0.1:%d\r\nOrigin: http://127.0.0.1:%d\r\n\r\n"
                      % (port, port), wait=1.0)
    assert buf.startswith(b"HTTP/1.1 101 "), buf
    buf, closed = exchange(port, up + b"Host: rebound.example:%d\r\n"
                           b"Origin: http://rebound.example:%d\r\n\r\n" % (port, port))
    assert buf.startswith(b"HTTP/1.1 421 Misdirected Request\r\n") and closed, buf


def test_security_headers_on_pages_and_api(server):
    port = server("httpd")
    for path in [b"/", b"/index.html", b"/stream.html", b"/viewer.js", b"/api/config",
                 b"/api/status"]:
        code, h, _, _ = one_response(port, b"GET " + path +
                                     b" HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port)
        assert code == 200, path
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"
        csp = [d.strip() for d in h["content-security-policy"].split(";")]
        assert "default-src 'self'" in csp
        assert "connect-src 'self' ws://127.0.0.1:18081 wss://127.0.0.1:18081" in csp
        assert "frame-ancestors 'self'" in csp
    # The WebSocket source follows the name the page was asked by.
    _, h, _, _ = one_response(port, b"GET / HTTP/1.1\r\nHost: localhost:%d\r\n\r\n" % port)
    assert "ws://localhost:18081 " in h["content-security-policy"]


def test_frame_ancestors_option(server):
    port = server("httpd", "--frame-ancestors", "'self'", "--frame-ancestors",
                  "http://homeassistant.local:8123 http://octopi.local")
    _, h, _, _ = one_response(port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert h["content-security-policy"].endswith(
        "; frame-ancestors 'self' http://homeassistant.local:8123 http://octopi.local")


# Routes that change state: none today.  A route added here must refuse GET.
STATE_CHANGING = []
API = [b"/api/status", b"/api/config", b"/api/token", b"/metrics", b"/pi.jpg",
       b"/stream.mjpg"]


def test_nothing_changes_state_on_get(server):
    port = server("httpd")
    for path in STATE_CHANGING:
        code, _, _, _ = one_response(port, b"GET " + path +
                                     b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert code == 405, path
    # And no route takes another method, so no route changes state at all.
    for path in API:
        for m in [b"POST", b"PUT", b"DELETE", b"PATCH"]:
            code, h, _, closed = one_response(
                port, m + b" " + path + b" HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Length: 2\r\n\r\n{}", closing=True)
            assert code == 405 and h["allow"] == "GET, HEAD" and closed, (m, path)
