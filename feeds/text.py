"""Text from a config, made safe for the formats that carry it."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["xml_safe"]

# XML 1.0 allows tab, newline and carriage return below 0x20, nothing in
# 0x7F-0x84 or 0x86-0x9F is forbidden but discouraged; the surrogates and
# U+FFFE/U+FFFF are not characters at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# The same few texts (a show's title, its categories, its channel's name) pass
# through here for every airing in every format: remembering the last few
# thousand answers costs a dictionary lookup where the pattern cost five.
# ``typed``: a Markup string is never answered with a plain one, nor back.
@lru_cache(maxsize=8192, typed=True)
def xml_safe(text: str) -> str:
    """Return ``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)
