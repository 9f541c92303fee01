r"""Rendered and published calendars read by sabre/vobject, the iCalendar library of Nextcloud.

tests/php/vobject_check.php reads a file with ``Sabre\VObject\Reader::read`` in its
strict mode (any line it cannot parse is an exception), runs the library's
``validate()`` and reports its warnings, any PHP warning or notice raised while reading,
and each event's DTSTART and DTEND as a Unix time from ``getDateTime()``, with the PHP
zone the TZID resolved to (``TimeZoneUtil::getTimeZone(..., failIfUncertain: true)``).

Which sabre/vobject this is matters, and the tests print it: Debian ships 2.1.x
(php-sabre-vobject), whose ``validate()`` checks only that every property value is valid
UTF-8 and every property and parameter name is well formed — the RFC 5545 checks of
VCALENDAR and VEVENT that Nextcloud's sabre/vobject 4 runs are not in 2.1 (its
``VCalendar::validate`` is commented out). Version 2.1 also places a TZID by the PHP
zone of that name, not by the file's VTIMEZONE; the VTIMEZONEs themselves are read by
libical, ical.js and recurring-ical-events in the other consumer tests. With a
Composer install of a newer sabre/vobject (``VOBJECT_AUTOLOAD=.../vendor/autoload.php``
or tests/php/vendor/), the same tests run its full ``validate()``.

The tests skip when php or sabre/vobject is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.test_ics_libical import (
    consumer_calendars,
    edition_instants,
    editions,
    icalendar_instants,
)

PHP_CHECK = Path(__file__).parent / "php" / "vobject_check.php"
NOT_INSTALLED = 3  # vobject_check.php's exit status when it finds no sabre/vobject


@pytest.fixture(scope="session")
def read_with_vobject(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A function: calendar bytes -> what sabre/vobject read (vobject_check.php's JSON)."""
    php = shutil.which("php")
    if php is None:
        pytest.skip("php is not installed; the sabre/vobject checks need it (Debian: php-cli; CI installs it)")
    folder = tmp_path_factory.mktemp("vobject-input")

    def read(data: bytes) -> dict[str, Any]:
        path = folder / "calendar.ics"
        path.write_bytes(data)
        done = subprocess.run([php, str(PHP_CHECK), str(path)], capture_output=True,  # noqa: S603
                              text=True, check=False, timeout=60)
        if done.returncode == NOT_INSTALLED:
            pytest.skip("sabre/vobject is not installed (Debian: php-sabre-vobject; CI installs it)")
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stderr == "", done.stderr
        result: dict[str, Any] = json.loads(done.stdout)
        return result

    return read


@pytest.fixture(scope="module")
def calendars(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Every calendar under test, by name."""
    return consumer_calendars(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def readings(calendars: dict[str, bytes], read_with_vobject: Any) -> dict[str, dict[str, Any]]:
    """What sabre/vobject read from each calendar."""
    return {name: read_with_vobject(data) for name, data in calendars.items()}


def instants(reading: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Each event's UTC start and end in Unix time, by UID."""
    return {e["uid"]: (e["start"]["time"], e["end"]["time"]) for e in reading["events"]}


def test_vobject_version_is_reported(readings: dict[str, dict[str, Any]]) -> None:
    """Say which sabre/vobject ran, for the record (pytest -rA shows it)."""
    versions = {r["version"] for r in readings.values()}
    assert len(versions) == 1
    print(f"sabre/vobject {versions.pop()}")  # noqa: T201


def test_vobject_reads_every_calendar_strictly_without_warnings(readings: dict[str, dict[str, Any]]) -> None:
    """The strict reader throws on nothing, validate() warns of nothing, every date reads, no PHP notice."""
    found = {name: {key: r[key] for key in ("parse_error", "warnings", "errors", "notices") if r[key]}
             for name, r in readings.items()}
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_vobject_resolves_every_tzid(readings: dict[str, dict[str, Any]]) -> None:
    """Every DTSTART and DTEND has a time, and a TZID sabre/vobject maps to that very zone, not a guess.

    A wall time the zone repeats (the hour after a fall-back) is written in UTC instead.
    """
    for name, reading in readings.items():
        for event in reading["events"]:
            for edge in (event["start"], event["end"]):
                assert edge is not None, (name, event["uid"])
                assert edge["has_time"], (name, event["uid"])
                if edge["tzid"] is None:
                    assert edge["utc"], (name, event["uid"], edge)
                else:
                    assert edge["zone"] == edge["tzid"] in reading["timezones"], (name, event["uid"], edge)


def test_vobject_reads_every_instant_as_the_icalendar_parser_does(
        calendars: dict[str, bytes], readings: dict[str, dict[str, Any]]) -> None:
    """Each event's start and end in sabre/vobject is the instant the icalendar parser reads."""
    for name, data in calendars.items():
        assert instants(readings[name]) == icalendar_instants(data), name


def test_vobject_reads_our_airings_in_four_zones_over_two_years(readings: dict[str, dict[str, Any]]) -> None:
    """sabre/vobject places every airing at our instant, in four zones, across two years of clock changes."""
    for name, edition in editions().items():
        assert instants(readings[f"rendered: {name}"]) == edition_instants(edition), name
