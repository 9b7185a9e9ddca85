"""The Jinja environment that writes the site's Markdown pages.

Text written by the référentiel's authors is passed as ``Markup`` (trusted Markdown);
any other value, in particular everything a person typed, goes through ``literal`` in the
``finalize`` hook, so it is shown exactly as typed and never acts as markup or template.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from ecopole_kit.foundation.markdown_text import literal, trusted

_IDENTIFIER = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ecopole_kit.site", "templates"),
        autoescape=True, finalize=_finalize, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
    )
    env.filters["cell"] = cell
    env.filters["safe_id"] = safe_id
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
