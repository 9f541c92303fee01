"""Airings that share a channel at the same moment: a warning, never an error."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from schedule.airing import Airing

__all__ = ["overlaps"]

# A network that double-books a channel every day clashes hundreds of times a
# year; listing each would bury everything else `check` says.
SHOWN_PER_CHANNEL = 3


def overlaps(
    airings: Iterable[Airing], *, now: datetime | None = None, shown: int = SHOWN_PER_CHANNEL
) -> list[str]:
    """Return the warnings for uncancelled airings overlapping on one channel.

    ``airings`` must be in start order; airings without a channel never clash.
    Per channel, the first ``shown`` clashes from ``now`` on (the latest
    before it when fewer lie ahead) get a line each naming both airings, then
    one line counts the rest; channels come in the order of their first clash.
    """
    last: dict[str, Airing] = {}  # per channel, the airing that ends latest so far
    clashes: dict[str, list[tuple[Airing, Airing]]] = {}
    for airing in airings:
        if airing.channel is None or airing.cancelled:
            continue
        before = last.get(airing.channel)
        # As instants: two times of one zone compare by wall clock, blind to a fall-back's fold.
        if before is not None and airing.start.timestamp() < before.end.timestamp():
            clashes.setdefault(airing.channel, []).append((airing, before))
        if before is None or airing.end.timestamp() > before.end.timestamp():
            last[airing.channel] = airing
    found = []
    for channel, pairs in clashes.items():
        for airing, before in _picked(pairs, now, shown):
            found.append(
                f"channels[{channel}]: {airing.uid} ({_at(airing)}) overlaps "
                f"{before.uid} ({_at(before)}, until {before.end.strftime('%H:%M')})"
            )
        if len(pairs) > shown:
            more = len(pairs) - shown
            found.append(
                f"channels[{channel}]: {more} more overlapping airing{'s' if more != 1 else ''}"
                f" between {_day(pairs[0][0])} and {_day(pairs[-1][0])}"
                " (airdates upcoming lists them)"
            )
    return found


def _picked(
    pairs: list[tuple[Airing, Airing]], now: datetime | None, shown: int
) -> list[tuple[Airing, Airing]]:
    """Return the ``shown`` clashes worth a line: the next ones, else the latest ones."""
    if len(pairs) <= shown or now is None:
        return pairs[:shown]
    moment = now.timestamp()
    ahead = next(
        (i for i, (airing, _) in enumerate(pairs) if airing.start.timestamp() >= moment), len(pairs)
    )
    first = min(ahead, len(pairs) - shown)
    return pairs[first : first + shown]


def _at(airing: Airing) -> str:
    return airing.start.strftime("%Y-%m-%d %H:%M %a")


def _day(airing: Airing) -> str:
    return airing.start.strftime("%Y-%m-%d")
