"""Change detection: each airing's content hash, its revision, and the schedule's change log.

Rules, applied to every airing published now (window and feed entries) against
the state's record of the last publish:

- revisions: an airing never seen gets SEQUENCE 0, changed = now; one whose
  content hash differs gets SEQUENCE + 1, changed = now; any other keeps its
  revision forever.
- change log: an airing seen last time that changed reports what a reader
  sees — moved (its start), cancelled, restored, retitled. An airing *added*
  to or *removed* from the schedule is reported only when its start lies in
  both the previous and the current calendar window: an airing that merely
  entered or left the window as time passed is no change. A show that was not
  published last time (new, or the first publish) records nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from feeds.edition import Revision, ScheduleChange
from feeds.wording import episode_label, episode_label_of, when
from schedule.airing import Airing, AiringId
from schedule.pickling import field_values, pickled_as_tuple
from schedule.site import Channel, Show, Site

__all__ = [
    "AiringRecord",
    "ChangeKind",
    "DraftChange",
    "Reconciliation",
    "content_hash",
    "context_digest",
    "digest_of",
    "former_context_digest",
    "in_both",
    "numbered",
    "reconcile",
    "reconcile_part",
    "show_context_digest",
    "show_removal",
]

_T = TypeVar("_T")
ChangeKind = Literal["added", "moved", "cancelled", "restored", "retitled", "removed"]
Window = tuple[datetime, datetime]

# Show fields that shape which airings exist rather than how one reads: their
# effect already shows in the airings, and hashing them would bump every event
# of a show whenever one exception is added.
_RULE_FIELDS = frozenset({"airs", "numbering", "seasons", "episodes", "changes", "extras"})


@dataclass(frozen=True, slots=True, kw_only=True)
class AiringRecord:
    """What the state remembers of one airing as last published.

    ``start`` (aware), ``title``, ``status`` and ``label`` ("Ep. 180") are
    kept to describe a later change; ``present`` says whether the airing was
    in the last publish's window or feeds.
    """

    id: str
    show: str
    hash: str
    sequence: int
    first_published: datetime
    changed: datetime
    start: datetime
    title: str | None
    status: str
    label: str | None
    present: bool = True

    @property
    def revision(self) -> Revision:
        """The revision renderers show for this airing."""
        return Revision(sequence=self.sequence, changed=self.changed)


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class DraftChange:
    """A change-log entry found by this publish, before the state numbers it.

    ``at``: when the airing it is about starts (where it starts now; a
    removed one, where it started), None for news of a whole show.
    """

    kind: ChangeKind
    airing: str
    show: str
    text: str
    at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reconciliation:
    """The outcome of comparing this publish with the last one.

    ``revisions`` covers every airing published now; ``updates`` holds only
    the records that must be written (new, changed, or presence flipped).
    """

    revisions: Mapping[str, Revision]
    updates: tuple[AiringRecord, ...]
    changes: tuple[DraftChange, ...]


def context_digest(show: Show, channel: Channel | None, site: Site) -> str:
    """Return a digest of what every airing of ``show`` shows about its show, channel and site.

    Of the site: its title (every event's ORGANIZER), its address (the links
    to the show's page) and its language (every guide programme's ``lang``).
    """
    site_part = (site.title, site.base_url, site.language)
    return _digest(repr((show_context_digest(show, channel), site_part)))


def show_context_digest(show: Show, channel: Channel | None) -> str:
    """Return ``context_digest`` as airdates took it before it held the site's settings.

    Renaming the site or moving its address changed every event's text and
    raised no SEQUENCE. A record hashed that way still matches through this
    (``reconcile_part``'s ``former``), so upgrading raises none either.
    """
    return _context_digest(show, channel, _RULE_FIELDS | {"source"})


def former_context_digest(show: Show, channel: Channel | None) -> str:
    """Return ``context_digest`` as airdates 0.1 took it: with the config file's path.

    No output shows that path, so moving the config, or naming it by another
    path, changed every airing's hash and bumped every SEQUENCE. A record
    hashed that way still matches through this (``reconcile_part``'s ``former``).
    """
    return _context_digest(show, channel, _RULE_FIELDS)


def _context_digest(show: Show, channel: Channel | None, left_out: frozenset[str]) -> str:
    show_part = {
        f.name: _canonical(getattr(show, f.name))
        for f in dataclasses.fields(show)
        if f.name not in left_out
    }
    return _digest(repr((show_part, _canonical(channel))))


def digest_of(value: object) -> str:
    """Return a stable digest of a value built from dataclasses, tuples and plain values."""
    return _digest(repr(_canonical(value)))


def content_hash(airing: Airing, context: str) -> str:
    """Return a digest of everything a renderer shows about ``airing`` (its revision aside)."""
    return _digest(repr((_canonical_airing(airing), context)))


def _canonical_airing(airing: Airing) -> object:
    """Return ``_canonical(airing)``, spelled out field by field (every airing needs it).

    Only for the fields this knows (``_KNOWN_AIRING``); an Airing with other
    fields takes the generic walk, so none is ever left out of the hash.
    """
    if not _AIRING_KNOWN:
        return _canonical_fields(airing)
    airing_id, start, end, moved = airing.id, airing.start, airing.end, airing.moved_from
    id_start = airing_id.start
    return (
        "Airing",
        ("AiringId", airing_id.show, ("datetime", id_start.isoformat(), _zone_name(id_start)),
         airing.uid),
        airing.show,
        airing.show_title,
        airing.channel,
        ("datetime", start.isoformat(), _zone_name(start)),
        ("datetime", end.isoformat(), _zone_name(end)),
        airing.season,
        airing.episode,
        airing.title,
        airing.summary,
        airing.link,
        _canonical(airing.segments) if airing.segments else (),
        airing.status,
        airing.reason,
        airing.rerun,
        airing.rerun_of,
        None if moved is None else ("datetime", moved.isoformat(), _zone_name(moved)),
        airing.extra,
    )


def _canonical_fields(airing: Airing) -> object:
    return (
        "Airing",
        *[
            v if v is None or type(v) in _PLAIN else _FAST.get(type(v), _canonical)(v)
            for v in _AIRING_FIELDS(airing)
        ],
    )


def _canonical_datetime(value: datetime) -> object:
    return ("datetime", value.isoformat(), _zone_name(value))


def _canonical_id(value: AiringId) -> object:
    return ("AiringId", *[_canonical(v) for v in _ID_FIELDS(value)])


def reconcile(
    previous: Mapping[str, AiringRecord],
    current: Sequence[tuple[Airing, str]],
    *,
    now: datetime,
    windows: tuple[Window | None, Window],
    show_titles: Mapping[str, str],
) -> Reconciliation:
    """Compare the airings published now (each with its content hash) with the last publish.

    ``now`` is aware UTC; ``windows`` the previous publish's calendar window
    (None on the first publish) and this one's; ``show_titles`` names every
    show in the config by id.
    """
    known = {record.show for record in previous.values() if record.present}
    return reconcile_part(
        previous, current, now=now, inside=in_both(*windows), known=known, show_titles=show_titles
    )


def reconcile_part(  # noqa: PLR0913 - the parts of one comparison, named
    previous: Mapping[str, AiringRecord],
    current: Iterable[tuple[Airing, str]],
    *,
    now: datetime,
    inside: Callable[[datetime], bool],
    known: Container[str],
    show_titles: Mapping[str, str],
    former: Callable[[Airing], Container[str]] | None = None,
    still: Callable[[str], datetime | None] | None = None,
) -> Reconciliation:
    """Compare part of a publish (say one show's airings and records) with the last publish.

    ``previous`` holds the records of that part (every airing id the part
    could hold); ``known`` the shows present last time; ``inside`` tells
    whether an instant lies in both calendar windows (see ``in_both``).
    A publish made of parts gives what ``reconcile`` gives for the whole,
    change for change in the order of the parts (without ``still``, which
    ``reconcile`` does not take: a publish passes it). ``former`` gives an
    airing's hashes as earlier airdates releases took them: a record holding
    one of them is unchanged, and takes the current hash. ``still`` gives
    where an airing no longer published now starts, if its show still has it:
    moved out of the window (or back out of it), it is logged as moved there.
    """
    revisions: dict[str, Revision] = {}
    updates: list[AiringRecord] = []
    changes: list[DraftChange] = []
    arrived: list[tuple[int, Airing]] = []  # the added airings, by their place in ``changes``
    for airing, digest in current:
        kept = old = previous.get(airing.uid)
        if old is not None and old.hash != digest and former and old.hash in former(airing):
            old = replace(old, hash=digest)
        record = _advance(old, airing, digest, now)
        revisions[airing.uid] = record.revision
        if record is not kept:
            updates.append(record)
        # The hash covers start, title and status: an unchanged one has no difference to log.
        if old is not None and old.present:
            if old.hash != digest:
                changes += _differences(old, airing)
        elif airing.show in known and inside(airing.start):
            if old is not None and old.start.timestamp() != airing.start.timestamp():
                # Back from where it had moved, out of the window: the record knows where.
                changes.append(_draft("moved", airing, _move_text(airing, old.start)))
                continue
            changes.append(_arrival(airing))
            if airing.moved_from is None:
                arrived.append((len(changes) - 1, airing))
    removed = []
    for old in _departed(previous, revisions.keys()):
        logged = old.show in known and old.show in show_titles and inside(old.start)
        start = still(old.id) if logged and still is not None else None
        if start is None or start.timestamp() == old.start.timestamp():
            updates.append(replace(old, present=False))
            removed += [old] if logged else []
            continue
        # Moved out of the window: it says where it went, and keeps where it is for its return.
        updates.append(replace(old, present=False, start=start))
        text = f"{_subject(show_titles[old.show], old.label)} moved {_from_to(old.start, start)}"
        changes.append(DraftChange(kind="moved", airing=old.id, show=old.show, text=text, at=start))
    for place, airing, old in _same_episodes(arrived, removed):
        # A rule moved to another time or zone: a new airing for each old one.
        changes[place] = _draft("moved", airing, _move_text(airing, old.start))
        removed.remove(old)
    changes += (_removal(old, show_titles[old.show]) for old in removed)
    return Reconciliation(revisions=revisions, updates=tuple(updates), changes=tuple(changes))


def _move_text(airing: Airing, before: datetime) -> str:
    """Return "<show · episode> moved from <before> to <its start>", a special named by title."""
    label = _label(airing)
    named = "" if label else _titled(airing.title)
    return f"{_subject(airing.show_title, label)} moved {_from_to(before, airing.start)}{named}"


def _same_episodes(
    arrived: list[tuple[int, Airing]], removed: list[AiringRecord]
) -> list[tuple[int, Airing, AiringRecord]]:
    """Pair each added airing with the removed one that is the same episode (or special).

    Known by its label ("Ep. 241"), else its title; a label or title that two
    added or two removed airings of the show share pairs nothing.
    """
    news = _once([(_episode_key(a.show, _label(a), a.title), (p, a)) for p, a in arrived])
    olds = _once([(_episode_key(r.show, r.label, r.title), r) for r in removed])
    return [(*news[key], olds[key]) for key in news if key in olds]


def _once(keyed: list[tuple[tuple[str, str] | None, _T]]) -> dict[tuple[str, str], _T]:
    """Return the items by key, leaving out items without one and keys given twice."""
    counts = Counter(key for key, _ in keyed)
    return {key: item for key, item in keyed if key is not None and counts[key] == 1}


def _episode_key(show: str, label: str | None, title: str | None) -> tuple[str, str] | None:
    if label:
        return (show, label)
    return (show, f"title:{title}") if title else None


def numbered(draft: DraftChange, number: int, recorded: datetime) -> ScheduleChange:
    """Return a found change as change-log entry ``number``, recorded at ``recorded``."""
    return ScheduleChange(
        number=number,
        kind=draft.kind,
        airing=draft.airing,
        show=draft.show,
        recorded=recorded.astimezone(UTC),
        text=draft.text,
    )


def _advance(old: AiringRecord | None, airing: Airing, digest: str, now: datetime) -> AiringRecord:
    """Return the airing's record after this publish (``old`` itself when nothing changed)."""
    if old is None:
        return _record(airing, digest, sequence=0, first=now, changed=now)
    if old.hash != digest:
        return _record(
            airing, digest, sequence=old.sequence + 1, first=old.first_published, changed=now
        )
    if not old.present:
        return replace(old, present=True)
    return old


def _record(
    airing: Airing, digest: str, *, sequence: int, first: datetime, changed: datetime
) -> AiringRecord:
    return AiringRecord(
        id=airing.uid,
        show=airing.show,
        hash=digest,
        sequence=sequence,
        first_published=first,
        changed=changed,
        start=airing.start,
        title=airing.title,
        status=airing.status,
        label=_label(airing),
    )


def _departed(
    previous: Mapping[str, AiringRecord], seen: Container[str]
) -> Iterable[AiringRecord]:
    return (record for uid, record in previous.items() if record.present and uid not in seen)


def _differences(old: AiringRecord, airing: Airing) -> list[DraftChange]:
    """Return the change-log entries for an airing published both last time and now."""
    found: list[DraftChange] = []
    subject = _subject(airing.show_title, _label(airing) or old.label)
    if old.status != airing.status:
        found.append(_status_change(old, airing))
    # Timestamps, not datetimes: across zones, == is always False for a time
    # in a repeated hour (PEP 495), which made fall-back airings look moved.
    if old.start.timestamp() != airing.start.timestamp():
        text = f"{subject} moved {_from_to(old.start, airing.start)}"
        found.append(_draft("moved", airing, text))
    # A cancelled airing takes no number, so no title found by its number: that
    # is said by "cancelled" (naming the episode), and a restored one's return.
    follows = old.status != airing.status and None in (old.title, airing.title)
    if old.title != airing.title and not follows:
        text = f"{subject} on {when(airing.start)} {_retitling(old.title, airing.title)}"
        found.append(_draft("retitled", airing, text))
    return found


def _status_change(old: AiringRecord, airing: Airing) -> DraftChange:
    if airing.cancelled:
        # A cancelled airing loses its number; say which episode it was.
        subject = _subject(airing.show_title, old.label or _label(airing))
        reason = f": {airing.reason}" if airing.reason else ""
        return _draft("cancelled", airing, f"{subject} on {when(airing.start)} cancelled{reason}")
    subject = _subject(airing.show_title, _label(airing) or old.label)
    return _draft("restored", airing, f"{subject} on {when(airing.start)} is back on the schedule")


def _retitling(before: str | None, after: str | None) -> str:
    if before is None:
        return f"now titled “{after}”"
    if after is None:
        return f"no longer titled “{before}”"
    return f"retitled from “{before}” to “{after}”"


def _arrival(airing: Airing) -> DraftChange:
    subject = _subject(airing.show_title, _label(airing))
    if airing.moved_from is not None:
        text = f"{subject} moved {_from_to(airing.moved_from, airing.start)}"
        return _draft("moved", airing, text)
    text = f"{subject} added on {when(airing.start)}{_titled(airing.title)}"
    return _draft("added", airing, text)


def show_removal(
    show: str, previous: Mapping[str, AiringRecord], now: datetime
) -> DraftChange | None:
    """Return the one entry for a show taken out of the config, or None when nothing was to come.

    Its title went with its config: the show is named by its id. One entry,
    not one per airing: a removed show is one piece of news.
    """
    coming = sum(
        1 for r in previous.values() if r.present and r.status == "scheduled" and r.start >= now
    )
    if not coming:
        return None  # a show that had ended leaves without news
    airings = "airing" if coming == 1 else "airings"
    text = f"{show} taken off the schedule, with its {coming} coming {airings}"
    return DraftChange(kind="removed", airing=show, show=show, text=text)


def _removal(old: AiringRecord, show_title: str) -> DraftChange:
    subject = _subject(show_title, old.label)
    text = f"{subject} on {when(old.start)} removed from the schedule{_titled(old.title)}"
    return DraftChange(kind="removed", airing=old.id, show=old.show, text=text, at=old.start)


def _from_to(before: datetime, after: datetime) -> str:
    """Return "from <before> to <after>", with UTC offsets if the zone changed or both read alike.

    A show moved to another zone keeps its 21:00: "from Thu 12 Feb 2026 21:00
    to Thu 12 Feb 2026 21:00" would read as no move at all, and 18:00 in
    Shanghai to 20:00 in Tokyo is an hour later, not two.
    """
    old, new = when(before), when(after)
    # Another zone: the one it moved to has another offset at the wall time it left.
    zone = after.tzinfo
    moved_zone = zone is not None and zone.utcoffset(before.replace(tzinfo=None)) != (
        before.utcoffset()
    )
    if old == new or moved_zone:
        old, new = f"{old} {_offset(before)}", f"{new} {_offset(after)}"
    return f"from {old} to {new}"


def _offset(moment: datetime) -> str:
    """Return "UTC+08:00" ("UTC-00:44:30" in a local mean time): records keep offsets, not zones."""
    seconds = int((moment.utcoffset() or timedelta()).total_seconds())
    sign, seconds = "-" if seconds < 0 else "+", abs(seconds)
    text = f"UTC{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}"
    return f"{text}:{seconds % 60:02d}" if seconds % 60 else text


def _titled(title: str | None) -> str:
    """Return ': “Title”' to end an entry with, or nothing for an airing without a title.

    An extra is often known only by its title ("Youth Together symposium").
    """
    return f": “{title}”" if title else ""


def _draft(kind: ChangeKind, airing: Airing, text: str) -> DraftChange:
    return DraftChange(kind=kind, airing=airing.uid, show=airing.show, text=text, at=airing.start)


def _subject(show_title: str, label: str | None) -> str:
    return f"{show_title} · {label}" if label else show_title


def _label(airing: Airing) -> str | None:
    if airing.rerun and airing.rerun_of is not None:
        return f"{episode_label_of(airing.season, airing.rerun_of)} (rerun)"
    return episode_label(airing)


def in_both(previous: Window | None, current: Window) -> Callable[[datetime], bool]:
    """Return a test of whether an instant is in both calendar windows (never on a first run)."""
    if previous is None:
        return lambda _moment: False
    (old_start, old_stop), (new_start, new_stop) = previous, current
    return lambda moment: old_start <= moment < old_stop and new_start <= moment < new_stop


def _canonical(value: object) -> object:
    """Return ``value`` as nested tuples of plain values whose repr is stable."""
    kind = type(value)
    if value is None or kind in _PLAIN:
        return value
    if kind is tuple or kind is list:
        return tuple(map(_canonical, value))  # type: ignore[call-overload]
    getter = _fields_of(kind)
    if getter is not None:
        # Field names are left out: the class fixes the order of its fields.
        values = getter(value)
        return (
            kind.__name__,
            *(v if v is None or type(v) in _PLAIN else _canonical(v) for v in values),
        )
    return _canonical_scalar(value)


def _canonical_scalar(value: object) -> object:
    if isinstance(value, datetime):
        # The zone matters as well as the offset: calendars print the TZID.
        return ("datetime", value.isoformat(), _zone_name(value))
    if isinstance(value, date | timedelta):
        return (type(value).__name__, str(value))
    if isinstance(value, ZoneInfo):
        return ("zone", value.key)
    if isinstance(value, tuple | list):
        return tuple(map(_canonical, value))
    return ("other", str(value))


_PLAIN = frozenset({str, int, float, bool})
_GETTERS: dict[type, Callable[[object], tuple[object, ...]] | None] = {}


def _fields_of(kind: type) -> Callable[[object], tuple[object, ...]] | None:
    """Return a getter of a dataclass's field values (made once per class); None for others."""
    if kind not in _GETTERS:
        plain = not dataclasses.is_dataclass(kind) or not dataclasses.fields(kind)
        _GETTERS[kind] = None if plain else field_values(kind)
    return _GETTERS[kind]


def _zone_name(moment: datetime) -> str | None:
    zone = moment.tzinfo
    return zone.key if isinstance(zone, ZoneInfo) else (str(zone) if zone else None)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


_AIRING_FIELDS = field_values(Airing)
_ID_FIELDS = field_values(AiringId)
_FAST: dict[type, Callable[[Any], object]] = {
    datetime: _canonical_datetime,
    AiringId: _canonical_id,
}
# The fields _canonical_airing spells out, in declaration order.
_KNOWN_AIRING = (
    "id", "show", "show_title", "channel", "start", "end", "season", "episode", "title",
    "summary", "link", "segments", "status", "reason", "rerun", "rerun_of", "moved_from", "extra",
)
_AIRING_KNOWN = tuple(f.name for f in dataclasses.fields(Airing)) == _KNOWN_AIRING and tuple(
    f.name for f in dataclasses.fields(AiringId)
) == ("show", "start", "_text")
