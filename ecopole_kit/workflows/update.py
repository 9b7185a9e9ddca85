"""Update a site project to this kit and its référentiel, keeping every line a person wrote.

Loads the record and answers, regenerates the project's merge base (the release that made
it, from the answers), migrates the data (renamed fiches and keys), renders the new output,
merges file by file (``project/merge.py``), then changes the project all-or-nothing
(``project/journal.py``) and validates it. ``--dry-run`` and ``--check`` write nothing.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ecopole_kit import __version__
from ecopole_kit.errors import FileSystemError, ReleaseUnknown
from ecopole_kit.foundation.documents import parse_yaml
from ecopole_kit.foundation.resources import shipped
from ecopole_kit.models import Issue
from ecopole_kit.project import journal
from ecopole_kit.project.files import Knowledge, project_files
from ecopole_kit.project.layout import RECORD_DIR
from ecopole_kit.project.merge import (
    CONFLICT,
    MIGRATED,
    PROPOSAL_SUFFIX,
    UNCHANGED,
    FileMerge,
    merge_file,
)
from ecopole_kit.project.record import (
    ANSWERS_PATH,
    RECORD_PATH,
    Record,
    fingerprints,
    generated_files,
    read_answers,
    read_record,
    sha256,
)
from ecopole_kit.project.releases import FROZEN
from ecopole_kit.project.scaffold import render_project
from ecopole_kit.referentiel.changelog import CHANGELOG_FILE, ChangelogEntry, load_changelog
from ecopole_kit.referentiel.migrations import migrate
from ecopole_kit.workflows.validate import load_knowledge, validate_paths


@dataclass(frozen=True)
class UpdateStatus:
    """Where a project stands: its versions and this kit's."""

    project: Path
    kit: str
    referentiel: str
    target_kit: str
    target_referentiel: str
    interrupted: bool = False

    @property
    def up_to_date(self) -> bool:
        return not self.interrupted and (self.kit, self.referentiel) == (
            self.target_kit, self.target_referentiel)


@dataclass(frozen=True)
class UpdateReport:
    status: UpdateStatus
    files: tuple[FileMerge, ...] = ()
    migrations: tuple[str, ...] = ()
    news: tuple[ChangelogEntry, ...] = ()
    backup: Path | None = None
    resumed: bool = False
    applied: bool = False
    issues: tuple[Issue, ...] = field(default=())

    @property
    def conflicts(self) -> tuple[FileMerge, ...]:
        return tuple(f for f in self.files if f.status == CONFLICT)


def shipped_referentiel_version() -> str:
    """The version of the référentiel this kit ships (its changelog's newest entry)."""
    return load_changelog(shipped("referentiel") / CHANGELOG_FILE).version


def check_update(root: Path, knowledge: Knowledge | None = None) -> UpdateStatus:
    """The project's versions against this kit's, reading only (for --check and CI)."""
    project_files(root)
    record = read_record(root)
    target = (knowledge or load_knowledge()).referentiel.version
    return UpdateStatus(root, record.kit, record.referentiel, __version__, target,
                        interrupted=journal.pending(root))


def update_project(root: Path, *, dry_run: bool = False, knowledge: Knowledge | None = None,
                   on_step: journal.Step | None = None) -> UpdateReport:
    """Bring ``root`` to this kit and référentiel; nothing is written with ``dry_run``."""
    known = knowledge or load_knowledge()
    project_files(root)
    resumed = False
    if not dry_run:
        journal.discard_uncommitted(root)
        resumed = journal.roll_forward(root)
    status = check_update(root, known)
    if status.up_to_date:
        return UpdateReport(status, resumed=resumed)
    report = _plan(root, status, known)
    if dry_run:
        return report
    backup = _apply(root, report, on_step)
    issues = validate_paths([root], known)
    return UpdateReport(status, report.files, report.migrations, report.news, backup,
                        resumed, applied=True, issues=tuple(issues))


def _plan(root: Path, status: UpdateStatus, knowledge: Knowledge) -> UpdateReport:
    record, answers = read_record(root), read_answers(root)
    news = knowledge.referentiel.changelog.between(record.referentiel,
                                                   status.target_referentiel)
    current = _current_files(root)
    migrated, done = _migrations(current, news)
    new_answers = parse_yaml(migrated[ANSWERS_PATH].decode("utf-8"), ANSWERS_PATH).data \
        if ANSWERS_PATH in migrated else answers
    with tempfile.TemporaryDirectory(prefix="ecopole-update-") as work:
        base = generated_files(_render_base(root, record, answers, Path(work) / "base"))
        new = generated_files(render_project(new_answers, _made(Path(work) / "new"),
                                             demo=record.demo,
                                             referentiel_version=status.target_referentiel))
    base = {p: c for p, c in base.items() if record.hashes.get(p, sha256(c)) == sha256(c)}
    base.update(_migrations(base, news)[0])  # the base as the kit would write it migrated
    files = tuple(_against_disk(merge_file(p, base.get(p), migrated.get(p, current.get(p)),
                                           new.get(p)), current.get(p))
                  for p in sorted({*base, *new}) if not p.startswith(f"{RECORD_DIR}/")
                  or p in new)
    record_after = record.advanced(kit=status.target_kit,
                                   referentiel=status.target_referentiel,
                                   hashes=fingerprints(new))
    plan = UpdateReport(status, tuple(_kit_owned(f, new) for f in files), tuple(done), news)
    return _with_record(plan, record_after)


def _against_disk(merged: FileMerge, on_disk: bytes | None) -> FileMerge:
    """A migrated file is written even when the merge keeps the person's (migrated) text."""
    if merged.current == on_disk:
        return merged
    status = MIGRATED if merged.status == UNCHANGED else merged.status
    return dataclasses.replace(merged, status=status, current=on_disk)


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True)
    return folder


def _render_base(root: Path, record: Record, answers: dict[str, Any], work: Path) -> Path:
    work.mkdir(parents=True)
    if record.kit in FROZEN:
        return FROZEN[record.kit].render(answers, record.demo, work)
    if record.kit == __version__:
        return render_project(answers, work, demo=record.demo,
                              referentiel_version=record.referentiel)
    raise ReleaseUnknown(path=root / RECORD_PATH, version=record.kit, current=__version__)


def _current_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and not p.relative_to(root).as_posix().startswith(
                (f"{RECORD_DIR}/build/", f"{RECORD_DIR}/sauvegardes/", "site/"))}


def _migrations(current: dict[str, bytes],
                news: tuple[ChangelogEntry, ...]) -> tuple[dict[str, bytes], list[str]]:
    migrated: dict[str, bytes] = {}
    done: list[str] = []
    for path, content in current.items():
        if path.endswith(".yaml") and (path.count("/") == 0 or path.startswith("fonctions/")
                                       or path == ANSWERS_PATH):
            name = "territoire.yaml" if path == ANSWERS_PATH else path
            result = migrate(name, content.decode("utf-8"), news)
            if result.done:
                migrated[path] = result.text.encode("utf-8")
                done += [f"{path} : {line}" for line in result.done if path != ANSWERS_PATH]
    return migrated, done


def _kit_owned(merged: FileMerge, new: dict[str, bytes]) -> FileMerge:
    """The kit's own files under .ecopole/ are its to replace, never merged."""
    if not merged.path.startswith(f"{RECORD_DIR}/"):
        return merged
    status = "inchangé" if merged.current == new[merged.path] else "mis à jour"
    return FileMerge(merged.path, status, merged.current, new[merged.path])


def _with_record(plan: UpdateReport, record: Record) -> UpdateReport:
    files = (*plan.files, FileMerge(RECORD_PATH, "mis à jour", None, record.to_yaml().encode()))
    return UpdateReport(plan.status, files, plan.migrations, plan.news)


def _apply(root: Path, report: UpdateReport, on_step: journal.Step | None) -> Path:
    version = report.status.target_kit
    writes: dict[str, bytes] = {}
    deletes: list[str] = []
    for merged in report.files:
        if merged.proposal is not None:
            writes[merged.path + PROPOSAL_SUFFIX.format(version=version)] = merged.proposal
        if merged.changes_file and merged.content is not None:
            writes[merged.path] = merged.content
        elif merged.changes_file and merged.current is not None:
            deletes.append(merged.path)
    writes[RECORD_PATH] = writes.pop(RECORD_PATH)  # the record last: « à jour » only when all is
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        return journal.commit(root, writes, deletes, stamp, on_step or journal.quiet)
    except OSError as error:
        raise FileSystemError(error=error, action="mise à jour du projet") from None
