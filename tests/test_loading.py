"""Validation that needs the expanded schedule: every change and episode entry finds its airing."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from publisher.cli import main
from schedule.errors import ConfigErrors
from schedule.loading import find_episode, load_site
from schedule.plan import Plan, Segment
from tests.test_config_errors import VALID

EXAMPLE = Path(__file__).parent.parent / "examples" / "lets-meet" / "airdates.toml"


def write(folder: Path, extra: str, name: str = "airdates.toml") -> str:
    """Write the valid base config plus ``extra`` and return its path."""
    path = folder / name
    path.write_text(VALID + extra, encoding="utf-8")
    return str(path)


def problems(path: str) -> list:
    """Return the errors loading ``path`` raises."""
    with pytest.raises(ConfigErrors) as caught:
        load_site(path)
    return list(caught.value.errors)


CASES = {
    "change at no airing": (
        "[[shows.changes]]\nat = 2026-02-17T18:00:00\ncancel = true\n",
        "shows[lets-meet].changes[0].at",
        "nearest airing: 2026-02-18 18:00 Wed",
    ),
    "change for no such episode": (
        "[shows.numbering]\nepisode = 10\nat = 2025-01-04T18:00:00\n"
        "[[shows.changes]]\nepisode = 3\ncancel = true\n",
        "shows[lets-meet].changes[0].episode",
        "check the number",
    ),
    "move onto another airing": (
        "[[shows.changes]]\nat = 2026-02-18T18:00:00\nmove_to = 2026-02-21T18:00:00\n",
        "shows[lets-meet].changes[0].move_to",
        "pick another time",
    ),
    "two moves onto one start": (  # both aired at once, silently
        "[[shows.changes]]\nat = 2026-01-07T18:00:00\nmove_to = 2026-01-08T18:00:00\n"
        "[[shows.changes]]\nat = 2026-01-10T18:00:00\nmove_to = 2026-01-08T18:00:00\n",
        "shows[lets-meet].changes[1].move_to",
        "the start changes[0] moves an airing to (2026-01-08 18:00 Thu)",
    ),
    "two moves onto one start, one into the spring-forward gap": (
        '[[shows]]\nid = "ny"\ntitle = "NY"\ntimezone = "America/New_York"\n'
        'duration = "30 minutes"\n[[shows.airs]]\nrule = "every Saturday at 20:00"\n'
        "from = 2026-01-01\n"
        "[[shows.changes]]\nat = 2026-03-07T20:00:00\nmove_to = 2026-03-08T03:30:00\n"
        "[[shows.changes]]\nat = 2026-03-14T20:00:00\nmove_to = 2026-03-08T02:30:00\n",
        "shows[ny].changes[1].move_to",
        "which the clock change makes 03:30",
    ),
    "move_to before the year 1 in UTC": (  # Shanghai is ahead of UTC: every run exited 2
        "[[shows.changes]]\nat = 2026-01-07T18:00:00\nmove_to = 0001-01-01T00:10:00\n",
        "shows[lets-meet].changes[0].move_to",
        "falls outside the years 1 to 9999 in UTC",
    ),
    "extra before the year 1 in UTC": (
        '[[shows.extras]]\nat = 0001-01-01T01:00:00\ntitle = "First"\n',
        "shows[lets-meet].extras[0].at",
        "falls outside the years 1 to 9999 in UTC",
    ),
    "anchor at no airing": (
        "[shows.numbering]\nepisode = 173\nat = 2026-01-02T18:00:00\n",
        "shows[lets-meet].numbering.at",
        "nearest airing: 2026-01-03 18:00 Sat",
    ),
    "anchor on a cancelled airing": (
        "[shows.numbering]\nepisode = 173\nat = 2026-01-03T18:00:00\n"
        "[[shows.changes]]\nat = 2026-01-03T18:00:00\ncancel = true\n",
        "shows[lets-meet].numbering.at",
        "anchor the numbering on a premiere",
    ),
    "season anchored on an airing of another season": (
        "[[shows.seasons]]\nnumber = 2\nfrom = 2025-07-05\nepisode = 5\nat = 2025-01-01T18:00:00\n",
        "shows[lets-meet].seasons[0].at",
        "not in season 2, which starts on 2025-07-05",
    ),
    "two rules with a start in common": (  # the first listed took the slot, silently
        '[[shows.airs]]\nrule = "every Sunday at 10:00"\nfrom = 2026-01-01\nrerun = true\n'
        '[[shows.airs]]\nrule = "every Monday and Sunday at 10:00"\nfrom = 2025-12-01\n',
        "shows[lets-meet].airs[2]",
        "give the rules different days or times",
    ),
    "change by episode in a show with seasons, no season given": (  # hinted the number only
        "[[shows.seasons]]\nnumber = 1\nfrom = 2025-01-01\n"
        "[[shows.seasons]]\nnumber = 2\nfrom = 2025-06-01\n"
        "[[shows.changes]]\nepisode = 2\ncancel = true\n",
        "shows[lets-meet].changes[0].episode",
        "episode 2 of which season? seasons 1 and 2 each have an episode 2",
    ),
    "show anchor in a season with its own": (  # the season's won, silently
        "[shows.numbering]\nepisode = 40\nat = 2025-07-05T18:00:00\n"
        "[[shows.seasons]]\nnumber = 2\nfrom = 2025-07-01\nepisode = 5\n"
        "at = 2025-07-09T18:00:00\n",
        "shows[lets-meet].numbering.at",
        "keep one anchor",
    ),
    "episode entry at no airing": (
        '[[shows.episodes]]\nat = 2026-01-05T18:00:00\ntitle = "x"\n',
        "shows[lets-meet].episodes[0].at",
        "nearest airing",
    ),
    "episode entry for a number before the first airing": (
        "[shows.numbering]\nepisode = 5\nat = 2025-01-01T18:00:00\n"
        '[[shows.episodes]]\nnumber = 1\ntitle = "x"\n',
        "shows[lets-meet].episodes[0].number",
        "check the number",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_entries_that_match_no_airing_are_errors(tmp_path: Path, name: str) -> None:
    """Each entry that finds no airing is an error naming its key path, with a hint."""
    extra, key, hint = CASES[name]
    path = write(tmp_path, extra)
    found = {e.key: e for e in problems(path)}
    assert key in found, list(found)
    assert hint in (found[key].hint or "") + found[key].message
    assert found[key].file == path


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_cli_reports_them_with_exit_1(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`airdates check` exits 1 and names the key path on one line, without a traceback."""
    extra, key, _ = CASES[name]
    assert main(["check", "-c", write(tmp_path, extra)]) == 1
    err = capsys.readouterr().err
    assert key in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("at", "shown"),
    [("2026-01-03T18:00:01", "18:00:01"), ("2026-01-03T18:00:00.5", "18:00:00.500000")],
)
def test_a_time_off_by_seconds_shows_its_seconds(tmp_path: Path, at: str, shown: str) -> None:
    """Else: "no airing starts at 2026-01-03 18:00 Sat (nearest airing: 2026-01-03 18:00 Sat)"."""
    [error] = problems(write(tmp_path, f"[shows.numbering]\nepisode = 3\nat = {at}\n"))
    assert error.message == f"no airing of this show starts at 2026-01-03 {shown} Sat"
    assert error.hint == "nearest airing: 2026-01-03 18:00 Sat"


def test_an_episode_past_the_search_says_how_far_it_looked(tmp_path: Path) -> None:
    """An open-ended show has an episode 200,000; airdates stops looking at 100,000 airings."""
    [error] = problems(write(tmp_path, "[[shows.changes]]\nepisode = 200000\ncancel = true\n"))
    assert error.key == "shows[lets-meet].changes[0].episode"
    assert error.message == (
        "no airing is episode 200000 within 100,000 airings of where its numbering starts"
    )


def test_an_episode_past_the_end_of_an_ended_show_is_plainly_none(tmp_path: Path) -> None:
    """A show that ended has no episode 200,000, whatever the search's reach: said plainly."""
    text = VALID.replace("from = 2025-01-01", "from = 2025-01-01\nuntil = 2025-12-31")
    path = tmp_path / "airdates.toml"
    path.write_text(text + "[[shows.changes]]\nepisode = 200000\ncancel = true\n")
    [error] = problems(str(path))
    assert error.message == "no airing is episode 200000"


def test_a_change_by_episode_is_found_by_its_number(tmp_path: Path) -> None:
    """A change given by `episode` comes back found by the airing's original start."""
    path = write(tmp_path, "[shows.numbering]\nepisode = 173\nat = 2026-01-03T18:00:00\n"
                           "[[shows.changes]]\nepisode = 174\ncancel = true\n")
    site, _ = load_site(path)
    [change] = site.shows[0].changes
    assert change.at is not None
    assert (change.at.year, change.at.month, change.at.day, change.at.hour) == (2026, 1, 7, 18)


def test_a_move_onto_a_cancelled_airing_is_allowed(tmp_path: Path) -> None:
    """Moving onto a slot that is itself cancelled is fine: only one airing is left there."""
    path = write(tmp_path, "[[shows.changes]]\nat = 2026-02-21T18:00:00\ncancel = true\n"
                           "[[shows.changes]]\nat = 2026-02-18T18:00:00\nmove_to = 2026-02-21T18:00:00\n")
    site, _ = load_site(path)
    assert len(site.shows[0].changes) == 2


def test_a_spreadsheet_row_no_airing_is_is_named_by_its_file_and_line(tmp_path: Path) -> None:
    """The row's file, line and the episodes_file key: not the config and an episodes[] entry."""
    (tmp_path / "eps.csv").write_text("number,title,season\n1,One,\n2,Two,2\n3,Three,\n")
    show = 'channel = "cqtv"\nepisodes_file = "eps.csv"'
    path = tmp_path / "airdates.toml"
    path.write_text(VALID.replace('channel = "cqtv"', show), encoding="utf-8")
    found = [(e.file, e.line, e.key, e.message) for e in problems(str(path))]
    assert found == [(
        str(tmp_path / "eps.csv"), 3, "shows[lets-meet].episodes_file",
        "row 3: no airing is episode 2 of season 2",
    )]


def test_rules_with_no_start_in_common_are_fine(tmp_path: Path) -> None:
    """Same time, other days; same days, other times; one rule ended before the other began."""
    extra = (
        '[[shows.airs]]\nrule = "every Tuesday at 6 PM"\nfrom = 2025-01-01\nrerun = true\n'
        '[[shows.airs]]\nrule = "every Wednesday at 9 PM"\nfrom = 2025-01-01\n'
        '[[shows.airs]]\nrule = "every Saturday at 6 PM"\nfrom = 2020-01-01\n'
        "until = 2024-12-31\n"
    )
    site, _ = load_site(write(tmp_path, extra))
    assert len(site.shows[0].airs) == 4


def test_errors_in_an_included_show_name_the_included_file(tmp_path: Path) -> None:
    """A change in an included file that finds no airing is reported against that file."""
    (tmp_path / "shows").mkdir()
    included = tmp_path / "shows" / "late.toml"
    included.write_text(
        '[[shows]]\nid = "late"\ntitle = "Late"\nchannel = "cqtv"\nduration = "1 hour"\n'
        '[[shows.airs]]\nrule = "daily at 23:00"\nfrom = 2025-01-01\n'
        "[[shows.changes]]\nat = 2025-02-01T22:00:00\ncancel = true\n",
        encoding="utf-8",
    )
    main_path = tmp_path / "airdates.toml"
    main_path.write_text(VALID.replace('timezone = "Asia/Shanghai"\n',
                                       'timezone = "Asia/Shanghai"\ninclude = ["shows/*.toml"]\n'), encoding="utf-8")
    [error] = problems(str(main_path))
    assert error.file == str(included)
    assert error.key == "shows[late].changes[0].at"


def _counted(plan: Plan) -> list[tuple[int | None, Segment, list[datetime]]]:
    """List every numbered airing of each season up to 2400 (or the show's last possible day)."""
    ends = [datetime(2400, 1, 1)]  # noqa: DTZ001 - a plan counts in the show's wall-clock time
    if all(rec.last is not None for rec in plan.show.airs):
        ends.append(max(
            [datetime.combine(rec.last, time()) + timedelta(days=1) for rec in plan.show.airs]
            + [extra.at + timedelta(days=1) for extra in plan.show.extras]
        ))
    counted = []
    for segment in plan.segments:
        stop = min([*(s.lo for s in plan.segments if s.lo > segment.lo), *ends])
        starts = plan.numbered_starts(max(segment.lo, plan.earliest), stop)
        counted.append((segment.season, segment, starts))
    return counted


def _episode_by_counting(
    counted: list[tuple[int | None, Segment, list[datetime]]], season: int | None, number: int
) -> datetime | None:
    """Find an episode by counting along its season's numbered airings from its anchor."""
    for segment_season, segment, starts in counted:
        if season is not None and segment_season != season:
            continue
        if segment.anchor is not None:
            index = starts.index(segment.anchor.at) + number - segment.anchor.episode
        else:
            index = number - 1
        if 0 <= index < len(starts):
            return starts[index]
    return None


def test_episodes_are_found_by_number_in_any_order_of_lookups() -> None:
    """Each episode number leads to the airing counting gives, looked up in any order.

    A spreadsheet's rows are checked on shared walks (one per season and
    direction); the bundled example has a show numbered from an anchor, one
    with two seasons (one anchored mid-season, so some numbers lie behind the
    anchor) and one with extras; numbers run from before the first episode
    to far ahead.
    """
    site, _ = load_site(str(EXAMPLE))
    numbers = [*range(-2, 420), 2_000, 9_999]
    random.Random(7).shuffle(numbers)  # noqa: S311 - an order, not a secret
    found = 0
    for show in site.shows:
        plan = Plan(show)
        counted = _counted(plan)
        for season in {None, *(segment.season for segment in plan.segments)}:
            walks: dict = {}
            for number in numbers:
                expected = _episode_by_counting(counted, season, number)
                looked_up = find_episode(plan, season, number, any_season=True, walks=walks)
                assert looked_up == expected, (show.id, season, number)
                found += expected is not None
    assert found > 1_000


def test_a_numbered_rule_that_never_airs_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 30th of February every year: the walk to episode 3 ends with the calendar.

    That is the row looking for it, named, exit 1; not a usage error about --now.
    """
    never = VALID.replace(
        'rule = "every Wednesday and Saturday at 6 PM"',
        'rrule = "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30;BYHOUR=18"',
    ).replace("from = 2025-01-01", "from = 2025-02-01")
    path = tmp_path / "airdates.toml"
    path.write_text(never + "[[shows.episodes]]\nnumber = 3\ntitle = \"x\"\n", encoding="utf-8")
    found = {e.key: e for e in problems(str(path))}
    assert list(found) == ["shows[lets-meet].episodes[0].number"]
    assert "no airing is episode 3" in found["shows[lets-meet].episodes[0].number"].message
    assert main(["check", "-c", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--now" not in err


def test_a_move_into_a_spring_forward_gap_onto_the_airing_after_it_is_an_error(tmp_path: Path) -> None:
    """02:30 does not exist on 8 March 2026 in New York: it is 03:30, when the daily airing starts."""
    path = tmp_path / "airdates.toml"
    config = VALID.replace('timezone = "Asia/Shanghai"', 'timezone = "America/New_York"').replace(
        'rule = "every Wednesday and Saturday at 6 PM"', 'rule = "daily at 3:30 am"'
    )
    for target, moved_onto in (("2026-03-08T02:30:00", True), ("2026-03-09T02:30:00", False)):
        change = f"[[shows.changes]]\nat = 2026-03-07T03:30:00\nmove_to = {target}\n"
        path.write_text(config + change, encoding="utf-8")
        if not moved_onto:
            load_site(str(path))
            continue
        found = {e.key: e for e in problems(str(path))}
        error = found["shows[lets-meet].changes[0].move_to"]
        assert "which the clock change makes 03:30" in error.message


def test_an_episode_past_a_finished_rule_is_named_though_reruns_run_on(tmp_path: Path) -> None:
    """The premieres stop in March, reruns never do: looking for episode 40 ends with the calendar.

    That is "no airing is episode 40" on the change, not a run past the year 9999,
    and the show's other mistakes are still reported beside it.
    """
    config = VALID.replace("from = 2025-01-01", "from = 2025-01-01\nuntil = 2025-03-30") + (
        '[[shows.airs]]\nrule = "every Sunday at 9 PM"\nfrom = 2025-01-01\nrerun = true\n'
        "[shows.numbering]\nepisode = 1\nat = 2025-01-01T18:00:00\n"
        "[[shows.changes]]\nepisode = 40\ncancel = true\n"
        "[[shows.changes]]\nat = 2025-01-02T18:00:00\ncancel = true\n"
    )
    path = tmp_path / "airdates.toml"
    path.write_text(config, encoding="utf-8")
    found = {e.key: e for e in problems(str(path))}
    assert "no airing is episode 40" in found["shows[lets-meet].changes[0].episode"].message
    assert "shows[lets-meet].changes[1].at" in found
    assert "shows[lets-meet].airs" not in found
