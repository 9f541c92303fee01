"""Moments as the feed, page and guide formats can write them.

Their offsets are whole minutes (RFC 3339's ``time-numoffset``, RFC 822's
``+hhmm``, XMLTV's ``+zzzz``, HTML's global date and time). A zone's local
mean time before it took a standard offset is not: Monrovia kept -00:44:30
until 1972. Such a moment is written in UTC instead, the same instant in
every format (cut to minutes, the guide and the feeds disagreed by half a
minute, and ``-00:44:30`` is a date JavaScript refuses).
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["writable"]


def writable(moment: datetime) -> datetime:
    """Return ``moment`` as it is, or in UTC when its offset is not whole minutes."""
    offset = moment.utcoffset()
    # .seconds is 0..86399 whatever the sign: a whole day is whole minutes.
    if offset is not None and offset.seconds % 60:
        return moment.astimezone(UTC)
    return moment
