# SPDX-License-Identifier: ISC
"""The login page (docs/auth.md, "Logging in"): a browser's navigation
without credentials goes to login.html, POST /api/login turns Basic
credentials into an HttpOnly, SameSite=Strict cookie that opens every
route, tools keep getting 401 with a challenge, and nothing of it works
from another site."""
import http.client
import json
import os
import re
import signal

from conftest import wait_for
from test_auth import CAROL, GOOD, Site, basic, entry, write

ORIGIN = {"Origin": None, "Sec-Fetch-Site": "same-origin"}


def req(site, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    h = dict(headers or {})
    if h.get("Origin", "") is None:
        h["Origin"] = "http://127.0.0.1:%d" % site.port
    try:
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read(4096)
    finally:
        conn.close()


def login(site, cred, extra=None):
    h = dict(ORIGIN, Authorization=basic(cred), **(extra or {}))
    h["Content-Type"] = "application/json"
    return req(site, "POST", "/api/login", h, b"{}")


def cookie_of(headers):
    m = re.match(r"campipe_login=([A-Za-z0-9_.-]+); ", headers["set-cookie"])
    assert m, headers["set-cookie"]
    return "campipe_login=" + m.group(1)


def test_navigation_goes_to_the_login_page(daemons, tmp):
    site = Site(daemons, tmp)
    nav = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    code, h, _ = req(site, "GET", "/", nav)
    assert code == 303 and h["location"] == "login.html", h
    assert "www-authenticate" not in h
    code, h, _ = req(site, "GET", "/cam/default/", nav)
    assert code == 303 and h["location"] == "../../login.html?next=cam%2Fdefault%2F", h
    # Tools, and a browser's fetches, still get the challenge.
    code, h, _ = req(site, "GET", "/")
    assert code == 401 and h["www-authenticate"].startswith("Basic "), h
    code, h, _ = req(site, "GET", "/api/status", {"Sec-Fetch-Mode": "cors"})
    assert code == 401 and "www-authenticate" in h
    # A page framed by a dashboard, where the cookie is not sent, too.
    code, h, _ = req(site, "GET", "/", {"Sec-Fetch-Mode": "navigate",
                                        "Sec-Fetch-Dest": "iframe"})
    assert code == 401 and "www-authenticate" in h
    # The login page and what it loads are for anyone; nothing else is.
    for p in ("/login.html", "/login.js", "/viewer.css", "/favicon.svg"):
        assert req(site, "GET", p)[0] == 200, p
    for p in ("/index.html", "/viewer.js", "/links.js"):
        assert req(site, "GET", p)[0] == 401, p


def test_login_cookie_opens_every_route(daemons, tmp):
    site = Site(daemons, tmp, "--login-ttl", "3600")
    # A wrong password: 401 with no challenge (the form shows the error,
    # the browser no dialog).
    code, h, _ = login(site, ("alice", "wrong"))
    assert code == 401 and "www-authenticate" not in h and "set-cookie" not in h, h
    code, h, body = login(site, GOOD)
    assert code == 200, body
    doc = json.loads(body)
    assert doc["user"] == "alice" and isinstance(doc["expires"], int)
    assert re.fullmatch(r"campipe_login=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=/; "
                        r"Max-Age=3600; HttpOnly; SameSite=Strict",
                        h["set-cookie"]), h["set-cookie"]
    assert h["cache-control"] == "no-store"
    c = {"Cookie": "theme=dark; " + cookie_of(h)}
    for p in ("/", "/pi.jpg", "/api/status", "/cam/default/pi.jpg"):
        assert req(site, "GET", p, c)[0] == 200, p
    code, _, body = req(site, "GET", "/api/config", c)
    assert code == 200 and json.loads(body)["user"] == "alice"
    code, _, body = req(site, "GET", "/api/token", c)
    assert code == 200 and json.loads(body)["token"], body
    # /metrics, without users of its own, takes it too.
    assert req(site, "GET", "/metrics", c)[0] == 200
    # A tampered cookie, or one for a user no longer in the file, opens
    # nothing.
    bad = cookie_of(h)[:-2] + ("AA" if not cookie_of(h).endswith("AA") else "BB")
    assert req(site, "GET", "/pi.jpg", {"Cookie": bad})[0] == 401
    write(site.htpasswd, entry(*CAROL))
    site.httpd.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: req(site, "GET", "/pi.jpg", c)[0] == 401,
             what="alice's cookie refused once she left the file")


def test_login_only_from_this_sites_pages(daemons, tmp):
    site = Site(daemons, tmp)
    h = {"Authorization": basic(GOOD), "Content-Type": "application/json"}
    code, _, _ = req(site, "POST", "/api/login", dict(h, **{
        "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}), b"{}")
    assert code == 403
    code, hh, _ = req(site, "GET", "/api/login", {"Authorization": basic(GOOD)})
    assert code == 405 and hh["allow"] == "POST"
    code, hh, _ = req(site, "PUT", "/api/login", {"Authorization": basic(GOOD)})
    assert code == 405 and hh["allow"] == "POST"
    # Logging out clears the cookie, from the site's pages only.
    code, hh, _ = req(site, "POST", "/api/logout", dict(ORIGIN, **{
        "Content-Type": "application/json"}), b"{}")
    assert code == 200 and hh["set-cookie"] == ("campipe_login=; Path=/; Max-Age=0; "
                                                "HttpOnly; SameSite=Strict"), hh
    code, _, _ = req(site, "POST", "/api/logout", {
        "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}, b"{}")
    assert code == 403


def test_secure_behind_a_trusted_tls_proxy(daemons, tmp):
    site = Site(daemons, tmp, "--trusted-proxy", "127.0.0.1")
    code, h, _ = login(site, GOOD, {"X-Forwarded-Proto": "https",
                                    "X-Forwarded-For": "192.0.2.7"})
    assert code == 200 and h["set-cookie"].endswith("; SameSite=Strict; Secure"), h
    code, h, _ = login(site, GOOD)
    assert code == 200 and not h["set-cookie"].endswith("Secure"), h


def test_failed_logins_keep_their_delays(daemons, tmp):
    site = Site(daemons, tmp, delay=1500)
    import time
    assert login(site, ("alice", "wrong"))[0] == 401
    t = time.monotonic()
    code, _, _ = login(site, GOOD)
    assert code == 200 and time.monotonic() - t >= 1.4
