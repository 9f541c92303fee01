"""Regression: airings in the repeated hour of a fall-back night are not 'moved' on every republish."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from publisher.cli import main

CONFIG = """\
[site]
title = "Night owls"
base_url = "https://feeds.example.org/owls/"
timezone = "America/New_York"

[[channels]]
id = "owl"
name = "Owl TV"

[[shows]]
id = "late"
title = "Late"
channel = "owl"
duration = "20 minutes"

[[shows.airs]]
rule = "daily at 01:30"
from = 2026-10-01
"""


def test_republishing_a_fall_back_airing_logs_no_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full republish with nothing changed records no change for the 01:30 airing of 1 November."""
    monkeypatch.setenv("AIRDATES_NO_SHORTCUT", "1")  # force the full path both times
    config = tmp_path / "airdates.toml"
    config.write_text(CONFIG, encoding="utf-8")
    for now in ("2026-10-20T12:00", "2026-10-20T12:05"):
        assert main(["publish", "-c", str(config), "--now", now]) == 0
    with sqlite3.connect(tmp_path / ".airdates" / "state.sqlite") as db:
        changes = db.execute("SELECT kind, text FROM changes").fetchall()
    assert changes == []
