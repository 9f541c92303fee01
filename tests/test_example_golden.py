"""The bundled example, published at a fixed moment, byte for byte as reviewed and as parsers read it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import icalendar
import pytest
from lxml import etree

from publisher.cli import main
from tests.golden import ROOT, assert_golden

EXAMPLE = Path(__file__).parent.parent / "examples" / "lets-meet"
GOLDEN = ROOT / "example"
NOW = "2026-01-05T12:00"  # a Monday: episode 173 has aired, 174 is next
FILES = ["lets-meet.ics", "schedule.ics", "lets-meet.rss", "all.atom", "lets-meet.json", "xmltv.xml",
         "lets-meet.html", "index.html"]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Publish a copy of the example, with fresh state, at NOW; return the output folder."""
    folder = tmp_path_factory.mktemp("example")
    for name in ("airdates.toml", "lets-meet-episodes.csv"):
        shutil.copy(EXAMPLE / name, folder / name)
    assert main(["publish", "-c", str(folder / "airdates.toml"), "--now", NOW]) == 0
    return folder / "public"


@pytest.mark.parametrize("name", FILES)
def test_example_output_matches_its_golden_file(published: Path, name: str) -> None:
    """Each published file of the example is byte for byte the reviewed one."""
    assert_golden(GOLDEN / name, (published / name).read_bytes())


def test_example_calendar_reads_as_the_seed_says(published: Path) -> None:
    """The icalendar parser finds episode 173 on 2026-01-03 18:00 Shanghai time, with its title."""
    calendar = icalendar.Calendar.from_ical((GOLDEN / "lets-meet.ics").read_bytes())
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    event = events["lets-meet/20260103T100000Z"]
    assert event.decoded("DTSTART").isoformat() == "2026-01-03T18:00:00+08:00"
    assert str(event["SUMMARY"]) == "Let's Meet · Ep. 173: Global Youth Envoys Gather in Chongqing"
    assert str(event["LOCATION"]) == "Chongqing Satellite TV"


def test_example_feeds_parse_cleanly(published: Path) -> None:
    """feedparser reads the golden feeds without complaint, newest aired episode first."""
    for name in ("lets-meet.rss", "all.atom"):
        feed = feedparser.parse((GOLDEN / name).read_bytes())
        assert feed.bozo == 0, (name, feed.get("bozo_exception"))
        assert feed.entries
    rss = feedparser.parse((GOLDEN / "lets-meet.rss").read_bytes())
    assert rss.entries[0].title == "Let's Meet · Ep. 173: Global Youth Envoys Gather in Chongqing"
    items = json.loads((GOLDEN / "lets-meet.json").read_bytes())["items"]
    assert items[0]["id"] == rss.entries[0].id


def test_example_guide_and_pages_are_well_formed(published: Path) -> None:
    """The golden guide is well-formed XML and the pages parse as HTML."""
    etree.fromstring((GOLDEN / "xmltv.xml").read_bytes(), etree.XMLParser(resolve_entities=False))
    for name in ("index.html", "lets-meet.html"):
        assert b"Let&#39;s Meet" in (GOLDEN / name).read_bytes() or b"Let's Meet" in (GOLDEN / name).read_bytes()


def test_an_empty_change_log_is_dated_by_the_first_publish(published: Path) -> None:
    """Before any change, changes.atom and changes.rss carry the first publish's time, not 1970."""
    for name in ("changes.atom", "changes.rss"):
        feed = feedparser.parse((published / name).read_bytes())
        assert feed.bozo == 0
        assert feed.entries == []
        stamp = feed.feed.get("updated_parsed") or feed.feed.get("published_parsed")
        assert tuple(stamp[:5]) == (2026, 1, 5, 4, 0), name  # NOW, 12:00 in Shanghai
