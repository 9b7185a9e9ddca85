"""A register in PostgreSQL: the commands on a real server, its errors, the copy both ways,
and SQLite registers of the previous version migrated forward.

The server is the session's throwaway cluster (``tests/pg_server.py``); the tests that need
it are marked ``postgresql`` (and ``slow``); those about a bad address or a server that is
down need none.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from ecopole_kit.errors import RegisterUnavailable, StepNotAllowed
from ecopole_kit.requests.register import Register
from ecopole_kit.requests.schema import LATEST
from tests.conftest import stand_in_package
from tests.pg_server import PASSWORD, PASSWORD_ROLE
from tests.test_register import person
from tests.test_requests_cli import MOTIVATION, _eml_from_the_site

pytest.importorskip("psycopg", reason="module psycopg absent (extra « postgresql »)")
on_postgresql = [pytest.mark.slow, pytest.mark.postgresql]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _requests(run_cli: Any, register: str, *args: str, input: str | None = None) -> Any:
    return run_cli("requests", "--registre", register, "--par", "Dominique", *args, input=input)


# Errors, in French, without the password --------------------------------------------------

@pytest.mark.parametrize(("url", "said"), [
    ("postgresql://camille:motdepasse@127.0.0.1:notaport/base", "port illisible"),
    ("postgresql://camille:motdepasse@127.0.0.1:99999/base", "port illisible"),
    ("postgresql://camille:motdepasse@[::1/base", "hôte illisible"),
    ("postgresql://camille:motdepasse@[bad", "hôte illisible"),
    ("postgresql://camille:motdepasse@/base", "hôte absent"),
    ("postgresql://camille:motdepasse@127.0.0.1:5432", "nom de la base absent"),
    ("mysql://camille:motdepasse@127.0.0.1/base", "Adresse de registre « mysql://… » non "
     "reconnue"),
])
def test_a_bad_address_is_said_without_its_password(run_cli: Any, url: str, said: str) -> None:
    result = _requests(run_cli, url, "list")
    assert result.exit_code == 1
    assert said in result.stderr and "Traceback" not in result.stderr
    assert "motdepasse" not in result.stderr + result.output


def test_a_server_that_is_down_is_said_without_the_password(run_cli: Any) -> None:
    url = f"postgresql://camille:motdepasse@127.0.0.1:{_free_port()}/registre"
    result = _requests(run_cli, url, "list")
    assert result.exit_code == 1
    assert "serveur injoignable" in result.stderr
    assert "postgresql://camille@127.0.0.1:" in result.stderr and "/registre" in result.stderr
    assert "motdepasse" not in result.stderr + result.output


def test_the_address_may_come_from_the_environment(run_cli: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECOPOLE_KIT_REGISTRE",
                       f"postgresql://camille:motdepasse@127.0.0.1:{_free_port()}/registre")
    result = run_cli("requests", "list")
    assert result.exit_code == 1 and "serveur injoignable" in result.stderr
    assert "motdepasse" not in result.stderr


@pytest.mark.slow
@pytest.mark.postgresql
def test_a_wrong_password_and_an_unknown_base(run_cli: Any, postgres_url: str) -> None:
    host = postgres_url.split("@", 1)[1].rsplit("/", 1)[0]
    base = postgres_url.rsplit("/", 1)[1]
    wrong = _requests(run_cli, f"postgresql://{PASSWORD_ROLE}:pas-le-bon@{host}/{base}", "list")
    assert wrong.exit_code == 1
    assert f"mot de passe refusé ou absent pour l'utilisateur « {PASSWORD_ROLE} »" in wrong.stderr
    assert "pas-le-bon" not in wrong.stderr
    right = _requests(run_cli, f"postgresql://{PASSWORD_ROLE}:{PASSWORD}@{host}/{base}", "list")
    assert right.exit_code == 0 and right.output == "Aucune demande.\n"
    assert PASSWORD not in right.output + right.stderr
    unknown = _requests(run_cli, f"postgresql://postgres@{host}/absente", "list")
    assert unknown.exit_code == 1 and "base ou utilisateur inconnu" in unknown.stderr


# The commands on a real server ------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.postgresql
def test_every_command_works_on_postgresql(run_cli: Any, tmp_path: Path,
                                           postgres_url: str) -> None:
    imported = _requests(run_cli, postgres_url, "import", str(_eml_from_the_site(tmp_path)))
    assert imported.exit_code == 0, imported.stderr
    request = tmp_path / "demande.yaml"
    request.write_text("nom: Alex Dupont\norganisation: Mairie\ncourriel: alex@exemple.fr\n"
                       f"motivation: {MOTIVATION}\nconsentement: true\n", "utf-8")
    assert "Demande n° 2 enregistrée" in _requests(run_cli, postgres_url, "add",
                                                   str(request)).output
    listed = _requests(run_cli, postgres_url, "list").output
    assert "1  reçue" in listed and "2  reçue" in listed
    assert _requests(run_cli, postgres_url, "review", "2").exit_code == 0
    refused = _requests(run_cli, postgres_url, "refuse", "2", "--motif", "Hors réseau")
    assert "Demande n° 2 : refusée." in refused.output
    shown = _requests(run_cli, postgres_url, "show", "1").output
    assert "Territoire : CC de la Région d'Audruicq (intercommunalité, 246200844)" in shown
    exported = json.loads(_requests(run_cli, postgres_url, "export", "--courriel",
                                    "ALEX@exemple.fr").output)
    assert [e["statut"] for e in exported] == ["refusée"]
    purged = _requests(run_cli, postgres_url, "purge", "--courriel", "alex@exemple.fr")
    assert "1 demande(s) anonymisée(s)" in purged.output
    assert "Nom : (effacé)" in _requests(run_cli, postgres_url, "show", "2").output


@pytest.mark.slow
@pytest.mark.postgresql
def test_accept_and_send_on_postgresql(run_cli: Any, tmp_path: Path, postgres_url: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The steps and the package's folder on a PostgreSQL register; the package itself is
    the same as on SQLite (its PDF is checked in test_package.py and test_requests_cli.py)."""
    monkeypatch.setattr("ecopole_kit.workflows.requests.build_package", stand_in_package)
    _requests(run_cli, postgres_url, "import", str(_eml_from_the_site(tmp_path)))
    accepted = _requests(run_cli, postgres_url, "accept", "1")
    assert accepted.exit_code == 0, accepted.stderr
    folder = tmp_path / "envois" / postgres_url.rsplit("/", 1)[1] / "demande-1"
    assert sorted(p.suffix for p in folder.iterdir()) == [".pdf", ".zip"]
    sent = _requests(run_cli, postgres_url, "send", "1")
    assert "Demande n° 1 : envoyée." in sent.output


@pytest.mark.slow
@pytest.mark.postgresql
def test_two_staff_accepting_one_request_at_once(postgres_url: str) -> None:
    register = Register(postgres_url)
    request = register.add(person(), by="x", source="saisie")
    outcomes: list[str] = []

    def accept(who: str) -> None:
        try:
            Register(postgres_url).accept(request.id, by=who)
            outcomes.append("acceptée")
        except StepNotAllowed:
            outcomes.append("refusée")

    threads = [threading.Thread(target=accept, args=(f"agent {n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["acceptée", "refusée", "refusée", "refusée"]
    assert [e.status for e in register.get(request.id).events] == ["reçue", "acceptée"]


# Copy both ways ---------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.postgresql
def test_migrate_copies_both_ways_and_refuses_a_filled_target(
        run_cli: Any, tmp_path: Path, postgres_url: str) -> None:
    sqlite = tmp_path / "registre.sqlite"
    source = Register(sqlite)
    first = source.add(person(), by="x", source="courriel")
    source.review(first.id, by="Inès")
    source.refuse(first.id, by="Inès", reason="Hors réseau")
    words = {key: value for key, value in person(nom="Alex Dupont", courriel="alex@exemple.fr",
                                                 territoire_texte="Paimpont (35)").items()
             if key != "territoire"}
    second = source.add(words, by="x", source="formulaire")
    copied = _requests(run_cli, str(sqlite), "migrate", "--vers", postgres_url)
    assert copied.exit_code == 0, copied.stderr
    assert ("2\u00a0demandes copiées et 4\u00a0étapes d’historique de "
            f"{sqlite} vers {postgres_url}.") in copied.output
    target = Register(postgres_url)
    assert [r.as_dict() for r in target.list()] == [r.as_dict() for r in source.list()]
    assert target.add(person(), by="x", source="saisie").id == second.id + 1  # ids go on
    again = _requests(run_cli, str(sqlite), "migrate", "--vers", postgres_url)
    assert again.exit_code == 1
    assert "ce registre n'est pas vide (il contient des demandes) ; rien n'a été copié" \
        in again.stderr
    back = tmp_path / "retour.sqlite"
    returned = _requests(run_cli, postgres_url, "migrate", "--vers", str(back))
    assert "3\u00a0demandes copiées et 5\u00a0étapes d’historique" in returned.output
    assert [r.as_dict() for r in Register(back).list()] == [r.as_dict() for r in target.list()]


@pytest.mark.slow
def test_migrate_refuses_its_own_register(run_cli: Any, tmp_path: Path) -> None:
    Register(tmp_path / "registre.sqlite").add(person(), by="x", source="saisie")
    result = _requests(run_cli, "registre.sqlite", "migrate", "--vers", "registre.sqlite")
    assert result.exit_code == 1 and "c'est le registre d'origine" in result.stderr
    filled = tmp_path / "autre.sqlite"
    Register(filled).add(person(), by="x", source="saisie")
    refused = _requests(run_cli, "registre.sqlite", "migrate", "--vers", str(filled))
    assert refused.exit_code == 1 and "n'est pas vide" in refused.stderr
    assert len(Register(filled).list()) == 1


# A register of the previous version (0.2: SQLite, PRAGMA user_version = 1) ----------------

SCHEMA_0_2 = (
    """CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY AUTOINCREMENT,
        nom TEXT, organisation TEXT, courriel TEXT, courriel_cle TEXT, territoire TEXT,
        motivation TEXT, consentement INTEGER NOT NULL, recue_le TEXT NOT NULL,
        source TEXT NOT NULL, statut TEXT NOT NULL, anonymise INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS requests_courriel ON requests (courriel_cle)",
    """CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id INTEGER NOT NULL REFERENCES requests (id), statut TEXT NOT NULL,
        actor TEXT NOT NULL, at TEXT NOT NULL, reason TEXT, files TEXT)""",
    "CREATE INDEX IF NOT EXISTS events_request ON events (request_id)",
    "PRAGMA user_version = 1",
)


def _register_0_2(path: Path) -> None:
    """A register as ecopole-kit 0.2 wrote it: two requests, one sent."""
    with sqlite3.connect(path) as conn:
        for statement in SCHEMA_0_2:
            conn.execute(statement)
        for n, status in ((1, "reçue"), (2, "envoyée")):
            conn.execute("INSERT INTO requests (nom, organisation, courriel, courriel_cle, "
                         "territoire, motivation, consentement, recue_le, source, statut) "
                         "VALUES (?, 'Mairie', ?, ?, ?, ?, 1, ?, 'courriel', ?)",
                         (f"Personne {n}", f"p{n}@exemple.fr", f"p{n}@exemple.fr",
                          '{"type": "epci", "codes": ["246200844"]}', MOTIVATION,
                          f"2024-06-0{n}T10:00:00+00:00", status))
            conn.execute("INSERT INTO events (request_id, statut, actor, at) VALUES "
                         "(?, 'reçue', 'Inès', ?)", (n, f"2024-06-0{n}T10:00:00+00:00"))
        conn.execute("INSERT INTO events (request_id, statut, actor, at, files) VALUES "
                     "(2, 'envoyée', 'Inès', '2024-06-03T10:00:00+00:00', '[\"r.pdf\"]')")


def test_a_register_of_the_previous_version_migrates_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "demandes.sqlite"
    _register_0_2(path)
    register = Register(path)
    first, sent = register.list()
    assert (first.nom, first.courriel, first.statut) == ("Personne 1", "p1@exemple.fr", "reçue")
    assert first.territoire == {"type": "epci", "codes": ["246200844"]}
    assert first.territoire_texte is None and first.motivation == MOTIVATION
    assert sent.envois[0].files == ("r.pdf",) and sent.statut == "envoyée"
    assert register.add(person(territoire_texte="Paimpont (35)"), by="x",
                        source="saisie").id == 3
    with sqlite3.connect(path) as conn:
        versions = conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        assert [v for (v,) in versions] == list(range(1, LATEST + 1))
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    Register(path)  # opening again migrates nothing
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == LATEST


def test_a_register_from_a_newer_kit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "demandes.sqlite"
    Register(path)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, '2030-01-01T00:00:00+00:00')",
                     (LATEST + 1,))
    with pytest.raises(RegisterUnavailable, match="version plus récente d'ecopole-kit"):
        Register(path)


@pytest.mark.slow
@pytest.mark.postgresql
def test_the_tables_are_created_once_by_concurrent_first_opens(postgres_url: str) -> None:
    errors: list[str] = []

    def open_it() -> None:
        try:
            Register(postgres_url)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        rows = conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert [v for (v,) in rows] == list(range(1, LATEST + 1))


def test_where_no_server_can_start_the_reason_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import pg_server

    monkeypatch.setenv("PG_BIN", "/nulle/part")
    monkeypatch.setattr(pg_server.shutil, "which", lambda name: None)
    monkeypatch.setattr(pg_server.glob, "glob", lambda pattern: [])
    with pytest.raises(pg_server.Unavailable, match="initdb et pg_ctl introuvables"):
        pg_server.binaries()
