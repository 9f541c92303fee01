"""One publish at a time: an advisory ``fcntl`` lock on a file in the state folder."""

from __future__ import annotations

import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from publisher.files import folder_error
from schedule.errors import LockTimeout, OutputError

__all__ = ["LOCK_NAME", "held"]

LOCK_NAME = "lock"

# Poll quickly at first (a short publish often ends within milliseconds), then back off.
_FIRST_PAUSE = 0.01
_LONGEST_PAUSE = 0.25


@contextmanager
def held(state: Path, wait: float) -> Iterator[bool]:
    """Hold the state folder's lock for the block, waiting up to ``wait`` seconds.

    Yields whether another process held it first (and may have published
    meanwhile). The kernel drops the lock when the process ends, however it
    ends, so a publish killed mid-way never leaves a stale lock behind.
    """
    fd = _open_lock_file(state)
    try:
        yield _acquire(fd, state, wait)
    finally:
        os.close(fd)


def _open_lock_file(state: Path) -> int:
    try:
        # Private whatever the umask: under 002 or 000 another user could put a
        # cache file in it that the next publish unpickles (code run as this user).
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        _unshared(state)
        return os.open(state / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except (FileExistsError, NotADirectoryError) as error:
        raise folder_error(state, error, "cannot make the state folder") from error
    except OSError as error:
        msg = f"{state}: cannot open the lock file: {error.strerror or error}"
        raise OutputError(msg, path=str(state / LOCK_NAME)) from error


def _unshared(state: Path) -> None:
    """Take group and others' write off a state folder of ours made under an earlier umask."""
    info = state.stat()
    shared = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if shared and info.st_uid == os.geteuid():
        state.chmod(stat.S_IMODE(info.st_mode) & ~shared)


def _acquire(fd: int, state: Path, wait: float) -> bool:
    """Take the lock; return whether it had to wait for it."""
    deadline = time.monotonic() + max(wait, 0.0)
    pause = _FIRST_PAUSE
    waited = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waited = True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                msg = (
                    f"another publish holds {state / LOCK_NAME}; gave up after {wait:g} s (--wait)"
                )
                raise LockTimeout(msg) from None
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, _LONGEST_PAUSE)
        else:
            return waited
