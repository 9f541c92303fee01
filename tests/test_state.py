"""The state database: schema versions, transactions, round trips, and dry-run snapshots."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from feeds.edition import ScheduleChange
from publisher import state as state_module
from publisher.changes import AiringRecord
from publisher.files import Stamp
from publisher.state import (
    DB_NAME,
    INTENDED,
    SCHEMA_VERSION,
    HeldAirings,
    PublishRecord,
    State,
    StateError,
)

NOW = datetime(2026, 1, 10, 4, 0, tzinfo=UTC)


def _record(**overrides: object) -> PublishRecord:
    values: dict[str, object] = {
        "at": NOW,
        "folder": "/srv/public",
        "window": (NOW, NOW.replace(month=7)),
        "files": 3,
        "written": 2,
        "deleted": 0,
        "airings": 10,
        "changes": 1,
        "duration_ms": 12.5,
        "fingerprint": "f" * 32,
        "next_change": NOW.replace(hour=10),
    }
    values.update(overrides)
    return PublishRecord(**values)  # type: ignore[arg-type]


def _airing(**overrides: object) -> AiringRecord:
    values: dict[str, object] = {
        "id": "lets-meet/20260103T100000Z",
        "show": "lets-meet",
        "hash": "abc",
        "sequence": 2,
        "first_published": NOW,
        "changed": NOW,
        "start": datetime.fromisoformat("2026-01-03T18:00:00+08:00"),
        "title": "Ep “1” <b>",
        "status": "scheduled",
        "label": "Ep. 173",
    }
    values.update(overrides)
    return AiringRecord(**values)  # type: ignore[arg-type]


def _commit(state: State, **overrides: object) -> None:
    parts: dict[str, object] = {
        "record": _record(),
        "updates": [],
        "changes": [],
        "written": {},
        "pings": [],
    }
    parts.update(overrides)
    state.commit(**parts)  # type: ignore[arg-type]


def test_new_database_has_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    """Opening a state folder creates the database at the current schema version, in WAL mode."""
    State.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    assert {"airings", "changes", "manifest", "publishes", "pings", "schema_version"} <= tables


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    """What one publish commits, the next reads back unchanged."""
    state = State.open(tmp_path)
    change = ScheduleChange(
        number=1,
        kind="moved",
        airing="lets-meet/20260103T100000Z",
        show="lets-meet",
        recorded=NOW,
        text="Let's Meet · Ep. 173 moved",
    )
    stamp = Stamp(sha256="0" * 64, size=5, mtime_ns=7, inode=9)
    _commit(
        state,
        updates=[_airing()],
        changes=[change],
        written={"a.ics": stamp},
        pings=["https://x/a.rss"],
    )
    state.close()
    again = State.open(tmp_path)
    assert again.airings() == {"lets-meet/20260103T100000Z": _airing()}
    assert again.changes(10) == (change,)
    assert again.manifest("/srv/public") == {"a.ics": stamp}
    assert again.pending_pings() == ("https://x/a.rss",)
    assert again.last_publish() == _record()
    assert again.next_change_number() == 2
    again.close()


def test_later_publish_is_the_last(tmp_path: Path) -> None:
    """The last publish is the newest one recorded."""
    state = State.open(tmp_path)
    _commit(state)
    _commit(state, record=_record(files=99))
    last = state.last_publish()
    assert last is not None
    assert last.files == 99
    assert state.publish_count() == 2


def test_failed_commit_changes_nothing(tmp_path: Path) -> None:
    """A commit failing half-way (a duplicate change number) leaves the state as it was."""
    state = State.open(tmp_path)
    change = ScheduleChange(
        number=1, kind="added", airing="a/20260101T000000Z", show="a", recorded=NOW, text="x"
    )
    _commit(state, changes=[change])
    with pytest.raises(StateError):
        _commit(state, updates=[_airing()], changes=[change])
    assert state.airings() == {}
    assert state.publish_count() == 1


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database written by a newer airdates is refused with a clear error rather than misread."""
    State.open(tmp_path).close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StateError, match="schema version") as caught:
        State.open(tmp_path)
    # After a downgrade: what to do about it, not only what is wrong.
    said = "(a newer airdates wrote it: run that one, or upgrade this one)"
    assert str(caught.value).endswith(said)


def test_migration_from_an_older_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database at an older version is brought up to date step by step, keeping its data."""
    state = State.open(tmp_path)
    _commit(state, updates=[_airing()])
    state.close()
    step = ("ALTER TABLE airings ADD COLUMN note TEXT",)
    steps = (*state_module._MIGRATIONS, step)  # noqa: SLF001 - the migration list is the subject
    monkeypatch.setattr(state_module, "_MIGRATIONS", steps)
    again = State.open(tmp_path)
    assert list(again.airings()) == ["lets-meet/20260103T100000Z"]
    again.close()
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION + 1,)
        assert "note" in {row[1] for row in db.execute("PRAGMA table_info(airings)")}


def test_snapshot_never_writes(tmp_path: Path) -> None:
    """A dry run's snapshot writes only to a private copy and creates no database file."""
    empty = State.snapshot(tmp_path / "none")
    assert empty.airings() == {}
    _commit(empty)
    empty.close()
    assert not (tmp_path / "none").exists()
    real = State.open(tmp_path)
    _commit(real, updates=[_airing()])
    real.close()
    copy = State.snapshot(tmp_path)
    _commit(copy, updates=[_airing(sequence=5)])
    assert copy.airings()["lets-meet/20260103T100000Z"].sequence == 5
    copy.close()
    reread = State.open(tmp_path)
    assert reread.airings()["lets-meet/20260103T100000Z"].sequence == 2
    assert reread.publish_count() == 1


def test_unreadable_database_is_a_state_error(tmp_path: Path) -> None:
    """A file that is not a database is reported as StateError (exit 4) naming it."""
    (tmp_path / DB_NAME).write_bytes(b"not a database at all" * 100)
    with pytest.raises(StateError) as caught:
        State.open(tmp_path)
    assert caught.value.exit_code == 4
    assert DB_NAME in str(caught.value)
    # No run repairs it, as exit 4 otherwise promises: the message says what will.
    assert str(caught.value).endswith(
        "(restore it from a backup, or move the state folder away to start afresh:"
        " calendar apps may then ignore updates to events already published)"
    )
    assert len(str(caught.value).splitlines()) == 1


def test_an_emptied_database_is_refused_not_taken_for_a_first_publish(tmp_path: Path) -> None:
    """0 bytes where the state was: a first publish restarted every SEQUENCE at 0, silently."""
    State.open(tmp_path).close()
    (tmp_path / DB_NAME).write_bytes(b"")
    for opening in (State.open, State.snapshot):
        with pytest.raises(StateError) as caught:
            opening(tmp_path)
        assert caught.value.exit_code == 4
        said = f"{tmp_path / DB_NAME}: state database: the file is empty"
        assert str(caught.value).startswith(said)
        assert "restore it from a backup" in str(caught.value)
    assert (tmp_path / DB_NAME).stat().st_size == 0


def test_a_database_whose_making_fails_is_not_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first publish that ends while the database is made leaves none: the next starts afresh.

    So an empty database is never one airdates left, and can be refused.
    """
    real = state_module._migrate

    def full_disk(db: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(state_module, "_migrate", full_disk)
    with pytest.raises(StateError):
        State.open(tmp_path)
    assert not (tmp_path / DB_NAME).exists()
    monkeypatch.setattr(state_module, "_migrate", real)
    State.open(tmp_path).close()
    assert (tmp_path / DB_NAME).stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_NAME]


_AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
_WRITE = (
    "import sys; from pathlib import Path; from publisher.state import State; "
    "state = State.open(Path(sys.argv[1])); "
    "state._db.execute('CREATE TABLE IF NOT EXISTS probe (a)'); "
    "state._db.execute('INSERT INTO probe VALUES (1)'); state.close()"
)


def _as_nobody(code: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - this interpreter, this code
        [*_AS_NOBODY, sys.executable, "-c", code, str(folder)],
        capture_output=True, text=True, timeout=60, check=False,
        cwd=Path(__file__).parent.parent,
    )


def test_a_read_only_log_left_beside_a_writable_database_is_made_writable() -> None:
    """A run while the database was read-only leaves its -wal and -shm read-only too.

    Once the user made the database writable again, every run failed with
    "attempt to write a readonly database" until those were deleted by hand.
    Run as an unprivileged user: permissions do not bind root.
    """
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as another user")
    with tempfile.TemporaryDirectory(dir="/tmp") as scratch:
        folder = Path(scratch) / "state"
        folder.mkdir()
        Path(scratch).chmod(0o755)
        folder.chmod(0o777)
        if _as_nobody("pass", folder).returncode != 0:
            pytest.skip("this interpreter cannot run as another user")
        assert _as_nobody(_WRITE, folder).returncode == 0
        database = folder / DB_NAME
        database.chmod(0o444)
        read_only = _as_nobody(_WRITE, folder)
        assert "readonly database" in read_only.stderr
        assert (folder / (DB_NAME + "-shm")).stat().st_mode & 0o777 == 0o444
        database.chmod(0o644)  # what the message asks for
        again = _as_nobody(_WRITE, folder)
        assert again.returncode == 0, again.stderr


def test_intended_files_are_in_the_manifest_until_settled(tmp_path: Path) -> None:
    """A commit names the files about to be written, unstamped; ``settle`` stamps or forgets them.

    Between the two, a file is known to be airdates' (so it may be deleted
    when its show goes) but trusted by no stamp (so its bytes are compared).
    """
    state = State.open(tmp_path)
    old = Stamp(sha256="0" * 64, size=1, mtime_ns=1, inode=1)
    _commit(state, written={"gone.ics": old})
    _commit(state, written={"new.ics": INTENDED})
    assert state.manifest("/srv/public") == {"gone.ics": old, "new.ics": INTENDED}
    stamp = Stamp(sha256="1" * 64, size=1, mtime_ns=1, inode=2)
    state.settle("/srv/public", written={"new.ics": stamp}, deleted=["gone.ics"])
    assert state.manifest("/srv/public") == {"new.ics": stamp}


def _airings(count: int, show: str = "lets-meet") -> list[AiringRecord]:
    return [
        _airing(id=f"{show}/2026010{day % 9 + 1}T{day:06d}Z", show=show, sequence=day)
        for day in range(count)
    ]


def _change_counter(path: Path) -> int:
    """Return the SQLite file change counter: one more for every write transaction."""
    return int.from_bytes(path.read_bytes()[24:28], "big")


def test_held_records_reach_the_state_at_the_commit(tmp_path: Path) -> None:
    """Records held by a second process and by this one are all in the state after the commit."""
    scratch = tmp_path / "held.sqlite"
    held = HeldAirings(scratch)
    held.hold(_airings(40, "other"))
    held.close()
    state = State.open(tmp_path)
    state.hold(_airings(30))
    state.hold(_airings(5, "third"))
    _commit(state, held=[scratch], updates=[_airing(id="third/20260101T000000Z", sequence=99)])
    records = state.airings()
    assert len(records) == 75
    assert records["other/20260102T000001Z"].sequence == 1
    assert records["lets-meet/20260109T000017Z"].show == "lets-meet"
    # The updates given to the commit come after the held records: the later record wins.
    assert records["third/20260101T000000Z"].sequence == 99


def test_holding_many_records_is_one_transaction(tmp_path: Path) -> None:
    """A second process holds a show's records in one write, not one per airing.

    One transaction per record made holding a 1,000-show network's records
    take seconds.
    """
    scratch = tmp_path / "held.sqlite"
    held = HeldAirings(scratch)
    before = _change_counter(scratch)
    held.hold(_airings(200))
    held.hold(_airings(100, "other"))
    assert _change_counter(scratch) - before == 2
    held.close()


def test_records_held_by_the_publishing_process_go_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The publishing process holds a show's records in one transaction of the temp table."""
    seen: list[tuple[str, bool]] = []
    connect = state_module._connect

    def traced(target: str, *, uri: bool = False) -> sqlite3.Connection:
        connection = connect(target, uri=uri)
        connection.set_trace_callback(
            lambda statement: seen.append((statement, connection.in_transaction))
        )
        return connection

    monkeypatch.setattr(state_module, "_connect", traced)
    state = State.open(tmp_path)
    state.hold(_airings(50))
    inserts = [inside for statement, inside in seen if "INTO temp.held_airings" in statement]
    assert len(inserts) == 50
    assert all(inserts)
    # A deferred transaction: holding does not lock the state for its readers.
    assert not any(statement.startswith("BEGIN IMMEDIATE") for statement, _ in seen[-52:])
    state.close()


@pytest.mark.parametrize("where", ["scratch", "temp"])
def test_a_full_disk_while_holding_is_reported_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """SQLite ends the transaction itself when the disk is full: the error says that, not more."""
    connect = state_module._connect

    def small(target: str, *, uri: bool = False) -> sqlite3.Connection:
        connection = connect(target, uri=uri)
        # A database that cannot grow past a few pages, as on a full disk.
        connection.execute(f"PRAGMA {'temp' if where == 'temp' else 'main'}.max_page_count = 4")
        return connection

    if where == "scratch":
        held = HeldAirings(tmp_path / "held.sqlite")
        monkeypatch.setattr(held, "_db", small(str(tmp_path / "held.sqlite")))
        hold = held.hold
    else:
        state = State.open(tmp_path)
        monkeypatch.setattr(state, "_db", small(str(tmp_path / DB_NAME)))
        hold = state.hold
    with pytest.raises(StateError, match="database or disk is full"):
        hold(_airings(2_000))
