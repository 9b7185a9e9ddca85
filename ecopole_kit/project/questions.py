"""The interview's questions, derived from the territory schema, and how answers are read.

The schema is the single source: titles become questions, descriptions their help, enums
their choices, ``default`` their defaults, and ``x-slug-of`` a default derived from
another answer (``x-nom-de`` an official name, ``x-article-de`` a guessed article).
Answers are kept flat (dotted keys) while asking, nested when written.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from slugify import slugify

from ecopole_kit.foundation.french import fold, guessed_article
from ecopole_kit.foundation.resources import load_schema
from ecopole_kit.models import Question
from ecopole_kit.territory.geography import Geography
from ecopole_kit.territory.kinds import KINDS

SCHEMA = "territoire"
SKIP = ""


def questions() -> list[Question]:
    """Every question of the interview, in the schema's order."""
    return list(_questions())


@cache
def _questions() -> tuple[Question, ...]:
    schema = load_schema(SCHEMA)
    return tuple(_walk(schema, schema, (), schema.get("title", ""), required=True))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    target: dict[str, Any] = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return {**_resolve(schema, target), **{k: v for k, v in node.items() if k != "$ref"}}


def _walk(schema: dict[str, Any], node: dict[str, Any], key: tuple[str, ...], section: str,
          *, required: bool) -> Iterator[Question]:
    needed = set(node.get("required", ()))
    for name, child in node.get("properties", {}).items():
        child = _resolve(schema, child)
        here = (*key, name)
        if child.get("type") == "object":
            yield from _walk(schema, child, here, child.get("title", name),
                             required=required and name in needed)
        else:
            yield _question(child, here, section, required and name in needed)


def _question(node: dict[str, Any], key: tuple[str, ...], section: str,
              required: bool) -> Question:
    choices = tuple(str(c) for c in _choices(node))
    return Question(key=key, section=section, label=node.get("title", key[-1]),
                    help=node.get("x-aide", node.get("description", "")),
                    default=node.get("default"),
                    choices=choices, required=required,
                    asked_if=node.get("x-si"), explanation=node.get("description", ""),
                    choice_labels=tuple(_LABELS.get(c, c) for c in choices),
                    is_list=node.get("type") == "array",
                    skip_label=node.get("x-passer"), derived_from=node.get("x-slug-of"),
                    named_from=node.get("x-nom-de"), article_of=node.get("x-article-de"),
                    search=bool(node.get("x-recherche")),
                    value_type=str(node.get("type", "string")))


def _choices(node: dict[str, Any]) -> list[Any]:
    """Enum of the node, of its items, or of its first alternative that is a plain choice."""
    if "enum" in node:
        return list(node["enum"])
    if node.get("type") == "array":
        return list(node.get("items", {}).get("enum", []))
    for branch in node.get("anyOf", []):
        resolved = _resolve(load_schema(SCHEMA), branch)
        if "enum" in resolved:
            return list(resolved["enum"])
    return []


def default_for(question: Question, answers: Mapping[str, Any], geography: Geography) -> Any:
    """The default of a question, possibly derived from an earlier answer."""
    if question.derived_from and answers.get(question.derived_from):
        return slugify(str(answers[question.derived_from]))[:60].strip("-") or None
    if question.named_from and answers.get(question.named_from):
        return official_name(geography, answers.get("territoire.type"),
                             answers[question.named_from])
    if question.article_of and answers.get(question.article_of):
        return guessed_article(str(answers[question.article_of]))
    return question.default


SEARCH_KINDS = {kind.id: kind.record_kinds for kind in KINDS.values()}
_LABELS = {kind.id: kind.choice for kind in KINDS.values()}
_LABELS.update({"aucun": "aucun (« à Audruicq, d'Audruicq »)", "le": "le (« au Pays Tolosan »)",
                "la": "la (« à la Région d'Audruicq »)", "les": "les (« aux Coteaux »)",
                "l'": "l' (« à l'Agglomération »)",
                "autre": "autre (vous le préciserez)"})


def applies(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether a question is asked, given the answers so far (``x-si`` in the schema)."""
    if question.asked_if is None:
        return True
    field, _, wanted = question.asked_if.partition("=")
    given = answers.get(field)
    if not wanted:
        return given not in (None, SKIP, [])
    return wanted in given if isinstance(given, list) else given == wanted


def official_name(geography: Geography, kind: Any, codes: Any) -> str | None:
    """The official name of a territory from its codes, when they are all known."""
    if kind not in SEARCH_KINDS or not isinstance(codes, list) or not codes:
        return None
    resolved = geography.resolve(kind, [str(c) for c in codes])
    return None if resolved.unknown else resolved.nom


def parse(question: Question, raw: str) -> Any:
    """Turn what a person typed into a value; raise ValueError with a French reason."""
    text = raw.strip()
    if question.value_type in ("integer", "number") and not question.is_list:
        return _number(text, integer=question.value_type == "integer")
    if not question.is_list:
        return _pick(question, text) if question.choices else text
    if question.choices:
        return [_pick(question, part.strip()) for part in text.split(",") if part.strip()]
    return list_items(text)


def list_items(text: str) -> list[str]:
    """The items of a typed list: separated by « ; » when there is one, else by commas,
    an item in quotes keeping its commas (« "Mairie, service culture", Cocagne »)."""
    if ";" in text:
        return [part.strip() for part in text.split(";") if part.strip()]
    rows = list(csv.reader([text], skipinitialspace=True))
    return [part.strip() for part in (rows[0] if rows else []) if part.strip()]


def _number(text: str, *, integer: bool) -> int | float:
    cleaned = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    try:
        return int(cleaned) if integer else float(cleaned.replace(",", "."))
    except ValueError:
        kind = "un nombre entier" if integer else "un nombre"
        raise ValueError(f"« {text} » : {kind} est attendu (ex. : 27000).") from None


def _pick(question: Question, text: str) -> str:
    if text.isdigit() and 1 <= int(text) <= len(question.choices):
        return question.choices[int(text) - 1]
    wanted = fold(text, hyphens=True)
    labels = question.choice_labels or question.choices
    for choice, label in zip(question.choices, labels, strict=True):
        if wanted in (fold(choice, hyphens=True), fold(label, hyphens=True)):
            return choice
    listing = ", ".join(f"{i} = {c}" for i, c in enumerate(labels, 1))
    raise ValueError(f"« {text} » n'est pas un choix proposé ; tapez un numéro ({listing}).")


def flatten(nested: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}} → {"a.b": 1}, stopping at the interview's leaves."""
    leaves = {q.dotted for q in questions()}
    flat: dict[str, Any] = {}
    for name, value in nested.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, Mapping) and dotted not in leaves:
            flat.update(flatten(value, f"{dotted}."))
        else:
            flat[dotted] = value
    return flat


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Inverse of flatten, in the schema's order; skipped optional answers are left out."""
    order = {q.dotted: i for i, q in enumerate(questions())}
    nested: dict[str, Any] = {}
    for dotted in sorted(flat, key=lambda k: (order.get(k, len(order)), k)):
        value = flat[dotted]
        if value is None or value == SKIP:
            continue
        *parents, leaf = dotted.split(".")
        target = nested
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    for section in ("fonctions",):
        nested.setdefault(section, {})
    return nested
