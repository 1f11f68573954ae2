#!/usr/bin/env python3
"""Preprocesses every public header on its own (`CXX -H -E`) and fails when an arrow
points the wrong way:
- a `models.hpp`, or anything in core/ codec/ json/ http/ policy/ service/call_options.hpp or
  detail/ (but detail/asio.hpp, the one Asio shim), pulls in an Asio or OpenSSL header at all;
- crypto/ outside detail/ pulls in Asio, or reaches OpenSSL other than through crypto/detail/;
- any header reaches OpenSSL other than through crypto/detail/ or the TLS part of transport/detail/;
- a header of the client library includes the testing component.
Usage: check_layers.py INCLUDE_DIR CXX [CXX args...]   (prints "layers: N passed, N failed")."""
import pathlib
import re
import subprocess
import sys

inc = pathlib.Path(sys.argv[1]).resolve()
cxx = sys.argv[2:]
root = inc / "tokenmint"
headers = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.hpp"))

SANS_IO = re.compile(r"^(core|codec|json|http|policy)/|(^|/)models\.hpp$|^service/call_options\.hpp$|^detail/(?!asio\.hpp)")
OPENSSL_SEAMS = re.compile(r"^(crypto/detail/|transport/detail/)")


def tree(header):
    """(depth, path) of every header the TU opens, in order."""
    # The separate-compilation TU exists only in that mode (and #errors without it).
    mode = "#define TOKENMINT_SEPARATE_COMPILATION\n" if header == "separate_compilation.hpp" else ""
    src = f"{mode}#include <tokenmint/{header}>\n"
    out = subprocess.run(cxx + ["-std=c++20", "-I", str(inc), "-H", "-E", "-o", "/dev/null", "-x", "c++", "-"],
                         input=src, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    rows = []
    for line in out.stderr.splitlines():
        m = re.match(r"^(\.+) (.*)$", line)
        if m:
            rows.append((len(m.group(1)), m.group(2)))
    return rows


def ours(path):
    p = pathlib.Path(path)
    try:
        return p.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


def kind(path):
    if "/asio/" in path or path.endswith("/asio.hpp") and ours(path) is None:
        return "asio"
    if "/openssl/" in path:
        return "openssl"
    return None


passed = failed = 0
for h in headers:
    problems = []
    try:
        rows = tree(h)
    except RuntimeError as e:
        problems.append("does not preprocess: " + str(e))
        rows = []
    stack = []  # (depth, tokenmint-relative path or None)
    for depth, path in rows:
        while stack and stack[-1][0] >= depth:
            stack.pop()
        rel = ours(path)
        stack.append((depth, rel))
        k = kind(path)
        if rel and rel.startswith("testing/") and not h.startswith("testing/"):
            problems.append(f"includes the testing component ({rel})")
        if not k:
            continue
        parent = next((r for _, r in reversed(stack[:-1]) if r), h)
        if SANS_IO.search(h):
            problems.append(f"pulls in {k} ({path}) via {parent}")
        elif h.startswith("crypto/") and not h.startswith("crypto/detail/") and k == "asio":
            problems.append(f"pulls in Asio ({path}) via {parent}")
        if k == "openssl" and not OPENSSL_SEAMS.search(parent):
            problems.append(f"reaches OpenSSL ({path}) outside its seams, via {parent}")
    seen = []
    for p in problems:
        if p not in seen:
            seen.append(p)
    if seen:
        failed += 1
        print(f"[  FAILED  ] {h}")
        for p in seen[:5]:
            print("    " + p)
    else:
        passed += 1
print(f"layers: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
