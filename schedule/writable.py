"""Which characters of a config's text reach the published files.

Every format drops the same ones, so a title reads the same everywhere: the C0
controls but tab, newline and carriage return (XML 1.0 cannot carry them), DEL
and the C1 controls U+0080-U+009F (XML 1.0 discourages them, a guide validator
rejects a file holding one; they come from text decoded as Latin-1 that was
Windows-1252), surrogates, U+FFFE and U+FFFF (not characters at all).

And how long a text may be: a title is written into every airing of its show
in every format, a description into many. A page pasted into a title by
mistake (2 MB) made 588 MB of files; ten times that ended the publish out of
memory.
"""

from __future__ import annotations

import re

__all__ = ["PROSE_LIMIT", "TITLE_LIMIT", "UNWRITABLE", "blank", "overlong"]

UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
TITLE_LIMIT = 1_000  # characters of a title or a name
PROSE_LIMIT = 100_000  # characters of a description, a summary or a reason


# Published, but seen by no one: zero-width spaces and joiners, direction marks,
# embeddings and isolates, the soft hyphen, the word joiner, a stray byte-order mark.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def blank(text: str) -> bool:
    """Tell whether ``text`` says nothing once published: no character anyone can see."""
    return not _INVISIBLE.sub("", UNWRITABLE.sub("", text)).strip()


def overlong(text: str, limit: int) -> str | None:
    """Return what is wrong with ``text`` when it is longer than ``limit`` characters, else None."""
    if len(text) <= limit:
        return None
    return f"is {len(text):,} characters long; at most {limit:,} are published"
