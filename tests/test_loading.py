"""Validation that needs the expanded schedule: every change and episode entry finds its airing."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.cli import main
from schedule.errors import ConfigErrors
from schedule.loading import load_site
from tests.test_config_errors import VALID


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
