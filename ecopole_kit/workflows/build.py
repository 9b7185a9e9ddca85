"""Build and preview a project's site: validate, render, then run mkdocs (the only caller).

mkdocs runs as a subprocess (``python -m mkdocs``) on a configuration written into
``.ecopole/build/`` that inherits the project's own ``mkdocs.yml``; the project's files
and its ``docs/`` are only read.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ecopole_kit.errors import (
    BuildFailed,
    EcopoleError,
    FileSystemError,
    InvalidDocuments,
    ProjectFileConflict,
)
from ecopole_kit.foundation.documents import (
    check_syntax,
    dump_yaml,
    write_bytes_atomic,
    write_text_atomic,
)
from ecopole_kit.foundation.resources import shipped_file
from ecopole_kit.models import BuiltSite
from ecopole_kit.project.files import load_project
from ecopole_kit.project.layout import RECORD_DIR
from ecopole_kit.site.pages import RenderedSite, render_site
from ecopole_kit.site.territory_pages import Place
from ecopole_kit.territory.geography import Geography
from ecopole_kit.workflows.validate import load_knowledge

BUILD_DIR = f"{RECORD_DIR}/build"
SITE_DIR = "site"
USER_DOCS = "docs"
# Files the kit adds to every site. The search shim is served from the site itself:
# mkdocs-material's offline plugin would otherwise fetch it from a CDN.
SHIM_TARGET = "assets/javascripts/iframe-worker-shim.js"
STYLESHEET_TARGET = "assets/stylesheets/ecopole.css"
KIT_ASSETS = {SHIM_TARGET: ("site", "vendor", "iframe-worker", "shim.js"),
              STYLESHEET_TARGET: ("site", "assets", "ecopole.css"),
              "assets/javascripts/ecopole.js": ("site", "assets", "ecopole.js")}


Transform = Callable[[RenderedSite], RenderedSite]


def prepare(root: Path, *, transform: Transform | None = None) -> Path:
    """Validate and render the project into its build folder; return the mkdocs config.

    ``transform`` may change the rendered site before it is written (the applicant's
    package removes and adds pages this way).
    """
    knowledge = load_knowledge()
    project = load_project(root, knowledge)
    check_syntax(root / "mkdocs.yml", str(root / "mkdocs.yml"))
    rendered = render_site(knowledge.referentiel, project.config, project.functions,
                           _place(project.config, knowledge.geography))
    if transform is not None:
        rendered = transform(rendered)
    build = root / BUILD_DIR
    docs = build / "docs"
    pages = dict(rendered.pages)
    user_pages = _user_pages(root, {*pages, *rendered.files, *KIT_ASSETS})
    wanted = {docs / path for path in [*pages, *rendered.files]}
    wanted |= {docs / rel for rel in user_pages}
    for path, text in pages.items():
        _write_if_changed(docs / path, text)
    for path, data in rendered.files.items():
        _write_bytes_if_changed(docs / path, data)
    kit_assets = {target: shipped_file(*source) for target, source in KIT_ASSETS.items()}
    for relative, source in {**user_pages, **kit_assets}.items():
        _copy_if_changed(source, docs / relative)
    wanted |= {docs / target for target in kit_assets}
    _remove_stale(docs, wanted)
    config = build / "mkdocs.yml"
    _write_if_changed(config, _mkdocs_config(project.config["territoire"]["nom"], rendered,
                                             sorted(p for p in user_pages if p.endswith(".md"))))
    return config


def _place(config: dict[str, Any], geography: Geography) -> Place:
    declared = config["territoire"]
    return Place(resolved=geography.resolve(declared["type"], declared["codes"]),
                 attribution=geography.attribution,
                 commune_names={code: c.nom for code, c in geography.communes.items()})


def build_site(root: Path, *, transform: Transform | None = None) -> BuiltSite:
    """Validate, render and build the static site into ``root/site`` (strict mode)."""
    try:
        config = prepare(root, transform=transform)
    except OSError as error:
        raise FileSystemError(error=error, action="écriture du site") from None
    result = _mkdocs("build", "--strict", "--clean", "--config-file", str(config))
    if result.returncode != 0:
        raise BuildFailed(output=_warnings(result.stdout + result.stderr))
    return BuiltSite(project=root, site_dir=root / SITE_DIR)


def serve_site(root: Path, *, address: str, on_change: Callable[[str], None]) -> None:
    """Preview on localhost, re-rendering whenever a project file changes (until Ctrl-C)."""
    config = prepare(root)
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--config-file", str(config),
         "--dev-addr", address, "--quiet", "--watch", str(root / "mkdocs.yml")],
    )
    try:
        last = _snapshot(root)
        while process.poll() is None:
            time.sleep(0.5)
            current = _snapshot(root)
            if current != last:
                last = current
                on_change(_rerender(root))
    finally:
        process.terminate()
        process.wait(timeout=10)


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
    watched: Iterator[Path] = (p for pattern in ("territoire.yaml", "fonctions/*.yaml",
                                                  "docs/**/*", "mkdocs.yml")
                               for p in root.glob(pattern))
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
            raise ProjectFileConflict(
                f"{USER_DOCS}/{relative.as_posix()} : ce nom est réservé à un fichier produit "
                "par le kit.",
                hint="Renommez votre fichier (par exemple en le plaçant dans un sous-dossier).")
        found[relative.as_posix()] = path
    return found


def _mkdocs_config(site_name: str, rendered: RenderedSite, user_pages: list[str]) -> str:
    nav: list[Any] = [dict(section) for section in rendered.nav]
    resources = nav[-1]["Ressources"]
    nav[-1] = {"Ressources": [*resources, *user_pages]}
    config = {
        "INHERIT": "../../mkdocs.yml",
        "site_name": _html_safe(f"Ecopôle alimentaire — {site_name}"),
        "docs_dir": "docs",
        "site_dir": f"../../{SITE_DIR}",
        "nav": nav,
        "extra": {"polyfills": [SHIM_TARGET]},
        "copyright": ("Données territoriales : INSEE, Code officiel géographique, via Etalab "
                      "(Licence Ouverte). Site produit par ecopole-kit."),
    }
    return dump_yaml(config, header="# Produit par ecopole-kit build : ne pas modifier.\n")


def _html_safe(text: str) -> str:
    """mkdocs-material prints ``site_name`` unescaped in <title> and attributes."""
    flat = " ".join(text.split())
    return html.escape(flat, quote=False).replace('"', "&quot;")


def _write_if_changed(path: Path, text: str) -> None:
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_text_atomic(path, text)


def _write_bytes_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        write_bytes_atomic(path, data)


def _copy_if_changed(source: Path, target: Path) -> None:
    if not target.is_file() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _remove_stale(docs: Path, wanted: set[Path]) -> None:
    for path in sorted(docs.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _mkdocs(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", *arguments],
                          capture_output=True, text=True, check=False)


def _warnings(output: str) -> str:
    lines = [line for line in output.splitlines()
             if line.startswith(("WARNING", "ERROR", "Error", "Aborted", "Config value"))]
    return "\n".join(lines) or output
