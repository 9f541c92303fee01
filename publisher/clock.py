"""The one place airdates reads the clock: ``--now``, ``AIRDATES_NOW`` or the real time."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from schedule.errors import AirdatesError

__all__ = ["BadTimeError", "current_time", "parse_time"]


class BadTimeError(AirdatesError):
    """A ``--now``/``--from``/``AIRDATES_NOW`` value that is not an ISO 8601 time."""

    exit_code = 2


def parse_time(text: str, zone: ZoneInfo, *, source: str) -> datetime:
    """Read an ISO 8601 time; a naive one is wall-clock time in ``zone``. Returned in UTC.

    In UTC, not in ``zone``: Python compares two times of one zone by their
    wall clocks, so in the repeated hour of a fall-back night 01:20 EST came
    before 01:30 EDT, half an hour earlier.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        msg = f"{source}: {text!r} is not an ISO 8601 time (example: 2026-01-03T18:00 or 2026-01-03T10:00Z)"
        raise BadTimeError(msg) from None
    if moment.tzinfo is None:
        # Through UTC so that a time in a gap or fold resolves like an airing does.
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def current_time(option: str | None, zone: ZoneInfo) -> datetime:
    """Return now, in UTC: the ``--now`` option, else ``AIRDATES_NOW``, else the system clock."""
    if option:
        return parse_time(option, zone, source="--now")
    env = os.environ.get("AIRDATES_NOW")
    if env:
        return parse_time(env, zone, source="AIRDATES_NOW")
    return datetime.now(UTC)
