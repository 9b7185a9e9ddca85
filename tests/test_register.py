"""The register of requests: recording, review, decisions, shipment, erasure, several writers.

Every test taking ``register`` or ``location`` runs on SQLite and on a real PostgreSQL server
(``tests/pg_server.py``: one throwaway cluster per session, a new database per test)."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sqlite3
import stat
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from ecopole_kit.errors import (
    EcopoleError,
    InvalidDocuments,
    InvalidRequest,
    RegisterUnavailable,
    RequestNotFound,
    StepNotAllowed,
)
from ecopole_kit.requests.records import Event, Request, Shipment
from ecopole_kit.requests.register import Register
from ecopole_kit.requests.statuses import STATUSES, TRANSITIONS

NAME = "Camille Martin"
EMAIL = "camille.martin@exemple.fr"
ORGANISATION = "Association Les Jardins du Val"
MOTIVATION = ("Notre association porte un jardin d'insertion et souhaite, avec la communauté "
              "de communes, créer un pôle alimentaire territorial : le référentiel nous aiderait.")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")
PERSONAL = (NAME, EMAIL, ORGANISATION, "jardin d'insertion")


def person(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"nom": NAME, "organisation": ORGANISATION, "courriel": EMAIL,
                            "territoire": {"type": "epci", "codes": ["200034957"]},
                            "motivation": MOTIVATION, "consentement": True}
    data.update(changes)
    return data


BACKENDS = ["sqlite", pytest.param("postgresql", marks=[pytest.mark.slow,
                                                         pytest.mark.postgresql])]


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a register lives: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "demandes.sqlite")
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def register(location: str) -> Register:
    return Register(location)


def _sql(register: Register, statement: str, params: tuple[Any, ...] = ()) -> None:
    """Change the tables behind the register's back (``?`` placeholders, either database)."""
    with register.store.transaction(write=True) as conn:
        conn.execute(statement, params)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _assert_private(error: BaseException) -> None:
    texts = [str(error)] + [issue.as_text() for issue in getattr(error, "issues", ())]
    for text in texts:
        for secret in PERSONAL:
            assert secret.casefold() not in text.casefold(), text


# Recording ---------------------------------------------------------------------------------

def test_add_records_the_request_and_a_first_event(register: Register) -> None:
    before = _utc_now()
    request = register.add(person(), by="Inès", source="formulaire")
    assert (request.id, request.nom, request.courriel, request.statut) == (1, NAME, EMAIL, "reçue")
    assert request.territoire == {"type": "epci", "codes": ["200034957"]}
    assert request.consentement is True and request.anonymise is False
    assert request.source == "formulaire" and request.envois == ()
    assert ISO_UTC.match(request.recue_le)
    assert request.events == (Event("reçue", "Inès", request.recue_le, None),)
    assert before <= datetime.fromisoformat(request.recue_le) <= _utc_now()
    assert register.get(request.id) == request


def test_add_without_territory_and_with_spaces_around_values(register: Register) -> None:
    data = person(nom=f"  {NAME} ", courriel=f" {EMAIL}\n")
    del data["territoire"]
    request = register.add(data, by="Inès", source="saisie")
    assert (request.nom, request.courriel, request.territoire) == (NAME, EMAIL, None)


def test_received_at_is_stored_in_utc(register: Register) -> None:
    paris = timezone(timedelta(hours=2))
    aware = register.add(person(), by="x", source="courriel",
                         received_at=datetime(2024, 6, 3, 10, 15, 42, 999, tzinfo=paris))
    naive = register.add(person(), by="x", source="courriel",
                         received_at=datetime(2024, 6, 4, 9, 0))
    assert aware.recue_le == "2024-06-03T08:15:42+00:00"
    assert naive.recue_le == "2024-06-04T09:00:00+00:00"
    # The history (and so the retention) runs from when the kit recorded the request.
    assert aware.events[0].at > "2026"


def test_a_date_header_in_the_future_is_not_believed(register: Register) -> None:
    future = register.add(person(), by="x", source="courriel",
                          received_at=datetime(2199, 1, 1, tzinfo=timezone.utc))
    assert future.recue_le == future.events[0].at < "2199"


def test_an_invalid_request_is_refused_with_every_issue(register: Register) -> None:
    data = person(courriel="camille.martin@@exemple", consentement=False)
    del data["organisation"]
    with pytest.raises(InvalidDocuments) as caught:
        register.add(data, by="Inès", source="courriel")
    messages = [issue.as_text() for issue in caught.value.issues]
    assert len(messages) == 3, messages
    assert all(issue.file == "demande" for issue in caught.value.issues)
    assert any("« organisation » manquant" in m for m in messages)
    assert any(m.startswith("demande: courriel: adresse électronique attendue") for m in messages)
    assert any("consentement" in m for m in messages)
    assert "camille.martin@@exemple" not in "\n".join(messages)
    assert register.list() == []


@pytest.mark.parametrize("call, expected", [
    (lambda r: r.add(person(), by="Inès", source="pigeon"), "Origine « pigeon » inconnue"),
    (lambda r: r.add(person(), by="  ", source="saisie"), "Indiquez qui enregistre"),
], ids=["origine inconnue", "sans auteur"])
def test_add_needs_a_known_source_and_an_author(register: Register,
                                                call: Callable[[Register], Any],
                                                expected: str) -> None:
    with pytest.raises(EcopoleError) as caught:
        call(register)
    assert expected in str(caught.value)
    assert register.list() == []


def test_get_an_unknown_request(register: Register) -> None:
    with pytest.raises(RequestNotFound) as caught:
        register.get(42)
    assert caught.value.request_id == 42
    assert caught.value.message == "Demande n° 42 introuvable."
    assert "ecopole-kit requests list" in (caught.value.hint or "")


def test_list_oldest_first_and_by_status(register: Register) -> None:
    late = register.add(person(), by="x", source="courriel", received_at=datetime(2024, 5, 2))
    early = register.add(person(), by="x", source="courriel", received_at=datetime(2024, 5, 1))
    now = register.add(person(), by="x", source="formulaire")
    register.review(now.id, by="Inès")
    assert [r.id for r in register.list()] == [early.id, late.id, now.id]
    assert [r.id for r in register.list("reçue")] == [early.id, late.id]
    assert [r.id for r in register.list("EN EXAMEN")] == [now.id]
    assert [r.id for r in register.list("recue")] == [early.id, late.id]  # accents optional
    assert register.list("envoyée") == []


def test_list_an_unknown_status(register: Register) -> None:
    with pytest.raises(InvalidRequest) as caught:
        register.list("perdue")
    message = str(caught.value)
    assert "« perdue » inconnu" in message
    assert all(f"« {status} »" in message for status in STATUSES)


# Transitions -------------------------------------------------------------------------------

STEPS: dict[str, Callable[[Register, int], Request]] = {
    "en examen": lambda r, i: r.review(i, by="Inès"),
    "acceptée": lambda r, i: r.accept(i, by="Inès", reason="Projet solide"),
    "refusée": lambda r, i: r.refuse(i, by="Inès", reason="Hors du réseau"),
    "envoyée": lambda r, i: r.record_shipment(i, ["referentiel.pdf"], by="Inès"),
}
PATHS = {"reçue": [], "en examen": ["en examen"], "acceptée": ["acceptée"],
         "refusée": ["refusée"], "envoyée": ["acceptée", "envoyée"]}


def _request_in(register: Register, status: str) -> Request:
    request = register.add(person(), by="Inès", source="saisie")
    for step in PATHS[status]:
        request = STEPS[step](register, request.id)
    assert request.statut == status
    return request


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("target", list(STEPS))
def test_every_transition_allowed_or_refused(register: Register, current: str,
                                             target: str) -> None:
    request = _request_in(register, current)
    if target in TRANSITIONS[current]:
        moved = STEPS[target](register, request.id)
        assert moved.statut == target and moved.events[-1].status == target
        assert len(moved.events) == len(request.events) + 1
        return
    with pytest.raises(EcopoleError) as caught:
        STEPS[target](register, request.id)
    message = caught.value.message
    assert message.startswith(f"La demande n° {request.id} est « {current} »")
    if TRANSITIONS[current]:
        assert all(f"« {allowed} »" in message for allowed in TRANSITIONS[current])
    else:
        assert message.endswith(": plus aucune étape possible.")
    assert register.get(request.id) == request
    _assert_private(caught.value)


def test_a_refusal_needs_a_reason(register: Register) -> None:
    request = _request_in(register, "en examen")
    for reason in ("", "   "):
        with pytest.raises(EcopoleError, match="motif est obligatoire"):
            register.refuse(request.id, by="Inès", reason=reason)
    assert register.get(request.id).statut == "en examen"
    refused = register.refuse(request.id, by="Inès", reason="  Territoire hors réseau  ")
    assert refused.events[-1].reason == "Territoire hors réseau"


@pytest.mark.slow
def test_a_shipment_only_after_acceptance(register: Register) -> None:
    request = _request_in(register, "reçue")
    with pytest.raises(EcopoleError) as caught:
        register.record_shipment(request.id, ["referentiel.pdf"], by="Inès")
    assert "« reçue »" in str(caught.value) and "« envoyée »" not in caught.value.message[:40]
    register.accept(request.id, by="Inès")
    with pytest.raises(EcopoleError, match="au moins un fichier"):
        register.record_shipment(request.id, [], by="Inès")
    sent = register.record_shipment(request.id, ["referentiel.pdf", "site.zip"], by="Luc")
    assert sent.statut == "envoyée"
    assert sent.envois == (Shipment(("referentiel.pdf", "site.zip"), "Luc", sent.events[-1].at),)
    assert sent.events[-1] == Event("envoyée", "Luc", sent.envois[0].at, None)


def test_events_record_who_when_and_why(register: Register) -> None:
    request = register.add(person(), by="Formulaire", source="formulaire")
    before = _utc_now()
    register.review(request.id, by="Luc")
    accepted = register.accept(request.id, by="Inès", reason="Projet solide")
    after = _utc_now()
    assert [(e.status, e.by, e.reason) for e in accepted.events] == [
        ("reçue", "Formulaire", None), ("en examen", "Luc", None),
        ("acceptée", "Inès", "Projet solide")]
    for event in accepted.events[1:]:
        assert ISO_UTC.match(event.at)
        assert before <= datetime.fromisoformat(event.at) <= after
    with pytest.raises(EcopoleError, match="qui enregistre"):
        register.refuse(request.id, by="", reason="x")


# Personal data -----------------------------------------------------------------------------

@pytest.mark.slow
def test_export_person_gives_every_request_of_an_address(register: Register) -> None:
    first = register.add(person(), by="x", source="courriel")
    register.add(person(courriel="autre@exemple.fr", nom="Dominique Autre"), by="x",
                 source="courriel")
    second = register.add(person(courriel=EMAIL.upper()), by="x", source="formulaire")
    register.accept(second.id, by="Inès", reason="Projet solide")
    exported = register.export_person("  Camille.Martin@Exemple.FR ")
    assert [item["id"] for item in exported] == [first.id, second.id]
    assert json.loads(json.dumps(exported, ensure_ascii=False)) == exported
    assert exported[1]["evenements"][-1] == {"statut": "acceptée", "par": "Inès",
                                             "le": exported[1]["evenements"][-1]["le"],
                                             "motif": "Projet solide"}
    assert exported[0]["courriel"] == EMAIL and exported[0]["envois"] == []
    assert register.export_person("personne@exemple.fr") == []


@pytest.mark.slow
def test_delete_person_erases_personal_fields_and_keeps_history(register: Register) -> None:
    kept = register.add(person(courriel="autre@exemple.fr"), by="x", source="courriel")
    signed = register.add(person(), by=EMAIL, source="formulaire")  # signed by the person
    shipped = _request_in(register, "envoyée")
    history = register.get(shipped.id).events
    assert register.delete_person(EMAIL.title(), by="Luc") == 2
    for request_id in (signed.id, shipped.id):
        erased = register.get(request_id)
        assert erased.anonymise is True
        assert (erased.nom, erased.organisation, erased.courriel, erased.territoire,
                erased.motivation) == (None,) * 5
        assert erased.recue_le and erased.statut in ("reçue", "envoyée")
    erased = register.get(shipped.id)
    assert erased.events[:-1] == history
    assert erased.envois[0].files == ("(effacé).pdf",)  # names may hold the organisation
    assert (erased.envois[0].by, erased.envois[0].at) == (shipped.envois[0].by,
                                                          shipped.envois[0].at)
    assert erased.events[-1].by == "Luc" and "demande de la personne" in str(
        erased.events[-1].reason)
    assert register.get(signed.id).events[0].by == "(effacé)"
    assert register.get(kept.id).nom == NAME
    assert register.export_person(EMAIL) == []
    assert register.delete_person(EMAIL, by="Luc") == 0


def test_erased_data_is_not_left_in_the_files(tmp_path: Path) -> None:
    register = Register(tmp_path / "demandes.sqlite")
    for _ in range(3):
        register.add(person(), by="x", source="courriel")
    assert register.delete_person(EMAIL, by="Luc") == 3
    for path in tmp_path.iterdir():
        content = path.read_bytes()
        assert EMAIL.encode() not in content and NAME.encode() not in content, path.name
        assert b"Jardins du Val" not in content, path.name


def test_an_erased_request_cannot_be_shipped(register: Register) -> None:
    request = _request_in(register, "acceptée")
    register.delete_person(EMAIL, by="Luc")
    with pytest.raises(EcopoleError, match="anonymisée"):
        register.record_shipment(request.id, ["referentiel.pdf"], by="Luc")


def test_purge_expired_after_the_retention(location: str) -> None:
    register = Register(location, retention_days=30)
    old = register.add(person(), by="x", source="courriel", received_at=datetime(2001, 1, 1))
    later = datetime.now(timezone.utc) + timedelta(days=20)
    assert register.purge_expired(now=later) == 0  # a mail's old Date alone decides nothing
    now = datetime.now(timezone.utc) + timedelta(days=31)
    assert register.purge_expired(now=now) == 1
    purged = register.get(old.id)
    assert purged.anonymise and purged.nom is None and purged.recue_le == old.recue_le
    assert "30 jours" in str(purged.events[-1].reason)
    assert register.purge_expired(now=now) == 0


def test_the_last_step_restarts_the_retention(location: str) -> None:
    register = Register(location, retention_days=30)
    reviewed = register.add(person(), by="x", source="courriel")
    _sql(register, "UPDATE events SET at = ?",  # its arrival, 40 days ago
         ((datetime.now(timezone.utc) - timedelta(days=40)).isoformat(),))
    assert register.purge_expired() == 1 and register.get(reviewed.id).anonymise
    fresh = register.add(person(nom="Dominique Autre"), by="x", source="courriel")
    _sql(register, "UPDATE events SET at = ? WHERE request_id = ?",
         ((datetime.now(timezone.utc) - timedelta(days=40)).isoformat(), fresh.id))
    register.review(fresh.id, by="Luc")  # its last event is now
    assert register.purge_expired() == 0 and not register.get(fresh.id).anonymise
    naive_later = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(days=31)
    assert register.purge_expired(now=naive_later) == 1  # naive: taken as UTC
    assert register.get(fresh.id).anonymise


def test_no_personal_data_in_any_error(register: Register, tmp_path: Path) -> None:
    request = register.add(person(), by="x", source="courriel")
    calls: list[Callable[[], Any]] = [
        lambda: register.add(person(courriel=f"{EMAIL}@", nom=f"<{NAME}>",
                                    organisation="\x07" + ORGANISATION), by="x",
                             source="courriel"),
        lambda: register.add(person(motivation="jardin d'insertion"), by="x", source="saisie"),
        lambda: register.refuse(request.id, by="Inès", reason=""),
        lambda: register.record_shipment(request.id, ["x.pdf"], by="Inès"),
        lambda: register.get(request.id + 1),
        lambda: register.delete_person(EMAIL, by=""),
        lambda: register.export_person(""),
    ]
    for call in calls:
        with pytest.raises(EcopoleError) as caught:
            call()
        _assert_private(caught.value)
    register.refuse(request.id, by="Inès", reason="Hors réseau")
    with pytest.raises(EcopoleError) as caught:
        register.accept(request.id, by="Inès")
    _assert_private(caught.value)


# The file ----------------------------------------------------------------------------------

def test_the_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(RegisterUnavailable, match="dossier introuvable"):
        Register(tmp_path / "absent" / "demandes.sqlite")


def test_a_file_that_is_not_a_register(tmp_path: Path) -> None:
    path = tmp_path / "demandes.sqlite"
    path.write_text("nom;courriel\n" * 200, encoding="utf-8")
    with pytest.raises(EcopoleError, match="pas un registre de demandes"):
        Register(path)


def test_the_file_is_private_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "demandes.sqlite"
    Register(path).add(person(), by="x", source="saisie")
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0
    again = Register(path, retention_days=10)
    assert [r.nom for r in again.list()] == [NAME]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_negative_retention_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EcopoleError, match="conservation"):
        Register(tmp_path / "demandes.sqlite", retention_days=-1)


# Several writers at once -------------------------------------------------------------------

def _writer(path: str, worker: int, start: Any, results: Any) -> None:
    """One process: 25 requests, each reviewed then accepted or refused."""
    ids: list[int] = []
    errors: list[str] = []
    try:
        start.wait(timeout=60)
        register = Register(path)
        for index in range(25):
            request = register.add(person(nom=f"Personne {worker}-{index}"), by=f"w{worker}",
                                   source="formulaire")
            register.review(request.id, by=f"w{worker}")
            if index % 2:
                register.accept(request.id, by=f"w{worker}")
            else:
                register.refuse(request.id, by=f"w{worker}", reason="Hors réseau")
            ids.append(request.id)
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
    results.put((ids, errors))


@pytest.mark.slow  # writer processes racing on one register
def test_concurrent_writers_lose_nothing(location: str) -> None:
    path = location
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    results = context.Queue()
    workers = [context.Process(target=_writer, args=(str(path), n, start, results))
               for n in range(4)]
    for process in workers:
        process.start()
    outcomes = [results.get(timeout=180) for _ in workers]
    for process in workers:
        process.join(timeout=30)
    errors = [error for _, found in outcomes for error in found]
    assert errors == []
    ids = [request_id for found, _ in outcomes for request_id in found]
    assert len(ids) == len(set(ids)) == 100
    requests = Register(path).list()
    assert sorted(r.id for r in requests) == sorted(ids)
    assert all([e.status for e in r.events][:2] == ["reçue", "en examen"] for r in requests)
    assert len(Register(path).list("acceptée")) == 48 and len(Register(path).list("refusée")) == 52


def test_a_step_the_status_does_not_allow_is_its_own_failure(register: Register) -> None:
    request = register.add(person(), by="x", source="saisie")
    register.refuse(request.id, by="x", reason="hors réseau")
    with pytest.raises(StepNotAllowed, match="plus aucune étape possible"):
        register.review(request.id, by="x")


def test_a_damaged_row_is_named_and_the_rest_stays_readable(register: Register) -> None:
    damaged = register.add(person(), by="x", source="courriel")
    sound = register.add(person(nom="Dominique Autre"), by="x", source="courriel")
    _sql(register, "UPDATE requests SET territoire = '{pas du json' WHERE id = ?",
         (damaged.id,))
    listed = {r.id: r for r in register.list()}
    assert listed[damaged.id].endommage == ("territoire",)
    assert listed[damaged.id].territoire is None and listed[damaged.id].nom == "Camille Martin"
    assert listed[sound.id].endommage == () and listed[sound.id].territoire is not None
    assert register.get(damaged.id).as_dict()["endommage"] == ["territoire"]
