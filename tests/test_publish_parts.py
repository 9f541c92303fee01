"""Show parts: a show whose inputs and outputs stay put is not published again, to the same bytes.

Every case publishes twins: the same site, published once, copied, then
published again after the same edit, once where the shows' recorded parts
can be reused and once into a fresh output folder, where nothing can be
(the manifest knows none of its files). Files and state must agree byte for
byte; which shows were expanded again is counted in the first twin.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from feeds import registry
from feeds.edition import Edition
from publisher import files as files_module
from publisher import network
from publisher import parts as parts_module
from publisher import publish as publish_module
from publisher.cli import main
from publisher.state import State
from schedule import timeline
from schedule.loading import load_site
from tests.test_publish_network import _config, _outputs, _state_rows

FIRST = "2025-10-20T12:00:00+00:00"
SHOWS = {f"show-{n}" for n in range(12)}

Edit = Callable[[Path], None]


def _no_edit(folder: Path) -> None:
    del folder


def _retitle(folder: Path) -> None:
    config = folder / "airdates.toml"
    config.write_text(config.read_text().replace('title = "Show 5"', 'title = "Show five"'))


def _published(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Write the test site's config in ``folder`` and publish it at FIRST (no shortcut)."""
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")
    folder.mkdir(exist_ok=True)
    _config(folder)
    assert _publish(folder, FIRST) == 0


def _publish(folder: Path, now: str, *extra: str) -> int:
    return main(["publish", "-c", str(folder / "airdates.toml"), "--now", now, *extra])


def _twins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Edit, now: str
) -> tuple[Path, set[str]]:
    """Publish at FIRST, edit, republish twins at ``now``; return the reusing one, what it expanded.

    Both twins publish from the same path (a show's config path is part of
    what its events show): the reusing one, then moved aside; then a copy
    made before it, whose output files are new inodes and whose parts are
    gone, so that nothing can be reused.
    """
    site, spare, reusing = tmp_path / "site", tmp_path / "spare", tmp_path / "reusing"
    _published(site, monkeypatch)
    shutil.copytree(site, spare)
    edit(site)
    expanded = _expanded(monkeypatch, site, now)
    site.rename(reusing)
    spare.rename(site)
    shutil.rmtree(site / ".airdates" / "parts")
    edit(site)
    assert _publish(site, now) == 0
    assert _outputs(reusing / "public") == _outputs(site / "public")
    assert _state_rows(reusing) == _state_rows(site)
    site.rename(tmp_path / "full")
    reusing.rename(site)
    _assert_tidy(site)
    return site, expanded


def _expanded(monkeypatch: pytest.MonkeyPatch, site: Path, now: str) -> set[str]:
    """Publish; return the shows expanded, by this process or a second one."""
    log = site.parent / "expanded.log"
    log.unlink(missing_ok=True)
    real = timeline.show_timeline

    def counted(*args: object) -> object:
        # One short append a show: whole lines even from two processes at once.
        with log.open("a") as out:
            out.write(args[1].id + "\n")  # type: ignore[attr-defined]
        return real(*args)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(timeline, "show_timeline", counted)
        assert _publish(site, now) == 0
    return set(log.read_text().split()) if log.exists() else set()


def _assert_tidy(folder: Path) -> None:
    """The parts folder holds exactly the files the state names, one per show."""
    state = State.open(folder / ".airdates")
    try:
        named = state.part_files()
        rows = state.part_rows()
    finally:
        state.close()
    site = load_site(str(folder / "airdates.toml"))[0]
    assert set(rows) == {show.id for show in site.shows}
    assert {p.name for p in (folder / ".airdates" / "parts").iterdir()} == named


def _moving(folder: Path, start: datetime, stop: datetime) -> set[str]:
    """Return the shows with an airing starting or ending in ``(start, stop]``."""
    site = load_site(str(folder / "airdates.toml"))[0]
    window = timeline.window(site, start)
    return {
        show.id
        for show in site.shows
        for airing in timeline.show_airings(site, show, *window)
        if start < airing.start <= stop or start < airing.end <= stop
    }


def test_an_edit_to_one_show_publishes_that_show_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other shows' files and parts are reused; files and state are a full publish's."""
    folder, expanded = _twins(tmp_path, monkeypatch, _retitle, FIRST)
    assert expanded == {"show-5"}
    assert "Show five" in (folder / "public" / "schedule.ics").read_text()
    assert "Show five" in (folder / "public" / "xmltv.xml").read_text()


def test_nothing_changed_publishes_nothing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same inputs, same moment: no show is expanded; every file stays."""
    _, expanded = _twins(tmp_path, monkeypatch, _no_edit, FIRST)
    assert expanded == set()


@pytest.mark.parametrize("hours", [1, 3, 7])
def test_a_show_whose_airing_started_or_ended_is_published_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hours: int
) -> None:
    """Later the same day: exactly the shows with an airing starting or ending meanwhile."""
    first = datetime.fromisoformat(FIRST)
    later = first + timedelta(hours=hours)
    folder, expanded = _twins(tmp_path, monkeypatch, _no_edit, later.isoformat())
    expected = _moving(folder, first, later)
    assert expected  # the site airs every hour from 06:00 to 17:00
    assert expanded == expected


def _site_title(folder: Path) -> None:
    config = folder / "airdates.toml"
    config.write_text(config.read_text().replace('title = "Parts TV"', 'title = "Parts TV+"'))


def _channel_name(folder: Path) -> None:
    config = folder / "airdates.toml"
    config.write_text(config.read_text().replace('name = "Two & Co"', 'name = "Two and Co"'))


@pytest.mark.parametrize(
    ("edit", "now"),
    [
        # The window moves with the day.
        (_no_edit, "2025-10-21T12:00:00+00:00"),
        # A part is never used before the moment it was made.
        (_no_edit, "2025-10-19T12:00:00+00:00"),
        (_no_edit, "2025-10-20T11:00:00+00:00"),
        # A show's files show the site's settings and channels: a change is everyone's.
        (_site_title, FIRST),
        (_channel_name, FIRST),
    ],
)
def test_a_new_day_an_earlier_now_or_a_site_setting_publishes_every_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Edit, now: str
) -> None:
    """Whatever every show's files depend on changed: no part is reused."""
    _, expanded = _twins(tmp_path, monkeypatch, edit, now)
    assert expanded == SHOWS


def _tampered(folder: Path) -> None:
    (folder / "public" / "show-3.rss").write_text("not a feed")


def _part_gone(folder: Path) -> None:
    for part in (folder / ".airdates" / "parts").glob("show-5.*"):
        part.unlink()


def _part_cut(folder: Path) -> None:
    for part in (folder / ".airdates" / "parts").glob("show-6.*"):
        part.write_bytes(part.read_bytes()[:-1])


def _part_touched(folder: Path) -> None:
    """Give show 4's part file another modification time, its bytes unchanged."""
    for part in (folder / ".airdates" / "parts").glob("show-4.*"):
        info = part.stat()
        os.utime(part, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def _part_replaced(folder: Path) -> None:
    """Put a copy of show 8's part file in its place: same bytes and times, another inode."""
    for part in (folder / ".airdates" / "parts").glob("show-8.*"):
        copy = part.with_name("copy")
        shutil.copy2(part, copy)
        copy.replace(part)


def _part_garbled(folder: Path) -> None:
    """Garble show 9's part keeping its stamp, and retitle show 5: the network files are made again.

    The part file keeps its size, inode and modification time: it passes
    for the file written, and only reading it back shows the damage.
    """
    for part in (folder / ".airdates" / "parts").glob("show-9.*"):
        info = part.stat()
        part.write_bytes(bytes(info.st_size))
        os.utime(part, ns=(info.st_atime_ns, info.st_mtime_ns))
    _retitle(folder)


@pytest.mark.parametrize(
    ("edit", "show"),
    [
        (_tampered, "show-3"),
        (_part_gone, "show-5"),
        (_part_cut, "show-6"),
        (_part_touched, "show-4"),
        (_part_replaced, "show-8"),
    ],
)
def test_a_show_whose_file_or_part_changed_is_published_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Edit, show: str
) -> None:
    """A file edited behind airdates' back is repaired; a part lost, cut, touched, copied is redone.

    A touched or copied part file is not the one written: the network
    calendar would copy its events unread, so its show is published again
    (and only that show).
    """
    folder, expanded = _twins(tmp_path, monkeypatch, edit, FIRST)
    assert expanded == {show}
    assert (folder / "public" / "show-3.rss").read_text().startswith("<?xml")


@pytest.mark.parametrize("split", [False, True])
def test_a_part_garbled_to_the_same_size_costs_a_full_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, split: bool
) -> None:
    """Its bytes no longer load: the publish starts again reusing no part, and ends as a full one.

    With ``split`` the shows are published by two processes.
    """
    if split:
        monkeypatch.setattr(publish_module, "_PARALLEL_SHOWS", 2)
    _, expanded = _twins(tmp_path, monkeypatch, _part_garbled, FIRST)
    # Every show is published again (by one process or two).
    assert len(expanded) == len(SHOWS)


@pytest.mark.parametrize("split", [False, True])
def test_a_part_that_fails_while_the_calendar_is_made_costs_a_full_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, split: bool
) -> None:
    """A part that cannot be read back while the network files are made: the publish starts again.

    Its programmes are read back for the guide; the spy raises the same
    error as the calendar is made, so that with ``split`` the second
    process, which makes the calendar, is the one to report it.
    """
    if split:
        monkeypatch.setattr(publish_module, "_PARALLEL_SHOWS", 2)
    once = tmp_path / "once"
    real = parts_module.ShowPart.events

    def events(part: parts_module.ShowPart, folder: Path) -> object:
        if part.show == "show-9" and once.exists():
            once.unlink()  # in whichever process makes the calendar
            raise parts_module.PartError(str(folder), part.show)
        return real(part, folder)

    def retitled_once(folder: Path) -> None:
        _retitle(folder)
        once.touch()

    monkeypatch.setattr(parts_module.ShowPart, "events", events)
    _, expanded = _twins(tmp_path, monkeypatch, retitled_once, FIRST)
    assert len(expanded) == len(SHOWS)
    assert not once.exists()


@pytest.mark.parametrize("split", [False, True])
def test_a_file_system_that_sets_the_time_when_it_closes_a_file_costs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, split: bool
) -> None:
    """Some mounts set a file's modification time when its data is written out, at close.

    A part file written by this publish is copied into the network calendar
    without its stamp checked, and its stamp is recorded as it is once
    closed: the edit publishes the edited show alone and the network files
    equal a full publish's (``_twins``).
    """
    if split:
        monkeypatch.setattr(publish_module, "_PARALLEL_SHOWS", 2)
    real = files_module._sync_and_close  # noqa: SLF001 - where a file is closed

    def closed_later(fd: int) -> None:
        info = os.fstat(fd)
        os.utime(fd, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
        real(fd)

    monkeypatch.setattr(files_module, "_sync_and_close", closed_later)
    _, expanded = _twins(tmp_path, monkeypatch, _retitle, FIRST)
    assert expanded == {"show-5"}


def test_a_part_this_publish_wrote_and_cannot_read_back_is_an_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second pass reuses no part, so its failure is the disk's: exit 4, one line, no change."""
    site = tmp_path / "site"
    _published(site, monkeypatch)
    before = _outputs(site / "public")
    rows = _state_rows(site)
    _retitle(site)

    def unreadable(*_: object) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(parts_module, "_read", unreadable)
    capsys.readouterr()
    assert _publish(site, FIRST) == 4
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert "written by this publish cannot be read back" in lines[0]
    assert str(site / ".airdates" / "parts") in lines[0]
    assert _outputs(site / "public") == before
    assert _state_rows(site) == rows


def test_network_files_whose_parts_did_not_change_are_not_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An hour later some shows are published again, with the same events: no calendar is merged."""
    # Counted here: no file is made by a second process.
    monkeypatch.setattr(publish_module, "_PARALLEL_SHOWS", 10**6)
    _published(tmp_path, monkeypatch)
    before = _outputs(tmp_path / "public")
    made: list[str] = []
    for name in ("_calendar", "_guide"):
        real = getattr(network.NetworkParts, name)
        monkeypatch.setattr(
            network.NetworkParts, name,
            lambda self, parts, name=name, real=real: made.append(name) or real(self, parts),
        )
    later = (datetime.fromisoformat(FIRST) + timedelta(hours=1)).isoformat()
    assert _expanded(monkeypatch, tmp_path, later)  # some shows are published again
    assert made == []
    assert _outputs(tmp_path / "public")["schedule.ics"] == before["schedule.ics"]
    _retitle(tmp_path)
    assert _publish(tmp_path, later) == 0
    assert made == ["_calendar", "_guide"]


def test_a_network_calendar_recorded_by_its_whole_digest_is_compared_not_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A calendar and guide an earlier airdates recorded (whole-file SHA-256) stay, if the same."""
    _published(tmp_path, monkeypatch)
    public = tmp_path / "public"
    before = {name: (public / name).stat().st_ino for name in ("schedule.ics", "xmltv.xml")}
    with sqlite3.connect(tmp_path / ".airdates" / "state.sqlite") as db:
        for name in before:
            whole = hashlib.sha256((public / name).read_bytes()).hexdigest()
            db.execute("UPDATE manifest SET sha256 = ? WHERE name = ?", (whole, name))
        db.execute("DELETE FROM network_keys")  # so both are made again
    later = (datetime.fromisoformat(FIRST) + timedelta(hours=1)).isoformat()
    assert _publish(tmp_path, later) == 0
    assert {name: (public / name).stat().st_ino for name in before} == before


def _network_file_tampered(folder: Path) -> None:
    (folder / "public" / "schedule.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    (folder / "public" / "xmltv.xml").unlink()


def test_a_network_file_changed_behind_airdates_back_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its key still matches, but the file is not the one airdates wrote: it is repaired."""
    folder, expanded = _twins(tmp_path, monkeypatch, _network_file_tampered, FIRST)
    assert expanded == set()
    assert (folder / "public" / "schedule.ics").stat().st_size > 1000
    assert (folder / "public" / "xmltv.xml").exists()


def _part_rewritten(folder: Path) -> None:
    """Change show 3's title inside its part, keeping its size (not its time); retitle show 5."""
    for part in (folder / ".airdates" / "parts").glob("show-3.*"):
        info = part.stat()
        part.write_bytes(part.read_bytes().replace(b"Show 3", b"Show X"))
        os.utime(part, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    _retitle(folder)


def test_a_part_changed_but_still_loadable_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part file rewritten since is not the one written (its time changed): its show is redone."""
    folder, expanded = _twins(tmp_path, monkeypatch, _part_rewritten, FIRST)
    assert expanded == {"show-3", "show-5"}
    assert "Show X" not in (folder / "public" / "schedule.ics").read_text()


def _row_broken(folder: Path) -> None:
    with sqlite3.connect(folder / ".airdates" / "state.sqlite") as db:
        db.execute("UPDATE show_parts SET part = x'80094E2E' WHERE show = 'show-3'")


def test_a_recorded_part_that_does_not_load_costs_only_its_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state row damaged beyond loading (an unknown pickle protocol): that show is published."""
    _, expanded = _twins(tmp_path, monkeypatch, _row_broken, FIRST)
    assert expanded == {"show-3"}


def _show_list(edition: Edition) -> bytes:
    return " ".join(show.id for show in edition.site.shows).encode()


def test_a_renderer_of_its_own_turns_reuse_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An extra per-show format may show anything (here every show): every show is published."""
    listing = registry.Renderer(
        name="list", media_type="text/plain", suffix=".txt", render=_show_list
    )
    monkeypatch.setitem(registry._REGISTRY, "list", listing)  # noqa: SLF001 - an extra format
    folder, expanded = _twins(tmp_path, monkeypatch, _show_added, FIRST)
    assert expanded == {*SHOWS, "show-12"}
    assert (folder / "public" / "show-0.txt").read_text().endswith("show-12")


ENDED = """\
[site]
title = "Quiet TV"
base_url = "https://feeds.example.org/quiet/"
timezone = "Europe/Berlin"
past = "1 day"
future = "1 day"

[[shows]]
id = "gone"
title = "Gone"
timezone = "Europe/Berlin"
duration = "30 minutes"

[[shows.airs]]
rule = "daily at 20:00"
from = 2024-01-01
until = 2024-06-30
"""


def test_an_empty_calendar_follows_its_window_into_a_new_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No airing in the window: the calendar's zone covers the window's years, which a day moves."""
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")
    site, spare = tmp_path / "site", tmp_path / "spare"
    site.mkdir()
    (site / "airdates.toml").write_text(ENDED)
    assert _publish(site, "2026-12-29T12:00:00+00:00") == 0
    before = (site / "public" / "schedule.ics").read_bytes()
    shutil.copytree(site, spare)
    assert _publish(site, "2026-12-31T12:00:00+00:00") == 0
    after = (site / "public" / "schedule.ics").read_bytes()
    shutil.rmtree(spare / ".airdates" / "parts")
    site.rename(tmp_path / "reusing")
    spare.rename(site)
    assert _publish(site, "2026-12-31T12:00:00+00:00") == 0
    assert after == (site / "public" / "schedule.ics").read_bytes()
    assert after != before  # 2027 came into the window


def _show_removed(folder: Path) -> None:
    config = folder / "airdates.toml"
    text = config.read_text()
    start = text.index('id = "show-7"')
    stop = text.index("[[shows]]", start)
    config.write_text(text[: text.rindex("[[shows]]", 0, start)] + text[stop:])


def _show_added(folder: Path) -> None:
    config = folder / "airdates.toml"
    added = config.read_text().split("[[shows]]")[2].replace('"show-1"', '"show-12"')
    config.write_text(config.read_text() + "[[shows]]" + added.replace("Show 1", "Show 12"))


def test_a_removed_show_leaves_no_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its files, its part and its part file go; no other show is published again."""
    folder, expanded = _twins(tmp_path, monkeypatch, _show_removed, FIRST)
    assert expanded == set()
    assert not list((folder / "public").glob("show-7.*"))
    assert not list((folder / ".airdates" / "parts").glob("show-7.*"))


def test_an_added_show_is_published_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new show is the only one expanded; the network files take it in."""
    folder, expanded = _twins(tmp_path, monkeypatch, _show_added, FIRST)
    assert expanded == {"show-12"}
    assert "Show 12" in (folder / "public" / "xmltv.xml").read_text()


def test_parts_of_a_failed_publish_are_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish failing at its commit leaves the state; the next ends where a clean one does."""
    site, spare, recovered = tmp_path / "site", tmp_path / "spare", tmp_path / "recovered"
    _published(site, monkeypatch)
    shutil.copytree(site, spare)
    state = _state_rows(site)
    _retitle(site)

    def fails(*_: object, **__: object) -> None:
        message = "disk gone"
        raise OSError(message)

    with monkeypatch.context() as patched:
        patched.setattr(State, "commit", fails)
        assert _publish(site, FIRST) == 4  # an output that could not be written
    assert _state_rows(site) == state
    expanded = _expanded(monkeypatch, site, FIRST)
    assert expanded == {"show-5"}  # not the part the failed publish made
    _assert_tidy(site)
    site.rename(recovered)
    spare.rename(site)  # the same path: a show's config path is part of what its events show
    _retitle(site)
    assert _publish(site, FIRST) == 0
    assert _outputs(recovered / "public") == _outputs(site / "public")
    assert _changes(recovered) == _changes(site)


def _changes(folder: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / ".airdates" / "state.sqlite") as db:
        return db.execute("SELECT number, kind, airing, text FROM changes ORDER BY 1").fetchall()


def test_a_dry_run_reuses_parts_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dry run names the files the publish then writes; the state folder stays as it was."""
    _published(tmp_path, monkeypatch)
    _retitle(tmp_path)
    parts = tmp_path / ".airdates" / "parts"
    before, state = {p.name: p.read_bytes() for p in parts.iterdir()}, _state_rows(tmp_path)
    capsys.readouterr()
    assert _publish(tmp_path, FIRST, "--dry-run", "--verbose") == 0
    would = {line.removeprefix("would write ") for line in capsys.readouterr().err.splitlines()
             if line.startswith("would write ")}
    assert {p.name: p.read_bytes() for p in parts.iterdir()} == before
    assert _state_rows(tmp_path) == state
    assert _publish(tmp_path, FIRST, "--verbose") == 0
    wrote = {line.removeprefix("wrote ") for line in capsys.readouterr().err.splitlines()
             if line.startswith("wrote ")}
    assert would == wrote
    assert {"show-5.ics", "schedule.ics", "xmltv.xml"} <= wrote


def test_a_publish_too_large_for_one_process_reuses_parts_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shows published by the second process leave parts the next publish reuses."""
    monkeypatch.setattr(publish_module, "_PARALLEL_SHOWS", 2)
    _, expanded = _twins(tmp_path, monkeypatch, _retitle, FIRST)
    assert expanded == {"show-5"}


def test_a_state_of_the_previous_schema_is_upgraded_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A state written before show parts existed (version 2): the next publish writes nothing."""
    _published(tmp_path, monkeypatch)
    with sqlite3.connect(tmp_path / ".airdates" / "state.sqlite") as db:
        db.execute("DROP TABLE show_parts")
        db.execute("DROP TABLE network_keys")
        db.execute("UPDATE schema_version SET version = 2")
    shutil.rmtree(tmp_path / ".airdates" / "parts")
    capsys.readouterr()
    assert _publish(tmp_path, FIRST) == 0
    assert capsys.readouterr().out.startswith("68 files: 0 written, 68 unchanged")
    _assert_tidy(tmp_path)
    assert _expanded(monkeypatch, tmp_path, FIRST) == set()  # and the parts are used from then on


ZONE = """\
Rule T 2007 max - Mar Sun>=8 2:00 1:00 D
Rule T 2007 max - Nov Sun>=1 2:00 0 S
Zone America/New_York -5:00 T {abbreviation}%sT
"""

NEW_YORK = """\
[site]
title = "Zone TV"
base_url = "https://feeds.example.org/zone/"
timezone = "Europe/Berlin"

[[channels]]
id = "one"
name = "One"

[[shows]]
id = "morning"
title = "Morning"
channel = "one"
timezone = "America/New_York"
duration = "30 minutes"

[[shows.airs]]
rule = "daily at 9:00"
from = 2025-09-01
"""


@pytest.mark.skipif(shutil.which("zic") is None, reason="needs zic (libc-bin) to build zone data")
def test_new_zone_data_reaches_the_network_calendar(tmp_path: Path) -> None:
    """Zone data renaming a show's zone abbreviations: the events stay, the VTIMEZONEs change."""
    zones, site, spare = tmp_path / "zones", tmp_path / "site", tmp_path / "spare"
    site.mkdir()
    (site / "airdates.toml").write_text(NEW_YORK)
    env = {**os.environ, "AIRDATES_NO_SHORTCUT": "1", "PYTHONTZPATH": str(zones)}

    def build(abbreviation: str) -> None:
        source = tmp_path / "zone.txt"
        source.write_text(ZONE.format(abbreviation=abbreviation))
        subprocess.run(["zic", "-d", str(zones), str(source)], check=True)  # noqa: S603, S607

    def publish(folder: Path) -> None:
        cli = "import sys; from publisher.cli import main; sys.exit(main(sys.argv[1:]))"
        command = [sys.executable, "-c", cli, "publish", "-c", "airdates.toml"]
        subprocess.run([*command, "--now", FIRST], cwd=folder, env=env, check=True)  # noqa: S603

    build("E")
    publish(site)
    shutil.copytree(site, spare)
    build("X")
    publish(site)
    calendar = (site / "public" / "schedule.ics").read_text()
    assert "TZNAME:XST" in calendar
    assert "TZNAME:XST" in (site / "public" / "morning.ics").read_text()
    site.rename(tmp_path / "reusing")
    spare.rename(site)
    shutil.rmtree(site / ".airdates" / "parts")
    publish(site)
    assert _outputs(tmp_path / "reusing" / "public") == _outputs(site / "public")
