"""``airdates serve``: the output folder over HTTP, with validators and nothing outside it."""

from __future__ import annotations

import email.utils
import mimetypes
import os
import socket
import sys
from collections.abc import Mapping
from datetime import UTC
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urljoin, urlsplit

from feeds.registry import renderers
from publisher.websub import FEED_MEDIA_TYPES
from schedule.errors import AirdatesError

__all__ = ["ServeError", "make_server", "media_types", "serve"]

_EXTRA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_CHUNK = 64 * 1024


class ServeError(AirdatesError):
    """The server could not start (the port is taken, the address is wrong): an option to fix."""

    exit_code = 2


class _ServerV6(ThreadingHTTPServer):
    """The server on an IPv6 address (``--bind ::1``)."""

    address_family = socket.AF_INET6


def media_types() -> dict[str, str]:
    """Return the Content-Type of each file suffix: the renderers' own, then a few static ones."""
    types = dict(_EXTRA_TYPES)
    types.update({r.suffix: r.media_type for r in renderers()})
    return types


def serve(  # noqa: PLR0913 - mirrors the command's options
    folder: Path,
    *,
    bind: str,
    port: int,
    hub: str | None,
    self_base: str,
    log: TextIO | None = None,
) -> None:
    """Serve ``folder`` until Ctrl-C; quiet except for one start line and requests that fail."""
    server = make_server(folder, bind=bind, port=port, hub=hub, self_base=self_base, log=log)
    host, bound = server.server_address[:2]
    if log is not None:
        if not folder.is_dir():
            print(f"airdates: warning: {folder} is not there yet: run airdates publish first",
                  file=log, flush=True)
        address = str(host)  # server_address is typed loosely: it is the address as text here
        shown = f"[{address}]" if ":" in address else address
        print(f"serving {folder} at http://{shown}:{bound}/ (Ctrl-C to stop)", file=log, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def make_server(  # noqa: PLR0913 - mirrors the command's options
    folder: Path,
    *,
    bind: str,
    port: int,
    hub: str | None,
    self_base: str,
    log: TextIO | None = None,
) -> ThreadingHTTPServer:
    """Return a server for ``folder`` on ``bind``:``port`` (0: any free port), not serving yet."""
    handler = partial(
        _Handler,
        root=Path(folder).resolve(),
        types=media_types(),
        hub=hub,
        self_base=self_base,
        log=log or sys.stderr,
    )
    # ThreadingHTTPServer's handler threads are daemons: Ctrl-C never waits for a slow client.
    server = _ServerV6 if ":" in bind else ThreadingHTTPServer
    try:
        return server((bind, port), handler)
    except OSError as error:
        msg = f"cannot listen on {bind}:{port}: {error.strerror or error}"
        raise ServeError(msg) from error


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD of regular files inside the root; everything else is 404 or 405."""

    server_version = "airdates"
    protocol_version = "HTTP/1.1"

    def __init__(
        self,
        *args: object,
        root: Path,
        types: Mapping[str, str],
        hub: str | None,
        self_base: str,
        log: TextIO,
    ) -> None:
        self.root = root
        self.types = types
        self.hub = hub
        self.self_base = self_base
        self.log = log
        super().__init__(*args)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        """Send a file, or 304, or 404."""
        self._answer(body=True)

    def do_HEAD(self) -> None:
        """Send a file's headers only."""
        self._answer(body=False)

    def do_POST(self) -> None:
        """Refuse: the folder is read-only (405, naming GET and HEAD)."""
        text = b"405 method not allowed\n"
        self.close_connection = True  # a request body, if any, is not read
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED,
            {
                "Allow": "GET, HEAD",
                "Content-Type": "text/plain; charset=utf-8",
                "Content-Length": str(len(text)),
            },
        )
        self.wfile.write(text)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST  # noqa: N815 - the handler's names

    def _answer(self, *, body: bool) -> None:
        path = _locate(self.root, self.path)
        if path is None:
            self._not_found(body=body)
            return
        try:
            handle = path.open("rb")
        except OSError:
            self._not_found(body=body)
            return
        with handle:
            info = os.fstat(handle.fileno())
            headers = self._headers(path, info)
            if _not_modified(
                self.headers.get("If-None-Match"),
                self.headers.get("If-Modified-Since"),
                headers["ETag"],
                info.st_mtime,
            ):
                self._send(
                    HTTPStatus.NOT_MODIFIED,
                    {k: v for k, v in headers.items() if k != "Content-Length"},
                )
                return
            self._send(HTTPStatus.OK, headers)
            if body:
                while chunk := handle.read(_CHUNK):
                    self.wfile.write(chunk)

    def _headers(self, path: Path, info: os.stat_result) -> dict[str, str]:
        media_type = (
            self.types.get(path.suffix)
            or mimetypes.guess_type(path.name)[0]
            or "application/octet-stream"
        )
        headers = {
            "Content-Type": media_type,
            "Content-Length": str(info.st_size),
            # Strong: a publish replaces a file by rename, so a new version is a new inode.
            "ETag": f'"{info.st_ino:x}-{info.st_size:x}-{info.st_mtime_ns:x}"',
            "Last-Modified": email.utils.formatdate(info.st_mtime, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self.hub and media_type in FEED_MEDIA_TYPES:
            relative = path.relative_to(self.root).as_posix()
            headers["Link"] = (
                f'<{self.hub}>; rel="hub", <{urljoin(self.self_base, relative)}>; rel="self"'
            )
        return headers

    def _not_found(self, *, body: bool) -> None:
        text = b"404 not found\n"
        self._send(
            HTTPStatus.NOT_FOUND,
            {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(text))},
        )
        if body:
            self.wfile.write(text)

    def _send(self, status: HTTPStatus, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Stay quiet about requests that were answered normally."""
        if isinstance(code, int) and code >= HTTPStatus.INTERNAL_SERVER_ERROR:
            super().log_request(code, size)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        """Write problems to the serve log, one line each."""
        print(f"{self.address_string()} {format % args}", file=self.log, flush=True)


def _locate(root: Path, target: str) -> Path | None:
    """Return the regular file a request target names inside ``root``, or None.

    Refuses ``..`` and ``.`` segments (also percent-encoded), hidden names
    (temporary files are hidden), backslashes and NULs, and anything whose
    real path — after following symlinks — lies outside ``root``. A folder
    stands for its ``index.html``; nothing is ever listed.
    """
    raw = target.split("#", 1)[0].split("?", 1)[0]
    if "://" in raw:
        raw = urlsplit(raw).path
    if not raw.startswith("/"):
        return None
    segments = [unquote(part) for part in raw.split("/") if part]
    if any(_refused(part) for part in segments):
        return None
    candidate = root.joinpath(*segments)
    try:
        real = candidate.resolve(strict=True)
        if real.is_dir():
            real = (real / "index.html").resolve(strict=True)
        elif raw.endswith("/"):
            return None  # "/index.html/": a page's relative links would resolve below it
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root) or not real.is_file():
        return None
    return real


def _refused(segment: str) -> bool:
    return segment.startswith(".") or "/" in segment or "\\" in segment or "\x00" in segment


def _not_modified(
    if_none_match: str | None, if_modified_since: str | None, etag: str, mtime: float
) -> bool:
    """Apply RFC 9110's conditional GET: If-None-Match wins; else compare whole seconds."""
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    if if_modified_since is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return int(mtime) <= since.timestamp()
    except (TypeError, ValueError, OverflowError):  # a date no clock reads: the file is sent
        return False
