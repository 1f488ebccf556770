# SPDX-License-Identifier: ISC
"""TURN credentials for viewers behind NAT (docs/httpd.md, TURN): httpd's
/api/config gives time-limited credentials made from coturn's
static-auth-secret, only to a signed-in viewer; a real coturn on loopback
accepts them with its own client and refuses tampered ones."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import binary, free_port, wait_for
from test_auth import GOOD, basic, entry, write
from test_camera_api import doc_example
from test_rtc_handoff import raw

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
WWW = os.path.join(ROOT, "www")
SECRET = "loopback-turn-secret"
# Every coturn program is bounded: a hung one fails the test, not the run.
CLIENT_TIMEOUT = 20


def need_coturn():
    for p in ("turnserver", "turnutils_uclient"):
        assert shutil.which(p), p + " missing: run scripts/deps.sh check as root"


class Coturn:
    """turnserver in the foreground on 127.0.0.1, its configuration all on
    the command line (and extra), its log on stdout into a file."""

    def __init__(self, tmp, secret, *extra):
        self.port = free_port()
        self.logpath = os.path.join(tmp, "turnserver.log")
        self.log = open(self.logpath, "wb")
        self.proc = subprocess.Popen(
            ["turnserver", "-n", "--listening-ip=127.0.0.1",
             "--relay-ip=127.0.0.1", "--listening-port=%d" % self.port,
             "--use-auth-secret", "--static-auth-secret=" + secret,
             "--realm=campipe", "--no-tls", "--no-dtls", "--no-cli",
             "--allow-loopback-peers", "--log-file=stdout", "--simple-log",
             "--pidfile=" + os.path.join(tmp, "turnserver.pid"),
             "--userdb=" + os.path.join(tmp, "turndb.sqlite"), *extra],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: "Total General servers" in self.text() or
                 self.proc.poll() is not None, what="turnserver ready")
        assert self.proc.poll() is None, self.text()

    def text(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def allocate(self, user, password):
        """turnutils_uclient's allocations and relayed packets (-y: two
        clients through their relays): its exit status and output."""
        r = subprocess.run(
            ["turnutils_uclient", "-y", "-c", "-n", "2", "-m", "1",
             "-p", str(self.port), "-u", user, "-w", password, "127.0.0.1"],
            capture_output=True, text=True, timeout=CLIENT_TIMEOUT)
        return r.returncode, r.stdout + r.stderr

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture
def coturn(tmp):
    need_coturn()
    c = Coturn(tmp, SECRET)
    yield c
    c.stop()


def credential(secret, name):
    return base64.b64encode(hmac.new(secret.encode(), name.encode(),
                                     hashlib.sha1).digest()).decode()


def config(port, cred=None):
    hdr = ["Authorization: " + basic(cred)] if cred else []
    code, _, body, _, _ = raw(port, "GET", "/api/config", headers=hdr)
    return code, json.loads(body) if code == 200 else body


def start_httpd(daemons, tmp, secret_path, *args):
    port = free_port()
    d = daemons("httpd", "--listen", "127.0.0.1:%d" % port, "--www", WWW,
                "--frames", os.path.join(tmp, "none.sock"),
                "--turn-url", "turn:127.0.0.1:3478?transport=udp",
                "--turn-url", "turns:127.0.0.1:5349",
                "--turn-secret-file", secret_path, *args, wait_tcp=port)
    return d, port


def secret_file(tmp, secret, mode=0o640, name="turn-secret"):
    path = os.path.join(tmp, name)
    write(path, secret + "\n")
    os.chmod(path, mode)
    return path


def test_coturn_takes_httpd_credentials(daemons, tmp, coturn):
    """A signed-in viewer's credentials, as the document shows them, work
    at coturn; a changed password or expiry does not; the secret never
    leaves httpd; SIGHUP takes a new secret."""
    pw = os.path.join(tmp, "htpasswd")
    write(pw, entry(*GOOD))
    path = secret_file(tmp, SECRET)
    d, port = start_httpd(daemons, tmp, path, "--htpasswd", pw,
                          "--turn-ttl", "600")
    code, body = config(port)
    assert code == 401 and SECRET.encode() not in body
    before = int(time.time())
    code, conf = config(port, GOOD)
    after = int(time.time())
    assert code == 200, conf
    ice, example = conf["ice_servers"], doc_example("ice_servers")
    assert [list(s) for s in ice] == [list(s) for s in example], ice
    assert ice[0]["urls"] == ["turn:127.0.0.1:3478?transport=udp",
                              "turns:127.0.0.1:5349"]
    name, password = ice[0]["username"], ice[0]["credential"]
    expiry, user = name.split(":")
    assert user == "alice" and before + 600 <= int(expiry) <= after + 600
    assert password == credential(SECRET, name)
    assert SECRET not in json.dumps(conf)
    rc, out = coturn.allocate(name, password)
    assert rc == 0 and "Total lost packets 0" in out, out
    # Tampered: one character of the password, or a later expiry.
    bad = password[:3] + ("A" if password[3] != "A" else "B") + password[4:]
    rc, out = coturn.allocate(name, bad)
    assert rc != 0 and "Cannot complete Allocation" in out, out
    rc, out = coturn.allocate("%d:alice" % (int(expiry) + 3600), password)
    assert rc != 0, out
    # SIGHUP: the new secret's credentials; coturn keeps the old one.
    write(path, "a-new-secret\n")
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "TURN secret re-read" in d.logtext(), what="re-read")
    code, conf = config(port, GOOD)
    name, password = conf["ice_servers"][0]["username"], conf["ice_servers"][0]["credential"]
    assert password == credential("a-new-secret", name)
    rc, out = coturn.allocate(name, password)
    assert rc != 0, out
    # A secret file others may read is refused, the old secret kept.
    write(path, "third\n")
    os.chmod(path, 0o644)
    d.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "keeping the secret read before" in d.logtext(),
             what="refused re-read")
    code, conf = config(port, GOOD)
    assert conf["ice_servers"][0]["credential"] == credential(
        "a-new-secret", conf["ice_servers"][0]["username"])


def test_without_passwords_anyone_gets_the_expiry_alone(daemons, tmp, coturn):
    """No --htpasswd: the page's visitors get credentials named by their
    expiry alone, which coturn takes too."""
    _, port = start_httpd(daemons, tmp, secret_file(tmp, SECRET))
    code, conf = config(port)
    assert code == 200 and conf["webrtc"] is False
    name = conf["ice_servers"][0]["username"]
    assert name.isdigit() and int(name) > time.time() + 86000
    rc, out = coturn.allocate(name, conf["ice_servers"][0]["credential"])
    assert rc == 0, out


def test_secret_file_rules(daemons, tmp):
    """httpd will not start with a secret file others may read, an empty
    one, or --turn-url without it."""
    httpd = binary("httpd")
    base = [httpd, "--listen", "127.0.0.1:%d" % free_port(), "--www", WWW,
            "--frames", os.path.join(tmp, "none.sock")]
    runs = [(["--turn-url", "turn:h"], "go together"),
            (["--turn-secret-file", secret_file(tmp, SECRET)], "go together"),
            (["--turn-url", "http://h", "--turn-secret-file", "x"], "is not turn:"),
            (["--turn-url", "turn:h", "--turn-secret-file",
              secret_file(tmp, SECRET, 0o644, "open")], "others may read it"),
            (["--turn-url", "turn:h", "--turn-secret-file",
              secret_file(tmp, "", 0o600, "empty")], "a secret of 0 bytes")]
    for args, why in runs:
        r = subprocess.run(base + args, capture_output=True, text=True, timeout=20)
        assert r.returncode != 0 and why in r.stderr, (args, r.stderr)
