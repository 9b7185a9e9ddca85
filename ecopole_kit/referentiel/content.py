"""The référentiel as data: functions, fiches-action, pages and glossary, loaded and checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.foundation.documents import read_text
from ecopole_kit.foundation.resources import shipped
from ecopole_kit.models import Issue
from ecopole_kit.referentiel.changelog import CHANGELOG_FILE, Changelog, load_changelog
from ecopole_kit.referentiel.fiches import Fiche, Source
from ecopole_kit.referentiel.functions import FUNCTION_IDS
from ecopole_kit.referentiel.reading import Reader

STAGES = ("opérationnel", "en cours", "en projet", "idée")


@dataclass(frozen=True)
class Function:
    id: str
    numero: int
    titre: str
    titre_court: str
    resume: str
    objectifs: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Referentiel:
    """The référentiel: its four functions, its fiches by id, its pages, its glossary and its
    changelog (whose newest entry gives its version)."""

    functions: tuple[Function, ...]
    fiches: dict[str, Fiche]
    pages: dict[str, str]
    glossary: tuple[dict[str, Any], ...]
    changelog: Changelog = field(default_factory=lambda: Changelog(()))

    @property
    def version(self) -> str:
        return self.changelog.version

    def fiches_of(self, function_id: str) -> list[Fiche]:
        return [f for f in self.fiches.values() if f.fonction == function_id]

    def sources(self) -> tuple[Source, ...]:
        """Every source the référentiel cites (functions, fiches, examples), once each."""
        cited = [s for f in self.functions for s in f.sources]
        cited += [s for f in self.fiches.values() for s in (*f.sources,
                                                           *(e.source for e in f.exemples))]
        return tuple(dict.fromkeys(cited))


@cache
def load_referentiel(root: Path | None = None) -> Referentiel:
    """Load and validate the shipped référentiel; every problem is reported at once. A file
    whose content passed once is read without its checks (``reading.py``)."""
    base = root or shipped("referentiel")
    reader = Reader()
    issues: list[Issue] = []
    fiches = _load_fiches(base, issues, reader)
    functions = _load_functions(base, issues, reader)
    glossary = _load_list(base / "glossaire.yaml", "glossaire", issues, reader)
    pages = {path.stem: read_text(path) for path in sorted((base / "pages").glob("*.md"))}
    changelog = _load_changelog(base, issues, reader)
    if issues:
        raise InvalidDocuments(issues=issues)
    return Referentiel(functions=functions, fiches=fiches, pages=pages,
                       glossary=tuple(glossary), changelog=changelog)


def _load_changelog(base: Path, issues: list[Issue], reader: Reader) -> Changelog:
    try:
        return load_changelog(base / CHANGELOG_FILE, reader)
    except InvalidDocuments as error:
        issues.extend(error.issues)
        return Changelog(())


def _load_fiches(base: Path, issues: list[Issue], reader: Reader) -> dict[str, Fiche]:
    fiches: dict[str, Fiche] = {}
    for function_id in FUNCTION_IDS:
        for path in sorted((base / "fiches" / function_id).glob("*.yaml")):
            document, found = reader.read(
                path, f"referentiel/fiches/{function_id}/{path.name}", "fiche")
            issues.extend(found)
            if found:
                continue
            data = document.data
            if data["id"] != path.stem or data["fonction"] != function_id:
                issues.append(Issue(document.name, 1, ("id",),
                                    "l'identifiant et la fonction doivent être le nom du "
                                    "fichier et de son dossier."))
            fiches[data["id"]] = Fiche.from_data(data)
    for fiche in fiches.values():
        for target in fiche.liens:
            if target not in fiches:
                issues.append(Issue(f"referentiel/fiches/{fiche.fonction}/{fiche.id}.yaml",
                                    None, ("liens",), f"fiche inconnue « {target} »."))
    return fiches


def _load_functions(base: Path, issues: list[Issue], reader: Reader) -> tuple[Function, ...]:
    entries = _load_list(base / "fonctions.yaml", "referentiel-fonctions", issues, reader)
    functions = tuple(
        Function(id=e["id"], numero=e["numero"], titre=e["titre"], titre_court=e["titre_court"],
                 resume=e["resume"], objectifs=e["objectifs"],
                 sources=tuple(Source.from_data(s) for s in e.get("sources", ())))
        for e in entries
    )
    if not issues and tuple(f.id for f in functions) != FUNCTION_IDS:
        issues.append(Issue("referentiel/fonctions.yaml", 1, (),
                            "les quatre fonctions doivent être listées dans l'ordre."))
    return functions


def _load_list(path: Path, schema: str, issues: list[Issue],
               reader: Reader) -> list[dict[str, Any]]:
    document, found = reader.read(path, f"referentiel/{path.name}", schema)
    issues.extend(found)
    return [] if found else list(document.data)
