"""``reseau.yaml``: the network's name and its sites, each by its project folder (relative to
the file), its address, or both; checked against ``schemas/reseau.schema.json`` with every
problem located by line. A folder is data: it never leads out of the network's folder (a
link is resolved first), nor into what the kit writes there (``site/``, ``.ecopole/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.foundation.documents import Document, load_yaml
from ecopole_kit.foundation.validation import validate_document
from ecopole_kit.models import Issue
from ecopole_kit.project.layout import RECORD_DIR, SITE_DIR, SUMMARY_FILE

NETWORK_FILE = "reseau.yaml"
NETWORK_SCHEMA = "reseau"
_SCHEMA_LINE = re.compile(r"\$schema=\S*?([a-z-]+)\.schema\.json")


@dataclass(frozen=True)
class SiteEntry:
    """One site of the network: ``folder`` (resolved, inside the network's folder) when it
    has a local project, ``url`` when it is published, ``summary`` where its summary is read."""

    position: int
    label: str
    folder: Path | None
    url: str | None
    summary: Path
    shown: Path | None = None  # the folder as reseau.yaml names it, for messages

    @property
    def project(self) -> Path | None:
        return self.shown or self.folder


@dataclass(frozen=True)
class Network:
    path: Path
    nom: str
    sites: tuple[SiteEntry, ...]

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def site_dir(self) -> Path:
        return self.folder / SITE_DIR

    @property
    def record_dir(self) -> Path:
        return self.folder / RECORD_DIR


def network_path(given: Path) -> Path:
    """The reseau.yaml meant: the file given, or the one inside the folder given."""
    return given / NETWORK_FILE if given.is_dir() else given


def load_network(path: Path) -> Network:
    """Read and check reseau.yaml, or raise with every problem found."""
    display = str(path)
    document = load_yaml(path, display)
    issues = _schema_line(path, display) + validate_document(document, NETWORK_SCHEMA)
    if issues:
        raise InvalidDocuments(issues=issues)
    folder = path.parent.resolve()
    entries = [_entry(document, index, site, folder, issues)
               for index, site in enumerate(document.data["sites"])]
    issues += _duplicates(document, entries)
    if issues:
        raise InvalidDocuments(issues=issues)
    return Network(path=path, nom=document.data["nom"],
                   sites=tuple(e for e in entries if e is not None))


def _schema_line(path: Path, display: str) -> list[Issue]:
    first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    found = _SCHEMA_LINE.search(first)
    if found is None or found.group(1) == NETWORK_SCHEMA:
        return []
    return [Issue(display, 1, (), f"schéma déclaré inattendu « {found.group(1)} » ; ce fichier "
                  f"suit le schéma « {NETWORK_SCHEMA} » : corrigez la première ligne "
                  f"($schema=…/{NETWORK_SCHEMA}.schema.json).")]


def _entry(document: Document, index: int, site: dict[str, Any], folder: Path,
           issues: list[Issue]) -> SiteEntry | None:
    url = site.get("url")
    local = _inside(document, (index, "chemin"), site.get("chemin"), folder, issues)
    summary_name = site.get("resume") or (None if local else default_summary_name(url or ""))
    summary = (local / SITE_DIR / SUMMARY_FILE if local and not site.get("resume")
               else _inside(document, (index, "resume"), summary_name, folder, issues))
    if summary is None or (site.get("chemin") and local is None):
        return None
    chemin = site.get("chemin")
    return SiteEntry(position=index, label=chemin or url or "", folder=local, url=url,
                     summary=summary, shown=document_folder(document) / chemin if chemin else None)


def document_folder(document: Document) -> Path:
    return Path(document.name).parent


def default_summary_name(url: str) -> str:
    """« https://gohelle.exemple.fr/site/ » → « gohelle.exemple.fr-site.ecopole.json »."""
    parts = urlsplit(url)
    name = "-".join([parts.hostname or "site", *[p for p in parts.path.split("/") if p]])
    return re.sub(r"[^A-Za-z0-9._-]", "-", name) + "." + SUMMARY_FILE


def _inside(document: Document, where: tuple[int, str], given: str | None, folder: Path,
            issues: list[Issue]) -> Path | None:
    """A relative path that stays inside the network's folder once links are resolved,
    outside what the kit writes there; None (and an issue) otherwise."""
    if given is None:
        return None
    path = ("sites", *where)
    pure = PurePosixPath(given.replace("\\", "/"))
    resolved = (folder / pure).resolve()
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", given) or \
            not resolved.is_relative_to(folder) or resolved == folder:
        message = ("chemin hors du dossier du réseau ; indiquez un dossier relatif à "
                   "reseau.yaml, sans « .. » ni lien qui en sorte.")
    elif any(resolved.is_relative_to(folder / kept) for kept in (SITE_DIR, RECORD_DIR)):
        message = (f"« {given} » est un dossier que le kit écrit pour le réseau "
                   f"({SITE_DIR}/, {RECORD_DIR}/) ; placez les sites ailleurs.")
    else:
        return resolved
    issues.append(Issue(document.name, document.line_of(path), path, message))
    return None


def _duplicates(document: Document, entries: list[SiteEntry | None]) -> list[Issue]:
    seen: dict[Path, int] = {}
    issues = []
    for entry in entries:
        if entry is None or entry.folder is None:
            continue
        if entry.folder in seen:
            path = ("sites", entry.position, "chemin")
            issues.append(Issue(document.name, document.line_of(path), path,
                                f"ce dossier est déjà le site n° {seen[entry.folder] + 1} ; "
                                "chaque site n'est listé qu'une fois."))
        seen.setdefault(entry.folder, entry.position)
    return issues


def shard_of(sites: tuple[SiteEntry, ...], shard: tuple[int, int] | None) -> tuple[SiteEntry, ...]:
    """The K-th of N slices (K from 1): every site falls in exactly one, in the file's order."""
    if shard is None:
        return sites
    k, n = shard
    return tuple(site for i, site in enumerate(sites) if i % n == k - 1)
