"""The example systemd units in examples/systemd are valid and their command publishes."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = Path(__file__).parent.parent / "examples" / "systemd"
EXAMPLE = Path(__file__).parent.parent / "examples" / "lets-meet"


def installed_units(tmp_path: Path) -> tuple[Path, Path]:
    """Copy the units into ``tmp_path`` with their paths pointed at this checkout and a test folder."""
    work = tmp_path / "srv"
    work.mkdir()
    for name in ("airdates.toml", "lets-meet-episodes.csv"):
        shutil.copy(EXAMPLE / name, work / name)
    command = Path(sys.executable).parent / "airdates"
    units = tmp_path / "units"
    units.mkdir()
    for unit in UNITS.iterdir():
        text = unit.read_text(encoding="utf-8")
        text = text.replace("/opt/airdates/.venv/bin/airdates", str(command)).replace("/srv/airdates", str(work))
        # The test user may not exist here; everything else stays as shipped.
        text = "\n".join(line for line in text.splitlines() if not line.startswith("User="))
        (units / unit.name).write_text(text + "\n", encoding="utf-8")
    return units / "airdates-publish.service", work


def service_section(path: Path) -> configparser.SectionProxy:
    """Return the [Service] section of a unit file."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Service"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """`systemd-analyze verify` finds nothing wrong with the service and its timer."""
    service, _ = installed_units(tmp_path)
    timer = service.with_suffix(".timer")
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(service), str(timer)],
        capture_output=True, text=True, check=False,
    )
    problems = [line for line in result.stderr.splitlines() if service.name in line or timer.name in line]
    assert result.returncode == 0, result.stderr
    assert problems == []


def test_the_service_command_publishes(tmp_path: Path) -> None:
    """The service's ExecStart, run as written, publishes the example and exits 0; exit 3 counts as success."""
    service, work = installed_units(tmp_path)
    section = service_section(service)
    argv = shlex.split(section["ExecStart"])
    result = subprocess.run([*argv, "--now", "2026-01-03T19:00"], cwd=section["WorkingDirectory"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (work / "public" / "lets-meet.ics").is_file()
    assert "3" in section["SuccessExitStatus"].split()
