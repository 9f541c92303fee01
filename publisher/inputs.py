"""What a full publish read: the recipe and fingerprint the republish shortcut checks later.

The recipe lists the files the outputs were made from (the config, the files
its ``include`` patterns matched, every ``episodes_file``, the zone files) and
each pattern with what it matched; publisher/shortcut.py recomputes the
fingerprint from it without parsing the config. Everything here errs towards
"no recipe", which only costs the next run a full publish.
"""

# ruff: noqa: PTH100, PTH113, PTH118, PTH120 - os.path, not pathlib: paths are compared as text with those publisher/shortcut.py makes

from __future__ import annotations

import json
import os
import re
import time
import tomllib
from typing import TYPE_CHECKING, Any
from zoneinfo import TZPATH

from publisher.shortcut import RECIPE_VERSION, fingerprint, read
from schedule.includes import matches

if TYPE_CHECKING:
    from schedule.site import Site
    from schedule.tomltables import Parsed

__all__ = ["Snapshot", "site_head", "zone_file"]

_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_SITE_HEADER = re.compile(r"""^[ \t]*\[[ \t]*(?:site|"site"|'site')[ \t]*[\].]""", re.MULTILINE)
_INCLUDE_KEY = re.compile(r"""(?<![\w-])["']?include["']?[ \t]*=""")


class Snapshot:
    """The inputs as a full publish is about to read them; later, its recipe and fingerprint.

    Taken before the config is parsed: the fingerprint recorded afterwards
    must describe the bytes the publish really read, so a config that changed
    in between, an include pattern that matches differently, or an input
    touched since this moment leaves the publish without a recipe.
    """

    __slots__ = ("config", "data", "head", "matches", "parsed", "since_ns")

    def __init__(self, config: str) -> None:
        """Read the config at ``config`` and expand its include patterns."""
        # What loading the config made that the next load can use (set by the loader's caller).
        self.parsed: Parsed | None = None
        self.since_ns = time.time_ns()
        self.config = os.path.abspath(config)
        self.data = read(self.config)
        self.head = site_head(self.data) if self.data is not None else None
        self.matches = _globs(self.head, self.config) if self.head is not None else None

    def pin(self, site: Site, folder: str) -> tuple[str, str | None] | None:
        """Return the fingerprint and recipe (JSON) of a publish of ``site`` into ``folder``.

        None when the inputs cannot be pinned down. An input changed in the
        last moments (an edit just saved, say) may still be changing: the
        fingerprint is then of the bytes as they are, with no recipe, so no
        later run trusts it.
        """
        recipe = self._recipe(site, folder)
        if recipe is None:
            return None
        digest = fingerprint(recipe, since_ns=self.since_ns)
        if digest is None:
            digest = fingerprint(recipe)
            return None if digest is None else (digest, None)
        return digest, json.dumps(recipe, sort_keys=True)

    def _recipe(self, site: Site, folder: str) -> dict[str, Any] | None:
        """Return the recipe, or None when anything differs from what the publish read."""
        if self.data is None or self.head is None or self.matches is None:
            return None
        if os.path.abspath(site.source) != self.config or read(self.config) != self.data:
            return None
        if _globs(self.head, self.config) != self.matches or not self._head_agrees(site):
            return None
        included = _included(self.matches, self.config)
        # The spreadsheets the loader read, whatever TOML spelling named them.
        csvs = list(site.episode_files)
        zones = sorted({site.timezone.key, *(show.timezone.key for show in site.shows)})
        return {
            "version": RECIPE_VERSION,
            "config": self.config,
            "state": site.state,
            "output": site.output,
            "folder": folder,
            "zone": site.timezone.key,
            "patterns": self.matches,
            "files": [self.config, *included, *csvs, *_zone_files(zones)],
        }

    def outdated(self, site: Site) -> bool:
        """Tell whether an input changed after it was read: another config may have been published.

        The config's bytes or an include pattern's matches differ, or an
        included file or spreadsheet was written since the snapshot began.
        """
        if self.data is None or read(self.config) != self.data:
            return True
        if self.head is None or self.matches is None:
            return False  # no patterns known to compare: the config's bytes are the same
        if _globs(self.head, self.config) != self.matches:
            return True
        for path in [*_included(self.matches, self.config), *site.episode_files]:
            try:
                info = os.stat(path)
            except OSError:
                return True
            if max(info.st_mtime_ns, info.st_ctime_ns) >= self.since_ns:
                return True
        return False

    def _head_agrees(self, site: Site) -> bool:
        """Tell whether the quick read of ``[site]`` found the table the loader read."""
        table = self.head.get("site") if self.head is not None else None
        if not isinstance(table, dict):
            return False
        folder = os.path.dirname(self.config)
        state = os.path.normpath(os.path.join(folder, str(table.get("state", ".airdates"))))
        output = os.path.normpath(os.path.join(folder, str(table.get("output", "public"))))
        return (state, output, table.get("timezone", "UTC")) == (
            site.state,
            site.output,
            site.timezone.key,
        )


def site_head(data: bytes) -> dict[str, Any] | None:
    """Parse only the config's top-level keys and its ``[site]`` table; None when unsure.

    A big network config is megabytes of ``[[shows]]``; these keys are a few
    lines. Lines that look like table headers cut the text; a cut inside a
    multi-line string or array leaves it unterminated, which tomllib rejects,
    so a successful parse read exactly what the full parse reads. Two tables
    that look like ``[site]``, or ``site`` among the top-level keys as well,
    are too clever to follow: None.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    first = _HEADER.search(text)
    head = text if first is None else text[: first.start()]
    sites = list(_SITE_HEADER.finditer(text))
    if len(sites) > 1:
        return None
    if sites:
        # A top-level ``site`` as well makes the parse below fail: a table defined twice.
        end = text.find("\n", sites[0].start())
        after = _HEADER.search(text, end + 1) if end >= 0 else None
        head += "\n" + text[sites[0].start() : after.start() if after else len(text)]
    if not _keys_inside(text, head, _INCLUDE_KEY):
        return None
    try:
        found = tomllib.loads(head)
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        return None
    return found


def _keys_inside(text: str, head: str, key: re.Pattern[str]) -> bool:
    """Tell whether every uncommented ``key =`` of ``text`` lies in the part ``head`` holds."""
    return _uncommented(text, key) == _uncommented(head, key)


def _uncommented(text: str, key: re.Pattern[str]) -> int:
    """Count the matches of ``key`` not on a comment line."""
    count = 0
    for match in key.finditer(text):
        line = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        if not line.lstrip().startswith("#"):
            count += 1
    return count


def _include_patterns(head: dict[str, Any]) -> list[str]:
    """Return the strings of ``include`` and ``site.include``, as the config loader reads them."""
    site = head.get("site")
    lists = [head.get("include"), site.get("include") if isinstance(site, dict) else None]
    return [
        item
        for items in lists
        if isinstance(items, list)
        for item in items
        if isinstance(item, str)
    ]


def _globs(head: dict[str, Any], config: str) -> list[list[Any]]:
    """Return each include pattern with the files it matches now."""
    folder = os.path.dirname(config)
    return [[pattern, matches(pattern, folder)] for pattern in _include_patterns(head)]


def _included(matches: list[list[Any]], config: str) -> list[str]:
    """Return every matched file once, as an absolute path (the config itself left out)."""
    folder = os.path.dirname(config)
    files: list[str] = []
    for _, found in matches:
        for match in found:
            path = os.path.normpath(os.path.join(folder, match))
            if path not in files and path != config:
                files.append(path)
    return files


def _zone_files(keys: list[str]) -> list[str]:
    """Return the system zone files zoneinfo reads for these zones (a tzdata update is a change)."""
    return [path for path in map(zone_file, keys) if path is not None]


def zone_file(key: str) -> str | None:
    """Return the system zone file zoneinfo reads for zone ``key``, or None (tzdata's own)."""
    for folder in TZPATH:
        path = os.path.join(folder, key)
        if os.path.isfile(path):
            return path
    return None
