"""The Jinja environment that writes the site's Markdown pages.

Text written by the référentiel's authors is passed as ``Markup`` (trusted Markdown);
any other value, in particular everything a person typed, goes through ``literal`` in the
``finalize`` hook, so it is shown exactly as typed and never acts as markup or template.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from ecopole_kit.foundation.cache import cache_folder
from ecopole_kit.foundation.french import capitalized, with_preposition
from ecopole_kit.foundation.markdown_text import literal, trusted

_IDENTIFIER = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@cache
def environment() -> jinja2.Environment:
    """The pages' environment; their compiled templates are kept in the kit's cache (Jinja
    checks each one against its source), which saves a tenth of a second per build."""
    folder = cache_folder("gabarits-des-pages")
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ecopole_kit.site", "templates"),
        autoescape=True, finalize=_finalize, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        bytecode_cache=None if folder is None else jinja2.FileSystemBytecodeCache(str(folder)),
    )
    env.filters["cell"] = cell
    env.filters["safe_id"] = safe_id
    env.filters["named"] = named
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def _finalize(value: object) -> object:
    return value if isinstance(value, Markup) else literal(value)


def cell(value: object) -> Markup:
    """A value made fit for one Markdown table cell (one line, pipes escaped)."""
    if not isinstance(value, Markup):
        return literal(value)  # already one line, with "|" escaped
    return Markup(" ".join(str(value).split()).replace("|", "\\|"))


def named(territory: Mapping[str, Any], preposition: str = "", *,
          capital: bool = False) -> Markup:
    """The territory's name with its article after a preposition (« au Pays Tolosan »,
    « aux Abymes »), the kit's words trusted and the person-typed name kept literal."""
    name = str(territory["nom"])
    said = with_preposition(name, territory.get("article"), preposition,
                            elides=bool(territory.get("elides")))
    said = capitalized(said) if capital else said
    tail = next(name[i:] for i in range(len(name) + 1) if said.endswith(name[i:])).lstrip()
    head = said[:len(said) - len(tail)]
    if capital and not head:
        return literal(capitalized(tail))
    return Markup(head) + literal(tail)


def safe_id(value: object) -> Markup:
    """An identifier already checked against the référentiel (a link target), kept as is."""
    text = str(value)
    if not _IDENTIFIER.fullmatch(text):
        raise ValueError(f"identifiant invalide : {text!r}")
    return Markup(text)


def trust(value: Any) -> Any:
    """Mark the référentiel's own text (recursively) as trusted Markdown."""
    if isinstance(value, str):
        return trusted(value)
    if isinstance(value, list | tuple):
        return [trust(item) for item in value]
    if isinstance(value, dict):
        return {key: trust(item) for key, item in value.items()}
    return value
