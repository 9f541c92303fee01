"""IANA time zones by name, with a suggestion when a name is not one."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from schedule.errors import ConfigError
from schedule.hints import closest

__all__ = ["nearest_zone", "zone_named"]

_LONGEST_NAME = 64  # no zone name is longer; comparing long text would only cost time
# What an IANA name looks like: words of letters, digits, "_", "-", "+" joined by
# "/", none of them "." or "..". Anything else never reaches the loader.
_NAME = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*\Z")
_NOT_ZONES = frozenset({"posixrules", "localtime", "Factory"})


@cache
def _zones() -> frozenset[str]:
    """Every zone name this system knows (scanning tzdata once)."""
    return frozenset(available_timezones()) - _NOT_ZONES


@cache
def _by_folded_name() -> dict[str, str]:
    """Zone names by their lowercase form and by their lowercase city, for typo hints."""
    names: dict[str, str] = {}
    for name in sorted(_zones()):
        names.setdefault(name.rsplit("/", 1)[-1].lower().replace(" ", "_"), name)
    for name in _zones():
        names[name.lower()] = name
    return names


def zone_named(name: object) -> ZoneInfo:
    """Return the zone called ``name``; ConfigError (unlocated) with a hint if none is."""
    if not isinstance(name, str):
        msg = "must be a string naming an IANA time zone"
        raise ConfigError(msg, value=name, hint='e.g. "Asia/Shanghai"')
    zone = _loaded(name)
    if zone is None:
        msg = f"unknown time zone {name!r}"
        suggestion = None if name in _NOT_ZONES else nearest_zone(name)
        hint = (
            f"did you mean {suggestion!r}?"
            if suggestion
            else 'use an IANA name like "Asia/Shanghai"'
        )
        raise ConfigError(msg, value=name, hint=hint)
    return zone


def _loaded(name: str) -> ZoneInfo | None:
    """Return the zone ``name`` from the zone data, or None when there is none by that name.

    Loading the one zone costs far less than listing every zone (a walk over
    the whole of tzdata); the list is read only to suggest a name.
    """
    if len(name) > _LONGEST_NAME or not _NAME.match(name) or _special(name):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _special(name: str) -> bool:
    """Tell the zone data's files and folders that are not zones, as available_timezones does.

    "posixrules" is a copy of another zone kept for old POSIX TZ strings;
    "right/..." zones count leap seconds (their clocks run 27 s apart from
    everyone's) and "posix/..." duplicates the rest. "localtime" is the
    host's own zone (a link some systems keep beside the data): a calendar
    naming it means a different zone on every machine. "Factory" is tzdata's
    placeholder for "zone not set", abbreviated "-00".
    """
    return name in _NOT_ZONES or name.split("/", 1)[0] in ("right", "posix")


def nearest_zone(name: str) -> str | None:
    """Return the known zone name closest to ``name``, or None when none is close."""
    folded = name.strip().lower().replace(" ", "_")
    if len(folded) > _LONGEST_NAME:
        return None
    exact = _by_folded_name().get(folded)
    if exact:
        return exact
    near = closest(folded, _by_folded_name())
    return _by_folded_name()[near] if near else None
