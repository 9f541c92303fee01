"""What RSS, Atom and JSON Feed say about a feed and its entries, worked out once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from math import ceil
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from feeds.instants import writable
from feeds.registry import renderer
from feeds.text import xml_safe
from feeds.wording import description_html, headline, when
from schedule.site import Channel, Show, Site

if TYPE_CHECKING:
    from collections.abc import Iterable

    from feeds.edition import Edition
    from schedule.airing import Airing

__all__ = [
    "EPOCH",
    "GENERATOR",
    "TAG_DATE",
    "Author",
    "Entry",
    "Head",
    "airing_entries",
    "airing_head",
    "newest",
    "page_url",
    "quiet_since",
    "site_author",
    "site_url",
    "tag_uri",
    "ttl_minutes",
]

GENERATOR = "airdates"
# A tag: URI carries a date on which its authority owned the name. Feed ids
# must never change, so they use this fixed date (the year airdates' ids were
# defined) rather than anything a config edit or a run could move.
TAG_DATE = "2026"
# The last-resort "updated" of a feed with nothing in it: fixed, so that an
# empty feed stays byte-identical from run to run instead of following the clock.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_UTC = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True, kw_only=True)
class Author:
    """Who a feed or entry is by: a channel, or the site."""

    name: str
    uri: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One feed entry, every text already safe for XML.

    ``published`` keeps the airing's own offset; ``updated`` is UTC.
    """

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    content_html: str
    tags: tuple[str, ...] = ()
    author: Author | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Head:
    """Feed-level facts shared by every format, every text already safe for XML."""

    id: str
    title: str
    description: str
    home: str
    self_url: str
    language: str
    updated: datetime
    ttl: int
    author: Author
    hub: str | None = None
    image: str | None = None
    categories: tuple[str, ...] = ()


def site_url(site: Site, name: str) -> str:
    """Return the public URL of output file ``name``."""
    base = site.base_url if site.base_url.endswith("/") else site.base_url + "/"
    return xml_safe(base + name)


def page_url(site: Site, show_id: str | None) -> str:
    """Return the schedule page of a show (None: the network's index page)."""
    return site_url(site, f"{show_id}.html" if show_id is not None else "index.html")


def tag_uri(site: Site, date: str, specific: str) -> str:
    """Return an RFC 4151 tag: URI under the site's host and base path.

    The base path keeps two airdates sites on one host from sharing ids.
    """
    host, prefix = _tag_parts(site)
    return xml_safe(f"tag:{host},{date}:{prefix}{specific}")


def _tag_parts(site: Site) -> tuple[str, str]:
    """Return the tag authority (the host) and the prefix (the base path) of the site's ids."""
    parts = urlsplit(site.base_url)
    path = parts.path.strip("/")
    return parts.hostname or "localhost", f"{path}/" if path else ""


def newest(moments: Iterable[datetime], fallback: datetime) -> datetime:
    """Return the latest of ``moments`` in UTC, or ``fallback`` when there are none."""
    return max((m.astimezone(UTC) for m in moments), default=fallback)


def ttl_minutes(site: Site) -> int:
    """Return the suggested refresh in whole minutes, at least one."""
    return max(1, ceil(site.refresh.total_seconds() / 60))


def site_author(site: Site) -> Author:
    """Return the site as an author."""
    return Author(name=xml_safe(site.title), uri=xml_safe(site.base_url))


def quiet_since(edition: Edition) -> datetime:
    """Return the "updated" of a feed with no entries.

    The newest change the publisher recorded for an airing of the edition's
    window, else EPOCH: never the run time, so nothing is rewritten each run.
    """
    found = (edition.revisions.get(a.uid) for a in edition.window)
    return newest((r.changed for r in found if r is not None), EPOCH)


def airing_head(edition: Edition, format_name: str, entries: tuple[Entry, ...]) -> Head:
    """Return the head of the show's (or the network's) feed in format ``format_name``."""
    site, show = edition.site, edition.show
    file_name = renderer(format_name).file_name(show.id if show is not None else None)
    updated = newest((e.updated for e in entries), EPOCH) if entries else quiet_since(edition)
    return Head(
        id=tag_uri(site, TAG_DATE, show.id if show is not None else "all"),
        title=xml_safe(show.title if show is not None else site.title),
        description=xml_safe(_feed_description(site, show)),
        home=xml_safe(show.link)
        if show is not None and show.link
        else page_url(site, show and show.id),
        self_url=site_url(site, file_name),
        language=xml_safe(site.language),
        updated=updated,
        ttl=ttl_minutes(site),
        author=_show_author(site, show),
        hub=xml_safe(site.hub) if site.hub else None,
        image=xml_safe(show.image) if show is not None and show.image else None,
        categories=_clean_all(show.categories) if show is not None else (),
    )


def _feed_description(site: Site, show: Show | None) -> str:
    # RSS requires a non-empty description; say what the feed holds when the config does not.
    if show is not None:
        return show.description or f"New episodes of {show.title}, as they air."
    return site.description or f"New episodes on {site.title}, as they air."


def _show_author(site: Site, show: Show | None) -> Author:
    channel = site.channel(show.channel) if show is not None else None
    return _channel_author(channel) if channel is not None else site_author(site)


def _clean_all(texts: Iterable[str]) -> tuple[str, ...]:
    """Return the texts made XML-safe, without empty ones and repeats, in order."""
    cleaned = (xml_safe(t).strip() for t in texts)
    return tuple(dict.fromkeys(t for t in cleaned if t))


def airing_entries(edition: Edition) -> tuple[Entry, ...]:
    """Return one entry per airing of ``edition.recent``, in its order.

    The entries of the last edition asked about are kept: RSS, Atom and JSON
    Feed of one file are rendered in a row, each from its own Edition of the
    same site, show, clock, feed airings and revisions.
    """
    key = _EntriesKey(edition)
    last_key, last_entries = _LAST
    if last_key is not None and last_key.same(key):
        return last_entries
    context = _Context(edition)
    entries = tuple(context.entry(airing) for airing in edition.recent)
    _LAST[:] = [key, entries]
    return entries


class _EntriesKey:
    """What a feed's entries are made from; two keys alike give the same entries."""

    __slots__ = ("now", "recent", "revisions", "show", "site")

    def __init__(self, edition: Edition) -> None:
        self.site, self.show, self.now = edition.site, edition.show, edition.now.astimezone(UTC)
        self.recent, self.revisions = edition.recent, edition.revisions

    def same(self, other: _EntriesKey) -> bool:
        """Tell whether both keys give the same entries.

        Site and revisions must be the very same objects (comparing a whole
        network's would cost more than the entries); the rest compare by value.
        """
        return (
            self.site is other.site
            and self.revisions is other.revisions
            and self.show == other.show
            and self.now == other.now
            and (self.recent is other.recent or self.recent == other.recent)
        )


# The last entries worked out and their key; one slot, so memory stays flat.
_LAST: list[Any] = [None, ()]


class _Context:
    """What every entry of one feed shares, looked up once per feed, not per entry."""

    def __init__(self, edition: Edition) -> None:
        site = edition.site
        self.site = site
        self.revisions = edition.revisions
        self.now = edition.now.astimezone(UTC)
        self.own = edition.show
        self.shows: dict[str, Show] | None = None  # the site's, made when an airing needs it
        self.channels = {c.id: c for c in site.channels}
        self.authors = {c.id: _channel_author(c) for c in site.channels}
        self.tags: dict[str, tuple[str, ...]] = {}
        host, prefix = _tag_parts(site)
        self.tag_start = xml_safe(f"tag:{host},")
        self.tag_path = xml_safe(f":{prefix}")

    def show(self, airing: Airing) -> Show:
        """Return the airing's show; one that left the config is stood in for."""
        own = self.own
        if own is not None and airing.show == own.id:
            return own
        if self.shows is None:
            # A show's feed seldom needs this: a thousand shows are indexed only then.
            self.shows = {s.id: s for s in self.site.shows}
        found = self.shows.get(airing.show)
        if found is None:
            found = Show(id=airing.show, title=airing.show_title, timezone=_UTC)
            self.shows[airing.show] = found
        return found

    def show_tags(self, show: Show, channel: Channel | None) -> tuple[str, ...]:
        """Return an entry's categories: the show's, then its channel's name."""
        key = f"{show.id}\n{channel.id if channel else ''}"
        if key not in self.tags:
            names = (*show.categories, channel.name) if channel is not None else show.categories
            self.tags[key] = _clean_all(names)
        return self.tags[key]

    def entry(self, airing: Airing) -> Entry:
        """Return the feed entry of one aired premiere."""
        show = self.show(airing)
        channel = self.channels.get(airing.channel) if airing.channel else None
        uid = airing.uid
        revision = self.revisions.get(uid)
        changed = revision.changed.astimezone(UTC) if revision is not None else self.now
        start = airing.id.start
        # An entry appears when its airing starts, so that is its first change
        # as far as a reader can tell, even when the schedule knew it for weeks.
        return Entry(
            id=f"{self.tag_start}{start.year:04d}-{start.month:02d}-{start.day:02d}{self.tag_path}{uid}",
            title=xml_safe(headline(airing)),
            link=xml_safe(airing.link or show.link or page_url(self.site, show.id)),
            published=writable(airing.start),
            updated=max(changed, airing.start.astimezone(UTC)),
            content_html=xml_safe(description_html(airing, show) + _aired_html(airing, channel)),
            tags=self.show_tags(show, channel),
            author=self.authors[channel.id] if channel is not None else None,
        )


def _channel_author(channel: Channel) -> Author:
    return Author(name=xml_safe(channel.name), uri=xml_safe(channel.url) if channel.url else None)


def _aired_html(airing: Airing, channel: Channel | None) -> str:
    """Return when (with its UTC offset) and where the airing was broadcast, as HTML."""
    offset = airing.start.utcoffset() or timedelta(0)
    minutes = int(abs(offset).total_seconds()) // 60
    sign = "-" if offset < timedelta(0) else "+"
    moment = f"{when(airing.start)} (UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"
    where = f" on {escape(channel.name)}" if channel is not None else ""
    return f"<p>Aired {escape(moment)}{where}.</p>"
