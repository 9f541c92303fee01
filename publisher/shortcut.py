"""The republish shortcut: when no input changed and no output is due to change, write nothing.

cron runs ``airdates publish`` every few minutes, and almost every run finds
nothing to do. A full publish proves that by expanding and rendering
everything; this module proves it in milliseconds, before the config is
parsed and before the rules engine or any renderer is imported.

A full publish records three things in the state (``publishes`` and ``inputs``):

- a *recipe* (publisher/inputs.py): the files its outputs were made from (the
  config, the files its ``include`` patterns matched, every ``episodes_file``,
  the zone files), each pattern with what it matched, and where the state
  and outputs live;
- a *fingerprint*: a digest of those files' bytes, of airdates' own code and
  of the installed packages (so an upgrade of airdates or of a library it
  renders with forces a full publish);
- *next_change*: the first moment an output would change by itself (an
  airing starts or ends, the calendar window or the pages' week moves).

A later run is a hit when, under the publish lock, every one of these holds:
the recipe names this config and this output folder, ``now`` lies in
``[last publish's now, next_change)``, no WebSub notification is pending,
the include patterns match the same files, the fingerprint recomputes
equal, and every file in the manifest has the size, mtime and inode it had
when airdates wrote it. Anything else, or any doubt, runs the full publish.
A hit appends a publish record (nothing else in the state changes) and
prints the usual summary. ``AIRDATES_NO_SHORTCUT=1`` turns the shortcut off.
"""

# ruff: noqa: PTH100, PTH112, PTH113, PTH116, PTH117, PTH118, PTH119, PTH120, PTH206, PTH207, PTH208 - os.path, not pathlib: importing pathlib costs a cron run more than the rest of a hit

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
import sys
import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from publisher.clock import current_time
from publisher.dbpaths import database_uri, folder_text, folder_value
from schedule.errors import AirdatesError
from schedule.includes import matches

__all__ = [
    "DISABLE_ENV",
    "RECIPE_VERSION",
    "Hit",
    "code_stamp",
    "fingerprint",
    "last_recipe",
    "read",
    "republish",
    "state_folders",
]

DISABLE_ENV = "AIRDATES_NO_SHORTCUT"

# The state schema this module reads; publisher/state.py owns it (a test keeps them in step).
_SCHEMA_VERSION = 3
_DB_NAME = "state.sqlite"
_LOCK_NAME = "lock"
RECIPE_VERSION = 1
_PACKAGES = ("schedule", "feeds", "publisher")
# An input whose mtime or ctime is this close to (or after) the moment a full
# publish began reading may have changed while it was read: no recipe then.
# Two seconds covers coarse file-system clocks (FAT keeps mtimes in 2 s steps).
GUARD_NS = 2_000_000_000


class Hit:
    """A republish the shortcut answered: what the summary line reports."""

    __slots__ = ("airings", "dry_run", "files", "last", "next_change")

    def __init__(
        self, *, files: int, airings: int, last: str, next_change: str, dry_run: bool
    ) -> None:
        """Record the last publish's counts and moments (UTC ISO 8601 text)."""
        self.files = files
        self.airings = airings
        self.last = last
        self.next_change = next_change
        self.dry_run = dry_run

    def summary(self) -> str:
        """Return the line a full publish would print: every file unchanged."""
        verb = "would be written" if self.dry_run else "written"
        text = f"{self.files} files: 0 {verb}, {self.files} unchanged; {self.airings} airings"
        return text + (" (dry run)" if self.dry_run else "")

    def note(self) -> str:
        """Return the ``-v`` / ``--dry-run`` line saying why nothing was rendered."""
        lead = "nothing would change" if self.dry_run else "nothing changed"
        return (
            f"{lead}: inputs as at the publish of {self.last},"
            f" next output change due {self.next_change}"
        )


def republish(config: str, *, output: str | None, now: str | None, dry_run: bool) -> Hit | None:
    """Answer a publish without rendering when that is certain to write nothing.

    ``config``, ``output`` and ``now`` are the command's options as given.
    Returns None whenever a full publish must run (or might write something).
    """
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return None
    started = time.monotonic()
    path = os.path.abspath(config)
    for state in state_folders(path):
        hit = _try_state(state, path, output=output, now=now, dry_run=dry_run, started=started)
        if hit is not None:
            return hit
    return None


def last_recipe(config: str) -> tuple[str, dict[str, Any]] | None:
    """Return the state folder and recipe of the last full publish of ``config``, if any.

    ``config`` is absolute. Only the recipe is read (no lock: a publish
    replaces it in one transaction); None when no state folder holds one for
    this config or its include patterns match other files now.
    """
    for state in state_folders(config):
        if not os.path.isfile(os.path.join(state, _DB_NAME)):
            continue  # a first publish: nothing to connect to
        try:
            uri = database_uri(os.path.join(state, _DB_NAME), "ro")
            with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5.0)) as db:
                recipe = _recipe_for(db, state, config)
        except (OSError, sqlite3.Error, ValueError):
            continue
        if recipe is not None:
            return (state, recipe) if _globs_of(recipe) == recipe["patterns"] else None
    return None


# --- the hit test --------------------------------------------------------------------


def state_folders(config: str) -> list[str]:
    """Return the state folders that may hold this config's state, likeliest first.

    The default ``.airdates`` next to the config needs no reading at all; a
    ``state`` set in ``[site]`` is read quickly. ``config`` is absolute. For
    the shortcut, either is trusted only when the recipe inside names this
    config and this very folder.
    """
    folder = os.path.dirname(config)
    found = [os.path.join(folder, ".airdates")]
    if os.path.isfile(os.path.join(found[0], _DB_NAME)):
        return found
    from publisher.inputs import site_head  # noqa: PLC0415 - the unusual case pays for it

    data = read(config)
    head = site_head(data) if data is not None else None
    table = head.get("site") if head is not None else None
    if isinstance(table, dict) and isinstance(table.get("state"), str):
        found.append(os.path.normpath(os.path.join(folder, table["state"])))
    return found


def _try_state(  # noqa: PLR0913 - the command's options, passed through
    state: str, config: str, *, output: str | None, now: str | None, dry_run: bool, started: float
) -> Hit | None:
    """Take the lock of one candidate state folder and test for a hit there."""
    if not os.path.isfile(os.path.join(state, _DB_NAME)):
        return None
    try:
        # No O_CREAT: the shortcut never creates anything.
        fd = os.open(os.path.join(state, _LOCK_NAME), os.O_RDWR)
    except OSError:
        return None
    try:
        # Never wait here: a publish in progress means the full path (which waits) must run.
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        db = sqlite3.connect(os.path.join(state, _DB_NAME), isolation_level=None, timeout=5.0)
        try:
            return _hit(db, state, config, output=output, now=now, dry_run=dry_run, started=started)
        finally:
            db.close()
    except (OSError, sqlite3.Error, ValueError, KeyError, TypeError, AirdatesError):
        # Anything unexpected (a damaged recipe, a bad --now): the full path knows what to say.
        return None
    finally:
        os.close(fd)


def _hit(  # noqa: PLR0913 - the command's options, passed through
    db: sqlite3.Connection,
    state: str,
    config: str,
    *,
    output: str | None,
    now: str | None,
    dry_run: bool,
    started: float,
) -> Hit | None:
    """Test every condition of a hit (cheapest first); record the run when it is one."""
    recipe = _recipe_for(db, state, config)
    if recipe is None:
        return None
    last = db.execute(
        "SELECT id, at, folder, files, airings, fingerprint, next_change"
        " FROM publishes ORDER BY id DESC LIMIT 1"
    ).fetchone()
    folder = _folder(output, recipe["output"])
    if (
        folder is None
        or last is None
        or last[6] is None
        or not folder == folder_text(last[2]) == recipe["folder"]
    ):
        return None
    moment = current_time(now, ZoneInfo(recipe["zone"])).astimezone(UTC)
    if not datetime.fromisoformat(last[1]) <= moment < datetime.fromisoformat(last[6]):
        return None
    if not _unchanged(db, recipe, folder, last[3], last[5]):
        return None
    if not dry_run:
        _record(db, last[0], moment, started)
    return Hit(files=last[3], airings=last[4], last=last[1], next_change=last[6], dry_run=dry_run)


def _unchanged(
    db: sqlite3.Connection, recipe: dict[str, Any], folder: str, files: int, digest: str
) -> bool:
    """Tell whether nothing a full publish would act on changed since the last one."""
    if db.execute("SELECT count(*) FROM pings").fetchone()[0]:
        return False  # a hub is owed a notification: only the full path retries it
    if _globs_of(recipe) != recipe["patterns"] or fingerprint(recipe) != digest:
        return False
    return _outputs_intact(db, folder, files)


def _folder(output: str | None, default: str) -> str | None:
    """Return the output folder as a full publish names it (None: too odd to compare)."""
    if output is None:
        return default  # already absolute and normal
    # ".." through a symbolic link is not what os.path.abspath makes of it.
    if ".." in output.split(os.sep):
        return None
    return os.path.abspath(output)


def _recipe_for(db: sqlite3.Connection, state: str, config: str) -> dict[str, Any] | None:
    """Return the recipe in ``db`` if it is that of ``config`` with its state in ``state``."""
    recipe = _stored_recipe(db)
    if recipe is None or recipe.get("config") != config or recipe.get("state") != state:
        return None
    return recipe


def _stored_recipe(db: sqlite3.Connection) -> dict[str, Any] | None:
    """Return the recipe of the last full publish, if the schema is the one this code knows."""
    version = db.execute("SELECT version FROM schema_version").fetchone()
    if version is None or version[0] != _SCHEMA_VERSION:
        return None
    row = db.execute("SELECT recipe FROM inputs").fetchone()
    recipe = json.loads(row[0]) if row is not None else None
    if not isinstance(recipe, dict) or recipe.get("version") != RECIPE_VERSION:
        return None
    return recipe


def _outputs_intact(db: sqlite3.Connection, folder: str, files: int) -> bool:
    """Tell whether every output file is still the one airdates wrote (size, mtime, inode)."""
    rows = db.execute(
        "SELECT name, size, mtime_ns, inode FROM manifest WHERE folder = ?",
        (folder_value(folder),),
    ).fetchall()
    if len(rows) != files:
        return False
    try:
        # Relative to the open folder: one path step per file instead of the whole path.
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        for name, size, mtime_ns, inode in rows:
            info = os.stat(name, dir_fd=fd)
            if (info.st_size, info.st_mtime_ns, info.st_ino) != (size, mtime_ns, inode):
                return False
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def _record(db: sqlite3.Connection, last_id: int, now: datetime, started: float) -> None:
    """Append this run to ``publishes``: the last publish's counts, nothing written."""
    # Losing this row to a power cut is harmless (the previous one vouches
    # for the same files), so skip the fsync a full publish's commit pays for.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(
            "INSERT INTO publishes (at, folder, window_start, window_stop, files, written,"
            " deleted, airings, changes, duration_ms, fingerprint, next_change)"
            " SELECT ?, folder, window_start, window_stop, files, 0, 0, airings, 0, ?,"
            " fingerprint, next_change FROM publishes WHERE id = ?",
            (now.isoformat(), (time.monotonic() - started) * 1000.0, last_id),
        )
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


# --- the fingerprint ---------------------------------------------------------------


def fingerprint(recipe: dict[str, Any], *, since_ns: int | None = None) -> str | None:
    """Return the digest of the recipe, its files' bytes, airdates' code and the packages.

    With ``since_ns``, None when a file changed at or after that moment (less
    the guard): its bytes may not be the ones the publish read.
    """
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True).encode())
    for path in recipe["files"]:
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as file:  # noqa: PTH123 - the stat and the bytes of one open file
                info = os.fstat(file.fileno())
                data = file.read()
        except OSError:
            digest.update(b"-\0")
            continue
        if since_ns is not None and max(info.st_mtime_ns, info.st_ctime_ns) >= since_ns - GUARD_NS:
            return None
        digest.update(hashlib.sha256(data).digest())
    digest.update(code_stamp().encode())
    return digest.hexdigest()


def code_stamp() -> str:
    """Return a digest of what renders: Python, airdates' files, the installed packages.

    File sizes and mtimes rather than bytes: an upgrade or an edit rewrites
    them, and stating fifty files costs far less than importing the version
    from package metadata.
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parts = [sys.version, sys.prefix]
    for package in _PACKAGES:
        for folder, subfolders, names in os.walk(os.path.join(root, package)):
            subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
            for name in sorted(names):
                info = os.stat(os.path.join(folder, name))
                parts.append(f"{folder}/{name}:{info.st_size}:{info.st_mtime_ns}")
    # Library upgrades rename their dist-info folder (jinja2-3.1.6.dist-info, ...).
    for entry in sys.path:
        if os.path.basename(entry) in ("site-packages", "dist-packages") and os.path.isdir(entry):
            parts += [entry, *sorted(os.listdir(entry))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# --- include patterns -------------------------------------------------------------


def read(path: str) -> bytes | None:
    """Return the bytes of the file at ``path``, or None when it cannot be read."""
    try:
        with open(path, "rb") as file:  # noqa: PTH123 - pathlib adds nothing here
            return file.read()
    except OSError:
        return None


def _globs_of(recipe: dict[str, Any]) -> list[list[Any]]:
    """Return the recipe's include patterns with the files they match now."""
    folder = os.path.dirname(recipe["config"])
    return [[pattern, matches(pattern, folder)] for pattern, _ in recipe["patterns"]]

