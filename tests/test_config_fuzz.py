"""Fuzzing the config loader: whatever the file holds, it loads or raises ConfigErrors, quickly."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedule.config import load_config
from schedule.errors import ConfigErrors

if TYPE_CHECKING:
    from schedule.site import Site

FUZZ = settings(
    max_examples=50,
    deadline=timedelta(seconds=2),  # a hang or a runaway loop fails here, not in CI's timeout
    suppress_health_check=[HealthCheck.too_slow],
)

SITE_KEYS = [
    "title", "base_url", "timezone", "language", "description", "output", "state",
    "past", "future", "feed_items", "refresh", "hub", "include",
]  # fmt: skip
CHANNEL_KEYS = ["id", "name", "xmltv_id", "url", "icon"]
SHOW_KEYS = [
    "id", "title", "description", "channel", "timezone", "duration", "link", "image",
    "categories", "also_on", "episodes_file",
]  # fmt: skip
ENTRY_KEYS = {
    "airs": ["rule", "rrule", "from", "until", "duration", "rerun"],
    "seasons": ["number", "from", "episode", "at"],
    "episodes": ["number", "season", "at", "title", "summary", "link", "segments"],
    "changes": ["at", "episode", "season", "cancel", "move_to", "duration"],
    "extras": ["at", "duration", "title", "summary", "link", "numbered"],
}
PLAUSIBLE = [
    "every Wednesday and Saturday at 6 PM", "daily at 07:30", "weekdays at 6:30 am",
    "first Monday of every month at 9 PM", "FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18",
    "every Wednsday at 25:00", "30 minutes", "PT30M", "P8W", "1 hour 30 minutes", "0 minutes",
    "Asia/Shanghai", "Europe/Londn", "https://feeds.example.org/", "feeds/", "en", "en_US",
    "lets-meet", "cqtv", "all", "Let's Meet", "2026-01-03 18:00", "2026-01-03T10:00Z",
    "2026-01-03", "public", "public/.airdates", "nope.csv", "*.nothing", "",
]  # fmt: skip


def scalars() -> st.SearchStrategy[object]:
    """Values of every TOML type, biased towards ones the loader half-accepts."""
    return st.one_of(
        st.sampled_from(PLAUSIBLE),
        st.text(max_size=30),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.floats(allow_nan=False),
        st.booleans(),
        st.dates(),
        st.datetimes(),
        st.datetimes(timezones=st.just(UTC)),
        st.times(),
    )


def values() -> st.SearchStrategy[object]:
    """Scalars, and arrays and inline tables of them (one level deep keeps generation fast)."""
    keys = st.sampled_from(["name", "url", "title", "summary", "x"])
    return st.one_of(
        scalars(),
        st.lists(scalars(), max_size=3),
        st.dictionaries(keys, scalars(), max_size=2),
    )


def table(keys: list[str]) -> st.SearchStrategy[dict[str, object]]:
    """Draw a table of mostly known keys (and the odd unknown one) with random values."""
    return st.dictionaries(st.sampled_from([*keys, "bogus"]), values(), max_size=4)


@st.composite
def shows(draw: st.DrawFn) -> dict[str, object]:
    """Draw a [[shows]] table with random entry arrays."""
    show = draw(table(SHOW_KEYS))
    for name in draw(st.sets(st.sampled_from(sorted(ENTRY_KEYS)), max_size=2)):
        show[name] = draw(st.lists(table(ENTRY_KEYS[name]), min_size=1, max_size=2))
    if draw(st.booleans()):
        show["numbering"] = draw(table(["episode", "at"]))
    return show


@st.composite
def documents(draw: st.DrawFn) -> dict[str, object]:
    """Draw a whole config document shaped like SPEC §2, with random values."""
    doc: dict[str, object] = {}
    if draw(st.booleans()):
        doc["site"] = draw(table(SITE_KEYS))
    if draw(st.booleans()):
        doc["channels"] = draw(st.lists(table(CHANNEL_KEYS), max_size=2))
    doc["shows"] = draw(st.lists(shows(), max_size=2))
    return doc


def toml_value(value: object) -> str:
    """Serialise a value as a TOML inline value (by hand: the point is to feed odd input)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value).replace("inf", "inf")
    if isinstance(value, str):
        return json.dumps(value)  # JSON strings are TOML basic strings, bar a few escapes
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def toml_document(doc: dict[str, object]) -> str:
    """Serialise a document: top-level values, then [tables] and [[arrays of tables]]."""
    plain = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in doc.items() if not _section(v)]
    lines = list(plain)
    for key, value in doc.items():
        if isinstance(value, dict):
            lines += [f"[{json.dumps(key)}]", *_pairs(value)]
        elif _section(value):
            for entry in value:  # type: ignore[attr-defined]
                lines += [f"[[{json.dumps(key)}]]", *_pairs(entry)]
    return "\n".join(lines) + "\n"


def _section(value: object) -> bool:
    """Tell whether a value is written as a [table] or [[array of tables]]."""
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def _pairs(table: dict[str, object]) -> list[str]:
    """Return the ``key = value`` lines of a table, nested values inline."""
    return [f"{json.dumps(k)} = {toml_value(v)}" for k, v in table.items()]


def outcome(data: bytes) -> Site | None:
    """Load ``data`` as a config; return the Site, or None when it raised ConfigErrors."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "airdates.toml"
        path.write_bytes(data)
        try:
            return load_config(str(path))
        except ConfigErrors as errors:
            assert errors.errors, "ConfigErrors must hold at least one error"
            assert all(error.file for error in errors.errors)
            return None


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_load_or_raise_config_errors(data: bytes) -> None:
    """Random bytes never raise anything but ConfigErrors."""
    outcome(data)


@FUZZ
@given(documents())
def test_random_documents_load_or_raise_config_errors(doc: dict[str, object]) -> None:
    """Random TOML documents of SPEC keys and random values load or raise only ConfigErrors."""
    outcome(toml_document(doc).encode("utf-8", "surrogatepass"))


@FUZZ
@given(documents(), st.integers(min_value=0), st.text(min_size=1, max_size=3))
def test_corrupted_documents_load_or_raise_config_errors(
    doc: dict[str, object], where: int, junk: str
) -> None:
    """A document with a few characters spliced in anywhere loads or raises only ConfigErrors."""
    text = toml_document(doc)
    cut = where % (len(text) + 1)
    outcome((text[:cut] + junk + text[cut:]).encode("utf-8", "surrogatepass"))


VALID = {
    "site": {"title": "T", "base_url": "https://feeds.example.org/", "timezone": "Asia/Shanghai"},
    "channels": [{"id": "cqtv", "name": "Chongqing Satellite TV"}],
    "shows": [
        {
            "id": "lets-meet",
            "title": "Let's Meet",
            "channel": "cqtv",
            "duration": "30 minutes",
            "airs": [{"rule": "every Wednesday and Saturday at 6 PM", "from": date(2025, 1, 1)}],
            "numbering": {"episode": 173, "at": datetime(2026, 1, 3, 18)},
            "seasons": [{"number": 1, "from": date(2025, 1, 1)}],
            "episodes": [{"number": 173, "title": "Global Youth Envoys Gather in Chongqing"}],
            "changes": [{"at": datetime(2026, 1, 7, 18), "cancel": "Holiday"}],
            "extras": [{"at": datetime(2026, 1, 1, 20), "title": "New Year Special"}],
        }
    ],
}


def paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every key path inside ``value`` (table keys and array indexes)."""
    if isinstance(value, dict):
        items: list[tuple[object, object]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return []
    found = []
    for key, item in items:
        found += [(*prefix, key), *paths(item, (*prefix, key))]
    return found


def swapped(doc: object, path: tuple[object, ...], new: object) -> object:
    """Return a copy of ``doc`` with the value at ``path`` replaced by ``new``."""
    if not path:
        return new
    head, *rest = path
    if isinstance(doc, dict):
        return {k: swapped(v, tuple(rest), new) if k == head else v for k, v in doc.items()}
    assert isinstance(doc, list)
    return [swapped(v, tuple(rest), new) if i == head else v for i, v in enumerate(doc)]


def test_the_valid_document_loads() -> None:
    """The document the swap test breaks loads cleanly as it stands."""
    assert outcome(toml_document(VALID).encode()) is not None


@FUZZ
@given(st.sampled_from(paths(VALID)), values())
def test_one_value_swapped_in_a_valid_document(path: tuple[object, ...], new: object) -> None:
    """Replacing any one value of a valid config with a random one loads or raises only ConfigErrors."""
    doc = swapped(VALID, path, new)
    outcome(toml_document(doc).encode("utf-8", "surrogatepass"))  # type: ignore[arg-type]


def test_deeply_nested_arrays_are_a_config_error() -> None:
    """An array nested beyond what the TOML parser can recurse into is a ConfigError, not a crash."""
    assert outcome(b"x = " + b"[" * 100_000 + b"]" * 100_000) is None
