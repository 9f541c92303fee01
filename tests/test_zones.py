"""Zone names in the config: real IANA names load; nothing else reaches the zone data."""

from __future__ import annotations

from zoneinfo import ZoneInfo, available_timezones

import pytest

from schedule.errors import ConfigError
from schedule.zones import zone_named


# Listed by some systems, refused below: the host's own zone and tzdata's "not set".
NOT_ZONES = {"localtime", "Factory"}


@pytest.mark.parametrize("name", sorted(available_timezones() - NOT_ZONES))
def test_every_zone_the_system_lists_loads(name: str) -> None:
    assert zone_named(name) == ZoneInfo(name)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("America", "did you mean"),  # a folder of the zone data
        ("America/", "did you mean"),
        ("utc", "'UTC'"),
        ("../etc/passwd", "IANA name"),
        ("/etc/localtime", None),
        ("Asia/../Asia/Shanghai", None),
        ("posixrules", None),  # a file of the zone data, not a zone
        ("right/UTC", None),  # leap-second clocks, 27 s off everyone's
        ("posix/Asia/Shanghai", None),
        ("localtime", "IANA name"),  # the host's own zone: another on every machine
        ("Factory", "IANA name"),  # tzdata's "zone not set", abbreviated "-00"
        ("tzdata.zi", "IANA name"),
        ("iso3166.tab", "IANA name"),
        ("leapseconds", None),
        ("", None),
        ("Asia/Shanghai ", None),
    ],
)
def test_names_that_are_not_zones_are_refused_with_a_hint(name: str, hint: str | None) -> None:
    with pytest.raises(ConfigError) as caught:
        zone_named(name)
    assert f"unknown time zone {name!r}" in str(caught.value)
    assert caught.value.hint
    if hint is not None:
        assert hint in caught.value.hint
