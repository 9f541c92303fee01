"""A zone's local mean time (an offset in seconds) in the formats that write whole minutes.

Monrovia kept -00:44:30 until 1972. An airing there in 1960 must come out as
the same instant in every format, each in a form its standard allows.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import feedparser
from lxml import etree, html

from feeds.atom import render_atom
from feeds.edition import Edition
from feeds.jsonfeed import render_json
from feeds.pages import render_html
from feeds.rss import render_rss
from feeds.xmltv import render_xmltv
from schedule.site import Channel
from tests.factories import make_airing, make_edition, make_show, make_site

ATOM = "http://www.w3.org/2005/Atom"
MONROVIA = ZoneInfo("Africa/Monrovia")
# 18:00 local mean time on 9 January 1960 is 18:44:30 UTC.
INSTANT = datetime(1960, 1, 9, 18, 44, 30, tzinfo=UTC)
# RFC 3339 date-time: an offset is "Z" or +hh:mm, no seconds.
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def _edition(*, page: bool = False) -> Edition:
    show = make_show(timezone=MONROVIA, channel="elbc")
    site = make_site(
        shows=(show,), channels=(Channel(id="elbc", name="ELBC", xmltv_id="elbc.example.org"),)
    )
    airing = make_airing(show, datetime(1960, 1, 9, 18, 0))
    assert airing.start.utcoffset().total_seconds() == -(44 * 60 + 30)  # the zone data agrees
    return make_edition(
        site, (airing,), datetime(1960, 1, 10, tzinfo=UTC), **({"show": show} if page else {})
    )


def test_feeds_write_the_instant_in_rfc_3339_and_rfc_822() -> None:
    """Atom and JSON Feed in UTC (RFC 3339 has no offset seconds), RSS to the second."""
    edition = _edition()
    atom = etree.fromstring(render_atom(edition))
    published = atom.findtext("a:entry/a:published", namespaces={"a": ATOM})
    assert RFC3339.fullmatch(published), published
    assert datetime.fromisoformat(published) == INSTANT
    [item] = json.loads(render_json(edition))["items"]
    assert RFC3339.fullmatch(item["date_published"]), item["date_published"]
    assert datetime.fromisoformat(item["date_published"]) == INSTANT
    pub_date = etree.fromstring(render_rss(edition)).findtext("channel/item/pubDate")
    assert parsedate_to_datetime(pub_date) == INSTANT  # was -0044: half a minute off
    [entry] = feedparser.parse(render_atom(edition)).entries
    assert datetime(*entry.published_parsed[:6], tzinfo=UTC) == INSTANT


def test_the_guide_writes_the_instant() -> None:
    """XMLTV's start is the instant, not the instant cut to a whole-minute offset."""
    [programme] = etree.fromstring(render_xmltv(_edition())).iter("programme")
    start = datetime.strptime(programme.get("start"), "%Y%m%d%H%M%S %z")
    assert start == INSTANT  # was -0045: half a minute the other way


def test_pages_write_valid_global_date_and_times() -> None:
    """Every <time datetime> is a valid global date and time (offsets in minutes)."""
    page = html.fromstring(render_html(_edition(page=True)))
    stamps = [time.get("datetime") for time in page.iter("time")]
    assert stamps
    for stamp in stamps:
        assert RFC3339.fullmatch(stamp), stamp
    assert datetime.fromisoformat(stamps[0]) == INSTANT
