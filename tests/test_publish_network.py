"""Network files gathered show by show, and in two processes, are the whole edition's bytes."""

from __future__ import annotations

import dataclasses
import errno
import io
import os
import pickle
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds import pages as pages_module
from feeds import registry
from feeds.edition import Edition  # noqa: TC001 - the stand-in renderer's annotation
from publisher import changes as changes_module
from publisher import network
from publisher import publish as publish_module
from publisher.changes import _canonical, _canonical_airing, content_hash
from publisher.cli import main
from schedule import timeline
from schedule.errors import ConfigError
from schedule.loading import load_site
from tests.factories import make_airing, make_show

# Three channels, zones across a change of clocks, a show on no channel, moves and cancellations.
CONFIG = """\
[site]
title = "Parts TV"
base_url = "https://feeds.example.org/parts/"
timezone = "Europe/Berlin"
past = "3 weeks"
future = "5 weeks"
feed_items = 7

[[channels]]
id = "one"
name = "One"

[[channels]]
id = "two"
name = "Two & Co"

[[channels]]
id = "three"
name = "Three"
"""

SHOW = """
[[shows]]
id = "show-{n}"
title = "Show {n}"
{channel}
timezone = "{zone}"
duration = "{minutes} minutes"

[[shows.airs]]
rule = "{rule}"
from = 2025-09-01
{cancel}"""

CANCEL = """
[[shows.changes]]
at = 2025-10-{day:02d}T{hour:02d}:00:00
cancel = "Football"
"""

EXAMPLE = Path(__file__).parent.parent / "publisher" / "example_files" / "airdates.toml"
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")
RULES = (
    "daily at {hour}:00",
    "every Monday and Thursday at {hour}:00",
    "every weekday at {hour}:00",
)


def _config(folder: Path, count: int = 12) -> Path:
    shows = []
    for n in range(count):
        channel = ("", 'channel = "one"', 'channel = "two"', 'channel = "three"')[n % 4]
        hour = 6 + n
        shows.append(
            SHOW.format(
                n=n,
                channel=channel,
                zone=ZONES[n % len(ZONES)],
                minutes=30 + 15 * (n % 3),
                rule=RULES[n % len(RULES)].format(hour=hour),
                cancel=CANCEL.format(day=20 + n % 8, hour=hour) if n % 3 == 0 else "",
            )
        )
    path = folder / "airdates.toml"
    path.write_text(CONFIG + "".join(shows))
    return path


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("now", ["2025-10-26T01:30:00+00:00", "2025-11-02T12:00:00+00:00"])
def test_network_files_from_show_parts_equal_the_whole_edition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, now: str
) -> None:
    """The calendar, guide, index and network feeds are byte for byte those of one edition."""
    config = _config(tmp_path)
    parts_folder = str(tmp_path / "parts")
    assert main(["publish", "-c", str(config), "--now", now, "--output", parts_folder]) == 0
    monkeypatch.setattr(network, "_KNOWN", frozenset())
    whole = tmp_path / "whole"
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")
    assert main(["publish", "-c", str(config), "--now", now, "--output", str(whole)]) == 0
    parts, reference = _outputs(tmp_path / "parts"), _outputs(whole)
    assert parts.keys() == reference.keys()
    for name in ("schedule.ics", "xmltv.xml", "index.html", "all.rss", "all.atom", "all.json"):
        assert parts[name] == reference[name], name
    assert parts == reference


def test_the_network_order_is_the_instants_on_a_fall_back_night() -> None:
    """02:30 before the clocks go back comes before 02:15 after it, as the shows' windows run."""
    berlin = ZoneInfo("Europe/Berlin")
    show = make_show(id="night", timezone=berlin)
    other = make_show(id="late", timezone=ZoneInfo("America/New_York"))
    first = make_airing(show, datetime(2025, 10, 26, 2, 30, tzinfo=berlin))  # 00:30 UTC
    second = make_airing(show, datetime(2025, 10, 26, 2, 15, fold=1, tzinfo=berlin))  # 01:15 UTC
    between = make_airing(other, datetime(2025, 10, 25, 20, 45, tzinfo=other.timezone))  # 00:45 UTC
    for airings in ([first, second], [second, first]):
        assert sorted(airings, key=network.start_order) == [first, second]
    assert sorted([second, between, first], key=network.start_order) == [first, between, second]


def test_index_part_keeps_what_the_index_reads() -> None:
    """A show's index part holds the week ahead, its next airings and its next one not cancelled."""
    site = load_site(str(EXAMPLE))[0]
    now = datetime(2026, 1, 10, 12, tzinfo=UTC)
    show = site.shows[0]
    window = timeline.show_airings(site, show, *timeline.window(site, now))
    kept = network._index_part(window, now)  # noqa: SLF001 - the rule under test
    assert kept
    assert all(a.end > now for a in kept)
    assert list(kept) == [a for a in window if a in set(kept)]
    ahead = [a for a in window if a.start > now and not a.cancelled]
    assert set(ahead[:4]) <= set(kept)


def test_fast_canonical_airing_is_the_generic_one() -> None:
    """The content hash's per-airing form equals the generic canonical form, field for field."""
    site = load_site(str(EXAMPLE))[0]
    now = datetime(2026, 1, 10, 12, tzinfo=UTC)
    for show in site.shows:
        airings = timeline.show_airings(site, show, *timeline.window(site, now))
        for airing in airings:
            assert _canonical_airing(airing) == _canonical(airing)
            assert changes_module._canonical_fields(airing) == _canonical(airing)  # noqa: SLF001
        if len(airings) < 2:
            continue
        moved = dataclasses.replace(airings[0], moved_from=airings[1].start, reason="why")
        assert _canonical_airing(moved) == _canonical(moved)
        assert content_hash(moved, "x") != content_hash(airings[0], "x")


def _state_rows(folder: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(folder / ".airdates" / "state.sqlite") as db:
        airings = db.execute(
            "SELECT id, hash, sequence, first_published, changed, start, title, status, label,"
            " present FROM airings ORDER BY id"
        ).fetchall()
        changes = db.execute(
            "SELECT number, kind, airing, text FROM changes ORDER BY number"
        ).fetchall()
        publishes = db.execute(
            "SELECT airings, files, written, next_change FROM publishes"
        ).fetchall()
    return [*airings, *changes, *publishes]


def test_two_processes_publish_what_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half the shows published by a forked process: the same files and state, byte for byte."""
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")
    results = []
    folder = tmp_path / "site"
    folder.mkdir()
    for threshold in (10_000, 2):
        for made in ("public", ".airdates"):
            shutil.rmtree(folder / made, ignore_errors=True)
        config = _config(folder)
        monkeypatch.setattr(publish_module, "_PARALLEL_SHOWS", threshold)
        assert main(["publish", "-c", str(config), "--now", "2025-10-20T12:00:00+00:00"]) == 0
        text = config.read_text().replace('title = "Show 4"', 'title = "Show four"')
        config.write_text(text.replace("from = 2025-09-01", "from = 2025-09-02", 1))
        assert main(["publish", "-c", str(config), "--now", "2025-10-21T12:00:00+00:00"]) == 0
        results.append((_outputs(folder / "public"), _state_rows(folder)))
    (one_files, one_state), (two_files, two_state) = results
    assert one_files == two_files
    assert one_state == two_state
    assert not [p for p in (folder / "public").iterdir() if p.name.startswith(".")]


def _published_in_two(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, dict[str, bytes], list[tuple[object, ...]]]:
    """Publish the site in ``folder`` with a second process; return config, files and state."""
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")
    monkeypatch.setattr(publish_module, "_PARALLEL_SHOWS", 2)
    monkeypatch.setattr(publish_module, "_cores", lambda: 2)
    config = _config(folder)
    assert main(["publish", "-c", str(config), "--now", "2025-10-20T12:00:00+00:00"]) == 0
    return config, _outputs(folder / "public"), _state_rows(folder)


def test_a_failure_in_the_second_process_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A show failing to render in the forked process fails the publish; files and state stay."""
    config, before, state = _published_in_two(tmp_path, monkeypatch)
    real = registry.renderer("json").render

    def fails_late(edition: Edition) -> bytes:
        if edition.show is not None and os.getpid() != parent:  # any show the second one takes
            message = "no JSON today"
            raise ValueError(message)
        return real(edition)

    parent = os.getpid()

    failing = dataclasses.replace(registry.renderer("json"), render=fails_late)
    monkeypatch.setitem(registry._REGISTRY, "json", failing)  # noqa: SLF001 - swap one in place
    with pytest.raises(ValueError, match="no JSON today"):  # its own type, from the child
        main(["publish", "-c", str(config), "--now", "2025-10-22T12:00:00+00:00"])
    assert _outputs(tmp_path / "public") == before
    assert _state_rows(tmp_path) == state
    assert not [p for p in (tmp_path / "public").iterdir() if p.name.startswith(".")]
    assert not (tmp_path / ".airdates" / ".held-airings.sqlite").exists()


def _pages_noted(monkeypatch: pytest.MonkeyPatch, noted: Path) -> None:
    """Have every page rendered note the process rendering it in ``noted``."""
    real = pages_module.render_html

    def render_html(edition: Edition) -> bytes:
        with noted.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(edition)

    monkeypatch.setattr(pages_module, "render_html", render_html)


def test_the_pages_of_a_one_show_network_are_made_by_a_second_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One show: its page and the index come from a forked process; files and state are one's."""
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")
    monkeypatch.setattr(publish_module, "_cores", lambda: 2)
    folder, noted = tmp_path / "site", tmp_path / "noted"
    folder.mkdir()
    _pages_noted(monkeypatch, noted)
    results, makers = [], []
    for apart in (False, True):
        for made in ("public", ".airdates"):
            shutil.rmtree(folder / made, ignore_errors=True)
        noted.unlink(missing_ok=True)
        config = _config(folder, count=1)
        with monkeypatch.context() as patch:
            if not apart:
                patch.setattr(publish_module._Pages, "of", lambda *_: None)  # noqa: SLF001
            assert main(["publish", "-c", str(config), "--now", "2025-10-20T12:00:00+00:00"]) == 0
            text = config.read_text().replace('title = "Show 0"', 'title = "Show zero"')
            config.write_text(text.replace("from = 2025-09-01", "from = 2025-09-02", 1))
            assert main(["publish", "-c", str(config), "--now", "2025-10-21T12:00:00+00:00"]) == 0
        results.append((_outputs(folder / "public"), _state_rows(folder)))
        makers.append(noted.read_text().split())
    assert results[0] == results[1]
    assert {"index.html", "show-0.html"} <= results[1][0].keys()
    here = str(os.getpid())
    assert makers[0] == [here] * 4  # two pages, two publishes
    assert len(makers[1]) == 4
    assert here not in makers[1]
    assert not [p for p in (folder / "public").iterdir() if p.name.startswith(".")]


def test_a_failure_in_the_pages_process_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page failing to render in the forked process fails the publish; files and state stay."""
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")
    monkeypatch.setattr(publish_module, "_cores", lambda: 2)
    config = _config(tmp_path, count=1)
    assert main(["publish", "-c", str(config), "--now", "2025-10-20T12:00:00+00:00"]) == 0
    before, state = _outputs(tmp_path / "public"), _state_rows(tmp_path)
    parent = os.getpid()
    real = pages_module.render_html

    def fails_apart(edition: Edition) -> bytes:
        if os.getpid() != parent:
            message = "no pages today"
            raise ValueError(message)
        return real(edition)

    monkeypatch.setattr(pages_module, "render_html", fails_apart)
    with pytest.raises(ValueError, match="no pages today"):
        main(["publish", "-c", str(config), "--now", "2025-10-22T12:00:00+00:00"])
    assert _outputs(tmp_path / "public") == before
    assert _state_rows(tmp_path) == state
    assert not [p for p in (tmp_path / "public").iterdir() if p.name.startswith(".")]


def test_a_config_error_in_the_second_process_is_reported_as_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An airdates error raised in a forked process exits as it would in one: code and message."""
    config, before, _ = _published_in_two(tmp_path, monkeypatch)
    real = registry.renderer("json").render
    parent = os.getpid()

    def fails_late(edition: Edition) -> bytes:
        if edition.show is not None and os.getpid() != parent:
            message = "cannot be read"
            raise ConfigError(message, file="airdates.toml", key="shows[show-4].title")
        return real(edition)

    failing = dataclasses.replace(registry.renderer("json"), render=fails_late)
    monkeypatch.setitem(registry._REGISTRY, "json", failing)  # noqa: SLF001 - swap one in place
    err = io.StringIO()
    code = main(["publish", "-c", str(config), "--now", "2025-10-22T12:00:00+00:00"], stderr=err)
    assert code == 1
    assert err.getvalue() == "airdates: airdates.toml: shows[show-4].title: cannot be read\n"
    assert _outputs(tmp_path / "public") == before


@pytest.mark.parametrize("count", [1, 12])
def test_no_fork_to_be_had_publishes_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """``fork`` failing (a process limit) costs the second process, not the publish."""
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")
    monkeypatch.setattr(publish_module, "_cores", lambda: 2)
    results = []
    for fork in (os.fork, None):
        folder = tmp_path / ("forked" if fork else "alone")
        folder.mkdir()
        config = _config(folder, count=count)
        with monkeypatch.context() as patch:
            if fork is None:
                patch.setattr(os, "fork", _no_fork)
            assert main(["publish", "-c", str(config), "--now", "2025-10-20T12:00:00+00:00"]) == 0
        results.append(_outputs(folder / "public"))
    assert results[0] == results[1]
    assert not [p for p in (tmp_path / "alone" / "public").iterdir() if p.name.startswith(".")]


def _no_fork() -> int:
    raise OSError(errno.EAGAIN, "Resource temporarily unavailable")


def test_the_pages_process_left_alone_renders_nothing(tmp_path: Path) -> None:
    """Its pipe ending before "all sent" (this process gone) is an abort, not the pages' end."""
    rendering = publish_module._Pass(tmp_path, {}, stage=False)  # noqa: SLF001
    read_end, write_end = os.pipe()
    os.close(write_end)
    with pytest.raises(EOFError):
        publish_module._render_sent(read_end, rendering)  # noqa: SLF001
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as out:
        pickle.dump(None, out)
    publish_module._render_sent(read_end, rendering)  # noqa: SLF001 - told all were sent
    assert rendering.names == []


def test_spelled_out_canonical_airing_knows_every_field() -> None:
    """The content hash's per-airing form lists exactly the fields Airing has."""
    assert changes_module._AIRING_KNOWN  # noqa: SLF001 - a new Airing field must be added there


def test_a_failure_writing_the_network_calendar_apart_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The calendar made by a forked process fails: the publish fails; files and state stay."""
    config, before, state = _published_in_two(tmp_path, monkeypatch)
    real = network.NetworkParts._calendar  # noqa: SLF001 - the piece made apart

    def fails_apart(self: network.NetworkParts, parts: list[object]) -> object:
        if os.getpid() != parent:
            message = "no calendar today"
            raise ValueError(message)
        return real(self, parts)  # type: ignore[arg-type]

    parent = os.getpid()
    monkeypatch.setattr(network.NetworkParts, "_calendar", fails_apart)
    with pytest.raises(ValueError, match="no calendar today"):
        main(["publish", "-c", str(config), "--now", "2025-10-22T12:00:00+00:00"])
    assert _outputs(tmp_path / "public") == before
    assert _state_rows(tmp_path) == state
    assert not [p for p in (tmp_path / "public").iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(("count", "capacity"), [(64, None), (1000, None), (20_001, None), (5000, 4096)])
def test_two_processes_take_every_show_once(
    monkeypatch: pytest.MonkeyPatch, count: int, capacity: int | None
) -> None:
    """Each show of the queue goes to exactly one of two processes, however the reads interleave.

    A pipe holds so many positions (16,384 in 64 KiB, 1,024 in a page): past
    that a position stands for a chunk of shows.
    """
    if capacity is not None:
        monkeypatch.setattr(publish_module, "_pipe_capacity", lambda fd: capacity)
    monkeypatch.setattr(publish_module, "_cores", lambda: 2)
    shows = [f"show-{i}" for i in range(count)]
    queue = publish_module._ShowQueue.of(shows)  # type: ignore[arg-type]  # noqa: SLF001
    assert queue is not None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the second process
        os.close(read_end)
        with os.fdopen(write_end, "w") as out:
            out.write("\n".join(queue))
        os._exit(0)
    os.close(write_end)
    mine = list(queue)
    with os.fdopen(read_end) as taken:
        theirs = [name for name in taken.read().split("\n") if name]
    os.waitpid(pid, 0)
    assert sorted(mine + theirs) == sorted(shows)


def test_no_second_process_when_the_queue_would_not_fit_its_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pipe smaller than claimed (a user over the kernel's pipe quota): no queue, and no wait."""
    monkeypatch.setattr(publish_module, "_cores", lambda: 2)
    monkeypatch.setattr(publish_module, "_pipe_capacity", lambda fd: 1 << 20)  # it holds 64 KiB
    shows = [f"show-{i}" for i in range(100_000)]
    assert publish_module._ShowQueue.of(shows) is None  # type: ignore[arg-type]  # noqa: SLF001


def test_no_second_process_on_one_processor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish_module, "_cores", lambda: 1)
    shows = [f"show-{i}" for i in range(1000)]
    assert publish_module._ShowQueue.of(shows) is None  # type: ignore[arg-type]  # noqa: SLF001


def test_the_second_process_stops_when_the_publishing_one_is_gone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Killed on its own (not with its group), the publisher left its second process working.

    It held the lock for the rest of the network, half a minute on a large
    one. Taking its next show, it now sees it was orphaned, and stops.
    """
    monkeypatch.setattr(publish_module, "_cores", lambda: 2)
    shows = [f"show-{n}" for n in range(6)]
    alive = publish_module._ShowQueue.of(shows)  # type: ignore[arg-type]  # noqa: SLF001
    assert alive is not None
    alive.parent = os.getppid()  # as in a second process whose parent is there
    assert list(alive) == shows
    orphaned = publish_module._ShowQueue.of(shows)  # type: ignore[arg-type]  # noqa: SLF001
    assert orphaned is not None
    orphaned.parent = -1  # as in a second process whose parent is gone
    with pytest.raises(publish_module._Orphaned):
        next(iter(orphaned))
