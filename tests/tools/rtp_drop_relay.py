# SPDX-License-Identifier: ISC
"""A UDP relay between WebRTC viewers and rtcd that drops a share of the
RTP datagrams rtcd sends, for the tests of NACK and retransmission.

It listens on 127.0.0.1 (a free port); each viewer address gets its own
socket towards rtcd, so rtcd sees one peer per viewer and answers it
there.  Everything from a viewer goes to rtcd as it came.  From rtcd, an
(S)RTP datagram (first byte 128..191, RFC 7983, and not an RTCP packet
type 192..223, RFC 5761) is dropped with probability `loss`, drawn from
a random.Random(seed) in arrival order; STUN (0..3), DTLS (20..63) and
RTCP always pass.  Its counters say what went through.

Used as a thread (RtpDropRelay) or on its own:
    python3 rtp_drop_relay.py RTCD_ADDR:PORT [LOSS [SEED]]
prints the port it listens on and relays until interrupted."""
import random
import selectors
import socket
import sys
import threading


def is_rtp(d):
    """An RTP datagram, not RTCP, STUN or DTLS (RFC 7983, RFC 5761)."""
    return len(d) >= 12 and 128 <= d[0] <= 191 and not 64 <= (d[1] & 0x7F) <= 95


class RtpDropRelay:
    """The relay in a thread; stop() ends it."""

    def __init__(self, upstream, loss=0.05, seed=1):
        self.upstream = upstream
        self.loss = loss
        self.rng = random.Random(seed)
        self.counts = {"to_rtcd": 0, "from_rtcd": 0, "rtp": 0, "dropped": 0,
                       "viewers": 0}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.sock, selectors.EVENT_READ, None)
        self.ups = {}
        self.done = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def toward(self, viewer):
        """The socket towards rtcd for a viewer's address."""
        u = self.ups.get(viewer)
        if u is None:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.connect(self.upstream)
            self.sel.register(u, selectors.EVENT_READ, viewer)
            self.ups[viewer] = u
            self.counts["viewers"] += 1
        return u

    def back(self, u, viewer):
        """What rtcd sent a viewer: passed on, or an RTP datagram dropped."""
        try:
            d = u.recv(65536)
        except OSError:
            return
        self.counts["from_rtcd"] += 1
        if is_rtp(d):
            self.counts["rtp"] += 1
            if self.rng.random() < self.loss:
                self.counts["dropped"] += 1
                return
        self.sock.sendto(d, viewer)

    def run(self):
        while not self.done:
            for key, _ in self.sel.select(0.2):
                if key.data is not None:
                    self.back(key.fileobj, key.data)
                    continue
                try:
                    d, viewer = self.sock.recvfrom(65536)
                except OSError:
                    continue
                self.counts["to_rtcd"] += 1
                try:
                    self.toward(viewer).send(d)
                except OSError:
                    pass

    def stop(self):
        self.done = True
        self.thread.join(5)
        for u in self.ups.values():
            u.close()
        self.sock.close()
        self.sel.close()


if __name__ == "__main__":
    host, _, port = sys.argv[1].rpartition(":")
    r = RtpDropRelay((host, int(port)), float(sys.argv[2]) if len(sys.argv) > 2 else 0.05,
                     int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    print(r.port, flush=True)
    try:
        r.thread.join()
    except KeyboardInterrupt:
        r.stop()
