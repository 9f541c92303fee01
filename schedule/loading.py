"""Load a config and check what only expansion can tell: that every change finds its airing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from schedule.config import load_config
from schedule.density import too_many_airings
from schedule.errors import ConfigError, ConfigErrors
from schedule.plan import Plan, Segment
from schedule.recurrence import occurrences, resolve, resolve_utc
from schedule.site import Anchor, Change, EpisodeInfo, Recurrence, Show, Site

if TYPE_CHECKING:
    from schedule.tomltables import Parsed

__all__ = ["find_episode", "load_site"]

_DAY = timedelta(days=1)
_HINT_SPAN = timedelta(days=400)
_SEARCH_LIMIT = 100_000  # numbered airings walked at most to find an episode number


def load_site(path: str, parsed: Parsed | None = None) -> tuple[Site, tuple[str, ...]]:
    """Load and fully validate a config; return the site and its warnings.

    Changes given by ``episode`` come back found by ``at`` as well. Raises
    ConfigErrors holding every problem. ``parsed``: what earlier loads made
    (TOML tables, settled shows), taking what this one makes
    (schedule/tomltables.py, schedule/keptshows.py).
    """
    site = load_config(path, parsed)
    kept = parsed.shows if parsed is not None else None
    shows: list[Show] = []
    errors: list[ConfigError] = []
    window = site.past + site.future
    for show in site.shows:
        # Before anything is expanded: such a show would take minutes to settle.
        dense = too_many_airings(show, window, f"shows[{show.id}]")
        if dense is not None:
            errors.append(dense.located(file=show.source or site.source))
            shows.append(show)
            continue
        if kept is not None and kept.is_settled(show):
            shows.append(show)  # made of the same table and settings as an earlier load's
            continue
        try:
            settled, problems = _settle(show)
        except OverflowError:
            # A rule that never airs is walked until the calendar ends; so is a
            # from, until or anchor at its very end.
            settled, problems = show, [ConfigError(
                "finding this show's airings ran past the years 1 to 9999",
                key=_where(show, "airs"),
                hint="check that each rule airs at all, and its from, until and the show's dates",
            )]
        shows.append(settled)
        errors += [p.located(file=p.file or show.source or site.source) for p in problems]
        if kept is not None and not problems:
            kept.settled(show, settled)
    if errors:
        raise ConfigErrors(errors)
    return replace(site, shows=tuple(shows)), ()


def _settle(show: Show) -> tuple[Show, list[ConfigError]]:
    """Find every change's airing, check anchors and episode entries."""
    base = Plan(replace(show, changes=tuple(c for c in show.changes if c.at is not None)))
    problems: list[ConfigError] = []
    changes: list[Change] = []
    walks: _Walks = {}  # one walk per season and direction for every change by episode
    for change in show.changes:
        found = _find_change(base, show, change, problems, walks)
        if found is not None:
            changes.append(found)
    problems += _duplicates(show, changes)
    settled = replace(show, changes=tuple(changes))
    plan = Plan(settled)
    problems += _check_rules_apart(show)
    problems += _check_calendar_ends(show)
    problems += _check_moves(plan, show)
    problems += _check_anchors(plan, show)
    problems += _check_episodes(plan, show)
    return settled, problems


# How far two rules of a show are compared for a start they share: rules of
# days, weeks and months repeat well within it (an interval of years aside).
_RULES_COMPARED = timedelta(days=3 * 366)


def _check_rules_apart(show: Show) -> list[ConfigError]:
    """Report a rule with a start another rule of the show has too.

    A start has one airing: the slot went to the rule listed first, so a
    rerun rule listed first took premieres' slots (numbers 1, 3, 5 never
    aired) and one listed after never aired where they met, both silently.
    """
    problems = []
    for later, rule in enumerate(show.airs):
        for earlier, other in enumerate(show.airs[:later]):
            if not set(rule.rule.times) & set(other.rule.times):
                continue  # no time of day in common: no start in common
            shared = _first_shared_start(other, rule)
            if shared is not None:
                problems.append(ConfigError(
                    f"airs at {_when(shared)}, as airs[{earlier}] does: a start has one airing",
                    key=_where(show, f"airs[{later}]"), value=rule.text,
                    hint="give the rules different days or times",
                ))
                break
    return problems


def _first_shared_start(one: Recurrence, other: Recurrence) -> datetime | None:
    """Return the first local start both rules have, within ``_RULES_COMPARED`` of both airing."""
    first = max(one.first, other.first)
    lasts = [last for last in (one.last, other.last) if last is not None]
    lo = datetime.combine(first, time())
    if lo.date() > date.max - _RULES_COMPARED - _DAY:
        return None
    hi = lo + _RULES_COMPARED
    if lasts:
        hi = min(hi, datetime.combine(min(lasts), time()) + _DAY)
    starts = set(occurrences(one.rule, one.first, one.last, lo, hi))
    return next((at for at in occurrences(other.rule, other.first, other.last, lo, hi)
                 if at in starts), None)


def _where(show: Show, key: str) -> str:
    return key if key.startswith("shows[") else f"shows[{show.id}].{key}"


def _find_change(
    base: Plan, show: Show, change: Change, problems: list[ConfigError], walks: _Walks
) -> Change | None:
    if change.at is not None:
        if base.slot_at(change.at) is None:
            problems.append(_no_airing(base, show, f"{change.key}.at", change.at))
            return None
        return change
    if change.episode is None:
        return None
    at = find_episode(base, change.season, change.episode, walks=walks)
    if at is None:
        message, hint = _episode_not_found(
            base, show, change.episode, change.season, cut_short=_cut_short(walks)
        )
        problems.append(ConfigError(
            message, key=_where(show, f"{change.key}.episode"), value=change.episode, hint=hint
        ))
        return None
    return replace(change, at=at)


def _episode_not_found(
    base: Plan, show: Show, episode: int, season: int | None, *, cut_short: bool
) -> tuple[str, str]:
    """Say why no airing is ``episode``, and how to name it: by season if seasons hold it."""
    holding = [] if season is not None else [
        str(each.number) for each in sorted(show.seasons, key=lambda s: s.first)
        if find_episode(base, each.number, episode) is not None
    ]
    if not holding:
        hint = "check the number, or give the airing's original start as `at`"
        return _no_such_episode(episode, season, cut_short=cut_short), hint
    seasons = f"season {holding[0]} has" if len(holding) == 1 else (
        f"seasons {', '.join(holding[:-1])} and {holding[-1]} each have"
    )
    message = f"episode {episode} of which season? {seasons} an episode {episode}"
    return message, f"give its season too, e.g. season = {holding[0]}"


def _duplicates(show: Show, changes: list[Change]) -> list[ConfigError]:
    seen: dict[datetime, Change] = {}
    problems = []
    for change in changes:
        assert change.at is not None  # noqa: S101 - _find_change returned it found by `at`
        if change.at in seen:
            problems.append(ConfigError(
                f"a second change for the airing of {_when(change.at)}",
                key=_where(show, change.key), value=str(change.at),
                hint=f"merge it with {_where(show, seen[change.at].key)}",
            ))
        seen.setdefault(change.at, change)
    return problems


def _check_moves(plan: Plan, show: Show) -> list[ConfigError]:
    problems = []
    landed: dict[datetime, Change] = {}  # where each move lands: a start has one airing
    for at, change in plan.moves:
        target = change.move_to
        if target is None or target == at:
            continue
        # A time in a spring-forward gap starts when the clock change makes it (an
        # hour later, or half an hour at Lord Howe): onto the airing there, if any.
        landing = target if plan.slot_at(target) is not None else _resolved(target, show)
        other = plan.slot_at(landing) if landing != at else None
        away = plan.changes.get(landing)
        when = _when(target) if landing == target else (
            f"{_when(target)}, which the clock change makes {landing:%H:%M}"
        )
        if other is not None and away is None:
            problems.append(ConfigError(
                f"moves onto another airing of this show ({when})",
                key=_where(show, f"{change.key}.move_to"), value=str(target),
                hint="cancel or move that airing too, or pick another time",
            ))
        elif (first := landed.setdefault(landing, change)) is not change:
            problems.append(ConfigError(
                f"moves onto the start {first.key.removeprefix(f'shows[{show.id}].')} moves"
                f" an airing to ({when})",
                key=_where(show, f"{change.key}.move_to"), value=str(target),
                hint="pick another time for one of the two",
            ))
    return problems


def _check_calendar_ends(show: Show) -> list[ConfigError]:
    """Report a ``move_to`` or an extra whose instant falls outside the years 1 to 9999.

    9999-12-31 23:50 in New York is 10000-01-01 in UTC: every run then
    failed with exit 2, blaming --now.
    """
    places = [(f"{c.key}.move_to", c.move_to) for c in show.changes if c.move_to is not None]
    places += [(f"extras[{i}].at", extra.at) for i, extra in enumerate(show.extras)]
    problems = []
    for key, local in places:
        if 1 < local.year < 9999:  # noqa: PLR2004 - no offset reaches a year further
            continue
        try:
            resolve_utc(local, show.timezone)
        except OverflowError:
            problems.append(ConfigError(
                f"{local:%Y-%m-%d %H:%M} in {show.timezone.key} falls outside the years 1 to 9999"
                " in UTC",
                key=_where(show, key), value=str(local),
                hint="pick a time a day or more inside them",
            ))
    return problems


def _resolved(local: datetime, show: Show) -> datetime:
    """Return the wall time ``local`` comes to in the show's zone (a gap's time moves on)."""
    try:
        return resolve(local, show.timezone).replace(tzinfo=None)
    except OverflowError:  # at the very ends of the calendar, where no clock changes
        return local


def _check_anchors(plan: Plan, show: Show) -> list[ConfigError]:
    anchors: list[tuple[str, Anchor]] = []
    if show.numbering is not None:
        anchors.append(("numbering", show.numbering))
    anchors += [(f"seasons[{i}]", s.anchor) for i, s in enumerate(show.seasons) if s.anchor is not None]
    problems = []
    for index, season in enumerate(show.seasons):
        if season.anchor is not None and plan.segment(season.anchor.at).season != season.number:
            problems.append(ConfigError(
                f"this airing is not in season {season.number}, which starts on {season.first}",
                key=_where(show, f"seasons[{index}].at"), value=str(season.anchor.at),
                hint="anchor a season on one of its own airings",
            ))
    numbering = show.numbering
    if numbering is not None:
        owner = plan.segment(numbering.at)
        if owner.season is not None and owner.anchor is not numbering:
            # The season's own anchor numbers it: this one would be ignored.
            problems.append(ConfigError(
                f"this airing is in season {owner.season}, which has its own anchor",
                key=_where(show, "numbering.at"), value=str(numbering.at),
                hint="keep one anchor: the season's episode and at, or this",
            ))
    for key, anchor in anchors:
        slot = plan.slot_at(anchor.at)
        if slot is None:
            problems.append(_no_airing(plan, show, f"{key}.at", anchor.at))
        elif not slot.numbered or anchor.at in plan.cancelled:
            problems.append(ConfigError(
                "this airing takes no episode number (a rerun, a cancelled airing or an unnumbered extra)",
                key=_where(show, f"{key}.at"), value=str(anchor.at),
                hint="anchor the numbering on a premiere",
            ))
    return problems


def _check_episodes(plan: Plan, show: Show) -> list[ConfigError]:
    problems = []
    # One walk per season and direction for every row: a spreadsheet of 8,000
    # episodes, each walked to from its season's start, took 26 s to check.
    walks: _Walks = {}
    for index, info in enumerate(show.episodes):
        key = f"episodes[{index}]"
        if info.at is not None:
            if plan.slot_at(info.at) is None:
                problems.append(_no_airing(plan, show, f"{key}.at", info.at))
        elif info.number is not None and find_episode(
            plan, info.season, info.number, any_season=True, walks=walks
        ) is None:
            problems.append(_no_episode(show, info, key, cut_short=_cut_short(walks)))
    return problems


def _cut_short(walks: _Walks) -> bool:
    """Tell whether a walk for the show's episode numbers stopped at ``_SEARCH_LIMIT``."""
    return any(walk.stopped for walk in walks.values())


def _no_such_episode(number: int | None, season: int | None, *, cut_short: bool) -> str:
    of_season = f" of season {season}" if season else ""
    if cut_short:
        # Not "no airing is": an open-ended show has one, past where the search stops.
        return (f"no airing is episode {number}{of_season} within {_SEARCH_LIMIT:,} airings of"
                " where its numbering starts")
    return f"no airing is episode {number}{of_season}"


def _no_episode(show: Show, info: EpisodeInfo, key: str, *, cut_short: bool) -> ConfigError:
    """Say that no airing is the episode ``info`` describes: at its spreadsheet row, if any."""
    text = _no_such_episode(info.number, info.season, cut_short=cut_short)
    hint = "check the number and season"
    if info.origin is None:
        return ConfigError(text, key=_where(show, f"{key}.number"), value=info.number, hint=hint)
    file, line = info.origin
    return ConfigError(
        f"row {line}: {text}", file=file, line=line, key=_where(show, "episodes_file"),
        value=info.number, hint=hint,
    )


def find_episode(
    plan: Plan,
    season: int | None,
    number: int,
    *,
    any_season: bool = False,
    walks: _Walks | None = None,
) -> datetime | None:
    """Return the local start of episode ``number`` (of ``season``), or None if no airing is.

    With ``any_season`` and no season given, every season is searched in turn.
    ``walks`` keeps what was walked for the next call (the same plan's).
    """
    for segment in plan.segments:
        if segment.season == season or (any_season and season is None):
            found = _find_in_segment(plan, segment, number, {} if walks is None else walks)
            if found is not None:
                return found
    return None


def _find_in_segment(plan: Plan, segment: Segment, number: int, walks: _Walks) -> datetime | None:
    if segment.anchor is not None:
        origin, offset = segment.anchor.at, number - segment.anchor.episode
    else:
        origin, offset = max(segment.lo, plan.earliest), number - 1
    forward = offset >= 0
    walk = walks.get((segment.lo, forward))
    if walk is None:
        walk = _Walk(plan, origin, _walk_bound(plan, segment, forward=forward), forward=forward)
        walks[segment.lo, forward] = walk
    return walk.nth(offset if forward else -offset - 1)


def _walk_bound(plan: Plan, segment: Segment, *, forward: bool) -> datetime | None:
    """Return where a walk through ``segment`` stops.

    Ahead: the next season's start or the day after the last possible airing
    (None: no end). Back: the season's start.
    """
    if not forward:
        return max(segment.lo, plan.earliest)
    later = [s.lo for s in plan.segments if s.lo > segment.lo]
    last = _last_possible(plan)
    return min([*later, last]) if last is not None else min(later, default=None)


class _Walk:
    """A plan's numbered starts from ``origin`` on, or back from it, found as far as asked.

    Forward (``bound`` the end, None for none) they are kept in time order;
    back (``bound`` the start) latest first. Windows double in length, so an
    episode far from its anchor is found in a few steps.
    """

    def __init__(
        self, plan: Plan, origin: datetime, bound: datetime | None, *, forward: bool
    ) -> None:
        self.plan, self.bound, self.forward = plan, bound, forward
        self.found: list[datetime] = []
        self.edge, self.span = origin, timedelta(weeks=8)
        self.stopped = False  # at _SEARCH_LIMIT: airings further on were not looked at

    def nth(self, index: int) -> datetime | None:
        """Return the ``index``-th start walked to (0: the first), or None when there is none."""
        try:
            while len(self.found) <= index and self._further():
                pass
        except OverflowError:  # the calendar ends: no airing is that far
            self.bound, self.edge = self.edge, self.edge
        return self.found[index] if index < len(self.found) else None

    def _further(self) -> bool:
        if len(self.found) > _SEARCH_LIMIT:
            self.stopped = True
            return False
        bound = self.bound
        if self.forward:
            if bound is not None and self.edge >= bound:
                return False
            stop = self.edge + self.span if bound is None else min(self.edge + self.span, bound)
            self.found += self.plan.numbered_starts(self.edge, stop)
            self.edge = stop
        else:
            if bound is None or self.edge <= bound:
                return False
            start = max(self.edge - self.span, bound)
            self.found += reversed(self.plan.numbered_starts(start, self.edge))
            self.edge = start
        self.span *= 2
        return True


# The walks of one plan, by the start of the season walked through and direction.
_Walks = dict[tuple[datetime, bool], _Walk]


def _last_possible(plan: Plan) -> datetime | None:
    show = plan.show
    # A last day at the end of the calendar (until = 9999-12-31) is "no end".
    if any(rec.last is None or rec.last == date.max for rec in show.airs):
        return None
    ends = [datetime.combine(rec.last, time()) + _DAY for rec in show.airs if rec.last is not None]
    ends += [e.at + _DAY for e in show.extras]
    return max(ends, default=plan.earliest + _DAY)


def _no_airing(plan: Plan, show: Show, key: str, at: datetime) -> ConfigError:
    nearby = plan.slots(at - _HINT_SPAN, at + _HINT_SPAN)
    nearest = min(nearby, key=lambda s: abs(s.at - at), default=None)
    hint = f"nearest airing: {_when(nearest.at)}" if nearest is not None else "the show has no airing near it"
    return ConfigError(f"no airing of this show starts at {_when(at)}", key=_where(show, key), value=str(at), hint=hint)


def _when(at: datetime) -> str:
    """Return "2026-01-03 18:00 Sat", with seconds when it has some.

    Else the nearest airing, at 18:00, read the same as the 18:00:01 that matched none.
    """
    if at.microsecond:
        return at.strftime(f"%Y-%m-%d %H:%M:%S.{at.microsecond:06d} %a")
    return at.strftime("%Y-%m-%d %H:%M:%S %a" if at.second else "%Y-%m-%d %H:%M %a")
