"""One publish at a time: the state folder's lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from publisher.lock import held
from schedule.errors import LockTimeout, OutputError

HOLDER = """
import sys, time
from pathlib import Path
from publisher.lock import held
with held(Path(sys.argv[1]), 0):
    print("held", flush=True)
    time.sleep(600)
"""


def test_second_holder_with_no_wait_times_out(tmp_path: Path) -> None:
    """While the lock is held, wait 0 raises LockTimeout (exit 3) naming the lock file."""
    with held(tmp_path, 0), pytest.raises(LockTimeout) as caught, held(tmp_path, 0):
        pass
    assert caught.value.exit_code == 3
    assert str(tmp_path / "lock") in str(caught.value)


def test_lock_is_free_again_after_the_block(tmp_path: Path) -> None:
    """Leaving the block releases the lock for the next publish."""
    with held(tmp_path, 0):
        pass
    with held(tmp_path, 0):
        pass


def test_waiter_gets_the_lock_when_it_is_released(tmp_path: Path) -> None:
    """A publish that waits gets the lock as soon as the holder lets go."""
    entered, release, order = threading.Event(), threading.Event(), []

    def holder() -> None:
        with held(tmp_path, 0):
            entered.set()
            release.wait(30)
            order.append("holder done")

    thread = threading.Thread(target=holder)
    thread.start()
    entered.wait(30)
    release.set()
    with held(tmp_path, 60):
        order.append("waiter in")
    thread.join()
    assert order == ["holder done", "waiter in"]


def test_creates_the_state_folder(tmp_path: Path) -> None:
    """The state folder is created when it does not exist yet."""
    with held(tmp_path / "new" / ".airdates", 0):
        assert (tmp_path / "new" / ".airdates" / "lock").exists()


@pytest.mark.parametrize("umask", [0o000, 0o002, 0o022])
def test_the_state_folder_is_made_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    """Under umask 002 or 000 another user could write a cache file the next publish unpickles."""
    old = os.umask(umask)
    try:
        with held(tmp_path / "made" / ".airdates", 0):
            pass
    finally:
        os.umask(old)
    assert (tmp_path / "made" / ".airdates").stat().st_mode & 0o777 == 0o700


def test_a_state_folder_others_could_write_is_made_theirs_no_more(tmp_path: Path) -> None:
    """Made under umask 000 by an earlier airdates: group and others lose write, keep the rest."""
    state = tmp_path / ".airdates"
    state.mkdir()
    state.chmod(0o777)
    with held(state, 0):
        pass
    assert state.stat().st_mode & 0o777 == 0o755


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    """A publish killed with SIGKILL while holding the lock does not block the next one."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeout), held(tmp_path, 0):
            pass
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        with held(tmp_path, 30):
            pass
    finally:
        process.kill()
        process.wait()


def test_a_file_where_the_state_folder_should_be_is_named(tmp_path: Path) -> None:
    """state = "x" with a file x there: exit 4 saying x is a file, not "File exists"."""
    blocker = tmp_path / "x"
    blocker.write_text("a file")
    with pytest.raises(OutputError) as caught, held(blocker, 0):
        pass
    assert caught.value.exit_code == 4
    assert str(caught.value) == (
        f"{blocker}: cannot make the state folder: {blocker} is a file, not a folder"
        " (move it away, or choose another folder)"
    )
