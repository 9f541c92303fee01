"""``airdates publish``: expand, render every format, write what changed, record it.

The order of a publish is what makes it safe to kill at any moment:

1. take the lock; read the state (it is not touched until step 6);
2. show by show: a show whose recorded part is still right (publisher/parts.py)
   is skipped, its part standing in for it; any other show is expanded once,
   compared with the state (revisions, change log), its files rendered in
   every format in a row, and each one whose bytes differ from the file on
   disk staged as a temporary file next to it (fsynced on a few threads
   meanwhile), its new part written to the state folder — a full disk or a
   read-only folder fails here, before any output is replaced. With two
   shows or more a forked process publishes shows too (each process takes the
   next show left); with one, a forked process renders the pages. Its files
   are durable before it reports. Then the network files, from the shows'
   parts (the calendar in a forked process too);
3. wait until every staged file is durable, and the new part files;
4. commit the state in one transaction: revisions, change log, parts, the
   feeds the hub is owed a notification for, the publish; the files about to
   be written go in the manifest as intended, with no stamp yet. The state is
   then never behind what a calendar or a feed reader may have seen: a
   SEQUENCE is never given again to other content, however the run ends;
5. rename the staged files into place, delete files of removed shows, sync the folders;
6. record the stamps of the files now in place, and forget the deleted ones (a
   second transaction). After a failure in 5 or 6 the next run finds the
   intended files unstamped, compares them byte for byte and writes what is
   missing. Then delete part files no show's part names;
7. notify the WebSub hub of changed feeds (a failure is a warning, kept for next time).
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import fcntl
import os
import pickle
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, partial
from pathlib import Path
from typing import NoReturn, TextIO, TypeVar
from urllib.parse import urljoin

from feeds.edition import Edition, Revision, ScheduleChange
from feeds.ics import calendar_events, calendar_frame
from feeds.registry import Renderer, preload, renderers
from publisher import files, owner, sitecache, websub
from publisher.changes import (
    AiringRecord,
    DraftChange,
    Reconciliation,
    content_hash,
    context_digest,
    digest_of,
    former_context_digest,
    in_both,
    numbered,
    reconcile_part,
    show_context_digest,
    show_removal,
)
from publisher.inputs import Snapshot
from publisher.lock import held
from publisher.network import Gathered, Maker, NetworkParts, Rendered, built_in
from publisher.parts import PARTS_FOLDER, PartError, PartWriter, digests, reusable, tidy
from publisher.state import INTENDED, HeldAirings, Parts, PublishRecord, State
from schedule import timeline
from schedule.airing import Airing, AiringId
from schedule.errors import OutputError
from schedule.pickling import pickled_as_tuple
from schedule.site import Show, Site, network_order

__all__ = ["Report", "publish"]

_ICS = "feeds.ics.render_ics"
_PAGES = "feeds.pages.render_html"
_T = TypeVar("_T")
# From this many shows to publish on, two processes each taking the next show
# left beat one (two shows break even; five: 15% sooner, thirty: 20%). A
# network of fewer has its pages made by a second process (``_Pages``).
_PARALLEL_SHOWS = 2
_PAGES_PIPE = 1 << 20  # octets: Linux's largest pipe for anyone


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """What a publish did (or, on a dry run, would do)."""

    files: int
    written: tuple[str, ...]
    deleted: tuple[str, ...]
    airings: int
    changes: tuple[ScheduleChange, ...] = ()
    dry_run: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def unchanged(self) -> int:
        """How many output files already held the right bytes."""
        return self.files - len(self.written)

    def summary(self) -> str:
        """Return the line ``publish`` prints: ``12 files: 3 written, 9 unchanged; 148 airings``."""
        verb = "would be written" if self.dry_run else "written"
        parts = [f"{len(self.written)} {verb}", f"{self.unchanged} unchanged"]
        if self.deleted:
            parts.append(f"{len(self.deleted)} {'would be deleted' if self.dry_run else 'deleted'}")
        text = f"{self.files} files: {', '.join(parts)}; {self.airings} airings"
        if self.changes:
            text += f"; {len(self.changes)} schedule change{'s' if len(self.changes) != 1 else ''}"
        return text + (" (dry run)" if self.dry_run else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Plan:
    """What a rendering pass decided besides the files: airings, changes, next change."""

    window: tuple[datetime, datetime]
    airing_count: int
    new_changes: tuple[ScheduleChange, ...]
    next_change: datetime
    held: tuple[Path, ...] = ()
    parts: Parts | None = None
    keys: Mapping[str, str | None] | None = None  # of the network files made


@dataclass(frozen=True, slots=True, kw_only=True)
class _Job:
    """One publish's settings; ``now`` in UTC."""

    site: Site
    now: datetime
    folder: Path
    log: TextIO | None
    hub_timeout: float = websub.DEFAULT_TIMEOUT
    inputs: Snapshot | None = None


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class _PassPart:
    """A rendering pass's findings, passed between processes."""

    names: list[str]
    changed: list[str]
    feeds: list[str]
    restamped: dict[str, files.Stamp]
    digests: dict[str, str]
    staged: list[files.StagedFile]


class _Pass:
    """One rendering pass over every output file: which differ, and their staged bytes."""

    def __init__(self, folder: Path, manifest: Mapping[str, files.Stamp], *, stage: bool) -> None:
        """Compare with the files in ``folder``; stage changed ones unless ``stage`` is False."""
        self.folder = folder
        self.manifest = manifest
        self.stage = stage
        self.mode = files.file_mode()
        self.names: list[str] = []
        self.changed: list[str] = []
        self.feeds: list[str] = []
        self.restamped: dict[str, files.Stamp] = {}
        self._digests: dict[str, str] = {}
        self._staged: list[files.StagedFile] = []
        self._swapped = 0
        self.syncer = files.Syncer()

    def take(self, name: str, renderer: Renderer, data: bytes) -> None:
        """Compare one rendered file with the one on disk; stage it when it differs."""
        path = self.folder / name
        digest = files.sha256(data)
        self.names.append(name)
        remembered = self.manifest.get(name)
        if files.unchanged(path, data, digest, remembered):
            self._restamp(name, path, digest, remembered)
            return
        self._changed(name, renderer, digest)
        if self.stage:
            self._staged.append(files.stage(path, data, self.mode, syncer=self.syncer))

    def take_chunks(
        self, name: str, renderer: Renderer, chunks: Iterable[bytes | files.FilePiece]
    ) -> None:
        """As ``take``, for a file written piece by piece (staged, then kept only if it differs)."""
        path = self.folder / name
        self.names.append(name)
        remembered = self.manifest.get(name)
        if self.stage:
            staged, digest = files.stage_chunks(path, chunks, self.mode, syncer=self.syncer)
            same = files.holds(path, staged.temp, digest, remembered)
        else:
            staged = None
            digest, same = files.holds_pieces(path, chunks, remembered)
        if same:
            if staged is not None:
                files.discard([staged])
            self._restamp(name, path, digest, remembered)
            return
        self._changed(name, renderer, digest)
        if staged is not None:
            self._staged.append(staged)

    def keep(self, name: str) -> None:
        """Count a file known to hold the right bytes already, without rendering it."""
        self.names.append(name)

    def _restamp(self, name: str, path: Path, digest: str, remembered: files.Stamp | None) -> None:
        stamp = files.stamp_of(path, digest)
        # Remember the file's identity so the next run can trust it without reading it.
        if stamp is not None and stamp != remembered:
            self.restamped[name] = stamp

    def _changed(self, name: str, renderer: Renderer, digest: str) -> None:
        self.changed.append(name)
        self._digests[name] = digest
        if renderer.media_type in websub.FEED_MEDIA_TYPES:
            self.feeds.append(name)

    def part(self) -> _PassPart:
        """Return what this pass found, for another pass's ``absorb`` (its files are durable)."""
        return _PassPart(
            names=self.names, changed=self.changed, feeds=self.feeds,
            restamped=self.restamped, digests=self._digests, staged=self._staged,
        )

    def absorb(self, other: _PassPart) -> None:
        """Take in the files another process rendered and staged, after this pass's."""
        self.names += other.names
        self.changed += other.changed
        self.feeds += other.feeds
        self.restamped.update(other.restamped)
        self._digests.update(other.digests)
        self._staged += other.staged

    def stale(self) -> list[str]:
        """Return the files airdates wrote earlier that no renderer produces any more."""
        current = set(self.names)
        return sorted(name for name in self.manifest if name not in current)

    def swap_in(self) -> dict[str, files.Stamp]:
        """Rename every staged file into place; return the stamps of the files now there.

        Every staged file is durable first: a rename never puts in place bytes
        that a power cut could still lose.
        """
        self.syncer.wait()
        written: dict[str, files.Stamp] = {}
        for staged in self._staged[self._swapped :]:
            files.swap_in(staged)
            self._swapped += 1
            name = staged.target.name
            stamp = files.stamp_of(staged.target, self._digests[name])
            if stamp is not None:
                written[name] = stamp
        return written

    def discard(self) -> None:
        """Remove the staged files not swapped in (after a failure); stop the sync threads."""
        with contextlib.suppress(OutputError):
            self.syncer.wait()
        self.syncer.close()
        files.discard(self._staged[self._swapped :])
        self._swapped = len(self._staged)


class InputsChanged(Exception):  # noqa: N818 - not an error: the caller reads the config again
    """The config changed while this publish waited for the lock: load it again and publish that."""


def publish(  # noqa: PLR0913 - mirrors the command's options
    site: Site,
    *,
    now: datetime,
    output: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    wait: float = 60.0,
    log: TextIO | None = None,
    hub_timeout: float = websub.DEFAULT_TIMEOUT,
    inputs: Snapshot | None = None,
) -> Report:
    """Publish ``site`` as of ``now`` (aware) into ``output`` (default ``site.output``).

    Raises LockTimeout when another publish holds the lock past ``wait``
    seconds, InputsChanged when it waited and an input changed meanwhile,
    OutputError when a file or the state cannot be written (the outputs are
    then as they were, or, failing while they were renamed into place, some
    are new and the state describes them: module docstring). ``log`` receives one
    line per file written or deleted (on a dry run: that would be).
    ``inputs``, taken before the config was read, lets the publish record
    what the republish shortcut needs; without it the shortcut stays off.
    """
    folder = Path(output if output is not None else site.output).absolute()
    # In UTC: two times of one zone compare by wall clock, blind to a fall-back's fold.
    now = now.astimezone(UTC)
    job = _Job(site=site, now=now, folder=folder, log=log, hub_timeout=hub_timeout, inputs=inputs)
    state_folder = Path(site.state)
    if dry_run and not state_folder.is_dir():
        # Nothing was ever published: no lock to take, and none to create.
        return _dry_run(job, State.snapshot(state_folder))
    with held(state_folder, wait) as waited:
        if waited and inputs is not None and inputs.outdated(site):
            # Another publish ran meanwhile, perhaps of a newer config: this
            # one's would undo it (and raise SEQUENCE again).
            raise InputsChanged
        if site.source and not dry_run:
            owner.claim(state_folder, site.source)
        state = State.snapshot(state_folder) if dry_run else State.open(state_folder)
        try:
            return _dry_run(job, state) if dry_run else _publish(job, state)
        finally:
            state.close()


def _dry_run(job: _Job, state: State) -> Report:
    """Work out what a publish would write and record, touching nothing."""
    plan, rendering = _render(job, state, stage=False)
    deleted = [name for name in rendering.stale() if (job.folder / name).exists()]
    _say(job.log, [f"would write {name}" for name in sorted(rendering.changed)])
    _say(job.log, [f"would delete {name}" for name in deleted])
    _say(job.log, [f"would record: {change.text}" for change in plan.new_changes])
    return Report(
        files=len(rendering.names),
        written=tuple(sorted(rendering.changed)),
        deleted=tuple(deleted),
        airings=plan.airing_count,
        changes=plan.new_changes,
        dry_run=True,
    )


def _publish(job: _Job, state: State) -> Report:
    """Publish for real: steps 2 to 7 of the module docstring."""
    started = time.monotonic()
    files.ensure_folder(job.folder)
    files.clear_leftovers(job.folder)
    sitecache.tidy(Path(job.site.state))
    _tidy_state_folder(job.site)
    pinned: list[tuple[str, str | None]] = []
    plan, rendering = _render(
        job, state, stage=True,
        meanwhile=lambda: pinned.append(_pin(job)),
    )
    stale = rendering.stale()
    deleted = [name for name in stale if (job.folder / name).exists()]
    fingerprint, recipe = pinned[-1]
    # Files known by the path of a folder since moved (State.manifest): known by this one's now.
    moved = {} if state.has_files(str(job.folder)) else dict(rendering.manifest)
    try:
        rendering.syncer.wait()  # every staged file durable before the state names it
        if plan.parts is not None and plan.parts.made:
            parts_folder = Path(job.site.state) / PARTS_FOLDER
            files.sync_folder(parts_folder)
            made = {show: part.closed(parts_folder) for show, part in plan.parts.made.items()}
            plan = dataclasses.replace(plan, parts=Parts(made=made, shows=plan.parts.shows))
        record = PublishRecord(
            at=job.now,
            folder=str(job.folder),
            window=plan.window,
            files=len(rendering.names),
            written=len(rendering.changed),
            deleted=len(deleted),
            airings=plan.airing_count,
            changes=len(plan.new_changes),
            duration_ms=(time.monotonic() - started) * 1000.0,
            fingerprint=fingerprint,
            next_change=plan.next_change,
            recipe=recipe,
        )
        state.commit(
            record=record,
            updates=(),
            changes=plan.new_changes,
            written={
                **moved, **rendering.restamped, **dict.fromkeys(rendering.changed, INTENDED)
            },
            pings=[_feed_url(job.site, name) for name in sorted(rendering.feeds)]
            if job.site.hub
            else (),
            held=plan.held,
            parts=plan.parts,
            keys=plan.keys or {},
        )
        written = rendering.swap_in()
        for name in deleted:
            files.remove(job.folder / name)
        files.sync_folder(job.folder)
        state.settle(str(job.folder), written=written, deleted=stale)
    finally:
        for path in plan.held:  # scratch: one left behind is removed by the next publish
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        rendering.discard()
    # By name: on a large network two processes took the shows in no set order.
    _say(job.log, [f"wrote {name}" for name in sorted(rendering.changed)])
    _say(job.log, [f"deleted {name}" for name in deleted])
    tidy(Path(job.site.state) / PARTS_FOLDER, state.part_files())
    return Report(
        files=len(rendering.names),
        written=tuple(sorted(rendering.changed)),
        deleted=tuple(deleted),
        airings=plan.airing_count,
        changes=plan.new_changes,
        warnings=_notify_hub(job.site, state, job.hub_timeout),
    )


def _render(
    job: _Job, state: State, *, stage: bool, meanwhile: Callable[[], object] = lambda: None
) -> tuple[_Plan, _Pass]:
    """Render every output file, finding (and if ``stage``, staging) those that differ.

    ``meanwhile`` is called once the network files are under way (while
    another process writes the calendar, when one does). A show part that
    cannot be read back (a part file damaged behind airdates' back) costs a
    second pass that reuses none.
    """
    try:
        return _render_pass(job, state, stage=stage, reuse=True, meanwhile=meanwhile)
    except PartError:
        pass
    try:
        return _render_pass(job, state, stage=stage, reuse=False, meanwhile=meanwhile)
    except PartError as error:  # written by this very pass: the state folder's disk is at fault
        msg = (
            f"{error.path}: the part of show {error.show} written by this publish cannot be "
            "read back; check the disk that holds the state folder"
        )
        raise OutputError(msg, path=error.path) from None


def _render_pass(
    job: _Job, state: State, *, stage: bool, reuse: bool, meanwhile: Callable[[], object]
) -> tuple[_Plan, _Pass]:
    rendering = _Pass(job.folder, state.manifest(str(job.folder)), stage=stage)
    try:
        return _render_into(job, state, rendering, reuse=reuse, meanwhile=meanwhile), rendering
    except BaseException:
        rendering.discard()
        raise


class _Shows:
    """The show-by-show part of a publish: airings, comparison with the state, per-show files."""

    def __init__(self, job: _Job, state: State, window: tuple[datetime, datetime]) -> None:
        """Prepare to compare with the state's record of the last publish."""
        self.site, self.now, self.window, self.state = job.site, job.now, window, state
        last = state.last_publish()
        self.inside = in_both(last.window if last else None, window)
        self._known: set[str] | None = None
        self.titles = {show.id: show.title for show in job.site.shows}
        self.changes: dict[str, tuple[DraftChange, ...]] = {}
        self.removals: list[DraftChange] = []
        self.airing_count = 0
        self.day_turn = self.next_change = _next_day_turn(job.site, job.now)
        self.hold: Callable[[tuple[AiringRecord, ...]], object] = state.hold
        self.held: list[Path] = []  # scratch databases of records a second process held

    @property
    def known(self) -> set[str]:
        """The shows with an airing in the last publish (read when first needed)."""
        if self._known is None:
            self._known = self.state.present_shows()
        return self._known

    def compare(
        self, show: Show, window: tuple[Airing, ...], recent: tuple[Airing, ...]
    ) -> tuple[dict[str, Revision], int, datetime]:
        """Compare one show's airings with the state; hold its updates.

        Returns the show's revisions, how many airings it publishes, and the
        first moment its outputs change by themselves.
        """
        records = self.state.show_airings(show.id)
        part = reconcile_part(
            records,
            _hashed(self.site, show, window, recent),
            now=self.now,
            inside=self.inside,
            known=self.known,
            show_titles=self.titles,
            former=_former_hash(self.site, show),
            still=lambda uid: timeline.current_start(show, AiringId.from_string(uid).start),
        )
        self._keep(show.id, part)
        if show.id not in self.known and records and (back := self._comeback(show, window)):
            self.changes[show.id] += (back,)
        moments = [*_airing_moments(window, self.now), *_airing_moments(recent[::-1], self.now)]
        next_change = min([self.day_turn, *moments])
        self.count(len(part.revisions), next_change)
        return dict(part.revisions), len(part.revisions), next_change

    def _comeback(self, show: Show, window: tuple[Airing, ...]) -> DraftChange | None:
        """Return the entry for a show put back in the config, if the log last said it was taken off.

        Any other show new to the last publish says nothing: new, or with no
        airing in the window for a while (between seasons, say).
        """
        last = self.state.changes(1, show=show.id)
        if not last or last[0].kind != "removed" or last[0].airing != show.id:
            return None
        now = self.now.timestamp()
        coming = sum(1 for a in window if not a.cancelled and a.start.timestamp() >= now)
        airings = "airing" if coming == 1 else "airings"
        text = f"{show.title} back on the schedule" + (
            f", with its {coming} coming {airings}" if coming else ""
        )
        return DraftChange(kind="restored", airing=show.id, show=show.id, text=text)

    def count(self, airings: int, next_change: datetime) -> None:
        """Count a show's airings and its outputs' next change into the publish's."""
        self.airing_count += airings
        self.next_change = min(self.next_change, next_change)

    def departed(self) -> None:
        """Mark absent the airings of shows no longer in the config; log each such show once."""
        now = self.now
        for show_id in sorted(self.known - self.titles.keys()):
            records = self.state.show_airings(show_id)
            self._keep(show_id, reconcile_part(
                records, (), now=now, inside=self.inside, known=self.known,
                show_titles=self.titles,
            ))
            removal = show_removal(show_id, records, now)
            if removal is not None:
                self.removals.append(removal)

    def found(self) -> tuple[DraftChange, ...]:
        """Return the changes found, in the order of the config, then removals by airing id."""
        ordered = [change for show in self.site.shows for change in self.changes.get(show.id, ())]
        return (*ordered, *sorted(self.removals, key=lambda change: change.airing))

    def absorb(self, other: _Found) -> None:
        """Take in what another process found for its shows (none of this one's)."""
        self.changes.update(other.changes)
        self.removals += other.removals
        self.airing_count += other.airing_count
        self.next_change = min(self.next_change, other.next_change)

    def found_here(self) -> _Found:
        """Return what this process found, for ``absorb``."""
        return _Found(
            changes=self.changes, removals=self.removals,
            airing_count=self.airing_count, next_change=self.next_change,
        )

    def _keep(self, show_id: str, part: Reconciliation) -> None:
        if part.updates:
            self.hold(part.updates)
        self.changes[show_id] = tuple(c for c in part.changes if c.kind != "removed")
        self.removals += (c for c in part.changes if c.kind == "removed")


def _render_into(
    job: _Job, state: State, rendering: _Pass, *, reuse: bool, meanwhile: Callable[[], object]
) -> _Plan:
    """Publish show by show (in two processes when it pays), then the network.

    A show whose recorded part is still right (publisher/parts.py) is not
    published again: its files stay, its part stands in for it.
    """
    site, now = job.site, job.now
    window = timeline.window(site, now)
    shows = _Shows(job, state, window)
    with contextlib.ExitStack() as scratch:
        network = _gatherer(job, state, rendering, scratch)
        reused = _reuse(job, state, rendering, network, shows) if reuse else set()
        order = [show for show in network_order(site) if show.id not in reused]
        can_fork = rendering.stage and state.path != ":memory:"
        queue = _ShowQueue.of(order) if can_fork else None
        helper = None
        # A network of one show: a second process makes the pages instead.
        alone = can_fork and len(site.shows) == 1
        pages = _Pages.of(job.folder, rendering.manifest) if alone else None
        try:
            if queue is not None:
                # Both processes take the next show left until none is: the
                # shows differ in cost, and a process takes longer to start.
                order = queue
                preload()
                with contextlib.suppress(_NoFork):  # this process then takes every show
                    helper = _Helper(
                        job, window, order=queue, shows=shows, rendering=rendering,
                        network=network,
                    )
            _publish_shows(
                job, window, order=order, shows=shows, rendering=rendering, network=network,
                pages=pages,
            )
            if helper is not None:
                helper.finish(shows, rendering, network)
                helper = None
            shows.departed()
            first = state.next_change_number()
            # The log reads newest first; of one publish's entries, the highest number
            # goes to the first in reading order (``_reading_order``).
            found = sorted(shows.found(), key=partial(_reading_order, now.timestamp()))
            fresh = tuple(numbered(d, first + len(found) - 1 - i, now) for i, d in enumerate(found))
            newest = fresh + state.changes(site.feed_items)
            change_log = newest[: site.feed_items]
            split = can_fork and _second_process_pays(len(network.parts))
            keys = _publish_network(
                job, rendering, network, network.files(change_log),
                recorded=state.network_keys(str(job.folder)), split=split, meanwhile=meanwhile,
                pages=pages,
            )
            if pages is not None:
                rendering.absorb(pages.finish())
                pages = None
        finally:
            if pages is not None:
                pages.abandon()
            if queue is not None:
                queue.close()
            if helper is not None:
                helper.abandon()
                _held_path(site).unlink(missing_ok=True)
    return _Plan(
        window=window,
        airing_count=shows.airing_count,
        new_changes=fresh,
        next_change=shows.next_change,
        held=tuple(shows.held),
        parts=None if network.whole else Parts(
            made=network.made, shows=frozenset(show.id for show in site.shows)
        ),
        keys=keys,
    )


def _gatherer(
    job: _Job, state: State, rendering: _Pass, scratch: contextlib.ExitStack
) -> NetworkParts:
    """Return the gatherer of the network files' parts; new show parts go in the state folder.

    A dry run writes them in a scratch folder instead, gone when ``scratch`` closes.
    """
    network = [r for r in renderers() if r.network is not None]
    folder = Path(job.site.state) / PARTS_FOLDER
    if rendering.stage:
        files.ensure_folder(folder)
        writer = PartWriter(folder, state.next_publish_number(), rendering.syncer)
    else:
        import tempfile  # noqa: PLC0415 - a dry run's only; it costs every publish 3 ms

        writer = PartWriter(Path(scratch.enter_context(tempfile.TemporaryDirectory())), 0, None)
    gatherer = NetworkParts(job.site, job.now, network, folder=folder, writer=writer)
    if not gatherer.whole:
        gatherer.site_digest, gatherer.digests = digests(job.site, job.folder, renderers())
    return gatherer


def _reuse(
    job: _Job, state: State, rendering: _Pass, network: NetworkParts, shows: _Shows
) -> set[str]:
    """Take the recorded part of every show whose part and files are still right; return them.

    Only airdates' own renderers are known to show nothing but what a part's
    digest and time span cover: with another one, every show is published.
    """
    per_show = [r for r in renderers() if r.per_show]
    if network.whole or not all(built_in(r) for r in per_show):
        return set()
    site = job.site
    names = {show.id: [r.file_name(show.id) for r in per_show] for show in site.shows}
    kept = reusable(
        state.part_rows(), network.digests, now=job.now, names=names, output=job.folder,
        manifest=rendering.manifest, parts=network.folder,
    )
    # A part file copied or touched since (its stamp changed) is made again with its show.
    found = {show: part for show, part in state.parts(kept).items() if part.intact(network.folder)}
    for show_id, part in found.items():
        network.reuse(part)
        rendering.names += names[show_id]
        shows.count(part.airings, part.next_change)
    return set(found)


def _publish_network(  # noqa: PLR0913 - one publish's parts, named
    job: _Job,
    rendering: _Pass,
    network: NetworkParts,
    entries: list[tuple[Renderer, Maker]],
    *,
    recorded: Mapping[str, str],
    split: bool,
    meanwhile: Callable[[], object],
    pages: _Pages | None = None,
) -> dict[str, str | None]:
    """Render and take every network file; with ``split``, some in a second process.

    The calendar and guide are not made when their key (``NetworkParts.keys``)
    is the one ``recorded`` with the file still there. A forked process makes
    the files ``NetworkParts.goes_apart`` names (the calendar, the largest
    file by far, and the index page) while this one does the others, then
    ``meanwhile``. With ``pages``, that process renders the index page.
    Returns the key of each network file made (None: it has none).
    """
    keys = network.keys()
    made: dict[str, str | None] = {}
    left = []
    for renderer, make in entries:
        name = renderer.file_name(None)
        key = keys.get(name)
        same = key is not None and recorded.get(name) == key
        if same and files.intact(job.folder / name, rendering.manifest.get(name)):
            rendering.keep(name)
            continue
        made[name] = key
        if pages is not None and pages.takes(renderer) and isinstance(make, Rendered):
            pages.send(name, renderer, make.edition())
        else:
            left.append((renderer, make))
    entries = left
    apart = [entry for entry in entries if network.goes_apart(entry[0])] if split else []

    def make_apart() -> _PassPart:  # pragma: no cover - runs in the forked child
        staged, _ = _staged_part(job.folder, rendering.manifest, partial(_take_all, entries=apart))
        return staged

    forked: _Forked | None = None
    if apart:
        with contextlib.suppress(_NoFork):  # no second process to be had: this one makes all
            forked = _Forked(make_apart, job.folder)
    if forked is None:
        _take_all(rendering, entries)
        meanwhile()
        return made
    here = _Pass(job.folder, rendering.manifest, stage=True)
    here.syncer = rendering.syncer  # its files are made durable with the rest
    try:
        _take_all(here, [entry for entry in entries if entry not in apart])
        meanwhile()
        outcome = forked.result(_PassPart)
        forked = None
        rendering.absorb(outcome)
        rendering.absorb(here.part())
    except BaseException:
        if forked is not None:
            forked.abandon()
        here.discard()
        raise
    return made


def _take_all(rendering: _Pass, entries: Iterable[tuple[Renderer, Maker]]) -> None:
    """Make each network file and take it into ``rendering``."""
    for renderer, make in entries:
        name = renderer.file_name(None)
        content = make()
        if isinstance(content, bytes):
            rendering.take(name, renderer, content)
        else:
            rendering.take_chunks(name, renderer, content)


def _publish_shows(  # noqa: PLR0913 - one publish's parts, named
    job: _Job,
    window: tuple[datetime, datetime],
    *,
    order: Iterable[Show],
    shows: _Shows,
    rendering: _Pass,
    network: NetworkParts,
    pages: _Pages | None = None,
) -> None:
    """Expand, compare and render each show in ``order``, every per-show format in a row.

    With ``pages``, another process renders the show pages.
    """
    site, now = job.site, job.now
    per_show = [r for r in renderers() if r.per_show]
    if pages is not None:  # sent first, the pages are rendered there while this process goes on
        per_show.sort(key=lambda renderer: not pages.takes(renderer))
    for show in order:
        airings, recent = timeline.show_timeline(site, show, now, *window, site.feed_items)
        revisions, count, next_change = shows.compare(show, airings, recent)
        edition = Edition(
            site=site, show=show, now=now, window=airings, recent=recent, revisions=revisions
        )
        events = None
        for renderer in per_show:
            name = renderer.file_name(show.id)
            if network.wants_events and renderer.render.__qualname__ == _ICS:
                # Made once: the show's calendar's events, and its part of the network's.
                events = b"".join([lines for _, _, lines in calendar_events(edition)])
                head, end = calendar_frame(edition)
                rendering.take(name, renderer, head + events + end)
            elif pages is not None and pages.takes(renderer):
                pages.send(name, renderer, edition)
            else:
                rendering.take(name, renderer, renderer.render(edition))
        network.add(
            show, airings, recent, revisions,
            events=events, airings=count, next_change=next_change,
        )


class _ShowQueue:
    """The shows of a publish, shared by two processes: each takes the next one no process took.

    The shows' positions are written to a pipe before the fork, all at once,
    so no more of them than the pipe holds (a page at the least): past that,
    a position stands for a chunk of shows. A read of four octets is atomic,
    so no show is taken twice. A process stops when the pipe is empty.
    """

    def __init__(self, shows: Sequence[Show], read_end: int, chunk: int) -> None:
        """Take the shows from the pipe at ``read_end``, ``chunk`` shows a position."""
        self.shows, self._read, self.chunk = shows, read_end, chunk
        self.parent = os.getpid()  # made before the fork: the publishing process

    @classmethod
    def of(cls, shows: Sequence[Show]) -> _ShowQueue | None:
        """The queue of ``shows``; None when a second process is not worth it, or not to be had."""
        if not _second_process_pays(len(shows)):
            return None
        try:
            read_end, write_end = os.pipe()
        except OSError:  # no file descriptor left: one process takes every show
            return None
        try:
            chunk = -(-len(shows) // (_pipe_capacity(write_end) // 4))
            data = b"".join(start.to_bytes(4, "little") for start in range(0, len(shows), chunk))
            os.set_blocking(write_end, False)  # nothing reads yet: never wait for room
            whole = os.write(write_end, data) == len(data)
        except OSError:
            whole = False
        finally:
            with contextlib.suppress(OSError):
                os.close(write_end)
        if not whole:
            with contextlib.suppress(OSError):
                os.close(read_end)
            return None
        return cls(shows, read_end, chunk)

    def __iter__(self) -> Iterator[Show]:
        """Yield the shows this process takes, until none is left.

        The second process stops when the first is gone (killed on its own,
        not with its group): it held the lock for the rest of the network,
        half a minute on a large one, with nobody to take its files. What
        it staged is removed as it stops.
        """
        child = os.getpid() != self.parent
        try:
            while taken := os.read(self._read, 4):
                if child and os.getppid() != self.parent:
                    raise _Orphaned
                start = int.from_bytes(taken, "little")
                yield from self.shows[start : start + self.chunk]
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the pipe (each process its own end)."""
        if self._read >= 0:
            os.close(self._read)
            self._read = -1


def _second_process_pays(shows: int) -> bool:
    """Tell whether a second process for ``shows`` shows' work saves more than it costs."""
    return shows >= _PARALLEL_SHOWS and _cores() >= 2  # noqa: PLR2004 - two


def _cores() -> int:
    """How many processors this process may run on (a container or ``taskset`` may allow fewer)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Orphaned(BaseException):
    """The publishing process is gone: its second process stops (not an error anyone sees)."""


class _NoFork(Exception):  # noqa: N818 - not an error: the publish goes on in one process
    """``os.fork`` failed; the work it would have shared is done here."""


def _pipe_capacity(fd: int) -> int:
    """How many octets the pipe at ``fd`` holds (Linux says; POSIX promises a page)."""
    try:
        return int(fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ))
    except (AttributeError, OSError):
        return 4096


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class _Found:
    """What comparing some shows with the state found (see ``_Shows``)."""

    changes: dict[str, tuple[DraftChange, ...]]
    removals: list[DraftChange]
    airing_count: int
    next_change: datetime


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class _HelperResult:
    """What the second process hands back; its files wait, durable, in temp and part files."""

    found: _Found
    files: _PassPart
    gathered: Gathered


class _Forked:
    """A task run in a forked process; what it returns (pickled) comes back through a pipe.

    The task's files must be durable before it returns; only this process
    renames files and writes the state. ``result`` raises what the task raised.
    """

    def __init__(self, task: Callable[[], object], folder: Path) -> None:
        """Fork; the child runs ``task`` and exits. ``folder``: where it stages files."""
        self.folder = folder
        try:
            self._read_end, write_end = os.pipe()
        except OSError as error:  # no file descriptor left
            raise _NoFork from error
        try:
            self.pid = os.fork()
        except OSError as error:  # a process limit, or no memory for one more
            os.close(self._read_end)
            os.close(write_end)
            raise _NoFork from error
        if self.pid == 0:  # pragma: no cover - runs in the child, measured by the tests' outputs
            with contextlib.suppress(OSError):  # never unwind into the parent's code
                os.close(self._read_end)
            _run_forked(task, write_end)
        with contextlib.suppress(OSError):
            os.close(write_end)

    def result(self, kind: type[_T]) -> _T:
        """Wait for the child; return its task's result (a ``kind``), or raise what it raised."""
        message = _read_all(self._read_end)
        with contextlib.suppress(OSError):
            os.close(self._read_end)
        self._read_end = -1
        os.waitpid(self.pid, 0)
        self.pid = 0
        try:
            outcome = pickle.loads(message) if message else None  # noqa: S301 - our own child
        except (pickle.UnpicklingError, EOFError):
            outcome = None
        if outcome is None:
            files.clear_leftovers(self.folder)  # what it staged; this pass's own go too
            msg = "the second publishing process ended without finishing"
            raise OutputError(msg, path=str(self.folder))
        ending, value, path = outcome
        if ending == "done" and isinstance(value, kind):
            return value
        if ending == "raised" and isinstance(value, BaseException):
            raise value
        if ending == "part":
            raise PartError(str(value), str(path))
        if ending == "output":
            raise OutputError(value, path=path)
        unexpected = f"the second publishing process handed back {type(value).__name__}"
        raise RuntimeError(value if ending == "other" else unexpected)

    def abandon(self) -> None:
        """Stop the child after a failure here; remove the files it staged."""
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
            self.pid = 0
            files.clear_leftovers(self.folder)
        if self._read_end >= 0:  # not once more: its number may be another file's by now
            with contextlib.suppress(OSError):
                os.close(self._read_end)
            self._read_end = -1


def _run_forked(task: Callable[[], object], pipe: int) -> NoReturn:  # pragma: no cover - child
    """Run ``task`` in the forked child, report through ``pipe`` and exit."""
    outcome: tuple[str, object, str | None]
    try:
        outcome = ("done", task(), None)
    except PartError as error:
        outcome = ("part", error.path, error.show)
    except OutputError as error:
        outcome = ("output", str(error), error.path)
    except BaseException as error:  # noqa: BLE001 - every failure is reported to the parent
        outcome = _raised(error)
    try:
        with os.fdopen(pipe, "wb") as out:
            out.write(pickle.dumps(outcome))
    finally:
        os._exit(0)


def _raised(error: BaseException) -> tuple[str, object, None]:  # pragma: no cover - child
    """Report ``error``: the error itself when it pickles back whole, else its text.

    So the parent raises what was raised (a config error exits 1 with its
    message, as it would have without a second process).
    """
    try:
        again = pickle.loads(pickle.dumps(error))  # noqa: S301 - its own bytes
    except Exception:  # noqa: BLE001 - an error that cannot travel goes as text
        again = None
    if type(again) is type(error) and str(again) == str(error):
        return ("raised", error, None)
    return ("other", f"{type(error).__name__}: {error}", None)


class _Helper:
    """A forked process publishing shows while this one does too, each taking the next one left.

    It renders and stages its shows' files and writes their part files (all
    durable before it reports), holds their state updates, and hands back
    names, digests and the shows' parts.
    """

    def __init__(  # noqa: PLR0913 - one publish's parts, named
        self,
        job: _Job,
        window: tuple[datetime, datetime],
        *,
        order: Iterable[Show],
        shows: _Shows,
        rendering: _Pass,
        network: NetworkParts,
    ) -> None:
        """Fork; the child publishes ``order`` and exits."""

        def task() -> _HelperResult:  # pragma: no cover - runs in the forked child
            return _child(
                job, window, order=order, shows=shows, manifest=rendering.manifest, network=network
            )

        self.forked = _Forked(task, job.folder)

    def finish(self, shows: _Shows, rendering: _Pass, network: NetworkParts) -> None:
        """Wait for the child and take in what it did; raise what it raised."""
        outcome = self.forked.result(_HelperResult)
        rendering.absorb(outcome.files)
        shows.absorb(outcome.found)
        network.absorb(outcome.gathered)
        shows.held.append(_held_path(shows.site))

    def abandon(self) -> None:
        """Stop the child after a failure here; remove the files it staged."""
        self.forked.abandon()


class _Pages:
    """A forked process rendering the pages while this one renders every other file.

    A network of one show has nothing to share between two processes taking
    shows (``_ShowQueue``), yet importing Jinja2 and rendering the pages
    takes about 30 ms of its 200; a second process does it meanwhile. This one sends it each
    page's name, renderer and edition through a pipe, from one pickler, so
    what the editions share (the site above all) goes once: nothing sent is
    changed afterwards (frozen values; a show's revisions are made for it).
    It renders and stages the pages as they come, and hands back its
    findings once told all were sent; a pipe that ends before that (this
    process gone) is an abort, its pages discarded.
    """

    def __init__(self, folder: Path, manifest: Mapping[str, files.Stamp]) -> None:
        """Fork; the child renders what it is sent into ``folder``."""
        read_end, write_end = os.pipe()
        with contextlib.suppress(AttributeError, OSError):
            # Room for a small network's pages: no wait while the child starts up.
            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, _PAGES_PIPE)

        def task() -> _PassPart:  # pragma: no cover - runs in the forked child
            os.close(write_end)
            return _staged_part(folder, manifest, partial(_render_sent, read_end))[0]

        try:
            self.forked = _Forked(task, folder)
        except BaseException:
            os.close(write_end)
            raise
        finally:
            os.close(read_end)
        self._pipe = open(write_end, "wb")  # noqa: PTH123, SIM115 - a descriptor, closed by finish
        self._pickler = pickle.Pickler(self._pipe, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def of(cls, folder: Path, manifest: Mapping[str, files.Stamp]) -> _Pages | None:
        """Return the pages process; None when there are no pages or no second core."""
        if _cores() < 2 or not any(cls.takes(r) for r in renderers()):  # noqa: PLR2004
            return None
        try:
            return cls(folder, manifest)
        except _NoFork:
            return None

    @staticmethod
    def takes(renderer: Renderer) -> bool:
        """Tell whether ``renderer``'s files are made in the pages process: airdates' own pages."""
        return renderer.render.__qualname__ == _PAGES

    def send(self, name: str, renderer: Renderer, edition: Edition) -> None:
        """Have the file ``name`` rendered by ``renderer`` from ``edition``."""
        try:
            self._pickler.dump((name, renderers().index(renderer), edition))
            self._pipe.flush()
        except BrokenPipeError:
            self.finish()  # raises what ended the child
            raise

    def finish(self) -> _PassPart:
        """Return the pages' findings once all are durable; raise what the child raised."""
        with contextlib.suppress(BrokenPipeError):
            self._pickler.dump(None)  # all sent: without it the child takes the end for an abort
            self._pipe.close()
        return self.forked.result(_PassPart)

    def abandon(self) -> None:
        """Stop the child after a failure here; remove the pages it staged."""
        with contextlib.suppress(OSError):
            self._pipe.close()
        self.forked.abandon()


def _render_sent(pipe: int, rendering: _Pass) -> None:  # pragma: no cover - runs in the child
    """Render into ``rendering`` each page sent through ``pipe`` until it is closed."""
    import feeds.pages  # noqa: F401, PLC0415 - imported while the first page is on its way

    known = renderers()
    with open(pipe, "rb") as source:
        sent = pickle.Unpickler(source)  # noqa: S301 - what the parent sent
        while (page := sent.load()) is not None:  # EOFError: this process was left alone
            name, number, edition = page
            renderer = known[number]
            rendering.take(name, renderer, renderer.render(edition))


def _child(  # noqa: PLR0913 - one publish's parts, named
    job: _Job,
    window: tuple[datetime, datetime],
    *,
    order: Iterable[Show],
    shows: _Shows,
    manifest: Mapping[str, files.Stamp],
    network: NetworkParts,
) -> _HelperResult:  # pragma: no cover - runs in the forked child
    """Publish ``order`` in the forked child; return what the parent takes in."""
    state = State.reader(Path(job.site.state))
    held = HeldAirings(_held_path(job.site))
    shows.state = state
    shows.hold = held.hold
    shows.airing_count = 0  # the parent counted the shows it reused before the fork

    def publish_shows(rendering: _Pass) -> Gathered:
        writer = network.writer
        gatherer = NetworkParts(
            job.site, job.now, network.network, folder=network.folder,
            writer=writer and PartWriter(writer.folder, writer.number, rendering.syncer),
        )
        gatherer.site_digest, gatherer.digests = network.site_digest, network.digests
        _publish_shows(
            job, window, order=order, shows=shows, rendering=rendering, network=gatherer
        )
        return gatherer.gathered()

    staged, gathered = _staged_part(job.folder, manifest, publish_shows)
    held.close()
    return _HelperResult(found=shows.found_here(), files=staged, gathered=gathered)


def _staged_part(
    folder: Path, manifest: Mapping[str, files.Stamp], work: Callable[[_Pass], _T]
) -> tuple[_PassPart, _T]:
    """Run ``work`` on a rendering pass of its own; return its findings, and what ``work`` did.

    The pass's files are durable when this returns.
    """
    rendering = _Pass(folder, manifest, stage=True)
    try:
        result = work(rendering)
        rendering.syncer.wait()
    except BaseException:
        rendering.discard()
        raise
    rendering.syncer.close()
    return rendering.part(), result


def _former_hash(site: Site, show: Show) -> Callable[[Airing], tuple[str, ...]]:
    """Return the content hashes earlier airdates releases took, for the airings of ``show``.

    Without the site's settings (before 0.2), and with the config's path too
    (0.1). Needed only for a record hashed one of those ways, so worked out
    when first asked.
    """
    channel = site.channel(show.channel)
    contexts = cache(
        lambda: (show_context_digest(show, channel), former_context_digest(show, channel))
    )
    return lambda airing: tuple(content_hash(airing, context) for context in contexts())


def _tidy_state_folder(site: Site) -> None:
    """Delete what a publish killed in the state folder left: no other publish can use it now."""
    files.clear_leftovers(Path(site.state))  # a record being renamed into place (owner.claim)
    with contextlib.suppress(OSError):
        _held_path(site).unlink(missing_ok=True)


def _held_path(site: Site) -> Path:
    """Return where a second process holds its airing records (in the locked state folder)."""
    return Path(site.state) / ".held-airings.sqlite"


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
    return b"".join(chunks)


def _hashed(
    site: Site, show: Show, window: tuple[Airing, ...], recent: tuple[Airing, ...]
) -> list[tuple[Airing, str]]:
    """Return every airing of ``show`` published now, once, with its content hash."""
    context = context_digest(show, site.channel(show.channel), site)
    seen: set[str] = set()
    hashed: list[tuple[Airing, str]] = []
    for airing in (*window, *recent):
        if airing.uid not in seen:
            seen.add(airing.uid)
            hashed.append((airing, content_hash(airing, context)))
    return hashed


def _notify_hub(site: Site, state: State, timeout: float) -> tuple[str, ...]:
    """Ping the hub for every feed still owed a notification; return warnings."""
    pending = state.pending_pings() if site.hub else ()
    if not site.hub or not pending:
        return ()
    outcome = websub.notify(site.hub, pending, timeout=timeout)
    state.settle_pings(outcome.delivered, outcome.failed)
    if not outcome.failed:
        return ()
    reason = next(iter(outcome.failed.values()))
    kept = len(outcome.failed)
    return (f"WebSub hub {site.hub}: {reason}; {kept} notification(s) kept for the next run",)


def _feed_url(site: Site, name: str) -> str:
    return urljoin(site.base_url, name)


def _pin(job: _Job) -> tuple[str, str | None]:
    """Return the inputs' fingerprint and recipe; keep the site for a publish of the same inputs.

    And keep what loading the config made for the next load (publisher/sitecache.py).
    """
    fingerprint, recipe = _fingerprint(job.site, job.folder, job.inputs)
    if recipe is not None:
        sitecache.store(job.site, fingerprint)
    if job.inputs is not None and job.inputs.parsed is not None:
        sitecache.keep_tables(job.site, job.inputs.parsed)
    return fingerprint, recipe


def _fingerprint(site: Site, folder: Path, inputs: Snapshot | None) -> tuple[str, str | None]:
    """Return a digest of everything besides the clock that decides the outputs, and its recipe.

    With the snapshot taken before the config was read, the digest covers
    the bytes of every input file, airdates' code and the installed packages,
    and the recipe (JSON) says how the republish shortcut recomputes it.
    Otherwise (or when the inputs cannot be pinned down) the digest is of the
    parsed site and there is no recipe, so the next run publishes in full.
    """
    pinned = inputs.pin(site, str(folder)) if inputs is not None else None
    if pinned is not None:
        return pinned
    formats = tuple(r.signature for r in renderers())
    return digest_of((site, str(folder), formats)), None


def _reading_order(now: float, change: DraftChange) -> tuple[int, float]:
    """Sort key of one publish's change-log entries, as a reader wants them.

    News of a whole show first, then the airings still to come, soonest
    first, then those already begun, latest first: past ``feed_items`` the
    feeds lose what matters least, the distant past.
    """
    if change.at is None:
        return (0, 0.0)
    start = change.at.timestamp()
    return (1, start) if start >= now else (2, -start)


def _airing_moments(airings: Sequence[Airing], now: datetime) -> list[datetime]:
    """Return the first start after ``now`` (UTC) and the ends after it of airings on the air.

    ``airings`` are in start order, so one bisection finds the next start (a
    later airing's start or end cannot come sooner). An airing on the air
    started at most the longest duration before ``now``; a day more covers
    durations measured on the wall clock across a change of clocks.
    """
    if not airings:
        return []
    index = bisect.bisect_right(airings, now, key=_start)
    found = [_start(airings[index])] if index < len(airings) else []
    reach = now - max(a.end - a.start for a in airings) - timedelta(days=1)
    for airing in reversed(airings[:index]):
        if _start(airing) < reach:
            break
        if (end := airing.end.astimezone(UTC)) > now:
            found.append(end)
    return found


def _start(airing: Airing) -> datetime:
    """Return the airing's start in UTC: one zone's times compare by wall clock, folds unseen."""
    return airing.start.astimezone(UTC)


def _next_day_turn(site: Site, now: datetime) -> datetime:
    """Return the first instant after ``now`` at which a day the outputs depend on turns.

    The window runs from the day of ``now - past`` to the day of ``now +
    future`` (whole timedeltas, so not always at midnight), the index's week
    from the day of ``now``; all in the site's wall-clock time.
    """
    local = now.astimezone(site.timezone).replace(tzinfo=None)
    walls = (
        _midnight_after(local),
        _midnight_after(local - site.past) + site.past,
        _midnight_after(local + site.future) - site.future,
    )
    return min(_first_instant(wall, site) for wall in walls)


def _midnight_after(wall: datetime) -> datetime:
    return datetime.combine(wall.date() + timedelta(days=1), datetime.min.time())


def _first_instant(wall: datetime, site: Site) -> datetime:
    """Return the first instant the site's clock shows ``wall`` or later.

    The earlier reading of both folds: in a fall-back overlap that is the
    first pass, in a spring-forward gap a moment before the jump.
    """
    readings = (wall.replace(tzinfo=site.timezone, fold=fold) for fold in (0, 1))
    return min(reading.astimezone(UTC) for reading in readings)


def _say(log: TextIO | None, lines: Sequence[str]) -> None:
    if log is not None:
        for line in lines:
            print(line, file=log)
