"""Where the shipped template, référentiel, schemas and examples are.

In a wheel they live inside the package (``ecopole_kit/_shipped``, force-included by the
build backend); in a source checkout they are the top-level folders beside the package.
Never relative to the current directory.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

_PACKAGE = "ecopole_kit"
TEMPLATE_PROJECT = "{{cookiecutter.project_slug}}"  # the template's project folder


@cache
def shipped(name: str) -> Path:
    """Return the folder of a shipped resource: template, referentiel, schemas or examples."""
    packaged = Path(str(resources.files(_PACKAGE) / "_shipped" / name))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def template_file(*parts: str) -> Path:
    """A file of the project template, as a new project receives it (« mkdocs.yml »)."""
    return shipped("template").joinpath(TEMPLATE_PROJECT, *parts)


def schema_path(name: str) -> Path:
    return shipped("schemas") / f"{name}.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Load a JSON Schema shipped with the kit (territoire, fiche, …)."""
    data: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return data


def example_path(name: str) -> Path:
    return shipped("examples") / f"{name}.yaml"


def shipped_file(*parts: str) -> Path:
    """A file shipped inside the package itself (vendored assets, page templates)."""
    location = resources.files(_PACKAGE)
    for part in parts:
        location = location / part
    return Path(str(location))
