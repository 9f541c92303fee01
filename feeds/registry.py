"""The renderer registry: one record per output format, built-ins included."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from feeds.edition import Edition
from schedule.errors import AirdatesError

__all__ = ["Renderer", "UnknownRendererError", "preload", "register", "renderer", "renderers"]

Render = Callable[[Edition], bytes]


class UnknownRendererError(AirdatesError, KeyError):
    """No renderer has the name asked for; the message lists the known ones."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Renderer:
    """An output format.

    ``per_show`` renderers write ``{show}{suffix}``; ``network`` names the
    stem of the network-wide file (``schedule`` -> ``schedule.ics``), or is
    None when there is none. ``render`` turns an Edition into the file's bytes.
    """

    name: str
    media_type: str
    suffix: str
    render: Render
    per_show: bool = True
    network: str | None = None

    @property
    def signature(self) -> tuple[str, str, bool, str | None, str]:
        """What decides this format's files, as plain values a digest can take."""
        return (self.name, self.suffix, self.per_show, self.network, self.render.__qualname__)

    def file_name(self, show_id: str | None) -> str:
        """Return the file this renderer writes for a show (None: the network)."""
        stem = show_id if show_id is not None else self.network
        if stem is None:
            msg = f"the {self.name} renderer writes no network-wide file"
            raise ValueError(msg)
        return stem + self.suffix


_REGISTRY: dict[str, Renderer] = {}


def register(record: Renderer) -> Renderer:
    """Add a renderer; a second one with the same name replaces the first."""
    _REGISTRY[record.name] = record
    return record


def renderer(name: str) -> Renderer:
    """Return the renderer called ``name``; the error lists the known names."""
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        msg = f"no renderer called {name!r}; known: {known}"
        raise UnknownRendererError(msg) from None


def renderers() -> tuple[Renderer, ...]:
    """Return every registered renderer, in registration order."""
    return tuple(_REGISTRY.values())


def preload() -> None:
    """Import now the module of every renderer that imports its own on first use.

    Before a fork, so that both processes have it, imported once.
    """
    for record in _REGISTRY.values():
        module = getattr(record.render, "lazy_module", None)
        if module is not None:
            importlib.import_module(module)


def _lazy(module: str, function: str) -> Render:
    """Return a render function that imports its module on first use."""

    def render(edition: Edition) -> bytes:
        target: Render = getattr(importlib.import_module(module), function)
        return target(edition)

    render.__qualname__ = f"{module}.{function}"
    render.lazy_module = module  # type: ignore[attr-defined] - read by preload
    return render


for _record in (
    Renderer(name="ics", media_type="text/calendar; charset=utf-8", suffix=".ics",
             network="schedule", render=_lazy("feeds.ics", "render_ics")),
    Renderer(name="rss", media_type="application/rss+xml", suffix=".rss",
             network="all", render=_lazy("feeds.rss", "render_rss")),
    Renderer(name="atom", media_type="application/atom+xml", suffix=".atom",
             network="all", render=_lazy("feeds.atom", "render_atom")),
    Renderer(name="json", media_type="application/feed+json", suffix=".json",
             network="all", render=_lazy("feeds.jsonfeed", "render_json")),
    Renderer(name="changes-rss", media_type="application/rss+xml", suffix=".rss",
             per_show=False, network="changes", render=_lazy("feeds.changelog", "render_changes_rss")),
    Renderer(name="changes-atom", media_type="application/atom+xml", suffix=".atom",
             per_show=False, network="changes", render=_lazy("feeds.changelog", "render_changes_atom")),
    Renderer(name="xmltv", media_type="application/xml", suffix=".xml",
             per_show=False, network="xmltv", render=_lazy("feeds.xmltv", "render_xmltv")),
    Renderer(name="html", media_type="text/html; charset=utf-8", suffix=".html",
             network="index", render=_lazy("feeds.pages", "render_html")),
):
    register(_record)
