# SPDX-License-Identifier: ISC
"""Authentication (docs/auth.md) against the real daemons, and hostile clients."""
import base64
import http.client
import json
import os
import socket
import threading
import time

import pytest

from conftest import BUILD, free_port, wait_for

WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")
PASSWD = os.path.join(BUILD, "campipe-passwd")
GOOD = ("alice", "correct horse")
WRONG = ("alice", "battery staple")
CAROL = ("carol", "another one")
# Every path httpd serves: each needs credentials.
PATHS = ["/pi.jpg", "/snapshot.jpg", "/?action=snapshot", "/stream.mjpg",
         "/?action=stream", "/", "/index.html", "/api/status", "/api/config",
         "/api/token", "/metrics"]


def entry(user, password, method="bcrypt"):
    """One password file line made by campipe-passwd (cheap bcrypt)."""
    import subprocess
    r = subprocess.run([PASSWD, "-m", method] + (["-r", "4"] if method == "bcrypt" else [])
                       + [user], input=password.encode() + b"\n",
                       capture_output=True, check=True, timeout=60)
    return r.stdout.decode()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def basic(cred):
    return "Basic " + base64.b64encode(("%s:%s" % cred).encode()).decode()


class Site:
    """capd and httpd with a password file; requests with http.client."""

    def __init__(self, daemons, tmp, *args, delay=200):
        self.tmp = tmp
        self.htpasswd = os.path.join(tmp, "htpasswd")
        self.key = os.path.join(tmp, "token.key")
        if not os.path.exists(self.htpasswd):
            write(self.htpasswd, "# users\n" + entry(*GOOD) + entry(*CAROL))
        sock = os.path.join(tmp, "frames.sock")
        self.capd = daemons("capd", "--socket", sock, "--source", "test",
                            "--size", "160x120", "--fps", "20", "--warmup", "0",
                            wait_log="listening on")
        self.port = free_port()
        self.httpd = daemons("httpd", "--listen", "127.0.0.1:%d" % self.port,
                             "--frames", sock, "--www", WWW, "--htpasswd", self.htpasswd,
                             "--token-key", self.key, "--auth-delay", str(delay), *args,
                             wait_tcp=self.port)

    def get(self, path, cred=None, source="127.0.0.1", timeout=30):
        """(status, headers, first bytes of the body) for one request."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0))
        headers = {"Authorization": basic(cred)} if cred else {}
        try:
            conn.request("GET", path, headers=headers)
            r = conn.getresponse()
            body = r.read(4096) if r.status != 200 or "mjpg" not in path and \
                "action=stream" not in path else r.read(100)
            return r.status, {k.lower(): v for k, v in r.getheaders()}, body
        finally:
            conn.close()


def test_every_path_401_without_401_wrong_200_right(daemons, tmp):
    site = Site(daemons, tmp)
    for path in PATHS:
        code, h, _ = site.get(path)
        assert code == 401, path
        assert h["www-authenticate"] == 'Basic realm="campipe", charset="UTF-8"'
        assert site.get(path, WRONG)[0] == 401, path
        assert site.get(path, ("bob", GOOD[1]))[0] == 401, path
        code, h, body = site.get(path, GOOD)
        assert code == 200, (path, body)
    # No path is served, and none is told apart, without credentials.
    assert site.get("/no/such/file")[0] == 401
    assert site.get("/no/such/file", GOOD)[0] == 404
    assert site.get("/pi.jpg", GOOD)[2][:2] == b"\xff\xd8"
    # Malformed credentials are refused like wrong ones.
    for bad in ["Basic", "Basic !!!!", "Bearer x", "Basic " + "A" * 5000,
                "Basic " + base64.b64encode(b"alice").decode()]:
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
        conn.request("GET", "/api/status", headers={"Authorization": bad})
        assert conn.getresponse().status in (400, 401), bad
        conn.close()
    assert "wrong user or password" in site.httpd.logtext()


def test_token_issued_only_with_credentials(daemons, tmp):
    site = Site(daemons, tmp, "--token-ttl", "30")
    assert site.get("/api/token")[0] == 401
    before = int(time.time())
    code, h, body = site.get("/api/token", GOOD)
    after = int(time.time())
    assert code == 200 and h["content-type"] == "application/json"
    assert h["cache-control"] == "no-store"
    t = json.loads(body)
    assert t["protocol"] == "campipe.token." + t["token"]
    # Issued for 30 s from the moment of the request.
    assert before + 30 <= t["expires"] <= after + 30, (before, t["expires"], after)
    payload = t["token"].split(".")[0]
    assert base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)) == \
        b"alice|%d" % t["expires"]
    assert json.loads(site.get("/api/config", GOOD)[2])["auth"] is True
    # The key file was made private.
    assert os.stat(site.key).st_mode & 0o777 == 0o640


def test_metrics_own_password_file(daemons, tmp):
    mfile = os.path.join(tmp, "metrics.htpasswd")
    write(mfile, entry("prom", "scrape"))
    site = Site(daemons, tmp, "--metrics-htpasswd", mfile)
    assert site.get("/metrics")[0] == 401
    assert site.get("/metrics", GOOD, source="127.0.0.2")[0] == 401
    code, _, body = site.get("/metrics", ("prom", "scrape"), source="127.0.0.3")
    assert code == 200 and b"campipe_" in body
    assert site.get("/pi.jpg", ("prom", "scrape"), source="127.0.0.4")[0] == 401
    assert site.get("/pi.jpg", GOOD, source="127.0.0.5")[0] == 200


def test_sighup_rereads_the_file(daemons, tmp):
    site = Site(daemons, tmp)
    assert site.get("/api/status", GOOD)[0] == 200
    write(site.htpasswd, entry("bob", "new secret", "yescrypt"))
    site.httpd.proc.send_signal(1)
    wait_for(lambda: "password files re-read" in site.httpd.logtext(), what="reload")
    # alice was cached: the cache went with the old file.
    assert site.get("/api/status", GOOD, source="127.0.0.2")[0] == 401
    assert site.get("/api/status", ("bob", "new secret"), source="127.0.0.3")[0] == 200
    # A bad file is refused and the one in force stays.
    write(site.htpasswd, "bob:new secret\n")
    site.httpd.proc.send_signal(1)
    wait_for(lambda: "keeping the old password file" in site.httpd.logtext(),
             what="refusal")
    assert "line 1: plain-text password" in site.httpd.logtext()
    assert site.get("/api/status", ("bob", "new secret"), source="127.0.0.4")[0] == 200


def test_refuses_plain_text_at_start(tmp):
    import subprocess
    path = os.path.join(tmp, "htpasswd")
    write(path, "# ok\nalice:hunter2\n")
    r = subprocess.run([os.path.join(BUILD, "campipe-httpd"), "--listen",
                        "127.0.0.1:%d" % free_port(), "--htpasswd", path],
                       capture_output=True, timeout=30)
    assert r.returncode != 0
    err = r.stderr.decode()
    assert err.count("\n") == 1 and path + ": line 2: plain-text password" in err


def free_any_port():
    """A TCP port free on every address, for listening on 0.0.0.0."""
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        return s.getsockname()[1]


def config(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/api/config")
    r = conn.getresponse()
    assert r.status == 200
    return json.loads(r.read())


def test_warns_beyond_loopback_without_auth(daemons, tmp):
    # One warning line at start, and /api/config says "open" so that the
    # page shows its banner; not on loopback, not with a password.
    port = free_any_port()
    d = daemons("httpd", "--listen", "0.0.0.0:%d" % port, "--frames",
                os.path.join(tmp, "none.sock"), "--www", WWW, wait_tcp=port)
    wait_for(lambda: "0.0.0.0:%d is reachable from other hosts" % port in d.logtext(),
             what="warning")
    assert d.logtext().count("reachable from other hosts") == 1
    assert config(port)["open"] is True
    port = free_port()
    d = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames",
                os.path.join(tmp, "none.sock"), "--www", WWW, wait_log="serving ")
    assert "reachable from other hosts" not in d.logtext()
    assert config(port)["open"] is False
    site = Site(daemons, tmp, "--listen", "0.0.0.0:%d" % free_any_port())
    code, _, body = site.get("/api/config", GOOD)
    assert code == 200 and json.loads(body)["open"] is False
    port = free_any_port()
    d = daemons("wsd", "--listen", "0.0.0.0:%d" % port, "--frames",
                os.path.join(tmp, "none.sock"), wait_tcp=port)
    wait_for(lambda: "0.0.0.0:%d is reachable from other hosts" % port in d.logtext(),
             what="warning")


def test_wrong_passwords_slow_that_client_not_another(daemons, tmp):
    # 20 ms more per failure, at most 300 ms: 20 failures wait >= 3.9 s.
    site = Site(daemons, tmp, delay=20)
    done = threading.Event()
    good = []

    def other_client():
        while not done.is_set():
            begin = time.monotonic()
            code = site.get("/api/status", GOOD, source="127.0.0.2")[0]
            good.append((code, begin, time.monotonic()))

    def timed_bad():
        begin = time.monotonic()
        code = site.get("/api/status", WRONG)[0]
        spans.append((begin, time.monotonic()))
        return code

    spans = []
    t = threading.Thread(target=other_client)
    t.start()
    start = time.monotonic()
    bad = [timed_bad() for _ in range(19)]
    # Holds count from each failure: time the last one from before it.
    held = time.monotonic()
    bad.append(timed_bad())
    took = time.monotonic() - start
    # Right credentials (not cached yet) from the slowed address wait too.
    assert site.get("/api/status", CAROL)[0] == 200
    held = time.monotonic() - held
    done.set()
    t.join()
    assert bad == [401] * 20
    assert took >= 0.9 * (sum(min(20 * n, 300) for n in range(1, 20)))  / 1000
    assert held >= 0.27
    # Meanwhile the other address was served without waiting: some request
    # of it was answered from start to end while one of the slowed address
    # was held.
    assert good and {g[0] for g in good} == {200}, good
    assert any(b0 < g0 and g1 < b1 for _, g0, g1 in good for b0, b1 in spans[1:]), \
        (good, spans)


def test_slowloris_does_not_stop_a_normal_client(daemons, tmp):
    site = Site(daemons, tmp)
    socks = []
    for _ in range(300):
        s = socket.create_connection(("127.0.0.1", site.port), timeout=10)
        s.sendall(b"GET /api/status HTTP/1.1\r\nHost: localhost\r\n")
        socks.append(s)
    served = 0
    try:
        for rnd in range(4):
            for i, s in enumerate(socks):
                try:
                    s.sendall(b"X-%d: %d\r\n" % (rnd, i))
                except OSError:
                    pass
            for _ in range(5):
                code, _, body = site.get("/api/status", GOOD)
                assert code == 200 and b"uptime" in body
                served += 1
            time.sleep(1)
    finally:
        for s in socks:
            s.close()
    assert served == 20
    assert site.httpd.alive()


@pytest.mark.parametrize("req", [
    b"GET /api/status HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
    b"GET /api/status HTTP/1.1\r\nHost: localhost\r\n" +
    b"".join(b"X-H%d: v\r\n" % i for i in range(2000)) + b"\r\n",
    b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
    b"GET /api/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic " + b"A" * 9000 + b"\r\n\r\n",
], ids=["long-header", "many-headers", "long-target", "long-credentials"])
def test_oversized_headers_refused(daemons, tmp, req):
    site = Site(daemons, tmp)
    with socket.create_connection(("127.0.0.1", site.port), timeout=10) as s:
        try:
            s.sendall(req)
        except OSError:
            pass
        buf = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
        except ConnectionResetError:
            pass
    # An error status and a close, or a close.
    if buf:
        assert buf.split(b" ", 2)[1] in (b"400", b"413", b"431"), buf[:100]
    assert site.get("/api/status", GOOD)[0] == 200


# WebSocket: tokens from httpd, verified by wsd with the shared key file.

def wsd_site(daemons, tmp, *httpd_args):
    site = Site(daemons, tmp, *httpd_args)
    site.wsport = free_port()
    site.wsd = daemons("wsd", "--listen", "127.0.0.1:%d" % site.wsport, "--frames",
                       os.path.join(tmp, "frames.sock"), "--htpasswd", site.htpasswd,
                       "--token-key", site.key, "--auth-delay", "200",
                       "--allow-origin", "*", "-v", wait_tcp=site.wsport)
    return site


def token(site):
    code, _, body = site.get("/api/token", GOOD)
    assert code == 200
    return json.loads(body)["token"]


def ws_open(site, query="", protocols=None, headers=None):
    """Opens the WebSocket and reads one frame: (subprotocol, message) or the
    HTTP status of a refusal."""
    import asyncio
    import websockets

    async def run():
        uri = "ws://127.0.0.1:%d/stream%s" % (site.wsport, query)
        try:
            async with websockets.connect(uri, subprotocols=protocols,
                                          extra_headers=headers or {},
                                          max_size=None, open_timeout=20) as ws:
                msg = await asyncio.wait_for(ws.recv(), 20)
                return ws.subprotocol, msg
        except websockets.exceptions.InvalidStatusCode as e:
            return e.status_code
    return asyncio.run(run())


def test_websocket_needs_a_valid_token(daemons, tmp):
    site = wsd_site(daemons, tmp)
    tok = token(site)
    # A fresh token, as a subprotocol: the frame flows, "campipe" is chosen.
    proto, msg = ws_open(site, protocols=["campipe", "campipe.token." + tok])
    assert proto == "campipe" and msg[:2] == b"\xff\xd8"
    # ... or in the query.
    proto, msg = ws_open(site, "?fps=5&token=" + tok)
    assert proto is None and msg[:2] == b"\xff\xd8"
    # Basic credentials also do, for clients that send them.
    assert ws_open(site, headers={"Authorization": basic(GOOD)})[1][:2] == b"\xff\xd8"
    # No token, a tampered one, one signed with another key: 401.
    assert ws_open(site) == 401
    assert ws_open(site, protocols=["campipe"]) == 401
    bad = tok[:-2] + ("AA" if tok[-2:] != "AA" else "BA")
    assert ws_open(site, protocols=["campipe", "campipe.token." + bad]) == 401
    import hashlib
    import hmac
    payload, _ = tok.split(".")
    mac = hmac.new(os.urandom(32), base64.urlsafe_b64decode(payload + "=="),
                   hashlib.sha256).digest()
    other = payload + "." + base64.urlsafe_b64encode(mac).decode().rstrip("=")
    assert ws_open(site, "?token=" + other) == 401
    assert ws_open(site, headers={"Authorization": basic(WRONG)}) == 401
    # wsd's /status needs credentials too.
    conn = http.client.HTTPConnection("127.0.0.1", site.wsport, timeout=30)
    conn.request("GET", "/status")
    r = conn.getresponse()
    assert r.status == 401 and r.getheader("WWW-Authenticate").startswith("Basic")
    conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", site.wsport, timeout=30,
                                      source_address=("127.0.0.2", 0))
    conn.request("GET", "/status?token=" + tok)
    r = conn.getresponse()
    assert r.status == 200 and "clients" in json.loads(r.read())
    conn.close()
    log = site.wsd.logtext()
    assert log.count("refused with 401") == 6 and "token signature does not match" in log


def test_websocket_token_expires(daemons, tmp):
    site = wsd_site(daemons, tmp, "--token-ttl", "1")
    tok = token(site)
    deadline = json.loads(site.get("/api/token", GOOD)[2])["expires"]
    wait_for(lambda: time.time() > deadline + 0.2, timeout=5, what="expiry")
    assert ws_open(site, protocols=["campipe", "campipe.token." + tok]) == 401
    assert "token expired" in site.wsd.logtext()
    assert ws_open(site, protocols=["campipe", "campipe.token." + token(site)])[1][:2] \
        == b"\xff\xd8"


def test_token_of_a_user_removed_from_the_file_is_refused(daemons, tmp):
    site = wsd_site(daemons, tmp, "--token-ttl", "30")
    tok = token(site)
    assert ws_open(site, protocols=["campipe", "campipe.token." + tok])[1][:2] \
        == b"\xff\xd8"
    # alice leaves the file; wsd re-reads it: her unexpired token opens
    # nothing, and httpd issues her none.
    write(site.htpasswd, entry("bob", "new secret"))
    site.wsd.proc.send_signal(1)
    site.httpd.proc.send_signal(1)
    wait_for(lambda: "re-read" in site.wsd.logtext() and
             "re-read" in site.httpd.logtext(), what="both reloads")
    assert ws_open(site, protocols=["campipe", "campipe.token." + tok]) == 401
    assert 'token for "alice", who is not in the password file' in site.wsd.logtext()
    code, _, body = site.get("/api/token", ("bob", "new secret"))
    assert code == 200
    bob_tok = json.loads(body)["token"]
    assert ws_open(site, protocols=["campipe", "campipe.token." + bob_tok])[1][:2] \
        == b"\xff\xd8"


def test_websocket_failed_logins_are_held(daemons, tmp):
    site = wsd_site(daemons, tmp)
    wrong = {"Authorization": basic(WRONG)}
    # The holds count from each failure, so time from before the first one.
    start = time.monotonic()
    assert ws_open(site, headers=wrong) == 401
    assert ws_open(site, headers=wrong) == 401
    assert ws_open(site, headers=wrong) == 401
    # The second and third are held 200 ms, then 400 ms, before being checked.
    assert time.monotonic() - start >= 0.55
    # The right credentials, once their wait is over, pass and clear it.
    assert ws_open(site, headers={"Authorization": basic(CAROL)})[1][:2] == b"\xff\xd8"
    start = time.monotonic()
    assert ws_open(site, headers=wrong) == 401
    assert ws_open(site, protocols=["campipe", "campipe.token." + token(site)])[1][:2] \
        == b"\xff\xd8"


def test_stream_page_in_chromium_with_passwords(daemons, tmp):
    """A real browser: Basic login, then the page's token opens wsd."""
    import subprocess
    from test_browser import BROWSER, CHROMIUM, npm_ci
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    site = wsd_site(daemons, tmp)
    # The page finds wsd through /api/config: restart httpd pointing at it.
    site.httpd.stop()
    site.port = free_port()
    site.httpd = daemons("httpd", "--listen", "127.0.0.1:%d" % site.port, "--frames",
                         os.path.join(tmp, "frames.sock"), "--www", WWW,
                         "--htpasswd", site.htpasswd, "--token-key", site.key,
                         "--ws-port", str(site.wsport), wait_tcp=site.port)
    artifacts = os.path.join(BUILD, "artifacts")
    os.makedirs(artifacts, exist_ok=True)
    r = subprocess.run(["node", os.path.join(BROWSER, "auth.mjs"),
                        "http://127.0.0.1:%d/" % site.port] + list(GOOD) + [artifacts],
                       cwd=BROWSER, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, CHROMIUM=CHROMIUM))
    assert r.returncode == 0 and "all checks passed" in r.stdout, r.stdout + r.stderr
    assert "WebSocket open" in site.wsd.logtext()
