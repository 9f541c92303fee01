"""The kept site: a publish of the inputs the last one read skips parsing, and writes the same."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import tomllib
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

import schedule.loading
import schedule.tomltables
from publisher import inputs, shortcut, sitecache
from publisher.cli import main
from publisher.inputs import zone_file as zoneinfo_file
from tests.test_shortcut import CSV, MOMENTS, _publish, _write_site

# Night Owls starts at the later moment: a full publish is due then.
FIRST, LATER = MOMENTS[0], MOMENTS[4]


@pytest.fixture(autouse=True)
def _no_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a publish record its recipe although the test wrote the config a moment ago."""
    monkeypatch.setattr(shortcut, "GUARD_NS", 0)
    monkeypatch.delenv(shortcut.DISABLE_ENV, raising=False)
    monkeypatch.delenv("AIRDATES_NOW", raising=False)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the configs parsed from now on."""
    parsed: list[str] = []
    load = schedule.loading.load_site

    def counted(path: str, *more: object) -> object:
        parsed.append(path)
        return load(path, *more)

    monkeypatch.setattr(schedule.loading, "load_site", counted)
    return parsed


Rows = list[tuple[object, ...]]


def _outcome(folder: Path) -> tuple[dict[str, bytes], Rows, Rows]:
    """The published files, the airing records and the change log."""
    files = {p.name: p.read_bytes() for p in sorted((folder / "public").iterdir())}
    with sqlite3.connect(folder / ".airdates" / "state.sqlite") as db:
        airings = sorted(db.execute("SELECT * FROM airings").fetchall())
        changes = db.execute("SELECT * FROM changes ORDER BY 1").fetchall()
    return files, airings, changes


def _nothing(_config: Path) -> None:
    """Change nothing between the publishes."""


def _twice(folder: Path, between: Callable[[Path], None] = _nothing) -> Path:
    """Publish a fresh copy of the test network at FIRST, call ``between``, publish at LATER."""
    shutil.rmtree(folder, ignore_errors=True)
    config = _write_site(folder)
    _publish(config, FIRST)
    between(config)
    _publish(config, LATER)
    return config


def test_the_same_inputs_are_not_parsed_again_and_publish_the_same(
    tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept site stands in for the parse; files, records, change log equal a parsing twin's."""
    folder = tmp_path / "site"
    config = _twice(folder)
    assert parses == [str(config)]  # the first publish only
    assert (folder / ".airdates" / sitecache.CACHE_NAME).is_file()
    kept = _outcome(folder)

    # Neither the shortcut nor the kept site: every publish parses.
    monkeypatch.setenv(shortcut.DISABLE_ENV, "1")
    parses.clear()
    _twice(folder)
    assert parses == [str(config), str(config)]
    assert _outcome(folder) == kept


def _edit_config(config: Path) -> None:
    config.write_text(config.read_text().replace("Night Owls", "Night Owls Live"))


def _edit_episodes(config: Path) -> None:
    (config.parent / "shows" / "eve.csv").write_text(CSV.replace("Seventh", "Seventh Heaven"))


def _damage_kept_site(config: Path) -> None:
    kept = config.parent / ".airdates" / sitecache.CACHE_NAME
    data = bytearray(kept.read_bytes())
    data[-10] ^= 0xFF
    kept.write_bytes(bytes(data))


def _truncate_kept_site(config: Path) -> None:
    kept = config.parent / ".airdates" / sitecache.CACHE_NAME
    kept.write_bytes(kept.read_bytes()[:100])


@pytest.mark.parametrize(
    ("between", "seen"),
    [
        (_edit_config, "Night Owls Live"),
        (_edit_episodes, "Seventh Heaven"),
        (_damage_kept_site, None),
        (_truncate_kept_site, None),
    ],
)
def test_other_inputs_or_a_damaged_kept_site_are_parsed(
    tmp_path: Path, parses: list[str], between: Callable[[Path], None], seen: str | None
) -> None:
    """An edited config or episode file, or a kept site that does not read back: parsed again."""
    config = _twice(tmp_path / "site", between)
    assert parses == [str(config), str(config)]
    if seen is not None:
        assert any(seen.encode() in data for data in _outcome(config.parent)[0].values())


def test_the_config_named_otherwise_is_parsed(
    tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shows remember the config path as given: another spelling of it parses the config again."""
    folder = tmp_path / "site"
    config = _write_site(folder)
    _publish(config, FIRST)
    monkeypatch.chdir(folder)
    _publish(Path("airdates.toml"), LATER)
    assert parses == [str(config), "airdates.toml"]


@pytest.mark.parametrize(
    "line",
    [
        'episodes_file = "eve.csv"',
        "episodes_file = 'eve.csv'",
        'episodes_file = """eve.csv"""',
        '"episodes\\u005ffile" = "eve.csv"',
        'episodes_file = "e\\u0076e.csv"',
    ],
)
@pytest.mark.parametrize("now", [MOMENTS[1], LATER])
def test_an_edited_episode_file_is_published_however_the_config_names_it(
    tmp_path: Path, line: str, now: str
) -> None:
    """Every spelling TOML allows names the spreadsheet the publish read: its edit is seen.

    At ``MOMENTS[1]`` nothing is due (the shortcut would answer), at LATER a
    publish is (the kept site would be used).
    """
    folder = tmp_path / "site"
    config = _write_site(folder)
    eve = folder / "shows" / "eve.toml"
    eve.write_text(eve.read_text().replace('episodes_file = "eve.csv"', line))
    _publish(config, FIRST)
    _edit_episodes(config)
    _publish(config, now)
    assert any(b"Seventh Heaven" in data for data in _outcome(folder)[0].values())


def test_a_publish_from_a_working_folder_that_is_gone_still_works(
    tmp_path: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """cron's folder removed under it: the config (named in full) is parsed, nothing is kept."""
    config = _write_site(tmp_path / "site")
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    _publish(config, FIRST)
    _publish(config, LATER)
    assert parses == [str(config), str(config)]
    assert not (config.parent / ".airdates" / sitecache.CACHE_NAME).exists()


def test_no_site_is_kept_with_the_shortcut_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(shortcut.DISABLE_ENV, "1")
    config = _twice(tmp_path / "site")
    assert not (config.parent / ".airdates" / sitecache.CACHE_NAME).exists()


def test_after_an_edit_only_the_edited_table_is_parsed_and_publishes_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TOML tables the last publish parsed are kept: an edit parses the edited show's alone.

    The main file's head and the included file's show come from
    ``tables.pickle``; files, records and change log equal a twin's that
    parses everything.
    """
    texts: list[str] = []
    loads = tomllib.loads

    def counted(text: str) -> object:
        texts.append(text)
        return loads(text)

    folder = tmp_path / "site"
    config = _write_site(folder)
    _publish(config, FIRST)
    assert (folder / ".airdates" / sitecache.TABLES_NAME).is_file()
    _edit_config(config)
    with monkeypatch.context() as patch:
        parser = SimpleNamespace(loads=counted, TOMLDecodeError=tomllib.TOMLDecodeError)
        patch.setattr(schedule.tomltables, "tomllib", parser)
        _publish(config, LATER)
    assert len(texts) == 1
    assert texts[0].startswith("[[shows]]")
    assert "Night Owls Live" in texts[0]
    kept = _outcome(folder)

    monkeypatch.setenv(shortcut.DISABLE_ENV, "1")
    twin = _twice(tmp_path / "twin", _edit_config)
    assert not (twin.parent / ".airdates" / sitecache.TABLES_NAME).exists()
    assert _outcome(twin.parent) == kept


def test_damaged_kept_tables_are_parsed_again(tmp_path: Path) -> None:
    """Kept tables that do not read back whole are not used: the publish parses and keeps anew."""
    folder = tmp_path / "site"
    config = _write_site(folder)
    _publish(config, FIRST)
    tables = folder / ".airdates" / sitecache.TABLES_NAME
    data = bytearray(tables.read_bytes())
    data[-10] ^= 0xFF
    tables.write_bytes(bytes(data))
    assert sitecache.tables(str(config)).kept == {}
    _edit_config(config)
    _publish(config, LATER)
    assert any(b"Night Owls Live" in data for data in _outcome(folder)[0].values())
    # The main file's head and Night Owls; the included file's head (empty) and Evening Talk.
    assert len(sitecache.tables(str(config)).kept) == 4


SHOWS = """\
[site]
title = "Three"
base_url = "https://tv.example.org/"
timezone = "Europe/Berlin"
past = "1 week"
future = "2 weeks"

[[channels]]
id = "one"
name = "Channel One"

[[channels]]
id = "two"
name = "Channel Two"

[[shows]]
id = "night"
title = "Night Owls"
channel = "one"
duration = "30 minutes"

[[shows.airs]]
rule = "daily at 02:30"
from = 2026-03-01

[[shows.changes]]
at = 2026-03-28T02:30:00
cancel = "Football"

[[shows]]
id = "late"
title = "Late Extra"
channel = "two"
duration = "1 hour"

[[shows.airs]]
rule = "weekends at 23:00"
from = 2026-03-01

[[shows]]
id = "noon"
title = "Noon"
timezone = "Asia/Shanghai"
duration = "15 minutes"

[[shows.airs]]
rule = "weekdays at 12:00"
from = 2026-03-02
"""


def _three(folder: Path) -> Path:
    folder.mkdir(parents=True)
    config = folder / "airdates.toml"
    config.write_text(SHOWS)
    _publish(config, FIRST)
    return config


def _load_kept(config: Path) -> tuple[object, int]:
    """Load ``config`` with what the last publish kept; return the site and the shows taken."""
    parsed = sitecache.tables(str(config))
    site, _ = schedule.loading.load_site(str(config), parsed)
    return site, len(parsed.shows.taken)


def test_kept_shows_load_to_the_site_a_parse_gives(tmp_path: Path) -> None:
    """After an edit, the shows an earlier load made stand in for the others: the same site."""
    config = _three(tmp_path / "site")
    config.write_text(SHOWS.replace("Late Extra", "Late Extra Live"))
    site, taken = _load_kept(config)
    assert taken == 2  # Night Owls and Noon; Late Extra is built again
    assert site == schedule.loading.load_site(str(config))[0]
    _publish(config, LATER)
    assert any(b"Late Extra Live" in data for data in _outcome(config.parent)[0].values())


def test_a_new_site_zone_makes_every_show_again(tmp_path: Path) -> None:
    """A show's zone defaults to the site's: with the site's changed, no show is kept."""
    config = _three(tmp_path / "site")
    config.write_text(SHOWS.replace('timezone = "Europe/Berlin"', 'timezone = "America/New_York"'))
    site, taken = _load_kept(config)
    assert taken == 0
    assert site == schedule.loading.load_site(str(config))[0]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # Night Owls' table is unchanged, but its channel is gone.
        (
            lambda text: text.replace(
                'id = "one"\nname = "Channel One"', 'id = "uno"\nname = "Uno"'
            ),
            "shows[night].channel",
        ),
        # A show at the end takes Late Extra's id: Late Extra is kept, the error must be found.
        (lambda text: text + '\n[[shows]]\nid = "late"\ntitle = "Again"\n', "duplicate show id"),
    ],
)
def test_a_kept_show_hides_no_error(
    tmp_path: Path, edit: Callable[[str], str], message: str
) -> None:
    """A change elsewhere that makes an unchanged show wrong is reported, as without kept shows."""
    config = _three(tmp_path / "site")
    config.write_text(edit(SHOWS))
    argv = ["publish", "-c", str(config), "--now", LATER]
    err = io.StringIO()
    assert main(argv, stdout=io.StringIO(), stderr=err) == 1
    assert message in err.getvalue()
    fresh = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(shortcut.DISABLE_ENV, "1")
        main(argv, stdout=io.StringIO(), stderr=fresh)
    assert err.getvalue() == fresh.getvalue()


def test_shows_made_by_other_code_or_zone_data_are_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another airdates, or zone files changed since: every show is built again."""
    config = _three(tmp_path / "site")
    assert _load_kept(config)[1] == 3
    with monkeypatch.context() as patch:
        patch.setattr(shortcut, "code_stamp", lambda: "another airdates")
        assert _load_kept(config)[1] == 0
    berlin = tmp_path / "zones" / "Europe" / "Berlin"
    berlin.parent.mkdir(parents=True)
    shutil.copy(zoneinfo_file("Europe/Berlin"), berlin)
    monkeypatch.setattr(inputs, "TZPATH", (str(tmp_path / "zones"), *inputs.TZPATH))
    assert _load_kept(config)[1] == 0


def test_what_is_kept_is_private_and_leaves_no_scratch_file(tmp_path: Path) -> None:
    """The kept site and tables hold the config's text: 0600, whatever the umask; no temp left."""
    folder = tmp_path / "site"
    old = os.umask(0o022)
    try:
        _twice(folder)
    finally:
        os.umask(old)
    state = folder / ".airdates"
    for name in (sitecache.CACHE_NAME, sitecache.TABLES_NAME):
        assert (state / name).stat().st_mode & 0o777 == 0o600, name
    assert not [p.name for p in state.iterdir() if p.name.endswith(".tmp")]


def test_a_killed_publishs_scratch_files_go_with_the_next_publish(tmp_path: Path) -> None:
    """What a publish killed while keeping left behind is deleted by the next; nothing else is."""
    folder = tmp_path / "site"
    config = _twice(folder)
    state = folder / ".airdates"
    left = [f"{sitecache.TABLES_NAME}.4242.tmp", f"{sitecache.CACHE_NAME}.99999.tmp"]
    for name in left:
        (state / name).write_bytes(b"half a pickle")
    for own in ("notes.tmp", f"{sitecache.CACHE_NAME}.bak.tmp"):
        (state / own).write_text("the operator's own")
    config.write_text(config.read_text().replace("Night Owls", "Night Owls Live"))
    _publish(config, LATER)
    names = {p.name for p in state.iterdir()}
    assert not names & set(left)
    assert {"notes.tmp", f"{sitecache.CACHE_NAME}.bak.tmp"} <= names
    assert {sitecache.CACHE_NAME, sitecache.TABLES_NAME} <= names
