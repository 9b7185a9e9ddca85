"""All-or-nothing changes to a project: stage, write a journal, commit by one rename, apply.

1. Every new file and every backup is written under ``.ecopole/mise-a-jour.tmp/``, with a
   journal (``journal.json``) of what goes where; all of it is flushed to disk.
2. The folder is renamed ``.ecopole/mise-a-jour/``: the commit point. Before it, an
   interruption leaves the project as it was (the next run discards the folder).
3. The backups move to ``.ecopole/sauvegardes/<horodatage>/``, then each staged file is
   renamed over its target, each deleted file removed; then the folder is removed. After the
   commit point, an interruption is completed by the next run (``roll_forward``): a rename
   already done has no staged file left, a deletion already done has nothing to delete.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ecopole_kit.project.layout import BACKUP_DIR, RECORD_DIR

STAGED = f"{RECORD_DIR}/mise-a-jour"
STAGING = f"{STAGED}.tmp"
JOURNAL = "journal.json"
Step = Callable[[str], None]


def quiet(step: str) -> None:
    """No one watches the steps (tests watch them to interrupt at each)."""


def pending(root: Path) -> bool:
    """Whether an update was committed but not fully applied."""
    return (root / STAGED / JOURNAL).is_file()


def discard_uncommitted(root: Path) -> None:
    """Remove what an update interrupted before its commit point had staged."""
    shutil.rmtree(root / STAGING, ignore_errors=True)


def commit(root: Path, writes: Mapping[str, bytes], deletes: Sequence[str], stamp: str,
           on_step: Step = quiet) -> Path:
    """Stage, commit and apply; return the backup folder (it may hold nothing)."""
    backup = f"{RECORD_DIR}/{BACKUP_DIR}/{stamp}"
    staging = root / STAGING
    discard_uncommitted(root)
    on_step("préparation")
    entries = []
    for number, (path, content) in enumerate(writes.items()):
        _write_synced(staging / "fichiers" / str(number), content)
        entries.append({"chemin": path, "fichier": str(number)})
    for path in [*writes, *deletes]:
        if (root / path).is_file():
            _write_synced(staging / "sauvegarde" / path, (root / path).read_bytes())
    journal = {"sauvegarde": backup, "ecrire": entries, "supprimer": list(deletes)}
    _write_synced(staging / JOURNAL, json.dumps(journal, ensure_ascii=False).encode("utf-8"))
    on_step("préparé")
    os.replace(staging, root / STAGED)
    _sync_folder(root / RECORD_DIR)
    on_step("validé")
    roll_forward(root, on_step)
    return root / backup


def roll_forward(root: Path, on_step: Step = quiet) -> bool:
    """Apply what remains of a committed update; False when there was none."""
    staged = root / STAGED
    if not pending(root):
        shutil.rmtree(staged, ignore_errors=True)
        return False
    journal = json.loads((staged / JOURNAL).read_text(encoding="utf-8"))
    if (staged / "sauvegarde").is_dir():
        (root / journal["sauvegarde"]).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged / "sauvegarde", root / journal["sauvegarde"])
    for entry in journal["ecrire"]:
        source = staged / "fichiers" / entry["fichier"]
        if source.is_file():
            (root / entry["chemin"]).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, root / entry["chemin"])
            on_step(f"écrit {entry['chemin']}")
    for path in journal["supprimer"]:
        (root / path).unlink(missing_ok=True)
    (staged / JOURNAL).unlink()
    shutil.rmtree(staged, ignore_errors=True)
    on_step("terminé")
    return True


def _write_synced(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())


def _sync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
