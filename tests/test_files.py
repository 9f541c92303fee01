"""Output files: staged atomic replacement, unchanged detection, leftovers."""

from __future__ import annotations

import errno
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


def _pieces_sha(pieces: list[bytes]) -> str:
    """The digest of a file staged in pieces, worked out here: SHA-256 of their SHA-256s."""
    return hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in pieces if p)).hexdigest()


def test_pieces_of_every_size_are_staged_in_order_with_their_digest(tmp_path: Path) -> None:
    """A file staged piece by piece holds the pieces in order, small and large alike."""
    pieces = [b"BEGIN:VCALENDAR\r\n", b"a" * 70_000, b"b" * 10, b"c" * (1 << 20), b"", b"d" * 5]
    pieces += [bytes([65 + n % 26]) * 3_000 for n in range(400)]  # more than a megabyte of small
    target = tmp_path / "schedule.ics"
    staged, digest = files.stage_chunks(target, iter(pieces), 0o644)
    assert staged.temp.read_bytes() == b"".join(pieces)
    assert digest == _pieces_sha(pieces) == files.pieces_digest(pieces)
    assert staged.temp.stat().st_mode & 0o777 == 0o644


def _file_pieces(tmp_path: Path) -> tuple[list[bytes | files.FilePiece], bytes]:
    """Pieces of a file staged from two part files and bytes of its own; the bytes expected."""
    first, second = tmp_path / "a.1", tmp_path / "b.1"
    first.write_bytes(b"EVENTS-A" * 20_000 + b"pickled")
    second.write_bytes(b"EVENTS-B\r\n" * 3)
    events_a, events_b = b"EVENTS-A" * 20_000, b"EVENTS-B\r\n" * 3
    pieces: list[bytes | files.FilePiece] = [
        b"BEGIN:VCALENDAR\r\n",
        files.FilePiece(str(first), 0, len(events_a), hashlib.sha256(events_a).hexdigest()),
        files.FilePiece(str(second), 10, 20, hashlib.sha256(events_b[10:30]).hexdigest()),
        b"END:VCALENDAR\r\n",
    ]
    return pieces, b"BEGIN:VCALENDAR\r\n" + events_a + events_b[10:30] + b"END:VCALENDAR\r\n"


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_pieces_of_other_files_are_copied_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, kernel_copy: bool
) -> None:
    """A piece of another file is copied in at its place, by the kernel or, where it cannot, read.

    The file's digest is the one its bytes give, taking each piece's
    SHA-256 as given.
    """
    if not kernel_copy:
        def cannot(*_: object) -> int:
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "copy_file_range", cannot)
    pieces, expected = _file_pieces(tmp_path)
    staged, digest = files.stage_chunks(tmp_path / "schedule.ics", pieces, 0o644)
    assert staged.temp.read_bytes() == expected
    head, _, _, end = pieces
    parts = [head, expected[len(head) : -len(end) - 20], expected[-len(end) - 20 : -len(end)], end]
    assert digest == _pieces_sha(parts) == files.pieces_digest(pieces)


def test_a_piece_longer_than_its_file_fails_and_stages_nothing(tmp_path: Path) -> None:
    """A part file cut short behind airdates' back: an OutputError naming it, no file left."""
    source = tmp_path / "a.1"
    source.write_bytes(b"x" * 100)
    target = tmp_path / "schedule.ics"
    piece = files.FilePiece(str(source), 50, 80, "0" * 64)
    with pytest.raises(OutputError, match="a.1: shorter than"):
        files.stage_chunks(target, [b"head", piece], 0o644)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.1"]


def test_a_file_staged_in_pieces_is_kept_when_it_holds_the_same_bytes(tmp_path: Path) -> None:
    """Trusted by its stamp while it is the file airdates wrote; compared byte for byte otherwise.

    A dry run, which stages nothing, compares the pieces themselves and
    comes to the same answers.
    """
    pieces, expected = _file_pieces(tmp_path)
    target = tmp_path / "schedule.ics"
    staged, digest = files.stage_chunks(target, pieces, 0o644)
    files.swap_in(staged)
    stamp = files.stamp_of(target, digest)
    changed = [*pieces[:-1], b"END:VCALENDAR\r\nX"]
    again, _ = files.stage_chunks(target, pieces, 0o644)
    other, other_digest = files.stage_chunks(target.with_name("b.ics"), changed, 0o644)

    assert files.holds(target, again.temp, digest, stamp)
    assert files.holds_pieces(target, pieces, stamp) == (digest, True)
    # Recorded with other bytes (the stamp is trusted: the file is not read).
    assert not files.holds(target, other.temp, other_digest, stamp)
    assert files.holds_pieces(target, changed, stamp) == (other_digest, False)
    # Not recorded, or not the file airdates wrote: compared, whatever the digest.
    time.sleep(0.01)
    target.write_bytes(expected)
    for remembered in (None, stamp):
        assert files.holds(target, again.temp, "0" * 64, remembered)
        assert files.holds_pieces(target, pieces, remembered) == (digest, True)
        assert not files.holds(target, other.temp, other_digest, remembered)
        assert files.holds_pieces(target, changed, remembered) == (other_digest, False)
    target.write_bytes(expected + b"more")
    assert not files.holds(target, again.temp, digest, None)
    assert files.holds_pieces(target, pieces, None) == (digest, False)
    target.unlink()
    assert not files.holds(target, again.temp, digest, None)
    assert files.holds_pieces(target, pieces, None) == (digest, False)


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
