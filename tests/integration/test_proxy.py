# SPDX-License-Identifier: ISC
"""campipe behind a real TLS reverse proxy: Debian's nginx with a private
configuration (tests/integration/nginx-campipe.conf), a certificate made
here with openssl, the camera under /cam/; and X-Forwarded-For believed
from --trusted-proxy only."""
import asyncio
import base64
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest
import websockets

from conftest import BUILD, binary, free_port, tcp_listening, wait_for
from framesock import com_segment

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WWW = os.path.join(ROOT, "www")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def tls_site(daemons, tmp, *httpd_args):
    """capd, wsd on its handoff socket, httpd, and nginx with TLS: the
    port of nginx."""
    frames = os.path.join(tmp, "frames.sock")
    handoff = os.path.join(tmp, "wsd.sock")
    daemons("capd", "--socket", frames, "--source", "test", "--fps", "30",
            "--size", "320x240", wait_log="listening on")
    daemons("wsd", "--handoff", handoff, "--frames", frames,
            wait_log="relaying frames")
    hport, port = free_port(), free_port()
    daemons("httpd", "--listen", "127.0.0.1:%d" % hport, "--frames", frames,
            "--www", WWW, "--ws-handoff", handoff, "--trusted-proxy",
            "127.0.0.1", *httpd_args, wait_tcp=hport)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", os.path.join(tmp, "key.pem"), "-out",
                    os.path.join(tmp, "cert.pem"), "-days", "1", "-subj",
                    "/CN=127.0.0.1"], check=True, capture_output=True)
    with open(os.path.join(HERE, "nginx-campipe.conf")) as f:
        conf = (f.read().replace("HTTPD_PORT", str(hport))
                .replace("PORT", str(port)).replace("TMP", tmp))
    path = os.path.join(tmp, "nginx.conf")
    with open(path, "w") as f:
        f.write(conf)
    daemons("nginx", "-c", path, "-p", tmp, exe=NGINX, wait_tcp=port)
    return port


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def mjpeg_frames(port, n):
    """Reads the MJPEG stream over TLS until n whole JPEGs came: its head."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with tls_context().wrap_socket(s) as t:
            t.sendall(b"GET /cam/stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            data = b""
            while data.count(b"\xff\xd9") < n:
                chunk = t.recv(65536)
                assert chunk, "stream ended"
                data += chunk
    return data.partition(b"\r\n\r\n")[0].decode()


def get(port, path):
    raw = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n"
           % (path, port)).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with tls_context().wrap_socket(s) as t:
            t.sendall(raw)
            data = b""
            while True:
                chunk = t.recv(65536)
                if not chunk:
                    break
                data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


async def wss_frames(port, n):
    uri = "wss://127.0.0.1:%d/cam/stream" % port
    async with websockets.connect(uri, ssl=tls_context(), max_size=None,
                                  origin="https://127.0.0.1:%d" % port) as ws:
        return [await asyncio.wait_for(ws.recv(), 20) for _ in range(n)]


def test_tls_proxy_serves_page_stills_mjpeg_and_wss(daemons, tmp):
    port = tls_site(daemons, tmp)
    code, body = get(port, "/cam/")
    assert code == 200 and b"viewer.js" in body
    code, body = get(port, "/cam/pi.jpg")
    assert code == 200 and body[:2] == b"\xff\xd8"
    code, body = get(port, "/cam/api/config")
    assert code == 200 and b'"port":0' in body
    msgs = asyncio.run(wss_frames(port, 10))
    seqs = [com_segment(m)[0] for m in msgs]
    assert all(b == a + 1 for a, b in zip(seqs, seqs[1:])), seqs
    # MJPEG through the proxy: two whole frames.
    head = mjpeg_frames(port, 2)
    assert head.startswith("HTTP/1.1 200") and "multipart/x-mixed-replace" in head


@pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="no Chromium")
def test_viewer_behind_tls_proxy_in_chromium(daemons, tmp):
    from test_browser import npm_ci, BROWSER
    npm_ci()
    port = tls_site(daemons, tmp)
    artifacts = os.path.join(BUILD, "artifacts")
    r = subprocess.run(
        ["node", os.path.join(BROWSER, "viewer.mjs"),
         "https://127.0.0.1:%d/cam/" % port, artifacts],
        cwd=BROWSER, capture_output=True, text=True, timeout=150,
        env=dict(os.environ, CHROMIUM=CHROMIUM, CAMPIPE_PROXIED="1"))
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "all checks passed" in out, out
    assert "live through the proxy: latency shown" in out


def held_order(port, bad_xff, xffs):
    """After a failed login from bad_xff, sends a good login from each of
    xffs, 0.2 s apart; returns them in the order their answers came, and
    the seconds each waited for its answer."""
    basic = base64.b64encode(b"alice:secret").decode()
    wrong = base64.b64encode(b"alice:wrong").decode()

    def req(auth, xff):
        return ("GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                "Authorization: Basic %s\r\nX-Forwarded-For: %s\r\n\r\n"
                % (auth, xff)).encode()

    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(req(wrong, bad_xff))
        assert s.recv(65536).startswith(b"HTTP/1.1 401")
    order, waited, lock = [], {}, threading.Lock()

    def one(xff):
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            t = time.monotonic()
            s.sendall(req(basic, xff))
            assert s.recv(65536).startswith(b"HTTP/1.1 200")
            t = time.monotonic() - t
        with lock:
            order.append(xff)
            waited[xff] = t
    threads = []
    for x in xffs:
        threads.append(threading.Thread(target=one, args=(x,)))
        threads[-1].start()
        time.sleep(0.2)
    for t in threads:
        t.join()
    return order, waited


@pytest.mark.parametrize("trusted", [True, False])
def test_forwarded_for_only_from_trusted_proxy(daemons, tmp, trusted):
    """A failed login holds that client's next try (3 s after the failure).
    Behind a trusted proxy the client is X-Forwarded-For's: another address
    is not held and is answered first.  From an untrusted peer the header is
    ignored: both are the peer, and both are held."""
    pw = os.path.join(tmp, "htpasswd")
    subprocess.run(["sh", "-c", "printf 'secret\\nsecret\\n' | %s alice > %s"
                    % (binary("passwd"), pw)], check=True)
    frames = os.path.join(tmp, "frames.sock")
    port = free_port()
    args = ["--listen", "127.0.0.1:%d" % port, "--frames", frames, "--www", WWW,
            "--htpasswd", pw, "--auth-delay", "3000"]
    if trusted:
        args += ["--trusted-proxy", "127.0.0.1"]
    else:
        args += ["--trusted-proxy", "192.0.2.1"]
    daemons("httpd", *args, wait_tcp=port)
    order, waited = held_order(port, "198.51.100.1",
                               ["198.51.100.1", "198.51.100.2"])
    # The failed address is held either way.
    assert waited["198.51.100.1"] >= 2.5, waited
    if trusted:
        assert order == ["198.51.100.2", "198.51.100.1"], waited
    else:
        assert waited["198.51.100.2"] >= 2.0, waited
