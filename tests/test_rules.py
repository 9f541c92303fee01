"""Reading rules: the human forms of SPEC §3 and RFC 5545 RRULE values."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedule.errors import ConfigError, RuleError
from schedule.rules import Rule, parse_rrule, parse_rule

# Every row of SPEC §3's table, with the RRULE (RFC 5545 §3.3.10) written by hand.
SPEC_TABLE = [
    ("every Wednesday and Saturday at 6 PM", "FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0"),
    ("Wednesdays and Saturdays at 18:00", "FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0"),
    (
        "every Monday, Wednesday and Friday at 09:30",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=30",
    ),
    ("Mon, Wed, Fri at 9:30 am", "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=30"),
    ("daily at 07:30", "FREQ=DAILY;BYHOUR=7;BYMINUTE=30"),
    ("every day at 12:00 and 18:00", "FREQ=DAILY;BYHOUR=12,18;BYMINUTE=0"),
    ("weekdays at 6:30 am", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=6;BYMINUTE=30"),
    ("weekends at noon", "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=12;BYMINUTE=0"),
    ("every other Monday at 20:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=20;BYMINUTE=0"),
    (
        "every 2 weeks on Tuesday and Thursday at 9 PM",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;BYHOUR=21;BYMINUTE=0",
    ),
    ("first Monday of every month at 9 PM", "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=21;BYMINUTE=0"),
    ("last Friday of the month at 22:00", "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=22;BYMINUTE=0"),
    ("on the 15th of every month at 8 PM", "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=20;BYMINUTE=0"),
]

# Forms SPEC §3 does not list but that can only mean one thing.
GENEROUS_FORMS = [
    ("EVERY WEDNESDAY AND SATURDAY AT 6 PM", "FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0"),
    ("Mon., Wed. & Fri. at 9:30 a.m.", "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=30"),
    ("Monday, Wednesday, and Friday at 9:30am", "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=9;BYMINUTE=30"),
    ("on Tuesdays at 6:30 PM", "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=30"),
    ("every weekday at 7 am", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0"),
    ("weekends and Fridays at 21:00", "FREQ=WEEKLY;BYDAY=FR,SA,SU;BYHOUR=21;BYMINUTE=0"),
    ("each day at midnight", "FREQ=DAILY;BYHOUR=0;BYMINUTE=0"),
    ("every 3 days at 07:00", "FREQ=DAILY;INTERVAL=3;BYHOUR=7;BYMINUTE=0"),
    ("every other day at 12 pm", "FREQ=DAILY;INTERVAL=2;BYHOUR=12;BYMINUTE=0"),
    ("every other week on Sunday at 10 am", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;BYHOUR=10;BYMINUTE=0"),
    ("every 3 weeks on Thu at 8pm", "FREQ=WEEKLY;INTERVAL=3;BYDAY=TH;BYHOUR=20;BYMINUTE=0"),
    ("second Tuesday of each month at 19:00", "FREQ=MONTHLY;BYDAY=2TU;BYHOUR=19;BYMINUTE=0"),
    ("third Sunday of every month at noon", "FREQ=MONTHLY;BYDAY=3SU;BYHOUR=12;BYMINUTE=0"),
    ("4th Saturday of the month at 10:00", "FREQ=MONTHLY;BYDAY=4SA;BYHOUR=10;BYMINUTE=0"),
    (
        "first and third Monday of every month at 9 PM",
        "FREQ=MONTHLY;BYDAY=1MO,3MO;BYHOUR=21;BYMINUTE=0",
    ),
    ("the 1st and 15th of each month at 8 PM", "FREQ=MONTHLY;BYMONTHDAY=1,15;BYHOUR=20;BYMINUTE=0"),
    ("last day of the month at 23:00", "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=23;BYMINUTE=0"),
    ("every month on the 15th at 8 PM", "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=20;BYMINUTE=0"),
    (
        "first Monday of every other month at 9 PM",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO;BYHOUR=21;BYMINUTE=0",
    ),
    ("daily at 6 PM, 9 PM", "FREQ=DAILY;BYHOUR=18,21;BYMINUTE=0"),
    ("daily at 12:00 and 12:30", "FREQ=DAILY;BYHOUR=12;BYMINUTE=0,30"),
    ("daily 07:30", "FREQ=DAILY;BYHOUR=7;BYMINUTE=30"),
]

DAY_ABBREVIATIONS = [
    ("Mon", "MO"), ("Tue", "TU"), ("Tues", "TU"), ("Wed", "WE"), ("Thu", "TH"),
    ("Thur", "TH"), ("Thurs", "TH"), ("Fri", "FR"), ("Sat", "SA"), ("Sun", "SU"),
    ("Mondays", "MO"), ("Tuesdays", "TU"), ("Weds", "WE"), ("Thursdays", "TH"),
    ("Fridays", "FR"), ("Saturdays", "SA"), ("Sundays", "SU"), ("sun", "SU"), ("SAT", "SA"),
]  # fmt: skip

TIME_FORMS = [
    ("18:00", time(18)), ("6 PM", time(18)), ("6pm", time(18)), ("6 pm", time(18)),
    ("6:30 PM", time(18, 30)), ("6:30pm", time(18, 30)), ("9:30 am", time(9, 30)),
    ("09:30", time(9, 30)), ("noon", time(12)), ("midnight", time(0)), ("12 AM", time(0)),
    ("12 PM", time(12)), ("12:15 am", time(0, 15)), ("00:00", time(0)), ("23:59", time(23, 59)),
    ("6 p.m.", time(18)), ("Noon", time(12)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "rrule"), SPEC_TABLE)
def test_spec_table_rows_normalise_to_their_rrule(text: str, rrule: str) -> None:
    """Each human form in SPEC §3 normalises to the RRULE that means the same."""
    assert parse_rule(text).to_rrule() == rrule


@pytest.mark.parametrize(("text", "rrule"), SPEC_TABLE)
def test_spec_table_rows_equal_their_rrule(text: str, rrule: str) -> None:
    """A human rule and its RRULE read into the same Rule value."""
    assert parse_rule(text) == parse_rrule(rrule)


@pytest.mark.parametrize(("text", "rrule"), GENEROUS_FORMS)
def test_unambiguous_variants_are_read(text: str, rrule: str) -> None:
    """Variants that can only mean one thing (case, dots, '&', 'each', ordinals) are read."""
    assert parse_rule(text).to_rrule() == rrule


def test_spec_rule_values() -> None:
    """The parsed value holds the weekdays, positions and times the words say."""
    assert parse_rule("every Wednesday and Saturday at 6 PM") == Rule(
        freq="WEEKLY", times=(time(18),), weekdays=(2, 5)
    )
    assert parse_rule("last Friday of the month at 22:00") == Rule(
        freq="MONTHLY", times=(time(22),), positions=((-1, 4),)
    )
    assert parse_rule("on the 15th of every month at 8 PM") == Rule(
        freq="MONTHLY", times=(time(20),), monthdays=(15,)
    )
    assert parse_rule("every other Monday at 20:00") == Rule(
        freq="WEEKLY", times=(time(20),), interval=2, weekdays=(0,)
    )


@pytest.mark.parametrize(("word", "code"), DAY_ABBREVIATIONS)
def test_day_abbreviations_and_plurals(word: str, code: str) -> None:
    """Every day abbreviation and plural of SPEC §3 names its weekday."""
    assert (
        parse_rule(f"{word} at 18:00").to_rrule()
        == f"FREQ=WEEKLY;BYDAY={code};BYHOUR=18;BYMINUTE=0"
    )


@pytest.mark.parametrize(("written", "expected"), TIME_FORMS)
def test_time_forms(written: str, expected: time) -> None:
    """Every time form of SPEC §3 (and 12 AM/PM) reads as the right time of day."""
    assert parse_rule(f"every Monday at {written}").times == (expected,)


def test_times_that_are_no_product_give_one_rrule_per_group() -> None:
    """09:30 and 18:00 cannot be one BYHOUR x BYMINUTE product, so they give two lines."""
    rule = parse_rule("every day at 09:30 and 18:00")
    assert rule.times == (time(9, 30), time(18))
    assert rule.to_rrule() == ("FREQ=DAILY;BYHOUR=9;BYMINUTE=30\nFREQ=DAILY;BYHOUR=18;BYMINUTE=0")
    assert parse_rrule(rule.to_rrule()) == rule


def test_hours_sharing_minutes_group_into_one_line() -> None:
    """Hours with the same minutes share a line: 9:00, 9:30, 21:00, 21:30 and 12:00 give two."""
    rule = Rule(
        freq="WEEKLY",
        weekdays=(0,),
        times=(time(21, 30), time(9), time(12), time(9, 30), time(21)),
    )
    assert rule.to_rrule() == (
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9,21;BYMINUTE=0,30\nFREQ=WEEKLY;BYDAY=MO;BYHOUR=12;BYMINUTE=0"
    )


def test_rule_fields_are_normalised() -> None:
    """Order and repeats do not matter: equal rules compare equal however written."""
    assert Rule(freq="WEEKLY", times=(time(18), time(9), time(18)), weekdays=(5, 2, 5)) == Rule(
        freq="WEEKLY", times=(time(9), time(18)), weekdays=(2, 5)
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"freq": "YEARLY", "times": (time(1),)},
        {"freq": "DAILY", "times": ()},
        {"freq": "DAILY", "times": (time(1, 0, 30),)},
        {"freq": "DAILY", "times": (time(1),), "interval": 0},
        {"freq": "WEEKLY", "times": (time(1),), "weekdays": (7,)},
        {"freq": "WEEKLY", "times": (time(1),), "positions": ((1, 0),)},
        {"freq": "MONTHLY", "times": (time(1),), "positions": ((6, 0),)},
        {"freq": "MONTHLY", "times": (time(1),), "monthdays": (0,)},
        {"freq": "MONTHLY", "times": (time(1),), "monthdays": (32,)},
    ],
)
def test_impossible_rule_values_are_refused(fields: dict[str, object]) -> None:
    """A Rule that no RRULE could express cannot be built."""
    with pytest.raises(ValueError, match=r"."):
        Rule(**fields)  # type: ignore[arg-type]


# --- RRULE values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "RRULE:FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0",
            "FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0",
        ),
        ("freq=weekly;byday=sa,we;byhour=18", "FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0"),
        (
            "FREQ=WEEKLY;WKST=MO;INTERVAL=2;BYDAY=MO;BYHOUR=20",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYHOUR=20;BYMINUTE=0",
        ),
        ("FREQ=WEEKLY;WKST=SU;BYDAY=MO;BYHOUR=20", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=20;BYMINUTE=0"),
        (
            "FREQ=MONTHLY;BYDAY=+1MO;BYHOUR=21;BYMINUTE=0",
            "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=21;BYMINUTE=0",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=22;BYMINUTE=0;BYSECOND=0",
            "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=22;BYMINUTE=0",
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=-1,1;BYHOUR=8",
            "FREQ=MONTHLY;BYMONTHDAY=1,-1;BYHOUR=8;BYMINUTE=0",
        ),
        (
            "FREQ=DAILY;BYDAY=MO,TU;BYHOUR=6,18;BYMINUTE=15,45",
            "FREQ=DAILY;BYDAY=MO,TU;BYHOUR=6,18;BYMINUTE=15,45",
        ),
        (" FREQ=DAILY;BYHOUR=7;BYMINUTE=30; ", "FREQ=DAILY;BYHOUR=7;BYMINUTE=30"),
    ],
)
def test_rrule_values_are_read_and_normalised(text: str, expected: str) -> None:
    """RRULE values are read case-insensitively, with or without RRULE:, and normalised."""
    assert parse_rrule(text).to_rrule() == expected


@pytest.mark.parametrize(
    ("text", "word", "hint"),
    [
        ("FREQ=WEEKLY;COUNT=10;BYDAY=MO;BYHOUR=9", "COUNT=10", "`until`"),
        (
            "FREQ=WEEKLY;UNTIL=20261231T000000Z;BYDAY=MO;BYHOUR=9",
            "UNTIL=20261231T000000Z",
            "`until`",
        ),
        ("FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1;BYHOUR=9", "BYSETPOS=-1", "BYDAY=-1FR"),
        ("FREQ=YEARLY;BYHOUR=9", "FREQ=YEARLY", "INTERVAL=12"),
        ("FREQ=HOURLY;BYHOUR=9", "FREQ=HOURLY", "BYHOUR"),
        ("FREQ=WEEKLY;BYDAY=MO;BYMONTH=1;BYHOUR=9", "BYMONTH=1", "`from`"),
        (
            "DTSTART:20260103T180000\nRRULE:FREQ=WEEKLY;BYHOUR=18",
            "DTSTART:20260103T180000",
            "`from`",
        ),
        ("FREQ=WEEKLY;BYDAY=WX;BYHOUR=9", "BYDAY=WX", None),
        ("FREQ=WEEKLY;BYDAY=1MO;BYHOUR=9", "BYDAY=1MO", "FREQ=MONTHLY"),
        ("FREQ=MONTHLY;BYDAY=6MO;BYHOUR=9", "BYDAY=6MO", None),
        ("FREQ=DAILY;BYMONTHDAY=15;BYHOUR=9", "BYMONTHDAY=15", "FREQ=MONTHLY"),
        ("FREQ=MONTHLY;BYMONTHDAY=32;BYHOUR=9", "BYMONTHDAY=32", None),
        ("FREQ=MONTHLY;BYMONTHDAY=0;BYHOUR=9", "BYMONTHDAY=0", None),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR=24", None),
        ("FREQ=DAILY;BYHOUR=9;BYMINUTE=60", "BYMINUTE=60", None),
        ("FREQ=DAILY;BYHOUR=9;BYSECOND=30", "BYSECOND=30", "BYSECOND=0"),
        ("FREQ=DAILY;INTERVAL=0;BYHOUR=9", "INTERVAL=0", None),
        ("FREQ=DAILY;INTERVAL=10001;BYHOUR=9", "INTERVAL=10001", None),
        ("FREQ=DAILY;INTERVAL=two;BYHOUR=9", "INTERVAL=TWO", None),
        ("FREQ=DAILY;BYHOURS=9", "BYHOURS=9", "did you mean 'BYHOUR'?"),
        ("FREQ=DAILY;FREQ=WEEKLY;BYHOUR=9", "FREQ=WEEKLY", None),
        ("FREQ=DAILY;BYHOUR", "BYHOUR", None),
        ("FREQ=WEEKLY;INTERVAL=2;WKST=SU;BYDAY=MO;BYHOUR=9", "WKST=SU", "WKST=MO"),
        ("FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO", "BYHOUR"),
        ("BYDAY=MO;BYHOUR=9", "BYDAY=MO;BYHOUR=9", "FREQ"),
        ("every Monday at 9 PM", "every Monday at 9 PM", "`rule` key"),
        (
            "FREQ=DAILY;BYHOUR=9\nFREQ=WEEKLY;BYDAY=MO;BYHOUR=10",
            "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10",
            "[[shows.airs]]",
        ),
    ],
)
def test_rrule_errors_name_the_part(text: str, word: str, hint: str | None) -> None:
    """An RRULE part airdates cannot use is named in the error, with a hint where one helps."""
    with pytest.raises(RuleError) as caught:
        parse_rrule(text)
    error = caught.value
    assert isinstance(error, ConfigError)
    assert error.word == word
    assert word in str(error)
    if hint is not None:
        assert error.hint is not None
        assert hint in error.hint


# --- unreadable human rules ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word", "suggestion"),
    [
        ("every Wensday at 6 PM", "Wensday", "Wednesday"),
        ("every Thrusday at 6 PM", "Thrusday", "Thursday"),
        ("Satruday and Sunday at noon", "Satruday", "Saturday"),
        ("every Mondy at 9 PM", "Mondy", "Monday"),
        ("evry Monday at 9 PM", "evry", "every"),
        ("dayly at 07:30", "dayly", "daily"),
        ("weekdys at 07:30", "weekdys", "weekdays"),
        ("frist Monday of every month at 9 PM", "frist", "first"),
        ("last Friday of the mnth at 9 PM", "mnth", "month"),
        ("every Monday at 9 PN", "PN", "pm"),
        ("every Monday at nooon", "nooon", "noon"),
    ],
)
def test_unreadable_words_are_quoted_with_the_nearest_word(
    text: str, word: str, suggestion: str
) -> None:
    """A misspelt word is quoted as written and the nearest valid word is suggested."""
    with pytest.raises(RuleError) as caught:
        parse_rule(text)
    error = caught.value
    assert error.word == word
    assert f"'{word}'" in error.message
    assert error.hint == f"did you mean '{suggestion}'?"
    assert error.value == text


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("every Monday at 25:00", "25:00"),
        ("every Monday at 13 PM", "13 PM"),
        ("every Monday at 13pm", "13pm"),
        ("every Monday at 0 am", "0 am"),
        ("every Monday at 18:60", "18:60"),
        ("every Monday at 18:00 pm", "18:00 pm"),
        ("every Monday at 6", "6"),
        ("on the 32nd of every month at 8 PM", "32nd"),
        ("on the 0th of every month at 8 PM", "0th"),
        ("every 0 weeks on Monday at 9 PM", "0"),
        ("every 0 days at 9 PM", "0"),
        ("every 10001 weeks on Monday at 9 PM", "10001"),
        ("every 123456 days at 9 PM", "123456"),
        ("sixth Monday of every month at 9 PM", "sixth"),
        ("6th Monday of every month at 9 PM", "6th"),
        ("second Monday at 9 PM", "second"),
        ("other Monday at 9 PM", "other"),
        ("every Monday at 6 PM sharp", "sharp"),
        ("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9"),
        ("daily on Monday at 9 PM", "daily"),
        ("every 2 weeks every 3 weeks on Monday at 9 PM", "3"),
    ],
)
def test_invalid_rules_quote_the_word(text: str, word: str) -> None:
    """Impossible times, days, positions and intervals are errors naming their word."""
    with pytest.raises(RuleError) as caught:
        parse_rule(text)
    assert caught.value.word == word
    assert word in str(caught.value)


@pytest.mark.parametrize(
    ("text", "word", "hint"),
    [
        # An interval given to some days only was spread over the whole rule.
        ("every other Monday and every Thursday at 20:00", "every", "its own [[shows.airs]]"),
        ("every Monday and every other Thursday at 20:00", "every", "its own [[shows.airs]]"),
        ("every 2 weeks on Monday and every week on Thursday at 20:00", "every",
         "its own [[shows.airs]]"),
        # Was the first Monday of every other month.
        ("first Monday of the month and every other Monday at 20:00", "other",
         "'every other month'"),
        # Were five airings a month: the last Monday, the last Tuesday, ...
        ("last weekday of the month at 10:00", "last weekday", "last Friday of the month"),
        ("first weekends of every month at 10:00", "first weekends", "name the day"),
        # Was two airings, at 00:00 and 12:00; "12 noon" said "did you mean 'noon'?".
        ("every Friday at 12:00 midnight", "12:00 midnight", "write 'midnight' alone, or '00:00'"),
        ("every Friday at 12 midnight", "12 midnight", "write 'midnight' alone, or '00:00'"),
        ("every Friday at 12 noon", "12 noon", "write 'noon' alone, or '12:00'"),
        # Only an hour of the clock face takes AM or PM ("daily at 18" hinted '18 AM').
        ("daily at 18", "18", "write '18:00'"),
        ("every Monday at 6", "6", "write '6 AM', '6 PM' or '06:00'"),
        ("every Monday at 24", "24", "e.g. '18:00'; times run from 00:00 to 23:59"),
    ],
)
def test_rules_a_person_would_read_otherwise_are_refused(text: str, word: str, hint: str) -> None:
    """Words the parser read as something else than they say are errors, with a fix that exists."""
    with pytest.raises(RuleError) as caught:
        parse_rule(text)
    assert (caught.value.word, caught.value.value) == (word, text)
    assert hint in (caught.value.hint or "")


def test_the_first_of_the_month_is_a_day_even_before_a_weekday() -> None:
    """"the first of every month and the last Friday": the 1st, not the first Friday.

    A day of the month and a weekday in one rule are refused, as on their own.
    """
    with pytest.raises(RuleError) as caught:
        parse_rule("the first of every month and the last Friday at 10:00")
    assert "mixes weekdays and days of the month" in str(caught.value)
    assert parse_rule("the first of every month at 10:00").monthdays == (1,)
    carried = parse_rule("first Monday and Wednesday of every month at 9 PM")
    assert sorted(carried.positions) == [(1, 0), (1, 2)]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("every Monday", "at 6 PM"),
        ("at 6 PM", "every Wednesday"),
        ("", "every Wednesday"),
        ("every month at 9 PM", "first Monday"),
        ("first Monday and the 15th of every month at 9 PM", "[[shows.airs]]"),
    ],
)
def test_incomplete_rules_say_what_is_missing(text: str, hint: str) -> None:
    """A rule without days or without a time says what to add."""
    with pytest.raises(RuleError) as caught:
        parse_rule(text)
    assert caught.value.hint is not None
    assert hint in caught.value.hint


# --- properties -------------------------------------------------------------------------

_times = st.lists(
    st.builds(time, st.integers(0, 23), st.integers(0, 59)), min_size=1, max_size=5
).map(tuple)
_weekdays = st.lists(st.integers(0, 6), max_size=7).map(tuple)
_positions = st.lists(
    st.tuples(st.sampled_from([1, 2, 3, 4, 5, -1, -2, -5]), st.integers(0, 6)), max_size=4
).map(tuple)
_monthdays = st.lists(st.integers(1, 31) | st.integers(-31, -1), max_size=4).map(tuple)

rules = st.one_of(
    st.builds(
        Rule, freq=st.just("DAILY"), times=_times, interval=st.integers(1, 30), weekdays=_weekdays
    ),
    st.builds(
        Rule, freq=st.just("WEEKLY"), times=_times, interval=st.integers(1, 8), weekdays=_weekdays
    ),
    st.builds(
        Rule,
        freq=st.just("MONTHLY"),
        times=_times,
        interval=st.integers(1, 12),
        weekdays=_weekdays,
        positions=_positions,
        monthdays=_monthdays,
    ),
)


@settings(max_examples=200, deadline=None)
@given(rules)
def test_rrule_round_trip(rule: Rule) -> None:
    """Every rule survives being written as RRULE and read back."""
    assert parse_rrule(rule.to_rrule()) == rule


@settings(max_examples=200, deadline=None)
@given(rules)
def test_rrule_text_is_normal(rule: Rule) -> None:
    """The normalised RRULE is a fixed point: writing it again gives the same text."""
    text = rule.to_rrule()
    assert parse_rrule(text).to_rrule() == text
    assert all(line.startswith(f"FREQ={rule.freq};") for line in text.splitlines())


_DAY_SPELLINGS = [
    ["Monday", "Mon", "mondays", "MON"],
    ["Tuesday", "Tue", "Tues", "tuesdays"],
    ["Wednesday", "Wed", "Weds", "wednesdays"],
    ["Thursday", "Thu", "Thur", "Thurs"],
    ["Friday", "Fri", "fridays", "FRI"],
    ["Saturday", "Sat", "saturdays", "SAT"],
    ["Sunday", "Sun", "sundays", "SUN"],
]


@st.composite
def _written_weekly(draw: st.DrawFn) -> tuple[str, set[int], time]:
    days = draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True))
    words = [draw(st.sampled_from(_DAY_SPELLINGS[d])) for d in days]
    listed = ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]
    hour, minute = draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]))
    prefix = draw(st.sampled_from(["every ", "", "on ", "each "]))
    return f"{prefix}{listed} at {hour:02d}:{minute:02d}", set(days), time(hour, minute)


@settings(max_examples=150, deadline=None)
@given(_written_weekly())
def test_any_spelling_and_order_of_days_reads_the_same(case: tuple[str, set[int], time]) -> None:
    """Weekly rules read the same whatever the day spellings, their order and the lead word."""
    text, days, moment = case
    assert parse_rule(text) == Rule(freq="WEEKLY", times=(moment,), weekdays=tuple(days))


_WORDS = [
    "every", "each", "other", "on", "the", "of", "and", ",", "&", "at", "@", "day", "days",
    "daily", "week", "weeks", "weekly", "biweekly", "month", "months", "monthly", "Monday",
    "Tues", "weds", "weekdays", "weekends", "first", "second", "last", "fifth", "sixth", "1st",
    "15th", "32nd", "0", "2", "12", "6", "pm", "AM", "p.m.", "18:00", "25:00", "9:30am", "noon",
    "midnight", "FREQ=DAILY", "Mon.", "xyz", "",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=10).map(" ".join) | st.text(max_size=40))
def test_any_text_gives_a_rule_or_a_rule_error(text: str) -> None:
    """Whatever is written, the parsers return a Rule or raise RuleError, never anything else."""
    for parse in (parse_rule, parse_rrule):
        try:
            parsed = parse(text)
        except RuleError as error:
            assert error.value == text  # noqa: PT017 - the error of either parser is expected
        else:
            assert parse_rrule(parsed.to_rrule()) == parsed


def test_the_longest_interval_reads_alike_in_words_and_as_an_rrule() -> None:
    """10,000 weeks is the most either spelling takes, and both take it (it was 9,999 in words)."""
    assert parse_rule("every 10000 weeks on Monday at 9 PM") == parse_rrule(
        "FREQ=WEEKLY;INTERVAL=10000;BYDAY=MO;BYHOUR=21;BYMINUTE=0"
    )
