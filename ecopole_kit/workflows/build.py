"""Build and preview a project's site: load the project, render it, hand it to the engine.

The engine (``site/engine.py``) writes into ``.ecopole/build/`` a configuration that
inherits the project's own ``mkdocs.yml`` and runs mkdocs; the project's files and its
``docs/`` are only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ecopole_kit.errors import EcopoleError, FileSystemError, InvalidDocuments
from ecopole_kit.foundation.documents import check_syntax
from ecopole_kit.models import BuiltSite
from ecopole_kit.project.files import RECORD_DIR, load_project
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.site import engine
from ecopole_kit.site.pages import RESOURCES_SECTION, SITE_COPYRIGHT, render_site, site_title
from ecopole_kit.site.places import place_of
from ecopole_kit.site.rendered import NavPage, RenderedSite, appended

BUILD_DIR = f"{RECORD_DIR}/build"
SITE_DIR = "site"
USER_DOCS = "docs"
PROJECT_CONFIG = "mkdocs.yml"
WATCHED = ("territoire.yaml", "fonctions/*.yaml", f"{USER_DOCS}/**/*", PROJECT_CONFIG)


def paths(root: Path) -> engine.SitePaths:
    """Where a project's site is prepared and built."""
    return engine.SitePaths(work_dir=root / BUILD_DIR, site_dir=root / SITE_DIR,
                            inherit=root / PROJECT_CONFIG)


def prepare(root: Path) -> Path:
    """Validate and render the project into its build folder; return the mkdocs config."""
    return engine.prepare(sources(root), paths(root))


def sources(root: Path) -> engine.SiteSources:
    """The project rendered, with its own pages from docs/ added at the end of the nav."""
    project = load_project(root)
    check_syntax(root / PROJECT_CONFIG, str(root / PROJECT_CONFIG))
    declared = project.config["territoire"]
    rendered = render_site(load_referentiel(), project.config, project.functions,
                           place_of(declared["type"], declared["codes"]))
    user_pages = _user_pages(root, {*rendered.pages, *rendered.files, *engine.KIT_ASSETS})
    own = [NavPage(None, path) for path in sorted(user_pages) if path.endswith(".md")]
    with_own = RenderedSite(rendered.pages, rendered.files,
                            appended(rendered.nav, RESOURCES_SECTION, own))
    return engine.SiteSources(rendered=with_own, site_name=site_title(declared["nom"]),
                              copyright=SITE_COPYRIGHT, copied=user_pages)


def build_site(root: Path) -> BuiltSite:
    """Validate, render and build the static site into ``root/site`` (strict mode)."""
    try:
        site_dir = engine.build(sources(root), paths(root))
    except OSError as error:
        raise FileSystemError(error=error, action="écriture du site") from None
    return BuiltSite(project=root, site_dir=site_dir)


def serve_site(root: Path, *, address: str, on_change: Callable[[str], None]) -> None:
    """Preview on localhost, re-rendering whenever a project file changes (until Ctrl-C)."""
    prepare(root)
    last = _snapshot(root)

    def check() -> None:
        nonlocal last
        current = _snapshot(root)
        if current != last:
            last = current
            on_change(_rerender(root))

    engine.serve(paths(root), address=address, watch=root / PROJECT_CONFIG, on_tick=check)


def _rerender(root: Path) -> str:
    try:
        prepare(root)
    except InvalidDocuments as error:
        return "\n".join(issue.as_text() for issue in error.issues)
    except EcopoleError as error:
        return str(error)
    except OSError as error:
        return str(FileSystemError(error=error, action="lecture ou écriture"))
    return ""


def _snapshot(root: Path) -> dict[Path, float]:
    watched: Iterator[Path] = (p for pattern in WATCHED for p in root.glob(pattern))
    return {p: p.stat().st_mtime for p in watched
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)}


def _user_pages(root: Path, reserved: set[str]) -> dict[str, Path]:
    """The project's own files in docs/ (hidden ones left out); kit names are refused."""
    source = root / USER_DOCS
    found: dict[str, Path] = {}
    for path in sorted(source.rglob("*")) if source.is_dir() else []:
        relative = path.relative_to(source)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if relative.as_posix() in reserved:
            raise EcopoleError(
                f"{USER_DOCS}/{relative.as_posix()} : ce nom est réservé à un fichier produit "
                "par le kit.",
                hint="Renommez votre fichier (par exemple en le plaçant dans un sous-dossier).")
        found[relative.as_posix()] = path
    return found
