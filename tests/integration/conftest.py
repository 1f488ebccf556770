# SPDX-License-Identifier: ISC
"""Shared fixtures: start the real daemons on private sockets and ports."""
import contextlib
import os
import socket
import subprocess
import tempfile
import time

import pytest

BUILD = os.environ.get("CAMPIPE_BUILD",
                       os.path.join(os.path.dirname(__file__), "..", "..", "build"))
BUILD = os.path.abspath(BUILD)
# Under ASan freed memory sits in quarantine, and valgrind has its own heap:
# RSS says nothing about leaks there.
SANITIZED = (os.environ.get("CAMPIPE_SANITIZE", "0") == "1" or
             os.environ.get("CAMPIPE_VALGRIND", "0") == "1")
# Tests marked nodaemon run none of campipe's programs (package lists,
# licences, the tree's layout, a build): a sanitized run skips them.
NODAEMON_REASON = "runs no campipe program: nothing for the sanitizers to check"


def pytest_configure(config):
    config.addinivalue_line("markers", "nodaemon: " + NODAEMON_REASON)


def pytest_collection_modifyitems(config, items):
    if not SANITIZED:
        return
    for item in items:
        if item.get_closest_marker("nodaemon"):
            item.add_marker(pytest.mark.skip(reason=NODAEMON_REASON))


# `make valgrind`: every daemon runs under memcheck; an error or a definite
# leak makes its exit status 99, which the daemons fixture reports.
VALGRIND = (["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
             "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite"]
            if os.environ.get("CAMPIPE_VALGRIND", "0") == "1" else [])


def binary(name):
    """Path of a built program, e.g. binary('capd')."""
    return os.path.join(BUILD, "campipe-" + name)


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_udp_pair():
    """An even UDP port on 127.0.0.1 free right now, with the odd one above."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1] & ~1
        socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
        try:
            for k, s in enumerate(socks):
                s.bind(("127.0.0.1", port + k))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise AssertionError("no free UDP port pair")


def wait_for(cond, timeout=10.0, step=0.02, what="condition"):
    """Polls cond() until it returns a true value, or fails the test."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    raise AssertionError("timed out waiting for " + what)


def unix_listening(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def tcp_listening(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


class Daemon:
    """One running daemon; its stderr goes to a log file kept for failures."""

    def __init__(self, name, args, tmpdir, env=None, exe=None):
        self.name = name
        self.args = VALGRIND + [exe or binary(name)] + list(args)
        self.logpath = os.path.join(tmpdir, "%s.%d.log" % (name, time.monotonic_ns()))
        self.env = dict(os.environ, **(env or {}))
        self.proc = None

    def start(self):
        self.log = open(self.logpath, "wb")
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     env=self.env)
        return self

    def logtext(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=15, timeout=10):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        rc = self.proc.returncode
        self.proc = None
        return rc

    def kill(self):
        return self.stop(sig=9)


@pytest.fixture
def tmp():
    with tempfile.TemporaryDirectory(prefix="campipe-test-") as d:
        yield d


@pytest.fixture
def daemons(tmp):
    """Starts daemons on demand; stops them all and checks they exited cleanly."""
    started = []

    def start(name, *args, env=None, exe=None, wait_unix=None, wait_tcp=None,
              wait_log=None):
        d = Daemon(name, args, tmp, env, exe).start()
        started.append(d)
        if wait_log:
            wait_for(lambda: wait_log in d.logtext() or not d.alive(),
                     what=name + " log line " + repr(wait_log))
        if wait_unix:
            wait_for(lambda: unix_listening(wait_unix) or not d.alive(),
                     what=name + " socket")
        if wait_tcp:
            wait_for(lambda: tcp_listening(wait_tcp) or not d.alive(),
                     what=name + " port")
        assert d.alive(), "%s exited at start:\n%s" % (name, d.logtext())
        return d

    yield start
    for d in reversed(started):
        if d.proc is not None:
            alive = d.alive()
            rc = d.stop()
            log = d.logtext()
            assert "AddressSanitizer" not in log and "runtime error" not in log, log
            if alive:
                assert rc == 0, "%s exit status %s:\n%s" % (d.name, rc, log)


@contextlib.contextmanager
def veth_netns(name, veth, host_addr, ns_addr, *ns_routes):
    """A network namespace joined to this one by a veth pair (/24s), with
    lo up and each route of ns_routes added on its side; skips the test
    where namespaces cannot be made.  Removed on exit."""
    def sh(*args):
        subprocess.run(args, check=True, capture_output=True, timeout=10)
    try:
        sh("ip", "netns", "add", name)
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        pytest.skip("no network namespaces here: %s" % e)
    try:
        sh("ip", "link", "add", veth + "a", "type", "veth", "peer", "name", veth + "b")
        sh("ip", "link", "set", veth + "b", "netns", name)
        sh("ip", "addr", "add", host_addr + "/24", "dev", veth + "a")
        sh("ip", "link", "set", veth + "a", "up")
        ns = ("ip", "netns", "exec", name, "ip")
        sh(*ns, "addr", "add", ns_addr + "/24", "dev", veth + "b")
        sh(*ns, "link", "set", veth + "b", "up")
        sh(*ns, "link", "set", "lo", "up")
        for route in ns_routes:
            sh(*ns, "route", "add", route, "dev", veth + "b")
        yield name
    finally:
        subprocess.run(["ip", "link", "del", veth + "a"], capture_output=True)
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
