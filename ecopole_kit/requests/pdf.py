"""The applicant's PDF: the pages of their copy, in navigation order, printed to A4.

The Markdown is converted with Python-Markdown; a tree processor turns links between pages
into anchors inside the PDF, drops links to anything else (text stays), makes ids unique per
page and serves the site's SVG charts from memory. WeasyPrint fetches nothing else.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Mapping
from typing import Any

import markdown  # type: ignore[import, unused-ignore]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import, unused-ignore]

from ecopole_kit.site.rendered import NavSection, RenderedSite, nav_pages

MEMORY_SCHEME = "ecopole-memoire:"
EXTENSIONS = ["admonition", "tables", "toc", "pymdownx.details", "attr_list", "md_in_html",
              "pymdownx.emoji"]
# The home page's icons: Material's own SVG, bundled, drawn inline (nothing fetched).
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_KEPT_SCHEMES = ("https://", "http://", "mailto:")
STYLESHEET = """
@page { size: A4; margin: 20mm 18mm;
  @top-left { content: "Référentiel Ecopôle alimentaire"; font-size: 8pt; color: #555; }
  @top-right { content: string(territoire); font-size: 8pt; color: #555; }
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; } }
@page :first { @top-left { content: none; } @top-right { content: none; }
  @bottom-center { content: none; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.45; }
h1, h2 { color: #1f5e3b; break-after: avoid; } h1 { font-size: 19pt; margin: 0 0 6mm; }
h2 { font-size: 13.5pt; margin: 6mm 0 2mm; } h3, h4 { font-size: 11pt; break-after: avoid; }
h3, h4, h5, h6, .toc h2 { bookmark-level: none; } a { color: #1f5e3b; text-decoration: none; }
section.page, section.toc { break-before: page; } .toc ul { list-style: none; padding: 0; }
.toc a::after { content: leader(".") target-counter(attr(href), page); }
table { border-collapse: collapse; width: 100%; margin: 3mm 0; font-size: 8.5pt; }
th, td { border: 0.5pt solid #9aa59e; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #e6efe8; } tr, img, .admonition, details { break-inside: avoid; }
img { max-width: 100%; max-height: 115mm; } code { font-family: monospace; font-size: 8pt; }
.admonition, details { border-left: 3pt solid #3f7cc4; background: #f1f5fb; padding: 1.5mm 4mm;
  margin: 3.5mm 0; } .admonition-title, summary { font-weight: bold; margin: 1mm 0; }
.warning { border-color: #d97a00; background: #fff5e6; } .abstract { border-color: #777; }
.admonition.success, .admonition.tip { border-color: #2e8b57; background: #eef8f1; }
.cover { padding-top: 55mm; } .cover h1 { font-size: 28pt; margin-bottom: 12mm; }
.network { color: #1f5e3b; font-weight: bold; } .label { margin-top: 25mm; color: #555; }
.territory { font-size: 15pt; string-set: territoire content(); } .stamp { color: #555; margin: 0; }
.applicant { font-size: 14pt; font-weight: bold; margin: 0; } .organisation { margin: 0 0 20mm; }
"""


def render_pdf(weasyprint: Any, packaged: RenderedSite, title: str, cover: str) -> bytes:
    ids = {page.path: "p-" + page.path.removesuffix(".md").replace("/", "_")
           for page in nav_pages(packaged.nav)}
    sections = [f'<section class="page" id="{ids[page.path]}">'
                f"{_page_html(packaged, page.path, ids)}</section>"
                for page in nav_pages(packaged.nav)]
    document = (f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
                f"<title>{title}</title><style>{STYLESHEET}</style></head><body>"
                f"{cover}{_toc(packaged.nav, ids)}{''.join(sections)}</body></html>")
    fetcher = MemoryFetcher(packaged.files)  # nothing else may be read: no network, no disk
    return bytes(weasyprint.HTML(string=document, url_fetcher=fetcher).write_pdf())


def _toc(nav: tuple[NavSection, ...], ids: Mapping[str, str]) -> str:
    parts = ['<section class="toc"><h1>Sommaire</h1>']
    for section in nav:
        items = "".join(f'<li><a href="#{ids[page.path]}">'
                        f"{html.escape(page.title or page.path)}</a></li>"
                        for page in section.entries)
        parts.append(f"<h2>{html.escape(section.title)}</h2><ul>{items}</ul>")
    return "".join(parts) + "</section>"


def _page_html(packaged: RenderedSite, page: str, ids: Mapping[str, str]) -> str:
    """One page as HTML, its links and images made fit for the PDF (see ``_PdfLinks``)."""
    converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=_configs())
    links = _PdfLinks(converter, page=page, ids=ids, files=packaged.files)
    converter.treeprocessors.register(links, "ecopole-pdf-links", 0)  # after the toc's ids
    return str(converter.convert(packaged.pages[page]))


def _configs() -> dict[str, dict[str, Any]]:
    from material.extensions import emoji  # type: ignore[import-untyped, unused-ignore]

    return {"pymdownx.emoji": {"emoji_index": emoji.twemoji, "emoji_generator": emoji.to_svg}}


class _PdfLinks(Treeprocessor):  # type: ignore[misc]
    """Rewrites ``id``, ``href`` and ``src`` of every element of one page."""

    def __init__(self, md: Any, *, page: str, ids: Mapping[str, str],
                 files: Mapping[str, bytes]) -> None:
        super().__init__(md)
        self.page, self.ids, self.files = page, ids, files

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for key in ("id", "href", "src"):
                value = element.get(key)
                if value is None:
                    continue
                rewritten = self._rewrite(key, value)
                if rewritten is None:
                    del element.attrib[key]
                else:
                    element.set(key, rewritten)

    def _rewrite(self, key: str, value: str) -> str | None:
        if key == "id":
            return f"{self.ids[self.page]}.{value}"
        if _EXTERNAL.match(value):
            return value if key == "href" and value.startswith(_KEPT_SCHEMES) else None
        target, fragment = _target(self.page, value)
        if key == "src":
            return f"{MEMORY_SCHEME}{target}" if self._is_chart(target) else None
        if target not in self.ids:
            return None
        return f"#{self.ids[target]}" + (f".{fragment}" if fragment else "")

    def _is_chart(self, target: str) -> bool:
        return target in self.files and target.endswith(".svg")


def _target(page: str, href: str) -> tuple[str, str]:
    """The page path and fragment a relative link of ``page`` points to."""
    path, _, fragment = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    return target, fragment


class MemoryFetcher:
    """WeasyPrint's URL fetcher: serves the site's SVG files from memory, refuses the rest."""

    _fail_on_errors = False  # read by recent WeasyPrint on every fetch

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        self.served: list[str] = []
        self.refused: list[str] = []

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> Any:
        path = url.removeprefix(MEMORY_SCHEME)
        if not (url.startswith(MEMORY_SCHEME) and path.endswith(".svg") and path in self.files):
            self.refused.append(url)
            raise ValueError("adresse refusée : le PDF ne lit que les images du référentiel")
        self.served.append(url)
        try:
            from weasyprint.urls import URLFetcherResponse  # type: ignore[import, unused-ignore]
        except ImportError:  # older WeasyPrint takes a dictionary
            return {"string": self.files[path], "mime_type": "image/svg+xml",
                    "redirected_url": url}
        return URLFetcherResponse(url, body=self.files[path],
                                  headers={"Content-Type": "image/svg+xml"})
