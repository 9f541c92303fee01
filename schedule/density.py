"""How many airings a show's rules can put in the calendar window, and the most airdates takes.

Every airing in the window is expanded, compared with the state and written
in every format on every publish that renders its show. A slip in a rule
(``BYMINUTE=0,1,...,59`` for ``BYMINUTE=0``) makes hundreds of thousands:
a publish then takes minutes and gigabytes, and a small machine's cron job
is killed with nothing published. A show whose rules can make more than
``MAX_AIRINGS`` in a window as long as ``past`` + ``future`` is refused
when the config is read, before anything is expanded.

The count is an upper bound worked out from the rules alone (no ``now``,
no expansion): for each rule, whole periods, each as full as the rule can
make it, over the days it shares with the window; for the show, the most
its rules make together wherever the window lies. It is at most a few
periods above the real count, and never below it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from schedule.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from schedule.site import Recurrence, Show

__all__ = ["MAX_AIRINGS", "too_many_airings", "worst_window"]

# Every five minutes around the clock for the default window (34 weeks) is
# 68,544; the 1,000-show network of the benchmark has about 200 a show.
MAX_AIRINGS = 100_000
# A window starts at the beginning of a day and ends at the end of one.
_EDGE_DAYS = 2
_SHORTEST_MONTH = 28
_WEEKS_IN_MONTH = 5  # weeks a month touches a weekday in, at most
_END = date.max.toordinal() + 1  # the day after the last: a rule without until


def _in_days(airs: Recurrence, days: int) -> int:
    """Return at most how many airings ``airs`` makes in ``days`` days in a row."""
    rule = airs.rule
    if days <= 0:
        return 0
    if rule.freq == "DAILY":
        aired = -(-days // rule.interval)
        if rule.weekdays:
            aired = min(aired, (days // 7 + 1) * len(rule.weekdays))
    elif rule.freq == "WEEKLY":
        weeks = -(-(days // 7 + 2) // rule.interval)
        aired = weeks * max(1, len(rule.weekdays))
    else:
        months = -(-(days // _SHORTEST_MONTH + 2) // rule.interval)
        # Days of the month, else every such weekday (five at most), and weekdays by position.
        days_of_month = len(rule.monthdays) or _WEEKS_IN_MONTH * len(rule.weekdays)
        aired = months * max(1, days_of_month + len(rule.positions))
    return min(aired, days) * len(rule.times)


def worst_window(airs: Sequence[Recurrence], window: timedelta) -> list[int]:
    """Return each rule's bound in the window, placed where the rules together make the most.

    Rules of one show may air in different years (a schedule kept as eras,
    each with its ``until``): summed as if each filled the window, eras of a
    show airing every quarter hour made five times its real count. A rule's
    share changes only where the window's start or end passes one of its
    dates, so those places (and the days beside them) are the ones to try.
    """
    span = window.days + _EDGE_DAYS
    ranges = [
        (rule.first.toordinal(), rule.last.toordinal() + 1 if rule.last else _END)
        for rule in airs
    ]
    places = {
        edge + step
        for first, stop in ranges
        for edge in (first, first - span, stop, stop - span)
        for step in (-1, 0, 1)
    }
    worst: list[int] = []
    for start in sorted(places):
        end = start + span
        counts = [
            _in_days(rule, min(stop, end) - max(first, start))
            for rule, (first, stop) in zip(airs, ranges, strict=True)
        ]
        if sum(counts) > sum(worst):
            worst = counts
    return worst or [0] * len(airs)


def too_many_airings(show: Show, window: timedelta, key: str) -> ConfigError | None:
    """Return the error for a show whose rules can make more than ``MAX_AIRINGS`` in the window.

    ``key`` is the show's key path (``shows[lets-meet]``); the error names
    the rule that makes the most airings, or all of them when none alone is
    too many.
    """
    counts = worst_window(show.airs, window)
    total = sum(counts)
    if total <= MAX_AIRINGS:
        return None
    weeks = window.days // 7
    span = f"{weeks} weeks" if weeks >= 2 else f"{window.days} days"  # noqa: PLR2004 - plural
    densest = max(range(len(counts)), key=counts.__getitem__)
    alone = counts[densest] > MAX_AIRINGS
    where = f"{key}.airs[{densest}]" if alone else f"{key}.airs"
    what = "this rule makes" if alone else "the show's rules make"
    count = counts[densest] if alone else total
    return ConfigError(
        f"{what} up to {count:,} airings in a calendar window "
        f"of {span} (site.past + site.future); airdates takes at most {MAX_AIRINGS:,} a show",
        key=where,
        value=show.airs[densest].text if alone else None,
        hint="check the rule's days and times, or shorten site.past and site.future",
    )
