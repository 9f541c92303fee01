"""Paths as the state database takes them: any path the file system allows."""

from __future__ import annotations

import os

__all__ = ["database_uri", "folder_text", "folder_value"]

# RFC 3986's unreserved characters and the path separator stay as they are.
_KEPT = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")


def database_uri(path: str | os.PathLike[str], mode: str) -> str:
    """Return the URI that opens the database at ``path`` in ``mode`` ("ro", "rw", "rwc").

    SQLite cuts a URI's path at "?" and "#" and decodes "%": a state folder
    named "radio #1" or "50%" would otherwise name another file, which
    ``mode=rwc`` would even create. Every other byte goes percent-encoded
    too, so a path that is not UTF-8 reaches the file system unchanged.
    """
    raw = os.fsencode(os.path.abspath(path))  # noqa: PTH100 - resolve() would follow links
    quoted = "".join(chr(byte) if byte in _KEPT else f"%{byte:02X}" for byte in raw)
    return f"file:{quoted}?mode={mode}"


def folder_value(folder: str) -> str | bytes:
    """Return how the database keeps a folder's path: as text, or as bytes when it is not text.

    A name made in another encoding (Latin-1 "café"), read with
    ``surrogateescape``, cannot be stored as UTF-8 text; its bytes can.
    """
    try:
        folder.encode()
    except UnicodeEncodeError:
        return os.fsencode(folder)
    return folder


def folder_text(value: object) -> str:
    """Return the path ``folder_value`` kept."""
    return os.fsdecode(value) if isinstance(value, bytes) else str(value)
