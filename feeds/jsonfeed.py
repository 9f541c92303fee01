"""JSON Feed 1.1 feeds of aired episodes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from feeds.entries import Author, Entry, Head, airing_entries, airing_head

if TYPE_CHECKING:
    from feeds.edition import Edition

__all__ = ["json_document", "render_json"]

VERSION = "https://jsonfeed.org/version/1.1"


def render_json(edition: Edition) -> bytes:
    """Render the JSON Feed of ``edition.show`` (or the network): its recent premieres."""
    entries = airing_entries(edition)
    return json_document(airing_head(edition, "json", entries), entries)


def json_document(head: Head, entries: tuple[Entry, ...]) -> bytes:
    """Return a JSON Feed 1.1 document with ``head``'s metadata and ``entries``, in order."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": head.title,
        "home_page_url": head.home,
        "feed_url": head.self_url,
        "description": head.description,
        "language": head.language,
        "authors": [_person(head.author)],
    }
    if head.image:
        feed["icon"] = head.image
    if head.hub:
        feed["hubs"] = [{"type": "WebSub", "url": head.hub}]
    # Non-ASCII stays readable UTF-8. One line per item keeps diffs between
    # publishes readable while items go through the fast compact encoder.
    head_text = json.dumps(feed, ensure_ascii=False, indent=1)
    items = ",\n".join("  " + json.dumps(_item(entry), ensure_ascii=False) for entry in entries)
    items_text = f'"items": [\n{items}\n ]' if entries else '"items": []'
    return f"{head_text[:-2]},\n {items_text}\n}}\n".encode()


def _person(author: Author) -> dict[str, str]:
    return {"name": author.name, "url": author.uri} if author.uri else {"name": author.name}


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "url": entry.link,
        "title": entry.title,
        "content_html": entry.content_html,
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
    }
    if entry.tags:
        item["tags"] = list(entry.tags)
    if entry.author is not None:
        item["authors"] = [_person(entry.author)]
    return item
