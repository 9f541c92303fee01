"""A show's airings in a time range: rules, extras, changes, numbering, metadata.

Ranges are half-open, ``[start, stop)``, on the airing's actual (moved) start.
"""

from __future__ import annotations

import heapq
from datetime import UTC, datetime, time, timedelta

from schedule.airing import Airing, AiringId
from schedule.plan import Counts, Plan, Slot, plan_of
from schedule.recurrence import resolve
from schedule.site import EpisodeInfo, Show, Site

__all__ = ["aired", "show_airings", "site_aired", "site_airings", "window"]

_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)
_FIRST_LOOK_BACK = timedelta(weeks=8)
_NO_INFO = EpisodeInfo()


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
    plan = plan_of(show)
    # In UTC: aware times sharing one zone object compare by wall clock, ignoring fold.
    start, stop = start.astimezone(UTC), stop.astimezone(UTC)
    lo = _local(start, show) - _DAY
    hi = _local(stop, show) + _DAY
    slots = plan.slots(lo, hi)
    slots += _moved_in(plan, {s.at for s in slots}, start, stop)
    counts = Counts(plan, horizon=hi)
    airings: dict[AiringId, Airing] = {}
    for slot in slots:
        airing = _airing(plan, slot, counts)
        # Two local times can resolve to one instant (02:30 and 03:30 on a spring-forward day).
        if start <= airing.start < stop:
            airings.setdefault(airing.id, airing)
    return tuple(sorted(airings.values(), key=_order))


def site_airings(site: Site, start: datetime, stop: datetime) -> tuple[Airing, ...]:
    """Return every show's airings starting in ``[start, stop)``, in start order."""
    per_show = [show_airings(site, show, start, stop) for show in site.shows]
    return tuple(heapq.merge(*per_show, key=_order))


def aired(site: Site, show: Show, now: datetime, limit: int) -> tuple[Airing, ...]:
    """Return up to ``limit`` premieres (not reruns, not cancelled) started by ``now``, newest first."""
    plan = plan_of(show)
    found: list[Airing] = []
    hi, span = now + _TICK, _FIRST_LOOK_BACK
    earliest = resolve(plan.earliest - _DAY, show.timezone) if plan.earliest.year > 1 else None
    while len(found) < limit:
        lo = hi - span
        chunk = show_airings(site, show, lo, hi)
        found.extend(a for a in reversed(chunk) if not a.rerun and not a.cancelled)
        if earliest is None or lo <= earliest:
            break
        hi, span = lo, span * 2
    return tuple(found[:limit])


def site_aired(site: Site, now: datetime, limit: int) -> tuple[Airing, ...]:
    """Return the ``limit`` newest premieres of every show started by ``now``, newest first."""
    per_show = [aired(site, show, now, limit) for show in site.shows]
    merged = heapq.merge(*per_show, key=_order, reverse=True)
    return tuple(a for _, a in zip(range(limit), merged, strict=False))


def _order(airing: Airing) -> tuple[float, str]:
    return airing.start.timestamp(), airing.uid


def _local(moment: datetime, show: Show) -> datetime:
    return moment.astimezone(show.timezone).replace(tzinfo=None)


def _moved_in(plan: Plan, seen: set[datetime], start: datetime, stop: datetime) -> list[Slot]:
    """Return the slots from outside the range that a change moves into it."""
    moved = []
    for at, change in plan.moves:
        if at in seen or change.move_to is None:
            continue
        if start <= resolve(change.move_to, plan.show.timezone) < stop:
            slot = plan.slot_at(at)
            if slot is not None:
                moved.append(slot)
    return moved


def _airing(plan: Plan, slot: Slot, counts: Counts) -> Airing:
    show = plan.show
    original = resolve(slot.at, show.timezone)
    change = plan.changes.get(slot.at)
    cancelled = change is not None and change.cancel is not None
    start, moved_from, duration = original, None, slot.duration or show.duration or timedelta(0)
    if change is not None and change.move_to is not None:
        start, moved_from = resolve(change.move_to, show.timezone), original
        duration = change.duration or duration
    season, episode, rerun_of, info_at = plan.segment(slot.at).season, None, None, slot.at
    if slot.rerun:
        previous = plan.previous_numbered(slot.at)
        if previous is not None:
            season, rerun_of = plan.number(previous, counts)
            info_at = previous
    elif slot.numbered and not cancelled:
        season, episode = plan.number(slot.at, counts)
    info = _info(plan, info_at, season, rerun_of if slot.rerun else episode)
    extra = slot.extra
    return Airing(
        id=AiringId.of(show.id, original),
        show=show.id,
        show_title=show.title,
        channel=show.channel,
        start=start,
        end=start + duration,
        season=season,
        episode=episode,
        title=(extra.title if extra and extra.title else info.title),
        summary=(extra.summary if extra and extra.summary else info.summary),
        link=(extra.link if extra and extra.link else info.link),
        segments=info.segments,
        status="cancelled" if cancelled else "scheduled",
        reason=change.cancel if change is not None and cancelled else None,
        rerun=slot.rerun,
        rerun_of=rerun_of,
        moved_from=moved_from,
        extra=extra is not None,
    )


def _info(plan: Plan, at: datetime, season: int | None, number: int | None) -> EpisodeInfo:
    """Return the metadata for an airing: by its start first, then by its number."""
    found = plan.info_by_at.get(at)
    if found is not None:
        return found
    if number is None:
        return _NO_INFO
    # An entry without a season matches the number in whichever season it falls.
    return plan.info_by_number.get((season, number)) or plan.info_by_number.get((None, number), _NO_INFO)
