# SPDX-License-Identifier: ISC
"""A strict reader of capd's H.264 socket (docs/frames.md): access units
split at their AUD, NAL units, and the campipe SEI."""
import re
import socket

AUD = b"\x00\x00\x00\x01\x09\xf0"
UUID = bytes.fromhex("0f1c8ce585c84dce97a255055c95d2a8")
TEXT_RE = re.compile(rb"campipe seq=(\d+) t=(\d+)\.(\d{6})\Z")


def nal_units(au):
    """The NAL units of an access unit written with 4-byte start codes."""
    assert au.startswith(b"\x00\x00\x00\x01"), au[:8]
    return [n for n in au.split(b"\x00\x00\x00\x01")[1:]]


def unescape(nal):
    return re.sub(rb"\x00\x00\x03", b"\x00\x00", nal)


def sei_text(nal):
    """The campipe (seq, ts) of a SEI NAL unit, or None."""
    b, i = unescape(nal), 1
    while i < len(b) - 1:
        t = 0
        while b[i] == 0xFF:
            t, i = t + 255, i + 1
        t, i = t + b[i], i + 1
        s = 0
        while b[i] == 0xFF:
            s, i = s + 255, i + 1
        s, i = s + b[i], i + 1
        payload, i = b[i:i + s], i + s
        if t == 5 and payload[:16] == UUID:
            m = TEXT_RE.match(payload[16:])
            assert m, "bad campipe SEI text %r" % payload[16:]
            return int(m.group(1)), int(m.group(2)) + int(m.group(3)) / 1e6
    return None


class AccessUnit:
    def __init__(self, data):
        self.data = data
        self.nals = nal_units(data)
        self.types = [n[0] & 0x1F for n in self.nals]
        self.idr = 5 in self.types
        sei = [sei_text(n) for n in self.nals if n[0] & 0x1F == 6]
        sei = [s for s in sei if s is not None]
        assert len(sei) == 1, "campipe SEIs in an access unit: %d" % len(sei)
        self.seq, self.ts = sei[0]

    def check(self):
        """The order docs/frames.md promises."""
        t = self.types
        assert t[0] == 9 and 9 not in t[1:], t
        first = min(i for i, x in enumerate(t) if 1 <= x <= 5)
        assert t[first - 1] == 6, t        # the campipe SEI right before
        if self.idr:
            assert 7 in t[:first] and 8 in t[:first], t
        return self


class H264Reader:
    """Reads access units from the H.264 socket."""

    def __init__(self, path, timeout=10.0, rcvbuf=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self.raw = b""          # everything received, for ffprobe

    def _more(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise EOFError("h264 socket closed")
        self.buf += chunk
        self.raw += chunk

    def au(self):
        """The next whole access unit (it ends where the next AUD starts)."""
        while not self.buf.startswith(AUD) and len(self.buf) < len(AUD):
            self._more()
        assert self.buf.startswith(AUD), "no AUD: %r" % self.buf[:16]
        while True:
            end = self.buf.find(AUD, len(AUD))
            if end != -1:
                break
            self._more()
        data, self.buf = self.buf[:end], self.buf[end:]
        return AccessUnit(data).check()

    def aus(self, n):
        return [self.au() for _ in range(n)]

    def close(self):
        self.sock.close()
