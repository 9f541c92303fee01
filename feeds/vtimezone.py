"""VTIMEZONE components from the zone data: one observance per transition, no RDATE lists."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import MAXYEAR, MINYEAR, UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from feeds.contentlines import escape_text, fold, local_datetime, utc_offset

__all__ = ["Observance", "covered_years", "observances", "vtimezone"]

# Zones change offset a few times a year at most (Casablanca's Ramadan break,
# about five weeks, is the shortest modern observance); sampling once a day finds
# every change unless a zone left a state and came back within a day, which no
# zone has done. Each change found is then pinned to the second by bisection.
_SAMPLE = 24 * 3600


@dataclass(frozen=True, slots=True, kw_only=True)
class Observance:
    """A span during which a zone keeps one offset, from ``onset`` (UTC) on.

    ``offset_from`` is the offset in force just before ``onset`` (equal to
    ``offset_to`` for the observance already in force when the range starts).
    """

    onset: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def local_onset(self) -> datetime:
        """The onset as wall-clock time in the offset before it (RFC 5545 §3.6.5)."""
        return (self.onset + self.offset_from).replace(tzinfo=None)


def covered_years(first: datetime, last: datetime) -> tuple[int, int]:
    """Return the UTC years a VTIMEZONE must cover for instants ``first`` to ``last``.

    Whole years keep the component the same while the calendar window moves day
    by day, so files change only when their airings do, and one component per
    zone serves every file of a publish.
    """
    # Within the calendar datetime knows, a year short of each end: the first
    # observance reaches back a year, and the last year ends at the next one's
    # start. An airing in year 1 or 9999 falls outside the component.
    lowest, highest = MINYEAR + 1, MAXYEAR - 1
    first_year = min(max(first.astimezone(UTC).year, lowest), highest)
    return first_year, min(max(last.astimezone(UTC).year, first_year), highest)


def vtimezone(zone: ZoneInfo, first: datetime, last: datetime) -> bytes:
    """Return the VTIMEZONE of ``zone`` valid for every instant from ``first`` to ``last``.

    It covers whole UTC years around them (see ``covered_years``); the bytes
    for one zone and range are computed once per process.
    """
    if zone.key is None:
        msg = "a zone without an IANA name cannot be referenced by TZID"
        raise ValueError(msg)
    return _vtimezone(zone.key, *covered_years(first, last))


@lru_cache(maxsize=512)
def _vtimezone(key: str, first_year: int, last_year: int) -> bytes:
    """Write the component: TZID, then one sub-component per observance."""
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    stop = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    lines = ["BEGIN:VTIMEZONE", fold(f"TZID:{escape_text(key)}")]
    for observance in observances(ZoneInfo(key), start, stop):
        lines += _subcomponent(observance)
    lines += ["END:VTIMEZONE", ""]
    return "\r\n".join(lines).encode()


def _subcomponent(observance: Observance) -> list[str]:
    """One STANDARD/DAYLIGHT with a single DTSTART and neither RDATE nor RRULE.

    ical.js (Thunderbird) reads only the first value of a comma-separated RDATE
    list; a sub-component per transition leaves nothing for any reader to skip.
    The properties come in name order, as icalendar writes them.
    """
    kind = "DAYLIGHT" if observance.daylight else "STANDARD"
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{local_datetime(observance.local_onset)}",
        fold(f"TZNAME:{escape_text(observance.name)}"),
        f"TZOFFSETFROM:{utc_offset(observance.offset_from)}",
        f"TZOFFSETTO:{utc_offset(observance.offset_to)}",
        f"END:{kind}",
    ]


def observances(zone: ZoneInfo, start: datetime, stop: datetime) -> tuple[Observance, ...]:
    """Return the observance in force at ``start``, then one per transition before ``stop``.

    The first one begins at its real onset when that lies within a year before
    ``start`` (else a year before, its offset unchanged): readers that convert
    an instant by first guessing its local time, as dateutil does, must not
    guess a time before the first onset.
    """
    first, end = int(start.timestamp()), int(stop.timestamp())
    state = _state(zone, first)
    found = [_onset(zone, first, int(_year_before(start).timestamp()), state)]
    moment = first
    while moment < end:
        probe = min(moment + _SAMPLE, end)
        if _state(zone, probe) == state:
            moment = probe
            continue
        moment = _first_change(zone, moment, probe, state)
        before, state = state, _state(zone, moment)
        found.append(_observance(moment, before, state))
    return _labelled(found)


def _year_before(moment: datetime) -> datetime:
    """The same instant a year earlier (28 February for a 29th)."""
    return moment.replace(year=moment.year - 1, day=min(moment.day, 28 if moment.month == 2 else 31))


def _onset(zone: ZoneInfo, moment: int, earliest: int, state: _State) -> Observance:
    """The observance ``state`` in force at ``moment``, from its onset (``earliest`` at the most)."""
    while moment > earliest:
        probe = max(moment - _SAMPLE, earliest)
        before = _state(zone, probe)
        if before != state:
            return _observance(_first_change(zone, probe, moment, before), before, state)
        moment = probe
    return _observance(earliest, state, state)


_State = tuple[timedelta, str]


def _state(zone: ZoneInfo, moment: int) -> _State:
    """The offset and abbreviation ``zone`` shows at a POSIX second."""
    local = datetime.fromtimestamp(moment, zone)
    offset, name = local.utcoffset(), local.tzname()
    if offset is None:  # zoneinfo always answers; this keeps the types honest
        msg = f"{zone.key} has no offset at {moment}"
        raise ValueError(msg)
    return offset, name or _offset_name(offset)


def _first_change(zone: ZoneInfo, low: int, high: int, state: _State) -> int:
    """Return the first second in (low, high] whose state differs from ``state``."""
    while high - low > 1:
        middle = (low + high) // 2
        if _state(zone, middle) == state:
            low = middle
        else:
            high = middle
    return high


def _observance(moment: int, before: _State, after: _State) -> Observance:
    """The observance that starts at ``moment``, going from ``before`` to ``after``."""
    return Observance(
        onset=datetime.fromtimestamp(moment, UTC),
        offset_from=before[0],
        offset_to=after[0],
        name=after[1],
        daylight=False,
    )


def _labelled(found: list[Observance]) -> tuple[Observance, ...]:
    """Mark as DAYLIGHT each observance ahead of the zone's smallest offset in the range.

    tzdata calls Casablanca's Ramadan hour and Dublin's winter negative
    daylight saving; readers that find the standard offset as offset minus
    dst() (dateutil) then misplace the hour after the change. Which is
    "daylight" changes no offset: every observance states its own.
    """
    base = min(observance.offset_to for observance in found)
    return tuple(replace(o, daylight=o.offset_to > base) for o in found)


def _offset_name(offset: timedelta) -> str:
    """A name for an unnamed offset, the way tzdata writes them ("+0530")."""
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02}{minutes % 60:02}"
