"""Atom 1.0 (RFC 4287) feeds of aired episodes.

The document is the one feedgen builds from the same values (tests hold it
to that, byte for byte), written as text, indented and escaped as lxml
writes it, for speed (see ``feeds.rss``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from feeds.entries import GENERATOR, Author, Entry, Head, airing_entries, airing_head
from feeds.text import element, xml_attribute, xml_text

if TYPE_CHECKING:
    from feeds.edition import Edition

__all__ = ["atom_document", "render_atom"]

_ATOM = "http://www.w3.org/2005/Atom"
_IN_FEED, _IN_ENTRY, _IN_PERSON = "  ", "    ", "      "  # the indentation of each level


def render_atom(edition: Edition) -> bytes:
    """Render the Atom feed of ``edition.show`` (or the network): its recent premieres."""
    entries = airing_entries(edition)
    return atom_document(airing_head(edition, "atom", entries), entries)


def atom_document(head: Head, entries: tuple[Entry, ...]) -> bytes:
    """Return an Atom document with ``head``'s metadata and ``entries``, in order."""
    out = [
        "<?xml version='1.0' encoding='UTF-8'?>\n",
        f'<feed xmlns="{_ATOM}" xml:lang="{xml_attribute(head.language)}">\n',
    ]
    _feed(out, head)
    out += (_entry(entry) for entry in entries)
    out.append("</feed>\n")
    return "".join(out).encode()


def _person(indent: str, author: Author) -> str:
    inner = indent + "  "
    uri = element(inner, "uri", author.uri) if author.uri else ""
    return f"{indent}<author>\n{element(inner, 'name', author.name)}{uri}{indent}</author>\n"


def _link(indent: str, href: str, rest: str = "") -> str:
    return f'{indent}<link href="{xml_attribute(href)}"{rest}/>\n'


def _category(indent: str, term: str) -> str:
    return f'{indent}<category term="{xml_attribute(term)}"/>\n'


def _feed(out: list[str], head: Head) -> None:
    out += (
        element(_IN_FEED, "id", head.id),
        element(_IN_FEED, "title", head.title),
        element(_IN_FEED, "updated", head.updated.isoformat()),
        _person(_IN_FEED, head.author),
        _link(_IN_FEED, head.home, ' rel="alternate"'),
        _link(_IN_FEED, head.self_url, ' rel="self" type="application/atom+xml"'),
    )
    if head.hub:
        out.append(_link(_IN_FEED, head.hub, ' rel="hub"'))
    out += (_category(_IN_FEED, term) for term in head.categories)
    out.append(element(_IN_FEED, "generator", GENERATOR))
    if head.image:
        out.append(element(_IN_FEED, "logo", head.image))
    out.append(element(_IN_FEED, "subtitle", head.description))


def _entry(item: Entry) -> str:
    author = _person(_IN_ENTRY, item.author) if item.author is not None else ""
    categories = "".join([_category(_IN_ENTRY, term) for term in item.tags])
    return (
        f"{_IN_FEED}<entry>\n"
        f"{element(_IN_ENTRY, 'id', item.id)}{element(_IN_ENTRY, 'title', item.title)}"
        f"{element(_IN_ENTRY, 'updated', item.updated.isoformat())}{author}"
        f'{_IN_ENTRY}<content type="html">{xml_text(item.content_html)}</content>\n'
        # No rel: RFC 4287 reads a link without one as rel="alternate".
        f"{_link(_IN_ENTRY, item.link)}{categories}"
        f"{element(_IN_ENTRY, 'published', item.published.isoformat())}{_IN_FEED}</entry>\n"
    )
