"""Rules with an interval whose first airing skips a day they air on: a warning, never an error.

"every other Monday" counts its weeks from the week (Monday to Sunday) that
holds ``from``, as RFC 5545 counts them from DTSTART's. With ``from`` on a
Thursday, that week's Monday is before it, so the first airing is the Monday
eleven days on, not the one four days on; "first Monday of every other
month" skips a month alike. The rule is right by the RFC and may be meant,
but a broadcaster who wrote an announcement's date as ``from`` is a week (or a
month) late without a word, so `check` says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from schedule.recurrence import occurrences

if TYPE_CHECKING:
    from schedule.site import Recurrence, Site

__all__ = ["late_starts"]

# How far ahead the first airings are looked for: an interval of months at most.
_AHEAD = timedelta(days=5 * 366)
# A rule that began longer ago than this is running as its broadcaster knows it.
_NEWS = timedelta(days=31)


def late_starts(site: Site, now: datetime) -> list[str]:
    """Return a warning for each new rule with an interval whose first airing skips a day.

    Weekly and monthly rules only (a daily interval counts days from ``from``
    itself), and only while the day skipped lies at most a month before
    ``now``: a show airing for years needs no word on how it began.
    """
    found = []
    today = now.astimezone(site.timezone).replace(tzinfo=None)
    for show in site.shows:
        for index, airs in enumerate(show.airs):
            if airs.rule.interval < 2 or airs.rule.freq == "DAILY":  # noqa: PLR2004
                continue
            first, every = _first(airs, airs.rule.interval), _first(airs, 1)
            if first is None or every is None or every.date() >= first.date():
                continue
            if every < today - _NEWS:
                continue
            found.append(
                f"shows[{show.id}].airs[{index}]: {airs.text!r} first airs on {first:%Y-%m-%d %a},"
                f" not {every:%Y-%m-%d %a}: the interval counts from the "
                f"{'week (Monday to Sunday)' if airs.rule.freq == 'WEEKLY' else 'month'}"
                f" that holds from, {airs.first} (to start on {every:%Y-%m-%d}, write from ="
                f" {every:%Y-%m-%d})"
            )
    return found


def _first(airs: Recurrence, interval: int) -> datetime | None:
    """Return the first local start of ``airs`` with its rule's interval set to ``interval``."""
    start = datetime.combine(airs.first, time())
    end = datetime.combine(min(airs.first + _AHEAD, date.max - timedelta(days=1)), time())
    rule = replace(airs.rule, interval=interval)
    return next(occurrences(rule, airs.first, airs.last, start, end), None)
