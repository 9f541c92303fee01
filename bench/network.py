"""Network benchmark: airdates publish vs the naive peer, side by side.

Converts a workload file (``shared/bench/shows_*.json``: weekly shows with
cancellations and moves, a window and a "now") into an airdates config, checks
that airdates sees the same airings, then times, alternating, for several
rounds:

    peer-large     the naive peer on the large workload
    cold-large     airdates publish, empty output and state folders
    noop-large     airdates publish again, nothing changed, same now
    edit-large     airdates publish after one show's config changed
    peer-single    the naive peer on the single-show workload
    cold-single    airdates publish of the single show, cold

(the single-show pair ``--single-runs`` times a round, as its runs are short)

Every figure is for the whole process: wall time from spawn to exit, peak
resident set size (ru_maxrss from wait4, the figure ``/usr/bin/time -v``
prints), and the files and bytes it wrote into its output folder. Prints a
table with the targets of issue 6 and writes it as JSON.

    .venv/bin/python bench/network.py                 # 5 rounds, large + single
    .venv/bin/python bench/network.py --quick         # 1 round
    .venv/bin/python bench/network.py --rounds 3 --json /tmp/bench.json

Run ``--help`` for the rest. Not part of the test suite.
"""

# ruff: noqa: T201, S603, S607, CPY001, DTZ001, TRY003, EM102, INP001, PLR2004, RUF001, RUF003
# (a script, not a package: it prints a report, runs known commands, works in naive local wall
# times, and its messages and table say "×")

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from collections.abc import Callable

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "bench"
BIN = Path(sys.executable).parent
MIB = 1024 * 1024

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
RESERVED_IDS = {"all", "schedule", "changes", "index", "xmltv"}
SUMMARY_RE = re.compile(r"(\d+) files?: (\d+) written")

# Issue 6 targets: case -> (what, limit, unit).
TARGETS = {
    "cold-large": [("wall", 4.0, "s"), ("ratio", 12.0, "x"), ("rss", 150.0, "MiB")],
    "noop-large": [("wall", 0.100, "s"), ("bytes", 0, "B")],
    "edit-large": [("wall", 1.5, "s")],
    "cold-single": [("wall", 0.150, "s")],
}


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


# ---------------------------------------------------------------------------
# Workload -> airdates config


def slug(text: str, taken: set[str]) -> str:
    """Return a unique airdates id (``^[a-z0-9][a-z0-9-]{0,62}$``) for ``text``."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-") or "x"
    if base in RESERVED_IDS:
        base = f"{base}-show"
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = base[: 63 - len(suffix)].rstrip("-") + suffix
        n += 1
    taken.add(candidate)
    return candidate


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_str(text: str) -> str:
    """Return ``text`` as a TOML basic string (one line, every control escaped)."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def local_dt(text: str) -> str:
    """Return a workload local time (``YYYY-MM-DDTHH:MM``) as a TOML local datetime."""
    return datetime.fromisoformat(text).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class Workload:
    """A workload file: its shows, window and now, and the ids airdates gives them."""

    path: Path
    data: dict
    window_start: datetime
    window_end: datetime
    now: datetime
    show_ids: dict[str, str] = field(default_factory=dict)  # workload id -> airdates id
    channel_ids: dict[str, str] = field(default_factory=dict)
    # Per airdates id: the cancellations and moves airdates can take (see ``changes_of``).
    changes: dict[str, tuple[list[str], list[tuple[str, str]]]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)  # what was left out, and why

    @classmethod
    def load(cls, path: Path) -> Workload:
        """Read ``path`` and give every show and channel a unique airdates id."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise BenchError(f"cannot read workload {path}: {exc.strerror}") from None
        wl = cls(
            path,
            data,
            datetime.fromisoformat(data["window_start"]),
            datetime.fromisoformat(data["window_end"]),
            datetime.fromisoformat(data["now"]),
        )
        taken: set[str] = set()
        for show in data["shows"]:
            wl.show_ids[show["id"]] = slug(show["id"], taken)
        taken = set()
        for show in data["shows"]:
            if show["channel"] not in wl.channel_ids:
                wl.channel_ids[show["channel"]] = slug(show["channel"], taken)
        for show in data["shows"]:
            sid = wl.show_ids[show["id"]]
            cancels, moves, dropped = changes_of(show)
            wl.changes[sid] = (cancels, moves)
            wl.dropped += [f"{sid}: {what}" for what in dropped]
        return wl

    @property
    def now_arg(self) -> str:
        """Return now as the ``--now`` argument."""
        return self.now.isoformat()

    def expected_airings(self) -> list[tuple[str, datetime, bool]]:
        """Expand the workload as the naive peer does: (airdates show id, UTC start, cancelled).

        Cancelled airings are included (airdates lists them with status
        "cancelled"); moved airings are at their new start. Only starts within
        window_start..window_end (both inclusive, as the peer's
        ``between(inc=True)``) are kept.
        """
        out = []
        for show in self.data["shows"]:
            tz = ZoneInfo(show["tz"])
            first = datetime.fromisoformat(show["dtstart"])
            hh, mm = map(int, show["time"].split(":"))
            cancelled = {datetime.fromisoformat(x) for x in show["exdates"]}
            moves = {datetime.fromisoformat(a): datetime.fromisoformat(b) for a, b in show["moves"]}
            weekdays = set(show["weekdays"])
            day = first.date()
            last_day = self.window_end.astimezone(tz).date() + timedelta(days=3)
            sid = self.show_ids[show["id"]]
            while day <= last_day:
                if day.weekday() in weekdays:
                    wall = datetime(day.year, day.month, day.day, hh, mm)
                    if wall >= first:
                        new = moves.get(wall, wall)
                        start = new.replace(tzinfo=tz).astimezone(UTC)
                        if self.window_start <= start <= self.window_end:
                            out.append((sid, start, wall in cancelled))
                day += timedelta(days=1)
        out.sort(key=lambda a: (a[1], a[0]))
        return out

    def first_future_slot(self, show: dict) -> datetime:
        """Return the first local start of ``show`` after now, neither cancelled nor moved."""
        tz = ZoneInfo(show["tz"])
        hh, mm = map(int, show["time"].split(":"))
        skip = {datetime.fromisoformat(x) for x in show["exdates"]}
        skip |= {datetime.fromisoformat(a) for a, _ in show["moves"]}
        skip |= {datetime.fromisoformat(b) for _, b in show["moves"]}
        day = max(self.now.astimezone(tz).date(), datetime.fromisoformat(show["dtstart"]).date())
        while True:
            wall = datetime(day.year, day.month, day.day, hh, mm)
            if (
                day.weekday() in show["weekdays"]
                and wall not in skip
                and wall.replace(tzinfo=tz) > self.now
            ):
                return wall
            day += timedelta(days=1)


def changes_of(show: dict) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """Return the show's cancellations and moves that airdates takes, and what it left out.

    airdates refuses (SPEC §2) a change that matches no airing, a second
    change of one airing, and a move onto another airing of the show that
    is neither cancelled nor moved away; the naive peer ignores the first
    two and writes both airings for the third. Those are left out here, and
    said: the benchmark then still runs, and its check counts the airings
    that differ.
    """
    hh, mm = map(int, show["time"].split(":"))
    first = datetime.fromisoformat(show["dtstart"])
    weekdays = set(show["weekdays"])

    def is_slot(text: str) -> bool:
        wall = datetime.fromisoformat(text)
        return wall >= first and wall.weekday() in weekdays and (wall.hour, wall.minute) == (hh, mm)

    dropped: list[str] = []
    cancels: dict[str, None] = {}  # in the workload's order
    for at in show["exdates"]:
        if not is_slot(at):
            dropped.append(f"cancellation of {at}: no airing starts then")
        elif at in cancels:
            dropped.append(f"cancellation of {at}: given twice")
        else:
            cancels[at] = None
    # A slot cancelled or moved away is free for a move to land on.
    free = set(cancels) | {old for old, _ in show["moves"]}
    moves: dict[str, str] = {}  # in the workload's order
    for old, new in show["moves"]:
        if not is_slot(old) or old in cancels or old in moves:
            why = "no airing starts then" if not is_slot(old) else "changed already"
            dropped.append(f"move of {old} to {new}: {why}")
        elif new != old and (new in moves.values() or (is_slot(new) and new not in free)):
            dropped.append(f"move of {old} to {new}: onto another airing of the show")
        else:
            moves[old] = new
    return list(cancels), list(moves.items()), dropped


def window_lengths(wl: Workload) -> tuple[str, str]:
    """Return site ``past`` and ``future`` so the calendar window is the workload's.

    airdates' window runs from the start of the day ``past`` before now to the
    end of the day ``future`` after now, in the site zone (UTC here). With now
    at midnight UTC, past = now - window_start and future = window_end - now -
    1 day reproduce window_start..window_end exactly.
    """
    past = wl.now.date() - wl.window_start.astimezone(UTC).date()
    future = wl.window_end.astimezone(UTC).date() - wl.now.date() - timedelta(days=1)
    for span in (past, future):
        if span.days < 0:
            raise BenchError(f"{wl.path}: window does not contain now")
    return f"P{past.days}D", f"P{future.days}D"


def config_text(wl: Workload, edit: tuple[str, str] | None = None) -> str:
    """Return the airdates config for ``wl``.

    ``edit`` = ("title", show id) appends " (edited)" to that show's title;
    ("cancel", show id) adds a cancellation of its next regular airing.
    """
    past, future = window_lengths(wl)
    lines = [
        "# Generated by bench/network.py from " + wl.path.name + "; do not edit.",
        "[site]",
        "title = " + toml_str(f"Bench network ({wl.path.stem})"),
        'base_url = "https://bench.example.org/"',
        'timezone = "UTC"',
        'language = "en"',
        'output = "public"',
        'state = ".airdates"',
        f'past = "{past}"',
        f'future = "{future}"',
        "",
    ]
    for name, cid in wl.channel_ids.items():
        lines += ["[[channels]]", f"id = {toml_str(cid)}", f"name = {toml_str(name)}", ""]
    for show in wl.data["shows"]:
        sid = wl.show_ids[show["id"]]
        title = show["title"]
        if edit == ("title", sid):
            title += " (edited)"
        hh, mm = map(int, show["time"].split(":"))
        days = ",".join(DAY_CODES[d] for d in sorted(show["weekdays"]))
        lines += [
            "[[shows]]",
            f"id = {toml_str(sid)}",
            f"title = {toml_str(title)}",
            f"description = {toml_str(show['description'])}",
            f"channel = {toml_str(wl.channel_ids[show['channel']])}",
            f"timezone = {toml_str(show['tz'])}",
            f'duration = "{int(show["duration_min"])} minutes"',
            f"categories = [{toml_str(show['genre'])}]",
            "",
            "[[shows.airs]]",
            f'rrule = "FREQ=WEEKLY;BYDAY={days};BYHOUR={hh};BYMINUTE={mm}"',
            f"from = {datetime.fromisoformat(show['dtstart']).date().isoformat()}",
            "",
        ]
        cancels, moves = wl.changes[sid]
        for at in cancels:
            lines += ["[[shows.changes]]", f"at = {local_dt(at)}", "cancel = true", ""]
        for old, new in moves:
            lines += [
                "[[shows.changes]]",
                f"at = {local_dt(old)}",
                f"move_to = {local_dt(new)}",
                "",
            ]
        if edit == ("cancel", sid):
            at = wl.first_future_slot(show).strftime("%Y-%m-%dT%H:%M:%S")
            lines += ["[[shows.changes]]", f"at = {at}", 'cancel = "Pre-empted (bench edit)"', ""]
    return "\n".join(lines)


def write_config(wl: Workload, folder: Path, edit: tuple[str, str] | None = None) -> Path:
    """Write the config for ``wl`` into ``folder`` and return its path (checked with tomllib)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "airdates.toml"
    text = config_text(wl, edit)
    tomllib.loads(text)  # raises on any escaping mistake
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


# A publish records what the republish shortcut needs only for inputs older
# than this (publisher/shortcut.py: GUARD_NS, 2 s): a file written just before
# a publish may still be changing.
SETTLE_S = 2.1


# ext4 without a journal skips an inode freed less than 60 s ago when it looks
# for a free one, 360 s while the inode's table block is dirty: and the timed
# run's own first new file in a block dirties it again. See Bench.discard.
TRASH_WAIT_S = 365
# The trash is emptied before a round when less than this is free: a round
# writes about 1 GB (the large network's files and state, the peer's files).
TRASH_FREE_BYTES = 4 << 30


def _free_bytes(path: Path) -> int:
    info = os.statvfs(path)
    return info.f_bavail * info.f_frsize


def settle(path: Path) -> None:
    """Wait until ``path`` was last changed SETTLE_S ago, as a config is by a cron run.

    Without it the cold publish, started the moment the config was written,
    records no shortcut recipe and the nothing-changed case measures a full
    publish, which no cron job sees twice in a row.
    """
    info = path.stat()
    changed = max(info.st_mtime, info.st_ctime)
    time.sleep(max(0.0, changed + SETTLE_S - time.time()))


# ---------------------------------------------------------------------------
# Measuring one process


@dataclass
class Run:
    """What one measured process did."""

    wall: float
    rss_mib: float
    tree_rss_mib: float
    files: int
    bytes: int
    stdout: str
    cpu: float = 0.0
    changed: list[str] = field(default_factory=list)
    summary_files: int | None = None
    summary_written: int | None = None
    state_files: int = 0
    state_bytes: int = 0


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Return relative path -> (inode, mtime_ns, size) for every file under ``folder``."""
    out = {}
    if not folder.exists():
        return out
    for root, _dirs, files in os.walk(folder):
        for name in files:
            p = Path(root, name)
            try:
                st = p.stat()
            except FileNotFoundError:
                continue
            out[str(p.relative_to(folder))] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return out


def written(before: dict, after: dict) -> tuple[int, int, list[str]]:
    """Return (files, bytes, names) of files that are new or whose inode, mtime or size changed."""
    changed = sorted(k for k, v in after.items() if before.get(k) != v)
    return len(changed), sum(after[k][2] for k in changed), changed


def _tree_rss(pid: int) -> int:
    """Return the summed RSS in bytes of the descendants of ``pid`` (not ``pid`` itself)."""
    total, todo = 0, []
    page = os.sysconf("SC_PAGE_SIZE")
    with contextlib.suppress(OSError, ValueError):
        todo = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (OSError, ValueError, IndexError):
            pass
    return total


GNU_TIME = Path("/usr/bin/time")

# The fallback when GNU time is missing: fork, exec, and report the child's
# rusage from wait4. A fresh wrapper per run, so the figure is that child's.
PY_WRAPPER = """
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{ru.ru_maxrss} {ru.ru_utime:.6f} {ru.ru_stime:.6f}\\n")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def wrapped(argv: list[str], report: Path, wrapper: str) -> list[str]:
    """Return ``argv`` run under a small wrapper that writes "maxrss_kb user_s sys_s" to report.

    The peak RSS must come from a small process that forks and execs the
    command: a child spawned straight from this script would inherit its
    high-water mark (Linux carries the peak RSS of the exec'ing image over).
    """
    if wrapper == "time":
        return [str(GNU_TIME), "-o", str(report), "-f", "%M %U %S", *argv]
    return [sys.executable, "-S", "-c", PY_WRAPPER, str(report), *argv]


def measure(argv: list[str], out_dir: Path, state_dir: Path | None, wrapper: str) -> Run:
    """Run ``argv`` to completion and measure it; raise BenchError if it fails.

    Wall time runs from spawning the wrapper to reaping it (GNU time adds about
    a millisecond); everything earlier cases wrote is flushed to disk first.
    Peak RSS and CPU time are the command's own, from the wrapper's wait4:
    ru_maxrss is the largest resident set of the command or of any child it
    waited for, the figure ``/usr/bin/time -v`` prints. The summed
    RSS of the command's process tree is also sampled every 5 ms, which matters
    if it uses worker processes.
    """
    argv = [str(shutil.which(argv[0]) or argv[0]), *argv[1:]]
    before = snapshot(out_dir)
    state_before = snapshot(state_dir) if state_dir else {}
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        report = Path(scratch, "rusage")
        cmd = wrapped(argv, report, wrapper)
        actions = [
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        ]
        peak_tree = 0
        done = threading.Event()
        # What earlier cases wrote (half a gigabyte for the large network) is
        # still going to disk; a command that fsyncs would wait for it.
        os.sync()
        t0 = time.perf_counter()
        pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=actions)

        def sample() -> None:
            nonlocal peak_tree
            while not done.wait(0.005):
                peak_tree = max(peak_tree, _tree_rss(pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, _ = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        usage = report.read_text().strip().splitlines() if report.exists() else []
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise BenchError(
            f"{' '.join(argv)} exited with {code}\n--- stderr ---\n{stderr.rstrip()}"
            f"\n--- stdout ---\n{stdout[-2000:].rstrip()}"
        )
    try:
        maxrss_kb, user, system = usage[-1].split()
    except (IndexError, ValueError):
        raise BenchError(f"no resource usage from {cmd[0]} for {' '.join(argv)}") from None
    files, nbytes, names = written(before, snapshot(out_dir))
    rss = int(maxrss_kb) * 1024
    run = Run(wall, rss / MIB, max(peak_tree, rss) / MIB, files, nbytes, stdout.strip())
    run.cpu = float(user) + float(system)
    run.changed = names[:10] if len(names) <= 10 else [*names[:10], f"... {len(names) - 10} more"]
    if state_dir:
        run.state_files, run.state_bytes, _ = written(state_before, snapshot(state_dir))
    m = SUMMARY_RE.search(stdout)
    if m:
        run.summary_files, run.summary_written = int(m.group(1)), int(m.group(2))
    return run


def describe_output(folder: Path) -> dict:
    """Return what a publish wrote: files per kind, total size, events and programmes."""
    kinds: dict[str, int] = {}
    total = 0
    for entry in os.scandir(folder):
        if entry.is_file():
            kind = entry.name.rsplit(".", 1)[-1]
            kinds[kind] = kinds.get(kind, 0) + 1
            total += entry.stat().st_size
    out = {"files": sum(kinds.values()), "bytes": total, "by_kind": dict(sorted(kinds.items()))}
    ics = folder / "schedule.ics"
    if ics.exists():
        out["schedule_ics_events"] = count_lines(ics, b"BEGIN:VEVENT\r\n")
        out["schedule_ics_cancelled"] = count_lines(ics, b"STATUS:CANCELLED\r\n")
    xmltv = folder / "xmltv.xml"
    if xmltv.exists():
        out["xmltv_programmes"] = count_lines(xmltv, b"<programme ", prefix=True)
    return out


def count_lines(path: Path, line: bytes, *, prefix: bool = False) -> int:
    """Count the lines of ``path`` equal to (or, with ``prefix``, starting with) ``line``."""
    with path.open("rb") as f:
        if prefix:
            return sum(1 for each in f if each.lstrip().startswith(line))
        return sum(1 for each in f if each == line)


# ---------------------------------------------------------------------------
# The cases


Airing = tuple[str, datetime, bool]


class Bench:
    """The measured runs of one benchmark, and the checks before them."""

    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        """Load the workloads named in ``args``; work in ``tmp``."""
        self.args = args
        self.tmp = tmp
        self.airdates = str(args.airdates)
        self.python = str(args.python)
        self.large = Workload.load(args.workload)
        self.single = Workload.load(args.single) if args.single else None
        self.runs: dict[str, list[Run]] = {}
        self.outputs: dict[str, dict] = {}
        self.trash = tmp / "trash"
        self.trash.mkdir()
        self.discarded = 0
        for wl in (self.large, self.single):
            if wl is not None and wl.dropped:
                shown = "\n  ".join(wl.dropped[:10])
                more = f"\n  ... {len(wl.dropped) - 10} more" if len(wl.dropped) > 10 else ""
                self.log(
                    f"{wl.path.name}: {len(wl.dropped)} change(s) airdates refuses are left out "
                    "of its config (the check below counts the airings that differ):"
                    f"\n  {shown}{more}"
                )

    def log(self, msg: str) -> None:
        """Say ``msg`` on stderr, at once."""
        print(msg, file=sys.stderr, flush=True)

    # -- checks -------------------------------------------------------------

    def check(self, wl: Workload, name: str, *, full: bool) -> dict:
        """Check the generated config loads and lists the airings the workload implies.

        ``airdates upcoming --json`` over the window is compared, airing by
        airing, with an independent expansion of the workload. The window is
        counted half-open (window_start <= start < window_end), as the
        workload's ``n_slots`` and airdates' calendar window are; airings
        starting exactly at window_end are reported apart (the naive peer's
        inclusive ``between()`` writes them too). ``full`` also runs
        ``airdates check``.
        """
        folder = self.tmp / f"check-{name}"
        cfg = write_config(wl, folder)
        t0 = time.perf_counter()
        if full:
            cmd = [self.airdates, "check", "-c", str(cfg), "--now", wl.now_arg]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise BenchError(
                    f"{' '.join(cmd)} exited with {proc.returncode}\n{proc.stderr.rstrip()}"
                )
        days = (wl.window_end - wl.window_start).days + 1
        cmd = [
            self.airdates,
            "upcoming",
            "-c",
            str(cfg),
            "--now",
            wl.now_arg,
            "--json",
            "--from",
            wl.window_start.isoformat(),
            "--days",
            str(days),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise BenchError(
                f"{' '.join(cmd)} exited with {proc.returncode}\n{proc.stderr.rstrip()}"
            )
        listed = json.loads(proc.stdout)
        got = {
            (
                a["show"],
                datetime.fromisoformat(a["start"]).astimezone(UTC),
                a["status"] == "cancelled",
            )
            for a in listed
        }
        everything = set(wl.expected_airings())
        at_end = sorted(a for a in everything if a[1] == wl.window_end)
        expected = everything - set(at_end)
        in_window = {a for a in got if wl.window_start <= a[1] < wl.window_end}
        scheduled = sum(1 for a in in_window if not a[2])
        declared = sum(s.get("n_slots", 0) for s in wl.data["shows"])
        missing = sorted(expected - in_window, key=lambda a: a[1])
        extra = sorted(in_window - expected, key=lambda a: a[1])

        def brief(a: Airing) -> list[str]:
            return [a[0], a[1].isoformat(), "cancelled" if a[2] else "scheduled"]

        def edge(items: set[Airing], pick: Callable[..., Airing]) -> list[str] | None:
            return brief(pick(items, key=lambda a: (a[1], a[0]))) if items else None

        report = {
            "workload": str(wl.path),
            "seconds": round(time.perf_counter() - t0, 1),
            "airdates_check_run": full,
            "listed_by_upcoming": len(listed),
            "in_window": len(in_window),
            "scheduled_in_window": scheduled,
            "cancelled_in_window": len(in_window) - scheduled,
            "workload_n_slots": declared,
            "expected_scheduled": sum(1 for a in expected if not a[2]),
            "expected_cancelled": sum(1 for a in expected if a[2]),
            "starting_exactly_at_window_end": len(at_end),
            "missing": len(missing),
            "extra": len(extra),
            "first": edge(in_window, min),
            "last": edge(in_window, max),
            "expected_first": edge(expected, min),
            "expected_last": edge(expected, max),
            "missing_sample": [brief(a) for a in missing[:5]],
            "extra_sample": [brief(a) for a in extra[:5]],
        }
        self.log(
            f"check {name}: {scheduled} scheduled + {len(in_window) - scheduled} cancelled "
            f"airings in the window (workload: {declared} airings; {len(at_end)} more start "
            f"exactly at window_end, which the peer also writes); missing {len(missing)}, "
            f"extra {len(extra)}; first {report['first']}, last {report['last']} (expected "
            f"{report['expected_first']}, {report['expected_last']}) [{report['seconds']} s]"
        )
        if missing or extra:
            self.log(
                f"  missing e.g. {report['missing_sample']}\n  extra e.g. {report['extra_sample']}"
            )
        return report

    # -- one round ----------------------------------------------------------

    def peer(self, wl: Workload, tag: str) -> Run:
        """Run the naive peer on ``wl`` into an empty folder."""
        out = self.tmp / f"peer-{tag}"
        self.discard(out)
        out.mkdir()
        argv = [self.python, str(self.args.peer), str(wl.path), str(out)]
        return measure(argv, out, None, self.args.wrapper)

    def publish(self, cfg: Path, wl: Workload) -> Run:
        """Run ``airdates publish`` on ``cfg`` at the workload's now."""
        folder = cfg.parent
        return measure(
            [self.airdates, "publish", "-c", str(cfg), "--now", wl.now_arg],
            folder / "public",
            folder / ".airdates",
            self.args.wrapper,
        )

    def cold(self, wl: Workload, tag: str, *, again: bool = False) -> Path:
        """Publish ``wl`` with empty output and state folders; return the config's path.

        ``again``: with the config the last cold publish of ``tag`` wrote (settled already).
        """
        folder = self.tmp / f"airdates-{tag}"
        cfg = folder / "airdates.toml"
        if again and cfg.exists():
            for made in ("public", ".airdates"):
                self.discard(folder / made)
        else:
            self.discard(folder)
            cfg = write_config(wl, folder)
            settle(cfg)
        self.record(f"cold-{tag}", self.publish(cfg, wl))
        if tag not in self.outputs:
            self.outputs[tag] = describe_output(folder / "public")
            self.log(f"  output of cold-{tag}: {self.outputs[tag]}")
        return cfg

    def discard(self, path: Path) -> None:
        """Move ``path`` out of the way, into the trash, without deleting it.

        A filesystem takes time to reuse what was just deleted: ext4 without a
        journal, as on this kind of machine, passes over every inode freed in
        the last minutes while it looks for a free one, so a run that follows
        the deletion of the last run's 7,000 files creates each of its own
        files more slowly (about 2 s of a cold publish of the large network).
        No real first publish follows such a deletion; the trash is emptied at
        the end, or between rounds when the disk runs low, six minutes before
        the next timed run (see ``empty_trash``).
        """
        if path.exists():
            path.rename(self.trash / str(self.discarded))
            self.discarded += 1

    def empty_trash(self) -> None:
        """Delete the trash, then wait until a new file no longer pays for the deletion."""
        if not any(self.trash.iterdir()):
            return
        shutil.rmtree(self.trash)
        self.trash.mkdir()
        os.sync()
        self.log(f"  trash emptied; waiting {TRASH_WAIT_S} s before the next timed run")
        time.sleep(TRASH_WAIT_S)

    def record(self, case: str, run: Run) -> None:
        """Keep ``run`` as a sample of ``case`` and say what it did."""
        self.runs.setdefault(case, []).append(run)
        extra = ""
        if run.summary_files is not None:
            extra = f", summary {run.summary_files} files / {run.summary_written} written"
        if 0 < run.files <= 3:
            extra += f" ({', '.join(run.changed)})"
        self.log(
            f"  {case:<12} {run.wall * 1000:9.1f} ms (cpu {run.cpu * 1000:7.1f} ms)  "
            f"{run.rss_mib:6.1f} MiB  "
            f"{run.files:5d} files  {run.bytes:11d} B{extra}"
        )

    def round(self, n: int) -> None:
        """Run round ``n``: peer and airdates on each workload, in an order that flips."""
        if n and _free_bytes(self.tmp) < TRASH_FREE_BYTES:
            self.empty_trash()
        self.log(f"round {n + 1}/{self.args.rounds}")
        edit_show = next(iter(self.large.show_ids.values()))
        steps_large = []
        if not self.args.no_peer:
            steps_large.append(
                ("peer", lambda: self.record("peer-large", self.peer(self.large, "large")))
            )

        def airdates_large() -> None:
            cfg = self.cold(self.large, "large")
            self.record("noop-large", self.publish(cfg, self.large))
            write_config(self.large, cfg.parent, edit=(self.args.edit, edit_show))
            self.record("edit-large", self.publish(cfg, self.large))

        steps_large.append(("airdates", airdates_large))
        steps = steps_large if n % 2 == 0 else steps_large[::-1]
        if self.single:
            single = [("airdates", lambda: self.cold(self.single, "single", again=True))]
            if not self.args.no_peer:
                single.insert(
                    0,
                    ("peer", lambda: self.record("peer-single", self.peer(self.single, "single"))),
                )
            for k in range(self.args.single_runs):
                steps += single if (n + k) % 2 == 0 else single[::-1]
        for _name, step in steps:
            step()

    # -- results ------------------------------------------------------------

    def table(self) -> list[dict]:
        """Return one row per case: medians, extremes, ratio to the peer, targets, samples."""
        rows = []
        peers = {
            tag: statistics.median(r.wall for r in self.runs[f"peer-{tag}"])
            for tag in ("large", "single")
            if f"peer-{tag}" in self.runs
        }
        order = [
            "peer-large",
            "cold-large",
            "noop-large",
            "edit-large",
            "peer-single",
            "cold-single",
        ]
        for case in order:
            runs = self.runs.get(case)
            if not runs:
                continue
            walls = [r.wall for r in runs]
            tag = case.split("-")[1]
            med = statistics.median(walls)
            row = {
                "case": case,
                "rounds": len(runs),
                "wall_median_s": med,
                "wall_min_s": min(walls),
                "wall_max_s": max(walls),
                "cpu_median_s": statistics.median(r.cpu for r in runs),
                "rss_median_mib": statistics.median(r.rss_mib for r in runs),
                "rss_max_mib": max(r.rss_mib for r in runs),
                "tree_rss_max_mib": max(r.tree_rss_mib for r in runs),
                "files_written": statistics.median(r.files for r in runs),
                "bytes_written": statistics.median(r.bytes for r in runs),
                "state_files_written": statistics.median(r.state_files for r in runs),
                "state_bytes_written": statistics.median(r.state_bytes for r in runs),
                "summary": runs[-1].stdout.splitlines()[-1] if runs[-1].stdout else "",
                "peer_over_this": (peers[tag] / med)
                if tag in peers and not case.startswith("peer") and med
                else None,
                "samples": [
                    {
                        "wall_s": r.wall,
                        "cpu_s": r.cpu,
                        "rss_mib": r.rss_mib,
                        "tree_rss_mib": r.tree_rss_mib,
                        "files": r.files,
                        "bytes": r.bytes,
                        "changed": r.changed,
                        "state_files": r.state_files,
                        "state_bytes": r.state_bytes,
                    }
                    for r in runs
                ],
                "targets": [],
            }
            for what, limit, unit in TARGETS.get(case, []):
                value = {
                    "wall": med,
                    "ratio": row["peer_over_this"],
                    "rss": row["rss_median_mib"],
                    "bytes": row["bytes_written"],
                }[what]
                ok = (
                    None
                    if value is None
                    else (value >= limit if what == "ratio" else value <= limit)
                )
                row["targets"].append(
                    {"what": what, "limit": limit, "unit": unit, "value": value, "pass": ok}
                )
            rows.append(row)
        return rows


def _fmt_target(t: dict) -> str:
    verdict = {True: "PASS", False: "FAIL", None: "n/a"}[t["pass"]]
    what, limit = t["what"], t["limit"]
    if what == "wall":
        text = f"≤{limit * 1000:.0f}ms" if limit < 1 else f"≤{limit:g}s"
    elif what == "ratio":
        text = f"≥{limit:g}×"
    elif what == "rss":
        text = f"≤{limit:g}MiB"
    else:
        text = f"{limit}B"
    return f"{what} {text} {verdict}"


def _fmt_time(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def print_table(rows: list[dict], out: TextIO = sys.stdout) -> None:
    """Print ``rows`` as an aligned table."""
    head = [
        "case",
        "median",
        "min",
        "max",
        "cpu",
        "peak RSS",
        "files",
        "bytes written",
        "vs peer",
        "targets",
    ]
    body = []
    for r in rows:
        ratio = r["peer_over_this"]
        body.append(
            [
                r["case"],
                _fmt_time(r["wall_median_s"]),
                _fmt_time(r["wall_min_s"]),
                _fmt_time(r["wall_max_s"]),
                _fmt_time(r["cpu_median_s"]),
                f"{r['rss_median_mib']:.1f} MiB",
                f"{r['files_written']:g}",
                f"{r['bytes_written']:,.0f}",
                f"{ratio:.1f}× faster"
                if ratio and ratio >= 1
                else (f"{1 / ratio:.1f}× slower" if ratio else ""),
                "; ".join(_fmt_target(t) for t in r["targets"]),
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    right = {1, 2, 3, 4, 5, 6, 7}
    for i, line in enumerate([head, *body]):
        cells = [
            c.rjust(w) if j in right else c.ljust(w)
            for j, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells).rstrip(), file=out)
        if i == 0:
            print("  ".join("-" * w for w in widths), file=out)


def git_commit() -> str | None:
    """Return the commit measured; "+dirty-HASH" names uncommitted changes to tracked files."""
    proc = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return None
    diff = subprocess.run(
        ["git", "-C", str(REPO), "diff", "HEAD"], capture_output=True, check=False
    ).stdout
    suffix = f"+dirty-{hashlib.sha256(diff).hexdigest()[:8]}" if diff else ""
    return proc.stdout.strip() + suffix


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Return the command-line options, with --quick and defaults resolved."""
    p = argparse.ArgumentParser(
        description="Time airdates publish against the naive peer on a broadcast network workload.",
    )
    p.add_argument(
        "--workload",
        type=Path,
        default=SHARED / "shows_large.json",
        help="large workload (default: %(default)s)",
    )
    p.add_argument(
        "--single",
        type=Path,
        default=SHARED / "shows_single.json",
        help="single-show workload (default: %(default)s); '' to skip",
    )
    p.add_argument(
        "--peer",
        type=Path,
        default=None,
        help="the naive peer script (default: naive_peer.py next to the workload)",
    )
    p.add_argument("--rounds", type=int, default=5, help="rounds, alternating (default 5)")
    p.add_argument(
        "--single-runs",
        type=int,
        default=5,
        help="pairs of single-show runs per round, alternating (default 5): a run of"
        " 0.2 s varies by tens of milliseconds with the machine, so its median wants samples",
    )
    p.add_argument("--quick", action="store_true", help="one round, for development")
    p.add_argument(
        "--no-check",
        action="store_true",
        help="skip comparing airdates' airings with the workload before timing",
    )
    p.add_argument(
        "--full-check",
        action="store_true",
        help="also run 'airdates check' on the large config (slow); "
        "--quick skips the large comparison unless this is given",
    )
    p.add_argument("--no-peer", action="store_true", help="time airdates only (no ratios)")
    p.add_argument(
        "--edit",
        choices=["title", "cancel"],
        default="title",
        help="how the edit case changes one show: its title, or a new cancellation (default title)",
    )
    p.add_argument(
        "--json",
        type=Path,
        default=None,
        help="write results here (default: bench/results/network-TIMESTAMP.json)",
    )
    p.add_argument(
        "--wrapper",
        choices=["auto", "time", "python"],
        default="auto",
        help="what runs each command and reports its peak RSS and CPU time: GNU time "
        "(/usr/bin/time), or a small Python fork-exec-wait4 wrapper; auto: GNU time if present",
    )
    p.add_argument(
        "--strict", action="store_true", help="exit 3 if a target is not met (default: exit 0)"
    )
    p.add_argument(
        "--keep", action="store_true", help="keep the temporary folder and say where it is"
    )
    p.add_argument(
        "--airdates",
        type=Path,
        default=BIN / "airdates",
        help="airdates executable (default: %(default)s)",
    )
    p.add_argument(
        "--python",
        type=Path,
        default=Path(sys.executable),
        help="python that runs the peer (default: this one)",
    )
    args = p.parse_args(argv)
    if args.quick:
        args.rounds = 1
    if args.wrapper == "auto":
        args.wrapper = "time" if GNU_TIME.exists() else "python"
    elif args.wrapper == "time" and not GNU_TIME.exists():
        p.error(f"{GNU_TIME} not found")
    if args.rounds < 1:
        p.error("--rounds must be at least 1")
    if args.single_runs < 1:
        p.error("--single-runs must be at least 1")
    if args.single is not None and str(args.single) in ("", "."):
        args.single = None
    if args.peer is None:
        args.peer = args.workload.resolve().parent / "naive_peer.py"
    return args


def missing_file(args: argparse.Namespace) -> str | None:
    """Return a message if a file the benchmark needs does not exist."""
    needed = [("workload", args.workload), ("single", args.single), ("airdates", args.airdates)]
    if not args.no_peer:
        needed.append(("peer", args.peer))
    for label, path in needed:
        if path is not None and not Path(path).exists():
            return f"{label} not found: {path}"
    return None


def run(args: argparse.Namespace, tmp: Path) -> dict:
    """Check, time every round, and return the results as a JSON-ready dict."""
    commit_before = git_commit()
    bench = Bench(args, tmp)
    checks = {}
    if not args.no_check:
        if not args.quick or args.full_check:
            checks["large"] = bench.check(bench.large, "large", full=args.full_check)
        if bench.single:
            checks["single"] = bench.check(bench.single, "single", full=True)
    load_before = os.getloadavg()
    started = time.time()
    for n in range(args.rounds):
        bench.round(n)
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "airdates_commit": commit_before,
        "airdates_commit_after": git_commit(),
        "python": platform.python_version(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
        },
        "rounds": args.rounds,
        "single_runs": args.single_runs,
        "edit": args.edit,
        "wrapper": args.wrapper,
        "duration_s": round(time.time() - started, 1),
        "checks": checks,
        # Workload changes airdates refuses, left out of its configs (see changes_of).
        "left_out": {
            wl.path.name: wl.dropped for wl in (bench.large, bench.single) if wl is not None
        },
        "outputs": bench.outputs,
        "cases": bench.table(),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0, or 1 if a step failed, 2 if a file is missing."""
    args = parse_args(argv)
    problem = missing_file(args)
    if problem:
        print(f"network.py: {problem}", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="airdates-bench-"))
    try:
        result = run(args, tmp)
    except BenchError as exc:
        shutil.rmtree(tmp / "trash", ignore_errors=True)
        print(f"network.py: {exc}", file=sys.stderr)
        print(f"network.py: temporary files kept in {tmp}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        shutil.rmtree(tmp, ignore_errors=True)
        return 130
    shutil.rmtree(tmp / "trash", ignore_errors=True)  # earlier rounds' files: never kept
    if args.keep:
        print(f"temporary files kept in {tmp}", file=sys.stderr)
    else:
        shutil.rmtree(tmp, ignore_errors=True)

    print()
    print_table(result["cases"])
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = args.json or REPO / "bench" / "results" / f"network-{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    load = result["machine"]
    print(
        f"\n{result['rounds']} round(s) in {result['duration_s']:.0f} s; load average "
        f"before/after {load['loadavg_before'][0]:.2f} / {load['loadavg_after'][0]:.2f} "
        f"({load['cpus']} CPUs); results: {path}"
    )
    if result["airdates_commit"] != result["airdates_commit_after"]:
        print(
            f"note: airdates changed during the run ({result['airdates_commit']} -> "
            f"{result['airdates_commit_after']}); rounds measured different code",
            file=sys.stderr,
        )
    failed = [t for r in result["cases"] for t in r["targets"] if t["pass"] is False]
    if failed:
        print(f"{len(failed)} target(s) not met", file=sys.stderr)
        if args.strict:
            return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
