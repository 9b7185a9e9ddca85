"""validate: every problem of the given projects and files, collected and returned at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ecopole_kit.errors import ProjectNotFound
from ecopole_kit.models import Issue, ToComplete
from ecopole_kit.project.files import (
    Knowledge,
    check_across,
    check_file,
    check_project,
    once,
    project_of,
)
from ecopole_kit.project.layout import TERRITORY_FILE
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.territory.geography import load_geography
from ecopole_kit.workflows.todo import to_complete


def load_knowledge() -> Knowledge:
    """The shipped référentiel and geography, loaded once for a whole command."""
    return Knowledge(referentiel=load_referentiel(), geography=load_geography())


@dataclass(frozen=True)
class Survey:
    """What ``validate`` reports: every problem, and what valid projects still leave empty."""

    issues: list[Issue] = field(default_factory=list)
    to_complete: list[ToComplete] = field(default_factory=list)


def survey_paths(paths: list[Path], knowledge: Knowledge | None = None) -> Survey:
    """Every problem in the given projects (folders) and files, in order, each project
    read and checked once; for a valid project, what it still leaves empty."""
    known = knowledge or load_knowledge()
    survey = Survey()
    for path in paths:
        if path.is_dir():
            _survey_project(path, known, survey)
        else:
            survey.issues.extend(_file_issues(path, known))
    return survey


def validate_paths(paths: list[Path], knowledge: Knowledge | None = None) -> list[Issue]:
    """Every problem in the given projects (folders) and files, in order."""
    return survey_paths(paths, knowledge).issues


def _file_issues(path: Path, knowledge: Knowledge) -> list[Issue]:
    document, found = check_file(path, str(path))
    if document is not None and isinstance(document.data, dict) and path.name == TERRITORY_FILE:
        return found + once(found, check_across(knowledge, document, {}))
    return found


def _survey_project(path: Path, knowledge: Knowledge, survey: Survey) -> None:
    try:
        documents, issues = check_project(path, knowledge)
    except ProjectNotFound as error:
        survey.issues.append(Issue(str(path), None, (), error.message))
        return
    survey.issues.extend(issues)
    if not issues:
        project = project_of(path, documents)
        survey.to_complete.extend(to_complete(project.config, project.functions))
