"""Golden files: rendered bytes compared with reviewed files, a unified diff on failure."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).parent / "golden"


def assert_golden(path: Path, rendered: bytes) -> None:
    """Fail with a diff unless ``rendered`` equals the file; AIRDATES_UPDATE_GOLDEN=1 rewrites it."""
    if os.environ.get("AIRDATES_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rendered)
    stored = path.read_bytes() if path.exists() else b""
    if rendered != stored:
        diff = difflib.unified_diff(
            stored.decode().splitlines(keepends=True),
            rendered.decode().splitlines(keepends=True),
            fromfile=str(path),
            tofile="rendered",
        )
        pytest.fail(f"{path.name} differs from its golden file (AIRDATES_UPDATE_GOLDEN=1 rewrites it):\n"
                    + "".join(diff))
