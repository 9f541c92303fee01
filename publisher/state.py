"""The state database (SQLite, in the state folder): revisions, change log, manifest, publishes.

Schema (version 3; ``schema_version`` holds the number, ``_MIGRATIONS`` the
steps from an empty file up to it, each applied in its own transaction):

- ``airings``: per airing id its content hash, SEQUENCE, first-published and
  last-changed times, and its last published start, title, status and label.
- ``changes``: the change log behind ``changes.*``, numbered for ever.
- ``manifest``: every output file airdates wrote, per folder, with its SHA-256
  and the inode/size/mtime it had then; only these files are ever deleted.
- ``publishes``: one row per publish; the calendar window it used, counts,
  duration, a fingerprint of its inputs and the next moment an output changes.
- ``pings``: WebSub notifications not yet accepted by the hub.
- ``inputs`` (version 2): at most one row, the recipe of the last full
  publish's fingerprint (which files to hash), read by the republish shortcut.
- ``show_parts`` (version 3): per show, the part of the network files the
  last publish that rendered it made (publisher/parts.py), with the digest of
  its inputs and the moments it is valid between.
- ``network_keys`` (version 3): per folder and network calendar or guide, the
  key of what it was made from (publisher/parts.py ``calendar_key``, ``guide_key``).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import sqlite3
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from feeds.edition import ScheduleChange
from publisher.changes import AiringRecord, ChangeKind
from publisher.dbpaths import database_uri, folder_text, folder_value
from publisher.files import Stamp, intact, sync_folder
from schedule.errors import OutputError

__all__ = [
    "DB_NAME", "INTENDED", "SCHEMA_VERSION", "HeldAirings", "PartRow", "Parts", "PublishRecord",
    "State", "StateError",
]

DB_NAME = "state.sqlite"

_V1 = (
    """CREATE TABLE airings (
        id TEXT PRIMARY KEY,
        show TEXT NOT NULL,
        hash TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        first_published TEXT NOT NULL,
        changed TEXT NOT NULL,
        start TEXT NOT NULL,
        title TEXT,
        status TEXT NOT NULL,
        label TEXT,
        present INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE changes (
        number INTEGER PRIMARY KEY,
        recorded TEXT NOT NULL,
        kind TEXT NOT NULL,
        airing TEXT NOT NULL,
        show TEXT NOT NULL,
        text TEXT NOT NULL
    )""",
    "CREATE INDEX changes_by_show ON changes (show, number)",
    """CREATE TABLE manifest (
        folder TEXT NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        PRIMARY KEY (folder, name)
    ) WITHOUT ROWID""",
    """CREATE TABLE publishes (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        folder TEXT NOT NULL,
        window_start TEXT NOT NULL,
        window_stop TEXT NOT NULL,
        files INTEGER NOT NULL,
        written INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        airings INTEGER NOT NULL,
        changes INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        fingerprint TEXT NOT NULL,
        next_change TEXT
    )""",
    """CREATE TABLE pings (
        url TEXT PRIMARY KEY,
        since TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    ) WITHOUT ROWID""",
)

_V2 = (
    """CREATE TABLE inputs (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        recipe TEXT NOT NULL
    )""",
)

_V3 = (
    """CREATE TABLE show_parts (
        show TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        since TEXT NOT NULL,
        next_change TEXT NOT NULL,
        file TEXT NOT NULL,
        size INTEGER NOT NULL,
        part BLOB NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE network_keys (
        folder TEXT NOT NULL,
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        PRIMARY KEY (folder, name)
    ) WITHOUT ROWID""",
)

# _MIGRATIONS[n] takes the database from version n to n + 1. Append, never edit.
# publisher/shortcut.py reads this schema without importing this module: keep
# its _SCHEMA_VERSION in step (a test checks).
_MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3)
SCHEMA_VERSION = len(_MIGRATIONS)

# A manifest row written before its file: the file may exist, with unknown bytes.
# A file a committed publish is about to write: no file has this stamp.
INTENDED = Stamp(sha256="", size=-1, mtime_ns=-1, inode=-1)


class HeldAirings:
    """Airing records held for a later commit in a scratch database of their own.

    A second publishing process cannot write the state; it holds its records
    here, and the publish that commits copies them in (``State.commit``'s
    ``held``) without reading them into Python.
    """

    def __init__(self, path: Path) -> None:
        """Create the scratch database at ``path`` (replacing one left behind)."""
        self.path = path
        with _translated(path):
            path.unlink(missing_ok=True)
            self._db = _connect(str(path))
            # Scratch: losing it in a crash only means the publish did not happen.
            self._db.execute("PRAGMA journal_mode=OFF")
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute(_HELD_TABLE.format(schema="main"))

    def hold(self, updates: Iterable[AiringRecord]) -> None:
        """Keep these records for the commit."""
        with _translated(self.path), _atomically(self._db, "BEGIN"):
            self._db.executemany(_HELD_INSERT.format(schema="main"), map(_airing_row, updates))

    def close(self) -> None:
        """Close the database (the records stay in the file)."""
        self._db.close()


_HELD_TABLE = (
    "CREATE TABLE IF NOT EXISTS {schema}.held_airings (id TEXT PRIMARY KEY, show TEXT,"
    " hash TEXT, sequence INTEGER, first_published TEXT, changed TEXT, start TEXT, title TEXT,"
    " status TEXT, label TEXT, present INTEGER) WITHOUT ROWID"
)
_HELD_INSERT = (
    "INSERT OR REPLACE INTO {schema}.held_airings (id, show, hash, sequence, first_published,"
    " changed, start, title, status, label, present) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PartRow:
    """What the state remembers of a show's part (publisher/parts.py) besides the part itself."""

    digest: str
    since: datetime
    next_change: datetime
    file: str
    size: int


class StateError(OutputError):
    """The state database cannot be opened, read or written (exit 4)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishRecord:
    """One publish as the ``publishes`` table keeps it."""

    at: datetime
    folder: str
    window: tuple[datetime, datetime]
    files: int
    written: int
    deleted: int
    airings: int
    changes: int
    duration_ms: float
    fingerprint: str
    next_change: datetime | None
    # How to recompute ``fingerprint`` without the config parsed (JSON); None
    # when the inputs could not be pinned down, which turns the shortcut off.
    recipe: str | None = None


class State:
    """An open state database; every write method is one transaction."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        """Wrap an open, migrated connection (use ``open`` or ``snapshot``)."""
        self._db = connection
        self.path = path
        self._holding = False

    @classmethod
    def open(cls, folder: Path) -> State:
        """Open (creating and migrating) the database in the state folder.

        A new database is made under another name and renamed into place with
        its schema in, so an empty ``state.sqlite`` is never one airdates
        left: it was emptied since (a truncated copy, an editor on a full
        disk), and is refused as a damaged one is. Taken for a first publish,
        it restarted every SEQUENCE at 0, and calendar apps ignored updates.
        """
        path = folder / DB_NAME
        with _translated(path):
            if not os.path.lexists(path):
                _create(path)
            _refuse_emptied(path)
            _writable_logs(path)
            # A URI, so that ATTACH may name the held databases by theirs (commit).
            connection = _connect(database_uri(path, "rwc"), uri=True)
            connection.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit that returned survives a power cut, so the state never runs ahead.
            connection.execute("PRAGMA synchronous=FULL")
            _migrate(connection)
        return cls(connection, str(path))

    @classmethod
    def reader(cls, folder: Path) -> State:
        """Open the state database read-only, beside the publish that holds it open for writing."""
        path = folder / DB_NAME
        with _translated(path):
            connection = _connect(database_uri(path, "ro"), uri=True)
        return cls(connection, str(path))

    @classmethod
    def snapshot(cls, folder: Path) -> State:
        """Return a private in-memory copy of the state (empty if there is none) for a dry run."""
        path = folder / DB_NAME
        memory = _connect(":memory:")
        if path.exists():
            with _translated(path):
                _refuse_emptied(path)
                source = _snapshot_source(path)
                source.backup(memory)
                source.close()
        with _translated(path):
            _migrate(memory)
        return cls(memory, ":memory:")

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def airings(self) -> dict[str, AiringRecord]:
        """Return every airing record, by id."""
        with _translated(self.path):
            rows = self._db.execute(
                "SELECT id, show, hash, sequence, first_published, changed, start, title, status,"
                " label, present FROM airings"
            )
            return {row[0]: _airing_record(row) for row in rows}

    def show_airings(self, show: str) -> dict[str, AiringRecord]:
        """Return the records of one show's airings, by id (a range of the primary key)."""
        # An airing id is "<show>/<start>" and show ids are slugs: "0" follows "/".
        with _translated(self.path):
            rows = self._db.execute(
                "SELECT id, show, hash, sequence, first_published, changed, start, title, status,"
                " label, present FROM airings WHERE id > ? AND id < ?",
                (show + "/", show + "0"),
            )
            return {row[0]: _airing_record(row) for row in rows}

    def present_shows(self) -> set[str]:
        """Return the shows with an airing in the last publish."""
        with _translated(self.path):
            rows = self._db.execute("SELECT DISTINCT show FROM airings WHERE present = 1")
            return {str(show) for (show,) in rows}

    def last_publish(self) -> PublishRecord | None:
        """Return the latest publish, or None before the first."""
        with _translated(self.path):
            row = self._db.execute(
                "SELECT at, folder, window_start, window_stop, files, written, deleted, airings,"
                " changes, duration_ms, fingerprint, next_change"
                " FROM publishes ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return None if row is None else _publish_record(row)

    def part_rows(self) -> dict[str, PartRow]:
        """Return, per show, what is recorded of its part."""
        with _translated(self.path):
            rows = self._db.execute(
                "SELECT show, digest, since, next_change, file, size FROM show_parts"
            )
            return {
                show: PartRow(
                    digest=digest, since=_time(since), next_change=_time(nxt), file=file, size=size
                )
                for show, digest, since, nxt, file, size in rows
            }

    def parts(self, shows: Iterable[str]) -> dict[str, Any]:
        """Return the recorded parts of these shows, by show (any that does not load left out)."""
        wanted = set(shows)
        found: dict[str, Any] = {}
        with _translated(self.path):
            rows = self._db.execute("SELECT show, part FROM show_parts").fetchall()
        for show, blob in rows:
            if show not in wanted:
                continue
            try:
                found[show] = pickle.loads(blob)  # noqa: S301 - written by commit below
            except Exception:  # noqa: BLE001, S112 - whatever the damage, the show is published afresh
                continue
        return found

    def network_keys(self, folder: str) -> dict[str, str]:
        """Return the keys the network files in ``folder`` were made with, by name."""
        with _translated(self.path):
            query = "SELECT name, key FROM network_keys WHERE folder = ?"
            return dict(self._db.execute(query, (folder_value(folder),)).fetchall())

    def part_files(self) -> set[str]:
        """Return the part files the recorded parts name."""
        with _translated(self.path):
            return {file for (file,) in self._db.execute("SELECT file FROM show_parts")}

    def recipe(self) -> str | None:
        """Return the last full publish's fingerprint recipe (JSON), or None."""
        with _translated(self.path):
            row = self._db.execute("SELECT recipe FROM inputs").fetchone()
        return None if row is None else str(row[0])

    def publish_count(self) -> int:
        """Return how many publishes are recorded."""
        with _translated(self.path):
            return int(self._db.execute("SELECT count(*) FROM publishes").fetchone()[0])

    def changes(self, limit: int, show: str | None = None) -> tuple[ScheduleChange, ...]:
        """Return the newest ``limit`` change-log entries (of one show, or all), newest first."""
        query = "SELECT number, kind, airing, show, recorded, text FROM changes"
        params: tuple[object, ...] = (limit,)
        if show is not None:
            query += " WHERE show = ?"
            params = (show, limit)
        with _translated(self.path):
            rows = self._db.execute(query + " ORDER BY number DESC LIMIT ?", params).fetchall()
        return tuple(_schedule_change(row) for row in rows)

    def next_publish_number(self) -> int:
        """Return the number the next publish record gets."""
        with _translated(self.path):
            return int(
                self._db.execute("SELECT coalesce(max(id), 0) + 1 FROM publishes").fetchone()[0]
            )

    def next_change_number(self) -> int:
        """Return the number the next change-log entry gets."""
        with _translated(self.path):
            return int(
                self._db.execute("SELECT coalesce(max(number), 0) + 1 FROM changes").fetchone()[0]
            )

    def manifest(self, folder: str) -> dict[str, Stamp]:
        """Return the files airdates wrote to ``folder``, by name.

        A folder with no record of its own holds, after a project folder was
        moved or renamed, the very files airdates wrote to another path: each
        file there that is one of those (same inode, size and mtime) counts as
        written to ``folder``. So a show deleted along with the move still has
        its files removed, rather than left published for good.
        """
        with _translated(self.path):
            rows = self._db.execute(
                "SELECT name, sha256, size, mtime_ns, inode FROM manifest WHERE folder = ?",
                (folder_value(folder),),
            ).fetchall()
            if not rows:
                rows = self._db.execute(
                    "SELECT name, sha256, size, mtime_ns, inode FROM manifest WHERE folder != ?",
                    (folder_value(folder),),
                ).fetchall()
                rows = [row for row in rows if _holds(folder, row)]
            return {name: Stamp(sha256=s, size=z, mtime_ns=m, inode=i) for name, s, z, m, i in rows}

    def pending_pings(self) -> tuple[str, ...]:
        """Return the feed URLs whose hub notification is still owed, oldest first."""
        with _translated(self.path):
            rows = self._db.execute("SELECT url FROM pings ORDER BY since, url")
            return tuple(url for (url,) in rows)

    def hold(self, updates: Iterable[AiringRecord]) -> None:
        """Keep airing records for the next ``commit`` outside memory (a temporary table).

        A first publish of a large network updates every airing; holding them
        here as each show is done keeps the publish's memory flat.
        """
        with _translated(self.path):
            if not self._holding:
                self._db.execute(_HELD_TABLE.format(schema="temp"))
                self._db.execute("DELETE FROM temp.held_airings")
                self._holding = True
            # A deferred transaction on the temp table: the state itself stays unlocked.
            with _atomically(self._db, "BEGIN"):
                self._db.executemany(_HELD_INSERT.format(schema="temp"), map(_airing_row, updates))

    def has_files(self, folder: str) -> bool:
        """Tell whether the manifest records any file in ``folder`` itself (see ``manifest``)."""
        with _translated(self.path):
            query = "SELECT 1 FROM manifest WHERE folder = ? LIMIT 1"
            return self._db.execute(query, (folder_value(folder),)).fetchone() is not None

    def settle(self, folder: str, *, written: Mapping[str, Stamp], deleted: Iterable[str]) -> None:
        """Record the stamps of the files a committed publish put in place, and forget removed ones.

        The commit recorded the files about to be written as INTENDED: a run
        that ends before this finds them unstamped and compares their bytes.
        """
        with self._transaction() as db:
            _record_files(db, folder_value(folder), written, deleted)

    def commit(  # noqa: PLR0913 - one transaction holds every part of a publish
        self,
        *,
        record: PublishRecord,
        updates: Iterable[AiringRecord],
        changes: Sequence[ScheduleChange],
        written: Mapping[str, Stamp],
        pings: Iterable[str],
        held: Sequence[Path] = (),
        parts: Parts | None = None,
        keys: Mapping[str, str | None] | None = None,
    ) -> None:
        """Record a publish whose files are staged, all in one transaction (``settle`` follows).

        The airing records given to ``hold`` since the last commit, then those
        in the ``held`` scratch databases (see HeldAirings), are written first,
        then ``updates`` (a later record of the same airing wins). ``parts``
        replaces the shows' recorded parts; without it none are kept. ``keys``
        are those of the network files made (None: forget the file's key).
        """
        with _translated(self.path):
            for number, path in enumerate(held):
                # As a URI: SQLite takes a name as UTF-8 text, and a path need not be.
                uri = database_uri(path, "rw")
                self._db.execute(f"ATTACH DATABASE ? AS held{number}", (uri,))
        try:
            self._commit(
                record, updates, changes, written, pings, len(held), parts, keys or {}
            )
        finally:
            with _translated(self.path):
                for number in range(len(held)):
                    self._db.execute(f"DETACH DATABASE held{number}")

    def _commit(  # noqa: PLR0913, PLR0917 - the parts of ``commit``
        self,
        record: PublishRecord,
        updates: Iterable[AiringRecord],
        changes: Sequence[ScheduleChange],
        written: Mapping[str, Stamp],
        pings: Iterable[str],
        held: int,
        parts: Parts | None,
        keys: Mapping[str, str | None],
    ) -> None:
        folder = folder_value(record.folder)
        with self._transaction() as db:
            _record_parts(db, parts)
            _record_keys(db, folder, keys)
            if self._holding:
                db.execute("INSERT OR REPLACE INTO airings SELECT * FROM temp.held_airings")
                db.execute("DELETE FROM temp.held_airings")
            for number in range(held):
                copy = f"INSERT OR REPLACE INTO airings SELECT * FROM held{number}.held_airings"  # noqa: S608 - a number
                db.execute(copy)
            db.executemany(
                "INSERT OR REPLACE INTO airings (id, show, hash, sequence, first_published,"
                " changed, start, title, status, label, present)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (_airing_row(update) for update in updates),
            )
            db.executemany(
                "INSERT INTO changes (number, recorded, kind, airing, show, text)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                ((c.number, _utc(c.recorded), c.kind, c.airing, c.show, c.text) for c in changes),
            )
            _record_files(db, folder, written, ())  # removed files are forgotten by settle
            db.executemany(
                "INSERT OR IGNORE INTO pings (url, since) VALUES (?, ?)",
                ((u, _utc(record.at)) for u in pings),
            )
            db.execute(
                "INSERT INTO publishes (at, folder, window_start, window_stop, files, written,"
                " deleted, airings, changes, duration_ms, fingerprint, next_change)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _publish_row(record),
            )
            # Only the last full publish's recipe can vouch for the files now on disk.
            db.execute("DELETE FROM inputs")
            if record.recipe is not None:
                db.execute("INSERT INTO inputs (id, recipe) VALUES (1, ?)", (record.recipe,))

    def settle_pings(self, delivered: Iterable[str], failed: Mapping[str, str]) -> None:
        """Forget delivered notifications; count a failed attempt on the others."""
        with self._transaction() as db:
            db.executemany("DELETE FROM pings WHERE url = ?", ((url,) for url in delivered))
            db.executemany(
                "UPDATE pings SET attempts = attempts + 1, last_error = ? WHERE url = ?",
                ((error, url) for url, error in failed.items()),
            )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with _translated(self.path), _atomically(self._db, "BEGIN IMMEDIATE"):
            yield self._db


@dataclass(frozen=True, slots=True, kw_only=True)
class Parts:
    """The shows' parts a publish leaves: new ones by show, and every show whose part stays."""

    made: Mapping[str, Any]  # a ShowPart (publisher/parts.py) with ``digest``, ``since``, ...
    shows: frozenset[str]


def _record_parts(db: sqlite3.Connection, parts: Parts | None) -> None:
    if parts is None:
        db.execute("DELETE FROM show_parts")
        return
    recorded = db.execute("SELECT show FROM show_parts").fetchall()
    gone = [(show,) for (show,) in recorded if show not in parts.shows]
    db.executemany("DELETE FROM show_parts WHERE show = ?", gone)
    db.executemany(
        "INSERT OR REPLACE INTO show_parts (show, digest, since, next_change, file, size, part)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (show, part.digest, _utc(part.since), _utc(part.next_change), part.stored.file,
             part.stored.size, pickle.dumps(part))
            for show, part in parts.made.items()
        ),
    )


def _record_files(
    db: sqlite3.Connection,
    folder: str | bytes,
    written: Mapping[str, Stamp],
    deleted: Iterable[str],
) -> None:
    """Record the stamps of files in ``folder`` (INTENDED: about to be written); forget others."""
    db.executemany(
        "INSERT OR REPLACE INTO manifest (folder, name, sha256, size, mtime_ns, inode)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        ((folder, name, *_stamp_row(stamp)) for name, stamp in written.items()),
    )
    db.executemany(
        "DELETE FROM manifest WHERE folder = ? AND name = ?", ((folder, n) for n in deleted)
    )


def _record_keys(
    db: sqlite3.Connection, folder: str | bytes, keys: Mapping[str, str | None]
) -> None:
    db.executemany(
        "DELETE FROM network_keys WHERE folder = ? AND name = ?",
        ((folder, name) for name, key in keys.items() if key is None),
    )
    db.executemany(
        "INSERT OR REPLACE INTO network_keys (folder, name, key) VALUES (?, ?, ?)",
        ((folder, name, key) for name, key in keys.items() if key is not None),
    )


def _snapshot_source(path: Path) -> sqlite3.Connection:
    """Open the database to copy it, leaving the state folder as it was.

    Not ``mode=ro``: only a connection that may write removes, as the last
    one to close, the -wal and -shm files SQLite keeps beside the database
    (the copy itself writes nothing). A file the user may not write is
    opened read-only all the same, as ``mode=rw`` documents. A folder that
    may not be written to (no -shm file can be made there) is read as it is
    on disk: what the last publish committed, which it checkpointed when it
    closed.
    """
    try:
        connection = _connect(database_uri(path, "rw"), uri=True)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        return _connect(database_uri(path, "ro") + "&immutable=1", uri=True)
    return connection


def _create(path: Path) -> None:
    """Make a new state database at ``path``: schema in, durable, then renamed into place."""
    new = path.with_name(path.name + ".new")
    try:
        for leftover in ("", "-wal", "-shm", "-journal"):  # of a first publish that ended here
            new.with_name(new.name + leftover).unlink(missing_ok=True)
        connection = _connect(database_uri(new, "rwc"), uri=True)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            _migrate(connection)
        finally:
            connection.close()  # the last connection: the log is checkpointed into the file
        fd = os.open(new, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        new.rename(path)
    except OSError as error:
        msg = f"{path}: state database: cannot create it: {error.strerror or error}"
        raise StateError(msg, path=str(path)) from error
    sync_folder(path.parent)


def _writable_logs(path: Path) -> None:
    """Give the write-ahead log and its index the database's permissions when they lack write.

    SQLite makes them with the database's mode: a run while the database was
    read-only left them read-only, and once the database was writable again
    every run still failed ("attempt to write a readonly database") until
    they were deleted by hand. Under the lock no other publish has them open.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return
    if not mode & stat.S_IWUSR:
        return  # the database itself is read-only: SQLite says so
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        with contextlib.suppress(OSError):
            if not stat.S_IMODE(side.stat().st_mode) & stat.S_IWUSR:
                side.chmod(mode)


def _refuse_emptied(path: Path) -> None:
    """Refuse a state database of 0 bytes: emptied since airdates made it (``State.open``)."""
    try:
        empty = path.stat().st_size == 0
    except OSError:
        return  # a dangling link, say: SQLite says what is wrong with it
    if empty:
        msg = f"{path}: state database: the file is empty ({_RESTART})"
        raise StateError(msg, path=str(path))


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
    connection = sqlite3.connect(target, uri=uri, isolation_level=None, timeout=30.0)
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def _migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION, every step in one transaction.

    One: each commit waits for the disk, and a new state database (the first
    publish of a site) took a commit per step.
    """
    if _schema_version(db) == len(_MIGRATIONS):
        return
    with _atomically(db, "BEGIN IMMEDIATE"):
        db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        for step in range(_schema_version(db), len(_MIGRATIONS)):  # read again, under the lock
            for statement in _MIGRATIONS[step]:
                db.execute(statement)
        db.execute("DELETE FROM schema_version")
        db.execute("INSERT INTO schema_version (version) VALUES (?)", (len(_MIGRATIONS),))


def _schema_version(db: sqlite3.Connection) -> int:
    """Return the database's schema version, 0 for a new one; StateError for a newer one."""
    made = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    row = db.execute("SELECT version FROM schema_version").fetchone() if made else None
    version = 0 if row is None else int(row[0])
    if version > len(_MIGRATIONS):
        known = len(_MIGRATIONS)
        msg = (
            f"the state database has schema version {version}; this airdates knows up to"
            f" {known} (a newer airdates wrote it: run that one, or upgrade this one)"
        )
        raise StateError(msg)
    return version


@contextmanager
def _atomically(db: sqlite3.Connection, begin: str) -> Iterator[None]:
    """Run the block as one transaction, begun with ``begin``; roll it back on any error.

    The connections are in autocommit mode, where each row of an
    ``executemany`` outside a transaction is a transaction of its own: holding
    a hundred thousand airing records took seconds instead of a fifth of one.
    """
    db.execute(begin)
    try:
        yield
    except BaseException:
        # SQLite ends the transaction itself on some errors (a full disk): then
        # there is nothing to roll back, and the error to report is the first.
        if db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextmanager
def _translated(path: Path | str) -> Iterator[None]:
    """Turn SQLite failures into StateError, naming the database."""
    try:
        yield
    except sqlite3.Error as error:
        msg = f"{path}: state database: {error}"
        if isinstance(error, sqlite3.DatabaseError) and _DAMAGED.search(str(error)):
            msg += f" ({_RESTART})"
        raise StateError(msg, path=str(path)) from error


# What SQLite says of a file that is damaged or not a database: no run repairs it.
_DAMAGED = re.compile(r"malformed|not a database|file is encrypted|corrupt", re.IGNORECASE)
_RESTART = (
    "restore it from a backup, or move the state folder away to start afresh:"
    " calendar apps may then ignore updates to events already published"
)


def _utc(moment: datetime) -> str:
    # A publish stamps every new airing with the same moment: format it once.
    last_moment, last_text = _LAST_UTC
    if moment is last_moment:
        return cast("str", last_text)
    text = moment.astimezone(UTC).isoformat()
    _LAST_UTC[:] = [moment, text]
    return text


_LAST_UTC: list[Any] = [None, ""]


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _airing_row(record: AiringRecord) -> tuple[object, ...]:
    return (
        record.id,
        record.show,
        record.hash,
        record.sequence,
        _utc(record.first_published),
        _utc(record.changed),
        record.start.isoformat(),
        record.title,
        record.status,
        record.label,
        int(record.present),
    )


def _airing_record(row: Sequence[object]) -> AiringRecord:
    uid, show, digest, sequence, first, changed, start, title, status, label, present = row
    return AiringRecord(
        id=str(uid),
        show=str(show),
        hash=str(digest),
        sequence=int(str(sequence)),
        first_published=_time(str(first)),
        changed=_time(str(changed)),
        start=_time(str(start)),
        title=None if title is None else str(title),
        status=str(status),
        label=None if label is None else str(label),
        present=bool(present),
    )


def _schedule_change(row: Sequence[object]) -> ScheduleChange:
    number, kind, airing, show, recorded, text = row
    return ScheduleChange(
        number=int(str(number)),
        kind=cast("ChangeKind", kind),  # only valid kinds are ever stored
        airing=str(airing),
        show=str(show),
        recorded=_time(str(recorded)),
        text=str(text),
    )


def _holds(folder: str, row: Sequence[Any]) -> bool:
    """Tell whether ``folder`` holds the file a manifest row of another folder remembers."""
    name, sha256, size, mtime_ns, inode = row
    stamp = Stamp(sha256=sha256, size=size, mtime_ns=mtime_ns, inode=inode)
    return intact(Path(folder) / name, stamp)


def _stamp_row(stamp: Stamp) -> tuple[object, ...]:
    return (stamp.sha256, stamp.size, stamp.mtime_ns, stamp.inode)


def _publish_row(record: PublishRecord) -> tuple[object, ...]:
    return (
        _utc(record.at),
        folder_value(record.folder),
        _utc(record.window[0]),
        _utc(record.window[1]),
        record.files,
        record.written,
        record.deleted,
        record.airings,
        record.changes,
        record.duration_ms,
        record.fingerprint,
        None if record.next_change is None else _utc(record.next_change),
    )


def _publish_record(row: Sequence[object]) -> PublishRecord:
    (
        at,
        folder,
        start,
        stop,
        files,
        written,
        deleted,
        airings,
        changes,
        duration,
        fingerprint,
        nxt,
    ) = row
    return PublishRecord(
        at=_time(str(at)),
        folder=folder_text(folder),
        window=(_time(str(start)), _time(str(stop))),
        files=int(str(files)),
        written=int(str(written)),
        deleted=int(str(deleted)),
        airings=int(str(airings)),
        changes=int(str(changes)),
        duration_ms=float(str(duration)),
        fingerprint=str(fingerprint),
        next_change=None if nxt is None else _time(str(nxt)),
    )
