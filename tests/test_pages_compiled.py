"""The pages' compiled templates: kept like ``__pycache__``, never changing a byte of output."""

from __future__ import annotations

import marshal
import os
import pickle
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from feeds import pages
from tests.test_pages import _edition, _show_edition


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the compiled-template folder at a fresh one and forget the built environment."""
    folder = tmp_path / "templates" / "__pycache__"
    monkeypatch.setattr(pages, "_COMPILED", folder)
    pages._environment.cache_clear()
    yield folder
    pages._environment.cache_clear()


def _both() -> tuple[bytes, bytes]:
    return pages.render_html(_edition()), pages.render_html(_show_edition())


def test_compile_templates_fills_the_folder_and_the_pages_read_the_same(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    compiled_fresh = _both()
    assert not cache_folder.exists()  # like Python: no writing when bytecode may not be written

    assert pages.compile_templates() == 5  # base, index, macros, show, style.css
    cached = sorted(cache_folder.iterdir())
    assert len(cached) == 5
    assert all(path.stat().st_size > 0 for path in cached)

    pages._environment.cache_clear()
    loaded = pages._environment().bytecode_cache
    assert loaded is not None
    assert _both() == compiled_fresh
    assert sorted(cache_folder.iterdir()) == cached


def test_a_run_allowed_to_write_bytecode_keeps_what_it_compiled(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    first = _both()
    assert len(list(cache_folder.iterdir())) == 5  # every template a page uses
    pages._environment.cache_clear()
    assert _both() == first


def test_a_folder_that_cannot_be_written_is_no_error(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    cache_folder.parent.mkdir(parents=True)
    cache_folder.write_text("a file where the folder should be")
    assert _both()[0].startswith(b"<!DOCTYPE html>")


def test_a_stale_compiled_template_is_not_used(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    first = _both()
    # Code compiled from some other source: were it run, every page would fail.
    other = compile("raise RuntimeError('stale template code ran')", "<stale>", "exec")
    for path in cache_folder.iterdir():
        path.write_bytes(bc_magic + pickle.dumps("checksum of an older source", 2) + marshal.dumps(other))
    pages._environment.cache_clear()
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    assert _both() == first


def test_a_run_reads_each_template_file_once(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the first page, the templates are not looked at again: a network renders a thousand."""
    first = _both()
    looked: list[str] = []
    real = os.path.getmtime

    def getmtime(path: str) -> float:
        looked.append(path)
        return real(path)

    monkeypatch.setattr(os.path, "getmtime", getmtime)
    assert _both() == first
    assert looked == []
