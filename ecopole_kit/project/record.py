"""What the kit keeps about a project it generated (``.ecopole/projet.yaml``).

The record holds the kit and référentiel versions, the versions the project went through,
whether it is the demo, and the sha256 of every file the kit generated, as generated. With
the answers (``.ecopole/reponses.yaml``) it is enough to regenerate the project's merge base.
Projects made by 0.1.0 have no ``historique`` nor ``empreintes``: they are read all the same.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ecopole_kit.errors import InvalidDocuments, RecordInvalid
from ecopole_kit.foundation.documents import dump_yaml, load_yaml
from ecopole_kit.project.layout import ANSWERS_FILE, RECORD_DIR, RECORD_FILE

RECORD_PATH = f"{RECORD_DIR}/{RECORD_FILE}"
ANSWERS_PATH = f"{RECORD_DIR}/{ANSWERS_FILE}"
HEADER = ("# Tenu par ecopole-kit pour les mises à jour (ecopole-kit update) : ne pas modifier.\n"
          "# empreintes : le sha256 de chaque fichier tel que le kit l'a produit.\n")


@dataclass(frozen=True)
class Step:
    """A version the project went through."""

    kit: str
    referentiel: str
    date: str


@dataclass(frozen=True)
class Record:
    kit: str
    referentiel: str
    created: str
    demo: bool = False
    history: tuple[Step, ...] = ()
    hashes: dict[str, str] = field(default_factory=dict)

    def advanced(self, *, kit: str, referentiel: str, hashes: dict[str, str]) -> Record:
        """The record after an update to ``kit`` and ``referentiel``."""
        step = Step(kit, referentiel, now())
        return replace(self, kit=kit, referentiel=referentiel, hashes=dict(sorted(hashes.items())),
                       history=(*self.history, step))

    @property
    def referentiel_versions(self) -> tuple[str, ...]:
        """The référentiel versions the project went through, oldest first, each once."""
        return tuple(dict.fromkeys(step.referentiel for step in self.history))

    def to_yaml(self) -> str:
        data: dict[str, Any] = {
            "kit": "ecopole-kit", "version_kit": self.kit, "version_referentiel": self.referentiel,
            "cree_le": self.created, "demo": self.demo,
            "historique": [{"version_kit": s.kit, "version_referentiel": s.referentiel,
                            "date": s.date} for s in self.history],
            "empreintes": dict(sorted(self.hashes.items())),
        }
        return dump_yaml(data, header=HEADER)

    @classmethod
    def from_data(cls, data: Any) -> Record:
        if not isinstance(data, dict) or not isinstance(data.get("version_kit"), str):
            raise ValueError("version_kit")
        created = str(data.get("cree_le", ""))
        kit, referentiel = data["version_kit"], str(data.get("version_referentiel", ""))
        history = tuple(Step(str(s["version_kit"]), str(s["version_referentiel"]),
                             str(s.get("date", ""))) for s in data.get("historique") or ())
        return cls(kit=kit, referentiel=referentiel, created=created, demo=bool(data.get("demo")),
                   history=history or (Step(kit, referentiel, created),),
                   hashes={str(k): str(v) for k, v in (data.get("empreintes") or {}).items()})


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def sha256(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def generated_files(folder: Path) -> dict[str, bytes]:
    """Every file of a generated tree by relative path, the record itself excepted."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()
            and path.relative_to(folder).as_posix() != RECORD_PATH}


def fingerprints(files: dict[str, bytes]) -> dict[str, str]:
    return {name: sha256(content) for name, content in sorted(files.items())}


def new_record(folder: Path, *, kit: str, referentiel: str, demo: bool) -> Record:
    """The record of a project just generated into ``folder``."""
    created = now()
    return Record(kit=kit, referentiel=referentiel, created=created, demo=demo,
                  history=(Step(kit, referentiel, created),),
                  hashes=fingerprints(generated_files(folder)))


def write_record(folder: Path, record: Record) -> None:
    (folder / RECORD_PATH).write_text(record.to_yaml(), encoding="utf-8")


def read_record(root: Path) -> Record:
    """The record of a project, or a French error saying it cannot be updated without it."""
    path = root / RECORD_PATH
    try:
        return Record.from_data(load_yaml(path, str(path)).data)
    except (InvalidDocuments, ValueError, KeyError, TypeError, AttributeError):
        raise RecordInvalid(path=path) from None


def referentiel_versions(root: Path) -> tuple[str, ...]:
    """The référentiel versions a project went through; none without a readable record."""
    try:
        return read_record(root).referentiel_versions
    except RecordInvalid:
        return ()


def read_answers(root: Path) -> dict[str, Any]:
    """The interview's answers the project was generated from."""
    path = root / ANSWERS_PATH
    try:
        data = load_yaml(path, str(path)).data
    except InvalidDocuments:
        raise RecordInvalid(path=path) from None
    if not isinstance(data, dict):
        raise RecordInvalid(path=path)
    return data
