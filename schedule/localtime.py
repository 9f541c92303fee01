"""Dates and local wall-clock datetimes as a config writes them (TOML values or strings)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from schedule.errors import ConfigError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = ["parse_date", "parse_local_datetime", "type_name"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)"
    r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
_DATETIME_HINT = 'write e.g. 2026-01-03T18:00:00 or "2026-01-03 18:00"'
_DATE_HINT = "write e.g. 2026-01-03"
_QUOTED = 40  # longer text is not repeated back in a one-line error


def type_name(value: object) -> str:
    """Name ``value``'s type the way TOML does (string, integer, table, ...)."""
    names: tuple[tuple[type, str], ...] = (
        (bool, "a boolean"),
        (int, "an integer"),
        (float, "a float"),
        (str, "a string"),
        (dict, "a table"),
        (list, "an array"),
        (datetime, "a datetime"),
        (date, "a date"),
        (time, "a time of day"),
    )
    return next((name for kind, name in names if isinstance(value, kind)), type(value).__name__)


def parse_date(value: object) -> date:
    """Return the local date a TOML date or a "2026-01-03" string gives."""
    if isinstance(value, datetime):
        msg = "must be a date without a time"
        raise ConfigError(msg, value=value, hint=f"{_DATE_HINT}")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            msg = f"{value!r} is not a real date"
            raise ConfigError(msg, value=value, hint=_DATE_HINT) from None
    msg = f"must be a date, not {_describe(value)}"
    raise ConfigError(msg, value=value, hint=_DATE_HINT)


def parse_local_datetime(value: object, zone: ZoneInfo) -> datetime:
    """Return the naive local wall-clock time in ``zone`` that ``value`` gives.

    A value with an offset (``Z``, ``+08:00``) is converted to ``zone``; the
    result keeps ``fold`` so the second of two equal wall times stays itself.
    """
    if isinstance(value, datetime):
        return _to_local(value, zone)
    if isinstance(value, str):
        return _to_local(_datetime_from_text(value), zone)
    if isinstance(value, date):
        msg = "needs a time of day as well as the date"
        raise ConfigError(msg, value=value, hint=f"{_DATETIME_HINT}")
    msg = f"must be a date and time, not {_describe(value)}"
    raise ConfigError(msg, value=value, hint=_DATETIME_HINT)


def _datetime_from_text(text: str) -> datetime:
    """Read "2026-01-03 18:00", "2026-01-03T18:00:00" or the same with an offset."""
    match = _DATETIME.fullmatch(text.strip())
    if match is None:
        what = "needs a time of day as well as the date" if _DATE.fullmatch(text.strip()) else None
        msg = what or f"{text!r} is not a date and time"
        raise ConfigError(msg, value=text, hint=_DATETIME_HINT)
    hours, _, rest = match["time"].partition(":")
    offset = (match["offset"] or "").upper()
    try:
        return datetime.fromisoformat(f"{match['date']}T{int(hours):02d}:{rest}{offset}")
    except ValueError:
        msg = f"{text!r} is not a real date and time"
        raise ConfigError(msg, value=text, hint=_DATETIME_HINT) from None


def _to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    """Return ``moment`` as naive wall time in ``zone`` (unchanged if already naive)."""
    if moment.tzinfo is None:
        return moment
    try:
        local = moment.astimezone(zone)
    except (OverflowError, ValueError):
        msg = "is too close to the ends of the calendar"
        raise ConfigError(msg, value=moment, hint=_DATETIME_HINT) from None
    if local.fold and local.utcoffset() != local.replace(fold=0).utcoffset():
        # Local times name airings, and a repeated hour's wall time names its
        # first pass: this instant would be placed an hour early.
        wall = local.replace(tzinfo=None, fold=0)
        msg = (
            f"is the second {wall:%H:%M} of {wall:%Y-%m-%d} in {zone.key}, when the clocks go"
            " back; airdates reads that time as the first"
        )
        raise ConfigError(msg, value=moment, hint="move it out of the repeated hour")
    return local.replace(tzinfo=None)


def _describe(value: object) -> str:
    """Name a value's type, quoting short strings so the user sees what was read."""
    if isinstance(value, str):
        return f"{value!r}" if len(value) <= _QUOTED else "this text"
    return type_name(value)
