"""A show's rules, changes and metadata indexed once, for fast lookups while expanding."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from schedule.recurrence import occurrences, occurrences_before, resolve_utc
from schedule.site import Anchor, Change, EpisodeInfo, Extra, Recurrence, Show

__all__ = ["Counts", "Plan", "Segment", "Slot", "Source", "first_date", "plan_of"]

_EPOCH = datetime(1, 1, 1)  # noqa: DTZ001 - local wall-clock times are naive by design
_TICK = timedelta(microseconds=1)
_DAY = timedelta(days=1)
_SECOND_DAY = _EPOCH + _DAY
_NO_JUMP = timedelta(0)

Source = Recurrence | Extra  # what makes a slot: a rule's occurrence or a one-off


@dataclass(frozen=True, slots=True, kw_only=True)
class Slot:
    """A place in the schedule before changes: its original local start and source."""

    at: datetime
    duration: timedelta | None
    rerun: bool = False
    numbered: bool = True
    extra: Extra | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """A stretch numbered on its own: before the first season, or one season."""

    season: int | None
    lo: datetime
    anchor: Anchor | None


class Plan:
    """A show's slots, changes and episode metadata, indexed by local start."""

    def __init__(self, show: Show) -> None:
        """Index ``show``; changes must already be found by ``at``."""
        self.show = show
        self.changes: dict[datetime, Change] = {c.at: c for c in show.changes if c.at is not None}
        self.cancelled = frozenset(at for at, c in self.changes.items() if c.cancel is not None)
        self.moves = tuple((at, c) for at, c in self.changes.items() if c.move_to is not None)
        self._moved = frozenset(at for at, _ in self.moves)
        self.extras: dict[datetime, Extra] = {e.at: e for e in show.extras}
        self._unnumbered_extras = frozenset(e.at for e in show.extras if not e.numbered)
        self.info_by_at: dict[datetime, EpisodeInfo] = {i.at: i for i in show.episodes if i.at}
        self.info_by_number: dict[tuple[int | None, int], EpisodeInfo] = {
            (i.season, i.number): i for i in show.episodes if i.number is not None and i.at is None
        }
        self.segments = _segments(show)
        self._segment_starts = [segment.lo for segment in self.segments]
        self.earliest = _earliest(show)

    def slots(self, lo: datetime, hi: datetime) -> list[Slot]:
        """Return the slots with an original local start in ``[lo, hi)``, in order."""
        return [_slot(at, source) for at, source in self.sources(lo, hi)]

    def sources(self, lo: datetime, hi: datetime) -> list[tuple[datetime, Source]]:
        """Return ``(local start, rule or extra)`` of the slots in ``[lo, hi)``, in order.

        What :meth:`slots` lists, without building a Slot for each.
        """
        found: dict[datetime, Source] = {}
        for extra in self.show.extras:
            if lo <= extra.at < hi:
                found[extra.at] = extra
        for rec in self.show.airs:
            for at in occurrences(rec.rule, rec.first, rec.last, lo, hi):
                # An extra or an earlier rule at the same moment wins: one airing per start.
                found.setdefault(at, rec)
        return sorted(found.items())  # starts are unique: the sources are never compared

    def slot_at(self, at: datetime) -> Slot | None:
        """Return the slot originally starting at local ``at``, if there is one."""
        sources = self.sources(at, at + _TICK)
        return _slot(*sources[0]) if sources else None

    def numbered_starts(self, lo: datetime, hi: datetime) -> list[datetime]:
        """Return the local starts of numbered, uncancelled slots in ``[lo, hi)``, ascending.

        A premiere rule's start that an unnumbered extra takes the place of
        (``sources``: the extra wins) is not numbered, nor one that a slot in
        a spring-forward gap takes (``shadowed``).
        """
        starts: set[datetime] = {e.at for e in self.show.extras if e.numbered and lo <= e.at < hi}
        for rec in self._premiere_rules():
            starts.update(occurrences(rec.rule, rec.first, rec.last, lo, hi))
        found = sorted(starts - self.cancelled - self._unnumbered_extras)
        offset = self.show.timezone.utcoffset
        # Only a start within a day after a clock change can be shadowed: one comparison each.
        return [
            at for at in found
            if at < _SECOND_DAY or offset(at) == offset(at - _DAY) or not self.shadowed(at)
        ]

    def shadowed(self, at: datetime) -> bool:
        """Tell whether an earlier slot, in a spring-forward gap, starts at the instant of ``at``.

        The gap's 02:30 is the 03:30 after it: one instant, one airing, and
        the earlier local time is the one listed (timeline's expansion), so
        the slot at ``at`` does not air and takes no number.
        """
        if at < _SECOND_DAY:
            return False  # no day before it to change the clock
        offset = self.show.timezone.utcoffset
        jump = offset(at) - offset(at - _DAY)  # type: ignore[operator]  # a zone has offsets
        if jump <= _NO_JUMP:
            return False
        earlier = at - jump
        zone = self.show.timezone
        if resolve_utc(earlier, zone) != resolve_utc(at, zone):
            return False
        return bool(self.sources(earlier, earlier + _TICK))

    def previous_numbered(self, before: datetime) -> datetime | None:
        """Return the numbered, uncancelled slot that last airs before local ``before``.

        By when each airs: a premiere moved past ``before`` has not aired by
        then (a rerun at 10:00 does not repeat the episode moved to 19:00),
        and one moved from later to earlier has. Returns the slot's original
        start, which its number and metadata go by.
        """
        best: datetime | None = None
        skipped = self.cancelled | self._unnumbered_extras | self._moved
        for rec in self._premiere_rules():
            for at in occurrences_before(rec.rule, rec.first, rec.last, before):
                if at not in skipped and not self.shadowed(at):
                    best = at if best is None or at > best else best
                    break
        numbered_extras = (e.at for e in self.show.extras if e.numbered and e.at < before)
        for at in numbered_extras:
            if at not in skipped and (best is None or at > best) and not self.shadowed(at):
                best = at
        airs = best  # when the best so far airs: not moved, at its original start
        for at, change in self.moves:
            target = change.move_to
            if target is None or not target < before or (airs is not None and target <= airs):
                continue
            slot = self.slot_at(at)
            if slot is not None and slot.numbered and at not in self.cancelled:
                best, airs = at, target
        return best

    def segment(self, at: datetime) -> Segment:
        """Return the numbering segment (season) a local start belongs to."""
        index = bisect_left(self._segment_starts, at + _TICK) - 1
        return self.segments[max(index, 0)]

    def number(
        self, at: datetime, cache: Counts | None = None, segment: Segment | None = None
    ) -> tuple[int | None, int | None]:
        """Return ``(season, episode)`` of the numbered slot at ``at`` (episode None below 1).

        ``segment``, when given, must be ``self.segment(at)``.
        """
        segment = segment or self.segment(at)
        counts = cache or Counts(self)
        if segment.anchor is not None:
            episode = segment.anchor.episode + counts.between(segment.anchor.at, at)
        else:
            episode = 1 + counts.between(segment.lo, at)
        return segment.season, episode if episode >= 1 else None

    def _premiere_rules(self) -> tuple[Recurrence, ...]:
        return tuple(rec for rec in self.show.airs if not rec.rerun)


def _slot(at: datetime, source: Source) -> Slot:
    """Return the slot at ``at`` that a rule or an extra makes."""
    if isinstance(source, Extra):
        return Slot(at=at, duration=source.duration, numbered=source.numbered, rerun=False,
                    extra=source)
    return Slot(at=at, duration=source.duration, rerun=source.rerun, numbered=not source.rerun)


class Counts:
    """Counts numbered slots between two local starts, reusing one sorted list.

    ``horizon`` is how far ahead the caller will ask: the list is loaded up to
    it at once, and grows by doubling, so a run of lookups costs one expansion.
    """

    def __init__(self, plan: Plan, horizon: datetime | None = None) -> None:
        self._plan = plan
        self._horizon = horizon
        self._lo = self._hi = _EPOCH
        self._loaded = False
        self._starts: list[datetime] = []

    def between(self, a: datetime, b: datetime) -> int:
        """Return (numbered starts in [a, b)) when a <= b, else minus those in [b, a)."""
        if a > b:
            return -self.between(b, a)
        if not self._loaded:
            self._load(a, max(b, self._horizon or b))
        elif not (self._lo <= a and b <= self._hi):
            span = self._hi - self._lo
            earlier = self._lo - span if self._lo - _EPOCH > span else _EPOCH
            self._load(min(a, earlier), max(b, self._hi + span))
        return bisect_left(self._starts, b) - bisect_left(self._starts, a)

    def _load(self, lo: datetime, hi: datetime) -> None:
        # Nothing airs before the earliest start: expand from there, but remember
        # the range asked for so that later lookups inside it stay lookups.
        self._lo, self._hi, self._loaded = lo, hi, True
        first = self._plan.earliest
        self._starts = self._plan.numbered_starts(max(lo, first), max(hi, first))


def _segments(show: Show) -> tuple[Segment, ...]:
    anchor = show.numbering
    seasons = sorted(show.seasons, key=lambda s: s.first)
    bounds = [datetime.combine(s.first, time()) for s in seasons]

    def owns(lo: datetime, hi: datetime | None) -> Anchor | None:
        if anchor is not None and lo <= anchor.at and (hi is None or anchor.at < hi):
            return anchor
        return None

    first_hi = bounds[0] if bounds else None
    segments = [Segment(season=None, lo=_EPOCH, anchor=owns(_EPOCH, first_hi))]
    for index, season in enumerate(seasons):
        hi = bounds[index + 1] if index + 1 < len(bounds) else None
        segments.append(Segment(season=season.number, lo=bounds[index],
                                 anchor=season.anchor or owns(bounds[index], hi)))
    return tuple(segments)


def _earliest(show: Show) -> datetime:
    candidates = [datetime.combine(rec.first, time()) for rec in show.airs]
    candidates += [e.at for e in show.extras]
    candidates += [c.move_to for c in show.changes if c.move_to is not None]
    return min(candidates, default=_EPOCH)


def first_date(show: Show) -> date | None:
    """Return the first local date any of the show's airings can fall on."""
    earliest = _earliest(show)
    return None if earliest == _EPOCH else earliest.date()


@lru_cache(maxsize=4096)
def plan_of(show: Show) -> Plan:
    """Return the (cached) plan of a show."""
    return Plan(show)
