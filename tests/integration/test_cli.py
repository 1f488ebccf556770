# SPDX-License-Identifier: ISC
"""One command line: --version, one-line exit-2 errors, the man pages."""
import os
import re
import subprocess

import pytest

from conftest import binary, free_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROGRAMS = {"capd": "8", "httpd": "8", "wsd": "8", "rtspd": "8", "rtcd": "8",
            "passwd": "1"}


def run(name, *args, stdin=""):
    return subprocess.run([binary(name)] + list(args), capture_output=True,
                          text=True, input=stdin, timeout=20)


def page(name):
    return os.path.join(ROOT, "man", "campipe-%s.%s" % (name, PROGRAMS[name]))


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_version(name):
    r = run(name, "--version")
    assert r.returncode == 0 and r.stderr == ""
    assert re.fullmatch(r"campipe-%s [0-9a-z][0-9a-z.+~-]*\n" % name, r.stdout), r.stdout
    # Every program reports the same version, the one the build was made from.
    assert r.stdout.split()[1] == run("capd", "--version").stdout.split()[1]


BAD = [
    ("capd", ["--bogus"], "--bogus: unknown option (see --help)"),
    ("capd", ["--bogus=1"], "--bogus: unknown option (see --help)"),
    ("capd", ["-x"], "-x: unknown option (see --help)"),
    ("capd", ["--fps"], "--fps: needs a value (see --help)"),
    ("capd", ["--hflip=yes"], "--hflip: takes no value (see --help)"),
    ("capd", ["--fps", "0"], '--fps: "0" is not a number from 1 to 240'),
    ("capd", ["--size", "640x480x"], '--size: "640x480x" is not WIDTHxHEIGHT'),
    ("capd", ["--max-frame-size", "3G"],
     '--max-frame-size: "3G" is not a size from 1K to 256M (bytes, or K or M)'),
    ("capd", ["--socket-mode", "999"], '--socket-mode: "999" is not an octal mode'),
    ("capd", ["--rotate", "45"], '--rotate: "45" is not 0, 90, 180 or 270'),
    ("capd", ["--ctrl", "brightness"], '--ctrl: "brightness" is not NAME=VALUE'),
    ("capd", ["--idle-stop", "soon"],
     '--idle-stop: "soon" is not a number of seconds from 0 to 86400'),
    ("capd", ["--list-controls"], "--list-controls: needs --source v4l2:DEVICE"),
    ("capd", ["--source", "webcam"],
     '--source: "webcam" is not test, file:PATH, exec:COMMAND or v4l2:DEVICE'),
    ("capd", ["--source", "testx"],
     '--source: "testx" is not test, file:PATH, exec:COMMAND or v4l2:DEVICE'),
    ("capd", ["--source-format", "mjpeg"], '--source-format: "mjpeg" is not jpeg or h264'),
    ("capd", ["--source-format", "h264"],
     "--source-format h264: needs an exec:, file: or v4l2: source"),
    ("capd", ["--source-format", "h264", "--source", "exec:cat", "--h264", "off"],
     "--source-format h264: needs the H.264 socket, not --h264 off"),
    ("capd", ["stray"], "stray: unexpected argument (see --help)"),
    ("httpd", ["--bogus"], "--bogus: unknown option (see --help)"),
    ("httpd", ["--listen"], "--listen: needs a value (see --help)"),
    ("httpd", ["--listen", "8080"], '--listen: "8080" is not ADDRESS:PORT'),
    ("httpd", ["--listen", "::1:8080"],
     '--listen: "::1:8080": an IPv6 address goes in brackets, [ADDRESS]:PORT'),
    ("httpd", ["--listen", "127.0.0.1:0"],
     '--listen: "127.0.0.1:0": the port must be a number from 1 to 65535'),
    ("httpd", ["--max-frame-size", "1M1"],
     '--max-frame-size: "1M1" is not a size from 1K to 256M (bytes, or K or M)'),
    ("httpd", ["--max-clients", "0"], '--max-clients: "0" is not a number from 1 to 100000'),
    ("httpd", ["--ws-path", "ws"], '--ws-path: "ws" does not start with /'),
    ("httpd", ["--verbose=2"], "--verbose: takes no value (see --help)"),
    ("httpd", ["stray"], "stray: unexpected argument (see --help)"),
    ("wsd", ["--bogus"], "--bogus: unknown option (see --help)"),
    ("wsd", ["--listen", "[::1]"], '--listen: "[::1]": no :PORT after [ADDRESS]'),
    ("wsd", ["--listen", "cam_1:80"], '--listen: "cam_1:80": not an address or a host name'),
    ("wsd", ["--max-message", "2G"],
     '--max-message: "2G" is not a size from 125 to 1M (bytes, or K or M)'),
    ("wsd", ["--max-frame-size", "-1"],
     '--max-frame-size: "-1" is not a size from 1K to 256M (bytes, or K or M)'),
    ("wsd", ["--ping-interval", "0"],
     '--ping-interval: "0" is not a number of seconds from 0.001 to 86400'),
    ("wsd", ["--path", "/status"], '--path: "/status" must start with / and not be /status'),
    ("wsd", ["--frames"], "--frames: needs a value (see --help)"),
    ("rtspd", ["--bogus"], "--bogus: unknown option (see --help)"),
    ("rtspd", ["--listen", "8554"], '--listen: "8554" is not ADDRESS:PORT'),
    ("rtspd", ["--udp-port", "8001"], "--udp-port: 8001 is odd: RTP takes an even port"),
    ("rtspd", ["--udp-port", "65536"], '--udp-port: "65536" is not a number from 0 to 65534'),
    ("rtspd", ["--mtu", "100"], '--mtu: "100" is not a number from 256 to 65535'),
    ("rtspd", ["--session-timeout", "0"],
     '--session-timeout: "0" is not a number of seconds from 0.001 to 86400'),
    ("rtspd", ["--camera", "door"], '--camera: "door" is not NAME=PATH'),
    ("rtspd", ["--default-camera", "nosuch"], '--default-camera: no camera named "nosuch"'),
    ("rtspd", ["stray"], "stray: unexpected argument (see --help)"),
    ("passwd", ["--bogus", "alice"], "--bogus: unknown option (see --help)"),
    ("passwd", ["-m"], "-m: needs a value (see --help)"),
    ("rtcd", ["--bogus"], "--bogus: unknown option (see --help)"),
    ("rtcd", ["--webrtc-listen", "8555"], '--webrtc-listen: "8555" is not ADDR:PORT'),
    ("rtcd", ["--webrtc-listen", "cam:8555"],
     '--webrtc-listen: "cam:8555": cam is not an IP address'),
    ("rtcd", ["--webrtc-address", "cam.local"],
     "--webrtc-address: cam.local is not an IP address"),
    ("rtcd", ["--webrtc-public-address", "[2001:db8::1]:x"],
     '--webrtc-public-address: "[2001:db8::1]:x" is not ADDR:PORT'),
    ("rtcd", ["--max-sessions", "0"], '--max-sessions: "0" is not a number from 1 to 4096'),
    ("rtcd", ["--mtu", "100"], '--mtu: "100" is not a number from 256 to 1400'),
    ("rtcd", ["--ice-timeout", "0"],
     '--ice-timeout: "0" is not a number of seconds from 0.1 to 3600'),
    ("rtcd", ["--camera", "door"], '--camera: "door" is not NAME=PATH'),
    ("rtcd", ["stray"], "stray: unexpected argument (see --help)"),
    ("passwd", ["-m", "md5", "alice"], '--method: "md5" is not yescrypt, bcrypt or sha512'),
    ("passwd", ["-m", "bcrypt", "-r", "3", "alice"],
     '--rounds: "3" is not a number from 4 to 31 (for bcrypt)'),
    ("passwd", ["-r", "many", "alice"], '--rounds: "many" is not a number from 1 to 11 (for yescrypt)'),
    ("passwd", [], "USER: missing (see --help)"),
    ("passwd", ["alice", "bob"], "bob: unexpected argument (see --help)"),
    ("passwd", ["a:b"], "USER: a user name is 1 to 64 characters without spaces or ':'"),
]


@pytest.mark.parametrize("name,args,line", BAD, ids=["%s %s" % (n, " ".join(a)) for n, a, _ in BAD])
def test_bad_usage_is_one_line_and_exit_2(name, args, line, tmp):
    # A frame socket of its own, so that a capd wrongly starting would not
    # touch anyone's; stdin for campipe-passwd.
    extra = ["--frames", os.path.join(tmp, "f.sock")] if name != "passwd" else []
    r = run(name, *(extra + args), stdin="pw\n")
    assert (r.returncode, r.stdout, r.stderr) == (2, "", "campipe-%s: %s\n" % (name, line))


def test_journal_stream_does_not_change_usage_errors(tmp):
    """Under systemd (JOURNAL_STREAM set) a usage error still names the daemon."""
    env = dict(os.environ, JOURNAL_STREAM="8:1")
    r = subprocess.run([binary("wsd"), "--max-clients", "x"], capture_output=True,
                       text=True, env=env, timeout=20)
    assert (r.returncode, r.stderr) == (
        2, 'campipe-wsd: --max-clients: "x" is not a number from 1 to 100000\n')


def test_frames_and_socket_name_one_option(daemons, tmp):
    """capd's --frames and its older name --socket both place the socket."""
    for opt in ("--frames", "--socket"):
        path = os.path.join(tmp, opt.strip("-") + ".sock")
        d = daemons("capd", opt, path, "--source", "test", wait_log="listening on")
        assert os.path.exists(path) and "listening on " + path in d.logtext()
        assert d.stop() == 0 and not os.path.exists(path)


@pytest.mark.parametrize("name", ["httpd", "wsd", "rtspd"])
def test_listen_accepts_host_names_and_sizes(name, daemons, tmp):
    """The shared parser's forms reach a listening socket: a host name and
    a size with a suffix (rtspd takes no size)."""
    port = free_port()
    args = ["--listen", "localhost:%d" % port, "--frames", os.path.join(tmp, "none.sock")]
    args += ["--udp-port", "0"] if name == "rtspd" else ["--max-frame-size", "2M"]
    if name == "httpd":
        args += ["--www", os.path.join(ROOT, "www")]
    d = daemons(name, *args, wait_tcp=port)
    assert d.alive(), d.logtext()


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_man_page_renders_without_warnings(name):
    r = subprocess.run(["mandoc", "-Tlint", "-W", "warning", page(name)],
                       capture_output=True, text=True, timeout=20)
    assert (r.returncode, r.stdout + r.stderr) == (0, "")
    r = subprocess.run(["groff", "-ww", "-mandoc", "-z", page(name)],
                       capture_output=True, text=True, timeout=20)
    assert (r.returncode, r.stdout + r.stderr) == (0, "")


def rendered(name):
    r = subprocess.run(["mandoc", "-Tascii", page(name)], capture_output=True,
                       text=True, timeout=20)
    assert r.returncode == 0
    return re.sub(r".\x08", "", r.stdout)


def help_options(name):
    """Every option named on the option lines of a program's --help."""
    r = run(name, "--help")
    assert r.returncode == 0 and r.stderr == ""
    opts = set()
    for line in r.stdout.splitlines():
        if re.match(r"\s+-", line):
            opts |= set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])", line))
    return opts


def on_page(text, opt):
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(opt), text) is not None


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_help_option_is_in_the_man_page(name):
    opts = help_options(name)
    text = rendered(name)
    # Positive control: options every program has are found, a made-up one
    # is not.
    assert {"--help", "--version", "-h"} <= opts
    assert on_page(text, "--version") and not on_page(text, "--no-such-option")
    missing = sorted(o for o in opts if not on_page(text, o))
    assert missing == [], "in --help but not in %s: %s" % (page(name), missing)


def test_capd_help_names_both_socket_options():
    assert {"--frames", "--socket"} <= help_options("capd")
