"""Shows an earlier load built and settled, by what they were made of, so a load makes fewer.

After one show of a 1,000-show config is edited, reading the other 999 tables
into shows and finding every change's airing (``loading._settle``) costs a
republish about a quarter of a second and gives what the last load gave. A
show is made of its ``[[shows]]`` table (the SHA-256 of its text, as
schedule/tomltables.py cuts it), the file it is in (``Show.source``, and
where its errors go), the site's zone (a show's default) and the channel ids
(a show's channel must be one of them); and of airdates' code and the zone
data, which the caller vouches for by handing over ``kept`` only when both
are what they were (publisher/sitecache.py). A kept show is used only when
its table was read from one piece of text of its own and names no
``episodes_file`` (whose rows it would hold), and only in place of a show
that built and settled without an error: a table with a problem is built,
and reported, as always.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from schedule.site import Show

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["KeptShows", "ShowKey"]

# A show's table (SHA-256 of its text), its file, the site's zone, every channel id.
ShowKey = tuple[bytes, str, str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class KeptShows:
    """Settled shows of an earlier load (``kept``) and of this one (``used``), by ``ShowKey``.

    Shows are kept pickled: a show taken is unpickled, and one used again
    goes on as the same bytes, so keeping a thousand shows costs a rewrite
    of the few that changed rather than pickling them all again. Within
    one load, ``pending`` and ``taken`` follow the shows themselves, by
    ``id()`` and holding them (so no other object takes that id): those
    built now, to be recorded once settled, and those taken from ``kept``,
    settled already.
    """

    kept: Mapping[ShowKey, bytes] = field(default_factory=dict)
    used: dict[ShowKey, bytes | Show] = field(default_factory=dict)
    pending: dict[int, tuple[Show, ShowKey]] = field(default_factory=dict)
    taken: dict[int, Show] = field(default_factory=dict)

    def get(self, key: ShowKey) -> Show | None:
        """Return the settled show kept for ``key``, if any (None too if it does not unpickle)."""
        data = self.kept.get(key)
        if data is None:
            return None
        try:
            show = pickle.loads(data)  # noqa: S301 - airdates' own, checked by the caller
        except Exception:  # noqa: BLE001 - a show that does not load is a show not kept
            return None
        return show if isinstance(show, Show) else None

    def take(self, key: ShowKey, show: Show) -> None:
        """Note that ``show``, got for ``key``, stands in the site for the show built of it."""
        self.used[key] = self.kept[key]
        self.taken[id(show)] = show

    def pickled(self) -> dict[ShowKey, bytes]:
        """Return ``used`` with every show pickled, for the next load's ``kept``."""
        return {
            key: show if isinstance(show, bytes) else pickle.dumps(show, pickle.HIGHEST_PROTOCOL)
            for key, show in self.used.items()
        }

    def built(self, show: Show, key: ShowKey) -> None:
        """Note that ``show``, built now without an error, is made of ``key``."""
        self.pending[id(show)] = (show, key)

    def is_settled(self, show: Show) -> bool:
        """Tell whether ``show`` was taken from ``kept`` (so settled already)."""
        return self.taken.get(id(show)) is show

    def settled(self, show: Show, settled: Show) -> None:
        """Record ``settled``, what ``show`` settled to without a problem, for the next load."""
        built, key = self.pending.pop(id(show), (None, None))
        if built is show and key is not None:
            self.used[key] = settled
