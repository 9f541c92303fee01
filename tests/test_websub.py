"""WebSub: the hub hears about each changed feed; a hub that is down never fails a publish."""

from __future__ import annotations

import io
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from publisher import files
from publisher.cli import main
from publisher.clock import parse_time
from publisher.publish import publish
from publisher.websub import notify
from schedule.errors import OutputError
from schedule.loading import load_site

BASE = "https://feeds.example.org/test/"
FEED_SUFFIXES = (".rss", ".atom", ".json")


@dataclass
class Hub:
    """A WebSub hub stand-in: records each publish notification; can refuse or hang."""

    url: str = ""
    answer: int = 204
    hang: bool = False
    pings: list[dict[str, list[str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def urls(self) -> list[str]:
        """Return the feed URLs notified so far, in order."""
        return [ping["hub.url"][0] for ping in self.pings]


@pytest.fixture
def hub() -> Iterator[Hub]:
    """Return a hub stand-in listening on a free port of 127.0.0.1."""
    state = Hub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            if state.hang:
                state.release.wait(30)
                return
            state.pings.append(parse_qs(body))
            self.send_response(state.answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def _config(folder: Path, hub_url: str) -> Path:
    config = folder / "airdates.toml"
    config.write_text(
        f'[site]\ntitle = "Test TV"\nbase_url = "{BASE}"\ntimezone = "Asia/Shanghai"\n'
        f'past = "2 weeks"\nfuture = "4 weeks"\nfeed_items = 10\nhub = "{hub_url}"\n'
        '[[shows]]\nid = "lets-meet"\ntitle = "Let\'s Meet"\nduration = "30 minutes"\n'
        '[[shows.airs]]\nrule = "every Wednesday and Saturday at 6 PM"\nfrom = 2025-06-04\n'
        '[[shows]]\nid = "dialogue"\ntitle = "Dialogue"\nduration = "1 hour"\n'
        '[[shows.airs]]\nrule = "every Monday at 20:00"\nfrom = 2025-06-02\n'
    )
    return config


def _publish(config: Path, now: str) -> tuple[int, list[str], str]:
    """Publish with -v; return the exit code, the files written and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["publish", "-c", str(config), "--now", now, "-v"], stdout=out, stderr=err)
    written = [
        line.removeprefix("wrote ")
        for line in err.getvalue().splitlines()
        if line.startswith("wrote ")
    ]
    return code, written, err.getvalue()


def _pending(folder: Path) -> list[str]:
    with sqlite3.connect(folder / ".airdates" / "state.sqlite") as db:
        return sorted(url for (url,) in db.execute("SELECT url FROM pings"))


def _feeds(names: list[str]) -> list[str]:
    return sorted(BASE + name for name in names if name.endswith(FEED_SUFFIXES))


def test_hub_hears_once_per_changed_feed(hub: Hub, tmp_path: Path) -> None:
    """Each feed written is notified once with hub.mode=publish; calendars and pages are not."""
    config = _config(tmp_path, hub.url)
    code, written, _ = _publish(config, "2026-01-14T17:00")
    assert code == 0
    assert sorted(hub.urls()) == _feeds(written)
    assert {BASE + "all.rss", BASE + "changes.atom", BASE + "lets-meet.json"} <= set(hub.urls())
    assert all(ping["hub.mode"] == ["publish"] for ping in hub.pings)
    assert _pending(tmp_path) == []


def test_unchanged_feeds_are_not_notified(hub: Hub, tmp_path: Path) -> None:
    """A republish changing nothing sends nothing; a new episode notifies only its feeds."""
    config = _config(tmp_path, hub.url)
    _publish(config, "2026-01-14T17:00")
    hub.pings.clear()
    _publish(config, "2026-01-14T17:30")
    assert hub.pings == []
    code, written, _ = _publish(config, "2026-01-14T19:00")  # Let's Meet has aired at 18:00
    assert code == 0
    assert sorted(hub.urls()) == _feeds(written)
    assert BASE + "lets-meet.rss" in hub.urls()
    assert BASE + "dialogue.rss" not in hub.urls()


def test_refusing_hub_leaves_the_publish_successful_and_the_ping_pending(
    hub: Hub, tmp_path: Path
) -> None:
    """A hub answering 500 is a warning; the notifications wait in the state for the next run."""
    config = _config(tmp_path, hub.url)
    hub.answer = 500
    code, written, err = _publish(config, "2026-01-14T17:00")
    assert code == 0
    assert "warning" in err
    assert "500" in err
    assert _pending(tmp_path) == _feeds(written)
    hub.answer = 204
    hub.pings.clear()
    code, again, _ = _publish(config, "2026-01-14T17:30")
    assert (code, again) == (0, [])
    assert sorted(hub.urls()) == _feeds(written)
    assert _pending(tmp_path) == []


def test_unreachable_hub_is_a_warning(tmp_path: Path) -> None:
    """A hub nobody listens on fails the notification, not the publish."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = _config(tmp_path, f"http://127.0.0.1:{closed}/")
    code, written, err = _publish(config, "2026-01-14T17:00")
    assert code == 0
    assert "could not be reached" in err
    assert _pending(tmp_path) == _feeds(written)


def test_hanging_hub_is_given_up_on(hub: Hub, tmp_path: Path) -> None:
    """A hub that never answers is given up on; the publish succeeds, the pings stay pending."""
    config = _config(tmp_path, hub.url)
    site, _ = load_site(str(config))
    hub.hang = True
    report = publish(
        site, now=parse_time("2026-01-14T17:00", site.timezone, source="test"), hub_timeout=0.2
    )
    assert report.warnings
    assert len(_pending(tmp_path)) == len(_feeds(list(report.written)))


def test_notify_stops_at_the_first_failure(hub: Hub) -> None:
    """After the hub refuses one notification the rest are not tried, and all stay owed."""
    hub.answer = 503
    outcome = notify(hub.url, ["https://a.example/1.rss", "https://a.example/2.rss"], timeout=5)
    assert outcome.delivered == []
    assert sorted(outcome.failed) == ["https://a.example/1.rss", "https://a.example/2.rss"]
    assert len(hub.pings) == 1


def test_notify_sends_form_encoded_publish(hub: Hub) -> None:
    """The notification is a form-encoded POST of hub.mode=publish and hub.url."""
    outcome = notify(hub.url, ["https://feeds.example.org/x.rss?a=1&b=2"], timeout=5)
    assert outcome.delivered == ["https://feeds.example.org/x.rss?a=1&b=2"]
    assert hub.pings == [
        {"hub.mode": ["publish"], "hub.url": ["https://feeds.example.org/x.rss?a=1&b=2"]}
    ]


def test_feeds_written_by_a_run_that_failed_after_the_renames_are_notified_next_time(
    hub: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state owes the hub its notifications before any file is renamed into place.

    A run that dies after the renames wrote the feeds; the next one finds
    them written already, and used to notify nothing.
    """
    config = _config(tmp_path, hub.url)
    _publish(config, "2026-01-14T17:00")
    hub.pings.clear()
    config.write_text(config.read_text().replace('title = "Dialogue"', 'title = "Dialogue Live"'))

    sync_folder = files.sync_folder

    def dies(folder: Path) -> None:
        if folder.name != "public":
            sync_folder(folder)  # the state folder's parts, before the commit
            return
        message = f"{folder}: cannot sync: Input/output error"
        raise OutputError(message, path=str(folder))

    with monkeypatch.context() as patch:
        patch.setattr(files, "sync_folder", dies)  # the output folder's: after the renames
        code, _, _ = _publish(config, "2026-01-14T17:30")
    assert code == 4
    assert hub.pings == []
    owed = _pending(tmp_path)
    assert {BASE + "dialogue.rss", BASE + "all.rss"} <= set(owed)
    code, again, _ = _publish(config, "2026-01-14T17:30")
    assert (code, again) == (0, [])  # the files are there already
    assert sorted(hub.urls()) == owed
    assert _pending(tmp_path) == []


def test_a_hub_answering_a_byte_at_a_time_is_given_up_on_within_the_budget() -> None:
    """Each byte comes before the socket timeout, the answer never ends: all of it stops in time.

    The publish holds its lock while it notifies, so a hub like this would
    stop every later cron run (exit 3) for as long as it dripped.
    """
    stop = threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def drip() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 204 No Content\r\n")
                dripped = time.monotonic()
                while not stop.wait(0.1) and time.monotonic() - dripped < 12:
                    connection.sendall(b"X")

        threading.Thread(target=drip, daemon=True).start()
        hub = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        started = time.monotonic()
        try:
            outcome = notify(hub, [BASE + "all.rss", BASE + "all.atom"], timeout=0.5)
        finally:
            stop.set()
        took = time.monotonic() - started
    assert outcome.delivered == []
    assert outcome.failed == dict.fromkeys(
        [BASE + "all.rss", BASE + "all.atom"], "the hub did not answer within 3 s"
    )
    assert took < 10
