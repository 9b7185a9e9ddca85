"""Package the référentiel for an applicant: a PDF and a zip of its static site.

``build_package`` renders the référentiel for the applicant (``applicant_copy``: no project
context, no request form, a licence page), builds its static site with the site engine in a
temporary folder and prints the same pages, in navigation order, to an A4 PDF with a cover,
a table of contents, the terms of use and the credits. Without a territory, the pages drawn
from official data (territory, diagnostic) are not produced for either. WeasyPrint is
imported lazily and fetches nothing: its URL fetcher serves the site's SVG charts from
memory and refuses the rest. The temporary folder holds the applicant's name and e-mail:
one a crash left behind (``ecopole-paquet-<pid>-…``) is removed by the next package and by
``requests purge`` (:func:`remove_stale_work`).
"""

from __future__ import annotations

import html
import io
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Any

from slugify import slugify

from ecopole_kit import __version__
from ecopole_kit.errors import (
    FileSystemError,
    InvalidRequest,
    PackageError,
    PdfEngineMissing,
    TerritoryNotFound,
    os_reason,
)
from ecopole_kit.foundation.documents import read_text, write_bytes_atomic
from ecopole_kit.foundation.folders import remove_stale, tagged
from ecopole_kit.foundation.french import fold, french_date, with_preposition
from ecopole_kit.foundation.parallel import alongside
from ecopole_kit.foundation.resources import shipped, template_file
from ecopole_kit.foundation.validation import check_value
from ecopole_kit.project.config import FunctionConfigs, TerritoryConfig
from ecopole_kit.project.files import Knowledge
from ecopole_kit.project.layout import MKDOCS_FILE
from ecopole_kit.referentiel.fiches import Source
from ecopole_kit.requests.pdf import Progress, render_pdf
from ecopole_kit.site import engine
from ecopole_kit.site.pages import (
    SITE_COPYRIGHT,
    ExtraPage,
    RenderedSite,
    RenderOptions,
    render_site,
    site_title,
)
from ecopole_kit.site.territory_pages import naming, outlines_credit, place_of
from ecopole_kit.territory.geography import Geography
from ecopole_kit.territory.kinds import TERRITORY_KINDS
from ecopole_kit.territory.outlines import load_outlines

UNSPECIFIED_NAME = "votre territoire"
LICENCE_PAGE = "licence-et-credits.md"
LICENCE_TITLE = "Licence et crédits"
WORK_PREFIX = "ecopole-paquet-"  # in the system's temporary folder
NAME_MAX = 120
FIELD_LABELS = {"contact.nom": "nom", "contact.courriel": "courriel",
                "portage.nom": "organisation", "territoire.nom": "nom du territoire",
                "territoire.codes": "codes du territoire"}
_CODES_HINT = ("Vérifiez le territoire de la demande (« ecopole-kit requests review N ») "
               "et relancez.")


@dataclass(frozen=True)
class Applicant:
    """Who asked for the référentiel, as accepted by staff (``territoire``: type and codes)."""

    nom: str
    organisation: str
    territoire: Mapping[str, Any] | None
    courriel: str
    territoire_texte: str | None = None  # the applicant's own words, when no codes are tied


@dataclass(frozen=True)
class Package:
    """What the applicant receives; ``files`` lists the zip's entries, in archive order."""

    pdf: Path
    site_zip: Path
    files: tuple[str, ...]


def applicant_config(applicant: Applicant, geography: Geography) -> dict[str, Any]:
    """The applicant's configuration: who they are and, if given, the official territory.

    Nothing is invented: without a territory there are no codes, and the project's context
    (its « milieu ») is unknown, so the applicant's copy shows neither.
    """
    organisation = " ".join(applicant.organisation.split()) or " ".join(applicant.nom.split())
    config = {
        "territoire": _territory(applicant.territoire, organisation, geography),
        "portage": {"nom": organisation},
        "contact": {"nom": " ".join(applicant.nom.split()), "courriel": applicant.courriel.strip()},
        "contexte": {},
        "fonctions": {},
    }
    _refuse_invalid(config)
    return config


def _refuse_invalid(config: Mapping[str, Any]) -> None:
    """Each field checked against the project schema; only their names are reported."""
    invalid = [".".join(pointer) for pointer in _checked_fields(config)
               if check_value("territoire", pointer, config[pointer[0]][pointer[1]])]
    if invalid:
        fields = ", ".join(dict.fromkeys(FIELD_LABELS.get(path, path) for path in invalid))
        raise InvalidRequest(f"Demande incomplète ou invalide ({fields}) : paquet non produit.",
                           hint="Corrigez ces champs de la demande puis relancez.")


def _checked_fields(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    fields = [("contact", "nom"), ("contact", "courriel"), ("portage", "nom"),
              ("territoire", "nom")]
    return fields + ([("territoire", "codes")] if _has_territory(config) else [])


def _has_territory(config: Mapping[str, Any]) -> bool:
    return "codes" in config["territoire"]


def applicant_copy(config: Mapping[str, Any], knowledge: Knowledge) -> RenderedSite:
    """The référentiel as the applicant gets it: no project context, no request form (they
    already have the référentiel), the licence page; without a territory, no page drawn
    from official data."""
    typed = TerritoryConfig.from_data(config)
    place = place_of(knowledge.geography, typed.territoire)
    licence = _licence_page(knowledge.referentiel.sources(),
                            place.attribution if place else None)
    return render_site(knowledge.referentiel, typed, FunctionConfigs.from_data({}), place,
                       _options(licence))


def _options(licence_markdown: str) -> RenderOptions:
    licence = ExtraPage(LICENCE_TITLE, LICENCE_PAGE, licence_markdown)
    return RenderOptions(project_context=False, request_form=False, extra_pages=(licence,))


def build_package(applicant: Applicant, out_dir: Path, *, knowledge: Knowledge,
                  today: date | None = None, on_step: Progress | None = None) -> Package:
    """Write ``referentiel-<slug>.pdf`` and ``site-<slug>.zip`` into ``out_dir``; each step
    is told to ``on_step``."""
    step = on_step or _quiet
    _weasyprint()  # missing: said before the long part (and loaded before the fork)
    config, day = applicant_config(applicant, knowledge.geography), today or date.today()
    _check_output(out_dir)
    step("rendu des pages du référentiel")
    packaged = applicant_copy(config, knowledge)
    spoken = spoken_territory(config, knowledge.geography, applicant.territoire_texte)
    # WeasyPrint renders the PDF in a forked process while the site is built here.
    with alongside(_pdf, packaged, *_cover(config, spoken, day), told=step) as pdf:
        step("construction du site")
        archive, names = _static_site(config, packaged, day)
        document = pdf.result()
    slug = config["territoire"]["slug"]
    return Package(pdf=_publish(out_dir / f"referentiel-{slug}.pdf", document),
                   site_zip=_publish(out_dir / f"site-{slug}.zip", archive), files=names)


def _quiet(_text: str) -> None:
    pass


def _pdf(packaged: RenderedSite, title: str, cover: str, *, on_step: Progress) -> bytes:
    return render_pdf(_weasyprint(), packaged, title, cover, on_step=on_step)


def _check_output(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=out_dir).close()  # fail before the long part
    except OSError as error:
        raise _output_error(error) from None


def _static_site(config: Mapping[str, Any], packaged: RenderedSite,
                 day: date) -> tuple[bytes, tuple[str, ...]]:
    """Build the applicant's static site in a temporary folder; return it zipped."""
    sources = engine.SiteSources(rendered=packaged, copyright=SITE_COPYRIGHT,
                                 site_name=site_title(config["territoire"]["nom"]))
    remove_stale_work()
    try:
        with tempfile.TemporaryDirectory(prefix=tagged(WORK_PREFIX)) as work:
            return _zip(engine.build(sources, _paths(Path(work))), day)
    except OSError as error:
        raise FileSystemError(error=error, action="construction du site") from None


def remove_stale_work() -> list[Path]:
    """Remove the work folders of packages a crash interrupted (they hold personal data)."""
    return remove_stale(Path(tempfile.gettempdir()), WORK_PREFIX)


def _paths(work: Path) -> engine.SitePaths:
    """A throw-away work folder; the theme is the project template's (the applicant's site
    looks like a project's)."""
    return engine.SitePaths(work_dir=work / "build", site_dir=work / "site",
                            inherit=template_file(MKDOCS_FILE))


def _licence_page(sources: Sequence[Source], attribution: str | None) -> str:
    """Terms of use (``referentiel/licence.md``) and credits, as one Markdown page: the
    sources the référentiel cites; the territorial data, credited to ``attribution`` when
    the copy holds any."""
    terms = read_text(shipped("referentiel") / "licence.md", "referentiel/licence.md")
    parts = [f"# {LICENCE_TITLE}", terms.strip(), "## Crédits", "### Sources du référentiel",
             "\n".join(_credit(source) for source in sorted(sources, key=lambda s: fold(s.titre))),
             "Chaque page et chaque fiche citent les sources de leurs chiffres."]
    if attribution:
        parts += ["### Données territoriales",
                  f"- {attribution} : noms, codes et populations des communes "
                  "et des intercommunalités, sous Licence Ouverte d'Etalab.",
                  f"- {outlines_credit(load_outlines())} : contours des communes."]
    parts += ["### Outils", "\n".join((
        f"- ecopole-kit {__version__}, qui a produit ce référentiel.",
        f"- MkDocs et Material for MkDocs {version('mkdocs-material')} (licence MIT), pour "
        "le site ; Python-Markdown pour la mise en forme des pages.",
        f"- WeasyPrint {version('weasyprint')} (licence BSD), pour le PDF."))]
    return "\n\n".join(parts) + "\n"


def _credit(source: Source) -> str:
    title = source.titre.replace("[", "\\[").replace("]", "\\]")
    return f"- [{title}]({source.url})" if source.url else f"- {title}"


def _territory(request: Mapping[str, Any] | None, organisation: str,
               geography: Geography) -> dict[str, Any]:
    if not request:
        return {"nom": UNSPECIFIED_NAME, "slug": _slug(organisation)}
    kind, codes = request.get("type"), request.get("codes")
    if kind not in TERRITORY_KINDS or not isinstance(codes, list) or not all(
            isinstance(code, str) for code in codes):
        raise InvalidRequest("Territoire de la demande invalide : type (commune, epci, plusieurs-"
                           "epci, departement) et liste de codes attendus.", hint=_CODES_HINT)
    resolved = geography.resolve(kind, codes)
    if resolved.unknown or not resolved.codes:
        raise TerritoryNotFound("Territoire de la demande introuvable : code officiel inconnu.",
                           hint=_CODES_HINT)
    name = resolved.nom if len(resolved.nom) <= NAME_MAX else \
        f"{resolved.nom[:NAME_MAX - 2].rsplit(' ', 1)[0]} …"  # several EPCI: cut at a word
    return {"nom": name, "slug": _slug(name), "type": kind, "codes": list(resolved.codes)}


def _slug(text: str) -> str:
    return str(slugify(text, max_length=60, word_boundary=True)) or "ecopole"


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import, unused-ignore]
    except (ImportError, OSError):
        raise PdfEngineMissing("Impossible de produire le PDF : WeasyPrint ou Pango est absent.",
                           hint="Installez ecopole-kit[demandes] et, sous Debian ou Ubuntu : "
                                "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
                                "libharfbuzz-subset0") from None
    return weasyprint


def _output_error(error: OSError) -> PackageError:
    return PackageError(f"Écriture du paquet impossible : {os_reason(error)}.",
                        hint="Choisissez un dossier de sortie où vous avez le droit d'écrire.")


def _publish(path: Path, data: bytes) -> Path:
    try:
        write_bytes_atomic(path, data)
    except OSError as error:
        raise _output_error(error) from None
    return path


def _zip(folder: Path, day: date) -> tuple[bytes, tuple[str, ...]]:
    buffer = io.BytesIO()
    names: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(),
                                   date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
            names.append(info.filename)
    return buffer.getvalue(), tuple(names)


def spoken_territory(config: Mapping[str, Any], geography: Geography,
                     text: str | None) -> str:
    """The territory as a French reader says it: its official name with the article the
    official data give it (« la Gironde », « Les Abymes »); without codes, the applicant's
    own words, else « non précisé »."""
    if not _has_territory(config):
        return " ".join(text.split()) if text and text.strip() else "non précisé"
    territory = TerritoryConfig.from_data(config).territoire
    said = naming(territory, place_of(geography, territory))
    return with_preposition(territory.nom, said["article"], elides=said["elides"])


def _cover(config: Mapping[str, Any], territory: str, day: date) -> tuple[str, str]:
    """The PDF's title and cover page; person-typed text is escaped."""
    title = f"Référentiel Ecopôle alimentaire — territoire : {territory}"
    return html.escape(title), (
        '<section class="cover"><p class="network">Réseau des Ecopôles alimentaires</p>'
        "<h1>Référentiel Ecopôle alimentaire</h1>"
        f'<p class="territory">Territoire : {html.escape(territory)}</p>'
        '<p class="label">Préparé pour</p>'
        f'<p class="applicant">{html.escape(config["contact"]["nom"])}</p>'
        f'<p class="organisation">{html.escape(config["portage"]["nom"])}</p>'
        f'<p class="stamp">Le {french_date(day)}<br>'
        f"ecopole-kit {html.escape(__version__)}</p></section>")
