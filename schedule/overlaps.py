"""Airings that share a channel at the same moment: a warning, never an error."""

from __future__ import annotations

from collections.abc import Iterable

from schedule.airing import Airing

__all__ = ["overlaps"]


def overlaps(airings: Iterable[Airing]) -> list[str]:
    """Return one line per pair of uncancelled airings overlapping on one channel.

    ``airings`` must be in start order; airings without a channel never clash.
    """
    last: dict[str, Airing] = {}  # per channel, the airing that ends latest so far
    found = []
    for airing in airings:
        if airing.channel is None or airing.cancelled:
            continue
        before = last.get(airing.channel)
        if before is not None and airing.start < before.end:
            found.append(
                f"channels[{airing.channel}]: {airing.uid} ({_at(airing)}) overlaps "
                f"{before.uid} ({_at(before)}, until {before.end.strftime('%H:%M')})"
            )
        if before is None or airing.end > before.end:
            last[airing.channel] = airing
    return found


def _at(airing: Airing) -> str:
    return airing.start.strftime("%Y-%m-%d %H:%M %a")
