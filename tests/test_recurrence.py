"""Expanding rules into local starts, and local starts into instants.

The property tests compare the lazy, skip-ahead expansion with a plain
day-by-day model written here from the semantics (a day airs when its period,
counted from ``first``, is a multiple of the interval and the day matches the
rule), so the model shares no code with ``schedule.recurrence``.
"""

from __future__ import annotations

import calendar
import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from schedule import recurrence
from schedule.recurrence import occurrences, occurrences_before, resolve
from schedule.rules import Rule, parse_rrule, parse_rule

ZONES = [
    "UTC",
    "Asia/Shanghai",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "Asia/Kolkata",
]


# --- the model ------------------------------------------------------------------------


def _period_index(rule: Rule, first: date, day: date) -> int:
    if rule.freq == "DAILY":
        return (day - first).days
    if rule.freq == "WEEKLY":
        monday = first - timedelta(days=first.weekday())
        return (day - monday).days // 7
    return (day.year - first.year) * 12 + day.month - first.month


def _day_matches(rule: Rule, first: date, day: date) -> bool:
    if rule.freq == "DAILY":
        return not rule.weekdays or day.weekday() in rule.weekdays
    if rule.freq == "WEEKLY":
        return day.weekday() in (rule.weekdays or (first.weekday(),))
    return _month_day_matches(rule, first, day)


def _month_day_matches(rule: Rule, first: date, day: date) -> bool:
    length = calendar.monthrange(day.year, day.month)[1]
    from_start = (day.day - 1) // 7 + 1
    from_end = -((length - day.day) // 7 + 1)
    by_day = day.weekday() in rule.weekdays or any(
        wd == day.weekday() and n in (from_start, from_end) for n, wd in rule.positions
    )
    by_monthday = day.day in rule.monthdays or day.day - length - 1 in rule.monthdays
    if rule.monthdays and (rule.weekdays or rule.positions):
        return by_day and by_monthday
    if rule.monthdays:
        return by_monthday
    if rule.weekdays or rule.positions:
        return by_day
    return day.day == first.day


def airs_on(rule: Rule, first: date, day: date) -> bool:
    """Return whether ``rule``, counted from ``first``, airs on local ``day`` (the model)."""
    index = _period_index(rule, first, day)
    return index >= 0 and index % rule.interval == 0 and _day_matches(rule, first, day)


def model(
    rule: Rule, first: date, last: date | None, begin: datetime, end: datetime
) -> list[datetime]:
    """Every start in [begin, end), found by looking at each day in turn."""
    found = []
    day = max(first, begin.date())
    stop = min(last or date.max, end.date())
    while day <= stop:
        if airs_on(rule, first, day):
            found += [datetime.combine(day, t) for t in rule.times]
        day += timedelta(days=1)
    return [start for start in found if begin <= start < end]


# --- strategies --------------------------------------------------------------------------

_times = st.lists(
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])), min_size=1, max_size=3
).map(tuple)
_weekdays = st.lists(st.integers(0, 6), max_size=4).map(tuple)
rules = st.one_of(
    st.builds(
        Rule, freq=st.just("DAILY"), times=_times, interval=st.integers(1, 5), weekdays=_weekdays
    ),
    st.builds(
        Rule, freq=st.just("WEEKLY"), times=_times, interval=st.integers(1, 4), weekdays=_weekdays
    ),
    st.builds(
        Rule,
        freq=st.just("MONTHLY"),
        times=_times,
        interval=st.integers(1, 4),
        positions=st.lists(
            st.tuples(st.sampled_from([1, 2, 3, 4, 5, -1, -2]), st.integers(0, 6)), max_size=3
        ).map(tuple),
    ),
    st.builds(
        Rule,
        freq=st.just("MONTHLY"),
        times=_times,
        interval=st.integers(1, 4),
        monthdays=st.lists(st.integers(1, 31) | st.integers(-3, -1), max_size=3).map(tuple),
        weekdays=st.lists(st.integers(0, 6), max_size=2).map(tuple),
    ),
)
firsts = st.dates(date(2020, 1, 1), date(2027, 12, 31))
lasts = st.none() | st.integers(0, 1500).map(lambda n: timedelta(days=n))
begins = st.datetimes(datetime(2019, 6, 1), datetime(2028, 6, 1))
spans = st.integers(0, 24 * 120).map(lambda hours: timedelta(hours=hours))
zones = st.sampled_from(ZONES).map(ZoneInfo)


def _last(first: date, length: timedelta | None) -> date | None:
    return None if length is None else first + length


# --- properties of the expansion -----------------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(rules, firsts, lasts, begins, spans)
def test_expansion_matches_the_day_by_day_model(
    rule: Rule, first: date, length: timedelta | None, begin: datetime, span: timedelta
) -> None:
    """The lazy expansion yields exactly the starts a day-by-day look finds."""
    last = _last(first, length)
    assert list(occurrences(rule, first, last, begin, begin + span)) == model(
        rule, first, last, begin, begin + span
    )


@settings(max_examples=120, deadline=None)
@given(rules, firsts, lasts, begins, spans)
def test_starts_are_sorted_unique_inside_the_range_and_match_the_rule(
    rule: Rule, first: date, length: timedelta | None, begin: datetime, span: timedelta
) -> None:
    """Starts ascend, never repeat, lie in [begin, end) and first..last, and fit the rule."""
    last = _last(first, length)
    end = begin + span
    starts = list(occurrences(rule, first, last, begin, end))
    assert all(a < b for a, b in itertools.pairwise(starts))
    for start in starts:
        assert begin <= start < end
        assert first <= start.date() <= (last or date.max)
        assert start.time() in rule.times
        assert airs_on(rule, first, start.date())


@settings(max_examples=120, deadline=None)
@given(rules, firsts, lasts, begins, spans, st.floats(0, 1))
def test_splitting_the_range_changes_nothing(  # noqa: PLR0913, PLR0917 - one per drawn value
    rule: Rule,
    first: date,
    length: timedelta | None,
    begin: datetime,
    span: timedelta,
    cut: float,
) -> None:
    """Two adjoining ranges give, together, the starts of the whole range."""
    last = _last(first, length)
    end = begin + span
    middle = begin + timedelta(minutes=int(span.total_seconds() / 60 * cut))
    whole = list(occurrences(rule, first, last, begin, end))
    halves = [
        *occurrences(rule, first, last, begin, middle),
        *occurrences(rule, first, last, middle, end),
    ]
    assert halves == whole


@settings(max_examples=120, deadline=None)
@given(rules, firsts, lasts, begins, spans)
def test_counting_back_is_the_reverse_of_counting_forward(
    rule: Rule, first: date, length: timedelta | None, begin: datetime, span: timedelta
) -> None:
    """Reading back from ``end`` down to ``begin`` gives the forward starts reversed."""
    last = _last(first, length)
    end = begin + span
    backward = itertools.takewhile(lambda s: s >= begin, occurrences_before(rule, first, last, end))
    assert list(backward) == list(occurrences(rule, first, last, begin, end))[::-1]


@settings(max_examples=100, deadline=None)
@given(rules, st.dates(date(1, 1, 1), date(2000, 1, 1)), begins, spans)
def test_far_first_dates_give_the_same_starts(
    rule: Rule, first: date, begin: datetime, span: timedelta
) -> None:
    """A first date centuries back gives the model's starts (intervals still count from it)."""
    assert list(occurrences(rule, first, None, begin, begin + span)) == model(
        rule, first, None, begin, begin + span
    )


@settings(max_examples=120, deadline=None)
@given(rules, firsts, begins, spans, zones)
@example(
    parse_rule("daily at 02:30"),
    date(2026, 3, 1),
    datetime(2026, 3, 7),
    timedelta(days=3),
    ZoneInfo("America/New_York"),
)
@example(
    parse_rule("daily at 01:30"),
    date(2026, 10, 1),
    datetime(2026, 10, 24),
    timedelta(days=3),
    ZoneInfo("Europe/London"),
)
@example(
    parse_rule("daily at 02:15 and 02:45"),
    date(2026, 10, 1),
    datetime(2026, 10, 3),
    timedelta(days=3),
    ZoneInfo("Australia/Lord_Howe"),
)
@example(
    parse_rule("daily at 01:45"),
    date(2026, 4, 1),
    datetime(2026, 4, 4),
    timedelta(days=3),
    ZoneInfo("Australia/Lord_Howe"),
)
@example(
    parse_rule("daily at 02:30"),
    date(2026, 4, 1),
    datetime(2026, 4, 4),
    timedelta(days=3),
    ZoneInfo("Australia/Sydney"),
)
@example(
    parse_rule("daily at 02:30 and 03:30"), date(2026, 3, 1), datetime(2026, 3, 7),
    timedelta(days=3), ZoneInfo("America/New_York"),
)  # fmt: skip
def test_resolved_starts_keep_their_wall_time_unless_it_fell_in_a_gap(
    rule: Rule, first: date, begin: datetime, span: timedelta, zone: ZoneInfo
) -> None:
    """Resolved starts never go back in time and show their rule's wall time, but for gap times."""
    starts = list(occurrences(rule, first, None, begin, begin + span))
    instants = [resolve(start, zone) for start in starts]
    in_utc = [instant.astimezone(UTC) for instant in instants]
    assert all(a <= b for a, b in itertools.pairwise(in_utc))
    for start, instant in zip(starts, instants, strict=True):
        assert instant.tzinfo is zone
        wall = instant.replace(tzinfo=None)
        assert wall == start or _in_gap(start, zone)


def _in_gap(local: datetime, zone: ZoneInfo) -> bool:
    """Return whether no instant shows ``local`` on the zone's clocks."""
    readings = (local.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
    return all(r.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local for r in readings)


# --- resolve: the gap and fold rule of RFC 5545 §3.3.5 ------------------------------------------


@settings(max_examples=120, deadline=None)
@given(st.datetimes(datetime(1990, 1, 1), datetime(2037, 12, 31)), zones)
@example(datetime(2026, 3, 8, 2, 30), ZoneInfo("America/New_York"))
@example(datetime(2026, 11, 1, 1, 30), ZoneInfo("America/New_York"))
@example(datetime(2026, 10, 25, 1, 30), ZoneInfo("Europe/London"))
@example(datetime(2026, 10, 4, 2, 15), ZoneInfo("Australia/Lord_Howe"))
@example(datetime(2026, 4, 5, 1, 45), ZoneInfo("Australia/Lord_Howe"))
def test_resolve_takes_the_earliest_reading_or_the_offset_before_a_gap(
    local: datetime, zone: ZoneInfo
) -> None:
    """An existing time resolves to its earliest instant; a gap time to the offset before it."""
    instant = resolve(local, zone)
    readings = [local.replace(tzinfo=zone, fold=fold) for fold in (0, 1)]
    real = [r for r in readings if r.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local]
    if real:
        # aware values in one zone compare by wall time, ignoring fold: compare in UTC
        assert instant.astimezone(UTC) == min(r.astimezone(UTC) for r in real)
        assert instant.replace(tzinfo=None) == local
    else:
        offset_before = (local - timedelta(hours=6)).replace(tzinfo=zone).utcoffset()
        assert offset_before is not None
        assert instant.astimezone(UTC) == (local - offset_before).replace(tzinfo=UTC)
        assert instant.replace(tzinfo=None) > local


def _resolved_daily(text: str, zone: str, first: date, days: int) -> list[str]:
    rule = parse_rule(text)
    begin = datetime.combine(first, time())
    starts = occurrences(rule, first, None, begin, begin + timedelta(days=days))
    return [resolve(start, ZoneInfo(zone)).isoformat() for start in starts]


def test_new_york_spring_forward_gap_airs_an_hour_later() -> None:
    """Daily 02:30 in New York airs at 03:30 EDT on 2026-03-08, when 02:30 does not exist."""
    assert _resolved_daily("daily at 02:30", "America/New_York", date(2026, 3, 7), 3) == [
        "2026-03-07T02:30:00-05:00",
        "2026-03-08T03:30:00-04:00",
        "2026-03-09T02:30:00-04:00",
    ]


def test_new_york_fall_back_fold_is_the_first_occurrence() -> None:
    """Daily 01:30 in New York on 2026-11-01 is the first 01:30, still EDT."""
    assert _resolved_daily("daily at 01:30", "America/New_York", date(2026, 10, 31), 3) == [
        "2026-10-31T01:30:00-04:00",
        "2026-11-01T01:30:00-04:00",
        "2026-11-02T01:30:00-05:00",
    ]


def test_london_october_fold_is_the_first_occurrence() -> None:
    """Daily 01:30 in London on 2026-10-25 is the first 01:30, in BST (+01:00)."""
    assert _resolved_daily("daily at 01:30", "Europe/London", date(2026, 10, 24), 3) == [
        "2026-10-24T01:30:00+01:00",
        "2026-10-25T01:30:00+01:00",
        "2026-10-26T01:30:00+00:00",
    ]


def test_london_march_gap() -> None:
    """Daily 01:30 in London on 2026-03-29, inside the 01:00-02:00 gap, airs 02:30 BST."""
    assert _resolved_daily("daily at 01:30", "Europe/London", date(2026, 3, 28), 3) == [
        "2026-03-28T01:30:00+00:00",
        "2026-03-29T02:30:00+01:00",
        "2026-03-30T01:30:00+01:00",
    ]


def test_sydney_gap_and_fold() -> None:
    """Sydney 02:30: the first of the April fold (+11:00), and 03:30 in the October gap."""
    assert _resolved_daily("daily at 02:30", "Australia/Sydney", date(2026, 4, 4), 3) == [
        "2026-04-04T02:30:00+11:00",
        "2026-04-05T02:30:00+11:00",
        "2026-04-06T02:30:00+10:00",
    ]
    assert _resolved_daily("daily at 02:30", "Australia/Sydney", date(2026, 10, 3), 3) == [
        "2026-10-03T02:30:00+10:00",
        "2026-10-04T03:30:00+11:00",
        "2026-10-05T02:30:00+11:00",
    ]


def test_lord_howe_half_hour_gap() -> None:
    """Lord Howe's clocks skip 02:00-02:30: 02:15 airs at 02:45 (+11:00), 02:45 is untouched."""
    assert _resolved_daily(
        "daily at 02:15 and 02:45", "Australia/Lord_Howe", date(2026, 10, 3), 3
    ) == [
        "2026-10-03T02:15:00+10:30",
        "2026-10-03T02:45:00+10:30",
        "2026-10-04T02:45:00+11:00",
        "2026-10-04T02:45:00+11:00",
        "2026-10-05T02:15:00+11:00",
        "2026-10-05T02:45:00+11:00",
    ]


def test_lord_howe_half_hour_fold() -> None:
    """Lord Howe repeats 01:30-02:00 in April: 01:45 is the first one, at +11:00."""
    assert _resolved_daily("daily at 01:45", "Australia/Lord_Howe", date(2026, 4, 4), 3) == [
        "2026-04-04T01:45:00+11:00",
        "2026-04-05T01:45:00+11:00",
        "2026-04-06T01:45:00+10:30",
    ]


def test_shanghai_lets_meet() -> None:
    """Let's Meet airs Wednesdays and Saturdays at 18:00 +08:00 around 2026-01-03."""
    rule = parse_rule("every Wednesday and Saturday at 6 PM")
    starts = occurrences(rule, date(2024, 6, 1), None, datetime(2025, 12, 31), datetime(2026, 1, 8))
    zone = ZoneInfo("Asia/Shanghai")
    assert [resolve(s, zone).isoformat() for s in starts] == [
        "2025-12-31T18:00:00+08:00",
        "2026-01-03T18:00:00+08:00",
        "2026-01-07T18:00:00+08:00",
    ]
    assert resolve(datetime(2026, 1, 3, 18), zone).astimezone(UTC) == datetime(
        2026, 1, 3, 10, tzinfo=UTC
    )


# --- semantics pinned by hand ----------------------------------------------------------------


def _starts(text: str, first: date, begin: date, end: date, last: date | None = None) -> list[str]:
    rule = parse_rrule(text) if text.startswith("FREQ") else parse_rule(text)
    window = datetime.combine(begin, time()), datetime.combine(end, time())
    return [s.isoformat(" ", "minutes") for s in occurrences(rule, first, last, *window)]


def test_weeks_count_from_the_week_holding_first() -> None:
    """Every other Monday from Wed 2026-01-07: that week counts; its Monday, before first, not."""
    assert _starts(
        "every other Monday at 20:00", date(2026, 1, 7), date(2026, 1, 1), date(2026, 2, 10)
    ) == [
        "2026-01-19 20:00",
        "2026-02-02 20:00",
    ]
    assert _starts(
        "every other Monday at 20:00", date(2026, 1, 5), date(2026, 1, 1), date(2026, 2, 10)
    ) == [
        "2026-01-05 20:00",
        "2026-01-19 20:00",
        "2026-02-02 20:00",
    ]


def test_two_weekly_days_with_an_interval() -> None:
    """Every 2 weeks on Tuesday and Thursday from Thu 2026-01-08: its Tuesday is before first."""
    starts = _starts(
        "every 2 weeks on Tuesday and Thursday at 9 PM",
        date(2026, 1, 8),
        date(2026, 1, 1),
        date(2026, 2, 1),
    )
    assert starts == ["2026-01-08 21:00", "2026-01-20 21:00", "2026-01-22 21:00"]


def test_days_count_from_first() -> None:
    """Every 3 days from 2026-01-01 airs on the 1st, 4th, 7th, ..."""
    assert _starts(
        "every 3 days at 07:00", date(2026, 1, 1), date(2026, 1, 3), date(2026, 1, 11)
    ) == [
        "2026-01-04 07:00",
        "2026-01-07 07:00",
        "2026-01-10 07:00",
    ]


def test_months_count_from_the_month_of_first() -> None:
    """First Monday of every other month from 2026-01-20: January counts, its 1st Monday is past."""
    starts = _starts(
        "first Monday of every other month at 9 PM",
        date(2026, 1, 20),
        date(2026, 1, 1),
        date(2026, 7, 1),
    )
    assert starts == ["2026-03-02 21:00", "2026-05-04 21:00"]


def test_fifth_weekday_is_skipped_in_months_without_one() -> None:
    """A fifth Monday airs only in months with five Mondays (2026: Mar, Jun, Aug, Nov)."""
    starts = _starts(
        "fifth Monday of every month at 9 PM", date(2026, 1, 1), date(2026, 1, 1), date(2027, 1, 1)
    )
    assert starts == [
        "2026-03-30 21:00",
        "2026-06-29 21:00",
        "2026-08-31 21:00",
        "2026-11-30 21:00",
    ]


def test_day_31_is_skipped_in_short_months() -> None:
    """The 31st airs only in months with 31 days; it does not move to the 30th (RFC 5545)."""
    starts = _starts(
        "on the 31st of every month at 8 PM", date(2026, 1, 1), date(2026, 1, 1), date(2026, 7, 1)
    )
    assert starts == ["2026-01-31 20:00", "2026-03-31 20:00", "2026-05-31 20:00"]


def test_last_day_of_the_month_follows_the_month_length() -> None:
    """The last day of the month is the 29th of February in a leap year and the 28th otherwise."""
    starts = _starts(
        "last day of the month at 23:00", date(2027, 1, 1), date(2027, 1, 1), date(2027, 4, 1)
    )
    assert starts == ["2027-01-31 23:00", "2027-02-28 23:00", "2027-03-31 23:00"]
    assert _starts(
        "last day of the month at 23:00", date(2028, 1, 1), date(2028, 2, 1), date(2028, 3, 1)
    ) == ["2028-02-29 23:00"]


def test_last_friday() -> None:
    """The last Friday of each month of early 2026."""
    starts = _starts(
        "last Friday of the month at 22:00", date(2024, 1, 1), date(2026, 1, 1), date(2026, 4, 1)
    )
    assert starts == ["2026-01-30 22:00", "2026-02-27 22:00", "2026-03-27 22:00"]


def test_rules_without_days_take_them_from_first() -> None:
    """WEEKLY without BYDAY airs on first's weekday; MONTHLY without days on first's day."""
    assert _starts(
        "FREQ=WEEKLY;BYHOUR=9", date(2026, 1, 8), date(2026, 1, 1), date(2026, 1, 20)
    ) == [
        "2026-01-08 09:00",
        "2026-01-15 09:00",
    ]
    assert _starts(
        "FREQ=MONTHLY;BYHOUR=9", date(2026, 1, 31), date(2026, 1, 1), date(2026, 6, 1)
    ) == [
        "2026-01-31 09:00",
        "2026-03-31 09:00",
        "2026-05-31 09:00",
    ]


def test_daily_rule_limited_to_weekdays() -> None:
    """FREQ=DAILY;BYDAY=MO,FR airs only on Mondays and Fridays."""
    starts = _starts(
        "FREQ=DAILY;BYDAY=MO,FR;BYHOUR=9", date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 13)
    )
    assert starts == [
        "2026-01-02 09:00",
        "2026-01-05 09:00",
        "2026-01-09 09:00",
        "2026-01-12 09:00",
    ]


def test_first_and_last_dates_are_inclusive() -> None:
    """Airings on the first and the last date both count, whatever their time of day."""
    starts = _starts(
        "daily at 00:00 and 23:59",
        date(2026, 1, 2),
        date(2026, 1, 1),
        date(2026, 1, 10),
        date(2026, 1, 3),
    )
    assert starts == [
        "2026-01-02 00:00",
        "2026-01-02 23:59",
        "2026-01-03 00:00",
        "2026-01-03 23:59",
    ]


def test_range_is_half_open() -> None:
    """A start equal to ``begin`` is in the range; one equal to ``end`` is not."""
    rule = parse_rule("daily at 18:00")
    starts = list(
        occurrences(
            rule, date(2026, 1, 1), None, datetime(2026, 1, 2, 18), datetime(2026, 1, 4, 18)
        )
    )
    assert starts == [datetime(2026, 1, 2, 18), datetime(2026, 1, 3, 18)]
    before = list(occurrences_before(rule, date(2026, 1, 1), None, datetime(2026, 1, 3, 18)))
    assert before == [datetime(2026, 1, 2, 18), datetime(2026, 1, 1, 18)]


def test_empty_ranges() -> None:
    """A range before first, after last, or with end <= begin holds nothing."""
    rule = parse_rule("daily at 18:00")
    first, last = date(2026, 1, 1), date(2026, 1, 31)
    assert list(occurrences(rule, first, last, datetime(2025, 1, 1), datetime(2026, 1, 1))) == []
    assert list(occurrences(rule, first, last, datetime(2026, 2, 1), datetime(2027, 1, 1))) == []
    assert list(occurrences(rule, first, last, datetime(2026, 1, 10), datetime(2026, 1, 5))) == []
    assert list(occurrences_before(rule, first, last, datetime(2026, 1, 1, 18))) == []


def test_the_ends_of_the_calendar() -> None:
    """Ranges reaching datetime.min or datetime.max end cleanly, with no overflow."""
    for text in (
        "every Wednesday and Saturday at 6 PM",
        "last day of the month at 23:00",
        "daily at 23:59",
    ):
        rule = parse_rule(text)
        tail = list(
            occurrences(rule, date(9999, 12, 1), None, datetime(9999, 12, 20), datetime.max)  # noqa: DTZ901 - local times
        )
        assert tail
        assert tail[-1].date() <= date(9999, 12, 31)
        head = list(occurrences_before(rule, date(1, 1, 1), None, datetime(1, 2, 1)))
        assert head
        assert head[-1].date() >= date(1, 1, 1)


# --- skip-ahead ----------------------------------------------------------------------------------


def test_first_in_year_one_gives_the_2026_airings() -> None:
    """A rule from 0001-01-01 gives the same January 2026 airings as one from 2024."""
    rule = parse_rule("every Wednesday and Saturday at 6 PM")
    window = datetime(2026, 1, 1), datetime(2026, 1, 15)
    assert list(occurrences(rule, date(1, 1, 1), None, *window)) == [
        datetime(2026, 1, 3, 18),
        datetime(2026, 1, 7, 18),
        datetime(2026, 1, 10, 18),
        datetime(2026, 1, 14, 18),
    ]


def test_intervals_from_year_one_keep_counting_weeks() -> None:
    """Every other Monday from Monday 0001-01-01 airs in the weeks an even number of weeks later."""
    rule = parse_rule("every other Monday at 20:00")
    starts = list(
        occurrences(rule, date(1, 1, 1), None, datetime(2026, 1, 1), datetime(2026, 3, 1))
    )
    assert len(starts) == 4
    for start in starts:
        assert start.weekday() == 0
        assert (start.date() - date(1, 1, 1)).days // 7 % 2 == 0
    assert starts[1] - starts[0] == timedelta(weeks=2)


def test_newest_airings_before_now_from_year_one() -> None:
    """The newest airings before a moment come first, however long ago the rule began."""
    rule = parse_rule("every Wednesday and Saturday at 6 PM")
    newest = itertools.islice(
        occurrences_before(rule, date(1, 1, 1), None, datetime(2026, 1, 7, 18)), 3
    )
    assert list(newest) == [
        datetime(2026, 1, 3, 18),
        datetime(2025, 12, 31, 18),
        datetime(2025, 12, 27, 18),
    ]


class _CountingPeriods:
    """Wraps a rule's periods and counts how many of them expansion looks at."""

    def __init__(self, periods: object) -> None:
        self.periods = periods
        self.looked_at = 0

    @property
    def interval(self) -> int:
        return self.periods.interval  # type: ignore[attr-defined,no-any-return]

    def index_of(self, day: int) -> int:
        return self.periods.index_of(day)  # type: ignore[attr-defined,no-any-return]

    def period(self, index: int) -> tuple[int, list[int]]:
        self.looked_at += 1
        return self.periods.period(index)  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(
    "text",
    [
        "every Wednesday and Saturday at 6 PM",
        "every other Monday at 20:00",
        "daily at 07:30",
        "every 3 days at 07:30",
        "last Friday of the month at 22:00",
        "first Monday of every other month at 9 PM",
    ],
)
def test_expansion_looks_only_at_the_periods_in_range(text: str) -> None:
    """From a first date in the year 1, a January 2026 range looks at January's periods only."""
    rule = parse_rule(text)
    first = date(1, 1, 1)
    low, high = date(2026, 1, 1).toordinal(), date(2026, 1, 31).toordinal()
    forward = _CountingPeriods(recurrence._periods(rule, first))  # noqa: SLF001 - counting is the point
    days = list(recurrence._days_forward(forward, low, high))  # type: ignore[arg-type]  # noqa: SLF001
    backward = _CountingPeriods(recurrence._periods(rule, first))  # noqa: SLF001
    back_days = list(
        itertools.takewhile(
            lambda d: d.toordinal() >= low,
            recurrence._days_backward(backward, 1, high),  # type: ignore[arg-type]  # noqa: SLF001
        )
    )
    assert back_days == days[::-1]
    # January holds at most 31 daily periods, 6 weekly ones, 1 monthly one; +1 past the end
    assert forward.looked_at <= 33
    assert backward.looked_at <= 33
