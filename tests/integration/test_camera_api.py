# SPDX-License-Identifier: ISC
"""capd's settings and status through httpd and wsd (docs/httpd.md,
docs/control.md): admins only, JSON and same origin for changes, GET never
changes anything, and capd's truth in /api/status and wsd's /status."""
import asyncio
import http.client
import json
import os
import socket
import threading
import time

import websockets

from conftest import binary, free_port, wait_for
from test_auth import CAROL, GOOD, basic, entry, write

WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")
BOB = ("bob", "not an admin")


def start(daemons, tmp, *httpd_args, auth=True):
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--socket", frames, "--source", "test", "--size",
            "320x240", "--fps", "20", "--warmup", "0", "--idle-stop", "0.3",
            "--state", os.path.join(tmp, "state.json"),
            wait_log="listening on")
    port = free_port()
    args = ["--listen", "127.0.0.1:%d" % port, "--frames", frames, "--www", WWW]
    if auth:
        htpasswd = os.path.join(tmp, "htpasswd")
        write(htpasswd, entry(*GOOD) + entry(*BOB) + entry(*CAROL))
        args += ["--htpasswd", htpasswd, "--admin", "alice", "--admin", "carol",
                 "--auth-delay", "100"]
    daemons("httpd", *args, *httpd_args, wait_tcp=port)
    return port, frames


def request(port, method, path, body=None, cred=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = dict(headers or {})
    if cred:
        h["Authorization"] = basic(cred)
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        ctype = r.getheader("Content-Type", "")
        return r.status, json.loads(data) if ctype == "application/json" and data else data
    finally:
        conn.close()


def change(port, body, cred=GOOD, ctype="application/json", origin=True, extra=None):
    h = {"Content-Type": ctype} if ctype else {}
    if origin:
        h["Origin"] = "http://127.0.0.1:%d" % port
        h["Sec-Fetch-Site"] = "same-origin"
    h.update(extra or {})
    return request(port, "PATCH", "/api/camera/settings", body, cred, h)


def camera(port, cred=GOOD):
    code, doc = request(port, "GET", "/api/camera", cred=cred)
    assert code == 200, doc
    return doc


def test_admins_change_the_rest_read(daemons, tmp):
    port, _ = start(daemons, tmp)
    doc = camera(port, BOB)
    assert doc["admin"] is False and doc["settings"]["quality"]["value"] == 80
    assert doc["status"]["source"] == "test"
    code, doc = change(port, '{"quality":30}', cred=BOB)
    assert code == 403 and doc == {"error": "only admins (--admin) may "
                                   "change settings"}, doc
    assert camera(port)["settings"]["quality"]["value"] == 80
    # Positive control: an admin's same change goes through.
    assert camera(port, GOOD)["admin"] is True
    code, doc = change(port, '{"quality":30}', cred=GOOD)
    assert code == 200 and doc["quality"]["value"] == 30, doc
    code, doc = change(port, '{"quality":31}', cred=CAROL)
    assert code == 200 and doc["quality"]["value"] == 31
    with open(os.path.join(tmp, "state.json")) as f:
        assert json.load(f)["quality"] == 31
    # capd's refusal comes back as it is.
    code, doc = change(port, '{"quality":31,"fps":0}')
    assert code == 400 and doc == {"error": "fps: 0 out of range (1 to 240)"}
    # Without credentials: 401, as everywhere.
    code, _ = change(port, '{"quality":5}', cred=None)
    assert code == 401
    assert camera(port)["settings"]["quality"]["value"] == 31


def test_cross_origin_and_forms_are_refused(daemons, tmp):
    port, _ = start(daemons, tmp)
    refused = [
        dict(origin=False, extra={"Origin": "http://evil.example"}),
        dict(origin=False, extra={"Origin": "http://127.0.0.1:%d.evil.example" % port}),
        dict(origin=False, extra={"Origin": "null"}),
        dict(extra={"Sec-Fetch-Site": "cross-site"}),
        dict(extra={"Sec-Fetch-Site": "same-site"}),
    ]
    for kw in refused:
        code, doc = change(port, '{"quality":20}', **kw)
        assert code == 403 and doc == {"error": "cross-origin change refused"}, kw
    for ctype in ("application/x-www-form-urlencoded", "text/plain",
                  "multipart/form-data; boundary=x", None):
        code, doc = change(port, '{"quality":20}', ctype=ctype)
        assert code == 415, (ctype, doc)
    code, _ = request(port, "POST", "/api/camera/settings", '{"quality":20}',
                      GOOD, {"Content-Type": "application/json"})
    assert code == 405
    assert camera(port)["settings"]["quality"]["value"] == 80
    # Positive controls: same origin from a browser, and a tool with neither.
    code, _ = change(port, '{"quality":20}')
    assert code == 200
    code, _ = change(port, '{"quality":21}', origin=False)
    assert code == 200
    assert camera(port)["settings"]["quality"]["value"] == 21


def test_admin_patch_with_two_origins_is_400(daemons, tmp):
    port, _ = start(daemons, tmp)
    auth = "Authorization: %s\r\n" % basic(GOOD)
    body = b'{"quality":33}'

    def patch(extra):
        return raw(port, ("PATCH /api/camera/settings HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                          "%sContent-Type: application/json\r\nContent-Length: %d\r\n"
                          "%s\r\n" % (port, auth, len(body), extra)).encode(), body)

    own = "Origin: http://127.0.0.1:%d\r\n" % port
    for extra in [own + "Origin: http://evil.example\r\n",
                  "Origin: http://evil.example\r\n" + own,
                  own + "Sec-Fetch-Site: same-origin\r\nSec-Fetch-Site: cross-site\r\n"]:
        head = patch(extra)
        assert head.startswith("HTTP/1.1 400 "), (extra, head)
    assert camera(port)["settings"]["quality"]["value"] == 80
    # Positive control: one Origin, the own one.
    head = patch(own + "Sec-Fetch-Site: same-origin\r\n")
    assert head.startswith("HTTP/1.1 200 "), head
    assert camera(port)["settings"]["quality"]["value"] == 33


def test_empty_or_malformed_patch_is_400_with_a_reason(daemons, tmp):
    port, _ = start(daemons, tmp)
    for body in ["", "{", "[1]", "null", '"quality"', "{\"quality\":", "\x00"]:
        code, doc = change(port, body)
        assert code == 400, (body, code, doc)
        assert isinstance(doc, dict) and doc.get("error"), (body, doc)
        assert doc["error"] != "capd refused the change", (body, doc)
    code, doc = change(port, "")
    assert doc == {"error": "empty body: expected a JSON object of settings"}, doc
    assert camera(port)["settings"]["quality"]["value"] == 80
    # Positive control: a well-formed change still goes through.
    code, doc = change(port, '{"quality":35}')
    assert code == 200 and doc["quality"]["value"] == 35, doc


def raw(port, head, body=b""):
    """Sends bytes as they are; the status line and the headers back."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head + body)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.split(b"\r\n\r\n")[0].decode("latin-1")


def test_patch_passes_the_strict_head_and_host_rules(daemons, tmp):
    port, _ = start(daemons, tmp)
    auth = "Authorization: %s\r\n" % basic(GOOD)

    def patch(host, framing, body):
        return raw(port, ("PATCH /api/camera/settings HTTP/1.1\r\nHost: %s\r\n"
                          "%sContent-Type: application/json\r\n%s\r\n"
                          % (host, auth, framing)).encode(), body)

    body = b'{"quality":44}'
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    head = patch("127.0.0.1:%d" % port, "Transfer-Encoding: chunked\r\n", chunked)
    assert head.startswith("HTTP/1.1 400 "), head
    head = patch("evil.example", "Content-Length: %d\r\n" % len(body), body)
    assert head.startswith("HTTP/1.1 421 "), head
    head = raw(port, ("POST /api/camera/settings HTTP/1.1\r\nHost: localhost\r\n"
                      "%sContent-Length: 0\r\n\r\n" % auth).encode())
    assert head.startswith("HTTP/1.1 405 ") and "\r\nAllow: PATCH\r\n" in head, head
    assert camera(port)["settings"]["quality"]["value"] == 80
    # Positive control: the same change framed by Content-Length, to a known Host.
    head = patch("localhost:%d" % port, "Content-Length: %d\r\n" % len(body), body)
    assert head.startswith("HTTP/1.1 200 "), head
    assert camera(port)["settings"]["quality"]["value"] == 44


def test_get_never_changes_anything(daemons, tmp):
    port, _ = start(daemons, tmp)
    before = camera(port)["settings"]
    for path in ("/api/camera/settings?quality=5", "/api/camera?quality=5",
                 "/api/camera/settings", "/api/status?quality=5"):
        for method in ("GET", "HEAD"):
            code, _ = request(port, method, path, cred=GOOD)
            assert code in (200, 405), (method, path, code)
            if path.startswith("/api/camera/settings"):
                assert code == 405
    assert camera(port)["settings"] == before
    assert not os.path.exists(os.path.join(tmp, "state.json"))


def test_admin_needs_htpasswd(tmp):
    import subprocess
    r = subprocess.run([binary("httpd"), "--admin", "alice"], capture_output=True,
                       timeout=10)
    assert r.returncode != 0 and b"--admin needs --htpasswd" in r.stderr


def test_without_passwords_nobody_may_change(daemons, tmp):
    # Safe by default: with no password file nobody is an admin, and the
    # refusal says how to set one; reading stays open.
    port, _ = start(daemons, tmp, auth=False)
    doc = camera(port, None)
    assert doc["admin"] is False and doc["passwords"] is False
    code, err = change(port, '{"hflip":true}', cred=None)
    assert code == 403 and "no password is set" in err["error"], err
    assert camera(port, None)["settings"]["hflip"]["value"] is False


def watch_ws(port, stop, got):
    async def run():
        async with websockets.connect("ws://127.0.0.1:%d/stream" % port,
                                      max_size=None) as ws:
            while not stop.is_set():
                got.append(await asyncio.wait_for(ws.recv(), 20))
    asyncio.run(run())


def test_status_says_streaming_while_only_wsd_watches(daemons, tmp):
    port, frames = start(daemons, tmp)
    wport = free_port()
    daemons("wsd", "--listen", "127.0.0.1:%d" % wport, "--frames", frames,
            wait_log="relaying frames")

    def cam():
        code, st = request(port, "GET", "/api/status", cred=GOOD)
        assert code == 200
        return st["camera"]

    def wsd_status():
        conn = http.client.HTTPConnection("127.0.0.1", wport, timeout=10)
        try:
            conn.request("GET", "/status")
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    c = cam()
    assert c["state"] == "stopped" and c["viewers"] == 0, c
    stop, got = threading.Event(), []
    t = threading.Thread(target=watch_ws, args=(wport, stop, got))
    t.start()
    try:
        c = wait_for(lambda: (lambda c: c if c["state"] == "streaming" and c["fps"] > 5
                              else None)(cam()), what="streaming in /api/status")
        assert c["size"] == {"width": 320, "height": 240} and c["viewers"] == 1, c
        assert c["source"] == "test"
        st = wait_for(lambda: (lambda s: s if s["camera"] and
                               s["camera"]["state"] == "streaming" else None)(wsd_status()),
                      what="streaming in wsd's /status")
        assert [s["name"] for s in st["camera"]["subscribers"]] == ["wsd"]
        assert st["camera"]["viewers"] == 1 and st["clients"] == 1
        # httpd itself never subscribed.
        code, full = request(port, "GET", "/api/status", cred=GOOD)
        assert full["camera"]["subscribed"] is False and full["clients"]["stream"] == 0
        assert got, "the WebSocket client received no frame"
    finally:
        stop.set()
        t.join(30)
    wait_for(lambda: cam()["state"] == "stopped", what="stopped after the viewer left")


def doc_example(name):
    """The member name's example in docs/httpd.md, parsed."""
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                           "httpd.md")) as f:
        line = next(l for l in f if l.startswith('"%s":' % name))
    return json.loads("{" + line.strip() + "}")[name]


def test_status_says_since_when_capd_is_unreachable(daemons, tmp):
    """capd_unreachable as docs/httpd.md shows it: null while capd answers,
    since when and why once it does not, null again when it is back."""
    frames = os.path.join(tmp, "frames.sock")
    capd_args = ("--socket", frames, "--source", "test", "--size", "320x240",
                 "--fps", "20")
    capd = daemons("capd", *capd_args, wait_log="listening on")
    port = free_port()
    daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--frames", frames,
            "--www", WWW, wait_tcp=port)
    code, st = request(port, "GET", "/api/status")
    assert code == 200 and st["capd_unreachable"] is None and st["capd"], st
    seen = time.time()
    assert capd.kill() == -9
    before = time.time()
    code, st = request(port, "GET", "/api/status")
    after = time.time()
    u, example = st["capd_unreachable"], doc_example("capd_unreachable")
    assert st["capd"] is None and list(u) == list(example), (u, example)
    assert before - 0.01 <= u["since"] <= after + 0.01, (before, u, after)
    assert seen - 5 <= u["last_seen"] <= before, (seen, u)
    sock = os.path.join(tmp, "control.sock")
    assert u["cause"] == example["cause"].replace(
        "/run/campipe/control/control.sock", sock), u
    # Asked again: since stays the first failure.
    time.sleep(0.2)
    code, again = request(port, "GET", "/api/status")
    assert again["capd_unreachable"]["since"] == u["since"], again
    # Under /cam/NAME/ httpd does not ask capd: no such member.
    code, cam = request(port, "GET", "/cam/default/api/status")
    assert code == 200 and "capd_unreachable" not in cam, cam
    daemons("capd", *capd_args, wait_log="listening on")
    code, st = request(port, "GET", "/api/status")
    assert st["capd_unreachable"] is None and st["capd"]["uptime"] < st["uptime"], st


def test_stills_watchers_count_at_httpd_and_capd(daemons, tmp):
    """A client fetching stills is one watcher and one capd viewer for 10 s
    after its latest still, however rarely it fetches; then none."""
    port, frames = start(daemons, tmp, auth=False)
    for _ in range(3):
        code, body = request(port, "GET", "/pi.jpg")
        assert code == 200 and body[:2] == b"\xff\xd8"
    st = wait_for(lambda: (lambda s: s if s["capd"]["viewers"] == 1 else None)(
        request(port, "GET", "/api/status")[1]), what="capd counts the watcher")
    assert st["clients"]["stills_watchers"] == 1 and st["clients"]["stills_waiting"] == 0
    last = time.monotonic()
    # Between stills, 4 s apart: still one, at httpd and at capd.
    time.sleep(4)
    code, st = request(port, "GET", "/api/status")
    assert st["clients"]["stills_watchers"] == 1 and st["capd"]["viewers"] == 1, st
    code, _ = request(port, "GET", "/pi.jpg")
    last = time.monotonic()
    st = wait_for(lambda: (lambda s: s if s["clients"]["stills_watchers"] == 0
                           else None)(request(port, "GET", "/api/status")[1]),
                  timeout=20, what="the watcher forgotten")
    assert time.monotonic() - last >= 9.5
    wait_for(lambda: request(port, "GET", "/api/status")[1]["capd"]["viewers"] == 0,
             what="capd counts nobody")
