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


def test_swap_replaces_by_rename_keeping_the_mode_a_new_file_takes_the_umask_s(
    tmp_path: Path,
) -> None:
    """A staged file replaces the target in one rename (a new inode), keeping the target's mode.

    A new file gets the umask's mode; one replaced keeps the mode it has, so a
    later job under a stricter umask does not make files the web server reads
    unreadable one by one (403 for a changing set of feeds).
    """
    old = os.umask(0o027)
    try:
        mode = files.file_mode()
    finally:
        os.umask(old)
    assert mode == 0o640
    new = tmp_path / "new.ics"
    files.swap_in(files.stage(new, b"new", mode))
    assert new.stat().st_mode & 0o777 == 0o640
    target = tmp_path / "a.ics"
    target.write_bytes(b"old")
    target.chmod(0o644)
    inode = target.stat().st_ino
    staged = files.stage(target, b"new", 0o600)
    assert target.read_bytes() == b"old"
    files.swap_in(staged)
    assert target.read_bytes() == b"new"
    assert target.stat().st_ino != inode
    assert target.stat().st_mode & 0o777 == 0o644
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


def _pieces_sha(*runs: bytes | str) -> str:
    """A file's digest worked out here: bytes between copied pieces, and copied pieces' SHA-256s.

    Each run of bytes (``bytes``) counts by its SHA-256; each copied piece
    (``str``) by the SHA-256 it comes with.
    """
    digests = [bytes.fromhex(r) if isinstance(r, str) else hashlib.sha256(r).digest() for r in runs]
    return "pieces:" + hashlib.sha256(b"".join(digests)).hexdigest()


def test_pieces_of_every_size_are_staged_in_order_with_their_digest(tmp_path: Path) -> None:
    """A file staged piece by piece holds the pieces in order, small and large alike.

    However its bytes are cut, a file without copied pieces has one digest.
    """
    pieces = [b"BEGIN:VCALENDAR\r\n", b"a" * 70_000, b"b" * 10, b"c" * (1 << 20), b"", b"d" * 5]
    pieces += [bytes([65 + n % 26]) * 3_000 for n in range(400)]  # more than a megabyte of small
    target = tmp_path / "schedule.ics"
    staged, digest = files.stage_chunks(target, iter(pieces), 0o644)
    whole = b"".join(pieces)
    assert staged.temp.read_bytes() == whole
    assert digest == _pieces_sha(whole) == files.pieces_digest(pieces)
    assert files.pieces_digest([whole[:7], whole[7:]]) == digest
    assert files.pieces_digest([whole[:-1], b"!"]) != digest
    assert staged.temp.stat().st_mode & 0o777 == 0o644


_EVENTS_A, _EVENTS_B = b"EVENTS-A" * 20_000, b"EVENTS-B\r\n" * 3


def _file_pieces(tmp_path: Path) -> tuple[list[bytes | files.FilePiece], bytes]:
    """Pieces of a file staged from two part files and bytes of its own; the bytes expected."""
    first, second = tmp_path / "a.1", tmp_path / "b.1"
    first.write_bytes(_EVENTS_A + b"pickled")
    second.write_bytes(_EVENTS_B)
    pieces: list[bytes | files.FilePiece] = [
        b"BEGIN:VCALENDAR\r\n",
        files.FilePiece(str(first), 0, len(_EVENTS_A), hashlib.sha256(_EVENTS_A).hexdigest()),
        files.FilePiece(str(second), 10, 20, hashlib.sha256(_EVENTS_B[10:30]).hexdigest()),
        b"END:VCALENDAR\r\n",
    ]
    return pieces, b"BEGIN:VCALENDAR\r\n" + _EVENTS_A + _EVENTS_B[10:30] + b"END:VCALENDAR\r\n"


def _copies(
    monkeypatch: pytest.MonkeyPatch, most: int | None, *, fail: int | None = None
) -> list[int]:
    """Spy on copy_file_range: it copies at most ``most`` bytes a call, or fails with ``fail``.

    ``most`` 0: it copies nothing, as some file systems do short of the end.
    Returns the sizes it copied.
    """
    copied: list[int] = []
    real = os.copy_file_range

    def spy(source: int, target: int, count: int, offset_src: int | None = None) -> int:
        if fail is not None:
            raise OSError(fail, os.strerror(fail))
        done = real(source, target, count if most is None else min(count, most), offset_src)
        copied.append(done)
        return done

    monkeypatch.setattr(os, "copy_file_range", spy)
    return copied


@pytest.mark.parametrize(
    ("most", "fail"),
    [(None, None), (7_777, None), (0, None), (None, errno.EXDEV), (None, errno.ENOSYS)],
    ids=["whole", "bit by bit", "nothing", "another file system", "no such call"],
)
def test_pieces_of_other_files_are_copied_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, most: int | None, fail: int | None
) -> None:
    """A piece of another file is copied in at its place, by the kernel or, where it cannot, read.

    The file's digest is the one its bytes give, taking each piece's
    SHA-256 as given.
    """
    copied = _copies(monkeypatch, most, fail=fail)
    pieces, expected = _file_pieces(tmp_path)
    staged, digest = files.stage_chunks(tmp_path / "schedule.ics", pieces, 0o644)
    assert staged.temp.read_bytes() == expected
    head, first, second, end = pieces
    assert isinstance(first, files.FilePiece)
    assert isinstance(second, files.FilePiece)
    assert digest == _pieces_sha(head, first.sha256, second.sha256, end)
    assert digest == files.pieces_digest(pieces)
    # By the kernel when it can: every byte of both pieces.
    assert sum(copied) == (0 if most == 0 or fail else len(_EVENTS_A) + 20)


def test_a_piece_longer_than_its_file_fails_and_stages_nothing(tmp_path: Path) -> None:
    """A part file cut short behind airdates' back: an OutputError naming it, no file left."""
    source = tmp_path / "a.1"
    source.write_bytes(b"x" * 100)
    target = tmp_path / "schedule.ics"
    piece = files.FilePiece(str(source), 50, 80, "0" * 64)
    with pytest.raises(OutputError, match=r"a\.1: shorter than"):
        files.stage_chunks(target, [b"head", piece], 0o644)
    gone = files.FilePiece(str(tmp_path / "c.1"), 0, 10, "0" * 64)
    with pytest.raises(OutputError, match=r"c\.1: cannot read"):
        files.stage_chunks(target, [b"head", gone], 0o644)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.1"]


def test_a_piece_that_cannot_be_read_is_named_in_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read error in the file a piece is copied from names that file, not the one written."""
    _copies(monkeypatch, None, fail=errno.EXDEV)  # read and written, not copied by the kernel
    pieces, _ = _file_pieces(tmp_path)

    def failing(*_: int) -> bytes:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "pread", failing)
    with pytest.raises(OutputError, match=r"a\.1: cannot read: Input/output error") as raised:
        files.stage_chunks(tmp_path / "schedule.ics", pieces, 0o644)
    assert raised.value.path == str(tmp_path / "a.1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.1", "b.1"]


def _touched(path: Path, data: bytes) -> None:
    """Write ``data`` over the file at ``path``, giving it another modification time."""
    info = path.stat()
    path.write_bytes(data)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


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
    # Recorded by an earlier airdates (the whole file's SHA-256): compared.
    earlier = files.stamp_of(target, hashlib.sha256(expected).hexdigest())
    assert files.holds(target, again.temp, digest, earlier)
    assert files.holds_pieces(target, pieces, earlier) == (digest, True)
    assert not files.holds(target, other.temp, other_digest, earlier)
    # Not recorded, or not the file airdates wrote: compared, whatever the digest.
    _touched(target, expected)
    for remembered in (None, stamp):
        assert files.holds(target, again.temp, "pieces:" + "0" * 64, remembered)
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
