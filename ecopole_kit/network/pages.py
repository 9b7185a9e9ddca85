"""The dashboard's pages, a pure rendering: the sites (map and table), the actions of the
référentiel site by site with their stages, and the indicators added up.

Everything a person typed (the network's name, a site's name, its lead organisation, an
indicator) reaches the pages inside HTML blocks, escaped; nothing of it is Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from ecopole_kit.foundation.french import counted, format_number, french_datetime, typeset
from ecopole_kit.network.france_map import FrameBase, MapSite, france_map_svg, placed
from ecopole_kit.network.indicators import (
    IndicatorTotal,
    chart_svg,
    indicator_totals,
    is_share,
    value_text,
)
from ecopole_kit.network.summary import SiteSummary
from ecopole_kit.referentiel.content import STAGES, Referentiel
from ecopole_kit.site.rendered import NavPage, NavSection, RenderedSite
from ecopole_kit.territory.outlines import Outlines

CHART_FILE = "assets/indicateurs.svg"
BEHIND = "à mettre à jour"
NOT_ENGAGED = "non engagée"


@dataclass(frozen=True)
class SiteRow:
    """One site of reseau.yaml as the dashboard shows it: ``summary`` None when it has none
    yet (``problem`` says why)."""

    number: int
    label: str
    href: str | None
    summary: SiteSummary | None
    problem: str | None = None


@dataclass(frozen=True)
class Release:
    """The versions this kit ships: a site below them is « à mettre à jour »."""

    kit: str
    referentiel: str

    def behind(self, summary: SiteSummary) -> bool:
        return (_version(summary.version_referentiel) < _version(self.referentiel)
                or _version(summary.version_kit) < _version(self.kit))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text.split("+")[0])[:4])


def render_dashboard(name: str, rows: Sequence[SiteRow], referentiel: Referentiel,
                     outlines: Outlines, release: Release,
                     bases: Mapping[str, FrameBase] | None = None) -> RenderedSite:
    """The dashboard's pages, files and navigation."""
    summaries = [row.summary for row in rows if row.summary]
    totals = indicator_totals(summaries)
    files = {CHART_FILE: chart_svg(totals, _chart_label(totals)).encode("utf-8")} if totals else {}
    pages = {"index.md": _home(name, rows, outlines, release, bases),
             "actions.md": _actions(rows, referentiel),
             "indicateurs.md": _indicators(totals)}
    nav = (NavSection("Tableau de bord", (NavPage("Les sites", "index.md"),
                                          NavPage("Les actions", "actions.md"),
                                          NavPage("Les indicateurs", "indicateurs.md"))),)
    return RenderedSite(pages, files, nav)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _home(name: str, rows: Sequence[SiteRow], outlines: Outlines, release: Release,
          bases: Mapping[str, FrameBase] | None) -> str:
    behind = sum(1 for r in rows if r.summary and release.behind(r.summary))
    late = (f"dont {counted(behind, 'site', 'sites')} {BEHIND}" if behind
            else "aucun à mettre à jour")
    intro = (f"{counted(len(rows), 'site', 'sites')} dans le réseau, {late} (version livrée : "
             f"référentiel {release.referentiel}, kit {release.kit}).")
    return "\n".join([f'# Tableau de bord\n\n<p class="reseau-nom">{_e(name)}</p>\n',
                      typeset(intro), "", "## La carte", "", _map(rows, outlines, bases), "",
                      "## Les sites", "", _sites_table(rows, release), ""])


def _map(rows: Sequence[SiteRow], outlines: Outlines,
         bases: Mapping[str, FrameBase] | None) -> str:
    sites = [MapSite(r.number, r.summary.nom, r.href or "#", r.summary.communes)
             for r in rows if r.summary]
    label = "Carte de France du réseau, outre-mer en médaillons : " + "; ".join(
        f"{s.number}. {s.name}" for s in sites) + "." if sites else "Carte de France du réseau."
    missing = [s.name for s in sites if not placed(outlines, s.communes)]
    caption = ("Chaque numéro marque un Ecopôle sur son territoire (en vert) et mène à son "
               "site.") + (f" Sans contour, donc absents de la carte : {', '.join(missing)}."
                           if missing else "") + f" Contours : {outlines.attribution}."
    svg = france_map_svg(outlines, sites, label, bases)
    return (f'<figure class="carte-reseau">\n{svg}<figcaption>{_e(typeset(caption))}'
            "</figcaption>\n</figure>")


SITE_HEADERS = ("N°", "Territoire", "Population", "Structure porteuse", "Version du kit",
                "Version du référentiel", "État", "Dernière construction", "Site")


def _sites_table(rows: Sequence[SiteRow], release: Release) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in SITE_HEADERS)
    body = "\n".join(_site_row(row, release) for row in rows)
    return (f'<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n'
            "</tbody>\n</table>")


def _site_row(row: SiteRow, release: Release) -> str:
    link = f'<a href="{_e(row.href)}">{_e(row.label)}</a>' if row.href else _e(row.label)
    summary = row.summary
    if summary is None:
        empty = [(str(row.number), ""), (_e(row.label), ""), *[("", "")] * 4,
                 (_e(row.problem or ""), ""), ("", ""), (link, "")]
        return "<tr>" + "".join(_cell(text, key) for text, key in empty) + "</tr>"
    state = BEHIND if release.behind(summary) else "à jour"
    population = summary.population
    cells: list[tuple[str, object]] = [(str(row.number), ""), (_e(summary.nom), ""),
             (format_number(population) if population is not None else "—", population or 0),
             (_e(summary.portage), ""), (_e(summary.version_kit), ""),
             (_e(summary.version_referentiel), ""),
             (f'<span class="etat etat-{"retard" if state == BEHIND else "ok"}">{state}</span>',
              ""), _built(summary.construit_le), (link, "")]
    return "<tr>" + "".join(_cell(text, key) for text, key in cells) + "</tr>"


def _cell(text: str, sort_key: object) -> str:
    attribute = f' data-sort="{_e(str(sort_key))}"' if sort_key != "" else ""
    return f"<td{attribute}>{text}</td>"


def _built(moment: str) -> tuple[str, str]:
    try:
        return _e(french_datetime(datetime.fromisoformat(moment))), moment
    except ValueError:
        return _e(moment), moment


def _stage_class(stage: str) -> str:
    return "stade-" + re.sub(r"[^a-z]+", "-", stage.replace("é", "e")).strip("-")


def _actions(rows: Sequence[SiteRow], referentiel: Referentiel) -> str:
    known = [r for r in rows if r.summary]
    return "\n".join([
        "# Les actions", "",
        typeset("Le stade de chaque action du référentiel, site par site (« — » : action non "
                "engagée). Cliquez sur un en-tête pour trier le tableau."), "",
        _matrix(known, referentiel), "", "## Totaux par action et par stade", "",
        _stage_totals(known, referentiel), ""])


def _matrix(rows: Sequence[SiteRow], referentiel: Referentiel) -> str:
    head = "<th>Fonction</th><th>Action</th>" + "".join(
        f'<th><abbr title="{_e(r.summary.nom)}">{r.number}. {_e(r.summary.nom)}</abbr></th>'
        for r in rows if r.summary) + "<th>Sites engagés</th>"
    lines = []
    for function in referentiel.functions:
        for fiche in referentiel.fiches_of(function.id):
            stages = [r.summary.stage_of(fiche.id) for r in rows if r.summary]
            cells = "".join(_stage_cell(s) for s in stages)
            engaged = sum(1 for s in stages if s)
            lines.append(f"<tr><td>{_e(function.titre_court)}</td><td>{_e(fiche.titre)}</td>"
                         f'{cells}<td data-sort="{engaged}">{engaged}</td></tr>')
    return (f'<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(lines) + "\n</tbody>\n</table>")


def _stage_cell(stage: str | None) -> str:
    if stage is None:
        return (f'<td class="stade-aucun" data-sort="{len(STAGES)}"><span aria-hidden="true">—'
                f'</span><span class="reseau-lu">{NOT_ENGAGED}</span></td>')
    return (f'<td class="stade {_stage_class(stage)}" data-sort="{STAGES.index(stage)}">'
            f"{_e(stage)}</td>")


def _stage_totals(rows: Sequence[SiteRow], referentiel: Referentiel) -> str:
    head = "<th>Action</th>" + "".join(f"<th>{_e(s)}</th>" for s in STAGES) + "<th>Total</th>"
    sums = [0] * len(STAGES)
    lines = []
    for fiche in (f for fn in referentiel.functions for f in referentiel.fiches_of(fn.id)):
        counts = [sum(1 for r in rows if r.summary and r.summary.stage_of(fiche.id) == s)
                  for s in STAGES]
        sums = [a + b for a, b in zip(sums, counts, strict=True)]
        lines.append(f"<tr><td>{_e(fiche.titre)}</td>" + "".join(
            f"<td>{c}</td>" for c in counts) + f"<td>{sum(counts)}</td></tr>")
    foot = "<tr><th>Total</th>" + "".join(f"<td>{c}</td>" for c in sums) + \
        f"<td>{sum(sums)}</td></tr>"
    return (f'<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(lines) + f"\n</tbody>\n<tfoot>{foot}</tfoot>\n</table>")


def _chart_label(totals: Sequence[IndicatorTotal]) -> str:
    return f"Indicateurs du réseau : {counted(len(totals), 'indicateur', 'indicateurs')}."


def _indicators(totals: Sequence[IndicatorTotal]) -> str:
    if not totals:
        return ("# Les indicateurs\n\n" + typeset("Aucun site ne déclare encore d'indicateur "
                "(fonctions/evaluation.yaml, rubrique « indicateurs »).") + "\n")
    rows = "\n".join(_indicator_row(t) for t in totals)
    intro = typeset("Les indicateurs que les sites déclarent, additionnés quand ils portent le "
                    "même nom et la même unité ; pour un pourcentage, la moyenne des sites.")
    return "\n".join([
        "# Les indicateurs", "", intro, "",
        f'<figure class="indicateurs"><img src="{CHART_FILE}" alt="{_e(_chart_label(totals))}'
        ' Les valeurs sont dans le tableau ci-dessous."></figure>', "",
        "<table>\n<thead><tr><th>Indicateur</th><th>Unité</th><th>Sites</th>"
        "<th>Valeur de référence</th><th>Cible</th></tr></thead>\n<tbody>", rows,
        "</tbody>\n</table>", ""])


def _indicator_row(total: IndicatorTotal) -> str:
    how = " (moyenne)" if is_share(total.unite) else ""
    return (f"<tr><td>{_e(total.nom)}</td><td>{_e(total.unite)}</td><td>{total.sites}</td>"
            f"<td>{_e(value_text(total.reference, total.unite))}{how}</td>"
            f"<td>{_e(value_text(total.cible, total.unite))}{how}</td></tr>")
