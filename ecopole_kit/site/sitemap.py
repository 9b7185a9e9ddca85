"""The pages every territory's site holds besides the fiches: ids, titles and files.

The one source for page ids: the pages module writes them, the navigation lists them, the
``page:`` links of the référentiel resolve to them, and the référentiel ships the Markdown of
those ``FROM_REFERENTIEL`` (``referentiel/pages/<id>.md``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SitePage:
    """A page of the site: its id (``page:<id>`` in the référentiel) and its title."""

    id: str
    title: str

    @property
    def path(self) -> str:
        return f"{self.id}.md"


HOME = SitePage("index", "Accueil")
TERRITORY = SitePage("territoire", "Le territoire")
DIAGNOSTIC = SitePage("diagnostic", "Diagnostic")
ROADMAP = SitePage("feuille-de-route", "Feuille de route")
ECOPOLE = SitePage("ecopole", "Qu'est-ce qu'un Ecopôle ?")
HISTORY = SitePage("histoire", "Histoire")
START = SitePage("creer-un-ecopole", "Créer un Ecopôle")
GLOSSARY = SitePage("glossaire", "Glossaire")
REQUEST = SitePage("demander", "Demander le référentiel")
WHATS_NEW = SitePage("quoi-de-neuf", "Quoi de neuf")  # with the versions a project went through

FROM_REFERENTIEL = (ECOPOLE, HISTORY, START, REQUEST)  # Markdown written by its authors
OFFICIAL = (TERRITORY, DIAGNOSTIC)  # drawn from official data: only with a territory
HOME_SECTION = ("L'Ecopôle", (HOME, TERRITORY, DIAGNOSTIC, ROADMAP, ECOPOLE, HISTORY, START))
RESOURCES_SECTION = ("Ressources", (GLOSSARY, REQUEST, WHATS_NEW))
ALL_PAGES = (HOME, TERRITORY, DIAGNOSTIC, ROADMAP, ECOPOLE, HISTORY, START, GLOSSARY, REQUEST,
             WHATS_NEW)
