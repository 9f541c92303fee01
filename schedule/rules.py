"""Recurrence rules: the human forms of the config and RFC 5545 RRULEs, as one value.

A :class:`Rule` says which local days and which local times of day a show
airs; ``parse_rule`` reads the human forms of SPEC §3 ("every Wednesday and
Saturday at 6 PM") and ``parse_rrule`` the RFC 5545 RRULE values, and both
give the same normalised value, so ``airdates check`` can print one RRULE
whichever form the user wrote.

Several times of day: an RRULE expands BYHOUR x BYMINUTE, so times such as
09:30 and 18:00 cannot be one RRULE. ``Rule.to_rrule`` then returns one RRULE
per group of hours sharing the same minutes, joined by newlines (every line
has the same FREQ/INTERVAL/BYDAY parts); ``parse_rrule`` accepts such lines
back and joins their times, so ``parse_rrule(rule.to_rrule()) == rule``
always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, Literal

from schedule.errors import RuleError
from schedule.hints import closest
from schedule.pickling import pickled_as_tuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["Rule", "parse_rrule", "parse_rule"]

Frequency = Literal["DAILY", "WEEKLY", "MONTHLY"]

_RFC_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_MAX_POSITION = 5  # a month holds at most five of any weekday
_MAX_MONTHDAY = 31


def _signed_order(value: int) -> tuple[bool, int]:
    """Sort key: counted-from-the-start values first, then counted-from-the-end."""
    return (value < 0, value)


@pickled_as_tuple
@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A normalised recurrence: which local days, at which local times.

    ``weekdays`` are 0 = Monday .. 6 = Sunday (WEEKLY, or DAILY restricted to
    days); ``positions`` are ``(n, weekday)`` pairs for MONTHLY rules by
    weekday position (``(1, 0)`` first Monday, ``(-1, 4)`` last Friday);
    ``monthdays`` are MONTHLY days of the month (negative: counted from the
    month's end, -1 is the last day); ``times`` the local times of day,
    sorted. ``interval`` counts days, weeks or months from the rule's first
    date. A WEEKLY rule without weekdays airs on its first date's weekday
    and a MONTHLY rule without days on its first date's day (RFC 5545 takes
    both from DTSTART). Fields are sorted and de-duplicated on creation, so
    equal rules compare equal however they were written.
    """

    freq: Frequency
    times: tuple[time, ...]
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    positions: tuple[tuple[int, int], ...] = ()
    monthdays: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        """Normalise the field order and reject values no rule can have."""
        object.__setattr__(self, "times", tuple(sorted(set(self.times))))
        object.__setattr__(self, "weekdays", tuple(sorted(set(self.weekdays))))
        positions = sorted(set(self.positions), key=lambda p: (*_signed_order(p[0]), p[1]))
        object.__setattr__(self, "positions", tuple(positions))
        object.__setattr__(self, "monthdays", tuple(sorted(set(self.monthdays), key=_signed_order)))
        problem = _rule_problem(self)
        if problem:
            raise ValueError(problem)

    def to_rrule(self) -> str:
        """Return the RFC 5545 RRULE value (without ``RRULE:``).

        Times that are not one BYHOUR x BYMINUTE product give one line per
        group of hours sharing their minutes (see the module docstring).
        """
        head = [f"FREQ={self.freq}"]
        if self.interval > 1:
            head.append(f"INTERVAL={self.interval}")
        byday = [_RFC_DAYS[d] for d in self.weekdays]
        byday += [f"{n}{_RFC_DAYS[d]}" for n, d in self.positions]
        if byday:
            head.append("BYDAY=" + ",".join(byday))
        if self.monthdays:
            head.append("BYMONTHDAY=" + ",".join(map(str, self.monthdays)))
        lines = []
        for hours, minutes in _time_blocks(self.times):
            parts = [*head, "BYHOUR=" + _join(hours), "BYMINUTE=" + _join(minutes)]
            lines.append(";".join(parts))
        return "\n".join(lines)


def _join(numbers: Iterable[int]) -> str:
    return ",".join(map(str, numbers))


def _rule_problem(rule: Rule) -> str | None:  # noqa: PLR0911 - one return per kind of problem
    """Return why ``rule`` is impossible, or None."""
    if rule.freq not in ("DAILY", "WEEKLY", "MONTHLY"):
        return f"freq must be DAILY, WEEKLY or MONTHLY, not {rule.freq!r}"
    if not rule.times:
        return "a rule needs at least one time of day"
    if any(t.second or t.microsecond or t.tzinfo for t in rule.times):
        return "times of day are local and whole minutes"
    if not 1 <= rule.interval <= _MAX_INTERVAL:
        return f"interval must be from 1 to {_MAX_INTERVAL}"
    if any(not 0 <= d <= 6 for d in rule.weekdays):  # noqa: PLR2004 - Sunday
        return "weekdays run from 0 (Monday) to 6 (Sunday)"
    if (rule.positions or rule.monthdays) and rule.freq != "MONTHLY":
        return "positions and days of the month need a MONTHLY rule"
    if any(not _valid_position(n) or not 0 <= d <= 6 for n, d in rule.positions):  # noqa: PLR2004
        return "positions run from 1 to 5 or -5 to -1"
    if any(not _valid_monthday(d) for d in rule.monthdays):
        return "days of the month run from 1 to 31 or -31 to -1"
    return None


def _valid_position(n: int) -> bool:
    return 1 <= abs(n) <= _MAX_POSITION


def _valid_monthday(d: int) -> bool:
    return 1 <= abs(d) <= _MAX_MONTHDAY


def _time_blocks(times: Sequence[time]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Split times into (hours, minutes) products, fewest lines, earliest first.

    Hours that share the same set of minutes form one product; a rule whose
    times are one product (12:00 and 18:00) stays one line.
    """
    minutes_of: dict[int, set[int]] = {}
    for t in times:
        minutes_of.setdefault(t.hour, set()).add(t.minute)
    blocks: dict[tuple[int, ...], list[int]] = {}
    for hour in sorted(minutes_of):
        blocks.setdefault(tuple(sorted(minutes_of[hour])), []).append(hour)
    return [(tuple(hours), minutes) for minutes, hours in blocks.items()]


# --- RFC 5545 RRULE values -------------------------------------------------

_UNSUPPORTED_PARTS = {
    "COUNT": "airdates rules end on a date: give the last date with the `until` key",
    "UNTIL": "give the last date with the `until` key of [[shows.airs]]",
    "DTSTART": "give the first date with the `from` key of [[shows.airs]]",
    "BYSETPOS": "write the position in BYDAY instead, e.g. BYDAY=-1FR for the last Friday",
    "BYMONTH": "use `from` and `until` to limit a rule to some months",
    "BYYEARDAY": "use FREQ=MONTHLY with BYMONTHDAY, or an extra for a one-off airing",
    "BYWEEKNO": "use FREQ=WEEKLY with INTERVAL, counted from the `from` date",
}
_LINE_HINTS = {
    "DTSTART": _UNSUPPORTED_PARTS["DTSTART"],
    "EXDATE": "cancel single airings with [[shows.changes]]",
    "RDATE": "add single airings with [[shows.extras]]",
}
_FREQUENCIES: dict[str, Frequency] = {"DAILY": "DAILY", "WEEKLY": "WEEKLY", "MONTHLY": "MONTHLY"}
_FREQ_HINTS = {
    "YEARLY": "use FREQ=MONTHLY;INTERVAL=12, or an extra for a one-off airing",
    "HOURLY": "list the hours in BYHOUR with FREQ=DAILY",
    "MINUTELY": "list the times in BYHOUR and BYMINUTE with FREQ=DAILY",
    "SECONDLY": "list the times in BYHOUR and BYMINUTE with FREQ=DAILY",
}
_KNOWN_PARTS = ("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST")
_BYDAY_ITEM = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_MAX_INTERVAL = 10_000  # days, weeks or months between airings: more is a typo
_NUMBER = re.compile(r"[+-]?\d{1,5}")  # five digits: up to _MAX_INTERVAL


def parse_rrule(text: str) -> Rule:
    """Read an RFC 5545 RRULE value ("FREQ=WEEKLY;BYDAY=WE,SA;BYHOUR=18").

    The value may start with ``RRULE:``. Several lines that differ only in
    BYHOUR/BYMINUTE (what ``Rule.to_rrule`` writes for times that are not one
    product) are read as one rule with all their times. Raises RuleError
    naming the part it could not read.
    """
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        message = "empty RRULE"
        raise RuleError(message, word="", value=text, hint="e.g. FREQ=WEEKLY;BYDAY=WE;BYHOUR=18")
    if "=" not in text:
        hint = "this looks like a rule in words: use the `rule` key"
        message = f"{text.strip()!r} is not an RRULE"
        raise RuleError(message, word=text.strip(), value=text, hint=hint)
    rules = [_parse_rrule_line(line, text) for line in lines]
    return _merge_lines(lines, rules, text)


def _merge_lines(lines: list[str], rules: list[Rule], text: str) -> Rule:
    """Join one-line rules that differ only in their times."""
    first = rules[0]
    times: set[time] = set()
    for line, rule in zip(lines, rules, strict=True):
        if rule.freq != first.freq or _days_of(rule) != _days_of(first):
            message = f"RRULE line {line!r} differs from the first in more than BYHOUR/BYMINUTE"
            hint = "write each rule in its own [[shows.airs]] entry"
            raise RuleError(message, word=line, value=text, hint=hint)
        times.update(rule.times)
    return Rule(
        freq=first.freq,
        times=tuple(times),
        interval=first.interval,
        weekdays=first.weekdays,
        positions=first.positions,
        monthdays=first.monthdays,
    )


def _days_of(rule: Rule) -> tuple[object, ...]:
    return (rule.interval, rule.weekdays, rule.positions, rule.monthdays)


def _parse_rrule_line(line: str, text: str) -> Rule:
    """Read one RRULE line into a Rule."""
    body = line[len("RRULE:") :] if line.upper().startswith("RRULE:") else line
    other = re.match(r"([A-Za-z-]+)[:;]", body)
    if other:
        # a whole VEVENT property line pasted in, such as DTSTART:20260103T180000
        name = other.group(1).upper()
        hint = _LINE_HINTS.get(name, "give only the RRULE value, e.g. FREQ=WEEKLY;BYDAY=WE")
        raise _rrule_error(line, text, "is not an RRULE value", hint=hint)
    parts = _rrule_parts(body, text)
    freq = _rrule_freq(parts, text)
    interval = _rrule_int(parts, "INTERVAL", default="1", low=1, high=_MAX_INTERVAL, text=text)
    _check_wkst(parts, freq, interval, text)
    _rrule_seconds(parts, text)
    weekdays, positions = _rrule_byday(parts, freq, text)
    monthdays = _rrule_monthdays(parts, freq, text)
    times = _rrule_times(parts, text)
    return Rule(
        freq=freq,
        times=times,
        interval=interval,
        weekdays=weekdays,
        positions=positions,
        monthdays=monthdays,
    )


def _rrule_parts(body: str, text: str) -> dict[str, str]:
    """Split ``NAME=VALUE;...`` into upper-case names and values."""
    parts: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in body.split(";"))):
        name, equals, value = part.partition("=")
        name = name.strip().upper()
        if not equals or not value.strip():
            raise _rrule_error(part, text, "is not NAME=VALUE", hint="e.g. BYHOUR=18")
        if name in parts:
            raise _rrule_error(part, text, f"repeats {name}", hint=f"give {name} once")
        if name in _UNSUPPORTED_PARTS:
            raise _rrule_error(part, text, "is not supported", hint=_UNSUPPORTED_PARTS[name])
        if name not in _KNOWN_PARTS:
            raise _rrule_error(
                part, text, "is not an RRULE part", hint=_suggest(name, _KNOWN_PARTS)
            )
        parts[name] = value.strip().upper()
    return parts


def _rrule_error(part: str, text: str, problem: str, *, hint: str | None = None) -> RuleError:
    return RuleError(f"RRULE part {part!r} {problem}", word=part, value=text, hint=hint)


def _rrule_freq(parts: dict[str, str], text: str) -> Frequency:
    if "FREQ" not in parts:
        hint = "start with FREQ=DAILY, FREQ=WEEKLY or FREQ=MONTHLY"
        message = f"RRULE {text.strip()!r} has no FREQ part"
        raise RuleError(message, word=text.strip(), value=text, hint=hint)
    freq = parts["FREQ"]
    if freq in _FREQUENCIES:
        return _FREQUENCIES[freq]
    other_hint = _FREQ_HINTS.get(freq) or _suggest(freq, _FREQUENCIES)
    part = f"FREQ={freq}"
    raise _rrule_error(part, text, "is not DAILY, WEEKLY or MONTHLY", hint=other_hint)


def _rrule_int(  # noqa: PLR0913 - a part, its default and its range
    parts: dict[str, str], name: str, *, default: str, low: int, high: int, text: str
) -> int:
    values = _rrule_ints(parts, name, default=default, low=low, high=high, text=text)
    if len(values) != 1:
        part = f"{name}={parts[name]}"
        raise _rrule_error(part, text, "takes one number")
    return values[0]


def _rrule_ints(  # noqa: PLR0913 - a part, its default and its range
    parts: dict[str, str], name: str, *, default: str, low: int, high: int, text: str
) -> list[int]:
    """Read a comma list of whole numbers in ``low..high`` (0 is never valid for negatives)."""
    raw = parts.get(name, default)
    values = []
    for item in raw.split(","):
        item = item.strip()  # noqa: PLW2901 - the stripped item is the item
        if (
            not _NUMBER.fullmatch(item)
            or not low <= int(item) <= high
            or (low < 0 and int(item) == 0)
        ):
            problem = f"has {item!r}, not a number from {low} to {high}"
            part = f"{name}={raw}"
            raise _rrule_error(part, text, problem)
        values.append(int(item))
    return values


def _check_wkst(parts: dict[str, str], freq: Frequency, interval: int, text: str) -> None:
    """Accept WKST where it changes nothing; airdates weeks start on Monday."""
    wkst = parts.get("WKST", "MO")
    part = f"WKST={wkst}"
    if wkst not in _RFC_DAYS:
        raise _rrule_error(part, text, "is not a weekday", hint="WKST=MO")
    if wkst != "MO" and freq == "WEEKLY" and interval > 1:
        hint = "airdates counts weeks from Monday: use WKST=MO"
        raise _rrule_error(part, text, "is not supported with INTERVAL", hint=hint)


def _rrule_seconds(parts: dict[str, str], text: str) -> None:
    if parts.get("BYSECOND", "0") != "0":
        hint = "airings start on whole minutes: use BYSECOND=0 or leave it out"
        part = f"BYSECOND={parts['BYSECOND']}"
        raise _rrule_error(part, text, "is not supported", hint=hint)


def _rrule_byday(
    parts: dict[str, str], freq: Frequency, text: str
) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
    """Read BYDAY into plain weekdays and (MONTHLY) weekday positions."""
    if "BYDAY" not in parts:
        return (), ()
    weekdays: list[int] = []
    positions: list[tuple[int, int]] = []
    for item in parts["BYDAY"].split(","):
        match = _BYDAY_ITEM.fullmatch(item.strip())
        part = f"BYDAY={parts['BYDAY']}"
        if not match:
            hint = _suggest(item.strip(), _RFC_DAYS) or "weekdays are MO TU WE TH FR SA SU"
            raise _rrule_error(part, text, f"has {item!r}, not a weekday", hint=hint)
        day = _RFC_DAYS.index(match.group(2))
        if match.group(1) is None:
            weekdays.append(day)
            continue
        n = int(match.group(1))
        if freq != "MONTHLY":
            hint = "numbered weekdays (1MO, -1FR) need FREQ=MONTHLY"
            raise _rrule_error(part, text, f"has {item!r} in a {freq} rule", hint=hint)
        if not _valid_position(n):
            raise _rrule_error(part, text, f"has {item!r}: a month has weeks 1 to 5 or -5 to -1")
        positions.append((n, day))
    return tuple(weekdays), tuple(positions)


def _rrule_monthdays(parts: dict[str, str], freq: Frequency, text: str) -> tuple[int, ...]:
    if "BYMONTHDAY" not in parts:
        return ()
    if freq != "MONTHLY":
        part = f"BYMONTHDAY={parts['BYMONTHDAY']}"
        raise _rrule_error(part, text, f"in a {freq} rule", hint="use FREQ=MONTHLY")
    return tuple(_rrule_ints(parts, "BYMONTHDAY", default="", low=-31, high=31, text=text))


def _rrule_times(parts: dict[str, str], text: str) -> tuple[time, ...]:
    if "BYHOUR" not in parts:
        hint = "add BYHOUR (and BYMINUTE), e.g. BYHOUR=18;BYMINUTE=0 for 6 PM"
        message = f"RRULE {text.strip()!r} has no time of day"
        raise RuleError(message, word=text.strip(), value=text, hint=hint)
    hours = _rrule_ints(parts, "BYHOUR", default="", low=0, high=23, text=text)
    minutes = _rrule_ints(parts, "BYMINUTE", default="0", low=0, high=59, text=text)
    return tuple(time(h, m) for h in hours for m in minutes)


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    """Return "did you mean 'X'?" for the nearest choice, or None."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    # 0.5 lets two-letter slips through ("PN" for "pm"); it is only ever a hint
    near = closest(word.lower(), lowered, cutoff=0.5)
    return f"did you mean {lowered[near]!r}?" if near else None


# --- Human forms (SPEC §3) ----------------------------------------------------

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_WORDS: dict[str, frozenset[int]] = {}
for _i, _name in enumerate(_DAY_NAMES):
    for _form in (_name, _name + "s"):
        _DAY_WORDS[_form.lower()] = frozenset({_i})
for _form, _i in (
    ("mon", 0), ("mons", 0), ("tue", 1), ("tues", 1), ("wed", 2), ("weds", 2),
    ("thu", 3), ("thur", 3), ("thurs", 3), ("fri", 4), ("fris", 4),
    ("sat", 5), ("sats", 5), ("sun", 6), ("suns", 6),
):  # fmt: skip
    _DAY_WORDS[_form] = frozenset({_i})
for _form in ("weekday", "weekdays"):
    _DAY_WORDS[_form] = frozenset(range(5))
for _form in ("weekend", "weekends"):
    _DAY_WORDS[_form] = frozenset({5, 6})

_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_NUMERIC_ORDINAL = re.compile(r"(\d{1,3})(st|nd|rd|th)")
_UNITS = {
    "day": ("day", False), "days": ("day", False), "daily": ("day", True),
    "week": ("week", False), "weeks": ("week", False), "weekly": ("week", True),
    "month": ("month", False), "months": ("month", False), "monthly": ("month", True),
}  # fmt: skip
_EVERY = frozenset({"every", "each"})
_FILLERS = frozenset({"on", "the", "of", "and", ",", "&", "in"})
_SPECIAL_INTERVALS = {"biweekly": 2, "fortnightly": 2}
_MERIDIEMS = {"am": 0, "a.m.": 0, "pm": 12, "p.m.": 12}
_NAMED_TIMES = {"noon": time(12), "midday": time(12), "midnight": time(0)}
_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)?")
_FREQ_OF_UNIT: dict[str, Frequency] = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}

_DAY_VOCABULARY = (
    *_DAY_NAMES, "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun",
    "weekdays", "weekends", "every", "each", "other", "daily", "day", "days", "week", "weeks",
    "weekly", "month", "months", "monthly", "first", "second", "third", "fourth", "fifth",
    "last", "of", "on", "the", "and", "at",
)  # fmt: skip
_TIME_VOCABULARY = ("am", "pm", "noon", "midday", "midnight", "and", "at")


@dataclass(frozen=True, slots=True)
class _Token:
    """One word of a human rule: as written, and lower-cased for matching."""

    text: str
    word: str


def parse_rule(text: str) -> Rule:
    """Read a human rule ("every Wednesday and Saturday at 6 PM").

    Case-insensitive; the forms are those of SPEC §3 plus their obvious
    variants ("each", "of each month", "every 3 days", "second Tuesday").
    Raises RuleError quoting the word it could not read, with a hint.
    """
    tokens = _tokenize(text)
    if not tokens:
        message = "empty rule"
        raise RuleError(message, word="", value=text, hint="e.g. 'every Wednesday at 6 PM'")
    if re.match(r"\s*(RRULE:|FREQ=)", text, re.IGNORECASE):
        hint = "use the `rrule` key for an RRULE"
        message = f"{text.strip()!r} is an RRULE, not a rule in words"
        raise RuleError(message, word=tokens[0].text, value=text, hint=hint)
    day_part, time_part = _split_at_time(tokens, text)
    times = _parse_times(time_part, text)
    return _parse_days(day_part, times, text)


def _tokenize(text: str) -> list[_Token]:
    """Split on spaces and commas; commas and '&' become words of their own."""
    tokens = []
    for match in re.finditer(r"[^\s,&]+|[,&]", text):
        raw = match.group()
        word = raw.lower()
        if re.fullmatch(r"[a-z]+\.", word) and word[:-1] not in {"a.m", "p.m"}:
            word = word[:-1]  # "Mon." is Mon
        tokens.append(_Token(raw, "at" if word == "@" else word))
    return tokens


def _split_at_time(tokens: list[_Token], text: str) -> tuple[list[_Token], list[_Token]]:
    """Split the words into the days part and the times part (after "at")."""
    for index, token in enumerate(tokens):
        if token.word == "at":
            return tokens[:index], tokens[index + 1 :]
    for index in range(len(tokens)):
        if _looks_like_time(tokens, index):
            return tokens[:index], tokens[index:]
    hint = "add a time, e.g. 'at 6 PM' or 'at 18:00'"
    message = f"rule {text!r} has no time of day"
    raise RuleError(message, word=None, value=text, hint=hint)


def _looks_like_time(tokens: list[_Token], index: int) -> bool:
    word = tokens[index].word
    if word in _NAMED_TIMES or ":" in word:
        return True
    match = _CLOCK.fullmatch(word)
    if not match:
        return False
    following = tokens[index + 1].word if index + 1 < len(tokens) else ""
    return bool(match.group(3)) or following in _MERIDIEMS


def _parse_times(tokens: list[_Token], text: str) -> tuple[time, ...]:
    """Read "6 PM", "18:00 and 21:30", "noon", ... into times of day."""
    times: list[time] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.word in {"and", ",", "&", "at"}:
            index += 1
        elif token.word in _NAMED_TIMES:
            if index and tokens[index - 1].word not in {"and", ",", "&", "at"}:
                # "noon midnight": two times written as one (after a clock, _parse_clock says so)
                raise _named_after_clock(tokens[index - 1], token, text)
            times.append(_NAMED_TIMES[token.word])
            index += 1
        else:
            parsed, index = _parse_clock(tokens, index, text)
            times.append(parsed)
    if not times:
        hint = "e.g. 'at 6 PM' or 'at 18:00'"
        message = f"rule {text!r} has no time of day"
        raise RuleError(message, word=None, value=text, hint=hint)
    return tuple(times)


def _parse_clock(tokens: list[_Token], index: int, text: str) -> tuple[time, int]:
    """Read one clock time starting at ``index``; return it and the next index."""
    token = tokens[index]
    match = _CLOCK.fullmatch(token.word)
    if not match:
        raise _unreadable(token, text, _TIME_VOCABULARY, "e.g. '6 PM', '18:00' or 'noon'")
    meridiem = match.group(3)
    index += 1
    if not meridiem and index < len(tokens) and tokens[index].word in _MERIDIEMS:
        meridiem = tokens[index].word
        token = _Token(f"{token.text} {tokens[index].text}", token.word)  # quote "13 PM" whole
        index += 1
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if meridiem:
        return _twelve_hour(token, hour, minute, meridiem, text), index
    if index < len(tokens) and tokens[index].word in _NAMED_TIMES:
        raise _named_after_clock(token, tokens[index], text)
    if match.group(2) is None:
        if index < len(tokens) and tokens[index].word not in {"and", ",", "&"}:
            raise _unreadable(tokens[index], text, _TIME_VOCABULARY, "e.g. 'PM'")
        hint = (
            f"write '{hour} AM', '{hour} PM' or '{hour:02d}:00'"
            if 1 <= hour <= 12  # noqa: PLR2004 - the clock face
            else f"write '{hour:02d}:00'" if hour <= 23  # noqa: PLR2004 - the last hour
            else "e.g. '18:00'; times run from 00:00 to 23:59"
        )
        raise _bad_time(token, text, hint)
    if hour > 23 or minute > 59:  # noqa: PLR2004 - the last hour and minute of a day
        raise _bad_time(token, text, "e.g. '18:00'; times run from 00:00 to 23:59")
    return time(hour, minute), index


def _twelve_hour(token: _Token, hour: int, minute: int, meridiem: str, text: str) -> time:
    """Turn 1..12 AM/PM into a time of day (12 AM is midnight, 12 PM noon)."""
    if not 1 <= hour <= 12 or minute > 59:  # noqa: PLR2004 - the clock face
        raise _bad_time(token, text, "with AM or PM the hour runs from 1 to 12")
    return time(hour % 12 + _MERIDIEMS[meridiem], minute)


def _named_after_clock(clock: _Token, named: _Token, text: str) -> RuleError:
    """Return the error for "12 midnight", "12:00 noon": one time written twice."""
    written = f"{clock.text} {named.text}"
    hint = f"write '{named.text}' alone, or '{_NAMED_TIMES[named.word].strftime('%H:%M')}'"
    return RuleError(f"{written!r} is not a time of day", word=written, value=text, hint=hint)


def _bad_time(token: _Token, text: str, hint: str) -> RuleError:
    message = f"{token.text!r} is not a time of day"
    return RuleError(message, word=token.text, value=text, hint=hint)


def _unreadable(token: _Token, text: str, vocabulary: Iterable[str], fallback: str) -> RuleError:
    """Return the error for a word the parser does not know, with the nearest known word."""
    hint = _suggest(token.word, vocabulary) or fallback
    return RuleError(
        f"cannot read {token.text!r} in rule {text!r}", word=token.text, value=text, hint=hint
    )


@dataclass(frozen=True, slots=True)
class _Word:
    """A classified word of the days part.

    ``kind`` is one of days, ordinal, number, unit, every, other, interval,
    filler; ``days``/``number``/``unit`` hold what the word says.
    """

    kind: str
    token: _Token
    days: frozenset[int] = frozenset()
    number: int = 0
    unit: str = ""
    standalone: bool = False


def _classify(token: _Token, text: str) -> _Word:  # noqa: PLR0911 - one return per kind of word
    """Say what one word of the days part is, or raise the unreadable-word error."""
    word = token.word
    if word in _DAY_WORDS:
        return _Word("days", token, days=_DAY_WORDS[word])
    if word in _ORDINAL_WORDS:
        return _Word("ordinal", token, number=_ORDINAL_WORDS[word])
    if _NUMERIC_ORDINAL.fullmatch(word):
        return _Word("ordinal", token, number=int(word[:-2]))
    if word.isdigit() and len(word) <= len(str(_MAX_INTERVAL)):
        return _Word("number", token, number=int(word))
    if word in _UNITS:
        unit, standalone = _UNITS[word]
        return _Word("unit", token, unit=unit, standalone=standalone)
    if word in _EVERY:
        return _Word("every", token)
    if word == "other":
        return _Word("other", token)
    if word in _SPECIAL_INTERVALS:
        return _Word("interval", token, number=_SPECIAL_INTERVALS[word])
    if word in _FILLERS:
        return _Word("filler", token)
    raise _unreadable(token, text, _DAY_VOCABULARY, "e.g. 'every Wednesday', 'daily'")


def _parse_days(tokens: list[_Token], times: tuple[time, ...], text: str) -> Rule:
    """Read the days part ("every other Monday", "last Friday of the month")."""
    words = [_classify(token, text) for token in tokens]
    freq = _frequency(words, text)
    interval, words = _take_interval(words, freq, text)
    meaningful = [w for w in words if w.kind not in {"filler", "every"}]
    if freq == "MONTHLY":
        # "of" stays: ordinals before it, with no day between, are days of the month.
        grouped = [
            w for w in words if w.kind != "every" and (w.kind != "filler" or w.token.word == "of")
        ]
        return _monthly(grouped, times, interval, text)
    if freq == "DAILY":
        if meaningful:
            raise _misplaced(meaningful[0], text, "a daily rule names no days")
        return Rule(freq="DAILY", times=times, interval=interval)
    weekdays: set[int] = set()
    for word in meaningful:
        if word.kind != "days":
            raise _misplaced(word, text, _weekly_hint(word))
        weekdays |= word.days
    return Rule(freq="WEEKLY", times=times, interval=interval, weekdays=tuple(weekdays))


def _misplaced(word: _Word, text: str, hint: str | None = None) -> RuleError:
    """Return the error for a known word in a place where it means nothing."""
    written = word.token.text
    message = f"cannot use {written!r} here in rule {text!r}"
    return RuleError(message, word=written, value=text, hint=hint)


def _weekly_hint(word: _Word) -> str:
    if word.kind == "ordinal":
        return "for a monthly rule add 'of every month'; for every other week write 'every other'"
    return "e.g. 'every Monday', 'every 2 weeks on Tuesday'"


def _frequency(words: list[_Word], text: str) -> Frequency:
    """Months win over day names, which win over plain days."""
    units = {w.unit for w in words if w.kind == "unit"}
    if "month" in units:
        return "MONTHLY"
    if "week" in units or any(w.kind in {"days", "interval"} for w in words):
        return "WEEKLY"
    if "day" in units:
        return "DAILY"
    written = words[0].token.text if words else None
    hint = "say which days, e.g. 'every Wednesday', 'daily', 'first Monday of every month'"
    message = f"rule {text!r} names no days"
    raise RuleError(message, word=written, value=text, hint=hint)


def _take_interval(words: list[_Word], freq: Frequency, text: str) -> tuple[int, list[_Word]]:
    """Find "every other", "every 2 weeks", "biweekly"...; return it and the other words.

    The unit word of the rule's own frequency ("weeks" in a weekly rule) is
    used up too; any other unit stays, to be read (or refused) later. An
    interval covers the whole rule: one given to some of its days only
    ("every other Monday and every Thursday") is refused, not spread.
    """
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month"}[freq]
    interval: int | None = None
    rest: list[_Word] = []
    for index, word in enumerate(words):
        found = _interval_at(words, index, unit, text)
        if found is None:
            if not (word.kind == "unit" and word.unit == unit):
                rest.append(word)
            continue
        if interval is not None:
            raise _misplaced(word, text, "give one interval")
        if freq == "MONTHLY" and word.kind == "other" and not _names_unit(words, index, unit):
            raise _misplaced(word, text, "a monthly rule's interval is 'every other month'")
        interval = found
    everies = [w for w in words if w.kind == "every"]
    if interval is not None and interval > 1 and len(everies) > 1:
        hint = "an interval covers every day of a rule: write each part in its own [[shows.airs]]"
        raise _misplaced(everies[1], text, hint)
    return interval or 1, rest


def _names_unit(words: list[_Word], index: int, unit: str) -> bool:
    """Tell whether the word after ``words[index]`` is ``unit`` ("other month")."""
    following = words[index + 1] if index + 1 < len(words) else None
    return following is not None and following.kind == "unit" and following.unit == unit


def _interval_at(words: list[_Word], index: int, unit: str, text: str) -> int | None:
    """Return the interval ``words[index]`` gives, or None if it gives none."""
    word = words[index]
    following = words[index + 1] if index + 1 < len(words) else None
    after_every = index > 0 and words[index - 1].kind == "every"
    if word.kind == "interval":
        return word.number
    if word.kind == "other":
        if not after_every:
            raise _misplaced(word, text, "write 'every other'")
        return 2
    counts = word.kind == "number" or (word.kind == "ordinal" and after_every)
    if counts and following is not None and following.kind == "unit" and following.unit == unit:
        if not 1 <= word.number <= _MAX_INTERVAL:
            written = word.token.text
            hint = (
                f"the interval counts from 1: 'every {unit}', 'every 2 {unit}s'"
                if word.number < 1
                else f"the interval goes up to {_MAX_INTERVAL} {unit}s"
            )
            message = f"{written!r} is not an interval"
            raise RuleError(message, word=written, value=text, hint=hint)
        return word.number
    return None


@dataclass
class _MonthlyDays:
    """What the days part of a monthly rule has named so far."""

    positions: set[tuple[int, int]]
    weekdays: set[int]
    monthdays: set[int]


def _monthly(words: list[_Word], times: tuple[time, ...], interval: int, text: str) -> Rule:
    """Read "first Monday and third Wednesday", "the 1st and 15th", "last day"."""
    found = _MonthlyDays(set(), set(), set())
    pending: list[_Word] = []
    last_ordinals: list[_Word] = []
    for word in words:
        if word.kind in {"ordinal", "number"}:
            pending.append(word)
        elif word.kind == "days":
            # "first Monday and Wednesday": the ordinals carry over to the next days
            ordinals = pending or last_ordinals
            _add_positions(found, ordinals, word, text)
            last_ordinals, pending = ordinals, []
        elif (word.kind == "unit" and word.unit == "day" and not word.standalone) or (
            word.kind == "filler"  # "of": "the first of every month", a day, ends its group
        ):
            _add_monthdays(found, pending, text)
            pending, last_ordinals = [], []
        else:
            raise _misplaced(word, text, "e.g. 'first Monday of every month'")
    _add_monthdays(found, pending, text)
    return _monthly_rule(found, times, interval, text)


def _add_positions(
    found: _MonthlyDays, ordinals: list[_Word], day_word: _Word, text: str
) -> None:
    days = day_word.days
    if not ordinals:
        found.weekdays |= days
    elif len(days) > 1:  # "last weekday": the last Monday, the last Tuesday... five airings
        written = f"{ordinals[-1].token.text} {day_word.token.text}"
        hint = "name the day, e.g. 'last Friday of the month'"
        message = f"{written!r} would be one of each of those days in a month"
        raise RuleError(message, word=written, value=text, hint=hint)
    for word in ordinals:
        if not _valid_position(word.number) or word.number < -1:
            written = word.token.text
            hint = "a month has a first to a fifth, and a last, of each weekday"
            message = f"{written!r} is not a weekday position"
            raise RuleError(message, word=written, value=text, hint=hint)
        found.positions |= {(word.number, day) for day in days}


def _add_monthdays(found: _MonthlyDays, ordinals: list[_Word], text: str) -> None:
    for word in ordinals:
        if not _valid_monthday(word.number) or word.number < -1:
            written = word.token.text
            hint = "days of the month run from the 1st to the 31st, or 'last day'"
            message = f"{written!r} is not a day of the month"
            raise RuleError(message, word=written, value=text, hint=hint)
        found.monthdays.add(word.number)


def _monthly_rule(found: _MonthlyDays, times: tuple[time, ...], interval: int, text: str) -> Rule:
    if not (found.positions or found.weekdays or found.monthdays):
        hint = "e.g. 'first Monday of every month', 'the 15th of every month'"
        message = f"rule {text!r} names no days of the month"
        raise RuleError(message, value=text, hint=hint)
    if found.monthdays and (found.positions or found.weekdays):
        hint = "write each in its own [[shows.airs]] entry"
        message = f"rule {text!r} mixes weekdays and days of the month"
        raise RuleError(message, value=text, hint=hint)
    return Rule(
        freq="MONTHLY",
        times=times,
        interval=interval,
        weekdays=tuple(found.weekdays),
        positions=tuple(found.positions),
        monthdays=tuple(found.monthdays),
    )
