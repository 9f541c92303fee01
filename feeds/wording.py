"""How an airing is named and described, the same in every format."""

from __future__ import annotations

from datetime import datetime
from html import escape

from schedule.airing import Airing
from schedule.site import Show

__all__ = [
    "description_html", "description_text", "episode_label", "episode_label_of", "headline",
    "says_more", "show_description", "when",
]


def episode_label(airing: Airing) -> str | None:
    """Return "Ep. 173", "S2 E5", or None for an airing without a number."""
    if airing.episode is None:
        return None
    if airing.season is None:
        return f"Ep. {airing.episode}"
    return f"S{airing.season} E{airing.episode}"


def _number_for(airing: Airing) -> str | None:
    if airing.rerun and airing.rerun_of is not None:
        return episode_label_of(airing.season, airing.rerun_of)
    return episode_label(airing)


def episode_label_of(season: int | None, episode: int) -> str:
    """Return the label of episode ``episode`` of ``season``."""
    return f"Ep. {episode}" if season is None else f"S{season} E{episode}"


def headline(airing: Airing) -> str:
    """Return the one-line title: "Let's Meet · Ep. 173: Global Youth Envoys ...".

    The number or the title is left out when there is none; reruns say so at
    the end, cancelled airings at the start.
    """
    detail = ": ".join(part for part in (_number_for(airing), airing.title) if part)
    text = f"{airing.show_title} · {detail}" if detail else airing.show_title
    if airing.rerun:
        text += " (rerun)"
    if airing.cancelled:
        text = f"Cancelled: {text}"
    return text


def when(moment: datetime) -> str:
    """Return a local time the way people read it: "Wed 18 Feb 2026 18:00"."""
    # The day loses its leading zero, the hour keeps it ("Wed 18 Feb 2026 08:00").
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M}"


def says_more(airing: Airing) -> bool:
    """Tell whether the airing has anything of its own to say: a summary, segments, notices.

    Notices: cancelled, moved, a rerun. Without any, its description is its
    show's (``show_description``).
    """
    return bool(
        airing.summary or airing.segments or airing.cancelled
        or airing.moved_from is not None or airing.rerun
    )


def show_description(show: Show) -> str:
    """Return ``description_text`` of an airing with no summary, segments or notices of its own."""
    blocks = (show.description, _platforms(show) or "")
    return "\n\n".join(block for block in blocks if block)


def _notices(airing: Airing) -> list[str]:
    notices = []
    if airing.cancelled:
        notices.append(f"Cancelled: {airing.reason}" if airing.reason else "Cancelled.")
    if airing.moved_from is not None:
        notices.append(f"Moved from {when(airing.moved_from)}.")
    if airing.rerun:
        repeats = f" of {episode_label_of(airing.season, airing.rerun_of)}" if airing.rerun_of else ""
        notices.append(f"Rerun{repeats}.")
    return notices


def _platforms(show: Show) -> str | None:
    if not show.also_on:
        return None
    return "Also on: " + ", ".join(p.name for p in show.also_on) + "."


def _summary(airing: Airing, show: Show) -> str:
    """Return what the airing is about: its own summary; without one, or segments, its show's.

    A TV guide or a calendar then describes every airing, not only the few
    episodes a spreadsheet covers ("Also on: ..." alone says nothing of it).
    """
    if airing.summary or airing.segments:
        return airing.summary
    return show.description


def description_text(airing: Airing, show: Show) -> str:
    """Return the plain-text description: notices, summary, segments, platforms."""
    if not says_more(airing):
        return show_description(show)  # most airings of a big schedule: the show's
    blocks = ["\n".join(_notices(airing)), _summary(airing, show)]
    blocks += [f"{s.title}: {s.summary}" if s.summary else s.title for s in airing.segments]
    blocks.append(_platforms(show) or "")
    return "\n\n".join(block for block in blocks if block)


def description_html(airing: Airing, show: Show) -> str:
    """Return the same description as an HTML fragment, every text escaped."""
    parts = [f"<p><strong>{escape(n)}</strong></p>" for n in _notices(airing)]
    summary = _summary(airing, show)
    if summary:
        parts.append(f"<p>{escape(summary)}</p>")
    if airing.segments:
        items = "".join(
            f"<li><strong>{escape(s.title)}</strong>{': ' + escape(s.summary) if s.summary else ''}</li>"
            for s in airing.segments
        )
        parts.append(f"<ul>{items}</ul>")
    if show.also_on:
        names = ", ".join(
            f'<a href="{escape(p.url)}">{escape(p.name)}</a>' if p.url else escape(p.name)
            for p in show.also_on
        )
        parts.append(f"<p>Also on: {names}.</p>")
    return "".join(parts)
