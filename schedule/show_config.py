"""One ``[[shows]]`` table read into a Show: rules, numbering, seasons, episodes, changes..."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from schedule import fields as f
from schedule.durations import parse_duration
from schedule.errors import ConfigError
from schedule.hints import closest
from schedule.recurrence import occurrences
from schedule.rules import Rule, parse_rrule, parse_rule
from schedule.site import (
    Anchor,
    Change,
    EpisodeInfo,
    Extra,
    Platform,
    Recurrence,
    Season,
    Segment,
    Show,
)
from schedule.zones import zone_named

if TYPE_CHECKING:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

__all__ = ["SHOW_KEYS", "ShowContext", "build_show", "merge_episodes", "show_place"]

# The keys of a [[shows]] table, for the hint when one lands in a sub-table by mistake.
SHOW_KEYS = (
    "id", "title", "description", "channel", "timezone", "duration", "link", "image",
    "categories", "also_on", "episodes_file", "airs", "numbering", "seasons", "episodes",
    "changes", "extras",
)  # fmt: skip

EpisodeReader = Callable[[str, f.Where], tuple[EpisodeInfo, ...]]


@dataclass(frozen=True, slots=True)
class ShowContext:
    """What reading a show needs from outside it.

    ``site_zone`` is the default zone; ``channels`` every channel id in the
    config; ``read_episodes`` loads an ``episodes_file`` (the caller does the
    file I/O); ``seen`` maps each show id read so far to where it was.
    """

    site_zone: ZoneInfo
    channels: frozenset[str]
    read_episodes: EpisodeReader
    seen: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Defaults:
    """The show-wide values its entries fall back on, read before the entries."""

    zone: ZoneInfo
    duration: timedelta | None
    has_duration: bool


def show_place(table: object, index: int, where: f.Where) -> f.Where:
    """Return where a show's errors go: ``shows[ID]``, or ``shows[N]`` when the id is bad."""
    raw = table.get("id") if isinstance(table, dict) else None
    try:
        show_id = f.show_id(raw, where)
    except ConfigError:
        return where.child(index)
    return f.Where(where.file, f"{where.key}[{show_id}]", where.errors)


def build_show(table: object, where: f.Where, context: ShowContext) -> Show | None:
    """Read one show table; None (with errors recorded) when it cannot be built."""
    defaults = _defaults(table, context.site_zone)
    found = f.read_table(table, _show_schema(defaults, context), where, required=("id", "title"))
    _check_unique_id(found.get("id"), where, context.seen)
    episodes = merge_episodes(found.pop("episodes_file", ()), found.get("episodes", ()))
    if "id" not in found or "title" not in found:
        return None
    return Show(
        **{key: value for key, value in found.items() if key not in {"episodes", "timezone"}},
        timezone=defaults.zone,
        episodes=episodes,
        source=where.file,
    )


def _show_schema(defaults: _Defaults, context: ShowContext) -> Mapping[str, f.Reader]:
    """Return the readers of a show's keys."""
    at = f.local_datetime(defaults.zone)
    return {
        "id": f.show_id,
        "title": f.title,
        "description": f.prose,
        "channel": _channel_reader(context.channels),
        "timezone": _zone,
        "duration": f.duration(),
        "link": f.url,
        "image": f.url,
        "categories": f.array_of(f.title),
        "also_on": f.array_of(_platform),
        "episodes_file": lambda value, where: context.read_episodes(f.text(value, where), where),
        "airs": f.tables_of(lambda v, w: _recurrence(v, w, defaults), "shows.airs"),
        "numbering": lambda v, w: _anchor(v, w, at),
        "seasons": _unique(lambda v, w: _season(v, w, at), _season_keys, "shows.seasons"),
        "episodes": _unique(lambda v, w: _episode(v, w, at), _episode_keys, "shows.episodes"),
        "changes": _unique(lambda v, w: _change(v, w, at), _change_keys, "shows.changes"),
        "extras": _unique(lambda v, w: _extra(v, w, at, defaults), _extra_keys, "shows.extras"),
    }


def _defaults(table: object, site_zone: ZoneInfo) -> _Defaults:
    """Read the show's zone and duration first: its entries need them, wherever they stand."""
    raw = table if isinstance(table, dict) else {}
    zone = site_zone
    if "timezone" in raw:
        with contextlib.suppress(ConfigError):  # reported when the key itself is read
            zone = zone_named(raw["timezone"])
    length = None
    if isinstance(raw.get("duration"), str):
        with contextlib.suppress(ConfigError):  # reported when the key itself is read
            length = parse_duration(raw["duration"])
    return _Defaults(zone=zone, duration=length, has_duration="duration" in raw)


def _zone(value: object, _where: f.Where) -> ZoneInfo:
    """Read a time zone name."""
    return zone_named(value)


def _check_unique_id(show_id: str | None, where: f.Where, seen: dict[str, str]) -> None:
    """Report a show id used before."""
    if show_id is None:
        return
    if show_id in seen:
        where.child("id").report(
            f"duplicate show id {show_id!r}", value=show_id, hint=f"first used in {seen[show_id]}"
        )
        return
    seen[show_id] = where.file


def _channel_reader(channels: frozenset[str]) -> f.Reader:
    """Return a reader of a channel id that must name a ``[[channels]]`` entry."""

    def read(value: object, where: f.Where) -> str:
        channel = f.text(value, where)
        if channel not in channels:
            near = closest(channel, sorted(channels))
            known = ", ".join(sorted(channels)) or "none; add a [[channels]] table"
            hint = f"did you mean {near!r}?" if near else f"known channels: {known}"
            msg = f"no channel {channel!r}"
            raise ConfigError(msg, value=channel, hint=hint)
        return channel

    return read


def _platform(value: object, where: f.Where) -> Platform | None:
    """Read an ``also_on`` entry: a name, or a table with ``name`` and ``url``."""
    if isinstance(value, str):
        return Platform(name=f.title(value, where))
    if not isinstance(value, dict):
        msg = 'must be a name or { name = "...", url = "..." }'
        raise ConfigError(msg, value=value)
    found = f.read_table(value, {"name": f.title, "url": f.url}, where, required=("name",))
    return Platform(**found) if "name" in found else None


def _segment(value: object, where: f.Where) -> Segment | None:
    """Read one of an episode's ``segments``."""
    found = f.read_table(value, {"title": f.title, "summary": f.prose}, where, required=("title",))
    return Segment(**found) if "title" in found else None


def _recurrence(value: object, where: f.Where, defaults: _Defaults) -> Recurrence | None:
    """Read one ``[[shows.airs]]`` entry."""
    schema = {
        "rule": f.text,
        "rrule": f.text,
        "from": f.local_date,
        "until": f.local_date,
        "duration": f.duration(),
        "rerun": f.boolean,
    }
    found = f.read_table(
        value, schema, where, required=("from",), outer=(SHOW_KEYS, "[[shows.airs]]")
    )
    rule = _rule(value, found, where)
    _check_order(found, where)
    if isinstance(value, dict) and "duration" not in value and not defaults.has_duration:
        where.child("duration").report("missing: give the show a duration or this entry one")
    if rule is None or "from" not in found:
        return None
    first, last = found["from"], found.get("until")
    if last is not None and first <= last and not _airs_between(rule[0], first, last):
        where.child("until").report(
            f"the rule has no airing from {first.isoformat()} to {last.isoformat()}",
            value=last, hint="check the days it names against from and until",
        )
    return Recurrence(
        rule=rule[0],
        text=rule[1],
        first=first,
        last=last,
        duration=found.get("duration"),
        rerun=found.get("rerun", False),
    )


def _airs_between(rule: Rule, first: date, last: date) -> bool:
    """Tell whether ``rule`` has an airing on a day from ``first`` to ``last``."""
    begin = datetime.combine(first, time())
    end = datetime.combine(last, time.max)  # the last day's times included
    return next(occurrences(rule, first, last, begin, end), None) is not None


def _rule(value: object, found: Mapping[str, Any], where: f.Where) -> tuple[Any, str] | None:
    """Parse the entry's ``rule`` or ``rrule`` (exactly one); None if it fails."""
    raw = value if isinstance(value, dict) else {}
    if "rule" in raw and "rrule" in raw:
        where.child("rrule").report("give rule or rrule, not both", value=raw["rrule"])
        return None
    if "rule" not in raw and "rrule" not in raw:
        hint = 'e.g. rule = "every Wednesday and Saturday at 6 PM"'
        where.child("rule").report("missing: give rule or rrule", hint=hint)
        return None
    key, parse = ("rule", parse_rule) if "rule" in raw else ("rrule", parse_rrule)
    if key not in found:
        return None  # not a string: already reported
    try:
        return parse(found[key]), found[key]
    except ConfigError as error:
        where.child(key).adopt(error)
        return None


def _check_order(found: Mapping[str, Any], where: f.Where) -> None:
    """Report an ``until`` before ``from``."""
    first, last = found.get("from"), found.get("until")
    if first is not None and last is not None and first > last:
        msg = f"{last.isoformat()} is before from ({first.isoformat()})"
        where.child("until").report(msg, value=last, hint="swap them, or fix the year")


def _anchor(value: object, where: f.Where, at: f.Reader) -> Anchor | None:
    """Read the numbering anchor (``episode`` + ``at``)."""
    schema = {"episode": f.integer(1), "at": at}
    found = f.read_table(
        value, schema, where, required=("episode", "at"), outer=(SHOW_KEYS, "[shows.numbering]")
    )
    return Anchor(**found) if {"episode", "at"} <= found.keys() else None


def _season(value: object, where: f.Where, at: f.Reader) -> Season | None:
    """Read one ``[[shows.seasons]]`` entry, with its optional own anchor."""
    schema = {"number": f.integer(1), "from": f.local_date, "episode": f.integer(1), "at": at}
    found = f.read_table(
        value, schema, where, required=("number", "from"), outer=(SHOW_KEYS, "[[shows.seasons]]")
    )
    raw = value if isinstance(value, dict) else {}
    if ("episode" in raw) != ("at" in raw):
        missing = "at" if "episode" in raw else "episode"
        where.child(missing).report("missing: a season's anchor needs both episode and at")
    if "number" not in found or "from" not in found:
        return None
    anchor = (
        Anchor(episode=found["episode"], at=found["at"])
        if {"episode", "at"} <= found.keys()
        else None
    )
    return Season(number=found["number"], first=found["from"], anchor=anchor)


def _episode(value: object, where: f.Where, at: f.Reader) -> EpisodeInfo | None:
    """Read one ``[[shows.episodes]]`` entry, found by ``number`` (+ ``season``) or ``at``."""
    schema = {
        "number": f.integer(1),
        "season": f.integer(1),
        "at": at,
        "title": f.title,
        "summary": f.prose,
        "link": f.url,
        "segments": f.array_of(_segment),
    }
    found = f.read_table(value, schema, where, outer=(SHOW_KEYS, "[[shows.episodes]]"))
    if not _one_target(value, where, ("number", "at"), "episode metadata"):
        return None
    return EpisodeInfo(**found)


def _one_target(value: object, where: f.Where, keys: tuple[str, str], what: str) -> bool:
    """Check an entry names its airing one way (number or ``at``; season only with a number)."""
    raw = value if isinstance(value, dict) else {}
    given = [key for key in keys if key in raw]
    if not given:
        where.report(f"{what} needs {keys[0]} or {keys[1]} to find its airing")
    elif len(given) > 1:
        where.child(keys[1]).report(f"give {keys[0]} or {keys[1]}, not both")
    elif "season" in raw and keys[0] not in raw:
        where.child("season").report(f"season only applies with {keys[0]}")
    else:
        return True
    return False


def _change(value: object, where: f.Where, at: f.Reader) -> Change | None:
    """Read one ``[[shows.changes]]`` entry: a cancel or a move of one airing."""
    schema = {
        "at": at,
        "episode": f.integer(1),
        "season": f.integer(1),
        "cancel": _cancel,
        "move_to": at,
        "duration": f.duration(),
    }
    found = f.read_table(value, schema, where, outer=(SHOW_KEYS, "[[shows.changes]]"))
    targeted = _one_target(value, where, ("episode", "at"), "a change")
    acted = _one_action(value, found, where)
    if not (targeted and acted):
        return None
    cancel = found.pop("cancel", None)
    return Change(key=where.key, cancel=cancel if cancel is not False else None, **found)


def _cancel(value: object, where: f.Where) -> str | bool:
    """Read ``cancel``: a reason, or true ("" reason) / false (not cancelled).

    A reason that says nothing once published is no reason, as ``true``.
    """
    if isinstance(value, bool):
        return "" if value else False
    if not isinstance(value, str):
        msg = f"must be a reason (a string) or true, not {f.type_name(value)}"
        raise ConfigError(msg, value=value, hint='e.g. cancel = "Pre-empted by the news"')
    return f.prose(value, where)


def _one_action(value: object, found: Mapping[str, Any], where: f.Where) -> bool:
    """Check a change either cancels or moves, and gives a duration only with a move."""
    raw = value if isinstance(value, dict) else {}
    cancels = "cancel" in raw and raw["cancel"] is not False
    moves = "move_to" in raw
    if cancels and moves:
        where.child("move_to").report("give cancel or move_to, not both")
    elif not cancels and not moves:
        where.report("a change needs cancel (a reason, or true) or move_to")
    elif "duration" in raw and not moves:
        where.child("duration").report("a new duration only applies with move_to")
    else:
        return "cancel" in found or "move_to" in found
    return False


def _extra(value: object, where: f.Where, at: f.Reader, defaults: _Defaults) -> Extra | None:
    """Read one ``[[shows.extras]]`` one-off airing."""
    schema = {
        "at": at,
        "duration": f.duration(),
        "title": f.title,
        "summary": f.prose,
        "link": f.url,
        "numbered": f.boolean,
    }
    found = f.read_table(
        value, schema, where, required=("at",), outer=(SHOW_KEYS, "[[shows.extras]]")
    )
    if isinstance(value, dict) and "duration" not in value and not defaults.has_duration:
        where.child("duration").report("missing: give the show a duration or this extra one")
    length = found.pop("duration", None) or defaults.duration
    if "at" not in found or length is None:
        return None
    return Extra(duration=length, **found)


def _unique(
    build: Callable[[object, f.Where], Any],
    keys: Callable[[Any], Iterable[tuple[str, object]]],
    header: str,
) -> f.Reader:
    """Return a reader of ``[[header]]`` tables where two entries for one airing are an error.

    Each duplicate is named by its own key path and the first entry's, counting
    entries as the config does: one that failed to read still has its place.
    """

    def read(value: object, where: f.Where) -> tuple[Any, ...]:
        seen: dict[tuple[str, object], str] = {}

        def checked(entry: object, place: f.Where) -> object:
            built = build(entry, place)
            if built is not None:
                for key in keys(built):
                    if key in seen:
                        msg = f"{key[0]} {_show_value(key[1])} is already given by {seen[key]}"
                        place.report(
                            msg, value=key[1], hint="keep one of the two entries, or change one"
                        )
                    seen.setdefault(key, place.key.rsplit(".", 1)[-1])
            return built

        entries: tuple[Any, ...] = f.tables_of(checked, header)(value, where)
        return entries

    return read


def _show_value(value: object) -> str:
    """Print a duplicate's value the way the user wrote it."""
    if isinstance(value, tuple):
        season, number = value
        return f"{number} (season {season})" if season is not None else str(number)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value.isoformat() if isinstance(value, date) else str(value)


def _season_keys(season: Season) -> Iterable[tuple[str, object]]:
    return (("number", season.number), ("from", season.first))


def _episode_keys(episode: EpisodeInfo) -> Iterable[tuple[str, object]]:
    if episode.number is not None:
        return (("season/number", (episode.season, episode.number)),)
    return (("at", episode.at),)


def _change_keys(change: Change) -> Iterable[tuple[str, object]]:
    if change.episode is not None:
        return (("season/episode", (change.season, change.episode)),)
    return (("at", change.at),)


def _extra_keys(extra: Extra) -> Iterable[tuple[str, object]]:
    return (("at", extra.at),)


def merge_episodes(
    from_file: Iterable[EpisodeInfo], from_config: Iterable[EpisodeInfo]
) -> tuple[EpisodeInfo, ...]:
    """Combine CSV rows with ``[[shows.episodes]]``; a config entry's fields win over its row's."""
    merged: dict[tuple[object, ...], EpisodeInfo] = {}
    for episode in from_file:
        merged[_identity(episode)] = episode
    for episode in from_config:
        row = merged.get(_identity(episode))
        merged[_identity(episode)] = episode if row is None else episode.over(row)
    return tuple(merged.values())


def _identity(episode: EpisodeInfo) -> tuple[object, ...]:
    """Which airing an entry describes."""
    return (episode.season, episode.number, episode.at)
