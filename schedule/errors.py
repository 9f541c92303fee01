"""The errors airdates reports, each carrying where the problem is.

    AirdatesError                 base of everything airdates raises on purpose
     ├── ConfigError              one problem in a config file         (exit 1)
     │    └── RuleError           a rule string that cannot be read    (exit 1)
     ├── ConfigErrors             every ConfigError found in one pass  (exit 1)
     ├── LockTimeout              another publish held the lock        (exit 3)
     └── OutputError              an output could not be written       (exit 4)
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable

__all__ = [
    "AirdatesError",
    "ConfigError",
    "ConfigErrors",
    "LockTimeout",
    "OutputError",
    "RuleError",
]


# The characters str.splitlines() breaks at, as escapes: "\u2028" for U+2028.
_LINE_BREAKS = {
    ord(c): c.encode("unicode_escape").decode()
    for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
}


class AirdatesError(Exception):
    """Base class: a problem airdates explains to its user in one line."""

    exit_code = 1

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle as it is (a forked publishing process hands its errors back), not rebuilt.

        ``Exception`` would call the class again with ``args``, which a
        subclass's ``__init__`` reads differently (a location made twice).
        """
        return _restored, (type(self), self.args, self.__dict__)


def _restored(
    cls: type[AirdatesError], args: tuple[object, ...], state: dict[str, object]
) -> AirdatesError:
    """Return the error ``__reduce__`` pickled."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigError(AirdatesError):
    """One problem in a config file, with its location.

    ``file`` is the file's path as the user gave it, ``key`` the key path
    (``shows[lets-meet].changes[2].at``), ``value`` the offending value,
    ``hint`` a suggested fix, ``line``/``column`` where known (1-based).
    """

    def __init__(  # noqa: PLR0913 - every part of a location is optional
        self,
        message: str,
        *,
        file: str | None = None,
        key: str | None = None,
        value: object = None,
        hint: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.key = key
        self.value = value
        self.hint = hint
        self.line = line
        self.column = column
        super().__init__(self.describe())

    def describe(self) -> str:
        """Return the one-line form: ``file:line:col: key: message (hint)``."""
        where = (self.file or "<config>").translate(_LINE_BREAKS)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.key:
            text += f"{self.key.translate(_LINE_BREAKS)}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        # Every line break splitlines() knows (U+2028, U+0085, CR...): the CLI
        # prints each line of an error on its own. In a file name or a key
        # (TOML lets a quoted key hold any of them) each is written as its escape.
        return _shortened(" ".join(text.splitlines()))

    def located(self, *, file: str | None = None, key_prefix: str | None = None) -> ConfigError:
        """Return a copy placed in ``file`` and under ``key_prefix`` (``shows[x]``)."""
        clone = copy.copy(self)
        clone.file = file or self.file
        if key_prefix:
            joiner = "" if not self.key or self.key.startswith("[") else "."
            clone.key = f"{key_prefix}{joiner}{self.key or ''}"
        clone.args = (clone.describe(),)
        return clone


# A quoted value, as repr() or the messages quote one: '...' or "...", escapes inside.
# Not from an apostrophe: a quote opens after no letter and closes before none ("Let's").
_QUOTED = re.compile(r"(?<!\w)(?:'(?:[^'\\]|\\.)*'" "|" r'"(?:[^"\\]|\\.)*")(?!\w)')
_LONGEST_QUOTE = 80  # characters of a quoted value an error shows before cutting its middle
_LONG_LINE = 300


def _shortened(text: str) -> str:
    """Return ``text`` with the middle of each long quoted value cut: 'xxxx…xxxx'.

    A 5,000-character value quoted in full (twice, by some messages) makes a
    line no one reads, and a mail to the cron job's owner longer than the 998
    characters a mail line may hold.
    """
    if len(text) <= _LONG_LINE:
        return text

    def cut(found: re.Match[str]) -> str:
        quoted = found.group()
        if len(quoted) <= _LONGEST_QUOTE:
            return quoted
        return f"{quoted[:_LONGEST_QUOTE - 20]}…{quoted[-19:]}"

    return _QUOTED.sub(cut, text)


class RuleError(ConfigError):
    """A rule string with a word that cannot be read; ``word`` is that word."""

    def __init__(self, message: str, *, word: str | None = None, **location: object) -> None:
        self.word = word
        super().__init__(message, **location)  # type: ignore[arg-type]


class ConfigErrors(AirdatesError):
    """Every problem found in one pass over a config, in file order."""

    def __init__(self, errors: Iterable[ConfigError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(e.describe() for e in self.errors))


class LockTimeout(AirdatesError):
    """Another publish held the state lock for longer than ``--wait``."""

    exit_code = 3


class OutputError(AirdatesError):
    """An output file could not be written; ``path`` is the file."""

    exit_code = 4

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(message)
