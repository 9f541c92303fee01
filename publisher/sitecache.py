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
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from typing import TYPE_CHECKING

from publisher import shortcut

if TYPE_CHECKING:
    from schedule.site import Site

__all__ = ["CACHE_NAME", "load", "store"]

CACHE_NAME = "site.pickle"
_MAGIC = b"airdates-site 1\n"
_DIGEST = 32  # octets of SHA-256


def load(config: str) -> Site | None:
    """Return the site the config at ``config`` (the path as given) loads to, if one is kept.

    The inputs' fingerprint is worked out now, from the files as they are:
    a site is used only if it was kept for exactly these bytes.
    """
    if os.environ.get(shortcut.DISABLE_ENV, "") not in ("", "0"):
        return None
    found = shortcut.last_recipe(os.path.abspath(config))
    if found is None:
        return None
    state, recipe = found
    digest = shortcut.fingerprint(recipe)
    data = shortcut.read(os.path.join(state, CACHE_NAME))
    if digest is None or data is None or not data.startswith(_MAGIC):
        return None
    key_end = len(_MAGIC) + _DIGEST
    payload = data[key_end + _DIGEST :]
    if data[len(_MAGIC) : key_end] != _key(digest, config):
        return None
    if data[key_end : key_end + _DIGEST] != hashlib.sha256(payload).digest():
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
    A failure to write it is not the publish's.
    """
    key = _key(fingerprint, site.source)
    path = os.path.join(site.state, CACHE_NAME)
    with contextlib.suppress(OSError), open(path, "rb") as kept:  # noqa: PTH123
        if kept.read(len(_MAGIC) + _DIGEST) == _MAGIC + key:
            return  # kept already (the site was read from it)
    payload = pickle.dumps(site, protocol=pickle.HIGHEST_PROTOCOL)
    scratch = f"{path}.tmp"
    try:
        with open(scratch, "wb") as out:  # noqa: PTH123
            out.write(_MAGIC + key + hashlib.sha256(payload).digest() + payload)
        os.replace(scratch, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(scratch)  # noqa: PTH108


def _key(fingerprint: str, config: str) -> bytes:
    """What a kept site stands for: the inputs, the config path as given, the folder it is relative to."""
    return hashlib.sha256(f"{fingerprint}\0{config}\0{os.getcwd()}".encode()).digest()
