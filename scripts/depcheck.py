#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""Checks that scripts/deps.sh installs, for each make target, every
program that target's recipes, scripts and tests execute.

Programs are found statically: in Python, the argv[0] of every subprocess
call (run, Popen, check_output, ...), every shutil.which("x") and every
"/usr/bin/x" or "/usr/sbin/x" string; in shell scripts and in the
commands "make -n -B TARGET" prints, the first word of each command; in
the browser tests, "/usr/bin/x" strings.  Each program is mapped to the
Debian package that ships it (dpkg -S, looked up where a fresh Debian
puts it: /usr/bin, /usr/sbin, /bin, /sbin), and that package must be in
the dependency closure of the target's list in scripts/deps.sh, or of
the essential set every Debian root has.  Run scripts/deps.sh TARGET first
(as root it installs the list) so that the programs can be looked up.

Usage: scripts/depcheck.py [--deps FILE] TARGET...
Exit 0 when every program is covered; 1 naming each missing package.
"""
import ast
import glob
import os
import re
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What each target runs, besides the commands of "make -n -B TARGET".
SOURCES = {
    "build": ["scripts/run.sh"],
    "check": ["tests/integration/*.py", "tests/browser/*.mjs",
              "scripts/spdx.sh", "scripts/run.sh"],
    "cross": ["tests/cross/*.py", "tests/integration/test_deb.py",
              "scripts/sysroot.sh", "scripts/deb.sh"],
    "deb": ["scripts/deb.sh"],
    "bench": ["scripts/bench*.py", "scripts/bench.sh", "bench/*.py",
              "tests/browser/latency.mjs"],
    "fuzz": [],
    "deploy": ["scripts/deploy-check.sh"],
}
# The make goal (and variables) whose printed commands a target runs.
MAKE_GOALS = {
    "build": ["run"],
    "check": ["check"],
    "cross": ["check-cross", "ARCH=arm64"],
    "deb": ["deb", "ARCH=amd64"],
    "bench": ["bench"],
    "fuzz": ["fuzz"],
    "deploy": ["check-deploy"],
}
SUBPROCESS_CALLS = {"run", "Popen", "check_output", "check_call", "call",
                    "create_subprocess_exec", "execvp", "execv", "spawn"}
SHELL_WORDS = set("""
! . : [ [[ ]] { } alias bg break builtin case cd command continue declare do
done echo elif else esac eval exec exit export false fg fi for function
getopts hash if in jobs kill let local printf pwd read readonly return
select set shift source test then time times trap true type typeset ulimit
umask unalias unset until wait while
""".split())
# Words that take a command after them.
PREFIXES = {"env", "exec", "nohup", "sudo", "command", "time", "nice",
            "setsid", "stdbuf", "timeout", "xargs", "then", "do", "else",
            "if", "while", "until", "!"}
# Programs that may come from outside Debian (Node.js from nodesource):
# the package deps.sh names for them.
NOT_DEBIAN = {"node": "nodejs", "npm": "npm", "npx": "npm"}


def deps_lists(path):
    """The package lists of deps.sh, with $var references expanded."""
    lists = {}
    for line in open(path):
        m = re.match(r'^([a-z]+)="([^"]*)"', line)
        if m:
            words = []
            for w in m.group(2).split():
                if w.startswith("$"):
                    words += lists.get(w[1:], [])
                else:
                    words.append(w)
            lists[m.group(1)] = words
    return lists


def python_programs(path):
    """argv[0] of subprocess calls, shutil.which names, /usr/bin paths."""
    tree = ast.parse(open(path).read(), path)
    consts = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and \
                isinstance(node.value, ast.Constant) and \
                isinstance(node.value.value, str):
            consts[node.targets[0].id] = node.value.value
    found = set()

    def word(n):
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            return n.value
        if isinstance(n, ast.Name):
            return consts.get(n.id)
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for m in re.finditer(r"(?<![\w./-])(/usr)?/s?bin/([\w.+-]+)",
                                 node.value):
                found.add(m.group(0))
        if not isinstance(node, ast.Call) or not node.args:
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else \
            f.id if isinstance(f, ast.Name) else None
        a0 = node.args[0]
        if name == "which":
            w = word(a0)
            if w:
                found.add(w)
        elif name in SUBPROCESS_CALLS:
            if isinstance(a0, (ast.List, ast.Tuple)) and a0.elts:
                w = word(a0.elts[0])
            else:
                w = word(a0) if name == "create_subprocess_exec" else None
            if w:
                found.add(w)
    return found


def shell_programs(text):
    """The first word of each command in shell text (heredocs skipped)."""
    found = set()
    funcs = set(re.findall(r"^\s*([\w-]+)\s*\(\)", text, re.M))
    lines, heredoc = [], None
    for line in re.sub(r"\\\n", " ", text).splitlines():
        if heredoc:
            if line.strip() == heredoc:
                heredoc = None
            continue
        m = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", line)
        if m:
            heredoc = m.group(1)
        lines.append(line)
    body = "\n".join(re.sub(r"\s+#[^'\"]*$", "", ln) for ln in lines
                     if not ln.lstrip().startswith("#"))
    # Arithmetic and parameter expansions hold no commands.
    body = re.sub(r"\$\(\([^)]*\)\)|\$\{[^}]*\}", "x", body)
    lex = shlex.shlex(body, posix=True, punctuation_chars=";&|()<>\n")
    lex.whitespace = " \t\r"
    lex.whitespace_split = True
    lex.commenters = ""
    try:
        toks = list(lex)
    except ValueError:
        return found
    start = True
    for i, w in enumerate(toks):
        if w and set(w) <= set(";&|()\n"):
            start = True
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if not start or nxt.startswith(")"):
            continue        # an argument, or a case label
        if re.match(r"^\w+=", w) or w in PREFIXES or \
                re.match(r"^-|^[0-9.]+[smh]?$", w) or w in ("<", ">", ">>") \
                or (i > 0 and toks[i - 1] in ("<", ">", ">>")):
            continue
        start = False
        w = w.lstrip("@-+")
        if w in SHELL_WORDS or w in funcs or "$" in w or "=" in w or \
                w.startswith("campipe-"):
            continue
        if re.match(r"^(/usr)?/s?bin/[\w.+-]+$", w) or \
                re.match(r"^[A-Za-z][\w.+-]*$", w):
            found.add(w)
    return found


def make_programs(goal):
    """The commands "make -n -B GOAL" would run, first words only."""
    p = subprocess.run(["make", "-n", "-B", "--no-print-directory"] + goal,
                       cwd=HERE, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return shell_programs(p.stdout)


def programs_of(target):
    progs = {}
    for pat in SOURCES[target]:
        for path in sorted(glob.glob(os.path.join(HERE, pat))):
            rel = os.path.relpath(path, HERE)
            if path.endswith(".py"):
                got = python_programs(path)
            elif path.endswith(".mjs"):
                got = set(re.findall(r"['\"]((?:/usr)?/s?bin/[\w.+-]+)['\"]",
                                     open(path).read()))
            else:
                got = shell_programs(open(path).read())
            for g in got:
                # The project's own programs, and paths in the tree.
                if os.path.basename(g).startswith("campipe-") or \
                        ("/" in g and not g.startswith("/")):
                    continue
                progs.setdefault(g, rel)
    for g in make_programs(MAKE_GOALS[target]):
        progs.setdefault(g, "make " + " ".join(MAKE_GOALS[target]))
    return progs


_owner_cache = {}


def owner(prog):
    """(package, path) of the Debian package shipping prog, or (None, why)."""
    if prog in _owner_cache:
        return _owner_cache[prog]
    name = os.path.basename(prog)
    cands = [prog] if prog.startswith("/") else \
        [d + "/" + name for d in ("/usr/bin", "/usr/sbin", "/bin", "/sbin")]
    res = None
    for c in cands:
        if not os.path.exists(c):
            continue
        for q in (c, re.sub(r"^/usr", "", c), "/usr" + c,
                  os.path.realpath(c)):
            p = subprocess.run(["dpkg-query", "-S", q], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
            hits = [ln for ln in p.stdout.splitlines()
                    if ln and not ln.startswith("diversion ")]
            if hits:
                res = (hits[0].split(":")[0].split(",")[0].strip(), c)
                break
        if res:
            break
    if res is None and name in NOT_DEBIAN:
        res = (NOT_DEBIAN[name], name)
    if res is None:
        res = (None, "not installed" if not any(map(os.path.exists, cands))
               else "in no Debian package")
    _owner_cache[prog] = res
    return res


def installed():
    """name -> (essential, depends names), virtual names -> providers."""
    p = subprocess.run(["dpkg-query", "-W", "-f",
                        "${Package}\t${db:Status-Status}\t${Essential}\t"
                        "${Provides}\t${Depends}, ${Pre-Depends}\n"],
                       stdout=subprocess.PIPE, text=True, check=True)
    pkgs, provides = {}, {}
    for line in p.stdout.splitlines():
        name, status, ess, prov, deps = line.split("\t")
        if status != "installed":
            continue
        names = set()
        for alt in re.split(r"[,|]", deps):
            alt = alt.strip().split(" ")[0].split(":")[0]
            if alt:
                names.add(alt)
        pkgs[name] = (ess == "yes", names)
        for v in prov.split(","):
            v = v.strip().split(" ")[0]
            if v:
                provides.setdefault(v, set()).add(name)
    return pkgs, provides


def closure(roots, pkgs, provides):
    seen, todo = set(), list(roots)
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for real in provides.get(n, ()):
            todo.append(real)
        if n in pkgs:
            todo.extend(pkgs[n][1])
    return seen


def main(argv):
    deps = os.path.join(HERE, "scripts/deps.sh")
    if argv[:1] == ["--deps"]:
        deps, argv = argv[1], argv[2:]
    targets = argv or list(SOURCES)
    lists = deps_lists(deps)
    pkgs, provides = installed()
    base = closure([n for n, (e, _) in pkgs.items() if e] + ["apt"],
                   pkgs, provides)
    bad = 0
    for t in targets:
        if t not in lists or t not in SOURCES:
            print("depcheck: no list %r in %s" % (t, deps), file=sys.stderr)
            return 2
        have = closure(lists[t], pkgs, provides) | base
        progs = programs_of(t)
        for prog in sorted(progs):
            pkg, where = owner(prog)
            if pkg is None:
                if where == "not installed":
                    print("depcheck: %s: %s (from %s) is not installed: "
                          "run scripts/deps.sh %s, or add its package to "
                          "that list" % (t, prog, progs[prog], t))
                    bad += 1
                continue
            if pkg not in have:
                print("depcheck: %s: %s (from %s) needs package %s, missing "
                      "from the %s list in scripts/deps.sh" %
                      (t, prog, progs[prog], pkg, t))
                bad += 1
        if not bad:
            print("depcheck: %s: %d programs, all installed by its list" %
                  (t, len(progs)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
