# SPDX-License-Identifier: ISC
"""One step to a password (docs/auth.md, "One directory"): campipe-passwd
--admin writes the directory that httpd, wsd and rtspd read with
--auth-dir, as the units pass it; before it, nobody may change settings,
after it (and a restart) the admin may and everyone is asked."""
import os
import stat
import subprocess

from conftest import binary, free_port
from test_auth import basic
from test_camera_api import camera, change, request
from test_fairness import open_from

PASSWORD = "correct horse"
ALICE = ("alice", PASSWORD)
WWW = os.path.join(os.path.dirname(__file__), "..", "..", "www")


def passwd(etc, *args, password=PASSWORD):
    return subprocess.run([binary("passwd"), "--dir", etc, "--group", "root",
                           *args], input=password + "\n", capture_output=True,
                          text=True, timeout=60)


def rtsp_describe(port, cred=None):
    """The status line of rtspd's answer to a DESCRIBE."""
    auth = "Authorization: %s\r\n" % basic(cred) if cred else ""
    s, head = open_from("127.0.0.1", port, (
        "DESCRIBE rtsp://127.0.0.1:%d/ RTSP/1.0\r\nCSeq: 2\r\n%s"
        "Accept: application/sdp\r\n\r\n" % (port, auth)).encode())
    s.close()
    return head.split("\r\n")[0]


def test_admin_in_one_step(daemons, tmp):
    etc = os.path.join(tmp, "etc")
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--socket", frames, "--source", "test", "--size", "160x120",
            "--fps", "10", "--state", os.path.join(tmp, "state.json"),
            wait_log="listening on")

    def web():
        port = free_port()
        d = daemons("httpd", "--auth-dir", etc, "--listen", "127.0.0.1:%d" % port,
                    "--frames", frames, "--www", WWW, wait_tcp=port)
        return d, port

    def rtsp():
        port = free_port()
        d = daemons("rtspd", "--auth-dir", etc, "--frames", frames, "--listen",
                    "127.0.0.1:%d" % port, "--udp-port", "0", wait_tcp=port)
        return d, port

    # No directory yet: watching is open, changing is nobody's.
    httpd, port = web()
    assert request(port, "GET", "/pi.jpg")[0] == 200
    code, doc = change(port, '{"quality":30}', cred=None)
    assert code == 403, doc
    rtspd, rport = rtsp()
    assert rtsp_describe(rport) == "RTSP/1.0 200 OK"

    r = passwd(etc, "--admin", "alice")
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert lines == [
        "campipe-passwd: %s: made, group root may read it" % etc,
        "campipe-passwd: %s/htpasswd: added alice" % etc,
        "campipe-passwd: %s/token.key: made" % etc,
        "campipe-passwd: %s/admins: added alice" % etc,
        "campipe-passwd: to apply: sudo systemctl restart campipe.target "
        "(nothing was restarted)"], r.stderr
    assert r.stdout == ""
    assert stat.S_IMODE(os.stat(etc).st_mode) == 0o750
    for f in ("htpasswd", "token.key", "admins"):
        assert stat.S_IMODE(os.stat(os.path.join(etc, f)).st_mode) == 0o640, f
    # Nothing restarted: the running daemons are as they were.
    assert request(port, "GET", "/pi.jpg")[0] == 200

    httpd.stop()
    rtspd.stop()
    httpd, port = web()
    assert request(port, "GET", "/pi.jpg")[0] == 401
    assert request(port, "GET", "/pi.jpg", cred=ALICE)[0] == 200
    assert camera(port, ALICE)["admin"] is True
    code, doc = change(port, '{"quality":30}', cred=ALICE)
    assert code == 200 and doc["quality"]["value"] == 30, doc
    rtspd, rport = rtsp()
    assert rtsp_describe(rport).startswith("RTSP/1.0 401 ")
    assert rtsp_describe(rport, ALICE) == "RTSP/1.0 200 OK"

    # Twice, and a second user who is not an admin: idempotent.
    r = passwd(etc, "--admin", "alice", password="another password")
    assert r.returncode == 0 and "new password for alice" in r.stderr, r.stderr
    assert "admins: already holds alice" in r.stderr
    assert "made" not in r.stderr
    r = passwd(etc, "bob", password="bobs password")
    assert r.returncode == 0 and "htpasswd: added bob" in r.stderr, r.stderr
    with open(os.path.join(etc, "admins")) as f:
        assert f.read() == "alice\n"
    with open(os.path.join(etc, "htpasswd")) as f:
        users = [l.split(":")[0] for l in f.read().splitlines()]
    assert users == ["alice", "bob"]
    httpd.stop()
    httpd, port = web()
    assert request(port, "GET", "/pi.jpg", cred=ALICE)[0] == 401
    assert camera(port, ("alice", "another password"))["admin"] is True
    assert camera(port, ("bob", "bobs password"))["admin"] is False


def test_refusals_are_one_line(tmp):
    etc = os.path.join(tmp, "etc")
    r = subprocess.run([binary("passwd"), "--admin", "--dir", etc, "--group",
                        "no-such-group", "alice"], input="pw\n",
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert "group no-such-group does not exist" in r.stderr
    assert not os.path.exists(etc)
    os.makedirs(etc)
    with open(os.path.join(etc, "admins"), "w") as f:
        f.write("alice\nbob carol\n")
    os.chmod(os.path.join(etc, "admins"), 0o640)
    r = passwd(etc, "--admin", "dave")
    assert r.returncode == 1, r.stderr
    assert r.stderr.endswith("admins: line 2: not a user name (1 to 64 "
                             "characters without spaces or ':')\n"), r.stderr
    port = free_port()
    with open(os.path.join(etc, "htpasswd"), "w") as f:
        f.write("")
    r = subprocess.run([binary("httpd"), "--auth-dir", etc, "--listen",
                        "127.0.0.1:%d" % port], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode != 0 and r.stderr.count("\n") == 1, r.stderr
