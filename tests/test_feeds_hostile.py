"""Any text a user types into a config reaches feed readers intact: RSS, Atom and JSON Feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import feedparser
import pytest
from lxml import etree

from feeds.registry import renderer
from schedule.site import Channel, Platform
from tests.factories import lets_meet_173, make_edition, make_show, make_site, with_text
from tests.hostile import HOSTILE, expected

if TYPE_CHECKING:
    from feeds.edition import Edition

XML_FORMATS = ("rss", "atom")
NOW = datetime(2026, 1, 10, tzinfo=UTC)


class _Text(HTMLParser):
    """Collects the text a browser would show for an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(fragment: str) -> str:
    """Return the visible text of an HTML fragment."""
    parser = _Text()
    # HTML parsers first turn CR LF and lone CR into LF (HTML Living Standard,
    # "preprocessing the input stream"); html.parser leaves that to its caller.
    parser.feed(fragment.replace("\r\n", "\n").replace("\r", "\n"))
    parser.close()
    return "".join(parser.parts)


def as_html_text(text: str) -> str:
    """Return what HTML shows for ``text``: HTML reads a CR LF pair as one line break."""
    return expected(text).replace("\r\n", "\n")


def hostile_edition(text: str, *, network: bool = False) -> Edition:
    """Return an edition where every config text (site, show, channel, platform, episode) is ``text``."""
    show = make_show(
        title=text,
        description=text,
        categories=(text,),
        also_on=(Platform(name=text), Platform(name=text, url="https://example.org/?a=1&b=<2>")),
    )
    channel = Channel(
        id="cqtv", name=text, xmltv_id="cqtv.example.org", url="https://cqtv.example.org/?q=\"&'"
    )
    site = make_site(title=text, description=text, shows=(show,), channels=(channel,))
    airing = with_text(lets_meet_173(show), text)
    return make_edition(site, (airing,), NOW, show=None if network else show)


def parse(name: str, text: str, *, network: bool = False) -> Any:
    """Render the hostile edition in ``name`` and parse it as a feed reader does."""
    body = renderer(name).render(hostile_edition(text, network=network))
    etree.fromstring(body)  # well-formed, or lxml raises
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


# feedparser trims the ends of titles and names, as readers do; the text in
# between must survive exactly.
@pytest.mark.parametrize("key", HOSTILE)
@pytest.mark.parametrize("name", XML_FORMATS)
def test_titles_survive(name: str, key: str) -> None:
    """Feed and entry titles read back as typed, less the characters XML cannot carry."""
    text = HOSTILE[key]
    parsed = parse(name, text)
    assert parsed.feed.title == expected(text).strip()
    assert parsed.entries[0].title == expected(f"{text} · Ep. 173: {text}").strip()


@pytest.mark.parametrize("key", HOSTILE)
@pytest.mark.parametrize("name", XML_FORMATS)
def test_network_title_and_channel_survive(name: str, key: str) -> None:
    """The site title names the network feed; the channel name is an entry category and its author."""
    text = HOSTILE[key]
    parsed = parse(name, text, network=True)
    assert parsed.feed.title == expected(text).strip()
    entry = parsed.entries[0]
    assert [t.term for t in entry.tags] == [expected(text).strip()]
    assert entry.author == expected(text).strip()


@pytest.mark.parametrize("key", HOSTILE)
@pytest.mark.parametrize("name", XML_FORMATS)
def test_html_content_carries_every_text(name: str, key: str) -> None:
    """Summary, segment title and summary, and both platform names show as text, not markup."""
    text = HOSTILE[key]
    entry = parse(name, text).entries[0]
    shown = html_text(entry.content[0].value)
    # summary, segment title, segment summary, two platforms, the channel
    assert shown.count(as_html_text(text)) == 6
    assert f"Also on: {as_html_text(text)}, {as_html_text(text)}." in shown


@pytest.mark.parametrize("key", HOSTILE)
def test_rss_description_carries_every_text(key: str) -> None:
    """RSS readers that only read <description> see the same text."""
    text = HOSTILE[key]
    entry = parse("rss", text).entries[0]
    assert html_text(entry.summary).count(as_html_text(text)) == 6


@pytest.mark.parametrize("key", HOSTILE)
def test_json_feed_carries_every_text(key: str) -> None:
    """JSON Feed readers get the same titles, tags, authors and HTML text."""
    text = HOSTILE[key]
    feed = json.loads(renderer("json").render(hostile_edition(text)))
    assert feed["title"] == expected(text)
    assert feed["description"] == expected(text)
    assert feed["authors"][0]["name"] == expected(text)
    item = feed["items"][0]
    assert item["title"] == expected(f"{text} · Ep. 173: {text}")
    assert item["tags"] == [expected(text).strip()]
    assert html_text(item["content_html"]).count(as_html_text(text)) == 6


@pytest.mark.parametrize("name", (*XML_FORMATS, "json"))
def test_links_with_query_strings_survive(name: str) -> None:
    """A platform link with & and <> in its query reaches the reader as written."""
    body = renderer(name).render(hostile_edition("plain"))
    content = (
        json.loads(body)["items"][0]["content_html"]
        if name == "json"
        else feedparser.parse(body).entries[0].content[0].value
    )
    hrefs: list[str] = []

    class _Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            hrefs.extend(value or "" for key, value in attrs if tag == "a" and key == "href")

    _Links().feed(content)
    assert "https://example.org/?a=1&b=<2>" in hrefs


@pytest.mark.parametrize("name", (*XML_FORMATS, "json"))
def test_control_characters_everywhere_never_raise(name: str) -> None:
    """Every XML-forbidden character in every field is dropped, never an error."""
    nasty = "".join(chr(c) for c in range(32)) + "\ufffe\uffff x"
    body = renderer(name).render(hostile_edition(nasty))
    if name == "json":
        assert json.loads(body)["title"] == expected(nasty).replace("\ufffe", "").replace(
            "\uffff", ""
        )
    else:
        assert feedparser.parse(body).bozo == 0
