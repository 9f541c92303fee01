"""Atom 1.0 (RFC 4287) feeds of aired episodes.

The document is the one feedgen builds from the same values (tests hold it
to that, byte for byte), written straight into lxml for speed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from feeds.entries import GENERATOR, Author, Entry, Head, airing_entries, airing_head

if TYPE_CHECKING:
    from feeds.edition import Edition

__all__ = ["atom_document", "render_atom"]

_ATOM = "http://www.w3.org/2005/Atom"
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _q(tag: str) -> str:
    return f"{{{_ATOM}}}{tag}"


_FEED, _ENTRY, _LINK, _CATEGORY = _q("feed"), _q("entry"), _q("link"), _q("category")


def render_atom(edition: Edition) -> bytes:
    """Render the Atom feed of ``edition.show`` (or the network): its recent premieres."""
    entries = airing_entries(edition)
    return atom_document(airing_head(edition, "atom", entries), entries)


def atom_document(head: Head, entries: tuple[Entry, ...]) -> bytes:
    """Return an Atom document with ``head``'s metadata and ``entries``, in order."""
    feed = etree.Element(_FEED, nsmap={None: _ATOM})
    feed.set(_LANG, head.language)
    _feed(feed, head)
    for entry in entries:
        _entry(etree.SubElement(feed, _ENTRY), entry)
    return etree.tostring(feed, pretty_print=True, encoding="UTF-8", xml_declaration=True)


def _text(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, _q(tag)).text = text


def _person(parent: etree._Element, author: Author) -> None:
    person = etree.SubElement(parent, _q("author"))
    _text(person, "name", author.name)
    if author.uri:
        _text(person, "uri", author.uri)


def _feed(feed: etree._Element, head: Head) -> None:
    _text(feed, "id", head.id)
    _text(feed, "title", head.title)
    _text(feed, "updated", head.updated.isoformat())
    _person(feed, head.author)
    etree.SubElement(feed, _LINK, href=head.home, rel="alternate")
    etree.SubElement(feed, _LINK, href=head.self_url, rel="self", type="application/atom+xml")
    if head.hub:
        etree.SubElement(feed, _LINK, href=head.hub, rel="hub")
    for term in head.categories:
        etree.SubElement(feed, _CATEGORY, term=term)
    _text(feed, "generator", GENERATOR)
    if head.image:
        _text(feed, "logo", head.image)
    _text(feed, "subtitle", head.description)


def _entry(entry: etree._Element, item: Entry) -> None:
    _text(entry, "id", item.id)
    _text(entry, "title", item.title)
    _text(entry, "updated", item.updated.isoformat())
    if item.author is not None:
        _person(entry, item.author)
    etree.SubElement(entry, _q("content"), type="html").text = item.content_html
    # No rel: RFC 4287 reads a link without one as rel="alternate".
    etree.SubElement(entry, _LINK, href=item.link)
    for term in item.tags:
        etree.SubElement(entry, _CATEGORY, term=term)
    _text(entry, "published", item.published.isoformat())
