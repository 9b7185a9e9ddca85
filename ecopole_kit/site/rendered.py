"""What a rendering produces: Markdown pages, binary files and a typed navigation.

Plain data shared by the page renderer, the site engine and the applicant's PDF; nothing
here knows mkdocs' own nav format (the engine translates it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class NavPage:
    """One page of the navigation; without a title, the site takes the page's own heading."""

    title: str | None
    path: str


@dataclass(frozen=True)
class NavSection:
    """A titled group of pages, in reading order."""

    title: str
    entries: tuple[NavPage, ...]


Nav = tuple[NavSection, ...]


@dataclass(frozen=True)
class RenderedSite:
    """Markdown pages by path, other files by path, and the navigation that orders them."""

    pages: dict[str, str]
    files: dict[str, bytes]
    nav: Nav


def nav_pages(nav: Nav) -> Iterator[NavPage]:
    """Every page of the navigation, in reading order."""
    for section in nav:
        yield from section.entries


def appended(nav: Nav, section_title: str, pages: Iterable[NavPage]) -> Nav:
    """The navigation with ``pages`` added at the end of the section titled so."""
    extra = tuple(pages)
    return tuple(NavSection(s.title, s.entries + extra) if s.title == section_title else s
                 for s in nav)
