"""The loaded site, kept for the next publish of the same inputs.

Most full publishes of a network are due to the clock (an airing started, a
new day), not to an edit: their config and every other input are byte for
byte what the last publish read. Parsing and checking a 1,000-show config
takes about half a second; reading back the site it gave takes a tenth of
that. A publish keeps its site in the state folder (``site.pickle``) under
the fingerprint of its inputs (publisher/shortcut.py); a later publish
whose inputs have that fingerprint now, named by the same config path from
the same folder, uses it instead of parsing. Anything else, or a file that
does not read back whole, parses the config as usual.

After an edit the inputs differ, but most of the config's text does not:
the TOML tables of the last publish's shows are kept too (``tables.pickle``,
by the SHA-256 of each table's text, schedule/tomltables.py), and a load
parses only the tables it does not find there. A table's digest names what
it parses to whatever config it came from, so any kept table is right for
any config; the file holds those of the last publish that parsed one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from publisher import shortcut

if TYPE_CHECKING:
    from schedule.site import Site
    from schedule.tomltables import Parsed

__all__ = ["CACHE_NAME", "TABLES_NAME", "keep_tables", "load", "store", "tables"]

CACHE_NAME = "site.pickle"
TABLES_NAME = "tables.pickle"
_MAGIC = b"airdates-site 1\n"
# tomllib is part of Python: another Python may read the same text otherwise.
_TABLES_MAGIC = f"airdates-tables 1 {sys.version}\n".encode()
_DIGEST = 32  # octets of SHA-256


def load(config: str) -> Site | None:
    """Return the site the config at ``config`` (the path as given) loads to, if one is kept.

    The inputs' fingerprint is worked out now, from the files as they are:
    a site is used only if it was kept for exactly these bytes.
    """
    # The recipe names the config as os.path.abspath does (no symbolic link resolved).
    found = None if _off() else shortcut.last_recipe(os.path.abspath(config))  # noqa: PTH100
    if found is None:
        return None
    state, recipe = found
    digest = shortcut.fingerprint(recipe)
    key = _key(digest, config) if digest is not None else None
    data = shortcut.read(str(Path(state) / CACHE_NAME))
    if key is None or data is None or not data.startswith(_MAGIC + key):
        return None
    payload = data[len(_MAGIC) + 2 * _DIGEST :]
    if data[len(_MAGIC) + _DIGEST : len(_MAGIC) + 2 * _DIGEST] != hashlib.sha256(payload).digest():
        return None
    try:
        site = pickle.loads(payload)  # noqa: S301 - airdates' own file in its locked state folder
    except Exception:  # noqa: BLE001 - a file that does not load is a file not kept
        return None
    from schedule.site import Site  # noqa: PLC0415 - loaded with the site's own modules

    return site if isinstance(site, Site) and site.source == config else None


def store(site: Site, fingerprint: str) -> None:
    """Keep ``site`` for the next publish whose inputs have ``fingerprint``.

    Written whole under a temporary name (the state folder is locked, so one
    name serves), then renamed; not synced, as losing it costs only a parse.
    Keeping it is a saving, never the publish's failure: any error leaves it
    unkept.
    """
    key = _key(fingerprint, site.source)
    if _off() or key is None:
        return
    path = Path(site.state) / CACHE_NAME
    scratch = path.with_name(CACHE_NAME + ".tmp")
    try:
        with contextlib.suppress(OSError), path.open("rb") as kept:
            if kept.read(len(_MAGIC) + _DIGEST) == _MAGIC + key:
                return  # kept already (the site was read from it)
        payload = pickle.dumps(site, protocol=pickle.HIGHEST_PROTOCOL)
        scratch.write_bytes(_MAGIC + key + hashlib.sha256(payload).digest() + payload)
        scratch.replace(path)
    except Exception:  # noqa: BLE001 - see the docstring
        with contextlib.suppress(OSError):
            scratch.unlink()


def tables(config: str) -> Parsed:
    """Return the TOML tables the last publish of the config at ``config`` kept, to parse less."""
    from schedule.tomltables import Parsed  # noqa: PLC0415 - loaded with the config's own modules

    found = None if _off() else shortcut.last_recipe(os.path.abspath(config))  # noqa: PTH100
    data = shortcut.read(str(Path(found[0]) / TABLES_NAME)) if found is not None else None
    kept = _unpacked(data, _TABLES_MAGIC) if data is not None else None
    return Parsed(kept=kept if isinstance(kept, dict) else {})


def keep_tables(state: str, parsed: Parsed) -> None:
    """Keep the tables a load used in the state folder ``state``, when they are not kept already.

    Any version of the file is right (see the module's docstring), so it is
    written under a name of its own, then renamed over, lock or no lock; an
    error leaves it as it was.
    """
    if _off() or not parsed.used or parsed.used.keys() == parsed.kept.keys():
        return
    scratch = None
    try:
        payload = pickle.dumps(parsed.used, protocol=pickle.HIGHEST_PROTOCOL)
        with tempfile.NamedTemporaryFile(dir=state, prefix=TABLES_NAME, delete=False) as out:
            scratch = Path(out.name)
            out.write(_TABLES_MAGIC + hashlib.sha256(payload).digest() + payload)
        scratch.replace(Path(state) / TABLES_NAME)
    except Exception:  # noqa: BLE001 - keeping them is a saving, never the publish's failure
        if scratch is not None:
            with contextlib.suppress(OSError):
                scratch.unlink()


def _unpacked(data: bytes, magic: bytes) -> object:
    """Return what ``data`` (magic, SHA-256 of the payload, the payload) holds; None if damaged."""
    payload = data[len(magic) + _DIGEST :]
    checksum = data[len(magic) : len(magic) + _DIGEST]
    if not data.startswith(magic) or checksum != hashlib.sha256(payload).digest():
        return None
    try:
        return pickle.loads(payload)  # noqa: S301 - airdates' own file in its state folder
    except Exception:  # noqa: BLE001 - a file that does not load is a file not kept
        return None


def _off() -> bool:
    """Tell whether ``AIRDATES_NO_SHORTCUT`` turns the kept site off (with the shortcut)."""
    return os.environ.get(shortcut.DISABLE_ENV, "") not in ("", "0")


def _key(fingerprint: str, config: str) -> bytes | None:
    """What a kept site stands for: the inputs, the config path as given, the working folder.

    None when the working folder is gone (a relative path then means nothing).
    """
    try:
        folder = Path.cwd()
    except OSError:
        return None
    return hashlib.sha256(f"{fingerprint}\0{config}\0{folder}".encode()).digest()
