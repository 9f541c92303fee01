"""Text a user can type that formats must carry intact (less XML-forbidden controls)."""

from __future__ import annotations

import re

HOSTILE = {
    "script": "<script>alert('x')</script>",
    "entity": "Tom &amp; Jerry & friends &lt;",
    "quotes": "\"double\" and 'single' and `back`",
    "emoji_zwj": "Family 👨‍👩‍👧‍👦 and flags 🇨🇳🇬🇧 and 🏳️‍🌈",
    "cjk_fold": "重庆卫视国际频道" * 12,
    "accents_fold": "Crème brûlée à la façon de Zoë — naïve café " * 4,
    "rtl": "مرحبا بكم في تشونغتشينغ עברית",
    "controls": "bell\x07 null\x00 escape\x1b tab\t end",
    # Windows-1252 text read as Latin-1: C1 controls where the quotes and dashes were.
    "c1_controls": "It\x92s \x93on\x94 \x96 now\x85 delete\x7f \xa0end",
    "c1_only": "It\x92s \x93on\x94 now",  # nothing else a format escapes or drops
    "ical_specials": "a;b,c\\d:e",
    "crlf": "line one\r\nline two\nline three",
    "cdata_end": "]]> and <![CDATA[ x ]]>",
    "long": "Long description. " * 1112,
}

# What XML 1.0 forbids (C0 controls), and what it discourages and guide
# validators refuse (DEL, C1 controls).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def expected(text: str) -> str:
    """Return what a consumer must see: ``text`` without the control characters XML shuns."""
    return _XML_FORBIDDEN.sub("", text)
