"""The territory schema, example by example: what it accepts and what it refuses, and why."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
import pytest

from ecopole_kit.foundation.documents import Document
from ecopole_kit.foundation.resources import load_schema, shipped
from ecopole_kit.foundation.validation import validate_document
from ecopole_kit.referentiel.content import load_referentiel
from tests.conftest import ROOT, example

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def apply(config: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        target = config
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return apply


def _delete(path: str) -> Mutation:
    def apply(config: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        target = config
        for part in parents:
            target = target[part]
        del target[leaf]
    return apply


VALID = {
    "commune": [_set("territoire.type", "commune"), _set("territoire.codes", ["62057"])],
    "commune de Corse": [_set("territoire.type", "commune"), _set("territoire.codes", ["2A004"])],
    "département d'outre-mer": [_set("territoire.type", "departement"),
                                _set("territoire.codes", ["974"])],
    "département de Corse": [_set("territoire.type", "departement"),
                             _set("territoire.codes", ["2B"])],
    "sans partenaires ni atouts": [_delete("portage.partenaires"), _delete("contexte.atouts")],
    "aucune action engagée": [_set("fonctions", {})],
    "texte libre avec balises": [_set("contexte.presentation", "<script>{{ x }}</script>")],
    "surface agricole déclarée": [_set("contexte.sau_ha", 12500),
                                  _set("contexte.sau_source", "Agreste, recensement agricole 2020"),
                                  _set("contexte.sau_annee", 2020)],
    "surface agricole décimale sans source": [_set("contexte.sau_ha", 1250.5)],
}

INVALID = {
    "type inconnu": ([_set("territoire.type", "ville")], "territoire.type",
                     "« ville » n'est pas une valeur permise"),
    "code en nombre": ([_set("territoire.codes", [200034957, "200071314"])],
                       "territoire.codes[0]", "il faut un texte, pas le nombre 200034957"),
    "commune avec un SIREN": ([_set("territoire.type", "commune")], "territoire.codes",
                              "liste trop longue"),
    "plusieurs EPCI avec un seul code": ([_set("territoire.codes", ["200034957"])],
                                         "territoire.codes", "liste trop courte"),
    "slug avec accents": ([_set("territoire.slug", "pays-tolosàn")], "territoire.slug",
                          "minuscules sans accent"),
    "stade inconnu": ([_set("fonctions.emploi.parcours-insertion", "fini")],
                      "fonctions.emploi.parcours-insertion",
                      "« fini » n'est pas une valeur permise"),
    "action inconnue": ([_set("fonctions.emploi.jardinage", "idée")],
                        "fonctions.emploi.jardinage", "champ inconnu « jardinage »"),
    "courriel invalide": ([_set("contact.courriel", "contact")], "contact.courriel",
                          "adresse électronique attendue"),
    "champ manquant": ([_delete("portage.nom")], "portage",
                       "champ obligatoire « nom » manquant"),
    "champ mal orthographié": ([_set("contexte.milieux", "rural")], "contexte.milieux",
                               "vouliez-vous dire « milieu » ?"),
    "caractère de contrôle": ([_set("territoire.nom", "Pays\x07Tolosan")], "territoire.nom",
                              "caractères de contrôle interdits"),
    "liste au lieu d'un bloc": ([_set("contact", ["a", "b"])], "contact",
                                "il faut un ensemble de champs (clé : valeur)"),
    "milieu sans accent": ([_set("contexte.milieu", "periurbain")], "contexte.milieu",
                           "vouliez-vous dire « périurbain » ?"),
    "surface agricole nulle": ([_set("contexte.sau_ha", 0)], "contexte.sau_ha",
                               "la valeur doit être supérieure à 0"),
    "surface agricole en texte": ([_set("contexte.sau_ha", "12 500 ha")], "contexte.sau_ha",
                                  "il faut un nombre"),
    "surface agricole démesurée": ([_set("contexte.sau_ha", 40_000_000)], "contexte.sau_ha",
                                   "la valeur doit être au plus 30\u202f000\u202f000"),
    "année de surface décimale": ([_set("contexte.sau_annee", 2020.5)], "contexte.sau_annee",
                                  "il faut un nombre entier"),
    "année de surface trop ancienne": ([_set("contexte.sau_annee", 1850)], "contexte.sau_annee",
                                       "la valeur doit être au moins 1\u202f900"),
    "source de surface trop longue": ([_set("contexte.sau_source", "x" * 201)],
                                      "contexte.sau_source", "texte trop long"),
    "source de surface avec contrôle": ([_set("contexte.sau_source", "Agreste\x07")],
                                        "contexte.sau_source", "caractères de contrôle interdits"),
    "surface agricole mal nommée": ([_set("contexte.sau", 12500)], "contexte.sau",
                                    "vouliez-vous dire « sau_ha » ?"),
}


def _config(mutations: list[Mutation]) -> dict[str, Any]:
    config = copy.deepcopy(example("pays-tolosan"))
    for mutate in mutations:
        mutate(config)
    return config


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_examples(name: str) -> None:
    issues = validate_document(Document("t.yaml", _config(VALID[name]), None), "territoire")
    assert issues == []


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_examples(name: str) -> None:
    mutations, path, fragment = INVALID[name]
    issues = validate_document(Document("t.yaml", _config(mutations), None), "territoire")
    assert any(i.field == path and fragment in i.message for i in issues), issues


@pytest.mark.parametrize("schema_file", sorted(p.name for p in shipped("schemas").glob("*.json")))
def test_every_schema_is_valid_2020_12_with_french_titles(schema_file: str) -> None:
    schema = json.loads((shipped("schemas") / schema_file).read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(schema_file)
    jsonschema.Draft202012Validator.check_schema(schema)

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for name, child in node.get("properties", {}).items():
                assert child.get("title") and child.get("description"), f"{where}.{name}"
            for key, child in node.items():
                if key not in ("if", "then", "else"):  # conditions restate, not declare
                    walk(child, f"{where}.{key}")
        elif isinstance(node, list):
            for child in node:
                walk(child, where)

    walk(schema, schema_file)


@pytest.mark.parametrize("schema_name", ["territoire", "fonction-systeme-alimentaire",
                                         "fonction-accessibilite", "fonction-emploi",
                                         "fonction-evaluation"])
def test_schema_examples_are_valid(schema_name: str) -> None:
    schema = load_schema(schema_name)
    assert schema["examples"]
    for instance in schema["examples"]:
        assert validate_document(Document("ex", instance, None), schema_name) == []


def test_territory_schema_lists_exactly_the_referentiel_fiches() -> None:
    schema = load_schema("territoire")
    functions = schema["properties"]["fonctions"]["properties"]
    referentiel = load_referentiel()
    for function_id, node in functions.items():
        assert set(node["properties"]) == {f.id for f in referentiel.fiches_of(function_id)}


@pytest.mark.parametrize("name", ["pays-tolosan", "audruicq", "gohelle"])
def test_examples_are_valid(name: str) -> None:
    assert validate_document(Document(name, example(name), None), "territoire") == []


@pytest.mark.parametrize("url, valid", [
    ("https://demandes.exemple.fr/?a=1&b=2", True), ("http://127.0.0.1:8001/", True),
    ("http://[", False), ("javascript:alert(1)", False), ("https://x.fr/a b", False),
    ("https://a.b/[x]", False), ("https://a.fr/\"><script>", False)])
def test_online_form_address(url: str, valid: bool) -> None:
    config = _config([_set("demandes.formulaire", url)])
    issues = validate_document(Document("t.yaml", config, None), "territoire")
    assert (issues == []) is valid


def _numbers(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        kind = node.get("type")  # a property may be named « type »: a schema, not a kind
        kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
        if {"number", "integer"} & set(kinds):
            yield path, node
        for key, child in node.items():
            yield from _numbers(child, f"{path}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _numbers(child, f"{path}/{index}")


@pytest.mark.parametrize("schema", sorted(p.stem.removesuffix(".schema")
                                          for p in (ROOT / "schemas").glob("*.json")))
def test_every_number_of_a_schema_has_bounds_it_can_render(schema: str) -> None:
    for path, node in _numbers(load_schema(schema)):
        low = node.get("minimum", node.get("exclusiveMinimum"))
        high = node.get("maximum", node.get("exclusiveMaximum"))
        assert low is not None and high is not None, f"{schema}{path}"
        assert -10**9 <= low < high <= 10**9, f"{schema}{path}"
