"""The kit's cache folder: what it may skip next time, keyed by the content it was made from.

``$ECOPOLE_KIT_CACHE`` when set (an empty value turns the cache off), else
``$XDG_CACHE_HOME/ecopole-kit``, else ``~/.cache/ecopole-kit``. The cache only ever saves
time: a folder that cannot be created or written is ignored, and nothing there is a
person's work (deleting it is always safe).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENVIRONMENT = "ECOPOLE_KIT_CACHE"


def cache_folder(*parts: str) -> Path | None:
    """A sub-folder of the cache, created if needed; None when there is no usable cache."""
    chosen = os.environ.get(ENVIRONMENT)
    if chosen is None:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        chosen = str(Path(xdg) / "ecopole-kit")
    if not chosen:
        return None
    folder = Path(chosen, *parts)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def seen(kind: str, key: str) -> bool:
    """Whether ``key`` (a content hash) was recorded under ``kind`` by ``remember``."""
    folder = cache_folder(kind)
    return folder is not None and (folder / key).is_file()


def remember(kind: str, key: str) -> None:
    """Record ``key`` under ``kind``; a cache that cannot be written is left as it is."""
    folder = cache_folder(kind)
    if folder is None:
        return
    try:
        (folder / key).touch()
    except OSError:
        return


def decoded(kind: str, raw: bytes, decode: Callable[[bytes], Any], *,
            form: bytes = b"") -> Any:
    """``decode(raw)``, kept in the cache in Python's own fast format (``marshal``, plain
    data only), by the hash of ``raw``, of ``form`` (the code that decodes, when it may
    change) and the Python version: shipped data files are parsed once, then read back
    three times faster. A missing or damaged copy is made again."""
    folder = cache_folder(kind)
    version = "-".join(map(str, sys.version_info[:2]))
    digest = hashlib.sha256(raw)
    digest.update(form)
    key = digest.hexdigest()
    copy = None if folder is None else folder / f"{key}-{version}"
    if copy is not None and copy.is_file():
        try:
            return marshal.loads(copy.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            pass
    value = decode(raw)
    if copy is not None:
        _write_quietly(copy, marshal.dumps(value))
    return value


def _write_quietly(path: Path, data: bytes) -> None:
    """Write through a temporary sibling then rename: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
