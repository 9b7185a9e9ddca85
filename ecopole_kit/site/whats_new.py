"""The « Quoi de neuf » page: what changed in the référentiel, for the versions a project
went through (from its record), newest first. Pure: changelog entries in, Markdown out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ecopole_kit.foundation.french import french_date
from ecopole_kit.referentiel.changelog import ChangelogEntry, version_key

INTRODUCTION = ("Les changements du référentiel depuis la création de ce site, du plus récent "
                "au plus ancien.")


def whats_new_markdown(entries: Sequence[ChangelogEntry], versions: Sequence[str]) -> str:
    """The page's Markdown: every version from the project's first to its current one, those
    it skipped included (0.1.0 updated to 0.3.0 went through 0.2.0's changes too)."""
    known = [version_key(v) for v in versions if v in {e.version for e in entries}]
    shown = sorted((e for e in entries
                    if known and min(known) <= version_key(e.version) <= max(known)),
                   key=lambda e: version_key(e.version), reverse=True)
    blocks = ["# Quoi de neuf", INTRODUCTION, *(_entry(e) for e in shown)]
    return "\n\n".join(blocks) + "\n"


def _entry(entry: ChangelogEntry) -> str:
    published = french_date(date.fromisoformat(entry.date))
    lines = [f"## Version {entry.version} du {published}", "", entry.summary]
    details = [(label, ids) for label, ids in (
        ("Fiches ajoutées", entry.added), ("Fiches réécrites", entry.rewritten),
        ("Fiches retirées", entry.removed),
        ("Fiches renommées", tuple(f"{r.old} → {r.new}" for r in entry.renamed)),
        ("Clés renommées", tuple(f"{'.'.join(k.old)} → {'.'.join(k.new)} ({k.file})"
                                 for k in entry.keys_moved))) if ids]
    if details:
        lines.append("")
        lines += [f"- **{label}** : {', '.join(f'`{i}`' for i in ids)}" for label, ids in details]
    return "\n".join(lines)
