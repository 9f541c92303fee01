"""A show's airings in a time range: rules, extras, changes, numbering, metadata."""

from __future__ import annotations

from datetime import datetime

from schedule.airing import Airing
from schedule.site import Show, Site

__all__ = ["aired", "show_airings", "site_airings", "window"]


def window(site: Site, now: datetime) -> tuple[datetime, datetime]:
    """Return the calendar window ``[start, stop)`` around ``now`` (aware).

    From the start of the site-zone day ``site.past`` before now to the end of
    the day ``site.future`` after now: it moves once a day, not every run.
    """
    raise NotImplementedError


def show_airings(site: Site, show: Show, start: datetime, stop: datetime) -> tuple[Airing, ...]:
    """Return the show's airings starting in ``[start, stop)``, in start order."""
    raise NotImplementedError


def site_airings(site: Site, start: datetime, stop: datetime) -> tuple[Airing, ...]:
    """Return every show's airings starting in ``[start, stop)``, in start order."""
    raise NotImplementedError


def aired(site: Site, show: Show, now: datetime, limit: int) -> tuple[Airing, ...]:
    """Return up to ``limit`` premieres (not reruns, not cancelled) started by ``now``, newest first."""
    raise NotImplementedError
