"""Generate a site project from a validated configuration (the only user of cookiecutter).

Person-typed values reach the template only as private, pre-serialised variables
(``_territoire_yaml`` …): cookiecutter inserts them and never renders them as templates.
Generation happens in a temporary folder beside the destination, then moves in, so an
error or Ctrl-C leaves nothing half-written; a file it replaces is backed up first. A
temporary folder a crash left behind (``.ecopole-new-<pid>-…``) is removed by the next run.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from cookiecutter.generate import generate_files

from ecopole_kit import __version__
from ecopole_kit.errors import DestinationError, InvalidDocuments, os_reason
from ecopole_kit.foundation.documents import Document, dump_yaml
from ecopole_kit.foundation.folders import remove_stale, tagged
from ecopole_kit.foundation.markdown_text import literal
from ecopole_kit.foundation.resources import load_schema, shipped
from ecopole_kit.foundation.validation import validate_document
from ecopole_kit.models import GeneratedProject
from ecopole_kit.project.layout import BACKUP_DIR, RECORD_DIR, RECORD_FILE, SCHEMA_DIR
from ecopole_kit.project.record import new_record, write_record
from ecopole_kit.referentiel.release import REFERENTIEL_RELEASE

_RELEASED = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")

WORK_PREFIX = ".ecopole-new-"


def generate_project(config: dict[str, Any], dest: Path, *, force: bool = False,
                     demo: bool = False) -> GeneratedProject:
    """Write a new site project for ``config`` into ``dest``."""
    issues = validate_document(Document("réponses", config, None), "territoire")
    if issues:
        raise InvalidDocuments(issues=issues)
    _check_destination(dest, force=force or (demo and _is_demo(dest)))
    slug = config["territoire"]["slug"]
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(dest.parent, WORK_PREFIX)
        with tempfile.TemporaryDirectory(dir=dest.parent, prefix=tagged(WORK_PREFIX)) as work:
            built = render_project(config, Path(work), demo=demo)
            backups = _move_into(built, dest)
    except OSError as error:
        raise DestinationError(
            path=Path(error.filename or dest), reason=f"{os_reason(error)}.",
            hint="Choisissez un dossier où vous avez le droit d'écrire.") from None
    return GeneratedProject(path=dest, slug=slug, backups=backups)


def render_project(config: dict[str, Any], work: Path, *, demo: bool = False,
                   referentiel_version: str = REFERENTIEL_RELEASE) -> Path:
    """Render the current template into ``work``, with its record (versions, sha256)."""
    generate_files(repo_dir=str(shipped("template")), context=_context(config, demo),
                   output_dir=str(work), accept_hooks=False)
    built = work / str(config["territoire"]["slug"])
    _copy_schemas(built)
    write_record(built, new_record(built, kit=__version__, referentiel=referentiel_version,
                                   demo=demo))
    return built


def _kit_requirement() -> str:
    """What the project's CI installs: this very version (unpinned from a source checkout)."""
    return f"ecopole-kit=={__version__}" if _RELEASED.fullmatch(__version__) else "ecopole-kit"


def _context(config: dict[str, Any], demo: bool) -> dict[str, Any]:
    schema_dir = f"{RECORD_DIR}/{SCHEMA_DIR}"
    values: dict[str, Any] = {
        "project_slug": config["territoire"]["slug"],
        "_territoire_yaml": dump_yaml(config, schema_url=f"./{schema_dir}/territoire.schema.json"),
        "_answers_yaml": dump_yaml(config, header="# Réponses de l'entretien, gardées pour les "
                                   "mises à jour. Ne pas modifier.\n"),
        "_name_markdown": str(literal(config["territoire"]["nom"])),
        "_kit_version": __version__,
        "_kit_requirement": _kit_requirement(),
    }
    values["_engaged"] = {fiche: True for actions in config.get("fonctions", {}).values()
                          for fiche in actions}
    values["_engaged"].update({fiche: False for fiche in _action_ids() if fiche not in
                               values["_engaged"]})
    return {"cookiecutter": values}


def _action_ids() -> tuple[str, ...]:
    """Every action the territory schema knows, engaged or not (the template asks of each)."""
    functions = load_schema("territoire")["properties"]["fonctions"]["properties"]
    return tuple(action for function in functions.values() for action in function["properties"])


def _copy_schemas(built: Path) -> None:
    target = built / RECORD_DIR / SCHEMA_DIR
    target.mkdir(parents=True, exist_ok=True)
    for schema in shipped("schemas").glob("*.schema.json"):
        if schema.name.startswith(("territoire", "fonction-")):
            shutil.copyfile(schema, target / schema.name)


def _is_demo(dest: Path) -> bool:
    record = dest / RECORD_DIR / RECORD_FILE
    return record.is_file() and "demo: true" in record.read_text(encoding="utf-8")


def check_destination(dest: Path, *, force: bool = False) -> None:
    """Raise ``DestinationError`` if a project cannot be written into ``dest``."""
    _check_destination(dest, force=force)


def _check_destination(dest: Path, *, force: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise DestinationError(path=dest, reason="c'est un fichier, pas un dossier.",
                               hint="Indiquez un dossier nouveau ou vide.")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise DestinationError(
            path=dest, reason="le dossier n'est pas vide.",
            hint="Choisissez un dossier nouveau, ou ajoutez --force : les fichiers remplacés "
                 f"seront sauvegardés dans {RECORD_DIR}/{BACKUP_DIR}/ et rien d'autre ne sera "
                 "supprimé.")


def _move_into(built: Path, dest: Path) -> list[Path]:
    if not dest.exists():
        os.replace(built, dest)
        return []
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup_root = dest / RECORD_DIR / BACKUP_DIR / stamp
    backups: list[Path] = []
    for source in sorted(p for p in built.rglob("*") if p.is_file()):
        relative = source.relative_to(built)
        target = dest / relative
        # A file a person may have edited is backed up; the kit's own record is not.
        if relative.parts[0] != RECORD_DIR and target.is_file() \
                and not filecmp.cmp(source, target, shallow=False):
            backup = backup_root / relative
            backup.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, backup)
            backups.append(backup)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    return backups


