# SPDX-License-Identifier: ISC
"""The set-up: scripts/deps.sh installs, per make target, every program
that target's tests run (scripts/depcheck.py), and the README's commands
match what is installed."""
import os
import re
import subprocess

import pytest

pytestmark = pytest.mark.nodaemon

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPS = os.path.join(TOP, "scripts", "deps.sh")
DEPCHECK = [os.path.join(TOP, "scripts", "depcheck.py")]


def depcheck(*args):
    return subprocess.run(["/usr/bin/python3"] + DEPCHECK + list(args),
                          capture_output=True, text=True, cwd=TOP)


def test_check_list_holds_every_program_the_suite_runs():
    # make check installed its list before running this suite.
    r = depcheck("check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"check: \d+ programs, all installed", r.stdout)


@pytest.mark.parametrize("target", ["build", "cross", "deb", "bench", "fuzz"])
def test_other_lists_hold_their_programs(target):
    # Where the target's packages are installed (.ci/run installs all of
    # them first and runs the same check for every target).
    if subprocess.run(["sh", DEPS, target], capture_output=True,
                      env=dict(os.environ, PATH="/usr/bin:/bin")).returncode:
        if os.getuid() != 0:
            pytest.skip("the %s packages are not installed" % target)
    r = depcheck(target)
    assert r.returncode == 0, r.stdout + r.stderr


def test_a_package_left_out_is_named(tmp_path):
    # Positive control: without nginx in the check list, the check
    # fails and names the package and the test that needs it.
    text = open(DEPS).read()
    assert " nginx " in text
    bad = tmp_path / "deps.sh"
    bad.write_text(text.replace(" nginx ", " ", 1))
    r = depcheck("--deps", str(bad), "check")
    assert r.returncode == 1
    assert "needs package nginx, missing from the check list" in \
        r.stdout
    assert "test_proxy.py" in r.stdout


def test_depcheck_reads_commands_the_way_a_shell_does():
    # The shell reader: commands after separators, not words in strings,
    # heredocs, comments, case labels or assignments.
    import importlib.util
    spec = importlib.util.spec_from_file_location("depcheck", DEPCHECK[0])
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    text = """#!/bin/sh
# socat in a comment
x=$(readelf -d f | sed -n p) && FOO=1 env A=2 timeout 5 ffprobe -v 0 || true
echo "nginx; wrk" # lintian
case $1 in
check) strace ls ;;
esac
cat <<EOF
qemu-arm in a heredoc
EOF
i=$((i + 1))
"""
    assert m.shell_programs(text) == {"readelf", "sed", "ffprobe", "cat",
                                      "strace"}


def test_readme_control_socket_is_the_units():
    # The README's curl lines use the control socket the packaged units
    # give capd.
    readme = open(os.path.join(TOP, "README.md")).read()
    unit = open(os.path.join(TOP, "systemd", "campipe-capd.service")).read()
    path = re.search(r"--control (\S+)", unit).group(1)
    used = set(re.findall(r"curl --unix-socket (\S+)", readme))
    assert used == {path}
