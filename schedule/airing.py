"""Airings: concrete broadcasts of a show, and their stable identity."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from schedule.pickling import field_values
from schedule.site import Segment

__all__ = ["Airing", "AiringId", "new_airing"]

_ID_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class AiringId:
    """An airing's identity: its show and original start instant.

    Its string form (``lets-meet/20260103T100000Z``) round-trips and is the
    source of every GUID, Atom id and UID; a move keeps it.
    """

    show: str
    start: datetime  # aware, UTC
    # The string form, made once: every renderer asks for it, several times per airing.
    _text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Format the string form (what ``strftime(_ID_FORMAT)`` gives, unpadded years too)."""
        at = self.start if self.start.tzinfo is UTC else self.start.astimezone(UTC)
        object.__setattr__(self, "_text", _id_text(self.show, at))

    def __str__(self) -> str:
        return self._text

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as show and start (loads several times faster than a slotted dataclass's way)."""
        return _id_of, (self.show, self.start)

    @classmethod
    def from_string(cls, text: str) -> AiringId:
        """Parse the string form; ValueError if it is not one."""
        show, _, stamp = text.rpartition("/")
        if not show:
            msg = f"not an airing id: {text!r}"
            raise ValueError(msg)
        return cls(show=show, start=datetime.strptime(stamp, _ID_FORMAT).replace(tzinfo=UTC))

    @classmethod
    def of(cls, show: str, start: datetime) -> AiringId:
        """Return the id of ``show``'s airing originally starting at ``start``."""
        return cls(show=show, start=start.astimezone(UTC))


def _id_text(show: str, at: datetime) -> str:
    """Return an id's string form from its show and its start in UTC."""
    # %-formatting: several times faster than strftime or an f-string with format specs.
    return "%s/%d%02d%02dT%02d%02d%02dZ" % (  # noqa: UP031
        show, at.year, at.month, at.day, at.hour, at.minute, at.second)


@dataclass(frozen=True, slots=True, kw_only=True)
class Airing:
    """One broadcast of one show.

    ``start``/``end`` are aware, in the show's zone, after any move.
    ``show_title`` is the show's, ``title`` the episode's (or the extra's).
    ``rerun`` marks a repeat; ``rerun_of`` the episode number it repeats.
    ``moved_from`` is the original start of a moved airing; ``reason`` a
    cancellation's reason ("" when none was given). ``extra`` marks a one-off.
    """

    id: AiringId
    show: str
    show_title: str
    channel: str | None
    start: datetime
    end: datetime
    season: int | None = None
    episode: int | None = None
    title: str | None = None
    summary: str = ""
    link: str | None = None
    segments: tuple[Segment, ...] = ()
    status: Literal["scheduled", "cancelled"] = "scheduled"
    reason: str | None = None
    rerun: bool = False
    rerun_of: int | None = None
    moved_from: datetime | None = None
    extra: bool = False

    @property
    def cancelled(self) -> bool:
        """True when the airing is cancelled."""
        return self.status == "cancelled"

    @property
    def duration(self) -> timedelta:
        """The airing's length."""
        return self.end - self.start

    @property
    def uid(self) -> str:
        """The id's string form, the root of every output identifier."""
        return self.id._text  # noqa: SLF001 - AiringId's own cached form, read without a call

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the field values (loads several times faster than a slotted dataclass's way).

        A publish keeps each show's part of the network files pickled.
        """
        return _airing_of, _AIRING_VALUES(self)


# The slot descriptors' setters, in field order: what the generated __init__ of a
# frozen class reaches through object.__setattr__, one lookup per field.
_ID_SETTERS = (AiringId.show.__set__, AiringId.start.__set__, AiringId._text.__set__)  # type: ignore[attr-defined]  # noqa: SLF001
_AIRING_SETTERS = tuple(getattr(Airing, f.name).__set__ for f in fields(Airing))
_AIRING_VALUES = field_values(Airing)
_new = object.__new__


def _id_of(show: str, start: datetime) -> AiringId:
    """Return ``AiringId(show=show, start=start)`` (the unpickler's way)."""
    airing_id = _new(AiringId)
    set_show, set_start, set_text = _ID_SETTERS
    set_show(airing_id, show)
    set_start(airing_id, start)
    set_text(airing_id, _id_text(show, start if start.tzinfo is UTC else start.astimezone(UTC)))
    return airing_id


def _airing_of(*values: Any) -> Airing:  # noqa: ANN401 - the fields, each of its own type
    """Return the Airing with these field values, in declaration order (the unpickler's way)."""
    airing = _new(Airing)
    for setter, value in zip(_AIRING_SETTERS, values, strict=True):
        setter(airing, value)
    return airing


def new_airing(show_id: str, original: datetime, values: tuple[Any, ...]) -> Airing:
    """Return ``Airing(id=AiringId(show=show_id, start=original), ...)`` built about twice as fast.

    ``original`` is aware, in UTC. ``values`` are the fields after ``id``, in
    declaration order, every one given. Expansion builds hundreds of thousands
    of airings; tests hold this equal to the keyword constructor.
    """
    airing_id = _new(AiringId)
    set_show, set_start, set_text = _ID_SETTERS
    set_show(airing_id, show_id)
    set_start(airing_id, original)
    set_text(airing_id, _id_text(show_id, original))
    airing = _new(Airing)
    for setter, value in zip(_AIRING_SETTERS, (airing_id, *values), strict=True):
        setter(airing, value)
    return airing
