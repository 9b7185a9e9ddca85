"""Schema validation with every problem collected and explained in French."""

from __future__ import annotations

import difflib
import hashlib
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from ecopole_kit.foundation import cache as kit_cache
from ecopole_kit.foundation.documents import Document
from ecopole_kit.foundation.french import format_amount
from ecopole_kit.foundation.resources import load_schema, schema_path
from ecopole_kit.models import Issue

CHECKED_SCHEMAS = "schemas-verifies"
_TYPES = {
    "object": "un ensemble de champs (clé : valeur)",
    "array": "une liste",
    "string": "un texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "oui ou non (true / false)",
    "null": "une valeur vide",
}


@cache
def validator_for(schema_name: str) -> jsonschema.protocols.Validator:
    """The validator of a shipped schema; the schema itself is checked against its
    metaschema once per content (remembered in the kit's cache: a quarter of a second)."""
    schema = load_schema(schema_name)
    cls = jsonschema.validators.validator_for(schema)
    key = hashlib.sha256(schema_path(schema_name).read_bytes()).hexdigest()
    if not kit_cache.seen(CHECKED_SCHEMAS, key):
        cls.check_schema(schema)
        kit_cache.remember(CHECKED_SCHEMAS, key)
    validator: jsonschema.protocols.Validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return validator


def validate_document(document: Document, schema_name: str) -> list[Issue]:
    """Every schema problem of a document, located by line and field path, in French."""
    if document.data is None:
        return [Issue(document.name, None, (), "le fichier est vide ; remplissez-le (voir "
                      "l'exemple dans la documentation) ou recréez-le avec « ecopole-kit new ».")]
    validator = validator_for(schema_name)
    errors = sorted(validator.iter_errors(document.data), key=_order)
    found = [issue for error in _leaves(errors) for issue in _issues(document, error)]
    return found + list(_not_finite(document, document.data, []))


def _not_finite(document: Document, value: Any, path: list[str | int]) -> Iterator[Issue]:
    """YAML's .nan and .inf are numbers for the schema, but no figure a person can mean."""
    if isinstance(value, float) and not math.isfinite(value):
        yield Issue(document.name, document.line_of(path), tuple(path),
                    "nombre attendu (.nan et .inf ne sont pas des valeurs possibles).")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _not_finite(document, item, [*path, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _not_finite(document, item, [*path, index])


def check_value(schema_name: str, pointer: Sequence[str], value: Any) -> list[str]:
    """French messages for one interview answer checked against its part of the schema."""
    validator = validator_for(schema_name)
    subschema = subschema_at(schema_name, pointer)
    local = validator.evolve(schema=subschema)
    return [_message(error) for error in _leaves(sorted(local.iter_errors(value), key=_order))]


def subschema_at(schema_name: str, pointer: Sequence[str]) -> dict[str, Any]:
    node: dict[str, Any] = load_schema(schema_name)
    for part in pointer:
        node = node["properties"][part]
    return node


def _order(error: ValidationError) -> tuple[str, ...]:
    return tuple(str(part) for part in error.absolute_path)


def _leaves(errors: Iterable[ValidationError]) -> list[ValidationError]:
    """Replace anyOf/oneOf wrappers by their most relevant sub-error."""
    result = []
    for error in errors:
        if error.context:
            # A value of the wrong kind for one alternative says little: prefer the others.
            relevant = [e for e in error.context if not _kind_mismatch(e)] or error.context
            error = best_match(relevant)
        result.append(error)
    return result


def _kind_mismatch(error: ValidationError) -> bool:
    structured = isinstance(error.instance, (dict, list))
    return error.validator == "type" or (error.validator in ("enum", "const") and structured)


def _issues(document: Document, error: ValidationError) -> list[Issue]:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        return [
            Issue(document.name, document.key_line(path, str(key)), (*path, key),
                  _unknown_key(str(key), _schema(error)))
            for key in _extra_keys(error)
        ]
    return [Issue(document.name, document.line_of(path), tuple(path), _message(error))]


def _schema(error: ValidationError) -> dict[str, Any]:
    return dict(error.schema) if isinstance(error.schema, Mapping) else {}


def _extra_keys(error: ValidationError) -> list[Any]:
    allowed = set(_schema(error).get("properties", {}))
    instance: Any = error.instance
    return [key for key in instance if key not in allowed]


def _message(error: ValidationError) -> str:
    schema = _schema(error)
    kind = str(error.validator)
    value: Any = error.validator_value
    if kind in ("pattern", "format") and "x-message" in schema:
        return f"« {_short(error.instance)} » : {schema['x-message']}."
    if kind == "additionalProperties":
        return "; ".join(_unknown_key(str(key), schema) for key in _extra_keys(error))
    if kind == "required":
        missing = next((name for name in value if error.message.startswith(repr(name))), value[0])
        title = schema.get("properties", {}).get(missing, {}).get("title", missing)
        return f"champ obligatoire « {missing} » manquant ({title}) ; ajoutez-le."
    if kind == "enum":
        close = difflib.get_close_matches(str(error.instance), [str(v) for v in value], 1, 0.6)
        hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
        allowed = ", ".join(f"« {v} »" for v in value)
        return f"« {_short(error.instance)} » n'est pas une valeur permise ({allowed}){hint}"
    if kind == "const":
        return f"{schema['x-message']}." if "x-message" in schema else \
            f"la valeur doit être « {value} »."
    if kind == "type":
        expected = value if isinstance(value, list) else [value]
        wanted = " ou ".join(_TYPES.get(str(t), str(t)) for t in expected)
        return f"il faut {wanted}, pas {_describe(error.instance)}."  # « une liste » agrees
    return _bounds(kind, value, error.instance)


def _bounds(kind: str, value: Any, instance: Any) -> str:
    messages = {
        "minLength": f"texte trop court (au moins {value} caractères).",
        "maxLength": f"texte trop long (au plus {value} caractères).",
        "minItems": f"liste trop courte (au moins {value} éléments).",
        "maxItems": f"liste trop longue (au plus {value} élément{'s' if value > 1 else ''}).",
        "uniqueItems": "la liste contient des doublons ; gardez chaque élément une fois.",
        "minimum": f"la valeur doit être au moins {_figure(value)}.",
        "maximum": f"la valeur doit être au plus {_figure(value)}.",
        "exclusiveMinimum": f"la valeur doit être supérieure à {_figure(value)}.",
        "exclusiveMaximum": f"la valeur doit être inférieure à {_figure(value)}.",
        "pattern": f"« {_short(instance)} » n'a pas la forme attendue.",
        "format": f"« {_short(instance)} » n'a pas le format {value} attendu.",
        "minProperties": "ce bloc ne peut pas être vide.",
    }
    return messages.get(kind, f"valeur refusée par la règle « {kind} ».")


def _figure(value: Any) -> str:
    """A schema's bound in French (1 000 000), whatever its type."""
    return format_amount(value) if isinstance(value, (int, float)) else str(value)


def _unknown_key(key: str, schema: dict[str, Any]) -> str:
    allowed = sorted(schema.get("properties", {}))
    close = difflib.get_close_matches(key, allowed, 1, 0.5)
    if close:
        return f"champ inconnu « {key} » ; vouliez-vous dire « {close[0]} » ?"
    listing = ", ".join(allowed) or "aucun"
    return f"champ inconnu « {key} » ; champs permis : {listing}."


def _describe(instance: Any) -> str:
    if instance is None:
        return "une valeur vide"
    if isinstance(instance, bool):
        return "un booléen"
    if isinstance(instance, dict):
        return "un ensemble de champs"
    if isinstance(instance, list):
        return "une liste"
    if isinstance(instance, (int, float)):
        return f"le nombre {instance}"
    return f"le texte « {_short(instance)} »"


def _short(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
