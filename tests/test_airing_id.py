"""Airing ids: the string form, made once, round-trips and matches the strftime form."""

from __future__ import annotations

import pickle
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from schedule.airing import Airing, AiringId, new_airing

SHOWS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-/", min_size=1, max_size=12).filter(
    lambda s: not s.startswith("/")
)
INSTANTS = st.datetimes(
    min_value=datetime(1000, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))]
    ),
)


@given(show=SHOWS, start=INSTANTS)
def test_the_string_form_round_trips(show: str, start: datetime) -> None:
    """from_string(str(id)) gives back the id, to the second."""
    airing_id = AiringId.of(show, start.replace(microsecond=0))
    assert AiringId.from_string(str(airing_id)) == airing_id


@given(
    show=SHOWS,
    start=INSTANTS
    | st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(999, 1, 1), timezones=st.just(UTC)
    ),
)
def test_the_string_form_is_the_strftime_form(show: str, start: datetime) -> None:
    """The string form is the show, a slash and the UTC start as strftime formats it."""
    airing_id = AiringId(show=show, start=start)
    assert str(airing_id) == f"{show}/{start.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def test_the_cached_form_follows_replace_and_pickling() -> None:
    """A replaced or unpickled id has its own string form; the cache takes no part in equality."""
    airing_id = AiringId.of("lets-meet", datetime(2026, 1, 3, 10, tzinfo=UTC))
    assert str(replace(airing_id, show="other")) == "other/20260103T100000Z"
    assert str(pickle.loads(pickle.dumps(airing_id))) == "lets-meet/20260103T100000Z"  # noqa: S301 - our own bytes
    assert airing_id == AiringId(show="lets-meet", start=datetime(2026, 1, 3, 10, tzinfo=UTC))
    assert hash(airing_id) == hash(
        AiringId(show="lets-meet", start=datetime(2026, 1, 3, 10, tzinfo=UTC))
    )
    assert "_text" not in repr(airing_id)


@given(
    start=INSTANTS,
    season=st.none() | st.integers(1, 9),
    cancelled=st.booleans(),
    moved=st.booleans(),
)
def test_the_quick_constructor_equals_the_keyword_one(
    *, start: datetime, season: int | None, cancelled: bool, moved: bool
) -> None:
    """new_airing() gives an airing equal, field for field and id text included, to Airing(...)."""
    original = start.astimezone(UTC)
    fields = {
        "show": "s",
        "show_title": "S",
        "channel": "c",
        "start": start,
        "end": start + timedelta(hours=1),
        "season": season,
        "episode": 3,
        "title": "t",
        "summary": "x",
        "link": None,
        "segments": (),
        "status": "cancelled" if cancelled else "scheduled",
        "reason": "r" if cancelled else None,
        "rerun": False,
        "rerun_of": None,
        "moved_from": start if moved else None,
        "extra": moved,
    }
    quick = new_airing("s", original, tuple(fields.values()))
    slow = Airing(id=AiringId(show="s", start=original), **fields)  # type: ignore[arg-type]
    assert quick == slow
    assert [getattr(quick, f.name) for f in dataclass_fields(Airing)] == [
        getattr(slow, f.name) for f in dataclass_fields(Airing)
    ]
    assert (quick.uid, quick.id.start.tzinfo) == (slow.uid, slow.id.start.tzinfo)


@given(show=SHOWS, start=INSTANTS, title=st.none() | st.text(max_size=8), moved=st.booleans())
def test_an_unpickled_airing_is_the_same_airing(
    *, show: str, start: datetime, title: str | None, moved: bool
) -> None:
    """Pickled (as a publish keeps a show's part), an airing loads equal, field for field."""
    airing = Airing(
        id=AiringId(show=show, start=start),
        show=show,
        show_title="S",
        channel=None,
        start=start,
        end=start + timedelta(minutes=45),
        title=title,
        moved_from=start - timedelta(days=1) if moved else None,
    )
    back = pickle.loads(pickle.dumps(airing))  # noqa: S301 - our own bytes
    assert back == airing
    assert [getattr(back, f.name) for f in dataclass_fields(Airing)] == [
        getattr(airing, f.name) for f in dataclass_fields(Airing)
    ]
    assert (back.uid, str(back.id), back.id.start) == (airing.uid, str(airing.id), airing.id.start)
