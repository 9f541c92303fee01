"""A config's TOML read a table at a time: always what tomllib reads from the whole text."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedule.tomltables import Parsed, loads

HEAD = '[site]\ntitle = "Night & Day"\nbase_url = "https://tv.example.org/"\n'
HEADERS = [
    "[[shows]]",
    "[[ shows ]]",
    '[["shows"]]',
    "[['shows']]",
    "[[shows]]  # next",
    "\t[[shows]]",
]
SHOW_LINES = [
    'title = "Night Owls"',
    'title = "a [[shows]] b"',
    "duration = 30",
    'categories = [\n  "News",\n  "Talk",\n]',
    '[[shows.airs]]\nrule = "daily at 02:30"\nfrom = 2026-03-01',
    "[shows.numbering]\nepisode = 4\nat = 2026-03-02T02:30:00",
    "# [[shows]] in a comment",
]
# Pieces that make the whole text unlike its tables put together, or not TOML at all.
TROUBLE = [
    '[[channels]]\nid = "one"',  # a top-level table after a show
    '[site]\ntitle = "again"',  # [site] defined twice
    'notes = """\n[[shows]]\nid = "x"\n"""',  # a header inside a multi-line string
    "notes = '''\n[[shows]]\n'''",
    "x = [\n[[shows]]\n]",  # a header inside an array: not TOML
    "id = ",  # a syntax error
    '[shows]\nid = "table"',  # shows as a table as well
    "\ufeff",  # a byte order mark in the middle
]


@st.composite
def configs(draw: st.DrawFn) -> str:
    """Draw a config: a head, shows under varied headers, now and then trouble; LF or CRLF."""
    heads = ["", HEAD, HEAD + '[[channels]]\nid = "one"\n', "shows = []\n"]
    pieces = [draw(st.sampled_from(heads))]
    for number in range(draw(st.integers(0, 5))):
        lines = [draw(st.sampled_from(HEADERS)), f'id = "show{number}"']
        lines += draw(st.lists(st.sampled_from(SHOW_LINES), max_size=4, unique=True))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(TROUBLE)))
        pieces.append("\n".join(lines) + "\n")
    text = "\n".join(pieces)
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


def _tomllib(text: str) -> object:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return type(error)


def _ours(text: str, parsed: Parsed) -> object:
    try:
        return loads(text, parsed)
    except tomllib.TOMLDecodeError as error:
        return type(error)


@given(text=configs(), earlier=configs())
def test_every_text_reads_as_tomllib_reads_it(text: str, earlier: str) -> None:
    """Parsed afresh or with the tables of another config kept, the document is tomllib's."""
    assert _ours(text, Parsed()) == _tomllib(text)
    before = Parsed()
    _ours(earlier, before)
    assert _ours(text, Parsed(kept=before.used)) == _tomllib(text)


@pytest.mark.parametrize(
    "more",
    [
        "",
        # Multi-line strings, common in descriptions, cost nothing of it.
        'description = """\nTwo lines,\nthe second "quoted".\n"""\n',
        "notes = '''\n[a line like a table]\n'''\n",
    ],
)
def test_only_the_tables_not_kept_are_parsed(monkeypatch: pytest.MonkeyPatch, more: str) -> None:
    """After one show changed, its table is the only text parsed; the rest comes from ``kept``."""
    shows = [f'[[shows]]\nid = "show{n}"\n{more}[[shows.airs]]\nrule = "daily"\n' for n in range(4)]
    first = Parsed()
    loads(HEAD + "".join(shows), first)
    assert len(first.used) == 5  # the head and four shows

    shows[2] = shows[2].replace("daily", "weekly")
    parsed: list[str] = []
    real = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda text: parsed.append(text) or real(text))
    again = Parsed(kept=first.used)
    document = loads(HEAD + "".join(shows), again)
    assert parsed == [shows[2]]
    assert document == real(HEAD + "".join(shows))
    assert len(again.used) == 5
    assert len(first.used.keys() - again.used.keys()) == 1  # the show as it was


def test_a_syntax_error_names_its_line_in_the_whole_file() -> None:
    """A broken show's error is tomllib's for the whole text: its line counts from the top."""
    text = HEAD + '[[shows]]\nid = "one"\n\n[[shows]]\nid = \n'
    with pytest.raises(tomllib.TOMLDecodeError) as ours:
        loads(text, Parsed())
    with pytest.raises(tomllib.TOMLDecodeError) as theirs:
        tomllib.loads(text)
    assert str(ours.value) == str(theirs.value)
    assert "line 8" in str(ours.value)


def test_no_parsed_means_one_plain_parse() -> None:
    """Without ``parsed`` (airdates check, upcoming) the text is simply parsed whole."""
    assert loads(HEAD) == tomllib.loads(HEAD)
