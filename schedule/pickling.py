"""Pickling frozen, slotted dataclasses as the tuple of their fields.

Python 3.11 gives such a class ``__getstate__`` and ``__setstate__`` that
look its fields up again for every object they pickle or load: pickling a
site of a thousand shows took 150 ms, 37 ms as a tuple. What a publish keeps
(the site, its shows, the shows' parts) and what its processes hand each
other is pickled this way (an airing has its own, ``schedule/airing.py``).
The state is the same sequence of values, in the fields' order, as Python's
own, so either loads the other's.
"""

from __future__ import annotations

import dataclasses
import operator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["field_values", "pickled_as_tuple"]

_T = TypeVar("_T", bound=type)


def field_values(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """Return a function giving the tuple of an instance's field values, in the fields' order."""
    names = [field.name for field in dataclasses.fields(cls)]
    if len(names) == 1:  # attrgetter of one name returns the value, not a tuple
        only = operator.attrgetter(names[0])
        return lambda obj: (only(obj),)
    return operator.attrgetter(*names)


def pickled_as_tuple(cls: _T) -> _T:
    """Make a frozen dataclass with slots pickle as the tuple of its field values."""
    # The slots' own setters: a frozen class's fields are set past its __setattr__.
    setters = tuple(getattr(cls, field.name).__set__ for field in dataclasses.fields(cls))
    values = field_values(cls)

    def __getstate__(self: object) -> tuple[Any, ...]:  # noqa: N807 - the pickle protocol's name
        return values(self)

    def __setstate__(self: object, state: Sequence[Any]) -> None:  # noqa: N807
        for setter, value in zip(setters, state, strict=True):
            setter(self, value)

    cls.__getstate__ = __getstate__
    cls.__setstate__ = __setstate__
    return cls
