"""The interview, scripted without a terminal."""

from __future__ import annotations

import pytest

from ecopole_kit.errors import MissingAnswers
from ecopole_kit.project import questions as answers
from ecopole_kit.workflows.interview import interview
from tests.conftest import ScriptedPrompter, example, geography

# type, search and pick, nom, slug, article, portage, partenaires, contact, courriel,
# milieu, particularités, ménages (none: no source asked), SAU (none: no source, no year),
# atouts, présentation, demandes ×2
IDENTITY = ["commune", "audruicq", "1", "Val d'Audruicq", "", "", "Cocagne du Val", "",
            "Alex Dupont", "alex@exemple.fr", "", "", "", "", "1, 3",
            "Un territoire rural.", "", ""]
MENAGES, SAU = 12, 13  # positions in IDENTITY


def _all_answers(function_answers: list[str] | None = None) -> list[str]:
    actions = sum(q.key[0] == "fonctions" for q in answers.questions())
    return IDENTITY + (function_answers or [""] * actions)


def test_questions_come_from_the_schema_in_sections() -> None:
    questions = answers.questions()
    assert [q.dotted for q in questions[:5]] == [
        "territoire.type", "territoire.codes", "territoire.nom", "territoire.slug",
        "territoire.article"]
    assert questions[0].choices == ("commune", "plusieurs-communes", "epci", "plusieurs-epci",
                                    "epci-et-communes", "departement")
    assert questions[0].choice_labels[3] == "Plusieurs intercommunalités (un Pays, un PETR)"
    assert questions[1].search
    stage = next(q for q in questions if q.dotted == "fonctions.accessibilite.paniers-solidaires")
    assert stage.choices == ("idée", "en projet", "en cours", "opérationnel")
    assert stage.section == "Fonction 2 — Accessibilité"
    assert not stage.required


@pytest.mark.slow
def test_full_interview_with_defaults_choices_and_progress() -> None:
    prompter = ScriptedPrompter(_all_answers())
    config = interview(prompter, {}, geography=geography())
    assert config["territoire"] == {"type": "commune", "codes": ["62057"],
                                    "nom": "Val d'Audruicq", "slug": "val-d-audruicq",
                                    "article": "aucun"}
    assert config["contexte"]["milieu"] == "périurbain"
    assert config["contexte"]["atouts"] == ["jardin de Cocagne", "producteurs bio"]
    assert config["fonctions"] == {}
    numbers = list(dict.fromkeys(a[2].split("/")[0] for a in prompter.asked))  # asked again
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)]
    last = len(numbers)
    assert prompter.asked[-1][2] == f"{last}/{last}"  # skipped questions are not counted
    assert last < len(answers.questions())  # the households' source etc.: no number given
    assert int(prompter.asked[0][2].split("/")[1]) >= last
    assert [a[:2] for a in prompter.asked if a[2].startswith("4/")] == [
        ("territoire.slug", "val-d-audruicq")]
    assert prompter.sections[:4] == ["Territoire", "Structure porteuse", "Contact", "Contexte"]
    assert "Val d'Audruicq" in prompter.summaries[0]


def test_invalid_answer_is_explained_and_asked_again() -> None:
    script = _all_answers()
    script[9:10] = ["pas-un-courriel", "alex@exemple.fr"]
    script[0:1] = ["village", "1"]
    prompter = ScriptedPrompter(script)
    config = interview(prompter, {}, geography=geography())
    assert config["contact"]["courriel"] == "alex@exemple.fr"
    assert config["territoire"]["type"] == "commune"
    assert any("adresse électronique attendue" in m for m in prompter.explained)
    assert any("« village » n'est pas un choix proposé" in m for m in prompter.explained)


def test_required_answer_cannot_be_left_empty() -> None:
    script = _all_answers()
    script[6:7] = ["", "Cocagne du Val"]
    prompter = ScriptedPrompter(script)
    interview(prompter, {}, geography=geography())
    assert any(m.startswith("Réponse obligatoire") for m in prompter.explained)


def test_stages_of_actions_are_asked_per_function() -> None:
    actions = sum(q.key[0] == "fonctions" for q in answers.questions())
    stages = ["4", "en projet"] + [""] * (actions - 2)
    config = interview(ScriptedPrompter(_all_answers(stages)), {}, geography=geography())
    assert config["fonctions"] == {"systeme-alimentaire": {
        "mises-en-culture-concertees": "opérationnel", "livraison-mutualisee": "en projet"}}


def test_answers_file_means_only_missing_questions_are_asked() -> None:
    given = example("pays-tolosan")
    del given["contact"]["courriel"]
    prompter = ScriptedPrompter(["equipe@exemple.fr"])
    # Every other question without an answer is asked too (Entrée: passer, non engagée).
    flat = answers.flatten(given)
    missing = [q for q in answers.questions() if q.dotted not in flat
               and q.dotted != "contact.courriel" and answers.applies(q, flat)]
    prompter.answers += [""] * len(missing)
    config = interview(prompter, given, geography=geography())
    assert prompter.asked[0][0] == "contact.courriel"
    assert len(prompter.asked) == 1 + len(missing)
    assert {q.dotted for q in missing} >= {"demandes.courriel", "demandes.formulaire"}
    assert config["contact"]["courriel"] == "equipe@exemple.fr"
    assert config["fonctions"]["emploi"] == {"parcours-insertion": "en cours"}


def test_invalid_value_in_answers_file_is_asked_again() -> None:
    given = example("gohelle")
    given["territoire"]["type"] = "ville"
    rest = [q for q in answers.questions() if q.dotted not in answers.flatten(given)]
    prompter = ScriptedPrompter(["epci"] + [""] * len(rest))
    config = interview(prompter, given, geography=geography())
    assert config["territoire"]["type"] == "epci"
    assert any("« ville » n'est pas une valeur permise" in m for m in prompter.explained)


def test_summary_can_be_corrected_before_anything_is_written() -> None:
    questions = answers.questions()
    prompter = ScriptedPrompter([*_all_answers(), "Val d'Oye"], confirms=[False, True],
                                corrections=[2])
    config = interview(prompter, {}, geography=geography())
    assert config["territoire"]["nom"] == "Val d'Oye"
    assert len(prompter.summaries) == 2
    assert prompter.asked[-1][0] == questions[2].dotted


def test_no_input_lists_every_missing_required_answer() -> None:
    with pytest.raises(MissingAnswers) as raised:
        interview(None, {"territoire": {"nom": "Ailleurs"}}, geography=geography())
    missing = raised.value.questions
    assert "territoire.codes (Codes officiels)" in missing
    assert "contact.courriel (Courriel du contact)" in missing
    assert not any(m.startswith("territoire.slug") for m in missing)  # derived from the name
    assert not any(m.startswith("contexte.milieu") for m in missing)  # has a default


def test_no_input_fills_defaults() -> None:
    given = example("pays-tolosan")
    del given["contexte"]["milieu"]
    config = interview(None, given, geography=geography())
    assert config["contexte"]["milieu"] == "périurbain"


def test_territory_is_found_by_name_and_names_the_default() -> None:
    prompter = ScriptedPrompter(_all_answers())
    prompter.answers[3] = ""  # accept the official name as the territory's name
    config = interview(prompter, {}, geography=geography())
    assert config["territoire"]["codes"] == ["62057"]
    assert config["territoire"]["nom"] == "Audruicq"
    assert config["territoire"]["slug"] == "audruicq"
    assert [a[:2] for a in prompter.asked if a[2].startswith("3/")] == [
        ("territoire.nom", "Audruicq")]


def test_several_epci_are_added_one_by_one() -> None:
    script = ["plusieurs-epci", "Frontonnais", "1", "", "Hauts-Tolosans", "1", "",
              "Pays Tolosan", *_all_answers()[4:]]
    prompter = ScriptedPrompter(script)
    config = interview(prompter, {}, geography=geography())
    assert config["territoire"]["codes"] == ["200034957", "200071314"]
    assert any("en compte au moins deux" in message for message in prompter.explained)


@pytest.mark.slow
def test_a_search_without_result_is_explained_and_asked_again() -> None:
    script = _all_answers()
    script[1:2] = ["Xqzwvv", "audruicq"]
    prompter = ScriptedPrompter(script)
    assert interview(prompter, {}, geography=geography())["territoire"]["codes"] == ["62057"]
    assert "Aucun résultat pour « Xqzwvv »" in prompter.explained[0]


def test_numbers_are_read_as_numbers_and_explained_when_not() -> None:
    script = _all_answers()
    script[MENAGES:MENAGES + 1] = ["beaucoup", "27 000", "INSEE 2021"]  # then its source
    prompter = ScriptedPrompter(script)
    config = interview(prompter, {}, geography=geography())
    assert config["contexte"]["menages"] == 27000
    assert config["contexte"]["menages_source"] == "INSEE 2021"
    assert "« beaucoup » : un nombre entier est attendu (ex. : 27000)." in prompter.explained


def test_declared_farmland_is_asked_with_its_source_and_year() -> None:
    script = _all_answers()
    script[SAU:SAU + 1] = ["12 500,5", "Agreste, recensement agricole 2020", "2020"]
    config = interview(ScriptedPrompter(script), {}, geography=geography())
    assert config["contexte"]["sau_ha"] == 12500.5
    assert config["contexte"]["sau_source"] == "Agreste, recensement agricole 2020"
    assert config["contexte"]["sau_annee"] == 2020


def test_a_problem_no_question_can_mend_ends_the_interview_with_file_and_line(
        tmp_path) -> None:
    from ecopole_kit.errors import InvalidDocuments
    from ecopole_kit.workflows.create import complete_answers, read_answers

    answers_file = tmp_path / "r.yaml"
    text = (__import__("pathlib").Path(__file__).parent.parent / "examples" /
            "gohelle.yaml").read_text("utf-8").replace("contact:", "contacts:\n  a: 1\ncontact:")
    answers_file.write_text(text, "utf-8")
    rest = [q for q in answers.questions()
            if q.dotted not in answers.flatten(read_answers(answers_file).data)]
    prompter = ScriptedPrompter([""] * len(rest), confirms=[])
    with pytest.raises(InvalidDocuments) as raised:
        complete_answers(read_answers(answers_file), prompter, geography=geography())
    line = text.splitlines().index("contacts:") + 1
    assert [(i.line, i.field) for i in raised.value.issues] == [(line, "contacts")]
    assert "vouliez-vous dire « contact » ?" in raised.value.issues[0].message
