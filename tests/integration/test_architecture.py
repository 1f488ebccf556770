# SPDX-License-Identifier: ISC
"""docs/architecture.md stays true: every file it cites exists, every
function it names is defined in the file it names it with, and every
daemon of the tree has its row."""
import glob
import os
import re

import pytest

pytestmark = pytest.mark.nodaemon

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOC = os.path.join(TOP, "docs", "architecture.md")
PATH = re.compile(r"`((?:capd|httpd|wsd|rtspd|rtcd|common|tests|scripts|systemd|docs|"
                  r"www|tools|man|pkg|bench|mk)/[\w./-]*)`")
FUNC = re.compile(r"`((?:capd|httpd|wsd|rtspd|rtcd|common)/[\w/]+\.c)`\s*"
                  r"((?:`\w+\(\)`(?:,\s*)?)+)")


def text():
    with open(DOC) as f:
        return f.read()


def test_every_cited_path_exists():
    missing = [p for p in sorted(set(PATH.findall(text())))
               if not os.path.exists(os.path.join(TOP, p.rstrip("/")))]
    assert not missing, "docs/architecture.md cites missing %s" % missing


def test_every_named_function_is_in_its_file():
    wrong, n = [], 0
    for path, funcs in FUNC.findall(text()):
        with open(os.path.join(TOP, path)) as f:
            src = f.read()
        for fn in re.findall(r"`(\w+)\(\)`", funcs):
            n += 1
            if not re.search(r"^%s\(" % fn, src, re.M):
                wrong.append("%s in %s" % (fn, path))
    assert n >= 10, "the frame's path names its functions"
    assert not wrong, "not defined where the doc says: %s" % wrong


def test_every_daemon_has_a_row():
    t = text()
    daemons = [os.path.basename(os.path.dirname(p)) for p in
               glob.glob(os.path.join(TOP, "*", "*.c"))
               if os.path.basename(p) ==
               os.path.basename(os.path.dirname(p)) + ".c"]
    assert daemons
    for d in daemons:
        assert re.search(r"^\| `campipe-%s` " % d, t, re.M), d


def test_a_wrong_citation_is_caught(tmp_path):
    # Positive control for the checks above.
    bad = "`common/nosuch.c` and `capd/capd.c` `nosuch_function()`"
    assert PATH.findall(bad) == ["common/nosuch.c", "capd/capd.c"]
    assert FUNC.findall(bad)[0][0] == "capd/capd.c"
