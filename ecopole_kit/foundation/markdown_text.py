"""Markdown helpers: person-typed text made literal, and référentiel links resolved."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Mapping

from markupsafe import Markup

from ecopole_kit.errors import ReferentielInvalid

# Characters Python-Markdown honours a backslash escape for (plus "|" for tables).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # no-break spaces are kept: they are typography
_KEPT = re.compile(r"'|:(?=\S)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MALFORMED = re.compile(r"\]\((fiche|page|fonction):[^)]*\)")
_LINK = re.compile(r"\]\((fiche|page|fonction):([a-z0-9-]+)(#[a-z0-9-]+)?\)")


def literal(text: object) -> Markup:
    """Person-typed text as inline Markdown that renders exactly as typed, never as markup.

    Apostrophes are written as character references, so the pages' typography leaves them
    straight, and so is a colon before a letter, so « :nom: » never becomes an icon.
    """
    flat = _SPACES.sub(" ", _CONTROL.sub("", str(text))).strip()
    escaped = html.escape(_MARKDOWN_SPECIALS.sub(r"\\\1", flat), quote=False)
    return Markup(_KEPT.sub(lambda m: f"&#{ord(m.group())};", escaped))


def literal_paragraphs(text: object) -> Markup:
    """Multi-line person-typed text: paragraphs kept, each made literal."""
    blocks = re.split(r"\n\s*\n", str(text).strip())
    return Markup("\n\n".join(literal(block) for block in blocks if block.strip()))


def trusted(markdown: str) -> Markup:
    """Markdown written by the référentiel's authors, passed through as is."""
    return Markup(markdown)


def resolve_links(markdown: str, page: str, targets: Mapping[str, str], source: str) -> str:
    """Rewrite ``fiche:id``, ``page:id`` and ``fonction:id`` links to relative paths."""

    def replace(match: re.Match[str]) -> str:
        kind, ident, anchor = match.group(1), match.group(2), match.group(3) or ""
        target = targets.get(f"{kind}:{ident}")
        if target is None:
            raise ReferentielInvalid(
                f"{source} : lien vers {kind} inconnue « {ident} ».",
                hint="Corrigez l'identifiant du lien dans le référentiel.",
            )
        relative = posixpath.relpath(target, posixpath.dirname(page) or ".")
        return f"]({relative}{anchor})"

    resolved = _LINK.sub(replace, markdown)
    leftover = _MALFORMED.search(resolved)
    if leftover:
        raise ReferentielInvalid(f"{source} : lien mal formé « {leftover.group(0)} ».",
                           hint="Un lien du référentiel s'écrit [texte](fiche:identifiant).")
    return resolved
