"""Atom 1.0 (RFC 4287) feeds of aired episodes, built with feedgen."""

from __future__ import annotations

from typing import Any

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from feeds.edition import Edition
from feeds.entries import GENERATOR, Author, Entry, Head, airing_entries, airing_head

__all__ = ["atom_document", "render_atom"]


def render_atom(edition: Edition) -> bytes:
    """Render the Atom feed of ``edition.show`` (or the network): its recent premieres."""
    entries = airing_entries(edition)
    return atom_document(airing_head(edition, "atom", entries), entries)


def atom_document(head: Head, entries: tuple[Entry, ...]) -> bytes:
    """Return an Atom document with ``head``'s metadata and ``entries``, in order."""
    feed = FeedGenerator()
    _feed(feed, head)
    for entry in entries:
        _entry(feed.add_entry(order="append"), entry)
    result: bytes = feed.atom_str(pretty=True)
    return result


def _person(author: Author) -> dict[str, str]:
    return {"name": author.name, "uri": author.uri} if author.uri else {"name": author.name}


def _feed(feed: Any, head: Head) -> None:
    feed.id(head.id)
    feed.title(head.title)
    feed.subtitle(head.description)
    feed.updated(head.updated)
    feed.author(_person(head.author))
    feed.link(href=head.home, rel="alternate")
    feed.link(href=head.self_url, rel="self", type="application/atom+xml")
    if head.hub:
        feed.link(href=head.hub, rel="hub")
    feed.language(head.language)
    feed.generator(GENERATOR)
    if head.image:
        feed.logo(head.image)
    for term in head.categories:
        feed.category(term=term)


def _entry(item: Any, entry: Entry) -> None:
    item.id(entry.id)
    item.title(entry.title)
    item.updated(entry.updated)
    item.published(entry.published)
    item.link(href=entry.link, rel="alternate")
    item.content(entry.content_html, type="html")
    for term in entry.tags:
        item.category(term=term)
    if entry.author is not None:
        item.author(_person(entry.author))
