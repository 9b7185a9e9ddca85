"""The référentiel's versions: its structured changelog (referentiel/CHANGELOG.yaml).

The newest entry's number is the référentiel's version. Updates read the renamed fiches and
keys to migrate projects; the « Quoi de neuf » page renders the summaries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.models import Issue
from ecopole_kit.referentiel.reading import Reader

CHANGELOG_FILE = "CHANGELOG.yaml"
TERRITORY_FILE = "territoire.yaml"  # the default file of a renamed key


def version_key(version: str) -> tuple[int, ...]:
    """A version number as a tuple that sorts as versions do (0.10.0 after 0.9.0)."""
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Renamed:
    """A fiche renamed: its old and new identifiers."""

    old: str
    new: str


@dataclass(frozen=True)
class KeyMoved:
    """A key of a project file that changed name or place (paths of keys)."""

    file: str
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class ChangelogEntry:
    """One version of the référentiel and what changed in it."""

    version: str
    date: str
    summary: str
    added: tuple[str, ...] = ()
    renamed: tuple[Renamed, ...] = ()
    removed: tuple[str, ...] = ()
    rewritten: tuple[str, ...] = ()
    keys_moved: tuple[KeyMoved, ...] = ()

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ChangelogEntry:
        fiches, schema = data.get("fiches", {}), data.get("schema", {})
        return cls(
            version=data["version"], date=data["date"], summary=data["resume"].strip(),
            added=tuple(fiches.get("ajoutees", ())),
            renamed=tuple(Renamed(r["ancien"], r["nouveau"]) for r in fiches.get("renommees", ())),
            removed=tuple(fiches.get("supprimees", ())),
            rewritten=tuple(fiches.get("reecrites", ())),
            keys_moved=tuple(KeyMoved(k.get("fichier", TERRITORY_FILE),
                                      tuple(k["ancien"].split(".")),
                                      tuple(k["nouveau"].split(".")))
                             for k in schema.get("cles_renommees", ())))


@dataclass(frozen=True)
class Changelog:
    """Every version of the référentiel, newest first."""

    entries: tuple[ChangelogEntry, ...]

    @property
    def version(self) -> str:
        return self.entries[0].version if self.entries else "0.0.0"

    def between(self, old: str, new: str) -> tuple[ChangelogEntry, ...]:
        """The versions after ``old`` up to ``new``, oldest first (the order to migrate in)."""
        low, high = version_key(old), version_key(new)
        return tuple(e for e in reversed(self.entries) if low < version_key(e.version) <= high)

    def of(self, versions: Sequence[str]) -> tuple[ChangelogEntry, ...]:
        """The entries of the given versions, newest first (unknown versions are skipped)."""
        wanted = set(versions)
        return tuple(e for e in self.entries if e.version in wanted)


def load_changelog(path: Path, reader: Reader | None = None) -> Changelog:
    """Load and check a référentiel's changelog: schema, newest first, each version once
    (``reader``: how the référentiel is read, checked unless already checked once)."""
    document, issues = (reader or Reader()).read(
        path, f"referentiel/{path.name}", "changelog")
    if not issues:
        keys = [version_key(e["version"]) for e in document.data]
        if keys != sorted(set(keys), reverse=True):
            issues.append(Issue(document.name, 1, (), "les versions doivent être uniques et "
                                "rangées de la plus récente à la plus ancienne."))
    if issues:
        raise InvalidDocuments(issues=issues)
    return Changelog(tuple(ChangelogEntry.from_data(e) for e in document.data))
