"""Plain data carried between the layers (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One problem found in a file, located as precisely as possible."""

    file: str
    line: int | None
    path: str
    message: str

    def as_text(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field_path = self.path or "(document)"
        return f"{where}: {field_path}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"fichier": self.file, "ligne": self.line, "champ": self.path,
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
    search: bool = False
    value_type: str = "string"

    @property
    def dotted(self) -> str:
        return ".".join(self.key)


@dataclass
class GeneratedProject:
    """What `new` produced."""

    path: Path
    slug: str
    backups: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class BuiltSite:
    """What `build` produced."""

    project: Path
    site_dir: Path

    @property
    def index(self) -> Path:
        return self.site_dir / "index.html"
