"""airdates' expansion against independent RFC 5545 engines.

Each case is a rule as a user writes it and the RRULE that means the same,
written here by hand. recurring-ical-events expands a VEVENT built from that
RRULE (DTSTART with TZID) into instants, and dateutil expands it into local
wall-clock times; both must agree with ``resolve(occurrences(...))`` and
``occurrences(...)``. No expected value comes from airdates itself.

The other engines start from a DTSTART; airdates from a first date. With
DTSTART on the first airing on or after ``first`` (found by dateutil from
``first`` at midnight) and WKST=MO, RFC 5545 counts intervals exactly as
airdates does: weeks from the Monday-based week holding ``first``, days from
``first``, months from ``first``'s month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from dateutil.rrule import rrulestr

from schedule.recurrence import occurrences, resolve
from schedule.rules import Rule, parse_rrule, parse_rule


@dataclass(frozen=True)
class Case:
    """A rule as written, the same rule as hand-written RRULE(s), a zone and a window."""

    rule: str
    oracle: tuple[str, ...]
    zone: str
    first: date
    begin: date
    end: date
    last: date | None = None

    def __str__(self) -> str:
        """Name the case in test ids."""
        return f"{self.rule} | {self.zone} | {self.begin}..{self.end}"


D = date
CASES = [
    # weekly, one or several days
    Case("every Wednesday and Saturday at 6 PM", ("FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0",),
         "Asia/Shanghai", D(2024, 6, 1), D(2025, 12, 1), D(2026, 2, 1)),
    Case("every Wednesday and Saturday at 6 PM", ("FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0",),
         "America/New_York", D(2024, 6, 1), D(2026, 3, 1), D(2026, 3, 20)),
    Case("Wednesdays and Saturdays at 18:00", ("FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18",),
         "Europe/London", D(2025, 1, 1), D(2026, 10, 15), D(2026, 11, 5)),
    Case("every Monday, Wednesday and Friday at 09:30",
         ("FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=30",),
         "Australia/Sydney", D(2026, 1, 1), D(2026, 3, 25), D(2026, 4, 15)),
    Case("Mon, Wed, Fri at 9:30 am", ("FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=30",),
         "Europe/Berlin", D(2026, 1, 1), D(2026, 3, 20), D(2026, 4, 5)),
    Case("weekdays at 6:30 am", ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=6;BYMINUTE=30",),
         "America/New_York", D(2026, 1, 1), D(2026, 2, 20), D(2026, 3, 20)),
    Case("weekends at noon", ("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=12;BYMINUTE=0",),
         "Europe/London", D(2026, 1, 1), D(2026, 3, 1), D(2026, 4, 15)),
    Case("every Wednesday and Saturday at 6 PM", ("FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18",),
         "Asia/Shanghai", D(2024, 6, 1), D(2026, 1, 1), D(2026, 2, 1), last=D(2026, 1, 10)),
    # weekly with an interval, counted from the week of `first`
    Case("every other Monday at 20:00", ("FREQ=WEEKLY;INTERVAL=2;WKST=MO;BYDAY=MO;BYHOUR=20",),
         "Asia/Shanghai", D(2026, 1, 7), D(2026, 1, 1), D(2026, 4, 1)),
    Case("every other Monday at 20:00", ("FREQ=WEEKLY;INTERVAL=2;WKST=MO;BYDAY=MO;BYHOUR=20",),
         "America/New_York", D(2024, 6, 5), D(2026, 1, 1), D(2026, 4, 1)),
    Case("every other Monday at 20:00", ("FREQ=WEEKLY;INTERVAL=2;WKST=MO;BYDAY=MO;BYHOUR=20",),
         "UTC", D(1990, 1, 3), D(2026, 1, 1), D(2026, 3, 1)),
    Case("every 2 weeks on Tuesday and Thursday at 9 PM",
         ("FREQ=WEEKLY;INTERVAL=2;WKST=MO;BYDAY=TU,TH;BYHOUR=21;BYMINUTE=0",),
         "Europe/London", D(2026, 1, 8), D(2026, 1, 1), D(2026, 5, 1)),
    Case("every 3 weeks on Sunday at 02:30",
         ("FREQ=WEEKLY;INTERVAL=3;WKST=MO;BYDAY=SU;BYHOUR=2;BYMINUTE=30",),
         "America/New_York", D(2025, 12, 8), D(2026, 2, 15), D(2026, 4, 15)),
    # daily, across gaps and folds
    Case("daily at 07:30", ("FREQ=DAILY;BYHOUR=7;BYMINUTE=30",),
         "UTC", D(2025, 1, 1), D(2026, 1, 1), D(2026, 1, 20)),
    Case("daily at 02:30", ("FREQ=DAILY;BYHOUR=2;BYMINUTE=30",),
         "America/New_York", D(2026, 1, 1), D(2026, 3, 1), D(2026, 3, 15)),
    Case("daily at 01:30", ("FREQ=DAILY;BYHOUR=1;BYMINUTE=30",),
         "America/New_York", D(2026, 1, 1), D(2026, 10, 25), D(2026, 11, 8)),
    Case("daily at 01:30", ("FREQ=DAILY;BYHOUR=1;BYMINUTE=30",),
         "Europe/London", D(2026, 1, 1), D(2026, 3, 20), D(2026, 4, 5)),
    Case("daily at 01:30", ("FREQ=DAILY;BYHOUR=1;BYMINUTE=30",),
         "Europe/London", D(2026, 1, 1), D(2026, 10, 20), D(2026, 11, 1)),
    Case("every day at 12:00 and 18:00", ("FREQ=DAILY;BYHOUR=12,18;BYMINUTE=0",),
         "Asia/Shanghai", D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 10)),
    Case("every day at 02:00 and 02:30", ("FREQ=DAILY;BYHOUR=2;BYMINUTE=0,30",),
         "America/New_York", D(2026, 1, 1), D(2026, 3, 5), D(2026, 3, 12)),
    Case("every day at 09:30 and 18:00",
         ("FREQ=DAILY;BYHOUR=9;BYMINUTE=30", "FREQ=DAILY;BYHOUR=18;BYMINUTE=0"),
         "America/New_York", D(2026, 1, 1), D(2026, 3, 1), D(2026, 3, 15)),
    Case("daily at 02:15", ("FREQ=DAILY;BYHOUR=2;BYMINUTE=15",),
         "Australia/Lord_Howe", D(2026, 1, 1), D(2026, 9, 28), D(2026, 10, 10)),
    Case("daily at 01:45", ("FREQ=DAILY;BYHOUR=1;BYMINUTE=45",),
         "Australia/Lord_Howe", D(2026, 1, 1), D(2026, 3, 30), D(2026, 4, 10)),
    Case("daily at 02:30", ("FREQ=DAILY;BYHOUR=2;BYMINUTE=30",),
         "Australia/Sydney", D(2026, 1, 1), D(2026, 9, 28), D(2026, 10, 10)),
    Case("daily at 02:30", ("FREQ=DAILY;BYHOUR=2;BYMINUTE=30",),
         "Australia/Sydney", D(2026, 1, 1), D(2026, 3, 30), D(2026, 4, 10)),
    Case("daily at 02:45 and 03:00",
         ("FREQ=DAILY;BYHOUR=2;BYMINUTE=45", "FREQ=DAILY;BYHOUR=3;BYMINUTE=0"),
         "Pacific/Chatham", D(2026, 1, 1), D(2026, 9, 20), D(2026, 10, 3)),
    Case("daily at 23:30", ("FREQ=DAILY;BYHOUR=23;BYMINUTE=30",),
         "America/Santiago", D(2026, 1, 1), D(2026, 4, 1), D(2026, 4, 8)),
    Case("daily at 00:30", ("FREQ=DAILY;BYHOUR=0;BYMINUTE=30",),
         "America/Santiago", D(2026, 1, 1), D(2026, 9, 2), D(2026, 9, 10)),
    Case("every 3 days at 07:00", ("FREQ=DAILY;INTERVAL=3;BYHOUR=7",),
         "Asia/Kolkata", D(2025, 12, 30), D(2026, 1, 1), D(2026, 3, 1)),
    Case("FREQ=DAILY;INTERVAL=2;BYDAY=MO,WE,FR;BYHOUR=8",
         ("FREQ=DAILY;INTERVAL=2;BYDAY=MO,WE,FR;BYHOUR=8",),
         "Europe/London", D(2026, 1, 1), D(2026, 1, 1), D(2026, 4, 1)),
    # monthly by weekday position
    Case("first Monday of every month at 9 PM", ("FREQ=MONTHLY;BYDAY=1MO;BYHOUR=21",),
         "America/New_York", D(2025, 1, 1), D(2026, 1, 1), D(2026, 12, 31)),
    Case("last Friday of the month at 22:00", ("FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=22",),
         "Europe/London", D(2025, 1, 1), D(2025, 6, 1), D(2026, 12, 31)),
    Case("last Sunday of the month at 01:30", ("FREQ=MONTHLY;BYDAY=-1SU;BYHOUR=1;BYMINUTE=30",),
         "Europe/London", D(2025, 1, 1), D(2026, 1, 1), D(2027, 1, 1)),
    Case("second Sunday of every month at 02:30", ("FREQ=MONTHLY;BYDAY=2SU;BYHOUR=2;BYMINUTE=30",),
         "America/New_York", D(2025, 1, 1), D(2026, 1, 1), D(2027, 1, 1)),
    Case("first Sunday of every month at 01:30", ("FREQ=MONTHLY;BYDAY=1SU;BYHOUR=1;BYMINUTE=30",),
         "America/New_York", D(2025, 1, 1), D(2026, 1, 1), D(2027, 1, 1)),
    Case("first Sunday of every month at 02:15", ("FREQ=MONTHLY;BYDAY=1SU;BYHOUR=2;BYMINUTE=15",),
         "Australia/Lord_Howe", D(2025, 1, 1), D(2026, 1, 1), D(2027, 1, 1)),
    Case("fifth Monday of every month at 9 PM", ("FREQ=MONTHLY;BYDAY=5MO;BYHOUR=21",),
         "Europe/Berlin", D(2025, 1, 1), D(2026, 1, 1), D(2027, 1, 1)),
    Case("first and third Monday of every month at 9 PM", ("FREQ=MONTHLY;BYDAY=1MO,3MO;BYHOUR=21",),
         "Asia/Shanghai", D(2025, 1, 1), D(2026, 1, 1), D(2026, 7, 1)),
    Case("first Monday of every other month at 9 PM",
         ("FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO;BYHOUR=21",),
         "America/New_York", D(2026, 1, 20), D(2026, 1, 1), D(2027, 6, 1)),
    # monthly by day of the month
    Case("on the 15th of every month at 8 PM", ("FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=20",),
         "Asia/Shanghai", D(2025, 1, 1), D(2026, 1, 1), D(2027, 1, 1)),
    Case("on the 31st of every month at 8 PM", ("FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=20",),
         "UTC", D(2025, 1, 1), D(2026, 1, 1), D(2027, 1, 1)),
    Case("the 1st and 15th of each month at 8 PM", ("FREQ=MONTHLY;BYMONTHDAY=1,15;BYHOUR=20",),
         "Australia/Sydney", D(2025, 1, 1), D(2026, 1, 1), D(2026, 12, 1)),
    Case("last day of the month at 23:00", ("FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=23",),
         "Pacific/Chatham", D(2025, 1, 1), D(2027, 10, 1), D(2028, 4, 1)),
    Case("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;BYHOUR=21",
         ("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;BYHOUR=21",),
         "UTC", D(2025, 1, 1), D(2026, 1, 1), D(2028, 1, 1)),
]  # fmt: skip


def _read(case: Case) -> Rule:
    return parse_rrule(case.rule) if case.rule.startswith("FREQ") else parse_rule(case.rule)


def _dtstart(rrule: str, first: date) -> datetime:
    """Return the first airing on or after ``first``, found by dateutil from its midnight."""
    return next(iter(rrulestr(rrule, dtstart=datetime.combine(first, time()))))


def _calendar(case: Case) -> icalendar.Calendar:
    events = []
    for number, rrule in enumerate(case.oracle):
        start = _dtstart(rrule, case.first)
        events.append(
            "BEGIN:VEVENT\n"
            f"UID:{number}@oracle.example\n"
            "DTSTAMP:20260101T000000Z\n"
            f"DTSTART;TZID={case.zone}:{start:%Y%m%dT%H%M%S}\n"
            "DURATION:PT1M\n"
            f"RRULE:{rrule}\n"
            "END:VEVENT\n"
        )
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//airdates//oracle//EN\n"
    text += "".join(events) + "END:VCALENDAR\n"
    return icalendar.Calendar.from_ical(text.replace("\n", "\r\n"))


def _window(case: Case) -> tuple[datetime, datetime]:
    return datetime.combine(case.begin, time()), datetime.combine(case.end, time())


def _oracle_instants(case: Case) -> list[datetime]:
    """Return the instants recurring-ical-events gives, in UTC, inside the case's window."""
    zone = ZoneInfo(case.zone)
    begin, end = _window(case)
    # the window's ends are local midnights, none of them on a transition
    low, high = begin.replace(tzinfo=zone), end.replace(tzinfo=zone)
    query = recurring_ical_events.of(_calendar(case)).between(
        low - timedelta(days=2), high + timedelta(days=2)
    )
    starts = {event["DTSTART"].dt.astimezone(UTC) for event in query}
    kept = [s for s in starts if low <= s < high]
    if case.last is not None:
        kept = [s for s in kept if s.astimezone(zone).date() <= case.last]
    return sorted(kept)


def _dateutil_wall_times(case: Case) -> list[datetime]:
    """Return the local wall-clock starts dateutil gives inside the case's window."""
    begin, end = _window(case)
    found: set[datetime] = set()
    for rrule in case.oracle:
        expansion = rrulestr(rrule, dtstart=_dtstart(rrule, case.first))
        found.update(s for s in expansion.between(begin, end, inc=True) if s < end)
    return sorted(s for s in found if case.last is None or s.date() <= case.last)


def test_there_are_enough_cases() -> None:
    """The oracle covers at least 30 rule, zone and window combinations."""
    assert len(CASES) >= 30
    assert len({case.zone for case in CASES}) >= 8


@pytest.mark.parametrize("case", CASES, ids=str)
def test_instants_agree_with_recurring_ical_events(case: Case) -> None:
    """Resolved airings are the instants recurring-ical-events expands from the same RRULE."""
    zone = ZoneInfo(case.zone)
    ours = [
        resolve(s, zone).astimezone(UTC)
        for s in occurrences(_read(case), case.first, case.last, *_window(case))
    ]
    expected = _oracle_instants(case)
    assert expected
    assert ours == expected


@pytest.mark.parametrize("case", CASES, ids=str)
def test_wall_times_agree_with_dateutil(case: Case) -> None:
    """Local starts are the wall-clock times dateutil expands from the same RRULE."""
    ours = list(occurrences(_read(case), case.first, case.last, *_window(case)))
    expected = _dateutil_wall_times(case)
    assert expected
    assert ours == expected


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_as_written_normalises_to_the_oracle_rrule(case: Case) -> None:
    """The rule as written reads to the same value as the RRULE given to the other engines."""
    assert _read(case) == parse_rrule("\n".join(case.oracle))
