# SPDX-License-Identifier: ISC
"""A strict reader of capd's frame socket (docs/frames.md), for tests."""
import re
import socket
import struct
import subprocess
import time

PART_RE = re.compile(
    rb"--campipe\r\nContent-Type: image/jpeg\r\nContent-Length: (\d+)\r\n"
    rb"X-Frame-Seq: (\d+)\r\nX-Timestamp: (\d+)\.(\d{6})\r\n\r\n")
COM_RE = re.compile(rb"campipe seq=(\d+) t=(\d+)\.(\d{6})")


class Part:
    def __init__(self, seq, ts, jpeg):
        self.seq, self.ts, self.jpeg = seq, ts, jpeg


def com_segment(jpeg):
    """(seq, t) from the campipe COM segment right after SOI."""
    assert jpeg[:2] == b"\xff\xd8", "no SOI"
    assert jpeg[2:4] == b"\xff\xfe", "no COM segment right after SOI"
    (seglen,) = struct.unpack(">H", jpeg[4:6])
    m = COM_RE.fullmatch(jpeg[6:4 + seglen])
    assert m, "bad COM segment %r" % jpeg[6:4 + seglen]
    return int(m.group(1)), int(m.group(2)) + int(m.group(3)) / 1e6


class FrameReader:
    """Reads parts from a connected socket, checking the framing strictly."""

    def __init__(self, path, timeout=10.0, rcvbuf=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError("frame socket closed")
            self.buf += chunk

    def part(self):
        while True:
            m = PART_RE.match(self.buf)
            if m:
                break
            assert len(self.buf) < 1024 or PART_RE.match(self.buf), \
                "malformed part header: %r" % self.buf[:200]
            self._need(len(self.buf) + 1)
        n = int(m.group(1))
        self._need(m.end() + n + 2)
        jpeg = self.buf[m.end():m.end() + n]
        assert self.buf[m.end() + n:m.end() + n + 2] == b"\r\n", "no CRLF after JPEG"
        self.buf = self.buf[m.end() + n + 2:]
        seq = int(m.group(2))
        ts = int(m.group(3)) + int(m.group(4)) / 1e6
        assert jpeg[:2] == b"\xff\xd8" and jpeg[-2:] == b"\xff\xd9", "not a whole JPEG"
        cseq, cts = com_segment(jpeg)
        assert (cseq, round(cts, 6)) == (seq, round(ts, 6)), "COM disagrees with headers"
        return Part(seq, ts, jpeg)

    def parts(self, n):
        return [self.part() for _ in range(n)]

    def count_for(self, seconds):
        """Number of parts received in the next `seconds`."""
        end = time.monotonic() + seconds
        n = 0
        while time.monotonic() < end:
            self.part()
            n += 1
        return n

    def close(self):
        self.sock.close()


def gaps(seqs):
    """Sequence numbers missing between the first and the last of seqs,
    which must strictly increase (a newer frame never comes before an older)."""
    assert all(b > a for a, b in zip(seqs, seqs[1:])), seqs
    return seqs[-1] - seqs[0] + 1 - len(seqs) if seqs else 0


def decodes(jpeg, tmpdir):
    """True if djpeg decodes the JPEG; returns (width, height) from its PNM."""
    r = subprocess.run(["djpeg", "-pnm"], input=jpeg, capture_output=True)
    assert r.returncode == 0, "djpeg failed: %s" % r.stderr.decode()
    m = re.match(rb"P[56]\s+(\d+)\s+(\d+)\s", r.stdout)
    assert m, "djpeg gave no image"
    return int(m.group(1)), int(m.group(2))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
