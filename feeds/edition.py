"""What a renderer is given: one output file's airings, revisions and context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from schedule.airing import Airing
from schedule.pickling import pickled_as_tuple
from schedule.site import Show, Site

__all__ = ["Edition", "Revision", "ScheduleChange"]


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Revision:
    """How often an airing's published content changed, and when it last did.

    ``sequence`` is the iCalendar SEQUENCE (0 when first published);
    ``changed`` (aware, UTC) is DTSTAMP / LAST-MODIFIED / Atom ``updated``.
    """

    sequence: int
    changed: datetime


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleChange:
    """One entry of the schedule's change log (``changes.rss``/``changes.atom``).

    ``number`` is the entry's stable serial number, ``recorded`` (aware, UTC)
    the publish that found it, ``text`` the before/after sentence.
    """

    number: int
    kind: Literal["added", "moved", "cancelled", "restored", "retitled", "removed"]
    airing: str
    show: str
    recorded: datetime
    text: str


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Edition:
    """Everything one output file is made from.

    ``show`` is None for a network-wide file. ``window`` holds every airing in
    the calendar window (cancelled ones too) in start order; ``recent`` the
    feed entries (aired premieres, newest first, at most ``feed_items``);
    ``revisions`` maps airing id strings to their Revision; ``changes`` is the
    change log, newest first (only the change-log renderers read it).
    """

    site: Site
    show: Show | None
    now: datetime
    window: tuple[Airing, ...] = ()
    recent: tuple[Airing, ...] = ()
    revisions: Mapping[str, Revision] = field(default_factory=dict)
    changes: tuple[ScheduleChange, ...] = ()

    def revision(self, airing: Airing) -> Revision:
        """Return the airing's revision; one never published is new as of ``now``."""
        found = self.revisions.get(airing.uid)
        return found if found is not None else Revision(sequence=0, changed=self.now)

    @property
    def shows(self) -> tuple[Show, ...]:
        """The shows this file covers: its one show, or every show of the site."""
        return (self.show,) if self.show is not None else self.site.shows
