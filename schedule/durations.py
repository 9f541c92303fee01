"""Durations as users write them: ISO 8601 ("PT30M", "P8W") or words ("1 hour 30 minutes")."""

from __future__ import annotations

import re
from datetime import timedelta

from schedule.errors import ConfigError

__all__ = ["MAX_DURATION", "parse_duration"]

# Longer than any window or airing a schedule needs; it also keeps every later
# date arithmetic (window edges, airing ends) far from datetime's limits.
MAX_DURATION = timedelta(days=366 * 100)

_NUMBER = r"\d+(?:[.,]\d+)?"
_ISO = re.compile(
    rf"P(?:(?P<weeks>{_NUMBER})W)?(?:(?P<days>{_NUMBER})D)?"
    rf"(?:T(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?(?:(?P<seconds>{_NUMBER})S)?)?",
    re.IGNORECASE,
)
_ISO_CALENDAR = re.compile(r"P(?:\d+Y)?(?:\d+M)?.*", re.IGNORECASE)
_WORD_PART = re.compile(rf"\s*({_NUMBER})\s*([a-z]+)\s*(?:,|\band\b)?", re.IGNORECASE)

_UNITS = {
    "weeks": ("w", "wk", "wks", "week", "weeks"),
    "days": ("d", "day", "days"),
    "hours": ("h", "hr", "hrs", "hour", "hours"),
    "minutes": ("m", "min", "mins", "minute", "minutes"),
    "seconds": ("s", "sec", "secs", "second", "seconds"),
}
_UNIT_OF = {word: unit for unit, words in _UNITS.items() for word in words}

_EXAMPLES = 'write e.g. "30 minutes", "1 hour 30 minutes", "8 weeks" or "PT30M"'


def parse_duration(text: str) -> timedelta:
    """Return the length ``text`` names; ConfigError (unlocated) if it names none.

    Years and months are refused: they have no fixed length.
    """
    cleaned = text.strip()
    if not cleaned:
        raise _unreadable(text)
    if re.fullmatch(_NUMBER, cleaned):
        msg = f"{text!r} has no unit"
        raise ConfigError(msg, value=text, hint=f'did you mean "{cleaned} minutes"?')
    parts = _iso_parts(cleaned) if cleaned[0] in "pP" else _word_parts(cleaned)
    return _total(parts, text)


def _iso_parts(text: str) -> dict[str, str]:
    """Split an ISO 8601 duration into its unit amounts."""
    match = _ISO.fullmatch(text)
    if match is None or not any(match.groupdict().values()) or text.upper().endswith("T"):
        if _ISO_CALENDAR.fullmatch(text) and re.search(
            r"\d[YM]", text.split("T", maxsplit=1)[0], re.IGNORECASE
        ):
            msg = f"{text!r}: years and months have no fixed length"
            raise ConfigError(msg, value=text, hint="use weeks or days, e.g. P26W")
        raise _unreadable(text)
    return {unit: amount for unit, amount in match.groupdict().items() if amount is not None}


def _word_parts(text: str) -> dict[str, str]:
    """Split "1 hour 30 minutes" (or "90 min", "1h30m") into unit amounts."""
    parts: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = _WORD_PART.match(text, position)
        if match is None or match.end() == position:
            raise _unreadable(text)
        unit = _UNIT_OF.get(match.group(2).lower())
        if unit is None:
            raise _unreadable(text, word=match.group(2))
        if unit in parts:
            msg = f"{text!r} gives the {unit} twice"
            raise ConfigError(msg, value=text, hint=_EXAMPLES)
        parts[unit] = match.group(1)
        position = match.end()
    return parts


def _total(parts: dict[str, str], text: str) -> timedelta:
    """Add the unit amounts up, refusing lengths no schedule needs."""
    try:
        amounts = {unit: float(amount.replace(",", ".")) for unit, amount in parts.items()}
        total = timedelta(**amounts)
    except (OverflowError, ValueError):
        total = MAX_DURATION * 2
    if total > MAX_DURATION:
        msg = f"{text!r} is too long"
        raise ConfigError(msg, value=text, hint="at most 100 years")
    return total


def _unreadable(text: str, word: str | None = None) -> ConfigError:
    """Return the error for a duration that cannot be read."""
    what = f"unknown unit {word!r} in {text!r}" if word else f"{text!r} is not a duration"
    return ConfigError(what, value=text, hint=_EXAMPLES)
