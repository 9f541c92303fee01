"""Lazy expansion of a rule into local start times, and local times into instants."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

from schedule.rules import Rule

__all__ = ["occurrences", "occurrences_before", "resolve"]


def occurrences(
    rule: Rule, first: date, last: date | None, begin: datetime, end: datetime
) -> Iterator[datetime]:
    """Yield the rule's local (naive) starts in ``[begin, end)``, ascending.

    Only dates ``first`` .. ``last`` (inclusive; ``last`` None: no end) count;
    intervals count from ``first``. Costs what the range asks, not what lies
    between ``first`` and ``begin``.
    """
    raise NotImplementedError


def occurrences_before(
    rule: Rule, first: date, last: date | None, before: datetime
) -> Iterator[datetime]:
    """Yield the rule's local (naive) starts earlier than ``before``, descending."""
    raise NotImplementedError


def resolve(local: datetime, zone: ZoneInfo) -> datetime:
    """Return the instant (aware, in ``zone``) a naive local time stands for.

    A time in a spring-forward gap is read with the offset before the gap
    (02:30 becomes 03:30); an ambiguous one is its first occurrence (RFC 5545
    §3.3.5).
    """
    raise NotImplementedError
