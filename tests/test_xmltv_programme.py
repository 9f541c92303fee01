"""Each ``<programme>`` is text written by hand: it must be what lxml would serialise.

The oracle builds the same programme as an lxml element, child by child in
the XMLTV DTD's order, and serialises it; hypothesis feeds both every kind of
text a config can hold (markup characters, quotes, CR/LF/tab, non-ASCII,
characters XML cannot carry) and every combination of optional fields.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from feeds.text import xml_safe
from feeds.wording import description_text, episode_label_of
from feeds.xmltv import _ShowText, programme_text
from schedule.airing import Airing
from schedule.site import Show
from tests.factories import make_airing, make_show

_CHILD, _SIBLING = "\n    ", "\n  "
ZONES = [ZoneInfo(name) for name in ("Asia/Shanghai", "America/New_York", "Australia/Lord_Howe")]

texts = st.text(
    st.one_of(
        st.sampled_from('<>&"\'\r\n\t]]>;#é中\u2028\x00\x0b\ud800\ufffe'),
        st.characters(codec="utf-8"),
    ),
    max_size=12,
)
optional = st.none() | texts


def _oracle(airing: Airing, show: Show, lang: str, channel_id: str) -> str:
    """Return the programme as lxml writes it (the tail ends it one level up)."""
    zone = show.timezone

    def stamp(moment: datetime) -> str:
        local = moment.astimezone(UTC).astimezone(zone)
        offset = int(local.utcoffset().total_seconds()) // 60
        sign = "-" if offset < 0 else "+"
        hours, minutes = divmod(abs(offset), 60)
        return local.strftime("%Y%m%d%H%M%S") + f" {sign}{hours:02}{minutes:02}"

    programme = etree.Element(
        "programme",
        {"start": stamp(airing.start), "stop": stamp(airing.end), "channel": xml_safe(channel_id)},
    )
    programme.text = _CHILD

    def child(tag: str, text: str | None, attributes: dict[str, str] | None = None) -> None:
        element = etree.SubElement(programme, tag, attributes)
        element.text = text
        element.tail = _CHILD

    language = {"lang": xml_safe(lang)}
    child("title", xml_safe(show.title), language)
    if airing.title:
        child("sub-title", xml_safe(airing.title), language)
    description = description_text(airing, show)
    if description:
        child("desc", xml_safe(description), language)
    for category in show.categories:
        child("category", xml_safe(category), language)
    if show.image:
        child("icon", None, {"src": xml_safe(show.image)})
    link = airing.link or show.link
    if link:
        child("url", xml_safe(link))
    number = airing.rerun_of if airing.rerun else airing.episode
    if number is not None:
        child("episode-num", episode_label_of(airing.season, number), {"system": "onscreen"})
        season = "" if airing.season is None else str(airing.season - 1)
        child("episode-num", f"{season}.{number - 1}.", {"system": "xmltv_ns"})
    if airing.rerun:
        child("previously-shown", None)
    elif airing.episode == 1:
        child("premiere", None)
    programme[-1].tail = _SIBLING
    return _SIBLING + etree.tostring(programme, encoding="unicode")


@settings(max_examples=300, deadline=None)
@given(
    show_title=texts.filter(bool),
    categories=st.lists(texts, max_size=2),
    image=optional,
    show_link=optional,
    title=optional,
    summary=texts,
    link=optional,
    reason=optional,
    lang=texts,
    channel_id=texts,
    zone=st.sampled_from(ZONES),
    start=st.datetimes(datetime(2024, 1, 1), datetime(2028, 12, 31)),
    minutes=st.integers(1, 600),
    season=st.none() | st.integers(1, 30),
    episode=st.none() | st.integers(1, 2000),
    rerun_of=st.none() | st.integers(1, 2000),
)
def test_programme_text_is_what_lxml_serialises(  # noqa: PLR0913 - one programme's fields
    show_title: str,
    categories: list[str],
    image: str | None,
    show_link: str | None,
    title: str | None,
    summary: str,
    link: str | None,
    reason: str | None,
    lang: str,
    channel_id: str,
    zone: ZoneInfo,
    start: datetime,
    minutes: int,
    season: int | None,
    episode: int | None,
    rerun_of: int | None,
) -> None:
    """Byte for byte, whatever the text and whichever fields are set."""
    show = make_show(
        title=show_title,
        timezone=zone,
        categories=tuple(categories),
        image=image,
        link=show_link,
        duration=timedelta(minutes=minutes),
    )
    airing = make_airing(
        show,
        start,
        title=title,
        summary=summary,
        link=link,
        season=season,
        episode=None if rerun_of else episode,
        rerun=rerun_of is not None,
        rerun_of=rerun_of,
        status="scheduled" if reason is None else "cancelled",
        reason=reason,
    )
    text = programme_text(airing, _ShowText.of(show, xml_safe(lang)), xml_safe(channel_id))
    assert text == _oracle(airing, show, lang, channel_id)
    # And it is well-formed XML on its own.
    assert etree.fromstring(text.encode()).tag == "programme"
