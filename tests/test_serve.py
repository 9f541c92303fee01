"""``airdates serve`` over real HTTP on 127.0.0.1."""

from __future__ import annotations

import email.utils
import http.client
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from publisher.cli import main
from publisher.serve import ServeError, make_server

HUB = "https://hub.example.org/"
BASE = "https://feeds.example.org/cqtv/"
AIRDATES = str(Path(sys.executable).with_name("airdates"))  # the installed command
CONFIG = (  # a config of one show: serve reads its output folder and hub from it
    '[site]\ntitle = "T"\nbase_url = "https://feeds.example.org/"\n'
    '[[shows]]\nid = "s"\ntitle = "S"\nduration = "30 minutes"\n'
    '[[shows.airs]]\nrule = "daily at 18:00"\nfrom = 2026-01-01\n'
)


@pytest.fixture
def site_folder(tmp_path: Path) -> Path:
    """Return an output folder with a file of each kind, a secret beside it, a symlink out."""
    public = tmp_path / "public"
    public.mkdir()
    (tmp_path / "secret.txt").write_text("not for the web")
    files = {
        "lets-meet.ics": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        "lets-meet.rss": "<rss/>",
        "lets-meet.atom": "<feed/>",
        "lets-meet.json": "{}",
        "xmltv.xml": "<tv/>",
        "index.html": "<!doctype html><title>Schedule</title>",
        "lets-meet.html": "<!doctype html><title>Let's Meet</title>",
    }
    for name, text in files.items():
        (public / name).write_text(text)
    (public / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (public / "inside.ics").symlink_to(public / "lets-meet.ics")
    (public / "sub").mkdir()
    (public / "sub" / "note.txt").write_text("listed? no")
    return public


@pytest.fixture
def port(site_folder: Path) -> Iterator[int]:
    """Return the port of a server for the folder on 127.0.0.1, served from a thread."""
    server = make_server(site_folder, bind="127.0.0.1", port=0, hub=HUB, self_base=BASE)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _request(
    port: int, target: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        # skip_host etc. are not needed: the target is sent exactly as given.
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("lets-meet.ics", "text/calendar; charset=utf-8"),
        ("lets-meet.rss", "application/rss+xml"),
        ("lets-meet.atom", "application/atom+xml"),
        ("lets-meet.json", "application/feed+json"),
        ("xmltv.xml", "application/xml"),
        ("lets-meet.html", "text/html; charset=utf-8"),
    ],
)
def test_content_types(port: int, site_folder: Path, name: str, media_type: str) -> None:
    """Each kind of output is served with the Content-Type SPEC §6 names, and its exact bytes."""
    status, headers, body = _request(port, f"/{name}")
    assert status == 200
    assert headers["content-type"] == media_type
    assert body == (site_folder / name).read_bytes()
    assert headers["content-length"] == str(len(body))


def test_root_serves_the_index(port: int) -> None:
    """``/`` is the schedule page."""
    status, headers, body = _request(port, "/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert b"<title>Schedule</title>" in body


def test_validators_and_conditional_requests(port: int, site_folder: Path) -> None:
    """ETag and Last-Modified are sent; both conditional headers answer 304 with no body."""
    _, headers, _ = _request(port, "/lets-meet.ics")
    etag, modified = headers["etag"], headers["last-modified"]
    assert etag.startswith('"')
    assert not etag.startswith("W/")
    mtime = (site_folder / "lets-meet.ics").stat().st_mtime
    assert email.utils.parsedate_to_datetime(modified).timestamp() == int(mtime)
    status, again, body = _request(port, "/lets-meet.ics", headers={"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert again["etag"] == etag
    status, _, body = _request(port, "/lets-meet.ics", headers={"If-Modified-Since": modified})
    assert (status, body) == (304, b"")
    assert _request(port, "/lets-meet.ics", headers={"If-None-Match": '"other"'})[0] == 200
    assert (
        _request(
            port, "/lets-meet.ics", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}
        )[0]
        == 200
    )


@pytest.mark.parametrize(
    "since",
    [
        "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",  # past what a C long holds
        "yesterday",
    ],
)
def test_a_date_no_clock_reads_is_ignored(port: int, since: str) -> None:
    """An If-Modified-Since that is no date the server can compare gets the file, not a reset."""
    status, _, body = _request(port, "/lets-meet.ics", headers={"If-Modified-Since": since})
    assert (status, body) == (200, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")


def test_replaced_file_gets_a_new_etag(port: int, site_folder: Path) -> None:
    """A file replaced the way publish replaces it (rename) no longer matches the old ETag."""
    _, headers, _ = _request(port, "/lets-meet.rss")
    replacement = site_folder / ".new"
    replacement.write_text("<rss>changed</rss>")
    replacement.replace(site_folder / "lets-meet.rss")
    status, after, body = _request(
        port, "/lets-meet.rss", headers={"If-None-Match": headers["etag"]}
    )
    assert status == 200
    assert body == b"<rss>changed</rss>"
    assert after["etag"] != headers["etag"]


def test_head_sends_headers_only(port: int, site_folder: Path) -> None:
    """HEAD answers with GET's headers and no body."""
    status, headers, body = _request(port, "/lets-meet.atom", method="HEAD")
    assert status == 200
    assert body == b""
    assert headers["content-length"] == str((site_folder / "lets-meet.atom").stat().st_size)
    assert headers["content-type"] == "application/atom+xml"


def test_feeds_carry_websub_links(port: int) -> None:
    """Feeds advertise the hub and their own URL in a Link header; a calendar does not."""
    _, headers, _ = _request(port, "/lets-meet.rss")
    assert headers["link"] == f'<{HUB}>; rel="hub", <{BASE}lets-meet.rss>; rel="self"'
    assert "link" not in _request(port, "/lets-meet.ics")[1]


def test_missing_file_is_404(port: int) -> None:
    """A file that does not exist is 404."""
    assert _request(port, "/nothing.ics")[0] == 404
    assert _request(port, "/nothing.ics", method="HEAD")[0] == 404


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/sub/..%2f..%2fsecret.txt",
        "/sub/../../secret.txt",
        "/escape.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "http://127.0.0.1/../secret.txt",
        "/etc/passwd",
        "/.new",
        "/sub",
        "/sub/",
        "/lets-meet.ics%00.txt",
        "/..%5csecret.txt",
    ],
)
def test_nothing_outside_the_folder_is_served(port: int, target: str) -> None:
    """Dots, encoded dots and slashes, absolute paths, symlinks out: refused; no listings."""
    status, _, body = _request(port, target)
    assert status == 404
    assert b"not for the web" not in body
    assert b"note.txt" not in body


def test_a_file_named_as_a_folder_is_not_found(port: int) -> None:
    """"/lets-meet.html/" is no page: served, its relative links would point below it."""
    assert _request(port, "/lets-meet.html")[0] == 200
    assert _request(port, "/lets-meet.html/")[0] == 404
    assert _request(port, "/")[0] == 200


def test_symlink_inside_the_folder_is_served(port: int) -> None:
    """A symlink to another file inside the folder is served like that file."""
    status, headers, _ = _request(port, "/inside.ics")
    assert status == 200
    assert headers["content-type"] == "text/calendar; charset=utf-8"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_refused(port: int, site_folder: Path, method: str) -> None:
    """Serving is read-only: 405 naming the methods there are (not 501, "not implemented")."""
    status, headers, _ = _request(port, "/lets-meet.ics", method=method)
    assert (status, headers["allow"]) == (405, "GET, HEAD")
    assert (site_folder / "lets-meet.ics").read_bytes() == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


def test_an_ipv6_address_is_served() -> None:
    """``--bind ::1`` listens on IPv6 (it failed: the server was IPv4 only)."""
    if not socket.has_ipv6:
        pytest.skip("this Python has no IPv6")
    try:
        server = make_server(Path(), bind="::1", port=0, hub=None, self_base=BASE)
    except ServeError as error:
        if "Cannot assign requested address" in str(error):
            pytest.skip("no IPv6 loopback here")
        raise
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        connection = http.client.HTTPConnection("::1", server.server_address[1], timeout=10)
        connection.request("GET", "/no-such-file")
        assert connection.getresponse().status == 404
        connection.close()
    finally:
        server.shutdown()
        server.server_close()


def test_a_port_in_use_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2 with one line: the option is to change, the config is fine (exit 1 says otherwise)."""
    config = tmp_path / "airdates.toml"
    config.write_text(CONFIG)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        code = main(["serve", "-c", str(config), "--port", str(busy)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"airdates: cannot listen on 127.0.0.1:{busy}: ")
    assert len(err.splitlines()) == 1


@pytest.mark.usefixtures("site_folder")
def test_ctrl_c_exits_cleanly(tmp_path: Path) -> None:
    """The installed command stops on SIGINT with exit status 0 after printing where it listened."""
    config = tmp_path / "airdates.toml"
    config.write_text(CONFIG.replace("[site]\n", '[site]\noutput = "public"\n'))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    command = [
        AIRDATES,
        "serve",
        "-c",
        str(config),
        "--port",
        str(free),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        first = process.stdout.readline() if process.stdout else ""
        assert f"127.0.0.1:{free}" in first, process.stderr.read() if process.stderr else ""
        assert _request(free, "/index.html")[0] == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
    finally:
        process.kill()
        process.wait()


def _first_lines(process: subprocess.Popen[bytes], count: int, timeout: float = 20) -> list[str]:
    """Return the first ``count`` lines the process writes, or those written within ``timeout``."""
    assert process.stdout is not None
    fd, data, deadline = process.stdout.fileno(), b"", time.monotonic() + timeout
    while data.count(b"\n") < count and time.monotonic() < deadline:
        if select.select([fd], [], [], max(deadline - time.monotonic(), 0))[0]:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
    return data.decode().splitlines(keepends=True)[:count]


def test_serving_a_folder_not_published_yet_says_so(tmp_path: Path) -> None:
    """Every request would be 404: the second line says why, and what to run."""
    config = tmp_path / "airdates.toml"
    config.write_text(CONFIG.replace("[site]\n", '[site]\noutput = "public"\n'))
    command = [AIRDATES, "serve", "-c", str(config), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    try:
        lines = _first_lines(process, 2)
    finally:
        process.kill()
        process.wait()
    assert len(lines) == 2, lines
    assert lines[0] == (
        f"airdates: warning: {tmp_path / 'public'} is not there yet: run airdates publish first\n"
    )
    assert lines[1].startswith(f"serving {tmp_path / 'public'} at http://127.0.0.1:")


@pytest.mark.parametrize("bind", ["", " "])
def test_an_empty_bind_address_is_refused_not_every_interface(bind: str, tmp_path: Path) -> None:
    """``--bind "$HOST"`` with the variable unset listened on 0.0.0.0: on the network."""
    config = Path(__file__).parent.parent / "examples" / "lets-meet" / "airdates.toml"
    command = AIRDATES
    done = subprocess.run(  # noqa: S603 - the installed command; it served for ever before
        [command, "serve", "-c", str(config), "--bind", bind, "--port", "0"],
        capture_output=True, text=True, timeout=20, check=False, cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "argument --bind: is empty: give an address, e.g. 127.0.0.1" in done.stderr


def test_an_output_that_is_a_file_is_refused_not_served(tmp_path: Path) -> None:
    """``serve --output airdates.toml`` served nothing, saying the folder was "not there yet"."""
    config = Path(__file__).parent.parent / "examples" / "lets-meet" / "airdates.toml"
    command = AIRDATES
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    done = subprocess.run(  # noqa: S603 - the installed command; it served for ever before
        [command, "serve", "-c", str(config), "--output", str(a_file), "--port", "0"],
        capture_output=True, text=True, timeout=20, check=False, cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"airdates: serve: {a_file} is a file, not a folder (give the output folder)\n"
    )
