"""Which characters of a config's text reach the published files.

Every format drops the same ones, so a title reads the same everywhere: the C0
controls but tab, newline and carriage return (XML 1.0 cannot carry them), DEL
and the C1 controls U+0080-U+009F (XML 1.0 discourages them, a guide validator
rejects a file holding one; they come from text decoded as Latin-1 that was
Windows-1252), surrogates, U+FFFE and U+FFFF (not characters at all).
"""

from __future__ import annotations

import re

__all__ = ["UNWRITABLE", "blank"]

UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def blank(text: str) -> bool:
    """Tell whether ``text`` says nothing once published: only whitespace and dropped characters."""
    return not UNWRITABLE.sub("", text).strip()
