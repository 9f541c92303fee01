"""Recurrence rules: the human forms of the config and RFC 5545 RRULEs, as one value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Literal

__all__ = ["Rule", "parse_rrule", "parse_rule"]

Frequency = Literal["DAILY", "WEEKLY", "MONTHLY"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A normalised recurrence: which local days, at which local times.

    ``weekdays`` are 0 = Monday .. 6 = Sunday (WEEKLY, or DAILY restricted to
    days); ``positions`` are ``(n, weekday)`` pairs for MONTHLY rules by
    weekday position (``(1, 0)`` first Monday, ``(-1, 4)`` last Friday);
    ``monthdays`` are MONTHLY days of the month; ``times`` the local times of
    day, sorted. ``interval`` counts days, weeks or months from the rule's
    first date.
    """

    freq: Frequency
    times: tuple[time, ...]
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    positions: tuple[tuple[int, int], ...] = ()
    monthdays: tuple[int, ...] = ()

    def to_rrule(self) -> str:
        """Return the RFC 5545 RRULE value (without ``RRULE:``)."""
        raise NotImplementedError


def parse_rule(text: str) -> Rule:
    """Read a human rule ("every Wednesday and Saturday at 6 PM").

    Raises RuleError quoting the word it could not read, with a hint.
    """
    raise NotImplementedError


def parse_rrule(text: str) -> Rule:
    """Read an RFC 5545 RRULE value ("FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18").

    Raises RuleError naming the part it could not read.
    """
    raise NotImplementedError
