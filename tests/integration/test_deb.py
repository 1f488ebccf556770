# SPDX-License-Identifier: ISC
"""The Debian package: make deb, its control fields and files, lintian, and
on the host's architecture a real `apt install ./campipe_*.deb`, the
installed programs and units, and a purge that leaves nothing behind.

Needs root (apt, dpkg, the sysroot's downloads): skipped otherwise.
CAMPIPE_DEB_ARCHS names the architectures to build and check (default: the
host's); make check-cross checks its ARCH's package too.
"""
import glob
import os
import pwd
import grp
import re
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HOST = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                      text=True).stdout.strip()
ARCHS = os.environ.get("CAMPIPE_DEB_ARCHS", HOST).split()
ELF = {"amd64": "x86-64", "arm64": "ARM aarch64", "armhf": "ARM, EABI5"}
NAMES = ["campipe-capd", "campipe-httpd", "campipe-wsd", "campipe-rtspd",
         "campipe-rtcd"]

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0,
                       reason="building and installing packages needs root"),
    pytest.mark.skipif(os.environ.get("CAMPIPE_SANITIZE", "0") == "1",
                       reason="the package is never a sanitizer build: "
                       "checked in the plain run"),
]
# make deb is run from here as from a shell, not as part of the make that
# started pytest (whose SANITIZE=1 or BUILD would carry over).
ENV = {k: v for k, v in os.environ.items()
       if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}


def run(*cmd, timeout=1800, check=True, **kw):
    r = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout,
                       cwd=ROOT, **kw)
    if check:
        assert r.returncode == 0, "%s: %s%s" % (" ".join(cmd), r.stdout[-3000:],
                                                r.stderr[-3000:])
    return r


_built = {}


def deb(arch):
    """Builds (once per run) and returns build-ARCH/campipe_VERSION_ARCH.deb."""
    if arch not in _built:
        run("make", "--no-print-directory", "deb", "ARCH=" + arch, env=ENV)
        version = run("scripts/deb.sh", "--version").stdout.strip()
        path = os.path.join(ROOT, "build-" + arch,
                            "campipe_%s_%s.deb" % (version, arch))
        assert os.path.isfile(path), path
        _built[arch] = (path, version)
    return _built[arch]


def control(path):
    out = run("dpkg-deb", "-f", path).stdout
    fields = {}
    for m in re.finditer(r"^(\S+): (.*(?:\n .*)*)", out, re.M):
        fields[m.group(1)] = m.group(2)
    return fields


TRIPLET = {"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu",
           "armhf": "arm-linux-gnueabihf"}


def owner(arch, soname):
    """The package that ships a library: dpkg -S on the host, the sysroot's
    file lists (scripts/sysroot.sh) for another architecture."""
    root = "" if arch == HOST else os.path.join(ROOT, "build-" + arch, "sysroot")
    for d in ("/lib/", "/usr/lib/"):
        p = d + TRIPLET[arch] + "/" + soname
        if os.path.exists(root + p):
            break
    else:
        return None
    names = {p, p[4:] if p.startswith("/usr/") else "/usr" + p}
    if arch == HOST:
        for n in names:
            r = run("dpkg", "-S", n, check=False)
            if r.returncode == 0:
                return r.stdout.split(":")[0]
        return None
    for f in glob.glob(os.path.join(root, "var/lib/dpkg/info/*.list")):
        with open(f) as fh:
            if names & {ln.rstrip("\n") for ln in fh}:
                return os.path.basename(f)[:-len(".list")].split(":")[0]
    return None


@pytest.mark.parametrize("arch", ARCHS)
def test_control_fields_and_files(arch, tmp_path):
    path, version = deb(arch)
    f = control(path)
    assert f["Package"] == "campipe"
    assert f["Version"] == version and re.match(r"\d", version)
    assert f["Architecture"] == arch
    assert re.match(r".+ <[^@ ]+@[^@ ]+>$", f["Maintainer"]), f["Maintainer"]
    assert int(f["Installed-Size"]) > 100
    assert f["Description"].startswith("camera server for the Raspberry Pi\n")
    depends = {d.split()[0] for d in f["Depends"].split(", ")}

    # Every file from the staged install, owned by root, nothing outside
    # /etc and /usr.
    listing = run("dpkg-deb", "-c", path).stdout.splitlines()
    files = {}
    for line in listing:
        w = line.split()
        assert w[1] == "root/root", line
        files[w[5].lstrip("./")] = w[0]
    for p in files:
        assert p == "" or p.split("/")[0] in ("etc", "usr"), p
    want = ["usr/bin/" + n for n in NAMES + ["campipe-passwd"]]
    want += ["usr/lib/systemd/system/" + u for u in (
        "campipe.target", "campipe-capd.service", "campipe-capd@.service",
        "campipe-httpd.service", "campipe-wsd.service", "campipe-rtspd.service",
        "campipe-rtcd.service", "campipe-httpd.socket", "campipe-wsd.socket", "campipe-rtspd.socket")]
    want += ["usr/lib/sysusers.d/campipe.conf", "usr/lib/tmpfiles.d/campipe.conf",
             "etc/default/campipe", "usr/share/campipe/www/index.html",
             "usr/share/doc/campipe/README.md", "usr/share/doc/campipe/frames.md",
             "usr/share/doc/campipe/copyright", "usr/share/doc/campipe/changelog.gz",
             "usr/share/doc/campipe/examples/door.conf"]
    for p in want:
        assert p in files, "%s missing from %s" % (p, path)
    for p in want[:len(NAMES) + 1]:
        assert files[p] == "-rwxr-xr-x", (p, files[p])

    x = tmp_path / "x"
    run("dpkg-deb", "-R", path, str(x))
    assert (x / "DEBIAN/conffiles").read_text() == "/etc/default/campipe\n"
    for s in ("postinst", "prerm", "postrm"):
        assert os.access(x / "DEBIAN" / s, os.X_OK), s
        run("sh", "-n", str(x / "DEBIAN" / s))
    with open(x / "usr/share/doc/campipe/copyright") as fh:
        text = fh.read()
    assert text.startswith("Format: https://www.debian.org/doc/packaging-manuals/"
                           "copyright-format/1.0/\n")
    assert "\nLicense: ISC\n" in text
    unit = (x / "usr/lib/systemd/system/campipe-capd.service").read_text()
    assert "ExecStart=/usr/bin/campipe-capd " in unit and "@BINDIR@" not in unit

    # Depends: exactly the packages of the libraries the binaries link
    # (readelf -d), systemd for sysusers and tmpfiles, and passwd for
    # postrm's userdel and groupdel.
    need = set()
    for n in NAMES + ["campipe-passwd"]:
        b = str(x / "usr/bin" / n)
        assert ELF[arch] in run("file", b).stdout
        out = run("readelf", "-d", b).stdout
        need |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+)\]", out))
    assert {"libevent-2.1.so.7", "libturbojpeg.so.0", "libc.so.6"} <= need, need
    pkgs = {owner(arch, so) for so in need}
    assert None not in pkgs, need
    assert depends == pkgs | {"systemd", "passwd"}, (depends, pkgs)


@pytest.mark.parametrize("arch", ARCHS)
def test_lintian_no_errors(arch):
    path, _ = deb(arch)
    r = run("lintian", "--no-cfg", "--fail-on", "error", path, check=False,
            timeout=600)
    tags = [ln for ln in r.stdout.splitlines() if re.match(r"[EWI]: ", ln)]
    print("\nlintian %s:\n  %s" % (arch, "\n  ".join(tags) or "(nothing)"))
    assert r.returncode == 0 and not [t for t in tags if t.startswith("E:")], \
        r.stdout + r.stderr


def campipe_files():
    """Every path named campipe* under /etc, /usr, /run and /var/lib, and
    the campipe users and groups."""
    found = set()
    for top in ("/etc", "/usr", "/run", "/var/lib"):
        for d, dirs, fs in os.walk(top):
            if d.startswith(("/var/lib/apt/lists", "/proc", "/usr/src")):
                continue
            for n in dirs + fs:
                if "campipe" in n:
                    found.add(os.path.join(d, n))
    for n in NAMES:
        try:
            pwd.getpwnam(n)
            found.add("user " + n)
        except KeyError:
            pass
    for g in ("campipe", "campipe-control"):
        try:
            grp.getgrnam(g)
            found.add("group " + g)
        except KeyError:
            pass
    return found


def installed():
    r = subprocess.run(["dpkg-query", "-W", "-f", "${db:Status-Status}", "campipe"],
                       capture_output=True, text=True)
    return r.stdout.strip()


@pytest.mark.skipif(HOST not in ARCHS, reason="installs only the host's package")
def test_apt_install_run_verify_purge():
    if installed() not in ("", "not-installed", "config-files"):
        pytest.skip("a campipe package is installed here already: left alone")
    path, version = deb(HOST)
    before = campipe_files()
    env = dict(ENV, DEBIAN_FRONTEND="noninteractive")
    apt = ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=600"]
    try:
        r = run(*apt, "install", path, env=env, timeout=900)
        assert installed() == "installed"
        # A first install says what to do next, in three lines.
        said = [l for l in r.stdout.splitlines() if l.startswith("campipe: ")]
        assert len(said) == 3 and "systemctl enable --now campipe.target" in said[0] \
            and "http://localhost:8080/" in said[1] and "campipe-passwd" in said[2], \
            r.stdout[-3000:]
        r = run("/usr/bin/campipe-capd", "--version")
        assert r.stdout.strip() or r.stderr.strip()
        run("/usr/bin/campipe-passwd", "--help", check=False)

        # What postinst made: the users, the groups, /run/campipe.
        for n in NAMES:
            assert pwd.getpwnam(n).pw_gid == grp.getgrnam("campipe").gr_gid
        assert "campipe-capd" in grp.getgrnam("video").gr_mem
        st = os.stat("/run/campipe")
        # Sticky and group-writable: wsd and rtcd make their handoff sockets there.
        assert (st.st_mode & 0o7777, pwd.getpwuid(st.st_uid).pw_name,
                grp.getgrgid(st.st_gid).gr_name) == (0o1770, "campipe-capd", "campipe")
        st = os.stat("/run/campipe/control")
        assert (st.st_mode & 0o7777, grp.getgrgid(st.st_gid).gr_name) == \
            (0o2750, "campipe-control")
        assert {"campipe-httpd", "campipe-wsd"} <= \
            set(grp.getgrnam("campipe-control").gr_mem)

        # The installed units verify, and none is enabled.
        units = sorted(glob.glob("/usr/lib/systemd/system/campipe*"))
        assert len(units) == 10, units
        for u in units:
            # A template verifies as one of its instances (a camera's name).
            r = run("systemd-analyze", "verify", u.replace("@.", "@door."),
                    check=False, timeout=120)
            out = (r.stdout + r.stderr).strip()
            assert r.returncode == 0 and out == "", "%s: %s" % (u, out)
        assert not glob.glob("/etc/systemd/system/*.wants/campipe*")

        # A changed settings file survives remove (a conffile) ...
        with open("/etc/default/campipe", "a") as f:
            f.write("# changed by test_deb\n")
        run(*apt, "remove", "campipe", env=env, timeout=900)
        assert installed() == "config-files"
        assert not os.path.exists("/usr/bin/campipe-capd")
        with open("/etc/default/campipe") as f:
            assert "changed by test_deb" in f.read()
    finally:
        # ... and purge takes everything install made.
        if installed() not in ("", "not-installed"):
            run(*apt, "purge", "campipe", env=env, timeout=900)
    assert installed() in ("", "not-installed")
    after = campipe_files()
    assert after == before, "left behind: %s; gone: %s" % (sorted(after - before),
                                                           sorted(before - after))
