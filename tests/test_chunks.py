"""Tables read by part: a build reads the communes and outlines of its territory only, and the
whole table, walked through, is the one the shipped data hold, in their order."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from ecopole_kit.foundation import cache
from ecopole_kit.project.scaffold import generate_project
from ecopole_kit.territory import geography
from ecopole_kit.territory.chunks import ChunkedTable, part_of, split_rows
from ecopole_kit.territory.geography import Geography, load_geography, ready_form
from ecopole_kit.territory.outlines import load_outlines
from ecopole_kit.workflows.build import render_kit_pages
from ecopole_kit.workflows.validate import load_knowledge
from tests.conftest import example

ROWS = [("01001", "a"), ("01002", "b"), ("2A004", "c"), ("2B096", "d"), ("97411", "e"),
        ("97101", "f"), ("75101", "g")]


def test_a_code_belongs_to_its_departement() -> None:
    assert [part_of(code) for code, _ in ROWS] == ["01", "01", "2A", "2B", "974", "971", "75"]
    assert part_of("246200844") == part_of("31") == ""  # a SIREN, a département: no part


def test_only_the_asked_part_is_decoded_and_the_whole_keeps_the_rows_order() -> None:
    made: list[str] = []

    def make(row: Sequence[Any]) -> str:
        made.append(str(row[0]))
        return str(row[1])

    table = ChunkedTable(split_rows(ROWS), make)
    assert table["2A004"] == "c" and "2B096" not in made
    assert table.parts_read == {"2A"}
    assert "2B096" in table and "2B999" not in table and "99001" not in table
    with pytest.raises(KeyError):
        table["01999"]
    assert list(table) == [code for code, _ in ROWS] and len(table) == len(ROWS)
    assert sorted(made) == sorted(code for code, _ in ROWS)  # each record made once
    assert list(table.items()) == [(code, table[code]) for code, _ in ROWS]
    assert list(table.values()) == [table[code] for code, _ in ROWS]


def test_threads_reading_one_part_share_its_records() -> None:
    table = ChunkedTable(split_rows(ROWS), lambda row: [row[1]])  # a new object per make
    found: list[object] = []
    threads = [threading.Thread(target=lambda: found.append(table["97411"])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(record) for record in found}) == 1


@pytest.mark.slow
def test_the_ready_form_says_what_the_whole_data_say() -> None:
    geo = load_geography()
    communes = list(geo.communes.values())
    assert len(communes) == 35014 and [c.code for c in communes] == sorted(c.code for c in communes)
    assert len(geo.arrondissements["75056"]) == 20 and len(geo.arrondissements["13055"]) == 16
    assert all(geo.communes[code].commune_parente == parent
               for parent, codes in geo.arrondissements.items() for code in codes)
    for departement in ("31", "2A", "974"):
        total = sum(c.population or 0 for c in communes
                    if c.departement == departement and c.commune_parente is None)
        assert geo.population_of("departement", departement) == total
    assert geo.population_of("region", "76") == sum(
        c.population or 0 for c in communes if c.region == "76" and not c.commune_parente)


@pytest.mark.slow
def test_a_build_reads_the_communes_and_outlines_of_its_territory_only(tmp_path: Path) -> None:
    load_geography.cache_clear()
    load_outlines.cache_clear()
    try:
        project = generate_project(example("pays-tolosan"), tmp_path / "p").path
        kit = render_kit_pages(project, load_knowledge())
        assert kit.place is not None
        parts = {part_of(c.code) for c in kit.place.resolved.communes}
        assert "31" in parts and load_geography().communes.parts_read == parts
        assert load_outlines().communes.parts_read == parts  # type: ignore[attr-defined]
    finally:
        load_geography.cache_clear()
        load_outlines.cache_clear()


@pytest.mark.slow
def test_a_ready_form_made_by_other_code_is_not_read_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENVIRONMENT, str(tmp_path / "cache"))
    calls: list[str] = []

    def ready(payload: Any) -> Any:
        calls.append("fait")
        return ready_form(payload)

    def read() -> Geography:
        return Geography(geography.read_shipped_data(
            "geographie.json.gz", what="Données", script="x", ready=ready))

    assert read().communes["31555"].nom == "Toulouse"
    assert read().communes["31555"].nom == "Toulouse" and calls == ["fait"]  # from the cache
    monkeypatch.setattr(geography, "_code_of", lambda _: b"un autre code")
    read()
    assert calls == ["fait", "fait"]
