"""The "did you mean" of an error message: the known word nearest a mistyped one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["closest"]


def closest(word: str, known: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """Return the word of ``known`` nearest ``word``, if near enough (by ``difflib``'s ratio)."""
    # Imported here: only a config with a mistake needs it, and every run would pay for it.
    import difflib  # noqa: PLC0415

    found = difflib.get_close_matches(word, list(known), n=1, cutoff=cutoff)
    return found[0] if found else None
