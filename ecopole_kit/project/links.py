"""Symbolic links in a project: followed only when they stay inside it.

The rule, for every file the kit reads from a project (``territoire.yaml``, ``fonctions/``,
``docs/``, ``mkdocs.yml``): a link is followed when its target, fully resolved, is inside
the project, outside its hidden folders (``.git``, ``.ecopole``…) and outside ``site/``;
any other link is refused with the name of the link, so that nothing from the rest of the
computer (a system file, the builder's environment, an SSH key) ends up in a site the CI
workflow puts online. A link to a folder of ``docs/`` is walked like a folder, each
entry under the same rule; a folder reached twice (a loop) is refused.

The folders the kit writes (``.ecopole/``, ``.ecopole/build/``, ``site/``) must not be
links at all: they are refused, never emptied (``foundation.folders.refuse_linked_folder``).

Checks are made on resolved paths just before reading, and the files of ``docs/`` are
then read from their resolved path without following a link (``O_NOFOLLOW``): a link
swapped in meanwhile for the last component is refused by the system. Swapping a
folder higher up at that very moment needs someone writing into the project during the
build; the kit does not defend against that.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from ecopole_kit.errors import UnsafeLink
from ecopole_kit.models import Issue
from ecopole_kit.project.layout import SITE_DIR

LINK_HINT = ("Remplacez le lien par une copie du fichier, placée dans le projet "
             "(hors des dossiers cachés et de site/).")


def link_problem(root: Path, path: Path) -> str | None:
    """Why the kit must not read ``path`` (a link leading out of the project), or None."""
    real = Path(os.path.realpath(path))
    try:
        parts = real.relative_to(os.path.realpath(root)).parts
    except ValueError:
        return f"lien symbolique vers {real}, hors du projet : le kit ne le suit pas."
    if parts[:1] == (SITE_DIR,):
        return f"lien symbolique vers le dossier {SITE_DIR}/ du projet : le kit ne le suit pas."
    if any(part.startswith(".") for part in parts):
        return f"lien symbolique vers un dossier caché du projet ({real}) : le kit ne le suit pas."
    return None


def link_issue(root: Path, path: Path, display: str) -> Issue | None:
    """A link problem as an issue of ``validate`` and ``build``."""
    problem = link_problem(root, path)
    return None if problem is None else Issue(display, None, (), f"{problem} {LINK_HINT}")


def check_link(root: Path, path: Path, display: str) -> Path:
    """``path`` resolved, or UnsafeLink if it is a link leading out of the project."""
    problem = link_problem(root, path)
    if problem is not None:
        raise UnsafeLink(f"{display} : {problem}", hint=LINK_HINT)
    return Path(os.path.realpath(path))


def tree(root: Path, folder: str) -> dict[str, Path]:
    """The files under ``root/folder`` (hidden ones left out), by their path relative to it,
    each with the real path to read it from; links follow the rule above."""
    found: dict[str, Path] = {}
    start = root / folder
    if start.is_dir():
        _walk(root, check_link(root, start, f"{start}/"), (start, PurePosixPath()), found,
              frozenset())
    return found


def _walk(root: Path, real: Path, where: tuple[Path, PurePosixPath], found: dict[str, Path],
          above: frozenset[Path]) -> None:
    start, relative = where
    if real in above:
        raise UnsafeLink(f"{start / relative} : ce dossier se contient lui-même par un lien "
                         "symbolique (boucle).", hint="Supprimez le lien qui forme la boucle.")
    for entry in sorted(os.scandir(real), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        path, inner = Path(entry.path), relative / entry.name
        target = check_link(root, path, str(start / inner)) if entry.is_symlink() else path
        if target.is_dir():
            _walk(root, target, (start, inner), found, above | {real})
        elif target.is_file():
            found[inner.as_posix()] = target
