# SPDX-License-Identifier: ISC
"""Installation and systemd integration: `make install` into a temporary
tree, the units checked offline by systemd-analyze, users and the runtime
directory made by systemd-sysusers and systemd-tmpfiles inside that tree,
the installed daemons serving frames, sd_notify messages, --user, and a
build without libsystemd.

There is no systemd running as PID 1 here, so units are never started by
systemd itself: systemd-analyze verify/security work offline, and the
daemons are started the way the units start them."""
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import threading

import asyncio

import pytest

from conftest import BUILD, free_port, free_udp_pair, unix_listening, wait_for
from framesock import PART_RE, FrameReader, decodes

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PREFIX = "/usr/local"
DAEMONS = [d for d in ("capd", "httpd", "wsd", "rtspd", "rtcd")
           if os.path.exists(os.path.join(ROOT, d, d + ".c"))]
UNITS = sorted(f for f in os.listdir(os.path.join(ROOT, "systemd"))
               if f.endswith((".service", ".socket", ".target")))
# Highest `systemd-analyze security` exposure each service may have.
EXPOSURE_MAX = {"campipe-capd.service": 4.0, "campipe-capd@door.service": 4.0,
                "campipe-httpd.service": 2.0,
                "campipe-wsd.service": 2.0,
                "campipe-rtspd.service": 2.0,
                "campipe-rtcd.service": 2.0}


def make(*args):
    """Runs make in the source tree, free of the calling make's flags."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    r = subprocess.run(["make", "-C", ROOT, "--no-print-directory"] + list(args),
                       capture_output=True, env=env, timeout=300)
    assert r.returncode == 0, (r.stdout + r.stderr).decode()[-3000:]
    return r.stdout.decode()


def tree(root):
    """Every file and directory under root, as paths relative to it."""
    out = set()
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


@pytest.fixture(scope="module")
def dest():
    """The tree `make install DESTDIR=...` produces, shared by the tests."""
    with tempfile.TemporaryDirectory(prefix="campipe-install-") as d:
        os.chmod(d, 0o755)
        make("install", "DESTDIR=" + d, "BUILD=" + BUILD, "SANITIZE=0")
        yield d


@pytest.fixture(scope="module")
def units(dest):
    """The installed units, their paths pointed into the installed tree."""
    with tempfile.TemporaryDirectory(prefix="campipe-units-") as d:
        src = os.path.join(dest, "usr/local/lib/systemd/system")
        for u in UNITS:
            with open(os.path.join(src, u)) as f:
                text = f.read()
            with open(os.path.join(d, u), "w") as f:
                f.write(text.replace(PREFIX + "/", dest + PREFIX + "/"))
        yield d


# The log line each daemon writes once it listens.
READY_LOG = {"capd": "listening on", "httpd": "serving ", "wsd": "relaying frames",
             "rtspd": "RTP over "}


def capd(daemons, exe, path, *args, env=None):
    """Starts capd from exe; waits for its log line (connecting starts it)."""
    return daemons("capd", "--socket", path, *args, env=env, exe=exe,
                   wait_log="listening on")


def web(daemons, name, exe, frames, *args, env=None):
    """Starts httpd, wsd or rtspd (RTP over TCP only) on a free port:
    (daemon, port)."""
    port = free_port()
    if name == "rtspd":
        args = ("--udp-port", "0") + args
    d = daemons(name, "--frames", frames, "--listen", "127.0.0.1:%d" % port, *args,
                env=env, exe=exe, wait_log=READY_LOG[name])
    return d, port


def curl(port, path, out):
    """HTTP status of GET path, the body saved to out."""
    r = subprocess.run(["curl", "-s", "-m", "30", "-o", out, "-w", "%{http_code}",
                        "http://127.0.0.1:%d%s" % (port, path)],
                       capture_output=True, timeout=60)
    return int(r.stdout or 0)


def ws_frames(port, n):
    """n binary messages from wsd, read by python3-websockets."""
    import websockets

    async def get():
        async with websockets.connect("ws://127.0.0.1:%d/stream" % port,
                                      max_size=None) as ws:
            return [await asyncio.wait_for(ws.recv(), 20) for _ in range(n)]
    return asyncio.run(get())


def ws_watch(port, stop):
    """Watches wsd over a WebSocket until stop is set (in a thread)."""
    import websockets

    async def watch():
        async with websockets.connect("ws://127.0.0.1:%d/stream" % port,
                                      max_size=None) as ws:
            while not stop.is_set():
                await asyncio.wait_for(ws.recv(), 20)
    asyncio.run(watch())


def rtsp_size(port, path="/"):
    """Codec and size of the stream ffprobe plays from rtspd over TCP."""
    r = subprocess.run(["ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                        "-timeout", "20000000", "-show_entries",
                        "stream=codec_name,width,height", "-of", "csv=p=0",
                        "rtsp://127.0.0.1:%d%s" % (port, path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    codec, w, h = r.stdout.strip().split(",")
    return codec, (int(w), int(h))


def one_frame(name, port, tmp):
    """Size of a frame from httpd (/pi.jpg by curl), wsd (a WebSocket) or
    rtspd (H.264 over RTSP, by ffprobe)."""
    if name == "rtspd":
        codec, size = rtsp_size(port)
        assert codec == "h264"
        return size
    if name == "wsd":
        return decodes(ws_frames(port, 1)[0], tmp)
    out = os.path.join(tmp, "pi.jpg")
    assert curl(port, "/pi.jpg", out) == 200
    with open(out, "rb") as f:
        return decodes(f.read(), tmp)


def needs(name):
    """Skips a test until the daemon it needs is in the tree."""
    if name not in DAEMONS:
        pytest.skip("%s/ is not in this tree yet" % name)


def test_install_tree(dest, tmp):
    expect = {
        "etc/default/campipe",
        "usr/local/lib/sysusers.d/campipe.conf",
        "usr/local/lib/tmpfiles.d/campipe.conf",
        "usr/local/share/doc/campipe/README.md",
    }
    expect |= {"usr/local/share/doc/campipe/" + f
               for f in os.listdir(os.path.join(ROOT, "docs")) if f.endswith(".md")}
    expect |= {"usr/local/share/doc/campipe/examples/" + f
               for f in os.listdir(os.path.join(ROOT, "examples"))}
    expect |= {"usr/local/bin/campipe-" + d for d in DAEMONS + ["passwd"]}
    expect |= {"usr/local/share/man/man%s/%s" % (f[-1], f)
               for f in os.listdir(os.path.join(ROOT, "man"))}
    expect |= {"usr/local/lib/systemd/system/" + u for u in UNITS}
    www = os.path.join(ROOT, "www")
    expect |= {os.path.join("usr/local/share/campipe/www", p)
               for p in tree(www) if os.path.isfile(os.path.join(www, p))}
    files = {p for p in tree(dest) if not os.path.isdir(os.path.join(dest, p))}
    print("installed:\n  " + "\n  ".join(sorted(files)))
    assert files == expect
    for d in DAEMONS + ["passwd"]:
        mode = os.stat(os.path.join(dest, "usr/local/bin/campipe-" + d)).st_mode
        assert stat.S_IMODE(mode) == 0o755
    for u in UNITS:
        with open(os.path.join(dest, "usr/local/lib/systemd/system", u)) as f:
            text = f.read()
        assert "@" not in text.replace("@system-service", "").replace(
            "@privileged", "").replace("@resources", ""), u + " has a placeholder left"
    with open(os.path.join(dest, "usr/local/lib/systemd/system/campipe-capd.service")) as f:
        assert "ExecStart=/usr/local/bin/campipe-capd " in f.read()

    # A second install keeps a changed settings file; uninstall removes the
    # rest and keeps that file too.
    d = os.path.join(tmp, "root")
    make("install", "DESTDIR=" + d, "BUILD=" + BUILD, "SANITIZE=0")
    conf = os.path.join(d, "etc/default/campipe")
    with open(conf, "a") as f:
        f.write('CAPD_SOURCE="file:/srv/clip.mjpeg"\n')
    out = make("install", "DESTDIR=" + d, "BUILD=" + BUILD, "SANITIZE=0")
    assert "kept " + conf in out
    with open(conf) as f:
        assert "file:/srv/clip.mjpeg" in f.read()
    out = make("uninstall", "DESTDIR=" + d)
    left = {p for p in tree(d) if not os.path.isdir(os.path.join(d, p))}
    assert left == {"etc/default/campipe"}, left


@pytest.mark.parametrize("unit", UNITS)
def test_unit_verifies(units, dest, unit):
    m = re.match(r"campipe-(\w+)@?\.service$", unit)
    if m and m.group(1) not in DAEMONS:
        pytest.skip("%s/ is not in this tree yet: campipe-%s is not built" %
                    (m.group(1), m.group(1)))
    # A template is verified as one of its instances (a camera's name).
    # Its man: pages are not installed here: they are looked for in man/.
    path = os.path.join(units, unit.replace("@.", "@door."))
    r = subprocess.run(["systemd-analyze", "verify", "--man=no", path],
                       capture_output=True, timeout=60)
    out = (r.stdout + r.stderr).decode()
    assert r.returncode == 0 and out.strip() == "", out
    with open(os.path.join(units, unit)) as f:
        for page, sect in re.findall(r"man:([\w.-]+)\((\d)\)", f.read()):
            assert os.path.exists(os.path.join(ROOT, "man", page + "." + sect)), page


def test_security_exposure(units, capsys):
    """Prints each service's exposure and holds it to its target."""
    found = {}
    for unit, limit in sorted(EXPOSURE_MAX.items()):
        r = subprocess.run(["systemd-analyze", "security", "--offline=true",
                            "--no-pager", os.path.join(units, unit)],
                           capture_output=True, timeout=60)
        out = r.stdout.decode()
        m = re.search(r"Overall exposure level for %s: (\d+\.\d)" % re.escape(unit), out)
        assert m, out + r.stderr.decode()
        found[unit] = float(m.group(1))
        with capsys.disabled():
            print("\nsystemd-analyze security: %s exposure %.1f (at most %.1f)" %
                  (unit, found[unit], limit))
    for unit, limit in EXPOSURE_MAX.items():
        assert found[unit] <= limit, (unit, found[unit])


def test_sysusers_and_tmpfiles(dest, tmp):
    """The users, groups and /run/campipe as a Pi would get them."""
    root = os.path.join(tmp, "root")
    shutil.copytree(dest, root, symlinks=True)
    for cmd in (["systemd-sysusers", "--root=" + root],
                ["systemd-tmpfiles", "--root=" + root, "--create"]):
        r = subprocess.run(cmd, capture_output=True, timeout=60)
        assert r.returncode == 0, r.stderr.decode()
    users = {}
    with open(os.path.join(root, "etc/passwd")) as f:
        for line in f:
            name, _, uid, gid = line.split(":")[:4]
            users[name] = (int(uid), int(gid))
    groups = {}
    with open(os.path.join(root, "etc/group")) as f:
        for line in f:
            name, _, gid, members = line.rstrip("\n").split(":")
            groups[name] = (int(gid), set(filter(None, members.split(","))))
    campipe = groups["campipe"][0]
    for u in ("campipe-capd", "campipe-httpd", "campipe-wsd", "campipe-rtspd",
              "campipe-rtcd"):
        assert users[u][1] == campipe, u + " not in primary group campipe"
        assert users[u][0] != 0
    assert groups["video"][1] == {"campipe-capd"}
    st = os.stat(os.path.join(root, "run/campipe"))
    # Sticky, group-writable: wsd and rtcd make their handoff sockets there.
    assert stat.S_IMODE(st.st_mode) == 0o1770
    assert (st.st_uid, st.st_gid) == (users["campipe-capd"][0], campipe)
    # The control socket's directory: setgid group campipe-control, whose
    # members are httpd and wsd only (rtspd needs H.264, not capd's status).
    assert groups["campipe-control"][1] == {"campipe-httpd", "campipe-wsd"}
    st = os.stat(os.path.join(root, "run/campipe/control"))
    assert stat.S_IMODE(st.st_mode) == 0o2750
    assert (st.st_uid, st.st_gid) == (users["campipe-capd"][0],
                                      groups["campipe-control"][0])


def test_installed_capd_serves_a_frame(dest, daemons, tmp):
    path = os.path.join(tmp, "frames.sock")
    capd(daemons, os.path.join(dest, "usr/local/bin/campipe-capd"), path,
         "--source", "test", "--size", "320x240")
    tap = subprocess.Popen(["socat", "-u", "UNIX-CONNECT:" + path, "-"],
                           stdout=subprocess.PIPE)
    data = b""
    try:
        while True:
            m = PART_RE.search(data)
            if m and len(data) >= m.end() + int(m.group(1)):
                break
            chunk = tap.stdout.read1(1 << 16)
            assert chunk, "socat ended before a whole frame"
            data += chunk
    finally:
        tap.kill()
        tap.wait()
    jpeg = data[m.end():m.end() + int(m.group(1))]
    assert decodes(jpeg, tmp) == (320, 240)


def test_installed_tree_serves_end_to_end(dest, daemons, tmp):
    """capd, httpd, wsd and rtspd from the installed tree, pages from its
    www/."""
    needs("httpd")
    bindir = os.path.join(dest, "usr/local/bin")
    www = os.path.join(dest, "usr/local/share/campipe/www")
    frames = os.path.join(tmp, "frames.sock")
    capd(daemons, os.path.join(bindir, "campipe-capd"), frames, "--size", "320x240")
    _, hport = web(daemons, "httpd", os.path.join(bindir, "campipe-httpd"), frames,
                   "--www", www)
    assert one_frame("httpd", hport, tmp) == (320, 240)
    out = os.path.join(tmp, "index.html")
    assert curl(hport, "/", out) == 200
    with open(out, "rb") as f, open(os.path.join(www, "index.html"), "rb") as g:
        assert f.read() == g.read()
    needs("wsd")
    _, wport = web(daemons, "wsd", os.path.join(bindir, "campipe-wsd"), frames)
    for jpeg in ws_frames(wport, 3):
        assert decodes(jpeg, tmp) == (320, 240)
    needs("rtspd")
    _, rport = web(daemons, "rtspd", os.path.join(bindir, "campipe-rtspd"), frames)
    assert rtsp_size(rport) == rtsp_size(rport, "/cam/default") == ("h264", (320, 240))


@pytest.mark.parametrize("name", ["httpd", "wsd", "rtspd"])
def test_socket_activation_and_notify(daemons, tmp, name):
    """Started by systemd-socket-activate on its socket, as the .socket units
    do: serves on it, tells READY=1 and a status."""
    needs(name)
    n = Notifications(tmp)
    frames = os.path.join(tmp, "frames.sock")
    capd(daemons, None, frames, "--size", "320x240")
    port = free_port()
    # rtspd's UDP ports open on the address of systemd's socket.
    extra = ["--udp-port", str(free_udp_pair())] if name == "rtspd" else []
    d = daemons(name, "-l", "127.0.0.1:%d" % port, "-E", "NOTIFY_SOCKET=" + n.path,
                "--", os.path.join(BUILD, "campipe-" + name), "--frames", frames,
                *extra, exe=shutil.which("systemd-socket-activate"), wait_tcp=port)
    assert one_frame(name, port, tmp) == (320, 240)
    if name == "rtspd":
        assert "RTP over UDP from ports %s-%d" % (extra[1], int(extra[1]) + 1) \
            in d.logtext()
    n.wait(lambda m: m == "READY=1", "READY=1")
    # The camera as capd tells it (docs/control.md), then the daemon's own.
    cam = r"camera (stopped|starting|streaming, \d+x\d+, \d+ fps, \d+ viewers?|failing: .*)"
    status = {"httpd": r"STATUS=(%s; \d+ MJPEG clients?|streaming \d+ fps to \d+ "
                       r"MJPEG clients?|idle|starting|error: .*|capd unreachable: .*)" % cam,
              "wsd": r"STATUS=(%s|camera unknown); \d+ WebSocket clients?, capd link \w+"
                     % cam,
              "rtspd": r"STATUS=\d+ clients, \d+ sessions, \d+ playing"}[name]
    n.wait(lambda m: re.fullmatch(status, m), "a status line")
    if name == "wsd":
        # Watched through wsd only, httpd's line would say the same camera.
        stop = threading.Event()
        t = threading.Thread(target=ws_watch, args=(port, stop))
        t.start()
        try:
            n.wait(lambda m: re.match(r"STATUS=camera streaming, 320x240, \d+ fps, "
                                      r"1 viewer; 1 WebSocket client", m),
                   "capd's truth in wsd's status")
        finally:
            stop.set()
            t.join(30)
    assert all(re.fullmatch(status, m) for m in n.poll() if m.startswith("STATUS=")), n.got
    assert "listening on socket 3 from systemd" in d.logtext()
    assert not re.search(r"listening on (rtsp://)?127\.0\.0\.1:", d.logtext()), \
        "default address bound too"


def proc_ids(pid):
    """Uid, Gid and Groups lines of /proc/PID/status."""
    ids = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("Uid", "Gid", "Groups"):
                ids[k] = [int(x) for x in v.split()]
    return ids


@pytest.mark.skipif(os.geteuid() != 0, reason="--user needs root")
def test_user_nobody_drops_root_and_serves(dest, daemons, tmp):
    nobody = pwd.getpwnam("nobody")
    os.chmod(tmp, 0o755)
    # A directory capd makes itself: given to nobody, removed from at exit.
    path = os.path.join(tmp, "run", "frames.sock")
    ctl = os.path.join(tmp, "ctl", "control.sock")
    d = capd(daemons, os.path.join(dest, "usr/local/bin/campipe-capd"), path,
             "--control", ctl, "--user", "nobody")
    ids = proc_ids(d.proc.pid)
    assert ids["Uid"] == [nobody.pw_uid] * 4, ids
    assert ids["Gid"] == [nobody.pw_gid] * 4, ids
    assert ids["Groups"] == sorted(os.getgrouplist("nobody", nobody.pw_gid)), ids
    assert "running as nobody" in d.logtext()
    st = os.stat(path)
    assert (st.st_uid, st.st_gid) == (nobody.pw_uid, nobody.pw_gid)
    r = FrameReader(path)
    parts = r.parts(5)
    r.close()
    assert decodes(parts[-1].jpeg, tmp) == (640, 480)
    st = os.stat(ctl)
    assert (st.st_uid, stat.S_IMODE(st.st_mode)) == (nobody.pw_uid, 0o660)
    assert d.stop() == 0, d.logtext()
    assert not os.path.exists(path), "socket left behind by the unprivileged capd"
    assert not os.path.exists(ctl), "control socket left behind"


@pytest.mark.skipif(os.geteuid() != 0, reason="--user needs root")
@pytest.mark.parametrize("name", ["httpd", "wsd", "rtspd"])
def test_user_nobody_for_httpd_wsd_and_rtspd(daemons, tmp, name):
    needs(name)
    nobody = pwd.getpwnam("nobody")
    frames = os.path.join(tmp, "frames.sock")
    capd(daemons, None, frames, "--size", "320x240")
    # What group campipe does on a Pi: nobody must reach the socket.
    os.chmod(tmp, 0o755)
    os.chmod(frames, 0o666)
    os.chmod(os.path.join(tmp, "h264.sock"), 0o666)
    d, port = web(daemons, name, None, frames, "--user", "nobody")
    ids = proc_ids(d.proc.pid)
    assert ids["Uid"] == [nobody.pw_uid] * 4, ids
    assert ids["Gid"] == [nobody.pw_gid] * 4, ids
    assert ids["Groups"] == sorted(os.getgrouplist("nobody", nobody.pw_gid)), ids
    assert one_frame(name, port, tmp) == (320, 240)


def test_user_refused_cleanly(tmp):
    r = subprocess.run([os.path.join(BUILD, "campipe-capd"), "--socket",
                        os.path.join(tmp, "f.sock"), "--user", "no-such-user-x"],
                       capture_output=True, timeout=10)
    err = r.stderr.decode()
    assert r.returncode == 1 and 'no-such-user-x' in err and len(err.splitlines()) == 1, err
    r = subprocess.run([os.path.join(BUILD, "campipe-capd"), "--socket",
                        os.path.join(tmp, "g.sock"), "--user", "root"],
                       capture_output=True, timeout=10)
    assert r.returncode == 1 and "is root" in r.stderr.decode(), r.stderr.decode()


class Notifications:
    """A NOTIFY_SOCKET a daemon sends its sd_notify datagrams to."""

    def __init__(self, tmp):
        self.path = os.path.join(tmp, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.setblocking(False)
        self.got = []

    def poll(self):
        while True:
            try:
                self.got.extend(self.sock.recv(4096).decode().splitlines())
            except BlockingIOError:
                return self.got

    def wait(self, pred, what):
        return wait_for(lambda: [m for m in self.poll() if pred(m)], timeout=20,
                        what=what)


def test_notify_ready_status_watchdog_stopping(daemons, tmp):
    n = Notifications(tmp)
    path = os.path.join(tmp, "frames.sock")
    # WatchdogSec=1: pings every half second.
    env = {"NOTIFY_SOCKET": n.path, "WATCHDOG_USEC": "1000000"}
    d = capd(daemons, None, path, "--idle-stop", "4", env=env)
    n.wait(lambda m: m == "READY=1", "READY=1")
    assert unix_listening(path)
    n.wait(lambda m: m == "STATUS=idle, source stopped", "idle status")
    r = FrameReader(path)
    r.parts(3)
    n.wait(lambda m: re.fullmatch(r"STATUS=streaming \d+ fps to 1 subscriber", m),
           "streaming status")
    n.wait(lambda m: m.startswith("STATUS=streaming") and not m.endswith(" 0 fps to 1 subscriber"),
           "a non-zero frame rate")
    r.close()
    n.wait(lambda m: m == "STATUS=no subscribers, source stopping soon", "stopping soon")
    wait_for(lambda: n.poll().count("STATUS=idle, source stopped") == 2, timeout=20,
             what="idle again")
    wait_for(lambda: n.poll().count("WATCHDOG=1") >= 3, timeout=20, what="3 watchdog pings")
    assert d.stop() == 0
    n.wait(lambda m: m == "STOPPING=1", "STOPPING=1")
    assert n.got.index("READY=1") < n.got.index("STOPPING=1")


def test_notify_status_says_why_the_source_fails(daemons, tmp):
    n = Notifications(tmp)
    path = os.path.join(tmp, "frames.sock")
    capd(daemons, None, path, "--source", "exec:echo oops >&2; exit 3",
         env={"NOTIFY_SOCKET": n.path})
    n.wait(lambda m: m == "READY=1", "READY=1")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    n.wait(lambda m: m == "STATUS=source failing: command exited with status 3",
           "the failure in the status")
    s.close()


@pytest.mark.nodaemon
def test_build_without_systemd(tmp, daemons):
    """WITH_SYSTEMD=0: no libsystemd linked, and nothing is ever notified."""
    build = os.path.join(tmp, "build")
    make("-j2", "BUILD=" + build, "WITH_SYSTEMD=0", "SANITIZE=0",
         *[os.path.join(build, "campipe-" + d) for d in DAEMONS])
    for d in DAEMONS:
        exe = os.path.join(build, "campipe-" + d)
        libs = subprocess.run(["ldd", exe], capture_output=True).stdout.decode()
        assert "libsystemd" not in libs, libs
    n = Notifications(tmp)
    path = os.path.join(tmp, "frames.sock")
    d = capd(daemons, os.path.join(build, "campipe-capd"), path,
             env={"NOTIFY_SOCKET": n.path, "WATCHDOG_USEC": "200000"})
    r = FrameReader(path)
    r.parts(3)
    r.close()
    assert d.stop() == 0
    assert n.poll() == []
