"""The iCalendar renderer, read back by the icalendar parser and compared with its object model."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Component, Event, Timezone, vCalAddress

from feeds.edition import Edition, Revision
from feeds.ics import calendar_chunks, calendar_events, calendar_frame, event_lines, render_ics
from feeds.vtimezone import vtimezone
from feeds.wording import description_text, headline
from schedule.airing import Airing
from schedule.timeline import window
from schedule.site import Channel, Platform, Show, Site, network_order
from tests.factories import lets_meet_173, make_airing, make_edition, make_show, make_site, with_text
from tests.golden import assert_golden
from tests.hostile import HOSTILE, expected

HOST = "feeds.example.org"
NOW = datetime(2026, 1, 10, 4, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
GOLDEN = Path(__file__).parent / "golden" / "ics"


# ---------------------------------------------------------------- builders


def seen(text: str) -> str:
    """What a calendar app must show for ``text``: no forbidden controls, CR LF as a newline."""
    return expected(text).replace("\r\n", "\n").replace("\r", "\n")


def show_edition(*airings: Airing, site: Site | None = None, **overrides: Any) -> Edition:
    """An edition of the first airing's show holding ``airings``."""
    site = site or make_site()
    show = next(s for s in site.shows if s.id == airings[0].show)
    return make_edition(site, airings, NOW, show=show, **overrides)


def evening_desk() -> Show:
    """A New York show, for daylight-saving cases."""
    return make_show(id="evening-desk", title="Evening Desk", timezone=NEW_YORK, channel="wnyx",
                     link="https://wnyx.example.org/evening-desk/", categories=("News", "Talk"),
                     also_on=())


def online_only() -> Show:
    """A show on no channel, only on platforms."""
    return make_show(id="stream-hour", title="Stream Hour", channel=None, link=None, categories=(),
                     also_on=(Platform(name="YouTube"), Platform(name="Bilibili")))


def network_site(*extra: Show) -> Site:
    """The Let's Meet site with a New York channel and more shows."""
    base = make_site()
    channels = (*base.channels, Channel(id="wnyx", name="WNYX New York", xmltv_id="wnyx.example.org"))
    return make_site(channels=channels, shows=(*base.shows, *extra))


def week_airings(show: Show) -> tuple[Airing, ...]:
    """Episode 173, a cancelled airing, a moved one and a rerun of Let's Meet."""
    moved_from = datetime(2026, 1, 10, 18, 0, tzinfo=show.timezone)
    moved_to = datetime(2026, 1, 10, 20, 15, tzinfo=show.timezone)
    return (
        lets_meet_173(show),
        make_airing(show, datetime(2026, 1, 7, 18, 0), status="cancelled",
                    reason="Live coverage of the Lantern Festival; back next week, as usual."),
        replace(make_airing(show, moved_from, moved_from=moved_from, episode=174,
                            title="Mountain City, River City", link="https://cqtv.example.org/lets-meet/174"),
                start=moved_to, end=moved_to + timedelta(minutes=45)),
        make_airing(show, datetime(2026, 1, 11, 10, 0), rerun=True, rerun_of=173, season=None,
                    title="Global Youth Envoys Gather in Chongqing"),
    )


def week_revisions(airings: tuple[Airing, ...]) -> dict[str, Revision]:
    """Fixed revisions: published once, cancelled later, moved twice, new."""
    stamps = [(0, datetime(2025, 12, 20, 9, 0, tzinfo=UTC)), (1, datetime(2026, 1, 5, 8, 30, tzinfo=UTC)),
              (2, datetime(2026, 1, 6, 23, 59, 59, tzinfo=UTC)), (0, datetime(2026, 1, 9, 0, 0, tzinfo=UTC))]
    return {a.uid: Revision(sequence=s, changed=c) for a, (s, c) in zip(airings, stamps, strict=True)}


def week_edition() -> Edition:
    """The hand-built Let's Meet week of the golden file."""
    site = make_site()
    airings = week_airings(site.shows[0])
    return show_edition(*airings, site=site, revisions=week_revisions(airings))


def network_edition() -> Edition:
    """Three shows in two zones, across New York's spring-forward, one only online."""
    desk, stream = evening_desk(), online_only()
    site = network_site(desk, stream)
    lets_meet = week_airings(site.shows[0])
    airings = (
        *lets_meet,
        make_airing(desk, datetime(2026, 3, 7, 19, 0), episode=12, title="Snow & \"sleet\"; roads, trains"),
        make_airing(desk, datetime(2026, 3, 9, 19, 0), episode=13),
        make_airing(desk, datetime(2026, 3, 8, 3, 30), title="Overnight special"),
        make_airing(stream, datetime(2026, 1, 3, 18, 0), title="Same start as episode 173"),
    )
    revisions = week_revisions(lets_meet) | {
        a.uid: Revision(sequence=0, changed=datetime(2026, 1, 9, 0, 0, tzinfo=UTC)) for a in airings[4:]
    }
    return make_edition(site, airings, NOW, revisions=revisions)


# ---------------------------------------------------------------- readers


def parse(data: bytes) -> Calendar:
    """Read a rendered file with the icalendar parser."""
    return Calendar.from_ical(data)


def events(data: bytes) -> dict[str, Event]:
    """The file's events by UID."""
    return {str(e["UID"]): e for e in parse(data).walk("VEVENT")}


def uid(airing: Airing) -> str:
    """The UID a subscriber's calendar keys the airing on."""
    return f"{airing.uid}@{HOST}"


def physical_lines(data: bytes) -> list[bytes]:
    """The file's physical lines, without their CRLF."""
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def vevent_block(data: bytes, airing: Airing) -> bytes:
    """The bytes of one airing's VEVENT inside a file."""
    start = data.index(b"BEGIN:VEVENT\r\nUID:" + uid(airing).encode())
    return data[start:data.index(b"END:VEVENT\r\n", start) + len(b"END:VEVENT\r\n")]


# ---------------------------------------------------------------- what a calendar app reads


def test_icalendar_reads_each_airing_as_we_meant_it() -> None:
    """Each event has the airing's UID, instants, status, sequence and texts."""
    edition = week_edition()
    found = events(render_ics(edition))
    assert set(found) == {uid(a) for a in edition.window}
    for airing in edition.window:
        event, revision = found[uid(airing)], edition.revision(airing)
        assert event.decoded("DTSTART") == airing.start
        assert event.decoded("DTEND") == airing.end
        assert event["STATUS"] == ("CANCELLED" if airing.cancelled else "CONFIRMED")
        assert event.decoded("SEQUENCE") == revision.sequence
        assert event.decoded("DTSTAMP") == revision.changed
        assert event.decoded("LAST-MODIFIED") == revision.changed
        assert str(event["SUMMARY"]) == headline(airing)
        assert str(event["DESCRIPTION"]) == shown_description(airing, edition.site.shows[0])
        assert str(event["LOCATION"]) == "Chongqing Satellite TV"


def test_summary_reads_like_the_issue_example() -> None:
    """A numbered episode reads "Let's Meet · Ep. 173: title"; a rerun and a cancellation say so."""
    found = events(render_ics(week_edition()))
    summaries = sorted(str(e["SUMMARY"]) for e in found.values())
    assert summaries == [
        "Cancelled: Let's Meet",
        "Let's Meet · Ep. 173: Global Youth Envoys Gather in Chongqing",
        "Let's Meet · Ep. 173: Global Youth Envoys Gather in Chongqing (rerun)",
        "Let's Meet · Ep. 174: Mountain City, River City",
    ]


def test_cancelled_airing_stays_with_its_reason() -> None:
    """A cancelled airing remains in the file, CANCELLED, its reason in the description."""
    edition = week_edition()
    cancelled = edition.window[1]
    event = events(render_ics(edition))[uid(cancelled)]
    assert event["STATUS"] == "CANCELLED"
    assert "Lantern Festival; back next week, as usual." in str(event["DESCRIPTION"])


def test_moved_airing_keeps_its_uid_and_airs_at_the_new_time() -> None:
    """A moved airing keeps the UID of its original slot and starts at the new time."""
    edition = week_edition()
    event = events(render_ics(edition))["lets-meet/20260110T100000Z@feeds.example.org"]
    assert event.decoded("DTSTART") == datetime(2026, 1, 10, 12, 15, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 1, 10, 13, 0, tzinfo=UTC)
    assert str(event["URL"]) == "https://cqtv.example.org/lets-meet/174"
    assert "Moved from Sat 10 Jan 2026 18:00." in str(event["DESCRIPTION"])


def test_links_and_categories() -> None:
    """URL is the episode's link, else the show's; CATEGORIES lists the show's."""
    found = events(render_ics(network_edition()))
    assert str(found["lets-meet/20260103T100000Z@feeds.example.org"]["URL"]) == "https://cqtv.example.org/lets-meet/"
    desk = found["evening-desk/20260308T000000Z@feeds.example.org"]
    assert desk["CATEGORIES"].cats == ["News", "Talk"]
    assert str(desk["URL"]) == "https://wnyx.example.org/evening-desk/"
    assert str(desk["LOCATION"]) == "WNYX New York"


def test_online_only_show_is_located_on_its_platforms() -> None:
    """A show on no channel gives its platforms as the location, and its schedule page as URL when it has no link."""
    event = events(render_ics(network_edition()))["stream-hour/20260103T100000Z@feeds.example.org"]
    assert str(event["LOCATION"]) == "YouTube, Bilibili"
    assert str(event["URL"]) == "https://feeds.example.org/cqtv/stream-hour.html"
    assert "CATEGORIES" not in event


def test_show_calendar_properties() -> None:
    """A show's calendar is named for the show, in its zone, refreshed as the site says, at its own URL."""
    calendar = parse(render_ics(week_edition()))
    assert calendar["VERSION"] == "2.0"
    assert calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"].startswith("-//airdates//")
    assert calendar["NAME"] == calendar["X-WR-CALNAME"] == "Let's Meet"
    assert calendar["DESCRIPTION"] == calendar["X-WR-CALDESC"] == (
        "The first all-English international programme from Chongqing.")
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar["X-PUBLISHED-TTL"] == "PT1H"
    assert calendar["SOURCE"] == calendar["URL"] == "https://feeds.example.org/cqtv/lets-meet.ics"


def test_network_calendar_properties() -> None:
    """The network's calendar is named for the site and published as schedule.ics."""
    edition = replace(network_edition(), site=replace(network_edition().site, refresh=timedelta(minutes=15)))
    calendar = parse(render_ics(edition))
    assert calendar["NAME"] == calendar["X-WR-CALNAME"] == "Chongqing Satellite TV — international programmes"
    assert calendar["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert calendar["X-PUBLISHED-TTL"] == "PT15M"
    assert calendar["SOURCE"] == "https://feeds.example.org/cqtv/schedule.ics"
    assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} == {"Asia/Shanghai", "America/New_York"}


def test_every_tzid_has_its_vtimezone() -> None:
    """Each TZID an event refers to is defined once in the file."""
    calendar = parse(render_ics(network_edition()))
    defined = [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")]
    used = {e[p].params["TZID"] for e in calendar.walk("VEVENT") for p in ("DTSTART", "DTEND")}
    assert len(defined) == len(set(defined))
    assert used <= set(defined)


def test_uids_are_unique_and_network_events_come_show_by_show() -> None:
    """UIDs are unique; the network's events come show by show, each show's by start, then UID.

    Shows go in network order: by channel in the site's order (whatever the
    order of ``[[shows]]``), a show on no channel last.
    """
    edition = network_edition()
    stream, lets_meet, desk = (edition.site.show(i) for i in ("stream-hour", "lets-meet", "evening-desk"))
    edition = replace(edition, site=replace(edition.site, shows=(stream, desk, lets_meet)))
    calendar = parse(render_ics(edition))
    keys = [
        (str(e["UID"]).split("/")[0], e.decoded("DTSTART").astimezone(UTC), str(e["UID"]))
        for e in calendar.walk("VEVENT")
    ]
    assert len({k[2] for k in keys}) == len(keys) == len(edition.window)
    shows = [show for show, _, _ in keys]
    assert list(dict.fromkeys(shows)) == ["lets-meet", "evening-desk", "stream-hour"]
    rank = {"lets-meet": 0, "evening-desk": 1, "stream-hour": 2}
    assert keys == sorted(keys, key=lambda k: (rank[k[0]], k[1], k[2]))


def test_a_show_calendar_is_in_start_order() -> None:
    """A show's own events come by start instant, then by UID, whatever the window's order."""
    edition = network_edition()
    show = edition.site.show("lets-meet")
    mine = tuple(a for a in edition.window if a.show == show.id)
    edition = replace(edition, show=show, window=mine[::-1])
    keys = [
        (e.decoded("DTSTART").astimezone(UTC), str(e["UID"]))
        for e in parse(render_ics(edition)).walk("VEVENT")
    ]
    assert len(keys) == len(mine) > 1
    assert keys == sorted(keys)


def test_empty_window_is_a_valid_calendar() -> None:
    """A window without airings still gives a calendar subscribers can read."""
    edition = make_edition(make_site(), (), NOW, show=make_site().shows[0])
    calendar = parse(render_ics(edition))
    assert calendar.walk("VEVENT") == []
    assert calendar["NAME"] == "Let's Meet"
    # RFC 5545 §3.6: a calendar holds at least one component; the zone it names is one.
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_empty_calendar_changes_only_when_the_site_day_turns() -> None:
    """Across the turn of the UTC year (08:00 in Shanghai) an empty calendar keeps its bytes.

    A republish with no airing started and no day passed must write nothing;
    the zone component follows the calendar window, not the clock.
    """
    site = make_site()
    show = site.shows[0]
    before = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)  # 07:00 on 1 January in Shanghai
    after = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)  # 09:00, the same Shanghai day
    assert render_ics(make_edition(site, (), before, show=show)) == render_ics(
        make_edition(site, (), after, show=show)
    )
    # For a zone with clock changes, icalendar reading only that component gives
    # the zone's offsets all through the calendar window.
    london = ZoneInfo("Europe/London")
    empty = render_ics(make_edition(site, (), after, show=make_show(timezone=london)))
    theirs = parse(empty).walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    start, stop = window(site, after)
    for moment in instants_to_check(london, start, stop):
        assert moment.astimezone(theirs).utcoffset() == moment.astimezone(london).utcoffset(), moment


# ---------------------------------------------------------------- the icalendar object model as oracle


def shown_description(airing: Airing, show: Show) -> str:
    """What DESCRIPTION must say: the airing's text, else the show's description, else its headline."""
    return description_text(airing, show) or show.description or headline(airing)


def oracle(edition: Edition) -> Calendar:
    """The same calendar built with icalendar's object model, as the spec reads."""
    site, show = edition.site, edition.show
    calendar = Calendar()
    title = show.title if show else site.title
    about = show.description if show else site.description
    own = f"https://feeds.example.org/cqtv/{show.id if show else 'schedule'}.ics"
    for name, value in (("VERSION", "2.0"), ("PRODID", "-//airdates//airdates//EN"), ("CALSCALE", "GREGORIAN"),
                        ("METHOD", "PUBLISH"), ("NAME", title), ("X-WR-CALNAME", title), ("DESCRIPTION", about),
                        ("X-WR-CALDESC", about), ("X-WR-TIMEZONE", (show or site).timezone.key),
                        ("X-PUBLISHED-TTL", "PT1H"), ("URL", own)):
        calendar.add(name, value)
    calendar.add("REFRESH-INTERVAL", site.refresh, parameters={"VALUE": "DURATION"})
    calendar.add("SOURCE", own, parameters={"VALUE": "URI"})
    shows = {s.id: s for s in site.shows}
    for airing in edition.window:
        calendar.add_component(oracle_event(airing, shows[airing.show], site, edition.revision(airing)))
    calendar.add_missing_timezones()
    return calendar


def oracle_event(airing: Airing, show: Show, site: Site, revision: Revision) -> Event:
    """One airing as an icalendar Event."""
    event = Event()
    event.add("UID", uid(airing))
    for name in ("DTSTAMP", "LAST-MODIFIED"):
        event.add(name, revision.changed)
    event.add("SEQUENCE", revision.sequence)
    event.add("DTSTART", airing.start)
    event.add("DTEND", airing.end)
    event.add("SUMMARY", seen(headline(airing)))
    event.add("DESCRIPTION", seen(shown_description(airing, show)))
    event.add("ORGANIZER", vCalAddress(site.base_url, params={"CN": site.title}))
    channel = site.channel(airing.channel)
    event.add("LOCATION", seen(channel.name) if channel else ", ".join(p.name for p in show.also_on))
    event.add("URL", airing.link or show.link or f"{site.base_url}{show.id}.html")
    if show.categories:
        event.add("CATEGORIES", list(show.categories))
    event.add("STATUS", "CANCELLED" if airing.cancelled else "CONFIRMED")
    event.add("TRANSP", "TRANSPARENT" if airing.cancelled else "OPAQUE")
    return event


def readable(component: Component) -> dict[str, list[Any]]:
    """A component's properties as a reader sees them: instants in UTC, texts as text."""
    seen_values: dict[str, list[Any]] = {}
    for name, value in component.property_items(recursive=False):
        if name in {"BEGIN", "END"}:
            continue
        decoded = component.decoded(name) if name not in {"CATEGORIES"} else value.cats
        if isinstance(decoded, datetime):
            decoded = (decoded.astimezone(UTC), value.params.get("TZID"))
        seen_values.setdefault(name, []).append(decoded)
    return seen_values


@pytest.mark.parametrize("build", [week_edition, network_edition])
def test_same_calendar_as_icalendar_object_model(build: Any) -> None:
    """Every property and value we write reads back as icalendar's own Calendar and Event say."""
    edition = build()
    ours, theirs = parse(render_ics(edition)), parse(oracle(edition).to_ical())
    assert readable(ours) == readable(theirs)
    ours_events = {str(e["UID"]): readable(e) for e in ours.walk("VEVENT")}
    theirs_events = {str(e["UID"]): readable(e) for e in theirs.walk("VEVENT")}
    assert ours_events == theirs_events


# ---------------------------------------------------------------- text safety and the line format


def hostile_edition() -> Edition:
    """Every hostile string as an episode's title, summary and segment, and one as the channel's name."""
    show = make_show()
    base = lets_meet_173(show)
    airings = tuple(with_text(replace(base, id=replace(base.id, start=base.id.start + timedelta(days=i)),
                                      start=base.start + timedelta(days=i), end=base.end + timedelta(days=i)),
                              text) for i, text in enumerate(HOSTILE.values()))
    channel = Channel(id="cqtv", name=HOSTILE["emoji_zwj"] + HOSTILE["ical_specials"] + HOSTILE["crlf"],
                      xmltv_id="cqtv.example.org")
    return show_edition(*airings, site=make_site(shows=(show,), channels=(channel,)))


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_text_survives(key: str) -> None:
    """Text a user typed reads back intact in SUMMARY, DESCRIPTION and LOCATION, less forbidden controls."""
    text = HOSTILE[key]
    show = make_show()
    airing = with_text(lets_meet_173(show), text)
    channel = Channel(id="cqtv", name=text, xmltv_id="cqtv.example.org")
    site = make_site(shows=(show,), channels=(channel,))
    event = events(render_ics(show_edition(airing, site=site)))[uid(airing)]
    assert str(event["SUMMARY"]) == seen(headline(airing))
    assert str(event["DESCRIPTION"]) == seen(shown_description(airing, show))
    assert str(event["LOCATION"]) == seen(text)
    assert f"Let's Meet · Ep. 173: {seen(text)}" == str(event["SUMMARY"])


def test_literal_backslash_n_is_not_a_line_break() -> None:
    r"""A title with a backslash before N or n (C:\News) keeps its backslash."""
    airing = replace(lets_meet_173(), title="C:\\News and C:\\new and \\\\N")
    event = events(render_ics(show_edition(airing)))[uid(airing)]
    assert str(event["SUMMARY"]) == "Let's Meet · Ep. 173: C:\\News and C:\\new and \\\\N"


def test_delete_character_is_dropped() -> None:
    """DEL, a control character iCalendar text cannot carry, is dropped like the others."""
    airing = replace(lets_meet_173(), title="before\x7fafter")
    event = events(render_ics(show_edition(airing)))[uid(airing)]
    assert str(event["SUMMARY"]) == "Let's Meet · Ep. 173: beforeafter"


def test_lines_are_short_crlf_terminated_and_whole_characters() -> None:
    """Every physical line is at most 75 octets, ends in CRLF and holds whole UTF-8 characters."""
    data = render_ics(hostile_edition()) + render_ics(network_edition())
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    for line in physical_lines(data):
        assert len(line) <= 75
        line.decode("utf-8")  # raises if a fold cut a character in two


def test_folded_lines_unfold_to_the_text() -> None:
    """A long multi-byte description, folded, reads back whole."""
    text = HOSTILE["cjk_fold"] + HOSTILE["accents_fold"] + HOSTILE["emoji_zwj"]
    airing = replace(lets_meet_173(), summary=text, segments=())
    data = render_ics(show_edition(airing))
    assert max(len(line) for line in physical_lines(data)) >= 70  # it did fold
    assert str(events(data)[uid(airing)]["DESCRIPTION"]).startswith(text)


# ---------------------------------------------------------------- daylight saving


def test_spring_forward_airing_appears_at_0330_edt() -> None:
    """An airing at 02:30 on New York's spring-forward day is in the file at 03:30 -04:00."""
    desk = evening_desk()
    site = network_site(desk)
    resolved = make_airing(desk, datetime(2026, 3, 8, 3, 30))
    in_the_gap = make_airing(desk, datetime(2026, 3, 8, 2, 30))  # a wall time that does not exist
    for airing in (resolved, in_the_gap):
        data = render_ics(show_edition(airing, site=site))
        assert b"DTSTART;TZID=America/New_York:20260308T033000\r\n" in data
        start = events(data)[uid(airing)].decoded("DTSTART")
        assert (start.hour, start.minute, start.utcoffset()) == (3, 30, timedelta(hours=-4))
        assert start == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_second_pass_of_repeated_hour_keeps_its_instant() -> None:
    """An airing in the second 01:30 of New York's fall-back night keeps its real instant."""
    desk = evening_desk()
    second = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK)
    airing = make_airing(desk, second)
    start = events(render_ics(show_edition(airing, site=network_site(desk))))[uid(airing)].decoded("DTSTART")
    assert start == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


# ---------------------------------------------------------------- time zones


ZONES = ("Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Shanghai", "Asia/Kolkata",
         "Africa/Casablanca", "America/St_Johns", "Pacific/Chatham", "UTC")


def instants_to_check(zone: ZoneInfo, first: datetime, last: datetime) -> list[datetime]:
    """Every six hours, and every quarter hour around each change of offset."""
    step, fine = timedelta(hours=6), timedelta(minutes=15)
    found, moment = [], first
    while moment <= last:
        found.append(moment)
        if (moment + step).astimezone(zone).utcoffset() != moment.astimezone(zone).utcoffset():
            found += [moment + fine * i for i in range(1, 24)]
        moment += step
    return found


@pytest.mark.parametrize("key", ZONES)
def test_vtimezone_gives_zoneinfo_offsets(key: str) -> None:
    """icalendar, reading only our VTIMEZONE, gives the zone's offset all through two years."""
    zone = ZoneInfo(key)
    first, last = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 12, 31, 23, tzinfo=UTC)
    component = Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + vtimezone(zone, first, last)
                                   + b"END:VCALENDAR\r\n").walk("VTIMEZONE")[0]
    theirs = component.to_tz(lookup_tzid=False)
    for moment in instants_to_check(zone, first, last):
        assert moment.astimezone(theirs).utcoffset() == moment.astimezone(zone).utcoffset(), moment


def test_vtimezone_has_no_rdate_lists() -> None:
    """Each observance has one DTSTART and no RDATE or RRULE, so no reader can skip a transition."""
    component = vtimezone(ZoneInfo("Europe/London"), datetime(2026, 1, 1, tzinfo=UTC),
                          datetime(2027, 12, 1, tzinfo=UTC))
    assert b"RDATE" not in component
    assert b"RRULE" not in component
    parsed = Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + component + b"END:VCALENDAR\r\n").walk("VTIMEZONE")[0]
    starts = [sub.decoded("DTSTART") for sub in parsed.subcomponents]
    assert starts[1:] == [datetime(2026, 3, 29, 1), datetime(2026, 10, 25, 2),
                          datetime(2027, 3, 28, 1), datetime(2027, 10, 31, 2)]


def test_zone_without_transitions_has_one_standard() -> None:
    """Shanghai, without daylight saving, gets one STANDARD at +08:00."""
    component = vtimezone(ZoneInfo("Asia/Shanghai"), datetime(2026, 1, 1, tzinfo=UTC),
                          datetime(2027, 6, 1, tzinfo=UTC))
    parsed: Timezone = Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + component
                                          + b"END:VCALENDAR\r\n").walk("VTIMEZONE")[0]
    assert [sub.name for sub in parsed.subcomponents] == ["STANDARD"]
    assert parsed.subcomponents[0].decoded("TZOFFSETTO") == timedelta(hours=8)


def test_fractional_offsets_are_written_in_full() -> None:
    """Half-hour and historical offsets with seconds are written as hhmm and hhmmss."""
    lord_howe = vtimezone(ZoneInfo("Australia/Lord_Howe"), datetime(2026, 1, 1, tzinfo=UTC),
                          datetime(2026, 12, 1, tzinfo=UTC))
    assert b"TZOFFSETTO:+1030\r\n" in lord_howe
    assert b"TZOFFSETTO:+1100\r\n" in lord_howe
    kolkata_1900 = vtimezone(ZoneInfo("Asia/Kolkata"), datetime(1900, 1, 1, tzinfo=UTC),
                             datetime(1900, 6, 1, tzinfo=UTC))
    assert b"TZOFFSETTO:+052110\r\n" in kolkata_1900


def test_vtimezone_covers_whole_years_of_the_window() -> None:
    """The VTIMEZONE depends on the window's years only, so it changes once a year, not daily."""
    zone = ZoneInfo("Europe/London")
    one = vtimezone(zone, datetime(2026, 1, 3, tzinfo=UTC), datetime(2026, 7, 3, tzinfo=UTC))
    other = vtimezone(zone, datetime(2026, 2, 9, tzinfo=UTC), datetime(2026, 12, 30, tzinfo=UTC))
    assert one == other


# ---------------------------------------------------------------- determinism


def test_rendering_twice_gives_the_same_bytes() -> None:
    """The same edition always gives byte-identical files."""
    assert render_ics(network_edition()) == render_ics(network_edition())


def test_event_bytes_do_not_depend_on_other_airings() -> None:
    """An airing's VEVENT is the same alone, among others, in its show's file and the network's."""
    network = network_edition()
    week = week_edition()
    airing = week.window[2]
    alone = render_ics(show_edition(airing, revisions=week.revisions))
    show = week.site.shows[0]
    lines = event_lines(airing, show, week.site, week.revision(airing))
    assert vevent_block(alone, airing) == lines
    assert vevent_block(render_ics(week), airing) == lines
    assert vevent_block(render_ics(network), airing) == event_lines(airing, show, network.site,
                                                                    network.revision(airing))


def test_file_does_not_change_with_the_time_it_is_rendered() -> None:
    """With every airing's revision known, rendering at another "now" gives the same bytes."""
    edition = week_edition()
    assert render_ics(edition) == render_ics(replace(edition, now=NOW + timedelta(days=40)))


# ---------------------------------------------------------------- golden files


def check_golden(name: str, data: bytes) -> None:
    """Compare with the reviewed calendar under tests/golden/ics."""
    assert_golden(GOLDEN / name, data)


def test_golden_show_calendar() -> None:
    """The hand-built Let's Meet week renders exactly as reviewed."""
    check_golden("lets-meet-week/lets-meet.ics", render_ics(week_edition()))


def test_golden_network_calendar() -> None:
    """The three-show network renders exactly as reviewed."""
    check_golden("network/schedule.ics", render_ics(network_edition()))


# ---------------------------------------------------------------- the network from its shows


def test_network_calendar_merged_from_its_shows_events_is_the_same_file() -> None:
    """calendar_frame around each show's calendar_events, in network order, is render_ics's bytes.

    What a publish writes: the shows' events come from their parts.
    """
    network = network_edition()
    parts = []
    for show in network_order(network.site):
        own = tuple(a for a in network.window if a.show == show.id)
        if own:
            edition = make_edition(network.site, own, NOW, show=show, revisions=network.revisions)
            parts.append(b"".join(lines for _, _, lines in calendar_events(edition)))
    head, end = calendar_frame(network)
    assert head + b"".join(parts) + end == render_ics(network)


def test_a_show_calendar_is_its_frame_around_its_events() -> None:
    """A publish writes a show's calendar as calendar_frame around calendar_events."""
    edition = week_edition()
    head, end = calendar_frame(edition)
    events = b"".join(lines for _, _, lines in calendar_events(edition))
    assert head + events + end == render_ics(edition)


def test_calendar_chunks_alone_are_the_calendar() -> None:
    """Joined, the chunks of an edition are its calendar, for a show and for the network."""
    for edition in (week_edition(), network_edition()):
        assert b"".join(calendar_chunks(edition)) == render_ics(edition)


@pytest.mark.parametrize("key", ["UTC", "Etc/UTC"])
def test_a_show_in_utc_has_its_times_read_back(key: str) -> None:
    """A show in the UTC zone refers to a VTIMEZONE of that name, like any other zone.

    Regression: the TZID parameter used to be dropped for "UTC", leaving
    ``DTSTART;:...``, which the icalendar parser reads as no DTSTART at all.
    """
    show = make_show(timezone=ZoneInfo(key))
    site = make_site(shows=(show,))
    airing = make_airing(show, datetime(2026, 1, 10, 18, 0))
    data = render_ics(show_edition(airing, site=site))
    assert f"DTSTART;TZID={key}:20260110T180000".encode() in physical_lines(data)
    calendar = parse(data)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == [key]
    event = events(data)[uid(airing)]
    assert event.decoded("DTSTART") == datetime(2026, 1, 10, 18, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == airing.end
