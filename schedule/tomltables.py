"""A config's TOML read a ``[[shows]]`` table at a time: tables an edit left alone need no parse.

Parsing is most of what loading a 1,000-show config costs (about 0.22 s of
0.46), and after one show is edited, every other show's table is text the
last load parsed already. The text is cut before each line that is a
``[[shows]]`` header: a head (the site, the channels, ...) and one piece per
show. Each piece is parsed alone, or taken from ``Parsed.kept`` by the
SHA-256 of its text (a digest names the same table whatever config it came
from), and the document is the head's tables with every piece's show
appended to ``shows``.

That is what tomllib makes of the whole text, because each piece parsed
alone must give exactly ``{"shows": [...]}``: a show's sub-tables
(``[[shows.airs]]``, ``[shows.numbering]``) refer to the last show of their
own piece, and anything else is checked away. A line that looks like a
header inside a multi-line string or array cuts it in two, and the piece
that opened it ends unterminated, which tomllib rejects (publisher/inputs.py
``site_head`` reads the ``[site]`` table on the same ground). The whole text
is parsed instead, as if there were no pieces, when

- the head defines ``shows``, or a piece defines anything but ``shows``
  (say a ``[[channels]]`` table after the shows);
- any piece does not parse, so a syntax error names its line and column in
  the whole file, as it always does.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import tomllib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from schedule.keptshows import KeptShows

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Parsed", "loads"]

_SHOWS_HEADER = re.compile(
    r"""^[ \t]*\[\[[ \t]*(?:shows|"shows"|'shows')[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?$""",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Parsed:
    """TOML pieces by the SHA-256 of their text: parsed earlier (``kept``), read now (``used``).

    ``origin`` gives, for each show table read alone from a piece of its own,
    the table and the piece's digest, by the table's ``id()``; ``shows`` are
    the shows made of such tables (schedule/keptshows.py).
    """

    kept: Mapping[bytes, dict[str, Any]] = field(default_factory=dict)
    used: dict[bytes, dict[str, Any]] = field(default_factory=dict)
    origin: dict[int, tuple[dict[str, Any], bytes]] = field(default_factory=dict)
    shows: KeptShows = field(default_factory=KeptShows)


def loads(text: str, parsed: Parsed | None = None) -> dict[str, Any]:
    """Return ``tomllib.loads(text)``, parsing only the pieces ``parsed`` does not hold.

    Raises what tomllib raises for the whole text. With ``parsed``, every
    piece read is recorded in ``parsed.used``, for the next load to keep.
    """
    if parsed is None:
        return tomllib.loads(text)
    starts = [match.start() for match in _SHOWS_HEADER.finditer(text)]
    cuts = [0, *starts, len(text)]
    try:
        pieces = [_piece(text[a:b], parsed.kept) for a, b in itertools.pairwise(cuts)]
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return tomllib.loads(text)
    (_, head), *rest = pieces
    if "shows" in head or not all(_shows_only(table) for _, table in rest):
        return tomllib.loads(text)
    parsed.used.update(pieces)
    document = dict(head)
    if rest:
        document["shows"] = [show for _, table in rest for show in table["shows"]]
    for digest, table in rest:
        if len(table["shows"]) == 1:
            show = table["shows"][0]
            parsed.origin[id(show)] = (show, digest)
    return document


def _piece(text: str, kept: Mapping[bytes, dict[str, Any]]) -> tuple[bytes, dict[str, Any]]:
    """Return the digest of a piece of text and its tables, kept or parsed now."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    table = kept.get(digest)
    return digest, table if table is not None else tomllib.loads(text)


def _shows_only(table: dict[str, Any]) -> bool:
    """Tell whether a piece is what ``[[shows]]`` tables and their sub-tables make, alone."""
    shows = table.get("shows")
    return len(table) == 1 and isinstance(shows, list) and all(isinstance(s, dict) for s in shows)
