"""The schedule's change log as feeds: ``changes.rss`` and ``changes.atom``."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from feeds.atom import atom_document
from feeds.entries import (
    TAG_DATE,
    Entry,
    Head,
    newest,
    page_url,
    quiet_since,
    site_author,
    site_url,
    tag_uri,
    ttl_minutes,
)
from feeds.registry import renderer
from feeds.rss import rss_document
from feeds.text import xml_safe

if TYPE_CHECKING:
    from feeds.edition import Edition, ScheduleChange

__all__ = ["change_entries", "changes_head", "render_changes_atom", "render_changes_rss"]


def render_changes_rss(edition: Edition) -> bytes:
    """Render ``changes.rss``: one item per schedule change, newest first."""
    entries = change_entries(edition)
    return rss_document(changes_head(edition, "changes-rss", entries), entries)


def render_changes_atom(edition: Edition) -> bytes:
    """Render ``changes.atom``: one entry per schedule change, newest first."""
    entries = change_entries(edition)
    return atom_document(changes_head(edition, "changes-atom", entries), entries)


def changes_head(edition: Edition, format_name: str, entries: tuple[Entry, ...]) -> Head:
    """Return the head of the change-log feed in format ``format_name``."""
    site = edition.site
    return Head(
        id=tag_uri(site, TAG_DATE, "changes"),
        title=xml_safe(f"{site.title}: schedule changes"),
        description=xml_safe(
            f"Airings added, moved, cancelled or retitled in the schedule of {site.title}."
        ),
        home=page_url(site, None),
        self_url=site_url(site, renderer(format_name).file_name(None)),
        language=xml_safe(site.language),
        # Nothing recorded yet: when the schedule itself last changed (its first
        # publish, say), never the run time, so the empty log is not rewritten every run.
        updated=newest((e.updated for e in entries), quiet_since(edition)),
        ttl=ttl_minutes(site),
        author=site_author(site),
        hub=xml_safe(site.hub) if site.hub else None,
    )


def change_entries(edition: Edition) -> tuple[Entry, ...]:
    """Return the newest ``feed_items`` changes as entries, newest first."""
    changes = sorted(edition.changes, key=lambda c: (c.recorded, c.number), reverse=True)
    titles = {show.id: show.title for show in edition.site.shows}
    return tuple(
        _change_entry(edition, c, titles.get(c.show, c.show), listed=c.show in titles)
        for c in changes[: edition.site.feed_items]
    )


def _change_entry(
    edition: Edition, change: ScheduleChange, show_title: str, *, listed: bool
) -> Entry:
    """Return one change as an entry; ``listed``: its show is in the config (so has a page).

    A show taken out of the config has no page any more: the index has the schedule.
    """
    # The id joins the log's serial number and the airing: a change is
    # recorded once and keeps its id forever, whatever is logged after it.
    recorded = change.recorded
    date = f"{recorded.year:04d}-{recorded.month:02d}-{recorded.day:02d}"
    return Entry(
        id=tag_uri(edition.site, date, f"changes/{change.number}/{change.airing}"),
        title=xml_safe(_titled(change.text, show_title)),
        link=page_url(edition.site, change.show if listed else None),
        published=recorded,
        updated=recorded,
        content_html=xml_safe(f"<p>{escape(change.text)}</p>"),
        tags=(change.kind,),
    )


def _titled(text: str, show_title: str) -> str:
    """Return the change's text as a title that names its show (once)."""
    return text if text.startswith(show_title) else f"{show_title}: {text}"
