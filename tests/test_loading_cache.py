"""The kit's cache: a référentiel or schema checked once per content, then trusted; a changed
or hand-edited one checked again, with its French file:line messages."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.foundation import cache
from ecopole_kit.foundation.resources import shipped
from ecopole_kit.referentiel import reading
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


def test_a_referentiel_is_checked_once_then_read_trusted_with_the_same_result(
        own_cache: Path, tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    assert not reading.reader_for(copy)[0].trusted
    checked = load_referentiel(copy)
    assert reading.reader_for(copy)[0].trusted
    assert len(list((own_cache / reading.CACHE_KIND).iterdir())) == 1
    load_referentiel.cache_clear()
    assert load_referentiel(copy) == checked  # dates stay text with the C loader too


def test_a_hand_edited_referentiel_is_checked_again_with_file_and_line(
        own_cache: Path, tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    load_referentiel(copy)
    load_referentiel.cache_clear()
    fiche = next((copy / "fiches" / "emploi").glob("*.yaml"))
    fiche.write_text(fiche.read_text("utf-8").replace("titre:", "titre_inconnu:", 1), "utf-8")
    assert not reading.reader_for(copy)[0].trusted
    with pytest.raises(InvalidDocuments) as raised:
        load_referentiel(copy)
    where = {(issue.file, issue.line) for issue in raised.value.issues}
    assert any(file == f"referentiel/fiches/emploi/{fiche.name}" and line
               for file, line in where), where
    assert any("titre" in issue.as_text() for issue in raised.value.issues)


def test_a_broken_referentiel_is_never_remembered(own_cache: Path, tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    (copy / "glossaire.yaml").write_text("- terme: [\n", "utf-8")
    for _ in range(2):
        with pytest.raises(InvalidDocuments) as raised:
            load_referentiel(copy)
        assert [(i.file, i.line) for i in raised.value.issues] == [
            ("referentiel/glossaire.yaml", 2)]
        assert "YAML invalide" in raised.value.issues[0].message
        load_referentiel.cache_clear()
    assert not (own_cache / reading.CACHE_KIND).exists() or not any(
        (own_cache / reading.CACHE_KIND).iterdir())


def test_the_hash_covers_every_file_and_the_kit_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _copy(tmp_path)
    first = reading.digest(copy)
    (copy / "pages" / "nouvelle.md").write_text("# Nouvelle\n", "utf-8")
    second = reading.digest(copy)
    monkeypatch.setattr(reading, "__version__", "9.9.9")
    assert len({first, second, reading.digest(copy)}) == 3


def test_an_empty_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENVIRONMENT, "")
    cache.remember("essai", "abc")
    assert cache.cache_folder("essai") is None and not cache.seen("essai", "abc")


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
