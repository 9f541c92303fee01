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


def test_a_dry_run_of_another_config_previews_it_and_claims_nothing(tmp_path: Path) -> None:
    """Trying a replacement config against the live state: it writes nothing, so it may."""
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(VALID)
    second.write_text(OTHER)
    assert publish(first) == (0, "")
    record = (tmp_path / ".airdates" / OWNER).read_bytes()
    assert publish(second, "--dry-run") == (0, "")
    assert (tmp_path / ".airdates" / OWNER).read_bytes() == record
    assert publish(first) == (0, "")


def test_a_release_link_moved_to_a_new_release_is_the_same_config(tmp_path: Path) -> None:
    """``current -> releases/r1``, then ``-> r2``, one shared state: a deploy, not a clash."""
    state = tmp_path / "shared-state"
    for release in ("r1", "r2"):
        folder = tmp_path / "releases" / release
        folder.mkdir(parents=True)
        (folder / "airdates.toml").write_text(
            VALID.replace("[[channels]]", f'state = "{state}"\n[[channels]]', 1)
        )
    current = tmp_path / "current"
    current.symlink_to(tmp_path / "releases" / "r1")
    assert publish(current / "airdates.toml") == (0, "")
    current.unlink()
    current.symlink_to(tmp_path / "releases" / "r2")
    assert publish(current / "airdates.toml") == (0, "")
    # The old release's config, named by its own path, is another config now.
    assert publish(tmp_path / "releases" / "r1" / "airdates.toml")[0] == 1


def test_a_config_that_is_a_link_switched_to_another_file_is_the_same_config(
    tmp_path: Path,
) -> None:
    """``airdates.toml -> configs/v1.toml``, then ``-> configs/v2.toml``: the cron line's file."""
    (tmp_path / "configs").mkdir()
    for version in ("v1", "v2"):
        (tmp_path / "configs" / f"{version}.toml").write_text(VALID)
    config = tmp_path / "airdates.toml"
    config.symlink_to(tmp_path / "configs" / "v1.toml")
    assert publish(config) == (0, "")
    config.unlink()
    config.symlink_to(tmp_path / "configs" / "v2.toml")
    assert publish(config) == (0, "")


def test_a_renamed_config_takes_its_state_folder_over(tmp_path: Path) -> None:
    """A config renamed (its old name gone) goes on with its state folder, and owns it."""
    first = tmp_path / "a.toml"
    first.write_text(VALID)
    assert publish(first) == (0, "")
    renamed = first.rename(tmp_path / "airdates.toml")
    assert publish(renamed) == (0, "")
    # And is its owner from then on: the old name back, as another file, is the other config.
    first.write_text(OTHER)
    assert publish(first)[0] == 1


def test_a_project_folder_copied_whole_publishes_from_its_copy(tmp_path: Path) -> None:
    """The copy has its own state folder: both the copy and the original publish."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "airdates.toml").write_text(VALID)
    assert publish(project / "airdates.toml") == (0, "")
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    assert publish(copy / "airdates.toml") == (0, "")
    assert publish(project / "airdates.toml") == (0, "")


def test_the_same_config_by_another_path_is_the_same_config(tmp_path: Path) -> None:
    """Reached through a link to its folder, a config is still itself."""
    (tmp_path / "real").mkdir()
    config = tmp_path / "real" / "airdates.toml"
    config.write_text(VALID)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert publish(config) == (0, "")
    assert publish(tmp_path / "link" / "airdates.toml") == (0, "")


def test_the_record_is_written_once_and_not_by_a_dry_run(tmp_path: Path) -> None:
    """A dry run writes no record; a publish writes it once, and later ones leave it."""
    config = tmp_path / "airdates.toml"
    config.write_text(VALID)
    assert publish(config, "--dry-run") == (0, "")
    assert not (tmp_path / ".airdates" / OWNER).exists()
    assert publish(config) == (0, "")
    record = tmp_path / ".airdates" / OWNER
    stamp = record.stat().st_mtime_ns, record.stat().st_ino
    assert publish(config, now="2026-01-11T12:00:00+08:00") == (0, "")
    assert (record.stat().st_mtime_ns, record.stat().st_ino) == stamp
