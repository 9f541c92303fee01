"""WebSub: tell the hub which feeds changed, so subscribers hear at once."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus

__all__ = ["FEED_MEDIA_TYPES", "PingOutcome", "notify"]

# The media types whose files a hub distributes (RSS, Atom, JSON Feed).
FEED_MEDIA_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json"}
)

DEFAULT_TIMEOUT = 5.0
BUDGET_TIMEOUTS = 6  # the notifications of one publish take at most this many timeouts


@dataclass(slots=True)
class PingOutcome:
    """Which notifications the hub accepted, and why the others were not sent or failed."""

    delivered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def notify(hub: str, urls: Iterable[str], *, timeout: float = DEFAULT_TIMEOUT) -> PingOutcome:
    """POST ``hub.mode=publish`` for each feed URL; never raises.

    After the first failure the rest are not tried (a hub that is down would
    cost ``timeout`` per feed); they stay owed with the same reason. All of
    it ends within ``BUDGET_TIMEOUTS`` timeouts: ``timeout`` bounds each wait
    on the socket, and a hub that sends its answer a byte at a time would
    hold the publish, and its lock, for as long as it likes. What is not
    answered by then stays owed.
    """
    pending = list(urls)
    answers: queue.SimpleQueue[str | None] = queue.SimpleQueue()

    def ping_all() -> None:
        for url in pending:
            problem = _ping(hub, url, timeout)
            answers.put(problem)
            if problem is not None:
                return

    # A daemon thread: one the budget gave up on does not keep the run from ending.
    threading.Thread(target=ping_all, name="airdates-websub", daemon=True).start()
    given = BUDGET_TIMEOUTS * timeout
    deadline = time.monotonic() + given
    outcome = PingOutcome()
    problem: str | None = None
    for url in pending:
        if problem is None:
            try:
                problem = answers.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                problem = f"the hub did not answer within {given:g} s"
            if problem is None:
                outcome.delivered.append(url)
                continue
        outcome.failed[url] = problem
    return outcome


def _ping(hub: str, url: str, timeout: float) -> str | None:
    """Send one notification; return None on a 2xx answer, else what went wrong."""
    # Imported here: urllib.request (with http.client, ssl, email) costs every
    # publish about 20 ms, and only a site with a hub and a changed feed needs it.
    import urllib.error  # noqa: PLC0415
    import urllib.parse  # noqa: PLC0415
    import urllib.request  # noqa: PLC0415

    body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode("ascii")
    # The config only accepts http(s) hub URLs, so no file: or custom scheme gets here.
    request = urllib.request.Request(  # noqa: S310
        hub,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "airdates"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        return f"the hub answered {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return f"the hub could not be reached: {reason}"
    if not HTTPStatus.OK <= status < HTTPStatus.MULTIPLE_CHOICES:
        return f"the hub answered {status}"
    return None
