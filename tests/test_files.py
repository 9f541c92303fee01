"""Output files: staged atomic replacement, unchanged detection, leftovers."""

from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path

import pytest

from publisher import files
from schedule.errors import OutputError


def test_swap_replaces_by_rename_with_the_umask_mode(tmp_path: Path) -> None:
    """A staged file replaces the target in one rename (a new inode) and gets the umask's mode."""
    target = tmp_path / "a.ics"
    target.write_bytes(b"old")
    inode = target.stat().st_ino
    old = os.umask(0o027)
    try:
        mode = files.file_mode()
    finally:
        os.umask(old)
    assert mode == 0o640
    staged = files.stage(target, b"new", mode)
    assert target.read_bytes() == b"old"
    files.swap_in(staged)
    assert target.read_bytes() == b"new"
    assert target.stat().st_ino != inode
    assert target.stat().st_mode & 0o777 == 0o640
    assert not staged.temp.exists()


def test_unchanged_trusts_a_matching_stamp_and_reads_otherwise(tmp_path: Path) -> None:
    """A file matching its stamp is unchanged; one edited behind our back is compared by bytes."""
    target = tmp_path / "a.rss"
    target.write_bytes(b"same")
    digest = files.sha256(b"same")
    stamp = files.stamp_of(target, digest)
    assert files.unchanged(target, b"same", digest, stamp)
    assert files.unchanged(target, b"same", digest, None)
    target.write_bytes(b"edit")
    assert not files.unchanged(target, b"same", digest, stamp)
    assert not files.unchanged(tmp_path / "missing", b"same", digest, None)


def test_pieces_of_every_size_are_staged_in_order_with_their_digest(tmp_path: Path) -> None:
    """A file staged piece by piece holds the pieces in order, small and large alike."""
    pieces = [b"BEGIN:VCALENDAR\r\n", b"a" * 70_000, b"b" * 10, b"c" * (1 << 20), b"", b"d" * 5]
    pieces += [bytes([65 + n % 26]) * 3_000 for n in range(400)]  # more than a megabyte of small
    target = tmp_path / "schedule.ics"
    staged, digest = files.stage_chunks(target, iter(pieces), 0o644)
    whole = b"".join(pieces)
    assert staged.temp.read_bytes() == whole
    assert digest == hashlib.sha256(whole).hexdigest()
    assert staged.temp.stat().st_mode & 0o777 == 0o644


def test_stage_into_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    """Staging where no file can be created raises OutputError naming the target."""
    with pytest.raises(OutputError) as caught:
        files.stage(tmp_path / "nope" / "a.ics", b"x", 0o644)
    assert caught.value.path == str(tmp_path / "nope" / "a.ics")


def test_ensure_folder_refuses_a_file_in_the_path(tmp_path: Path) -> None:
    """An output path running through a regular file is an OutputError."""
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError):
        files.ensure_folder(tmp_path / "file" / "public")


def test_leftovers_and_discard(tmp_path: Path) -> None:
    """Temporary files are removed by discard and by the next run's cleanup; other files stay."""
    staged = files.stage(tmp_path / "a.ics", b"x", 0o644)
    files.discard([staged])
    assert list(tmp_path.iterdir()) == []
    files.stage(tmp_path / "b.ics", b"x", 0o644)
    (tmp_path / "keep.txt").write_text("mine")
    assert files.clear_leftovers(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_remove_is_quiet_about_missing_files(tmp_path: Path) -> None:
    """Deleting a file already gone is not an error."""
    (tmp_path / "a").write_text("x")
    assert files.remove(tmp_path / "a")
    assert not files.remove(tmp_path / "a")


def _waited(pid: int, seconds: float) -> int | None:
    """Return child ``pid``'s exit code, or None (having killed it) if it ran past ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None



def _synced_in_a_child(syncer: files.Syncer, path: Path) -> int | None:
    """Fork; the child makes a file of its own at ``path`` durable with ``syncer``.

    Return the child's exit code (0: its wait returned), None if it hung.
    """
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            syncer.submit(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), path)
            syncer.wait()
            syncer.close()
            code = 0
        finally:
            os._exit(code)
    return _waited(pid, 20.0)


def test_a_syncer_in_use_when_the_process_forks_serves_the_child_alone(tmp_path: Path) -> None:
    """The child's files are made durable by threads of its own; the parent's pending stay its."""
    syncer = files.Syncer()
    first = tmp_path / "first"
    syncer.submit(os.open(first, os.O_WRONLY | os.O_CREAT, 0o600), first)  # pending at the fork
    assert _synced_in_a_child(syncer, tmp_path / "second") == 0
    syncer.wait()
    syncer.close()


def test_a_forked_child_is_not_answerable_for_the_parents_pending_files(tmp_path: Path) -> None:
    """A file of the parent's failing after the fork fails the parent's wait, never the child's."""
    syncer = files.Syncer()
    broken = tmp_path / "broken"
    syncer.submit(1 << 20, broken)  # no such descriptor: its fsync fails, whenever it runs
    assert _synced_in_a_child(syncer, tmp_path / "own") == 0
    with pytest.raises(OutputError, match="broken"):
        syncer.wait()
    syncer.close()
