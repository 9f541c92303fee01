"""Episode metadata from a spreadsheet: the ``episodes_file`` CSV of a show."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from schedule.errors import ConfigError
from schedule.fields import Where, nearest_key, url
from schedule.site import EpisodeInfo
from schedule.writable import PROSE_LIMIT, TITLE_LIMIT, blank, overlong

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = ["COLUMNS", "parse_episodes_csv"]

COLUMNS = ("number", "title", "season", "summary", "link")
_REQUIRED = ("number", "title")
# What the csv module's complaints mean for the person who typed the file.
_CSV_ERRORS = {
    "unexpected end of data": "opens a quote that is never closed",
    "',' expected after '\"'": "has a quote that ends a cell before the cell ends",
}
_DIGITS = 18  # of a number or a season: far more than any show will air
_QUOTING = 'a cell with a quote in it is quoted whole, its quotes doubled: "say ""hi"""'


def parse_episodes_csv(text: str, where: Where) -> tuple[EpisodeInfo, ...]:
    """Read the rows of ``text`` (a CSV with a header row) as episode metadata.

    ``where`` names the CSV file and the ``episodes_file`` key; each bad row is
    recorded there with its line and column. Blank rows are skipped.
    """
    rows = _rows(text, where)
    header = next(rows, None)
    if header is None:
        where.report("the file is empty; it needs a header row: " + ",".join(COLUMNS), line=1)
        return ()
    names = [name.strip().lower() for name in header[1]]
    while names and not names[-1]:
        names.pop()  # empty cells at the end of the header, as spreadsheets save them
    if not _header_ok(names, where):
        return ()
    episodes: dict[tuple[int | None, int], EpisodeInfo] = {}
    for line, cells in rows:
        if _misshapen(cells, names, line, where):
            continue
        episode = _episode(dict(zip(names, cells, strict=False)), names, line, where)
        _keep(episodes, episode, line, where)
    return tuple(episodes.values())


def _rows(text: str, where: Where) -> Iterator[tuple[int, list[str]]]:
    """Yield (line, cells) for each non-blank row, recording a CSV that cannot be read.

    Strict: a quote left open would otherwise swallow every row after it into
    one cell, and ``"Bad" title`` would lose its quotes, without a word.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        first = reader.line_num + 1  # where the row begins: a quoted cell may span lines
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if str(error).startswith("field larger than field limit"):
                # The csv module's own cap (131,072), above what a cell may hold anyway.
                said, hint = f"has a cell longer than {PROSE_LIMIT:,} characters", "shorten it"
            else:
                said = _CSV_ERRORS.get(str(error), f"cannot be read as CSV: {error}")
                hint = _QUOTING
            where.report(f"the row on line {first} {said}", hint=hint, line=first)
            return
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


def _header_ok(names: list[str], where: Where) -> bool:
    """Check the header names known columns, each once, including the required ones."""
    if len(names) == 1 and (separator := _other_separator(names[0])):
        where.report(
            f"the header {names[0]!r} separates its columns with {separator!r}",
            value=names[0],
            hint="save the spreadsheet as CSV with commas between the columns",
            line=1,
        )
        return False
    fine = True
    for column, name in enumerate(names, start=1):
        if name not in COLUMNS or names.index(name) != column - 1:
            repeated = name in COLUMNS
            what = "repeated" if repeated else "unknown"
            hint = "keep one of the two columns" if repeated else nearest_key(name, COLUMNS)
            where.report(
                f"{what} column {name!r} in the header",
                value=name,
                hint=hint,
                line=1,
                column=column,
            )
            fine = False
    for name in _REQUIRED:
        if name not in names:
            where.report(
                f"the header has no {name!r} column", hint="columns: " + ", ".join(COLUMNS), line=1
            )
            fine = False
    return fine


def _other_separator(name: str) -> str | None:
    """Return the separator a one-cell header uses between known column names, if any."""
    for separator in (";", "\t", "|"):
        parts = [part.strip() for part in name.split(separator)]
        if len(parts) > 1 and set(_REQUIRED) <= set(parts):
            return separator
    return None


def _misshapen(cells: list[str], names: list[str], line: int, where: Where) -> bool:
    """Report a row with more cells than the header, or one that says nothing but a number."""
    extra = [cell for cell in cells[len(names):] if cell.strip()]
    if extra:
        where.report(
            f"row {line} has {len(cells)} cells but the header names {len(names)} columns",
            value=extra[0],
            hint="quote a cell that contains a comma",
            line=line,
            column=len(names) + 1,
        )
        return True
    given = {name for name, cell in zip(names, cells, strict=False) if cell.strip()}
    if not given - {"number", "season"}:
        where.report(
            f"row {line} gives no title, summary or link",
            hint="fill in the title, or delete the row",
            line=line,
        )
        return True
    return False


def _episode(
    row: Mapping[str, str], names: list[str], line: int, where: Where
) -> EpisodeInfo | None:
    """Read one row; None (with the error recorded) when it is not a valid episode."""
    try:
        number = _whole(row.get("number", ""), "number", required=True)
        season = _whole(row.get("season", ""), "season", required=False)
        link = row.get("link", "").strip() or None
        if link is not None:
            url(link, where)
    except ConfigError as error:
        name = _column_of(error)
        message = f"row {line}: {name}: {error.message}"
        where.report(
            message, value=error.value, hint=error.hint, line=line, column=names.index(name) + 1
        )
        return None
    title, summary = (_said(row.get(name, "")) for name in ("title", "summary"))
    for name, cell, limit in (("title", title, TITLE_LIMIT), ("summary", summary, PROSE_LIMIT)):
        if problem := overlong(cell, limit):
            where.report(
                f"row {line}: {name}: {problem}", hint="shorten it", line=line,
                column=names.index(name) + 1,
            )
            return None
    return EpisodeInfo(
        number=number, season=season, title=title or None, summary=summary,
        link=link, origin=(where.file, line),
    )


def _said(cell: str) -> str:
    """Return a text cell trimmed; empty when it says nothing once published."""
    return "" if blank(cell) else cell.strip()


def _whole(cell: str, column: str, *, required: bool) -> int | None:
    """Read a positive whole number from a cell (empty allowed unless ``required``)."""
    cell = cell.strip()
    if not cell and not required:
        return None
    whole = cell.isascii() and cell.isdigit()
    if whole and len(cell) > _DIGITS:  # Python reads no more than 4,300 digits (a ValueError)
        msg = f"{cell[:20]!r}… is {len(cell):,} digits long, more than an episode number has"
        raise ConfigError(msg, value=cell, key=column, hint=f"write at most {_DIGITS} digits")
    if not whole or int(cell) < 1:
        shown = repr(cell) if cell else "empty"
        msg = f"{shown} is not a whole number of 1 or more"
        raise ConfigError(msg, value=cell, key=column)
    return int(cell)


def _column_of(error: ConfigError) -> str:
    """Name the column an error came from (number and season errors carry it as their key)."""
    return error.key if error.key in COLUMNS else "link"


def _keep(
    episodes: dict[tuple[int | None, int], EpisodeInfo],
    episode: EpisodeInfo | None,
    line: int,
    where: Where,
) -> None:
    """Add a row's episode, reporting a second row for the same episode."""
    if episode is None or episode.number is None:
        return
    identity = (episode.season, episode.number)
    if identity in episodes:
        season = f" of season {episode.season}" if episode.season else ""
        where.report(
            f"row {line}: episode {episode.number}{season} is listed twice",
            value=episode.number,
            line=line,
        )
        return
    episodes[identity] = episode
