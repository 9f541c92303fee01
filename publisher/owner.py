"""Which config a state folder belongs to.

Two configs in one folder, both with the default ``state`` and ``output``,
share one state folder. Each publish then took the other config's shows
for shows taken off the schedule: it deleted their files, and logged them
"taken off" and "back on the schedule" by turns, with every cron run exiting
0. The state folder now records the config that publishes with it (the
``owner`` file: the config's absolute path as given and as resolved, and
the state folder's real path), and a publish of another config is refused
while that config still exists.

Not refused: the same config by its path as given (a ``current`` link moved
to a new release, a config that is a link switched to another file) or by
where it resolves to (reached through a link to its folder), a config
renamed or moved (the recorded one is gone), a project folder copied whole
(the copy's state folder is another folder: the record names the
original's), and a dry run (a preview of another config against the
state: it writes nothing).
"""

from __future__ import annotations

import os
from pathlib import Path

from publisher import files
from schedule.errors import ConfigError, OutputError

__all__ = ["OWNER", "claim"]

OWNER = "owner"


def claim(state: Path, config: str) -> None:
    """Make ``state`` the state folder of ``config``; ConfigError if another config holds it."""
    if not os.path.isfile(config):
        return  # the shell's pipe (-c /dev/stdin): no path to know it by
    given = os.fsencode(os.path.abspath(config))  # noqa: PTH100 - as given: links kept
    real = os.fsencode(os.path.realpath(config))
    folder = os.fsencode(os.path.realpath(state))
    path = state / OWNER
    try:
        recorded = path.read_bytes().split(b"\0")
    except FileNotFoundError:
        recorded = []
    except OSError as error:
        msg = f"{path}: cannot read: {error.strerror or error}"
        raise OutputError(msg, path=str(path)) from None
    mine = [given, real, folder]
    if recorded == mine:
        return
    if len(recorded) == len(mine):
        their_given, their_real, their_folder = recorded
        if their_folder == folder and given != their_given and real != their_real and any(
            os.path.isfile(other) for other in (their_given, their_real)
        ):
            raise _taken(state, config, os.fsdecode(their_given))
    files.put(path, b"\0".join(mine))  # not synced: lost in a power cut, written again


def _taken(state: Path, config: str, other: str) -> ConfigError:
    return ConfigError(
        f"the state folder {state} holds the publishes of another config, {other}",
        file=config,
        key="site.state",
        hint='give each config its own state and output folders, e.g. state = ".airdates-b" '
        'and output = "public-b"; if this config replaces that one, delete or rename that one',
    )
