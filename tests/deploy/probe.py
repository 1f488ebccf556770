#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""A viewer for scripts/deploy-check.sh, run inside the container with
the container's python3 (standard library only).

  probe.py get PATH KIND        GET http://127.0.0.1:8080PATH, check KIND:
                                html, jpeg, mjpeg (multipart JPEG parts)
                                or mp4 (ftyp, then a moof)
  probe.py ws PATH              WebSocket through httpd: a 101, then a
                                binary message
  probe.py sock PATH            read a JPEG part from a frame socket
  probe.py rtsp PATH            rtsp://127.0.0.1:8554PATH: DESCRIBE (an
                                H.264 SDP), SETUP over TCP interleaved,
                                PLAY (200), then RTP packets of H.264
                                starting at an IDR, a whole unit
  probe.py watch mjpeg|mp4|ws|rtsp SECS
                                watch frames; print "flowing" once they
                                come; after an outage (no frame for
                                GAP s, or a connection cut however short)
                                and a second of frames again, print
                                "outage S" (the longest wait between two
                                frames); exit 1 after SECS without that

Each prints one line and exits 0 when the promise holds.
"""
import base64
import os
import socket
import sys
import time

HOST, PORT = "127.0.0.1", 8080
RTSP_PORT = 8554
SOI = b"\xff\xd8\xff"
GAP = 0.3             # seconds without a frame that make an outage (30 fps: 33 ms)


def connect(timeout=10):
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    return s


def http_get(path, limit, timeout=15):
    """Status line, headers and up to limit bytes of the body."""
    s = connect(timeout)
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n"
               % (path, HOST, PORT)).encode())
    buf = b""
    deadline = time.time() + timeout
    while b"\r\n\r\n" not in buf or len(buf.split(b"\r\n\r\n", 1)[1]) < limit:
        if time.time() > deadline:
            break
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        buf += d
    s.close()
    head, _, body = buf.partition(b"\r\n\r\n")
    head = head.decode("latin-1")
    if "transfer-encoding: chunked" in head.lower():
        body = dechunk(body)
    return head, body


def dechunk(data):
    """The body of a chunked transfer, as far as it was read."""
    out = b""
    while True:
        line, sep, rest = data.partition(b"\r\n")
        if not sep:
            return out
        n = int(line.split(b";")[0] or b"0", 16)
        if n == 0:
            return out
        out += rest[:n]
        if len(rest) < n + 2:
            return out
        data = rest[n + 2:]


def cmd_get(path, kind):
    want = {"html": 64, "jpeg": 1 << 20, "mjpeg": 200000, "mp4": 200000}[kind]
    head, body = http_get(path, want, timeout=20 if kind == "mp4" else 10)
    status = head.split("\r\n", 1)[0]
    if " 200 " not in status + " ":
        return fail("%s: %s" % (path, status or "no answer"))
    ctype = [h.split(":", 1)[1].strip() for h in head.split("\r\n")[1:]
             if h.lower().startswith("content-type:")]
    ctype = ctype[0] if ctype else ""
    if kind == "html":
        ok = b"<" in body[:256] and "html" in ctype
    elif kind == "jpeg":
        ok = body.startswith(SOI) and ctype == "image/jpeg"
    elif kind == "mjpeg":
        ok = ctype.startswith("multipart/") and body.count(SOI) >= 2
    else:
        i = body.find(b"moof")
        ok = body[4:8] == b"ftyp" and i > 8
    if not ok:
        return fail("%s: %s, %s, %d bytes, begins %r" %
                    (path, status, ctype, len(body), body[:16]))
    extra = " (%d JPEG parts)" % body.count(SOI) if kind == "mjpeg" else \
        " (ftyp, then moof at %d)" % body.find(b"moof") if kind == "mp4" else ""
    print("%s: %s, %s, %d bytes%s" % (path, status, ctype, len(body), extra))
    return 0


def fail(msg):
    print("FAIL " + msg)
    return 1


def ws_open(path, timeout=10):
    s = connect(timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
               "Sec-WebSocket-Version: 13\r\nOrigin: http://%s:%d\r\n\r\n"
               % (path, HOST, PORT, key, HOST, PORT)).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            raise OSError("closed before the handshake's answer")
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].decode("latin-1")
    return s, status, rest


def ws_messages(s, rest):
    """Yields (opcode, payload) of each message."""
    buf = rest

    def need(n):
        nonlocal buf
        while len(buf) < n:
            d = s.recv(65536)
            if not d:
                raise EOFError
            buf += d

    while True:
        need(2)
        op, ln = buf[0] & 0x0F, buf[1] & 0x7F
        off = 2
        if ln == 126:
            need(4)
            ln, off = int.from_bytes(buf[2:4], "big"), 4
        elif ln == 127:
            need(10)
            ln, off = int.from_bytes(buf[2:10], "big"), 10
        need(off + ln)
        payload, buf = buf[off:off + ln], buf[off + ln:]
        if op == 8:
            raise EOFError
        yield op, payload


def cmd_ws(path):
    s, status, rest = ws_open(path)
    if " 101 " not in status + " ":
        return fail("%s: %s" % (path, status))
    for op, payload in ws_messages(s, rest):
        if op == 2:
            print("%s: %s, a binary message of %d bytes%s" %
                  (path, status, len(payload),
                   " (a JPEG)" if payload.startswith(SOI) else ""))
            return 0
    return fail("%s: no binary message" % path)


def cmd_sock(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(path)
        buf = b""
        while SOI not in buf or len(buf) < 1024:
            d = s.recv(65536)
            if not d:
                break
            buf += d
    except OSError as e:
        return fail("%s: %s" % (path, e.strerror or e))
    if SOI not in buf:
        return fail("%s: %d bytes, no JPEG" % (path, len(buf)))
    print("%s: read %d bytes of a part (a JPEG)" % (path, len(buf)))
    return 0


class Rtsp:
    """One RTSP connection: requests, their answers, and interleaved
    packets, read strictly in order."""

    def __init__(self, timeout=10):
        self.s = socket.create_connection((HOST, RTSP_PORT), timeout=timeout)
        self.buf = b""
        self.cseq = 0

    def need(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("rtspd closed the connection")
            self.buf += d

    def take(self, n):
        self.need(n)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def answer(self):
        """Status, headers (lower-case names) and body of the next answer."""
        while b"\r\n\r\n" not in self.buf:
            self.need(len(self.buf) + 1)
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        hdrs = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        body = self.take(int(hdrs.get("content-length", 0)))
        return lines[0], hdrs, body

    def request(self, method, url, *headers):
        self.cseq += 1
        self.s.sendall(("%s %s RTSP/1.0\r\nCSeq: %d\r\n%s\r\n" % (
            method, url, self.cseq, "".join(h + "\r\n" for h in headers))).encode())
        status, hdrs, body = self.answer()
        if hdrs.get("cseq") != str(self.cseq):
            raise OSError("%s: CSeq %s, not %d" % (method, hdrs.get("cseq"), self.cseq))
        return status, hdrs, body

    def packet(self):
        """The next interleaved packet: (channel, payload)."""
        self.need(4)
        if self.buf[:1] != b"$":
            raise OSError("not an interleaved packet: %r" % self.buf[:16])
        n = int.from_bytes(self.buf[2:4], "big")
        ch = self.buf[1]
        return ch, self.take(4 + n)[4:]


def rtsp_play(path, timeout=10):
    """DESCRIBE, SETUP (TCP interleaved) and PLAY of PATH: the connection
    and a line of what each answered; raises OSError on a refusal."""
    r = Rtsp(timeout)
    url = "rtsp://%s:%d%s" % (HOST, RTSP_PORT, path)
    st, h, sdp = r.request("DESCRIBE", url, "Accept: application/sdp")
    if " 200 " not in st + " " or b"H264/90000" not in sdp:
        raise OSError("DESCRIBE %s: %s, %r" % (path, st, sdp[:200]))
    base = h.get("content-base", url.rstrip("/") + "/")
    st, h, _ = r.request("SETUP", base + "trackID=0",
                         "Transport: RTP/AVP/TCP;unicast;interleaved=0-1")
    if " 200 " not in st + " " or "interleaved=0-1" not in h.get("transport", ""):
        raise OSError("SETUP %s: %s, Transport %s" % (path, st, h.get("transport")))
    session = h.get("session", "").split(";")[0]
    st, h, _ = r.request("PLAY", base, "Session: " + session, "Range: npt=0-")
    if " 200 " not in st + " ":
        raise OSError("PLAY %s: %s" % (path, st))
    return r, "DESCRIBE, SETUP, PLAY: 200 (session %s, %s)" % (
        session, h.get("rtp-info", "no RTP-Info"))


def nal_type(rtp):
    """The H.264 NAL unit type an RTP packet carries (the fragment's for
    FU-A, the first's for STAP-A)."""
    cc = rtp[0] & 0x0F
    p = rtp[12 + 4 * cc:]
    t = p[0] & 0x1F
    if t == 28:
        return p[1] & 0x1F
    if t == 24:
        return p[3] & 0x1F
    return t


def cmd_rtsp(path):
    try:
        r, said = rtsp_play(path)
        types, units = [], 0
        while units < 2:
            ch, pkt = r.packet()
            if ch != 0:
                continue
            if pkt[0] >> 6 != 2 or pkt[1] & 0x7F != 96:
                return fail("%s: not RTP H.264 (payload type 96): %r" % (path, pkt[:12]))
            types.append(nal_type(pkt))
            units += pkt[1] >> 7
    except (OSError, EOFError) as e:
        return fail("%s: %s" % (path, e))
    if not set(types) & {5} or types[0] not in (5, 6, 7, 8, 9):
        return fail("%s: the first unit is no IDR: NAL types %s" % (path, types[:10]))
    print("%s: %s; %d RTP packets of 2 units, starting with NAL type %d" %
          (path, said, len(types), types[0]))
    return 0


def frames(kind, end):
    """Yields once per frame; raises OSError/EOFError when cut off.  A
    silent connection is waited on (until end), not left: a new one could
    be answered at once with the last frame httpd or wsd kept."""
    if kind == "rtsp":
        r, _ = rtsp_play("/", timeout=5)
        r.s.settimeout(max(1.0, end - time.time()))
        while True:
            ch, pkt = r.packet()
            if ch == 0 and pkt[1] >> 7:
                yield
    if kind == "ws":
        s, status, rest = ws_open("/stream", timeout=5)
        if " 101 " not in status + " ":
            raise OSError(status)
        s.settimeout(max(1.0, end - time.time()))
        for op, _ in ws_messages(s, rest):
            if op == 2:
                yield
        return
    # mjpeg: a JPEG part each; mp4: a fragment (moof) each.
    path, mark = ("/stream.mp4", b"moof") if kind == "mp4" else \
        ("/stream.mjpg", SOI)
    s = connect(5)
    s.settimeout(max(1.0, end - time.time()))
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\n\r\n"
               % (path, HOST, PORT)).encode())
    tail = b""
    while True:
        d = s.recv(65536)
        if not d:
            raise EOFError
        data = tail + d
        for _ in range(data.count(mark)):
            yield
        tail = data[-(len(mark) - 1):]


def cmd_watch(kind, secs):
    end = time.time() + float(secs)
    last = None
    gap = 0.0           # the longest wait between two frames
    back = None         # when frames came back after a gap or a cut
    cuts = 0
    while time.time() < end:
        try:
            for _ in frames(kind, end):
                now = time.time()
                if last is None:
                    print("flowing", flush=True)
                elif back is None and (now - last >= GAP or cuts > 0):
                    back = now
                gap = max(gap, now - last) if last is not None else 0.0
                last = now
                # A second of steady frames after the gap: it is over.
                if back is not None and now - back >= 1.0:
                    print("outage %.2f s %s" % (gap, "on the same connection"
                          if cuts == 0 else "after %d reconnects" % cuts),
                          flush=True)
                    return 0
                if now > end:
                    break
        except (OSError, EOFError):
            cuts += 1
            time.sleep(0.1)
    print("FAIL no outage and recovery seen in %s s" % secs, flush=True)
    return 1


def main(argv):
    cmds = {"get": cmd_get, "ws": cmd_ws, "sock": cmd_sock,
            "rtsp": cmd_rtsp, "watch": cmd_watch}
    if not argv or argv[0] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    return cmds[argv[0]](*argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
