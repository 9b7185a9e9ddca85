"""What a site build was made from, so that a site whose inputs did not change is not built
again: a fingerprint of territoire.yaml, fonctions/, docs/, mkdocs.yml, the project's record
and the kit and référentiel versions, stamped after each successful build.

Light on purpose: ``ecopole-kit build`` asks ``up_to_date`` before mkdocs, matplotlib or the
geography are imported, so an unchanged site answers at once.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from ecopole_kit import __version__
from ecopole_kit.foundation.documents import write_text_atomic
from ecopole_kit.models import ToComplete
from ecopole_kit.project.layout import (
    BUILD_STAMP,
    FUNCTIONS_DIR,
    MKDOCS_FILE,
    RECORD_DIR,
    RECORD_FILE,
    SITE_DIR,
    SUMMARY_FILE,
    TERRITORY_FILE,
    USER_DOCS,
)
from ecopole_kit.referentiel.release import REFERENTIEL_RELEASE

STAMP_FORMAT = 1
INPUT_FILES = (TERRITORY_FILE, MKDOCS_FILE, f"{RECORD_DIR}/{RECORD_FILE}")
INPUT_FOLDERS = (FUNCTIONS_DIR, USER_DOCS)
BUILT_FILES = ("index.html", SUMMARY_FILE)  # a site without them is built again


def fingerprint(root: Path, *, safe: bool = False) -> str:
    """The sha256 of every input of a site build, in a fixed order."""
    digest = hashlib.sha256()
    digest.update(f"{STAMP_FORMAT}\0{__version__}\0{REFERENTIEL_RELEASE}\0{safe}\0".encode())
    for relative in _inputs(root):
        digest.update(relative.encode("utf-8") + b"\0" + _content_digest(root, relative) + b"\0")
    return digest.hexdigest()


def _inputs(root: Path) -> list[str]:
    found = [name for name in INPUT_FILES if os.path.lexists(root / name)]
    for folder in INPUT_FOLDERS:
        for directory, subfolders, files in os.walk(root / folder):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            base = Path(directory).relative_to(root)
            found += [(base / name).as_posix() for name in files if not name.startswith(".")]
    return sorted(found)


def _content_digest(root: Path, relative: str) -> bytes:
    """A file's content digest; a link is read only when it leads to a regular file inside
    the project (its target's text otherwise), and nothing else is ever opened."""
    path = root / relative
    try:
        target = path.resolve()
        inside = target.is_relative_to(root.resolve()) and target.is_file()
        if path.is_symlink() and not inside:
            return b"link:" + os.readlink(path).encode("utf-8", "surrogateescape")
        if not inside:
            return b"other"
        return hashlib.sha256(target.read_bytes()).digest()
    except OSError as error:
        return f"error:{error.errno}".encode()


def stamp_path(root: Path) -> Path:
    return root / BUILD_STAMP


def up_to_date(root: Path, *, safe: bool = False) -> bool:
    """True when the last successful build was made from the very same inputs and its site
    is still there; any doubt (no stamp, unreadable stamp, missing site) says False."""
    site = root / SITE_DIR
    if site.is_symlink() or not all((site / name).is_file() for name in BUILT_FILES) \
            or _leftovers(root):
        return False
    try:
        stamp = json.loads(stamp_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stamp, dict) and stamp.get("empreinte") == fingerprint(root, safe=safe)


def _leftovers(root: Path) -> bool:
    """A build interrupted mid-swap left ``.site.new-…`` or ``.site.old-…``: the next build
    finishes or cleans it, so it must run."""
    try:
        return any(entry.name.startswith(f".{SITE_DIR}.") for entry in os.scandir(root))
    except OSError:
        return True


def write_stamp(root: Path, print_: str, left: Sequence[ToComplete] = ()) -> None:
    """Record, atomically, the inputs a successful build was made from and what the
    project still left empty (said again when the build is skipped)."""
    text = json.dumps({"format": STAMP_FORMAT, "empreinte": print_, "kit": __version__,
                       "referentiel": REFERENTIEL_RELEASE,
                       "a_completer": [[t.file, t.key, t.what] for t in left]},
                      ensure_ascii=False, indent=2)
    write_text_atomic(stamp_path(root), text + "\n")


def stamped_to_complete(root: Path) -> tuple[ToComplete, ...]:
    """What the last build found left to complete; nothing when the stamp says nothing."""
    try:
        found = json.loads(stamp_path(root).read_text(encoding="utf-8"))["a_completer"]
        return tuple(ToComplete(str(f), str(k), str(w)) for f, k, w in found)
    except (OSError, ValueError, KeyError, TypeError):
        return ()
