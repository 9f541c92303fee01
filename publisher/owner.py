"""Which config a state folder belongs to.

Two configs in one folder, both with the default ``state`` and ``output``,
share one state folder. Each publish then took the other config's shows
for shows taken off the schedule: it deleted their files, and logged them
"taken off" and "back on the schedule" by turns, with every cron run exiting
0. The state folder now records the config that publishes with it (the
``owner`` file: the real paths of the config and of the state folder), and a
publish of another config is refused while that config still exists.

Not refused: the same config reached by another path (paths are resolved),
a config renamed or moved (the recorded one is gone), and a project folder
copied whole (the copy's state folder is another folder: the record names
the original's).
"""

from __future__ import annotations

import os
from pathlib import Path

from publisher import files
from schedule.errors import ConfigError, OutputError

__all__ = ["OWNER", "claim"]

OWNER = "owner"


def claim(state: Path, config: str, *, record: bool = True) -> None:
    """Make ``state`` the state folder of ``config``; ConfigError if another config holds it.

    With ``record`` false (a dry run) nothing is written.
    """
    if not os.path.isfile(config):
        return  # the shell's pipe (-c /dev/stdin): no path to know it by
    mine = os.fsencode(os.path.realpath(config)) + b"\0" + os.fsencode(os.path.realpath(state))
    path = state / OWNER
    try:
        recorded = path.read_bytes()
    except FileNotFoundError:
        recorded = b""
    except OSError as error:
        msg = f"{path}: cannot read: {error.strerror or error}"
        raise OutputError(msg, path=str(path)) from None
    if recorded == mine:
        return
    other, _, folder = recorded.partition(b"\0")
    if other and folder == mine.partition(b"\0")[2] and os.path.isfile(other):
        theirs = os.fsdecode(other)
        msg = f"the state folder {state} holds the publishes of another config, {theirs}"
        raise ConfigError(
            msg,
            file=config,
            key="site.state",
            hint='give each config its own state and output folders, e.g. state = ".airdates-b" '
            'and output = "public-b"; if this config replaces that one, delete or rename that one',
        )
    if record:
        staged = files.stage(path, mine, 0o600)
        files.swap_in(staged)
