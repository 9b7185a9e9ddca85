"""Creating a site project: interview (or answers), validation, generation; and the demo."""

from __future__ import annotations

import shlex
from dataclasses import replace
from pathlib import Path
from typing import Any

from ecopole_kit.errors import DestinationError, InvalidDocuments
from ecopole_kit.foundation.documents import Document, dump_yaml, load_yaml, write_text_atomic
from ecopole_kit.foundation.resources import example_path, shipped
from ecopole_kit.foundation.validation import validate_document
from ecopole_kit.models import BuiltSite, GeneratedProject, Issue
from ecopole_kit.project.layout import FUNCTIONS_DIR
from ecopole_kit.project.scaffold import check_destination, generate_project
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.territory.geography import Geography, load_geography
from ecopole_kit.workflows.build import build_site
from ecopole_kit.workflows.interview import Helps, Prompter, interview

DEMO_EXAMPLE = "pays-tolosan"
DEMO_FUNCTIONS = "demo-fonctions"  # examples/demo-fonctions/<fonction>.yaml: fictitious data


def read_answers(path: Path | None) -> Document:
    """An answers file: the same shape as territoire.yaml, possibly incomplete."""
    if path is None:
        return Document("réponses", {}, None)
    document = load_yaml(path)
    if document.data is None:
        return Document(document.name, {}, document.root)
    if not isinstance(document.data, dict):
        raise InvalidDocuments(issues=[Issue(document.name, 1, (), "un ensemble de champs "
                                             "(clé : valeur) est attendu, comme dans "
                                             "territoire.yaml.")])
    return document


def complete_answers(answers: Document, prompter: Prompter | None, *,
                     geography: Geography, helps: Helps | None = None) -> dict[str, Any]:
    """Ask what is missing, then check the whole configuration against the schema.

    Problems are located in the answers file, whose shape is that of territoire.yaml.
    """
    config = interview(prompter, answers.data, geography=geography, helps=helps)
    issues = validate_document(Document(answers.name, config, answers.root), "territoire")
    if issues:
        raise InvalidDocuments(issues=issues)
    return config


def free_answers_path(folder: Path) -> Path:
    """A file name for saved answers that overwrites nothing."""
    candidate = folder / "reponses-entretien.yaml"
    number = 2
    while candidate.exists():
        candidate = folder / f"reponses-entretien-{number}.yaml"
        number += 1
    return candidate


SAVED_HEADER = "# Réponses d'un entretien interrompu."


def resume_command(path: Path, dest: Path | None) -> str:
    """How to take the interview up again, into the same folder."""
    folder = f" {shlex.quote(str(dest))}" if dest is not None else ""
    return f"ecopole-kit new --answers {shlex.quote(str(path))}{folder}"


def save_answers(answers: dict[str, Any], path: Path, dest: Path | None = None) -> None:
    """Keep the answers given so far, to resume with --answers (into the same folder)."""
    header = (f"{SAVED_HEADER} Reprendre avec :\n#   {resume_command(path, dest)}\n"
              "# Ce fichier contient des données personnelles (nom, courriel) : il est "
              "supprimé une fois le projet créé.\n")
    write_text_atomic(path, dump_yaml(answers, header=header))


def saved_by_the_kit(path: Path) -> bool:
    """Whether an answers file is one the kit wrote after an interruption (not the person's)."""
    try:
        return path.read_text("utf-8").startswith(SAVED_HEADER)
    except (OSError, UnicodeDecodeError):
        return False


def create_project(dest: Path | None, *, answers_file: Path | None,
                   prompter: Prompter | None, here: Path, force: bool = False,
                   keep_answers: bool = False) -> GeneratedProject:
    """Interview (or read answers), validate the whole configuration, then generate.

    Without ``dest``, the project goes into a folder of ``here`` named after the territory.
    The folder is checked before the first question; the answers the kit saved after an
    interruption (personal data) are removed once the project exists, unless kept.
    """
    if dest is not None:
        check_destination(dest, force=force)
    answers = read_answers(answers_file)
    summaries = {} if prompter is None else {  # « ? » on an action: its fiche's summary
        f.id: f.resume for f in load_referentiel().fiches.values()}
    helps = Helps(summaries=summaries, folder_problem=lambda slug: None
                  if dest is not None or force else folder_problem(here / slug))
    config = complete_answers(answers, prompter, geography=load_geography(), helps=helps)
    target = dest if dest is not None else here / config["territoire"]["slug"]
    created = generate_project(config, target, force=force)
    if answers_file is not None and not keep_answers and saved_by_the_kit(answers_file):
        answers_file.unlink(missing_ok=True)
        return replace(created, answers_removed=answers_file)
    return created


def folder_problem(folder: Path, *, other: str = "un autre identifiant") -> str | None:
    """Why a project cannot go into ``folder`` (a file, a folder not empty), or None."""
    try:
        check_destination(folder)
    except DestinationError as error:
        return (f"{error.message} Choisissez {other} (ou arrêtez avec Ctrl-C et relancez "
                "avec --force pour écrire dans ce dossier).")
    return None


def run_demo(dest: Path) -> BuiltSite:
    """Generate and build the Pays Tolosan example in one go."""
    config = complete_answers(read_answers(example_path(DEMO_EXAMPLE)), None,
                              geography=load_geography())
    project = generate_project(config, dest, demo=True)
    _demo_functions(project.path)
    return build_site(project.path)


def _demo_functions(root: Path) -> None:
    """The demo's function files: an example, clearly marked so, that fills every page."""
    examples = shipped("examples") / DEMO_FUNCTIONS
    for source in sorted(examples.glob("*.yaml")):
        write_text_atomic(root / FUNCTIONS_DIR / source.name, source.read_text("utf-8"))
