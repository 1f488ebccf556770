# SPDX-License-Identifier: ISC
"""campipe-rtspd against capd's real H.264: RTSP 1.0 answers checked
byte by byte over a plain socket (rtspclient.py), RTP and RTCP over TCP
interleaved and UDP, session and connection timeouts, authentication,
hostile and slow clients, limits, and capd going away and coming back."""
import base64
import os
import random
import re
import socket
import subprocess
import time

import pytest

from conftest import BUILD, free_port, free_udp_pair, wait_for
from rtspclient import (Closed, Rtp, Rtsp, SenderReport, nal_units,
                        receiver_report, rtcp_packets, session_id)

PASSWD = os.path.join(BUILD, "campipe-passwd")
USER = ("alice", "correct horse")
TCP = "RTP/AVP/TCP;unicast;interleaved=0-1"
RTCP_SR, RTCP_BYE = 200, 203


def capd(daemons, tmp, name="frames", *args, size="160x120"):
    """A capd with the test source; its frame socket (H.264 beside it)."""
    sock = os.path.join(tmp, name + ".sock")
    ctl = os.path.join(tmp, name + "-control.sock")
    d = daemons("capd", "--source", "test", "--frames", sock, "--control", ctl,
                "--size", size, "--fps", "20", "--warmup", "0",
                "--h264-gop", "0.5", "--idle-stop", "0.5", *args,
                wait_log="listening on")
    return d, sock


def rtspd(daemons, sock, *args, udp=False):
    """rtspd on a free port; (daemon, port, UDP port or 0)."""
    port = free_port()
    uport = free_udp_pair() if udp else 0
    d = daemons("rtspd", "--frames", sock, "--listen", "127.0.0.1:%d" % port,
                "--udp-port", str(uport), "-v", *args, wait_tcp=port)
    return d, port, uport


def sdp_fmtp(sdp):
    m = re.search(r"^a=fmtp:(\d+) (.*)$", sdp, re.M)
    assert m, sdp
    return int(m.group(1)), dict(kv.split("=", 1) for kv in m.group(2).split(";"))


def setup_play(c, path="/", transport=TCP, headers=None):
    """DESCRIBE, SETUP, PLAY: (setup answer, play answer, session id)."""
    d = c.request("DESCRIBE", c.url(path), {"Accept": "application/sdp"})
    assert d.status == 200, d
    base = d.get("content-base")
    s = c.request("SETUP", base + "trackID=0", {"Transport": transport})
    assert s.status == 200, s
    sid = session_id(s)
    h = {"Session": sid, "Range": "npt=0.000-"}
    h.update(headers or {})
    p = c.request("PLAY", base, h, timeout=15)
    assert p.status == 200, p
    return s, p, sid


def rtp_info(resp):
    info = resp.get("rtp-info")
    assert info, resp
    m = dict(kv.split("=", 1) for kv in info.split(";")[1:])
    return int(m["seq"]), int(m["rtptime"])


def split_frames(frames):
    """RTP packets of channel 0, RTCP compounds of channel 1."""
    rtp = [Rtp(p) for ch, p in frames if ch == 0]
    rtcp = [rtcp_packets(p) for ch, p in frames if ch == 1]
    return rtp, rtcp


def assert_no_gaps(pkts):
    for a, b in zip(pkts, pkts[1:]):
        assert (b.seq - a.seq) & 0xffff == 1, "seq %d then %d" % (a.seq, b.seq)


def transport_param(resp, name):
    for part in resp.get("transport").split(";"):
        if part.startswith(name + "="):
            return part.split("=", 1)[1]
    return None


@pytest.fixture
def served(daemons, tmp):
    """capd and an rtspd with UDP; (rtspd, port, udp port)."""
    _, sock = capd(daemons, tmp)
    return rtspd(daemons, sock, "--session-timeout", "2", udp=True)


# 1. OPTIONS


def test_options_echoes_cseq_and_lists_methods(served):
    _, port, _ = served
    c = Rtsp(port)
    for cseq in ("1", "4294967295", "999999999999999999"):
        r = c.request("OPTIONS", c.url("/"), cseq=cseq)
        assert r.status == 200 and r.reason == "OK", r
        assert r.headers["cseq"] == [cseq], r
        public = {m.strip() for m in r.get("public").split(",")}
        assert public >= {"OPTIONS", "DESCRIBE", "SETUP", "PLAY", "PAUSE",
                          "TEARDOWN", "GET_PARAMETER"}, r
    r = c.request("OPTIONS", "*", cseq="7")
    assert r.status == 200 and r.get("cseq") == "7", r
    # A CSeq past what the reader holds is refused, and ends the connection.
    r = c.request("OPTIONS", c.url("/"), cseq="9" * 19)
    assert r.status == 400 and r.get("cseq") is None, r
    with pytest.raises(Closed):
        c.response(5)


# 2. DESCRIBE


def check_sdp(r, base):
    assert r.status == 200, r
    assert r.get("content-type") == "application/sdp", r
    assert r.get("content-base") == base, r
    sdp = r.body.decode()
    assert sdp.startswith("v=0\r\n") and sdp.endswith("\r\n"), sdp
    assert "\n" not in sdp.replace("\r\n", ""), "a bare LF"
    sdp = sdp.replace("\r\n", "\n")
    m = re.search(r"^m=video 0 RTP/AVP (\d+)$", sdp, re.M)
    assert m, sdp
    pt = int(m.group(1))
    assert 96 <= pt <= 127
    assert re.search(r"^a=rtpmap:%d H264/90000$" % pt, sdp, re.M), sdp
    fpt, fmtp = sdp_fmtp(sdp)
    assert fpt == pt
    assert fmtp["packetization-mode"] == "1"
    sps, pps = (base64.b64decode(x) for x in fmtp["sprop-parameter-sets"].split(","))
    assert sps[0] & 31 == 7 and pps[0] & 31 == 8, (sps, pps)
    assert fmtp["profile-level-id"] == sps[1:4].hex().upper()
    assert re.search(r"^a=control:trackID=0$", sdp, re.M), sdp
    assert re.search(r"^a=range:npt=now-$", sdp, re.M), sdp
    assert re.search(r"^s=\S", sdp, re.M), sdp
    return pt, sps, pps


def test_describe_default_and_named_cameras(daemons, tmp):
    _, door = capd(daemons, tmp, "door")
    _, garden = capd(daemons, tmp, "garden", size="320x240")
    _, port, _ = rtspd(daemons, door, "--camera", "door=" + door,
                       "--camera", "garden=" + garden, "--default-camera",
                       "garden")
    c = Rtsp(port)
    r = c.request("DESCRIBE", c.url("/"), timeout=15)
    _, gsps, _ = check_sdp(r, c.url("/"))
    assert "s=garden" in r.body.decode()
    r = c.request("DESCRIBE", c.url("/cam/door"), timeout=15)
    _, dsps, _ = check_sdp(r, c.url("/cam/door/"))
    assert "s=door" in r.body.decode()
    assert gsps != dsps  # two cameras, two sizes
    r = c.request("DESCRIBE", c.url("/cam/garden/"), timeout=15)
    check_sdp(r, c.url("/cam/garden/"))
    assert c.request("DESCRIBE", c.url("/cam/nope")).status == 404
    assert c.request("DESCRIBE", c.url("/nope")).status == 404
    assert c.request("SETUP", c.url("/cam/nope/trackID=0"),
                     {"Transport": TCP}).status == 404
    r = c.request("RECORD", c.url("/"))
    assert r.status == 501 and r.get("cseq") == str(c.cseq), r
    r = c.request("ANNOUNCE", c.url("/"))
    assert r.status == 501, r
    # The connection goes on after those.
    assert c.request("OPTIONS", c.url("/")).status == 200
    # Without CSeq: 400, and the connection closes.
    r = c.request("DESCRIBE", c.url("/"), cseq=False)
    assert r.status == 400 and r.get("cseq") is None, r
    with pytest.raises(Closed):
        c.response(5)


# 3. TCP interleaved


@pytest.mark.parametrize("mtu", [600])
def test_tcp_interleaved_play(daemons, tmp, mtu):
    _, sock = capd(daemons, tmp, size="320x240")
    _, port, _ = rtspd(daemons, sock, "--mtu", str(mtu))
    c = Rtsp(port)
    s, p, sid = setup_play(c)
    assert transport_param(s, "interleaved") == "0-1", s
    ssrc = transport_param(s, "ssrc")
    assert p.get("session").split(";")[0] == sid
    assert p.get("range") == "npt=now-"
    seq, rtptime = rtp_info(p)
    # RTP-Info names the stream by the URL its SETUP gave.
    assert p.get("rtp-info").startswith("url=" + c.url("/trackID=0;")), p
    start = time.monotonic()
    frames = c.collect(7, until=lambda fs: time.monotonic() - start > 3 and
                       any(ch == 1 for ch, _ in fs))
    assert c.frames == []
    got_at = time.time()
    rtp, rtcp = split_frames(frames)
    assert len(rtp) > 20
    assert (rtp[0].seq, rtp[0].ts) == (seq, rtptime)
    assert_no_gaps(rtp)
    assert {r.ssrc for r in rtp} == {int(ssrc, 16)}
    assert {r.pt for r in rtp} == {96}
    for a, b in zip(rtp, rtp[1:]):
        assert (b.ts - a.ts) & 0xffffffff < 1 << 31, "timestamp went back"
        # The marker closes each access unit, and only there.
        assert a.marker == (a.ts != b.ts), (a.seq, a.ts, b.ts, a.marker)
    assert max(r.size for r in rtp) <= mtu
    assert any(r.payload[0] & 31 == 28 for r in rtp), "no FU-A at this MTU"
    nals = nal_units(rtp)
    assert [n[0] & 31 for _, n in nals[:2]] == [7, 8], nals[:3]
    first_au = [n[0] & 31 for t, n in nals if t == rtptime]
    assert 5 in first_au, first_au
    # Every IDR of the stream comes with its SPS and PPS.
    types = [n[0] & 31 for _, n in nals]
    assert types.count(5) >= 2
    # A sender report, about this stream, on the wall clock.
    assert rtcp, "no RTCP within 7 s"
    srs = [(pt, body) for comp in rtcp for pt, _, body in comp if pt == RTCP_SR]
    assert srs, rtcp
    sr = SenderReport(srs[0][1])
    assert sr.ssrc == int(ssrc, 16)
    assert abs(sr.unix - got_at) < 3, (sr.unix, got_at)
    # Its RTP time is the stream's: just past the packet before it.
    i = next(i for i, (ch, _) in enumerate(frames) if ch == 1)
    before = [Rtp(pl) for ch, pl in frames[:i] if ch == 0][-1]
    assert (sr.rtp_ts - before.ts) & 0xffffffff < 90000, (sr.rtp_ts, before.ts)
    assert sr.packets >= len([1 for ch, _ in frames[:i] if ch == 0])
    # TEARDOWN: a BYE, and the answer.
    r = c.request("TEARDOWN", c.url("/"), {"Session": sid})
    assert r.status == 200 and r.get("session") is None, r
    _, rtcp = split_frames(c.frames)
    byes = [body for comp in rtcp for pt, _, body in comp if pt == RTCP_BYE]
    assert byes and byes[-1][:4] == bytes.fromhex(ssrc), rtcp
    # Nothing more is sent; the session is gone.
    assert c.collect(1) == [] or all(ch != 0 for ch, _ in c.collect(0.5))
    r = c.request("PLAY", c.url("/"), {"Session": sid})
    assert r.status == 454, r


def test_play_twice_and_pause(served):
    _, port, _ = served
    c = Rtsp(port)
    _, p, sid = setup_play(c)
    rtp = [Rtp(pl) for ch, pl in c.collect(1) if ch == 0]
    assert rtp
    # PLAY while playing: answered at once, naming what comes next.
    r = c.request("PLAY", c.url("/"), {"Session": sid})
    assert r.status == 200, r
    seq, _ = rtp_info(r)
    before = [Rtp(pl) for ch, pl in c.frames if ch == 0]
    c.frames = []
    after = [Rtp(pl) for ch, pl in c.collect(1) if ch == 0]
    assert after and after[0].seq == seq, (seq, after[0].seq)
    assert_no_gaps(rtp + before + after)
    r = c.request("PAUSE", c.url("/"), {"Session": sid})
    assert r.status == 200 and session_id(r) == sid, r
    c.frames = []
    time.sleep(0.3)
    c.collect(0.3)
    assert [ch for ch, _ in c.collect(1) if ch == 0] == []
    # PLAY again: from an IDR, with RTP-Info exact again.
    r = c.request("PLAY", c.url("/"), {"Session": sid}, timeout=10)
    assert r.status == 200, r
    seq, ts = rtp_info(r)
    pkts = [Rtp(pl) for ch, pl in c.collect(1.5) if ch == 0]
    assert (pkts[0].seq, pkts[0].ts) == (seq, ts)
    assert nal_units(pkts)[0][1][0] & 31 == 7


# 4. UDP


def test_udp_play_reports_and_keepalive(served):
    _, port, uport = served
    a = free_udp_pair()
    rtp_s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtcp_s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rtp_s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    rtp_s.bind(("127.0.0.1", a))
    rtcp_s.bind(("127.0.0.1", a + 1))
    rtp_s.settimeout(0.2)
    rtcp_s.settimeout(0.2)
    c = Rtsp(port)
    s, p, sid = setup_play(c, transport="RTP/AVP;unicast;client_port=%d-%d"
                           % (a, a + 1))
    assert transport_param(s, "client_port") == "%d-%d" % (a, a + 1), s
    assert transport_param(s, "server_port") == "%d-%d" % (uport, uport + 1), s
    ssrc = int(transport_param(s, "ssrc"), 16)
    seq, ts = rtp_info(p)

    pkts, srs = [], []
    last_rr = 0
    end = time.monotonic() + 7
    # Only RTCP from us for the next seconds: no request names the session.
    while time.monotonic() < end and not (srs and time.monotonic() > end - 2):
        try:
            b, frm = rtp_s.recvfrom(65536)
            assert frm == ("127.0.0.1", uport)
            pkts.append(Rtp(b))
        except socket.timeout:
            pass
        try:
            b, frm = rtcp_s.recvfrom(65536)
            assert frm == ("127.0.0.1", uport + 1)
            srs += [SenderReport(body) for pt, _, body in rtcp_packets(b)
                    if pt == RTCP_SR]
        except socket.timeout:
            pass
        if time.monotonic() - last_rr > 0.5:
            rtcp_s.sendto(receiver_report(0x1234, ssrc), ("127.0.0.1", uport + 1))
            last_rr = time.monotonic()
    assert pkts and (pkts[0].seq, pkts[0].ts) == (seq, ts)
    assert_no_gaps(pkts)
    assert {x.ssrc for x in pkts} == {ssrc}
    assert max(x.size for x in pkts) <= 1400
    assert nal_units(pkts)[0][1][0] & 31 == 7
    assert srs and srs[0].ssrc == ssrc
    assert abs(srs[0].unix - time.time()) < 10
    # Past three session timeouts on RTCP alone, it still plays.
    rtp_s.settimeout(2)
    rtp_s.recvfrom(65536)
    r = c.request("PLAY", c.url("/"), {"Session": sid})
    assert r.status == 200, r
    # Without RTCP nor requests, it ends within the timeout.
    time.sleep(3)
    while True:
        try:
            rtp_s.recvfrom(65536)
        except socket.timeout:
            break
    rtp_s.settimeout(1)
    with pytest.raises(socket.timeout):
        rtp_s.recvfrom(65536)
    # The session is gone; the connection, left without one, may be too.
    try:
        r = c.request("PLAY", c.url("/"), {"Session": sid})
        assert r.status == 454, r
    except Closed:
        pass


def test_udp_refused_when_off(daemons, tmp):
    _, sock = capd(daemons, tmp)
    _, port, _ = rtspd(daemons, sock)
    c = Rtsp(port)
    r = c.request("SETUP", c.url("/trackID=0"),
                  {"Transport": "RTP/AVP;unicast;client_port=5000-5001"})
    assert r.status == 461, r
    r = c.request("SETUP", c.url("/trackID=0"),
                  {"Transport": "RTP/AVP;multicast"})
    assert r.status == 461, r
    r = c.request("SETUP", c.url("/trackID=0"), {
        "Transport": "RTP/AVP;unicast;client_port=5000-5001," + TCP})
    assert r.status == 200 and transport_param(r, "interleaved") == "0-1", r


# 5. Session timeout


def test_session_timeout_and_keepalives(served):
    _, port, _ = served
    quiet, ping, rtcp, opts = (Rtsp(port) for _ in range(4))
    clients = {"quiet": quiet, "ping": ping, "rtcp": rtcp, "options": opts}
    sids, ssrc, got = {}, None, {k: [] for k in clients}
    for k, c in clients.items():
        s, _, sids[k] = setup_play(c)
        ssrc = int(transport_param(s, "ssrc"), 16)
    start = time.monotonic()
    last = 0
    quiet_gone = None
    while time.monotonic() - start < 5.5:
        for k, c in clients.items():
            if k == "quiet" and quiet_gone:
                continue
            try:
                got[k] += [(time.monotonic(), ch) for ch, _ in c.collect(0.05)]
            except Closed:
                assert k == "quiet"
                quiet_gone = time.monotonic()
        if time.monotonic() - last > 0.8:
            last = time.monotonic()
            r = ping.request("GET_PARAMETER", ping.url("/"), {"Session": sids["ping"]})
            assert r.status == 200 and session_id(r) == sids["ping"], r
            r = opts.request("OPTIONS", opts.url("/"), {"Session": sids["options"]})
            assert r.status == 200
            rtcp.send_data(1, receiver_report(0x5678, ssrc))
    for k in ("ping", "rtcp", "options"):
        late = [t for t, ch in got[k] if ch == 0 and t - start > 4.5]
        assert late, "%s stopped playing" % k
    # The quiet one stopped within its timeout (2 s) and a bit.
    late = [t for t, ch in got["quiet"] if ch == 0 and t - start > 3.5]
    assert not late, "the quiet session went on"
    if not quiet_gone:
        try:
            r = quiet.request("PLAY", quiet.url("/"), {"Session": sids["quiet"]})
            assert r.status == 454, r
            r = quiet.request("GET_PARAMETER", quiet.url("/"),
                              {"Session": sids["quiet"]})
            assert r.status == 454, r
        except Closed:
            pass
    # A ping without a session is answered.
    r = ping.request("GET_PARAMETER", ping.url("/"))
    assert r.status == 200, r


# 6. Authentication


def passwd_entry(user, password):
    r = subprocess.run([PASSWD, "-m", "bcrypt", "-r", "4", user],
                       input=password.encode() + b"\n", capture_output=True,
                       check=True, timeout=60)
    return r.stdout.decode()


def test_basic_auth_and_ffprobe(daemons, tmp):
    ht = os.path.join(tmp, "htpasswd")
    with open(ht, "w") as f:
        f.write(passwd_entry(*USER))
    _, sock = capd(daemons, tmp)
    d, port, _ = rtspd(daemons, sock, "--htpasswd", ht, "--auth-delay", "1")
    c = Rtsp(port)
    assert c.request("OPTIONS", c.url("/")).status == 200
    r = c.request("DESCRIBE", c.url("/"))
    assert r.status == 401, r
    assert re.fullmatch(r'Basic realm="[^"]+"(, charset="UTF-8")?',
                        r.get("www-authenticate")), r
    for cred in (("alice", "wrong"), ("bob", "correct horse")):
        r = Rtsp(port, auth=cred).request("DESCRIBE", c.url("/"))
        assert r.status == 401, r
    r = c.request("DESCRIBE", c.url("/"), {"Authorization": "Bearer xyz"})
    assert r.status == 401, r
    good = Rtsp(port, auth=USER)
    check_sdp(good.request("DESCRIBE", c.url("/"), timeout=15), c.url("/"))
    r = good.request("SETUP", c.url("/trackID=0"), {"Transport": TCP})
    assert r.status == 200
    # Every request needs them, not only the first.
    r = c.request("SETUP", c.url("/trackID=0"), {"Transport": TCP})
    assert r.status == 401, r
    p = subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                        "-show_entries", "stream=codec_name,width,height",
                        "-of", "csv=p=0", "rtsp://%s:%s@127.0.0.1:%d/" %
                        (USER[0], USER[1].replace(" ", "%20"), port)],
                       capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout.decode().strip() == "h264,160,120", p.stdout
    p = subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                        "rtsp://alice:nope@127.0.0.1:%d/" % port],
                       capture_output=True, timeout=30)
    assert p.returncode != 0 and b"401" in p.stderr, p.stderr


# 7. Garbage


def read_all(s, timeout=5):
    """Everything until the server closes (or resets)."""
    s.settimeout(timeout)
    out = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            b = s.recv(65536)
        except ConnectionResetError:
            return out, True
        if not b:
            return out, True
        out += b
    return out, False


def test_garbage_is_refused_and_others_are_served(daemons, tmp):
    _, sock = capd(daemons, tmp)
    d, port, _ = rtspd(daemons, sock)
    good = Rtsp(port)
    _, _, sid = setup_play(good)
    rnd = random.Random(1)
    junk = [
        b"x" + bytes(rnd.getrandbits(8) for _ in range(65535)),
        b"OPTIONS rtsp://127.0.0.1/\r\nCSeq: 1\r\n\r\n",
        b"OPTIONS rtsp://127.0.0.1/ HTTP/1.1\r\nCSeq: 1\r\n\r\n",
        b"OPTIONS rtsp://127.0.0.1/ RTSP/1.0\r\nCSeq: 1\r\nX: " + b"a" * 8000
        + b"\r\n\r\n",
        b"OPTIONS rtsp://127.0.0.1/ RTSP/1.0\r\n" + b"X-A: b\r\n" * 1000 + b"\r\n",
        b"OPTIONS rtsp://127.0.0.1/ RTSP/1.0\r\nCSeq: 1\r\nCSeq: 2\r\n\r\n",
        b"OPTIONS rtsp://127.0.0.1/ RTSP/1.0\r\nCSeq: 1\r\nContent-Length: "
        b"999999\r\n\r\n",
        b"\r\n" * 5000,
    ]
    for _ in range(3):
        for j in junk:
            s = socket.create_connection(("127.0.0.1", port))
            try:
                s.sendall(j)
            except (BrokenPipeError, ConnectionResetError):
                pass
            out, closed = read_all(s)
            s.close()
            assert closed, j[:60]
            assert out == b"" or re.match(rb"RTSP/1.0 (400|413|505) ", out), out
            # The player on another connection is served meanwhile.
            good.collect(0.05)
    assert [f for f in good.collect(1) if f[0] == 0]
    r = good.request("GET_PARAMETER", good.url("/"), {"Session": sid})
    assert r.status == 200, r
    c = Rtsp(port)
    assert c.request("OPTIONS", c.url("/")).status == 200
    # 24 bad connections logged in a bounded number of lines.
    bad = [line for line in d.logtext().splitlines()
           if "bad RTSP" in line or ("127.0.0.1: " in line and
                                     ("request" in line or "header" in line or
                                      "version" in line or "CSeq" in line))]
    assert 1 <= len(bad) <= 8, "\n".join(bad)


# 8. Limits


def test_limits_per_address_sessions_and_head_timeout(daemons, tmp):
    _, sock = capd(daemons, tmp)
    d, port, _ = rtspd(daemons, sock, "--max-clients-per-addr", "4",
                       "--head-timeout", "1")
    held = [Rtsp(port) for _ in range(4)]
    for c in held:
        assert c.request("OPTIONS", c.url("/")).status == 200
    fifth = Rtsp(port)
    r = fifth.request("OPTIONS", fifth.url("/"))
    assert r.status == 503, r
    with pytest.raises(Closed):
        fifth.response(5)
    other = Rtsp(port, bind="127.0.0.2")
    assert other.request("OPTIONS", other.url("/")).status == 200
    # Sessions on one connection are bounded.
    c = held[0]
    statuses = [c.request("SETUP", c.url("/trackID=0"), {
        "Transport": "RTP/AVP/TCP;unicast;interleaved=%d-%d" % (2 * i, 2 * i + 1)
    }).status for i in range(6)]
    assert statuses[0] == 200 and 503 in statuses, statuses
    n = statuses.index(503)
    assert statuses[n:] == [503] * (6 - n), statuses
    # One gone, room for another.
    held[1].close()
    wait_for(lambda: (lambda x: x.request("OPTIONS", x.url("/")).status == 200)(
        Rtsp(port)), timeout=5, what="a freed place")
    # A connection that sends nothing is closed after the head timeout,
    # as is one that sends half a head.
    idle = socket.create_connection(("127.0.0.1", port))
    half = socket.create_connection(("127.0.0.1", port))
    half.sendall(b"OPTIONS rtsp://127.0.0.1/ RTSP/1.0\r\nCSeq: 1\r\n")
    t = time.monotonic()
    for s in (idle, half):
        out, closed = read_all(s, 5)
        assert closed and out == b"", out
    assert time.monotonic() - t < 5


# 9. A client that reads nothing


def test_stuck_reader_slows_nobody_and_is_dropped(daemons, tmp):
    _, sock = capd(daemons, tmp, size="320x240")
    d, port, _ = rtspd(daemons, sock, "--write-timeout", "1.5")
    stuck = Rtsp(port, rcvbuf=4096)
    setup_play(stuck)
    fast = Rtsp(port)
    setup_play(fast)
    frames = fast.collect(3)
    rtp = [Rtp(p) for ch, p in frames if ch == 0]
    assert len(rtp) > 30
    assert_no_gaps(rtp)
    wait_for(lambda: "took nothing for the write timeout" in d.logtext(),
             timeout=10, what="the stuck client dropped")
    _, closed = read_all(stuck.s, 10)
    assert closed
    rtp = [Rtp(p) for ch, p in fast.collect(1) if ch == 0]
    assert rtp
    assert_no_gaps(rtp)


# 10. capd goes away and comes back


def test_capd_restart_resumes_on_the_same_connection(daemons, tmp):
    cd, sock = capd(daemons, tmp)
    d, port, _ = rtspd(daemons, sock)
    c = Rtsp(port)
    _, _, sid = setup_play(c)
    before = [Rtp(p) for ch, p in c.collect(1) if ch == 0]
    assert before
    cd.kill()
    # What was sent before the kill, then nothing.
    before += [Rtp(p) for ch, p in c.collect(1) if ch == 0]
    assert [f for f in c.collect(1) if f[0] == 0] == []
    capd(daemons, tmp)
    after = [Rtp(p) for ch, p in c.collect(15, until=lambda fs: sum(
        ch == 0 for ch, _ in fs) > 20) if ch == 0]
    assert len(after) > 20, "the stream did not come back"
    assert_no_gaps(after)
    gap = (after[0].seq - before[-1].seq) & 0xffff
    assert 1 <= gap < 1000, (before[-1].seq, after[0].seq)
    assert (after[0].ts - before[-1].ts) & 0xffffffff < 1 << 31
    assert {p.ssrc for p in before + after} == {before[0].ssrc}
    assert nal_units(after)[0][1][0] & 31 == 7
    r = c.request("GET_PARAMETER", c.url("/"), {"Session": sid})
    assert r.status == 200, r
    # A DESCRIBE after it is answered with the new parameters.
    check_sdp(c.request("DESCRIBE", c.url("/"), timeout=15), c.url("/"))
