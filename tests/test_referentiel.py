"""The référentiel's content: valid files, resolvable links, and coverage of the presentation."""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ecopole_kit.errors import EcopoleError, InvalidDocuments
from ecopole_kit.foundation.documents import load_yaml
from ecopole_kit.foundation.resources import shipped
from ecopole_kit.foundation.validation import validate_document
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.site.pages import render_site
from tests.conftest import example, function_configs, place_for, typed

REFERENTIEL = shipped("referentiel")
FICHES = sorted(REFERENTIEL.glob("fiches/*/*.yaml"))

# Each element of the Ecopôle presentation, the page or fiche that covers it, and words
# that must be found there.
COVERAGE = {
    "F1 mises en culture concertées": ("fiche:mises-en-culture-concertees", ["plan"]),
    "F1 service de livraison mutualisé": ("fiche:livraison-mutualisee", ["tournée"]),
    "F1 stockage partagé": ("fiche:stockage-partage", ["stockage"]),
    "F1 transformation partagée": ("fiche:transformation-partagee", ["transformation"]),
    "F1 présentations à la vente innovantes": ("fiche:vente-innovante", ["vente"]),
    "F1 contrats avec particuliers, collectivités, commerces": (
        "fiche:contrats-usagers", ["cantine", "commerce"]),
    "F2 paniers solidaires": ("fiche:paniers-solidaires", ["30 %"]),
    "F2 transmission des savoir-faire": ("fiche:transmission-savoir-faire", ["cuisine"]),
    "F2 micro-fermes servicielles": ("fiche:micro-fermes-servicielles", ["Loos-en-Gohelle"]),
    "F2 places à vivres": ("fiche:places-a-vivres", ["Ménadel"]),
    "F2 monnaie de contribution (MANNE), distincte d'une MLC": (
        "fiche:monnaie-locale", ["MANNE", "L311-5", "contribution", "ACPR"]),
    "F3 parcours d'insertion et découverte des métiers": (
        "fiche:parcours-insertion", ["CDDI", "logistique", "transformation", "animation"]),
    "F3 accompagnement des projets professionnels": ("fiche:projets-professionnels",
                                                     ["projet professionnel"]),
    "F3 coopérative d'activité et d'emploi": ("fiche:cooperative-activite-emploi",
                                              ["CAPE", "s'installer"]),
    "F3 installation agricole": ("fiche:cooperative-activite-emploi", [
        "espaces-test", "BPREA", "DJA", "France Services Agriculture", "Terre de Liens",
        "SAFER"]),
    "F3 ouverture : ateliers, visites, stages": (
        "fiche:ouverture-territoire", ["centres sociaux", "enseignement agricole", "stage"]),
    "F4 évaluation de l'utilité sociale": ("fiche:evaluation-utilite-sociale", ["Avise"]),
    "F4 économie de la fonctionnalité et de la coopération": (
        "fiche:economie-fonctionnalite-cooperation", ["ATEMIS"]),
    "F4 enrichissement conceptuel": ("fiche:enrichissement-conceptuel", ["capitalis"]),
    "F4 essaimage": ("fiche:essaimage", ["20 Ecopôles", "référentiel"]),
    "Qu'est-ce qu'un Ecopôle (PTCE, systémique, crise sanitaire, climat)": (
        "page:ecopole", ["PTCE", "santé", "crise sanitaire", "climat"]),
    "Histoire 2011-2020": ("page:histoire", ["2011", "2015", "2018", "2019", "2020"]),
    "Chemin pour créer un Ecopôle": (
        "page:creer-un-ecopole", ["diagnostic", "gouvernance", "évaluation", "fiche:"]),
    "Glossaire": ("page:glossaire", ["PTCE", "AB", "ACI", "CDDI", "IAE", "CAE", "EFC", "PAT",
                                     "SAT", "MANNE", "PNA"]),
    "Demander le référentiel": ("page:demander", ["motivation"]),
    "Gouvernance et forme juridique": ("page:gouvernance", [
        "n'est pas une forme juridique", "association", "SCIC", "50 %", "CUMA", "GIE",
        "groupement d'employeurs", "ESUS"]),
    "Modèle économique de l'insertion": ("page:modele-economique-insertion", [
        "aide au poste", "temps plein", "30 %", "50 %", "logistique", "PASS IAE", "CDDI"]),
    "Carte des financements": ("page:carte-des-financements", [
        "[[tableau-des-financements]]", "PAT", "PNA", "Mieux manger pour tous", "LEADER",
        "FSE+", "Fonds Avenir Bio", "DLA", "France Active", "Fondation", "CAF"]),
    "Règles à connaître": ("page:regles-a-connaitre", [
        "EGalim", "« Local » n'est pas un critère", "L2113-13", "40 000", "60 000", "2026",
        "niveau 1"]),
    "Calendrier d'ouverture": ("page:calendrier-ouverture", [
        "Faisabilité", "Première saison", "Décisions", "Documents", "mois"]),
    "Les trois Ecopôles": ("page:trois-ecopoles", [
        "Audruicq", "Gohelle", "Pays Tolosan", "Les Anges Gardins", "Val'Aïgo"]),
}


def _text_of(target: str) -> str:
    """The file's text, no-break spaces read as spaces."""
    return _raw_text_of(target).replace("\u00a0", " ").replace("\u202f", " ")


def _raw_text_of(target: str) -> str:
    kind, ident = target.split(":")
    if kind == "fiche":
        return next(p for p in FICHES if p.stem == ident).read_text("utf-8")
    if ident == "glossaire":
        return (REFERENTIEL / "glossaire.yaml").read_text("utf-8")
    return (REFERENTIEL / "pages" / f"{ident}.md").read_text("utf-8")


@pytest.mark.parametrize("element", sorted(COVERAGE))
def test_each_element_of_the_presentation_is_covered(element: str) -> None:
    target, words = COVERAGE[element]
    text = _text_of(target)
    for word in words:
        assert word.casefold() in text.casefold(), f"{element}: « {word} » absent de {target}"


@pytest.mark.parametrize("path", FICHES, ids=lambda p: p.stem)
def test_every_fiche_validates(path: Path) -> None:
    document = load_yaml(path)
    assert validate_document(document, "fiche") == []
    assert document.data["id"] == path.stem
    assert "{" not in yaml.safe_dump(
        {k: v for k, v in document.data.items() if k != "au_territoire"})


def test_whole_referentiel_loads_with_four_functions() -> None:
    referentiel = load_referentiel()
    assert [f.numero for f in referentiel.functions] == [1, 2, 3, 4]
    assert len(referentiel.fiches) == len(FICHES) == 19
    assert len(referentiel.glossary) >= 20


def test_every_fiche_cites_the_presentation_or_a_fact_source() -> None:
    for fiche in load_referentiel().fiches.values():
        assert fiche.sources, fiche.id
        for example_entry in fiche.exemples:
            assert example_entry.source.titre, fiche.id


def _copy_referentiel(tmp_path: Path) -> Path:
    copy = tmp_path / "referentiel"
    shutil.copytree(REFERENTIEL, copy)
    load_referentiel.cache_clear()
    return copy


@pytest.mark.slow
def test_a_link_to_a_missing_fiche_fails(tmp_path: Path) -> None:
    copy = _copy_referentiel(tmp_path)
    page = copy / "pages" / "ecopole.md"
    page.write_text(page.read_text("utf-8") + "\nVoir [ailleurs](fiche:n-existe-pas).\n", "utf-8")
    with pytest.raises(EcopoleError, match="lien vers fiche inconnue « n-existe-pas »"):
        config = example("gohelle")
        render_site(load_referentiel(copy), typed(config), function_configs(), place_for(config))


@pytest.mark.slow
def test_an_invalid_fiche_is_reported_with_its_file(tmp_path: Path) -> None:
    copy = _copy_referentiel(tmp_path)
    fiche = copy / "fiches" / "emploi" / "essaimage-faux.yaml"
    fiche.write_text("id: essaimage-faux\nfonction: emploi\ntitre: X\n", "utf-8")
    with pytest.raises(InvalidDocuments) as raised:
        load_referentiel(copy)
    files = {issue.file for issue in raised.value.issues}
    assert files == {"referentiel/fiches/emploi/essaimage-faux.yaml"}


@pytest.mark.slow
def test_rendering_is_pure_and_tailored() -> None:
    referentiel = load_referentiel()
    tolosan, audruicq = example("pays-tolosan"), example("audruicq")
    first = render_site(referentiel, typed(tolosan), function_configs(), place_for(tolosan))
    again = render_site(referentiel, typed(tolosan), function_configs(), place_for(tolosan))
    other = render_site(referentiel, typed(audruicq), function_configs(), place_for(audruicq))
    assert first == again
    assert first.pages["accessibilite/paniers-solidaires.md"] != \
        other.pages["accessibilite/paniers-solidaires.md"]
    assert "Cocagne Haute\\-Garonne" in first.pages["emploi/projets-professionnels.md"]


# --- The style sheet (referentiel/STYLE.md), checked on every text of the référentiel ---------

TEXTS = sorted([*FICHES, *REFERENTIEL.glob("pages/*.md"), REFERENTIEL / "glossaire.yaml",
                REFERENTIEL / "fonctions.yaml", REFERENTIEL / "licence.md"])
INDICATOR_FIELDS = ("reference", "cible", "source", "responsable")
# An example's telling detail, to find it wherever it is reused (STYLE.md: once or twice).
EXAMPLE_SIGNATURES = {
    "la Microferme prêtée par un bailleur": r"1[\s\u202f]000\sm²",
    "l'archipel nourricier et sa surface": r"dizaine de parcelles",
    "Ménadel et Saint-Hubert": r"Saint-Hubert",
    "les trois lieux du Pays Tolosan": r"Maison de l'Alimentation",
    "la ferme de 15 ha d'Audruicq": r"15\sha",
    "le panier de Mâcon": r"Mâcon",
}


# libyaml's loader when PyYAML has it (the kit reads the référentiel with it too): ten times
# faster than the pure-Python one on the fiches, the same data.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _plain(path: Path) -> str:
    """The text as a reader gets it: YAML folded, whatever the no-break spaces (read once
    per session: the shipped files do not change while the tests run)."""
    text = path.read_text("utf-8")
    if path.suffix == ".yaml":
        text = yaml.safe_dump(yaml.load(text, Loader=_LOADER), allow_unicode=True,
                              width=10_000)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _fiche(path: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.load(path.read_text("utf-8"), Loader=_LOADER)
    return data


@pytest.mark.parametrize("path", FICHES, ids=lambda p: p.stem)
def test_each_indicator_says_its_own_baseline_and_where_its_measure_comes_from(
        path: Path) -> None:
    indicators = _fiche(path)["indicateurs"]
    assert isinstance(indicators, list)
    for field in ("reference", "source"):
        values = [indicator[field] for indicator in indicators]
        assert len(set(values)) == len(values), f"{path.stem} : « {field} » répété"
    rows = [tuple(indicator[f] for f in INDICATOR_FIELDS) for indicator in indicators]
    assert len(set(rows)) == len(rows)


def test_no_indicator_wording_is_shared_by_many_fiches() -> None:
    where: dict[str, set[str]] = {}
    for path in FICHES:
        for indicator in _fiche(path)["indicateurs"]:  # type: ignore[attr-defined]
            for field in ("reference", "cible", "source"):
                where.setdefault(indicator[field], set()).add(path.stem)
    assert {text: fiches for text, fiches in where.items() if len(fiches) > 2} == {}


@functools.cache
def _told(path: Path) -> str:
    """What a fiche says, without the titles of its sources (once per fiche and session)."""
    data = _fiche(path)
    said = {key: value for key, value in data.items() if key != "sources"}
    said["exemples"] = [entry["texte"] for entry in data.get("exemples", [])]  # type: ignore[attr-defined]
    return " ".join(yaml.safe_dump(said, allow_unicode=True, width=10_000)
                    .replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.slow
def test_an_example_is_told_in_two_fiches_at_most() -> None:
    told = {name: sorted(path.stem for path in FICHES if re.search(pattern, _told(path)))
            for name, pattern in EXAMPLE_SIGNATURES.items()}
    assert all(told.values()), told  # each signature still finds its example
    assert {name: fiches for name, fiches in told.items() if len(fiches) > 2} == {}


def test_the_first_step_advice_does_not_open_every_fiche_alike() -> None:
    openings = [" ".join(str(_fiche(path)["au_territoire"]).split()[:3]) for path in FICHES]
    most = max(openings.count(opening) for opening in openings)
    assert most <= 3, sorted(openings)


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_spellings_and_formulas_follow_the_style_sheet(path: Path) -> None:
    text = _plain(path)
    spellings = set(re.findall(r"\b[Ff]iches?[- ]actions?\b", text))
    assert spellings <= {"fiche-action", "fiches-actions", "Fiche-action", "Fiches-actions"}
    assert "Fonctionnalité" not in text and "Coopération" not in text  # lower case: EFC
    assert len(re.findall(r"plutôt qu", text)) <= 1
    assert "monnaie locale](fiche:monnaie-locale)" not in text  # the MANNE is not an MLC
    assert "conventionné par la DREETS" not in text
    assert not re.search(r"Réseau Cocagne (?:coordonne|porte)\b", text)
    assert not re.search(r"(?:du|le|un|d.un) Système [Aa]limentaire [Tt]erritorial", text)


def test_the_style_checks_catch_what_they_forbid(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("Les fiches-action de l'Économie de la Fonctionnalité, plutôt que "
                    "des ventes, plutôt qu'autre chose.\n", "utf-8")
    with pytest.raises(AssertionError):
        test_spellings_and_formulas_follow_the_style_sheet(page)


def test_the_licence_page_lists_what_the_network_must_confirm() -> None:
    text = (REFERENTIEL / "licence.md").read_text("utf-8")
    terms = text.partition("Ce que le réseau doit encore confirmer")[2]
    confirmed = re.findall(r"^    - \*\*([^*]+)\*\*", terms, re.MULTILINE)
    assert confirmed == ["qui accorde les droits", "la mention de source",
                         "les usages permis sans accord préalable", "la durée", "l'adresse",
                         "les conditions des contours des communes"]
    assert "GNU GPL 3.0" in terms and "ADMIN EXPRESS COG" in terms
