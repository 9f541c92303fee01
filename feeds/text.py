"""Text from a config, made safe for the formats that carry it."""

from __future__ import annotations

from functools import lru_cache

from schedule.writable import UNWRITABLE

__all__ = ["element", "xml_attribute", "xml_safe", "xml_text"]


# The same few texts (a show's title, its categories, its channel's name) pass
# through here for every airing in every format: remembering the last few
# thousand answers costs a dictionary lookup where the pattern cost five.
# ``typed``: a Markup string is never answered with a plain one, nor back.
@lru_cache(maxsize=8192, typed=True)
def xml_safe(text: str) -> str:
    """Return ``text`` without the characters no format carries (``schedule.writable``)."""
    return UNWRITABLE.sub("", text)


# libxml2's escaping, as lxml writes a document: in element text ``&``, ``<``,
# ``>`` and carriage return; in an attribute value those, the quote, newline
# and tab too (``&`` goes first).
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\n", "&#10;"), ("\t", "&#9;"))


def xml_text(value: str) -> str:
    """Escape XML-safe element text as libxml2 does."""
    return _escaped(value, _TEXT_ESCAPES)


def xml_attribute(value: str) -> str:
    """Escape an XML-safe attribute value (for double quotes) as libxml2 does."""
    return _escaped(value, _ATTRIBUTE_ESCAPES)


def _escaped(value: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, entity in escapes:
        if char in value:
            value = value.replace(char, entity)
    return value


def element(indent: str, tag: str, text: str) -> str:
    """Return a line holding ``<tag>text</tag>`` (text escaped), as lxml pretty-prints it."""
    return f"{indent}<{tag}>{xml_text(text)}</{tag}>\n"
