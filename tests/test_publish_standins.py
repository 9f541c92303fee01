"""Stand-ins for the publisher's unit tests: a scripted timeline and small text renderers.

The renderers write one line per airing with its revision, so a test can read
back exactly what the publisher handed them; the timeline serves a list of
airings the test edits the way a config edit would change them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from feeds import registry
from feeds.edition import Edition
from schedule import timeline
from schedule.airing import Airing
from schedule.site import Show, Site
from tests.factories import SHANGHAI, make_airing, make_show, make_site

FIRST = datetime(2025, 6, 4, 18, 0)  # a Wednesday


@dataclass
class Script:
    """The airings every show has, as the scripted timeline serves them."""

    airings: dict[str, list[Airing]] = field(default_factory=dict)

    def edit(self, uid: str, **changes: object) -> Airing:
        """Replace one airing's fields, as an edit to the config would."""
        for airings in self.airings.values():
            for index, airing in enumerate(airings):
                if airing.uid == uid:
                    airings[index] = replace(airing, **changes)  # type: ignore[arg-type]
                    airings.sort(key=lambda a: a.start)
                    return airings[index]
        raise KeyError(uid)

    def remove_show(self, show_id: str) -> None:
        """Drop a show's airings, as removing it from the config would."""
        del self.airings[show_id]


def weekly(show: Show, count: int = 120) -> list[Airing]:
    """Return ``count`` numbered airings of ``show``, Wednesdays and Saturdays at 18:00."""
    starts = []
    day = FIRST
    while len(starts) < count:
        starts.append(day)
        day += timedelta(days=3 if day.weekday() == 2 else 4)
    return [
        make_airing(show, start, episode=i + 1, title=f"Episode {i + 1}")
        for i, start in enumerate(starts)
    ]


def _window(site: Site, now: datetime) -> tuple[datetime, datetime]:
    local = now.astimezone(site.timezone).date()
    start = datetime.combine(local - site.past, time(0), site.timezone)
    stop = datetime.combine(local + site.future + timedelta(days=1), time(0), site.timezone)
    return start, stop


def install_timeline(monkeypatch: pytest.MonkeyPatch, script: Script) -> None:
    """Make schedule.timeline serve the script's airings."""

    def show_airings(
        _site: Site, show: Show, start: datetime, stop: datetime
    ) -> tuple[Airing, ...]:
        return tuple(a for a in script.airings.get(show.id, ()) if start <= a.start < stop)

    def aired(_site: Site, show: Show, now: datetime, limit: int) -> tuple[Airing, ...]:
        done = [
            a
            for a in script.airings.get(show.id, ())
            if a.start <= now and not a.rerun and not a.cancelled
        ]
        return tuple(reversed(done))[:limit]

    def show_timeline(
        site: Site, show: Show, now: datetime, start: datetime, stop: datetime, limit: int
    ) -> tuple[tuple[Airing, ...], tuple[Airing, ...]]:
        return show_airings(site, show, start, stop), aired(site, show, now, limit)

    monkeypatch.setattr(timeline, "window", _window)
    monkeypatch.setattr(timeline, "show_timeline", show_timeline)
    monkeypatch.setattr(timeline, "show_airings", show_airings)
    monkeypatch.setattr(timeline, "aired", aired)


def _lines(edition: Edition, airings: tuple[Airing, ...]) -> bytes:
    rows = []
    for airing in airings:
        revision = edition.revision(airing)
        rows.append(
            f"{airing.uid}|{revision.sequence}|{revision.changed.astimezone(UTC).isoformat()}|"
            f"{airing.start.isoformat()}|{airing.title}|{airing.status}"
        )
    return ("\n".join(rows) + "\n").encode()


def _calendar(edition: Edition) -> bytes:
    return _lines(edition, edition.window)


def _feed(edition: Edition) -> bytes:
    return _lines(edition, edition.recent)


def _changes(edition: Edition) -> bytes:
    return "".join(f"{c.number}|{c.kind}|{c.airing}|{c.text}\n" for c in edition.changes).encode()


def install_renderers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the registry with three small text renderers: a calendar, a feed, a change log."""
    monkeypatch.setattr(registry, "_REGISTRY", {})
    registry.register(
        registry.Renderer(
            name="cal",
            media_type="text/calendar; charset=utf-8",
            suffix=".cal",
            network="schedule",
            render=_calendar,
        )
    )
    registry.register(
        registry.Renderer(
            name="feed",
            media_type="application/rss+xml",
            suffix=".feed",
            network="all",
            render=_feed,
        )
    )
    registry.register(
        registry.Renderer(
            name="log",
            media_type="application/atom+xml",
            suffix=".log",
            per_show=False,
            network="changes",
            render=_changes,
        )
    )


def scripted_site(tmp_path: Path, *show_ids: str, **overrides: object) -> tuple[Site, Script]:
    """Return a site with the given shows (weekly airings each) in ``tmp_path``, and its script."""
    shows = tuple(
        make_show(id=show_id, title=f"Show {show_id}") for show_id in show_ids or ("lets-meet",)
    )
    site = make_site(
        shows=shows, output=str(tmp_path / "public"), state=str(tmp_path / ".airdates"), **overrides
    )
    return site, Script(airings={show.id: weekly(show) for show in shows})


def at(day: int, hour: int = 12, month: int = 1) -> datetime:
    """Return a moment in Shanghai in early 2026."""
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def parse(path: Path) -> dict[str, list[str]]:
    """Read a stand-in calendar or feed back: uid -> [sequence, changed, start, title, status]."""
    rows = [line.split("|") for line in path.read_text().splitlines() if line]
    return {row[0]: row[1:] for row in rows}
