"""The network-wide files, gathered show by show so a large network is never in memory at once.

The built-in network renderers read little of a network's window, and that
little can be kept as each show is done:

- ``schedule.ics``: every show's events, made once for the show's calendar,
  wait in the show's part file as that calendar holds them, and are copied
  into the network calendar show by show, by the kernel (``files.FilePiece``):
  they never pass through memory; the calendar's head only needs,
  per show, its earliest start and latest end (which zones, and the years
  they cover);
- ``xmltv.xml``: every show's programmes wait in its part file; a channel's
  are merged when the guide is written;
- ``index.html``: the week ahead, the next few airings, each show's next one;
- ``all.rss``/``all.atom``/``all.json``: the newest premieres, and for a feed
  with none, the airing whose revision changed last;
- the change log feeds: the change log.

That is a show's part (publisher/parts.py): a later publish reuses it for a
show whose inputs did not change and whose outputs are not due to change.

Any other network renderer (an extra one, or a built-in replaced) gets the
whole network's edition, as the built-ins would: every show's airings are kept.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, partial
from pathlib import Path

from feeds.edition import Edition, Revision, ScheduleChange
from feeds.registry import Renderer
from publisher.files import FilePiece
from publisher.parts import (
    PartWriter,
    ShowPart,
    calendar_key,
    guide_key,
    merged_programmes,
)
from schedule import timeline
from schedule.airing import Airing
from schedule.pickling import pickled_as_tuple
from schedule.site import Show, Site, network_order

__all__ = ["Gathered", "NetworkParts", "Rendered", "built_in", "start_order"]

_ICS, _XMLTV, _HTML = "feeds.ics.render_ics", "feeds.xmltv.render_xmltv", "feeds.pages.render_html"
_FEEDS = ("feeds.rss.render_rss", "feeds.atom.render_atom", "feeds.jsonfeed.render_json")
_CHANGES = ("feeds.changelog.render_changes_rss", "feeds.changelog.render_changes_atom")
_KNOWN = frozenset({_ICS, _XMLTV, _HTML, *_FEEDS, *_CHANGES})
# The index lists the airings of the next seven site-zone days; nine days of
# instants hold them whatever the zone (a superset: the page filters again).
_INDEX_REACH = timedelta(days=9)
_UP_NEXT = 4  # the index's "up next" list (feeds/pages.py); more is harmless, fewer is not

# A file's bytes: all at once, or piece by piece (some copied from other files);
# and what makes them.
Content = bytes | Iterable[bytes | FilePiece]
Maker = Callable[[], Content]


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Gathered:
    """What a gatherer kept of its shows, small enough to pass between processes."""

    parts: dict[str, ShowPart]
    windows: list[tuple[Airing, ...]]
    recents: list[tuple[Airing, ...]]
    revisions: dict[str, Revision]


@dataclass(frozen=True, slots=True)
class Rendered:
    """The maker of a network file its renderer makes from an edition; another process may.

    Called, it renders here; ``edition`` is what it renders, to send elsewhere.
    """

    renderer: Renderer
    edition: Callable[[], Edition]

    def __call__(self) -> bytes:
        """Render the file here."""
        return self.renderer.render(self.edition())


def built_in(renderer: Renderer) -> bool:
    """Tell whether ``renderer`` is one of airdates' own (an extra or a replaced one is not)."""
    return renderer.render.__qualname__ in _KNOWN


def start_order(airing: Airing) -> tuple[float, str]:
    """Return the sort key of a network's window: start, then id.

    The start as POSIX seconds, the same order as the instant's: two aware
    datetimes of different zones are both converted on every comparison,
    which made merging the index's airings (a few thousand) take 80 ms.
    """
    return (airing.start.timestamp(), airing.uid)


class NetworkParts:
    """What the network files need of each show, gathered as each show is published."""

    def __init__(
        self,
        site: Site,
        now: datetime,
        network: Sequence[Renderer],
        *,
        folder: Path,
        writer: PartWriter | None = None,
    ) -> None:
        """Prepare to gather for ``network`` (the network renderers).

        Show parts are read from ``folder`` (the state's parts folder) and
        new ones written by ``writer``.
        """
        self.site, self.now = site, now
        self.network = tuple(network)
        self.whole = not all(built_in(renderer) for renderer in self.network)
        kinds = {r.render.__qualname__ for r in self.network}
        self.wants_events = not self.whole and _ICS in kinds
        self._xmltv = not self.whole and _XMLTV in kinds
        self.folder = folder
        self.writer = writer
        self.digests: dict[str, str] = {}  # each show's input digest, for its part
        self.site_digest = ""  # the site settings' part of them
        self.parts: dict[str, ShowPart] = {}
        self.made: dict[str, ShowPart] = {}
        self._windows: list[tuple[Airing, ...]] = []
        self._recents: list[tuple[Airing, ...]] = []
        self._revisions: dict[str, Revision] = {}

    def add(  # noqa: PLR0913 - one show's findings
        self,
        show: Show,
        window: tuple[Airing, ...],
        recent: tuple[Airing, ...],
        revisions: dict[str, Revision],
        *,
        events: bytes | None,
        airings: int,
        next_change: datetime,
    ) -> None:
        """Take one show's part: ``events`` its calendar's VEVENTs, ``next_change`` its next."""
        if self.whole:
            self._windows.append(window)
            self._recents.append(recent)
            self._revisions.update(revisions)
            return
        if self.writer is None:
            msg = "show parts are gathered with a writer"
            raise RuntimeError(msg)
        quiet = ()
        if window:
            newest = max(window, key=lambda a: revisions[a.uid].changed)
            quiet = ((newest, revisions[newest.uid]),)
        part = ShowPart(
            show=show.id,
            channel=show.channel,
            digest=self.digests.get(show.id, ""),
            since=self.now,
            next_change=next_change,
            airings=airings,
            bounds=(min(window, key=_start), max(window, key=_end)) if window else (),
            index=_index_part(window, self.now),
            quiet=quiet,
            newest=start_order(recent[0]) if recent else None,
            stored=self.writer.write(
                show.id,
                events or b"",
                self._programmes(show, window),
                [(airing, revisions[airing.uid]) for airing in recent],
            ),
        )
        self.parts[show.id] = self.made[show.id] = part

    def reuse(self, part: ShowPart) -> None:
        """Take a show's part recorded by an earlier publish."""
        self.parts[part.show] = part

    def files(self, change_log: tuple[ScheduleChange, ...]) -> list[tuple[Renderer, Maker]]:
        """Return every network renderer with what makes its file's bytes, in registration order.

        Nothing is made until a maker is called: the publisher may call the
        calendar's in another process.
        """
        if self.whole:
            whole = cache(partial(self._whole_edition, change_log))
            return [(renderer, Rendered(renderer, whole)) for renderer in self.network]
        parts = self._ordered()
        feeds = cache(partial(self._feed_edition, parts, change_log))
        made: list[tuple[Renderer, Maker]] = []
        for renderer in self.network:
            kind = renderer.render.__qualname__
            if kind == _ICS:
                make: Maker = partial(self._calendar, parts)
            elif kind == _XMLTV:
                make = partial(self._guide, parts)
            elif kind == _HTML:
                make = Rendered(renderer, partial(self._index_edition, parts, change_log))
            else:
                make = Rendered(renderer, feeds)
            made.append((renderer, make))
        return made

    def keys(self) -> dict[str, str]:
        """Return, by file name, the key of the network calendar and guide (publisher/parts.py).

        A file whose key is the one recorded with it is what this publish
        would write again: it need not be made.
        """
        if self.whole:
            return {}
        parts = self._ordered()
        found = {}
        for renderer in self.network:
            kind = renderer.render.__qualname__
            if kind == _ICS:
                window = timeline.window(self.site, self.now)
                found[renderer.file_name(None)] = calendar_key(self.site_digest, parts, window)
            elif kind == _XMLTV:
                found[renderer.file_name(None)] = guide_key(self.site_digest, parts)
        return found

    def goes_apart(self, renderer: Renderer) -> bool:
        """Tell whether ``renderer``'s network file is one a second process had best make.

        The calendar (the largest file) and the index page (the slowest to
        render): together about what the guide and the feeds take.
        """
        return not self.whole and renderer.render.__qualname__ in {_ICS, _HTML}

    def gathered(self) -> Gathered:
        """Return what was gathered, to hand to another gatherer's ``absorb``."""
        return Gathered(
            parts=self.made, windows=self._windows, recents=self._recents,
            revisions=self._revisions,
        )

    def absorb(self, other: Gathered) -> None:
        """Take in another gatherer's shows (none of this one's), from any place in the network."""
        self.parts.update(other.parts)
        self.made.update(other.parts)
        self._windows += other.windows
        self._recents += other.recents
        self._revisions.update(other.revisions)

    # ------------------------------------------------------------------ parts

    def _ordered(self) -> list[ShowPart]:
        """Return the shows' parts in network order."""
        return [self.parts[show.id] for show in network_order(self.site) if show.id in self.parts]

    def _programmes(self, show: Show, window: tuple[Airing, ...]) -> list:  # type: ignore[type-arg]
        if not self._xmltv:
            return []
        from feeds.xmltv import programme_entries  # noqa: PLC0415 - only a network guide needs it

        return programme_entries(Edition(site=self.site, show=show, now=self.now, window=window))

    # ------------------------------------------------------------- the files

    def _calendar(self, parts: list[ShowPart]) -> Iterator[bytes | FilePiece]:
        """Yield the network calendar: its frame around each show's events, copied from its part."""
        from feeds.ics import calendar_frame  # noqa: PLC0415 - only a network calendar needs it

        bounds = tuple(sorted((a for part in parts for a in part.bounds), key=start_order))
        head, end = calendar_frame(Edition(site=self.site, show=None, now=self.now, window=bounds))
        yield head
        for part in parts:  # in network order, as render_ics orders a network's events
            events = part.events(self.folder)
            if events is not None:
                yield events
        yield end

    def _guide(self, parts: list[ShowPart]) -> Iterator[bytes]:
        from feeds.xmltv import guide_frame  # noqa: PLC0415 - only a network guide needs it

        head, tail = guide_frame(Edition(site=self.site, show=None, now=self.now))
        yield head.encode()
        for _, group in itertools.groupby(parts, key=lambda part: part.channel):
            lists = [listed for part in group if (listed := part.programmes(self.folder))]
            if lists:
                yield b"".join(merged_programmes(lists))
        yield tail.encode()

    def _index_edition(
        self, parts: list[ShowPart], change_log: tuple[ScheduleChange, ...]
    ) -> Edition:
        # Sorted whole: the parts' runs in order make it a merge, done in C.
        index = itertools.chain.from_iterable(part.index for part in parts)
        window = tuple(sorted(index, key=start_order))
        return Edition(site=self.site, show=None, now=self.now, window=window, changes=change_log)

    def _feed_edition(
        self, parts: list[ShowPart], change_log: tuple[ScheduleChange, ...]
    ) -> Edition:
        quiet = [pair for part in parts for pair in part.quiet]
        recent = self._newest(parts)
        return Edition(
            site=self.site,
            show=None,
            now=self.now,
            window=tuple(airing for airing, _ in quiet),
            recent=tuple(airing for airing, _ in recent),
            revisions={airing.uid: revision for airing, revision in (*recent, *quiet)},
            changes=change_log,
        )

    def _newest(self, parts: list[ShowPart]) -> list[tuple[Airing, Revision]]:
        """Return the network's ``feed_items`` newest premieres, newest first, with revisions.

        Shows are read newest premiere first; once the list is full, a show
        whose newest is older than the list's oldest has nothing to add, nor
        has any show after it.
        """
        limit = self.site.feed_items
        recent: list[tuple[Airing, Revision]] = []
        candidates = sorted((p for p in parts if p.newest is not None), key=_newest, reverse=True)
        for part in candidates:
            if recent and len(recent) >= limit and _newest(part) < _pair_order(recent[-1]):
                break
            merged = heapq.merge(recent, part.recent(self.folder), key=_pair_order, reverse=True)
            recent = [pair for _, pair in zip(range(limit), merged, strict=False)]
        return recent

    def _whole_edition(self, change_log: tuple[ScheduleChange, ...]) -> Edition:
        window = tuple(heapq.merge(*self._windows, key=start_order))
        newest = heapq.merge(*self._recents, key=start_order, reverse=True)
        first = zip(range(self.site.feed_items), newest, strict=False)
        recent = tuple(airing for _, airing in first)
        return Edition(
            site=self.site,
            show=None,
            now=self.now,
            window=window,
            recent=recent,
            revisions=self._revisions,
            changes=change_log,
        )


def _index_part(window: tuple[Airing, ...], now: datetime) -> tuple[Airing, ...]:
    """Return the airings of a show the index page could list, in window order.

    The week ahead, the first few not cancelled that have not started ("up
    next"), and the first not cancelled and not over (the show's card).
    """
    reach = now + _INDEX_REACH
    kept, up_next, card = [], 0, False
    for airing in window:
        if airing.end <= now:
            continue
        wanted = airing.start < reach
        if not airing.cancelled:
            if not card:
                card = wanted = True
            if airing.start > now and up_next < _UP_NEXT:
                up_next += 1
                wanted = True
        if wanted:
            kept.append(airing)
        elif up_next >= _UP_NEXT and card:
            break
    return tuple(kept)


def _pair_order(pair: tuple[Airing, Revision]) -> tuple[float, str]:
    return start_order(pair[0])


def _newest(part: ShowPart) -> tuple[float, str]:
    return part.newest  # type: ignore[return-value] - only parts with one are sorted


def _start(airing: Airing) -> datetime:
    return airing.start


def _end(airing: Airing) -> datetime:
    return airing.end

