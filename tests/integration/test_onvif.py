# SPDX-License-Identifier: ISC
"""httpd's ONVIF services (docs/onvif.md) as an NVR uses them: WS-Discovery
from another network namespace over a veth pair (a Probe to
239.255.255.250:3702, a ProbeMatch back with XAddrs, the Hello at start
and the Bye at the end), then SOAP calls with python3-zeep's
WS-UsernameToken (its own digest code) sent with http.client and read with
xml.etree: an independent client.  The stream URI plays in ffprobe through
rtspd, the snapshot URI gives a JPEG; a wrong token gets a fault.  A camera
whose capd has --h264-sub gets a second profile at the sub-stream's size,
whose URI plays at that size."""
import datetime
import http.client
import os
import re
import subprocess
import sys
import textwrap
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from conftest import binary, free_port, veth_netns

zeep_wsse = pytest.importorskip("zeep.wsse.username")
from lxml import etree  # noqa: E402  (zeep's own dependency)
from zeep.wsdl.utils import etree_to_string  # noqa: E402

NS = {"s": "http://www.w3.org/2003/05/soap-envelope",
      "tds": "http://www.onvif.org/ver10/device/wsdl",
      "trt": "http://www.onvif.org/ver10/media/wsdl",
      "tt": "http://www.onvif.org/ver10/schema",
      "ter": "http://www.onvif.org/ver10/error",
      "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
      "d": "http://schemas.xmlsoap.org/ws/2005/04/discovery"}
DEVICE, MEDIA = NS["tds"], NS["trt"]
PASSWORD = "hfSMj3CSXqdtZwCCh8wc"
NETNS = "campipe-onvif-%d" % os.getpid()
VETH = "cpo%d" % (os.getpid() % 100000)
HOST_ADDR, NS_ADDR = "10.77.%d.1" % (os.getpid() % 250), "10.77.%d.2" % (os.getpid() % 250)

# Run inside the namespace: "probe" sends a Probe and prints the answers;
# "listen SECONDS" prints what the group carries (Hello, Bye).
NS_CLIENT = textwrap.dedent("""
    import socket, struct, sys, time, uuid
    mode = sys.argv[1]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if mode == "listen":
        s.bind(("", 3702))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                     struct.pack("4s4s", socket.inet_aton("239.255.255.250"),
                                 socket.inet_aton(sys.argv[3])))
        print("ready", flush=True)
        end = time.time() + float(sys.argv[2])
    else:
        s.bind((sys.argv[2], 0))
        mid = "urn:uuid:%s" % uuid.uuid4()
        probe = ('<?xml version="1.0" encoding="utf-8"?><s:Envelope '
            'xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
            'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
            'xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header>'
            '<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe'
            '</a:Action><a:MessageID>%s</a:MessageID><a:To>urn:schemas-'
            'xmlsoap-org:ws:2005:04:discovery</a:To></s:Header><s:Body>'
            '<d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe>'
            '</s:Body></s:Envelope>' % mid)
        print(mid, flush=True)
        for i in range(int(sys.argv[3]) if len(sys.argv) > 3 else 1):
            s.sendto(probe.encode(), ("239.255.255.250", 3702))
        end = time.time() + 3
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            data, frm = s.recvfrom(65536)
        except socket.timeout:
            break
        print("%s %s" % (frm[0], data.decode().replace("\\n", " ")), flush=True)
""")


@pytest.fixture
def netns():
    """A namespace joined to this one by a veth pair, with a multicast route."""
    with veth_netns(NETNS, VETH, HOST_ADDR, NS_ADDR, "224.0.0.0/4") as ns:
        yield ns


def in_ns(*args):
    return subprocess.Popen(["ip", "netns", "exec", NETNS, sys.executable, "-c",
                             NS_CLIENT] + list(args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def envelope(ns, action, children=(), user="nvr", password=PASSWORD,
             created=None):
    """A request as zeep makes it, with zeep's UsernameToken (PasswordDigest)."""
    e = etree.Element("{%s}Envelope" % NS["s"], nsmap={"soap-env": NS["s"]})
    body = etree.SubElement(e, "{%s}Body" % NS["s"])
    a = etree.SubElement(body, "{%s}%s" % (ns, action), nsmap={"ns0": ns})
    for name, text in children:
        etree.SubElement(a, "{%s}%s" % (ns, name)).text = text
    if user is not None:
        tok = zeep_wsse.UsernameToken(user, password, use_digest=True,
                                      created=created)
        e, _ = tok.apply(e, {})
    return etree_to_string(e)


def call(port, service, body, host="127.0.0.1"):
    c = http.client.HTTPConnection(host, port, timeout=10)
    c.request("POST", "/onvif/%s_service" % service, body,
              {"Content-Type": "application/soap+xml; charset=utf-8"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, r.getheader("Content-Type"), ET.fromstring(data)


SUB = (320, 180)
SUB_FPS = 5


def field(e, path):
    return e.find(path, NS).text


def start_all(daemons, tmp, *extra, capd=()):
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--source", "test", "--frames", frames, "--control",
            os.path.join(tmp, "control.sock"), *capd, wait_unix=frames)
    rport = free_port()
    daemons("rtspd", "--frames", frames, "--listen", "127.0.0.1:%d" % rport,
            "--udp-port", "0", wait_tcp=rport)
    creds = os.path.join(tmp, "nvr-credentials")
    with open(creds, "w") as f:
        f.write("nvr:%s\n" % PASSWORD)
    os.chmod(creds, 0o600)
    hport = free_port()
    extra = [a.replace("PORT", str(hport)) for a in extra]
    h = daemons("httpd", "--frames", frames, "--control",
                os.path.join(tmp, "control.sock"), "--listen",
                "127.0.0.1:%d" % hport, *extra, "--onvif", "--onvif-rtsp-port",
                str(rport), "--nvr-credentials", creds, "--auth-delay", "10",
                wait_tcp=hport, wait_log="WS-Discovery on UDP")
    return hport, rport, h


def test_discovery_from_another_namespace(daemons, tmp, netns):
    listener = in_ns("listen", "12", NS_ADDR)
    assert listener.stdout.readline().strip() == "ready"
    hport, _, h = start_all(daemons, tmp, "--listen", HOST_ADDR + ":PORT")
    p = in_ns("probe", NS_ADDR)
    out, err = p.communicate(timeout=15)
    mid, *answers = out.splitlines()
    assert len(answers) == 1, (out, err, h.logtext())
    frm, xml = answers[0].split(" ", 1)
    assert frm == HOST_ADDR
    m = ET.fromstring(xml)
    assert m.find("s:Header/a:RelatesTo", NS).text == mid
    assert m.find("s:Header/a:Action", NS).text.endswith("/discovery/ProbeMatches")
    pm = m.find("s:Body/d:ProbeMatches/d:ProbeMatch", NS)
    uuid = pm.find("a:EndpointReference/a:Address", NS).text
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-"
                        r"[89ab][0-9a-f]{3}-[0-9a-f]{12}", uuid)
    assert "dn:NetworkVideoTransmitter" in pm.find("d:Types", NS).text.split()
    xaddr = pm.find("d:XAddrs", NS).text
    # The first --listen's port, at the address that reaches the prober.
    assert xaddr == "http://%s:%d/onvif/device_service" % (HOST_ADDR, hport)
    # The XAddr answers from the namespace.
    r = subprocess.run(["ip", "netns", "exec", NETNS, "curl", "-s", "-X", "POST",
                        "--data-binary", envelope(DEVICE, "GetSystemDateAndTime",
                                                  user=None), xaddr],
                       capture_output=True, timeout=15)
    assert b"GetSystemDateAndTimeResponse" in r.stdout, r
    # A burst of 20 Probes gets at most 5 answers a second (2 seconds
    # at most pass before the last is read).
    out = in_ns("probe", NS_ADDR, "20").communicate(timeout=15)[0]
    assert 5 <= len(out.splitlines()) - 1 <= 10, out
    h.stop()
    # The group carries our Probe too: httpd's messages only.
    lines = [l for l in listener.communicate(timeout=15)[0].splitlines()
             if l.startswith(HOST_ADDR + " ")]
    kinds = [re.search(r"/discovery/(\w+)</a:Action>", l).group(1) for l in lines]
    assert kinds[0] == "Hello" and kinds[-1] == "Bye", lines
    for l in lines:
        assert uuid in l
    assert "http://%s:%d/onvif/device_service" % (HOST_ADDR, hport) in lines[0]


def test_soap_calls_stream_and_snapshot(daemons, tmp):
    hport, rport, h = start_all(daemons, tmp)
    # Before authentication: the clock, capabilities and services.
    st, ctype, r = call(hport, "device", envelope(DEVICE, "GetSystemDateAndTime",
                                                  user=None))
    assert st == 200 and ctype.startswith("application/soap+xml")
    utc = r.find(".//tds:SystemDateAndTime/tt:UTCDateTime", NS)
    got = datetime.datetime(int(utc.find("tt:Date/tt:Year", NS).text),
                            int(utc.find("tt:Date/tt:Month", NS).text),
                            int(utc.find("tt:Date/tt:Day", NS).text),
                            int(utc.find("tt:Time/tt:Hour", NS).text),
                            int(utc.find("tt:Time/tt:Minute", NS).text),
                            int(utc.find("tt:Time/tt:Second", NS).text),
                            tzinfo=datetime.timezone.utc)
    assert abs((got - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 5
    st, _, r = call(hport, "device", envelope(DEVICE, "GetCapabilities", user=None))
    assert st == 200
    assert r.find(".//tt:Media/tt:XAddr", NS).text == \
        "http://127.0.0.1:%d/onvif/media_service" % hport
    st, _, r = call(hport, "device", envelope(DEVICE, "GetServices", user=None))
    assert st == 200 and len(r.findall(".//tds:Service", NS)) == 2
    # Without a token: NotAuthorized.
    st, _, r = call(hport, "device", envelope(DEVICE, "GetDeviceInformation",
                                              user=None))
    assert st == 400
    assert r.find(".//s:Fault/s:Code/s:Subcode/s:Value", NS).text == "ter:NotAuthorized"
    # With zeep's token.
    st, _, r = call(hport, "device", envelope(DEVICE, "GetDeviceInformation"))
    assert st == 200, ET.tostring(r)
    info = r.find("s:Body/tds:GetDeviceInformationResponse", NS)
    assert info.find("tds:Manufacturer", NS).text == "campipe"
    assert info.find("tds:FirmwareVersion", NS).text
    assert re.fullmatch(r"[0-9a-f]{16}", info.find("tds:SerialNumber", NS).text)
    st, _, r = call(hport, "media", envelope(MEDIA, "GetProfiles"))
    assert st == 200
    profiles = r.findall(".//trt:Profiles", NS)
    assert [p.get("token") for p in profiles] == ["main"]
    vec = profiles[0].find("tt:VideoEncoderConfiguration", NS)
    assert vec.find("tt:Encoding", NS).text == "H264"
    assert vec.find("tt:Resolution/tt:Width", NS).text.isdigit()
    st, _, r = call(hport, "media", envelope(MEDIA, "GetStreamUri",
                                             [("ProfileToken", "main")]))
    assert st == 200
    uri = r.find(".//trt:MediaUri/tt:Uri", NS).text
    assert uri == "rtsp://127.0.0.1:%d/" % rport
    st, _, r = call(hport, "media", envelope(MEDIA, "GetSnapshotUri",
                                             [("ProfileToken", "main")]))
    snap = r.find(".//trt:MediaUri/tt:Uri", NS).text
    assert snap == "http://127.0.0.1:%d/pi.jpg" % hport
    p = subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                        "-show_entries", "stream=codec_name,width", "-of",
                        "csv=p=0", uri], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0 and p.stdout.strip() == "h264,640", p.stderr
    with urllib.request.urlopen(snap, timeout=10) as resp:
        assert resp.headers["Content-Type"] == "image/jpeg"
        assert resp.read(2) == b"\xff\xd8"
    # No such profile; an unknown action.
    st, _, r = call(hport, "media", envelope(MEDIA, "GetStreamUri",
                                             [("ProfileToken", "nope")]))
    assert st == 400
    assert [v.text for v in r.iter("{%s}Value" % NS["s"])] == \
        ["s:Sender", "ter:InvalidArgVal", "ter:NoProfile"]
    st, _, r = call(hport, "device", envelope(DEVICE, "SystemReboot"))
    assert st == 500
    assert [v.text for v in r.iter("{%s}Value" % NS["s"])] == \
        ["s:Receiver", "ter:ActionNotSupported"]


def test_wrong_tokens_get_faults_and_are_held(daemons, tmp):
    hport, _, h = start_all(daemons, tmp)
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=6)
    for body in (envelope(DEVICE, "GetDeviceInformation", password="x" * 20),
                 envelope(DEVICE, "GetDeviceInformation", user="nobody"),
                 envelope(DEVICE, "GetDeviceInformation", created=old)):
        st, _, r = call(hport, "device", body)
        assert st == 400
        assert r.find(".//s:Subcode/s:Value", NS).text == "ter:NotAuthorized"
    # A DOCTYPE is refused before anything else.
    st, _, r = call(hport, "device", b'<!DOCTYPE x [<!ENTITY a "b">]>' +
                    envelope(DEVICE, "GetDeviceInformation").split(b"?>", 1)[1])
    assert st == 400 and r.find(".//s:Subcode/s:Value", NS).text == "ter:WellFormed"
    # The right one still passes after the delays (10 ms a failure here).
    st, _, _ = call(hport, "device", envelope(DEVICE, "GetDeviceInformation"))
    assert st == 200
    assert "failed ONVIF logins" in h.logtext() or "wrong user" in h.logtext()


def test_refused_without_nvr_credentials_beside_htpasswd(tmp):
    htp = os.path.join(tmp, "htpasswd")
    with open(htp, "w") as f:
        f.write("alice:$y$j9T$abcdefghijklmnopqrstu.$" + "A" * 43 + "\n")
    p = subprocess.run([binary("httpd"), "--onvif", "--htpasswd", htp],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode == 2 and "--nvr-credentials" in p.stderr


def doc_example(section, hport, service):
    """Posts the request of docs/onvif.md's example under section: the
    answer's body and the one documented."""
    text = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                             "onvif.md")).read()
    ex = text.split("## " + section, 1)[1]
    blocks = re.findall(r"```\n(.*?)```", ex, re.S)
    c = http.client.HTTPConnection("127.0.0.1", hport, timeout=10)
    c.request("POST", "/onvif/%s_service" % service,
              blocks[0].rstrip("\n").encode(),
              {"Content-Type": "application/soap+xml; charset=utf-8"})
    r = c.getresponse()
    assert r.status == 200
    return r.read().decode(), blocks[1]


def test_the_documented_example(daemons, tmp):
    hport, _, _ = start_all(daemons, tmp)
    got, want = doc_example("An example", hport, "device")
    assert got == want.replace(":8080/", ":%d/" % hport)


def test_other_paths_keep_their_1k_body_limit(daemons, tmp):
    hport, _, _ = start_all(daemons, tmp)
    c = http.client.HTTPConnection("127.0.0.1", hport, timeout=10)
    c.request("PATCH", "/api/camera/settings", b"{" + b" " * 2000 + b"}",
              {"Content-Type": "application/json"})
    assert c.getresponse().status == 413
    c = http.client.HTTPConnection("127.0.0.1", hport, timeout=10)
    c.request("GET", "/onvif/device_service")
    r = c.getresponse()
    assert r.status == 405 and r.getheader("Allow") == "POST"


def test_a_profile_per_camera(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    back = os.path.join(tmp, "back.sock")
    for path, ctl, sub in ((frames, "control.sock", ()),
                           (back, "back-control.sock", ("--h264-sub", "160x120@5"))):
        daemons("capd", "--source", "test", "--frames", path, "--control",
                os.path.join(tmp, ctl), *sub, wait_unix=path)
    hport = free_port()
    daemons("httpd", "--camera", "front=" + frames, "--camera", "back=" + back,
            "--control", os.path.join(tmp, "control.sock"), "--listen",
            "127.0.0.1:%d" % hport, "--onvif", "--onvif-rtsp-port", "8554",
            wait_tcp=hport)
    st, _, r = call(hport, "media", envelope(MEDIA, "GetProfiles", user=None))
    assert st == 200
    # Only back's capd gives a sub-stream: its second profile.
    assert [p.get("token") for p in r.findall(".//trt:Profiles", NS)] == \
        ["main", "cam_back", "sub_back"]
    vec = r.findall(".//trt:Profiles", NS)[2].find("tt:VideoEncoderConfiguration", NS)
    assert vec.get("token") == "vec_sub_back"
    assert (field(vec, "tt:Resolution/tt:Width"),
            field(vec, "tt:Resolution/tt:Height")) == ("160", "120")
    for tok, rtsp, jpg in (("main", "/", "/pi.jpg"),
                           ("cam_back", "/cam/back", "/cam/back/pi.jpg"),
                           ("sub_back", "/cam/back/sub", "/cam/back/pi.jpg")):
        _, _, r = call(hport, "media", envelope(MEDIA, "GetStreamUri",
                                                [("ProfileToken", tok)], user=None))
        assert r.find(".//tt:Uri", NS).text == "rtsp://127.0.0.1:8554" + rtsp
        _, _, r = call(hport, "media", envelope(MEDIA, "GetSnapshotUri",
                                                [("ProfileToken", tok)], user=None))
        assert r.find(".//tt:Uri", NS).text == "http://127.0.0.1:%d%s" % (hport, jpg)


def test_a_sub_stream_is_a_second_profile(daemons, tmp):
    """capd --h264-sub: GetProfiles lists main and sub, the sub's encoder
    at the sub-stream's size and rate from its SPS; GetStreamUri gives
    rtspd's /sub, which ffprobe plays at that size."""
    hport, rport, h = start_all(daemons, tmp, capd=(
        "--h264-sub", "%dx%d@%d" % (SUB + (SUB_FPS,))))
    st, _, r = call(hport, "media", envelope(MEDIA, "GetProfiles"))
    assert st == 200, ET.tostring(r)
    profiles = r.findall(".//trt:Profiles", NS)
    assert [p.get("token") for p in profiles] == ["main", "sub"]
    main, sub = profiles
    for p in profiles:
        assert p.find("tt:VideoSourceConfiguration", NS).get("token") == "vsc_main"
        assert field(p, "tt:VideoSourceConfiguration/tt:UseCount") == "2"
    assert (field(main, ".//tt:Resolution/tt:Width"),
            field(main, ".//tt:Resolution/tt:Height")) == ("640", "480")
    vec = sub.find("tt:VideoEncoderConfiguration", NS)
    assert vec.get("token") == "vec_sub"
    assert (int(field(vec, "tt:Resolution/tt:Width")),
            int(field(vec, "tt:Resolution/tt:Height"))) == SUB
    assert int(field(vec, "tt:RateControl/tt:FrameRateLimit")) == SUB_FPS
    # GetProfile answers either; the encoder configurations are both.
    for tok in ("main", "sub"):
        st, _, r = call(hport, "media", envelope(MEDIA, "GetProfile",
                                                 [("ProfileToken", tok)]))
        assert st == 200 and r.find(".//trt:Profile", NS).get("token") == tok
    st, _, r = call(hport, "media", envelope(MEDIA, "GetVideoEncoderConfigurations"))
    assert [c.get("token") for c in r.findall(".//trt:Configurations", NS)] == \
        ["vec_main", "vec_sub"]
    st, _, r = call(hport, "media", envelope(MEDIA, "GetVideoSources"))
    assert [s.get("token") for s in r.findall(".//trt:VideoSources", NS)] == ["vs_main"]
    uris = {}
    for tok in ("main", "sub"):
        st, _, r = call(hport, "media", envelope(MEDIA, "GetStreamUri",
                                                 [("ProfileToken", tok)]))
        assert st == 200
        uris[tok] = field(r, ".//trt:MediaUri/tt:Uri")
        st, _, r = call(hport, "media", envelope(MEDIA, "GetSnapshotUri",
                                                 [("ProfileToken", tok)]))
        assert field(r, ".//trt:MediaUri/tt:Uri") == "http://127.0.0.1:%d/pi.jpg" % hport
    assert uris == {"main": "rtsp://127.0.0.1:%d/" % rport,
                    "sub": "rtsp://127.0.0.1:%d/sub" % rport}
    p = subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                        "-read_intervals", "%+2", "-count_frames",
                        "-show_entries", "stream=codec_name,width,height,nb_read_frames",
                        "-of", "csv=p=0", uris["sub"]], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    codec, w, hgt, n = p.stdout.strip().split(",")
    assert (codec, int(w), int(hgt)) == ("h264", ) + SUB and int(n) > 0, p.stdout


def test_no_sub_stream_one_profile(daemons, tmp):
    """Without --h264-sub a camera keeps its one profile; "sub" names none."""
    hport, _, _ = start_all(daemons, tmp)
    st, _, r = call(hport, "media", envelope(MEDIA, "GetProfiles"))
    assert [p.get("token") for p in r.findall(".//trt:Profiles", NS)] == ["main"]
    assert field(r, ".//tt:VideoSourceConfiguration/tt:UseCount") == "1"
    st, _, r = call(hport, "media", envelope(MEDIA, "GetStreamUri",
                                             [("ProfileToken", "sub")]))
    assert st == 400
    assert [v.text for v in r.iter("{%s}Value" % NS["s"])] == \
        ["s:Sender", "ter:InvalidArgVal", "ter:NoProfile"]


def test_the_documented_sub_stream_example(daemons, tmp):
    frames = os.path.join(tmp, "frames.sock")
    daemons("capd", "--source", "test", "--frames", frames, "--control",
            os.path.join(tmp, "control.sock"), "--h264-sub", "320x180@5",
            wait_unix=frames)
    hport = free_port()
    daemons("httpd", "--frames", frames, "--control",
            os.path.join(tmp, "control.sock"), "--listen",
            "127.0.0.1:%d" % hport, "--onvif", wait_tcp=hport)
    got, want = doc_example("A camera with a sub-stream", hport, "media")
    assert got == want
