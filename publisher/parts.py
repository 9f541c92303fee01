"""Show parts: what each show gives the network files, kept so a later publish can skip the show.

A network of a thousand shows is republished after one show's config
changed; the other 999 shows' files would come out byte for byte the same.
Each show's *part* is what the network files need of it: its calendar's
events, its guide programmes, its candidates for the index and the network
feeds, its airing count and the first moment its outputs change by
themselves. The big pieces (events, programmes) go into a file in the state
folder's ``parts`` folder; the rest, with a digest of the show's inputs, into
the state's ``show_parts`` table, in the publish's own transaction. Files
that transaction names but the publish has not yet put in place are
recorded unstamped, so no part is trusted beside them.

A later publish reuses a show's part instead of expanding, comparing and
rendering the show when all of these hold:

- the digest of the show's inputs (its config, every site setting, airdates'
  code and packages, the zone files) is the one recorded;
- ``now`` lies in ``[the publish that made it, its next change)``: no airing
  of the show started or ended and no day the outputs depend on turned;
- each of the show's files is still the one airdates wrote (inode, size,
  mtime, as the manifest remembers it), and so is the part file (as its
  part remembers it): the network calendar copies the show's events from
  it without reading them. The programmes and premieres, which are read,
  are checked against their CRC-32 as well.

Anything else, or any doubt, renders the show as a cold publish would.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher import files
from publisher.changes import digest_of
from publisher.inputs import zone_file
from publisher.shortcut import code_stamp
from publisher.state import PartRow
from schedule.errors import OutputError
from schedule.pickling import pickled_as_tuple

if TYPE_CHECKING:
    from feeds.edition import Revision
    from feeds.registry import Renderer
    from feeds.xmltv import Programme
    from schedule.airing import Airing
    from schedule.site import Site

__all__ = [
    "PARTS_FOLDER",
    "PartError",
    "PartWriter",
    "ShowPart",
    "Stored",
    "calendar_key",
    "digests",
    "guide_key",
    "merged_programmes",
    "reusable",
    "tidy",
]

PARTS_FOLDER = "parts"
_Piece = tuple[int, int, int]  # offset, size and CRC-32 of some bytes of a part file


class PartError(Exception):
    """A show's part file cannot be read back: the publish starts again without parts."""

    def __init__(self, path: str, show: str) -> None:
        """Name the part file and its show."""
        super().__init__(f"{path}: the part of show {show} cannot be read back")
        self.path, self.show = path, show


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class ShowPart:
    """One show's share of the network files, and when it stops being valid."""

    show: str
    channel: str | None
    digest: str
    since: datetime
    next_change: datetime
    airings: int
    bounds: tuple[Airing, ...]  # the window's earliest-starting and latest-ending airing
    index: tuple[Airing, ...]  # what the index page could list
    quiet: tuple[tuple[Airing, Revision], ...]  # the window's last-changed airing
    newest: tuple[float, str] | None  # start (POSIX seconds) and UID of its newest premiere, if any
    stored: Stored

    def intact(self, folder: Path) -> bool:
        """Tell whether the part file is still the one written (size, modification time, inode).

        The network calendar copies the show's events from it without reading
        them, so the file is trusted as a published file is.
        """
        stored = self.stored
        written = files.Stamp(
            sha256="", size=stored.size, mtime_ns=stored.mtime_ns, inode=stored.inode
        )
        return files.intact(folder / stored.file, written)

    def events(self, folder: Path) -> files.FilePiece | None:
        """Return where the show's calendar events are, its part of the network calendar.

        None when the show has no events. The events are copied unread: a
        part is either written by this publish or, reused, found ``intact``
        when it was taken (``publish._reuse``).
        """
        offset, size = self.stored.events
        if not size:
            return None
        path = folder / self.stored.file
        return files.FilePiece(str(path), offset, size, self.stored.events_digest)

    def closed(self, folder: Path) -> ShowPart:
        """Return this part, written by this publish, with its file's stamp as it is once closed.

        The stamp is taken when the file is written; a file system that sets
        the modification time when it writes the data out (some network and
        FUSE mounts) would otherwise make the next publish find every new part
        touched and redo its show. Only the time is taken over: a part file of
        another size or inode is left for the next publish to find.
        """
        stored = self.stored
        info = files.stamp_of(folder / stored.file, "")
        if info is None or (info.size, info.inode) != (stored.size, stored.inode):
            return self
        if info.mtime_ns == stored.mtime_ns:
            return self
        return dataclasses.replace(self, stored=dataclasses.replace(stored, mtime_ns=info.mtime_ns))

    def programmes(self, folder: Path) -> list[Programme]:
        """Return the show's guide programmes, in window order."""
        return self._load(folder, self.stored.programmes)

    def recent(self, folder: Path) -> list[tuple[Airing, Revision]]:
        """Return the show's newest premieres, newest first, with their revisions."""
        return self._load(folder, self.stored.recent)

    def _load(self, folder: Path, piece: _Piece) -> list[Any]:
        """Return a list kept in the part file; PartError when it cannot be read back."""
        if not piece[1]:
            return []
        path = folder / self.stored.file
        try:
            loaded = pickle.loads(_read(path, piece))  # noqa: S301 - our own file, checked
        except Exception as error:  # whatever the damage, the part is not used
            raise PartError(str(path), self.show) from error
        if not isinstance(loaded, list):
            raise PartError(str(path), self.show)
        return loaded


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Stored:
    """Where a show's events and programmes are: a file of the parts folder, and pieces of it."""

    file: str  # a name in the parts folder (a dry run's: an absolute path elsewhere)
    size: int
    mtime_ns: int
    inode: int
    events: tuple[int, int]  # offset and size of the VEVENTs, as the show's calendar holds them
    programmes: _Piece  # a pickled list of programmes
    recent: _Piece  # a pickled list of (airing, revision), newest first
    # SHA-256 of the events and of the pickled programmes: equal digests, equal contents.
    events_digest: str
    programmes_digest: str


class PartWriter:
    """Writes the part files of one publish: ``<show>.<publish number>`` in ``folder``."""

    def __init__(self, folder: Path, number: int, syncer: files.Syncer | None) -> None:
        """Write into ``folder``; with a ``syncer`` the files are made durable there."""
        self.folder = folder
        self.number = number
        self.syncer = syncer

    def write(
        self,
        show: str,
        body: bytes,
        programmes: list[Programme],
        recent: list[tuple[Airing, Revision]],
    ) -> Stored:
        """Write a show's VEVENTs (``body``), programmes and premieres to its part file.

        Return where each is.
        """
        listed = pickle.dumps(programmes) if programmes else b""
        newest = pickle.dumps(recent) if recent else b""
        path = self.folder / f"{show}.{self.number}"
        durable = self.syncer is not None
        data = b"".join((body, listed, newest))
        files.write_file(path, data, syncer=self.syncer, durable=durable)
        written = files.stamp_of(path, "")
        if written is None:
            msg = f"{path}: the part file just written cannot be found"
            raise OutputError(msg, path=str(path))
        offset = len(body)
        return Stored(
            file=path.name if self.syncer is not None else str(path),
            size=written.size,
            mtime_ns=written.mtime_ns,
            inode=written.inode,
            events=(0, offset),
            programmes=(offset, len(listed), zlib.crc32(listed)),
            recent=(offset + len(listed), len(newest), zlib.crc32(newest)),
            events_digest=hashlib.sha256(body).hexdigest(),
            programmes_digest=hashlib.sha256(listed).hexdigest(),
        )


def digests(
    site: Site, folder: Path, renderers: Sequence[Renderer]
) -> tuple[str, dict[str, str]]:
    """Return a digest of the site's settings, and per show one of everything its files show.

    Everything besides the clock and the state: the show's config, every
    site setting (the other shows aside), the output folder, the formats,
    airdates' code and packages, and the zone files' sizes and times (a
    tzdata update is a change). The first digest is of all that but the show.
    """
    formats = tuple(r.signature for r in renderers)
    stamps = _zone_stamps({site.timezone.key, *(show.timezone.key for show in site.shows)})
    # The spreadsheets a show reads are in its own digest (as its episodes).
    settings = dataclasses.replace(site, shows=(), episode_files=())
    shared = digest_of((settings, str(folder), formats, code_stamp(), stamps[site.timezone.key]))
    return shared, {
        show.id: digest_of((shared, show, stamps[show.timezone.key])) for show in site.shows
    }


def reusable(  # noqa: PLR0913 - one publish's facts
    rows: Mapping[str, PartRow],
    wanted: Mapping[str, str],
    *,
    now: datetime,
    names: Mapping[str, Sequence[str]],
    output: Path,
    manifest: Mapping[str, files.Stamp],
    parts: Path,
) -> set[str]:
    """Return the shows whose recorded part and files are still right as of ``now``.

    ``wanted`` holds each show's digest, ``names`` its file names in ``output``.
    """
    kept: set[str] = set()
    for show, digest in wanted.items():
        row = rows.get(show)
        if row is None or row.digest != digest or not row.since <= now < row.next_change:
            continue
        if _size(parts / row.file) != row.size:
            continue
        if all(files.intact(output / name, manifest.get(name)) for name in names[show]):
            kept.add(show)
    return kept


def tidy(folder: Path, keep: Iterable[str]) -> None:
    """Delete the part files no show's recorded part names (a killed publish's, replaced ones)."""
    kept = set(keep)
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name not in kept:
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()


def merged_programmes(lists: Iterable[list[Programme]]) -> Iterator[bytes]:
    """Yield one channel's programmes from its shows' lists in the guide's order.

    A programme sorts as a tuple: by start, then by id, which is unique.
    """
    merged = [programme for listed in lists for programme in listed]
    merged.sort()
    for programme in merged:
        yield programme[3]


def _read(path: Path, piece: _Piece) -> bytes:
    """Return the bytes of ``piece``; EOFError or ValueError unless they are the ones written."""
    offset, size, crc = piece
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.pread(fd, size, offset)
    finally:
        os.close(fd)
    if len(data) != size:
        msg = "shorter than recorded"
        raise EOFError(msg)
    if zlib.crc32(data) != crc:
        msg = "not the bytes written"
        raise ValueError(msg)
    return data


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _zone_stamps(keys: Iterable[str | None]) -> dict[str | None, tuple[str, int, int] | None]:
    """Return the path, size and mtime of the system zone file zoneinfo reads for each zone."""
    found: dict[str | None, tuple[str, int, int] | None] = {}
    for key in keys:
        found[key] = None
        path = zone_file(key) if key else None
        if path is not None:
            with contextlib.suppress(OSError):
                info = Path(path).stat()
                found[key] = (path, info.st_size, info.st_mtime_ns)
    return found


def calendar_key(site_digest: str, parts: Iterable[ShowPart], window: object) -> str:
    """Return a digest of everything the network calendar is made from. Equal keys, equal files.

    The site's settings (airdates' code included) and the calendar ``window``
    (an empty calendar's time zone covers its years), and in network order
    each show's id, its inputs' digest (which holds its zone data: a
    VTIMEZONE can change while the events stay), its events' digest and
    their earliest start and latest end (the calendar's time zones cover them).
    """
    return _key_of(("calendar", site_digest, window), (
        (part.show, part.digest, part.stored.events_digest, [
            (a.start.isoformat(), a.end.isoformat(), str(a.start.tzinfo)) for a in part.bounds
        ])
        for part in parts
    ))


def guide_key(site_digest: str, parts: Iterable[ShowPart]) -> str:
    """Return a digest of everything the network guide is made from. Equal keys, equal files.

    The site's settings, and in network order each show's id, channel and
    programmes' digest.
    """
    return _key_of(
        ("guide", site_digest, None),
        ((part.show, part.channel, part.stored.programmes_digest) for part in parts),
    )


def _key_of(head: tuple[object, ...], pieces: Iterable[tuple[object, ...]]) -> str:
    digest = hashlib.sha256(repr(head).encode() + b"\0")
    for piece in pieces:
        digest.update(repr(piece).encode() + b"\0")
    return digest.hexdigest()
