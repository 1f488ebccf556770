# SPDX-License-Identifier: ISC
"""campipe-passwd: its lines verify with the system's crypt(3)."""
import os
import subprocess
import warnings

import pytest

from conftest import BUILD

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

PASSWD = os.path.join(BUILD, "campipe-passwd")


def run(*args, stdin="s3cret pass\n"):
    return subprocess.run([PASSWD] + list(args), input=stdin.encode(),
                          capture_output=True, timeout=60)


@pytest.mark.parametrize("method,prefix", [(None, "$y$"), ("yescrypt", "$y$"),
                                           ("bcrypt", "$2b$"), ("sha512", "$6$")])
def test_line_verifies(method, prefix):
    args = (["-m", method] if method else []) + ["alice"]
    r = run(*args)
    assert r.returncode == 0, r.stderr
    line = r.stdout.decode()
    assert line.endswith("\n") and line.count("\n") == 1
    user, h = line.rstrip("\n").split(":", 1)
    assert user == "alice" and h.startswith(prefix)
    assert crypt.crypt("s3cret pass", h) == h
    assert crypt.crypt("s3cret pasS", h) != h


def test_cost_and_crlf():
    r = run("-m", "bcrypt", "-r", "6", "bob", stdin="pw\r\n")
    assert r.returncode == 0, r.stderr
    h = r.stdout.decode().split(":", 1)[1].strip()
    assert h.startswith("$2b$06$") and crypt.crypt("pw", h) == h


@pytest.mark.parametrize("args,stdin,msg", [
    (["a:b"], "x\n", b"without spaces or ':'"),
    (["a b"], "x\n", b"without spaces or ':'"),
    ([""], "x\n", b"without spaces or ':'"),
    (["alice"], "", b"no password read"),
    (["-m", "md5", "alice"], "x\n", b"is not yescrypt, bcrypt or sha512"),
    ([], "x\n", b"USER: missing"),
])
def test_refusals(args, stdin, msg):
    r = run(*args, stdin=stdin)
    assert r.returncode != 0 and r.stdout == b""
    assert msg in r.stderr
