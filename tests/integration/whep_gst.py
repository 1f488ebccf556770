#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A WHEP player built on GStreamer's webrtcbin (python3-gi): an
independent WebRTC stack, libnice for ICE and GStreamer's own DTLS-SRTP.

Usage: whep_gst.py URL SECONDS [USER:PASSWORD]

Offers to receive one H.264 video track, posts the offer to URL, sets the
answer, decodes what arrives (rtph264depay, avdec_h264) and counts the
decoded frames for SECONDS after the first one; then DELETEs the session
it was given.  Prints one JSON line: frames, seconds to the first frame,
the picture's size, frames in each whole second after the first, and the
WHEP exchange's status codes.  Exit status 0 when a frame was decoded.
"""

import base64
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GstWebRTC", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

CAPS = ("application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,"
        "payload=102,packetization-mode=(string)1,"
        "profile-level-id=(string)42e01f")


class Player:
    """One WHEP session played through webrtcbin."""

    def __init__(self, url, seconds, cred):
        self.url, self.seconds, self.cred = url, seconds, cred
        self.loop = GLib.MainLoop()
        self.pipe = Gst.Pipeline.new("whep")
        self.rtc = Gst.ElementFactory.make("webrtcbin", "rtc")
        self.rtc.set_property("bundle-policy",
                              GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
        self.pipe.add(self.rtc)
        self.rtc.connect("on-negotiation-needed", self.on_negotiation)
        self.rtc.connect("pad-added", self.on_pad)
        self.rtc.emit("add-transceiver",
                      GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY,
                      Gst.Caps.from_string(CAPS))
        self.start = time.monotonic()
        self.first = None
        self.frames = 0
        self.per_second = []
        self.size = None
        self.location = None
        self.codes = {}
        self.error = None

    def request(self, method, url, body=None, ctype=None):
        """One HTTP request; its status, headers and body."""
        req = urllib.request.Request(url, data=body, method=method)
        if ctype:
            req.add_header("Content-Type", ctype)
        if self.cred:
            req.add_header("Authorization", "Basic " +
                           base64.b64encode(self.cred.encode()).decode())
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def on_negotiation(self, rtc):
        """Makes the offer."""
        p = Gst.Promise.new_with_change_func(self.on_offer, rtc, None)
        rtc.emit("create-offer", None, p)

    def on_offer(self, promise, rtc, _):
        """Sets the offer; the exchange goes on in the main loop."""
        promise.wait()
        reply = promise.get_reply()     # held: the offer lives in it
        offer = reply.get_value("offer")
        text = offer.sdp.as_text()      # before webrtcbin takes the offer
        rtc.emit("set-local-description", offer, Gst.Promise.new())
        GLib.idle_add(self.exchange, text)

    def exchange(self, text):
        """Posts the offer, sets the answer."""
        code, headers, body = self.request("POST", self.url, text.encode(),
                                           "application/sdp")
        self.codes["POST"] = code
        if code != 201:
            self.error = "POST %d: %s" % (code, body[:200])
            self.loop.quit()
            return False
        self.location = urllib.parse.urljoin(self.url,
                                             headers.get("Location", ""))
        res, sdp = GstSdp.SDPMessage.new_from_text(body.decode())
        if res != GstSdp.SDPResult.OK:
            self.error = "the answer does not parse: %r" % res
            self.loop.quit()
            return False
        answer = GstWebRTC.WebRTCSessionDescription.new(
            GstWebRTC.WebRTCSDPType.ANSWER, sdp)
        self.rtc.emit("set-remote-description", answer, Gst.Promise.new())
        return False

    def on_pad(self, rtc, pad):
        """The video arrives: depayload, decode, count."""
        if pad.direction != Gst.PadDirection.SRC:
            return
        chain = Gst.parse_bin_from_description(
            "rtph264depay ! h264parse ! avdec_h264 ! videoconvert ! "
            "fakesink name=sink signal-handoffs=true sync=false", True)
        self.pipe.add(chain)
        chain.sync_state_with_parent()
        pad.link(chain.get_static_pad("sink"))
        chain.get_by_name("sink").connect("handoff", self.on_frame)

    def on_frame(self, sink, buf, pad):
        """One decoded picture."""
        now = time.monotonic()
        if self.first is None:
            self.first = now
            s = pad.get_current_caps().get_structure(0)
            self.size = [s.get_value("width"), s.get_value("height")]
        k = int(now - self.first)
        if k >= self.seconds:
            GLib.idle_add(self.loop.quit)
            return
        while len(self.per_second) <= k:
            self.per_second.append(0)
        self.per_second[k] += 1
        self.frames += 1

    def run(self):
        """Plays, at most SECONDS + 20 in all."""
        self.pipe.set_state(Gst.State.PLAYING)
        GLib.timeout_add_seconds(int(self.seconds) + 20, self.loop.quit)
        self.loop.run()
        self.pipe.set_state(Gst.State.NULL)
        if self.location:
            self.codes["DELETE"] = self.request("DELETE", self.location)[0]
        return {"frames": self.frames,
                "first_frame_s": None if self.first is None
                else round(self.first - self.start, 3),
                "size": self.size, "per_second": self.per_second,
                "codes": self.codes, "error": self.error}


def main():
    """Plays the URL of argv and prints what it saw."""
    Gst.init(None)
    url, seconds = sys.argv[1], float(sys.argv[2])
    cred = sys.argv[3] if len(sys.argv) > 3 else None
    out = Player(url, seconds, cred).run()
    print(json.dumps(out))
    sys.exit(0 if out["frames"] > 0 else 1)


if __name__ == "__main__":
    main()
