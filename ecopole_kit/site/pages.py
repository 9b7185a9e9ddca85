"""Render the référentiel for one territory: a pure function of (référentiel, configuration,
place, options). ``RenderOptions`` decide what one rendering holds (the public site or the
applicant's copy); links to pages it does not produce are resolved to their text.

Text written by the référentiel's authors is trusted Markdown; everything that comes from a
person's configuration goes through ``literal`` (the Jinja ``finalize`` hook does it for any
plain string), so it is shown exactly as typed and never acts as markup or template.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import jinja2
from markupsafe import Markup

from ecopole_kit.errors import ReferentielInvalid
from ecopole_kit.foundation.french import (
    collation_key,
    counted,
    format_number,
    french_date,
    joined,
    typeset_markdown,
    with_preposition,
)
from ecopole_kit.foundation.markdown_text import literal, literal_paragraphs, resolve_links, trusted
from ecopole_kit.project.config import FunctionConfigs, TerritoryConfig
from ecopole_kit.referentiel.content import STAGES, Referentiel
from ecopole_kit.referentiel.fiches import PROGRAMMES, Source
from ecopole_kit.site import sitemap
from ecopole_kit.site.charts import Chart, RoadmapBar, roadmap_chart_svg
from ecopole_kit.site.function_views import config_view
from ecopole_kit.site.rendered import Nav, NavPage, NavSection, RenderedSite
from ecopole_kit.site.request_mail import mailto
from ecopole_kit.site.roadmap import Engagement, calendar, engagements, stage_of
from ecopole_kit.site.templating import environment, named, render, trust
from ecopole_kit.site.territory_pages import (
    Place,
    diagnostic_pages,
    kind_label,
    naming,
    territory_map,
    territory_page,
)
from ecopole_kit.site.whats_new import whats_new_markdown

__all__ = ["ExtraPage", "RenderOptions", "RenderedSite", "render_site"]

ECOPOLES = {"audruicq": "Ecopôle de la région d'Audruicq", "gohelle": "Ecopôle de Gohelle",
            "pays-tolosan": "Ecopôle du Pays Tolosan", "reseau-cocagne": "Réseau Cocagne"}
MEANS = (("Moyens humains", "humains"), ("Foncier et locaux", "foncier"),
         ("Équipements", "equipements"), ("Ordres de grandeur budgétaires", "budget"))
ICONS = {"systeme-alimentaire": "sprout", "accessibilite": "basket",
         "emploi": "account-hard-hat", "evaluation": "chart-line"}  # Material's bundled icons
CALENDAR_FILE = "feuille-de-route.ics"
REQUEST_MARKER = "[[formulaire-de-demande]]"
FUNDING_MARKER = "[[tableau-des-financements]]"
ROADMAP_CHART = "assets/feuille-de-route.svg"
RESOURCES_TITLE = sitemap.RESOURCES_SECTION[0]
SITE_COPYRIGHT = ("Données territoriales : INSEE, Code officiel géographique, via Etalab "
                  "(Licence Ouverte). Site produit par ecopole-kit.")
_OPENING = re.compile(r"(?:À|Sur) \{territoire\}")
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]"
                   r"\(((?:fiche|page|fonction):[a-z0-9-]+)(?:#[a-z0-9-]+)?\)")


@dataclass(frozen=True)
class ExtraPage:
    """A page added at the end of the « Ressources » section; its Markdown is the kit's own."""

    title: str
    path: str
    markdown: str


@dataclass(frozen=True)
class RenderOptions:
    """What one rendering shows; the defaults make the public site of a project.

    The applicant's copy has no project context yet (``project_context``: the « Milieu »
    line), needs no way to ask for the référentiel (``request_form``) and gets its licence
    page (``extra_pages``). Without a place (no territory), the pages drawn from official
    data are not produced, the territory is « non précisé » and links to them become text.
    """

    project_context: bool = True
    request_form: bool = True
    extra_pages: tuple[ExtraPage, ...] = ()
    versions: tuple[str, ...] = ()  # the référentiel versions gone through: « Quoi de neuf »
    cards: bool = True  # the site's Markdown has attr_list, md_in_html and pymdownx.emoji
    today: date | None = None  # where open-ended actions stop on the roadmap (None: today)


PUBLIC_SITE = RenderOptions()


def site_title(name: str) -> str:
    """The site's name for a territory (escaped by the engine, never here)."""
    return f"Ecopôle alimentaire — {name}"


def territory_view(config: TerritoryConfig, place: Place | None = None,
                   options: RenderOptions = PUBLIC_SITE) -> dict[str, Any]:
    """What the pages show of the territory, with person-typed text kept as plain strings."""
    territory, contact, context = config.territoire, config.contact, config.contexte
    presentation = context.presentation
    view = {
        "nom": territory.nom, "official": place is not None, **naming(territory, place),
        "milieu": context.milieu if options.project_context else None,
        "particularites": joined(list(context.particularites))
        if options.project_context else None,
        "porteur": config.portage.nom, "partenaires": ", ".join(config.portage.partenaires),
        "contact_nom": contact.nom, "contact_courriel": contact.courriel,
        "atouts": ", ".join(context.atouts),
        "presentation": literal_paragraphs(presentation) if presentation else None,
    }
    if place is not None:
        view.update(kind_label=kind_label(place), codes=", ".join(territory.codes),
                    codes_label="code officiel" if len(territory.codes) < 2
                    else "codes officiels", population=format_number(place.resolved.population))
    return view


def _home(territory: dict[str, Any], functions: list[dict[str, Any]],
          place: Place | None, cards: bool, shown_map: Mapping[str, Any] | None) -> str:
    """The home page: key figures, the four functions as cards with their progress."""
    engaged = sum(len(f["engaged"]) for f in functions)
    total = engaged + sum(len(f["to_explore"]) for f in functions)
    phrase = counted(engaged, "action engagée", "actions engagées")
    figures = None if place is None else {
        "population": counted(place.resolved.population, "habitant", "habitants"),
        "communes": counted(len(place.resolved.communes), "commune", "communes"),
        "engaged": f"{phrase} sur {total}"}
    views = [{**f, "icon": trusted(ICONS[str(f["id"])]),
              "progress": f"{counted(len(f['engaged']), 'action engagée', 'actions engagées')}"
                          f" sur {len(f['engaged']) + len(f['to_explore'])}"}
             for f in functions]
    return render("index.md.j2", territory=territory, functions=views, figures=figures, cards=cards,
                  engaged_count=engaged, engaged_phrase=phrase, territory_map=shown_map)


def render_site(referentiel: Referentiel, config: TerritoryConfig,
                function_configs: FunctionConfigs, place: Place | None,
                options: RenderOptions = PUBLIC_SITE) -> RenderedSite:
    """Every page of a territory's référentiel site, links resolved: a pipeline of stages."""
    territory = territory_view(config, place, options)
    functions = _functions(referentiel, config, function_configs, place)
    pages: dict[str, str] = {}
    files: dict[str, bytes] = {}
    shown_map = None if place is None else territory_map(config.territoire, place, files)
    pages[sitemap.HOME.path] = _home(territory, functions, place, options.cards, shown_map)
    for function in functions:
        _render_function(environment(), referentiel, function, territory, pages)
    _roadmap_pages(referentiel, config, territory, functions, pages, files,
                   options.today or date.today())
    if place is not None:
        _official_pages(config, function_configs, place, pages, files, shown_map)
    _reference_pages(referentiel, config, options, pages)
    if options.versions:
        pages[sitemap.WHATS_NEW.path] = whats_new_markdown(referentiel.changelog.entries,
                                                           options.versions)
    typeset = {path: typeset_markdown(text) for path, text in _resolved(referentiel, pages).items()}
    return RenderedSite(pages=typeset, files=files,
                        nav=_nav(functions, pages, options.extra_pages))


def _functions(referentiel: Referentiel, config: TerritoryConfig,
               function_configs: FunctionConfigs, place: Place | None) -> list[dict[str, Any]]:
    engagement = config.fonctions
    functions = [_function_view(referentiel, f.id, engagement) for f in referentiel.functions]
    names = place.commune_names if place is not None else {}
    for function in functions:
        function_id = str(function["id"])
        function["config"] = config_view(function_id, function_configs.of(function_id),
                                         names)
    return functions


def _official_pages(config: TerritoryConfig, function_configs: FunctionConfigs,
                    place: Place, pages: dict[str, str], files: dict[str, bytes],
                    shown_map: Mapping[str, Any] | None = None) -> None:
    """The pages drawn from official data: the territory and its diagnostic."""
    pages[sitemap.TERRITORY.path] = territory_page(config.territoire, place, shown_map)
    pages[sitemap.DIAGNOSTIC.path], charts = diagnostic_pages(
        config.territoire, place, function_configs.accessibilite, config.contexte)
    files.update(charts)


def _roadmap_pages(referentiel: Referentiel, config: TerritoryConfig,
                   territory: dict[str, Any], functions: list[dict[str, Any]],
                   pages: dict[str, str], files: dict[str, bytes], today: date) -> None:
    items = engagements(config.fonctions)
    of_territory = with_preposition(territory["nom"], territory["article"], "de",
                                    elides=territory["elides"])
    chart = _roadmap_chart(items, referentiel, of_territory, today)
    pages[sitemap.ROADMAP.path] = render(
        "roadmap.md.j2", territory=territory, stages=_roadmap(functions),
        dated=[_dated(i, referentiel) for i in items if i.start], calendar_file=CALENDAR_FILE,
        chart_file=ROADMAP_CHART, chart=chart)
    files[CALENDAR_FILE] = calendar(config.territoire, items, referentiel)
    if chart is not None:
        files[ROADMAP_CHART] = chart.svg.encode("utf-8")


def _reference_pages(referentiel: Referentiel, config: TerritoryConfig,
                     options: RenderOptions, pages: dict[str, str]) -> None:
    pages[sitemap.GLOSSARY.path] = render(
        "glossary.md.j2",
        glossary=[_glossary_entry(e) for e in
                  sorted(referentiel.glossary, key=lambda e: collation_key(e["terme"]))])
    for page in sitemap.FROM_REFERENTIEL:
        pages[page.path] = _written(referentiel, page)
    funding = pages[sitemap.FUNDING.path]
    pages[sitemap.FUNDING.path] = funding.replace(FUNDING_MARKER, _funding_map(referentiel))
    block = _request_block(config) if options.request_form else ""
    pages[sitemap.REQUEST.path] = pages[sitemap.REQUEST.path].replace(REQUEST_MARKER, block)
    pages.update({extra.path: extra.markdown for extra in options.extra_pages})


def _funding_map(referentiel: Referentiel) -> str:
    """The table fiche × programme, drawn from every fiche's « Financements possibles »."""
    rows = [{"fiche": trusted(f.titre), "id": f.id,
             "marks": [any(g.programme == key for g in f.financements) for key in PROGRAMMES]}
            for function in referentiel.functions for f in referentiel.fiches_of(function.id)]
    return render("funding_map.md.j2", rows=rows, programmes=list(PROGRAMMES.values()))


def _glossary_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    source = Source.from_data(entry["source"]) if "source" in entry else None
    return {**trust(entry), "source": _source_text(source) if source else None}


def _written(referentiel: Referentiel, page: sitemap.SitePage) -> str:
    """A page the référentiel's authors wrote (``referentiel/pages/<id>.md``)."""
    if page.id not in referentiel.pages:
        raise ReferentielInvalid(f"referentiel/pages/{page.path} : page absente du référentiel.",
                                 hint="Rétablissez ce fichier : le site le publie.")
    return referentiel.pages[page.id]


def _function_view(referentiel: Referentiel, function_id: str,
                   engagement: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    function = next(f for f in referentiel.functions if f.id == function_id)
    stages = engagement.get(function_id, {})
    fiches = referentiel.fiches_of(function_id)
    engaged = sorted((f for f in fiches if f.id in stages),
                     key=lambda f: STAGES.index(stage_of(stages[f.id])))
    return {
        "id": trusted(function.id), "titre": trusted(function.titre),
        "titre_court": trusted(function.titre_court),
        "resume_md": trusted(f"*{function.resume}*"), "resume": trusted(function.resume),
        "objectifs": trusted(function.objectifs),
        "sources": [_source_text(s) for s in function.sources],
        "engaged": [{"fiche": trust(f.as_dict()), "stage": stage_of(stages[f.id])}
                    for f in engaged],
        "to_explore": [{"fiche": trust(f.as_dict())} for f in fiches if f.id not in stages],
    }


def _render_function(env: jinja2.Environment, referentiel: Referentiel,
                     function: dict[str, Any], territory: dict[str, Any],
                     pages: dict[str, str]) -> None:
    titles = {ident: trusted(f.titre) for ident, f in referentiel.fiches.items()}
    pages[f"{function['id']}/index.md"] = env.get_template("function.md.j2").render(
        function=function, territory=territory, config=function["config"], titles=titles)
    template = env.get_template("fiche.md.j2")
    for item in function["engaged"] + function["to_explore"]:
        fiche = dict(item["fiche"])
        model = referentiel.fiches[str(fiche["id"])]
        fiche["au_territoire"] = _tailored(model.au_territoire, territory)
        fiche["exemples"] = [{**view, "source_text": _source_text(example.source)}
                             for view, example in zip(fiche["exemples"], model.exemples,
                                                     strict=True)]
        fiche["source_texts"] = [_source_text(s) for s in model.sources]
        stage = item.get("stage")
        pages[f"{function['id']}/{fiche['id']}.md"] = template.render(
            fiche=fiche, stage=stage, stage_key=stage, territory=territory, means=MEANS,
            stage_order=tuple(reversed(STAGES)), ecopoles=ECOPOLES, titles=titles,
            programmes=PROGRAMMES)


def _tailored(text: str | None, territory: Mapping[str, Any]) -> Markup | None:
    if not text:
        return None
    # « À {territoire}, » and « Sur {territoire}, » open a sentence: « Au Pays Tolosan, »
    opening = str(named(territory, "à", capital=True))
    filled = _OPENING.sub(lambda _: opening, str(text))
    filled = filled.replace("{territoire}", str(literal(territory["nom"])))
    return trusted(filled.replace("{porteur}", str(literal(territory["porteur"]))))


def _source_text(source: Source) -> Markup:
    title = source.titre.replace("[", "\\[").replace("]", "\\]")
    return trusted(f"[{title}]({source.url})" if source.url else title)


def _roadmap(functions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"stage": stage,
             "actions": [{"fiche": item["fiche"], "function": f["titre_court"]}
                       for f in functions for item in f["engaged"] if item["stage"] == stage]}
            for stage in STAGES]


def _roadmap_chart(items: list[Engagement], referentiel: Referentiel, name: str,
                   today: date) -> Chart | None:
    bars = [RoadmapBar(referentiel.fiches[i.fiche_id].titre, i.stage, i.start, i.end)
            for i in items if i.start]
    return roadmap_chart_svg(bars, name, today) if bars else None


def _request_block(config: TerritoryConfig) -> str:
    """How to send a request: a prefilled e-mail, and the online form when there is one."""
    email = config.demandes.courriel or config.contact.courriel
    form = config.demandes.formulaire
    return render("request.md.j2", email=email, mailto=Markup(mailto(email)),
                  form_url=Markup(html.escape(form)) if form else None)


def _dated(item: Engagement, referentiel: Referentiel) -> dict[str, Any]:
    return {"fiche": trust(referentiel.fiches[item.fiche_id].as_dict()), "stage": item.stage,
            "start": french_date(item.start), "end": french_date(item.end) if item.end else "—",
            "lead": item.lead or "—"}


def _resolved(referentiel: Referentiel, pages: Mapping[str, str]) -> dict[str, str]:
    """Links resolved; a link to a page the référentiel knows but this site does not hold
    (the diagnostic without a territory) becomes its text."""
    known = _targets(referentiel)
    targets = {key: path for key, path in known.items() if path in pages}
    absent = known.keys() - targets.keys()

    def unlinked(text: str) -> str:
        return _LINK.sub(lambda m: m.group(1) if m.group(2) in absent else m.group(0), text)

    return {path: resolve_links(unlinked(text), path, targets, f"page {path}")
            for path, text in pages.items()}


def _targets(referentiel: Referentiel) -> dict[str, str]:
    targets = {f"fiche:{ident}": f"{fiche.fonction}/{ident}.md"
               for ident, fiche in referentiel.fiches.items()}
    targets.update({f"fonction:{f.id}": f"{f.id}/index.md" for f in referentiel.functions})
    targets.update({f"page:{page.id}": page.path for page in sitemap.ALL_PAGES})
    return targets


def _nav(functions: list[dict[str, Any]], pages: Mapping[str, str],
         extra: tuple[ExtraPage, ...]) -> Nav:
    home_title, home_pages = sitemap.HOME_SECTION
    home = tuple(NavPage(page.title, page.path) for page in home_pages if page.path in pages)
    project_title, project_pages = sitemap.PROJECT_SECTION
    project = tuple(NavPage(page.title, page.path) for page in project_pages)
    resources = (*(NavPage(page.title, page.path) for page in sitemap.RESOURCES_SECTION[1]
                   if page.path in pages),
                 *(NavPage(page.title, page.path) for page in extra))
    return (NavSection(home_title, home), NavSection(project_title, project),
            *(NavSection(str(f["titre_court"]), _function_nav(f)) for f in functions),
            NavSection(RESOURCES_TITLE, resources))


def _function_nav(function: Mapping[str, Any]) -> tuple[NavPage, ...]:
    fiches = (item["fiche"] for item in function["engaged"] + function["to_explore"])
    return (NavPage("Présentation", f"{function['id']}/index.md"),
            *(NavPage(str(f["titre"]), f"{function['id']}/{f['id']}.md") for f in fiches))
