"""Small builders of config values and airings for renderer and publisher tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from feeds.edition import Edition, Revision
from schedule.airing import Airing, AiringId
from schedule.site import Channel, Platform, Segment, Show, Site

SHANGHAI = ZoneInfo("Asia/Shanghai")


def make_site(**overrides: Any) -> Site:
    """Return a one-channel site with the Let's Meet show, overridable by keyword."""
    show = make_show()
    values: dict[str, Any] = {
        "title": "Chongqing Satellite TV — international programmes",
        "base_url": "https://feeds.example.org/cqtv/",
        "source": "/srv/cqtv/airdates.toml",
        "output": "/srv/cqtv/public",
        "state": "/srv/cqtv/.airdates",
        "timezone": SHANGHAI,
        "description": "International programmes of Chongqing Satellite TV.",
        "channels": (Channel(id="cqtv", name="Chongqing Satellite TV", xmltv_id="cqtv.feeds.example.org",
                             url="https://cqtv.example.org/"),),
        "shows": (show,),
    }
    values.update(overrides)
    return Site(**values)


def make_show(**overrides: Any) -> Show:
    """Return the Let's Meet show, overridable by keyword."""
    values: dict[str, Any] = {
        "id": "lets-meet",
        "title": "Let's Meet",
        "timezone": SHANGHAI,
        "description": "The first all-English international programme from Chongqing.",
        "channel": "cqtv",
        "duration": timedelta(minutes=30),
        "link": "https://cqtv.example.org/lets-meet/",
        "categories": ("Culture",),
        "also_on": (Platform(name="WeChat Channels"), Platform(name="YouTube", url="https://youtube.example.org/letsmeet")),
    }
    values.update(overrides)
    return Show(**values)


def make_airing(show: Show, start: datetime, **overrides: Any) -> Airing:
    """Return a scheduled airing of ``show`` at local naive ``start`` (or an aware one)."""
    aware = start if start.tzinfo else start.replace(tzinfo=show.timezone)
    values: dict[str, Any] = {
        "id": AiringId.of(show.id, aware),
        "show": show.id,
        "show_title": show.title,
        "channel": show.channel,
        "start": aware,
        # Elapsed time, as the timeline does: wall-clock addition is wrong across a clock change.
        "end": (aware.astimezone(UTC) + (show.duration or timedelta(minutes=30))).astimezone(aware.tzinfo),
    }
    values.update(overrides)
    return Airing(**values)


def lets_meet_173(show: Show | None = None) -> Airing:
    """Return episode 173 of Let's Meet as the seed text describes it."""
    show = show or make_show()
    return make_airing(
        show,
        datetime(2026, 1, 3, 18, 0),
        episode=173,
        title="Global Youth Envoys Gather in Chongqing",
        summary="Nearly 200 youth representatives gather in the Mountain City.",
        segments=(
            Segment(title="Bridging News", summary="How Chinese micro-dramas are going global."),
            Segment(title="Dialogue", summary="Yue-Sai Kan on forty years of change in Chongqing."),
            Segment(title="iChongqing", summary="Second-hand shop owners on the value of old things."),
        ),
    )


def make_edition(site: Site, airings: tuple[Airing, ...], now: datetime, **overrides: Any) -> Edition:
    """Return an Edition with every airing in the window and the started premieres as entries."""
    recent = tuple(
        sorted((a for a in airings if a.start <= now and not a.rerun and not a.cancelled),
               key=lambda a: a.start, reverse=True)
    )[: site.feed_items]
    values: dict[str, Any] = {
        "site": site,
        "show": None,
        "now": now,
        "window": tuple(sorted(airings, key=lambda a: a.start)),
        "recent": recent,
        "revisions": {a.uid: Revision(sequence=0, changed=now.astimezone(UTC)) for a in airings},
    }
    values.update(overrides)
    return Edition(**values)


def with_text(airing: Airing, text: str) -> Airing:
    """Return the airing with ``text`` as its title, summary and segment text."""
    return replace(airing, title=text, summary=text, segments=(Segment(title=text, summary=text),))
