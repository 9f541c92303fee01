"""The schedule pages: structure, feeds, subscribe links, JSON-LD, escaping, golden bytes."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from feeds.edition import Edition
from feeds.pages import render_html
from feeds.registry import renderer
from schedule.airing import Airing
from schedule.site import Channel, Segment, Show
from tests.factories import SHANGHAI, lets_meet_173, make_airing, make_edition, make_show, make_site
from tests.hostile import HOSTILE, expected
from tests.golden import assert_golden

GOLDEN = Path(__file__).parent / "golden" / "html"
NOW = datetime(2026, 1, 2, 12, 0, tzinfo=SHANGHAI)
BASE = "https://feeds.example.org/cqtv/"


def _airings(show: Show) -> tuple[Airing, ...]:
    """A past episode, the next one, a rerun, a cancellation, a move and one beyond the week."""
    aired = make_airing(
        show,
        datetime(2025, 12, 31, 18, 0),
        episode=172,
        title="Old Streets, New Shops",
        summary="A walk through Jiefangbei.",
        link="https://cqtv.example.org/lets-meet/172",
        segments=(
            Segment(title="Bridging News", summary="Short videos abroad."),
            Segment(title="Dialogue"),
        ),
    )
    return (
        aired,
        lets_meet_173(show),
        make_airing(
            show,
            datetime(2026, 1, 7, 18, 0),
            rerun=True,
            rerun_of=172,
            title="Old Streets, New Shops",
        ),
        make_airing(
            show, datetime(2026, 1, 10, 18, 0), status="cancelled", reason="Pre-empted by the gala"
        ),
        make_airing(
            show,
            datetime(2026, 1, 11, 20, 0),
            episode=174,
            title="Hotpot Diplomacy",
            moved_from=datetime(2026, 1, 10, 18, 0, tzinfo=SHANGHAI),
        ),
        make_airing(show, datetime(2026, 1, 21, 18, 0), episode=175, title="Beyond the Week"),
    )


def _edition(now: datetime = NOW) -> Edition:
    """The network edition of a one-show site."""
    site = make_site()
    return make_edition(site, _airings(site.shows[0]), now)


def _show_edition(now: datetime = NOW) -> Edition:
    """The edition of Let's Meet's own page."""
    edition = _edition(now)
    return replace(edition, show=edition.site.shows[0])


def _page(edition: Edition) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(render_html(edition))


def _json_ld(page: lxml.html.HtmlElement) -> Any:
    (script,) = page.xpath("//script[@type='application/ld+json']")
    return json.loads(script.text)


def _text(page: lxml.html.HtmlElement) -> str:
    return " ".join(page.body.text_content().split())


def _hrefs(page: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [str(href) for href in page.xpath(xpath)]


def test_show_page_links_each_of_its_feeds_as_alternate() -> None:
    """The show page advertises its RSS, Atom, JSON Feed and calendar with their media types."""
    links = {
        (link.get("type"), link.get("href"))
        for link in _page(_show_edition()).xpath("//link[@rel='alternate']")
    }
    assert links == {
        ("application/rss+xml", BASE + "lets-meet.rss"),
        ("application/atom+xml", BASE + "lets-meet.atom"),
        ("application/feed+json", BASE + "lets-meet.json"),
        ("text/calendar", BASE + "lets-meet.ics"),
    }


def test_index_links_the_network_feeds_as_alternate() -> None:
    """The index advertises every network file: episodes, changes, calendar and XMLTV guide."""
    hrefs = _hrefs(_page(_edition()), "//link[@rel='alternate']/@href")
    names = [
        "all.rss",
        "all.atom",
        "all.json",
        "changes.rss",
        "changes.atom",
        "schedule.ics",
        "xmltv.xml",
    ]
    assert sorted(hrefs) == sorted(BASE + name for name in names)
    # Feed readers take the first feed they find; the episodes' RSS should be it.
    assert hrefs[0] == BASE + "all.rss"


def test_show_page_subscribe_block() -> None:
    """webcal, Google Calendar, the copyable address and feed links point at the show's files."""
    page = _page(_show_edition())
    assert "webcal://feeds.example.org/cqtv/lets-meet.ics" in _hrefs(page, "//a/@href")
    assert (
        "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Ffeeds.example.org%2Fcqtv%2Flets-meet.ics"
        in _hrefs(page, "//a/@href")
    )
    (address,) = page.xpath("//input[@readonly]")
    assert address.get("value") == BASE + "lets-meet.ics"
    assert {"lets-meet.rss", "lets-meet.atom", "lets-meet.json", "lets-meet.ics"} <= set(
        _hrefs(page, "//a/@href")
    )


def test_index_subscribe_block_uses_the_network_calendar() -> None:
    """The index subscribes to schedule.ics and links every show's page and files."""
    page = _page(_edition())
    hrefs = set(_hrefs(page, "//a/@href"))
    assert "webcal://feeds.example.org/cqtv/schedule.ics" in hrefs
    assert {"lets-meet.html", "lets-meet.ics", "lets-meet.rss", "xmltv.xml", "changes.rss"} <= hrefs


def test_show_page_json_ld_names_every_upcoming_airing() -> None:
    """The JSON-LD is a TVSeries with a BroadcastEvent per airing not yet over, cancelled marked."""
    data = _json_ld(_page(_show_edition()))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "TVSeries"
    assert data["name"] == "Let's Meet"
    events = [
        (e["@type"], e["name"], e["startDate"], e["endDate"], e["eventStatus"].rsplit("/", 1)[1])
        for e in data["publication"]
    ]
    assert events == [
        (
            "BroadcastEvent",
            "Let's Meet · Ep. 173: Global Youth Envoys Gather in Chongqing",
            "2026-01-03T18:00:00+08:00",
            "2026-01-03T18:30:00+08:00",
            "EventScheduled",
        ),
        (
            "BroadcastEvent",
            "Let's Meet · Ep. 172: Old Streets, New Shops",
            "2026-01-07T18:00:00+08:00",
            "2026-01-07T18:30:00+08:00",
            "EventScheduled",
        ),
        (
            "BroadcastEvent",
            "Let's Meet",
            "2026-01-10T18:00:00+08:00",
            "2026-01-10T18:30:00+08:00",
            "EventCancelled",
        ),
        (
            "BroadcastEvent",
            "Let's Meet · Ep. 174: Hotpot Diplomacy",
            "2026-01-11T20:00:00+08:00",
            "2026-01-11T20:30:00+08:00",
            "EventRescheduled",
        ),
        (
            "BroadcastEvent",
            "Let's Meet · Ep. 175: Beyond the Week",
            "2026-01-21T18:00:00+08:00",
            "2026-01-21T18:30:00+08:00",
            "EventScheduled",
        ),
    ]
    assert data["publication"][3]["previousStartDate"] == "2026-01-10T18:00:00+08:00"


def test_is_live_broadcast_marks_first_broadcasts_on_a_channel() -> None:
    """A premiere on a channel is live, a rerun is not, and an online-only show does not say."""
    data = _json_ld(_page(_show_edition()))
    assert [e.get("isLiveBroadcast") for e in data["publication"][:2]] == [True, False]
    assert data["publication"][0]["publishedOn"] == {
        "@type": "BroadcastService",
        "name": "Chongqing Satellite TV",
        "url": "https://cqtv.example.org/",
    }
    online = make_show(channel=None)
    site = make_site(shows=(online,))
    edition = make_edition(
        site, (make_airing(online, datetime(2026, 1, 3, 18, 0), episode=9),), NOW, show=online
    )
    (event,) = _json_ld(_page(edition))["publication"]
    assert "isLiveBroadcast" not in event
    assert "publishedOn" not in event


def test_index_json_ld_covers_the_week_it_shows() -> None:
    """The index's JSON-LD graph holds each show with the broadcasts of its seven-day schedule."""
    data = _json_ld(_page(_edition()))
    (series,) = data["@graph"]
    assert series["url"] == BASE + "lets-meet.html"
    assert [e["startDate"] for e in series["publication"]] == [
        "2026-01-03T18:00:00+08:00",
        "2026-01-07T18:00:00+08:00",
    ]


def test_show_page_lists_upcoming_with_zone_named_times() -> None:
    """Upcoming airings show their local time with the zone named; the next airing stands out."""
    page = _page(_show_edition())
    text = _text(page)
    assert "Sat 3 Jan 2026, 18:00–18:30 CST (Asia/Shanghai)" in text
    (next_box,) = page.xpath("//section[@class='next']")
    assert "Global Youth Envoys Gather in Chongqing" in next_box.text_content()
    assert page.xpath("//time/@datetime")[0] == "2026-01-03T18:00:00+08:00"
    # The episode that aired already is under recent episodes, not upcoming.
    upcoming = page.xpath("//section[@aria-labelledby='upcoming-heading']")[0].text_content()
    assert "31 Dec" not in upcoming


def test_cancelled_airing_is_struck_through_with_its_reason() -> None:
    """A cancelled airing stays listed, struck through, with the reason beside it."""
    (item,) = _page(_show_edition()).xpath("//li[contains(@class, 'cancelled')]")
    assert "Sat 10 Jan 2026" in item.xpath("string(.//del)")
    assert "Cancelled: Pre-empted by the gala" in item.text_content()


def test_moved_airing_shows_its_old_time() -> None:
    """A moved airing is listed at its new time and says when it was before."""
    text = _text(_page(_show_edition()))
    assert "Sun 11 Jan 2026, 20:00–20:30 CST (Asia/Shanghai)" in text
    assert "Moved from Sat 10 Jan 2026 18:00 CST" in text


def test_recent_episodes_show_titles_and_segments() -> None:
    """Aired episodes are listed with their title, summary, segments and link."""
    page = _page(_show_edition())
    (recent,) = page.xpath("//section[@aria-labelledby='recent-heading']")
    assert recent.xpath("string(.//article/h3)") == "Ep. 172: Old Streets, New Shops"
    assert [li.text_content() for li in recent.xpath(".//ul[@class='segments']/li")] == [
        "Bridging News: Short videos abroad.",
        "Dialogue",
    ]
    assert recent.xpath(".//a/@href") == ["https://cqtv.example.org/lets-meet/172"]


def test_index_shows_on_now_up_next_and_the_week() -> None:
    """During an airing the index has it on now, the next ones up next, and the week day by day."""
    during = datetime(2026, 1, 3, 18, 10, tzinfo=SHANGHAI)
    page = _page(_edition(during))
    on_now = page.xpath("//section[@aria-labelledby='now-heading']")[0].text_content()
    assert "Global Youth Envoys Gather in Chongqing" in on_now
    up_next = page.xpath("//section[@aria-labelledby='next-heading']")[0]
    assert up_next.xpath(".//time/@datetime")[0] == "2026-01-07T18:00:00+08:00"
    days = page.xpath("//section[@aria-labelledby='week-heading']/h3/text()")
    assert days == ["Saturday 3 January 2026", "Wednesday 7 January 2026"]
    card = page.xpath("//li[@class='card']")[0]
    assert card.xpath(".//h3/a/@href") == ["lets-meet.html"]
    assert "On now" in card.text_content()


def test_index_without_now_airing_says_so() -> None:
    """Before any airing starts the index says nothing is on and the next airing is first up."""
    page = _page(_edition())
    assert "Nothing is on air right now." in _text(page)
    up_next = page.xpath("//section[@aria-labelledby='next-heading']//li")
    assert "Global Youth Envoys Gather in Chongqing" in up_next[0].text_content()


def test_times_use_the_show_zone() -> None:
    """A show in another zone is listed in its own zone, named, on the network index."""
    york = ZoneInfo("America/New_York")
    show = make_show(id="ny-talk", title="New York Talk", timezone=york, channel="cqtv")
    site = make_site(shows=(show,))
    airing = make_airing(show, datetime(2026, 1, 3, 18, 0))
    text = _text(_page(make_edition(site, (airing,), NOW)))
    assert "18:00–18:30 EST (America/New_York)" in text


def test_page_basics() -> None:
    """Pages declare language, charset and viewport; one stylesheet, no script but the JSON-LD."""
    for edition in (_edition(), _show_edition()):
        page = _page(edition)
        assert page.get("lang") == "en"
        assert page.xpath("//meta[@name='viewport']/@content") == [
            "width=device-width, initial-scale=1"
        ]
        assert page.xpath("//meta[@charset]/@charset") == ["utf-8"]
        assert len(page.xpath("//style")) == 1
        assert page.xpath("//link[@rel='stylesheet']") == []
        assert [s.get("type") for s in page.xpath("//script")] == ["application/ld+json"]
        assert page.xpath("//img") == []


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_renders_as_text(name: str) -> None:
    """Any text a user can type shows literally on both pages and in the JSON-LD; no element."""
    text = HOSTILE[name]
    show = make_show(title=text, description=text, categories=(text,))
    site = make_site(
        title=text,
        description=text,
        shows=(show,),
        channels=(Channel(id="cqtv", name=text, xmltv_id="cqtv.feeds.example.org"),),
    )
    airings = (
        replace(
            make_airing(show, datetime(2025, 12, 31, 18, 0), episode=1),
            title=text,
            summary=text,
            segments=(Segment(title=text, summary=text),),
        ),
        make_airing(show, datetime(2026, 1, 3, 18, 0), episode=2, title=text),
        make_airing(show, datetime(2026, 1, 7, 18, 0), status="cancelled", reason=text),
    )
    # HTML parsers turn CR LF into LF (the HTML standard's newline normalisation), as browsers do.
    seen = " ".join(expected(text).replace("\r\n", "\n").split())
    for edition in (make_edition(site, airings, NOW), make_edition(site, airings, NOW, show=show)):
        page = _page(edition)
        assert [s.get("type") for s in page.xpath("//script")] == ["application/ld+json"]
        assert page.xpath("//*[starts-with(name(), 'x')] | //b | //iframe | //img") == []
        assert seen in _text(page)
        assert (
            page.xpath("//title")[0]
            .text_content()
            .startswith(expected(text).replace("\r\n", "\n")[:40])
        )
        data = _json_ld(page)
        series = data if edition.show is not None else data["@graph"][0]
        assert series["name"] == expected(text)
        assert series["publication"][0]["workPerformed"]["name"] == expected(text)


def test_json_ld_cannot_be_closed_by_a_title() -> None:
    """A title holding </script> stays inside the JSON-LD as escapes, and parses back intact."""
    title = "</script><script>alert(1)</script><!--"
    show = make_show(title=title)
    site = make_site(shows=(show,))
    html = render_html(
        make_edition(site, (make_airing(show, datetime(2026, 1, 3, 18, 0)),), NOW, show=show)
    )
    script = html.split(b'<script type="application/ld+json">', 1)[1].split(b"</script>", 1)[0]
    assert b"<" not in script
    assert b">" not in script
    assert json.loads(script)["name"] == title


def test_links_from_the_config_must_be_web_addresses() -> None:
    """A javascript: link in the config is printed as nothing, never as an href."""
    show = make_show(link="javascript:alert(1)")
    site = make_site(shows=(show,))
    aired = make_airing(show, datetime(2025, 12, 31, 18, 0), episode=1, link="javascript:alert(2)")
    page = _page(make_edition(site, (aired,), NOW, show=show))
    assert not [href for href in _hrefs(page, "//a/@href") if href.lower().startswith("javascript")]


def test_now_comes_only_from_the_edition() -> None:
    """The same airings at another now give another page; the same now gives the same bytes."""
    assert render_html(_show_edition()) == render_html(_show_edition())
    later = datetime(2026, 1, 8, 12, 0, tzinfo=SHANGHAI)
    assert render_html(_show_edition(later)) != render_html(_show_edition())


def test_registry_names_the_pages() -> None:
    """The registry writes index.html for the network and {show}.html per show, as UTF-8 HTML."""
    record = renderer("html")
    assert (record.file_name(None), record.file_name("lets-meet")) == (
        "index.html",
        "lets-meet.html",
    )
    assert record.media_type == "text/html; charset=utf-8"
    assert record.render(_edition()) == render_html(_edition())


def test_golden_index() -> None:
    """The index for a fixed edition matches the reviewed golden file byte for byte."""
    assert_golden(GOLDEN / "index.html", render_html(_edition()))


def test_golden_show_page() -> None:
    """The show page for a fixed edition matches the reviewed golden file byte for byte."""
    assert_golden(GOLDEN / "lets-meet.html", render_html(_show_edition()))


def test_long_lists_fold_the_rest_into_details() -> None:
    """Past ten airings or episodes, the rest sit in a script-free <details>; JSON-LD has all."""
    show = make_show()
    site = make_site()
    airings = tuple(
        make_airing(
            show,
            datetime(2025, 12, 1, 18, 0) + i * timedelta(days=2),
            episode=100 + i,
            title=f"Episode {100 + i}",
        )
        for i in range(40)
    )
    now = datetime(2026, 1, 1, 12, 0, tzinfo=SHANGHAI)
    page = _page(make_edition(site, airings, now, show=show))
    upcoming, recent = (
        page.xpath(f"//section[@aria-labelledby='{name}-heading']")[0]
        for name in ("upcoming", "recent")
    )
    assert len(upcoming.xpath("./ol/li")) == 10
    assert upcoming.xpath("string(./details/summary)") == "14 later airings"
    assert len(upcoming.xpath("./details/ol/li")) == 14
    assert len(recent.xpath("./article")) == 10
    assert recent.xpath("string(./details/summary)") == "6 earlier episodes"
    assert len(_json_ld(page)["publication"]) == 24
