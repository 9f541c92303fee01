"""changes.rss and changes.atom: subscribers learn of every schedule change, newest first."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from feeds.edition import Edition, ScheduleChange
from feeds.registry import renderer
from tests.factories import make_edition, make_site
from tests.golden import assert_golden
from tests.hostile import HOSTILE, expected

GOLDEN = Path(__file__).parent / "golden"
BASE = "https://feeds.example.org/cqtv/"
NAMES = ("changes-rss", "changes-atom")


def change(number: int, kind: str, airing: str, recorded: datetime, text: str) -> ScheduleChange:
    """Return one change-log entry of Let's Meet."""
    return ScheduleChange(
        number=number,
        kind=kind,
        airing=airing,
        show="lets-meet",  # type: ignore[arg-type]
        recorded=recorded,
        text=text,
    )


# Texts as the publisher words them: they name the show themselves.
CHANGES = (
    change(
        3,
        "moved",
        "lets-meet/20260218T100000Z",
        datetime(2026, 2, 10, 3, 5, tzinfo=UTC),
        "Let's Meet · Ep. 180 moved from Wed 18 Feb 2026 18:00 to Thu 19 Feb 2026 20:00",
    ),
    change(
        2,
        "cancelled",
        "lets-meet/20260221T100000Z",
        datetime(2026, 2, 10, 3, 5, tzinfo=UTC),
        "Let's Meet · Ep. 181 on Sat 21 Feb 2026 18:00 cancelled: Spring Festival Gala",
    ),
    change(
        1,
        "retitled",
        "lets-meet/20260110T100000Z",
        datetime(2026, 1, 5, 8, 0, tzinfo=UTC),
        "Let's Meet · Ep. 175 on Sat 10 Jan 2026 18:00 retitled from “Hotpot” to “Hotpot & <Friends>”",
    ),
)

TITLES = [
    "Let's Meet · Ep. 180 moved from Wed 18 Feb 2026 18:00 to Thu 19 Feb 2026 20:00",
    "Let's Meet · Ep. 181 on Sat 21 Feb 2026 18:00 cancelled: Spring Festival Gala",
    "Let's Meet · Ep. 175 on Sat 10 Jan 2026 18:00 retitled from “Hotpot” to “Hotpot & <Friends>”",
]


def log_edition(
    changes: tuple[ScheduleChange, ...] = CHANGES,
    now: datetime | None = None,
    **site_overrides: Any,
) -> Edition:
    """Return the network edition carrying the change log."""
    site = make_site(**site_overrides)
    return make_edition(site, (), now or datetime(2026, 2, 11, tzinfo=UTC), changes=changes)


def parse(name: str, edition: Edition) -> Any:
    """Render the change log in ``name`` and parse it as a feed reader does."""
    body = renderer(name).render(edition)
    etree.fromstring(body)
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def instant(parsed: Any) -> datetime:
    """Return a feedparser ``*_parsed`` time (UTC) as an aware datetime."""
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


@pytest.mark.parametrize("name", NAMES)
def test_change_log_lists_changes_newest_first(name: str) -> None:
    """Readers see one entry per change, newest first, titled by show and what changed."""
    parsed = parse(name, log_edition())
    assert [e.title for e in parsed.entries] == TITLES
    assert [instant(e.published_parsed) for e in parsed.entries] == [c.recorded for c in CHANGES]
    assert [e.link for e in parsed.entries] == [BASE + "lets-meet.html"] * 3
    assert [e.tags[0].term for e in parsed.entries] == ["moved", "cancelled", "retitled"]


@pytest.mark.parametrize("name", NAMES)
def test_change_log_order_does_not_depend_on_input_order(name: str) -> None:
    """Changes handed over oldest first still come out newest first."""
    parsed = parse(name, log_edition(tuple(reversed(CHANGES))))
    assert [e.title for e in parsed.entries] == TITLES


@pytest.mark.parametrize("name", NAMES)
def test_change_ids_are_stable_and_unique(name: str) -> None:
    """An entry keeps its id when newer changes are logged, so readers never show it twice."""
    before = parse(name, log_edition(CHANGES[1:]))
    newer = change(
        4,
        "added",
        "lets-meet/20260301T100000Z",
        datetime(2026, 2, 20, tzinfo=UTC),
        "Let's Meet · Ep. 182 added on Sun 1 Mar 2026 18:00",
    )
    after = parse(name, log_edition((newer, *CHANGES), now=datetime(2026, 2, 21, tzinfo=UTC)))
    before_ids = [e.id for e in before.entries]
    after_ids = [e.id for e in after.entries]
    assert after_ids[2:] == before_ids
    assert len(set(after_ids)) == len(after_ids)
    assert (
        after_ids[1] == "tag:feeds.example.org,2026-02-10:cqtv/changes/3/lets-meet/20260218T100000Z"
    )


def test_change_log_feeds_say_where_they_live() -> None:
    """Each change-log feed links to itself, the hub and the schedule page, and is dated by its newest change."""
    edition = log_edition(hub="https://hub.example.org/")
    for name, suffix in (("changes-rss", "rss"), ("changes-atom", "atom")):
        feed = parse(name, edition).feed
        links = {link["rel"]: link["href"] for link in feed.links}
        assert links["self"] == f"{BASE}changes.{suffix}"
        assert links["hub"] == "https://hub.example.org/"
        assert links["alternate"] == BASE + "index.html"
        assert instant(feed.updated_parsed) == datetime(2026, 2, 10, 3, 5, tzinfo=UTC)
    atom = parse("changes-atom", edition).feed
    assert atom.id == "tag:feeds.example.org,2026:cqtv/changes"
    assert atom.author_detail.name == "Chongqing Satellite TV — international programmes"


@pytest.mark.parametrize("name", NAMES)
def test_empty_change_log_is_valid_and_does_not_follow_the_clock(name: str) -> None:
    """Before the first change, the log is a valid empty feed that stays byte-identical between runs."""
    first = renderer(name).render(log_edition(()))
    assert first == renderer(name).render(log_edition((), now=datetime(2026, 5, 1, tzinfo=UTC)))
    parsed = parse(name, log_edition(()))
    assert parsed.entries == []


@pytest.mark.parametrize("name", NAMES)
def test_change_log_is_capped_at_feed_items(name: str) -> None:
    """Years of changes do not grow the feed past feed_items entries."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    many = tuple(
        change(
            n,
            "added",
            f"lets-meet/2026{n:04d}T100000Z",
            start + timedelta(hours=n),
            f"Ep. {n} added",
        )
        for n in range(1, 31)
    )
    parsed = parse(name, log_edition(many, feed_items=10))
    assert [e.title for e in parsed.entries] == [
        f"Let's Meet: Ep. {n} added" for n in range(30, 20, -1)
    ]


@pytest.mark.parametrize("key", HOSTILE)
@pytest.mark.parametrize("name", NAMES)
def test_change_text_survives(name: str, key: str) -> None:
    """A change naming a hostile episode title reads back as typed, less the characters XML cannot carry."""
    text = HOSTILE[key]
    edition = log_edition((replace(CHANGES[0], text=text),))
    entry = parse(name, edition).entries[0]
    assert entry.title == expected(f"Let's Meet: {text}").strip()


@pytest.mark.parametrize("name", NAMES)
def test_change_text_without_the_show_gets_it_in_the_title(name: str) -> None:
    """A change text that does not name its show is titled with the show in front."""
    parsed = parse(name, log_edition((replace(CHANGES[0], text="Ep. 180 moved"),)))
    assert parsed.entries[0].title == "Let's Meet: Ep. 180 moved"
    assert parsed.entries[0].summary == "<p>Ep. 180 moved</p>"


def test_change_of_a_removed_show_names_its_id() -> None:
    """A change of a show that left the config still renders, named by its id.

    Its page is gone with it: the entry links to the index page.
    """
    gone = replace(
        CHANGES[0],
        show="old-show",
        airing="old-show/20260218T100000Z",
        text="Ep. 3 removed",
        kind="removed",
    )
    entry = parse("changes-rss", log_edition((gone,))).entries[0]
    assert entry.title == "old-show: Ep. 3 removed"
    assert entry.link == BASE + "index.html"


@pytest.mark.parametrize(("name", "suffix"), [("changes-rss", "rss"), ("changes-atom", "atom")])
def test_change_log_matches_its_golden_file(name: str, suffix: str) -> None:
    """The change log is byte-for-byte the reviewed file."""
    body = renderer(name).render(log_edition(hub="https://hub.example.org/"))
    assert_golden(GOLDEN / suffix / f"changes.{suffix}", body)
