"""Build and preview a project's site: load the project, render it, hand it to the engine.

The engine (``site/engine.py``) writes into ``.ecopole/build/`` a configuration that
inherits the project's own ``mkdocs.yml`` and runs mkdocs; the project's files and its
``docs/`` are only read, following no link out of the project (``project/links.py``).
With ``safe``, a ``mkdocs.yml`` that would run code is refused first
(``project/mkdocs_safety.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ecopole_kit import __version__
from ecopole_kit.errors import (
    EcopoleError,
    FileSystemError,
    InvalidDocuments,
    ProjectFileConflict,
    RecordInvalid,
)
from ecopole_kit.foundation.documents import check_syntax
from ecopole_kit.foundation.folders import refuse_linked_folder
from ecopole_kit.foundation.network import ensure_port_free
from ecopole_kit.models import BuiltSite
from ecopole_kit.network.stamps import fingerprint
from ecopole_kit.network.summary import summary_data, summary_json
from ecopole_kit.project.files import Knowledge, Project, load_project
from ecopole_kit.project.layout import (
    FUNCTIONS_DIR,
    MKDOCS_FILE,
    RECORD_DIR,
    SITE_DIR,
    SUMMARY_FILE,
    TERRITORY_FILE,
    USER_DOCS,
)
from ecopole_kit.project.links import check_link, tree
from ecopole_kit.project.mkdocs_safety import check_safe, has_card_extensions
from ecopole_kit.project.record import read_record, referentiel_versions
from ecopole_kit.project.site_files import check_mkdocs, read_own_page
from ecopole_kit.site import engine
from ecopole_kit.site.pages import (
    RESOURCES_TITLE,
    SITE_COPYRIGHT,
    RenderOptions,
    render_site,
    site_title,
)
from ecopole_kit.site.rendered import NavPage, RenderedSite, appended
from ecopole_kit.site.territory_pages import Place, place_of
from ecopole_kit.workflows.site_build import PreparedBuild, finish_build, paths
from ecopole_kit.workflows.todo import to_complete
from ecopole_kit.workflows.validate import load_knowledge

WATCHED = (TERRITORY_FILE, f"{FUNCTIONS_DIR}/*.yaml", f"{USER_DOCS}/**/*", MKDOCS_FILE)
@dataclass(frozen=True)
class KitPages:
    """The kit's pages of a project, the site's name, and what they were made from."""

    rendered: RenderedSite
    site_name: str
    project: Project
    place: Place | None



def prepare(root: Path, knowledge: Knowledge | None = None, *, safe: bool = False) -> Path:
    """Validate and render the project into its build folder; return the mkdocs config."""
    return engine.prepare(sources(root, knowledge or load_knowledge(), safe=safe), paths(root))


def sources(root: Path, knowledge: Knowledge, *, safe: bool = False,
            kit_pages: KitPages | None = None) -> engine.SiteSources:
    """The project rendered, with its own pages from docs/ added at the end of the nav;
    with ``safe``, a mkdocs.yml that would run code is refused. ``kit_pages``: the kit's
    pages already rendered from the same territoire.yaml, fonctions/ and mkdocs.yml."""
    kit = kit_pages or render_kit_pages(root, knowledge, safe=safe)
    rendered, site_name = kit.rendered, kit.site_name
    user_pages = _user_pages(root, {*rendered.pages, *rendered.files, *engine.KIT_ASSETS})
    with_own, copied = _with_own_pages(root, rendered, user_pages)
    return engine.SiteSources(rendered=with_own, site_name=site_name,
                              copyright=SITE_COPYRIGHT, copied=copied)


def render_kit_pages(root: Path, knowledge: Knowledge, *, safe: bool = False) -> KitPages:
    """The kit's pages of the project and the site's name, its files checked first."""
    project = load_project(root, knowledge)
    refuse_linked_folder(root / RECORD_DIR)
    config = root / MKDOCS_FILE
    check_link(root, config, str(config))
    check_mkdocs(root)
    document = check_syntax(config, str(config))
    if safe:
        check_safe(root, config)
    declared = project.config.territoire
    place = place_of(knowledge.geography, declared)
    rendered = render_site(knowledge.referentiel, project.config, project.functions, place,
                           RenderOptions(versions=referentiel_versions(root),
                                         cards=has_card_extensions(document.data)))
    return KitPages(rendered, site_title(declared.nom), project, place)


def _with_own_pages(root: Path, rendered: RenderedSite,
                    user_pages: dict[str, Path]) -> tuple[RenderedSite, dict[str, Path]]:
    """The project's Markdown pages added, each with an explicit title escaped for HTML
    (mkdocs prints titles unescaped); the other files of docs/, to copy as they are."""
    own = {path: read_own_page(file, path, str(root / USER_DOCS / path))
           for path, file in user_pages.items() if path.endswith(".md")}
    nav = [NavPage(engine.html_safe(page.title), path) for path, page in sorted(own.items())]
    pages = {**rendered.pages, **{path: page.source(engine.html_safe)
                                  for path, page in own.items()}}
    copied = {path: file for path, file in user_pages.items() if path not in own}
    return RenderedSite(pages, rendered.files, appended(rendered.nav, RESOURCES_TITLE, nav)), copied


def build_site(root: Path, knowledge: Knowledge | None = None, *,
               safe: bool = False) -> BuiltSite:
    """Validate, render and build the static site into ``root/site`` (strict mode), whole
    or not at all (the previous site stays until the new one is complete); with what the
    project still leaves empty (``workflows/todo.py``)."""
    return finish_build(root, prepare_build(root, knowledge, safe=safe))


def prepare_build(root: Path, knowledge: Knowledge | None = None, *,
                  safe: bool = False) -> PreparedBuild:
    """Validate and render the project, with its summary for the network, into its build
    folder, for ``finish_build`` to run mkdocs on."""
    known = knowledge or load_knowledge()
    inputs = fingerprint(root, safe=safe)  # before reading: a change meanwhile builds again
    try:
        kit = render_kit_pages(root, known, safe=safe)  # the project read and checked once
        refuse_linked_folder(root / SITE_DIR)
        engine.prepare(_with_summary(root, known, kit,
                                     sources(root, known, safe=safe, kit_pages=kit)),
                       paths(root))
    except OSError as error:
        raise FileSystemError(error=error, action="écriture du site") from None
    return PreparedBuild(inputs, tuple(to_complete(kit.project.config, kit.project.functions)))


def _with_summary(root: Path, knowledge: Knowledge, pages: KitPages,
                  built: engine.SiteSources) -> engine.SiteSources:
    """The site with its summary for the network's dashboard (``site/ecopole.json``)."""
    project, place = pages.project, pages.place
    try:
        record = read_record(root)
        kit, referentiel = record.kit, record.referentiel
    except RecordInvalid:  # a project without its record: said as the versions it is built with
        kit, referentiel = __version__, knowledge.referentiel.version
    data = summary_data(project.config, project.functions, place.resolved if place else None,
                        kit=kit, referentiel=referentiel, built_with=__version__)
    rendered = built.rendered
    files = {**rendered.files, SUMMARY_FILE: summary_json(data)}
    return replace(built, rendered=RenderedSite(rendered.pages, files, rendered.nav))


def serve_site(root: Path, *, address: str, on_change: Callable[[str], None],
               safe: bool = False) -> None:
    """Preview on localhost, re-rendering whenever a project file changes (until Ctrl-C):
    an edit in docs/ only re-reads the project's own pages, the kit's pages are rendered
    again only when territoire.yaml, fonctions/ or mkdocs.yml changed."""
    host, _, port = address.rpartition(":")
    ensure_port_free(host, int(port))  # before any work: a busy port is said at once
    knowledge = load_knowledge()  # once for the whole preview
    preview = _Preview(root, knowledge, safe)
    preview.prepare(_snapshot(root))  # an invalid project is said before the preview starts

    def check() -> None:
        said = preview.refresh()
        if said is not None:
            on_change(said)

    # With safe, mkdocs must not reload mkdocs.yml on its own, before it was checked again.
    engine.serve(paths(root), address=address, watch=None if safe else root / MKDOCS_FILE,
                 on_tick=check)


class _Preview:
    """What the preview last prepared: the watched files' times, the kit's pages."""

    def __init__(self, root: Path, knowledge: Knowledge, safe: bool) -> None:
        self.root, self.knowledge, self.safe = root, knowledge, safe
        self.seen: dict[Path, float] | None = None
        self.kit_pages: KitPages | None = None

    def refresh(self) -> str | None:
        """Prepare the site again if a watched file changed: None when nothing did, else
        what went wrong (empty when all went well)."""
        current = _snapshot(self.root)
        return None if current == self.seen else _rerender(self, current)

    def prepare(self, snapshot: dict[Path, float]) -> None:
        """Render what the changes touched (the kit's pages only if their inputs changed),
        then write the build folder."""
        before, self.seen = self.seen, snapshot
        if before is None or _kit_inputs(before, self.root) != _kit_inputs(snapshot, self.root):
            self.kit_pages = None
        if self.kit_pages is None:
            self.kit_pages = render_kit_pages(self.root, self.knowledge, safe=self.safe)
        built = sources(self.root, self.knowledge, safe=self.safe, kit_pages=self.kit_pages)
        engine.prepare(built, paths(self.root))


def _kit_inputs(snapshot: dict[Path, float], root: Path) -> dict[Path, float]:
    """The watched files the kit's pages come from: all but the project's own docs/."""
    return {path: time for path, time in snapshot.items()
            if path.relative_to(root).parts[0] != USER_DOCS}


def _rerender(preview: _Preview, snapshot: dict[Path, float]) -> str:
    try:
        preview.prepare(snapshot)
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
    """The project's own files in docs/ (hidden ones left out), each with the real path to
    copy it from; kit names are refused, and links leading out of the project."""
    found = tree(root, USER_DOCS)
    for relative in found:
        if relative in reserved:
            raise ProjectFileConflict(
                f"{USER_DOCS}/{relative} : ce nom est réservé à un fichier produit par le kit.",
                hint="Renommez votre fichier (par exemple en le plaçant dans un sous-dossier).")
    return found
