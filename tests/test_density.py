"""A show whose rules make more airings than airdates takes is refused when the config is read.

The bound (schedule/density.py) is checked against the real expansion
(``occurrences``) over the widest window it stands for, so it never refuses
a show that would fit; the CLI cases check what a cron user sees.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.cli import main
from schedule.density import MAX_AIRINGS, worst_window
from schedule.errors import ConfigErrors
from schedule.loading import load_site
from schedule.recurrence import occurrences
from schedule.rules import Rule
from schedule.site import Recurrence
from tests.test_config_errors import SHOW, SITE
from tests.test_recurrence import firsts, lasts, rules

NOW = "2026-11-23T00:00:00+00:00"
EVERY_MINUTE = "BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=" + ",".join(
    map(str, range(60))
)
EVERY_FIVE_MINUTES = "BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=" + ",".join(
    map(str, range(0, 60, 5))
)


def config(*airs: str, site: str = "") -> str:
    """Return a one-show config with these ``[[shows.airs]]`` bodies, ``site`` keys added."""
    tables = "".join(f"[[shows.airs]]\n{body}\n" for body in airs)
    head = SITE.replace("[[channels]]", site + "[[channels]]", 1)
    return head + SHOW + tables


def write(folder: Path, text: str) -> str:
    """Write the config into ``folder`` and return its path."""
    path = folder / "airdates.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@settings(max_examples=300, deadline=None)
@given(rules, firsts, lasts, st.dates(date(2019, 6, 1), date(2028, 6, 1)), st.integers(0, 800),
       st.integers(0, 23))
def test_the_bound_is_never_below_the_airings_of_any_window(  # noqa: PLR0913, PLR0917 - drawn
    rule: object, first: date, length: timedelta | None, day: date, days: int, hours: int
) -> None:
    """Wherever the window lies, a rule makes no more airings in it than its bound.

    A window runs from the start of a day to the end of one: past + future,
    and up to a day more at each end.
    """
    window = timedelta(days=days, hours=hours)
    last = None if length is None else first + length
    airs = Recurrence(rule=rule, text="", first=first, last=last)  # type: ignore[arg-type]
    begin = datetime.combine(day, datetime.min.time())
    end = begin + timedelta(days=days + 2)
    real = sum(1 for _ in occurrences(airs.rule, first, last, begin, end))
    assert real <= worst_window([airs], window)[0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(rules, firsts, lasts), min_size=1, max_size=3),
    st.dates(date(2019, 6, 1), date(2028, 6, 1)),
    st.integers(0, 800),
)
def test_the_show_bound_is_never_below_its_rules_airings_in_any_window(
    drawn: list[tuple[object, date, timedelta | None]], day: date, days: int
) -> None:
    """Wherever the window lies, the rules together make no more than the show's bound."""
    airs = [
        Recurrence(rule=rule, text="", first=first, last=None if length is None else first + length)
        for rule, first, length in drawn  # type: ignore[arg-type]
    ]
    begin = datetime.combine(day, datetime.min.time())
    end = begin + timedelta(days=days + 2)
    real = sum(
        sum(1 for _ in occurrences(a.rule, a.first, a.last, begin, end)) for a in airs
    )
    assert real <= sum(worst_window(airs, timedelta(days=days)))


def test_rules_of_different_years_are_not_counted_as_airing_at_once(tmp_path: Path) -> None:
    """A quarter-hourly bulletin kept as yearly eras: 23,000 airings a window, not 115,000."""
    quarter_hours = "BYHOUR=" + ",".join(map(str, range(24))) + ";BYMINUTE=0,15,30,45"
    eras = [
        f'rrule = "FREQ=DAILY;{quarter_hours}"\nfrom = {year}-01-01\nuntil = {year}-12-31'
        for year in (2022, 2023, 2024, 2025)
    ]
    eras.append(f'rrule = "FREQ=DAILY;{quarter_hours}"\nfrom = 2026-01-01')
    site, _ = load_site(write(tmp_path, config(*eras)))
    counts = worst_window(site.shows[0].airs, site.past + site.future)
    assert sum(counts) <= (34 * 7 + 2) * 96
    alone = [worst_window([a], site.past + site.future)[0] for a in site.shows[0].airs]
    assert MAX_AIRINGS < sum(alone)  # each counted as if it filled the window


def test_the_bound_is_close_for_a_daily_rule_and_for_the_slip_it_is_for() -> None:
    """Within two days of the real count: a limit applied to it refuses only what it says."""
    window = timedelta(weeks=34)
    once = Rule(freq="DAILY", times=(time(18),))
    every_minute = Rule(freq="DAILY", times=tuple(time(h, m) for h in range(24) for m in range(60)))
    first = date(2025, 1, 1)
    assert worst_window([Recurrence(rule=once, text="", first=first)], window) == [238 + 2]
    [dense] = worst_window([Recurrence(rule=every_minute, text="", first=first)], window)
    assert dense == (238 + 2) * 1440


def test_a_rule_airing_every_minute_is_refused_naming_the_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line: the file, the rule's key, how many, the limit and what to do."""
    path = write(tmp_path, config(f'rrule = "FREQ=DAILY;{EVERY_MINUTE}"\nfrom = 2025-01-01'))
    assert main(["check", "-c", path, "--now", NOW]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert f"{path}: shows[lets-meet].airs[0]:" in err
    # 34 weeks of every minute, and what to do about it.
    assert "345,600 airings" in err
    assert f"at most {MAX_AIRINGS:,}" in err
    assert "site.past" in err


def test_rules_that_are_too_many_only_together_name_the_show(tmp_path: Path) -> None:
    """No rule alone is too many: the error is on the show's airs, with their sum."""
    # Each rule: 300 a day, about 72,000 in the window.
    half_hours = ";BYMINUTE=" + ",".join(map(str, range(30)))
    mornings = "BYHOUR=" + ",".join(map(str, range(10))) + half_hours
    evenings = "BYHOUR=" + ",".join(map(str, range(12, 22))) + half_hours
    path = write(tmp_path, config(
        f'rrule = "FREQ=DAILY;{mornings}"\nfrom = 2025-01-01',
        f'rrule = "FREQ=DAILY;{evenings}"\nfrom = 2025-01-01',
    ))
    with pytest.raises(ConfigErrors) as caught:
        load_site(path)
    (error,) = caught.value.errors
    assert error.key == "shows[lets-meet].airs"
    assert "the show's rules make" in error.message


@pytest.mark.parametrize(
    "airs",
    [
        # Every five minutes around the clock, for the default window: 68,544.
        f'rrule = "FREQ=DAILY;{EVERY_FIVE_MINUTES}"\nfrom = 2025-01-01',
        # Every minute, for one day only.
        f'rrule = "FREQ=DAILY;{EVERY_MINUTE}"\nfrom = 2026-11-23\nuntil = 2026-11-23',
    ],
    ids=["every five minutes", "a one-day marathon"],
)
def test_dense_shows_within_the_limit_are_taken(tmp_path: Path, airs: str) -> None:
    """Dense, but within the limit: read as before."""
    site, _ = load_site(write(tmp_path, config(airs)))
    assert site.shows[0].airs


def test_a_shorter_window_takes_a_denser_rule(tmp_path: Path) -> None:
    """The limit is of the window: shortening past and future is a way out, as the hint says."""
    every_minute = f'rrule = "FREQ=DAILY;{EVERY_MINUTE}"\nfrom = 2025-01-01'
    with pytest.raises(ConfigErrors):
        load_site(write(tmp_path, config(every_minute)))
    short = 'past = "1 week"\nfuture = "5 weeks"\n'
    site, _ = load_site(write(tmp_path, config(every_minute, site=short)))
    assert site.future == timedelta(weeks=5)


def test_a_publish_refused_for_it_leaves_the_published_files_as_they_were(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 1 before anything is expanded; the files of the last publish stay as they were."""
    path = write(tmp_path, config('rule = "every Wednesday at 6 PM"\nfrom = 2025-01-01'))
    assert main(["publish", "-c", path, "--now", NOW]) == 0
    output = tmp_path / "public"

    def snapshot() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in output.iterdir()}

    before = snapshot()
    assert before
    write(tmp_path, config(f'rrule = "FREQ=DAILY;{EVERY_MINUTE}"\nfrom = 2025-01-01'))
    capsys.readouterr()
    assert main(["publish", "-c", path, "--now", NOW]) == 1
    assert "shows[lets-meet].airs[0]" in capsys.readouterr().err
    assert snapshot() == before
