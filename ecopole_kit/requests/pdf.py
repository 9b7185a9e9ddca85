"""The applicant's PDF: the pages of their copy, in navigation order, printed to A4.

The Markdown is converted with Python-Markdown; a tree processor turns links between pages
into anchors inside the PDF, drops links to anything else (text stays), makes ids unique per
page and serves the site's SVG charts from memory. WeasyPrint fetches nothing else. Another
gives each table its column widths (``pdf_columns``), laid out with ``table-layout: fixed``.

WeasyPrint builds hundreds of thousands of boxes that all live until the PDF is written:
Python's cyclic garbage collector, walking them again and again for almost nothing to free,
took a quarter of the time on the applicant's 137 pages (10 MiB more at the peak without
it); it is paused while the PDF is made. ``requests accept`` makes it in a forked process
that ends without ever collecting them (``foundation/parallel.py``). Each page laid out,
then the writing, are told to ``on_step``.
"""

from __future__ import annotations

import gc
import html
import logging
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import markdown  # type: ignore[import, unused-ignore]
from markdown.treeprocessors import Treeprocessor  # type: ignore[import, unused-ignore]

from ecopole_kit.requests.pdf_columns import (
    LINE_BREAK,
    TEXT_POINTS,
    Cell,
    Run,
    table_columns,
)
from ecopole_kit.site.rendered import NavSection, RenderedSite, nav_pages

MEMORY_SCHEME = "ecopole-memoire:"
EXTENSIONS = ["admonition", "tables", "toc", "pymdownx.details", "attr_list", "md_in_html",
              "pymdownx.emoji"]
# The home page's icons: Material's own SVG, bundled, drawn inline (nothing fetched).
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_KEPT_SCHEMES = ("https://", "http://", "mailto:")
_WHITE_SPACE = re.compile("[ \t\r\n]+")  # not the non-breaking spaces
_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")  # Python-Markdown's, until its last step
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
table.columns { table-layout: fixed; }
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


Progress = Callable[[str], None]  # the step being done now, in French, for a person
_PROGRESS = "weasyprint.progress"
_LAYOUT_STEP = "Step 5 - Creating layout - Page %d"
_WRITING_STEP = "Step 6 - Creating PDF"


def render_pdf(weasyprint: Any, packaged: RenderedSite, title: str, cover: str, *,
               on_step: Progress | None = None) -> bytes:
    ids = {page.path: "p-" + page.path.removesuffix(".md").replace("/", "_")
           for page in nav_pages(packaged.nav)}
    with _collector_paused():
        to_html = _PageConverter(packaged, ids)
        sections = [f'<section class="page" id="{ids[page.path]}">'
                    f"{to_html(page.path)}</section>" for page in nav_pages(packaged.nav)]
        document = (f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
                    f"<title>{title}</title><style>{STYLESHEET}</style></head><body>"
                    f"{cover}{_toc(packaged.nav, ids)}{''.join(sections)}</body></html>")
        fetcher = MemoryFetcher(packaged.files)  # nothing else read: no network, no disk
        with _steps_reported(on_step):
            return bytes(weasyprint.HTML(string=document, url_fetcher=fetcher).write_pdf())


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _steps_reported(on_step: Progress | None) -> Iterator[None]:
    """WeasyPrint's progress log, read for the pages it lays out and the writing."""
    if on_step is None:
        yield
        return
    logger, handler = logging.getLogger(_PROGRESS), _StepHandler(on_step)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


class _StepHandler(logging.Handler):
    def __init__(self, on_step: Progress) -> None:
        super().__init__(logging.INFO)
        self.on_step, self.reached = on_step, 0

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if record.msg == _LAYOUT_STEP and isinstance(args, tuple) and args \
                and isinstance(args[0], int) and args[0] > self.reached:
            self.reached = args[0]  # pages laid out again (page numbers) are not told again
            self.on_step(f"mise en page du PDF, page {args[0]}")
        elif record.msg == _WRITING_STEP:
            self.on_step("écriture du PDF")


def _toc(nav: tuple[NavSection, ...], ids: Mapping[str, str]) -> str:
    parts = ['<section class="toc"><h1>Sommaire</h1>']
    for section in nav:
        items = "".join(f'<li><a href="#{ids[page.path]}">'
                        f"{html.escape(page.title or page.path)}</a></li>"
                        for page in section.entries)
        parts.append(f"<h2>{html.escape(section.title)}</h2><ul>{items}</ul>")
    return "".join(parts) + "</section>"


class _PageConverter:
    """Each page as HTML, its links and images made fit for the PDF (see ``_PdfLinks``),
    its tables given their columns; one converter for all, reset between pages."""

    def __init__(self, packaged: RenderedSite, ids: Mapping[str, str]) -> None:
        self.pages = packaged.pages
        self.converter = markdown.Markdown(extensions=EXTENSIONS, extension_configs=_configs())
        self.links = _PdfLinks(self.converter, page="", ids=ids, files=packaged.files)
        self.converter.treeprocessors.register(self.links, "ecopole-pdf-links", 0)  # after ids
        self.converter.treeprocessors.register(_TableColumns(self.converter),
                                               "ecopole-pdf-columns", 0)

    def __call__(self, page: str) -> str:
        self.links.page = page
        return str(self.converter.reset().convert(self.pages[page]))


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


class _TableColumns(Treeprocessor):  # type: ignore[misc]
    """Gives each table a ``<colgroup>`` of column widths and the class ``columns``."""

    def run(self, root: etree.Element) -> None:
        nested = {id(inner) for table in root.iter("table") for inner in table.iter("table")
                  if inner is not table}
        for table in root.iter("table"):
            if not self._sized(table, nested):
                continue  # spanned cells, nested tables: WeasyPrint's automatic layout
            columns = table_columns([[_cell(cell) for cell in row if cell.tag in ("th", "td")]
                                     for row in table.iter("tr")])
            group = etree.Element("colgroup")
            for share in columns.shares:
                etree.SubElement(group, "col", style=f"width: {share:.2%}")
            table.insert(0, group)
            if columns.scale < 1:
                size = f"font-size: {columns.scale * TEXT_POINTS:.1f}pt"
                table.set("style", "; ".join(filter(None, (table.get("style"), size))))
            table.set("class", " ".join(filter(None, (table.get("class"), "columns"))))

    @staticmethod
    def _sized(table: etree.Element, nested: set[int]) -> bool:
        """Whether the kit sizes this table: it has cells, none spanned, and it neither holds
        nor sits in another table."""
        elements = list(table.iter())
        return (id(table) not in nested and any(e.tag in ("td", "th") for e in elements)
                and not any(e.get("colspan") or e.get("rowspan")
                            or (e.tag == "table" and e is not table) for e in elements))


def _cell(cell: etree.Element) -> Cell:
    """A cell's text as runs, bold or not, a ``LINE_BREAK`` per ``<br>``."""
    return list(_runs(cell, bold=cell.tag == "th"))


def _runs(element: etree.Element, *, bold: bool) -> Iterator[Run]:
    yield _spoken(element.text), bold
    for child in element:
        if child.tag == "br":
            yield LINE_BREAK, bold
        else:
            yield from _runs(child, bold=bold or child.tag in ("strong", "b"))
        yield _spoken(child.tail), bold


def _spoken(text: str | None) -> str:
    """Text as laid out: white space is one space; an entity or inline HTML that
    Python-Markdown holds as a placeholder, one character."""
    return _PLACEHOLDER.sub("x", _WHITE_SPACE.sub(" ", text or ""))


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
