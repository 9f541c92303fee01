"""Shows kept from an earlier load: a load that takes them gives what a fresh load gives."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedule.errors import ConfigErrors
from schedule.keptshows import KeptShows
from schedule.loading import load_site
from schedule.site import Site
from schedule.tomltables import Parsed
from tests.test_sitecache import SHOWS

HEAD, *PIECES = re.split(r"(?m)^(?=\[\[shows\]\]$)", SHOWS)

Edit = Callable[[str, list[str]], tuple[str, list[str]]]


def _piece(index: int, change: Callable[[str], str]) -> Edit:
    def edit(head: str, pieces: list[str]) -> tuple[str, list[str]]:
        pieces = list(pieces)
        if pieces:
            pieces[index % len(pieces)] = change(pieces[index % len(pieces)])
        return head, pieces

    return edit


def _head(change: Callable[[str], str]) -> Edit:
    return lambda head, pieces: (change(head), pieces)


EDITS: list[Edit] = [
    *(_piece(i, lambda p: p.replace('title = "', 'title = "New ', 1)) for i in range(3)),
    *(_piece(i, lambda p: p.replace("duration = ", 'link = "https://x.example/"\nduration = ', 1))
      for i in range(3)),
    *(_piece(i, lambda p: p.replace("id = ", 'channel = "gone"\nid = ', 1)) for i in range(3)),
    *(_piece(i, lambda p: p.replace("02:30:00", "02:31:00")) for i in range(3)),
    _head(lambda h: h.replace("Europe/Berlin", "America/New_York")),
    _head(lambda h: h.replace('id = "two"\nname = "Channel Two"', 'id = "deux"\nname = "Deux"')),
    _head(lambda h: h.replace('title = "Three"', 'title = "Four"')),
    lambda head, pieces: (head, pieces[::-1]),
    lambda head, pieces: (head, [*pieces, pieces[0]]),  # a duplicate id
    lambda head, pieces: (head, pieces[1:] or pieces),
]  # fmt: skip


def _load(config: Path, text: str, parsed: Parsed | None) -> Site | tuple[str, ...]:
    config.write_text(text)
    try:
        return load_site(str(config), parsed)[0]
    except ConfigErrors as errors:
        return tuple(str(error) for error in errors.errors)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.sampled_from(EDITS), min_size=1, max_size=6))
def test_a_load_with_kept_shows_is_a_fresh_load(tmp_path: Path, edits: list[Edit]) -> None:
    """Edit after edit, the site (or every error) equals a load with nothing kept."""
    config = tmp_path / "airdates.toml"
    head, pieces = HEAD, PIECES
    parsed = Parsed()
    _load(config, head + "".join(pieces), parsed)
    for edit in edits:
        head, pieces = edit(head, pieces)
        text = head + "".join(pieces)
        kept = Parsed(kept=dict(parsed.used), shows=KeptShows(kept=parsed.shows.pickled()))
        loaded = _load(config, text, kept)
        assert loaded == _load(config, text, None)
        if isinstance(loaded, Site):  # as a publish: a failed load keeps nothing
            parsed = kept


def test_unchanged_shows_are_taken(tmp_path: Path) -> None:
    """The point of it: after one show's title is edited, the other two are not built again."""
    config = tmp_path / "airdates.toml"
    parsed = Parsed()
    _load(config, SHOWS, parsed)
    head, pieces = _piece(1, lambda p: p.replace('title = "', 'title = "New ', 1))(HEAD, PIECES)
    kept = Parsed(kept=dict(parsed.used), shows=KeptShows(kept=parsed.shows.pickled()))
    _load(config, head + "".join(pieces), kept)
    assert len(kept.shows.taken) == 2
    assert len(kept.shows.used) == 3
