"""What a publish pickles (the site, airings, parts) loads back equal; Python's own state loads."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from feeds.edition import Revision
from schedule import timeline
from schedule.errors import ConfigError, ConfigErrors, OutputError, RuleError
from schedule.loading import load_site
from schedule.pickling import pickled_as_tuple
from schedule.site import Channel, Site

if TYPE_CHECKING:
    from schedule.airing import Airing

EXAMPLE = Path(__file__).parent.parent / "publisher" / "example_files" / "airdates.toml"
NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)


def _example() -> tuple[Site, list[Airing]]:
    site = load_site(str(EXAMPLE))[0]
    airings = [
        airing
        for show in site.shows
        for airing in timeline.show_airings(site, show, *timeline.window(site, NOW))
    ]
    return site, airings


@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_the_site_and_its_airings_load_back_equal(protocol: int) -> None:
    """Every field survives: the loaded values equal the originals, field for field."""
    site, airings = _example()
    assert airings
    revisions = [Revision(sequence=n, changed=NOW) for n in range(3)]
    for value in (site, *site.shows, *site.channels, *airings, *revisions):
        loaded = pickle.loads(pickle.dumps(value, protocol=protocol))  # noqa: S301 - our own bytes
        assert type(loaded) is type(value)
        assert loaded == value
        assert dataclasses.astuple(loaded) == dataclasses.astuple(value)


def test_python_s_own_pickles_still_load() -> None:
    """A value pickled by Python's dataclass state (a list of the fields) loads as before."""
    channel = Channel(id="one", name="One", xmltv_id="one.example", icon=None, url=None)
    python_state = [getattr(channel, field.name) for field in dataclasses.fields(channel)]
    loaded = object.__new__(Channel)
    loaded.__setstate__(python_state)
    assert loaded == channel
    assert copy.deepcopy(channel) == channel


def test_a_class_of_one_field_pickles_too() -> None:
    """``attrgetter`` of one name returns the value itself; the state is still a tuple."""
    @pickled_as_tuple
    @dataclasses.dataclass(frozen=True, slots=True)
    class One:
        value: int

    assert One(7).__getstate__() == (7,)  # type: ignore[attr-defined]
    assert copy.copy(One(7)) == One(7)


def test_airdates_errors_pickle_as_they_are() -> None:
    """A forked process hands its errors back: message, location and type survive."""
    errors = [
        ConfigError("cannot be read", file="airdates.toml", key="shows[x].title", line=3),
        RuleError("no such day", word="Sundy", file="airdates.toml", key="shows[x].airs[0]"),
        ConfigErrors([ConfigError("one"), ConfigError("two", file="f.toml")]),
        OutputError("disk full", path="public/x.ics"),
    ]
    for error in errors:
        loaded = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
        assert type(loaded) is type(error)
        assert str(loaded) == str(error)
        assert loaded.exit_code == error.exit_code
    assert pickle.loads(pickle.dumps(errors[1])).word == "Sundy"  # noqa: S301
