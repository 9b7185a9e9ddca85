"""Plain data carried between the layers (standard library only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FieldPath = tuple[str | int, ...]


def dotted(path: Sequence[str | int]) -> str:
    """A field path as people read it: ``fonctions.emploi.postes[0].heures``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass(frozen=True)
class Issue:
    """One problem found in a file, located as precisely as possible.

    ``path`` is the field's path in the document (keys and list positions); ``()`` for the
    document as a whole.
    """

    file: str
    line: int | None
    path: FieldPath
    message: str

    @property
    def field(self) -> str:
        """The field as people read it: ``territoire.codes[0]``."""
        return dotted(self.path)

    def as_text(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field or '(document)'}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"fichier": self.file, "ligne": self.line, "champ": self.field,
                "message": self.message}


@dataclass(frozen=True)
class Question:
    """One question of the interview, derived from the territory schema."""

    key: tuple[str, ...]
    section: str
    label: str
    help: str
    default: Any = None
    choices: tuple[str, ...] = ()
    required: bool = False
    is_list: bool = False
    skip_label: str | None = None
    derived_from: str | None = None
    named_from: str | None = None
    article_of: str | None = None  # a default article guessed from this answer (a name)
    search: bool = False
    value_type: str = "string"
    asked_if: str | None = None  # « contexte.menages »: asked only once that is answered;
    # « contexte.atouts=autre »: only when that answer holds « autre »
    choice_labels: tuple[str, ...] = ()  # the choices as people read them (same order)
    explanation: str = ""  # what « ? » shows: what the question means

    @property
    def dotted(self) -> str:
        return ".".join(self.key)


@dataclass(frozen=True)
class ToComplete:
    """Something a valid project leaves empty that a page would show: file, key, what."""

    file: str
    key: str
    what: str

    def as_text(self) -> str:
        return f"{self.file} : {self.key} — {self.what}"


@dataclass
class GeneratedProject:
    """What `new` produced."""

    path: Path
    slug: str
    backups: list[Path] = field(default_factory=list)
    answers_removed: Path | None = None  # the saved answers, removed once used


@dataclass(frozen=True)
class BuiltSite:
    """What `build` produced."""

    project: Path
    site_dir: Path
    to_complete: tuple[ToComplete, ...] = ()

    @property
    def index(self) -> Path:
        return self.site_dir / "index.html"
