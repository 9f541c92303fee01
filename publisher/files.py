"""Output files: compare with what is on disk, stage, swap in atomically, delete."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import queue
import stat
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from schedule.errors import OutputError
from schedule.pickling import pickled_as_tuple

__all__ = [
    "FilePiece",
    "StagedFile",
    "Stamp",
    "Syncer",
    "clear_leftovers",
    "discard",
    "ensure_folder",
    "file_mode",
    "folder_error",
    "holds",
    "holds_pieces",
    "intact",
    "pieces_digest",
    "put",
    "remove",
    "sha256",
    "stage",
    "stage_chunks",
    "stamp_of",
    "swap_in",
    "sync_folder",
    "unchanged",
    "write_file",
]

# Temporary files end with this, so a run after a crash can tell them from anything else.
_TEMP_SUFFIX = ".airdates-tmp"
_WRITE_SIZE = 1 << 20
# A piece at least this large is written as it is: copying it into the write
# buffer first cost more than the write (a 165 MB calendar: 80-150 ms).
_DIRECT_SIZE = 1 << 16


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Stamp:
    """What the manifest remembers of a written file: its hash and its inode's identity."""

    sha256: str
    size: int
    mtime_ns: int
    inode: int


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class StagedFile:
    """New bytes already durable in ``temp``, waiting to replace ``target``."""

    target: Path
    temp: Path


def sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class FilePiece(NamedTuple):
    """``size`` bytes at ``offset`` of the file at ``path``, whose SHA-256 is ``sha256``.

    A file staged from pieces gets these copied by the kernel, never read
    into memory: whoever hands one over vouches for the file and the digest.
    """

    path: str
    offset: int
    size: int
    sha256: str


class _PiecesDigest:
    """The digest of a file written in pieces, copied pieces brought along with their digest.

    The SHA-256 of, in order, each copied piece's SHA-256 and that of each
    run of bytes between them: equal digests, equal bytes, so an unchanged
    file is still found unchanged, and a copied piece is never read. The
    same bytes with copied pieces elsewhere give another digest: the file is
    then compared byte for byte (``holds``). Marked with ``_PIECES`` so that
    a whole file's SHA-256, as an earlier airdates recorded, is told apart.
    """

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._run: hashlib._Hash | None = None  # the bytes since the last copied piece

    def add(self, piece: bytes | FilePiece) -> None:
        """Take the next piece."""
        if isinstance(piece, FilePiece):
            if piece.size:
                self._end_run()
                self._digest.update(bytes.fromhex(piece.sha256))
        elif piece:
            if self._run is None:
                self._run = hashlib.sha256()
            self._run.update(piece)

    def hexdigest(self) -> str:
        """Return the digest of all the pieces; take no more after."""
        self._end_run()
        return _PIECES + self._digest.hexdigest()

    def _end_run(self) -> None:
        if self._run is not None:
            self._digest.update(self._run.digest())
            self._run = None


_PIECES = "pieces:"


def pieces_digest(pieces: Iterable[bytes | FilePiece]) -> str:
    """Return the digest ``stage_chunks`` gives the file made of ``pieces``, writing nothing."""
    digest = _PiecesDigest()
    for piece in pieces:
        digest.add(piece)
    return digest.hexdigest()


def file_mode() -> int:
    """Return the mode a new file gets under the current umask (0o644 under 022)."""
    # os.umask can only be read by setting it; set it straight back.
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def ensure_folder(folder: Path) -> None:
    """Create ``folder`` and its parents; OutputError when that is impossible."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise folder_error(folder, error, "cannot create folder") from error
    if not folder.is_dir():
        msg = f"{folder}: not a folder"
        raise OutputError(msg, path=str(folder))


def stamp_of(path: Path, digest: str) -> Stamp | None:
    """Return the stamp of the file at ``path`` holding bytes with ``digest``; None if absent."""
    try:
        info = path.stat()
    except OSError:
        return None
    return Stamp(sha256=digest, size=info.st_size, mtime_ns=info.st_mtime_ns, inode=info.st_ino)


def intact(path: Path, remembered: Stamp | None) -> bool:
    """Tell whether the file at ``path`` is still the one airdates wrote (inode, size, mtime)."""
    return remembered is not None and stamp_of(path, remembered.sha256) == remembered


def unchanged(path: Path, data: bytes, digest: str, remembered: Stamp | None) -> bool:
    """Return True when the file at ``path`` already holds exactly ``data``.

    A file whose inode, size and mtime are the ones recorded when airdates
    wrote it is trusted to hold the bytes it wrote then (same digest: the
    same bytes; another: different ones) without reading it; anything else
    is compared byte for byte, so a file changed behind airdates' back is repaired.
    """
    if remembered is not None and intact(path, remembered):
        return remembered.sha256 == digest  # the file holds the bytes airdates wrote
    try:
        return path.read_bytes() == data
    except OSError:
        return False


class Syncer:
    """Makes staged files durable on a few threads while the publish goes on rendering.

    An fsync waits for the disk (milliseconds each); thousands of them in a
    row would dominate a large publish. ``wait`` returns once every file
    handed over is durable, so the renames after it keep their guarantee: a
    file is renamed into place only when its bytes are on disk. (Plain
    threads and queues: ``concurrent.futures`` would cost every run the
    import of ``logging``.)
    """

    def __init__(self, workers: int = 4) -> None:
        """Start with no file pending; threads are started on first use."""
        self._workers = workers
        self._threads: list[threading.Thread] = []
        self._owner = 0  # the process the threads run in
        self._start()

    def _start(self) -> None:
        """Start afresh: no file pending, no thread yet."""
        self._todo: queue.SimpleQueue[tuple[int, int] | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[tuple[int, BaseException | None]] = queue.SimpleQueue()
        self._threads = []
        self._pending: list[Path] = []

    def submit(self, fd: int, target: Path) -> None:
        """Fsync and close ``fd`` (a temp file of ``target``) in the background."""
        if self._owner != os.getpid():
            if self._owner:  # a forked child: the threads, and the files pending, are the parent's
                self._start()
            self._owner = os.getpid()
            self._threads = [
                threading.Thread(target=self._work, name=f"airdates-fsync-{n}", daemon=True)
                for n in range(self._workers)
            ]
            for thread in self._threads:
                thread.start()
        self._todo.put((len(self._pending), fd))
        self._pending.append(target)

    def wait(self) -> None:
        """Return once every file handed over is durable; OutputError for the first that is not."""
        pending, self._pending = self._pending, []
        errors: list[BaseException | None] = [None] * len(pending)
        for _ in pending:
            number, error = self._done.get()
            errors[number] = error
        for target, error in zip(pending, errors, strict=True):
            if isinstance(error, OSError):
                raise _output_error(target, error, "cannot write")
            if error is not None:
                raise error

    def close(self) -> None:
        """Wait for the threads and stop them."""
        if self._owner != os.getpid():
            return
        self._owner = 0
        for _ in self._threads:
            self._todo.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []

    def _work(self) -> None:
        while (job := self._todo.get()) is not None:
            number, fd = job
            try:
                _sync_and_close(fd)
            except BaseException as error:  # noqa: BLE001 - handed to ``wait``
                self._done.put((number, error))
            else:
                self._done.put((number, None))


def _sync_and_close(fd: int) -> None:
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stage(target: Path, data: bytes, mode: int, *, syncer: Syncer | None = None) -> StagedFile:
    """Write ``data`` to a temporary file next to ``target``; OutputError on failure.

    The file is durable when this returns, or, with a ``syncer``, once its
    ``wait`` returns.
    """
    return _stage(target, lambda fd: _write_all(fd, data), mode, syncer)


def stage_chunks(
    target: Path,
    chunks: Iterable[bytes | FilePiece],
    mode: int,
    *,
    syncer: Syncer | None = None,
) -> tuple[StagedFile, str]:
    """Write ``chunks`` one after the other to a temporary file next to ``target``, as ``stage``.

    Returns the staged file and its ``pieces_digest``: a file too large to
    hold in memory is hashed as it is written. A ``FilePiece`` is copied from
    its file; OutputError when that file is shorter than the piece.
    """
    digest = _PiecesDigest()

    def write(fd: int) -> None:
        pending = bytearray()
        for chunk in chunks:
            digest.add(chunk)
            if isinstance(chunk, FilePiece) or len(chunk) >= _DIRECT_SIZE:
                _write_all(fd, pending)
                pending.clear()
                _write_piece(fd, chunk)
                continue
            pending += chunk
            # Small pieces go out a megabyte at a time.
            if len(pending) >= _WRITE_SIZE:
                _write_all(fd, pending)
                pending.clear()
        _write_all(fd, pending)

    return _stage(target, write, mode, syncer), digest.hexdigest()


def _stage(
    target: Path, write: Callable[[int], None], mode: int, syncer: Syncer | None
) -> StagedFile:
    """Create the temporary file of ``target``, ``write`` its bytes, give it ``target``'s mode.

    A file replaced keeps its mode; a new one gets ``mode``. A job under a
    stricter umask than the first publish's (pam_umask, a unit's UMask=)
    made every file it rewrote 0600: a web server then answered 403 for a
    changing set of feeds.
    """
    temp = target.with_name(f".{target.name}.{os.getpid()}{_TEMP_SUFFIX}")
    with contextlib.suppress(OSError):
        found = target.lstat()
        if stat.S_ISREG(found.st_mode):  # not a link in its place: that is replaced, not kept
            mode = stat.S_IMODE(found.st_mode)

    def written(fd: int) -> None:
        write(fd)
        # The temp file was created 0600; a web server must be able to read the result.
        os.fchmod(fd, mode)

    _write_new(temp, written, named=target, syncer=syncer, durable=True)
    return StagedFile(target=target, temp=temp)


def _write_piece(fd: int, piece: bytes | FilePiece) -> None:
    """Write ``piece``: bytes as they are, a FilePiece copied from its file by the kernel."""
    if not isinstance(piece, FilePiece):
        _write_all(fd, piece)
        return
    try:
        source = os.open(piece.path, os.O_RDONLY)
    except OSError as error:
        raise _output_error(Path(piece.path), error, "cannot read") from error
    try:
        offset, left = piece.offset, piece.size
        while left:
            copied = _copy_range(source, fd, left, offset, piece.path)
            if not copied:
                msg = f"{piece.path}: shorter than {piece.size} bytes at {piece.offset}"
                raise OutputError(msg, path=piece.path)
            offset += copied
            left -= copied
    finally:
        os.close(source)


# errno values with which copy_file_range says it cannot copy between these
# two files (another file system, a kernel or file system without it): the
# bytes are then read and written.
_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL, errno.EPERM}


def _copy_range(source: int, fd: int, size: int, offset: int, named: str) -> int:
    """Copy up to ``size`` bytes at ``offset`` of ``source`` to ``fd``; return how many (0: EOF).

    A failed read of ``source`` is an OutputError naming it (``named``); a
    failed copy is the written file's, as the kernel cannot tell which end failed.
    """
    if hasattr(os, "copy_file_range"):
        try:
            copied = os.copy_file_range(source, fd, size, offset)
        except OSError as error:
            if error.errno not in _NO_KERNEL_COPY:
                raise
        else:
            # Some file systems copy nothing short of the end: read, to be sure.
            if copied:
                return copied
    try:
        data = os.pread(source, min(size, _WRITE_SIZE), offset)
    except OSError as error:
        raise _output_error(Path(named), error, "cannot read") from error
    _write_all(fd, data)
    return len(data)


def write_file(
    path: Path, data: bytes, *, syncer: Syncer | None = None, durable: bool = True
) -> None:
    """Write ``data`` to ``path`` in place (a file nothing reads yet); OutputError on failure.

    Durable when this returns, or, with a ``syncer``, once its ``wait`` returns;
    not ``durable``: a scratch file, left to the kernel.
    """
    _write_new(path, lambda fd: _write_all(fd, data), named=path, syncer=syncer, durable=durable)


def put(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename, not synced; OutputError on failure.

    For a record the next run writes again if a power cut loses it.
    """
    scratch = path.with_name(f".{path.name}.{os.getpid()}{_TEMP_SUFFIX}")
    write_file(scratch, data, durable=False)
    try:
        scratch.replace(path)
    except OSError as error:
        _unlink_quietly(scratch)
        raise _output_error(path, error, "cannot replace") from error


def _write_new(
    path: Path, write: Callable[[int], None], *, named: Path, syncer: Syncer | None, durable: bool
) -> None:
    """Create ``path`` (0600), ``write`` its bytes, make it durable (or have ``syncer`` do it).

    Any failure removes the file; an OSError becomes an OutputError naming ``named``.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as error:
        raise _output_error(named, error, "cannot write") from error
    try:
        write(fd)
        if syncer is None and durable:
            os.fsync(fd)
    except BaseException as error:
        os.close(fd)
        _unlink_quietly(path)
        if isinstance(error, OSError):
            raise _output_error(named, error, "cannot write") from error
        raise
    if syncer is None:
        os.close(fd)
    else:
        syncer.submit(fd, named)


def holds(path: Path, staged: Path, digest: str, remembered: Stamp | None) -> bool:
    """Return True when the file at ``path`` already holds the bytes just ``staged``.

    As ``unchanged``, for a file staged in pieces (``digest`` its
    ``pieces_digest``): a file with its recorded stamp holds the bytes it
    was written with; anything else (a digest of another kind included) is
    compared with the staged file.
    """
    if _trusted(path, digest, remembered):
        return remembered is not None and remembered.sha256 == digest
    try:
        if path.stat().st_size != staged.stat().st_size:
            return False
        with path.open("rb") as found, staged.open("rb") as made:
            while block := made.read(_WRITE_SIZE):
                if found.read(len(block)) != block:
                    return False
    except OSError:
        return False
    return True


def holds_pieces(
    path: Path, pieces: Iterable[bytes | FilePiece], remembered: Stamp | None
) -> tuple[str, bool]:
    """Return the ``pieces_digest`` of ``pieces`` and whether the file at ``path`` holds them.

    As ``holds``, without staging anything (a dry run): a file that is not
    the one recorded is read and compared piece by piece.
    """
    if _trusted(path, _PIECES, remembered):
        digest = pieces_digest(pieces)
        return digest, remembered is not None and remembered.sha256 == digest
    digest = _PiecesDigest()
    try:
        found: BinaryIO | None = path.open("rb")
    except OSError:
        found = None
    with found or contextlib.nullcontext():
        for piece in pieces:
            digest.add(piece)
            if found is not None and not _reads(found, _bytes_of(piece)):
                found = None  # differs: the rest is only hashed
        same = found is not None and _reads(found, b"", end=True)
    return digest.hexdigest(), same


def _reads(found: BinaryIO, data: bytes, *, end: bool = False) -> bool:
    """Tell whether ``found`` goes on with ``data`` (with ``end``: ends there)."""
    try:
        return found.read(len(data) + end) == data
    except OSError:
        return False


def _trusted(path: Path, digest: str, remembered: Stamp | None) -> bool:
    """Tell whether the recorded stamp vouches for the file, with a digest of ``digest``'s kind."""
    return (
        remembered is not None
        and remembered.sha256.startswith(_PIECES) == digest.startswith(_PIECES)
        and intact(path, remembered)
    )


def _bytes_of(piece: bytes | FilePiece) -> bytes:
    if not isinstance(piece, FilePiece):
        return piece
    try:
        fd = os.open(piece.path, os.O_RDONLY)
        try:
            return os.pread(fd, piece.size, piece.offset)
        finally:
            os.close(fd)
    except OSError as error:
        raise _output_error(Path(piece.path), error, "cannot read") from error


def swap_in(staged: StagedFile) -> None:
    """Replace the target with its staged bytes in one rename; OutputError on failure."""
    try:
        staged.temp.replace(staged.target)
    except OSError as error:
        raise _output_error(staged.target, error, "cannot replace") from error


def discard(staged: Iterable[StagedFile]) -> None:
    """Remove staged temporary files that will not be swapped in."""
    for item in staged:
        _unlink_quietly(item.temp)


def remove(path: Path) -> bool:
    """Delete an output file; False when it was already gone; OutputError on failure."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise _output_error(path, error, "cannot delete") from error
    return True


def sync_folder(folder: Path) -> None:
    """Make the folder's renames and deletions durable before the state says they happened."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise _output_error(folder, error, "cannot sync") from error
    try:
        os.fsync(fd)
    except OSError as error:
        # Some file systems cannot fsync a directory; the renames are still atomic there.
        if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise _output_error(folder, error, "cannot sync") from error
    finally:
        os.close(fd)


def clear_leftovers(folder: Path) -> int:
    """Delete temporary files a killed publish left behind; return how many."""
    try:
        names = [entry for entry in os.scandir(folder) if entry.name.endswith(_TEMP_SUFFIX)]
    except OSError:
        return 0
    for entry in names:
        _unlink_quietly(Path(entry.path))
    return len(names)


def _write_all(fd: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def folder_error(folder: Path, error: OSError, doing: str) -> OutputError:
    """Return the error of a folder that could not be made, naming a file in its way."""
    if isinstance(error, FileExistsError | NotADirectoryError):
        for place in (folder, *folder.parents):
            if place.is_symlink() and not place.exists():
                return OutputError(
                    f"{folder}: {doing}: {place} is a link to {os.readlink(place)}, which is not"
                    " there (make that folder, or remove the link)",
                    path=str(folder),
                )
            if place.exists() and not place.is_dir():
                return OutputError(
                    f"{folder}: {doing}: {place} is a file, not a folder"
                    " (move it away, or choose another folder)",
                    path=str(folder),
                )
    return _output_error(folder, error, doing)


def _output_error(path: Path, error: OSError, doing: str) -> OutputError:
    reason = error.strerror or str(error)
    return OutputError(f"{path}: {doing}: {reason}", path=str(path))
