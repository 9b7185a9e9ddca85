"""The network view: reseau.yaml, shards, the sums of indicators, the dashboard's pages and
map (fast, from summaries made here); then whole networks built (slow)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.network.france_map import MapSite, france_map_svg
from ecopole_kit.network.indicators import indicator_totals
from ecopole_kit.network.pages import Release, SiteRow, render_dashboard
from ecopole_kit.network.reseau import default_summary_name, load_network, shard_of
from ecopole_kit.network.summary import Action, Indicator, SiteSummary, read_summary
from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.referentiel.content import load_referentiel
from ecopole_kit.territory.outlines import Outlines, load_outlines
from tests.conftest import example, plain

SCHEMA_LINE = ("# yaml-language-server: $schema=https://ecopole-kit.reseau-cocagne.example/"
               "schemas/{name}.schema.json\n")


def write_network(folder: Path, data: Any, schema: str = "reseau") -> Path:
    path = folder / "reseau.yaml"
    path.write_text(SCHEMA_LINE.format(name=schema) + yaml.safe_dump(data, allow_unicode=True),
                    encoding="utf-8")
    return path


def issues_of(path: Path) -> list[str]:
    with pytest.raises(InvalidDocuments) as raised:
        load_network(path)
    return [issue.as_text() for issue in raised.value.issues]


# --- reseau.yaml ------------------------------------------------------------------------

def test_a_network_lists_its_sites_by_folder_and_by_address(tmp_path: Path) -> None:
    (tmp_path / "sites" / "a").mkdir(parents=True)
    network = load_network(write_network(tmp_path, {"nom": "Réseau", "sites": [
        {"chemin": "sites/a", "url": "https://a.exemple.fr/"},
        {"url": "https://b.exemple.fr/site/"}]}))
    local, remote = network.sites
    assert local.folder == (tmp_path / "sites" / "a").resolve()
    assert local.summary == local.folder / "site" / "ecopole.json"
    assert remote.folder is None
    assert remote.summary == tmp_path.resolve() / "b.exemple.fr-site.ecopole.json"
    assert default_summary_name("https://gohelle.exemple.fr/") == "gohelle.exemple.fr.ecopole.json"


def test_reseau_yaml_problems_say_file_line_and_field_in_french(tmp_path: Path) -> None:
    path = write_network(tmp_path, {"nom": "Réseau", "sites": [
        {"chemin": "a", "adresse": "x"}, {}, {"url": "ftp://x"}]})
    found = issues_of(path)
    assert any(re.search(r"reseau\.yaml:\d+: sites\[0\]\.adresse: .*adresse", i) for i in found)
    assert any("sites[1]" in i and "« chemin »" in i for i in found), found
    assert any("sites[2].url" in i and "http" in i for i in found), found


@pytest.mark.parametrize("chemin", ["../ailleurs", "/etc", "site", ".ecopole/x", "."])
def test_a_site_folder_never_leaves_the_network_nor_enters_the_kits_folders(
        tmp_path: Path, chemin: str) -> None:
    path = write_network(tmp_path, {"nom": "R", "sites": [{"chemin": chemin}]})
    (found,) = issues_of(path)
    assert re.match(r".*reseau\.yaml:\d+: sites\[0\]\.chemin: ", found)
    assert "hors du dossier du réseau" in found or "que le kit écrit" in found


def test_a_link_out_of_the_network_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "dehors"
    outside.mkdir()
    (tmp_path / "net").mkdir()
    os.symlink(outside, tmp_path / "net" / "lien")
    (found,) = issues_of(write_network(tmp_path / "net", {"nom": "R", "sites": [
        {"chemin": "lien"}]}))
    assert "hors du dossier du réseau" in found


def test_a_site_listed_twice_and_a_wrong_schema_line_are_said(tmp_path: Path) -> None:
    path = write_network(tmp_path, {"nom": "R", "sites": [{"chemin": "a"}, {"chemin": "./a"}]},
                         schema="territoire")
    found = issues_of(path)
    assert any(i.startswith(f"{path}:1:") and "« reseau »" in i for i in found), found
    path = write_network(tmp_path, {"nom": "R", "sites": [{"chemin": "a"}, {"chemin": "./a"}]})
    (found_twice,) = issues_of(path)
    assert "sites[1].chemin" in found_twice and "déjà le site n° 1" in found_twice


@pytest.mark.parametrize("count", [1, 2, 5, 7, 20])
@pytest.mark.parametrize("slices", [1, 2, 3, 4, 8])
def test_the_shards_cover_every_site_exactly_once(tmp_path: Path, count: int,
                                                  slices: int) -> None:
    path = write_network(tmp_path, {"nom": "R", "sites": [
        {"chemin": f"s{i}"} for i in range(count)]})
    sites = load_network(path).sites
    taken = [site.label for k in range(1, slices + 1) for site in shard_of(sites, (k, slices))]
    assert sorted(taken) == sorted(site.label for site in sites)


def test_a_bad_shard_is_refused_in_french(run_cli: Any) -> None:
    result = run_cli("network", "build", "--shard", "4/3")
    assert result.exit_code == 2
    assert "1 ≤ K ≤ N" in result.output


# --- summaries, indicators, pages -------------------------------------------------------

def summary(nom: str, communes: tuple[str, ...], *, referentiel: str = "0.2.0",
            actions: tuple[Action, ...] = (), indicators: tuple[Indicator, ...] = ()
            ) -> SiteSummary:
    return SiteSummary(nom=nom, slug="s", codes=(), communes=communes, population=12345,
                       portage=f"Porteur de {nom}", actions=actions, indicateurs=indicators,
                       version_kit="0.2.0", version_referentiel=referentiel,
                       construit_avec="0.2.0", construit_le="2026-12-01T09:05:00+00:00")


def test_indicators_add_up_where_name_and_unit_agree() -> None:
    totals = indicator_totals([
        summary("A", (), indicators=(Indicator("Légumes livrés", "t", 10, 30),
                                     Indicator("Sorties positives", "%", 40, 60))),
        summary("B", (), indicators=(Indicator("légumes  livrés", "t", None, 12),
                                     Indicator("Légumes livrés", "kg", 5, 7),
                                     Indicator("Sorties positives", "%", 20, 80)))])
    by_key = {(t.nom, t.unite): t for t in totals}
    assert by_key["Légumes livrés", "t"].sites == 2
    assert (by_key["Légumes livrés", "t"].reference, by_key["Légumes livrés", "t"].cible) == \
        (10, 42)
    assert by_key["Légumes livrés", "kg"].sites == 1
    assert (by_key["Sorties positives", "%"].reference,
            by_key["Sorties positives", "%"].cible) == (30, 70)  # a mean, not a sum


@pytest.fixture(scope="module")
def small_outlines() -> Outlines:
    """The real outlines of two départements and La Réunion: fast to draw."""
    full = load_outlines()
    kept = {c: r for c, r in full.communes.items() if c[:2] in ("31", "62") or c[:3] == "974"}
    return replace(full, communes=kept)


def dashboard(outlines: Outlines, rows: list[SiteRow]) -> dict[str, str]:
    rendered = render_dashboard("Réseau <test> & co", rows, load_referentiel(), outlines,
                                Release(kit="0.2.0", referentiel="0.2.0"))
    return rendered.pages


@pytest.mark.slow
def test_the_dashboard_names_each_site_and_says_who_is_behind(small_outlines: Outlines) -> None:
    pages = dashboard(small_outlines, [
        SiteRow(1, "sites/a", "../sites/a/site/index.html",
                summary("Pays <b>Tolosan</b>", ("31003",))),
        SiteRow(2, "https://b.exemple.fr/", "https://b.exemple.fr/",
                summary("Saint-Denis", ("97411",), referentiel="0.1.0")),
        SiteRow(3, "sites/c", None, None, "pas encore construit")])
    home = pages["index.md"]
    assert "Réseau &lt;test&gt; &amp; co" in home and "<test>" not in home
    assert "Pays &lt;b&gt;Tolosan&lt;/b&gt;" in home and "<b>Tolosan" not in home
    text = plain(home)
    assert "3 sites dans le réseau, dont 1 site à mettre à jour" in text
    row = next(line for line in home.splitlines() if line.startswith("<tr><td>2</td>"))
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[1:4] == ["Saint-Denis", "12\u202f345", "Porteur de Saint-Denis"]
    assert cells[5] == "0.1.0" and "à mettre à jour" in cells[6]
    assert cells[7].startswith("1er décembre 2026 à ")
    assert "pas encore construit" in text
    assert '<a href="https://b.exemple.fr/" aria-label="2. Saint-Denis">' in home
    assert '<a href="../sites/a/site/index.html" aria-label="1. Pays &lt;b&gt;Tolosan' in home


@pytest.mark.slow
def test_the_actions_table_shows_each_stage_in_words_and_the_totals(
        small_outlines: Outlines) -> None:
    engaged = (Action("emploi", "parcours-insertion", "en cours"),
               Action("systeme-alimentaire", "livraison-mutualisee", "idée"))
    pages = dashboard(small_outlines, [
        SiteRow(1, "a", None, summary("Alpha", (), actions=engaged)),
        SiteRow(2, "b", None, summary("Bêta", (), actions=engaged[:1]))])
    actions = pages["actions.md"]
    row = next(line for line in actions.splitlines() if "parcours d" in line.lower()
               and "<td" in line and "stade-en-cours" in line)
    assert row.count(">en cours<") == 2 and row.endswith('<td data-sort="2">2</td></tr>')
    delivery = next(line for line in actions.splitlines() if "livraison mutualisé" in line
                    and "data-sort" in line)
    assert ">idée<" in delivery and "non engagée" in delivery
    totals = actions.split("Totaux par action et par stade")[1]
    assert "<tfoot><tr><th>Total</th><td>0</td><td>2</td><td>0</td><td>1</td><td>3</td>" in totals


@pytest.mark.slow
def test_the_map_places_each_site_in_its_frame_overseas_too(small_outlines: Outlines) -> None:
    svg = france_map_svg(small_outlines, [
        MapSite(1, "Toulouse", "https://t.exemple.fr/?a=1&b=2", ("31555",)),
        MapSite(2, "Saint-Denis", "x/index.html", ("97411",)),
        MapSite(3, "Nulle part", "y", ("99999",))], "Carte")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'href="https://t.exemple.fr/?a=1&amp;b=2"' in svg
    assert svg.count("<circle") == 2  # a site without outline is not placed
    reunion = svg.split(">La Réunion</text>")[1].split("</g>")[0]
    assert 'aria-label="2. Saint-Denis"' in reunion
    assert "<title>La Réunion" not in svg  # insets are named in text, not as links


def test_a_summary_is_read_as_data_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "ecopole.json"
    path.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(InvalidDocuments) as raised:
        read_summary(path, "x.ecopole.json")
    assert "JSON illisible" in raised.value.issues[0].message
    path.write_text(json.dumps({"format": 1}), encoding="utf-8")
    with pytest.raises(InvalidDocuments) as raised:
        read_summary(path, "x.ecopole.json")
    assert any("« territoire » manquant" in i.message for i in raised.value.issues)


# --- whole networks (slow) --------------------------------------------------------------

INDICATOR = {"nom": "Personnes accompagnées", "unite": "personnes", "reference": 10,
             "cible": 25, "frequence": "annuelle", "fiche": "parcours-insertion"}


def _reunion_answers() -> dict[str, Any]:
    answers = example("pays-tolosan")
    answers["territoire"] = {"nom": "Saint-Denis", "slug": "saint-denis", "type": "commune",
                             "codes": ["97411"]}
    answers["portage"] = {"nom": "Jardins <de> l'île"}
    return answers


def _with_indicator(project: Path, cible: int) -> None:
    (project / "fonctions" / "evaluation.yaml").write_text(
        yaml.safe_dump({"indicateurs": [{**INDICATOR, "cible": cible}]}, allow_unicode=True),
        encoding="utf-8")


def _remote_summary(folder: Path) -> None:
    (folder / "ailleurs.exemple.fr.ecopole.json").write_text(json.dumps({
        "format": 1, "territoire": {"nom": "Ailleurs", "slug": "ailleurs", "codes": [],
                                    "communes": ["62001"], "population": 1000},
        "portage": "Les amis d'ailleurs", "indicateurs": [],
        "actions": [{"fonction": "emploi", "fiche": "parcours-insertion", "stade": "idée"}],
        "versions": {"kit": "0.1.0", "referentiel": "0.1.0", "construit_avec": "0.1.0"},
        "construit_le": "2026-11-02T08:00:00+00:00"}), encoding="utf-8")


def run_network(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "ecopole_kit", "network", "build", *args],
                          cwd=folder, capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_COLOR": "1"})
    return subprocess.CompletedProcess(done.args, done.returncode, plain(done.stdout),
                                       plain(done.stderr))


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    """Three examples, a site on La Réunion and a broken one; built once, then again."""
    folder = tmp_path_factory.mktemp("reseau")
    for name in ("pays-tolosan", "audruicq", "gohelle"):
        generate_project(example(name), folder / "sites" / name)
    generate_project(_reunion_answers(), folder / "sites" / "saint-denis")
    broken = generate_project(example("audruicq"), folder / "sites" / "casse").path
    with (broken / "territoire.yaml").open("a", encoding="utf-8") as stream:
        stream.write("inconnu: oui\n")
    _with_indicator(folder / "sites" / "pays-tolosan", 25)
    _with_indicator(folder / "sites" / "saint-denis", 15)
    _remote_summary(folder)
    write_network(folder, {"nom": "Réseau d'essai", "sites": [
        {"chemin": f"sites/{n}"} for n in ("pays-tolosan", "audruicq", "gohelle", "casse",
                                             "saint-denis")] + [
        {"url": "https://ailleurs.exemple.fr/"}]})
    first = run_network(folder, "--jobs", "2")
    stamps = {p: p.stat().st_mtime_ns for p in folder.glob("sites/*/site/index.html")}
    second = run_network(folder)
    return folder, [first, second, stamps]


@pytest.mark.slow
def test_a_broken_site_is_reported_at_the_end_while_the_others_build(
        network: tuple[Path, list[Any]]) -> None:
    folder, (first, _second, _stamps) = network
    assert first.returncode == 1, first.stderr
    assert "Sites : 4 construits, 0 inchangé, 1 en échec, 1 publié ailleurs." in first.stdout
    assert "[1/" not in first.stderr  # piped: no progress line
    tail = first.stderr.split("sites/casse :")[1]
    assert re.search(r"territoire\.yaml:\d+: inconnu: ", tail), first.stderr
    assert "Erreur : 1 site en échec ; les autres ont été construits." in tail
    for name in ("pays-tolosan", "audruicq", "gohelle", "saint-denis"):
        built = json.loads((folder / "sites" / name / "site" / "ecopole.json").read_text("utf-8"))
        assert built["versions"]["construit_avec"] and built["territoire"]["communes"]
    assert not (folder / "sites" / "casse" / "site").exists()


@pytest.mark.slow
def test_a_second_run_with_nothing_changed_rebuilds_nothing(
        network: tuple[Path, list[Any]]) -> None:
    folder, (_first, second, stamps) = network
    assert "Sites : 0 construit, 4 inchangés, 1 en échec, 1 publié ailleurs." in second.stdout
    assert "Tableau de bord inchangé, non reconstruit" in second.stdout
    assert {p: p.stat().st_mtime_ns for p in folder.glob("sites/*/site/index.html")} == stamps
    shard = run_network(folder, "--shard", "2/2")
    assert ("Sites : 0 construit, 1 inchangé, 1 en échec, 1 publié ailleurs "
            "(tranche 2/2).") in shard.stdout
    assert "network dashboard" in shard.stdout


@pytest.mark.slow
def test_the_dashboard_names_places_and_stages_every_site(
        network: tuple[Path, list[Any]]) -> None:
    site = network[0] / "site"
    home = plain((site / "index.html").read_text("utf-8"))
    for name in ("Pays Tolosan", "Région d'Audruicq", "Gohelle", "Saint-Denis", "Ailleurs"):
        assert f'aria-label="{name}' not in home  # markers are numbered
        assert re.search(rf'aria-label="\d\. {re.escape(name)}"', home.replace("&#x27;", "'")), name
    assert "Jardins &lt;de&gt; l&#x27;île" in home and "<de>" not in home
    assert home.count("à mettre à jour") >= 2  # the sentence and the remote site's row
    assert "pas encore construit" in home  # the broken one
    assert 'href="../sites/gohelle/site/index.html"' in home
    actions = plain((site / "actions.html").read_text("utf-8"))
    assert "stade-en-cours" in actions and ">opérationnel<" in actions
    indicators = plain((site / "indicateurs.html").read_text("utf-8"))
    assert "<td>Personnes accompagnées</td><td>personnes</td><td>2</td>" in indicators
    assert "<td>20 personnes</td><td>40 personnes</td>" in indicators
    assert (site / "assets" / "indicateurs.svg").is_file()
    assert (site / "assets" / "javascripts" / "tablesort.min.js").is_file()


@pytest.mark.slow
def test_the_maps_base_is_kept_and_a_tampered_copy_is_not_trusted(
        tmp_path: Path, small_outlines: Outlines) -> None:
    from ecopole_kit.network.dashboard import BASE_FILE, map_bases
    from ecopole_kit.network.reseau import Network

    network = Network(path=tmp_path / "reseau.yaml", nom="R", sites=())
    first = map_bases(network, small_outlines)
    kept = network.record_dir / BASE_FILE
    assert json.loads(kept.read_text("utf-8"))["cadres"]["974"]["bords"] == \
        list(first["974"].edges)
    assert map_bases(network, small_outlines) == first
    data = json.loads(kept.read_text("utf-8"))
    data["cadres"]["974"]["chemins"] = '"/><script>alert(1)</script>'
    kept.write_text(json.dumps(data), encoding="utf-8")
    again = map_bases(network, small_outlines)
    assert again == first and "<script>" not in kept.read_text("utf-8")


def test_progress_says_which_site_and_how_many_are_done(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from ecopole_kit.cli.network import _progress
    from ecopole_kit.workflows.network import SiteOutcome

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # shown at a terminal only
    _progress(SiteOutcome("sites/a\x1b[31m", "construit"), 1, 2)
    _progress(SiteOutcome("sites/b", "échec", ("x",)), 2, 2)
    err = capsys.readouterr().err
    assert "[1/2] sites/a" in err and "\x1b[31m" not in err  # a typed name is never an escape
    assert err.endswith("[2/2] sites/b : en échec\n")


def test_a_missing_reseau_yaml_is_said_in_french(run_cli: Any) -> None:
    result = run_cli("network", "build")
    assert result.exit_code == 1
    assert "reseau.yaml" in result.output and "fichier introuvable" in result.output
    assert "Traceback" not in result.output
