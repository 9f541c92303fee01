"""``airdates init``: the bundled Let's Meet example, written out to start from."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["write_example"]

_PACKAGE = "publisher.example_files"


def write_example(folder: Path) -> Path | None:
    """Write the example config (and its episode list) into ``folder``.

    Returns the config's path, or None when ``folder`` already has an
    ``airdates.toml`` (nothing is overwritten).
    """
    config = folder / "airdates.toml"
    if config.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    for item in sorted(resources.files(_PACKAGE).iterdir(), key=lambda i: i.name):
        if item.name.endswith((".toml", ".csv")):
            (folder / item.name).write_bytes(item.read_bytes())
    return config
