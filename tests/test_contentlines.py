"""feeds/contentlines.py against the icalendar package: the same value, the same text.

The calendars are written without importing icalendar; these tests hold each
value writer to what icalendar writes for the same value, and read escaped and
folded lines back with icalendar's parser.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar.parser import Parameters
from icalendar.prop import vDatetime, vDuration, vText, vUTCOffset

from feeds import contentlines
from feeds.vtimezone import _vtimezone, observances

try:  # icalendar 7 keeps its folding private; icalendar 6 exported it
    from icalendar.parser import _foldline as icalendar_fold
except ImportError:  # pragma: no cover
    from icalendar.parser import foldline as icalendar_fold  # type: ignore[attr-defined,no-redef]

# Every character a cleaned text can hold (no surrogates, no U+FFFE/U+FFFF),
# weighted towards the ones escaping and folding care about.
_CHARS = st.one_of(
    st.sampled_from(list("\\;,:^\"'\r\n\t N\u2019é€😀")),
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"),
)
_TEXT = st.text(_CHARS, max_size=200)


@given(_TEXT.filter(lambda text: "\\N" not in text))
def test_text_is_escaped_as_icalendar_escapes_it(text: str) -> None:
    assert contentlines.escape_text(text) == vText(text).to_ical().decode()


def _readable(text: str) -> bool:
    """No control character but tab and newline: what a cleaned title can hold, CRs aside."""
    return not any(ord(char) < 0x20 and char not in "\t\n" for char in text)


@given(_TEXT.filter(_readable))
def test_an_escaped_and_folded_summary_reads_back_as_written(text: str) -> None:
    """The parser of icalendar unfolds and unescapes the line into the text, a backslash-N included."""
    line = contentlines.fold("SUMMARY:" + contentlines.escape_text(text))
    document = f"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    event = icalendar.Calendar.from_ical(document).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == text


def test_a_backslash_n_stays_a_backslash_and_an_n() -> None:
    assert contentlines.escape_text("C:\\News") == "C:\\\\News"
    assert contentlines.escape_text("a\r\nb\rc\nd") == "a\\nb\\nc\\nd"


_LINES = st.text(_CHARS.filter(lambda char: char not in "\r\n"), max_size=400)


def _no_pair(line: str) -> bool:
    """No escaped backslash or caret: where icalendar folds as airdates does."""
    return "\\\\" not in line and "^^" not in line


@given(_LINES.filter(_no_pair))
def test_lines_are_folded_as_icalendar_folds_them(line: str) -> None:
    assert contentlines.fold(line) == icalendar_fold(line)


@given(_LINES)
def test_a_folded_line_unfolds_into_itself_in_short_pieces_ending_on_no_escape(line: str) -> None:
    """Any line: at most 75 octets a piece, no piece ends on the first half of an escape."""
    pieces = contentlines.fold(line).split("\r\n")
    assert pieces[0] + "".join(piece.removeprefix(" ") for piece in pieces[1:]) == line
    assert all(len(piece.encode()) <= contentlines.FOLD_AT for piece in pieces)
    for piece in pieces[:-1]:
        for mark in "\\^":
            run = len(piece) - len(piece.rstrip(mark))
            assert run % 2 == 0 or run == len(piece.removeprefix(" ")), (piece, mark)


def test_a_fold_never_ends_a_piece_on_an_escape() -> None:
    line = "DESCRIPTION:" + "x" * 61 + "\\,y"
    assert contentlines.fold(line) == "DESCRIPTION:" + "x" * 61 + "\r\n \\,y"


def test_a_fold_never_ends_a_piece_inside_an_escaped_backslash() -> None:
    """After "\\\\" (a backslash) the piece ends after the pair, not between its halves.

    icalendar ends it on the first half: a client unescaping each physical
    line would read "\\" + "\\n" as a line break.
    """
    line = "SUMMARY:" + "x" * 64 + "\\\\new"
    assert contentlines.fold(line) == "SUMMARY:" + "x" * 64 + "\\\\\r\n new"
    assert icalendar_fold(line) == "SUMMARY:" + "x" * 64 + "\\\r\n \\new"


@given(_TEXT.filter(bool))
def test_a_common_name_is_quoted_and_escaped_as_icalendar_does(name: str) -> None:
    expected = Parameters({"CN": name}).to_ical().decode()
    assert "CN=" + contentlines.param_value(name, quote_if=" '") == expected


@given(_TEXT.filter(bool))
def test_a_parameter_value_is_quoted_and_escaped_as_icalendar_does(value: str) -> None:
    expected = Parameters({"X-VALUE": value}).to_ical().decode()
    assert "X-VALUE=" + contentlines.param_value(value) == expected


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Plain", "Plain"),
        ("Let's Meet", '"Let\'s Meet"'),
        ("O'Brien", '"O\'Brien"'),
        ("Station One", '"Station One"'),
        ("a\u2019b", '"a\u2019b"'),
        ("a;b", '"a;b"'),
        ("a:b", '"a:b"'),
        ("a,b", '"a,b"'),
        ('Say "hi"', '"Say ^\'hi^\'"'),
        ("x^y", "x^^y"),
    ],
)
def test_common_names_that_need_quotes_get_them(name: str, written: str) -> None:
    assert contentlines.param_value(name, quote_if=" '") == written
    assert "CN=" + written == Parameters({"CN": name}).to_ical().decode()


@pytest.mark.parametrize("key", sorted(zoneinfo.available_timezones()))
def test_a_zone_parameter_is_written_as_icalendar_writes_it(key: str) -> None:
    """Every zone but UTC: icalendar leaves out TZID=UTC, which would leave ``DTSTART;:``."""
    written = "TZID=" + contentlines.param_value(key)
    if key == "UTC":
        assert written == "TZID=UTC"
    else:
        assert written == Parameters({"TZID": key}).to_ical().decode()


@given(st.timedeltas(min_value=timedelta(days=-400), max_value=timedelta(days=400)))
def test_durations_are_written_as_icalendar_writes_them(span: timedelta) -> None:
    assert contentlines.duration(span) == vDuration(span).to_ical().decode()


@given(st.integers(min_value=-24 * 3600 + 1, max_value=24 * 3600 - 1))
def test_utc_offsets_are_written_as_icalendar_writes_them(seconds: int) -> None:
    offset = timedelta(seconds=seconds)
    assert contentlines.utc_offset(offset) == vUTCOffset(offset).to_ical()


@given(st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)))
def test_date_times_are_written_as_icalendar_writes_them(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert contentlines.local_datetime(moment) == vDatetime(moment).to_ical().decode()
    instant = moment.replace(tzinfo=UTC)
    assert contentlines.utc_datetime(instant) == vDatetime(instant).to_ical().decode()


def _icalendar_vtimezone(key: str, first_year: int, last_year: int) -> bytes:
    """The same VTIMEZONE built with icalendar's object model."""
    component = icalendar.Timezone()
    component.add("TZID", key)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    stop = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    for observance in observances(zoneinfo.ZoneInfo(key), start, stop):
        part = icalendar.TimezoneDaylight() if observance.daylight else icalendar.TimezoneStandard()
        part.add("DTSTART", observance.local_onset)
        part.add("TZOFFSETFROM", observance.offset_from)
        part.add("TZOFFSETTO", observance.offset_to)
        part.add("TZNAME", observance.name)
        component.add_component(part)
    return component.to_ical()


@pytest.mark.parametrize("key", sorted(zoneinfo.available_timezones()))
def test_every_zones_vtimezone_is_written_as_icalendar_writes_it(key: str) -> None:
    """Today's rules, and the 1970s, when many zones had seconds in their offsets."""
    for years in ((2025, 2027), (1970, 1972)):
        assert _vtimezone(key, *years) == _icalendar_vtimezone(key, *years), years
