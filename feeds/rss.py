"""RSS 2.0 feeds of aired episodes, built with feedgen."""

from __future__ import annotations

from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension  # type: ignore[import-untyped]
from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from lxml import etree

from feeds.edition import Edition
from feeds.entries import GENERATOR, Entry, Head, airing_entries, airing_head

__all__ = ["render_rss", "rss_document"]

_ATOM = "http://www.w3.org/2005/Atom"
_DC = "http://purl.org/dc/elements/1.1/"


class _ChannelLinks(BaseExtension):  # type: ignore[misc]
    """Adds the WebSub hub link feedgen leaves out of RSS, next to the self link."""

    hub: str | None = None
    creators: bool = False

    def extend_ns(self) -> dict[str, str]:
        return {"dc": _DC} if self.creators else {}

    def extend_rss(self, feed: Any) -> Any:
        if self.hub is None:
            return feed
        channel = feed.find("channel")
        self_link = channel.find(f"{{{_ATOM}}}link")
        hub = etree.Element(f"{{{_ATOM}}}link", href=self.hub, rel="hub")
        self_link.addnext(hub)
        return feed


class _ItemCreator(BaseEntryExtension):  # type: ignore[misc]
    """Adds ``dc:creator`` (RSS ``author`` must be an e-mail address)."""

    creator: str | None = None

    def extend_rss(self, item: Any) -> Any:
        if self.creator is not None:
            etree.SubElement(item, f"{{{_DC}}}creator").text = self.creator
        return item


def render_rss(edition: Edition) -> bytes:
    """Render the RSS 2.0 feed of ``edition.show`` (or the network): its recent premieres."""
    entries = airing_entries(edition)
    return rss_document(airing_head(edition, "rss", entries), entries)


def rss_document(head: Head, entries: tuple[Entry, ...]) -> bytes:
    """Return an RSS 2.0 document with ``head``'s channel and ``entries`` as items, in order."""
    feed = FeedGenerator()
    feed.register_extension("airdates", _ChannelLinks, _ItemCreator, atom=False)
    feed.airdates.hub = head.hub
    feed.airdates.creators = bool(entries)
    _channel(feed, head)
    for entry in entries:
        _item(feed.add_entry(order="append"), entry, head)
    result: bytes = feed.rss_str(pretty=True)
    return result


def _channel(feed: Any, head: Head) -> None:
    feed.title(head.title)
    feed.description(head.description)
    feed.link(href=head.self_url, rel="self", type="application/rss+xml")
    # feedgen takes the channel's <link> from the last link given.
    feed.link(href=head.home, rel="alternate")
    feed.language(head.language)
    feed.lastBuildDate(head.updated)
    feed.ttl(head.ttl)
    feed.generator(GENERATOR)
    if head.image:
        feed.image(url=head.image, title=head.title, link=head.home)
    for term in head.categories:
        feed.category(term=term)


def _item(item: Any, entry: Entry, head: Head) -> None:
    item.title(entry.title)
    item.link(href=entry.link)
    item.guid(entry.id, permalink=False)
    item.pubDate(entry.published)
    # Readers treat <description> as HTML; content:encoded carries the same for
    # those that prefer it.
    item.description(entry.content_html)
    item.content(entry.content_html)
    for term in entry.tags:
        item.category(term=term)
    item.airdates.creator = (entry.author or head.author).name
