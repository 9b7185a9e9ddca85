"""validate: every problem of the given projects and files, collected and returned at once."""

from __future__ import annotations

from pathlib import Path

from ecopole_kit.errors import ProjectNotFound
from ecopole_kit.models import Issue, ToComplete
from ecopole_kit.project.files import (
    Knowledge,
    check_across,
    check_file,
    check_project,
    load_project,
    once,
)
from ecopole_kit.project.layout import TERRITORY_FILE
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.territory.geography import load_geography
from ecopole_kit.workflows.todo import to_complete


def load_knowledge() -> Knowledge:
    """The shipped référentiel and geography, loaded once for a whole command."""
    return Knowledge(referentiel=load_referentiel(), geography=load_geography())


def validate_paths(paths: list[Path], knowledge: Knowledge | None = None) -> list[Issue]:
    """Every problem in the given projects (folders) and files, in order."""
    known = knowledge or load_knowledge()
    issues: list[Issue] = []
    for path in paths:
        issues.extend(_file_issues(path, known) if not path.is_dir()
                      else _project_issues(path, known))
    return issues


def _file_issues(path: Path, knowledge: Knowledge) -> list[Issue]:
    document, found = check_file(path, str(path))
    if document is not None and isinstance(document.data, dict) and path.name == TERRITORY_FILE:
        return found + once(found, check_across(knowledge, document, {}))
    return found


def _project_issues(path: Path, knowledge: Knowledge) -> list[Issue]:
    try:
        return check_project(path, knowledge)[1]
    except ProjectNotFound as error:
        return [Issue(str(path), None, (), error.message)]


def to_complete_in(paths: list[Path], knowledge: Knowledge | None = None) -> list[ToComplete]:
    """What the given valid projects (folders) still leave empty, for the terminal."""
    known = knowledge or load_knowledge()
    found: list[ToComplete] = []
    for path in (p for p in paths if p.is_dir()):
        project = load_project(path, known)
        found.extend(to_complete(project.config, project.functions))
    return found
