# SPDX-License-Identifier: ISC
"""Cameras for some users only (--camera-users, DIR/camera-users;
docs/auth.md): on every route of httpd, wsd (directly, with a token, and
through httpd's handoff) and rtspd, a camera named in a rule is for its
users only, and /api/cameras lists only what the user may watch.  A rule
for a camera the daemon has not got, or rules without a password file,
stop it at start; a SIGHUP re-reads the file."""
import asyncio
import base64
import http.client
import json
import os
import signal
import subprocess

import websockets

from conftest import binary, free_port, wait_for
from rtspclient import Rtsp
from test_auth import WWW, entry, write

ALICE = ("alice", "correct horse")
BOB = ("bob", "battery staple")


def basic(cred):
    return "Basic " + base64.b64encode(("%s:%s" % cred).encode()).decode()


def capd(daemons, tmp, name):
    sock = os.path.join(tmp, name + ".sock")
    daemons("capd", "--source", "test", "--frames", sock, "--size", "160x120",
            "--fps", "10", "--warmup", "0", "--h264-gop", "0.5",
            "--idle-stop", "0.5", wait_log="listening on")
    return sock


def site(daemons, tmp, *rule):
    """Two cameras (door, the default, and garden) behind httpd, wsd and
    rtspd, with alice and bob in the password file and the given rules."""
    pw = os.path.join(tmp, "htpasswd")
    key = os.path.join(tmp, "token.key")
    write(pw, entry(*ALICE) + entry(*BOB))
    door, garden = capd(daemons, tmp, "door"), capd(daemons, tmp, "garden")
    cams = ["--camera", "door=" + door, "--camera", "garden=" + garden,
            "--default-camera", "door", "--htpasswd", pw] + list(rule)
    s = {"pw": pw}
    s["ws"] = free_port()
    s["wsd"] = daemons("wsd", "--listen", "127.0.0.1:%d" % s["ws"], "--token-key",
                       key, "--auth-delay", "100", *cams, wait_tcp=s["ws"])
    s["http"] = free_port()
    s["httpd"] = daemons("httpd", "--listen", "127.0.0.1:%d" % s["http"], "--www",
                         WWW, "--token-key", key, "--auth-delay", "100",
                         "--ws-port", str(s["ws"]), *cams, wait_tcp=s["http"])
    s["rtsp"] = free_port()
    s["rtspd"] = daemons("rtspd", "--listen", "127.0.0.1:%d" % s["rtsp"],
                         "--udp-port", "0", "--auth-delay", "100", *cams,
                         wait_tcp=s["rtsp"])
    return s


def get(port, path, cred, n=256):
    """(status, the first n bytes of the body) of a GET as cred."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request("GET", path, headers={"Authorization": basic(cred)})
    r = c.getresponse()
    body = r.read(n) if r.status == 200 else r.read()
    c.close()
    return r.status, body


def ws_status(port, path, headers=None, protocols=None):
    """101 (after one message) or the status of a refusal."""
    async def run():
        try:
            async with websockets.connect(
                    "ws://127.0.0.1:%d%s" % (port, path), subprotocols=protocols,
                    extra_headers=headers or {}, max_size=None,
                    open_timeout=20) as ws:
                await asyncio.wait_for(ws.recv(), 20)
                return 101
        except websockets.exceptions.InvalidStatusCode as e:
            return e.status_code
    return asyncio.run(run())


def rtsp_status(port, path, cred):
    c = Rtsp(port)
    r = c.request("DESCRIBE", c.url(path), {"Authorization": basic(cred)},
                  timeout=20)
    c.close()
    return r.status


HTTP_ROUTES = ["/pi.jpg", "/snapshot.jpg", "/?action=snapshot", "/stream.mjpg",
               "/stream.mp4", "/stream.h264", "/api/status", "/api/camera",
               "/"]


def test_a_camera_for_some_users_on_every_route(daemons, tmp):
    s = site(daemons, tmp, "--camera-users", "door=alice")
    h, w, r = s["http"], s["ws"], s["rtsp"]
    # httpd: the door camera by name and as the default, every route.
    for route in HTTP_ROUTES:
        for path in ("/cam/door" + route, route):
            if path == "/":
                continue                # the page itself is for everyone
            assert get(h, path, ALICE)[0] == 200, path
            code, body = get(h, path, BOB)
            assert (code, body) == (403, b"this camera is not for this user\n"), path
        assert get(h, "/cam/garden" + route, BOB)[0] == 200, route
    # The list says what each may watch.
    names = [c["name"] for c in json.loads(get(h, "/api/cameras", ALICE, 1 << 16)[1])
             ["cameras"]]
    assert names == ["door", "garden"]
    names = [c["name"] for c in json.loads(get(h, "/api/cameras", BOB, 1 << 16)[1])
             ["cameras"]]
    assert names == ["garden"]
    # wsd: Basic, a token of each user from httpd, httpd's handoff.
    for path in ("/cam/door/stream", "/cam/door/stream.h264", "/stream"):
        assert ws_status(w, path, {"Authorization": basic(ALICE)}) == 101, path
        assert ws_status(w, path, {"Authorization": basic(BOB)}) == 403, path
    assert ws_status(w, "/cam/garden/stream", {"Authorization": basic(BOB)}) == 101
    for cred, want in ((ALICE, 101), (BOB, 403)):
        tok = json.loads(get(h, "/api/token", cred, 4096)[1])["token"]
        assert ws_status(w, "/cam/door/stream?token=" + tok) == want
        assert ws_status(w, "/cam/garden/stream", protocols=[
            "campipe", "campipe.token." + tok]) == 101
    # rtspd: DESCRIBE (and so SETUP) of the camera and its default path.
    for path in ("/cam/door", "/"):
        assert rtsp_status(r, path, ALICE) == 200, path
        assert rtsp_status(r, path, BOB) == 403, path
    assert rtsp_status(r, "/cam/garden", BOB) == 200


def test_the_handoff_carries_the_user_to_the_camera_check(daemons, tmp):
    handoff = os.path.join(tmp, "handoff.sock")
    s = site(daemons, tmp, "--camera-users", "door=alice")
    # A second wsd and httpd on one port, with the handoff between them.
    pw, key = s["pw"], os.path.join(tmp, "token.key")
    door, garden = os.path.join(tmp, "door.sock"), os.path.join(tmp, "garden.sock")
    cams = ["--camera", "door=" + door, "--camera", "garden=" + garden,
            "--default-camera", "door", "--htpasswd", pw, "--token-key", key,
            "--camera-users", "door=alice"]
    wport = free_port()
    daemons("wsd", "--listen", "127.0.0.1:%d" % wport, "--handoff", handoff, *cams,
            wait_log="relaying frames")
    port = free_port()
    daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--www", WWW,
            "--ws-handoff", handoff, *cams, wait_tcp=port)
    assert ws_status(port, "/cam/door/stream", {"Authorization": basic(ALICE)}) == 101
    assert ws_status(port, "/cam/door/stream", {"Authorization": basic(BOB)}) == 403
    assert ws_status(port, "/cam/garden/stream", {"Authorization": basic(BOB)}) == 101


def test_sighup_rereads_the_camera_users_file(daemons, tmp):
    adir = os.path.join(tmp, "etc")
    os.mkdir(adir)
    s = site(daemons, tmp, "--auth-dir", adir)
    h, w, r = s["http"], s["ws"], s["rtsp"]
    assert get(h, "/cam/garden/pi.jpg", BOB)[0] == 200
    write(os.path.join(adir, "camera-users"), "# who watches the garden\ngarden=alice\n")
    for d in ("httpd", "wsd", "rtspd"):
        s[d].proc.send_signal(signal.SIGHUP)
    wait_for(lambda: get(h, "/cam/garden/pi.jpg", BOB)[0] == 403, what="httpd re-read")
    assert get(h, "/cam/garden/pi.jpg", ALICE)[0] == 200
    wait_for(lambda: ws_status(w, "/cam/garden/stream",
                               {"Authorization": basic(BOB)}) == 403,
             what="wsd re-read")
    wait_for(lambda: rtsp_status(r, "/cam/garden", BOB) == 403, what="rtspd re-read")
    assert rtsp_status(r, "/cam/garden", ALICE) == 200
    # A bad file keeps the rules in force and says why.
    write(os.path.join(adir, "camera-users"), "garden=alice\ngarden=bob\n")
    s["httpd"].proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "camera garden is given twice" in s["httpd"].logtext(),
             what="the bad line logged")
    assert get(h, "/cam/garden/pi.jpg", BOB)[0] == 403


def test_bad_rules_stop_the_daemon_at_start(tmp):
    pw = os.path.join(tmp, "htpasswd")
    write(pw, entry(*ALICE))
    sock = os.path.join(tmp, "frames.sock")
    cases = [
        (["--htpasswd", pw, "--camera-users", "shed=alice"],
         "camera users: no camera shed"),
        (["--camera-users", "default=alice"],
         "cameras for some users (default) need a password file"),
        (["--htpasswd", pw, "--camera-users", "default=alice,alice"],
         "--camera-users default=alice,alice: camera default: alice is named "
         "twice"),
    ]
    for name in ("httpd", "wsd", "rtspd"):
        for args, said in cases:
            p = subprocess.run([binary(name), "--listen", "127.0.0.1:%d" % free_port(),
                                "--frames", sock] + args,
                               capture_output=True, timeout=30)
            err = p.stderr.decode()
            assert p.returncode != 0 and said in err, (name, args, err)
            assert len(err.strip().splitlines()) == 1, (name, err)


def test_a_token_for_one_camera_opens_that_camera_only(daemons, tmp):
    s = site(daemons, tmp, "--camera-users", "door=alice")
    h, w = s["http"], s["ws"]
    code, body = get(h, "/api/token?camera=garden", ALICE, 4096)
    assert code == 200
    tok = json.loads(body)["token"]
    payload = base64.urlsafe_b64decode(tok.split(".")[0] + "==").decode()
    assert payload.startswith("alice|") and payload.endswith("|garden")
    assert ws_status(w, "/cam/garden/stream?token=" + tok) == 101
    assert ws_status(w, "/cam/garden/stream.h264", protocols=[
        "campipe", "campipe.token." + tok]) == 101
    assert ws_status(w, "/cam/door/stream?token=" + tok) == 403
    assert ws_status(w, "/stream?token=" + tok) == 403      # door, the default
    # Only for a camera the user may watch, and one that exists.
    assert get(h, "/api/token?camera=door", BOB)[0] == 403
    assert get(h, "/api/token?camera=door", ALICE)[0] == 200
    assert get(h, "/api/token?camera=nope", ALICE)[0] == 404
    assert get(h, "/api/token?camera=" + "d" * 40, ALICE)[0] == 404
    # It is no login: as a cookie, httpd wants credentials.
    c = http.client.HTTPConnection("127.0.0.1", h, timeout=10)
    c.request("GET", "/cam/garden/pi.jpg",
              headers={"Cookie": "campipe_login=" + tok})
    assert c.getresponse().status == 401
