"""Reading a config file (and the files it includes) into a validated Site.

This is the one module of ``schedule`` that touches files: the config, its
``include`` files and ``episodes_file`` spreadsheets. Everything it reads is
handed to pure readers (``fields``, ``show_config``, ``episodes_csv``).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from schedule import fields as f
from schedule import tomltables
from schedule.episodes_csv import parse_episodes_csv
from schedule.errors import ConfigError, ConfigErrors
from schedule.includes import is_file, matches
from schedule.show_config import ShowContext, build_show, show_place
from schedule.site import Channel, EpisodeInfo, Show, Site
from schedule.zones import zone_named

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from schedule.keptshows import ShowKey
    from schedule.tomltables import Parsed

__all__ = ["config_folder", "holding_folder", "load_config"]

_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")
# What tv_validate_file accepts as a channel id: DNS-like labels joined by dots.
_XMLTV_ID = re.compile(r"[-a-zA-Z0-9]+(?:\.[-a-zA-Z0-9]+)+")
_NOT_DNS = re.compile(r"[^-a-zA-Z0-9]+")
_GLOB_CHARS = re.compile(r"[*?\[]")
_SNIFFED = 200  # bytes of a file looked at for the NULs of UTF-16 text
_MOST_FEED_ITEMS = 10_000  # entries in one feed: more is a typo, and no reader wants them
_SITE_KEYS = (
    "title", "base_url", "timezone", "language", "description", "output", "state",
    "past", "future", "feed_items", "refresh", "hub", "include",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Context:
    """What reading any one file of a config needs to know about the others."""

    folder: str  # the main config's folder, absolute
    main: str  # the main config's path as given
    zone: ZoneInfo  # the site's zone, or UTC while it is unreadable
    host: str  # the host of base_url, for default XMLTV ids
    channel_ids: frozenset[str]
    parsed: Parsed | None = None  # what earlier loads made (schedule/tomltables.py)
    seen_shows: dict[str, str] = field(default_factory=dict)
    seen_channels: dict[str, str] = field(default_factory=dict)
    seen_xmltv_ids: dict[str, str] = field(default_factory=dict)  # the channel id of each
    episode_files: set[str] = field(default_factory=set)  # absolute paths of those read


def config_folder(path: str) -> str:
    """Return the folder the relative paths of the config file at ``path`` start from.

    Its own. A config the shell hands over (``-c /dev/stdin``, ``-c <(...)``)
    is named by a path in /dev or /proc, whose folder is no place for the
    output and state folders (/dev is emptied by a reboot): one redirected
    from a file (``< site.toml``) starts from that file's folder (as does a
    file kept in /dev/shm), a pipe or a here-document from the current folder.
    """
    given = Path(path).absolute()
    if given.parts[1:2] not in (("dev",), ("proc",)):
        return str(given.parent)
    real = Path(os.path.realpath(path))  # a pipe resolves to "pipe:[...]", which resolve() rejects
    if real.is_file():
        return str(real.parent)
    try:
        return str(Path.cwd())
    except OSError:
        msg = "the current folder is gone, and the config's relative paths start from it"
        raise ConfigError(
            msg, file=path, hint="run airdates from a folder that exists, or give -c a file"
        ) from None


def load_config(path: str, parsed: Parsed | None = None) -> Site:
    """Read and validate the config at ``path`` and every file it includes.

    Raises ConfigErrors holding every problem found, in file order (the main
    file first, then each included file). ``parsed`` holds what earlier
    loads made, and gets what this one makes (schedule/tomltables.py).
    """
    errors: list[ConfigError] = []
    document = _read_toml(path, errors, parsed)
    if document is None:
        raise ConfigErrors(errors)
    folder = config_folder(path)
    included = [
        (file, *_read_quietly(file, parsed)) for file in _included_files(document, path, folder)
    ]
    context = _context(document, path, folder, [doc for _, doc, _ in included], parsed)
    found = f.read_table(
        document, _main_schema(context), f.Where(path, "", errors), required=("site",)
    )
    channels, shows = list(found.get("channels", ())), list(found.get("shows", ()))
    for file, doc, read_errors in included:
        errors.extend(read_errors)
        more = (
            f.read_table(doc, _included_schema(context), f.Where(file, "", errors))
            if doc is not None
            else {}
        )
        channels.extend(more.get("channels", ()))
        shows.extend(more.get("shows", ()))
    if errors:
        raise ConfigErrors(errors)
    site = _site(found["site"], path, folder, channels, shows)
    return replace(site, episode_files=tuple(sorted(context.episode_files)))


def _site(
    found: Mapping[str, Any], path: str, folder: str, channels: list[Channel], shows: list[Show]
) -> Site:
    """Build the Site from the ``[site]`` keys read, with the defaults SPEC §2 gives."""
    values = {
        key: value for key, value in found.items() if key not in {"include", "output", "state"}
    }
    return Site(
        **values,
        source=path,
        output=_absolute(folder, found.get("output", "public")),
        state=_absolute(folder, found.get("state", ".airdates")),
        channels=tuple(channels),
        shows=tuple(shows),
    )


def _absolute(folder: str, value: str) -> str:
    """Return ``value`` as an absolute path, relative ones taken from ``folder``."""
    return os.path.normpath(Path(folder) / value)


# --- reading files -----------------------------------------------------------------


def _read_toml(
    path: str, errors: list[ConfigError], parsed: Parsed | None = None, *, included: bool = False
) -> dict[str, Any] | None:
    """Parse the TOML file at ``path``; None (with the error recorded) if it cannot be read.

    An ``included`` file that is empty is an error, as a pattern matching no
    file is (``_include``): a file cut short by a full disk or a failed copy
    would otherwise take its shows off the schedule, and the publish delete
    their files. One of only comments is taken as emptied on purpose.
    """
    where = f.Where(path, "", errors)
    text = _read_text(path, where)
    if text is None:
        return None
    if included and not text.strip():
        hint = "delete it, or leave it out of include, while it should hold no show"
        where.report("the file is empty", hint=hint)
        return None
    try:
        return tomltables.loads(text, parsed)
    except tomllib.TOMLDecodeError as error:
        _report_syntax(str(error), text, where)
    except RecursionError:
        where.report("not valid TOML: values are nested too deeply")
    except ValueError as error:  # e.g. an integer longer than Python converts
        where.report(f"not valid TOML: {error}")
    return None


def _read_quietly(
    path: str, parsed: Parsed | None
) -> tuple[dict[str, Any] | None, list[ConfigError]]:
    """Parse an included file, keeping its errors apart so they can follow the main file's."""
    errors: list[ConfigError] = []
    return _read_toml(path, errors, parsed, included=True), errors


def _read_text(path: str, where: f.Where) -> str | None:
    """Return the file's text (UTF-8, a leading byte-order mark dropped), or None."""
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        where.report(f"cannot read the file: {reason}")
        return None
    if _utf16(data):
        where.report("UTF-16 (or UTF-32) text, not UTF-8", hint="save the file as UTF-8", line=1)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        where.report("not UTF-8 text", hint="save the file as UTF-8", line=line, column=column)
        return None


def _utf16(data: bytes) -> bool:
    """Tell whether ``data`` looks like UTF-16 (or UTF-32) text: half its bytes NULs, or more.

    Valid UTF-8 as far as the decoder goes (without a byte-order mark), it
    read as TOML full of NULs and as CSV columns named "n, NUL, u, NUL...".
    UTF-8 text holds no NUL but an escaped one.
    """
    odd, even = data[1:_SNIFFED:2], data[:_SNIFFED:2]
    return odd.count(0) > len(odd) // 2 or even.count(0) > len(even) // 2


def _report_syntax(message: str, text: str, where: f.Where) -> None:
    """Record a TOML syntax error with the line and column tomllib names."""
    place = _TOML_PLACE.search(message)
    line: int | None = None
    column: int | None = None
    if place:
        line, column = int(place.group(1)), int(place.group(2))
    elif _TOML_END.search(message):
        lines = text.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
    summary = _TOML_END.sub("", _TOML_PLACE.sub("", message))
    where.report(f"TOML syntax error: {summary}", line=line, column=column)


def _included_files(document: Mapping[str, Any], path: str, folder: str) -> list[str]:
    """Return the files the ``include`` patterns match, as paths like the config's own."""
    files: list[str] = []
    for pattern in _include_patterns(document):
        for match in matches(pattern, folder):
            shown = match if Path(match).is_absolute() else str(Path(path).parent / match)
            if shown not in files and not _same_file(shown, path):
                files.append(shown)
    return files


def _include_patterns(document: Mapping[str, Any]) -> list[str]:
    """Every string in ``site.include`` and a top-level ``include`` (others are reported later)."""
    site = document.get("site")
    lists = [document.get("include"), site.get("include") if isinstance(site, dict) else None]
    return [
        item
        for items in lists
        if isinstance(items, list)
        for item in items
        if isinstance(item, str)
    ]




def _same_file(one: str, other: str) -> bool:
    """Tell whether both paths name the same file (an include pattern may match the config)."""
    try:
        return Path(one).samefile(other)
    except (OSError, ValueError):
        return False


def _episodes_path(value: str, where: f.Where) -> str:
    """Where a show's ``episodes_file`` is: relative to the file that names it."""
    return value if Path(value).is_absolute() else str(Path(config_folder(where.file)) / value)


def _read_episodes(value: str, where: f.Where) -> tuple[EpisodeInfo, ...]:
    """Read a show's ``episodes_file``."""
    csv_path = _episodes_path(value, where)
    if not is_file(csv_path):
        # Only regular files: a device or pipe named here could block the loader forever.
        msg = f"no file {csv_path!r}"
        raise ConfigError(msg, value=value, hint="the path is relative to this config file")
    try:
        data = Path(csv_path).read_bytes()
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        msg = f"cannot read {csv_path!r}: {reason}"
        raise ConfigError(msg, value=value, hint="check that airdates may read it") from None
    if _utf16(data):
        msg = f"{csv_path!r} is UTF-16 (or UTF-32) text, not UTF-8"
        raise ConfigError(msg, value=value, hint="save it as UTF-8 CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"{csv_path!r} is not UTF-8 text"
        raise ConfigError(msg, value=value, hint="save it as UTF-8 CSV") from None
    return parse_episodes_csv(text, f.Where(csv_path, where.key, where.errors))


# --- the shape of the files ------------------------------------------------------------


def _context(
    document: Mapping[str, Any], path: str, folder: str, others: list[Any], parsed: Parsed | None
) -> _Context:
    """Peek at what every file's readers need: the site zone and host, all channel ids."""
    raw_site = document.get("site")
    site: Mapping[str, Any] = raw_site if isinstance(raw_site, dict) else {}
    try:
        zone = zone_named(site.get("timezone", "UTC"))
    except ConfigError:
        zone = ZoneInfo("UTC")  # reported when site.timezone itself is read
    ids = {
        entry["id"]
        for doc in (document, *others)
        if isinstance(doc, dict) and isinstance(doc.get("channels"), list)
        for entry in doc["channels"]
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }
    return _Context(
        folder=folder,
        main=path,
        zone=zone,
        host=_host(site.get("base_url")),
        channel_ids=frozenset(ids),
        parsed=parsed,
    )


def _host(base_url: object) -> str:
    """Return the host of ``base_url`` as a DNS name ("invalid" while it is not a URL; reported).

    XMLTV tools take only DNS-like channel ids: a host in another script is
    written in its IDNA form ("télé.example" is "xn--tl-bjab.example"), and
    what no DNS name holds (the final dot of "example.org.", the "_" of
    "my_server.lan", an IPv6 address's colons) becomes "-".
    """
    try:
        host = urlsplit(base_url).hostname if isinstance(base_url, str) else None
    except ValueError:
        host = None
    labels = [label for label in (host or "").split(".") if label]
    try:
        labels = [label.encode("idna").decode("ascii") for label in labels]
    except UnicodeError:
        pass  # not a name IDNA writes: its other characters become "-" below
    return ".".join(_NOT_DNS.sub("-", label) for label in labels) or "invalid"


def _main_schema(context: _Context) -> dict[str, f.Reader]:
    """Return the readers of the main file's top-level keys."""
    return {
        "site": lambda value, where: _read_site(value, where, context),
        "include": f.array_of(lambda value, where: _include(value, where, context)),
        "channels": _array_of_tables("channels", lambda v, w, i: _channel(v, w, i, context)),
        "shows": _array_of_tables("shows", lambda v, w, i: _show(v, w, i, context)),
    }


def _included_schema(context: _Context) -> dict[str, f.Reader]:
    """Return the readers of an included file's top-level keys ([site] stays in the main file)."""
    return {
        **_main_schema(context),
        "site": _main_file_only,
        "include": _main_file_only,
    }


def _main_file_only(value: object, _where: f.Where) -> None:
    """Refuse a key that only the main config file may hold."""
    hint = "an included file holds only [[channels]] and [[shows]]"
    msg = "belongs in the main config file"
    raise ConfigError(msg, value=value, hint=hint)


def _array_of_tables(header: str, build: Callable[[object, f.Where, int], object]) -> f.Reader:
    """Return a reader of ``[[header]]`` entries, each built with its index."""

    def read(value: object, where: f.Where) -> tuple[Any, ...]:
        if isinstance(value, dict):
            msg = "must be an array of tables"
            raise ConfigError(msg, value=value, hint=f"write [[{header}]]")
        if not isinstance(value, list):
            msg = f"must be an array of tables, not {f.type_name(value)}"
            raise ConfigError(msg, value=value, hint=f"write each entry under [[{header}]]")
        built = (build(entry, where, index) for index, entry in enumerate(value))
        return tuple(entry for entry in built if entry is not None)

    return read


def _read_site(value: object, where: f.Where, context: _Context) -> dict[str, Any]:
    """Read the ``[site]`` table."""
    schema: dict[str, f.Reader] = {
        "title": f.title,
        "base_url": _base_url,
        "timezone": lambda v, _w: zone_named(v),
        "language": f.language,
        "description": f.prose,
        "output": f.folder,
        "state": f.folder,
        "past": f.duration(allow_zero=True),
        "future": f.duration(allow_zero=True),
        "feed_items": f.integer(1, _MOST_FEED_ITEMS),
        "refresh": f.duration(),
        "hub": f.url,
        "include": f.array_of(lambda v, w: _include(v, w, context)),
    }
    found = f.read_table(value, schema, where, required=("title", "base_url"))
    _check_state_folder(value, found, where, context.folder)
    return found


def _base_url(value: object, where: f.Where) -> str:
    """Read ``base_url``: an absolute http(s) URL of a folder, so it always ends in "/"."""
    read = f.url(value, where)
    parts = urlsplit(read)
    # An empty one too: "https://example.org/t/?" would put every file name after the "?".
    if parts.query or parts.fragment or "?" in read or "#" in read:
        msg = "must not have a query (?...) or a fragment (#...)"
        raise ConfigError(msg, value=read, hint="end it with the folder's path")
    return read if read.endswith("/") else read + "/"


def _check_state_folder(
    value: object, found: Mapping[str, Any], where: f.Where, folder: str
) -> None:
    """Report a state folder inside the output folder (it would be published), or the reverse.

    An output folder inside the state folder (``.airdates/parts``, say) has
    its files taken for the state's own and removed.
    """
    output = _absolute(folder, found.get("output", "public"))
    state = _absolute(folder, found.get("state", ".airdates"))
    holder = holding_folder(output, state)
    if holder == "output":
        key = "state" if isinstance(value, dict) and "state" in value else "output"
        hint = 'keep it outside the output folder, e.g. state = ".airdates" next to the config'
        where.child(key).report(
            "the state folder is inside the output folder", value=state, hint=hint
        )
    elif holder == "state":
        key = "output" if isinstance(value, dict) and "output" in value else "state"
        hint = 'keep them apart, e.g. output = "public" and state = ".airdates" next to the config'
        where.child(key).report(
            "the output folder is inside the state folder", value=output, hint=hint
        )


def holding_folder(output: str, state: str) -> Literal["output", "state"] | None:
    """Return which folder holds the other (or is it), through symbolic links; None: neither.

    A link named "st" to public/private is in public; a link "public" to the
    state folder is the state folder.
    """
    real_output, real_state = os.path.realpath(output), os.path.realpath(state)
    common = os.path.commonpath([real_output, real_state])
    if common == real_output:
        return "output"
    return "state" if common == real_state else None


def _include(value: object, where: f.Where, context: _Context) -> str:
    """Read one ``include`` pattern; it must match a file.

    A pattern matching nothing (a typo, a folder not mounted) would leave
    its shows out of the publish, which then deletes their files: an error
    keeps them published instead.
    """
    pattern = f.text(value, where)
    if matches(pattern, context.folder):
        return pattern
    if not _GLOB_CHARS.search(pattern):
        msg = f"no file {pattern!r} next to the config"
        raise ConfigError(msg, value=pattern, hint="the path is relative to this config file")
    msg = f"no file matches {pattern!r}"
    hint = "check the pattern and its folder; leave it out while no file should match"
    raise ConfigError(msg, value=pattern, hint=hint)


def _channel(value: object, where: f.Where, index: int, context: _Context) -> Channel | None:
    """Read one ``[[channels]]`` entry; the XMLTV id defaults to id + "." + the site host."""
    place = _place("channels", value, index, where, f.slug)  # where: the "channels" key
    schema = {"id": f.slug, "name": f.title, "xmltv_id": _xmltv_id, "url": f.url, "icon": f.url}
    found = f.read_table(
        value, schema, place, required=("id", "name"), outer=(_SITE_KEYS, "[[channels]]")
    )
    if "id" not in found or "name" not in found:
        return None
    duplicate = found["id"] in context.seen_channels
    if duplicate:
        hint = f"first used in {context.seen_channels[found['id']]}"
        place.child("id").report(
            f"duplicate channel id {found['id']!r}", value=found["id"], hint=hint
        )
    context.seen_channels.setdefault(found["id"], place.file)
    given = "xmltv_id" in found
    found.setdefault("xmltv_id", f"{found['id']}.{context.host}")
    if found["xmltv_id"] in context.seen_xmltv_ids and not duplicate:
        # Two <channel> elements with one id: a guide reader keeps one and
        # files every programme of both under it.
        first = context.seen_xmltv_ids[found["xmltv_id"]]
        (place.child("xmltv_id") if given else place.child("id")).report(
            f"channel {first!r} already has XMLTV id {found['xmltv_id']!r}",
            value=found["xmltv_id"], hint="give each channel its own xmltv_id",
        )
    context.seen_xmltv_ids.setdefault(found["xmltv_id"], found["id"])
    return Channel(**found)


def _xmltv_id(value: object, where: f.Where) -> str:
    """Read an XMLTV channel id: DNS-like, as XMLTV tools expect."""
    read = f.text(value, where)
    if not _XMLTV_ID.fullmatch(read):
        hint = 'e.g. "cqtv.example.org"'
        msg = f"{read!r} is not a DNS-like XMLTV id"
        raise ConfigError(msg, value=read, hint=hint)
    return read


def _show(value: object, where: f.Where, index: int, context: _Context) -> Show | None:
    """Read one ``[[shows]]`` entry, or take the show an earlier load made of it."""
    place = show_place(value, index, where)
    key = _show_key(value, place, context)
    kept = context.parsed.shows if context.parsed is not None else None
    if key is not None and kept is not None:
        show = kept.get(key)
        if show is not None and show.id not in context.seen_shows:
            kept.take(key, show)
            context.seen_shows[show.id] = place.file
            return show
    errors = len(where.errors)
    show = _build_show(value, place, context)
    if key is not None and kept is not None and show is not None and len(where.errors) == errors:
        kept.built(show, key)
    return show


def _show_key(value: object, place: f.Where, context: _Context) -> ShowKey | None:
    """Return what the show is made of (schedule/keptshows.py), or None if it cannot be kept."""
    parsed = context.parsed
    if parsed is None or not isinstance(value, dict) or "episodes_file" in value:
        return None
    table, digest = parsed.origin.get(id(value), (None, b""))
    if table is not value:
        return None
    return (digest, place.file, context.zone.key, tuple(sorted(context.channel_ids)))


def _build_show(value: object, place: f.Where, context: _Context) -> Show | None:
    """Read one ``[[shows]]`` entry into a show (None, with errors recorded, if it cannot be)."""

    def read_episodes(value: str, where: f.Where) -> tuple[EpisodeInfo, ...]:
        # Recorded: the publish's record of its inputs names every file read.
        context.episode_files.add(os.path.abspath(_episodes_path(value, where)))
        return _read_episodes(value, where)

    show_context = ShowContext(
        site_zone=context.zone,
        channels=context.channel_ids,
        read_episodes=read_episodes,
        seen=context.seen_shows,
    )
    return build_show(value, place, show_context)


def _place(header: str, value: object, index: int, where: f.Where, read_id: f.Reader) -> f.Where:
    """Return ``header[ID]`` when the entry's id reads cleanly, else ``header[N]``."""
    raw = value.get("id") if isinstance(value, dict) else None
    try:
        entry_id = read_id(raw, where)
    except ConfigError:
        return where.child(index)
    return f.Where(where.file, f"{header}[{entry_id}]", where.errors)
