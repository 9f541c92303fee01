"""RSS 2.0 feeds of aired episodes.

The document is the one feedgen builds from the same values (tests hold it
to that, byte for byte), written straight into lxml: feedgen's per-entry
object model and its locale switching per date cost several times more than
the document itself, for every feed of every publish.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from lxml import etree

from feeds.entries import GENERATOR, Entry, Head, airing_entries, airing_head

if TYPE_CHECKING:
    from feeds.edition import Edition

__all__ = ["render_rss", "rfc822", "rss_document"]

_ATOM = "http://www.w3.org/2005/Atom"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DC = "http://purl.org/dc/elements/1.1/"
_ATOM_LINK = f"{{{_ATOM}}}link"
_ENCODED = f"{{{_CONTENT}}}encoded"
_CREATOR = f"{{{_DC}}}creator"
_DOCS = "http://www.rssboard.org/rss-specification"
# RFC 822 names are English whatever the locale, so they are spelled out here.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def render_rss(edition: Edition) -> bytes:
    """Render the RSS 2.0 feed of ``edition.show`` (or the network): its recent premieres."""
    entries = airing_entries(edition)
    return rss_document(airing_head(edition, "rss", entries), entries)


def rfc822(moment: datetime) -> str:
    """Return ``Sat, 03 Jan 2026 18:00:00 +0800``: the moment in its own offset, numeric zone."""
    seconds = int((moment.utcoffset() or timedelta(0)).total_seconds())
    zone = f"{'-' if seconds < 0 else '+'}{abs(seconds) // 3600:02d}{abs(seconds) // 60 % 60:02d}"
    day = (
        f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year:04d}"
    )
    return f"{day} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} {zone}"


def rss_document(head: Head, entries: tuple[Entry, ...]) -> bytes:
    """Return an RSS 2.0 document with ``head``'s channel and ``entries`` as items, in order."""
    # dc: is declared only when an item uses it (every item has a dc:creator).
    nsmap = (
        {"dc": _DC, "atom": _ATOM, "content": _CONTENT}
        if entries
        else {"atom": _ATOM, "content": _CONTENT}
    )
    root = etree.Element("rss", version="2.0", nsmap=nsmap)
    channel = etree.SubElement(root, "channel")
    _channel(channel, head)
    for entry in entries:
        _item(etree.SubElement(channel, "item"), entry, head)
    return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)


def _text(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = text


def _channel(channel: etree._Element, head: Head) -> None:
    _text(channel, "title", head.title)
    _text(channel, "link", head.home)
    _text(channel, "description", head.description)
    etree.SubElement(
        channel, _ATOM_LINK, href=head.self_url, rel="self", type="application/rss+xml"
    )
    if head.hub:
        # WebSub subscribers look for the hub next to the self link.
        etree.SubElement(channel, _ATOM_LINK, href=head.hub, rel="hub")
    for term in head.categories:
        _text(channel, "category", term)
    _text(channel, "docs", _DOCS)
    _text(channel, "generator", GENERATOR)
    if head.image:
        image = etree.SubElement(channel, "image")
        _text(image, "url", head.image)
        _text(image, "title", head.title)
        _text(image, "link", head.home)
    _text(channel, "language", head.language)
    _text(channel, "lastBuildDate", rfc822(head.updated))
    _text(channel, "ttl", str(head.ttl))


def _item(item: etree._Element, entry: Entry, head: Head) -> None:
    _text(item, "title", entry.title)
    _text(item, "link", entry.link)
    # Readers treat <description> as HTML; content:encoded carries the same
    # for those that prefer it.
    _text(item, "description", entry.content_html)
    _text(item, _ENCODED, entry.content_html)
    etree.SubElement(item, "guid", isPermaLink="false").text = entry.id
    for term in entry.tags:
        _text(item, "category", term)
    _text(item, "pubDate", rfc822(entry.published))
    # RSS <author> must be an e-mail address; dc:creator names the channel.
    _text(item, _CREATOR, (entry.author or head.author).name)
