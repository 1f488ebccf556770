# SPDX-License-Identifier: ISC
"""The licence: LICENSE is ISC and every source file says so in SPDX form."""
import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.nodaemon

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SPDX = os.path.join(TOP, "scripts", "spdx.sh")


def test_licence_file_is_isc():
    with open(os.path.join(TOP, "LICENSE")) as f:
        text = f.read()
    assert "ISC" in text or "Permission to use, copy, modify, and" in text
    assert "distribute this software for any" in text


def test_every_source_file_has_an_spdx_line():
    r = subprocess.run([SPDX, "check"], capture_output=True, text=True,
                       cwd=TOP)
    assert r.returncode == 0, r.stderr


def test_spdx_check_names_a_file_without_it(tmp_path):
    # Positive control for the check above: a tree with one file lacking
    # the line fails and names it; "add" mends it in the file's own style.
    os.makedirs(tmp_path / "scripts")
    shutil.copy(SPDX, tmp_path / "scripts" / "spdx.sh")
    (tmp_path / "a.c").write_text("int a;\n")
    (tmp_path / "b.sh").write_text("#!/bin/sh\necho b\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    r = subprocess.run(["scripts/spdx.sh", "check"], capture_output=True,
                       text=True, cwd=tmp_path)
    assert r.returncode == 1
    assert "a.c" in r.stderr and "b.sh" in r.stderr
    subprocess.run(["scripts/spdx.sh", "add"], check=True, cwd=tmp_path)
    assert (tmp_path / "a.c").read_text() == \
        "/* SPDX-License-Identifier: ISC */\nint a;\n"
    assert (tmp_path / "b.sh").read_text() == \
        "#!/bin/sh\n# SPDX-License-Identifier: ISC\necho b\n"
    r = subprocess.run(["scripts/spdx.sh", "check"], cwd=tmp_path)
    assert r.returncode == 0
