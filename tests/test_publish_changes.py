"""Change detection: content hashes, revisions and the change log, as pure functions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from publisher.changes import content_hash, context_digest, reconcile
from schedule.site import Change, Platform
from tests.factories import SHANGHAI, make_airing, make_show, make_site

NOW = datetime(2026, 1, 10, 4, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
WINDOW = (datetime(2025, 12, 1, tzinfo=SHANGHAI), datetime(2026, 6, 1, tzinfo=SHANGHAI))


def _airings() -> list:
    show = make_show()
    return [
        make_airing(show, datetime(2026, 1, 3 + 7 * i, 18), episode=173 + i, title=f"T{i}")
        for i in range(4)
    ]


def _hashed(airings: list) -> list:
    show = make_show()
    site = make_site()
    context = context_digest(show, site.channel(show.channel), site)
    return [(a, content_hash(a, context)) for a in airings]


def _after(
    previous: dict, airings: list, now: datetime = LATER, windows: tuple = (WINDOW, WINDOW)
) -> object:
    return reconcile(
        previous,
        _hashed(airings),
        now=now,
        windows=windows,
        show_titles={"lets-meet": "Let's Meet"},
    )


def _first() -> dict:
    first = reconcile(
        {}, _hashed(_airings()), now=NOW, windows=(None, WINDOW), show_titles={"lets-meet": "x"}
    )
    return {record.id: record for record in first.updates}


def test_first_publish_starts_every_airing_at_sequence_0_and_logs_nothing() -> None:
    """Airings never published before get SEQUENCE 0 and changed = now, and no change is logged."""
    first = reconcile({}, _hashed(_airings()), now=NOW, windows=(None, WINDOW), show_titles={})
    assert {r.sequence for r in first.revisions.values()} == {0}
    assert {r.changed for r in first.revisions.values()} == {NOW}
    assert first.changes == ()


def test_unchanged_airings_keep_their_revision_and_write_nothing() -> None:
    """With nothing changed, every revision is kept and no record needs writing."""
    previous = _first()
    again = _after(previous, _airings())
    assert again.updates == ()
    assert again.changes == ()
    assert {r.changed for r in again.revisions.values()} == {NOW}


def test_an_exception_added_to_the_show_does_not_touch_other_airings() -> None:
    """A show's rule-side fields are not in an airing's hash; what a reader sees is."""
    show = make_show()
    airing = make_airing(show, datetime(2026, 1, 3, 18))
    site = make_site()
    channel = site.channel(show.channel)
    with_change = replace(
        show, changes=(Change(key="changes[0]", at=datetime(2026, 2, 18, 18), cancel=""),)
    )
    assert content_hash(airing, context_digest(show, channel, site)) == content_hash(
        airing, context_digest(with_change, channel, site)
    )
    platforms = replace(show, also_on=(Platform(name="Bilibili"),))
    assert content_hash(airing, context_digest(show, channel, site)) != content_hash(
        airing, context_digest(platforms, channel, site)
    )


def test_the_site_settings_every_event_shows_count() -> None:
    """The site's title (ORGANIZER), address (links) and language (guide lang) are in the hash.

    Its description, zone or feed length, which no airing shows, are not.
    """
    show = make_show()
    airing = make_airing(show, datetime(2026, 1, 3, 18))
    site = make_site()
    channel = site.channel(show.channel)
    base = content_hash(airing, context_digest(show, channel, site))
    shown = [
        replace(site, title="Another network"),
        replace(site, base_url="https://feeds.example.org/elsewhere/"),
        replace(site, language="zh"),
    ]
    assert base not in {content_hash(airing, context_digest(show, channel, s)) for s in shown}
    unseen = [replace(site, description="Another"), replace(site, feed_items=7)]
    assert {content_hash(airing, context_digest(show, channel, s)) for s in unseen} == {base}


def test_every_field_of_an_airing_counts() -> None:
    """Any field an output shows changes the hash: title, summary, end, status, zone."""
    airing = _airings()[0]
    context = "c"
    base = content_hash(airing, context)
    variants = [
        replace(airing, title="other"),
        replace(airing, summary="other"),
        replace(airing, end=airing.end + timedelta(minutes=1)),
        replace(airing, status="cancelled"),
        replace(airing, start=airing.start.astimezone(UTC)),
    ]
    assert base not in {content_hash(v, context) for v in variants}


def test_moved_airing_is_one_sequence_up_and_logged() -> None:
    """A start that changed bumps SEQUENCE once and logs a move with both times."""
    previous = _first()
    airings = _airings()
    moved = replace(
        airings[1],
        start=airings[1].start + timedelta(days=1, hours=2),
        end=airings[1].end + timedelta(days=1, hours=2),
        moved_from=airings[1].start,
    )
    after = _after(previous, [airings[0], moved, *airings[2:]])
    assert after.revisions[moved.uid].sequence == 1
    assert after.revisions[moved.uid].changed == LATER
    assert [c.kind for c in after.changes] == ["moved"]
    assert (
        after.changes[0].text
        == "Let's Meet · Ep. 174 moved from Sat 10 Jan 2026 18:00 to Sun 11 Jan 2026 20:00"
    )


def test_airings_entering_and_leaving_with_the_window_are_not_changes() -> None:
    """When the window moves, airings that enter or leave it are recorded but not logged."""
    airings = _airings()
    narrow = (airings[0].start, airings[2].start)
    first = reconcile(
        {}, _hashed(airings[:2]), now=NOW, windows=(None, narrow), show_titles={"lets-meet": "x"}
    )
    previous = {record.id: record for record in first.updates}
    moved_on = (airings[1].start, airings[3].start + timedelta(hours=1))
    after = _after(previous, airings[1:], windows=(narrow, moved_on))
    assert after.changes == ()
    assert {r.id: r.present for r in after.updates} == {
        airings[0].uid: False,
        airings[2].uid: True,
        airings[3].uid: True,
    }


def test_a_new_show_logs_nothing() -> None:
    """A show new to the config records its airings without logging each as added."""
    previous = _first()
    other = make_show(id="dialogue", title="Dialogue")
    extra = [make_airing(other, datetime(2026, 1, 5, 20))]
    after = reconcile(
        previous,
        [*_hashed(_airings()), *((a, "h") for a in extra)],
        now=LATER,
        windows=(WINDOW, WINDOW),
        show_titles={"lets-meet": "x", "dialogue": "Dialogue"},
    )
    assert after.changes == ()
    assert extra[0].uid in after.revisions


def test_a_cancelled_episode_is_one_entry_not_a_retitle_too() -> None:
    """Cancelled, an airing takes no number, so no title by number: one "cancelled" entry.

    And restored, one "is back" entry. A title changed to another one at the
    same time is still said.
    """
    previous = _first()
    airings = _airings()
    cancelled = replace(
        airings[1], status="cancelled", reason="Pre-empted", episode=None, title=None
    )
    after = _after(previous, [airings[0], cancelled, *airings[2:]])
    assert [(c.kind, c.text) for c in after.changes] == [
        ("cancelled", "Let's Meet · Ep. 174 on Sat 10 Jan 2026 18:00 cancelled: Pre-empted")
    ]
    now = {record.id: record for record in after.updates} | {
        uid: record for uid, record in previous.items() if uid != cancelled.uid
    }
    back = _after(now, airings, now=LATER + timedelta(hours=1))
    assert [c.kind for c in back.changes] == ["restored"]
    renamed = replace(cancelled, title="A special instead")
    both = _after(previous, [airings[0], renamed, *airings[2:]])
    assert [c.kind for c in both.changes] == ["cancelled", "retitled"]
