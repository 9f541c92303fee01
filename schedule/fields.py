"""Typed readers for config values, collecting every error with its file and key path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from schedule.durations import parse_duration
from schedule.errors import ConfigError
from schedule.hints import closest
from schedule.localtime import parse_date, parse_local_datetime, type_name
from schedule.writable import PROSE_LIMIT, TITLE_LIMIT, blank, overlong

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = [
    "RESERVED_IDS",
    "Reader",
    "Where",
    "array_of",
    "boolean",
    "duration",
    "folder",
    "integer",
    "language",
    "local_date",
    "local_datetime",
    "nearest_key",
    "prose",
    "read_table",
    "show_id",
    "slug",
    "tables_of",
    "text",
    "title",
    "type_name",
    "url",
]

T = TypeVar("T")
Reader = Callable[[object, "Where"], Any]

# Names the network files already use ({show}.ics next to schedule.ics, all.rss, ...).
RESERVED_IDS = frozenset({"all", "schedule", "changes", "index", "xmltv"})

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# BCP 47 in practice: language, optional script, region, variants, extensions, private use.
_LANGUAGE = re.compile(
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{5,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|\d[a-z0-9]{3}))*(?:-[a-wyz0-9](?:-[a-z0-9]{2,8})+)*(?:-x(?:-[a-z0-9]{1,8})+)?"
    r"|x(?:-[a-z0-9]{1,8})+",
    re.IGNORECASE | re.ASCII,  # not "ſv" (long s) or "en-٤١٩" (Arabic-Indic digits)
)
# How to give a required key that is missing.
_ADD = {
    "site": "begin the file with a [site] table holding title and base_url",
    "title": 'add title = "..."',
    "name": 'add name = "..."',
    "id": 'add id = "..." (a-z, 0-9 and -)',
    "base_url": 'add base_url = "https://..." (where the output folder is served)',
    "number": "add number = 2",
    "from": "add from = 2026-01-03 (the first local date it applies)",
    "at": "add at = 2026-01-03T18:00:00 (an airing's local start)",
    "episode": "add episode = 1",
}
# A few keys users reach for that mean a key we know by another name.
_SYNONYMS = {
    "start": "from",
    "starts": "from",
    "since": "from",
    "end": "until",
    "ends": "until",
    "to": "until",
    "tz": "timezone",
    "zone": "timezone",
    "time_zone": "timezone",
    "length": "duration",
    "runtime": "duration",
    "time": "at",
    "date": "at",
    "name": "title",
    "url": "link",
    "lang": "language",
}


@dataclass(frozen=True, slots=True)
class Where:
    """Where a value sits (file and key path); problems found there go to ``errors``."""

    file: str
    key: str
    errors: list[ConfigError]

    def child(self, part: str | int) -> Where:
        """Return the place of key ``part`` (or array index) inside this one."""
        if isinstance(part, int):
            return Where(self.file, f"{self.key}[{part}]", self.errors)
        name = part if _BARE_KEY.fullmatch(part) else f'"{part}"'
        return Where(self.file, f"{self.key}.{name}" if self.key else name, self.errors)

    def report(
        self,
        message: str,
        *,
        value: object = None,
        hint: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        """Record a problem found here (``line``/``column`` where the file has them)."""
        error = ConfigError(
            message,
            file=self.file,
            key=self.key or None,
            value=value,
            hint=hint,
            line=line,
            column=column,
        )
        self.errors.append(error)

    def adopt(self, error: ConfigError) -> None:
        """Record a problem found by a reader that did not know where it was."""
        self.errors.append(error.located(file=self.file, key_prefix=self.key))


def read_table(
    value: object,
    schema: Mapping[str, Reader],
    where: Where,
    *,
    required: Iterable[str] = (),
    outer: tuple[Iterable[str], str] | None = None,
) -> dict[str, Any]:
    """Read the keys of table ``value`` in file order with ``schema``'s readers.

    Returns the keys that read cleanly; every unknown key, bad value and
    missing required key is recorded at ``where``. ``outer`` names the keys of
    the enclosing table and this table's header: TOML puts a key written
    below ``[[shows.airs]]`` into that entry, a common slip worth a precise hint.
    """
    if not isinstance(value, dict):
        where.report(f"must be a table, not {type_name(value)}", value=value)
        return {}
    found: dict[str, Any] = {}
    meant: set[str] = set()  # the keys unknown keys' hints name: slips for them
    for key, item in value.items():
        place = where.child(key)
        reader = schema.get(key)
        if reader is None:
            hint, near = _unknown_key_hint(key, schema, outer)
            place.report(f"unknown key {key!r}", value=item, hint=hint)
            if near is not None:
                meant.add(near)
            continue
        try:
            found[key] = reader(item, place)
        except ConfigError as error:
            place.adopt(error)
    for key in required:
        # "titel" for "title": one mistake, one line (the unknown key's, naming the fix).
        if key not in value and key not in meant:
            where.child(key).report(
                "missing; it is required", hint=_ADD.get(key, f"add {key} = ...")
            )
    return found


def _unknown_key_hint(
    key: str, schema: Mapping[str, Reader], outer: tuple[Iterable[str], str] | None
) -> tuple[str, str | None]:
    """Explain a key that belongs to the enclosing table, else name the nearest known key.

    Returns the hint and the key it takes ``key`` for (None: none).
    """
    if outer is not None and key in outer[0] and key not in schema:
        where = f"above the first {outer[1]} line"
        return f"{key!r} belongs {where}: TOML puts keys below a header into it", None
    near = _nearest(key, schema)
    return _named(near, schema), near


def nearest_key(key: str, known: Iterable[str]) -> str:
    """Return a hint naming the known key closest to ``key`` (or listing them)."""
    return _named(_nearest(key, known), known)


def _nearest(key: str, known: Iterable[str]) -> str | None:
    """Return the known key ``key`` is likeliest a slip for, if any."""
    names = sorted(known)
    near = closest(key.lower(), names)
    if near is None and _SYNONYMS.get(key.lower()) in names:
        near = _SYNONYMS[key.lower()]
    return near


def _named(near: str | None, known: Iterable[str]) -> str:
    if near is not None:
        return f"did you mean {near!r}?"
    return "known keys: " + ", ".join(sorted(known))


# How to write a value of each type, for the hint of a value of another type.
_WRITE_AS = {
    "a string": 'put it in quotes: "..."',
    "true or false": "write true or false, without quotes",
    "a whole number": "write the number without quotes, e.g. 50",
    "an array": 'put it in brackets: ["..."]',
    "an array of tables": "write each entry under its own [[...]] header",
}


def _type_error(expected: str, value: object) -> ConfigError:
    """Return the error for a value of the wrong TOML type."""
    return ConfigError(
        f"must be {expected}, not {type_name(value)}", value=value, hint=_WRITE_AS.get(expected)
    )


def text(value: object, _where: Where) -> str:
    """Read a string."""
    if not isinstance(value, str):
        msg = "a string"
        raise _type_error(msg, value)
    return value


def title(value: object, where: Where) -> str:
    """Read a string that must say something (titles, names)."""
    read = text(value, where)
    if blank(read):
        said = "says nothing: only spaces, control or invisible characters"
        raise ConfigError(
            said if read else "must not be empty", value=value, hint="write what it is called"
        )
    if too_long := overlong(read, TITLE_LIMIT):
        hint = "shorten it; a longer text belongs in a description or a summary"
        raise ConfigError(too_long, value=value, hint=hint)
    return read


def prose(value: object, where: Where) -> str:
    """Read a description or a summary; one that says nothing reads as none (an empty string).

    Published as it is, a summary of a single space is an empty guide
    description and a DESCRIPTION without a value, which validators reject.
    """
    read = text(value, where)
    if too_long := overlong(read, PROSE_LIMIT):
        raise ConfigError(too_long, value=value, hint="shorten it")
    return "" if blank(read) else read


def folder(value: object, where: Where) -> str:
    """Read a folder's path: something, and no NUL character (no file system takes one)."""
    read = text(value, where)
    if blank(read):
        msg = "must name a folder"
        raise ConfigError(msg, value=value, hint='e.g. "public", relative to this config file')
    if "\0" in read:
        msg = "must not contain a NUL character"
        raise ConfigError(msg, value=value, hint="remove the \\u0000 from the path")
    return read


def boolean(value: object, _where: Where) -> bool:
    """Read true or false."""
    if not isinstance(value, bool):
        msg = "true or false"
        raise _type_error(msg, value)
    return value


def integer(minimum: int, maximum: int | None = None) -> Reader:
    """Return a reader of whole numbers of at least ``minimum`` (and at most ``maximum``)."""

    def read(value: object, _where: Where) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            msg = f"must be a whole number, not a string ({value!r})"
            raise ConfigError(msg, value=value, hint=f"write {value.strip()} without quotes")
        if isinstance(value, bool) or not isinstance(value, int):
            msg_0 = "a whole number"
            raise _type_error(msg_0, value)
        if value < minimum:
            msg_0 = f"must be {minimum} or more"
            raise ConfigError(msg_0, value=value)
        if maximum is not None and value > maximum:
            msg_0 = f"must be {maximum:,} or less"
            raise ConfigError(msg_0, value=value)
        return value

    return read


def url(value: object, where: Where) -> str:
    """Read an absolute http(s) URL."""
    read = text(value, where)
    try:
        parts = urlsplit(read)
        parts.port  # noqa: B018 - read for its check: ValueError for "host:99999" or "host:abc"
    except ValueError:
        parts = urlsplit("")
    if (
        parts.scheme.lower() not in {"http", "https"}
        or not (parts.hostname or "").strip(".")
        or _has_space(read)
        or "\\" in parts.netloc  # browsers read "\" as "/": "example.org\evil.com" is another host
    ):
        host = read.split("/", 1)[0]
        hint = (
            f'did you mean "https://{read}"?'
            if "://" not in read and "." in host.strip(".")
            else None
        )
        msg = f"{read!r} is not an absolute http(s) URL"
        hint = hint or 'write the whole address, e.g. "https://feeds.example.org/tv/"'
        raise ConfigError(msg, value=read, hint=hint)
    return read


def _has_space(value: str) -> bool:
    """Tell whether ``value`` holds whitespace or control characters (never valid in a URL)."""
    return any(ch.isspace() or not ch.isprintable() for ch in value)


def slug(value: object, where: Where) -> str:
    """Read an id: a slug that is not one of the names the output files use."""
    read = text(value, where)
    if not _SLUG.fullmatch(read):
        suggestion = re.sub(r"[^a-z0-9]+", "-", read.lower()).strip("-")[:63]
        hint = f"did you mean {suggestion!r}?" if suggestion else "use a-z, 0-9 and '-'"
        msg = f"{read!r} is not an id: lowercase letters, digits and '-', at most 63"
        raise ConfigError(msg, value=read, hint=hint)
    return read


def show_id(value: object, where: Where) -> str:
    """Read a show id: a slug the output file names do not already use."""
    read = slug(value, where)
    if read in RESERVED_IDS:
        msg = f"{read!r} is reserved for a file every site has"
        raise ConfigError(msg, value=read, hint=f"try {read + '-show'!r}")
    return read


def language(value: object, where: Where) -> str:
    """Read a BCP 47 language tag ("en", "zh-Hans-CN")."""
    read = text(value, where)
    if not _LANGUAGE.fullmatch(read):
        fixed = read.replace("_", "-")
        hint = f"did you mean {fixed!r}?" if _LANGUAGE.fullmatch(fixed) else 'e.g. "en", "zh-CN"'
        msg = f"{read!r} is not a BCP 47 language tag"
        raise ConfigError(msg, value=read, hint=hint)
    return read


def duration(*, allow_zero: bool = False) -> Reader:
    """Return a reader of durations ("30 minutes", "PT30M"), positive unless ``allow_zero``."""

    def read(value: object, where: Where) -> timedelta:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            msg = f'must be a string such as "{value} minutes", not {type_name(value)}'
            raise ConfigError(msg, value=value, hint="durations need a unit")
        length = parse_duration(text(value, where))
        if length < timedelta(0) or (length == timedelta(0) and not allow_zero):
            msg_0 = "must be longer than zero"
            raise ConfigError(msg_0, value=value, hint='e.g. "30 minutes" or "PT30M"')
        if length % timedelta(seconds=1):
            # iCalendar and XMLTV count whole seconds: "PT0.4S" ended where it began.
            msg_0 = "must be whole seconds"
            raise ConfigError(msg_0, value=value, hint="round it to a second")
        return length

    return read


def local_date(value: object, _where: Where) -> date:
    """Read a local date (a TOML date or "2026-01-03")."""
    return parse_date(value)


def local_datetime(zone: ZoneInfo) -> Reader:
    """Return a reader of wall-clock times in ``zone`` (offsets are converted to it)."""

    def read(value: object, _where: Where) -> datetime:
        return parse_local_datetime(value, zone)

    return read


def array_of(item: Reader) -> Reader:
    """Return a reader of an array whose items ``item`` reads, each at its index."""

    def read(value: object, where: Where) -> tuple[Any, ...]:
        if not isinstance(value, list):
            msg = "an array"
            raise _type_error(msg, value)
        items = []
        for index, entry in enumerate(value):
            try:
                items.append(item(entry, where.child(index)))
            except ConfigError as error:
                where.child(index).adopt(error)
        # An item reader that recorded its own errors returns None: leave it out.
        return tuple(read for read in items if read is not None)

    return read


def tables_of(build: Callable[[object, Where], T | None], header: str) -> Reader:
    """Return a reader of an array of tables (``[[header]]``), each built by ``build``.

    Entries that fail to build are left out; their errors are recorded.
    """

    def read(value: object, where: Where) -> tuple[T, ...]:
        if isinstance(value, dict):
            msg = "must be an array of tables"
            raise ConfigError(msg, value=value, hint=f"write [[{header}]], with double brackets")
        if not isinstance(value, list):
            msg_0 = "an array of tables"
            raise _type_error(msg_0, value)
        built = (build(entry, where.child(index)) for index, entry in enumerate(value))
        return tuple(entry for entry in built if entry is not None)

    return read
