"""A site project on disk: which files it holds, which schema checks each, the rules across
them, and loading it.

Light to import on purpose: ``workflows/site_build.py`` checks the files against their
schemas with it, beside the rendering, before the référentiel, the geography or the rules
are loaded (they are imported where used)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ecopole_kit.errors import EcopoleError, InvalidDocuments, ProjectNotFound
from ecopole_kit.foundation.checked import schema_issues
from ecopole_kit.foundation.documents import Document, parse_yaml, read_text
from ecopole_kit.models import Issue
from ecopole_kit.project.layout import FUNCTIONS_DIR, TERRITORY_FILE
from ecopole_kit.project.links import link_issue
from ecopole_kit.referentiel.functions import FUNCTION_IDS

if TYPE_CHECKING:
    from ecopole_kit.project.config import FunctionConfigs, TerritoryConfig
    from ecopole_kit.referentiel.content import Referentiel
    from ecopole_kit.territory.geography import Geography

_SCHEMA_LINE = re.compile(r"\$schema=\S*?([a-z-]+)\.schema\.json")


EDITABLE_SCHEMAS = ("territoire", *(f"fonction-{fid}" for fid in FUNCTION_IDS))


def schema_for(path: Path, text: str) -> str | None:
    """The schema a file's name implies, else the one its first line declares, if known."""
    if path.name == TERRITORY_FILE:
        return "territoire"
    if path.parent.name == FUNCTIONS_DIR and path.stem in FUNCTION_IDS:
        return f"fonction-{path.stem}"
    declared = _declared(text)
    return declared if declared in EDITABLE_SCHEMAS else None


def _declared(text: str) -> str | None:
    found = _SCHEMA_LINE.search(text.split("\n", 1)[0])
    return found.group(1) if found else None


def _schema_line_issues(path: Path, text: str, display: str) -> list[Issue]:
    declared = _declared(text)
    if declared is None or declared == schema_for(path, text):
        return []
    expected = schema_for(path, text)
    hint = (f"ce fichier suit le schéma « {expected} » : corrigez la première ligne "
            f"($schema=…/{expected}.schema.json)." if expected else
            "schémas connus : " + ", ".join(EDITABLE_SCHEMAS) + ".")
    return [Issue(display, 1, (), f"schéma déclaré inconnu ou inattendu « {declared} » ; {hint}")]


def project_files(root: Path) -> list[Path]:
    """The files of a project that a person edits, in reporting order."""
    if not (root / TERRITORY_FILE).is_file():
        raise ProjectNotFound(path=root)
    return [root / TERRITORY_FILE, *sorted((root / FUNCTIONS_DIR).glob("*.yaml"))]


def check_file(path: Path, display: str) -> tuple[Document | None, list[Issue]]:
    """Parse and validate one file against its schema; problems are returned, not raised."""

    try:
        text = read_text(path, display)
        document = parse_yaml(text, display)
    except InvalidDocuments as error:
        return None, list(error.issues)
    schema = schema_for(path, text)
    problems = _schema_line_issues(path, text, display)
    if document.data is None and schema and schema.startswith("fonction-"):
        return Document(document.name, {}, document.root), problems  # nothing filled in yet
    if schema is None:
        return document, problems or [Issue(
            display, None, (), "type de fichier inconnu : seuls territoire.yaml et "
            "fonctions/<fonction>.yaml sont vérifiés.")]
    return document, problems + schema_issues(document, text, schema)


def check_schemas(root: Path) -> None:
    """Check the project's files against their schemas ahead of ``check_project``, which
    then finds those that passed remembered (``foundation/checked.py``); what is wrong is
    left for it to say, with the rules."""
    with suppress(EcopoleError, OSError):
        checked_files(root)


def checked_files(root: Path) -> tuple[dict[str, Document], dict[str, Document], list[Issue]]:
    """The project's documents without problem, those readable as a mapping, and the
    problems of each file (a link out of the project is not read)."""
    issues: list[Issue] = []
    documents: dict[str, Document] = {}
    readable: dict[str, Document] = {}
    for path in project_files(root):
        link = link_issue(root, path, str(path))
        document, found = (None, [link]) if link else check_file(path, str(path))
        issues.extend(found)
        name = path.relative_to(root).as_posix()
        if document is not None and isinstance(document.data, dict):
            readable[name] = document
        if document is not None and not found:
            documents[name] = document
    return documents, readable, issues


@dataclass(frozen=True)
class Project:
    """A validated project: its territory configuration and each function's configuration."""

    root: Path
    config: TerritoryConfig
    functions: FunctionConfigs


@dataclass(frozen=True)
class Knowledge:
    """What the rules across files check against: the référentiel's fiches and the geography."""

    referentiel: Referentiel
    geography: Geography


def check_project(root: Path, knowledge: Knowledge) -> tuple[dict[str, Document], list[Issue]]:
    """Every problem of a project's files and of the rules across them, all in one run;
    and its documents (only the files without problem)."""
    documents, readable, issues = checked_files(root)
    if TERRITORY_FILE in readable:
        issues += once(issues, check_across(knowledge, readable[TERRITORY_FILE], {
            fid: readable[f"{FUNCTIONS_DIR}/{fid}.yaml"] for fid in FUNCTION_IDS
            if f"{FUNCTIONS_DIR}/{fid}.yaml" in readable}))
    return documents, issues


def once(known: list[Issue], more: list[Issue]) -> list[Issue]:
    """The problems of ``more`` not already said of the same field."""
    said = {(issue.file, issue.path) for issue in known}
    return [issue for issue in more if (issue.file, issue.path) not in said]


def check_across(knowledge: Knowledge, territory: Document,
                 functions: dict[str, Document]) -> list[Issue]:
    """The rules across files (codes exist, shares add up, dates in order…)."""
    from ecopole_kit.project.rules import Context, check_rules

    return check_rules(Context(territory=territory, functions=functions,
                               geography=knowledge.geography,
                               fiche_ids=set(knowledge.referentiel.fiches)))


def load_project(root: Path, knowledge: Knowledge) -> Project:
    """Load and validate a whole project, or raise with every problem found."""
    documents, issues = check_project(root, knowledge)
    if issues:
        raise InvalidDocuments(issues=issues)
    return project_of(root, documents)


def project_of(root: Path, documents: Mapping[str, Document]) -> Project:
    """The typed project of documents ``check_project`` found valid."""
    from ecopole_kit.project.config import FunctionConfigs, TerritoryConfig

    functions = {fid: documents[f"{FUNCTIONS_DIR}/{fid}.yaml"].data or {}
                 for fid in FUNCTION_IDS if f"{FUNCTIONS_DIR}/{fid}.yaml" in documents}
    return Project(root=root, config=TerritoryConfig.from_data(documents[TERRITORY_FILE].data),
                   functions=FunctionConfigs.from_data(functions))
