# SPDX-License-Identifier: ISC
"""make run as an owner tries it (scripts/run.sh): the system comes up on
the ports given, and PASSWORD=... gives one admin whom every daemon asks
for; without it nobody may change settings."""
import base64
import http.client
import json
import os
import signal
import socket
import subprocess

import pytest

from conftest import BUILD, free_port, wait_for

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture
def run(tmp):
    procs = []

    def start(**env):
        e = dict(os.environ, HOST="127.0.0.1", PORT=str(free_port()),
                 RTSP_PORT=str(free_port()), RTSP_UDP_PORT="24000", **env)
        log = open(os.path.join(tmp, "run%d.log" % len(procs)), "w+")
        p = subprocess.Popen(["sh", os.path.join(TOP, "scripts", "run.sh"), BUILD],
                             cwd=TOP, env=e, stdout=log, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)
        procs.append(p)
        text = lambda: open(log.name).read()
        wait_for(lambda: "campipe is running" in text() or p.poll() is not None,
                 timeout=30, what="make run's URL line")
        assert "campipe is running" in text(), text()
        p.text = text
        p.port, p.rtsp = int(e["PORT"]), int(e["RTSP_PORT"])
        return p
    yield start
    for p in procs:
        os.killpg(p.pid, signal.SIGINT)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()


def get(port, path, cred=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = {}
    if cred:
        h["Authorization"] = "Basic " + base64.b64encode(cred.encode()).decode()
    conn.request("GET", path, headers=h)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, body


def describe(port):
    """The head of rtspd's answer to a DESCRIBE, or "" while it does not
    listen yet."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
    except ConnectionRefusedError:
        return ""
    s.sendall(("DESCRIBE rtsp://127.0.0.1:%d/ RTSP/1.0\r\nCSeq: 1\r\n\r\n"
               % port).encode())
    head = s.recv(4096).decode()
    s.close()
    return head


def test_make_run_with_a_password(run):
    p = run(PASSWORD="try it out", ADMIN="owner")
    wait_for(lambda: "log in as owner" in p.text(), what="the login line")
    assert get(p.port, "/")[0] == 401
    assert get(p.port, "/", "owner:wrong")[0] == 401
    code, body = get(p.port, "/api/camera", "owner:try it out")
    assert code == 200 and json.loads(body)["admin"] is True
    wait_for(lambda: describe(p.rtsp).startswith("RTSP/1.0 401 "),
             what="rtspd asking for the password")


def test_make_run_without_a_password(run):
    p = run()
    code, body = get(p.port, "/api/camera")
    doc = json.loads(body)
    assert code == 200 and doc["admin"] is False and doc["passwords"] is False
    assert get(p.port, "/pi.jpg")[1][:2] == b"\xff\xd8"
