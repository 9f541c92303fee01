"""Local times to instants: the arithmetic form equals the trip through UTC, gaps and folds too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from schedule.recurrence import resolve, resolve_utc

ZONES = st.sampled_from(
    [
        ZoneInfo(key)
        for key in (
            "America/New_York",
            "Europe/London",
            "Europe/Berlin",
            "Australia/Sydney",
            "America/Sao_Paulo",
            "Australia/Lord_Howe",
            "Pacific/Apia",
            "Pacific/Chatham",
            "America/St_Johns",
            "Asia/Tehran",
            "Europe/Dublin",
            "Africa/Casablanca",
            "Asia/Kolkata",
            "UTC",
        )
    ]
    + [timezone(timedelta(hours=-3))]
)
LOCALS = st.datetimes(
    min_value=datetime(1850, 1, 1), max_value=datetime(2200, 1, 1), allow_imaginary=True
)


def reference(local: datetime, zone: ZoneInfo) -> datetime:
    """Return the instant as resolve() has always defined it: fold 0, through UTC and back."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)


def same(a: datetime, b: datetime) -> bool:
    """Tell whether two datetimes agree in every field, zone object and fold included."""
    return (a.replace(tzinfo=None), a.tzinfo, a.fold) == (b.replace(tzinfo=None), b.tzinfo, b.fold)


@given(local=LOCALS, zone=ZONES, fold=st.integers(0, 1))
@example(local=datetime(2026, 3, 8, 2, 30), zone=ZoneInfo("America/New_York"), fold=0)  # gap
@example(local=datetime(2026, 11, 1, 1, 30), zone=ZoneInfo("America/New_York"), fold=1)  # fold
@example(
    local=datetime(2011, 12, 30, 10, 0), zone=ZoneInfo("Pacific/Apia"), fold=0
)  # a skipped day
@example(
    local=datetime(2026, 10, 4, 2, 15), zone=ZoneInfo("Australia/Lord_Howe"), fold=0
)  # half-hour gap
@example(
    local=datetime(2026, 4, 5, 1, 45), zone=ZoneInfo("Australia/Lord_Howe"), fold=0
)  # half-hour fold
def test_resolve_equals_the_trip_through_utc(local: datetime, zone: ZoneInfo, fold: int) -> None:
    """resolve() and resolve_utc() give exactly the fold-0 reading through UTC, any fold."""
    local = local.replace(fold=fold)
    expected = reference(local, zone)
    assert same(resolve(local, zone), expected)
    in_utc = resolve_utc(local, zone)
    assert same(in_utc, local.replace(tzinfo=zone, fold=0).astimezone(UTC))
