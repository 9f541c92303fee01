"""RSS 2.0, Atom 1.0 and JSON Feed 1.1: what feed readers see in airdates' feeds."""

from __future__ import annotations

import calendar
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import jsonschema
import pytest
from feedgen.feed import FeedGenerator
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.atom import atom_document
from feeds.changelog import change_entries, changes_head
from feeds.edition import Edition, Revision
from feeds.entries import Author, Entry, Head, airing_entries, airing_head
from feeds.registry import renderer
from feeds.rss import rss_document
from feeds.text import xml_safe
from schedule.site import Segment, Show
from tests.factories import SHANGHAI, lets_meet_173, make_airing, make_edition, make_show, make_site
from tests.golden import assert_golden
from tests.hostile import HOSTILE
from tests.test_feeds_hostile import hostile_edition

if TYPE_CHECKING:
    from schedule.airing import Airing

GOLDEN = Path(__file__).parent / "golden"
NEW_YORK = ZoneInfo("America/New_York")
BASE = "https://feeds.example.org/cqtv/"
FEED_FORMATS = ("rss", "atom")

# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), written down by hand:
# the top-level and item fields that spec requires, and the types of the
# optional ones airdates fills in.
_AUTHORS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
    },
}
JSON_FEED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string"},
        "feed_url": {"type": "string"},
        "description": {"type": "string"},
        "icon": {"type": "string"},
        "language": {"type": "string"},
        "authors": _AUTHORS,
        "hubs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "url"],
                "properties": {"type": {"type": "string"}, "url": {"type": "string"}},
            },
        },
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string"},
                    "url": {"type": "string"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "authors": _AUTHORS,
                },
            },
        },
    },
}


# ---------------------------------------------------------------- the edition


def night_owl() -> Show:
    """Return an online-only show in New York: no channel, no link of its own."""
    return make_show(
        id="night-owl",
        title="Night Owl",
        timezone=NEW_YORK,
        channel=None,
        link=None,
        description="",
        categories=("Talk",),
        also_on=(),
    )


def lets_meet_airings(show: Show) -> tuple[Airing, ...]:
    """Return a fortnight of Let's Meet: premieres, a special, a rerun, a cancellation, a future one."""
    return (
        make_airing(
            show,
            datetime(2026, 1, 1, 20, 0),
            title="New Year Special",
            extra=True,
            summary="Fireworks over the Yangtze.",
            end=datetime(2026, 1, 1, 21, 0, tzinfo=SHANGHAI),
        ),
        lets_meet_173(show),
        make_airing(show, datetime(2026, 1, 4, 18, 0), rerun=True, rerun_of=173),
        make_airing(
            show,
            datetime(2026, 1, 7, 18, 0),
            episode=174,
            title="Crafting the Future",
            summary="Young makers in Jiefangbei.",
            link="https://cqtv.example.org/lets-meet/174",
            segments=(Segment(title="Dialogue"),),
        ),
        make_airing(show, datetime(2026, 1, 10, 18, 0), status="cancelled", reason="Football"),
        make_airing(show, datetime(2026, 1, 14, 18, 0), episode=175),
    )


NOW = datetime(2026, 1, 10, 20, 0, tzinfo=SHANGHAI)
# When the publisher last saw each airing change: most long before they aired,
# Ep. 174 edited after it aired (the newest change of the feed).
CHANGED = {
    "lets-meet/20260101T120000Z": datetime(2025, 12, 1, 8, 0, tzinfo=UTC),
    "lets-meet/20260103T100000Z": datetime(2025, 12, 20, 2, 0, tzinfo=UTC),
    "lets-meet/20260107T100000Z": datetime(2026, 1, 8, 9, 15, tzinfo=UTC),
    "night-owl/20260106T020000Z": datetime(2025, 12, 30, 0, 0, tzinfo=UTC),
}


def revisions(airings: tuple[Airing, ...]) -> dict[str, Revision]:
    """Return the revisions of CHANGED, and an old one for every other airing."""
    old = datetime(2025, 11, 1, tzinfo=UTC)
    return {
        a.uid: Revision(sequence=1 if a.uid in CHANGED else 0, changed=CHANGED.get(a.uid, old))
        for a in airings
    }


def show_edition(now: datetime = NOW, **site_overrides: Any) -> Edition:
    """Return the Let's Meet feed's edition as of ``now``."""
    site = make_site(**site_overrides)
    airings = lets_meet_airings(site.shows[0])
    return make_edition(site, airings, now, show=site.shows[0], revisions=revisions(airings))


def network_edition(now: datetime = NOW, **site_overrides: Any) -> Edition:
    """Return the network feed's edition: Let's Meet and Night Owl."""
    site = make_site(shows=(make_show(), night_owl()), **site_overrides)
    owl = make_airing(
        site.shows[1], datetime(2026, 1, 5, 21, 0), episode=12, title="Insomnia & <Jazz>"
    )
    airings = (*lets_meet_airings(site.shows[0]), owl)
    return make_edition(site, airings, now, revisions=revisions(airings))


def render(name: str, edition: Edition) -> bytes:
    """Render ``edition`` through the registry, as the publisher does."""
    return renderer(name).render(edition)


def instant(parsed: Any) -> datetime:
    """Return a feedparser ``*_parsed`` time (UTC) as an aware datetime."""
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def expected_updated(airing: Airing) -> datetime:
    """Return an entry's update time: its last change, never before it aired."""
    return max(CHANGED.get(airing.uid, datetime(2025, 11, 1, tzinfo=UTC)), airing.start)


def link_of(links: list[Any], rel: str) -> str | None:
    """Return the href of the first link with relation ``rel``."""
    return next((link["href"] for link in links if link.get("rel") == rel), None)


# ---------------------------------------------------------------- RSS and Atom


@pytest.mark.parametrize("name", FEED_FORMATS)
def test_feed_parses_without_errors_and_is_well_formed(name: str) -> None:
    """A feed reader parses the show feed and the network feed without complaint."""
    for edition in (show_edition(), network_edition(hub="https://hub.example.org/")):
        body = render(name, edition)
        etree.fromstring(body)  # well-formed XML, or lxml raises
        parsed = feedparser.parse(body)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.version == ("rss20" if name == "rss" else "atom10")


@pytest.mark.parametrize("name", FEED_FORMATS)
def test_entries_are_the_aired_premieres_newest_first(name: str) -> None:
    """Readers list Ep. 174, Ep. 173 and the special, with their ids, titles, links and air times."""
    edition = show_edition()
    entries = feedparser.parse(render(name, edition)).entries
    assert [e.title for e in entries] == [
        "Let's Meet · Ep. 174: Crafting the Future",
        "Let's Meet · Ep. 173: Global Youth Envoys Gather in Chongqing",
        "Let's Meet · New Year Special",
    ]
    assert [e.id for e in entries] == [
        "tag:feeds.example.org,2026-01-07:cqtv/lets-meet/20260107T100000Z",
        "tag:feeds.example.org,2026-01-03:cqtv/lets-meet/20260103T100000Z",
        "tag:feeds.example.org,2026-01-01:cqtv/lets-meet/20260101T120000Z",
    ]
    assert [e.link for e in entries] == [
        "https://cqtv.example.org/lets-meet/174",  # the episode's own link
        "https://cqtv.example.org/lets-meet/",  # else the show's
        "https://cqtv.example.org/lets-meet/",
    ]
    assert [instant(e.published_parsed) for e in entries] == [a.start for a in edition.recent]


def test_rss_guids_are_not_permalinks() -> None:
    """RSS readers are told the guid is an identifier, not a URL to open."""
    channel = etree.fromstring(render("rss", show_edition())).find("channel")
    guids = channel.findall("item/guid")
    assert len(guids) == 3
    assert {g.get("isPermaLink") for g in guids} == {"false"}


def test_rss_pub_date_is_the_start_with_a_numeric_zone() -> None:
    """The pubDate is RFC 822 with the show's own numeric offset, so every reader gets the instant."""
    edition = show_edition()
    channel = etree.fromstring(render("rss", edition)).find("channel")
    dates = [item.findtext("pubDate") for item in channel.findall("item")]
    assert dates[1] == "Sat, 03 Jan 2026 18:00:00 +0800"
    assert [parsedate_to_datetime(d) for d in dates] == [a.start for a in edition.recent]


def test_rss_channel_says_where_it_lives_and_how_often_to_look() -> None:
    """The channel carries its self link, language, ttl from refresh, and lastBuildDate of the newest change."""
    edition = show_edition(refresh=timedelta(minutes=90), language="en-GB")
    feed = feedparser.parse(render("rss", edition)).feed
    assert link_of(feed.links, "self") == BASE + "lets-meet.rss"
    assert feed.link == "https://cqtv.example.org/lets-meet/"
    assert feed.ttl == "90"
    assert feed.language == "en-GB"
    assert feed.generator == "airdates"
    # Ep. 174 was edited on 8 Jan, after every airing in the feed started.
    assert instant(feed.updated_parsed) == datetime(2026, 1, 8, 9, 15, tzinfo=UTC)


def test_rss_items_name_the_channel_and_categories() -> None:
    """Each item carries the show's categories and its channel, as category and creator."""
    entry = feedparser.parse(render("rss", show_edition())).entries[1]
    assert [t.term for t in entry.tags] == ["Culture", "Chongqing Satellite TV"]
    assert entry.author == "Chongqing Satellite TV"


def test_rss_content_encoded_carries_the_description() -> None:
    """Readers that prefer content:encoded get the summary, segments and platforms as HTML."""
    entry = feedparser.parse(render("rss", show_edition())).entries[1]
    html = entry.content[0].value
    assert entry.content[0].type == "text/html"
    for text in (
        "Nearly 200 youth representatives",
        "Bridging News",
        "Yue-Sai Kan",
        "Also on: WeChat Channels",
        'href="https://youtube.example.org/letsmeet"',
        "Aired Sat 3 Jan 2026 18:00 (UTC+08:00) on Chongqing Satellite TV.",
    ):
        assert text in html
    assert entry.summary == html


def test_rss_image_follows_the_show() -> None:
    """A show with an image gets an RSS image that links back to the show."""
    site = make_site()
    show = replace(site.shows[0], image="https://cqtv.example.org/lets-meet.png")
    edition = replace(show_edition(), show=show)
    feed = feedparser.parse(render("rss", edition)).feed
    assert feed.image.href == "https://cqtv.example.org/lets-meet.png"
    assert feed.image.link == "https://cqtv.example.org/lets-meet/"


def test_atom_feed_has_id_author_links_and_updated() -> None:
    """An Atom reader finds a tag: id, the channel as author, self and alternate links, and the newest change."""
    parsed = feedparser.parse(render("atom", show_edition(language="zh-Hans")))
    feed = parsed.feed
    assert feed.id == "tag:feeds.example.org,2026:cqtv/lets-meet"
    assert feed.author_detail.name == "Chongqing Satellite TV"
    assert link_of(feed.links, "self") == BASE + "lets-meet.atom"
    assert link_of(feed.links, "alternate") == "https://cqtv.example.org/lets-meet/"
    assert feed.language == "zh-Hans"
    assert instant(feed.updated_parsed) == datetime(2026, 1, 8, 9, 15, tzinfo=UTC)


def test_atom_entries_have_published_updated_content_and_categories() -> None:
    """Each Atom entry says when it aired, when it last changed, and carries HTML content and categories."""
    edition = show_edition()
    entries = feedparser.parse(render("atom", edition)).entries
    for entry, airing in zip(entries, edition.recent, strict=True):
        assert datetime.fromisoformat(entry.published) == airing.start
        assert datetime.fromisoformat(entry.published).utcoffset() == timedelta(hours=8)
        assert instant(entry.updated_parsed) == expected_updated(airing)
        assert entry.content[0].type == "text/html"
        assert [t.term for t in entry.tags] == ["Culture", "Chongqing Satellite TV"]
        assert entry.author_detail.name == "Chongqing Satellite TV"


def test_feed_ids_do_not_depend_on_the_run() -> None:
    """The Atom feed id is the same in any year it is published."""
    later = feedparser.parse(render("atom", show_edition(now=datetime(2031, 6, 1, tzinfo=UTC))))
    assert later.feed.id == "tag:feeds.example.org,2026:cqtv/lets-meet"


def test_network_feed_mixes_shows_and_links_each_to_its_show() -> None:
    """all.rss holds both shows' premieres newest first; a show without a link points at its page."""
    edition = network_edition()
    for name in FEED_FORMATS:
        parsed = feedparser.parse(render(name, edition))
        assert parsed.feed.title == "Chongqing Satellite TV — international programmes"
        assert link_of(parsed.feed.links, "self") == BASE + "all." + name
        titles = [e.title for e in parsed.entries]
        assert titles[1] == "Night Owl · Ep. 12: Insomnia & <Jazz>"
        owl = parsed.entries[1]
        assert owl.link == BASE + "night-owl.html"
        assert [t.term for t in owl.tags] == ["Talk"]
        assert [instant(e.published_parsed) for e in parsed.entries] == [
            a.start for a in edition.recent
        ]


@pytest.mark.parametrize("name", FEED_FORMATS)
def test_hub_is_advertised_when_set(name: str) -> None:
    """With a WebSub hub, RSS and Atom readers find rel=hub and rel=self links; without one, no hub link."""
    with_hub = feedparser.parse(render(name, show_edition(hub="https://hub.example.org/")))
    assert link_of(with_hub.feed.links, "hub") == "https://hub.example.org/"
    assert link_of(with_hub.feed.links, "self") == f"{BASE}lets-meet.{name}"
    without = feedparser.parse(render(name, show_edition()))
    assert link_of(without.feed.links, "hub") is None


# ---------------------------------------------------------------- JSON Feed


def test_json_feed_matches_the_spec_and_the_airings() -> None:
    """A JSON Feed reader gets the required fields, ids, titles, links and dates of each premiere."""
    edition = show_edition(hub="https://hub.example.org/")
    feed = json.loads(render("json", edition))
    jsonschema.validate(feed, JSON_FEED_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert feed["feed_url"] == BASE + "lets-meet.json"
    assert feed["home_page_url"] == "https://cqtv.example.org/lets-meet/"
    assert feed["language"] == "en"
    assert feed["authors"] == [
        {"name": "Chongqing Satellite TV", "url": "https://cqtv.example.org/"}
    ]
    assert feed["hubs"] == [{"type": "WebSub", "url": "https://hub.example.org/"}]
    items = feed["items"]
    assert [i["title"] for i in items][:2] == [
        "Let's Meet · Ep. 174: Crafting the Future",
        "Let's Meet · Ep. 173: Global Youth Envoys Gather in Chongqing",
    ]
    for item, airing in zip(items, edition.recent, strict=True):
        assert item["id"].endswith(":cqtv/" + airing.uid)
        assert datetime.fromisoformat(item["date_published"]) == airing.start
        assert datetime.fromisoformat(item["date_modified"]) == expected_updated(airing)
        assert item["tags"] == ["Culture", "Chongqing Satellite TV"]
    assert items[0]["url"] == "https://cqtv.example.org/lets-meet/174"


def test_json_feed_without_hub_or_entries_is_still_valid() -> None:
    """A show that has not aired yet still gets a valid, empty JSON Feed without hubs."""
    feed = json.loads(render("json", replace(show_edition(), recent=())))
    jsonschema.validate(feed, JSON_FEED_SCHEMA)
    assert feed["items"] == []
    assert "hubs" not in feed


# ---------------------------------------------------------------- ids, time, determinism


@pytest.mark.parametrize("name", ("rss", "atom", "json"))
def test_same_entries_at_another_time_give_the_same_bytes(name: str) -> None:
    """Republishing later with nothing new gives byte-identical files: no run time inside."""
    first = render(name, show_edition(now=NOW))
    later = render(name, show_edition(now=NOW + timedelta(hours=20)))
    assert show_edition(now=NOW + timedelta(hours=20)).recent == show_edition(now=NOW).recent
    assert first == later
    assert render(name, show_edition(now=NOW)) == first


@pytest.mark.parametrize("name", ("rss", "atom", "json"))
def test_empty_feed_is_dated_by_the_schedule_not_the_run(name: str) -> None:
    """A feed with no entries yet carries the newest recorded change of its airings, whatever the run time."""
    early = show_edition(now=datetime(2025, 12, 25, tzinfo=UTC))
    assert early.recent == ()
    body = render(name, early)
    assert body == render(name, replace(early, now=datetime(2025, 12, 26, tzinfo=UTC)))
    if name == "json":
        return
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0
    assert instant(parsed.feed.updated_parsed) == datetime(2026, 1, 8, 9, 15, tzinfo=UTC)


def test_empty_feed_with_nothing_recorded_is_dated_at_a_fixed_point() -> None:
    """With no airings at all, the Atom feed is still valid and its date never follows the clock."""
    edition = replace(show_edition(), recent=(), window=(), revisions={})
    body = render("atom", edition)
    assert body == render("atom", replace(edition, now=NOW + timedelta(days=3)))
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0
    assert instant(parsed.feed.updated_parsed) == datetime(1970, 1, 1, tzinfo=UTC)


def test_moved_airing_keeps_its_guid() -> None:
    """Moving an episode keeps its guid in every format, so readers do not show it twice."""
    edition = show_edition()
    first = edition.recent[0]
    moved = replace(
        first,
        start=first.start + timedelta(hours=2),
        end=first.end + timedelta(hours=2),
        moved_from=first.start,
    )
    after = replace(edition, recent=(moved, *edition.recent[1:]))
    for name in FEED_FORMATS:
        before_ids = [e.id for e in feedparser.parse(render(name, edition)).entries]
        after_ids = [e.id for e in feedparser.parse(render(name, after)).entries]
        assert before_ids == after_ids
    assert json.loads(render("json", after))["items"][0]["id"] == before_ids[0]


def test_every_format_uses_one_id_per_airing() -> None:
    """RSS guid, Atom id and JSON Feed id of an airing are the same string."""
    edition = show_edition()
    rss_ids = [e.id for e in feedparser.parse(render("rss", edition)).entries]
    atom_ids = [e.id for e in feedparser.parse(render("atom", edition)).entries]
    json_ids = [i["id"] for i in json.loads(render("json", edition))["items"]]
    assert rss_ids == atom_ids == json_ids


def test_spring_forward_airing_shows_the_resolved_instant_and_offset() -> None:
    """An airing at 02:30 on New York's spring-forward day appears at 03:30 -04:00 everywhere."""
    site = make_site(shows=(night_owl(),))
    show = site.shows[0]
    # 02:30 does not exist on 8 March 2026; the rules engine resolves it to 03:30 EDT.
    start = datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)
    airing = make_airing(show, start, episode=20)
    edition = make_edition(site, (airing,), datetime(2026, 3, 9, tzinfo=UTC), show=show)
    rss = feedparser.parse(render("rss", edition)).entries[0]
    assert rss.published == "Sun, 08 Mar 2026 03:30:00 -0400"
    assert instant(rss.published_parsed) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    atom = feedparser.parse(render("atom", edition)).entries[0]
    assert atom.published == "2026-03-08T03:30:00-04:00"
    item = json.loads(render("json", edition))["items"][0]
    assert item["date_published"] == "2026-03-08T03:30:00-04:00"
    assert "Aired Sun 8 Mar 2026 03:30 (UTC-04:00)" in item["content_html"]


def test_registry_names_the_feed_files() -> None:
    """The publisher finds each feed format by name with its media type and file names."""
    assert renderer("rss").file_name("lets-meet") == "lets-meet.rss"
    assert renderer("atom").file_name(None) == "all.atom"
    assert renderer("json").media_type == "application/feed+json"
    assert renderer("changes-rss").file_name(None) == "changes.rss"
    assert renderer("changes-atom").file_name(None) == "changes.atom"
    assert not renderer("changes-atom").per_show


# ---------------------------------------------------------------- golden files


@pytest.mark.parametrize(("name", "suffix"), [("rss", "rss"), ("atom", "atom"), ("json", "json")])
def test_show_feed_matches_its_golden_file(name: str, suffix: str) -> None:
    """The Let's Meet feed is byte-for-byte the reviewed file."""
    assert_golden(GOLDEN / name / f"lets-meet.{suffix}", render(name, show_edition()))


@pytest.mark.parametrize(("name", "suffix"), [("rss", "rss"), ("atom", "atom"), ("json", "json")])
def test_network_feed_matches_its_golden_file(name: str, suffix: str) -> None:
    """The network feed with a WebSub hub is byte-for-byte the reviewed file."""
    body = render(name, network_edition(hub="https://hub.example.org/"))
    assert_golden(GOLDEN / name / f"all.{suffix}", body)


# ---------------------------------------------------------------- feedgen as the oracle


def feedgen_rss(head: Head, entries: tuple[Entry, ...]) -> bytes:
    """Build the RSS document from the same values through feedgen's public API."""
    from feedgen.ext.base import BaseEntryExtension, BaseExtension  # noqa: PLC0415 - only the oracle needs it

    class Links(BaseExtension):  # type: ignore[misc]
        hub: str | None = None
        creators = False

        def extend_ns(self) -> dict[str, str]:
            return {"dc": "http://purl.org/dc/elements/1.1/"} if self.creators else {}

        def extend_rss(self, feed: Any) -> Any:
            if self.hub is not None:  # feedgen writes only the self link into RSS
                self_link = feed.find("channel").find("{http://www.w3.org/2005/Atom}link")
                self_link.addnext(
                    etree.Element("{http://www.w3.org/2005/Atom}link", href=self.hub, rel="hub")
                )
            return feed

    class Creator(BaseEntryExtension):  # type: ignore[misc]
        creator = ""

        def extend_rss(self, item: Any) -> Any:
            etree.SubElement(item, "{http://purl.org/dc/elements/1.1/}creator").text = self.creator
            return item

    feed = FeedGenerator()
    feed.register_extension("airdates", Links, Creator, atom=False)
    feed.airdates.hub, feed.airdates.creators = head.hub, bool(entries)
    feed.title(head.title)
    feed.description(head.description)
    feed.link(href=head.self_url, rel="self", type="application/rss+xml")
    feed.link(href=head.home, rel="alternate")
    feed.language(head.language)
    feed.lastBuildDate(head.updated)
    feed.ttl(head.ttl)
    feed.generator("airdates")
    if head.image:
        feed.image(url=head.image, title=head.title, link=head.home)
    for term in head.categories:
        feed.category(term=term)
    for entry in entries:
        item = feed.add_entry(order="append")
        item.title(entry.title)
        item.link(href=entry.link)
        item.guid(entry.id, permalink=False)
        item.pubDate(entry.published)
        item.description(entry.content_html)
        item.content(entry.content_html)
        for term in entry.tags:
            item.category(term=term)
        item.airdates.creator = (entry.author or head.author).name
    result: bytes = feed.rss_str(pretty=True)
    return result


def feedgen_atom(head: Head, entries: tuple[Entry, ...]) -> bytes:
    """Build the Atom document from the same values through feedgen's public API."""

    def person(author: Author) -> dict[str, str]:
        return {"name": author.name, "uri": author.uri} if author.uri else {"name": author.name}

    feed = FeedGenerator()
    feed.id(head.id)
    feed.title(head.title)
    feed.subtitle(head.description)
    feed.updated(head.updated)
    feed.author(person(head.author))
    feed.link(href=head.home, rel="alternate")
    feed.link(href=head.self_url, rel="self", type="application/atom+xml")
    if head.hub:
        feed.link(href=head.hub, rel="hub")
    feed.language(head.language)
    feed.generator("airdates")
    if head.image:
        feed.logo(head.image)
    for term in head.categories:
        feed.category(term=term)
    for entry in entries:
        item = feed.add_entry(order="append")
        item.id(entry.id)
        item.title(entry.title)
        item.updated(entry.updated)
        item.published(entry.published)
        item.link(href=entry.link, rel="alternate")
        item.content(entry.content_html, type="html")
        for term in entry.tags:
            item.category(term=term)
        if entry.author is not None:
            item.author(person(entry.author))
    result: bytes = feed.atom_str(pretty=True)
    return result


def oracle_cases() -> list[tuple[str, Edition]]:
    """Return editions covering every optional part of a feed, hostile text included."""
    with_image = show_edition(hub="https://hub.example.org/", refresh=timedelta(seconds=90))
    with_image = replace(
        with_image, show=replace(with_image.show, image="https://cqtv.example.org/i.png")
    )
    cases = [
        ("show", show_edition()),
        ("network+hub", network_edition(hub="https://hub.example.org/")),
        ("image", with_image),
        ("empty", replace(show_edition(), recent=())),
        (
            "dst",
            make_edition(
                make_site(shows=(night_owl(),)),
                (make_airing(night_owl(), datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)),),
                datetime(2026, 3, 9, tzinfo=UTC),
            ),
        ),
    ]
    cases += [(f"hostile-{key}", hostile_edition(text)) for key, text in HOSTILE.items()]
    cases += [
        (f"hostile-network-{key}", hostile_edition(text, network=True))
        for key, text in HOSTILE.items()
    ]
    return cases


@pytest.mark.parametrize(("case", "edition"), oracle_cases(), ids=[c for c, _ in oracle_cases()])
def test_rss_and_atom_are_what_feedgen_builds(case: str, edition: Edition) -> None:
    """The fast writers produce exactly feedgen's documents for the same values."""
    entries = airing_entries(edition)
    assert render("rss", edition) == feedgen_rss(airing_head(edition, "rss", entries), entries), (
        case
    )
    assert render("atom", edition) == feedgen_atom(
        airing_head(edition, "atom", entries), entries
    ), case


def test_change_log_is_what_feedgen_builds() -> None:
    """The change-log feeds are feedgen's documents too, with and without entries."""
    from tests.test_changelog_feeds import log_edition  # noqa: PLC0415 - shared builder

    for edition in (log_edition(hub="https://hub.example.org/"), log_edition(())):
        entries = change_entries(edition)
        assert render("changes-rss", edition) == feedgen_rss(
            changes_head(edition, "changes-rss", entries), entries
        )
        assert render("changes-atom", edition) == feedgen_atom(
            changes_head(edition, "changes-atom", entries), entries
        )


def test_morning_airing_on_a_two_digit_day_keeps_its_hour_zero() -> None:
    """Regression: "Wed 18 Feb 2026 08:00" lost the hour's zero ("8:00") when the day had two digits."""
    site = make_site()
    airing = make_airing(site.shows[0], datetime(2026, 2, 18, 8, 0), episode=180)
    edition = make_edition(site, (airing,), datetime(2026, 2, 19, tzinfo=UTC), show=site.shows[0])
    content = json.loads(render("json", edition))["items"][0]["content_html"]
    assert "Aired Wed 18 Feb 2026 08:00 (UTC+08:00)" in content


def test_entries_are_shared_by_editions_of_the_same_feed() -> None:
    """A new Edition of the same site, show, clock, airings and revisions reuses the entries."""
    edition = show_edition()
    again = replace(edition, changes=())
    assert again is not edition
    assert airing_entries(again) is airing_entries(edition)


def test_entries_follow_a_change_of_clock_or_revision() -> None:
    """Another clock or another revisions mapping gives freshly worked-out entries."""
    edition = replace(show_edition(), revisions={})  # never published: new as of the clock
    entries = airing_entries(edition)
    later = replace(edition, now=edition.now + timedelta(days=365))
    assert airing_entries(later) is not entries
    assert airing_entries(later) != entries  # every entry's "updated" follows the clock
    revised = replace(edition, revisions={})
    assert airing_entries(revised) is not entries
    assert airing_entries(revised) == entries


# Any text airdates may put in a feed: XML-safe (as every Entry and Head text
# is), with the characters libxml2 escapes and a few it does not. Not blank:
# feedgen leaves out a blank category or link, which airdates never passes
# (its texts are cleaned of blank ones, titles and links are required).
_FEED_TEXT = st.text(
    st.one_of(st.sampled_from('&<>"\'\r\n\t ]]>'), st.characters(codec="utf-8")), min_size=1
).map(xml_safe).filter(str.strip)
_MOMENTS = st.datetimes(  # hypothesis takes naive bounds and adds the zones itself
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=datetime(2099, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, NEW_YORK, SHANGHAI]),
)


@st.composite
def _feed_values(draw: st.DrawFn) -> tuple[Head, tuple[Entry, ...]]:
    def author() -> Author:
        return Author(name=draw(_FEED_TEXT), uri=draw(st.none() | _FEED_TEXT))

    head = Head(
        id=draw(_FEED_TEXT), title=draw(_FEED_TEXT), description=draw(_FEED_TEXT),
        home=draw(_FEED_TEXT), self_url=draw(_FEED_TEXT), language=draw(_FEED_TEXT),
        updated=draw(_MOMENTS), ttl=draw(st.integers(1, 10_000)), author=author(),
        hub=draw(st.none() | _FEED_TEXT), image=draw(st.none() | _FEED_TEXT),
        categories=tuple(draw(st.lists(_FEED_TEXT, max_size=3, unique=True))),
    )
    entries = tuple(
        Entry(
            id=draw(_FEED_TEXT), title=draw(_FEED_TEXT), link=draw(_FEED_TEXT),
            published=draw(_MOMENTS), updated=draw(_MOMENTS).astimezone(UTC),
            content_html=draw(_FEED_TEXT),
            tags=tuple(draw(st.lists(_FEED_TEXT, max_size=3, unique=True))),
            author=draw(st.none() | st.builds(author)),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return head, entries


@settings(max_examples=150, deadline=None)
@given(_feed_values())
def test_any_text_is_written_as_feedgen_writes_it(values: tuple[Head, tuple[Entry, ...]]) -> None:
    """The text writers escape and indent every value exactly as feedgen's lxml documents do."""
    head, entries = values
    assert rss_document(head, entries) == feedgen_rss(head, entries)
    assert atom_document(head, entries) == feedgen_atom(head, entries)


def test_calendar_and_feeds_describe_an_episode_without_a_summary_by_its_show() -> None:
    """The calendar event and the feed entry say what the show is about, not only where else."""
    show = make_show()
    site = make_site(shows=(show,))
    airing = make_airing(show, datetime(2026, 1, 7, 18, 0))
    edition = make_edition(site, (airing,), datetime(2026, 1, 8, tzinfo=UTC), show=show)
    about = "The first all-English international programme from Chongqing."
    [event] = icalendar.Calendar.from_ical(renderer("ics").render(edition)).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == f"{about}\n\nAlso on: WeChat Channels, YouTube."
    [entry] = feedparser.parse(renderer("rss").render(edition)).entries
    assert about in entry.summary
    assert "Also on" in entry.summary
