"""The guide's head (declaration, doctype, root, channels) is text written by hand.

It must be what lxml's incremental writer writes for the same values, byte for
byte: the oracle below is that writer, element by element, as airdates used
it before. Hypothesis feeds both every kind of text a config can hold (markup
characters, quotes, CR/LF/tab, non-ASCII, characters XML cannot carry) in
every field the head prints, with and without a channel's icon and url.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.edition import Edition
from feeds.text import xml_safe
from feeds.xmltv import guide_frame
from schedule.site import Channel
from tests.factories import make_site

_CHILD, _SIBLING = "\n    ", "\n  "
NOW = datetime(2026, 11, 23, tzinfo=UTC)

texts = st.text(
    st.one_of(
        st.sampled_from('<>&"\'\r\n\t]]>;#é中\u2028\x00\x0b\ud800\ufffe'),
        st.characters(codec="utf-8"),
    ),
    max_size=12,
)
channels = st.builds(
    Channel,
    id=st.just("c"),
    name=texts,
    xmltv_id=texts,
    url=st.none() | texts.filter(bool),
    icon=st.none() | texts.filter(bool),
)


def _oracle(edition: Edition) -> tuple[str, str]:
    """Return the head and tail as lxml's ``xmlfile`` writes them."""
    site = edition.site
    lang = xml_safe(site.language)
    root = {
        "source-info-url": xml_safe(site.base_url),
        "source-info-name": xml_safe(site.title),
        "generator-info-name": "airdates",
    }
    buffer = io.BytesIO()
    with etree.xmlfile(buffer, encoding="utf-8") as out:
        out.write_declaration()
        out.write_doctype('<!DOCTYPE tv SYSTEM "xmltv.dtd">')
        with out.element("tv", root):
            for channel in site.channels:
                out.write(_SIBLING)
                with out.element("channel", {"id": xml_safe(channel.xmltv_id)}):
                    out.write(_CHILD)
                    with out.element("display-name", {"lang": lang}):
                        out.write(xml_safe(channel.name))
                    if channel.icon:
                        out.write(_CHILD, etree.Element("icon", {"src": xml_safe(channel.icon)}))
                    if channel.url:
                        out.write(_CHILD)
                        with out.element("url"):
                            out.write(xml_safe(channel.url))
                    out.write(_SIBLING)
            out.write("\n")
    buffer.write(b"\n")
    text = buffer.getvalue().decode()
    end = text.rindex("\n</tv>")
    return text[:end], text[end:]


@settings(max_examples=200, deadline=None)
@given(
    title=texts,
    base_url=texts,
    language=texts,
    site_channels=st.lists(channels, max_size=3),
)
def test_guide_frame_is_what_lxml_writes(
    title: str, base_url: str, language: str, site_channels: list[Channel]
) -> None:
    """Byte for byte, whatever the text, with any number of channels (none included)."""
    site = make_site(
        title=title, base_url=base_url, language=language, channels=tuple(site_channels)
    )
    edition = Edition(site=site, show=None, now=NOW)
    assert guide_frame(edition) == _oracle(edition)


def test_guide_frame_parses_with_its_channels() -> None:
    """The head and tail make a well-formed guide that lists each channel, icon and url."""
    site = make_site(
        channels=(
            Channel(
                id="a", name="A & B <TV>", xmltv_id="a.example.org",
                url="https://a.example.org/?x=1&y=2",
            ),
            Channel(
                id="b", name="Bé", xmltv_id="b.example.org", icon="https://b.example.org/i.png"
            ),
        )
    )
    head, tail = guide_frame(Edition(site=site, show=None, now=NOW))
    root = etree.fromstring((head + tail).encode())
    found = [
        (c.get("id"), c.findtext("display-name"), c.findtext("url"),
         None if c.find("icon") is None else c.find("icon").get("src"))
        for c in root.iter("channel")
    ]
    assert found == [
        ("a.example.org", "A & B <TV>", "https://a.example.org/?x=1&y=2", None),
        ("b.example.org", "Bé", None, "https://b.example.org/i.png"),
    ]
    assert root.get("generator-info-name") == "airdates"
