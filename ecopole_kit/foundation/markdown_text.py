"""Markdown helpers: person-typed text made literal, and référentiel links resolved."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from html.parser import HTMLParser

from markupsafe import Markup

from ecopole_kit.errors import ReferentielInvalid

# ASCII punctuation, written as numeric character references: no Markdown extension reads
# « &#42; » as markup, whichever a project adds (admonitions « !!! », details « ??? », fences,
# attribute lists « {: } », footnotes « [^1] », abbreviations « *[ », math « $ » and « \\( »,
# emoji « :x: », marks « == », « ^^ », « ~~ », keys « ++ », smart quotes, links in URLs…).
# The hyphen keeps its backslash escape (core Markdown), so anchors keep their hyphens;
# commas, semicolons and « % » mean nothing to Markdown; « & < > » get their HTML names.
_PUNCTUATION = re.compile(r"[!-$&-+./:<-@\[-`{-~]")
_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SPACES = re.compile("[ \t\r\n\f\v\x85\u2028\u2029]+")  # no-break spaces are typography
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_MALFORMED = re.compile(r"\]\((fiche|page|fonction):[^)]*\)")
_LINK = re.compile(r"\]\((fiche|page|fonction):([a-z0-9-]+)(#[a-z0-9-]+)?\)")


def literal(text: object) -> Markup:
    """Person-typed text as inline Markdown that renders exactly as typed, never as markup.

    Apostrophes are written as character references, so the pages' typography leaves them
    straight, and so is a colon before a letter, so « :nom: » never becomes an icon.
    """
    flat = _SPACES.sub(" ", _CONTROL.sub("", str(text))).strip()
    escaped = _PUNCTUATION.sub(_reference, flat)
    return Markup(escaped.replace("-", "\\-"))


def _reference(match: re.Match[str]) -> str:
    character = match.group()
    return _NAMED.get(character) or f"&#{ord(character)};"


def literal_paragraphs(text: object) -> Markup:
    """Multi-line person-typed text: paragraphs kept, each made literal."""
    blocks = re.split(r"\n\s*\n", str(text).strip())
    return Markup("\n\n".join(literal(block) for block in blocks if block.strip()))


def trusted(text: str) -> Markup:
    """Markdown written by the référentiel's authors, passed through as is."""
    return Markup(text)


def plain_text(line: str) -> str:
    """What a reader sees of one line of Markdown (a heading): markup and tags left out."""
    import markdown  # type: ignore[import, unused-ignore]  # only for the project's own pages

    reader = _TextOnly()
    reader.feed(markdown.markdown(line))
    reader.close()
    return " ".join("".join(reader.parts).split())


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style") and self._hidden > 0

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


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
