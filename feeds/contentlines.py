"""iCalendar content lines from plain values (RFC 5545 §3.1-3.3, RFC 6868).

What the calendars need and no more: TEXT escaping, parameter values, DATE-TIME,
DURATION and UTC-OFFSET values, and line folding. Each one writes what the
``icalendar`` package writes for the same value, so the files read the same in
every client; the tests hold both to each other. Two differences, both on
purpose: a zone parameter ``TZID=UTC`` is kept (icalendar drops it, which
leaves a ``DTSTART;:`` no reader takes), and a backslash-N in a TEXT value is
a backslash and an N. Importing ``icalendar`` would cost a one-show publish a
sixth of its time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

__all__ = [
    "FOLD_AT",
    "duration",
    "escape_text",
    "fold",
    "local_datetime",
    "param_value",
    "utc_datetime",
    "utc_offset",
]

# A line is folded once it reaches 75 octets; a shorter one is left as is.
FOLD_AT = 75
_FOLD = "\r\n "


def escape_text(text: str) -> str:
    r"""Escape a TEXT value (§3.3.11): backslash, semicolon, comma and line breaks.

    Any line break (CR LF, LF or a lone CR) is written ``\n``. A backslash is
    always doubled: ``icalendar`` takes a ``\N`` in its input for a line break,
    airdates keeps it a backslash and an N.
    """
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


_CARET = re.compile('\\^|\r\n|\r|\n|"')
_CARETED = {"^": "^^", "\r\n": "^n", "\r": "^n", "\n": "^n", '"': "^'"}
# Characters that make a parameter value quoted; the right single quotation
# mark too, for clients that take it for an apostrophe.
_QUOTABLE = re.compile("[,;:\u2019]")


def param_value(value: str, *, quote_if: str = "") -> str:
    """Write a parameter value with RFC 6868 caret escapes, quoted for ``,;:`` or ``quote_if``."""
    escaped = _CARET.sub(lambda match: _CARETED[match.group()], value)
    if _QUOTABLE.search(escaped) or any(char in value for char in quote_if):
        return f'"{escaped}"'
    return escaped


def utc_datetime(moment: datetime) -> str:
    """A DATE-TIME in UTC form (``19970714T173000Z``); ``moment`` must be in UTC."""
    return "%04d%02d%02dT%02d%02d%02dZ" % (  # noqa: UP031 - the fastest way to write it
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
    )


def local_datetime(moment: datetime) -> str:
    """A DATE-TIME in floating form (``19970714T133000``): the wall time as written."""
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031 - the fastest way to write it
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
    )


def duration(span: timedelta) -> str:
    """A DURATION (§3.3.6): ``P1D``, ``PT1H30M``, ``-PT15M``; seconds, minutes, hours, days."""
    sign = "-" if span.days < 0 else ""
    span = abs(span)
    time = ""
    if span.seconds:
        hours, rest = divmod(span.seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        time = "T"
        if hours:
            time += f"{hours}H"
        if minutes or (hours and seconds):
            time += f"{minutes}M"
        if seconds:
            time += f"{seconds}S"
    if span.days == 0 and time:
        return f"{sign}P{time}"
    return f"{sign}P{span.days}D{time}"


def utc_offset(offset: timedelta) -> str:
    """A UTC-OFFSET (§3.3.14): ``+0530``, ``-0800``, ``-004430`` with seconds, ``+0000``."""
    sign = "-" if offset < timedelta(0) else "+"
    seconds = abs(int(offset.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if seconds:
        return f"{sign}{hours:02}{minutes:02}{seconds:02}"
    return f"{sign}{hours:02}{minutes:02}"


def fold(line: str) -> str:
    """Fold a content line (§3.1): at most 74 octets a piece, the later ones led by a space.

    A line shorter than 75 octets is returned as it is. A piece never breaks
    a multi-octet character, and never ends on the backslash of a TEXT escape
    or the caret of an RFC 6868 escape: some clients do not join the two
    halves of an escape. This is where airdates differs from the
    ``icalendar`` package: after an escaped backslash (``\\\\``) or caret
    (``^^``) it ends the piece between the pair and the next character, not
    inside the pair.
    """
    pieces: list[str] = []
    piece: list[str] = []
    size = 0
    for char in line:
        width = 1 if char < "\x80" else len(char.encode())
        if piece and size + width >= FOLD_AT:
            if len(piece) > 1 and piece[-1] in "\\^" and _opens_escape(piece):
                carried = piece.pop()
                pieces.append("".join(piece))
                piece, size = [carried], 1
            else:
                pieces.append("".join(piece))
                piece, size = [], 0
        piece.append(char)
        size += width
    if piece:
        pieces.append("".join(piece))
    return _FOLD.join(pieces)


def _opens_escape(piece: list[str]) -> bool:
    """Tell whether the backslash or caret ending ``piece`` starts an escape: an odd run of them."""
    mark, run = piece[-1], 0
    for char in reversed(piece):
        if char != mark:
            break
        run += 1
    return run % 2 == 1
