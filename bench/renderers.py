#!/usr/bin/env python3
"""Renderer benchmark: every format over every show, and the network files, timed one by one.

Loads a config, expands it the way ``airdates publish`` does (every airing
new: ``Revision(sequence=0, changed=now)``), builds the same editions as the
publisher and times each renderer with ``time.perf_counter``: all per-show
files of one format, then each network file on its own. Expansion is not
timed (``--cache`` keeps the expansion between runs). Wall time and the
process's CPU time are both printed: on a busy machine the second is steadier.
Nothing is written unless ``--dump`` asks for the outputs; ``--compare``
checks every output byte for byte against an earlier dump.

    .venv/bin/python bench/renderers.py /tmp/prof/airdates.toml --now 2026-11-23T00:00:00+00:00
    .venv/bin/python bench/renderers.py CONFIG --dump /tmp/before     # keep the outputs
    .venv/bin/python bench/renderers.py CONFIG --compare /tmp/before  # same bytes as then?
    .venv/bin/python bench/renderers.py CONFIG --formats-per-show     # rss, atom, json in a row per show

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import heapq
import pickle
import sys
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from feeds.edition import Edition, Revision
from feeds.registry import Renderer, renderers
from schedule import timeline
from schedule.airing import Airing
from schedule.loading import load_site
from schedule.site import Site


def main(argv: list[str] | None = None) -> int:
    """Time every renderer over ``CONFIG``'s shows and network; return the exit code."""
    args = _parser().parse_args(argv)
    now = datetime.fromisoformat(args.now)
    started = time.perf_counter()
    site, parts, network = _load(args.config, now, args.cache)
    airings = sum(len(window) for _, window, _ in parts)
    print(f"{len(parts)} shows, {airings} window airings; expanded in {time.perf_counter() - started:.2f} s")
    outputs: dict[str, bytes] | None = {} if (args.dump or args.compare) else None
    rows = _time_all(site, now, parts, network, outputs, formats_per_show=args.formats_per_show)
    _print(rows)
    if args.dump and outputs is not None:
        _dump(Path(args.dump), outputs)
    if args.compare and outputs is not None:
        return _compare(Path(args.compare), outputs)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", default="/tmp/prof/airdates.toml")
    parser.add_argument("--now", default="2026-11-23T00:00:00+00:00", help="aware ISO 8601 instant")
    parser.add_argument(
        "--cache", metavar="FILE", help="keep the expanded airings in FILE (pickle) and reuse them next time"
    )
    parser.add_argument("--dump", metavar="DIR", help="write every output into DIR")
    parser.add_argument("--compare", metavar="DIR", help="compare every output with DIR's")
    parser.add_argument(
        "--formats-per-show",
        action="store_true",
        help="render every per-show format of one show before the next show (feeds share entries)",
    )
    return parser


Part = tuple[object, tuple[Airing, ...], tuple[Airing, ...]]


def _load(config: str, now: datetime, cache: str | None) -> tuple[Site, list[Part], Edition]:
    """Load and expand the config, or read what an earlier run with the same ``--cache`` kept."""
    if cache and Path(cache).exists():
        with Path(cache).open("rb") as kept:
            site, parts, network = pickle.load(kept)  # noqa: S301 - a file this script wrote
        return site, parts, network
    site, _warnings = load_site(config)
    parts, network = _expand(site, now)
    if cache:
        with Path(cache).open("wb") as kept:
            pickle.dump((site, parts, network), kept, protocol=pickle.HIGHEST_PROTOCOL)
    return site, parts, network


def _expand(site: Site, now: datetime) -> tuple[list[Part], Edition]:
    """Expand every show like the publisher's plan; return the parts and the network edition."""
    window = timeline.window(site, now)
    parts: list[Part] = [
        (show, timeline.show_airings(site, show, *window), timeline.aired(site, show, now, site.feed_items))
        for show in site.shows
    ]
    # A cold publish: every airing new as of now, each with its own Revision.
    revisions: dict[str, Revision] = {}
    for _, in_window, recent in parts:
        for airing in (*in_window, *recent):
            revisions.setdefault(airing.uid, Revision(sequence=0, changed=now.astimezone(UTC)))
    return parts, _network_edition(site, now, parts, revisions)


def _network_edition(site: Site, now: datetime, parts: list[Part], revisions: Mapping[str, Revision]) -> Edition:
    """The publisher's network edition: every show's airings merged in start order."""
    window = tuple(heapq.merge(*(w for _, w, _ in parts), key=_start_order))
    newest = heapq.merge(*(r for _, _, r in parts), key=_start_order, reverse=True)
    recent = tuple(airing for _, airing in zip(range(site.feed_items), newest, strict=False))
    return Edition(site=site, show=None, now=now, window=window, recent=recent, revisions=revisions)


def _start_order(airing: Airing) -> tuple[datetime, str]:
    return (airing.start, airing.uid)


def _show_editions(site: Site, now: datetime, parts: list[Part], network: Edition, record: Renderer) -> Iterator[tuple[str, Edition]]:
    """One renderer's per-show editions, built as the publisher builds them (a new Edition each)."""
    for show, window, recent in parts:
        yield record.file_name(show.id), Edition(  # type: ignore[attr-defined]
            site=site, show=show, now=now, window=window, recent=recent, revisions=network.revisions  # type: ignore[arg-type]
        )


def _time_all(
    site: Site,
    now: datetime,
    parts: list[Part],
    network: Edition,
    outputs: dict[str, bytes] | None,
    *,
    formats_per_show: bool,
) -> list[tuple[str, int, int, float, float]]:
    """Return (what, files, bytes, seconds) per renderer: its per-show files, then its network file."""
    rows: list[tuple[str, int, int, float, float]] = []
    per_show = [record for record in renderers() if record.per_show]
    if formats_per_show:
        rows += _time_interleaved(site, now, parts, network, per_show, outputs)
    else:
        for record in per_show:
            rows.append(_time_files(f"{record.name} (shows)", record, _show_editions(site, now, parts, network, record), outputs))
    for record in renderers():
        if record.network is not None:
            files = [(record.file_name(None), network)]
            rows.append(_time_files(f"{record.name} ({record.file_name(None)})", record, iter(files), outputs))
    return rows


def _time_files(
    what: str, record: Renderer, editions: Iterator[tuple[str, Edition]], outputs: dict[str, bytes] | None
) -> tuple[str, int, int, float, float]:
    count = size = 0
    elapsed = cpu = 0.0
    for name, edition in editions:
        started, cpu_started = time.perf_counter(), time.process_time()
        data = record.render(edition)
        elapsed += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        count += 1
        size += len(data)
        if outputs is not None:
            outputs[name] = data
    return what, count, size, elapsed, cpu


def _time_interleaved(
    site: Site,
    now: datetime,
    parts: list[Part],
    network: Edition,
    records: list[Renderer],
    outputs: dict[str, bytes] | None,
) -> list[tuple[str, int, int, float, float]]:
    """Time each format with every format of one show rendered before the next show."""
    totals = {record.name: [0, 0, 0.0, 0.0] for record in records}
    for show, window, recent in parts:
        for record in records:
            edition = Edition(site=site, show=show, now=now, window=window, recent=recent, revisions=network.revisions)  # type: ignore[arg-type]
            started, cpu_started = time.perf_counter(), time.process_time()
            data = record.render(edition)
            total = totals[record.name]
            total[2] += time.perf_counter() - started
            total[3] += time.process_time() - cpu_started
            total[0] += 1
            total[1] += len(data)
            if outputs is not None:
                outputs[record.file_name(show.id)] = data  # type: ignore[attr-defined]
    return [(f"{name} (shows)", int(t[0]), int(t[1]), float(t[2]), float(t[3])) for name, t in totals.items()]


def _print(rows: list[tuple[str, int, int, float, float]]) -> None:
    print(f"{'renderer':<32} {'files':>6} {'MB':>8} {'wall s':>9} {'cpu s':>9}")
    for what, count, size, seconds, cpu in rows:
        print(f"{what:<32} {count:>6} {size / 1e6:>8.1f} {seconds:>9.3f} {cpu:>9.3f}")
    total = (sum(r[1] for r in rows), sum(r[2] for r in rows) / 1e6, sum(r[3] for r in rows), sum(r[4] for r in rows))
    print(f"{'total':<32} {total[0]:>6} {total[1]:>8.1f} {total[2]:>9.3f} {total[3]:>9.3f}")


def _dump(folder: Path, outputs: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in outputs.items():
        (folder / name).write_bytes(data)
    print(f"wrote {len(outputs)} files to {folder}")


def _compare(folder: Path, outputs: dict[str, bytes]) -> int:
    differ = [name for name, data in outputs.items() if (folder / name).read_bytes() != data]
    missing = sorted({path.name for path in folder.iterdir()} - outputs.keys())
    for name in differ[:20]:
        print(f"differs: {name}")
    for name in missing[:20]:
        print(f"not rendered: {name}")
    print(f"compared {len(outputs)} files with {folder}: {len(differ)} differ, {len(missing)} missing")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())
