"""The iCalendar renderer: every airing of the window as a VEVENT (RFC 5545, RFC 7986).

Each event's content lines are written from its values directly
(feeds/contentlines.py): building an ``icalendar.Event`` per airing costs about
25 times as much, which a network of 200,000 airings cannot afford. The tests
build the same calendar with icalendar's object model and compare what the
parsers read from both.

Text that iCalendar cannot carry is dropped, as in every other format: the
control characters XML 1.0 forbids, and DEL (RFC 5545 TEXT allows no control
character but tab; line breaks are escaped). A CR LF or lone CR in text
becomes a newline, the only line break iCalendar knows.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from feeds.contentlines import FOLD_AT, duration, escape_text, fold, param_value, utc_datetime
from feeds.edition import Edition, Revision
from feeds.entries import page_url
from feeds.registry import renderer
from feeds.text import xml_safe
from feeds.vtimezone import vtimezone
from feeds.wording import description_text, headline
from schedule.airing import Airing
from schedule.site import Show, Site, network_order
from schedule.timeline import window
from schedule.writable import UNWRITABLE

__all__ = [
    "PRODID",
    "Event",
    "calendar_chunks",
    "calendar_events",
    "calendar_frame",
    "event_lines",
    "render_ics",
]

PRODID = "-//airdates//airdates//EN"

_CRLF = b"\r\n"


def render_ics(edition: Edition) -> bytes:
    """Return the VCALENDAR of ``edition.show`` (the network when None), every airing of the window.

    A show's events come in start order, then by UID; the network's come
    show by show in network order (``network_order``), each show's as in its
    own calendar. Cancelled airings stay, with ``STATUS:CANCELLED``. The
    same edition always gives the same bytes.
    """
    # Written into one growing buffer as the events are made: a network's
    # calendar is then in memory once, not also as 200,000 separate events.
    buffer = io.BytesIO()
    for chunk in calendar_chunks(edition):
        buffer.write(chunk)
    return buffer.getvalue()


def calendar_chunks(edition: Edition) -> Iterator[bytes]:
    """Yield ``render_ics(edition)``'s bytes piece by piece: head, time zones, events, end.

    Each event is made as it is yielded.
    """
    facts = _facts_by_show(edition, {airing.show for airing in edition.window})
    yield from _preamble(edition, [f.show for f in facts.values()])
    yield from (lines for _, _, lines in _events(edition, facts))
    yield _END


def calendar_frame(edition: Edition) -> tuple[bytes, bytes]:
    """Return ``render_ics(edition)``'s bytes before its first event and after its last.

    The calendar's events go between, in ``render_ics``'s order: a show's
    calendar is written around its ``calendar_events``, and a network's
    around each show's, in network order.
    """
    shows = _shows_by_id(edition, {airing.show for airing in edition.window})
    return b"".join(_preamble(edition, list(shows.values()))), _END


_END = b"END:VCALENDAR\r\n"


def _preamble(edition: Edition, shows: Sequence[Show]) -> list[bytes]:
    """The calendar's head and time zones (``shows``: those of the window's airings)."""
    zones = _timezones(edition.window, shows) if edition.window else _calendar_zone(edition)
    return [_head(edition), *zones]


Event = tuple[datetime, str, bytes]
"""One VEVENT in calendar order: its start (UTC), its UID root, its bytes."""


def calendar_events(edition: Edition) -> list[Event]:
    """Return the VEVENT of every airing of ``edition.window``, in ``render_ics``'s order.

    A show's events are its part of the network calendar (see ``calendar_frame``).
    """
    facts = _facts_by_show(edition, {airing.show for airing in edition.window})
    return list(_events(edition, facts))


def _events(edition: Edition, facts: dict[str, _ShowFacts]) -> Iterator[Event]:
    """Yield the window's events in ``render_ics``'s order, each made when it is reached."""
    window = edition.window
    if edition.show is None and len(facts) > 1:
        # The network's: show by show, so each show's events are one run of
        # bytes, the same as in its own calendar (a publish copies them).
        rank = {show.id: place for place, show in enumerate(network_order(edition.site))}
        last = len(rank)
        order = sorted(
            ((rank.get(a.show, last), a.start.astimezone(UTC), a.uid, a) for a in window),
            key=_network_event_order,
        )
        window = tuple(airing for *_, airing in order)
    elif not _in_calendar_order(window):
        # A window is in start order as a rule; only if not are the airings sorted.
        order = sorted(((a.start.astimezone(UTC), a.uid, a) for a in window), key=_event_order)
        window = tuple(airing for _, _, airing in order)
    revisions, now = edition.revisions, edition.now
    for airing in window:
        uid = airing.uid
        revision = revisions.get(uid)
        if revision is None:  # never published: new as of now, as Edition.revision says
            revision = Revision(sequence=0, changed=now)
        yield airing.start.astimezone(UTC), uid, _event(airing, uid, facts[airing.show], revision)


def _in_calendar_order(window: Sequence[Airing]) -> bool:
    """Tell whether the airings come by start instant, then UID (a stable sort would keep them)."""
    previous: tuple[datetime, str] | None = None
    for airing in window:
        key = (airing.start.astimezone(UTC), airing.uid)
        if previous is not None and key < previous:
            return False
        previous = key
    return True


_event_order = itemgetter(0, 1)
_network_event_order = itemgetter(0, 1, 2)


def _facts_by_show(edition: Edition, show_ids: set[str]) -> dict[str, _ShowFacts]:
    """Facts of the shows the window's airings belong to (only those: a site may have thousands)."""
    shows = _shows_by_id(edition, show_ids)
    return {show_id: _ShowFacts.of(show, edition.site) for show_id, show in shows.items()}


def _shows_by_id(edition: Edition, show_ids: set[str]) -> dict[str, Show]:
    known = {show.id: show for show in edition.shows if show.id in show_ids}
    missing = show_ids - known.keys()
    if missing:  # a show's file may carry another show's airing; find it on the site
        known |= {show.id: show for show in edition.site.shows if show.id in missing}
    return known


def event_lines(airing: Airing, show: Show, site: Site, revision: Revision) -> bytes:
    """Return one airing's VEVENT, BEGIN to END, folded and CRLF-terminated.

    The bytes depend on nothing but the four arguments, so the show's file and
    the network's can share them, and a cache can key on them.
    """
    return _event(airing, airing.uid, _ShowFacts.of(show, site), revision)


# ---------------------------------------------------------------- the calendar


def _head(edition: Edition) -> bytes:
    """The calendar's own properties, up to its first component."""
    site, show = edition.site, edition.show
    title = show.title if show is not None else site.title
    about = show.description if show is not None else site.description
    zone = show.timezone if show is not None else site.timezone
    refresh = duration(site.refresh)
    address = _own_url(site, show)
    lines = [
        b"BEGIN:VCALENDAR\r\n",
        _line("VERSION:2.0"),
        _text_line("PRODID", PRODID),
        _line("CALSCALE:GREGORIAN"),
        _line("METHOD:PUBLISH"),
        _text_line("NAME", title),
        _text_line("X-WR-CALNAME", title),
        _text_line("DESCRIPTION", about) if about else b"",
        _text_line("X-WR-CALDESC", about) if about else b"",
        _text_line("X-WR-TIMEZONE", zone.key or "UTC"),
        _line(f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}"),
        _line(f"X-PUBLISHED-TTL:{refresh}"),
        _line(f"SOURCE;VALUE=URI:{address}"),
        _line(f"URL:{address}"),
    ]
    return b"".join(lines)


def _own_url(site: Site, show: Show | None) -> str:
    """The address this very file is published at."""
    name = renderer("ics").file_name(show.id if show is not None else None)
    return _uri(site.base_url.rstrip("/") + "/" + name)


def _calendar_zone(edition: Edition) -> list[bytes]:
    """The VTIMEZONE of the calendar's own zone, for a calendar with no events.

    RFC 5545 wants at least one component in a calendar; this one also tells
    clients the zone that X-WR-TIMEZONE names. It covers the years of the
    calendar window, which moves only when the site's day turns: covering the
    year of ``now`` made the file change at the turn of the UTC year, a moment
    when nothing else changes and a republish must write nothing.
    """
    zone = edition.show.timezone if edition.show is not None else edition.site.timezone
    return [vtimezone(zone, *window(edition.site, edition.now))]


def _timezones(airings: Sequence[Airing], shows: Sequence[Show]) -> list[bytes]:
    """A VTIMEZONE for every zone the events refer to, by TZID, covering all of them."""
    if not airings:
        return []
    first = min(airing.start for airing in airings)
    last = max(airing.end for airing in airings)
    zones = {show.timezone.key: show.timezone for show in shows if show.timezone.key is not None}
    return [vtimezone(zones[key], first, last) for key in sorted(zones)]


# ---------------------------------------------------------------- one event


@dataclass(frozen=True, slots=True, kw_only=True)
class _ShowFacts:
    """What every event of one show shares, worked out once per file."""

    show: Show
    zone: ZoneInfo
    tzid: str  # the "TZID=..." parameter text
    at_domain: str  # "@" and the site's host, escaped: the end of every UID
    locations: dict[str | None, bytes]  # LOCATION line by channel id
    link: bytes  # the show's URL line
    categories: bytes
    organizer: bytes  # the ORGANIZER line: who publishes the calendar

    @classmethod
    def of(cls, show: Show, site: Site) -> _ShowFacts:
        """Gather the facts of ``show`` on ``site``."""
        if show.timezone.key is None:
            msg = f"show {show.id!r} has a zone without an IANA name"
            raise ValueError(msg)
        categories = [xml_safe(name) for name in show.categories if xml_safe(name)]
        # Online only, the show is "at" its platforms.
        platforms = ", ".join(platform.name for platform in show.also_on)
        locations = {channel.id: _optional_text("LOCATION", channel.name) for channel in site.channels}
        return cls(
            show=show,
            zone=show.timezone,
            tzid="TZID=" + param_value(show.timezone.key),
            at_domain=_escaped("@" + (urlsplit(site.base_url).hostname or "localhost")),
            locations=locations | {None: _optional_text("LOCATION", platforms)},
            link=_uri_line("URL", show.link or page_url(site, show.id)),  # the schedule page else
            categories=_line("CATEGORIES:" + ",".join(escape_text(name) for name in categories))
            if categories
            else b"",
            organizer=_organizer(site),
        )


def _organizer(site: Site) -> bytes:
    """The ORGANIZER line RFC 5546 wants in every event of a METHOD:PUBLISH calendar.

    The site is the organizer: its title as CN, its address as the value.
    """
    name = " ".join(xml_safe(site.title).split()) or "airdates"
    # A CN with a space or an apostrophe is quoted (icalendar writes it so).
    common_name = param_value(name, quote_if=" '")
    return _line(f"ORGANIZER;CN={common_name}:{site.base_url}")


def _event(airing: Airing, uid: str, facts: _ShowFacts, revision: Revision) -> bytes:
    """The VEVENT of one airing whose id string is ``uid``."""
    cancelled = airing.cancelled
    # Never empty: libical (Evolution, KOrganizer) drops a DESCRIPTION without a value.
    description = description_text(airing, facts.show) or headline(airing)
    # UID and SUMMARY differ from event to event: no cache would ever hit.
    lines = (
        b"BEGIN:VEVENT\r\n",
        _line(f"UID:{_escaped(uid)}{facts.at_domain}"),
        _revision_lines(revision.sequence, _as_utc(revision.changed)),
        _line(_moment("DTSTART", airing.start, facts)),
        _line(_moment("DTEND", airing.end, facts)),
        _line("SUMMARY:" + _escaped(headline(airing))),
        # Always there: calendar apps then show no stale text after an edit.
        _text_line("DESCRIPTION", description),
        facts.locations.get(airing.channel, b""),
        facts.organizer,
        _uri_line("URL", airing.link) if airing.link else facts.link,
        facts.categories,
        b"STATUS:CANCELLED\r\n" if cancelled else b"STATUS:CONFIRMED\r\n",
        # A cancelled airing no longer takes up the viewer's time.
        b"TRANSP:TRANSPARENT\r\n" if cancelled else b"TRANSP:OPAQUE\r\n",
        b"END:VEVENT\r\n",
    )
    return b"".join(lines)


def _as_utc(moment: datetime) -> datetime:
    """Return the instant in UTC; one already in UTC (as revisions are) is taken as it is."""
    return moment if moment.tzinfo is UTC else moment.astimezone(UTC)


@lru_cache(maxsize=1024)
def _revision_lines(sequence: int, changed: datetime) -> bytes:
    """Write DTSTAMP, LAST-MODIFIED (when the event last changed, not the run) and SEQUENCE."""
    stamp = _utc_instant(changed)
    stamps = _line(f"DTSTAMP:{stamp}") + _line(f"LAST-MODIFIED:{stamp}")
    return stamps + b"SEQUENCE:%d\r\n" % sequence


def _moment(name: str, moment: datetime, facts: _ShowFacts) -> str:
    """DTSTART/DTEND as wall-clock time in the show's zone, with its TZID.

    Going through UTC turns a wall time inside a spring-forward gap into the
    real one (02:30 -> 03:30). A wall time the fall-back night shows twice is
    written in UTC: RFC 5545 readers take the first pass, ical.js the second.
    """
    zone = facts.zone
    local = moment.astimezone(zone)
    # Only in a gap or a repeated hour do the two folds disagree; elsewhere the
    # wall time is already the one to write.
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        local = local.astimezone(UTC).astimezone(zone)
        if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
            return f"{name}:{_utc(local)}"
    # icalendar's DATE "T" TIME, written out: formatting was most of an event's
    # cost, and %-formatting a tuple takes half the time of format specs.
    return "%s;%s:%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031
        name, facts.tzid, local.year, local.month, local.day,
        local.hour, local.minute, local.second,
    )


# ---------------------------------------------------------------- values


def _utc(moment: datetime) -> str:
    """A DATE-TIME in UTC."""
    # The cache must see the instant: two passes of a repeated wall time are
    # equal, and hash alike, as datetimes of the same zone.
    return _utc_instant(moment.astimezone(UTC))


@lru_cache(maxsize=4096)
def _utc_instant(moment: datetime) -> str:
    """Format a UTC instant; revision stamps repeat, so each is formatted once."""
    return utc_datetime(moment)


# Text holding none of what TEXT escapes (line breaks, "\\", ";", ",") nor anything no
# format carries (``schedule.writable``) is written as it is.
_NEEDS_WORK = re.compile(f"[\\n\\r\\\\;,]|{UNWRITABLE.pattern}")


def _escaped(text: str) -> str:
    r"""Clean and escape TEXT; a backslash-N in a title stays a backslash and an N."""
    if _NEEDS_WORK.search(text) is None:
        return text
    return escape_text(xml_safe(text))


def _uri(text: str) -> str:
    """A URI value: URIs are not escaped, so no line break may get through."""
    return xml_safe(text).replace("\r", "").replace("\n", "")


# ---------------------------------------------------------------- content lines


@lru_cache(maxsize=8192)
def _text_line(name: str, text: str) -> bytes:
    """A property with a TEXT value; descriptions and locations repeat, so each is written once."""
    return _line(f"{name}:{_escaped(text)}")


def _optional_text(name: str, text: str) -> bytes:
    """A TEXT property, or nothing when the text is empty once cleaned."""
    return _text_line(name, text) if xml_safe(text) else b""


@lru_cache(maxsize=4096)
def _uri_line(name: str, address: str | None) -> bytes:
    """A URI property, or nothing when there is no address; links repeat, so each is written once."""
    value = _uri(address) if address else ""
    return _line(f"{name}:{value}") if value else b""


def _line(line: str) -> bytes:
    """One content line, folded, CRLF-terminated."""
    data = line.encode()
    if len(data) < FOLD_AT:
        return data + _CRLF
    return _folded(line)


@lru_cache(maxsize=4096)
def _folded(line: str) -> bytes:
    """Fold a long line; folding walks it character by character, and descriptions repeat."""
    return fold(line).encode() + _CRLF

