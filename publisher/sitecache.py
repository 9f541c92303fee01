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

After an edit the inputs differ, but most of the config's text does not.
``tables.pickle`` keeps what the last publish that parsed the config made:
its TOML tables, by the SHA-256 of each table's text (schedule/tomltables.py),
and its settled shows, by what each is made of (schedule/keptshows.py), with
the airdates and zone data they were made with. A load parses only the
tables, and builds only the shows, it does not find there. A table's digest
names what it parses to whatever config it came from, and a show's key what
it is made of, so what is kept is right for any config: a load reads the
file from whichever state folder the config's may be.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from publisher import files, shortcut

if TYPE_CHECKING:
    from collections.abc import Iterable

    from schedule.site import Site
    from schedule.tomltables import Parsed

__all__ = ["CACHE_NAME", "TABLES_NAME", "keep_tables", "load", "store", "tables", "tidy"]

CACHE_NAME = "site.pickle"
TABLES_NAME = "tables.pickle"
_SCRATCH = ".tmp"  # a kept file is written as ``<name>.<pid>.tmp``, then renamed
_MAGIC = b"airdates-site 1\n"
# tomllib is part of Python: another Python may read the same text otherwise.
_TABLES_MAGIC = f"airdates-tables 2 {sys.version}\n".encode()
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
    if key is None or data is None:
        return None
    site = _unpacked(data, _MAGIC + key)
    from schedule.site import Site  # noqa: PLC0415 - loaded with the site's own modules

    return site if isinstance(site, Site) and site.source == config else None


def store(site: Site, fingerprint: str) -> None:
    """Keep ``site`` for the next publish whose inputs have ``fingerprint`` (see ``_keep``)."""
    key = _key(fingerprint, site.source)
    if _off() or key is None:
        return
    path = Path(site.state) / CACHE_NAME
    with contextlib.suppress(OSError), path.open("rb") as kept:
        if kept.read(len(_MAGIC) + _DIGEST) == _MAGIC + key:
            return  # kept already (the site was read from it)
    _keep(path, _MAGIC + key, site)


def tables(config: str) -> Parsed:
    """Return what the last publish of the config at ``config`` kept to load the next one faster.

    Its TOML tables always; its shows (schedule/keptshows.py) only while
    airdates and the zone data they were made with are as they were.
    """
    from schedule.keptshows import KeptShows  # noqa: PLC0415 - loaded with the config's own modules
    from schedule.tomltables import Parsed  # noqa: PLC0415

    # Whichever state folder the config's may be: what is kept is right for any config.
    folders = [] if _off() else shortcut.state_folders(os.path.abspath(config))  # noqa: PTH100
    found = (shortcut.read(str(Path(folder) / TABLES_NAME)) for folder in folders)
    unpacked = (_unpacked(data, _TABLES_MAGIC) for data in found if data is not None)
    kept = next((k for k in unpacked if isinstance(k, dict)), None)
    if kept is None:
        return Parsed()
    shows = kept.get("shows", {})
    if kept.get("made_with") != _made_with(kept.get("zones", ())):
        shows = {}
    return Parsed(kept=kept.get("tables", {}), shows=KeptShows(kept=shows))


def keep_tables(site: Site, parsed: Parsed) -> None:
    """Keep what loading ``site`` used in its state folder, unless it is what was kept already.

    Any version of the file is right (see the module's docstring), so it is
    replaced lock or no lock (see ``_keep``).
    """
    shows = parsed.shows
    same = parsed.used.keys() == parsed.kept.keys() and shows.used.keys() == shows.kept.keys()
    if _off() or same:
        return
    # Every show used is the site's (settled): their zones are the site's.
    zones = sorted({site.timezone.key, *(show.timezone.key for show in site.shows)})
    kept = {
        "tables": parsed.used,
        "shows": shows.pickled(),
        "zones": zones,
        "made_with": _made_with(zones),
    }
    _keep(Path(site.state) / TABLES_NAME, _TABLES_MAGIC, kept)


def _keep(path: Path, magic: bytes, value: object) -> None:
    """Put ``value`` pickled at ``path``, after ``magic`` and its SHA-256 (``_unpacked``'s form).

    Written whole under a name of this process's own, then renamed over;
    private (0600), as the config's text is in it; not synced, as losing it
    costs only a parse. Keeping is a saving, never the publish's failure:
    any error leaves the file as it was.
    """
    scratch = path.with_name(f"{path.name}.{os.getpid()}{_SCRATCH}")
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        files.write_file(scratch, magic + hashlib.sha256(payload).digest() + payload, durable=False)
        scratch.replace(path)
    except Exception:  # noqa: BLE001 - see the docstring
        with contextlib.suppress(OSError):
            scratch.unlink()


def tidy(folder: Path) -> None:
    """Delete the scratch files (see ``_keep``) a killed publish left in the state ``folder``.

    Only a publish keeps anything, under the state's lock: a scratch file
    of another process is a dead one's.
    """
    own = str(os.getpid())
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            kept, _, pid = entry.name.removesuffix(_SCRATCH).rpartition(".")
            scratch = entry.name.endswith(_SCRATCH) and kept in (CACHE_NAME, TABLES_NAME)
            if scratch and pid.isdigit() and pid != own:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _made_with(zones: Iterable[str]) -> tuple[object, ...]:
    """Return what kept shows were made with besides their tables: airdates, their zones' data."""
    from publisher.inputs import zone_file  # noqa: PLC0415

    stamps = []
    for key in zones:
        path = zone_file(key)
        try:
            info = os.stat(path) if path is not None else None  # noqa: PTH116
        except OSError:
            info = None
        stamps.append((key, path, info and (info.st_size, info.st_mtime_ns)))
    return (shortcut.code_stamp(), tuple(stamps))


def _unpacked(data: bytes, magic: bytes) -> object:
    """Return what ``data`` (magic, SHA-256 of the payload, the pickled payload) holds.

    None unless ``data`` starts with ``magic`` and reads back whole.
    """
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
    key = f"{fingerprint}\0{config}\0{folder}"
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).digest()
