#!/usr/bin/env python3
"""Every C++ block of the given Markdown files is a quote of a compiled example.

A ```cpp block must start with `// from examples/NAME.cpp`; its other lines, split at lines that
are just `// ...`, must each appear in that file, in order, as contiguous text (runs of
whitespace, line breaks included, compare equal, so clang-format's line breaking does not matter). So a snippet cannot rot: change the example and the check names the block.

usage: check_snippets.py REPO_ROOT FILE.md...
Prints one line per stale block and `snippets: N passed, N failed`; exits 1 on any failure.
"""
import os
import re
import sys

root, docs = sys.argv[1], sys.argv[2:]
passed = failed = 0


def flat(text):
    return re.sub(r"\s+", " ", text).strip()


for doc in docs:
    text = open(os.path.join(root, doc), encoding="utf-8").read()
    for m in re.finditer(r"(?ms)^```cpp\n(.*?)^```", text):
        line_no = text[:m.start()].count("\n") + 1
        body = [l.strip() for l in m.group(1).splitlines()]
        where = f"{doc}:{line_no}"
        head = re.fullmatch(r"// from (examples/[\w./-]+\.cpp)", body[0]) if body else None
        if not head or not os.path.isfile(os.path.join(root, head.group(1))):
            failed += 1
            print(f"FAIL {where}: a C++ block must start with `// from examples/NAME.cpp` naming a compiled example")
            continue
        source = flat(open(os.path.join(root, head.group(1)), encoding="utf-8").read())
        chunks, cur = [], []
        for l in body[1:]:
            if l == "// ...":
                chunks.append(cur)
                cur = []
            else:
                cur.append(l)
        chunks.append(cur)
        at, ok = 0, True
        for c in chunks:
            if not c:
                continue
            found = source.find(flat(" ".join(c)), at)
            at = found + len(flat(" ".join(c)))
            if found < 0:
                ok = False
                print(f"FAIL {where}: not in {head.group(1)} (in order): {c[0]!r} ...")
                break
        passed += ok
        failed += not ok

print(f"snippets: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
