"""README's table of every config key against the keys airdates reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schedule.config import load_config
from schedule.errors import ConfigErrors

README = Path(__file__).parent.parent / "README.md"

# A config with an unknown key "zzz" in every table: each error lists the table's keys.
EVERY_TABLE = """\
[site]
title = "T"
base_url = "https://example.org/"
zzz = 1
[[channels]]
id = "c"
name = "C"
zzz = 1
[[shows]]
id = "s"
title = "S"
duration = "1 hour"
zzz = 1
[shows.numbering]
episode = 1
at = 2026-01-03T18:00:00
zzz = 1
[[shows.airs]]
rule = "daily at 18:00"
from = 2026-01-01
zzz = 1
[[shows.seasons]]
number = 1
from = 2026-01-01
zzz = 1
[[shows.episodes]]
number = 1
zzz = 1
[[shows.changes]]
at = 2026-01-05T18:00:00
cancel = true
zzz = 1
[[shows.extras]]
at = 2026-01-05T20:00:00
zzz = 1
"""

# Each table's README row, by the key path of its unknown key.
TABLES = {
    "site": "[site]",
    "channels[c]": "[[channels]]",
    "shows[s]": "[[shows]]",
    "shows[s].numbering": "[shows.numbering]",
    "shows[s].airs[0]": "[[shows.airs]]",
    "shows[s].seasons[0]": "[[shows.seasons]]",
    "shows[s].episodes[0]": "[[shows.episodes]]",
    "shows[s].changes[0]": "[[shows.changes]]",
    "shows[s].extras[0]": "[[shows.extras]]",
}


def _known_keys(tmp_path: Path) -> dict[str, set[str]]:
    """Return the keys airdates reads in each table, from its unknown-key errors."""
    config = tmp_path / "airdates.toml"
    config.write_text(EVERY_TABLE, encoding="utf-8")
    with pytest.raises(ConfigErrors) as caught:
        load_config(str(config))
    known = {}
    for error in caught.value.errors:
        table = error.key.removesuffix(".zzz")
        listed = re.search(r"known keys: ([^)]*)", error.hint or "")
        assert listed, error.describe()
        known[table] = set(listed.group(1).split(", "))
    return known


def _readme_rows() -> dict[str, set[str]]:
    """Return the keys README's key table names for each table."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\| `(\[[^`]+\])` \| (.*) \|", line)
        if match:
            rows[match.group(1)] = set(re.findall(r"`([a-z_]+)`", match.group(2)))
    return rows


def test_readme_names_every_key_of_every_table(tmp_path: Path) -> None:
    """README's key table holds every key airdates reads, table by table."""
    known, rows = _known_keys(tmp_path), _readme_rows()
    assert set(known) == set(TABLES)
    for table, header in TABLES.items():
        assert header in rows, f"README has no row for {header}"
        assert known[table] <= rows[header], (header, known[table] - rows[header])
