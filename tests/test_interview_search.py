"""The interview never wastes an answer: « ? », searching again, seeing more, dependent
questions, human labels, lists with commas, a recap in sentences, a taken folder said early."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecopole_kit.project import questions as answers
from ecopole_kit.workflows.interview import SEARCH_AGAIN, Helps, interview
from tests.conftest import ScriptedPrompter, geography
from tests.test_interview import IDENTITY, _all_answers


def _run(script: list[str], helps: Helps | None = None) -> tuple[dict, ScriptedPrompter]:
    prompter = ScriptedPrompter(script)
    return interview(prompter, {}, geography=geography(), helps=helps), prompter


class ShowingPrompter(ScriptedPrompter):
    """Also keeps the choices each question offered, as the terminal shows them."""

    def __init__(self, script: list[str]) -> None:
        super().__init__(script)
        self.offered: list[tuple[str, ...]] = []

    def ask(self, question, *, default: str, position: str) -> str:  # type: ignore[no-untyped-def]
        self.offered.append(question.choice_labels or question.choices)
        return super().ask(question, default=default, position=position)


def test_question_mark_explains_the_question_and_an_action_by_its_fiche() -> None:
    actions = [q for q in answers.questions() if q.key[0] == "fonctions"]
    script = ["?", *_all_answers()]
    first_action = len(IDENTITY) + 1
    script[first_action:first_action] = ["?"]
    summary = "Planifier ensemble ce que chaque ferme cultive."
    _, prompter = _run(script, Helps(summaries={actions[0].key[-1]: summary}))
    assert prompter.explained[0].startswith("Une commune (ou un arrondissement municipal)")
    assert "Plusieurs intercommunalités (un Pays, un PETR)" in prompter.explained[0]
    assert prompter.explained[1].startswith(summary)


def test_every_action_has_its_fiche_summary_in_the_real_referentiel() -> None:
    from ecopole_kit.referentiel.content import load_referentiel

    fiches = load_referentiel().fiches
    assert all(q.key[-1] in fiches and fiches[q.key[-1]].resume
               for q in answers.questions() if q.key[0] == "fonctions")


def test_none_of_these_searches_again_with_a_qualifier() -> None:
    prompter = ShowingPrompter(["commune", "Saint-Pierre"])
    prompter.answers += ["11", "Saint-Pierre 974", "1", *_all_answers()[3:]]
    config = interview(prompter, {}, geography=geography())
    assert config["territoire"]["codes"] == ["97416"]
    shown = prompter.offered[2]
    assert shown[-1] == SEARCH_AGAIN and shown[-2].startswith("Voir plus de résultats (")
    assert len(shown) == 11  # 9 results, « voir plus », « chercher à nouveau »


def test_see_more_shows_the_hidden_results() -> None:
    prompter = ShowingPrompter(["commune", "Saint-Pierre", "10", "35",
                                *_all_answers()[3:]])
    config = interview(prompter, {}, geography=geography())
    assert len(prompter.offered[3]) > len(prompter.offered[2])
    assert config["territoire"]["codes"][0] not in {m.code for m in
                                                     geography().lookup("Saint-Pierre", limit=9)}


def test_a_pays_is_explained_and_its_epci_listed_by_name() -> None:
    script = ["plusieurs-epci", "Pays de Brocéliande", "1", "Montfort Communauté", "1",
              "", "Pays de Brocéliande", *_all_answers()[4:]]
    config, prompter = _run(script)
    assert config["territoire"]["codes"] == ["243500618", "243500550"]
    assert any("formé d'intercommunalités (EPCI)" in m for m in prompter.explained)
    helps = [q for q in prompter.asked if q[0] == "territoire.codes"]
    assert helps  # the search was asked again to add another EPCI
    assert config["territoire"]["nom"] == "Pays de Brocéliande"


def test_several_communes_and_arrondissements_are_added_by_ordinal() -> None:
    script = ["plusieurs-communes", "Marseille 13e", "1", "quatorzième arrondissement Marseille",
              "1", "", "", *_all_answers()[4:]]
    config, _ = _run(script)
    assert config["territoire"]["codes"] == ["13213", "13214"]
    assert config["territoire"]["nom"] == "Marseille (13e et 14e arrondissements)"


def test_the_households_source_is_asked_only_with_a_number() -> None:
    _, prompter = _run(_all_answers())
    asked = [dotted for dotted, _, _ in prompter.asked]
    assert "contexte.menages" in asked and "contexte.menages_source" not in asked
    assert "contexte.sau_source" not in asked and "contexte.atouts_autres" not in asked


def test_other_assets_and_a_partner_with_a_comma() -> None:
    script = _all_answers()
    script[7] = '"Mairie de Ruminghem, service culture", Réseau Cocagne'
    script[14:15] = ["1, 9", "marché de plein vent; épicerie solidaire, associative"]
    config, _ = _run(script)
    assert config["portage"]["partenaires"] == ["Mairie de Ruminghem, service culture",
                                                "Réseau Cocagne"]
    assert config["contexte"]["atouts"] == ["jardin de Cocagne", "autre"]
    assert config["contexte"]["atouts_autres"] == ["marché de plein vent",
                                                   "épicerie solidaire, associative"]


def test_the_context_takes_littoral_mountain_island() -> None:
    script = _all_answers()
    script[11] = "littoral, 3"
    config, _ = _run(script)
    assert config["contexte"]["particularites"] == ["littoral", "insulaire"]


def test_the_recap_is_in_sentences() -> None:
    _, prompter = _run(_all_answers())
    recap = prompter.summaries[0]
    assert "territoire:" not in recap and "codes:" not in recap
    assert "Territoire « Val d'Audruicq », une commune : Audruicq (62057)" in recap
    assert "Porté par Cocagne du Val, sans partenaire indiqué." in recap
    assert "atouts : jardin de Cocagne et producteurs bio" in recap
    assert "Aucune action engagée pour l'instant" in recap


def test_a_taken_folder_is_said_when_the_slug_is_given(tmp_path: Path) -> None:
    from ecopole_kit.workflows.create import folder_problem

    (tmp_path / "val-d-audruicq").mkdir()
    (tmp_path / "val-d-audruicq" / "x").write_text("", "utf-8")
    script = _all_answers()
    script[4] = ""  # the slug proposed is taken: said, then asked again
    script[5:5] = ["val-d-audruicq-2"]
    helps = Helps(folder_problem=lambda slug: folder_problem(tmp_path / slug))
    config, prompter = _run(script, helps)
    assert config["territoire"]["slug"] == "val-d-audruicq-2"
    assert any("le dossier n'est pas vide" in m for m in prompter.explained)


def test_other_assets_are_shown_by_their_words_not_as_autre() -> None:
    from ecopole_kit.project.config import Context

    context = Context.from_data({"milieu": "rural", "atouts": ["tiers-lieu", "autre"],
                                 "atouts_autres": ["marché de plein vent"],
                                 "particularites": ["montagne"]})
    assert context.atouts == ("tiers-lieu", "marché de plein vent")
    assert context.particularites == ("montagne",)


def test_a_pays_searched_as_one_epci_offers_the_kind_of_several() -> None:
    script = ["epci", "Pays de Brocéliande", "1", "Montfort Communauté", "1", "",
              "Pays de Brocéliande", *_all_answers()[4:]]
    prompter = ScriptedPrompter(script, confirms=[True, True])
    config = interview(prompter, {}, geography=geography())
    assert config["territoire"]["type"] == "plusieurs-epci"
    assert config["territoire"]["codes"] == ["243500618", "243500550"]


@pytest.mark.slow
def test_a_typo_in_a_mixed_territory_suggests_the_right_kind_of_code(tmp_path: Path) -> None:
    from ecopole_kit.project.scaffold import generate_project
    from ecopole_kit.workflows.validate import validate_paths
    from tests.conftest import example

    config = example("audruicq")
    config["territoire"].update(type="epci-et-communes", codes=["243500618", "35001"],
                                nom="Brocéliande et Acigné", slug="bb")
    project = generate_project(config, tmp_path / "bb").path
    territory = project / "territoire.yaml"
    territory.write_text(territory.read_text("utf-8").replace("35001", "35901"), "utf-8")
    issues = validate_paths([project])
    assert [i.field for i in issues] == ["territoire.codes[1]"]
    assert "code d'EPCI ou de commune inconnu « 35901 »" in issues[0].message
    assert "« 35001 » (Acigné)" in issues[0].message


def test_words_typed_instead_of_a_number_search_again() -> None:
    script = ["commune", "Corte", "Corte Haute-Corse", "1", *_all_answers()[3:]]
    config, prompter = _run(script)
    assert config["territoire"]["codes"] == ["2B096"]
    assert not any("n'est pas un choix proposé" in m for m in prompter.explained)


def test_one_chosen_by_mistake_is_taken_off_the_list() -> None:
    script = ["plusieurs-epci", "Frontonnais", "1", "Sicoval", "1", "-2", "-5",
              "Hauts-Tolosans", "1", "", "Pays Tolosan", *_all_answers()[4:]]
    config, prompter = _run(script)
    assert config["territoire"]["codes"] == ["200034957", "200071314"]
    assert "Retiré : CA du Sicoval (243100633)." in prompter.explained
    assert "Il n'y a pas de n° 5 parmi les territoires retenus." in prompter.explained
