"""Invalid configs: each mistake of SPEC §2 and §3 is an error naming file, key path and a hint."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from schedule.config import load_config
from schedule.errors import ConfigError, ConfigErrors

SITE = """\
[site]
title = "Test site"
base_url = "https://feeds.example.org/tv/"
timezone = "Asia/Shanghai"

[[channels]]
id = "cqtv"
name = "Chongqing Satellite TV"
"""

SHOW = """\
[[shows]]
id = "lets-meet"
title = "Let's Meet"
channel = "cqtv"
duration = "30 minutes"
"""

AIRS = """\
[[shows.airs]]
rule = "every Wednesday and Saturday at 6 PM"
from = 2025-01-01
"""

VALID = SITE + SHOW + AIRS
WITH_CSV = VALID.replace('channel = "cqtv"', 'channel = "cqtv"\nepisodes_file = "eps.csv"')
MAIN = "airdates.toml"


@dataclass(frozen=True)
class Case:
    """One broken config: its files, and the error it must give."""

    name: str
    text: str
    key: str | None
    hint: str | None = None
    file: str = MAIN
    line: int | None = None
    column: int | None = None
    others: dict[str, str] = field(default_factory=dict)


def airs(rule: str, key: str = "rule") -> str:
    """Return a [[shows.airs]] entry with ``rule`` under ``key``."""
    return f'[[shows.airs]]\n{key} = "{rule}"\nfrom = 2025-01-01\n'


def change(body: str) -> str:
    """Return a [[shows.changes]] entry."""
    return f"[[shows.changes]]\n{body}\n"


CASES = [
    Case(
        "toml syntax", SITE + '[[shows]]\nid = "lets-meet\ntitle = "x"\n', None, line=10, column=16
    ),
    Case("toml syntax at end", SITE + "[[shows]\n", None, line=9),
    Case(  # published as an empty <title> and NAME, which guide validators and libical refuse
        "title of only spaces and control characters",
        VALID.replace('title = "Let\'s Meet"', 'title = " \\u0007\\u0085 "'),
        "shows[lets-meet].title",
        "write what it is called",
    ),
    Case(  # written into every airing, in every format: 2 MB made 588 MB of files
        "title longer than a title",
        VALID.replace("Let's Meet", "Let's Meet " * 100, 1),
        "shows[lets-meet].title",
        "is 1,100 characters long; at most 1,000 are published",
    ),
    Case(
        "description longer than 100,000 characters",
        VALID.replace('channel = "cqtv"', f'channel = "cqtv"\ndescription = "{"y" * 100_001}"'),
        "shows[lets-meet].description",
        "is 100,001 characters long",
    ),
    Case(  # a zero-width space, a joiner and a byte-order mark: a title no one sees
        "title of only invisible characters",
        VALID.replace('title = "Let\'s Meet"', 'title = "\\u200b\\u200d\\ufeff"'),
        "shows[lets-meet].title",
        "write what it is called",
    ),
    Case(
        "output folder of only spaces",
        VALID.replace('timezone = "Asia/Shanghai"', 'timezone = "Asia/Shanghai"\noutput = " "'),
        "site.output",
        'e.g. "public", relative to this config file',
    ),
    Case(
        "channel name of a control character",
        VALID.replace('name = "Chongqing Satellite TV"', 'name = "\\u0000"'),
        "channels[cqtv].name",
        "write what it is called",
    ),
    Case("missing site table", SHOW + AIRS, "site"),
    Case(
        "unknown site key",
        VALID.replace("title =", "titel =", 1),
        "site.titel",
        "did you mean 'title'?",
    ),
    Case("unknown top-level key", VALID + '[show]\nid = "x"\n', "show", "did you mean 'shows'?"),
    Case(
        "unknown show key",
        VALID.replace("duration =", "duraton =", 1),
        "shows[lets-meet].duraton",
        "'duration'",
    ),
    Case(
        "show key under airs header",
        VALID + 'link = "https://example.org/"\n',
        "shows[lets-meet].airs[0].link",
        "above the first [[shows.airs]]",
    ),
    Case(
        "shows as a table", SITE + '[shows]\nid = "lets-meet"\ntitle = "x"\n', "shows", "[[shows]]"
    ),
    Case(
        "wrong type",
        VALID.replace('timezone = "Asia/Shanghai"', 'feed_items = "50"'),
        "site.feed_items",
    ),
    Case(
        "feed_items below one",
        VALID.replace('timezone = "Asia/Shanghai"', "feed_items = 0"),
        "site.feed_items",
    ),
    Case(
        "unknown key with a line separator",
        VALID.replace('timezone = "Asia/Shanghai"', '"time\\u2028zone" = "Asia/Shanghai"'),
        'site."time\u2028zone"',
        "unknown key",
    ),
    Case(
        "output folder with a NUL",
        VALID.replace('timezone = "Asia/Shanghai"', 'output = "pub\\u0000lic"'),
        "site.output",
        "must not contain a NUL character",
    ),
    Case(
        "feed_items past any feed reader",
        VALID.replace('timezone = "Asia/Shanghai"', "feed_items = 99999999999999999999"),
        "site.feed_items",
        "must be 10,000 or less",
    ),
    Case(
        "unknown site zone",
        VALID.replace("Asia/Shanghai", "Asia/Shangai"),
        "site.timezone",
        "did you mean 'Asia/Shanghai'?",
    ),
    Case(
        "unknown show zone",
        VALID.replace('channel = "cqtv"', 'channel = "cqtv"\ntimezone = "Europe/Londn"'),
        "shows[lets-meet].timezone",
        "'Europe/London'",
    ),
    Case(
        "language not BCP 47",
        VALID.replace('timezone = "Asia/Shanghai"', 'language = "en_US"'),
        "site.language",
        "did you mean 'en-US'?",
    ),
    Case(  # \d and [a-z] read any script's digits and the long s: not BCP 47, which is ASCII
        "language in digits of another script",
        VALID.replace('timezone = "Asia/Shanghai"', 'language = "es-\u0664\u0661\u0669"'),
        "site.language",
        'e.g. "en", "zh-CN"',
    ),
    Case(
        "base_url relative",
        VALID.replace("https://feeds.example.org/tv/", "feeds/tv/"),
        "site.base_url",
    ),
    Case(
        "base_url not http",
        VALID.replace("https://feeds.example.org/tv/", "ftp://feeds.example.org/"),
        "site.base_url",
    ),
    Case("missing site title", VALID.replace('title = "Test site"\n', ""), "site.title"),
    Case(
        "base_url with a port past 65535",
        VALID.replace("https://feeds.example.org/tv/", "https://feeds.example.org:99999/tv/"),
        "site.base_url",
    ),
    *(
        Case(
            f"base_url ending in an empty {part}",  # every link would end up after it
            VALID.replace("https://feeds.example.org/tv/", f"https://feeds.example.org/tv/{mark}"),
            "site.base_url",
            "must not have a query (?...) or a fragment (#...)",
        )
        for part, mark in (("query", "?"), ("fragment", "#"))
    ),
    Case(
        "base_url host only dots",
        VALID.replace("https://feeds.example.org/tv/", "https://./"),
        "site.base_url",
    ),
    Case(
        "base_url with a backslash",
        VALID.replace("https://feeds.example.org/tv/", "https://example.org\\\\evil.com/tv/"),
        "site.base_url",
    ),
    Case(
        "link with a backslash in its host",
        VALID.replace('channel = "cqtv"', 'channel = "cqtv"\nlink = "https://example.org\\\\evil.com/x?q=a\\\\b"'),
        "shows[lets-meet].link",
    ),
    Case(
        "missing base_url",
        VALID.replace('base_url = "https://feeds.example.org/tv/"\n', ""),
        "site.base_url",
    ),
    Case(
        "state inside output",
        VALID.replace('timezone = "Asia/Shanghai"', 'output = "www"\nstate = "www/.airdates"'),
        "site.state",
        "outside the output folder",
    ),
    Case(
        "output inside state",  # its files would be tidied away as the state's own
        VALID.replace('timezone = "Asia/Shanghai"', 'output = ".airdates/parts"'),
        "site.output",
        "the output folder is inside the state folder",
    ),
    Case(
        "rule with no airing between from and until",  # Sundays between a Monday and a Saturday
        SITE + SHOW + '[[shows.airs]]\nrule = "every Sunday at 10 AM"\nfrom = 2026-05-04\n'
        "until = 2026-05-09\n",
        "shows[lets-meet].airs[0].until",
        "check the days it names against from and until",
    ),
    Case(
        "extra at the second pass of a repeated hour",  # was placed at the first, an hour early
        VALID.replace('timezone = "Asia/Shanghai"', 'timezone = "America/New_York"')
        + '[[shows.extras]]\nat = 2026-11-01T06:15:00Z\ntitle = "Special"\n'
        'duration = "30 minutes"\n',
        "shows[lets-meet].extras[0].at",
        "move it out of the repeated hour",
    ),
    Case(
        "hub not a URL",
        VALID.replace('timezone = "Asia/Shanghai"', 'hub = "hub.example.org"'),
        "site.hub",
        'did you mean "https://hub.example.org"?',
    ),
    Case(
        "past not a duration",
        VALID.replace('timezone = "Asia/Shanghai"', 'past = "8 fortnights"'),
        "site.past",
        "30 minutes",
    ),
    Case(
        "duration shorter than a second",
        VALID.replace('"30 minutes"', '"PT0.4S"'),
        "shows[lets-meet].duration",
        "must be whole seconds",
    ),
    Case(
        "refresh in part of a second",
        VALID.replace('timezone = "Asia/Shanghai"', 'refresh = "PT90.5S"'),
        "site.refresh",
        "must be whole seconds",
    ),
    Case(
        "duration without unit",
        VALID.replace('"30 minutes"', "30"),
        "shows[lets-meet].duration",
        "durations need a unit",
    ),
    Case(
        "duration in months",
        VALID.replace('"30 minutes"', '"P1M"'),
        "shows[lets-meet].duration",
        "weeks or days",
    ),
    Case(
        "zero duration", VALID.replace('"30 minutes"', '"0 minutes"'), "shows[lets-meet].duration"
    ),
    Case(
        "missing duration",
        VALID.replace('duration = "30 minutes"\n', ""),
        "shows[lets-meet].airs[0].duration",
    ),
    Case(
        "duplicate show id",
        VALID + SHOW.replace("Let's Meet", "Again") + AIRS,
        "shows[lets-meet].id",
        "first used in",
    ),
    Case(
        "duplicate channel id",
        SITE + '[[channels]]\nid = "cqtv"\nname = "Again"\n' + SHOW + AIRS,
        "channels[cqtv].id",
    ),
    Case(
        "two channels with one XMLTV id",
        SITE.replace('name = "Chongqing Satellite TV"\n', 'name = "Chongqing Satellite TV"\n'
                     'xmltv_id = "cqtv.example.org"\n')
        + '[[channels]]\nid = "cqtv2"\nname = "Two"\nxmltv_id = "cqtv.example.org"\n' + SHOW + AIRS,
        "channels[cqtv2].xmltv_id",
        "give each channel its own xmltv_id",
    ),
    Case(
        "channel does not exist",
        VALID.replace('channel = "cqtv"', 'channel = "cqvt"'),
        "shows[lets-meet].channel",
        "did you mean 'cqtv'?",
    ),
    Case(
        "show id not a slug",
        VALID.replace('id = "lets-meet"', 'id = "Lets Meet"'),
        "shows[0].id",
        "did you mean 'lets-meet'?",
    ),
    Case("show id reserved", VALID.replace('id = "lets-meet"', 'id = "schedule"'), "shows[0].id"),
    Case("show id missing", VALID.replace('id = "lets-meet"\n', ""), "shows[0].id"),
    Case(
        "channel id not a slug",
        VALID.replace('id = "cqtv"', 'id = "CQ TV"'),
        "channels[0].id",
        "did you mean 'cq-tv'?",
    ),
    Case(
        "missing show title", VALID.replace('title = "Let\'s Meet"\n', ""), "shows[lets-meet].title"
    ),
    Case(
        "show link not absolute",
        VALID.replace('channel = "cqtv"', 'channel = "cqtv"\nlink = "/lets-meet"'),
        "shows[lets-meet].link",
    ),
    Case(
        "rule day typo",
        SITE + SHOW + airs("every Wednsday at 6 PM"),
        "shows[lets-meet].airs[0].rule",
        "did you mean 'Wednesday'?",
    ),
    Case(
        "rule hour out of range",
        SITE + SHOW + airs("every Wednesday at 25:00"),
        "shows[lets-meet].airs[0].rule",
    ),
    Case(
        "rule without time", SITE + SHOW + airs("every Wednesday"), "shows[lets-meet].airs[0].rule"
    ),
    Case(
        "bad rrule",
        SITE + SHOW + airs("FREQ=WEEKLY;BYDAY=XX", "rrule"),
        "shows[lets-meet].airs[0].rrule",
    ),
    Case(
        "rule and rrule",
        VALID + 'rrule = "FREQ=DAILY;BYHOUR=7"\n',
        "shows[lets-meet].airs[0].rrule",
    ),
    Case(
        "neither rule nor rrule",
        SITE + SHOW + "[[shows.airs]]\nfrom = 2025-01-01\n",
        "shows[lets-meet].airs[0].rule",
    ),
    Case(
        "missing from",
        SITE + SHOW + '[[shows.airs]]\nrule = "daily at 07:30"\n',
        "shows[lets-meet].airs[0].from",
    ),
    Case(
        "from after until",
        VALID + "until = 2024-12-31\n",
        "shows[lets-meet].airs[0].until",
        "swap them",
    ),
    Case(
        "from is a datetime",
        SITE + SHOW + '[[shows.airs]]\nrule = "daily at 07:30"\nfrom = 2025-01-01T00:00:00\n',
        "shows[lets-meet].airs[0].from",
    ),
    Case(
        "impossible date",
        SITE + SHOW + '[[shows.airs]]\nrule = "daily at 07:30"\nfrom = "2025-02-30"\n',
        "shows[lets-meet].airs[0].from",
    ),
    Case("rerun not boolean", VALID + 'rerun = "yes"\n', "shows[lets-meet].airs[0].rerun"),
    Case(
        "numbering without at",
        VALID + "[shows.numbering]\nepisode = 173\n",
        "shows[lets-meet].numbering.at",
    ),
    Case(
        "numbering episode zero",
        VALID + "[shows.numbering]\nepisode = 0\nat = 2026-01-03T18:00:00\n",
        "shows[lets-meet].numbering.episode",
    ),
    Case(
        "two seasons from the same day",
        VALID + "[[shows.seasons]]\nnumber = 2\nfrom = 2025-07-04\n"
        "[[shows.seasons]]\nnumber = 3\nfrom = 2025-07-04\n",
        "shows[lets-meet].seasons[1]",
        "from 2025-07-04 is already given by seasons[0]",
    ),
    Case(
        "duplicate after an entry that does not read",  # was named episodes[1], "entry 1"
        VALID + '[[shows.episodes]]\ntitle = "no target"\n'
        + '[[shows.episodes]]\nnumber = 1\ntitle = "a"\n' * 2,
        "shows[lets-meet].episodes[2]",
        "number 1 is already given by episodes[1]",
    ),
    Case(
        "season anchor half given",
        VALID + "[[shows.seasons]]\nnumber = 2\nfrom = 2025-07-04\nepisode = 1\n",
        "shows[lets-meet].seasons[0].at",
    ),
    Case(
        "change cancel and move",
        VALID + change("at = 2026-01-07T18:00:00\ncancel = true\nmove_to = 2026-01-08T18:00:00"),
        "shows[lets-meet].changes[0].move_to",
    ),
    Case(
        "change neither cancel nor move",
        VALID + change("at = 2026-01-07T18:00:00"),
        "shows[lets-meet].changes[0]",
    ),
    Case(
        "change cancel false alone",
        VALID + change("at = 2026-01-07T18:00:00\ncancel = false"),
        "shows[lets-meet].changes[0]",
    ),
    Case("change without target", VALID + change("cancel = true"), "shows[lets-meet].changes[0]"),
    Case(
        "change at without time",
        VALID + change('at = "2026-01-07"\ncancel = true'),
        "shows[lets-meet].changes[0].at",
        "2026-01-03T18:00:00",
    ),
    Case(
        "change duration without move",
        VALID + change('at = 2026-01-07T18:00:00\ncancel = true\nduration = "1 hour"'),
        "shows[lets-meet].changes[0].duration",
    ),
    Case(
        "cancel wrong type",
        VALID + change("at = 2026-01-07T18:00:00\ncancel = 1"),
        "shows[lets-meet].changes[0].cancel",
    ),
    Case(
        "duplicate change",
        VALID + change("at = 2026-01-07T18:00:00\ncancel = true") * 2,
        "shows[lets-meet].changes[1]",
    ),
    Case(
        "episode without target",
        VALID + '[[shows.episodes]]\ntitle = "x"\n',
        "shows[lets-meet].episodes[0]",
    ),
    Case(
        "segment without title",
        VALID + '[[shows.episodes]]\nnumber = 1\nsegments = [{ summary = "x" }]\n',
        "shows[lets-meet].episodes[0].segments[0].title",
    ),
    Case(
        "extra without duration",
        SITE
        + '[[shows]]\nid = "events"\ntitle = "Events"\n[[shows.extras]]\nat = 2025-09-16T14:30:00\n',
        "shows[events].extras[0].duration",
    ),
    Case(
        "also_on not a name",
        VALID.replace('channel = "cqtv"', 'channel = "cqtv"\nalso_on = [3]'),
        "shows[lets-meet].also_on[0]",
    ),
    Case(
        "include missing file",
        VALID.replace('timezone = "Asia/Shanghai"', 'include = ["more.toml"]'),
        "site.include[0]",
    ),
    Case(
        "include pattern matching nothing",  # its shows would be unpublished, their files deleted
        VALID.replace('timezone = "Asia/Shanghai"', 'include = ["shows/*.tml"]'),
        "site.include[0]",
        "no file matches 'shows/*.tml'",
        others={"shows/extra.toml": '[[shows]]\nid = "extra"\ntitle = "Extra"\n'},
    ),
    Case(
        "error in included file",
        VALID.replace('timezone = "Asia/Shanghai"', 'include = ["shows/*.toml"]'),
        "shows[extra].duraton",
        "'duration'",
        file="shows/extra.toml",
        others={
            "shows/extra.toml": '[[shows]]\nid = "extra"\ntitle = "Extra"\nduraton = "1 hour"\n'
        },
    ),
    Case(  # cut short by a full disk or a failed copy: its shows would go off the schedule
        "included file empty",
        VALID.replace('timezone = "Asia/Shanghai"', 'include = ["shows/*.toml"]'),
        None,
        "leave it out of include, while it should hold no show",
        file="shows/extra.toml",
        others={"shows/extra.toml": " \n\n"},
    ),
    Case(
        "site in included file",
        VALID.replace('timezone = "Asia/Shanghai"', 'include = ["more.toml"]'),
        "site",
        file="more.toml",
        others={"more.toml": '[site]\ntitle = "x"\n'},
    ),
    Case(
        "bad csv row",
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        file="eps.csv",
        line=3,
        column=1,
        others={"eps.csv": "number,title\n1,One\nseven,Seven\n"},
    ),
    Case(
        "csv row with more cells than columns",
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        "quote a cell that contains a comma",
        file="eps.csv",
        line=3,
        column=3,
        others={"eps.csv": "number,title\n1,One\n4,Four, the return\n"},
    ),
    Case(  # Python refuses to read an int of more than 4,300 digits: it was a traceback
        "csv number of 5,000 digits",
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        "is 5,000 digits long",
        file="eps.csv",
        line=3,
        column=1,
        others={"eps.csv": f"number,title\n1,One\n{'7' * 5000},Seven\n"},
    ),
    Case(
        "csv season of 19 digits",
        WITH_CSV.replace("eps.csv", "seasons.csv"),
        "shows[lets-meet].episodes_file",
        "write at most 18 digits",
        file="seasons.csv",
        line=2,
        column=3,
        others={"seasons.csv": f"number,title,season\n1,One,{'1' * 19}\n"},
    ),
    Case(  # the csv module's own limit (131,072 characters) had the quoting hint
        "csv cell longer than any cell may be",
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        "has a cell longer than 100,000 characters",
        file="eps.csv",
        line=3,
        others={"eps.csv": f"number,title,summary\n1,One,\n2,Two,{'s' * 140_000}\n"},
    ),
    Case(
        "csv title longer than a title",
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        "row 3: title: is 1,001 characters long",
        file="eps.csv",
        line=3,
        column=2,
        others={"eps.csv": f"number,title\n1,One\n2,{'z' * 1001}\n"},
    ),
    Case(
        "csv column given twice",
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        "keep one of the two columns",
        file="eps.csv",
        line=1,
        column=3,
        others={"eps.csv": "number,title,title\n1,One,Uno\n"},
    ),
    Case(
        "csv quote never closed",  # would swallow the rows after it into one title
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        "opens a quote that is never closed",
        file="eps.csv",
        line=3,
        others={"eps.csv": 'number,title\n1,One\n2,"Two, the return\n3,Three\n4,Four\n'},
    ),
    Case(
        "csv quote inside a cell",  # would lose its quotes
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        'its quotes doubled: "say ""hi"""',
        file="eps.csv",
        line=2,
        others={"eps.csv": 'number,title\n1,"One" more\n'},
    ),
    Case(
        "csv row with only a number",
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        "fill in the title",
        file="eps.csv",
        line=2,
        others={"eps.csv": "number,title\n3,\n,\n"},
    ),
    Case(
        "csv separated by semicolons",  # was three errors about unknown and missing columns
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        "save the spreadsheet as CSV with commas between the columns",
        file="eps.csv",
        line=1,
        others={"eps.csv": "number;title;summary\n1;One;First\n"},
    ),
    Case(
        "csv unknown column",
        WITH_CSV,
        "shows[lets-meet].episodes_file",
        "did you mean 'title'?",
        file="eps.csv",
        line=1,
        others={"eps.csv": "number,titel\n1,One\n"},
    ),
    Case(
        "csv file missing",
        WITH_CSV,
        "shows[lets-meet].episodes_file",
    ),
    Case("not utf-8", VALID.replace("Test site", "Test \udcff site"), None, "UTF-8"),
]


def write_case(folder: Path, case: Case) -> str:
    """Write a case's files into ``folder``; return the main config's path."""
    for name, text in {MAIN: case.text, **case.others}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    return str(folder / MAIN)


def errors_of(path: str) -> tuple[ConfigError, ...]:
    """Load ``path`` and return the errors it raised (failing if it loaded)."""
    with pytest.raises(ConfigErrors) as caught:
        load_config(path)
    return caught.value.errors


def test_the_base_config_is_valid(tmp_path: Path) -> None:
    """The config every case breaks loads cleanly, so each case's error is its own."""
    assert load_config(write_case(tmp_path, Case("valid", VALID, None))).shows[0].id == "lets-meet"


def test_there_are_at_least_25_kinds_of_mistake() -> None:
    """The table covers at least 25 distinct mistakes."""
    assert len({case.name for case in CASES}) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_invalid_config_is_reported_where_it_is(tmp_path: Path, case: Case) -> None:
    """Each broken config raises an error carrying its file, key path and hint."""
    errors = errors_of(write_case(tmp_path, case))
    error = next((e for e in errors if e.key == case.key), None)
    assert error is not None, [e.describe() for e in errors]
    assert error.file == str(tmp_path / case.file)
    if case.hint is not None:
        assert case.hint in (error.hint or "") + error.message
    if case.line is not None:
        assert error.line == case.line
    if case.column is not None:
        assert error.column == case.column
    assert len(error.describe().splitlines()) == 1


# Mistakes whose message says what is wrong but not how to put it right: the hint does.
FIXES = {
    "missing site table": "begin the file with a [site] table holding title and base_url",
    "missing site title": 'add title = "..."',
    "missing base_url": 'add base_url = "https://..."',
    "show id missing": 'add id = "..."',
    "missing from": "add from = 2026-01-03",
    "numbering without at": "add at = 2026-01-03T18:00:00",
    "base_url relative": 'write the whole address, e.g. "https://feeds.example.org/tv/"',
    "show link not absolute": "write the whole address",
    "zero duration": 'e.g. "30 minutes"',
    "rerun not boolean": "write true or false, without quotes",
    "duplicate change": "keep one of the two entries, or change one",
    "include missing file": "the path is relative to this config file",
}


@pytest.mark.parametrize("name", sorted(FIXES))
def test_a_mistake_the_message_does_not_fix_has_a_hint_that_does(tmp_path: Path, name: str) -> None:
    """A missing key, a value of the wrong kind, a duplicate: the hint says what to write."""
    [case] = [case for case in CASES if case.name == name]
    error = next(e for e in errors_of(write_case(tmp_path, case)) if e.key == case.key)
    assert FIXES[name] in (error.hint or ""), error.describe()


def test_an_hour_past_23_is_hinted_in_one_pair_of_brackets(tmp_path: Path) -> None:
    """The hint inside the error's brackets holds no brackets of its own."""
    [case] = [case for case in CASES if case.name == "rule hour out of range"]
    error = next(e for e in errors_of(write_case(tmp_path, case)) if e.key == case.key)
    assert error.describe().endswith("(e.g. '18:00'; times run from 00:00 to 23:59)")


def test_a_csv_separated_by_semicolons_is_one_error(tmp_path: Path) -> None:
    """One mistake, one line: not "unknown column" and two "no column" lines besides."""
    [case] = [case for case in CASES if case.name == "csv separated by semicolons"]
    assert len(errors_of(write_case(tmp_path, case))) == 1


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (VALID.replace('title = "Test site"', 'titel = "Test site"'), "site.titel"),
        (VALID.replace('title = "Let\'s Meet"', 'titel = "Let\'s Meet"'), "shows[lets-meet].titel"),
    ],
)
def test_a_misspelt_required_key_is_one_error(tmp_path: Path, text: str, key: str) -> None:
    """"titel" is one mistake: the unknown key naming the fix, no "title: missing" beside it."""
    [error] = errors_of(write_case(tmp_path, Case("typo", text, key)))
    assert (error.key, error.hint) == (key, "did you mean 'title'?")


def test_titles_and_descriptions_up_to_their_limits_are_taken(tmp_path: Path) -> None:
    """1,000 characters of title and 100,000 of description are published as they are."""
    text = VALID.replace("Let's Meet", "t" * 1000).replace(
        'channel = "cqtv"', f'channel = "cqtv"\ndescription = "{"d" * 100_000}"'
    )
    site = load_config(write_case(tmp_path, Case("long", text, None)))
    assert len(site.shows[0].title) == 1000
    assert len(site.shows[0].description) == 100_000


def test_an_included_file_of_only_comments_holds_no_show_and_is_taken(tmp_path: Path) -> None:
    """Emptied on purpose, with a word why: not the empty file a failed copy leaves."""
    text = VALID.replace('timezone = "Asia/Shanghai"', 'include = ["shows/*.toml"]')
    case = Case("retired", text, None, others={"shows/old.toml": "# taken off in May\n"})
    site = load_config(write_case(tmp_path, case))
    assert [show.id for show in site.shows] == ["lets-meet"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16", "utf-32"])
def test_a_config_or_spreadsheet_saved_as_utf_16_says_so(tmp_path: Path, encoding: str) -> None:
    """Said so, with what to do: not a TOML error about a NUL, not CSV columns full of NULs."""
    (tmp_path / MAIN).write_bytes(VALID.encode(encoding))
    [error] = errors_of(str(tmp_path / MAIN))
    assert error.message == "UTF-16 (or UTF-32) text, not UTF-8"
    assert error.hint == "save the file as UTF-8"
    (tmp_path / MAIN).write_text(WITH_CSV)
    (tmp_path / "eps.csv").write_bytes("number,title\n1,One\n".encode(encoding))
    [error] = errors_of(str(tmp_path / MAIN))
    assert error.message.endswith("eps.csv' is UTF-16 (or UTF-32) text, not UTF-8")
    assert error.hint == "save it as UTF-8 CSV"


def test_a_huge_value_is_quoted_with_its_middle_cut(tmp_path: Path) -> None:
    """A 5,000-character value is not repeated whole: a mail line holds 998 characters at most.

    The line keeps the file, the key, the value's start and end, and the hint.
    """
    text = VALID.replace('timezone = "Asia/Shanghai"', f'timezone = "Asia/{"x" * 5000}"')
    [error] = errors_of(write_case(tmp_path, Case("huge", text, None)))
    line = error.describe()
    assert len(line) < 300 + len(str(tmp_path))
    assert line.startswith(f"{tmp_path / MAIN}: site.timezone: unknown time zone 'Asia/xxx")
    assert "x…x" in line
    assert line.endswith("""xxx' (use an IANA name like "Asia/Shanghai")""")


@pytest.mark.parametrize(
    ("setting", "link", "target", "said"),
    [
        ('state = "st"', "st", "public/private",
         "the state folder is inside the output folder"),
        ('output = "web"', "web", ".airdates/parts",
         "the output folder is inside the state folder"),
    ],
)
def test_folders_inside_one_another_through_a_link_are_errors(
    tmp_path: Path, setting: str, link: str, target: str, said: str
) -> None:
    """A link is followed, as for --output: state.sqlite was served, or the outputs tidied away."""
    (tmp_path / target).mkdir(parents=True)
    (tmp_path / link).symlink_to(target)
    text = VALID.replace('timezone = "Asia/Shanghai"', f'timezone = "Asia/Shanghai"\n{setting}')
    [error] = errors_of(write_case(tmp_path, Case("linked", text, None)))
    assert (error.key, error.message) == (f"site.{setting.split()[0]}", said)


def test_rule_errors_quote_the_word(tmp_path: Path) -> None:
    """A rule typo's error keeps the rule parser's word and is placed at the rule's key."""
    (error,) = errors_of(
        write_case(tmp_path, Case("typo", SITE + SHOW + airs("every Wednsday at 6 PM"), None))
    )
    assert getattr(error, "word", None) == "Wednsday"
    assert error.key == "shows[lets-meet].airs[0].rule"


def test_offending_value_is_kept(tmp_path: Path) -> None:
    """The error carries the value that was wrong."""
    (error,) = errors_of(
        write_case(tmp_path, Case("zone", VALID.replace("Asia/Shanghai", "Mars/Olympus"), None))
    )
    assert error.value == "Mars/Olympus"


def test_every_error_is_collected_in_file_order(tmp_path: Path) -> None:
    """Several mistakes are all reported, in the order they appear in the file."""
    text = (
        VALID.replace('timezone = "Asia/Shanghai"', 'timezone = "Nowhere"\nfeed_items = 0').replace(
            'channel = "cqtv"', 'channel = "nope"'
        )
        + "until = 2020-01-01\n"
    )
    errors = errors_of(write_case(tmp_path, Case("many", text, None)))
    assert [e.key for e in errors] == [
        "site.timezone",
        "site.feed_items",
        "shows[lets-meet].channel",
        "shows[lets-meet].airs[0].until",
    ]


def test_errors_of_the_main_file_come_before_included_ones(tmp_path: Path) -> None:
    """Errors are grouped by file: the main config's first, then each included file's."""
    text = VALID.replace('timezone = "Asia/Shanghai"', 'include = ["*.inc.toml"]\nfeed_items = 0')
    others = {"b.inc.toml": '[[shows]]\nid = "b"\n', "a.inc.toml": '[[shows]]\nid = "a"\n'}
    errors = errors_of(write_case(tmp_path, Case("order", text, None, others=others)))
    assert [(Path(e.file or "").name, e.key) for e in errors] == [
        ("airdates.toml", "site.feed_items"),
        ("a.inc.toml", "shows[a].title"),
        ("b.inc.toml", "shows[b].title"),
    ]


def test_missing_config_file_is_a_config_error(tmp_path: Path) -> None:
    """A config path that does not exist is a ConfigError naming it."""
    (error,) = errors_of(str(tmp_path / "nope.toml"))
    assert error.file == str(tmp_path / "nope.toml")


# --- through the command line -------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_check_reports_each_problem_on_its_own_line(
    tmp_path: Path, case: Case, capsys: pytest.CaptureFixture[str]
) -> None:
    """`airdates check` on a broken config exits 1 and prints one line per problem, naming its key."""
    from publisher.cli import main  # noqa: PLC0415 - the CLI is optional for the loader tests

    path = write_case(tmp_path, case)
    expected = errors_of(path)
    code = main(["check", "-c", path])
    captured = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in captured.err + captured.out
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) >= len(expected)
    for error in expected:
        assert any(error.describe() in line for line in lines), (error.describe(), lines)


def test_installed_command_rejects_a_broken_config(tmp_path: Path) -> None:
    """The installed `airdates check` exits 1 on a broken config, names the key and shows no traceback."""
    path = write_case(tmp_path, CASES[[c.name for c in CASES].index("rule day typo")])
    command = Path(sys.executable).with_name("airdates")
    result = subprocess.run(  # noqa: S603 - our own installed command
        [str(command), "check", "-c", path],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "AIRDATES_NOW": "2026-01-01T00:00:00"},
    )
    assert result.returncode == 1, result.stderr
    assert "shows[lets-meet].airs[0].rule" in result.stderr
    assert "Wednsday" in result.stderr
    assert "Traceback" not in result.stderr
