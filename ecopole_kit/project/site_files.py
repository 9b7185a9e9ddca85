"""The project's own site files: ``mkdocs.yml`` (and what it inherits), and its pages in docs/.

Both are the person's to edit and are read here within the same limits as every YAML file
(``foundation.documents``): a problem is an issue with file and line, never a traceback in
mkdocs. A page's title is read here as plain text, as mkdocs would find it; the build makes
it safe for HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.foundation.documents import (
    Document,
    check_syntax,
    dump_yaml,
    parse_yaml,
    read_text,
)
from ecopole_kit.foundation.markdown_text import plain_text
from ecopole_kit.models import Issue
from ecopole_kit.project.layout import MKDOCS_FILE

MAX_INHERITED = 5  # mkdocs.yml → base.yml → …: more is a loop or a mistake
# mkdocs' own pattern for a page's front matter (mkdocs.utils.meta.YAML_RE)
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_ATX_H1 = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATTRIBUTES = re.compile(r"[ \t]*\{[^{}]*\}[ \t]*$")  # « # Titre {#ancre} » (attr_list)


def check_mkdocs(root: Path) -> None:
    """``mkdocs.yml`` and each file it inherits: well formed, a mapping, inside the project."""
    path, display, chain = root / MKDOCS_FILE, str(root / MKDOCS_FILE), []
    while True:
        document = check_syntax(path, display)
        _require_mapping(document, "ce fichier de configuration")
        chain.append(path.resolve())
        inherited = _inherited(root, path, document, chain)
        if inherited is None:
            return
        path, display = inherited, str(root / inherited.resolve().relative_to(root.resolve()))


def _inherited(root: Path, path: Path, document: Document, chain: list[Path]) -> Path | None:
    """The file named by ``INHERIT``, checked, or None."""
    data: dict[str, Any] = document.data or {}
    if "INHERIT" not in data:
        return None
    value, line = data["INHERIT"], document.key_line((), "INHERIT")

    def refuse(message: str) -> InvalidDocuments:
        return InvalidDocuments(issues=[Issue(document.name, line, ("INHERIT",), message)])

    if not isinstance(value, str) or not value.strip():
        raise refuse("le chemin du fichier dont hériter est attendu (un texte, par exemple "
                     "« INHERIT: base.yml ») ; corrigez la valeur ou retirez la ligne.")
    if Path(value).is_absolute() or re.match(r"^[A-Za-z]:|^[\\/]", value):
        raise refuse(f"« {value} » est un chemin absolu ; indiquez un chemin relatif au "
                     "dossier de ce fichier, vers un fichier du projet.")
    target = (path.parent / value).resolve()
    if not target.is_relative_to(root.resolve()):
        raise refuse(f"« {value} » sort du dossier du projet ; placez le fichier dont hériter "
                     "dans le projet.")
    if not target.is_file():
        raise refuse(f"fichier « {value} » introuvable ; vérifiez le chemin (relatif au "
                     "dossier de ce fichier) ou retirez la ligne.")
    if target in chain:
        raise refuse(f"« {value} » est déjà dans la chaîne d'héritage : elle tourne en "
                     "boucle ; retirez cette ligne INHERIT ou celle du fichier hérité.")
    if len(chain) > MAX_INHERITED:
        raise refuse(f"trop d'héritages en chaîne (au plus {MAX_INHERITED}) ; regroupez la "
                     "configuration dans moins de fichiers.")
    return target


def _require_mapping(document: Document, what: str) -> None:
    if document.data is not None and not isinstance(document.data, dict):
        raise InvalidDocuments(issues=[Issue(
            document.name, document.line_of(()), (),
            f"{what} doit être un ensemble de champs (clé : valeur), pas "
            f"{'une liste' if isinstance(document.data, list) else 'une valeur seule'}.")])


@dataclass(frozen=True)
class OwnPage:
    """One of the project's Markdown pages: its front matter, its text, its plain title."""

    meta: Mapping[str, Any]
    body: str
    title: str

    def source(self, escape: Callable[[str], str]) -> str:
        """The page as mkdocs is to read it: a YAML front matter where every text (the title
        included) went through ``escape``, then the page's own Markdown, unchanged."""
        meta = {**_escaped(dict(self.meta), escape), "title": escape(self.title)}
        return f"---\n{dump_yaml(meta)}---\n{self.body}"


def read_own_page(path: Path, relative: str, display: str) -> OwnPage:
    """Read a page of docs/ (``relative`` to docs/, shown as ``display`` in messages)."""
    text = read_text(path, display).replace("\r\n", "\n").replace("\r", "\n")
    found = _FRONT_MATTER.match(text)
    if found is None:
        return OwnPage({}, text, _heading(text) or _file_title(relative))
    # A blank first line stands for the opening « --- »: YAML's lines are the file's.
    document = parse_yaml("\n" + found.group(1), display)
    _require_mapping(document, "l'en-tête de la page (entre les lignes ---)")
    meta: dict[str, Any] = document.data or {}
    body = text[found.end():].lstrip("\n")
    return OwnPage(meta, body, _meta_title(document, meta) or _heading(body)
                   or _file_title(relative))


def _meta_title(document: Document, meta: Mapping[str, Any]) -> str | None:
    title = meta.get("title")
    if title is None:
        return None
    if isinstance(title, bool) or not isinstance(title, str | int | float):
        raise InvalidDocuments(issues=[Issue(
            document.name, document.line_of(("title",)), ("title",),
            "le titre de la page est attendu en texte, sur une ligne (par exemple "
            "« title: Nos partenaires »).")])
    return " ".join(str(title).split()) or None


def _heading(markdown: str) -> str | None:
    """The text of the first level-1 heading outside code blocks, as mkdocs takes it."""
    fence, previous = "", ""
    for line in markdown.split("\n"):
        opening = _FENCE.match(line)
        if opening and (not fence or opening.group(1).startswith(fence)):
            fence, previous = ("" if fence else opening.group(1)), ""
            continue
        atx = _ATX_H1.match(line)
        heading = None if fence else atx.group(1) if atx else \
            previous if _SETEXT_H1.match(line) else None
        if heading:
            return plain_text(_ATTRIBUTES.sub("", heading)) or None
        previous = line.strip()
    return None


def _file_title(relative: str) -> str:
    """mkdocs' title from a file name: « nos-partenaires.md » → « Nos partenaires »."""
    parts = Path(relative).with_suffix("").parts
    name = parts[-2] if parts[-1] in ("index", "README") and len(parts) > 1 else parts[-1]
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def _escaped(value: Any, escape: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, list):
        return [_escaped(item, escape) for item in value]
    if isinstance(value, dict):
        return {key: _escaped(item, escape) for key, item in value.items()}
    return value
