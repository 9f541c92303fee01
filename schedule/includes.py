"""The files an ``include`` pattern matches: glob's rules, each folder walked once.

Python's recursive glob follows links to folders without remembering where it
has been: two links back up the tree (``shows/loop -> .``) made ``**`` walk
2^40 paths, and every cron run hung at full CPU. A pattern with ``**`` is
matched here instead, on a walk that enters each real folder once (links to
other folders still count); any other pattern cannot recurse and stays glob's.
A folder reached two ways is found by one: glob listed its files twice, and
the config then held every show in it twice.
"""

from __future__ import annotations

import glob
import os
from collections import deque
from fnmatch import fnmatchcase

__all__ = ["is_file", "matches"]


def matches(pattern: str, folder: str) -> list[str]:
    """Return the files ``pattern`` matches, sorted; a relative pattern from ``folder``.

    Paths come back as glob gives them: relative to ``folder`` for a relative
    pattern, absolute for an absolute one.
    """
    try:
        if "**" not in pattern:
            root = None if os.path.isabs(pattern) else folder
            found = glob.glob(pattern, root_dir=root)
        else:
            found = list(_walked(pattern, folder))
    except (OSError, ValueError):
        return []
    return sorted(match for match in found if is_file(os.path.join(folder, match)))


def _walked(pattern: str, folder: str) -> list[str]:
    parts = pattern.split(os.sep)
    start = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    base = os.sep.join(parts[:start])  # the literal folders the pattern begins with
    top = os.path.join(folder, base) if not os.path.isabs(pattern) else base or os.sep
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    # Breadth first, names in order: a folder reached two ways is found by its shortest path,
    # the first in order of those, whatever order the file system lists them in.
    queue: deque[tuple[str, list[str]]] = deque([(top, [])])
    while queue:
        path, names = queue.popleft()
        try:
            info = os.stat(path)
            entries = sorted(os.scandir(path), key=lambda entry: entry.name)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue  # a link back to a folder already walked
        seen.add((info.st_dev, info.st_ino))
        for entry in entries:
            below = [*names, entry.name]
            if _dir(entry):
                if _leads(parts[start:], below):  # only folders a match can lie in
                    queue.append((entry.path, below))
            elif _matched(parts[start:], below):
                found.append(os.sep.join([*parts[:start], *below]) if base else os.sep.join(below))
    return found


def _dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _matched(parts: list[str], names: list[str]) -> bool:
    """Match path ``names`` against pattern ``parts`` as glob does (``**``: any folders)."""
    if not parts:
        return not names
    head, rest = parts[0], parts[1:]
    if head == "**":
        # Any number of folders, none hidden, as glob's ** skips names with a leading dot.
        return any(
            _matched(rest, names[skip:])
            for skip in range(len(names) + 1)
            if not any(name.startswith(".") for name in names[:skip])
        )
    return bool(names) and _name_matches(head, names[0]) and _matched(rest, names[1:])


def _leads(parts: list[str], names: list[str]) -> bool:
    """Tell whether folder ``names`` can begin a path that pattern ``parts`` matches."""
    if not names:
        return True
    if not parts:
        return False
    head, rest = parts[0], parts[1:]
    if head == "**":
        return _leads(rest, names) or (not names[0].startswith(".") and _leads(parts, names[1:]))
    return _name_matches(head, names[0]) and _leads(rest, names[1:])


def _name_matches(part: str, name: str) -> bool:
    """A wildcard matches no hidden name unless it begins with a dot itself, as in glob."""
    if name.startswith(".") and not part.startswith("."):
        return False
    return fnmatchcase(name, part)


def is_file(path: str) -> bool:
    """Tell whether ``path`` is a regular file (or a link to one)."""
    try:
        return os.path.isfile(path)
    except ValueError:  # a NUL character in the name
        return False
