"""The merge of a network calendar's events from its shows' parts."""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

from publisher.parts import StoredEvent, event_batches

DAY = 86400.0
# Starts on a few days over a year, many equal: shows on the hour collide all the time.
STARTS = st.integers(0, 400).map(lambda day: 1.7e9 + day * DAY) | st.floats(1.7e9, 1.8e9)
SHOW = st.lists(STARTS, max_size=60)
FRAME_SIZES = st.lists(st.integers(1, 7), min_size=1, max_size=8)


def _frames(events: list[StoredEvent], sizes: list[int]) -> Iterator[list[StoredEvent]]:
    """Cut a source's events into frames of the given sizes, over and over."""
    position, turn = 0, 0
    while position < len(events):
        size = sizes[turn % len(sizes)]
        yield events[position : position + size]
        position, turn = position + size, turn + 1


@given(shows=st.lists(SHOW, max_size=12), sizes=FRAME_SIZES)
def test_merged_events_are_the_heap_merge(shows: list[list[float]], sizes: list[int]) -> None:
    """Batch after batch, the merge yields what a heap merge of the sources does, in order."""
    sources = [
        sorted((start, f"show{n}/{i:04}", f"{n}:{i}".encode()) for i, start in enumerate(starts))
        for n, starts in enumerate(shows)
    ]
    batches = list(event_batches(_frames(events, sizes) for events in sources))
    merged = [event for batch in batches for event in batch]
    assert all(batches)
    assert merged == list(heapq.merge(*sources, key=lambda event: event[:2]))
