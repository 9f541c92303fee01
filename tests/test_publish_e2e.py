"""``airdates publish`` end to end: a real config and renderers, read back by real consumers."""

from __future__ import annotations

import errno
import io
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import feedparser
import icalendar
import pytest
from lxml import etree

from publisher import parts, shortcut
from publisher import publish as publish_module
from publisher import state as state_module
from publisher.changes import former_context_digest, show_context_digest
from publisher.cli import main
from publisher.clock import parse_time
from publisher.inputs import Snapshot
from publisher.lock import held
from publisher.publish import InputsChanged
from publisher.state import State, StateError
from schedule.errors import OutputError
from schedule.loading import load_site

AIRDATES = str(Path(sys.executable).with_name("airdates"))

CONFIG = """\
[site]
title = "Test TV"
base_url = "https://feeds.example.org/test/"
timezone = "Asia/Shanghai"
past = "2 weeks"
future = "4 weeks"
feed_items = 10

[[channels]]
id = "tv"
name = "Test TV"

[[shows]]
id = "lets-meet"
title = "Let's Meet"
channel = "tv"
duration = "30 minutes"

[[shows.airs]]
rule = "every Wednesday and Saturday at 6 PM"
from = 2025-06-04

[shows.numbering]
episode = 173
at = 2026-01-03T18:00:00

[[shows]]
id = "dialogue"
title = "Dialogue"
channel = "tv"
duration = "1 hour"

[[shows.airs]]
rule = "every Monday at 20:00"
from = 2025-06-02

[[shows.episodes]]
at = 2026-01-12T20:00:00
title = "Old Title"
"""

MOVE = """
[[shows.changes]]
at = 2026-01-26T20:00:00
move_to = 2026-01-27T21:00:00
"""

CANCEL = """
[[shows.changes]]
at = 2026-01-19T20:00:00
cancel = "Pre-empted by the Spring Festival Gala"
"""

NOW = "2026-01-10T12:00"


class Site:
    """A config in a temporary folder, published through ``main``."""

    def __init__(self, folder: Path) -> None:
        """Write the base config into ``folder``."""
        self.folder = folder
        self.config = folder / "airdates.toml"
        self.output = folder / "public"
        self.db = folder / ".airdates" / "state.sqlite"
        self.write(CONFIG)

    def write(self, text: str) -> None:
        """Replace the config file's text."""
        self.config.write_text(text)

    def publish(self, now: str, *extra: str) -> tuple[int, str, str]:
        """Run ``airdates publish`` in-process; return the exit code, stdout and stderr."""
        out, err = io.StringIO(), io.StringIO()
        code = main(
            ["publish", "-c", str(self.config), "--now", now, *extra], stdout=out, stderr=err
        )
        return code, out.getvalue(), err.getvalue()

    def ok(self, now: str, *extra: str) -> str:
        """Publish and insist it succeeded; return the summary line."""
        code, out, err = self.publish(now, *extra)
        assert code == 0, err
        return out

    def change_titles(self) -> list[str]:
        """Return the change log's entry titles as a feed reader sees them, newest first."""
        return [entry.title for entry in feedparser.parse(self.output / "changes.rss").entries]

    def files(self) -> dict[str, tuple[int, int, bytes]]:
        """Return every output file's inode, mtime and bytes."""
        return {
            p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(self.output.iterdir())
        }

    def table(self, name: str) -> list[tuple[object, ...]]:
        """Return a state table's rows, sorted."""
        with closing(sqlite3.connect(self.db)) as db:
            return sorted(db.execute(f"SELECT * FROM {name}").fetchall())  # noqa: S608

    def events(self, name: str) -> dict[str, tuple[str, icalendar.Event]]:
        """Return a calendar's VEVENTs by UID: the raw text of each and its parsed form."""
        text = (self.output / name).read_bytes().decode()
        icalendar.Calendar.from_ical(text)  # the whole file must parse
        blocks = [
            "BEGIN:VEVENT" + part.split("END:VEVENT")[0] + "END:VEVENT\r\n"
            for part in text.split("BEGIN:VEVENT")[1:]
        ]
        events = {}
        for block in blocks:
            event = icalendar.Event.from_ical(block)
            events[str(event["UID"])] = (block, event)
        return events


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """Return a fresh two-show config."""
    return Site(tmp_path)


def _uid(show: str, utc: str) -> str:
    """Return the UID calendars carry for an airing id (the id is a part of it)."""
    return f"{show}/{utc}"


def _event(
    events: dict[str, tuple[str, icalendar.Event]], airing_id: str
) -> tuple[str, icalendar.Event]:
    matches = [value for uid, value in events.items() if airing_id in uid]
    assert len(matches) == 1, (airing_id, list(events))
    return matches[0]


def _others_identical(
    before: dict[str, tuple[str, icalendar.Event]],
    after: dict[str, tuple[str, icalendar.Event]],
    airing_id: str,
) -> None:
    rest_before = {uid: raw for uid, (raw, _) in before.items() if airing_id not in uid}
    rest_after = {uid: raw for uid, (raw, _) in after.items() if airing_id not in uid}
    assert rest_after == rest_before


def test_first_publish_writes_every_format(site: Site) -> None:
    """The first publish writes calendars, feeds, guide and pages; the summary counts them."""
    summary = site.ok(NOW)
    names = set(site.files())
    assert {
        "lets-meet.ics",
        "dialogue.ics",
        "schedule.ics",
        "lets-meet.rss",
        "all.atom",
        "changes.rss",
        "changes.atom",
    } <= names
    assert summary.startswith(f"{len(names)} files: {len(names)} written, 0 unchanged; ")
    assert summary.rstrip().endswith("airings")
    assert not feedparser.parse(site.output / "changes.rss").entries


def _vevents(data: bytes) -> bytes:
    """Return a calendar's events: from its first BEGIN:VEVENT to the end of its last."""
    start = data.index(b"BEGIN:VEVENT\r\n")
    end = data.rindex(b"END:VEVENT\r\n") + len(b"END:VEVENT\r\n")
    return data[start:end]


def test_network_calendar_holds_each_shows_events_as_its_own_calendar_does(site: Site) -> None:
    """schedule.ics: each show's events in one run, the very bytes of its own calendar, in order.

    Shows come in network order (by channel, in config order); both shows
    here are on one channel, so in config order.
    """
    site.ok(NOW)
    network = _vevents((site.output / "schedule.ics").read_bytes())
    runs = [
        _vevents((site.output / f"{show}.ics").read_bytes()) for show in ("lets-meet", "dialogue")
    ]
    assert network == b"".join(runs)
    assert len(site.events("schedule.ics")) == sum(
        len(site.events(f"{s}.ics")) for s in ("lets-meet", "dialogue")
    )


def test_republish_with_nothing_changed_writes_nothing(site: Site) -> None:
    """A republish with nothing changed keeps every file and adds only a publish record."""
    site.ok(NOW)
    before = site.files()
    state = {t: site.table(t) for t in ("airings", "changes", "manifest", "pings")}
    summary = site.ok("2026-01-10T15:00")
    assert summary.startswith(f"{len(before)} files: 0 written, {len(before)} unchanged; ")
    assert site.files() == before
    assert {t: site.table(t) for t in state} == state
    assert len(site.table("publishes")) == 2


def test_new_episode_tops_the_feeds_and_the_calendar_moves_once_a_day(site: Site) -> None:
    """A started airing heads its feeds; the calendar changes only when the day changes."""
    site.ok("2026-01-14T17:00")
    calendar = site.output / "schedule.ics"
    stamp = (calendar.stat().st_ino, calendar.stat().st_mtime_ns)
    site.ok("2026-01-14T19:00")
    newest = "lets-meet/20260114T100000Z"
    for name in ("lets-meet.rss", "lets-meet.atom", "all.rss"):
        first = feedparser.parse(site.output / name).entries[0]
        assert newest in first.id, name
    assert (calendar.stat().st_ino, calendar.stat().st_mtime_ns) == stamp
    assert any("lets-meet/20251231T100000Z" in uid for uid in site.events("schedule.ics"))
    site.ok("2026-01-15T09:00")
    assert (calendar.stat().st_ino, calendar.stat().st_mtime_ns) != stamp
    assert not any("lets-meet/20251231T100000Z" in uid for uid in site.events("schedule.ics"))
    assert not feedparser.parse(site.output / "changes.rss").entries


def test_move_keeps_uid_bumps_sequence_and_is_logged(site: Site) -> None:
    """A move keeps the UID, adds 1 to SEQUENCE and is logged; other events stay byte-identical."""
    site.ok(NOW)
    moved = "dialogue/20260126T120000Z"
    before = site.events("dialogue.ics")
    site.write(CONFIG + MOVE)
    site.ok("2026-01-10T13:00")
    after = site.events("dialogue.ics")
    _, event = _event(after, moved)
    assert _event(before, moved)[1]["UID"] == event["UID"]
    assert int(event["SEQUENCE"]) == int(_event(before, moved)[1].get("SEQUENCE", 0)) + 1
    assert event.decoded("DTSTART").isoformat() == "2026-01-27T21:00:00+08:00"
    _others_identical(before, after, moved)
    log = feedparser.parse(site.output / "changes.rss").entries
    assert len(log) == 1
    assert (
        "moved from Mon 26 Jan 2026 20:00 to Tue 27 Jan 2026 21:00" in log[0].title + log[0].summary
    )
    assert len(feedparser.parse(site.output / "changes.atom").entries) == 1


def test_cancel_marks_the_event_cancelled_and_is_logged(site: Site) -> None:
    """A cancel keeps the event as STATUS:CANCELLED, SEQUENCE + 1, and logs it with its reason."""
    site.ok(NOW)
    cancelled = "dialogue/20260119T120000Z"
    before = site.events("dialogue.ics")
    site.write(CONFIG + CANCEL)
    site.ok("2026-01-10T13:00")
    after = site.events("dialogue.ics")
    _, event = _event(after, cancelled)
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == int(_event(before, cancelled)[1].get("SEQUENCE", 0)) + 1
    # The later episodes move up one slot (SPEC §3), so only the earlier events stay byte-identical.
    start = event.decoded("DTSTART")
    earlier = {uid for uid, (_, e) in before.items() if e.decoded("DTSTART") < start}
    assert earlier
    assert {uid: after[uid][0] for uid in earlier} == {uid: before[uid][0] for uid in earlier}
    for uid in set(after) - earlier - {str(event["UID"])}:
        assert int(after[uid][1]["SEQUENCE"]) == int(before[uid][1].get("SEQUENCE", 0)) + 1
    entries = feedparser.parse(site.output / "changes.atom").entries
    assert len(entries) == 1
    text = entries[0].title + entries[0].get("summary", "")
    assert "cancelled" in text
    assert "Pre-empted by the Spring Festival Gala" in text


def test_retitle_is_logged_with_before_and_after(site: Site) -> None:
    """Retitling an episode bumps only its event's SEQUENCE and logs the old and new title."""
    site.ok(NOW)
    retitled = "dialogue/20260112T120000Z"
    before = site.events("dialogue.ics")
    site.write(CONFIG.replace('title = "Old Title"', 'title = "New Title"'))
    site.ok("2026-01-10T13:00")
    after = site.events("dialogue.ics")
    _, event = _event(after, retitled)
    assert "New Title" in str(event["SUMMARY"])
    assert int(event["SEQUENCE"]) == int(_event(before, retitled)[1].get("SEQUENCE", 0)) + 1
    _others_identical(before, after, retitled)
    entry = feedparser.parse(site.output / "changes.rss").entries[0]
    assert "Old Title" in entry.title + entry.summary
    assert "New Title" in entry.title + entry.summary


def test_a_summary_of_only_spaces_is_no_summary(site: Site) -> None:
    """A blank summary or description is left out, not published as an empty one.

    Published as it was, `summary = " "` made a guide `<desc> </desc>` (tv_validate_file:
    "Empty description") and a DESCRIPTION without a value (libical drops it as an error).
    """
    config = CONFIG.replace(
        'title = "Test TV"\n', 'title = "Test TV"\ndescription = " \\u0085 "\n', 1
    ).replace(
        'title = "Dialogue"\n', 'title = "Dialogue"\ndescription = "Talks."\n'
    ).replace('title = "Old Title"\n', 'title = "Old Title"\nsummary = "  \\t "\n')
    site.write(config)
    site.ok(NOW)
    _, event = _event(site.events("dialogue.ics"), "dialogue/20260112T120000Z")
    assert str(event["DESCRIPTION"]).startswith("Talks.")
    calendar = icalendar.Calendar.from_ical((site.output / "schedule.ics").read_bytes())
    assert "DESCRIPTION" not in calendar
    guide = etree.parse(str(site.output / "xmltv.xml"))
    descriptions = [d.text or "" for d in guide.iter("desc")]
    assert descriptions
    assert all(d.strip() for d in descriptions), descriptions
    assert "Talks." in descriptions


def test_a_rule_moved_to_another_hour_is_logged_as_moves(site: Site) -> None:
    """18:00 to 19:00: each episode moved, not one entry "added" and one "removed" for each.

    The airings' ids are their original starts, so the new hour makes new airings;
    the log paired them by episode (a special by its title).
    """
    extra = '[[shows.extras]]\nat = 2026-01-20T21:00:00\nduration = "1 hour"\ntitle = "Gala"\n'
    dialogue = '[[shows]]\nid = "dialogue"'
    config = CONFIG.replace(dialogue, extra + "\n" + dialogue)
    site.write(config)
    site.ok(NOW)
    site.write(
        config.replace("Wednesday and Saturday at 6 PM", "Wednesday and Saturday at 7 PM")
        .replace("at = 2026-01-03T18:00:00", "at = 2026-01-03T19:00:00")
        .replace("at = 2026-01-20T21:00:00", "at = 2026-01-20T22:00:00")
    )
    site.ok("2026-01-10T13:00")
    titles = site.change_titles()
    assert titles
    assert all(" moved from " in title for title in titles), titles
    # Of one publish's changes the coming airings' come first, soonest first (the window
    # starts two weeks back): past feed_items, the past and the distant go, not tonight's.
    assert titles[0] == (
        "Let's Meet · Ep. 175 moved from Sat 10 Jan 2026 18:00 to Sat 10 Jan 2026 19:00"
    )
    assert "Let's Meet moved from Tue 20 Jan 2026 21:00 to Tue 20 Jan 2026 22:00: “Gala”" in titles
    episodes = [int(t.split("Ep. ")[1].split()[0]) for t in titles if "Ep. " in t]
    assert episodes == sorted(episodes)


def test_one_publishs_entries_read_soonest_first_across_shows(site: Site) -> None:
    """Tomorrow's special taken away comes before next month's moves, whatever the show or kind.

    Removals used to follow every other entry of the publish, and were the first
    thing a feed of ``feed_items`` lost.
    """
    special = '[[shows.extras]]\nat = 2026-01-11T09:00:00\ntitle = "Breakfast special"\n'
    site.write(CONFIG + special)
    site.ok(NOW)
    site.write(CONFIG.replace("Saturday at 6 PM", "Saturday at 7 PM").replace(
        "at = 2026-01-03T18:00:00", "at = 2026-01-03T19:00:00"
    ))
    site.ok("2026-01-10T13:00")
    titles = site.change_titles()
    assert titles[:3] == [
        "Let's Meet · Ep. 175 moved from Sat 10 Jan 2026 18:00 to Sat 10 Jan 2026 19:00",
        "Dialogue on Sun 11 Jan 2026 09:00 removed from the schedule: “Breakfast special”",
        "Let's Meet · Ep. 176 moved from Wed 14 Jan 2026 18:00 to Wed 14 Jan 2026 19:00",
    ]


@pytest.mark.parametrize(
    ("hour", "moved"),
    [  # the same wall time, told apart by the offsets; another hour, an hour later, not two
        ("6 PM", "from Sat 10 Jan 2026 18:00 UTC+08:00 to Sat 10 Jan 2026 18:00 UTC+09:00"),
        ("8 PM", "from Sat 10 Jan 2026 18:00 UTC+08:00 to Sat 10 Jan 2026 20:00 UTC+09:00"),
    ],
)
def test_a_show_moved_to_another_zone_gives_both_offsets(site: Site, hour: str, moved: str) -> None:
    """Shanghai to Tokyo: each entry names the offsets, as the wall times alone mislead."""
    site.ok(NOW)
    at = "2026-01-03T20:00:00" if hour == "8 PM" else "2026-01-03T18:00:00"
    site.write(
        CONFIG.replace('title = "Let\'s Meet"\n', 'title = "Let\'s Meet"\ntimezone = "Asia/Tokyo"\n')
        .replace("Saturday at 6 PM", f"Saturday at {hour}")
        .replace("at = 2026-01-03T18:00:00", f"at = {at}")
    )
    site.ok("2026-01-10T13:00")
    titles = site.change_titles()
    assert f"Let's Meet · Ep. 175 moved {moved}" in titles, titles


EDGE = """\
[site]
title = "Edge TV"
base_url = "https://feeds.example.org/edge/"
timezone = "UTC"
past = "2 days"
future = "5 days"

[[shows]]
id = "a"
title = "A"
duration = "30 minutes"

[[shows.numbering]]
episode = 1
at = 2026-05-01T12:00:00

[[shows.airs]]
rule = "every day at 12:00"
from = 2026-05-01
""".replace("[[shows.numbering]]", "[shows.numbering]")


def _move(at: str, to: str) -> str:
    return f"[[shows.changes]]\nat = {at}\nmove_to = {to}\n"


def test_an_airing_moved_past_the_windows_edge_is_logged_as_moved(site: Site) -> None:
    """Moved out of the window it is no longer published, yet it was not removed: it moved.

    Logged "removed from the schedule", its return as the window reached it went unsaid.
    """
    move = "[[shows.changes]]\nat = 2026-05-14T12:00:00\nmove_to = 2026-05-16T15:00:00\n"
    site.write(EDGE)
    site.ok("2026-05-10T10:00Z")
    site.write(EDGE + move)
    site.ok("2026-05-10T10:10Z")
    entries = feedparser.parse(site.output / "changes.rss").entries
    assert [e.title for e in entries] == [
        "A · Ep. 14 moved from Thu 14 May 2026 12:00 to Sat 16 May 2026 15:00"
    ]
    site.ok("2026-05-11T10:00Z")  # the window now reaches the 16th: no news, it was said
    assert len(feedparser.parse(site.output / "changes.rss").entries) == 1
    assert "a/20260514T120000Z" in (site.output / "a.ics").read_text()
    site.write(EDGE)  # the move taken away while the 16th was in the window: back, not added
    site.ok("2026-05-11T10:05Z")
    titles = site.change_titles()
    assert titles[0] == "A · Ep. 14 moved from Sat 16 May 2026 15:00 to Thu 14 May 2026 12:00"
    # Moved into the window from before it, then back out by taking the move away.
    site.write(EDGE + _move("2026-05-08T12:00:00", "2026-05-12T18:00:00"))
    site.ok("2026-05-11T10:20Z")
    site.write(EDGE)
    site.ok("2026-05-11T10:30Z")
    titles = site.change_titles()
    assert titles[0] == "A · Ep. 8 moved from Tue 12 May 2026 18:00 to Fri 8 May 2026 12:00", titles
    assert not any("removed" in title for title in titles), titles


def test_an_airing_moved_out_of_the_window_and_back_is_moved_both_times(site: Site) -> None:
    """Moved past the window's edge, then the move taken away: moved back, not "added"."""
    site.write(EDGE)
    site.ok("2026-05-10T10:00Z")
    site.write(EDGE + _move("2026-05-14T12:00:00", "2026-05-16T15:00:00"))
    site.ok("2026-05-10T10:10Z")
    site.write(EDGE)
    site.ok("2026-05-10T10:20Z")
    titles = site.change_titles()
    assert titles == [
        "A · Ep. 14 moved from Sat 16 May 2026 15:00 to Thu 14 May 2026 12:00",
        "A · Ep. 14 moved from Thu 14 May 2026 12:00 to Sat 16 May 2026 15:00",
    ]


def test_an_airing_of_the_spring_forward_gap_moved_out_of_the_window_is_moved(site: Site) -> None:
    """02:30 on 8 March is 03:30 EDT, its id's instant: its move out of the window is found."""
    gap = EDGE.replace('timezone = "UTC"', 'timezone = "America/New_York"').replace(
        "12:00", "02:30"
    ).replace("2026-05-01", "2026-03-01")
    site.write(gap)
    site.ok("2026-03-05T12:00Z")
    site.write(gap + _move("2026-03-08T02:30:00", "2026-03-12T10:00:00"))
    site.ok("2026-03-05T12:10Z")
    titles = site.change_titles()
    assert titles == ["A · Ep. 8 moved from Sun 8 Mar 2026 03:30 to Thu 12 Mar 2026 10:00"]


def test_edits_accumulate_in_the_change_log(site: Site) -> None:
    """Successive edits add entries newest first; earlier entries keep their ids."""
    site.ok(NOW)
    site.write(CONFIG + MOVE)
    site.ok("2026-01-10T13:00")
    first = feedparser.parse(site.output / "changes.rss").entries
    site.write(CONFIG + MOVE + CANCEL)
    site.ok("2026-01-11T13:00")
    second = feedparser.parse(site.output / "changes.rss").entries
    assert len(second) == 2
    assert second[1].id == first[0].id
    assert "cancelled" in second[0].title + second[0].summary


def test_removed_show_loses_its_files(site: Site) -> None:
    """A show taken out of the config has its files deleted; a file airdates did not write stays."""
    site.ok(NOW)
    (site.output / "notes.txt").write_text("mine")
    site.write(CONFIG.split('[[shows]]\nid = "dialogue"', maxsplit=1)[0])
    summary = site.ok("2026-01-10T13:00")
    assert "deleted" in summary
    assert not any(name.startswith("dialogue.") for name in site.files())
    assert (site.output / "notes.txt").read_text() == "mine"


def test_a_show_put_back_is_logged_back_on_the_schedule(site: Site) -> None:
    """Taken out, then put back: its return is news, or the log's last word stays "taken off"."""
    site.ok(NOW)
    site.write(CONFIG.split('[[shows]]\nid = "dialogue"', maxsplit=1)[0])
    site.ok("2026-01-10T13:00")
    site.write(CONFIG)
    site.ok("2026-01-10T13:05")
    titles = site.change_titles()
    # Mondays at 20:00 from the 12th to the end of the window, four weeks on (7 February).
    assert titles == [
        "Dialogue back on the schedule, with its 4 coming airings",
        "Dialogue: dialogue taken off the schedule, with its 4 coming airings",
    ]
    site.ok("2026-01-10T13:10")  # said once
    assert len(feedparser.parse(site.output / "changes.rss").entries) == 2


def test_a_show_removed_as_the_project_folder_moves_loses_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state knows the files by the output folder's path; a move changes the path.

    The files there are still the ones airdates wrote (same inode, size and
    mtime), so the removed show's are found and deleted. One not written by
    airdates, or changed since, is left alone.
    """
    monkeypatch.setattr(shortcut, "GUARD_NS", 0)  # the config was written a moment ago
    (tmp_path / "here").mkdir()
    site = Site(tmp_path / "here")
    site.ok(NOW)
    (site.output / "notes.txt").write_text("mine")
    (site.output / "dialogue.json").write_text("edited by hand")
    (tmp_path / "here").rename(tmp_path / "there")
    moved = Site(tmp_path / "there")
    moved.write(CONFIG.split('[[shows]]\nid = "dialogue"', maxsplit=1)[0])
    summary = moved.ok("2026-01-10T13:00")
    assert ", 4 deleted;" in summary
    left = sorted(name for name in moved.files() if name.startswith("dialogue."))
    assert left == ["dialogue.json"]
    assert (moved.output / "notes.txt").read_text() == "mine"
    # Known by the new path now: the next run is answered without rendering.
    code, out, err = moved.publish("2026-01-10T13:00", "-v")
    assert (code, err.split(":")[0]) == (0, "nothing changed"), err
    files = summary.split(":")[0]  # "13 files"
    assert out.startswith(f"{files}: 0 written, {files.split()[0]} unchanged;")


def _contents(site: Site) -> dict[str, bytes]:
    return {name: data for name, (_, _, data) in site.files().items()}


def test_config_moved_or_named_another_way_changes_no_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The config's path shows in no output: naming or moving it bumps no SEQUENCE.

    The cron job names the config by its absolute path, its owner by a
    relative one from its folder; then the folder moves to another disk.
    """
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")  # compare every airing, not the inputs
    (tmp_path / "here").mkdir()
    site = Site(tmp_path / "here")
    site.ok(NOW)
    before = _contents(site)
    assert all(b"SEQUENCE:0" in data for name, data in before.items() if name.endswith(".ics"))

    monkeypatch.chdir(site.folder)
    code = main(["publish", "-c", "airdates.toml", "--now", NOW], stdout=io.StringIO())
    assert code == 0
    assert _contents(site) == before

    (tmp_path / "here").rename(tmp_path / "there")
    moved = Site(tmp_path / "there")  # the same config, at the new place
    summary = moved.ok(NOW)
    assert summary.startswith(f"{len(before)} files: 0 written, ")
    assert _contents(moved) == before


@pytest.mark.parametrize("shortcut", ["", "1"], ids=["fingerprint", "every-airing"])
def test_a_folder_named_in_another_encoding_publishes_like_any(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shortcut: str
) -> None:
    """A folder whose name is not UTF-8 (Latin-1 "café") holds a config like any other.

    The state keeps the output folder's path; such a path is not text, and
    once broke every publish with a traceback. "#", "?" and "%" in it must not
    lead a dry run's copy of the state to another file.
    """
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", shortcut)
    (tmp_path / "plain").mkdir()
    plain = Site(tmp_path / "plain")
    latin = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9 #1?%25"))
    latin.mkdir()
    site = Site(latin)
    plain.ok(NOW)
    site.ok(NOW)
    assert _contents(site) == _contents(plain)
    before = site.files()
    summary = site.ok(NOW)
    assert summary.startswith(f"{len(before)} files: 0 written, {len(before)} unchanged; ")
    assert site.files() == before
    code, out, _ = site.publish(NOW, "--dry-run")  # a copy of the state, read through a URI
    dry = summary.rstrip().replace(" written", " would be written") + " (dry run)"
    assert (code, out.splitlines()[-1]) == (0, dry), out
    assert site.files() == before
    elsewhere = Path(os.fsdecode(bytes(tmp_path) + b"/out\xff"))
    code, _, err = site.publish(NOW, "--output", str(elsewhere))
    assert code == 0, err
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == _contents(plain)


def test_records_hashed_with_the_config_path_are_still_unchanged(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state written by airdates 0.1 (its hashes held the config's path) reads as unchanged.

    The first publish after the upgrade rewrites no file and bumps no
    SEQUENCE; it stores the new hashes, so the config may move afterwards.
    """
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")
    with monkeypatch.context() as patch:
        patch.setattr(publish_module, "context_digest", lambda show, channel, _site: (
            former_context_digest(show, channel)
        ))
        patch.setattr(parts, "code_stamp", lambda: "airdates 0.1")  # the upgrade: no part reused
        site.ok(NOW)
    before, hashes = _contents(site), site.table("airings")
    assert site.ok(NOW).startswith(f"{len(before)} files: 0 written, ")
    assert _contents(site) == before
    after = site.table("airings")
    assert {row[0] for row in after} == {row[0] for row in hashes}
    assert not set(after) & set(hashes)  # each record took the hash without the path

    site.config = site.config.rename(site.folder / "renamed.toml")
    assert site.ok(NOW).startswith(f"{len(before)} files: 0 written, ")
    assert _contents(site) == before


def test_renaming_the_site_raises_every_events_sequence_once(site: Site) -> None:
    """Every event's ORGANIZER names the site: a new name is a change to every event.

    It used to change every event's text with SEQUENCE, DTSTAMP and
    LAST-MODIFIED as they were. A state hashed that way (before the site's
    settings counted) still reads as unchanged.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publish_module, "context_digest", lambda show, channel, _site: (
            show_context_digest(show, channel)
        ))
        patch.setattr(parts, "code_stamp", lambda: "airdates before 0.2")
        site.ok(NOW)
    before = site.events("schedule.ics")
    assert site.ok(NOW).startswith(f"{len(site.files())} files: 0 written, ")
    site.write(CONFIG.replace('title = "Test TV"', 'title = "Test Television"', 1))
    site.ok("2026-01-10T13:00")
    after = site.events("schedule.ics")
    assert after.keys() == before.keys()
    for uid, (_, event) in after.items():
        assert 'CN="Test Television"' in after[uid][0].replace("\r\n ", "")
        assert event["SEQUENCE"] == before[uid][1]["SEQUENCE"] + 1
        assert event["DTSTAMP"].dt > before[uid][1]["DTSTAMP"].dt


def test_invalid_config_exits_1_and_touches_nothing(site: Site) -> None:
    """An invalid config exits 1; every output keeps its bytes and mtime; the state stays."""
    site.ok(NOW)
    before, publishes = site.files(), site.table("publishes")
    site.write(CONFIG + "\n[[shows.changes]]\nat = 2026-01-19T20:00:00\nkancel = true\n")
    code, out, err = site.publish("2026-01-11T12:00")
    assert code == 1
    assert out == ""
    assert "kancel" in err
    assert site.files() == before
    assert site.table("publishes") == publishes


def test_unwritable_output_exits_4_and_keeps_the_state(site: Site, tmp_path: Path) -> None:
    """An output folder that cannot be created exits 4 and records no publish."""
    site.ok(NOW)
    publishes, airings = site.table("publishes"), site.table("airings")
    (tmp_path / "blocker").write_text("a file where a folder should be")
    site.write(CONFIG + MOVE)
    code, _, err = site.publish(
        "2026-01-11T12:00", "--output", str(tmp_path / "blocker" / "public")
    )
    assert code == 4
    assert "blocker" in err
    assert site.table("publishes") == publishes
    assert site.table("airings") == airings


def test_a_later_job_under_a_stricter_umask_keeps_the_files_readable(site: Site) -> None:
    """A first publish under umask 022, a later job under 077 (pam_umask, a unit's UMask=).

    Every file it rewrote became 0600, unreadable by the web server, a few
    more each day; a rewritten file now keeps its mode.
    """
    old = os.umask(0o022)
    try:
        site.ok(NOW)
        before = site.files()
        site.write(CONFIG + MOVE)
        os.umask(0o077)
        site.ok("2026-01-10T13:00")
    finally:
        os.umask(old)
    assert site.files()["dialogue.ics"] != before["dialogue.ics"]  # rewritten
    modes = {p.name: p.stat().st_mode & 0o777 for p in site.output.iterdir()}
    assert modes == dict.fromkeys(modes, 0o644)


def test_an_emptied_state_database_exits_4_and_keeps_the_outputs(site: Site) -> None:
    """A state database truncated to 0 bytes is refused, not taken for a first publish.

    Taken for one, it rewrote every file with SEQUENCE 0 again and an empty
    change log, and exited 0: calendar apps then ignored the next updates.
    """
    site.ok(NOW)
    site.write(CONFIG + MOVE)
    site.ok("2026-01-10T13:00")
    before = site.files()
    assert b"SEQUENCE:1\r\n" in before["dialogue.ics"][2]  # the moved airing
    site.db.write_bytes(b"")
    code, out, err = site.publish("2026-01-11T12:00")
    assert code == 4
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "state.sqlite: state database: the file is empty" in err
    assert site.files() == before


def test_with_no_file_descriptor_for_a_pipe_one_process_publishes_it_all(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No file descriptor for the second process's pipes (EMFILE): one process does it all."""
    monkeypatch.setattr(publish_module, "_cores", lambda: 2)
    (tmp_path / "alone").mkdir()
    alone = Site(tmp_path / "alone")
    with monkeypatch.context() as patch:

        def no_pipe() -> tuple[int, int]:
            raise OSError(errno.EMFILE, "Too many open files")

        patch.setattr(os, "pipe", no_pipe)
        alone.ok(NOW)
    site.ok(NOW)
    assert {n: f[2] for n, f in alone.files().items()} == {n: f[2] for n, f in site.files().items()}


def test_a_scratch_database_that_cannot_be_deleted_fails_nothing(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second process's records, kept in a scratch database: its deletion was a traceback.

    Every file and the state were in place by then (exit 1, "invalid config",
    for a publish that worked). The next publish removes it.
    """
    monkeypatch.setattr(publish_module, "_cores", lambda: 2)
    scratch = site.db.parent / ".held-airings.sqlite"
    real_unlink = os.unlink
    refused: list[str] = []

    def unlink(path: str | os.PathLike[str], *args: object, **kwargs: object) -> None:
        if os.fspath(path) == str(scratch) and scratch.exists():  # once it holds records
            refused.append(str(path))
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        real_unlink(path, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(os, "unlink", unlink)
        code, out, err = site.publish(NOW)
    assert (code, err) == (0, "")
    assert refused, "the second process held no records"
    assert scratch.exists()
    site.write(CONFIG + MOVE)
    site.ok(NOW)
    assert not scratch.exists()


def test_what_a_killed_publish_left_in_the_state_folder_goes_with_the_next(site: Site) -> None:
    """A record killed while renamed into place, and the second process's scratch database."""
    site.ok(NOW)
    left = [site.db.parent / ".owner.4242.airdates-tmp", site.db.parent / ".held-airings.sqlite"]
    for path in left:
        path.write_bytes(b"left behind")
    site.write(CONFIG + MOVE)
    site.ok(NOW)
    assert [path for path in left if path.exists()] == []


def test_an_unforeseen_system_error_exits_4_on_one_line(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a traceback and exit 1 ("invalid config"): exit 4, the system's words, outputs kept."""
    site.ok(NOW)
    before = site.files()
    site.write(CONFIG + MOVE)

    def failing(_folder: object) -> None:
        raise OSError(errno.EIO, "Input/output error", "/srv/state/lost")

    monkeypatch.setattr(publish_module.sitecache, "tidy", failing)
    code, out, err = site.publish("2026-01-10T13:00")
    assert (code, out) == (4, "")
    assert err == "airdates: /srv/state/lost: Input/output error (the next run tries again)\n"
    assert site.files() == before


@pytest.mark.parametrize(
    "failing",
    [
        "replace",  # the renames that swap the staged files in
        "fsync",  # making the staged files durable, on the fsync threads, before any rename
    ],
)
def test_full_disk_exits_4_and_the_next_run_repairs(
    site: Site, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """ENOSPC while staging or renaming exits 4, outputs as before, no temp file left.

    Staging fails before the state is touched. The renames come after the
    state was committed: the next run writes the files it describes. Either
    way the move is logged once and its event's SEQUENCE goes up by one.
    """
    site.ok(NOW)
    before, airings = site.files(), site.table("airings")
    site.write(CONFIG + MOVE)

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, failing, full)
        code, _, err = site.publish("2026-01-10T13:00")
    assert code == 4
    assert "No space left on device" in err
    assert site.files() == before
    assert (site.table("airings") == airings) == (failing == "fsync")
    assert not [p for p in site.output.iterdir() if p.name.startswith(".")]
    site.ok("2026-01-10T13:00")
    assert len(feedparser.parse(site.output / "changes.rss").entries) == 1
    _, moved = _event(site.events("dialogue.ics"), "dialogue/20260126T120000Z")
    assert (moved["SEQUENCE"], moved["DTSTART"].dt.hour) == (1, 21)
    assert site.ok("2026-01-10T13:00").startswith("18 files: 0 written")


def test_a_state_that_cannot_be_written_leaves_every_output_as_it_was(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only or full state database: exit 4, and not one file replaced.

    The state is committed before any file is renamed into place; files
    used to be replaced first, then the commit failed, every run again.
    """
    site.ok(NOW)
    before = site.files()
    site.write(CONFIG + MOVE)

    def refused(*_args: object, **_kwargs: object) -> None:
        message = f"{site.db}: state database: attempt to write a readonly database"
        raise StateError(message, path=str(site.db))

    with monkeypatch.context() as patch:
        patch.setattr(State, "commit", refused)
        code, _, err = site.publish("2026-01-10T13:00")
    assert (code, err) == (4, f"airdates: {site.db}: state database: attempt to write a"
                               " readonly database\n")
    assert site.files() == before
    assert not [p for p in site.output.iterdir() if p.name.startswith(".")]


def test_a_run_that_dies_after_the_renames_never_gives_a_sequence_twice(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calendars may have read SEQUENCE 1 with the move; reverting it must be SEQUENCE 2.

    The state recorded the move before the files were renamed into place, so
    the revert is a change again (with the state behind, it came out as
    SEQUENCE 0, which calendar apps ignore as older).
    """
    site.ok(NOW)
    site.write(CONFIG + MOVE)
    sync_folder = publish_module.files.sync_folder

    def dies(folder: Path) -> None:
        if folder != site.output:
            sync_folder(folder)
            return
        message = f"{folder}: cannot sync: Input/output error"
        raise OutputError(message, path=str(folder))

    with monkeypatch.context() as patch:
        patch.setattr(publish_module.files, "sync_folder", dies)
        assert site.publish("2026-01-10T13:00")[0] == 4
    uid = "dialogue/20260126T120000Z"
    _, moved = _event(site.events("dialogue.ics"), uid)
    assert (moved["SEQUENCE"], moved["DTSTART"].dt.hour) == (1, 21)  # out, for clients to read
    site.write(CONFIG)
    site.ok("2026-01-10T13:30")
    _, back = _event(site.events("dialogue.ics"), uid)
    assert (back["SEQUENCE"], back["DTSTART"].dt.hour) == (2, 20)


def test_a_publish_that_waited_for_the_lock_reads_a_changed_config_again(site: Site) -> None:
    """The config changed while the lock was held elsewhere: that publish reads it again.

    It had read the config before waiting: publishing that after another run
    published the newer one undid it (the old title back, SEQUENCE 2), until
    the run after flipped it again.
    """
    site.ok(NOW)
    snapshot = Snapshot(str(site.config))
    old, _ = load_site(str(site.config))
    site.write(CONFIG.replace('title = "Dialogue"', 'title = "Dialogue Live"'))
    taken, release = threading.Event(), threading.Event()

    def another_publish() -> None:
        with held(site.db.parent, 0):
            taken.set()
            release.wait(10)

    holder = threading.Thread(target=another_publish)
    holder.start()
    taken.wait(10)
    threading.Timer(0.3, release.set).start()
    try:
        with pytest.raises(InputsChanged):
            publish_module.publish(
                old, now=parse_time("2026-01-10T12:30", old.timezone, source="test"),
                inputs=snapshot, wait=10,
            )
    finally:
        release.set()
        holder.join()
    assert "Dialogue Live" not in (site.output / "dialogue.ics").read_text()
    calls: list[str] = []
    publish = publish_module.publish

    def changed_once(*args: object, **kwargs: object) -> object:
        calls.append(str(args[0].shows[1].title))  # type: ignore[attr-defined]
        if len(calls) == 1:
            raise InputsChanged
        return publish(*args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publish_module, "publish", changed_once)
        site.ok("2026-01-10T12:30")
    assert calls == ["Dialogue Live", "Dialogue Live"]  # read again, and published
    assert "Dialogue Live" in (site.output / "dialogue.ics").read_text()


def test_a_dry_run_reads_a_state_folder_it_may_not_write_to(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state folder made read-only (or one SQLite may not add its -shm file to) is still read.

    The dry run's copy of the state opened it for writing, to tidy up
    after itself, and exited 4 ("unable to open database file").
    """
    site.ok(NOW)
    site.write(CONFIG + MOVE)
    connect = state_module._connect

    def no_writing(target: str, *, uri: bool = False) -> sqlite3.Connection:
        if "mode=rw" in target:
            message = "unable to open database file"
            raise sqlite3.OperationalError(message)
        return connect(target, uri=uri)

    with monkeypatch.context() as patch:
        patch.setattr(state_module, "_connect", no_writing)
        code, out, err = site.publish("2026-01-10T13:00", "--dry-run")
    assert (code, err) == (0, "")
    assert "would write dialogue.ics" in out  # the move, against the state as published
    assert "would write lets-meet.ics" not in out


def test_dry_run_lists_changes_and_writes_nothing(site: Site) -> None:
    """``--dry-run`` prints what would be written and recorded, and changes no file or state."""
    site.ok(NOW)
    before, publishes = site.files(), site.table("publishes")
    state_folder = {p.name: p.read_bytes() for p in site.db.parent.iterdir() if p.is_file()}
    site.write(CONFIG + CANCEL)
    code, out, _ = site.publish("2026-01-10T13:00", "--dry-run")
    assert code == 0
    assert "would write dialogue.ics" in out
    assert "cancelled" in out
    assert out.rstrip().endswith("(dry run)")
    assert site.files() == before
    # Not even SQLite's -wal and -shm files are left behind.
    assert {p.name: p.read_bytes() for p in site.db.parent.iterdir() if p.is_file()} == state_folder
    assert site.table("publishes") == publishes


def test_verbose_lists_files_written(site: Site) -> None:
    """``-v`` prints a line per file written, on stderr; without it only the summary."""
    code, out, err = site.publish(NOW, "-v")
    assert code == 0
    assert "wrote lets-meet.ics" in err.splitlines()
    assert len(out.splitlines()) == 1
    site.write(CONFIG + CANCEL)
    code, out, err = site.publish("2026-01-10T13:00")
    assert (code, err, len(out.splitlines())) == (0, "", 1)


def test_lock_held_elsewhere_exits_3_with_wait_0(site: Site) -> None:
    """While another publish holds the lock, ``--wait 0`` gives up at once with exit 3."""
    site.ok(NOW)
    with held(site.db.parent, 0):
        code, _, err = site.publish("2026-01-10T13:00", "--wait", "0")
    assert code == 3
    assert "lock" in err


def _run(site: Site, now: str, *extra: str) -> subprocess.Popen[str]:
    command = [AIRDATES, "publish", "-c", str(site.config), "--now", now, *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603


def test_installed_command_two_publishes_at_once(site: Site) -> None:
    """Two publishes started together both finish, one after the other, with whole outputs."""
    runs = [_run(site, NOW), _run(site, NOW)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0, 0], results
    written = sorted(int(out.split(":")[1].split()[0]) for _, out, _ in results)
    assert written[0] == 0
    assert written[1] == len(site.files())
    for name in site.files():
        if name.endswith(".ics"):
            icalendar.Calendar.from_ical((site.output / name).read_bytes())
    with sqlite3.connect(site.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM publishes").fetchone() == (2,)


def test_installed_command_exit_codes(site: Site) -> None:
    """The installed command exits 0 on success, 3 when the lock stays busy, 1 on bad config."""
    first = _run(site, NOW)
    assert first.wait(timeout=120) == 0
    with held(site.db.parent, 0):
        busy = _run(site, NOW, "--wait", "0")
        assert busy.wait(timeout=120) == 3
    site.write("[site\n")
    broken = _run(site, NOW)
    assert broken.wait(timeout=120) == 1
    _, err = broken.communicate()
    assert "Traceback" not in err


def _parsers() -> dict[str, Callable[[bytes], object]]:
    return {
        ".ics": icalendar.Calendar.from_ical,
        ".rss": feedparser.parse,
        ".atom": feedparser.parse,
    }


def test_outputs_parse_after_publish(site: Site) -> None:
    """Every calendar and feed a publish writes is accepted by icalendar and feedparser."""
    site.ok(NOW)
    for path in site.output.iterdir():
        parse = _parsers().get(path.suffix)
        if parse is not None:
            result = parse(path.read_bytes())
            assert not getattr(result, "bozo", False), path.name
