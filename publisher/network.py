"""The network-wide files, gathered show by show so a large network is never in memory at once.

The built-in network renderers read little of a network's window, and that
little can be kept as each show is done:

- ``schedule.ics``: every show's events, made once for the show's calendar,
  wait in a spool file and are merged into the network calendar as it is
  written; the calendar's head only needs, per show, its earliest start and
  latest end (which zones, and the years they cover);
- ``xmltv.xml``: programmes come channel by channel, so each channel's part is
  rendered when its shows are done and waits in a spool file;
- ``index.html``: the week ahead, the next few airings, each show's next one;
- ``all.rss``/``all.atom``/``all.json``: the newest premieres, and for a feed
  with none, the airing whose revision changed last;
- the change log feeds: the change log.

Any other network renderer (an extra one, or a built-in replaced) gets the
whole network's edition, as the built-ins would: every show's airings are kept.
"""

from __future__ import annotations

import dataclasses
import heapq
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from feeds.edition import Edition, Revision, ScheduleChange
from feeds.registry import Renderer
from schedule.airing import Airing
from schedule.site import Show, Site

__all__ = ["Gathered", "NetworkParts", "network_order", "start_order"]

_ICS, _XMLTV, _HTML = "feeds.ics.render_ics", "feeds.xmltv.render_xmltv", "feeds.pages.render_html"
_FEEDS = ("feeds.rss.render_rss", "feeds.atom.render_atom", "feeds.jsonfeed.render_json")
_CHANGES = ("feeds.changelog.render_changes_rss", "feeds.changelog.render_changes_atom")
_KNOWN = frozenset({_ICS, _XMLTV, _HTML, *_FEEDS, *_CHANGES})
# The index lists the airings of the next seven site-zone days; nine days of
# instants hold them whatever the zone (a superset: the page filters again).
_INDEX_REACH = timedelta(days=9)
_UP_NEXT = 4  # the index's "up next" list (feeds/pages.py); more is harmless, fewer is not
_EVENTS_PER_FRAME = 32

# Where spooled bytes are: which gatherer's spool, offset, size.
_Piece = tuple[int, int, int]
# A file's bytes: all at once, or piece by piece.
Content = bytes | Iterable[bytes]
Event = tuple[datetime, str, bytes]


@dataclass(frozen=True, slots=True, kw_only=True)
class Gathered:
    """What a gatherer kept of its shows, small enough to pass between processes."""

    frames: list[list[_Piece]]
    xml_parts: list[_Piece]
    bounds: list[Airing]
    index: list[tuple[Airing, ...]]
    recent: list[tuple[Airing, Revision]]
    quiet: list[tuple[Airing, Revision]]
    windows: list[tuple[Airing, ...]]
    recents: list[tuple[Airing, ...]]
    revisions: dict[str, Revision]


def start_order(airing: Airing) -> tuple[datetime, str]:
    """Return the sort key of a network's window: start, then id."""
    return (airing.start, airing.uid)


def network_order(site: Site) -> list[Show]:
    """Return the site's shows grouped by channel in the site's order (XMLTV's), stable."""
    rank = {channel.id: index for index, channel in enumerate(site.channels)}
    last = len(rank)
    return sorted(site.shows, key=lambda show: rank.get(show.channel or "", last))


class NetworkParts:
    """What the network files need of each show, gathered as each show is published."""

    def __init__(
        self, site: Site, now: datetime, network: Sequence[Renderer], spool: Path, part: int = 0
    ) -> None:
        """Prepare to gather for ``network`` (the network renderers); spools go in ``spool``.

        ``part`` numbers this gatherer's spool when several gather one
        publish's shows (see ``gathered`` and ``absorb``).
        """
        self.site, self.now = site, now
        self.network = tuple(network)
        kinds = {r.render.__qualname__ for r in self.network}
        self.whole = not kinds <= _KNOWN
        self.wants_events = not self.whole and _ICS in kinds
        self._xmltv = not self.whole and _XMLTV in kinds
        self._spool_folder = spool
        self._part = part
        self._spools: dict[int, IO[bytes]] = {}
        self._frames: list[list[_Piece]] = []
        self._xml_parts: list[_Piece] = []
        self._channel: str | None = None
        self._channel_airings: list[tuple[Airing, ...]] = []
        self._shows_of_channel: list[Show] = []
        self._bounds: list[Airing] = []
        self._index: list[tuple[Airing, ...]] = []
        self._recent: list[tuple[Airing, Revision]] = []
        self._quiet: list[tuple[Airing, Revision]] = []
        self._windows: list[tuple[Airing, ...]] = []
        self._recents: list[tuple[Airing, ...]] = []
        self._revisions: dict[str, Revision] = {}

    def add(
        self,
        show: Show,
        window: tuple[Airing, ...],
        recent: tuple[Airing, ...],
        revisions: dict[str, Revision],
        events: list[Event] | None = None,
    ) -> None:
        """Take one show's part (shows come in ``network_order``); ``events`` its calendar's."""
        if self.whole:
            self._windows.append(window)
            self._recents.append(recent)
            self._revisions.update(revisions)
            return
        if events:
            self._frames.append(self._spool_events(events))
        if window:
            self._bounds.append(min(window, key=_start))
            self._bounds.append(max(window, key=_end))
            self._index.append(_index_part(window, self.now))
            newest = max(window, key=lambda a: revisions[a.uid].changed)
            self._quiet.append((newest, revisions[newest.uid]))
        self._add_recent(recent, revisions)
        if self._xmltv:
            self._add_programmes(show, window)

    def files(self, change_log: tuple[ScheduleChange, ...]) -> Iterator[tuple[Renderer, Content]]:
        """Yield every network renderer with its file's bytes, in registration order."""
        self._flush_channel()
        if self.whole:
            edition = self._whole_edition(change_log)
            for renderer in self.network:
                yield renderer, renderer.render(edition)
            return
        feeds = self._feed_edition(change_log)
        for renderer in self.network:
            kind = renderer.render.__qualname__
            if kind == _ICS:
                yield renderer, self._calendar(renderer)
            elif kind == _XMLTV:
                yield renderer, self._guide()
            elif kind == _HTML:
                yield renderer, renderer.render(self._index_edition(change_log))
            else:
                yield renderer, renderer.render(feeds)

    def close(self) -> None:
        """Remove the spool files."""
        for spool in self._spools.values():
            spool.close()
        self._spools.clear()

    def share(self, part: int, spool: IO[bytes]) -> None:
        """Use ``spool`` as gatherer ``part``'s spool file (another gatherer made it)."""
        self._spools[part] = spool

    def spool(self, part: int) -> IO[bytes]:
        """Return the spool file of gatherer ``part`` (made here: a forked gatherer shares it)."""
        if part not in self._spools:
            # Unnamed (O_TMPFILE where there is one): nothing is left behind by a crash.
            self._spools[part] = tempfile.TemporaryFile(dir=self._spool_folder)  # noqa: SIM115
        return self._spools[part]

    def append(self, data: bytes) -> _Piece:
        """Append ``data`` to this gatherer's spool; return where it is."""
        spool = self.spool(self._part)
        offset = spool.seek(0, os.SEEK_END)
        spool.write(data)
        return self._part, offset, len(data)

    def read(self, piece: _Piece) -> bytes:
        """Return the bytes of a piece of any gatherer's spool."""
        part, offset, size = piece
        spool = self.spool(part)
        spool.flush()
        return os.pread(spool.fileno(), size, offset)

    def gathered(self) -> Gathered:
        """Return what was gathered, to hand to another gatherer's ``absorb`` (spools stay put)."""
        self._flush_channel()
        for spool in self._spools.values():
            spool.flush()
        return Gathered(
            frames=self._frames, xml_parts=self._xml_parts, bounds=self._bounds,
            index=self._index, recent=self._recent, quiet=self._quiet,
            windows=self._windows, recents=self._recents, revisions=self._revisions,
        )

    def absorb(self, other: Gathered) -> None:
        """Take in another gatherer's shows, which come after this one's in ``network_order``."""
        self._flush_channel()
        self._frames += other.frames
        self._xml_parts += other.xml_parts
        self._bounds += other.bounds
        self._index += other.index
        self._quiet += other.quiet
        self._windows += other.windows
        self._recents += other.recents
        self._revisions.update(other.revisions)
        merged = heapq.merge(self._recent, other.recent, key=_pair_order, reverse=True)
        self._recent = [pair for _, pair in zip(range(self.site.feed_items), merged, strict=False)]

    # ------------------------------------------------------------ gathering

    def _spool_events(self, events: list[Event]) -> list[_Piece]:
        step = _EVENTS_PER_FRAME
        starts = range(0, len(events), step)
        return [self.append(pickle.dumps(events[i : i + step])) for i in starts]

    def _add_recent(self, recent: tuple[Airing, ...], revisions: dict[str, Revision]) -> None:
        mine = [(airing, revisions[airing.uid]) for airing in recent]
        merged = heapq.merge(self._recent, mine, key=_pair_order, reverse=True)
        self._recent = [pair for _, pair in zip(range(self.site.feed_items), merged, strict=False)]

    def _add_programmes(self, show: Show, window: tuple[Airing, ...]) -> None:
        if show.channel != self._channel:
            self._flush_channel()
            self._channel = show.channel
        self._shows_of_channel.append(show)
        self._channel_airings.append(window)

    def _flush_channel(self) -> None:
        """Render the programmes of the channel whose shows are done, into the spool."""
        if not self._channel_airings:
            return
        airings = tuple(heapq.merge(*self._channel_airings, key=start_order))
        site = dataclasses.replace(self.site, shows=tuple(self._shows_of_channel))
        self._channel_airings, self._shows_of_channel = [], []
        from feeds.xmltv import programmes_text  # noqa: PLC0415 - only a network guide needs it

        programmes = programmes_text(Edition(site=site, show=None, now=self.now, window=airings))
        if programmes:
            self._xml_parts.append(self.append(programmes.encode()))

    def _xml_frame(self) -> tuple[bytes, bytes]:
        """Return the guide's text before its programmes and after them."""
        from feeds.xmltv import guide_frame  # noqa: PLC0415 - only a network guide needs it

        head, tail = guide_frame(Edition(site=self.site, show=None, now=self.now))
        return head.encode(), tail.encode()

    # ------------------------------------------------------------- the files

    def _calendar(self, renderer: Renderer) -> Iterator[bytes]:
        from feeds.ics import calendar_chunks  # noqa: PLC0415 - only a network calendar needs it

        del renderer
        bounds = tuple(sorted(self._bounds, key=start_order))
        edition = Edition(site=self.site, show=None, now=self.now, window=bounds)
        yield from calendar_chunks(edition, [self._events(frames) for frames in self._frames])

    def _events(self, frames: list[_Piece]) -> Iterator[Event]:
        for piece in frames:
            yield from pickle.loads(self.read(piece))  # noqa: S301 - our own spool

    def _guide(self) -> Iterator[bytes]:
        head, tail = self._xml_frame()
        yield head
        for piece in self._xml_parts:
            yield self.read(piece)
        yield tail

    def _index_edition(self, change_log: tuple[ScheduleChange, ...]) -> Edition:
        window = tuple(heapq.merge(*self._index, key=start_order))
        return Edition(site=self.site, show=None, now=self.now, window=window, changes=change_log)

    def _feed_edition(self, change_log: tuple[ScheduleChange, ...]) -> Edition:
        kept = [*self._recent, *self._quiet]
        return Edition(
            site=self.site,
            show=None,
            now=self.now,
            window=tuple(airing for airing, _ in self._quiet),
            recent=tuple(airing for airing, _ in self._recent),
            revisions={airing.uid: revision for airing, revision in kept},
            changes=change_log,
        )

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


def _pair_order(pair: tuple[Airing, Revision]) -> tuple[datetime, str]:
    return start_order(pair[0])


def _start(airing: Airing) -> datetime:
    return airing.start


def _end(airing: Airing) -> datetime:
    return airing.end

