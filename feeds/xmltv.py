"""The XMLTV guide (``xmltv.xml``): every channel and every broadcast airing in the window."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from lxml import etree

from feeds.edition import Edition
from feeds.text import xml_safe
from feeds.wording import description_text, episode_label_of
from schedule.airing import Airing
from schedule.site import Channel, Show

__all__ = ["render_xmltv"]

_DOCTYPE = '<!DOCTYPE tv SYSTEM "xmltv.dtd">'
_GENERATOR = "airdates"
_CHILD = "\n    "  # indentation written between elements, so a guide reads well in a diff
_SIBLING = "\n  "


def render_xmltv(edition: Edition) -> bytes:
    """Return the XMLTV guide for the edition's window.

    Tags are streamed through lxml's incremental writer as they are made, so
    a guide of 200,000 programmes never exists as one tree in memory.
    """
    site = edition.site
    lang = xml_safe(site.language)
    buffer = io.BytesIO()
    with etree.xmlfile(buffer, encoding="utf-8") as out:
        out.write_declaration()
        out.write_doctype(_DOCTYPE)
        with out.element("tv", _tv_attributes(edition)):
            for channel in site.channels:
                out.write(_SIBLING)
                _write_channel(out, channel, lang)
            for airing, show, channel_id in _programmes(edition):
                out.write(_SIBLING)
                _write_programme(out, airing, show, channel_id)
            out.write("\n")
    buffer.write(b"\n")
    return buffer.getvalue()


def _tv_attributes(edition: Edition) -> dict[str, str]:
    """Return the root's attributes; no date, so the same schedule gives the same bytes."""
    return {
        "source-info-url": xml_safe(edition.site.base_url),
        "source-info-name": xml_safe(edition.site.title),
        "generator-info-name": _GENERATOR,
    }


@dataclass(frozen=True, slots=True)
class _ShowText:
    """What every programme of one show repeats, made XML-safe once per show."""

    show: Show
    title: str
    lang: str
    categories: tuple[str, ...]
    icon: str | None
    link: str | None
    lang_attribute: dict[str, str]

    @classmethod
    def of(cls, show: Show, lang: str) -> _ShowText:
        """Prepare ``show``'s shared text."""
        return cls(
            show,
            xml_safe(show.title),
            lang,
            tuple(xml_safe(c) for c in show.categories),
            xml_safe(show.image) if show.image else None,
            xml_safe(show.link) if show.link else None,
            {"lang": lang},
        )


def _programmes(edition: Edition) -> Iterator[tuple[Airing, _ShowText, str]]:
    """Yield the broadcast, not cancelled airings: channel by channel, each in time order.

    Grouping by channel in the site's order is how grabbers write guides and
    keeps each channel's programmes together; the id breaks ties so equal
    starts (an overlap the config only warns about) still sort the same way.
    """
    site = edition.site
    order = {channel.id: index for index, channel in enumerate(site.channels)}
    ids = {channel.id: xml_safe(channel.xmltv_id) for channel in site.channels}
    lang = xml_safe(site.language)
    shows = {show.id: _ShowText.of(show, lang) for show in site.shows}
    broadcast = [
        a for a in edition.window if not a.cancelled and a.channel in order and a.show in shows
    ]
    broadcast.sort(key=lambda a: (order[a.channel], a.start, a.id))  # type: ignore[index]
    for airing in broadcast:
        yield airing, shows[airing.show], ids[airing.channel]  # type: ignore[index]


def _write_channel(out: etree._IncrementalFileWriter, channel: Channel, lang: str) -> None:
    """Write ``<channel>``: display-name, icon, url, in the DTD's order."""
    with out.element("channel", {"id": xml_safe(channel.xmltv_id)}):
        _write_text(out, "display-name", xml_safe(channel.name), {"lang": lang})
        if channel.icon:
            _write_empty(out, "icon", {"src": xml_safe(channel.icon)})
        if channel.url:
            _write_text(out, "url", xml_safe(channel.url))
        out.write(_SIBLING)


def _write_programme(
    out: etree._IncrementalFileWriter, airing: Airing, show: _ShowText, channel_id: str
) -> None:
    """Write one ``<programme>``, built as one small element and written in one call."""
    out.write(_programme(airing, show, channel_id))


def _programme(airing: Airing, show: _ShowText, channel_id: str) -> etree._Element:
    """Return one ``<programme>``; children follow the order the XMLTV DTD demands.

    One element per programme, its indentation in the text and tails, costs
    a few lxml calls where writing tag by tag cost several per child.
    """
    zone = show.show.timezone
    programme = _Element(
        "programme",
        {
            "start": _stamp(airing.start, zone),
            "stop": _stamp(airing.end, zone),
            "channel": channel_id,
        },
    )
    programme.text = _CHILD
    lang = show.lang_attribute
    _child(programme, "title", show.title, lang)
    if airing.title:
        _child(programme, "sub-title", xml_safe(airing.title), lang)
    description = description_text(airing, show.show)
    if description:
        _child(programme, "desc", xml_safe(description), lang)
    for category in show.categories:
        _child(programme, "category", category, lang)
    if show.icon:
        _child(programme, "icon", None, {"src": show.icon})
    link = xml_safe(airing.link) if airing.link else show.link
    if link:
        _child(programme, "url", link)
    _episode_numbers(programme, airing)
    _flags(programme, airing)
    programme[-1].tail = _SIBLING
    return programme


def _child(
    parent: etree._Element, tag: str, text: str | None, attributes: dict[str, str] | None = None
) -> None:
    """Add ``<tag>`` holding ``text`` (made XML-safe by the caller), or empty when None."""
    child = _SubElement(parent, tag, attributes)
    child.text = text
    child.tail = _CHILD


_Element = etree.Element
_SubElement = etree.SubElement


def _stamp(moment: datetime, zone: ZoneInfo) -> str:
    """Return ``YYYYMMDDhhmmss +zzzz`` in the show's zone."""
    # Through UTC: astimezone() to the zone a datetime already carries returns
    # it untouched, and a wall time in a spring-forward gap must come out resolved.
    local = moment.astimezone(UTC).astimezone(zone)
    # Built by hand: strftime was the largest single cost of a big guide.
    return (
        f"{local.year:04}{local.month:02}{local.day:02}"
        f"{local.hour:02}{local.minute:02}{local.second:02} "
        f"{_offset(local.utcoffset())}"
    )


@cache
def _offset(offset: timedelta | None) -> str:
    """Return an offset as ``+hhmm`` (Lord Howe's half hour included)."""
    minutes = int((offset or timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02}{minutes:02}"


def _episode_numbers(programme: etree._Element, airing: Airing) -> None:
    """Add the onscreen and zero-based xmltv_ns numbers; a rerun carries its episode's."""
    number = airing.rerun_of if airing.rerun else airing.episode
    if number is None:
        return
    _child(programme, "episode-num", episode_label_of(airing.season, number), _ONSCREEN)
    season = "" if airing.season is None else str(airing.season - 1)
    _child(programme, "episode-num", f"{season}.{number - 1}.", _XMLTV_NS)


_ONSCREEN = {"system": "onscreen"}
_XMLTV_NS = {"system": "xmltv_ns"}


def _flags(programme: etree._Element, airing: Airing) -> None:
    """Mark a rerun as previously shown, a season's (or series') first episode as a premiere."""
    if airing.rerun:
        _child(programme, "previously-shown", None)
    elif airing.episode == 1:
        _child(programme, "premiere", None)


def _write_text(
    out: etree._IncrementalFileWriter, tag: str, text: str, attributes: dict[str, str] | None = None
) -> None:
    """Write ``<tag>`` holding ``text``, which the caller has made XML-safe."""
    out.write(_CHILD)
    with out.element(tag, attributes):
        out.write(text)


def _write_empty(
    out: etree._IncrementalFileWriter, tag: str, attributes: dict[str, str] | None = None
) -> None:
    """Write an empty ``<tag/>``."""
    out.write(_CHILD, etree.Element(tag, attributes))
