"""The XMLTV guide (``xmltv.xml``): every channel and every broadcast airing in the window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from feeds.edition import Edition
from feeds.instants import writable
from feeds.text import xml_attribute, xml_safe, xml_text
from feeds.wording import description_text, episode_label_of, says_more, show_description
from schedule.airing import Airing
from schedule.site import Channel, Show

__all__ = ["Programme", "guide_frame", "programme_entries", "programmes_text", "render_xmltv"]

Programme = tuple[float, str, float, bytes]
"""One programme of a guide, as it sorts: its start (POSIX time), its id (show, original start
as POSIX time), then its ``<programme>`` text in UTF-8. Plain values: a network keeps these
pickled, as the bytes the guide is written in (neither decoded when read back nor encoded again)."""

_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
_DOCTYPE = '<!DOCTYPE tv SYSTEM "xmltv.dtd">'
_GENERATOR = "airdates"
_CHILD = "\n    "  # indentation written between elements, so a guide reads well in a diff
_SIBLING = "\n  "


def render_xmltv(edition: Edition) -> bytes:
    """Return the XMLTV guide for the edition's window.

    Written as text, escaped and indented as lxml writes XML (tests hold
    both equal, byte for byte): the head (``guide_frame``), then each
    programme (``programme_text``), so a guide of 200,000 programmes never
    exists as one tree in memory and costs a string join per programme.
    """
    head, tail = guide_frame(edition)
    return f"{head}{programmes_text(edition)}{tail}".encode()


def programmes_text(edition: Edition) -> str:
    """Return the guide's programmes as XML text, to stand between ``guide_frame``'s two parts.

    A network guide is put together a channel at a time from these.
    """
    return "".join(programme_text(*programme) for programme in _programmes(edition))


def programme_entries(edition: Edition) -> list[Programme]:
    """Return the window's programmes, each with what sorts it, in no particular order.

    A network guide is put together from every show's list: a channel's
    programmes, sorted, are ``programmes_text``'s, in its order.
    """
    site = edition.site
    channels = {channel.id: xml_safe(channel.xmltv_id) for channel in site.channels}
    lang = xml_safe(site.language)
    shows = {show.id: _ShowText.of(show, lang) for show in edition.shows}
    return [
        (
            a.start.timestamp(),
            a.id.show,
            a.id.start.timestamp(),
            programme_text(a, shows[a.show], channels[a.channel]).encode(),  # type: ignore[index]
        )
        for a in edition.window
        if not a.cancelled and a.channel in channels and a.show in shows
    ]


def guide_frame(edition: Edition) -> tuple[str, str]:
    """Return the guide's text before its first programme and after its last.

    As lxml's incremental writer writes it, byte for byte (a test holds them
    equal): importing lxml for a dozen lines cost a publish of one show 5 to 10 ms.
    """
    site = edition.site
    lang = xml_attribute(xml_safe(site.language))
    attributes = _tv_attributes(edition).items()
    root = "".join(f' {name}="{xml_attribute(value)}"' for name, value in attributes)
    channels = "".join(_channel_text(channel, lang) for channel in site.channels)
    return f"{_DECLARATION}{_DOCTYPE}\n<tv{root}>{channels}", "\n</tv>\n"


def _tv_attributes(edition: Edition) -> dict[str, str]:
    """Return the root's attributes; no date, so the same schedule gives the same bytes."""
    return {
        "source-info-url": xml_safe(edition.site.base_url),
        "source-info-name": xml_safe(edition.site.title),
        "generator-info-name": _GENERATOR,
    }


@dataclass(frozen=True, slots=True)
class _ShowText:
    """What every programme of one show repeats, as escaped XML made once per show."""

    show: Show
    lang: str  # the lang="..." attribute, escaped, with its leading space
    title: str  # the <title> element and the indentation after it
    shared: str  # <category>s and <icon>, the same in every programme
    link: str  # the <url> element for an airing without a link of its own, or ""
    about: str  # the <desc> of an airing with nothing of its own to say, or ""

    @classmethod
    def of(cls, show: Show, lang: str) -> _ShowText:
        """Prepare ``show``'s shared text."""
        attribute = f' lang="{xml_attribute(lang)}"'
        categories = "".join(
            f"<category{attribute}>{xml_text(xml_safe(c))}</category>{_CHILD}"
            for c in show.categories
        )
        icon = f'<icon src="{xml_attribute(xml_safe(show.image))}"/>{_CHILD}' if show.image else ""
        return cls(
            show,
            attribute,
            f"<title{attribute}>{xml_text(xml_safe(show.title))}</title>{_CHILD}",
            categories + icon,
            _url(xml_safe(show.link)) if show.link else "",
            _desc(show_description(show), attribute),
        )


def _desc(description: str, lang: str) -> str:
    """Return the ``<desc>`` element of ``description`` ("" for none)."""
    return f"<desc{lang}>{xml_text(xml_safe(description))}</desc>{_CHILD}" if description else ""


def _programmes(edition: Edition) -> Iterator[tuple[Airing, _ShowText, str]]:
    """Yield the broadcast, not cancelled airings: channel by channel, each in time order.

    Grouping by channel in the site's order is how grabbers write guides and
    keeps each channel's programmes together; the id breaks ties so equal
    starts (an overlap the config only warns about) still sort the same way.
    Time order is by instant: two aware times in one zone compare by their
    wall clocks, which puts a fall-back night's second 01:15 before its first 01:30.
    """
    site = edition.site
    order = {channel.id: index for index, channel in enumerate(site.channels)}
    ids = {channel.id: xml_safe(channel.xmltv_id) for channel in site.channels}
    lang = xml_safe(site.language)
    shows = {show.id: _ShowText.of(show, lang) for show in site.shows}
    broadcast = [
        a for a in edition.window if not a.cancelled and a.channel in order and a.show in shows
    ]
    broadcast.sort(key=lambda a: (order[a.channel], a.start.timestamp(), a.id))  # type: ignore[index]
    for airing in broadcast:
        yield airing, shows[airing.show], ids[airing.channel]  # type: ignore[index]


def _channel_text(channel: Channel, lang: str) -> str:
    """Return ``<channel>``: display-name, icon, url, in the DTD's order (``lang`` escaped)."""
    parts = [
        f'{_SIBLING}<channel id="{xml_attribute(xml_safe(channel.xmltv_id))}">',
        f'{_CHILD}<display-name lang="{lang}">{xml_text(xml_safe(channel.name))}</display-name>',
    ]
    if channel.icon:
        parts.append(f'{_CHILD}<icon src="{xml_attribute(xml_safe(channel.icon))}"/>')
    if channel.url:
        parts.append(f"{_CHILD}<url>{xml_text(xml_safe(channel.url))}</url>")
    parts.append(f"{_SIBLING}</channel>")
    return "".join(parts)


def programme_text(airing: Airing, show: _ShowText, channel_id: str) -> str:
    """Return one ``<programme>`` as XML text; children in the order the XMLTV DTD demands.

    Escaped as lxml escapes (``xml_text``, ``xml_attribute``); a test holds every
    programme equal, byte for byte, to the element lxml serialises.
    """
    zone = show.show.timezone
    opening = (
        f'{_SIBLING}<programme start="{_stamp(airing.start, zone)}"'
        f' stop="{_stamp(airing.end, zone)}" channel="{xml_attribute(channel_id)}">{_CHILD}'
    )
    parts = [opening, show.title]
    lang = show.lang
    if airing.title:
        parts.append(f"<sub-title{lang}>{xml_text(xml_safe(airing.title))}</sub-title>{_CHILD}")
    if says_more(airing):
        parts.append(_desc(description_text(airing, show.show), lang))
    else:  # most programmes: the show's description, escaped once per show
        parts.append(show.about)
    parts.append(show.shared)
    parts.append(_url(xml_safe(airing.link)) if airing.link else show.link)
    number = airing.rerun_of if airing.rerun else airing.episode
    if number is not None:
        label = xml_text(episode_label_of(airing.season, number))
        season = "" if airing.season is None else str(airing.season - 1)
        parts.append(
            f'<episode-num system="onscreen">{label}</episode-num>{_CHILD}'
            f'<episode-num system="xmltv_ns">{season}.{number - 1}.</episode-num>{_CHILD}'
        )
    if airing.rerun:
        parts.append(f"<previously-shown/>{_CHILD}")
    elif airing.episode == 1:
        parts.append(f"<premiere/>{_CHILD}")
    # The last child's indentation closes the element one level up.
    text = "".join(parts)
    return f"{text[: -len(_CHILD)]}{_SIBLING}</programme>"


def _url(link: str) -> str:
    return f"<url>{xml_text(link)}</url>{_CHILD}"


def _stamp(moment: datetime, zone: ZoneInfo) -> str:
    """Return ``YYYYMMDDhhmmss +zzzz`` in the show's zone."""
    # Through UTC: astimezone() to the zone a datetime already carries returns
    # it untouched, and a wall time in a spring-forward gap must come out resolved.
    local = writable(moment.astimezone(UTC).astimezone(zone))
    # %-formatting of a tuple: about twice as fast as strftime or format specs,
    # and this runs twice for every programme of the guide.
    return "%04d%02d%02d%02d%02d%02d %s" % (  # noqa: UP031
        local.year, local.month, local.day, local.hour, local.minute, local.second,
        _offset(local.utcoffset()),
    )


@cache
def _offset(offset: timedelta | None) -> str:
    """Return an offset as ``+hhmm`` (Lord Howe's half hour included)."""
    minutes = int((offset or timedelta()).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02}{minutes:02}"
