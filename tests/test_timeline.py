"""The timeline: numbering, changes, reruns, extras, seasons and windows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedule.airing import AiringId
from schedule.rules import parse_rule
from schedule.site import Anchor, Change, EpisodeInfo, Extra, Recurrence, Season, Show
from schedule.timeline import aired, show_airings, window
from tests.factories import make_site

SHANGHAI = ZoneInfo("Asia/Shanghai")


def lets_meet(**overrides: object) -> Show:
    """Return Let's Meet as the seed describes it: Wed and Sat 18:00, episode 173 on 2026-01-03."""
    values: dict[str, object] = {
        "id": "lets-meet",
        "title": "Let's Meet",
        "timezone": SHANGHAI,
        "channel": "cqtv",
        "duration": timedelta(minutes=30),
        "airs": (Recurrence(rule=parse_rule("every Wednesday and Saturday at 6 PM"),
                            text="every Wednesday and Saturday at 6 PM", first=date(2024, 6, 1)),),
        "numbering": Anchor(episode=173, at=datetime(2026, 1, 3, 18, 0)),
    }
    values.update(overrides)
    return Show(**values)  # type: ignore[arg-type]


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return an aware Shanghai time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def airings_between(show: Show, start: datetime, stop: datetime) -> list:
    """Return the show's airings in [start, stop)."""
    return list(show_airings(make_site(shows=(show,)), show, start, stop))


def by_day(show: Show, start: datetime, stop: datetime) -> dict[date, object]:
    """Return the show's airings keyed by local date."""
    return {a.start.date(): a for a in airings_between(show, start, stop)}


def test_example_numbering_follows_the_anchor() -> None:
    """Episode 173 airs Sat 2026-01-03 18:00 +08:00, 172 the Wednesday before, 174 the Wednesday after."""
    days = by_day(lets_meet(), local(2025, 12, 29), local(2026, 1, 12))
    assert days[date(2026, 1, 3)].episode == 173
    assert days[date(2026, 1, 3)].start == datetime(2026, 1, 3, 10, 0, tzinfo=UTC)
    assert days[date(2025, 12, 31)].episode == 172
    assert days[date(2026, 1, 7)].episode == 174
    assert days[date(2026, 1, 10)].episode == 175


def test_cancelling_shifts_later_numbers() -> None:
    """Cancelling Wed 2026-01-07 makes episode 174 air on Sat 2026-01-10; earlier numbers stay."""
    show = lets_meet(changes=(Change(key="changes[0]", at=datetime(2026, 1, 7, 18, 0), cancel="Gala"),))
    days = by_day(show, local(2025, 12, 29), local(2026, 1, 15))
    assert days[date(2026, 1, 7)].status == "cancelled"
    assert days[date(2026, 1, 7)].episode is None
    assert days[date(2026, 1, 7)].reason == "Gala"
    assert days[date(2026, 1, 10)].episode == 174
    assert days[date(2026, 1, 3)].episode == 173
    assert days[date(2025, 12, 31)].episode == 172


def test_a_move_keeps_identity_and_number() -> None:
    """A moved airing keeps its id and number, starts at the new time and says where it came from."""
    show = lets_meet(changes=(Change(key="changes[0]", at=datetime(2026, 1, 7, 18, 0),
                                     move_to=datetime(2026, 1, 8, 20, 0), duration=timedelta(minutes=45)),))
    [moved] = [a for a in airings_between(show, local(2026, 1, 5), local(2026, 1, 9)) if a.moved_from]
    assert moved.id == AiringId.of("lets-meet", local(2026, 1, 7, 18))
    assert moved.start == local(2026, 1, 8, 20)
    assert moved.end - moved.start == timedelta(minutes=45)
    assert moved.episode == 174
    assert moved.moved_from == local(2026, 1, 7, 18)


def test_a_move_into_the_range_from_outside_is_included() -> None:
    """An airing moved from outside the range into it is listed; one moved out is not."""
    show = lets_meet(changes=(Change(key="changes[0]", at=datetime(2026, 3, 4, 18, 0),
                                     move_to=datetime(2026, 1, 8, 20, 0)),))
    listed = airings_between(show, local(2026, 1, 8), local(2026, 1, 9))
    assert [a.start for a in listed] == [local(2026, 1, 8, 20)]
    later = airings_between(show, local(2026, 3, 4), local(2026, 3, 5))
    assert later == []


def test_reruns_repeat_the_latest_premiere() -> None:
    """A rerun slot shows the most recent numbered airing before it, with its title."""
    rerun = Recurrence(rule=parse_rule("every Sunday at 10:00"), text="every Sunday at 10:00",
                       first=date(2025, 1, 1), rerun=True)
    show = lets_meet(airs=(*lets_meet().airs, rerun),
                     episodes=(EpisodeInfo(number=173, title="Global Youth Envoys Gather in Chongqing"),))
    days = by_day(show, local(2026, 1, 3), local(2026, 1, 5))
    sunday = days[date(2026, 1, 4)]
    assert sunday.rerun
    assert sunday.episode is None
    assert sunday.rerun_of == 173
    assert sunday.title == "Global Youth Envoys Gather in Chongqing"
    assert days[date(2026, 1, 3)].title == "Global Youth Envoys Gather in Chongqing"


def test_extras_take_numbers_only_when_numbered() -> None:
    """An unnumbered special takes no number; a numbered one takes the next and shifts later ones."""
    special = Extra(at=datetime(2026, 1, 1, 20, 0), duration=timedelta(hours=1), title="New Year Special")
    days = by_day(lets_meet(extras=(special,)), local(2026, 1, 1), local(2026, 1, 8))
    assert days[date(2026, 1, 1)].episode is None
    assert days[date(2026, 1, 1)].title == "New Year Special"
    assert days[date(2026, 1, 1)].extra
    assert days[date(2026, 1, 7)].episode == 174
    numbered = replace(special, at=datetime(2026, 1, 4, 20, 0), numbered=True)
    days = by_day(lets_meet(extras=(numbered,)), local(2026, 1, 1), local(2026, 1, 8))
    assert days[date(2026, 1, 4)].episode == 174
    assert days[date(2026, 1, 7)].episode == 175


def test_seasons_restart_numbering() -> None:
    """A season's first numbered airing is episode 1 of that season unless it has its own anchor."""
    show = lets_meet(numbering=None, seasons=(Season(number=1, first=date(2024, 6, 1)),
                                              Season(number=2, first=date(2025, 7, 4))))
    days = by_day(show, local(2025, 6, 28), local(2025, 7, 10))
    assert (days[date(2025, 7, 5)].season, days[date(2025, 7, 5)].episode) == (2, 1)
    assert (days[date(2025, 7, 9)].season, days[date(2025, 7, 9)].episode) == (2, 2)
    assert days[date(2025, 7, 2)].season == 1
    first = by_day(show, local(2024, 6, 1), local(2024, 6, 6))
    assert (first[date(2024, 6, 1)].season, first[date(2024, 6, 1)].episode) == (1, 1)
    assert first[date(2024, 6, 5)].episode == 2


def test_numbers_below_one_are_no_number() -> None:
    """Airings that would count below episode 1 have no number."""
    show = lets_meet(numbering=Anchor(episode=2, at=datetime(2026, 1, 3, 18, 0)))
    days = by_day(show, local(2025, 12, 24), local(2026, 1, 4))
    assert days[date(2026, 1, 3)].episode == 2
    assert days[date(2025, 12, 31)].episode == 1
    assert days[date(2025, 12, 27)].episode is None


def test_window_moves_once_a_day() -> None:
    """The window runs from the start of the day `past` before now to the end of the day `future` after."""
    site = make_site()
    early = window(site, local(2026, 1, 3, 0, 5))
    late = window(site, local(2026, 1, 3, 23, 55))
    assert early == late
    assert early[0] == local(2025, 11, 8)
    assert early[1] == local(2026, 7, 5)
    assert window(site, local(2026, 1, 4, 0, 5)) != early


def test_aired_lists_started_premieres_newest_first() -> None:
    """Feeds get the newest premieres that have started by now, skipping reruns and cancellations."""
    show = lets_meet(changes=(Change(key="changes[0]", at=datetime(2025, 12, 31, 18, 0), cancel=""),))
    site = make_site(shows=(show,))
    entries = aired(site, show, local(2026, 1, 3, 18, 0), 3)
    assert [a.start for a in entries] == [local(2026, 1, 3, 18), local(2025, 12, 27, 18), local(2025, 12, 24, 18)]
    assert [a.episode for a in entries] == [173, 172, 171]


def test_aired_reaches_back_past_the_window() -> None:
    """A show that stopped airing long ago still fills its feed with its last episodes."""
    show = lets_meet(airs=(replace(lets_meet().airs[0], last=date(2026, 2, 1)),))
    site = make_site(shows=(show,))
    entries = aired(site, show, local(2029, 1, 1), 5)
    assert len(entries) == 5
    assert entries[0].start == local(2026, 1, 31, 18)


def test_a_rule_from_the_year_one_costs_only_the_window() -> None:
    """A rule whose `from` is in the year 1 still expands a 2026 window (numbering from an anchor)."""
    show = lets_meet(airs=(replace(lets_meet().airs[0], first=date(1, 1, 1)),))
    days = by_day(show, local(2026, 1, 1), local(2026, 1, 8))
    assert days[date(2026, 1, 3)].episode == 173


WINDOW_STARTS = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 1, 1))


@settings(max_examples=60, deadline=None)
@given(start=WINDOW_STARTS, days=st.integers(1, 60), cut=st.floats(0, 1))
def test_splitting_the_range_changes_nothing(start: datetime, days: int, cut: float) -> None:
    """Two adjacent ranges together list exactly the airings of the whole range, ids and numbers unchanged."""
    show = lets_meet(changes=(Change(key="changes[0]", at=datetime(2026, 1, 7, 18, 0), cancel=""),
                              Change(key="changes[1]", at=datetime(2026, 2, 18, 18, 0),
                                     move_to=datetime(2026, 2, 19, 20, 0))))
    a = start.replace(tzinfo=SHANGHAI)
    b = a + timedelta(days=days)
    middle = a + (b - a) * cut
    whole = airings_between(show, a, b)
    parts = airings_between(show, a, middle) + airings_between(show, middle, b)
    assert whole == parts
    assert [x.start for x in whole] == sorted(x.start for x in whole)
    assert len({x.id for x in whole}) == len(whole)
    assert all(a <= x.start < b for x in whole)


@settings(max_examples=40, deadline=None)
@given(offset=st.integers(-400, 400), cancel_week=st.integers(-30, 30).filter(bool))
def test_a_cancel_touches_only_its_target_and_the_numbering(offset: int, cancel_week: int) -> None:
    """Cancelling one airing changes that airing, and shifts numbers on its far side from the anchor by one."""
    anchor = datetime(2026, 1, 3, 18, 0)
    target = anchor + timedelta(weeks=cancel_week)
    span = (local(2025, 6, 1) + timedelta(days=offset), local(2026, 9, 1))
    before = airings_between(lets_meet(), *span)
    changed = airings_between(lets_meet(changes=(Change(key="changes[0]", at=target, cancel="x"),)), *span)
    assert [a.id for a in before] == [a.id for a in changed]
    target_utc = target.replace(tzinfo=SHANGHAI)
    for old, new in zip(before, changed, strict=True):
        assert (new.start, new.end, new.title) == (old.start, old.end, old.title)
        if old.start == target_utc:
            assert (new.status, new.episode) == ("cancelled", None)
            continue
        assert new.status == "scheduled"
        if target > anchor and old.start > target_utc:
            assert new.episode == old.episode - 1
        elif target < anchor and old.start < target_utc and old.episode is not None:
            assert new.episode == old.episode + 1
        else:
            assert new.episode == old.episode


@pytest.mark.parametrize("shift", [timedelta(days=d) for d in (-300, -7, 0, 3, 90, 700)])
def test_moving_the_window_never_changes_ids_or_numbers(shift: timedelta) -> None:
    """The same airing has the same id and number whichever range it is listed in."""
    base = {a.id: a.episode for a in airings_between(lets_meet(), local(2026, 1, 1), local(2026, 3, 1))}
    moved = {a.id: a.episode for a in airings_between(lets_meet(), local(2026, 1, 1) + shift,
                                                      local(2026, 3, 1) + shift)}
    for airing_id in base.keys() & moved.keys():
        assert base[airing_id] == moved[airing_id]


@pytest.mark.parametrize(
    ("zone", "rule", "minutes", "day", "start_utc"),
    [
        ("Europe/London", "daily at 01:30", 30, date(2026, 10, 25), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        ("Australia/Sydney", "every Sunday at 02:30", 60, date(2026, 4, 5), datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),
        ("America/New_York", "daily at 01:45", 30, date(2026, 11, 1), datetime(2026, 11, 1, 5, 45, tzinfo=UTC)),
        ("America/New_York", "daily at 01:45", 30, date(2026, 3, 8), datetime(2026, 3, 8, 6, 45, tzinfo=UTC)),
    ],
)
def test_an_airing_lasts_its_duration_across_a_clock_change(
    zone: str, rule: str, minutes: int, day: date, start_utc: datetime
) -> None:
    """Duration is elapsed time (RFC 5545 §3.3.6): an airing crossing a clock change still lasts its length."""
    tz = ZoneInfo(zone)
    show = lets_meet(timezone=tz, numbering=None, duration=timedelta(minutes=minutes),
                     airs=(Recurrence(rule=parse_rule(rule), text=rule, first=date(2026, 1, 1)),))
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    [airing] = airings_between(show, start, start + timedelta(hours=4))
    assert airing.start.astimezone(UTC) == start_utc
    assert airing.end.astimezone(UTC) - airing.start.astimezone(UTC) == timedelta(minutes=minutes)


def _rule(text: str, *, first: date = date(2026, 3, 1), rerun: bool = False) -> Recurrence:
    return Recurrence(rule=parse_rule(text), text=text, first=first, rerun=rerun)


NEW_YORK = ZoneInfo("America/New_York")


def test_a_slot_the_clock_change_merges_into_another_takes_no_number() -> None:
    """02:30 daily and 03:30 on Sundays: on 8 March 2026 both are 03:30 EDT, one airing.

    The earlier local time is the airing listed; the other slot does not air,
    so the numbers go on 9, 10 rather than skipping one. A rerun after it
    repeats the merged airing's number.
    """
    show = lets_meet(
        timezone=NEW_YORK, numbering=None,
        airs=(_rule("every day at 2:30 AM"), _rule("every Sunday at 3:30 AM"),
              _rule("every Sunday at 5 AM", rerun=True)),
    )
    start = datetime(2026, 3, 5, tzinfo=NEW_YORK)
    airings = airings_between(show, start, start + timedelta(days=5))
    numbered = [(a.start.isoformat(), a.episode) for a in airings if not a.rerun]
    assert numbered == [
        ("2026-03-05T02:30:00-05:00", 6),
        ("2026-03-06T02:30:00-05:00", 7),
        ("2026-03-07T02:30:00-05:00", 8),
        ("2026-03-08T03:30:00-04:00", 9),
        ("2026-03-09T02:30:00-04:00", 10),
    ]
    [rerun] = [a for a in airings if a.rerun]
    assert (rerun.start.isoformat(), rerun.rerun_of) == ("2026-03-08T05:00:00-04:00", 9)


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(["America/New_York", "Australia/Lord_Howe", "Europe/Berlin",
                          "Pacific/Chatham", "Pacific/Apia"]),
    # Around the night's clock changes (Chatham's is at 02:45), where slots collide.
    times=st.lists(st.tuples(st.integers(1, 4), st.sampled_from([0, 15, 30, 45])),
                   min_size=2, max_size=4, unique=True),
    weekly=st.lists(st.booleans(), min_size=4, max_size=4),
    year=st.sampled_from([2011, 2025, 2026]),
)
def test_numbers_count_every_numbered_airing_across_clock_changes(
    zone: str, times: list[tuple[int, int]], weekly: list[bool], year: int
) -> None:
    """Whatever rules collide in a spring-forward gap, the episodes are 1 to n, each once.

    Counted independently: n is the number of premiere airings listed. (Apia
    skipped a whole day at the end of 2011.) Numbers follow the local times
    of the slots: a slot the gap pushes past another's start keeps the
    number before it.
    """
    rules = []
    for (hour, minute), on_sunday in zip(times, weekly, strict=False):
        days = "every Sunday" if on_sunday else "every day"
        rules.append(_rule(f"{days} at {hour:02}:{minute:02}", first=date(year, 1, 1)))
    show = lets_meet(timezone=ZoneInfo(zone), numbering=None, airs=tuple(rules))
    start = datetime(year, 1, 1, tzinfo=ZoneInfo(zone))
    airings = airings_between(show, start, datetime(year + 1, 1, 1, tzinfo=ZoneInfo(zone)))
    instants = [a.start.astimezone(UTC) for a in airings]
    assert instants == sorted(set(instants))  # one airing per instant
    assert sorted(a.episode for a in airings) == list(range(1, len(airings) + 1))


def test_an_entry_by_start_fills_in_over_the_episodes_row_by_number() -> None:
    """A title given by ``at`` keeps the summary the spreadsheet's row gives that episode.

    As an entry given by ``number`` does; before, the row was dropped whole.
    """
    row = EpisodeInfo(number=174, title="Row title", summary="Row summary", link="https://x.org/174")
    by_start = EpisodeInfo(at=datetime(2026, 1, 7, 18, 0), title="Title by start")
    show = lets_meet(episodes=(row, by_start))
    airing = by_day(show, local(2026, 1, 7), local(2026, 1, 8))[date(2026, 1, 7)]
    assert airing.episode == 174
    assert (airing.title, airing.summary, airing.link) == (
        "Title by start", "Row summary", "https://x.org/174"
    )
    rerun = Recurrence(rule=parse_rule("every Thursday at 10:00"), text="every Thursday at 10:00",
                       first=date(2025, 1, 1), rerun=True)
    repeat = by_day(replace(show, airs=(*show.airs, rerun)), local(2026, 1, 8), local(2026, 1, 9))
    assert (repeat[date(2026, 1, 8)].title, repeat[date(2026, 1, 8)].summary) == (
        "Title by start", "Row summary"
    )


def test_a_rerun_repeats_what_has_aired_by_then_not_a_premiere_moved_later() -> None:
    """Saturday's premiere moved to Sunday 19:00: Sunday 10:00's rerun repeats the one before.

    And a premiere moved to before a rerun is what that rerun repeats.
    """
    utc = ZoneInfo("UTC")
    saturdays = _rule("every Saturday at 18:00", first=date(2026, 1, 1))
    sundays = _rule("every Sunday at 10:00", first=date(2026, 1, 1), rerun=True)
    later = Change(key="changes[0]", at=datetime(2026, 1, 17, 18),
                   move_to=datetime(2026, 1, 18, 19))
    earlier = Change(key="changes[1]", at=datetime(2026, 1, 31, 18),
                     move_to=datetime(2026, 1, 25, 9))
    show = lets_meet(timezone=utc, numbering=None, airs=(saturdays, sundays),
                     changes=(later, earlier))
    start = datetime(2026, 1, 10, tzinfo=utc)
    aired = [(a.start.strftime("%a %d %H:%M"), a.rerun_of if a.rerun else a.episode)
             for a in airings_between(show, start, start + timedelta(days=16))]
    assert aired == [
        ("Sat 10 18:00", 2), ("Sun 11 10:00", 2),
        ("Sun 18 10:00", 2), ("Sun 18 19:00", 3),  # 3 airs after the rerun
        ("Sat 24 18:00", 4), ("Sun 25 09:00", 5), ("Sun 25 10:00", 5),  # 5 moved before it
    ]


def test_an_entry_for_a_rerun_by_its_start_is_laid_over_what_it_repeats() -> None:
    """[[shows.episodes]] at = a rerun's start: its fields win, the repeated episode's fill in.

    It passed the config check and was never used.
    """
    rerun = Recurrence(rule=parse_rule("every Sunday at 10:00"), text="every Sunday at 10:00",
                       first=date(2025, 1, 1), rerun=True)
    show = lets_meet(airs=(*lets_meet().airs, rerun), episodes=(
        EpisodeInfo(number=173, title="Global Youth Envoys", summary="Envoys meet."),
        EpisodeInfo(at=datetime(2026, 1, 4, 10, 0), title="Global Youth Envoys (signed)"),
    ))
    days = by_day(show, local(2026, 1, 3), local(2026, 1, 12))
    sunday, next_sunday = days[date(2026, 1, 4)], days[date(2026, 1, 11)]
    assert (sunday.rerun_of, sunday.title, sunday.summary) == (
        173, "Global Youth Envoys (signed)", "Envoys meet."
    )
    assert (next_sunday.rerun_of, next_sunday.title) == (175, None)
    assert days[date(2026, 1, 3)].title == "Global Youth Envoys"
