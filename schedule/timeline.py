"""A show's airings in a time range: rules, extras, changes, numbering, metadata.

Ranges are half-open, ``[start, stop)``, on the airing's actual (moved) start.
"""

from __future__ import annotations

import heapq
from datetime import UTC, datetime, time, timedelta

from schedule.airing import Airing, new_airing
from schedule.plan import Counts, Plan, Source, plan_of
from schedule.recurrence import resolve, resolve_utc
from schedule.site import Change, EpisodeInfo, Extra, Show, Site

__all__ = [
    "aired", "current_start", "show_airings", "show_timeline", "site_aired", "site_airings",
    "window",
]

_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)
_FIRST_LOOK_BACK = timedelta(weeks=8)
_GAP_REACH = timedelta(hours=3)  # the widest jump of a clock (Lord Howe's is half an hour)
_NO_INFO = EpisodeInfo()
_ZERO = timedelta(0)


def window(site: Site, now: datetime) -> tuple[datetime, datetime]:
    """Return the calendar window ``[start, stop)`` around ``now`` (aware).

    From the start of the site-zone day ``site.past`` before now to the end of
    the day ``site.future`` after now: it moves once a day, not every run.
    """
    local = now.astimezone(site.timezone).replace(tzinfo=None)
    first_day = (local - site.past).date()
    last_day = (local + site.future).date()
    start = resolve(datetime.combine(first_day, time()), site.timezone)
    stop = resolve(datetime.combine(last_day + _DAY, time()), site.timezone)
    return start, stop


def show_airings(site: Site, show: Show, start: datetime, stop: datetime) -> tuple[Airing, ...]:
    """Return the show's airings starting in ``[start, stop)``, in start order."""
    del site  # the show carries everything; kept for a uniform call shape
    return tuple(a for _, _, a in _expand(plan_of(show), start, stop))


def current_start(show: Show, original: datetime) -> datetime | None:
    """Return where the show's airing originally starting at ``original`` starts now (moved or not).

    None when the show has no such airing any more (its rule, or the extra,
    is gone). ``original`` is the instant of the airing's id.
    """
    plan, zone = plan_of(show), show.timezone
    wall = original.astimezone(zone).replace(tzinfo=None)
    # The slot's own wall time: a slot in a spring-forward gap (02:30) starts an hour on.
    near = plan.sources(wall - _GAP_REACH, wall + _TICK)
    local = next((at for at, _ in reversed(near) if resolve_utc(at, zone) == original), None)
    if local is None:
        return None
    change = plan.changes.get(local)
    moved = change.move_to if change is not None else None
    return resolve(moved if moved is not None else local, zone)


def show_timeline(  # noqa: PLR0913, PLR0917 - the arguments of the two calls it stands for
    site: Site, show: Show, now: datetime, start: datetime, stop: datetime, limit: int
) -> tuple[tuple[Airing, ...], tuple[Airing, ...]]:
    """Return ``show_airings(site, show, start, stop)`` and ``aired(site, show, now, limit)``.

    The premieres come out of the range's airings when the range holds ``now``,
    so a publisher expands each airing once.
    """
    del site
    plan = plan_of(show)
    keyed = _expand(plan, start, stop)
    return tuple(a for _, _, a in keyed), _aired(plan, now, limit, keyed=keyed, start=start, stop=stop)


def site_airings(site: Site, start: datetime, stop: datetime) -> tuple[Airing, ...]:
    """Return every show's airings starting in ``[start, stop)``, in start order."""
    per_show = [show_airings(site, show, start, stop) for show in site.shows]
    return tuple(heapq.merge(*per_show, key=_order))


def aired(site: Site, show: Show, now: datetime, limit: int) -> tuple[Airing, ...]:
    """Return up to ``limit`` premieres (not reruns, not cancelled) started by ``now``, newest first."""
    del site
    return _aired(plan_of(show), now, limit)


def site_aired(site: Site, now: datetime, limit: int) -> tuple[Airing, ...]:
    """Return the ``limit`` newest premieres of every show started by ``now``, newest first."""
    per_show = [aired(site, show, now, limit) for show in site.shows]
    merged = heapq.merge(*per_show, key=_order, reverse=True)
    return tuple(a for _, a in zip(range(limit), merged, strict=False))


def _order(airing: Airing) -> tuple[float, str]:
    return airing.start.timestamp(), airing.uid


# An expanded airing with its sort key: (start timestamp, uid, airing).
_Keyed = tuple[float, str, Airing]


def _expand(plan: Plan, start: datetime, stop: datetime) -> list[_Keyed]:
    """Return the plan's airings starting in ``[start, stop)`` with their keys, in start order."""
    show = plan.show
    zone = show.timezone
    # In UTC: aware times sharing one zone object compare by wall clock, ignoring fold.
    start, stop = start.astimezone(UTC), stop.astimezone(UTC)
    lo = _local(start, show) - _DAY
    hi = _local(stop, show) + _DAY
    sources = plan.sources(lo, hi)
    sources += _moved_in(plan, {at for at, _ in sources}, start, stop)
    counts = Counts(plan, horizon=hi)
    keyed: dict[datetime, _Keyed] = {}
    changes = plan.changes
    for at, source in sources:
        original = resolve_utc(at, zone)
        change = changes.get(at)
        target = None if change is None else change.move_to
        moved = None if target is None else resolve_utc(target, zone)
        actual = original if moved is None else moved
        # Two local times can resolve to one instant (02:30 and 03:30 on a spring-forward day).
        if start <= actual < stop and original not in keyed:
            airing = _airing(plan, at, source, counts, (original, moved, change))
            keyed[original] = (actual.timestamp(), airing.uid, airing)
    return sorted(keyed.values(), key=_key)


def _key(item: _Keyed) -> tuple[float, str]:
    return item[0], item[1]


def _aired(  # noqa: PLR0913 - the range and its expansion travel together
    plan: Plan, now: datetime, limit: int, *,
    keyed: list[_Keyed] | None = None, start: datetime | None = None, stop: datetime | None = None,
) -> tuple[Airing, ...]:
    """Return up to ``limit`` premieres started by ``now``, newest first.

    Looks back from ``now`` in chunks that double, down to the show's earliest
    start. ``keyed``, the expansion of ``[start, stop)``, stands in for the
    chunks it covers when that cannot change the answer (see ``_range_free``).
    """
    if limit <= 0:
        return ()
    show = plan.show
    found: list[Airing] = []
    hi, span = now + _TICK, _FIRST_LOOK_BACK
    earliest = resolve(plan.earliest - _DAY, show.timezone) if plan.earliest.year > 1 else None
    if keyed is not None and start is not None and stop is not None and earliest is not None:
        # In UTC: aware times sharing one zone object compare by wall clock, ignoring fold.
        start, stop, edge = start.astimezone(UTC), stop.astimezone(UTC), hi.astimezone(UTC)
        if start <= edge <= stop and _range_free(plan):
            # timestamp() never reverses an order: only an equal stamp needs the exact comparison.
            stamp = edge.timestamp()
            found.extend(a for ts, _, a in reversed(keyed) if not a.rerun and not a.cancelled
                         and (ts < stamp or (ts == stamp and a.start < edge)))
            if len(found) >= limit or start <= earliest:
                return tuple(found[:limit])
            hi = start
    while len(found) < limit:
        lo = hi - span
        chunk = _expand(plan, lo, hi)
        found.extend(a for _, _, a in reversed(chunk) if not a.rerun and not a.cancelled)
        if earliest is None or lo <= earliest:
            break
        hi, span = lo, span * 2
    return tuple(found[:limit])


def _range_free(plan: Plan) -> bool:
    """Tell whether every airing is the same whatever range lists it.

    Only two slots resolving to one instant, one of them moved, break that:
    which of the two a range lists then depends on where the range ends.
    """
    zone = plan.show.timezone
    for at, _ in plan.moves:
        original = resolve_utc(at, zone)
        if resolve(at, zone).replace(tzinfo=None) != at:
            return False  # in a spring-forward gap: the slot an hour later shares its instant
        if any(resolve_utc(other, zone) == original for other, _ in plan.sources(at - _DAY, at)):
            return False
    return True


def _local(moment: datetime, show: Show) -> datetime:
    return moment.astimezone(show.timezone).replace(tzinfo=None)


def _moved_in(
    plan: Plan, seen: set[datetime], start: datetime, stop: datetime
) -> list[tuple[datetime, Source]]:
    """Return the sources of slots from outside the range that a change moves into it."""
    moved = []
    for at, change in plan.moves:
        if at in seen or change.move_to is None:
            continue
        if start <= resolve_utc(change.move_to, plan.show.timezone) < stop:
            found = plan.sources(at, at + _TICK)
            moved.extend(found[:1])
    return moved


def _airing(
    plan: Plan, at: datetime, source: Source, counts: Counts,
    resolved: tuple[datetime, datetime | None, Change | None],
) -> Airing:
    """Build the airing of the slot at ``at``.

    ``resolved`` holds its original and moved starts in UTC (moved None when
    it is not moved) and its change.
    """
    show = plan.show
    zone = show.timezone
    original, moved, change = resolved
    extra = source if isinstance(source, Extra) else None
    rerun = extra is None and source.rerun  # type: ignore[union-attr]  # not an extra: a rule
    cancelled = change is not None and change.cancel is not None
    duration = source.duration or show.duration or _ZERO
    if moved is None:
        start, moved_from = original.astimezone(zone), None
    else:
        start, moved_from = moved.astimezone(zone), original.astimezone(zone)
        duration = change.duration or duration  # type: ignore[union-attr]  # moved implies a change
    segment = plan.segment(at)
    season, episode, rerun_of, info_at = segment.season, None, None, at
    if rerun:
        # Before the rerun as it airs: a moved rerun repeats what aired before its new time.
        previous = plan.previous_numbered(at if moved is None else start.replace(tzinfo=None))
        if previous is not None:
            season, rerun_of = plan.number(previous, counts)
            info_at = previous
    elif (extra is None or extra.numbered) and not cancelled:
        season, episode = plan.number(at, counts, segment)
    info = _info(plan, info_at, season, rerun_of if rerun else episode)
    own = plan.info_by_at.get(at) if info_at != at else None
    if own is not None:  # an entry for this very rerun ("repeat with sign language")
        info = own.over(info)
    if extra is None:
        title, summary, link = info.title, info.summary, info.link
    else:
        title = extra.title or info.title
        summary = extra.summary or info.summary
        link = extra.link or info.link
    # Elapsed time, not wall-clock: a 30-minute airing across a fall-back lasts 30 minutes.
    end = ((original if moved is None else moved) + duration).astimezone(zone)
    return new_airing(show.id, original, (
        show.id, show.title, show.channel, start, end, season, episode, title, summary,
        link, info.segments, "cancelled" if cancelled else "scheduled",
        change.cancel if cancelled else None,  # type: ignore[union-attr]  # cancelled implies a change
        rerun, rerun_of, moved_from, extra is not None,
    ))


def _info(plan: Plan, at: datetime, season: int | None, number: int | None) -> EpisodeInfo:
    """Return the metadata for an airing: what its start gives, over what its number gives.

    An entry found by ``at`` sets some fields; the episode's row found by
    its number (a spreadsheet's, say) fills in the others, as an entry by
    ``number`` does (schedule/show_config.py's ``merge_episodes``).
    """
    found = plan.info_by_at.get(at)
    by_number = None
    if number is not None:
        # An entry without a season matches the number in whichever season it falls.
        numbered = plan.info_by_number
        by_number = numbered.get((season, number)) or numbered.get((None, number))
    if found is None:
        return by_number or _NO_INFO
    return found if by_number is None else found.over(by_number)
