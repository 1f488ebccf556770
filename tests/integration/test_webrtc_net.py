# SPDX-License-Identifier: ISC
"""The viewer's WebRTC mode over harder networks, in headless Chromium
against the real capd, wsd, httpd and rtcd (tests/browser/webrtc_net.mjs
does the browsing).

Relay: a viewer that may use only the TURN relay (?webrtc=relay, the
page's iceTransportPolicy 'relay') plays through a real coturn on
loopback with the credentials httpd gives (--turn-url,
--turn-secret-file): the Route figure says relay, rtcd shows the session,
coturn's log the allocation; with a secret coturn does not share, the page
falls back to Live and says why.

Loss: tests/tools/rtp_drop_relay.py between Chromium and rtcd drops 5% of
rtcd's RTP (seeded).  rtcd listens on 127.0.0.1:P but names 127.0.0.3:P
as its host candidate (nothing listens there) and the relay as its
--webrtc-public-address, so the relay is the only path that works: NACKs
are answered (rtcd's counters, the page's figures) and no frame gap
exceeds 1 s."""
import json
import os
import re
import signal
import sys
import time
import urllib.request

import pytest

from conftest import free_port, wait_for
from test_browser import CHROMIUM, MISSING, ROOT, drive, npm_ci
from test_browser_webrtc import NO_RTCD
from test_auth import write
from test_turn import SECRET, Coturn, need_coturn, secret_file

sys.path.insert(0, os.path.join(ROOT, "tests", "tools"))
from rtp_drop_relay import RtpDropRelay  # noqa: E402

pytestmark = [
    pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING)),
    pytest.mark.skipif(NO_RTCD, reason="build/campipe-rtcd does not exist"),
]


class Net:
    """capd, wsd (Live, for a fallback), rtcd with rtcd_args and httpd
    handing WHEP to it with httpd_args."""

    def __init__(self, daemons, tmp, rtcd_args, httpd_args=()):
        sock = os.path.join(tmp, "frames.sock")
        handoff = os.path.join(tmp, "rtcd.sock")
        self.port, wsport = free_port(), free_port()
        daemons("capd", "--socket", sock, "--warmup", "0", "--source", "test",
                "--size", "640x480", "--fps", "30", wait_log="listening on")
        daemons("wsd", "--frames", sock, "--listen", "127.0.0.1:%d" % wsport,
                wait_tcp=wsport)
        self.rtcd = daemons("rtcd", "--frames", sock, "--handoff", handoff, "-v",
                            *rtcd_args, wait_log="taking handed-over requests")
        self.httpd = daemons("httpd", "--frames", sock, "--listen",
                             "127.0.0.1:%d" % self.port, "--www",
                             os.path.join(ROOT, "www"), "--ws-port", str(wsport),
                             "--rtc-handoff", handoff, *httpd_args,
                             wait_tcp=self.port)
        self.base = "http://127.0.0.1:%d/" % self.port

    def status(self):
        """rtcd's status, through httpd (GET /api/webrtc)."""
        with urllib.request.urlopen(self.base + "api/webrtc", timeout=5) as r:
            return json.load(r)


def playing(st):
    """The one session of a status, checked to be sending media."""
    assert st["sessions"] == 1 and len(st["peers"]) == 1, st
    p = st["peers"][0]
    assert p["state"] == "media" and p["packets"] > 100, st
    return p


def test_relay_through_coturn(daemons, tmp):
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    need_coturn()
    npm_ci()
    # -v: coturn logs each allocation and its outcome
    turn = Coturn(tmp, SECRET, "-v")
    try:
        path = secret_file(tmp, SECRET)
        n = Net(daemons, tmp, ("--webrtc-listen", "127.0.0.1:%d" % free_port()),
                ("--turn-url", "turn:127.0.0.1:%d?transport=udp" % turn.port,
                 "--turn-secret-file", path))
        seen = {}

        def do(what):
            if what == "session":
                seen["peer"] = playing(n.status())
                seen["log"] = turn.text()
            elif what == "wrong-secret":
                write(path, "not-" + SECRET + "\n")
                n.httpd.proc.send_signal(signal.SIGHUP)
                wait_for(lambda: "TURN secret re-read" in n.httpd.logtext(),
                         what="httpd re-read the secret")
            else:
                return False
            return True

        drive(["webrtc_net.mjs", n.base, "relay"], do)
        # coturn allocated a relay for the name httpd gave (its expiry,
        # without --htpasswd), and let it reach rtcd
        before = seen["log"]
        names = re.findall(r"user <(\d+)>: incoming packet ALLOCATE processed, success",
                           before)
        assert names and int(names[0]) > time.time() + 3600, before
        assert re.search(r"CREATE_PERMISSION processed, success", before), before
        assert "DTLS done" in n.rtcd.logtext()
        # The wrong secret: no allocation since, coturn said 401.
        after = turn.text()[len(before):]
        assert "ALLOCATE processed, success" not in after, after
        assert "error 401" in after, after
    finally:
        turn.stop()


def test_nack_through_5_percent_loss(daemons, tmp):
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    port = free_port()
    relay = RtpDropRelay(("127.0.0.1", port), loss=0.05, seed=5)
    try:
        n = Net(daemons, tmp, ("--webrtc-listen", "127.0.0.1:%d" % port,
                               "--webrtc-address", "127.0.0.3",
                               "--webrtc-public-address", "127.0.0.1:%d" % relay.port))
        log = n.rtcd.logtext()
        assert "host candidate 127.0.0.3 port %d" % port in log, log
        assert "host candidate 127.0.0.1 port %d" % relay.port in log, log
        seen = {}

        def do(what):
            if not what.startswith("loss-status "):
                return False
            seen["page"] = json.loads(what.split(" ", 1)[1])
            seen["status"] = n.status()
            seen["peer"] = playing(seen["status"])
            seen["relay"] = dict(relay.counts)
            return True

        drive(["webrtc_net.mjs", n.base, "loss"], do)
        p, c, r = seen["peer"], seen["status"]["counters"], seen["relay"]
        print("page", seen["page"], "rtcd", p, "relay", r)
        # the media went through the relay, and a twentieth of it was lost
        assert r["viewers"] >= 1 and r["rtp"] >= p["packets"] * 0.9, (r, p)
        assert 0.03 * r["rtp"] < r["dropped"] < 0.07 * r["rtp"], r
        # rtcd was asked again and resent
        assert p["nacks"] > 0 and p["retransmitted"] > 0, p
        assert c["nack_packets"] > 0 and c["retransmitted"] > 0, c
        assert p["retransmitted"] >= r["dropped"] * 0.5, (p, r)
        # the resent packets repaired the stream: the page's "Lost" (its
        # packetsLost, net of what came again) is a small part of it
        assert r["dropped"] >= 50 and seen["page"]["lost"] <= r["dropped"] * 0.2, \
            (seen["page"], r)
    finally:
        relay.stop()
