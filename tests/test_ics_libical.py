"""Rendered and published calendars read by libical (Evolution, KOrganizer, many CalDAV servers).

tests/c/ical_check.c is compiled once per session against the system's libical
(``pkg-config libical``; Debian: libical-dev). It parses a file, runs libical's
restriction check and prints every X-LIC-ERROR property libical inserted (for
anything it could not parse or that the check rejects), each VTIMEZONE, and each
event's start and end converted to UTC by libical from the file's own VTIMEZONE.
The tests skip when gcc, pkg-config or libical is missing.

The calendars read: every .ics of the bundled example published at a fixed moment,
the reviewed golden calendars, a network of shows in New York, London, Lord Howe and
Shanghai over two years of clock changes, and the hostile-text calendar.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from feeds.edition import Edition
from feeds.ics import render_ics
from publisher.cli import main
from tests.factories import make_edition, make_site
from tests.test_ics import HOST, hostile_edition
from tests.test_ics import NOW as RENDERED_AT
from tests.test_ics_consumers import ZONES, two_years_in, zone_show, zones_edition

TESTS = Path(__file__).parent
EXAMPLE = TESTS.parent / "examples" / "lets-meet"
GOLDEN = TESTS / "golden"
NOW = "2026-01-05T12:00"  # as the example's golden files

# libical reports an empty TEXT value ("DESCRIPTION:") as a parse error and drops the
# property; airdates writes one for an airing with nothing to describe. Pinned by
# test_libical_reads_every_description below; left out of the other checks so that they
# still catch anything else.
EMPTY_DESCRIPTION = "No value for DESCRIPTION property"


# ---------------------------------------------------------------- the calendars


def publish_example(folder: Path) -> Path:
    """Publish a copy of the bundled example, with fresh state, at NOW; return the output folder."""
    for name in ("airdates.toml", "lets-meet-episodes.csv"):
        shutil.copy(EXAMPLE / name, folder / name)
    output = folder / "public"
    config = str(folder / "airdates.toml")
    assert main(["publish", "-c", config, "--now", NOW, "--output", str(output)]) == 0
    return output


def consumer_calendars(folder: Path) -> dict[str, bytes]:
    """Every calendar the consumer checks read, by a name that says where it came from."""
    found = {f"published example: {p.name}": p.read_bytes()
             for p in sorted(publish_example(folder).glob("*.ics"))}
    assert len(found) >= 2, "the example publishes a calendar per show and schedule.ics"
    for path in sorted(GOLDEN.glob("ics/*/*.ics")) + sorted(GOLDEN.glob("example/*.ics")):
        found[f"golden: {path.relative_to(GOLDEN)}"] = path.read_bytes()
    for name, edition in editions().items():
        found[f"rendered: {name}"] = render_ics(edition)
    return found


def editions() -> dict[str, Edition]:
    """Rendered calendars whose airings the tests know."""
    return {
        "four zones over two years": zones_edition(),
        "hostile text": hostile_edition(),
        "a show in UTC": utc_edition(),
    }


def utc_edition() -> Edition:
    """A show in the UTC zone, which a config gets when it names none."""
    show = zone_show("UTC")
    site = make_site(shows=(show,), timezone=show.timezone)
    return make_edition(site, tuple(two_years_in(show)), RENDERED_AT)


def without_method(data: bytes) -> bytes:
    """The calendar without its METHOD line: then libical checks RFC 5545's own cardinalities."""
    assert b"\r\nMETHOD:PUBLISH\r\n" in data
    return data.replace(b"\r\nMETHOD:PUBLISH\r\n", b"\r\n", 1)


def icalendar_instants(data: bytes) -> dict[str, tuple[int, int]]:
    """Each event's start and end as the icalendar parser reads them, in Unix time."""
    return {str(e["UID"]): (int(e.decoded("DTSTART").timestamp()), int(e.decoded("DTEND").timestamp()))
            for e in Calendar.from_ical(data).walk("VEVENT")}


def edition_instants(edition: Edition) -> dict[str, tuple[int, int]]:
    """Each airing's UID, start and end instants in Unix time."""
    return {f"{a.uid}@{HOST}": (int(a.start.timestamp()), int(a.end.timestamp())) for a in edition.window}


# ---------------------------------------------------------------- libical


@pytest.fixture(scope="session")
def ical_check(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/c/ical_check.c compiled against the system's libical."""
    gcc, pkg_config = shutil.which("gcc"), shutil.which("pkg-config")
    if gcc is None or pkg_config is None:
        pytest.skip("gcc and pkg-config are needed to build the libical check (CI installs them)")
    flags = subprocess.run([pkg_config, "--cflags", "--libs", "libical"], capture_output=True,  # noqa: S603
                           text=True, check=False)
    if flags.returncode != 0:
        pytest.skip("libical is not installed (Debian: apt-get install libical-dev; CI installs it)")
    binary = tmp_path_factory.mktemp("libical") / "ical_check"
    subprocess.run([gcc, "-Wall", "-Wextra", "-Werror", "-O1", "-o", str(binary),  # noqa: S603
                    str(TESTS / "c" / "ical_check.c"), *flags.stdout.split()], check=True)
    return binary


class Reading:
    """What libical read from one file."""

    def __init__(self, lines: Iterator[dict[str, Any]]) -> None:
        self.restriction_ok: bool | None = None
        self.errors: list[dict[str, str]] = []
        self.timezones: list[str] = []
        self.events: dict[str, dict[str, Any]] = {}
        for line in lines:
            if line["kind"] == "restriction":
                self.restriction_ok = line["ok"]
            elif line["kind"] == "error":
                self.errors.append(line)
            elif line["kind"] == "timezone":
                self.timezones.append(line["tzid"])
            else:
                assert line["uid"] not in self.events, f"UID {line['uid']} twice"
                self.events[line["uid"]] = line

    def parse_errors(self) -> list[str]:
        """The X-LIC-ERRORs about what libical could not read (not the restriction check's)."""
        return [f"{e['component']}: {e['type']}: {e['text']}" for e in self.errors if e["type"] != "INVALID-ITIP"]

    def restriction_errors(self) -> list[str]:
        """The X-LIC-ERRORs the restriction check added."""
        return [f"{e['component']}: {e['text']}" for e in self.errors if e["type"] == "INVALID-ITIP"]

    def instants(self) -> dict[str, tuple[int, int]]:
        """Each event's UTC start and end in Unix time, by UID."""
        return {uid: (e["start"], e["end"]) for uid, e in self.events.items()}

    def unresolved(self) -> list[str]:
        """Events whose start or end libical could not place: a TZID without its VTIMEZONE, or floating."""
        return [uid for uid, e in self.events.items()
                if e.get("start") is None or e.get("end") is None
                or e["start_floating"] or e["end_floating"]
                or not e.get("start_zone_found", True) or not e.get("end_zone_found", True)]


@pytest.fixture(scope="session")
def read_with_libical(ical_check: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A function: calendar bytes -> what libical read."""
    folder = tmp_path_factory.mktemp("libical-input")

    def read(data: bytes) -> Reading:
        path = folder / "calendar.ics"
        path.write_bytes(data)
        done = subprocess.run([str(ical_check), str(path)], capture_output=True, text=True,  # noqa: S603
                              check=False, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return Reading(json.loads(line) for line in done.stdout.splitlines())

    return read


@pytest.fixture(scope="module")
def calendars(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every calendar under test, by name."""
    return consumer_calendars(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def readings(calendars: dict[str, bytes], read_with_libical: Any) -> dict[str, Reading]:
    """What libical read from each calendar as published."""
    return {name: read_with_libical(data) for name, data in calendars.items()}


# ---------------------------------------------------------------- tests


def test_libical_reads_every_calendar_without_error(readings: dict[str, Reading]) -> None:
    """No X-LIC-ERROR in any calendar: libical read every line, property, parameter and value."""
    found = {name: r.parse_errors() for name, r in readings.items()}
    assert {name: errors for name, errors in found.items() if errors} == {}


def test_libical_restriction_check_passes_rfc_5545(calendars: dict[str, bytes], read_with_libical: Any) -> None:
    """Libical's check of which properties a component must and may hold, and how often, passes.

    Run without the METHOD line, so the check is RFC 5545's own; with METHOD:PUBLISH,
    libical applies RFC 5546's PUBLISH table, pinned by the next test.
    """
    failed = {}
    for name, data in calendars.items():
        reading = read_with_libical(without_method(data))
        if not reading.restriction_ok or reading.restriction_errors():
            failed[name] = reading.restriction_errors()
    assert failed == {}


def test_libical_restriction_check_passes_as_published(readings: dict[str, Reading]) -> None:
    """The calendars pass libical's restriction check as published, METHOD:PUBLISH and all."""
    failed = {name: r.restriction_errors() for name, r in readings.items()
              if not r.restriction_ok or r.restriction_errors()}
    assert failed == {}


def test_libical_reads_every_description(readings: dict[str, Reading]) -> None:
    """No event's DESCRIPTION is rejected as empty."""
    found = {name: [e for e in r.parse_errors() if EMPTY_DESCRIPTION in e] for name, r in readings.items()}
    assert {name: len(errors) for name, errors in found.items() if errors} == {}


def test_libical_reads_every_instant_as_the_icalendar_parser_does(
        calendars: dict[str, bytes], readings: dict[str, Reading]) -> None:
    """Each event's UTC start and end, as libical computes them from the file's VTIMEZONEs, match icalendar's."""
    for name, data in calendars.items():
        reading = readings[name]
        assert reading.unresolved() == [], f"{name}: events libical cannot place in time"
        assert reading.instants() == icalendar_instants(data), name


def test_libical_reads_our_airings_in_four_zones_over_two_years(readings: dict[str, Reading]) -> None:
    """Libical places every airing in four zones at our instant, summer and winter, both sides of each change."""
    for name, edition in editions().items():
        reading = readings[f"rendered: {name}"]
        assert reading.instants() == edition_instants(edition), name
    assert sorted(readings["rendered: four zones over two years"].timezones) == sorted(ZONES)


def test_libical_reads_daylight_saving_edges_in_new_york(readings: dict[str, Reading]) -> None:
    """The 02:30 spring-forward airing is at 03:30 EDT; both fall-back 01:xx airings are at their own instants."""
    reading = readings["rendered: four zones over two years"]
    starts = {uid: start for uid, (start, _) in reading.instants().items()}

    def utc(month: int, day: int, hour: int, minute: int) -> int:
        return int(datetime(2026, month, day, hour, minute, tzinfo=UTC).timestamp())

    assert starts["new-york/20260308T073000Z@feeds.example.org"] == utc(3, 8, 7, 30)
    assert starts["new-york/20261101T053000Z@feeds.example.org"] == utc(11, 1, 5, 30)
    assert starts["new-york/20261101T064500Z@feeds.example.org"] == utc(11, 1, 6, 45)
