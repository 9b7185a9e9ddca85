"""How ecopole-kit 0.1.0 built its template's context (frozen: never change this file).

A copy of 0.1.0's ``generate._context`` with the helpers it used, so that regenerating a
0.1.0 project from its answers gives back its files byte for byte.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import yaml

KIT_VERSION = "0.1.0"
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _dump_yaml(data: Any, *, schema_url: str | None = None, header: str = "") -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=88,
                          default_flow_style=False)
    lines = f"# yaml-language-server: $schema={schema_url}\n" if schema_url else ""
    return lines + header + text


def _literal(text: object) -> str:
    flat = _SPACES.sub(" ", _CONTROL.sub("", str(text))).strip()
    return html.escape(_MARKDOWN_SPECIALS.sub(r"\\\1", flat), quote=False)


def _action_ids(schemas: Path) -> tuple[str, ...]:
    schema = json.loads((schemas / "territoire.schema.json").read_text(encoding="utf-8"))
    functions = schema["properties"]["fonctions"]["properties"]
    return tuple(action for function in functions.values() for action in function["properties"])


def context(config: dict[str, Any], demo: bool, schemas: Path) -> dict[str, Any]:
    """0.1.0's context; the record it held is not regenerated (the update writes its own)."""
    values: dict[str, Any] = {
        "project_slug": config["territoire"]["slug"],
        "_territoire_yaml": _dump_yaml(
            config, schema_url="./.ecopole/schemas/territoire.schema.json"),
        "_record_yaml": _dump_yaml({"kit": "ecopole-kit", "version_kit": KIT_VERSION,
                                    "version_referentiel": KIT_VERSION, "demo": demo}),
        "_answers_yaml": _dump_yaml(config, header="# Réponses de l'entretien, gardées pour les "
                                    "mises à jour. Ne pas modifier.\n"),
        "_name_markdown": _literal(config["territoire"]["nom"]),
        "_kit_version": KIT_VERSION,
        "_copy_without_render": [".github/*"],
    }
    values["_engaged"] = {fiche: True for actions in config.get("fonctions", {}).values()
                          for fiche in actions}
    values["_engaged"].update({fiche: False for fiche in _action_ids(schemas)
                               if fiche not in values["_engaged"]})
    return {"cookiecutter": values}
