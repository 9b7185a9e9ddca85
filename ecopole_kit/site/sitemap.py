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
ECOPOLES = SitePage("trois-ecopoles", "Les trois Ecopôles")
GOVERNANCE = SitePage("gouvernance", "Gouvernance et forme juridique")
INSERTION = SitePage("modele-economique-insertion", "Modèle économique de l'insertion")
FUNDING = SitePage("carte-des-financements", "Carte des financements")
RULES = SitePage("regles-a-connaitre", "Règles à connaître")
CALENDAR = SitePage("calendrier-ouverture", "Calendrier d'ouverture")
GLOSSARY = SitePage("glossaire", "Glossaire")
REQUEST = SitePage("demander", "Demander le référentiel")
WHATS_NEW = SitePage("quoi-de-neuf", "Quoi de neuf")  # with the versions a project went through

PROJECT_PAGES = (GOVERNANCE, INSERTION, FUNDING, RULES, CALENDAR)
# Markdown written by its authors (the funding map's table is drawn from the fiches)
FROM_REFERENTIEL = (ECOPOLE, HISTORY, ECOPOLES, START, *PROJECT_PAGES, REQUEST)
OFFICIAL = (TERRITORY, DIAGNOSTIC)  # drawn from official data: only with a territory
HOME_SECTION = ("L'Ecopôle", (HOME, TERRITORY, DIAGNOSTIC, ROADMAP, ECOPOLE, HISTORY, ECOPOLES,
                              START))
PROJECT_SECTION = ("Monter le projet", PROJECT_PAGES)
RESOURCES_SECTION = ("Ressources", (GLOSSARY, REQUEST, WHATS_NEW))
ALL_PAGES = (HOME, TERRITORY, DIAGNOSTIC, ROADMAP, ECOPOLE, HISTORY, ECOPOLES, START,
             *PROJECT_PAGES, GLOSSARY, REQUEST, WHATS_NEW)
