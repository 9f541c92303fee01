"""RSS 2.0 feeds of aired episodes.

The document is the one feedgen builds from the same values (tests hold it
to that, byte for byte), written as text, indented and escaped as lxml
writes it. feedgen's per-entry object model and its locale switching per
date cost several times more than the document itself, and an lxml tree
built only to be serialised costs twice what the text does, for every feed
of every publish.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from feeds.entries import GENERATOR, Entry, Head, airing_entries, airing_head
from feeds.text import element, xml_attribute, xml_text

if TYPE_CHECKING:
    from feeds.edition import Edition

__all__ = ["render_rss", "rfc822", "rss_document"]

_ATOM = "http://www.w3.org/2005/Atom"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DC = "http://purl.org/dc/elements/1.1/"
_SPACES = f'xmlns:atom="{_ATOM}" xmlns:content="{_CONTENT}"'
_SPACES_WITH_DC = f'xmlns:dc="{_DC}" {_SPACES}'
_IN_CHANNEL, _IN_ITEM = "    ", "      "  # the indentation of the channel's children, an item's
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
    spaces = _SPACES_WITH_DC if entries else _SPACES
    out = [f"<?xml version='1.0' encoding='UTF-8'?>\n<rss {spaces} version=\"2.0\">\n  <channel>\n"]
    _channel(out, head)
    out += (_item(entry, head) for entry in entries)
    out.append("  </channel>\n</rss>\n")
    return "".join(out).encode()


def _channel(out: list[str], head: Head) -> None:
    out += (
        element(_IN_CHANNEL, "title", head.title),
        element(_IN_CHANNEL, "link", head.home),
        element(_IN_CHANNEL, "description", head.description),
        (
            f'{_IN_CHANNEL}<atom:link href="{xml_attribute(head.self_url)}" rel="self"'
            ' type="application/rss+xml"/>\n'
        ),
    )
    if head.hub:
        # WebSub subscribers look for the hub next to the self link.
        out.append(f'{_IN_CHANNEL}<atom:link href="{xml_attribute(head.hub)}" rel="hub"/>\n')
    out += (element(_IN_CHANNEL, "category", term) for term in head.categories)
    out += (element(_IN_CHANNEL, "docs", _DOCS), element(_IN_CHANNEL, "generator", GENERATOR))
    if head.image:
        out += (
            f"{_IN_CHANNEL}<image>\n",
            element(_IN_ITEM, "url", head.image),
            element(_IN_ITEM, "title", head.title),
            element(_IN_ITEM, "link", head.home),
            f"{_IN_CHANNEL}</image>\n",
        )
    out += (
        element(_IN_CHANNEL, "language", head.language),
        element(_IN_CHANNEL, "lastBuildDate", rfc822(head.updated)),
        element(_IN_CHANNEL, "ttl", str(head.ttl)),
    )


def _item(entry: Entry, head: Head) -> str:
    # Readers treat <description> as HTML; content:encoded carries the same
    # for those that prefer it.
    content = xml_text(entry.content_html)
    categories = "".join([element(_IN_ITEM, "category", term) for term in entry.tags])
    # RSS <author> must be an e-mail address; dc:creator names the channel.
    creator = (entry.author or head.author).name
    return (
        f"{_IN_CHANNEL}<item>\n"
        f"{element(_IN_ITEM, 'title', entry.title)}{element(_IN_ITEM, 'link', entry.link)}"
        f"{_IN_ITEM}<description>{content}</description>\n"
        f"{_IN_ITEM}<content:encoded>{content}</content:encoded>\n"
        f'{_IN_ITEM}<guid isPermaLink="false">{xml_text(entry.id)}</guid>\n'
        f"{categories}{element(_IN_ITEM, 'pubDate', rfc822(entry.published))}"
        f"{element(_IN_ITEM, 'dc:creator', creator)}{_IN_CHANNEL}</item>\n"
    )
