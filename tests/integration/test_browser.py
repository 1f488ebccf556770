# SPDX-License-Identifier: ISC
"""The viewer pages: their helpers under node, and the pages themselves in
headless Chromium against the real capd, httpd and wsd.

tests/browser/viewer.mjs and states.mjs do the browsing (playwright-core,
installed here with npm ci when missing); this file runs the daemons, stops,
kills, pauses and restarts them when a script asks, and fails with the
script's output.  Screenshots go to
BUILD/artifacts/.
"""
import fcntl
import os
import shutil
import signal
import subprocess
import threading

import pytest

from conftest import BUILD, binary, free_port, free_udp_pair

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BROWSER = os.path.join(ROOT, "tests", "browser")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TIMEOUT = 150

MISSING = [n for n in ("capd", "httpd", "wsd") if not os.path.exists(binary(n))]


def npm_ci():
    """Installs the pinned playwright-core into tests/browser/node_modules,
    once even when several test workers ask at the same time."""
    done = [os.path.join(BROWSER, "node_modules", m, "package.json")
            for m in ("playwright-core", "axe-core")]
    with open(os.path.join(BROWSER, ".npm-ci.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if all(os.path.exists(d) for d in done):
            return
        assert shutil.which("npm"), "npm missing: run scripts/deps.sh check as root"
        r = subprocess.run(["npm", "ci", "--prefix", BROWSER, "--no-audit", "--no-fund"],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, "npm ci failed:\n" + r.stdout + r.stderr


def three_cameras(daemons, tmp):
    """Chromium and node ready, three cameras (tests/integration/test_cameras.py)
    behind wsd and httpd; the Setup and the artifacts folder."""
    from test_cameras import CAMS, Setup
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    setup = Setup(daemons, tmp)
    for c in CAMS:
        setup.capd(c)
    setup.web()
    return setup, os.path.join(BUILD, "artifacts")


def stop(d):
    """Stops a daemon the test restarts later, checking it exited cleanly."""
    rc, log = d.stop(), d.logtext()
    assert rc == 0 and "AddressSanitizer" not in log and "runtime error" not in log, log


def test_page_helpers_in_node():
    """COM reader, WebSocket address and config reading, on exact inputs."""
    r = subprocess.run(["node", "--test", os.path.join(BROWSER, "campipe.test.mjs"),
                        os.path.join(BROWSER, "cameras.test.mjs"),
                        os.path.join(BROWSER, "links.test.mjs"),
                        os.path.join(BROWSER, "states.test.mjs")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


class Trio:
    """capd, wsd and httpd for one page, which a script may stop, kill,
    pause and start again."""

    def __init__(self, daemons, tmp):
        self.daemons = daemons
        sock = os.path.join(tmp, "frames.sock")
        self.wsport, self.port = free_port(), free_port()
        self.capd_args = ("--socket", sock, "--source", "test", "--size", "640x480",
                          "--fps", "30")
        self.wsd_args = ("--frames", sock, "--listen", "127.0.0.1:%d" % self.wsport)
        self.capd = daemons("capd", *self.capd_args, wait_log="listening on")
        self.wsd = daemons("wsd", *self.wsd_args, wait_tcp=self.wsport)
        daemons("httpd", "--frames", sock, "--listen", "127.0.0.1:%d" % self.port,
                "--www", os.path.join(ROOT, "www"), "--ws-port", str(self.wsport),
                wait_tcp=self.port)

    def do(self, what):
        """What a script's "CTL what" line asks; False if unknown."""
        if what == "stop-wsd":
            stop(self.wsd)
        elif what == "start-wsd":
            self.wsd = self.daemons("wsd", *self.wsd_args, wait_tcp=self.wsport)
        elif what == "stop-capd":
            stop(self.capd)
        elif what == "kill-capd":
            assert self.capd.kill() == -signal.SIGKILL
        elif what == "pause-capd":
            self.capd.proc.send_signal(signal.SIGSTOP)
        elif what == "resume-capd":
            self.capd.proc.send_signal(signal.SIGCONT)
        elif what == "start-capd":
            self.capd = self.daemons("capd", *self.capd_args, wait_log="listening on")
        else:
            return False
        return True

    def drive(self, script):
        """Runs a browser script against the page, doing what it asks."""
        artifacts = os.path.join(BUILD, "artifacts")
        drive([script, "http://127.0.0.1:%d/" % self.port, artifacts], self.do)
        return artifacts


def drive(argv, do):
    """Runs node BROWSER/argv..., calling do(what) for each "CTL what" line
    (False: not a request) and answering "ok"; returns the script's output
    once it passed."""
    proc = subprocess.Popen(
        ["node", os.path.join(BROWSER, argv[0])] + list(argv[1:]),
        cwd=BROWSER, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env=dict(os.environ, CHROMIUM=CHROMIUM))
    out = []
    # Kills the browser script if it hangs; its output then shows where.
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    try:
        for line in proc.stdout:
            out.append(line)
            if not line.startswith("CTL ") or not do(line[4:].strip()):
                continue
            proc.stdin.write("ok\n")
            proc.stdin.flush()
        rc = proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = "".join(out)
    print(text)
    assert rc == 0 and "all checks passed" in text, text
    return text


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_viewer_in_chromium(daemons, tmp):
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    artifacts = Trio(daemons, tmp).drive("viewer.mjs")
    for name in ("viewer-live", "viewer-mjpeg", "viewer-stills", "viewer-outage",
                 "viewer-camera-outage", "stream"):
        assert os.path.getsize(os.path.join(artifacts, name + ".png")) > 1000


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_states_and_figures_in_chromium(daemons, tmp):
    """tests/browser/states.mjs: capd killed, paused and started again under
    the open page, which names the camera service as the cause in its state
    line, its Camera panel and its H.264 mode, and recovers; the Viewers
    figure after capd's restart, stills watchers counted, uptimes named."""
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    artifacts = Trio(daemons, tmp).drive("states.mjs")
    for name in ("states-service-stopped", "states-h264-service-stopped"):
        assert os.path.getsize(os.path.join(artifacts, name + ".png")) > 1000


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_grid_and_switcher_in_chromium(daemons, tmp):
    """Three cameras (tests/integration/test_cameras.py): the grid paints
    each in its own tile, stills and live, on a desktop and a phone; the
    viewer's switcher opens a camera and remembers it."""
    setup, artifacts = three_cameras(daemons, tmp)
    from test_cameras import CAMS
    colours = {"pattern": "grey", "replay": "red", "fake": "purple"}
    r = subprocess.run(
        ["node", os.path.join(BROWSER, "grid.mjs"), "http://127.0.0.1:%d/" % setup.port,
         artifacts] + ["%s=%s" % (colours[c], c) for c in CAMS],
        cwd=BROWSER, capture_output=True, text=True, timeout=TIMEOUT,
        env=dict(os.environ, CHROMIUM=CHROMIUM))
    print(r.stdout + r.stderr)
    assert r.returncode == 0 and "all checks passed" in r.stdout, r.stdout + r.stderr
    for name in ("grid-stills", "grid-live", "grid-phone", "viewer-camera"):
        assert os.path.getsize(os.path.join(artifacts, name + ".png")) > 1000


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_layout_and_accessibility_in_chromium(daemons, tmp):
    """The viewer and the grid of three cameras at 1280x800, 390x844 and
    844x390, light and dark (tests/browser/layout.mjs): nothing runs past
    the screen or is cut by its box, the picture fits the viewport, and
    axe-core finds no serious or critical violation."""
    setup, artifacts = three_cameras(daemons, tmp)
    r = subprocess.run(
        ["node", os.path.join(BROWSER, "layout.mjs"), "http://127.0.0.1:%d/" % setup.port,
         artifacts], cwd=BROWSER, capture_output=True, text=True, timeout=TIMEOUT,
        env=dict(os.environ, CHROMIUM=CHROMIUM))
    print(r.stdout + r.stderr)
    assert r.returncode == 0 and "all checks passed" in r.stdout, r.stdout + r.stderr
    for page in ("viewer", "grid"):
        for size in ("desktop", "phone", "phone-landscape", "phone-dark"):
            name = "layout-%s-%s.png" % (page, size)
            assert os.path.getsize(os.path.join(artifacts, name)) > 1000


def test_readme_screenshot_script(tmp):
    """make screenshot's script photographs the real page: a 1280x800 PNG,
    with frames shown; the README shows the picture it made."""
    assert os.access(CHROMIUM, os.X_OK), "no Chromium at " + CHROMIUM
    npm_ci()
    out = os.path.join(tmp, "viewer.png")
    r = subprocess.run([os.path.join(ROOT, "scripts", "screenshot.sh"), BUILD, out],
                       cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT,
                       env=dict(os.environ, CHROMIUM=CHROMIUM, PORT=str(free_port()),
                                RTSP_PORT=str(free_port()),
                                RTSP_UDP_PORT=str(free_udp_pair())))
    assert r.returncode == 0 and "frames shown" in r.stdout, r.stdout + r.stderr
    for path in (out, os.path.join(ROOT, "docs", "viewer.png")):
        with open(path, "rb") as f:
            head = f.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[16:24] == \
            (1280).to_bytes(4, "big") + (800).to_bytes(4, "big"), path
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        assert "](docs/viewer.png)" in f.read()


@pytest.mark.skipif(bool(MISSING), reason="daemons not built: %s" % ", ".join(MISSING))
def test_grid_offline_tile_in_chromium(daemons, tmp):
    """The grid of three cameras shares the width; one camera's capd killed
    under the page leaves its tile dimmed, saying when its last frame came
    (tests/browser/grid_offline.mjs)."""
    from test_cameras import CAMS
    setup, artifacts = three_cameras(daemons, tmp)

    def do(what):
        verb, _, name = what.partition(" ")
        if verb != "kill-capd":
            return False
        assert setup.capds[name].kill() == -signal.SIGKILL
        return True

    drive(["grid_offline.mjs", "http://127.0.0.1:%d/" % setup.port, artifacts,
           CAMS[1]] + list(CAMS), do)
    assert os.path.getsize(os.path.join(artifacts, "grid-offline.png")) > 1000
