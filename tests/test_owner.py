"""A state folder belongs to one config: a second config sharing it is refused, not obeyed.

Two configs side by side with the default ``state`` and ``output`` used to
delete each other's files on every run, exit 0, and fill the change log with
shows taken off and put back.
"""

from __future__ import annotations

import io
import shutil
from typing import TYPE_CHECKING

from publisher.cli import main
from publisher.owner import OWNER
from tests.test_config_errors import VALID

if TYPE_CHECKING:
    from pathlib import Path

NOW = "2026-01-10T12:00:00+08:00"
OTHER = VALID.replace('id = "lets-meet"', 'id = "dialogue"').replace("Let's Meet", "Dialogue")


def publish(config: Path, *extra: str, now: str = NOW) -> tuple[int, str]:
    """Run ``airdates publish`` on ``config``; return the exit code and stderr."""
    err = io.StringIO()
    argv = ["publish", "-c", str(config), "--now", now, *extra]
    code = main(argv, stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


def outputs(folder: Path) -> dict[str, bytes]:
    """Return every file of an output folder by name."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_second_config_sharing_the_state_folder_is_refused(tmp_path: Path) -> None:
    """Exit 1, one line naming the key, the other config and the way out; nothing touched."""
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(VALID)
    second.write_text(OTHER)
    assert publish(first) == (0, "")
    before = outputs(tmp_path / "public")
    assert "lets-meet.ics" in before
    code, err = publish(second)
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith(f"airdates: {second}: site.state: the state folder ")
    assert f"holds the publishes of another config, {first}" in err
    assert "give each config its own state and output folders" in err
    assert outputs(tmp_path / "public") == before
    # Given folders of its own, it publishes; the first config goes on as before.
    second.write_text(OTHER.replace("[[channels]]", 'state = "b-state"\noutput = "b-public"\n'
                                    "[[channels]]", 1))
    assert publish(second) == (0, "")
    assert "dialogue.ics" in outputs(tmp_path / "b-public")
    assert publish(first) == (0, "")
    assert outputs(tmp_path / "public") == before


def test_a_dry_run_of_the_second_config_is_refused_too(tmp_path: Path) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(VALID)
    second.write_text(OTHER)
    assert publish(first) == (0, "")
    assert publish(second, "--dry-run")[0] == 1


def test_a_renamed_config_takes_its_state_folder_over(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    first.write_text(VALID)
    assert publish(first) == (0, "")
    renamed = first.rename(tmp_path / "airdates.toml")
    assert publish(renamed) == (0, "")
    # And is its owner from then on: the old name back, as another file, is the other config.
    first.write_text(OTHER)
    assert publish(first)[0] == 1


def test_a_project_folder_copied_whole_publishes_from_its_copy(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "airdates.toml").write_text(VALID)
    assert publish(project / "airdates.toml") == (0, "")
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    assert publish(copy / "airdates.toml") == (0, "")
    assert publish(project / "airdates.toml") == (0, "")


def test_the_same_config_by_another_path_is_the_same_config(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    config = tmp_path / "real" / "airdates.toml"
    config.write_text(VALID)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert publish(config) == (0, "")
    assert publish(tmp_path / "link" / "airdates.toml") == (0, "")


def test_the_record_is_written_once_and_not_by_a_dry_run(tmp_path: Path) -> None:
    config = tmp_path / "airdates.toml"
    config.write_text(VALID)
    assert publish(config, "--dry-run") == (0, "")
    assert not (tmp_path / ".airdates" / OWNER).exists()
    assert publish(config) == (0, "")
    record = tmp_path / ".airdates" / OWNER
    stamp = record.stat().st_mtime_ns, record.stat().st_ino
    assert publish(config, now="2026-01-11T12:00:00+08:00") == (0, "")
    assert (record.stat().st_mtime_ns, record.stat().st_ino) == stamp
