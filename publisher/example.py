"""``airdates init``: the bundled Let's Meet example, written out to start from."""

from __future__ import annotations

import errno
import os
from importlib import resources
from pathlib import Path

from schedule.errors import OutputError

__all__ = ["ExampleExists", "write_example"]

_PACKAGE = "publisher.example_files"


class ExampleExists(Exception):  # noqa: N818 - not a failure to write: a refusal to overwrite
    """A file of the example is already in the folder; ``path`` is the first found."""

    def __init__(self, path: Path) -> None:
        """Name the file found."""
        self.path = path
        super().__init__(str(path))


def write_example(folder: Path) -> Path:
    """Write the example config and its episode list into ``folder``; return the config's path.

    Nothing is overwritten: ExampleExists when any of the files is there
    already (a spreadsheet of the user's own, say), before anything is
    written. OutputError when the folder cannot be made or written to.
    """
    bundled = resources.files(_PACKAGE).iterdir()
    items = sorted(
        (item for item in bundled if item.name.endswith((".toml", ".csv"))),
        key=lambda item: item.name,
    )
    for item in items:
        if (folder / item.name).exists() or (folder / item.name).is_symlink():
            raise ExampleExists(folder / item.name)
    try:
        if folder.exists() and not folder.is_dir():  # mkdir would say "exists": it is no folder
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        for item in items:
            with (folder / item.name).open("xb") as file:  # "x": never another's file, even now
                file.write(item.read_bytes())
    except FileExistsError as error:
        raise ExampleExists(Path(error.filename or folder)) from error
    except OSError as error:
        reason = error.strerror or str(error)
        where = error.filename if error.filename is not None else folder
        msg = f"cannot write the example to {where}: {reason}"
        raise OutputError(msg, path=str(where)) from error
    return folder / "airdates.toml"
