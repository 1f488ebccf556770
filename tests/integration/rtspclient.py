# SPDX-License-Identifier: ISC
"""A small RTSP 1.0 client over a plain socket, for exact checks of rtspd:
requests and their answers, interleaved '$' frames, RTP and RTCP parsed,
H.264 FU-A reassembled."""
import base64
import socket
import struct
import time


class Closed(Exception):
    """The server closed the connection."""


class Response:
    def __init__(self, status, reason, headers, body, raw):
        self.status = status
        self.reason = reason
        self.headers = headers      # lower-case name -> list of values
        self.body = body
        self.raw = raw

    def get(self, name, default=None):
        v = self.headers.get(name.lower())
        return v[0] if v else default

    def __repr__(self):
        return "<RTSP %d %s %r>" % (self.status, self.reason, self.raw[:400])


class Rtsp:
    """One RTSP connection; interleaved frames read meanwhile are kept."""

    def __init__(self, port, host="127.0.0.1", bind=None, timeout=10,
                 rcvbuf=None, auth=None):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if bind is not None:
            self.s.bind((bind, 0))
        self.s.settimeout(timeout)
        self.s.connect((host, port))
        self.port = port
        self.host = host
        self.buf = bytearray()
        self.cseq = 0
        self.frames = []            # (channel, payload) read before answers
        self.auth = auth
        self.closed = False

    def url(self, path="/"):
        return "rtsp://%s:%d%s" % (self.host, self.port, path)

    def close(self):
        self.s.close()

    def sendall(self, b):
        self.s.sendall(b)

    def send(self, method, uri, headers=None, cseq=None):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        lines = ["%s %s RTSP/1.0" % (method, uri)]
        if cseq is not False:
            lines.append("CSeq: %s" % cseq)
        if self.auth is not None:
            lines.append("Authorization: Basic " + base64.b64encode(
                ("%s:%s" % self.auth).encode()).decode())
        for k, v in (headers or {}).items():
            lines.append("%s: %s" % (k, v))
        self.s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return cseq

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout("timed out")
        self.s.settimeout(left)
        b = self.s.recv(1 << 16)
        if not b:
            self.closed = True
            raise Closed()
        self.buf += b

    def message(self, timeout=10):
        """The next message: a Response, or (channel, payload)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.buf[:1] == b"$":
                if len(self.buf) >= 4:
                    n = struct.unpack(">H", self.buf[2:4])[0]
                    if len(self.buf) >= 4 + n:
                        ch = self.buf[1]
                        payload = bytes(self.buf[4:4 + n])
                        del self.buf[:4 + n]
                        return (ch, payload)
            elif self.buf:
                i = self.buf.find(b"\r\n\r\n")
                if i >= 0:
                    head = bytes(self.buf[:i]).decode("latin-1")
                    lines = head.split("\r\n")
                    version, status, reason = (lines[0].split(" ", 2) + [""])[:3]
                    assert version == "RTSP/1.0", lines[0]
                    headers = {}
                    for line in lines[1:]:
                        k, v = line.split(":", 1)
                        headers.setdefault(k.strip().lower(), []).append(v.strip())
                    n = int(headers.get("content-length", ["0"])[0])
                    if len(self.buf) >= i + 4 + n:
                        body = bytes(self.buf[i + 4:i + 4 + n])
                        raw = bytes(self.buf[:i + 4 + n])
                        del self.buf[:i + 4 + n]
                        return Response(int(status), reason, headers, body, raw)
            self._fill(deadline)

    def response(self, timeout=10):
        """The next answer; interleaved frames before it go to self.frames."""
        deadline = time.monotonic() + timeout
        while True:
            m = self.message(max(0.001, deadline - time.monotonic()))
            if isinstance(m, Response):
                return m
            self.frames.append(m)

    def request(self, method, uri, headers=None, cseq=None, timeout=10):
        self.send(method, uri, headers, cseq)
        return self.response(timeout)

    def data(self, timeout=10):
        """The next interleaved frame (kept ones first)."""
        if self.frames:
            return self.frames.pop(0)
        m = self.message(timeout)
        assert not isinstance(m, Response), m
        return m

    def collect(self, seconds, until=None):
        """Interleaved frames for seconds, or until until(frames) holds."""
        out = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                out.append(self.data(max(0.001, end - time.monotonic())))
            except socket.timeout:
                break
            if until is not None and until(out):
                break
        return out

    def send_data(self, channel, payload):
        self.s.sendall(b"$" + bytes([channel]) + struct.pack(">H", len(payload))
                       + payload)


def session_id(resp):
    return resp.get("session").split(";")[0]


class Rtp:
    def __init__(self, b):
        assert len(b) >= 12, b
        v = b[0] >> 6
        assert v == 2, "RTP version %d" % v
        cc = b[0] & 15
        self.padding = bool(b[0] & 0x20)
        self.ext = bool(b[0] & 0x10)
        self.marker = bool(b[1] & 0x80)
        self.pt = b[1] & 0x7f
        self.seq, self.ts, self.ssrc = struct.unpack(">HII", b[2:12])
        off = 12 + 4 * cc
        if self.ext:
            n = struct.unpack(">H", b[off + 2:off + 4])[0]
            off += 4 + 4 * n
        end = len(b) - (b[-1] if self.padding else 0)
        self.payload = b[off:end]
        self.size = len(b)


def rtcp_packets(b):
    """[(pt, count, body)] of a compound RTCP packet."""
    out = []
    while len(b) >= 4:
        assert b[0] >> 6 == 2, b
        count = b[0] & 31
        pt = b[1]
        n = (struct.unpack(">H", b[2:4])[0] + 1) * 4
        assert n <= len(b), "RTCP length past the packet"
        out.append((pt, count, b[4:n]))
        b = b[n:]
    assert not b, "RTCP bytes left over"
    return out


class SenderReport:
    def __init__(self, body):
        (self.ssrc, msw, lsw, self.rtp_ts, self.packets,
         self.octets) = struct.unpack(">IIIIII", body[:24])
        self.unix = msw - 2208988800 + lsw / 2.0 ** 32


def receiver_report(ssrc, source):
    """An RTCP RR with one block about source, then an SDES CNAME."""
    block = struct.pack(">IIIIII", source, 0, 0, 0, 0, 0)
    rr = struct.pack(">BBHI", 0x81, 201, (8 + len(block)) // 4 - 1, ssrc) + block
    cname = b"tester"
    item = bytes([1, len(cname)]) + cname + b"\0"
    item += b"\0" * (-(len(item)) % 4)
    sdes = struct.pack(">BBHI", 0x81, 202, (8 + len(item)) // 4 - 1, ssrc) + item
    return rr + sdes


def nal_units(packets):
    """[(ts, nal bytes)] of RTP H.264 packets (single NAL units and FU-A),
    and the number of access units closed by a marker bit."""
    nals, fu, fu_ts = [], None, None
    for p in packets:
        pl = p.payload
        t = pl[0] & 31
        if t == 28:
            ind, hdr = pl[0], pl[1]
            if hdr & 0x80:
                assert fu is None, "FU-A start inside a fragment"
                fu = bytearray([(ind & 0xe0) | (hdr & 31)])
                fu_ts = p.ts
            assert fu is not None, "FU-A without its start"
            assert p.ts == fu_ts, "FU-A fragments of two timestamps"
            fu += pl[2:]
            if hdr & 0x40:
                nals.append((p.ts, bytes(fu)))
                fu = None
        else:
            assert 1 <= t <= 23, "NAL type %d" % t
            assert fu is None, "single NAL unit inside a fragment"
            nals.append((p.ts, bytes(pl)))
    return nals
