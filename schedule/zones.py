"""IANA time zones by name, with a suggestion when a name is not one."""

from __future__ import annotations

import difflib
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from schedule.errors import ConfigError

__all__ = ["nearest_zone", "zone_named"]

_LONGEST_NAME = 64  # no zone name is longer; comparing long text would only cost time


@cache
def _zones() -> frozenset[str]:
    """Every zone name this system knows (scanning tzdata once)."""
    return frozenset(available_timezones())


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
    # Checking the list first keeps odd names (paths, "..") away from the loader.
    if name not in _zones():
        msg = f"unknown time zone {name!r}"
        suggestion = nearest_zone(name)
        hint = (
            f"did you mean {suggestion!r}?"
            if suggestion
            else 'use an IANA name like "Asia/Shanghai"'
        )
        raise ConfigError(msg, value=name, hint=hint)
    return ZoneInfo(name)


def nearest_zone(name: str) -> str | None:
    """Return the known zone name closest to ``name``, or None when none is close."""
    folded = name.strip().lower().replace(" ", "_")
    if len(folded) > _LONGEST_NAME:
        return None
    exact = _by_folded_name().get(folded)
    if exact:
        return exact
    close = difflib.get_close_matches(folded, list(_by_folded_name()), n=1, cutoff=0.6)
    return _by_folded_name()[close[0]] if close else None
