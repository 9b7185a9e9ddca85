"""The kit's cache: a référentiel or schema checked once per content, then trusted; a changed
or hand-edited one checked again, with its French file:line messages."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.foundation import cache
from ecopole_kit.foundation import checked as checks
from ecopole_kit.foundation.resources import shipped
from ecopole_kit.referentiel.content import load_referentiel


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENVIRONMENT, str(folder))
    load_referentiel.cache_clear()
    yield folder
    load_referentiel.cache_clear()


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "referentiel"
    shutil.copytree(shipped("referentiel"), copy)
    return copy


def _remembered(folder: Path) -> set[str]:
    kind = folder / checks.CHECKED_KIND
    return {p.name for p in kind.iterdir()} if kind.is_dir() else set()


def _key(path: Path, schema: str) -> str:
    return checks.digest(path.read_text("utf-8"), schema)


@pytest.mark.slow
def test_a_referentiel_is_checked_once_then_read_trusted_with_the_same_result(
        own_cache: Path, tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    checked = load_referentiel(copy)
    assert len(_remembered(own_cache)) == len(checked.fiches) + 3  # fonctions, glossary, log
    load_referentiel.cache_clear()
    assert load_referentiel(copy) == checked  # dates stay text with the C loader too
    load_referentiel.cache_clear()
    assert load_referentiel.__wrapped__(copy) == checked


@pytest.mark.slow
def test_a_hand_edited_fiche_is_checked_again_with_file_and_line(
        own_cache: Path, tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    load_referentiel(copy)
    load_referentiel.cache_clear()
    before = _remembered(own_cache)
    fiche = next((copy / "fiches" / "emploi").glob("*.yaml"))
    fiche.write_text(fiche.read_text("utf-8").replace("titre:", "titre_inconnu:", 1), "utf-8")
    with pytest.raises(InvalidDocuments) as raised:
        load_referentiel(copy)
    own = [i for i in raised.value.issues if i.file == f"referentiel/fiches/emploi/{fiche.name}"]
    assert own and all(i.line for i in own)  # other fiches' links to it are told too
    assert any("titre" in issue.as_text() for issue in own)
    assert _remembered(own_cache) == before  # the faulty content is not remembered


@pytest.mark.slow
def test_a_broken_file_is_never_remembered(own_cache: Path, tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    glossary = copy / "glossaire.yaml"
    glossary.write_text("- terme: [\n", "utf-8")
    for _ in range(2):
        with pytest.raises(InvalidDocuments) as raised:
            load_referentiel(copy)
        load_referentiel.cache_clear()
        assert [(i.file, i.line) for i in raised.value.issues] == [
            ("referentiel/glossaire.yaml", 2)]
        assert "YAML invalide" in raised.value.issues[0].message
    assert _key(glossary, "glossaire") not in _remembered(own_cache)


def test_the_hash_covers_the_content_the_schema_and_the_kit_version(
        monkeypatch: pytest.MonkeyPatch) -> None:
    keys = {checks.digest("a: 1\n", "fiche"), checks.digest("a: 2\n", "fiche"),
            checks.digest("a: 1\n", "glossaire")}
    monkeypatch.setattr(checks, "__version__", "9.9.9")
    assert len(keys | {checks.digest("a: 1\n", "fiche")}) == 4


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENVIRONMENT, "")
    cache.remember("essai", "abc")
    assert cache.cache_folder("essai") is None and not cache.seen("essai", "abc")


@pytest.mark.slow
def test_a_cache_that_cannot_be_written_only_costs_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier", "utf-8")
    monkeypatch.setenv(cache.ENVIRONMENT, str(blocker / "cache"))
    cache.remember("essai", "abc")
    assert not cache.seen("essai", "abc")
    load_referentiel.cache_clear()
    try:
        assert len(load_referentiel().fiches) == 19
    finally:
        load_referentiel.cache_clear()


def test_a_schema_is_checked_against_its_metaschema_once(
        own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecopole_kit.foundation import validation

    validation.validator_for.cache_clear()
    try:
        validation.validator_for("fiche")
        assert len(list((own_cache / validation.CHECKED_SCHEMAS).iterdir())) == 1
    finally:
        validation.validator_for.cache_clear()


def test_shipped_data_are_parsed_once_then_read_back_and_a_damaged_copy_is_remade(
        own_cache: Path) -> None:
    import gzip
    import json

    raw = gzip.compress(json.dumps({"communes": [["01001", "L'Abergement"]], "n": 1}).encode())
    calls: list[bytes] = []

    def decode(data: bytes) -> object:
        calls.append(data)
        return json.loads(gzip.decompress(data))

    first = cache.decoded("donnees", raw, decode)
    assert cache.decoded("donnees", raw, decode) == first and len(calls) == 1
    (copy,) = (own_cache / "donnees").iterdir()
    copy.write_bytes(b"\x00abime")
    assert cache.decoded("donnees", raw, decode) == first and len(calls) == 2
    assert cache.decoded("donnees", raw + b"", decode) == first and len(calls) == 2


@pytest.mark.slow
def test_the_name_index_read_back_from_the_cache_is_the_one_built(own_cache: Path) -> None:
    from ecopole_kit.territory.geography import load_geography
    from ecopole_kit.territory.search import TerritorySearch

    geography = load_geography()
    built = TerritorySearch(geography, geography._former)._index
    assert len(list((own_cache / "index-noms").iterdir())) == 1
    again = TerritorySearch(geography, geography._former)
    assert again._index == built
    assert again.lookup("Frontonnais", kinds=["epci"])[0].code == "200034957"
    for copy in (own_cache / "index-noms").iterdir():
        copy.write_bytes(b"damaged")  # a damaged copy is made again, never trusted
    assert TerritorySearch(geography, geography._former)._index == built
