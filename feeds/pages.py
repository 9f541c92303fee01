"""The schedule pages: ``index.html`` for the network and ``{show}.html`` per show.

Pages are rendered by Jinja2 with autoescaping from templates shipped in the
package. The times on a page are in the show's own zone, named ("18:00 CST
(Asia/Shanghai)"), because that is how the broadcaster announces them.

Pages embed no images or other third-party resources: a page read offline or
behind a strict proxy shows everything and makes no outside requests. The
show's image goes into the JSON-LD only.

JSON-LD: each show is a schema.org ``TVSeries`` whose ``publication`` lists a
``BroadcastEvent`` per airing (a show page: every airing in the window not yet
over; the index: the seven-day schedule it shows). ``isLiveBroadcast`` is true
for a first broadcast on a channel — viewers must tune in at that time, and
that is the signal search engines read from it — false for a rerun, and left
out for an online-only show, which is a release rather than a broadcast.
"""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup

from feeds.edition import Edition
from feeds.entries import site_url
from feeds.instants import writable
from feeds.registry import renderer
from feeds.text import xml_safe
from feeds.wording import episode_label, episode_label_of
from schedule.airing import Airing
from schedule.site import Channel, Segment, Show, Site

__all__ = ["render_html"]

_UP_NEXT = 4  # airings in the index's "up next" list
# A show page lists this many upcoming airings and recent episodes in full and
# folds the rest into a <details> element, so a phone is not a long scroll.
_FIRST = 10
_SCHEDULE_DAYS = 7
_GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/render?cid="
# Characters that could end or confuse a <script> element's text, as JSON escapes.
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def render_html(edition: Edition) -> bytes:
    """Render the show's page, or the network's index page when ``edition.show`` is None."""
    if edition.show is None:
        text = _environment().get_template("index.html").render(_index_context(edition))
    else:
        text = _environment().get_template("show.html").render(_show_context(edition, edition.show))
    return text.encode()


_COMPILED = Path(__file__).with_name("templates") / "__pycache__"


class _CompiledTemplates(FileSystemBytecodeCache):
    """The templates' compiled code, kept beside them as Python keeps a module's.

    Compiling the templates costs a run about 100 ms, most of what one
    show's publish spends on its pages. Like ``__pycache__``, the cache is
    written only when Python may write bytecode (``PYTHONDONTWRITEBYTECODE``
    unset) and the folder is writable, and Jinja uses a cached template only
    when its source is unchanged (the bucket holds the source's checksum), so
    the output never depends on it. ``make install`` fills it with ``write``.
    """

    def __init__(self, *, write: bool) -> None:
        """Read from the cache folder; write to it when ``write`` (and it can)."""
        super().__init__(str(_COMPILED))
        self.write = write

    def load_bytecode(self, bucket: Bucket) -> None:
        """Take the compiled template if it can be read; anything odd means compiling afresh."""
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the compiled template when allowed; a folder that cannot be written is no error."""
        if not self.write:
            return
        try:
            _COMPILED.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            self.write = False


def compile_templates() -> int:
    """Compile every template into the cache (``python -m feeds.pages``); return how many."""
    environment = _new_environment(_CompiledTemplates(write=True))
    names = environment.list_templates(filter_func=lambda name: "__pycache__" not in name)
    for name in names:
        environment.get_template(name)
    return len(names)


@cache
def _environment() -> Environment:
    """Build the template environment once per process (templates compile on first use)."""
    return _new_environment(_CompiledTemplates(write=not sys.dont_write_bytecode))


def _new_environment(compiled: FileSystemBytecodeCache) -> Environment:
    environment = Environment(
        # A run renders a thousand pages from templates that do not change under
        # it: without this, Jinja checks each template's file on every page.
        auto_reload=False,
        bytecode_cache=compiled,
        loader=PackageLoader("feeds", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["json_ld"] = _json_ld
    environment.filters["web"] = _is_web_url
    return environment


def _finalize(value: object) -> object:
    """Drop the characters XML and HTML cannot carry from every text a template prints."""
    if isinstance(value, Markup):
        return value
    return xml_safe(value) if isinstance(value, str) else value


def _json_ld(data: object) -> Markup:
    """Return JSON for a ``<script type="application/ld+json">``, safe whatever the text.

    ``<``, ``>`` and ``&`` become JSON escapes, so no title can close the
    element or open a comment in it; JSON parsers read the same text back.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # str.replace, not str.translate: three passes in C beat a dict lookup per character.
    for character, escape in _SCRIPT_SAFE:
        text = text.replace(character, escape)
    return Markup(text)  # noqa: S704


def _is_web_url(url: str | None) -> bool:
    """Tell whether ``url`` is http(s); a ``javascript:`` link is never made a link."""
    return bool(url) and urlsplit(url or "").scheme.lower() in {"http", "https"}


# --- times -------------------------------------------------------------------


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """Return ``moment`` in ``zone``, resolved (a wall time in a gap comes out shifted)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone)


# English names, whatever the process locale; strftime was also the slowest part of a page.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day(moment: date) -> str:
    """Return "Sat 3 Jan 2026"."""
    weekday, month = _WEEKDAYS[moment.weekday()][:3], _MONTHS[moment.month - 1][:3]
    return f"{weekday} {moment.day} {month} {moment.year}"


def _long_day(day: date) -> str:
    """Return "Saturday 3 January 2026" for a day heading."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _clock(moment: datetime) -> str:
    """Return "18:00"."""
    return f"{moment.hour:02}:{moment.minute:02}"


def _zone_name(moment: datetime) -> str:
    """Return the zone as people read it: "CST (Asia/Shanghai)", or just "UTC"."""
    abbreviation = moment.tzname() or ""
    key = getattr(moment.tzinfo, "key", "")
    if not key or abbreviation == key:
        return abbreviation or key
    return f"{abbreviation} ({key})"


def _span(start: datetime, end: datetime) -> str:
    """Return "18:00–18:30 CST (Asia/Shanghai)"; the end names its own zone when it differs."""
    if end.tzname() != start.tzname():
        return f"{_clock(start)} {start.tzname()}–{_clock(end)} {_zone_name(end)}"
    return f"{_clock(start)}–{_clock(end)} {_zone_name(start)}"


# --- view values ---------------------------------------------------------------


class _Slot(NamedTuple):
    """One airing as a page shows it: every text ready to print.

    A named tuple: a page makes one per airing it lists, and a frozen
    dataclass's field-by-field ``__init__`` was a fifth of a page's cost.
    """

    show_id: str
    show_title: str
    page: str
    label: str | None
    title: str | None
    summary: str
    link: str | None
    segments: tuple[Segment, ...]
    channel: str | None
    day: str
    times: str
    start: str
    end: str
    on_now: bool
    cancelled: bool
    reason: str
    rerun: bool
    moved_from: str | None


class _Slots:
    """Makes the slots of one page: the site's lookups done once, not once per airing."""

    def __init__(self, site: Site, now: datetime) -> None:
        self.site = site
        self.now = now
        # Reversed, so a repeated id finds its first channel, as Site.channel does.
        self.channels = {channel.id: channel for channel in reversed(site.channels)}
        self.pages: dict[str, str] = {}

    def channel(self, channel_id: str | None) -> Channel | None:
        """Return the channel with this id, or None."""
        return self.channels.get(channel_id) if channel_id is not None else None

    def page(self, show_id: str) -> str:
        """Return the file name of the show's page."""
        found = self.pages.get(show_id)
        if found is None:
            found = self.pages[show_id] = renderer("html").file_name(show_id)
        return found

    def slot(self, airing: Airing, show: Show) -> _Slot:
        """Describe ``airing`` for a page, its times in the show's zone."""
        start, end = _local(airing.start, show.timezone), _local(airing.end, show.timezone)
        channel = self.channel(airing.channel)
        now = self.now
        return _Slot(
            show_id=show.id,
            show_title=airing.show_title,
            page=self.page(show.id),
            label=_label(airing),
            title=airing.title,
            summary=airing.summary,
            link=airing.link if airing.link and _is_web_url(airing.link) else None,
            segments=airing.segments,
            channel=channel.name if channel is not None else None,
            day=_day(start),
            times=_span(start, end),
            start=writable(start).isoformat(),
            end=writable(end).isoformat(),
            on_now=airing.start <= now < airing.end and not airing.cancelled,
            cancelled=airing.cancelled,
            reason=airing.reason or "",
            rerun=airing.rerun,
            moved_from=_moved_from(airing, show),
        )


def _label(airing: Airing) -> str | None:
    """Return the episode label; a rerun shows the episode it repeats."""
    if airing.rerun and airing.rerun_of is not None:
        return episode_label_of(airing.season, airing.rerun_of)
    return episode_label(airing)


def _moved_from(airing: Airing, show: Show) -> str | None:
    """Return the original time of a moved airing, e.g. "Wed 18 Feb 2026 18:00 CST"."""
    if airing.moved_from is None:
        return None
    before = _local(airing.moved_from, show.timezone)
    return f"{_day(before)} {_clock(before)} {before.tzname()}"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Link:
    """A link to one published file: where it is and what it is."""

    title: str
    href: str
    url: str
    media_type: str


def _link(site: Site, name: str, show_id: str | None, title: str) -> _Link:
    """Link to the file renderer ``name`` writes for a show (None: the network)."""
    record = renderer(name)
    file_name = record.file_name(show_id)
    return _Link(
        title=title,
        href=file_name,
        url=site_url(site, file_name),
        media_type=record.media_type.split(";")[0],
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Subscribe:
    """The subscribe block: a calendar three ways, and the feeds."""

    calendar: _Link
    webcal: str
    google: str
    feeds: tuple[_Link, ...]


def _subscribe(site: Site, show_id: str | None, feeds: tuple[_Link, ...]) -> _Subscribe:
    """Build the subscribe block for a show's calendar (None: the network's)."""
    calendar = _link(site, "ics", show_id, "Calendar (iCalendar)")
    webcal = _webcal(calendar.url)
    return _Subscribe(
        calendar=calendar,
        webcal=webcal,
        google=_GOOGLE_SUBSCRIBE + quote(webcal, safe=""),
        feeds=feeds,
    )


def _webcal(url: str) -> str:
    """Return ``url`` with its scheme replaced by ``webcal``, which opens a calendar app."""
    return urlunsplit(urlsplit(url)._replace(scheme="webcal"))


def _show_feeds(site: Site, show_id: str) -> tuple[_Link, ...]:
    """Return the feeds of one show, in the order feed readers should prefer them."""
    return (
        _link(site, "rss", show_id, "RSS"),
        _link(site, "atom", show_id, "Atom"),
        _link(site, "json", show_id, "JSON Feed"),
    )


def _network_feeds(site: Site) -> tuple[_Link, ...]:
    """Return the network-wide feeds: every show's episodes, then the schedule's changes."""
    return (
        _link(site, "rss", None, "All shows (RSS)"),
        _link(site, "atom", None, "All shows (Atom)"),
        _link(site, "json", None, "All shows (JSON Feed)"),
        _link(site, "changes-rss", None, "Schedule changes (RSS)"),
        _link(site, "changes-atom", None, "Schedule changes (Atom)"),
    )


# --- pages ---------------------------------------------------------------------


def _show_context(edition: Edition, show: Show) -> dict[str, Any]:
    """Everything ``show.html`` prints."""
    site, now = edition.site, edition.now
    slots = _Slots(site, now)
    ahead = [a for a in edition.window if a.show == show.id and a.end > now]
    upcoming = [slots.slot(a, show) for a in ahead]
    recent = [slots.slot(a, show) for a in edition.recent if a.show == show.id]
    feeds = _show_feeds(site, show.id)
    subscribe = _subscribe(site, show.id, feeds)
    channel = site.channel(show.channel)
    return {
        "site": site,
        "show": show,
        "channel": channel,
        "index_href": renderer("html").file_name(None),
        "feed_prefix": f"{show.title}: ",
        "alternates": (*feeds, subscribe.calendar),
        "subscribe": subscribe,
        "next": next((slot for slot in upcoming if not slot.cancelled), None),
        "upcoming": upcoming[:_FIRST],
        "later": upcoming[_FIRST:],
        "recent": recent[:_FIRST],
        "earlier": recent[_FIRST:],
        "json_ld": _series(site, show, zip(ahead, upcoming, strict=True), slots),
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class _Day:
    """One day of the index's schedule, in the site's zone."""

    heading: str
    day: str
    slots: tuple[_Slot, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _ShowCard:
    """A show on the index: its next airing and its files."""

    show: Show
    href: str
    next: _Slot | None
    feeds: tuple[_Link, ...]


def _index_context(edition: Edition) -> dict[str, Any]:
    """Everything ``index.html`` prints."""
    site, now = edition.site, edition.now
    shows = {show.id: show for show in site.shows}
    horizon = _schedule_end(now, site.timezone)
    make = _Slots(site, now)
    week = [a for a in _ahead(edition.window, now) if a.start < horizon and a.show in shows]
    slots = [(a, make.slot(a, shows[a.show])) for a in week]
    feeds = _network_feeds(site)
    subscribe = _subscribe(site, None, feeds)
    xmltv = _link(site, "xmltv", None, "TV guide (XMLTV)")
    return {
        "site": site,
        "feed_prefix": "",
        "alternates": (*feeds, subscribe.calendar, xmltv),
        "subscribe": subscribe,
        "xmltv": xmltv,
        "on_now": [slot for _, slot in slots if slot.on_now],
        "up_next": _up_next(edition, shows, make),
        "days": _days(slots, site.timezone),
        "shows": _cards(edition, shows, make),
        "json_ld": _network_graph(site, shows, slots, make),
    }


def _up_next(edition: Edition, shows: dict[str, Show], make: _Slots) -> list[_Slot]:
    """Return the next few airings across all shows that have not started and are not cancelled."""
    now, found = edition.now, []
    for airing in edition.window:
        if airing.start > now and not airing.cancelled and airing.show in shows:
            found.append(make.slot(airing, shows[airing.show]))
            if len(found) == _UP_NEXT:
                break
    return found


def _schedule_end(now: datetime, zone: ZoneInfo) -> datetime:
    """Return the end of the seventh day from today in the site's zone.

    Whole days, so the index's schedule grows once a day (like the calendar
    window) rather than each time a publish runs.
    """
    last = _local(now, zone).date() + timedelta(days=_SCHEDULE_DAYS)
    return datetime.combine(last, datetime.min.time(), tzinfo=zone).astimezone(UTC)


def _ahead(window: Iterable[Airing], now: datetime) -> Iterator[Airing]:
    """Yield the airings not over by ``now``, in the window's (start) order."""
    return (a for a in window if a.end > now)


def _days(slots: list[tuple[Airing, _Slot]], zone: ZoneInfo) -> list[_Day]:
    """Group the week's airings by their start day in the site's zone."""
    days: dict[date, list[_Slot]] = {}
    for airing, slot in slots:
        days.setdefault(_local(airing.start, zone).date(), []).append(slot)
    return [
        _Day(heading=_long_day(day), day=_day(day), slots=tuple(found))
        for day, found in days.items()
    ]


def _cards(edition: Edition, shows: dict[str, Show], make: _Slots) -> list[_ShowCard]:
    """One card per show, with its next airing that is not cancelled, in the site's order."""
    first: dict[str, Airing] = {}
    for airing in _ahead(edition.window, edition.now):
        if not airing.cancelled and airing.show in shows:
            first.setdefault(airing.show, airing)
    site = edition.site
    return [
        _ShowCard(
            show=show,
            href=make.page(show.id),
            next=make.slot(first[show.id], show) if show.id in first else None,
            feeds=(_link(site, "ics", show.id, "Calendar"), *_show_feeds(site, show.id)),
        )
        for show in site.shows
    ]


# --- schema.org ----------------------------------------------------------------

_STATUS = "https://schema.org/Event"


def _network_graph(
    site: Site, shows: dict[str, Show], slots: list[tuple[Airing, _Slot]], make: _Slots
) -> dict[str, Any]:
    """Every show as a TVSeries carrying its broadcasts of the coming week."""
    by_show: dict[str, list[tuple[Airing, _Slot]]] = {show_id: [] for show_id in shows}
    for airing, slot in slots:
        by_show[airing.show].append((airing, slot))
    series = [_series(site, show, by_show[show.id], make, context=False) for show in shows.values()]
    return {"@context": "https://schema.org", "@graph": series}


def _series(
    site: Site,
    show: Show,
    airings: Iterable[tuple[Airing, _Slot]],
    make: _Slots,
    *,
    context: bool = True,
) -> dict[str, Any]:
    """Return ``show`` as a schema.org TVSeries publishing ``airings`` (each with its slot)."""
    data: dict[str, Any] = {"@context": "https://schema.org"} if context else {}
    data |= {
        "@type": "TVSeries",
        "name": xml_safe(show.title),
        "url": site_url(site, make.page(show.id)),
        "inLanguage": xml_safe(site.language),
        "publication": [_broadcast(show, airing, slot, make) for airing, slot in airings],
    }
    data |= _present({"description": show.description, "sameAs": show.link, "image": show.image})
    if show.categories:
        data["genre"] = [xml_safe(c) for c in show.categories]
    return data


def _broadcast(show: Show, airing: Airing, slot: _Slot, make: _Slots) -> dict[str, Any]:
    """Return one airing as a BroadcastEvent; its times are the slot's (the show's zone)."""
    event: dict[str, Any] = {
        "@type": "BroadcastEvent",
        "name": xml_safe(_name(airing)),
        "startDate": slot.start,
        "endDate": slot.end,
        "eventStatus": _STATUS + _status(airing),
    }
    channel = make.channel(airing.channel)
    if channel is not None:
        event["isLiveBroadcast"] = not airing.rerun
        event["publishedOn"] = {
            "@type": "BroadcastService",
            "name": xml_safe(channel.name),
        } | _present({"url": channel.url})
    if airing.moved_from is not None:
        event["previousStartDate"] = writable(_local(airing.moved_from, show.timezone)).isoformat()
    event |= _present({"url": airing.link, "description": airing.summary})
    episode = _episode(airing)
    if episode:
        event["workPerformed"] = episode
    return event


def _name(airing: Airing) -> str:
    """Return "Let's Meet · Ep. 173: Title", without the rerun and cancelled words of headline()."""
    detail = ": ".join(part for part in (_label(airing), airing.title) if part)
    return f"{airing.show_title} · {detail}" if detail else airing.show_title


def _status(airing: Airing) -> str:
    """Return the schema.org EventStatusType suffix."""
    if airing.cancelled:
        return "Cancelled"
    return "Rescheduled" if airing.moved_from is not None else "Scheduled"


def _episode(airing: Airing) -> dict[str, Any] | None:
    """Return the episode aired as a TVEpisode, or None when it has no number or title."""
    number = airing.rerun_of if airing.rerun else airing.episode
    if number is None and not airing.title:
        return None
    episode: dict[str, Any] = {"@type": "TVEpisode"} | _present({"name": airing.title})
    if number is not None:
        episode["episodeNumber"] = number
    if airing.season is not None:
        episode["partOfSeason"] = {"@type": "TVSeason", "seasonNumber": airing.season}
    return episode


def _present(values: dict[str, str | None]) -> dict[str, str]:
    """Keep the values that are set, made safe for XML and HTML."""
    return {key: xml_safe(value) for key, value in values.items() if value}


if __name__ == "__main__":
    print(f"{compile_templates()} templates compiled into {_COMPILED}")  # noqa: T201
