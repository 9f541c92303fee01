"""The first commands, `init`, `check` and `upcoming`, through `main()` and the installed command."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from publisher.cli import main
from publisher.lock import held
from schedule.loading import load_site
from schedule.overlaps import overlaps
from schedule.timeline import window
from tests.factories import make_airing, make_show

EXAMPLE = str(Path(__file__).parent.parent / "examples" / "lets-meet" / "airdates.toml")
AIRDATES = str(Path(sys.executable).with_name("airdates"))  # the installed command


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit code, stdout and stderr."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def copy_example(folder: Path) -> Path:
    """Copy the bundled example's files (config, spreadsheet) into ``folder``; return its config."""
    for source in Path(EXAMPLE).parent.iterdir():
        if source.is_file():
            (folder / source.name).write_bytes(source.read_bytes())
    return folder / "airdates.toml"


def upcoming_json(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict]:
    """Return `upcoming --json` on the example as parsed JSON."""
    code, out, err = run(["upcoming", "-c", EXAMPLE, "--json", *extra], capsys)
    assert code == 0, err
    return json.loads(out)


def test_example_episode_173_airs_on_3_january(capsys: pytest.CaptureFixture[str]) -> None:
    """The example lists episode 173 at 2026-01-03 18:00 +08:00, 172 and 174 on the Wednesdays around it."""
    rows = upcoming_json(capsys, "--show", "lets-meet", "--from", "2025-12-30T00:00", "--days", "10")
    by_start = {row["start"]: row for row in rows}
    assert by_start["2026-01-03T18:00:00+08:00"]["episode"] == 173
    assert by_start["2026-01-03T18:00:00+08:00"]["title"] == "Global Youth Envoys Gather in Chongqing"
    assert by_start["2026-01-03T18:00:00+08:00"]["id"] == "lets-meet/20260103T100000Z"
    assert by_start["2025-12-31T18:00:00+08:00"]["episode"] == 172
    assert by_start["2026-01-07T18:00:00+08:00"]["episode"] == 174


def test_upcoming_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    """Every object carries the keys scripts rely on, in start order."""
    rows = upcoming_json(capsys, "--now", "2026-01-01T00:00", "--days", "30")
    keys = {"id", "show", "channel", "start", "end", "season", "episode", "title", "status",
            "rerun_of", "moved_from", "reason"}
    assert rows
    assert all(keys <= row.keys() for row in rows)
    starts = [datetime.fromisoformat(row["start"]) for row in rows]
    assert starts == sorted(starts)
    assert {row["status"] for row in rows} <= {"scheduled", "cancelled"}


def test_days_counts_from_now(capsys: pytest.CaptureFixture[str]) -> None:
    """`--days 4` from Friday noon lists Saturday's airing but not next Wednesday's."""
    rows = upcoming_json(capsys, "--show", "lets-meet", "--now", "2026-01-02T12:00", "--days", "4")
    assert [row["start"] for row in rows] == ["2026-01-03T18:00:00+08:00"]


def test_now_comes_from_the_environment(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """AIRDATES_NOW stands in for the clock; a naive time is in the site's zone."""
    monkeypatch.setenv("AIRDATES_NOW", "2026-01-03T17:59")
    rows = upcoming_json(capsys, "--show", "lets-meet", "--days", "1")
    assert rows[0]["start"] == "2026-01-03T18:00:00+08:00"
    monkeypatch.setenv("AIRDATES_NOW", "2026-01-03T10:01Z")
    rows = upcoming_json(capsys, "--show", "lets-meet", "--days", "1")
    assert rows == []


def test_check_prints_rrules_and_next_airings(capsys: pytest.CaptureFixture[str]) -> None:
    """`check` prints each show's normalised RRULE and its next three airings."""
    code, out, _ = run(["check", "-c", EXAMPLE, "--now", "2026-01-01T00:00"], capsys)
    assert code == 0
    assert "RRULE:FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18;BYMINUTE=0" in out
    section = out.split("lets-meet:", 1)[1].split("\n\n", 1)[0]
    assert section.count("next:") == 3
    assert "2026-01-03 18:00" in section


@pytest.mark.parametrize(
    "argv",
    [["upcoming", "--days", "0"], ["upcoming", "--days", "x"], ["frobnicate"], [], ["publish", "--wait", "soon"]],
)
def test_wrong_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Wrong command-line usage exits 2 with a message, not a traceback."""
    code, _, err = run(argv, capsys)
    assert code == 2
    assert err
    assert "Traceback" not in err


def test_a_bad_now_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unreadable --now names the option and exits 2."""
    code, _, err = run(["upcoming", "-c", EXAMPLE, "--now", "next tuesday"], capsys)
    assert code == 2
    assert "--now" in err


def test_unknown_show_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    """`--show` with an id that is not in the config lists the known ids."""
    code, _, err = run(["upcoming", "-c", EXAMPLE, "--show", "nope"], capsys)
    assert code == 2
    assert "lets-meet" in err


def test_missing_config_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A config file that does not exist is a config error naming the file."""
    code, _, err = run(["check", "-c", str(tmp_path / "nope.toml")], capsys)
    assert code == 1
    assert "nope.toml" in err


def test_init_writes_a_config_that_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`init DIR` writes the example, which `check` accepts; a second `init` refuses to overwrite."""
    folder = tmp_path / "network"
    assert run(["init", str(folder)], capsys)[0] == 0
    assert (folder / "airdates.toml").read_bytes() == Path(EXAMPLE).read_bytes()
    assert run(["check", "-c", str(folder / "airdates.toml")], capsys)[0] == 0
    assert run(["init", str(folder)], capsys)[0] == 1


def test_init_never_overwrites_a_file_of_the_users(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder holding a spreadsheet named like the example's: nothing is written, one line."""
    folder = tmp_path / "network"
    folder.mkdir()
    own = folder / "lets-meet-episodes.csv"
    own.write_text("number,title\n1,MY OWN DATA\n")
    code, _, err = run(["init", str(folder)], capsys)
    assert code == 1
    assert own.read_text() == "number,title\n1,MY OWN DATA\n"
    assert sorted(p.name for p in folder.iterdir()) == ["lets-meet-episodes.csv"]
    assert len(err.splitlines()) == 1
    assert str(own) in err


@pytest.mark.parametrize("where", ["a-file", "a-file/below"])
def test_init_into_a_folder_it_cannot_make_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """A path that is a file, or lies below one: exit 4 with one line, not a traceback."""
    (tmp_path / "a-file").write_text("mine")
    code, _, err = run(["init", str(tmp_path / where)], capsys)
    assert code == 4
    assert len(err.splitlines()) == 1
    assert err.startswith("airdates: cannot write the example to ")
    assert (tmp_path / "a-file").read_text() == "mine"


def test_installed_command_lists_the_example() -> None:
    """The installed `airdates` command prints the example's airings as JSON."""
    command = Path(sys.executable).parent / "airdates"
    result = subprocess.run(
        [str(command), "upcoming", "-c", EXAMPLE, "--json", "--from", "2026-01-03T00:00", "--days", "1"],
        capture_output=True, text=True, check=False, env={**os.environ, "AIRDATES_NOW": ""},
    )
    assert result.returncode == 0, result.stderr
    assert [row["episode"] for row in json.loads(result.stdout) if row["show"] == "lets-meet"] == [173]


def test_a_closed_pipe_is_no_traceback() -> None:
    """`airdates upcoming | head -1` ends quietly when head stops reading."""
    command = Path(sys.executable).parent / "airdates"
    result = subprocess.run(
        f"'{command}' upcoming -c '{EXAMPLE}' --now 2026-01-01 --days 3000 | head -1",
        shell=True, capture_output=True, text=True, check=False,
    )
    assert result.stdout.startswith("date")
    assert "Traceback" not in result.stderr


def _small_site(folder: Path, zone: str, rest: str) -> Path:
    """Write a config of a site in ``zone`` followed by ``rest`` (channels, shows); return it."""
    config = folder / "airdates.toml"
    head = f'[site]\ntitle = "T"\nbase_url = "https://feeds.example.org/"\ntimezone = "{zone}"\n'
    config.write_text(head + rest, encoding="utf-8")
    return config


def test_overlapping_airings_on_a_channel_are_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two shows on one channel at the same time: `check` warns, names both airings, and still exits 0."""
    config = _small_site(
        tmp_path,
        "Europe/Berlin",
        '[[channels]]\nid = "c"\nname = "C"\n'
        '[[shows]]\nid = "a"\ntitle = "A"\nchannel = "c"\nduration = "1 hour"\n'
        '[[shows.airs]]\nrule = "daily at 20:00"\nfrom = 2026-01-01\n'
        '[[shows]]\nid = "b"\ntitle = "B"\nchannel = "c"\nduration = "30 minutes"\n'
        '[[shows.airs]]\nrule = "every Monday at 20:30"\nfrom = 2026-01-01\n'
        '[[shows]]\nid = "online"\ntitle = "Online"\nduration = "2 hours"\n'
        '[[shows.airs]]\nrule = "daily at 20:00"\nfrom = 2026-01-01\n',
    )
    code, _, err = run(["check", "-c", str(config), "--now", "2026-03-01T12:00"], capsys)
    assert code == 0
    warnings = [line for line in err.splitlines() if "warning" in line]
    # Every Monday in the window clashes; the next three are named, the rest counted.
    berlin = ZoneInfo("Europe/Berlin")
    site = load_site(str(config))[0]
    start, stop = window(site, datetime(2026, 3, 1, 12, tzinfo=berlin))
    days = (start.date() + timedelta(days=n) for n in range((stop - start).days + 1))
    mondays = [
        day
        for day in days
        if day.weekday() == 0
        and day >= date(2026, 1, 1)
        and start <= datetime.combine(day, time(20, 30), berlin) < stop
    ]
    assert len(mondays) > 3
    named, counted = warnings[:3], warnings[3:]
    assert all("b/" in line and "a/" in line for line in named)
    assert [line.split("b/")[1][:9] for line in named] == ["20260302T", "20260309T", "20260316T"]
    assert "b/20260302T193000Z" in named[0]
    assert counted == [
        f"airdates: warning: channels[c]: {len(mondays) - 3} more overlapping airings between "
        f"{mondays[0]} and {mondays[-1]} (airdates upcoming lists them)"
    ]
    assert not any("online/" in line for line in warnings)


INTERVAL_RULES = (
    '[[shows]]\nid = "s"\ntitle = "S"\nduration = "1 hour"\n'
    '[[shows.airs]]\nrule = "every other Monday at 20:00"\nfrom = {monday_from}\n'
    '[[shows.airs]]\nrule = "first Monday of every 2 months at 21:00"\nfrom = {monthly_from}\n'
    '[[shows.airs]]\nrule = "every 2 weeks on Tuesday and Thursday at 9 PM"\nfrom = 2026-01-07\n'
)


def test_an_interval_that_skips_the_first_day_it_could_air_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'every other Monday' from a Thursday first airs 11 days on: `check` says so, and the fix."""
    rules = INTERVAL_RULES.format(monday_from="2026-01-01", monthly_from="2026-01-10")
    config = _small_site(tmp_path, "UTC", rules)
    code, out, err = run(["check", "-c", str(config), "--now", "2026-01-01T00:00"], capsys)
    assert code == 0
    assert [line for line in err.splitlines() if "warning" in line] == [
        "airdates: warning: shows[s].airs[0]: 'every other Monday at 20:00' first airs on"
        " 2026-01-12 Mon, not 2026-01-05 Mon: the interval counts from the week (Monday to"
        " Sunday) that holds from, 2026-01-01 (to start on 2026-01-05, write from = 2026-01-05)",
        "airdates: warning: shows[s].airs[1]: 'first Monday of every 2 months at 21:00' first"
        " airs on 2026-03-02 Mon, not 2026-02-02 Mon: the interval counts from the month that"
        " holds from, 2026-01-10 (to start on 2026-02-02, write from = 2026-02-02)",
    ]
    assert "next: 2026-01-12 20:00 Mon" in out  # the warning tells what the schedule does

    # The fix it names: no warning, and the rules air on the days it said.
    fixed = INTERVAL_RULES.format(monday_from="2026-01-05", monthly_from="2026-02-02")
    config = _small_site(tmp_path, "UTC", fixed)
    code, out, err = run(["check", "-c", str(config), "--now", "2026-01-01T00:00"], capsys)
    assert (code, err) == (0, "")
    assert "next: 2026-01-05 20:00 Mon" in out
    code, out, _ = run(
        ["upcoming", "-c", str(config), "--from", "2026-01-10T00:00", "--days", "30", "--json"],
        capsys,
    )
    starts = {a["start"][:16] for a in json.loads(out)}
    assert "2026-02-02T21:00" in starts


def test_overlap_warnings_show_the_latest_clashes_when_none_lie_ahead() -> None:
    """Past the last clash, the last few are named; two clashes are both named, none counted."""
    show_a = make_show(id="a", title="A", channel="c")
    show_b = make_show(id="b", title="B", channel="c")
    airings = []
    for day in range(1, 6):
        airings += [
            make_airing(show_a, datetime(2026, 1, day, 18)),
            make_airing(show_b, datetime(2026, 1, day, 18, 15)),
        ]
    later = datetime(2026, 2, 1, tzinfo=show_a.timezone)
    lines = overlaps(airings, now=later)
    assert [line.split("b/")[1][:8] for line in lines[:3]] == ["20260103", "20260104", "20260105"]
    assert lines[3].startswith("channels[c]: 2 more overlapping airings between 2026-01-01")
    assert len(overlaps(airings[:4], now=later)) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["upcoming", "--days", "3000000"],
        ["upcoming", "--from", "0001-01-01", "--days", "3"],
        ["upcoming", "--now", "9999-12-31T23:00"],
        ["check", "--now", "9999-12-31T23:00"],
        ["publish", "--now", "9999-12-01T00:00", "--dry-run"],
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Times near the year 1 or 9999 give a usage error, never a traceback."""
    config = tmp_path / "airdates.toml"
    config.write_bytes(Path(EXAMPLE).read_bytes().replace(b'"lets-meet-episodes.csv"', b'"x.csv"'))
    (tmp_path / "x.csv").write_bytes((Path(EXAMPLE).parent / "lets-meet-episodes.csv").read_bytes())
    code, _, err = run([*argv, "-c", str(config)], capsys)
    assert code == 2, err
    assert "Traceback" not in err


def test_check_finds_next_airings_years_ahead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A show that airs once a year still gets its next three airings, years apart."""
    config = _small_site(
        tmp_path,
        "UTC",
        '[[shows]]\nid = "gala"\ntitle = "Gala"\nduration = "2 hours"\n'
        '[[shows.airs]]\nrrule = "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=1;BYHOUR=20;BYMINUTE=0"\n'
        "from = 2025-06-01\n"
        '[[shows]]\nid = "daily"\ntitle = "Daily"\nduration = "1 hour"\n'
        '[[shows.airs]]\nrule = "daily at 09:00"\nfrom = 2026-01-01\n',
    )
    code, out, _ = run(["check", "-c", str(config), "--now", "2026-03-01T12:00"], capsys)
    assert code == 0
    gala = out.split("gala: Gala")[1].split("daily: Daily")[0]
    assert [line.split()[1] for line in gala.splitlines() if "next:" in line] == [
        "2026-06-01", "2027-06-01", "2028-06-01"
    ]
    daily = out.split("daily: Daily")[1]
    assert [line.split()[1] for line in daily.splitlines() if "next:" in line] == [
        "2026-03-02", "2026-03-03", "2026-03-04"
    ]


def test_a_rule_until_the_end_of_the_calendar_never_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``until = 9999-12-31`` (a common way to say "no end") is read as no end, not an error."""
    config = copy_example(tmp_path)
    text = config.read_text()
    assert "# until = 2026-12-31" in text
    config.write_text(text.replace("# until = 2026-12-31", "until = 9999-12-31"))
    code, out, err = run(["check", "-c", str(config), "--now", "2026-01-10T12:00"], capsys)
    assert (code, err) == (0, "")
    assert "until 9999-12-31" in out
    later = ["upcoming", "-c", str(config), "--now", "2030-01-10T12:00", "--days", "7"]
    code, out, err = run(later, capsys)
    assert code == 0, err
    assert "lets-meet" in out


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        # --wait nan would wait for the lock for ever, --wait -5 give up before trying.
        *((["publish", "-c", EXAMPLE, "--dry-run", "--wait", wait], "--wait")
          for wait in ("nan", "-5", "inf", "1e9", "soon")),
        (["upcoming", "-c", EXAMPLE, "--days", "x"], "argument --days: 'x' is not a whole number"),
        # It used to reach the socket and say a date was out of range.
        *((["serve", "-c", EXAMPLE, "--port", port], "argument --port: must be from 0 to 65535")
          for port in ("99999", "-1")),
    ],
)
def test_an_option_value_out_of_its_range_names_the_option(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2, naming the option and the value, not a function of airdates'."""
    code, _, err = run(argv, capsys)
    assert code == 2
    assert said in err
    assert "_positive_int" not in err


# Far ahead, a run takes about 3 s before it stops; one such case is enough.
@pytest.mark.parametrize("now", ["0001-06-01T00:00", "0002-01-01T00:00", "9999-06-01T00:00"])
def test_a_now_at_the_ends_of_the_calendar_publishes_or_is_a_usage_error(
    now: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Near year 1 or 9999 a publish works (nothing airs yet) or says on one line that a date is out."""
    code, _, err = run(["publish", "-c", str(copy_example(tmp_path)), "--now", now], capsys)
    assert code in {0, 2}
    assert len(err.splitlines()) == (code == 2)
    if code == 2:
        assert "outside the years 1 to 9999" in err


def test_an_extra_in_a_rule_airings_place_takes_its_number_only_when_numbered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An extra at a rule airing's time replaces it; the next premiere takes the number it left.

    Unnumbered, the extra has no episode and numbering runs on 173, 174; numbered,
    it is episode 174 itself. No number is skipped either way.
    """
    for numbered, expected in ((False, [173, None, 174]), (True, [173, 174, 175])):
        config = tmp_path / f"numbered-{numbered}.toml"
        config.write_text(
            '[site]\ntitle = "T"\nbase_url = "https://feeds.example.org/"\n'
            'timezone = "Asia/Shanghai"\n'
            '[[shows]]\nid = "s"\ntitle = "S"\nduration = "30 minutes"\n'
            '[[shows.airs]]\nrule = "every Wednesday and Saturday at 6 PM"\nfrom = 2025-01-01\n'
            "[shows.numbering]\nepisode = 173\nat = 2026-01-03T18:00:00\n"
            '[[shows.extras]]\nat = 2026-01-07T18:00:00\ntitle = "Special in its place"\n'
            f"numbered = {'true' if numbered else 'false'}\n"
        )
        argv = ["upcoming", "-c", str(config), "--json", "--from", "2026-01-03T00:00", "--days", "8"]
        code, out, err = run(argv, capsys)
        assert code == 0, err
        rows = json.loads(out)
        assert [row["episode"] for row in rows] == expected, rows
        assert rows[1]["title"] == "Special in its place"


@pytest.mark.parametrize(
    ("output", "said"),
    [
        *((output, "holds the state folder") for output in (".", "", ".airdates", "link-to-state")),
        # The state's tidying would remove the outputs as stray part files.
        *((output, "is inside the state folder")
          for output in (".airdates/parts", "link-to-state/x")),
    ],
)
def test_an_output_folder_holding_the_state_is_a_usage_error(
    output: str,
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--output .` would publish next to the config with the state inside: exit 2, nothing written.

    So would an output folder inside the state folder.
    """
    copy_example(tmp_path)
    (tmp_path / ".airdates").mkdir()
    (tmp_path / "link-to-state").symlink_to(".airdates")
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    argv = ["publish", "-c", "airdates.toml", "--output", output, "--now", "2026-01-10T12:00"]
    code, out, err = run(argv, capsys)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert said in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


@pytest.mark.parametrize("kind", ["named pipe", "device"])
def test_a_config_that_is_a_pipe_or_a_device_is_refused_at_once(kind: str, tmp_path: Path) -> None:
    """A named pipe would be waited on for ever, /dev/zero read until memory runs out: exit 1."""
    config = tmp_path / "airdates.toml"
    if kind == "named pipe":
        os.mkfifo(config)
    else:
        config.symlink_to("/dev/zero")
    command = AIRDATES
    for verb in ("check", "publish"):
        done = subprocess.run(  # noqa: S603 - the installed command
            [command, verb, "-c", str(config)], capture_output=True, text=True, timeout=30, check=False
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr == (
            f"airdates: {config}: cannot read the file: it is a {kind}, not a file"
            " (give the path of the config file itself)\n"
        )


def test_a_rerun_after_an_extra_in_a_premieres_place_repeats_the_episode_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Monday's premiere gives way to a special; Tuesday's rerun repeats the last episode aired."""
    config = tmp_path / "airdates.toml"
    config.write_text(
        '[site]\ntitle = "T"\nbase_url = "https://feeds.example.org/"\n'
        'timezone = "Asia/Shanghai"\n'
        '[[shows]]\nid = "s"\ntitle = "S"\nduration = "30 minutes"\n'
        '[[shows.airs]]\nrule = "every Monday at 8 PM"\nfrom = 2025-01-01\n'
        '[[shows.airs]]\nrule = "every Tuesday at 9 PM"\nfrom = 2025-01-01\nrerun = true\n'
        "[shows.numbering]\nepisode = 10\nat = 2026-01-05T20:00:00\n"
        '[[shows.extras]]\nat = 2026-01-12T20:00:00\ntitle = "Special"\n'
    )
    argv = ["upcoming", "-c", str(config), "--json", "--from", "2026-01-05T00:00", "--days", "16"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    rows = {row["start"][:16]: row for row in json.loads(out)}
    assert rows["2026-01-12T20:00"]["episode"] is None  # the special
    assert rows["2026-01-13T21:00"]["rerun_of"] == 10
    assert rows["2026-01-19T20:00"]["episode"] == 11


@pytest.mark.parametrize("command", ["check", "publish", "upcoming"])
def test_an_empty_config_path_is_a_usage_error(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-c "$CONFIG"`` with the variable unset read the current folder: "Is a directory"."""
    assert main([command, "-c", ""]) == 2
    assert "argument -c/--config: is empty: give the config file's path" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("redirect", "said"),
    [
        (">&-", ""),  # closed: Python has no sys.stdout at all
        ("> /dev/full", "airdates: standard output: No space left on device (what the command"
         " printed is lost; it did its work)\n"),
    ],
    ids=["closed", "full disk"],
)
def test_a_publish_whose_summary_cannot_be_printed_still_succeeds(
    tmp_path: Path, redirect: str, said: str
) -> None:
    """A cron line's stdout closed or on a full disk: a traceback, exit 1 or 120, before.

    The publish had done its work; what could not be printed is said on stderr.
    """
    config = copy_example(tmp_path)
    command = shlex.quote(AIRDATES)
    line = f"{command} publish -c {shlex.quote(str(config))} --now 2026-01-10T12:00 {redirect}"
    for buffered in (True, False):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
        if not buffered:
            env["PYTHONUNBUFFERED"] = "1"
        done = subprocess.run(  # noqa: S602 - the shell's redirection is the subject
            line, shell=True, capture_output=True, text=True, timeout=60, check=False, env=env,
        )
        assert (done.returncode, done.stderr) == (0, said)
    assert (tmp_path / "public" / "lets-meet.ics").is_file()


def test_a_closed_stderr_keeps_every_exit_code(tmp_path: Path) -> None:
    """``2>&-``: publish exited 1 ("invalid config") after doing its work, a lock wait 1, not 3."""
    config = copy_example(tmp_path)
    command = shlex.quote(AIRDATES)
    run = f"{command} publish -c {shlex.quote(str(config))} --now 2026-01-10T12:00"

    def code(line: str) -> int:
        return subprocess.run(  # noqa: S602 - the shell's redirection is the subject
            line, shell=True, capture_output=True, timeout=60, check=False
        ).returncode

    assert code(f"{run} 2>&-") == 0
    assert code(f"{command} check -c {shlex.quote(str(tmp_path / 'missing.toml'))} 2>&-") == 1
    with held(tmp_path / ".airdates", 0):
        assert code(f"{run} --wait 0 2>&-") == 3


def test_titles_an_8_bit_terminal_cannot_show_are_escaped_not_a_traceback(
    tmp_path: Path,
) -> None:
    """LANG=de_DE.ISO-8859-1 and a Chinese title: check and upcoming ended in UnicodeEncodeError."""
    config = tmp_path / "airdates.toml"
    config.write_text(
        '[site]\ntitle = "电视"\nbase_url = "https://feeds.example.org/"\n'
        '[[shows]]\nid = "s"\ntitle = "东京の夜 😀"\nduration = "30 minutes"\n'
        '[[shows.airs]]\nrule = "daily at 18:00"\nfrom = 2026-01-01\n',
        encoding="utf-8",
    )
    command = AIRDATES
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}

    def run(*argv: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(  # noqa: S603 - the installed command
            [command, *argv, "-c", str(config), "--now", "2026-01-10T12:00"],
            capture_output=True, timeout=60, check=False, env=env,
        )

    checked = run("check")
    assert (checked.returncode, checked.stderr) == (0, b"")
    assert b"\\u4e1c\\u4eac" in checked.stdout
    listed = run("upcoming", "--json")
    assert (listed.returncode, listed.stderr) == (0, b"")
    assert json.loads(listed.stdout.decode("latin-1"))[0]["title"] is None
    assert run("upcoming").returncode == 0


def test_a_relative_config_from_a_folder_since_deleted_is_a_config_error(
    tmp_path: Path,
) -> None:
    """The folder cron started in is gone: exit 1 and why, not exit 4 and "no such file"."""
    gone = tmp_path / "gone"
    gone.mkdir()
    command = AIRDATES
    script = f'cd {shlex.quote(str(gone))} && rmdir {shlex.quote(str(gone))} && ' + (
        f"{shlex.quote(command)} publish -c airdates.toml"
    )
    done = subprocess.run(  # noqa: S603, S607 - a shell, for its folder
        ["sh", "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert done.stderr == (
        "airdates: airdates.toml: the current folder is gone, and the config's path is relative"
        " to it (run airdates from a folder that exists, or give -c a full path)\n"
    )


_TERMINATED_MIDWAY = """
import os, signal, sys
from publisher import publish
parent, network = os.getpid(), publish._publish_network

def stopped_here(*args, **kwargs):  # every show's files staged, none in place yet
    if os.getpid() == parent:
        os.kill(parent, signal.{signal})
    return network(*args, **kwargs)

publish._publish_network = stopped_here
from publisher.cli import run
sys.argv[0] = "airdates"
run()
"""


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_publish_stopped_by_a_signal_takes_its_staged_files_away(
    tmp_path: Path, name: str, code: int
) -> None:
    """``timeout``, ``kill``, a closed terminal: Ctrl-C's clean ending, not 1,400 temp files left.

    They were hidden files in the served folder: a web server or a sync job took them.
    """
    config = copy_example(tmp_path)
    argv = ["publish", "-c", str(config), "--now", "2026-01-10T12:00"]
    stopped = subprocess.run(  # noqa: S603 - this interpreter, this code
        [sys.executable, "-c", _TERMINATED_MIDWAY.replace("{signal}", name), *argv],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert (stopped.returncode, stopped.stderr) == (code, "")
    assert [p.name for p in (tmp_path / "public").iterdir()] == []
    assert main(argv) == 0
    assert (tmp_path / "public" / "lets-meet.ics").is_file()


def test_a_config_piped_in_by_the_shell_is_read(tmp_path: Path) -> None:
    """`... | airdates check -c /dev/stdin`: a pipe with a writer and an end is not a named pipe."""
    config = (
        '[site]\ntitle = "T"\nbase_url = "https://feeds.example.org/"\n'
        '[[shows]]\nid = "s"\ntitle = "S"\nduration = "30 minutes"\n'
        '[[shows.airs]]\nrule = "daily at 18:00"\nfrom = 2026-01-01\n'
    )
    command = AIRDATES
    done = subprocess.run(  # noqa: S603 - the installed command
        [command, "check", "-c", "/dev/stdin", "--now", "2026-01-10T12:00"],
        input=config, capture_output=True, text=True, timeout=30, check=False, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("/dev/stdin: ok, 1 shows")


def test_a_config_piped_in_by_the_shell_publishes(tmp_path: Path) -> None:
    """`... | airdates publish -c /dev/stdin`: read once, published, and the same on a second run.

    The config used to be read a second time for the inputs' fingerprint: the
    pipe was empty by then, and every run failed with "site: missing".
    """
    config = (
        f'[site]\ntitle = "T"\nbase_url = "https://feeds.example.org/"\n'
        f'output = "{tmp_path / "public"}"\nstate = "{tmp_path / "state"}"\n'
        '[[shows]]\nid = "s"\ntitle = "S"\nduration = "30 minutes"\n'
        '[[shows.airs]]\nrule = "daily at 18:00"\nfrom = 2026-01-01\n'
    )
    command = AIRDATES
    argv = [command, "publish", "-c", "/dev/stdin", "--now", "2026-01-10T12:00"]
    first, again = (
        subprocess.run(  # noqa: S603 - the installed command
            argv, input=config, capture_output=True, text=True, timeout=30, check=False
        )
        for _ in range(2)
    )
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout.startswith("13 files: 13 written, 0 unchanged;")
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout.startswith("13 files: 0 written, 13 unchanged;")
    calendar = icalendar.Calendar.from_ical((tmp_path / "public" / "s.ics").read_bytes())
    assert len(calendar.walk("VEVENT")) > 0


def test_a_piped_config_s_relative_folders_are_in_the_current_folder(tmp_path: Path) -> None:
    """`cat airdates.toml | airdates publish -c /dev/stdin` writes where the command runs.

    A pipe's folder is /dev: the output and the state folder went there, onto
    a file system a reboot empties, and every SEQUENCE with it.
    """
    config = (
        '[site]\ntitle = "T"\nbase_url = "https://feeds.example.org/"\n'
        'output = "piped-public"\nstate = "piped-state"\n'
        '[[shows]]\nid = "s"\ntitle = "S"\nduration = "30 minutes"\nepisodes_file = "eps.csv"\n'
        '[[shows.airs]]\nrule = "daily at 18:00"\nfrom = 2026-01-01\n'
    )
    (tmp_path / "eps.csv").write_text("number,title\n3,From the spreadsheet\n")
    command = AIRDATES
    done = subprocess.run(  # noqa: S603 - the installed command
        [command, "publish", "-c", "/dev/stdin", "--now", "2026-01-10T12:00"],
        input=config, capture_output=True, text=True, timeout=30, check=False, cwd=tmp_path,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert (tmp_path / "piped-state" / "state.sqlite").is_file()
    assert "From the spreadsheet" in (tmp_path / "piped-public" / "s.ics").read_text()
    assert not Path("/dev/piped-public").exists()
    assert not Path("/dev/piped-state").exists()


def test_a_config_redirected_from_a_file_takes_its_paths_from_that_file(tmp_path: Path) -> None:
    """`airdates publish -c /dev/stdin < site/airdates.toml`: the file's folder, as with -c."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "airdates.toml").write_text(
        '[site]\ntitle = "T"\nbase_url = "https://feeds.example.org/"\n'
        '[[shows]]\nid = "s"\ntitle = "S"\nduration = "30 minutes"\nepisodes_file = "eps.csv"\n'
        '[[shows.airs]]\nrule = "daily at 18:00"\nfrom = 2026-01-01\n'
    )
    (site / "eps.csv").write_text("number,title\n3,From the spreadsheet\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = AIRDATES
    with (site / "airdates.toml").open() as config:
        done = subprocess.run(  # noqa: S603 - the installed command
            [command, "publish", "-c", "/dev/stdin", "--now", "2026-01-10T12:00"],
            stdin=config, capture_output=True, text=True, timeout=30, check=False, cwd=elsewhere,
        )
    assert (done.returncode, done.stderr) == (0, "")
    assert "From the spreadsheet" in (site / "public" / "s.ics").read_text()
    assert (site / ".airdates" / "state.sqlite").is_file()
    assert list(elsewhere.iterdir()) == []


def test_a_config_kept_in_dev_shm_takes_its_paths_from_its_folder(tmp_path: Path) -> None:
    """A file in /dev/shm (a memory file system) is a file like any other, not the shell's."""
    if not Path("/dev/shm").is_dir():
        pytest.skip("no /dev/shm here")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as kept:
        config = Path(kept) / "airdates.toml"
        config.write_text(
            '[site]\ntitle = "T"\nbase_url = "https://feeds.example.org/"\n'
            f'output = "{tmp_path / "public"}"\nstate = "{tmp_path / "state"}"\n'
            '[[shows]]\nid = "s"\ntitle = "S"\nduration = "30 minutes"\n'
            'episodes_file = "eps.csv"\n'
            '[[shows.airs]]\nrule = "daily at 18:00"\nfrom = 2026-01-01\n'
        )
        (Path(kept) / "eps.csv").write_text("number,title\n3,From the spreadsheet\n")
        assert main(["publish", "-c", str(config), "--now", "2026-01-10T12:00"]) == 0
    assert "From the spreadsheet" in (tmp_path / "public" / "s.ics").read_text()


def test_an_output_holding_a_state_folder_with_a_newline_is_named_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state folder's name is quoted as Python writes it: a newline in it stays "\\n"."""
    config = copy_example(tmp_path)
    config.write_text(config.read_text().replace('state = ".airdates"', 'state = "st\\nate"'))
    monkeypatch.chdir(tmp_path)
    argv = ["publish", "-c", "airdates.toml", "--output", ".", "--now", "2026-01-10T12:00"]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "st\\nate'" in err


def test_an_overlap_in_a_fall_back_nights_repeated_hour_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """00:50 for 90 minutes ends at 01:20 EST, after 01:30 EDT: the two clash on 1 November.

    Compared by wall clock (as Python compares two times of one zone), 01:30 came after 01:20.
    """
    config = _small_site(
        tmp_path,
        "America/New_York",
        '[[channels]]\nid = "one"\nname = "One"\n'
        '[[shows]]\nid = "movie"\ntitle = "Late Movie"\nchannel = "one"\nduration = "90 minutes"\n'
        '[[shows.airs]]\nrule = "every Sunday at 00:50"\nfrom = 2026-11-01\nuntil = 2026-11-01\n'
        '[[shows]]\nid = "news"\ntitle = "News"\nchannel = "one"\nduration = "30 minutes"\n'
        '[[shows.airs]]\nrule = "every Sunday at 01:30"\nfrom = 2026-11-01\nuntil = 2026-11-01\n',
    )
    code, _, err = run(["check", "-c", str(config), "--now", "2026-10-20T00:00"], capsys)
    assert code == 0
    assert err == (
        "airdates: warning: channels[one]: news/20261101T053000Z (2026-11-01 01:30 Sun) overlaps"
        " movie/20261101T045000Z (2026-11-01 00:50 Sun, until 01:20)\n"
    )


def test_upcoming_days_are_days_on_the_sites_clock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """14 days from 1 March in New York end at midnight on the 15th, across the spring change."""
    config = _small_site(
        tmp_path,
        "America/New_York",
        '[[shows]]\nid = "s"\ntitle = "S"\nduration = "15 minutes"\n'
        '[[shows.airs]]\nrule = "daily at 00:30"\nfrom = 2026-02-01\n',
    )
    code, out, _ = run(
        ["upcoming", "-c", str(config), "--from", "2026-03-01T00:00", "--days", "14", "--json"],
        capsys,
    )
    assert code == 0
    starts = [airing["start"] for airing in json.loads(out)]
    assert (starts[0], starts[-1], len(starts)) == (
        "2026-03-01T00:30:00-05:00", "2026-03-14T00:30:00-04:00", 14
    )


def test_an_interval_long_running_or_daily_is_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same rules a year on, and a daily interval (counted from `from` itself): no warning."""
    config = _small_site(
        tmp_path, "UTC",
        INTERVAL_RULES.format(monday_from="2026-01-01", monthly_from="2026-01-10")
        + '[[shows.airs]]\nrrule = "FREQ=DAILY;INTERVAL=2;BYDAY=MO,WE,FR;BYHOUR=6;BYMINUTE=0"\n'
        "from = 2026-01-06\n",
    )
    code, _, err = run(["check", "-c", str(config), "--now", "2027-01-01T00:00"], capsys)
    assert (code, err) == (0, "")
    code, _, err = run(["check", "-c", str(config), "--now", "2026-01-01T00:00"], capsys)
    assert code == 0
    assert "airs[3]" not in err
    assert err.count("warning") == 2
