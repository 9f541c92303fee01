"""The ``airdates`` command line: init, check, upcoming, publish, serve."""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import signal
import stat
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from publisher.clock import current_time, parse_time
from schedule.errors import AirdatesError, ConfigError

if TYPE_CHECKING:
    # Types only: importing the rules engine would slow every cron run the shortcut answers.
    from publisher.inputs import Snapshot
    from schedule.airing import Airing
    from schedule.site import Show, Site
    from schedule.tomltables import Parsed

__all__ = ["main", "run"]

_DEFAULT_CONFIG = "airdates.toml"
_MAX_DAYS = 36_600  # a hundred years: more is a typo
_MAX_WAIT = 86_400  # a day of waiting for another publish: more is a typo
_GC_YOUNG = 50_000  # objects allocated between two collections of the young generation


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="airdates",
        description="Turn a broadcast schedule written as rules into calendars, feeds and pages.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-c", "--config", type=_path, default=_DEFAULT_CONFIG,
        help="config file (default: airdates.toml)",
    )
    common.add_argument("--now", help="pretend it is this ISO 8601 time (default: $AIRDATES_NOW or the clock)")

    init = commands.add_parser("init", help="write an example config to start from")
    init.add_argument("dir", nargs="?", default=".", help="folder to write it to (default: here)")

    commands.add_parser("check", parents=[common], help="validate the config and show each show's rules")

    upcoming = commands.add_parser("upcoming", parents=[common], help="list airings")
    upcoming.add_argument("--show", help="only this show (its id)")
    upcoming.add_argument("--days", type=_positive_int, default=14, help="how many days (default 14)")
    upcoming.add_argument("--from", dest="start", help="start here instead of now (ISO 8601)")
    upcoming.add_argument("--json", action="store_true", help="print a JSON array instead of a table")

    publish = commands.add_parser("publish", parents=[common], help="render and write what changed")
    publish.add_argument("--output", help="output folder (default: site.output)")
    publish.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
    publish.add_argument("--wait", type=_seconds, default=60.0, help="seconds to wait for another publish (default 60)")
    publish.add_argument("-v", "--verbose", action="store_true", help="say what was written")

    serve = commands.add_parser("serve", parents=[common], help="serve the output folder for preview")
    serve.add_argument(
        "--bind", type=_address, default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0: every interface)",
    )
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0: any)")
    serve.add_argument("--output", help="folder to serve (default: site.output)")
    return parser


def _bounded(
    kind: Callable[[str], float], low: float, high: float, *, what: str, unit: str = ""
) -> Callable[[str], float]:
    """Return an argparse type: ``kind`` of the text, from ``low`` to ``high``."""

    def read(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            msg = f"{text!r} is not {what}"
            raise argparse.ArgumentTypeError(msg) from None
        if not low <= value <= high:  # NaN fails this too
            msg = f"must be from {low} to {high}{unit}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return read


def _path(text: str) -> str:
    """Read ``-c``: a path, never empty (``-c "$CONFIG"`` with the variable unset)."""
    if not text:
        msg = "is empty: give the config file's path"
        raise argparse.ArgumentTypeError(msg)
    return text


def _address(text: str) -> str:
    """Read ``--bind``: an address, never empty.

    An empty one listens on every interface: ``--bind "$HOST"`` with the
    variable unset put a preview server on the network.
    """
    if not text.strip():
        msg = "is empty: give an address, e.g. 127.0.0.1 (0.0.0.0 for every interface)"
        raise argparse.ArgumentTypeError(msg)
    return text


_positive_int = _bounded(int, 1, _MAX_DAYS, what="a whole number")
_seconds = _bounded(float, 0, _MAX_WAIT, what="a number of seconds", unit=" seconds")
_port = _bounded(int, 0, 65535, what="a port number")
_READS = 3  # times publish reads a config that changes while it waits for the lock


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run one command; return its exit code (0 ok, 1 config, 2 usage, 3 lock, 4 output)."""
    out = _Stdout(stdout or sys.stdout)
    # Closed ("2>&-"): None, and print() would write errors to stdout.
    err = cast("TextIO", stderr or sys.stderr or _Stdout(None))
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage error
        return int(exit_.code or 0)
    code = _run_command(args, cast("TextIO", out), err)
    out.flush()
    if out.lost is not None:
        outcome = "did its work" if code == 0 else "failed as said"
        print(f"airdates: standard output: {out.lost.strerror or out.lost} (what the command"
              f" printed is lost; it {outcome})", file=err)
    return code


def _run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the parsed command; turn what it raises into a message and an exit code."""
    try:
        if args.command != "init":
            _check_folder(args.config)
            args.piped = _shell_pipe(args.config)
        return _COMMANDS[args.command](args, out, err)
    except AirdatesError as error:
        for line in str(error).splitlines():
            print(f"airdates: {line}", file=err)
        return error.exit_code
    except KeyboardInterrupt as stop:  # Ctrl-C, or SIGTERM/SIGHUP (_Stopped): all undone
        return 128 + getattr(stop, "signum", signal.SIGINT)
    except BrokenPipeError:
        raise  # the reader went away: run() says so with 141
    except OSError as error:
        # The files airdates writes are OutputErrors already; this is anything else the
        # system refused (no file descriptor or process left, a pipe that failed): as
        # an output that could not be written, the published files are as they were.
        where = f"{os.fsdecode(error.filename)}: " if error.filename is not None else ""
        again = " (the next run tries again)" if args.command == "publish" else ""
        print(f"airdates: {where}{error.strerror or error}{again}", file=err)
        return 4
    except OverflowError:
        print("airdates: a date in this run falls outside the years 1 to 9999; check --now, --from and --days",
              file=err)
        return 2


class _Stdout:
    """Standard output that a failing write cannot turn into a failed command.

    Closed (``>&-``) or on a full disk (``> /dev/full``), it made a publish
    that had done its work end in a traceback or in "Exception ignored",
    exit 1 or 120. What cannot be written is dropped, and ``lost`` says why.
    A reader gone away (BrokenPipeError) still ends the command (``run``).
    """

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.lost: OSError | None = None

    @property
    def encoding(self) -> str | None:
        """The stream's encoding (None when it is closed, or says none)."""
        return getattr(self.stream, "encoding", None)

    def write(self, text: str) -> int:
        """Write ``text``, or drop it once a write failed."""
        if self.stream is not None:
            self._guarded(self.stream.write, text)
        return len(text)

    def flush(self) -> None:
        """Flush what was written, noting a failure as ``write`` does."""
        if self.stream is not None:
            self._guarded(self.stream.flush)

    def _guarded(self, call: Callable[..., object], *args: object) -> None:
        if self.lost is None:
            try:
                call(*args)
            except BrokenPipeError:
                raise
            except OSError as error:
                self.lost = error


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwinds as Ctrl-C does, so what a publish staged is removed."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stopped(signum: int, _frame: object) -> NoReturn:
    raise _Stopped(signum)


def run() -> NoReturn:
    """Console-script entry point."""
    # A run is a batch job: most of what it makes lives until it ends. A young
    # generation of 700 objects (Python's default) means a collection every
    # few hundred allocations that finds almost nothing: 8 ms of a publish of
    # one show, half a second of the first publish of a thousand.
    gc.set_threshold(_GC_YOUNG)
    # `timeout`, `kill`, a closed terminal: undone as Ctrl-C is, not the staged files left.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stopped)
    # A title in Chinese under LANG=de_DE.ISO-8859-1: escaped, not a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = main()
        # A failure to flush was said by main() already; a reader gone away is said below.
        _Stdout(sys.stdout).flush()
    except BrokenPipeError:
        # The reader went away (`airdates upcoming | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: stderr closed
        sys.stderr.flush()
    # Every file and the state are closed and durable by now, and airdates
    # registers nothing to run at exit: tearing down the interpreter (freeing
    # every module and object one by one) would only add to each cron run,
    # about 10 ms for one show and more for a large network.
    os._exit(code)


def _load(args: argparse.Namespace, err: TextIO, parsed: Parsed | None = None) -> Site:
    from schedule.loading import load_site  # noqa: PLC0415 - keeps `airdates --help` fast

    site, warnings = load_site(args.config, parsed)
    for warning in warnings:
        print(f"airdates: warning: {warning}", file=err)
    return site


def _kept_site(args: argparse.Namespace) -> Site | None:
    """The site the last publish kept for these very inputs (publisher/sitecache.py), if any."""
    from publisher import sitecache  # noqa: PLC0415

    return sitecache.load(args.config)


def _init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from publisher.example import ExampleExists, write_example  # noqa: PLC0415

    try:
        written = write_example(Path(args.dir))
    except ExampleExists as found:
        print(f"airdates: {found.path} exists; nothing written (choose another folder)", file=err)
        return 1
    print(f"wrote {written}; try: airdates check -c {written}", file=out)
    return 0


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from schedule.intervals import late_starts  # noqa: PLC0415 - `check` alone warns of them

    site = _load(args, err)
    now = current_time(args.now, site.timezone)
    for warning in [*late_starts(site, now), *_overlaps(site, now)]:
        print(f"airdates: warning: {warning}", file=err)
    print(f"{site.source}: ok, {len(site.shows)} shows, {len(site.channels)} channels", file=out)
    for show in site.shows:
        print(f"\n{show.id}: {show.title}", file=out)
        for recurrence in show.airs:
            span = f"from {recurrence.first}" + (f" until {recurrence.last}" if recurrence.last else "")
            kind = ", reruns" if recurrence.rerun else ""
            for rrule in recurrence.rule.to_rrule().splitlines():
                print(f"  RRULE:{rrule}  ({span}{kind})", file=out)
        upcoming = _next_airings(site, show, now, 3)
        for airing in upcoming:
            print(f"  next: {_row(airing)}", file=out)
        if not upcoming:
            print("  next: no airings ahead", file=out)
    return 0


def _next_airings(site: Site, show: Show, now: datetime, count: int) -> list[Airing]:
    """Return the show's next ``count`` uncancelled airings within ten years of ``now``.

    Looked for a month ahead, then a year, then ten: a daily show over ten
    years is 3,650 airings made to print three, a thousand shows ten times that.
    """
    from schedule.timeline import show_airings  # noqa: PLC0415

    found: list[Airing] = []
    for days in (40, 400, 3660):
        ahead = show_airings(site, show, now, now + timedelta(days=days))
        found = [airing for airing in ahead if not airing.cancelled]
        if len(found) >= count:
            break
    return found[:count]


def _overlaps(site: Site, now: datetime) -> list[str]:
    """Return the channel clashes in the calendar window around ``now``."""
    from schedule.overlaps import overlaps  # noqa: PLC0415
    from schedule.timeline import site_airings, window  # noqa: PLC0415

    return overlaps(site_airings(site, *window(site, now)), now=now)


def _upcoming(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from schedule.recurrence import resolve  # noqa: PLC0415
    from schedule.timeline import show_airings, site_airings  # noqa: PLC0415

    site = _load(args, err)
    start = parse_time(args.start, site.timezone, source="--from") if args.start else current_time(
        args.now, site.timezone
    )
    # N days on the site's clock (23 or 25 hours for the day it changes), as an instant.
    local = start.astimezone(site.timezone).replace(tzinfo=None)
    stop = resolve(local + timedelta(days=args.days), site.timezone)
    if args.show:
        try:
            show = site.show(args.show)
        except KeyError:
            known = ", ".join(s.id for s in site.shows)
            print(f"airdates: --show: no show {args.show!r}; known: {known}", file=err)
            return 2
        airings = show_airings(site, show, start, stop)
    else:
        airings = site_airings(site, start, stop)
    if args.json:
        # JSON's own escapes where the terminal's encoding cannot hold a title.
        utf8 = (getattr(out, "encoding", None) or "utf-8").lower().replace("-", "") == "utf8"
        json.dump([_as_json(a) for a in airings], out, ensure_ascii=not utf8, indent=1)
        out.write("\n")
    else:
        _table(airings, out)
    return 0


def _as_json(airing: Airing) -> dict[str, object]:
    return {
        "id": airing.uid,
        "show": airing.show,
        "channel": airing.channel,
        "start": airing.start.isoformat(),
        "end": airing.end.isoformat(),
        "season": airing.season,
        "episode": airing.episode,
        "title": airing.title,
        "status": airing.status,
        "rerun_of": airing.rerun_of,
        "moved_from": airing.moved_from.isoformat() if airing.moved_from else None,
        "reason": airing.reason,
        "rerun": airing.rerun,
    }


def _row(airing: Airing) -> str:
    episode = _episode(airing)
    parts = [
        airing.start.strftime("%Y-%m-%d %H:%M %a %Z"),
        airing.show,
        episode,
        airing.title or "",
        airing.status if not airing.rerun else f"{airing.status} (rerun)",
    ]
    return "  ".join(parts)


def _episode(airing: Airing) -> str:
    number = airing.rerun_of if airing.rerun else airing.episode
    if number is None:
        return "-"
    return f"S{airing.season}E{number}" if airing.season is not None else str(number)


def _table(airings: Sequence[Airing], out: TextIO) -> None:
    header = ("date", "time", "day", "show", "episode", "title", "status")
    rows = [
        (
            a.start.strftime("%Y-%m-%d"),
            a.start.strftime("%H:%M %Z"),
            a.start.strftime("%a"),
            a.show,
            _episode(a),
            a.title or "",
            a.status + (" (rerun)" if a.rerun else "") + (f": {a.reason}" if a.reason else ""),
        )
        for a in airings
    ]
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip(), file=out)
    if not rows:
        print("(no airings in this range)", file=out)


def _publish(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from publisher import shortcut  # noqa: PLC0415 - a republish with nothing to do stops there

    # A dry run always says what would change; a real one only with -v.
    log = err if args.verbose else (out if args.dry_run else None)
    if args.piped:
        # Read once, by the loader: no shortcut, no recipe (the next run's
        # bytes cannot be compared with these), nothing kept to load faster.
        return _publish_site(args, _load(args, err), None, out, err, log)
    hit = shortcut.republish(args.config, output=args.output, now=args.now, dry_run=args.dry_run)
    if hit is not None:
        if log is not None:
            print(hit.note(), file=log)
        print(hit.summary(), file=out)
        return 0
    from publisher.inputs import Snapshot  # noqa: PLC0415
    from publisher.publish import InputsChanged  # noqa: PLC0415

    reading = 0
    while True:
        reading += 1
        # Before the config is read, so the recorded fingerprint is of what was read.
        inputs = Snapshot(args.config)
        site = _kept_site(args)
        if site is None:
            from publisher import sitecache  # noqa: PLC0415

            inputs.parsed = sitecache.tables(args.config)
            site = _load(args, err, inputs.parsed)
        # Changed each time: the last reading is published as a run finding the lock free would.
        checked = inputs if reading < _READS else None
        try:
            return _publish_site(args, site, checked, out, err, log)
        except InputsChanged:
            continue  # changed while the lock was waited for: publish the config as it is now


def _publish_site(  # noqa: PLR0913 - the command's streams, passed through
    args: argparse.Namespace,
    site: Site,
    inputs: Snapshot | None,
    out: TextIO,
    err: TextIO,
    log: TextIO | None,
) -> int:
    from publisher.publish import publish  # noqa: PLC0415

    now = current_time(args.now, site.timezone)
    if args.output is not None:
        _check_output(args.output, site.state)
    report = publish(
        site, now=now, output=args.output, dry_run=args.dry_run, wait=args.wait, log=log, inputs=inputs
    )
    for warning in report.warnings:
        print(f"airdates: warning: {warning}", file=err)
    print(report.summary(), file=out)
    return 0


def _check_folder(config: str) -> None:
    """Refuse a relative config path when the current folder is gone (it never comes back)."""
    if os.path.isabs(config):
        return
    try:
        os.getcwd()
    except FileNotFoundError:
        msg = "the current folder is gone, and the config's path is relative to it"
        raise ConfigError(
            msg, file=config, hint="run airdates from a folder that exists, or give -c a full path"
        ) from None


def _shell_pipe(config: str) -> bool:
    """Tell whether the config is the shell's pipe (``-c /dev/stdin``, ``-c <(...)``), read once.

    Any other named pipe, a device or a socket is refused before anything
    reads it: reading a named pipe waits for a writer, for ever; /dev/zero
    never ends. A missing file or a folder is left to the loader, which says so.
    """
    try:
        mode = os.stat(config).st_mode
    except (OSError, ValueError):
        return False
    if stat.S_ISFIFO(mode) and os.path.basename(os.path.realpath(config)).startswith("pipe:"):
        return True  # the shell's pipe: a regular file is spared the path's resolution
    kinds = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
             (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
    for test, kind in kinds:
        if test(mode):
            msg = f"cannot read the file: it is {kind}, not a file"
            raise ConfigError(msg, file=config, hint="give the path of the config file itself")
    return False


class UsageError(AirdatesError):
    """An option the run cannot work with (exit 2)."""

    exit_code = 2


def _check_output(output: str, state: str) -> None:
    """Refuse an ``--output`` folder holding the state folder or inside it, as ``output`` may not.

    Through symbolic links: a link named "public" to the state folder is the state folder.
    """
    from schedule.config import holding_folder  # noqa: PLC0415 - loaded with the site already

    holder = holding_folder(output or ".", state)
    if holder == "output":
        msg = (
            f"--output {output!r} holds the state folder {state!r}: its files would be"
            " published, and the outputs mixed with them; choose a folder outside it"
        )
        raise UsageError(msg)
    if holder == "state":
        msg = (
            f"--output {output!r} is inside the state folder {state!r}: its files would be"
            " taken for the state's own and removed; choose a folder outside it"
        )
        raise UsageError(msg)


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from publisher.serve import serve  # noqa: PLC0415

    site = _load(args, err)
    folder = Path(args.output or site.output)
    if folder.exists() and not folder.is_dir():  # it served nothing, saying "not there yet"
        print(f"airdates: serve: {folder} is a file, not a folder (give the output folder)",
              file=err)
        return 2
    serve(folder, bind=args.bind, port=args.port, hub=site.hub, self_base=site.base_url, log=out)
    return 0


_COMMANDS = {
    "init": _init,
    "check": _check,
    "upcoming": _upcoming,
    "publish": _publish,
    "serve": _serve,
}
