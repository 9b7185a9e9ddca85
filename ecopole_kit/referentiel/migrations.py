"""Migrations between référentiel versions, applied to a project's YAML text.

A fiche renamed in the changelog becomes its new id under ``fonctions.<fonction>`` (and in
the evaluation's ``fiche:`` references); a key renamed or moved is moved. The YAML is edited
round-trip (ruamel.yaml): comments, order and quoting stay as the person wrote them, and a
file no migration touches is returned unchanged, byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from ecopole_kit.errors import MigrationFailed
from ecopole_kit.referentiel.changelog import ChangelogEntry, KeyMoved, Renamed

TERRITORY_FILE = "territoire.yaml"
EVALUATION_FILE = "fonctions/evaluation.yaml"


@dataclass(frozen=True)
class Migrated:
    """A file's text after the migrations, and what was done, in French."""

    text: str
    done: tuple[str, ...]


def migrate(name: str, text: str, entries: Sequence[ChangelogEntry]) -> Migrated:
    """Apply every migration of ``entries`` (oldest first) that concerns the file ``name``."""
    done: list[str] = []
    for entry in entries:
        if _concerned(name, entry):
            text = _apply(name, text, entry, done)
    return Migrated(text, tuple(done))


def _concerned(name: str, entry: ChangelogEntry) -> bool:
    return bool(entry.renamed and name in (TERRITORY_FILE, EVALUATION_FILE)) \
        or any(m.file == name for m in entry.keys_moved)


def _parse(name: str, text: str) -> tuple[Any, int | None, int | None]:
    try:
        data, indent, block_seq_indent = load_yaml_guess_indent(text)
    except YAMLError:
        raise MigrationFailed(path=name, line=None, reason="YAML illisible, la migration du "
                              "référentiel ne peut pas s'appliquer.",
                              hint="Corrigez le fichier (ecopole-kit validate) puis relancez "
                                   "« ecopole-kit update ».") from None
    return data, indent, block_seq_indent


def _apply(name: str, text: str, entry: ChangelogEntry, done: list[str]) -> str:
    """Renames in place are edits of the text itself (one token on one line: nothing else
    moves); a key moved under another parent goes through a round-trip dump."""
    data, _, _ = _parse(name, text)
    edits: list[_Edit] = []
    for renamed in entry.renamed:
        done += _rename_fiche(name, data, renamed, edits)
    for moved in entry.keys_moved:
        if moved.file == name and moved.old[:-1] == moved.new[:-1]:
            done += _rename_in_place(name, data, moved, edits)
    text = _edited(name, text, edits)
    moves = [m for m in entry.keys_moved if m.file == name and m.old[:-1] != m.new[:-1]]
    if not moves:
        return text
    data, indent, block_seq_indent = _parse(name, text)
    moved_done = [line for moved in moves for line in _move_key(name, data, moved)]
    done += moved_done
    return _dump(data, indent, block_seq_indent, text) if moved_done else text


@dataclass(frozen=True)
class _Edit:
    line: int  # 0-based, as ruamel counts
    column: int
    old: str
    new: str


def _edited(name: str, text: str, edits: Sequence[_Edit]) -> str:
    lines = text.splitlines(keepends=True)
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        line = lines[edit.line]
        start = edit.column + (1 if line[edit.column:edit.column + 1] in ("'", '"') else 0)
        if line[start:start + len(edit.old)] != edit.old:  # an unusual spelling: say so
            raise MigrationFailed(path=name, line=edit.line + 1, reason=f"« {edit.old} » "
                                  "introuvable à l'endroit attendu.",
                                  hint="Renommez-le vous-même puis relancez la mise à jour.")
        lines[edit.line] = line[:start] + edit.new + line[start + len(edit.old):]
    return "".join(lines)


def _dump(data: Any, indent: int | None, block_seq_indent: int | None, original: str) -> str:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 88  # the width the kit writes these files with (dump_yaml)
    offset = block_seq_indent or 0
    yaml.indent(mapping=indent or 2, sequence=(indent or 2) + offset, offset=offset)
    stream = io.StringIO()
    yaml.dump(data, stream)
    text = stream.getvalue()
    return text if original.endswith("\n") else text.rstrip("\n")


def _rename_fiche(name: str, data: Any, renamed: Renamed, edits: list[_Edit]) -> list[str]:
    done: list[str] = []
    if name == TERRITORY_FILE and isinstance(data, CommentedMap):
        for function_id, actions in (data.get("fonctions") or {}).items():
            if isinstance(actions, CommentedMap) and renamed.old in actions:
                edits.append(_key_edit(name, actions, renamed.old, renamed.new))
                done.append(f"fiche « {renamed.old} » renommée « {renamed.new} » "
                            f"(fonctions.{function_id})")
    elif name == EVALUATION_FILE and isinstance(data, CommentedMap):
        for indicator in data.get("indicateurs") or ():
            if isinstance(indicator, CommentedMap) and indicator.get("fiche") == renamed.old:
                line, column = indicator.lc.value("fiche")
                edits.append(_Edit(line, column, renamed.old, renamed.new))
                done.append(f"indicateur « {indicator.get('nom', '')} » : fiche "
                            f"« {renamed.old} » devenue « {renamed.new} »")
    return done


def _key_edit(name: str, mapping: CommentedMap, old: str, new: str) -> _Edit:
    line, column = mapping.lc.key(old)
    if new in mapping:
        raise MigrationFailed(path=name, line=line + 1, reason=f"« {old} » doit devenir "
                              f"« {new} », mais « {new} » existe déjà.",
                              hint=f"Gardez une seule des deux entrées (fusionnez-les sous "
                                   f"« {new} ») puis relancez « ecopole-kit update ».")
    return _Edit(line, column, old, new)


def _rename_in_place(name: str, data: Any, moved: KeyMoved, edits: list[_Edit]) -> list[str]:
    source = _mapping_at(data, moved.old[:-1])
    if source is None or moved.old[-1] not in source:
        return []
    edits.append(_key_edit(name, source, moved.old[-1], moved.new[-1]))
    return [f"clé « {'.'.join(moved.old)} » renommée « {'.'.join(moved.new)} »"]


def _move_key(name: str, data: Any, moved: KeyMoved) -> list[str]:
    source = _mapping_at(data, moved.old[:-1])
    if source is None or moved.old[-1] not in source:
        return []
    old_text, new_text = ".".join(moved.old), ".".join(moved.new)
    target = _mapping_at(data, moved.new[:-1], create=True)
    if target is None or moved.new[-1] in target:
        line = source.lc.key(moved.old[-1])[0] + 1
        raise MigrationFailed(path=name, line=line, reason=f"« {old_text} » doit aller en "
                              f"« {new_text} », qui existe déjà ou n'est pas un ensemble de clés.",
                              hint=f"Déplacez vous-même la valeur sous « {new_text} » puis "
                                   "relancez « ecopole-kit update ».")
    comment = source.ca.items.pop(moved.old[-1], None)
    target[moved.new[-1]] = source.pop(moved.old[-1])
    if comment is not None:
        target.ca.items[moved.new[-1]] = comment
    return [f"clé « {old_text} » déplacée en « {new_text} »"]


def _mapping_at(data: Any, path: Sequence[str], *, create: bool = False) -> CommentedMap | None:
    node = data
    for key in path:
        if not isinstance(node, CommentedMap) or isinstance(node, CommentedSeq):
            return None
        if key not in node and create:
            node[key] = CommentedMap()
        node = node.get(key)
    return node if isinstance(node, CommentedMap) else None
