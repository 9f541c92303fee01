"""Loading valid configs: the bundled example, defaults, includes, spreadsheets, value forms."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from schedule.config import load_config
from schedule.errors import ConfigErrors
from schedule.site import EpisodeInfo, Platform, Site

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "lets-meet" / "airdates.toml"

SITE = """\
[site]
title = "Test site"
base_url = "https://feeds.example.org/tv/"
"""

SHOW = """\
[[shows]]
id = "news"
title = "News"
duration = "30 minutes"

[[shows.airs]]
rule = "daily at 07:30"
from = 2026-01-01
"""

# The site and show with the show's episodes in "eps.csv".
WITH_CSV = SITE + SHOW.replace(
    'duration = "30 minutes"\n', 'duration = "30 minutes"\nepisodes_file = "eps.csv"\n'
)


def write(folder: Path, text: str, name: str = "airdates.toml") -> str:
    """Write a config file and return its path as text."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def load(folder: Path, text: str) -> Site:
    """Write ``text`` as a config in ``folder`` and load it."""
    return load_config(write(folder, text))


# --- the bundled example ---------------------------------------------------------------


def test_example_site_values_come_from_the_seed() -> None:
    """The bundled example loads and names the site, zone and channel the seed gives."""
    site = load_config(str(EXAMPLE))
    assert site.title == "Chongqing Satellite TV — international programmes"
    assert site.timezone == ZoneInfo("Asia/Shanghai")
    assert site.base_url.startswith("https://") and "example.org" in site.base_url
    assert [(c.id, c.name) for c in site.channels] == [("cqtv", "Chongqing Satellite TV")]
    assert site.channels[0].xmltv_id == "cqtv.feeds.example.org"


def test_example_lets_meet_airs_wednesday_and_saturday_at_six_pm() -> None:
    """Let's Meet airs every Wednesday and Saturday at 18:00 on cqtv, 30 minutes long."""
    show = load_config(str(EXAMPLE)).show("lets-meet")
    assert show.title == "Let's Meet"
    assert show.channel == "cqtv"
    assert show.timezone == ZoneInfo("Asia/Shanghai")
    assert show.duration == timedelta(minutes=30)
    (airs,) = show.airs
    assert airs.rule.freq == "WEEKLY"
    assert airs.rule.weekdays == (2, 5)
    assert airs.rule.times == (time(18, 0),)


def test_example_episode_173_is_anchored_with_title_and_segments() -> None:
    """Episode 173 is anchored on 2026-01-03 18:00 with its title and three segments."""
    show = load_config(str(EXAMPLE)).show("lets-meet")
    assert show.numbering is not None
    assert (show.numbering.episode, show.numbering.at) == (173, datetime(2026, 1, 3, 18, 0))
    (episode,) = (e for e in show.episodes if e.number == 173)
    assert episode.title == "Global Youth Envoys Gather in Chongqing"
    assert [s.title for s in episode.segments] == ["Bridging News", "Dialogue", "iChongqing"]
    assert all(s.summary for s in episode.segments)
    assert "Youth Envoys" in episode.summary  # from the spreadsheet


def test_example_simulcast_platforms() -> None:
    """Let's Meet lists the five simulcast platforms of the seed, in its order."""
    show = load_config(str(EXAMPLE)).show("lets-meet")
    names = [p.name for p in show.also_on]
    assert names == [
        "WeChat Channels",
        "Bridging News app",
        "iChongqing website",
        "Facebook",
        "YouTube",
    ]
    assert show.also_on[2].url is not None


def test_example_short_video_conference_has_two_seasons() -> None:
    """The China Short Video Conference has season 1 (2023) and season 2 from 2025-07-04."""
    show = load_config(str(EXAMPLE)).show("china-short-video-conference")
    assert [(s.number, s.first) for s in show.seasons] == [
        (1, date(2023, 1, 1)),
        (2, date(2025, 7, 4)),
    ]
    assert "China Media Group" in show.description
    assert any(a.first == date(2025, 7, 4) for a in show.airs)
    assert all(a.first.year == 2023 for a in show.airs if a.first < date(2025, 1, 1))


def test_example_youth_together_symposium_and_four_visits() -> None:
    """The 2025 Youth Together events are five extras: the afternoon symposium on 16 September, then four visits."""
    show = load_config(str(EXAMPLE)).show("youth-together-2025")
    assert not show.airs
    symposium, *visits = show.extras
    assert symposium.at.date() == date(2025, 9, 16)
    assert symposium.at.hour >= 12
    assert len(visits) == 4
    assert all(v.at > symposium.at for v in visits)
    assert all(not e.numbered for e in show.extras)


# --- defaults ----------------------------------------------------------------------------


def test_defaults_fill_every_optional_site_key(tmp_path: Path) -> None:
    """A config with only the required keys gets SPEC §2's defaults."""
    site = load(tmp_path, SITE + SHOW)
    assert site.timezone == ZoneInfo("UTC")
    assert site.language == "en"
    assert site.past == timedelta(weeks=8)
    assert site.future == timedelta(weeks=26)
    assert site.feed_items == 50
    assert site.refresh == timedelta(hours=1)
    assert site.hub is None
    assert site.output == str(tmp_path / "public")
    assert site.state == str(tmp_path / ".airdates")


def test_show_timezone_defaults_to_the_site_zone(tmp_path: Path) -> None:
    """A show without a timezone takes the site's."""
    site = load(tmp_path, SITE + 'timezone = "Europe/London"\n' + SHOW)
    assert site.shows[0].timezone == ZoneInfo("Europe/London")


def test_output_and_state_are_absolute_from_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative output and state folders resolve against the config's folder, and source stays as given."""
    write(tmp_path / "conf", SITE + 'output = "www"\nstate = "../var/airdates"\n' + SHOW)
    monkeypatch.chdir(tmp_path)
    site = load_config(os.path.join("conf", "airdates.toml"))
    assert site.source == os.path.join("conf", "airdates.toml")
    assert site.output == str(tmp_path / "conf" / "www")
    assert site.state == str(tmp_path / "var" / "airdates")


def test_xmltv_id_defaults_to_id_and_base_url_host(tmp_path: Path) -> None:
    """A channel without xmltv_id gets id + "." + the host of base_url; a given one is kept."""
    channels = '[[channels]]\nid = "one"\nname = "One"\n\n[[channels]]\nid = "two"\nname = "Two"\nxmltv_id = "two.tv.example"\n'
    site = load(tmp_path, SITE + channels)
    assert [c.xmltv_id for c in site.channels] == ["one.feeds.example.org", "two.tv.example"]


def test_base_url_always_ends_with_a_slash(tmp_path: Path) -> None:
    """base_url is a folder: a missing trailing slash is added."""
    site = load(tmp_path, SITE.replace("/tv/", "/tv") + SHOW)
    assert site.base_url == "https://feeds.example.org/tv/"


def test_site_keys_are_read(tmp_path: Path) -> None:
    """Every [site] key given is carried into the Site."""
    extra = (
        'timezone = "Asia/Shanghai"\nlanguage = "zh-Hans-CN"\ndescription = "D"\npast = "P2W"\n'
        'future = "10 weeks"\nfeed_items = 5\nrefresh = "PT15M"\nhub = "https://hub.example.org/"\n'
    )
    site = load(tmp_path, SITE + extra + SHOW)
    assert (site.language, site.description, site.feed_items) == ("zh-Hans-CN", "D", 5)
    assert (site.past, site.future, site.refresh) == (
        timedelta(weeks=2),
        timedelta(weeks=10),
        timedelta(minutes=15),
    )
    assert site.hub == "https://hub.example.org/"


# --- includes ------------------------------------------------------------------------


def test_include_adds_channels_and_shows_from_other_files(tmp_path: Path) -> None:
    """Files matched by include globs add their channels and shows, in sorted order."""
    write(tmp_path, '[[channels]]\nid = "cqtv"\nname = "CQ"\n', "shows/a-channels.toml")
    write(
        tmp_path,
        SHOW.replace('"news"', '"b-show"').replace(
            "[[shows.airs]]", 'channel = "cqtv"\n[[shows.airs]]'
        ),
        "shows/b.toml",
    )
    site = load(tmp_path, SITE + 'include = ["shows/*.toml"]\n' + SHOW)
    assert [c.id for c in site.channels] == ["cqtv"]
    assert [s.id for s in site.shows] == ["news", "b-show"]


def test_include_pattern_matching_the_config_itself_is_skipped(tmp_path: Path) -> None:
    """An include glob that also matches the main config does not read it twice."""
    write(tmp_path, '[[shows]]\nid = "other"\ntitle = "Other"\n', "other.toml")
    site = load(tmp_path, SITE + 'include = ["*.toml"]\n' + SHOW)
    assert [s.id for s in site.shows] == ["news", "other"]


def test_errors_in_an_included_file_name_that_file(tmp_path: Path) -> None:
    """A problem inside an included file is reported with that file's path."""
    included = write(
        tmp_path, '[[shows]]\nid = "other"\ntitle = "Other"\ncolour = "red"\n', "more/other.toml"
    )
    with pytest.raises(ConfigErrors) as caught:
        load(tmp_path, SITE + 'include = ["more/*.toml"]\n' + SHOW)
    (error,) = caught.value.errors
    assert (error.file, error.key) == (included, "shows[other].colour")


# --- episodes_file --------------------------------------------------------------------


def _episodes_read(folder: Path, csv: str) -> tuple[EpisodeInfo, ...]:
    """Return the episodes the show reads from ``csv`` as its episodes_file."""
    write(folder, csv, "eps.csv")
    return load(folder, WITH_CSV).shows[0].episodes


def test_episodes_file_rows_become_episode_metadata(tmp_path: Path) -> None:
    """CSV rows give number, title, season, summary and link; blank rows are skipped."""
    first, second = _episodes_read(
        tmp_path,
        "\ufeffnumber,title,season,summary,link\n1,First,,One,https://example.org/1\n\n2,Second,3,,\n",
    )
    assert (first.number, first.title, first.season, first.summary, first.link) == (
        1,
        "First",
        None,
        "One",
        "https://example.org/1",
    )
    assert (second.number, second.season, second.summary, second.link) == (2, 3, "", None)


def test_quoted_cells_keep_their_commas_quotes_and_line_breaks(tmp_path: Path) -> None:
    """What a spreadsheet writes when a cell holds a comma, a quote or a line break is read back."""
    first, second = _episodes_read(
        tmp_path, 'number,title,summary\r\n1,"Say ""hi"", again","Two\r\nlines"\r\n2,Plain,\r\n'
    )
    assert (first.title, first.summary) == ('Say "hi", again', "Two\r\nlines")
    assert (second.number, second.title) == (2, "Plain")


def test_empty_header_cells_at_the_end_are_no_columns(tmp_path: Path) -> None:
    """"number,title,," is what a spreadsheet saves with two empty columns: read as two columns."""
    episodes = _episodes_read(tmp_path, "number,title,,\n1,First,,\n2,Second\n")
    assert [(e.number, e.title) for e in episodes] == [(1, "First"), (2, "Second")]


def test_a_cell_of_control_characters_is_an_empty_cell(tmp_path: Path) -> None:
    """A title or summary cell that says nothing once published counts as not given."""
    episodes = _episodes_read(tmp_path, "number,title,summary\n1,\x07\x85,\x00 \n2,Second,Fine\n")
    assert [(e.number, e.title, e.summary) for e in episodes] == [
        (1, None, ""), (2, "Second", "Fine")
    ]


def test_a_rule_airing_only_on_its_until_day_is_accepted(tmp_path: Path) -> None:
    """until is inclusive: a Saturday 23:00 airing on the last day is an airing."""
    show = SHOW.replace('rule = "daily at 07:30"', 'rule = "every Saturday at 11 PM"').replace(
        "from = 2026-01-01", "from = 2026-05-04\nuntil = 2026-05-09"
    )
    [rule] = load(tmp_path, SITE + show).shows[0].airs
    assert (rule.first.isoformat(), rule.last.isoformat()) == ("2026-05-04", "2026-05-09")


def test_episode_entries_win_over_the_spreadsheet(tmp_path: Path) -> None:
    """A [[shows.episodes]] entry overrides the fields its CSV row also gives, and keeps the rest."""
    write(tmp_path, "number,title,summary\n7,Old title,Row summary\n", "eps.csv")
    show = SHOW.replace(
        'duration = "30 minutes"\n', 'duration = "30 minutes"\nepisodes_file = "eps.csv"\n'
    )
    site = load(tmp_path, SITE + show + '[[shows.episodes]]\nnumber = 7\ntitle = "New title"\n')
    (episode,) = site.shows[0].episodes
    assert (episode.title, episode.summary) == ("New title", "Row summary")


# --- value forms --------------------------------------------------------------------------

CHANGE = "[[shows.changes]]\nat = {value}\ncancel = true\n"


@pytest.mark.parametrize(
    "written",
    [
        "2026-01-03T18:00:00",
        "2026-01-03 18:00:00",
        '"2026-01-03 18:00"',
        '"2026-01-03T18:00"',
        '"2026-01-03T18:00:00"',
        '"2026-01-03 18:00:00"',
    ],
)
def test_local_datetime_forms(tmp_path: Path, written: str) -> None:
    """TOML local datetimes and "2026-01-03 18:00"-style strings all give the same wall time."""
    site = load(tmp_path, SITE + SHOW + CHANGE.format(value=written))
    assert site.shows[0].changes[0].at == datetime(2026, 1, 3, 18, 0)


@pytest.mark.parametrize(
    "written",
    [
        "2026-01-03T10:00:00Z",
        "2026-01-03T11:00:00+01:00",
        '"2026-01-03T10:00Z"',
        '"2026-01-03 05:00 -05:00"',
    ],
)
def test_offsets_are_converted_to_local_wall_time(tmp_path: Path, written: str) -> None:
    """A datetime with an offset becomes the naive wall time in the show's zone."""
    site = load(
        tmp_path, SITE + 'timezone = "Asia/Shanghai"\n' + SHOW + CHANGE.format(value=written)
    )
    at = site.shows[0].changes[0].at
    assert at == datetime(2026, 1, 3, 18, 0)
    assert at is not None and at.tzinfo is None


def test_the_first_pass_of_a_repeated_hour_is_read_as_written(tmp_path: Path) -> None:
    """05:30Z on 1 November 2026 is New York's first 01:30 (EDT): accepted, as that wall time.

    The second pass (06:30Z, EST) is refused: wall times name airings, and
    the repeated hour's wall time is its first pass.
    """
    extra = '[[shows.extras]]\nat = {at}\ntitle = "Special"\n'
    config = SITE + 'timezone = "America/New_York"\n' + SHOW + extra
    site = load(tmp_path, config.format(at="2026-11-01T05:30:00Z"))
    assert site.shows[0].extras[0].at == datetime(2026, 11, 1, 1, 30)
    with pytest.raises(ConfigErrors) as caught:
        load(tmp_path, config.format(at="2026-11-01T06:30:00Z"))
    [error] = caught.value.errors
    assert error.message.startswith("is the second 01:30 of 2026-11-01 in America/New_York")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("PT30M", timedelta(minutes=30)),
        ("P8W", timedelta(weeks=8)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("30 minutes", timedelta(minutes=30)),
        ("1 hour 30 minutes", timedelta(minutes=90)),
        ("1 hour and 30 minutes", timedelta(minutes=90)),
        ("8 weeks", timedelta(weeks=8)),
        ("90 min", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("1.5 hours", timedelta(minutes=90)),
    ],
)
def test_duration_forms(tmp_path: Path, written: str, expected: timedelta) -> None:
    """Durations are read from ISO 8601 and from words."""
    site = load(tmp_path, SITE + SHOW.replace('"30 minutes"', f'"{written}"'))
    assert site.shows[0].duration == expected


def test_dates_as_strings_and_rrule(tmp_path: Path) -> None:
    """`from`/`until` accept "2026-01-03" strings, and an RRULE reads like a human rule."""
    airs = '[[shows.airs]]\nrrule = "FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0"\nfrom = "2026-01-01"\nuntil = "2026-06-30"\n'
    site = load(tmp_path, SITE + SHOW + airs)
    recurrence = site.shows[0].airs[1]
    assert (recurrence.first, recurrence.last) == (date(2026, 1, 1), date(2026, 6, 30))
    assert recurrence.rule.weekdays == (2, 5)
    assert recurrence.text.startswith("FREQ=WEEKLY")


def test_cancel_forms_and_moves(tmp_path: Path) -> None:
    """Cancel = true gives an empty reason, a string is the reason; move_to keeps its new length."""
    changes = (
        "[[shows.changes]]\nat = 2026-01-03T07:30:00\ncancel = true\n"
        '[[shows.changes]]\nat = 2026-01-04T07:30:00\ncancel = "Football"\n'
        '[[shows.changes]]\nepisode = 9\nmove_to = 2026-01-05T09:00:00\nduration = "45 minutes"\n'
    )
    site = load(tmp_path, SITE + SHOW + changes)
    first, second, third = site.shows[0].changes
    assert (first.cancel, second.cancel, third.cancel) == ("", "Football", None)
    assert (third.episode, third.move_to, third.duration) == (
        9,
        datetime(2026, 1, 5, 9),
        timedelta(minutes=45),
    )
    assert third.key == "shows[news].changes[2]"


def test_also_on_strings_and_tables(tmp_path: Path) -> None:
    """also_on entries are names or { name, url } tables."""
    site = load(
        tmp_path,
        SITE
        + SHOW.replace(
            'duration = "30 minutes"\n',
            'duration = "30 minutes"\nalso_on = ["WeChat Channels", { name = "YouTube", url = "https://youtube.example/x" }]\n',
        ),
    )
    assert site.shows[0].also_on == (
        Platform(name="WeChat Channels"),
        Platform(name="YouTube", url="https://youtube.example/x"),
    )


def test_seasons_extras_and_anchor(tmp_path: Path) -> None:
    """Seasons with their own anchors and extras with their own or the show's duration are read."""
    more = (
        '[shows.numbering]\nepisode = 10\nat = "2026-01-01 07:30"\n'
        "[[shows.seasons]]\nnumber = 2\nfrom = 2026-03-01\nepisode = 1\nat = 2026-03-01T07:30:00\n"
        '[[shows.extras]]\nat = 2026-01-01T20:00:00\ntitle = "Special"\nnumbered = true\n'
        '[[shows.extras]]\nat = 2026-01-02T20:00:00\nduration = "1 hour"\n'
    )
    show = load(tmp_path, SITE + SHOW + more).shows[0]
    assert show.numbering is not None and show.numbering.episode == 10
    assert show.seasons[0].anchor is not None and show.seasons[0].anchor.at == datetime(
        2026, 3, 1, 7, 30
    )
    assert [(e.duration, e.numbered) for e in show.extras] == [
        (timedelta(minutes=30), True),
        (timedelta(hours=1), False),
    ]


def test_a_link_with_a_backslash_past_its_host_is_kept(tmp_path: Path) -> None:
    """Only a backslash in the host is refused (a browser reads it as "/"); one in a query is text."""
    from tests.test_config_errors import VALID  # noqa: PLC0415 - the shared valid config

    link = "https://example.org/search?q=a\\\\b"
    path = tmp_path / "airdates.toml"
    path.write_text(VALID.replace('channel = "cqtv"', f'channel = "cqtv"\nlink = "{link}"'))
    assert load_config(str(path)).shows[0].link == "https://example.org/search?q=a\\b"


def test_a_cancel_reason_of_only_spaces_is_no_reason(tmp_path: Path) -> None:
    """cancel = " " cancels without a reason, not with one that prints as "Cancelled:  "."""
    change = '[[shows.changes]]\nat = 2026-01-03T18:00:00\ncancel = " "\n'
    site = load(tmp_path, SITE + SHOW + change)
    assert site.shows[0].changes[0].cancel == ""


def test_links_looping_back_up_an_included_folder_are_walked_once(tmp_path: Path) -> None:
    """shows/loop -> . and shows/again -> .: `**` found 2^40 paths (a hang); each folder once.

    Run in a child with a time limit, so that a hang fails the test instead of the suite.
    """
    shows = tmp_path / "shows"
    (shows / "deep").mkdir(parents=True)
    (shows / "deep" / "one.toml").write_text(
        '[[shows]]\nid = "one"\ntitle = "One"\nduration = "1 hour"\n'
        '[[shows.airs]]\nrule = "daily at 18:00"\nfrom = 2026-01-01\n'
    )
    (shows / "loop").symlink_to(".")
    (shows / "again").symlink_to(".")
    (shows / "deep" / "up").symlink_to("..")
    config = tmp_path / "airdates.toml"
    config.write_text(SITE.replace("[site]\n", '[site]\ninclude = ["shows/**/*.toml"]\n', 1))
    code = "import sys; from schedule.config import load_config as l; print(l(sys.argv[1]).shows)"
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, str(config)], capture_output=True, text=True, timeout=30,
        check=False, cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("id='one'") == 1  # read once, not once per path to it
