"""The published pages in a real browser: headless Chromium against ``airdates serve``.

Chromium is driven over the DevTools protocol on ``--remote-debugging-pipe``
(JSON messages ending in NUL on file descriptors 3 and 4), which needs no
WebSocket client and no port of its own; it reports console messages,
uncaught exceptions and failed loads as events, which ``--dump-dom`` cannot.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).parent.parent / "examples" / "lets-meet" / "airdates.toml"
NOW = "2026-01-02T12:00"
BASE = "https://feeds.example.org/cqtv/"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Sets a flag if any of it ever runs as markup; the test reads the flag back.
HOSTILE_TITLE = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & \'quotes\' "too"'
)
HOSTILE_SHOW = f"""
[[shows]]
id = "hostile"
title = {json.dumps(HOSTILE_TITLE)}
description = {json.dumps(HOSTILE_TITLE)}
channel = "cqtv"
duration = "30 minutes"

[[shows.airs]]
rule = "every Friday at 21:00"
from = 2025-12-01
"""
TIMEOUT = 30.0
_TRAMPOLINE = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)


def _chromium() -> str | None:
    """Return the Chromium (or Chrome) executable on PATH, if any."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


# --- a small DevTools client -------------------------------------------------


@dataclass
class _Browser:
    """Headless Chromium driven over the DevTools pipe; one page, its events kept."""

    process: subprocess.Popen[bytes]
    to_browser: int
    from_browser: int
    session: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    _buffer: bytes = b""
    _next_id: int = 0

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command to the page (or the browser before attaching) and return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        reply = self._wait(lambda m: m.get("id") == self._next_id)
        if "error" in reply:
            msg = f"{method}: {reply['error']}"
            raise RuntimeError(msg)
        return reply.get("result", {})

    def wait_for(self, method: str) -> dict[str, Any]:
        """Wait for the page event ``method`` and return it."""
        return self._wait(lambda m: m.get("method") == method)

    def _wait(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for index, message in enumerate(self.events):
                if wanted(message):
                    return self.events.pop(index) if "id" in message else message
            self._read(deadline)

    def _read(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([self.from_browser], [], [], max(remaining, 0))
        if not ready:
            msg = "Chromium did not answer in time"
            raise TimeoutError(msg)
        chunk = os.read(self.from_browser, 1 << 20)
        if not chunk:
            msg = "Chromium closed the DevTools pipe"
            raise RuntimeError(msg)
        self._buffer += chunk
        *messages, self._buffer = self._buffer.split(b"\0")
        self.events.extend(json.loads(m) for m in messages)

    def open(self, url: str, width: int = 1280) -> None:
        """Load ``url`` at a window ``width`` CSS pixels wide and wait until it has loaded."""
        self.events = [e for e in self.events if "id" in e]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=900,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        time.sleep(0.2)  # late console messages and failed sub-resources arrive just after load

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its JSON value."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Return every console error, uncaught exception and failed load since the page opened."""
        self._drain()
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                found.append(json.dumps(params.get("args"))[:500])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}")
        return found

    def _drain(self) -> None:
        while select.select([self.from_browser], [], [], 0)[0]:
            self._read(time.monotonic() + TIMEOUT)

    def screenshot(self, path: Path, width: int) -> None:
        """Save a PNG of the whole page laid out ``width`` CSS pixels wide."""
        height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))


def _launch(chromium: str, profile: Path) -> _Browser:
    """Start headless Chromium with a DevTools pipe on fds 3 and 4 and attach to its page."""
    to_read, to_browser = os.pipe()
    from_browser, to_write = os.pipe()
    # Above 4, so moving one end to 3 or 4 cannot overwrite the other.
    to_read, to_write = (_above_four(fd) for fd in (to_read, to_write))
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "--remote-debugging-pipe",
        "about:blank",
    ]
    # A tiny Python trampoline puts the pipe ends where Chromium expects them (it
    # reads fd 3 and writes fd 4); dash cannot redirect descriptors above 9.
    with (profile / "chromium.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", _TRAMPOLINE, str(to_read), str(to_write), chromium, *flags],
            pass_fds=(to_read, to_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    os.close(to_read)
    os.close(to_write)
    browser = _Browser(process=process, to_browser=to_browser, from_browser=from_browser)
    page = next(t for t in browser.call("Target.getTargets")["targetInfos"] if t["type"] == "page")
    browser.session = browser.call(
        "Target.attachToTarget", targetId=page["targetId"], flatten=True
    )["sessionId"]
    for domain in ("Page", "Runtime", "Log"):
        browser.call(f"{domain}.enable")
    return browser


def _above_four(fd: int) -> int:
    """Return a copy of ``fd`` numbered 10 or more, closing the original."""
    copy = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return copy


def _close(browser: _Browser) -> None:
    """Ask Chromium to quit, then make sure it has."""
    try:
        browser.session = ""
        browser.call("Browser.close")
    except (RuntimeError, TimeoutError, OSError):
        pass
    try:
        browser.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        browser.process.kill()
        browser.process.wait()
    os.close(browser.to_browser)
    os.close(browser.from_browser)


# --- the published example -------------------------------------------------------


def _airdates(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``airdates`` command (through this interpreter's environment)."""
    command = [str(Path(sys.executable).with_name("airdates")), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert done.returncode == 0, (
        f"airdates {' '.join(args)} exited {done.returncode}: {done.stderr}"
    )
    return done


@dataclass(frozen=True)
class _Site:
    """The published example, served on 127.0.0.1."""

    config: Path
    output: Path
    url: str


@pytest.fixture(scope="module")
def chromium() -> str:
    """The browser to drive; the tests skip when there is none."""
    found = _chromium()
    if found is None:
        pytest.skip(
            "no Chromium found on PATH (Debian: apt install chromium); browser tests skipped"
        )
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, chromium: str) -> Iterator[_Site]:  # noqa: ARG001
    """Publish a copy of the bundled example (plus a show with a hostile title) and serve it."""
    folder = tmp_path_factory.mktemp("example")
    # Only the config and its files: state or output left beside the example by a
    # local run would make this publish a republish.
    shutil.copytree(
        EXAMPLE.parent,
        folder,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(".airdates", "public"),
    )
    config = folder / "airdates.toml"
    config.write_text(config.read_text(encoding="utf-8") + HOSTILE_SHOW, encoding="utf-8")
    output = folder / "out"
    _airdates("publish", "-c", str(config), "--now", NOW, "--output", str(output))
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).with_name("airdates")),
            "serve",
            "-c",
            str(config),
            "--output",
            str(output),
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        # The first line names the address: "serving ... at http://127.0.0.1:PORT/ (...)".
        line = server.stdout.readline() if server.stdout else ""
        url = next(word for word in line.split() if word.startswith("http://"))
        yield _Site(config=config, output=output, url=url)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Browser]:
    """One headless Chromium for the module's tests."""
    launched = _launch(chromium, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield launched
    finally:
        _close(launched)


def _next_airing(site: _Site, show: str) -> dict[str, Any]:
    """Return the show's next airing as ``airdates upcoming --json`` lists it."""
    listed = json.loads(
        _airdates("upcoming", "-c", str(site.config), "--now", NOW, "--show", show, "--json").stdout
    )
    return next(a for a in listed if a["status"] == "scheduled")


# --- tests ----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["index.html", "lets-meet.html", "hostile.html"])
def test_pages_load_without_console_errors(site: _Site, browser: _Browser, page: str) -> None:
    """Each published page loads in Chromium with no console error, exception or failed load."""
    browser.open(site.url + page)
    assert browser.evaluate("document.readyState") == "complete"
    assert browser.errors() == []


def test_next_airing_title_and_local_time_are_visible(site: _Site, browser: _Browser) -> None:
    """The show page shows the next airing's title and its local time, with the zone named."""
    upcoming = _next_airing(site, "lets-meet")
    browser.open(site.url + "lets-meet.html", width=390)
    box = browser.evaluate(
        "(() => { const e = document.querySelector('.next'); const r = e.getBoundingClientRect();"
        " return {text: e.innerText, width: r.width, height: r.height}; })()"
    )
    assert box["width"] > 0
    assert box["height"] > 0
    assert upcoming["title"] in box["text"]
    start = upcoming["start"]  # "2026-01-03T18:00:00+08:00": the local time is its hh:mm
    assert f"{start[11:16]}–" in box["text"]
    assert "(Asia/Shanghai)" in box["text"]


def test_index_shows_the_next_airing(site: _Site, browser: _Browser) -> None:
    """The index's "up next" starts with the network's next airing, at its local time."""
    upcoming = _next_airing(site, "lets-meet")
    browser.open(site.url + "index.html")
    text = browser.evaluate("document.querySelector('[aria-labelledby=next-heading]').innerText")
    assert upcoming["title"] in text
    assert upcoming["start"][11:16] in text


def test_subscribe_links_point_at_the_published_files(site: _Site, browser: _Browser) -> None:
    """webcal, Google, the copyable address, feed links and alternates all reach published files."""
    browser.open(site.url + "lets-meet.html")
    links = browser.evaluate(
        "(() => ({anchors: [...document.querySelectorAll('#subscribe a')].map(a => a.href),"
        " alternates: [...document.querySelectorAll('link[rel=alternate]')].map(l => l.href),"
        " address: document.querySelector('#subscribe input[readonly]').value}))()"
    )
    webcal = next(href for href in links["anchors"] if href.startswith("webcal:"))
    google = next(
        href for href in links["anchors"] if href.startswith("https://calendar.google.com/")
    )
    assert webcal == "webcal://" + BASE.split("://", 1)[1] + "lets-meet.ics"
    assert parse_qs(urlsplit(google).query)["cid"] == [webcal]
    assert links["address"] == BASE + "lets-meet.ics"
    published = {path.name for path in site.output.iterdir()}
    for url in (*links["alternates"], links["address"]):
        assert url.startswith(BASE)
        assert unquote(url.removeprefix(BASE)) in published
    local = [href for href in links["anchors"] if href.startswith(site.url)]
    assert {href.removeprefix(site.url) for href in local} >= {
        "lets-meet.ics",
        "lets-meet.rss",
        "lets-meet.atom",
        "lets-meet.json",
    }
    for href in local:
        with urllib.request.urlopen(href, timeout=10) as response:  # noqa: S310 - our own local server
            assert response.status == 200


def test_hostile_title_is_literal_text_and_runs_nothing(site: _Site, browser: _Browser) -> None:
    """A show title full of markup shows as that text and neither runs script nor makes elements."""
    for page in ("hostile.html", "index.html"):
        browser.open(site.url + page)
        state = browser.evaluate(
            "({pwned: typeof window.__pwned, images: document.images.length,"
            " scripts: [...document.scripts].map(s => s.type), text: document.body.innerText,"
            " heading: (document.querySelector('h1') || {}).textContent})"
        )
        assert state["pwned"] == "undefined"
        assert state["images"] == 0
        assert state["scripts"] == ["application/ld+json"]
        assert HOSTILE_TITLE in state["text"]
        assert browser.errors() == []
    assert state["heading"] != HOSTILE_TITLE  # the index's heading is the site's
    browser.open(site.url + "hostile.html")
    assert browser.evaluate("document.querySelector('h1').textContent") == HOSTILE_TITLE
    ld = browser.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text).name"
    )
    assert ld == HOSTILE_TITLE


@pytest.mark.parametrize("page", ["index.html", "lets-meet.html"])
def test_screenshots_at_phone_and_desktop_widths(
    site: _Site, browser: _Browser, tmp_path: Path, page: str
) -> None:
    """At 390 and 1280 pixels the page fits its width (no sideways scroll); shots are saved."""
    for width in (390, 1280):
        browser.open(site.url + page, width=width)
        overflow = browser.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        shot = tmp_path / f"{page.removesuffix('.html')}-{width}.png"
        browser.screenshot(shot, width)
        assert shot.read_bytes().startswith(b"\x89PNG")
