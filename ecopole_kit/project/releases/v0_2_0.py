"""How ecopole-kit 0.2.0 built its template's context (frozen: never change this file).

A copy of 0.2.0's ``scaffold._context`` with the helpers it used (``dump_yaml``, ``literal``),
so that regenerating a 0.2.0 project from its answers gives back its files byte for byte.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

KIT_VERSION = "0.2.0"
_PUNCTUATION = re.compile(r"[!-$&-+./:<-@\[-`{-~]")
_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SPACES = re.compile("[ \t\r\n\f\v\x85\u2028\u2029]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _dump_yaml(data: Any, *, schema_url: str | None = None, header: str = "") -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88,
                          default_flow_style=False)
    lines = f"# yaml-language-server: $schema={schema_url}\n" if schema_url else ""
    return lines + header + text


def _reference(match: re.Match[str]) -> str:
    character = match.group()
    return _NAMED.get(character) or f"&#{ord(character)};"


def _literal(text: object) -> str:
    flat = _SPACES.sub(" ", _CONTROL.sub("", str(text))).strip()
    return _PUNCTUATION.sub(_reference, flat).replace("-", "\\-")


def _action_ids(schemas: Path) -> tuple[str, ...]:
    schema = json.loads((schemas / "territoire.schema.json").read_text(encoding="utf-8"))
    functions = schema["properties"]["fonctions"]["properties"]
    return tuple(action for function in functions.values() for action in function["properties"])


def context(config: dict[str, Any], demo: bool, schemas: Path) -> dict[str, Any]:
    """0.2.0's context; the record it held is written by the update itself."""
    values: dict[str, Any] = {
        "project_slug": config["territoire"]["slug"],
        "_territoire_yaml": _dump_yaml(
            config, schema_url="./.ecopole/schemas/territoire.schema.json"),
        "_answers_yaml": _dump_yaml(config, header="# Réponses de l'entretien, gardées pour les "
                                    "mises à jour. Ne pas modifier.\n"),
        "_name_markdown": _literal(config["territoire"]["nom"]),
        "_kit_version": KIT_VERSION,
        "_kit_requirement": f"ecopole-kit=={KIT_VERSION}",
    }
    values["_engaged"] = {fiche: True for actions in config.get("fonctions", {}).values()
                          for fiche in actions}
    values["_engaged"].update({fiche: False for fiche in _action_ids(schemas)
                               if fiche not in values["_engaged"]})
    return {"cookiecutter": values}
