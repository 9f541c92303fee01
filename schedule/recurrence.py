"""Lazy expansion of a rule into local start times, and local times into instants.

A rule recurs in periods: days (DAILY), Monday-to-Sunday weeks (WEEKLY) or
calendar months (MONTHLY). Period 0 is the one holding the rule's first date
and only every ``interval``-th period airs, so intervals count from ``first``
(RFC 5545 with WKST=MO and DTSTART on the first airing on or after ``first``
gives the same airings). Expansion jumps straight to the period that holds
the start of the requested range: a rule from the year 1 costs no more than
one from last week. Ranges are half-open, ``[begin, end)``, everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from zoneinfo import ZoneInfo

    from schedule.rules import Rule

__all__ = ["occurrences", "occurrences_before", "resolve", "resolve_utc"]

_MAX_ORDINAL = date.max.toordinal()
_MONTH_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February grows in leap years
_DAYS_BEFORE_MONTH = tuple(sum(_MONTH_LENGTHS[:month]) for month in range(12))
_NAIVE_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - the naive twin of _UTC_EPOCH
_UTC_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def occurrences(
    rule: Rule, first: date, last: date | None, begin: datetime, end: datetime
) -> Iterator[datetime]:
    """Yield the rule's local (naive) starts in ``[begin, end)``, ascending.

    Only dates ``first`` .. ``last`` (inclusive; ``last`` None: no end) count;
    intervals count from ``first``. ``begin`` and ``end`` are naive local
    times too. Costs what the range asks, not what lies between ``first``
    and ``begin``.
    """
    low = max(first, begin.date()).toordinal()
    high = min(last or date.max, end.date()).toordinal()
    for day in _days_forward(_periods(rule, first), low, high):
        for moment in rule.times:
            start = datetime.combine(day, moment)
            if start >= end:
                return
            if start >= begin:
                yield start


def occurrences_before(
    rule: Rule, first: date, last: date | None, before: datetime
) -> Iterator[datetime]:
    """Yield the rule's local (naive) starts earlier than ``before``, descending.

    The mirror of :func:`occurrences`: over any range, reading this from
    ``end`` down to ``begin`` gives the same starts in reverse. Lazy, and it
    starts at ``before`` whatever ``first`` is.
    """
    low = first.toordinal()
    high = min(last or date.max, before.date()).toordinal()
    reversed_times = rule.times[::-1]
    for day in _days_backward(_periods(rule, first), low, high):
        for moment in reversed_times:
            start = datetime.combine(day, moment)
            if start < before:
                yield start


def resolve(local: datetime, zone: ZoneInfo) -> datetime:
    """Return the instant (aware, in ``zone``) a naive local time stands for.

    A time in a spring-forward gap is read with the offset before the gap
    (02:30 becomes 03:30); an ambiguous one is its first occurrence (RFC 5545
    §3.3.5).
    """
    # The trip through UTC turns a gap time into a real one, which
    # astimezone(zone) alone would not, as it returns a same-zone value unchanged.
    return resolve_utc(local, zone).astimezone(zone)


def resolve_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """Return :func:`resolve`'s instant in UTC.

    Equal, field for field, to ``local.replace(tzinfo=zone, fold=0).astimezone(UTC)``
    and several times cheaper: timedelta arithmetic instead of ``replace``.
    """
    # fold=0 picks the offset in force before a transition, for gaps and folds alike (PEP 495).
    if local.fold:
        local = local.replace(fold=0)
    offset = zone.utcoffset(local)
    if offset is None:  # a zone without offsets: read the time as UTC, as astimezone would not
        return local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    return _UTC_EPOCH + (local - _NAIVE_EPOCH - offset)


def _days_forward(periods: _Periods, low: int, high: int) -> Iterator[date]:
    """Yield the rule's days with ordinals in ``low..high``, ascending."""
    if low > high:
        return
    step = periods.interval
    index = periods.index_of(low)
    index -= index % step  # back to the airing period at or before ``low``
    while True:
        start, days = periods.period(index)
        if start > high:
            return
        for day in days:
            if low <= day <= high:
                yield date.fromordinal(day)
        index += step


def _days_backward(periods: _Periods, low: int, high: int) -> Iterator[date]:
    """Yield the rule's days with ordinals in ``low..high``, descending."""
    if low > high:
        return
    step = periods.interval
    index = periods.index_of(high)
    index -= index % step
    while index >= 0:
        for day in reversed(periods.period(index)[1]):
            if low <= day <= high:
                yield date.fromordinal(day)
        index -= step


def _periods(rule: Rule, first: date) -> _Periods:
    """Return the period arithmetic for ``rule`` counted from ``first``."""
    if rule.freq == "DAILY":
        return _Days(rule, first, first.toordinal())
    if rule.freq == "WEEKLY":
        return _Weeks(rule, first, first.toordinal() - first.weekday())
    return _Months(rule, first, first.year * 12 + first.month - 1)


@dataclass(frozen=True, slots=True)
class _Periods:
    """A rule's periods, numbered from 0 (the one holding ``first``).

    Days are proleptic ordinals (``date.toordinal``): integer arithmetic,
    and no overflow at the ends of the calendar. ``base`` is where period 0
    starts: a day ordinal, or for months ``year * 12 + month - 1``.
    """

    rule: Rule
    first: date
    base: int

    @property
    def interval(self) -> int:
        """Every how many periods the rule airs."""
        return self.rule.interval

    def index_of(self, day: int) -> int:
        """Return the number of the period holding ``day`` (never before ``first``'s)."""
        raise NotImplementedError

    def period(self, index: int) -> tuple[int, list[int]]:
        """Return the first day of period ``index`` and the days it airs on, ascending."""
        raise NotImplementedError


class _Days(_Periods):
    """DAILY: one day per period, kept if its weekday is one of the rule's."""

    __slots__ = ()

    def index_of(self, day: int) -> int:
        return max(day - self.base, 0)

    def period(self, index: int) -> tuple[int, list[int]]:
        day = self.base + index
        weekdays = self.rule.weekdays
        # ordinal 1 (0001-01-01) is a Monday, so (ordinal - 1) % 7 is the weekday
        if weekdays and (day - 1) % 7 not in weekdays:
            return day, []
        return day, [day]


class _Weeks(_Periods):
    """WEEKLY: Monday-to-Sunday weeks, the first holding ``first``."""

    __slots__ = ()

    def index_of(self, day: int) -> int:
        return max((day - self.base) // 7, 0)

    def period(self, index: int) -> tuple[int, list[int]]:
        monday = self.base + 7 * index
        weekdays = self.rule.weekdays or (self.first.weekday(),)
        return monday, [monday + weekday for weekday in weekdays]


class _Months(_Periods):
    """MONTHLY: calendar months, the first holding ``first``."""

    __slots__ = ()

    def index_of(self, day: int) -> int:
        when = date.fromordinal(day)
        return max(when.year * 12 + when.month - 1 - self.base, 0)

    def period(self, index: int) -> tuple[int, list[int]]:
        year, month = divmod(self.base + index, 12)
        if year > date.max.year:
            return _MAX_ORDINAL + 1, []
        leap_day = month == 1 and _is_leap(year)
        start = _month_start(year, month)
        length = _MONTH_LENGTHS[month] + leap_day
        chosen = _month_days(self.rule, self.first, (start - 1) % 7, length)
        return start, [start + day - 1 for day in chosen]


def _is_leap(year: int) -> bool:
    """Tell whether ``year`` has a 29 February (``calendar.isleap``, without its import)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _month_start(year: int, month: int) -> int:
    """Return the ordinal of the 1st of ``month`` (0-based) in ``year``.

    Plain arithmetic: a long monthly range calls this once a month, and
    building a date each time would double its cost.
    """
    before = year - 1
    leap_day = month > 1 and _is_leap(year)
    days_before_year = before * 365 + before // 4 - before // 100 + before // 400
    return days_before_year + _DAYS_BEFORE_MONTH[month] + leap_day + 1


def _month_days(rule: Rule, first: date, first_weekday: int, length: int) -> list[int]:
    """Return the days of a month (1-based) a MONTHLY rule airs on, ascending.

    ``first_weekday`` is the weekday of the month's 1st. Positions and days
    the month does not have (a fifth Monday, the 31st of April) are skipped,
    as RFC 5545 does.
    """
    if not (rule.monthdays or rule.weekdays or rule.positions):
        return [first.day] if first.day <= length else []
    if len(rule.positions) == 1 and not (rule.monthdays or rule.weekdays):
        # the commonest monthly rules ("last Friday", "the 15th"): spare them the general path
        day = _position_day(first_weekday, length, *rule.positions[0])
        return [day] if 1 <= day <= length else []
    if len(rule.monthdays) == 1 and not (rule.positions or rule.weekdays):
        day = rule.monthdays[0]
        day = day if day > 0 else length + 1 + day
        return [day] if 1 <= day <= length else []
    by_weekday = [_position_day(first_weekday, length, n, wd) for n, wd in rule.positions]
    for weekday in rule.weekdays:
        by_weekday.extend(range(1 + (weekday - first_weekday) % 7, length + 1, 7))
    by_monthday = [d if d > 0 else length + 1 + d for d in rule.monthdays]
    if not rule.monthdays:
        chosen = set(by_weekday)
    elif rule.weekdays or rule.positions:
        chosen = set(by_weekday).intersection(by_monthday)  # RFC 5545: BYDAY limits BYMONTHDAY
    else:
        chosen = set(by_monthday)
    return sorted(d for d in chosen if 1 <= d <= length)


def _position_day(first_weekday: int, length: int, n: int, weekday: int) -> int:
    """Return the day of the month of the ``n``-th ``weekday`` (out of range: 0 or past the end)."""
    if n > 0:
        return 1 + (weekday - first_weekday) % 7 + 7 * (n - 1)
    last_weekday = (first_weekday + length - 1) % 7
    return length - (last_weekday - weekday) % 7 + 7 * (n + 1)
