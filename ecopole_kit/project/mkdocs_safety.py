"""``--safe``: refuse a project's mkdocs.yml that would run code or read outside the project.

mkdocs runs the project's configuration as code in several ways: ``hooks:`` are Python
files it executes, plugins are Python packages, theme overrides (``custom_dir``) and
``extra_templates`` are Jinja templates able to reach Python, and its YAML reader builds
Python objects from ``!!python/…`` tags. ``!ENV`` copies the builder's environment (in CI,
its secrets) into the configuration, and ``pymdownx.snippets`` pastes files into pages.
Building an untrusted project with ``--safe`` refuses all of these, in ``mkdocs.yml`` and in
the files it inherits (``INHERIT``), which must themselves be files of the project.
Only the plugins of the kit's own template are allowed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ecopole_kit.errors import UnsafeConfig
from ecopole_kit.foundation.documents import Document, check_syntax
from ecopole_kit.project.links import link_problem

SAFE_PLUGINS = ("search", "offline")  # those of the project template (a test compares)
FILE_READING_EXTENSIONS = ("pymdownx.snippets",)
PYTHON_TAG = "tag:yaml.org,2002:python/"
SAFE_NAMES = ("material.extensions.emoji.", "pymdownx.")  # !!python/name: of Material's docs
CODE_KEYS = {"hooks": "ses fichiers Python seraient exécutés",
             "extra_templates": "ces gabarits Jinja peuvent exécuter du code"}


def check_safe(root: Path, path: Path) -> None:
    """Raise UnsafeConfig listing every refused key of the mkdocs configuration ``path``
    and of the files it inherits."""
    problems = list(_problems(root, path, {Path(os.path.realpath(path))}))
    if problems:
        listing = "\n".join(f"  {problem}" for problem in problems)
        raise UnsafeConfig(
            f"--safe : configuration mkdocs refusée, elle exécuterait du code ou lirait hors "
            f"du projet :\n{listing}",
            hint="Retirez ces clés (ou faites relire le projet et construisez-le sans --safe "
                 "si vous lui faites confiance).")


def _problems(root: Path, path: Path, seen: set[Path]) -> Iterator[str]:
    document = check_syntax(path, str(path))
    data = document.data if isinstance(document.data, dict) else {}
    found = [problem for check in (_code_keys, _plugins, _theme, _extensions, _tags)
             for problem in check(document, data)]
    for line, text in sorted(found, key=lambda problem: problem[0] or 0):
        yield f"{document.name}:{line}: {text}"
    if "INHERIT" in data:
        yield from _inherited(root, path, document, seen)


def _code_keys(document: Document, data: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    for key, why in CODE_KEYS.items():
        if data.get(key):
            yield document.key_line((), key), f"{key}: {why}."


def _named(entries: Any) -> list[tuple[int | str, str]]:
    """The names of a list (or mapping) of plugins or extensions, with where each stands."""
    if isinstance(entries, dict):
        return [(str(name), str(name)) for name in entries]
    if not isinstance(entries, list):
        return []
    return [(index, str(next(iter(entry))) if isinstance(entry, dict) and entry else str(entry))
            for index, entry in enumerate(entries)]


def _line(document: Document, key: str, where: int | str) -> int | None:
    if isinstance(where, int):
        return document.line_of((key, where))
    return document.key_line((key,), where)


def _plugins(document: Document, data: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    allowed = ", ".join(SAFE_PLUGINS)
    for where, name in _named(data.get("plugins")):
        if name not in SAFE_PLUGINS:
            yield _line(document, "plugins", where), (
                f"plugins: « {name} » non autorisé, un plugin est du code (autorisés avec "
                f"--safe : {allowed}).")


def _theme(document: Document, data: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    theme = data.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        yield document.key_line(("theme",), "custom_dir"), (
            "theme.custom_dir: ses gabarits Jinja peuvent exécuter du code, et ses "
            "fichiers sont copiés dans le site.")


def _extensions(document: Document, data: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    for where, name in _named(data.get("markdown_extensions")):
        if name in FILE_READING_EXTENSIONS:
            yield _line(document, "markdown_extensions", where), (
                f"markdown_extensions: « {name} » insère dans les pages des fichiers "
                "de l'ordinateur.")


def _tags(document: Document, data: dict[str, Any]) -> Iterator[tuple[int | None, str]]:
    for node in _nodes(document.root):
        tag = str(node.tag)
        line = node.start_mark.line + 1
        if tag == "!ENV":
            yield line, "!ENV : recopierait une variable d'environnement (un secret, en " \
                        "intégration continue) dans le site."
        elif tag.startswith(PYTHON_TAG) and not (
                tag.startswith(f"{PYTHON_TAG}name:")
                and tag.removeprefix(f"{PYTHON_TAG}name:").startswith(SAFE_NAMES)):
            yield line, f"!!{tag.removeprefix('tag:yaml.org,2002:')} : objet Python " \
                        "construit à la lecture (du code exécuté)."


def _nodes(node: yaml.Node | None) -> Iterator[yaml.Node]:
    if node is None:
        return
    yield node
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _nodes(key)
            yield from _nodes(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _nodes(item)


def _inherited(root: Path, path: Path, document: Document, seen: set[Path]) -> Iterator[str]:
    where = f"{document.name}:{document.key_line((), 'INHERIT')}: INHERIT"
    value = document.data["INHERIT"]
    parent = path.parent / str(value)
    problem = link_problem(root, parent) if isinstance(value, str) else "un chemin est attendu."
    real = Path(os.path.realpath(parent))
    if problem is None and real in seen:
        problem = "ce fichier hérite de lui-même (boucle)."
    elif problem is None and not real.is_file():
        problem = f"fichier introuvable ({parent})."
    if problem is not None:
        yield f"{where}: {problem.replace('lien symbolique vers', 'chemin vers')}"
        return
    seen.add(real)
    yield from _problems(root, parent, seen)


CARD_EXTENSIONS = {"attr_list", "md_in_html", "pymdownx.emoji"}


def has_card_extensions(data: Any) -> bool:
    """Whether a mkdocs configuration enables what the home page's cards need (a project
    made before 0.3 may not: its home page then shows a table)."""
    entries = data.get("markdown_extensions") if isinstance(data, dict) else None
    return {name for _, name in _named(entries)} >= CARD_EXTENSIONS
