"""The publisher against a scripted timeline and small text renderers."""

from __future__ import annotations

import errno
import io
import os
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from publisher import files
from publisher.publish import publish
from schedule.errors import OutputError
from schedule.site import Site
from schedule.timeline import window
from tests.factories import SHANGHAI, make_airing
from tests.test_publish_standins import (
    Script,
    at,
    install_renderers,
    install_timeline,
    parse,
    scripted_site,
)


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Site, Script]:
    """Return a two-show site whose timeline and renderers are stand-ins."""
    site, script = scripted_site(tmp_path, "lets-meet", "dialogue")
    install_timeline(monkeypatch, script)
    install_renderers(monkeypatch)
    return site, script


def _uid(script: Script, show: str, start: datetime) -> str:
    return next(a.uid for a in script.airings[show] if a.start == start.replace(tzinfo=SHANGHAI))


def _identity(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    return {
        p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.iterdir())
    }


def _rows(site: Site, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(Path(site.state) / "state.sqlite") as db:
        return sorted(db.execute(f"SELECT * FROM {table}").fetchall())  # noqa: S608


def test_first_publish_writes_every_file_and_records_no_change(
    scripted: tuple[Site, Script],
) -> None:
    """The first publish writes a file per show and format plus network files; no change logged."""
    site, _ = scripted
    report = publish(site, now=at(10))
    names = sorted(p.name for p in Path(site.output).iterdir())
    assert names == [
        "all.feed",
        "changes.log",
        "dialogue.cal",
        "dialogue.feed",
        "lets-meet.cal",
        "lets-meet.feed",
        "schedule.cal",
    ]
    assert report.summary().startswith("7 files: 7 written, 0 unchanged; ")
    assert (Path(site.output) / "changes.log").read_bytes() == b""
    assert _rows(site, "changes") == []


def test_republish_unchanged_touches_nothing(scripted: tuple[Site, Script]) -> None:
    """A republish with nothing changed writes no file and only adds a publish record."""
    site, _ = scripted
    publish(site, now=at(10))
    before = _identity(Path(site.output))
    airings, manifest = _rows(site, "airings"), _rows(site, "manifest")
    report = publish(site, now=at(10, 13))
    assert report.written == ()
    assert report.summary() == f"7 files: 0 written, 7 unchanged; {report.airings} airings"
    assert _identity(Path(site.output)) == before
    assert _rows(site, "airings") == airings
    assert _rows(site, "manifest") == manifest
    assert len(_rows(site, "publishes")) == 2


def test_retitle_bumps_sequence_of_that_airing_only(scripted: tuple[Site, Script]) -> None:
    """Retitling one airing gives it SEQUENCE + 1 and a new changed time; other lines stay."""
    site, script = scripted
    publish(site, now=at(10))
    calendar = Path(site.output) / "lets-meet.cal"
    before = parse(calendar)
    uid = _uid(script, "lets-meet", datetime(2026, 2, 18, 18))
    script.edit(uid, title="A New Title")
    publish(site, now=at(10, 15))
    after = parse(calendar)
    assert after.keys() == before.keys()
    assert after[uid][0] == str(int(before[uid][0]) + 1)
    assert after[uid][1] == at(10, 15).astimezone(UTC).isoformat()
    assert {k: v for k, v in after.items() if k != uid} == {
        k: v for k, v in before.items() if k != uid
    }
    assert (Path(site.output) / "dialogue.cal").stat().st_mtime_ns > 0
    log = (Path(site.output) / "changes.log").read_text()
    assert f"retitled|{uid}|Show lets-meet · Ep. " in log
    assert "retitled from “Episode" in log
    assert "to “A New Title”" in log


def test_move_is_logged_with_before_and_after(scripted: tuple[Site, Script]) -> None:
    """Moving an airing keeps its id, bumps its SEQUENCE and logs "moved from <old> to <new>"."""
    site, script = scripted
    publish(site, now=at(10))
    uid = _uid(script, "lets-meet", datetime(2026, 2, 18, 18))
    old = script.edit(uid).start
    script.edit(
        uid,
        start=datetime(2026, 2, 19, 20, tzinfo=SHANGHAI),
        end=datetime(2026, 2, 19, 20, 30, tzinfo=SHANGHAI),
        moved_from=old,
    )
    report = publish(site, now=at(11))
    assert [c.kind for c in report.changes] == ["moved"]
    assert report.changes[0].text.endswith(
        "moved from Wed 18 Feb 2026 18:00 to Thu 19 Feb 2026 20:00"
    )
    row = parse(Path(site.output) / "lets-meet.cal")[uid]
    assert row[0] == "1"
    assert row[2] == "2026-02-19T20:00:00+08:00"


def test_cancel_and_restore_are_logged(scripted: tuple[Site, Script]) -> None:
    """Cancelling logs "cancelled" and why, restoring logs "restored"; each bumps SEQUENCE."""
    site, script = scripted
    publish(site, now=at(10))
    uid = _uid(script, "dialogue", datetime(2026, 2, 18, 18))
    script.edit(uid, status="cancelled", reason="Pre-empted by the Spring Festival Gala")
    cancelled = publish(site, now=at(10, 13))
    script.edit(uid, status="scheduled", reason=None)
    restored = publish(site, now=at(10, 14))
    assert [c.kind for c in cancelled.changes] == ["cancelled"]
    assert cancelled.changes[0].text.endswith("cancelled: Pre-empted by the Spring Festival Gala")
    assert [c.kind for c in restored.changes] == ["restored"]
    assert parse(Path(site.output) / "dialogue.cal")[uid][0] == "2"
    numbers = [c.number for c in (*cancelled.changes, *restored.changes)]
    assert numbers == sorted(set(numbers))


def test_window_moving_records_no_change_and_moves_once_a_day(
    scripted: tuple[Site, Script],
) -> None:
    """Within a day no calendar is rewritten; a later day moves the window but logs no change."""
    site, _ = scripted
    publish(site, now=at(10, 1))
    calendar = Path(site.output) / "schedule.cal"
    stamp = calendar.stat().st_mtime_ns, calendar.stat().st_ino
    later_that_day = publish(site, now=at(10, 23))
    assert "schedule.cal" not in later_that_day.written
    assert (calendar.stat().st_mtime_ns, calendar.stat().st_ino) == stamp
    next_week = publish(site, now=at(17, 1))
    assert "schedule.cal" in next_week.written
    assert next_week.changes == ()


def test_newly_aired_episode_tops_the_feed(scripted: tuple[Site, Script]) -> None:
    """Once an airing has started it heads its show's feed and the network feed."""
    site, script = scripted
    publish(site, now=at(14, 17))  # Wednesday 14 January, before the 18:00 airing
    publish(site, now=at(14, 19))
    uid = _uid(script, "lets-meet", datetime(2026, 1, 14, 18))
    assert next(iter(parse(Path(site.output) / "lets-meet.feed"))) == uid
    newest = list(parse(Path(site.output) / "all.feed"))[:2]
    assert set(newest) == {uid, _uid(script, "dialogue", datetime(2026, 1, 14, 18))}


def test_added_airing_inside_the_window_is_logged(scripted: tuple[Site, Script]) -> None:
    """An extra added inside the window is logged as added; removing it, as removed."""
    site, script = scripted
    publish(site, now=at(10))
    show = site.show("dialogue")
    extra = make_airing(show, datetime(2026, 1, 20, 21), title="Special", extra=True)
    script.airings["dialogue"].append(extra)
    script.airings["dialogue"].sort(key=lambda a: a.start)
    added = publish(site, now=at(10, 13))
    script.airings["dialogue"].remove(extra)
    removed = publish(site, now=at(10, 14))
    assert [(c.kind, c.airing) for c in added.changes] == [("added", extra.uid)]
    # An extra has no episode number: its title says which airing it is.
    assert added.changes[0].text == "Show dialogue added on Tue 20 Jan 2026 21:00: “Special”"
    assert [(c.kind, c.airing) for c in removed.changes] == [("removed", extra.uid)]
    assert removed.changes[0].text == (
        "Show dialogue on Tue 20 Jan 2026 21:00 removed from the schedule: “Special”"
    )


def test_change_log_keeps_its_numbers_across_publishes(scripted: tuple[Site, Script]) -> None:
    """Entries already in the change log keep their number and text when later ones arrive."""
    site, script = scripted
    publish(site, now=at(10))
    script.edit(_uid(script, "lets-meet", datetime(2026, 2, 18, 18)), title="First")
    publish(site, now=at(10, 13))
    first = (Path(site.output) / "changes.log").read_text().splitlines()
    script.edit(_uid(script, "lets-meet", datetime(2026, 2, 21, 18)), title="Second")
    publish(site, now=at(10, 14))
    second = (Path(site.output) / "changes.log").read_text().splitlines()
    assert second[1:] == first
    assert int(second[0].split("|")[0]) == int(first[0].split("|")[0]) + 1


def test_removed_show_files_are_deleted_but_not_foreign_files(
    scripted: tuple[Site, Script],
) -> None:
    """Removing a show deletes the files airdates wrote for it, and no other file."""
    site, script = scripted
    publish(site, now=at(10))
    foreign = Path(site.output) / "dialogue.txt"
    foreign.write_text("mine")
    _, stop = window(site, at(10))  # what the state knows: the airings the last publish listed
    coming = [
        a for a in script.airings["dialogue"] if at(10, 13) <= a.start < stop and not a.cancelled
    ]
    script.remove_show("dialogue")
    smaller = replace(site, shows=(site.show("lets-meet"),))
    log = io.StringIO()
    report = publish(smaller, now=at(10, 13), log=log)
    assert sorted(report.deleted) == ["dialogue.cal", "dialogue.feed"]
    assert not (Path(site.output) / "dialogue.cal").exists()
    assert foreign.read_text() == "mine"
    assert "deleted dialogue.cal" in log.getvalue().splitlines()
    # One entry for the show, named by its id (its title went with its config).
    text = f"dialogue taken off the schedule, with its {len(coming)} coming airings"
    assert [(c.kind, c.airing, c.text) for c in report.changes] == [("removed", "dialogue", text)]
    assert "2 deleted" in report.summary()


def test_dry_run_writes_nothing_and_leaves_state_alone(scripted: tuple[Site, Script]) -> None:
    """A dry run reports what would be written and creates neither outputs nor a state database."""
    site, _ = scripted
    log = io.StringIO()
    report = publish(site, now=at(10), dry_run=True, log=log)
    assert report.dry_run
    assert len(report.written) == 7
    assert not Path(site.output).exists()
    assert not (Path(site.state) / "state.sqlite").exists()
    assert "would write lets-meet.cal" in log.getvalue()
    assert report.summary().endswith("(dry run)")


def test_dry_run_after_a_publish_changes_nothing(scripted: tuple[Site, Script]) -> None:
    """A dry run after an edit reports the change but neither the files nor the state move."""
    site, script = scripted
    publish(site, now=at(10))
    before, airings = _identity(Path(site.output)), _rows(site, "airings")
    script.edit(_uid(script, "lets-meet", datetime(2026, 2, 18, 18)), title="Edited")
    report = publish(site, now=at(10, 13), dry_run=True)
    assert sorted(report.written) == ["changes.log", "lets-meet.cal", "schedule.cal"]
    assert [c.kind for c in report.changes] == ["retitled"]
    assert _identity(Path(site.output)) == before
    assert _rows(site, "airings") == airings
    assert len(_rows(site, "publishes")) == 1


def test_full_disk_leaves_outputs_as_they_were_and_the_next_run_writes_them(
    scripted: tuple[Site, Script], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing rename (disk full) is OutputError and replaces nothing; the next run writes it all.

    The state was committed before the renames: the edited event's SEQUENCE
    is 1 once, not given again to other content, and the retitle is logged
    once, by the run that found it.
    """
    site, script = scripted
    publish(site, now=at(10))
    before = _identity(Path(site.output))
    uid = _uid(script, "lets-meet", datetime(2026, 2, 18, 18))
    script.edit(uid, title="Edited")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", full)
        with pytest.raises(OutputError) as caught:
            publish(site, now=at(11))
    assert caught.value.exit_code == 4
    assert "No space left on device" in str(caught.value)
    assert _identity(Path(site.output)) == before
    assert not [p for p in Path(site.output).iterdir() if p.name.startswith(".")]
    repaired = publish(site, now=at(11))
    assert repaired.changes == ()  # logged by the run that found it
    log = (Path(site.output) / "changes.log").read_text()
    assert log.count(f"retitled|{uid}|") == 1
    assert parse(Path(site.output) / "lets-meet.cal")[uid][0] == "1"
    assert publish(site, now=at(11)).written == ()


def test_unwritable_output_is_an_output_error(scripted: tuple[Site, Script]) -> None:
    """An output folder that cannot be created is OutputError, with the state untouched."""
    site, _ = scripted
    blocker = Path(site.output).parent / "blocker"
    blocker.write_text("a file, not a folder")
    with pytest.raises(OutputError) as caught:
        publish(site, now=at(10), output=blocker / "public")
    assert f"{blocker} is a file, not a folder" in str(caught.value)  # not "File exists"
    assert _rows(site, "publishes") == []


def test_an_output_folder_linked_to_nowhere_is_named_as_such(scripted: tuple[Site, Script]) -> None:
    """A link to a folder since removed (an unmounted disk, say) is said to be one."""
    site, _ = scripted
    link = Path(site.output).parent / "web"
    link.symlink_to(Path(site.output).parent / "gone")
    with pytest.raises(OutputError) as caught:
        publish(site, now=at(10), output=link)
    assert str(caught.value) == (
        f"{link}: cannot create folder: {link} is a link to {link.parent / 'gone'}, which is not"
        " there (make that folder, or remove the link)"
    )
    assert _rows(site, "publishes") == []


def test_staging_failure_replaces_nothing(
    scripted: tuple[Site, Script], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the third new file cannot be staged, none of the earlier ones replaces its output."""
    site, script = scripted
    publish(site, now=at(10))
    before = _identity(Path(site.output))
    for uid in (a.uid for a in script.airings["lets-meet"][60:62]):
        script.edit(uid, title="Edited")
    real_stage, calls = files.stage, []

    def flaky(target: Path, data: bytes, mode: int, **options: files.Syncer) -> files.StagedFile:
        calls.append(target.name)
        if len(calls) == 3:
            message = "disk full"
            raise OutputError(message, path=str(target))
        return real_stage(target, data, mode, **options)

    monkeypatch.setattr(files, "stage", flaky)
    with pytest.raises(OutputError):
        publish(site, now=at(11))
    assert _identity(Path(site.output)) == before


def test_written_files_get_the_umask_mode(scripted: tuple[Site, Script]) -> None:
    """Written files are readable by a web server: 0644 under umask 022, not a temp file's 0600."""
    site, _ = scripted
    old = os.umask(0o022)
    try:
        publish(site, now=at(10))
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in Path(site.output).iterdir()}
    assert set(modes.values()) == {0o644}


def test_leftover_temp_files_are_cleared(scripted: tuple[Site, Script]) -> None:
    """Temporary files a killed publish left behind are removed by the next publish."""
    site, _ = scripted
    publish(site, now=at(10))
    leftover = Path(site.output) / ".lets-meet.cal.999.airdates-tmp"
    leftover.write_text("half")
    publish(site, now=at(10, 13))
    assert not leftover.exists()


def test_file_changed_behind_our_back_is_repaired(scripted: tuple[Site, Script]) -> None:
    """An output edited by hand is rewritten by the next publish."""
    site, _ = scripted
    publish(site, now=at(10))
    target = Path(site.output) / "lets-meet.cal"
    good = target.read_bytes()
    target.write_bytes(b"scribble")
    report = publish(site, now=at(10, 13))
    assert report.written == ("lets-meet.cal",)
    assert target.read_bytes() == good


def test_publish_record_has_window_and_next_change(scripted: tuple[Site, Script]) -> None:
    """Each publish records a fingerprint of its inputs and the next moment an output changes."""
    site, _ = scripted
    publish(site, now=at(14, 17))
    with sqlite3.connect(Path(site.state) / "state.sqlite") as db:
        fingerprint, next_change = db.execute(
            "SELECT fingerprint, next_change FROM publishes"
        ).fetchone()
    assert len(fingerprint) >= 32
    # The next airing starts at 18:00 Shanghai, an hour after now.
    assert datetime.fromisoformat(next_change) == at(14, 17) + timedelta(hours=1)
