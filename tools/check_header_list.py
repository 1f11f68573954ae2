#!/usr/bin/env python3
"""Fail (exit 1) when the headers under DIR differ from the list given after it."""
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
listed = set(sys.argv[2:])
on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.hpp")}
missing, stale = sorted(on_disk - listed), sorted(listed - on_disk)
if missing or stale:
    if missing:
        print("headers on disk but not in include/tokenmint/meson.build:", *missing, sep="\n  ")
    if stale:
        print("headers listed in include/tokenmint/meson.build but not on disk:", *stale, sep="\n  ")
    sys.exit(1)
