"""The validated config: a site, its channels and its shows, as immutable values."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from schedule.pickling import pickled_as_tuple
from schedule.rules import Rule

__all__ = [
    "Anchor",
    "Channel",
    "Change",
    "EpisodeInfo",
    "Extra",
    "Platform",
    "Recurrence",
    "Season",
    "Segment",
    "Show",
    "Site",
    "network_order",
]


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Channel:
    """A broadcast channel (``[[channels]]``); ``xmltv_id`` is always filled in."""

    id: str
    name: str
    xmltv_id: str
    url: str | None = None
    icon: str | None = None


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Platform:
    """Somewhere else a show is simulcast (``also_on``)."""

    name: str
    url: str | None = None


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """One part of an episode (``segments``)."""

    title: str
    summary: str = ""


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Recurrence:
    """One ``[[shows.airs]]`` entry: a rule bounded by local dates.

    ``text`` is the rule as written (human form or RRULE).
    """

    rule: Rule
    text: str
    first: date
    last: date | None = None
    duration: timedelta | None = None
    rerun: bool = False


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Anchor:
    """Numbering anchor: the airing starting at local ``at`` is ``episode``."""

    episode: int
    at: datetime


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Season:
    """Airings on or after local date ``first`` belong to season ``number``."""

    number: int
    first: date
    anchor: Anchor | None = None


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class EpisodeInfo:
    """Metadata for one episode, found by ``number`` (+ ``season``) or by local ``at``."""

    number: int | None = None
    season: int | None = None
    at: datetime | None = None
    title: str | None = None
    summary: str = ""
    link: str | None = None
    segments: tuple[Segment, ...] = ()
    origin: tuple[str, int] | None = None  # a spreadsheet row's file and line, for errors

    def over(self, other: EpisodeInfo) -> EpisodeInfo:
        """Return ``other`` with every field this one sets replaced by this one's."""
        return replace(
            other,
            title=self.title if self.title is not None else other.title,
            summary=self.summary or other.summary,
            link=self.link if self.link is not None else other.link,
            segments=self.segments or other.segments,
        )


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """An exception to the rules, found by original local ``at`` or by ``episode``.

    ``cancel`` is the reason ("" when given as ``true``) or None; ``move_to``
    the new local start; ``key`` the key path, for errors found later.
    """

    key: str
    at: datetime | None = None
    episode: int | None = None
    season: int | None = None
    cancel: str | None = None
    move_to: datetime | None = None
    duration: timedelta | None = None


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Extra:
    """A one-off airing outside the rules, at local ``at``."""

    at: datetime
    duration: timedelta
    title: str | None = None
    summary: str = ""
    link: str | None = None
    numbered: bool = False


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Show:
    """One ``[[shows]]`` entry, validated; local datetimes are naive, in ``timezone``."""

    id: str
    title: str
    timezone: ZoneInfo
    description: str = ""
    channel: str | None = None
    duration: timedelta | None = None
    link: str | None = None
    image: str | None = None
    categories: tuple[str, ...] = ()
    also_on: tuple[Platform, ...] = ()
    airs: tuple[Recurrence, ...] = ()
    numbering: Anchor | None = None
    seasons: tuple[Season, ...] = ()
    episodes: tuple[EpisodeInfo, ...] = ()
    changes: tuple[Change, ...] = ()
    extras: tuple[Extra, ...] = ()
    source: str | None = None  # the config file the show was read from


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """The whole config. ``output`` and ``state`` are absolute paths, as text."""

    title: str
    base_url: str
    source: str
    output: str
    state: str
    timezone: ZoneInfo = ZoneInfo("UTC")
    language: str = "en"
    description: str = ""
    past: timedelta = timedelta(weeks=8)
    future: timedelta = timedelta(weeks=26)
    feed_items: int = 50
    refresh: timedelta = timedelta(hours=1)
    hub: str | None = None
    channels: tuple[Channel, ...] = ()
    shows: tuple[Show, ...] = ()
    # Every show's ``episodes_file`` the config was read with, absolute.
    episode_files: tuple[str, ...] = ()

    def channel(self, channel_id: str | None) -> Channel | None:
        """Return the channel with this id, or None."""
        return next((c for c in self.channels if c.id == channel_id), None)

    def show(self, show_id: str) -> Show:
        """Return the show with this id (KeyError if there is none)."""
        for show in self.shows:
            if show.id == show_id:
                return show
        raise KeyError(show_id)


def network_order(site: Site) -> list[Show]:
    """Return the site's shows grouped by channel in the site's order, stable.

    The order of the network's guide (XMLTV's channels) and of its calendar
    (each show's events together).
    """
    rank = {channel.id: index for index, channel in enumerate(site.channels)}
    last = len(rank)
    return sorted(site.shows, key=lambda show: rank.get(show.channel or "", last))
