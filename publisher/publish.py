"""``airdates publish``: expand, render every format, write what changed, record it.

The order of a publish is what makes it safe to kill at any moment:

1. take the lock; read the state (it is not touched until step 6);
2. expand the schedule, compare each airing with the state (revisions, change log);
3. render every output file; stage each one whose bytes differ from the file
   on disk as a durable temporary file next to it — a full disk or a
   read-only folder fails here, before any output is replaced;
4. record in the manifest the names of files about to be created;
5. rename the staged files into place, delete files of removed shows, sync the folder;
6. commit the state in one transaction, so it never describes files that
   are not really there: after a failure the next run redoes everything;
7. notify the WebSub hub of changed feeds (a failure is a warning, kept for next time).
"""

from __future__ import annotations

import heapq
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO
from urllib.parse import urljoin

from feeds.edition import Edition, Revision, ScheduleChange
from feeds.registry import Renderer, renderers
from publisher import files, websub
from publisher.changes import Reconciliation, content_hash, context_digest, digest_of, numbered, reconcile
from publisher.lock import held
from publisher.state import PublishRecord, State
from schedule import timeline
from schedule.airing import Airing
from schedule.site import Show, Site

__all__ = ["Report", "publish"]


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
        """Return the one line ``publish`` prints: ``12 files: 3 written, 9 unchanged; 148 airings``."""
        verb = "would be written" if self.dry_run else "written"
        parts = [f"{len(self.written)} {verb}", f"{self.unchanged} unchanged"]
        if self.deleted:
            parts.append(f"{len(self.deleted)} {'would be deleted' if self.dry_run else 'deleted'}")
        text = f"{self.files} files: {', '.join(parts)}; {self.airings} airings"
        if self.changes:
            text += f"; {len(self.changes)} schedule change{'s' if len(self.changes) != 1 else ''}"
        return text + (" (dry run)" if self.dry_run else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class _ShowAirings:
    """One show's part of a publish: its window airings and its feed entries."""

    show: Show
    window: tuple[Airing, ...]
    recent: tuple[Airing, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Plan:
    """Everything decided before rendering: airings, revisions, changes."""

    window: tuple[datetime, datetime]
    shows: tuple[_ShowAirings, ...]
    reconciliation: Reconciliation
    new_changes: tuple[ScheduleChange, ...]
    change_log: tuple[ScheduleChange, ...]

    @property
    def airing_count(self) -> int:
        """How many distinct airings this publish shows."""
        return len(self.reconciliation.revisions)


@dataclass(slots=True)
class _Outcome:
    """Files found to differ while rendering, and what was staged for them."""

    names: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    staged: list[files.StagedFile] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    restamped: dict[str, files.Stamp] = field(default_factory=dict)
    feeds: list[str] = field(default_factory=list)


def publish(  # noqa: PLR0913 - mirrors the command's options
    site: Site,
    *,
    now: datetime,
    output: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    wait: float = 60.0,
    log: TextIO | None = None,
    hub_timeout: float = websub.DEFAULT_TIMEOUT,
) -> Report:
    """Publish ``site`` as of ``now`` (aware) into ``output`` (default ``site.output``).

    Raises LockTimeout when another publish holds the lock past ``wait``
    seconds, OutputError when a file or the state cannot be written (earlier
    outputs and the state are then left as they were). ``log`` receives one
    line per file written or deleted.
    """
    folder = Path(output if output is not None else site.output).absolute()
    state_folder = Path(site.state)
    if dry_run and not state_folder.is_dir():
        return _dry_run(site, now, folder, State.snapshot(state_folder), log)
    with held(state_folder, wait):
        if dry_run:
            return _dry_run(site, now, folder, State.snapshot(state_folder), log)
        state = State.open(state_folder)
        try:
            return _publish(site, now, folder, state, log, hub_timeout)
        finally:
            state.close()


def _dry_run(site: Site, now: datetime, folder: Path, state: State, log: TextIO | None) -> Report:
    """Work out what a publish would write and record, touching nothing."""
    try:
        plan = _plan(site, now, state)
        outcome = _render_all(site, now, plan, folder, state.manifest(str(folder)), stage=False)
        stale = _stale(state.manifest(str(folder)), outcome.names)
        deleted = [name for name in stale if (folder / name).exists()]
    finally:
        state.close()
    _say(log, [f"would write {name}" for name in outcome.changed])
    _say(log, [f"would delete {name}" for name in deleted])
    _say(log, [f"would record: {change.text}" for change in plan.new_changes])
    return Report(files=len(outcome.names), written=tuple(outcome.changed), deleted=tuple(deleted),
                  airings=plan.airing_count, changes=plan.new_changes, dry_run=True)


def _publish(  # noqa: PLR0913 - the parts of one publish
    site: Site, now: datetime, folder: Path, state: State, log: TextIO | None, hub_timeout: float
) -> Report:
    started = time.monotonic()
    plan = _plan(site, now, state)
    files.ensure_folder(folder)
    files.clear_leftovers(folder)
    manifest = state.manifest(str(folder))
    outcome = _render_all(site, now, plan, folder, manifest, stage=True)
    stale = _stale(manifest, outcome.names)
    deleted = [name for name in stale if (folder / name).exists()]
    try:
        state.claim(str(folder), (name for name in outcome.changed if name not in manifest))
        written = _swap_in(outcome)
        _delete(folder, deleted)
        files.sync_folder(folder)
    finally:
        files.discard(outcome.staged)
    _say(log, [f"wrote {name}" for name in outcome.changed])
    _say(log, [f"deleted {name}" for name in deleted])
    record = PublishRecord(
        at=now, folder=str(folder), window=plan.window, files=len(outcome.names),
        written=len(outcome.changed), deleted=len(deleted), airings=plan.airing_count,
        changes=len(plan.new_changes), duration_ms=(time.monotonic() - started) * 1000.0,
        fingerprint=_fingerprint(site, folder), next_change=_next_change(site, now, plan),
    )
    state.commit(record=record, updates=plan.reconciliation.updates, changes=plan.new_changes,
                 written={**outcome.restamped, **written}, deleted=stale,
                 pings=[_feed_url(site, name) for name in outcome.feeds] if site.hub else ())
    warnings = _notify_hub(site, state, hub_timeout)
    return Report(files=len(outcome.names), written=tuple(outcome.changed), deleted=tuple(deleted),
                  airings=plan.airing_count, changes=plan.new_changes, warnings=warnings)


def _plan(site: Site, now: datetime, state: State) -> _Plan:
    """Expand the schedule and compare it with the state's record of the last publish."""
    window = timeline.window(site, now)
    shows = tuple(
        _ShowAirings(show=show, window=timeline.show_airings(site, show, *window),
                     recent=timeline.aired(site, show, now, site.feed_items))
        for show in site.shows
    )
    last = state.last_publish()
    reconciliation = reconcile(
        state.airings(), _hashed(site, shows), now=now.astimezone(UTC),
        windows=(last.window if last else None, window),
        show_titles={show.id: show.title for show in site.shows},
    )
    first = state.next_change_number()
    fresh = tuple(
        numbered(draft, first + index, now) for index, draft in enumerate(reconciliation.changes)
    )
    log = tuple(reversed(fresh)) + state.changes(site.feed_items)
    return _Plan(window=window, shows=shows, reconciliation=reconciliation, new_changes=fresh,
                 change_log=log[: site.feed_items])


def _hashed(site: Site, shows: Sequence[_ShowAirings]) -> list[tuple[Airing, str]]:
    """Return every airing published now, once, with its content hash."""
    seen: set[str] = set()
    hashed: list[tuple[Airing, str]] = []
    for part in shows:
        context = context_digest(part.show, site.channel(part.show.channel))
        for airing in (*part.window, *part.recent):
            if airing.uid not in seen:
                seen.add(airing.uid)
                hashed.append((airing, content_hash(airing, context)))
    return hashed


def _editions(site: Site, now: datetime, plan: _Plan) -> Iterator[tuple[str, Renderer, Edition]]:
    """Yield every output file's name, renderer and edition: per-show files, then network files."""
    revisions = plan.reconciliation.revisions
    by_show: dict[str, list[ScheduleChange]] = {}
    for change in plan.change_log:
        by_show.setdefault(change.show, []).append(change)
    for renderer in renderers():
        if renderer.per_show:
            for part in plan.shows:
                changes = tuple(by_show.get(part.show.id, ()))
                yield renderer.file_name(part.show.id), renderer, Edition(
                    site=site, show=part.show, now=now, window=part.window, recent=part.recent,
                    revisions=revisions, changes=changes)
    network = _network_edition(site, now, plan, revisions)
    for renderer in renderers():
        if renderer.network is not None:
            yield renderer.file_name(None), renderer, network


def _network_edition(site: Site, now: datetime, plan: _Plan, revisions: Mapping[str, Revision]) -> Edition:
    """Return the edition every network-wide file is made from: all shows merged."""
    window = tuple(heapq.merge(*(p.window for p in plan.shows), key=_start_order))
    newest = heapq.merge(*(p.recent for p in plan.shows), key=_start_order, reverse=True)
    recent = tuple(airing for _, airing in zip(range(site.feed_items), newest, strict=False))
    return Edition(site=site, show=None, now=now, window=window, recent=recent, revisions=revisions,
                   changes=plan.change_log)


def _start_order(airing: Airing) -> tuple[datetime, str]:
    return (airing.start, airing.uid)


def _render_all(  # noqa: PLR0913 - the parts of one rendering pass
    site: Site, now: datetime, plan: _Plan, folder: Path, manifest: Mapping[str, files.Stamp], *, stage: bool
) -> _Outcome:
    """Render every output file and find (and, unless ``stage`` is False, stage) those that differ."""
    outcome = _Outcome()
    mode = files.file_mode()
    try:
        for name, renderer, edition in _editions(site, now, plan):
            _render_one(outcome, folder / name, renderer, edition, manifest.get(name), stage, mode)
    except BaseException:
        files.discard(outcome.staged)
        raise
    return outcome


def _render_one(  # noqa: PLR0913 - one file's part of the pass
    outcome: _Outcome, path: Path, renderer: Renderer, edition: Edition,
    remembered: files.Stamp | None, stage: bool, mode: int,  # noqa: FBT001
) -> None:
    data = renderer.render(edition)
    digest = files.sha256(data)
    outcome.names.append(path.name)
    if files.unchanged(path, data, digest, remembered):
        stamp = files.stamp_of(path, digest)
        # Remember the file's identity so the next run can trust it without reading it.
        if stamp is not None and stamp != remembered:
            outcome.restamped[path.name] = stamp
        return
    outcome.changed.append(path.name)
    outcome.digests[path.name] = digest
    if renderer.media_type in websub.FEED_MEDIA_TYPES:
        outcome.feeds.append(path.name)
    if stage:
        outcome.staged.append(files.stage(path, data, mode))


def _swap_in(outcome: _Outcome) -> dict[str, files.Stamp]:
    """Rename every staged file into place; return the stamps of the files now there."""
    written: dict[str, files.Stamp] = {}
    while outcome.staged:
        staged = outcome.staged[0]
        files.swap_in(staged)
        outcome.staged.pop(0)
        stamp = files.stamp_of(staged.target, outcome.digests[staged.target.name])
        if stamp is not None:
            written[staged.target.name] = stamp
    return written


def _stale(manifest: Mapping[str, files.Stamp], names: Sequence[str]) -> list[str]:
    """Return the files airdates wrote earlier that no renderer produces any more."""
    current = set(names)
    return sorted(name for name in manifest if name not in current)


def _delete(folder: Path, names: Sequence[str]) -> None:
    for name in names:
        files.remove(folder / name)


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
    return (f"WebSub hub {site.hub}: {reason}; {len(outcome.failed)} notification(s) kept for the next run",)


def _feed_url(site: Site, name: str) -> str:
    return urljoin(site.base_url, name)


def _fingerprint(site: Site, folder: Path) -> str:
    """Return a digest of everything besides the clock that decides the outputs."""
    formats = tuple((r.name, r.suffix, r.per_show, r.network, r.render.__qualname__) for r in renderers())
    return digest_of((site, str(folder), formats))


def _next_change(site: Site, now: datetime, plan: _Plan) -> datetime | None:
    """Return the earliest moment after ``now`` at which some output would change by itself.

    The window moves at the next site-zone midnight; feeds and pages change
    when an airing starts or ends.
    """
    local = now.astimezone(site.timezone)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), site.timezone)
    moments = [midnight.astimezone(UTC)]
    for part in plan.shows:
        moments += [a.start for a in part.window if a.start > now]
        moments += [a.end for a in part.window if a.end > now]
    return min(moments, default=None)


def _say(log: TextIO | None, lines: Sequence[str]) -> None:
    if log is not None:
        for line in lines:
            print(line, file=log)
