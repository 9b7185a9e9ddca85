"""Staff commands for requests, through the CLI: from an e-mail or a file to a sent package."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from ecopole_kit.foundation.french import french_datetime
from ecopole_kit.site.request_mail import mailto
from tests.conftest import pdf_pages, stand_in_package

MOTIVATION = ("Notre association porte un jardin d'insertion et souhaite, avec la communauté "
              "de communes, créer un pôle alimentaire territorial pour les habitants.")


def _eml_from_the_site(tmp_path: Path, consent: str = "oui", name: str = "demande.eml") -> Path:
    """The e-mail a person sends after following the site's prefilled link."""
    query = parse_qs(urlparse(mailto("demandes@exemple.fr")).query)
    body = (query["body"][0].replace("Nom : ", "Nom : Camille Martin")
            .replace("Organisation : ", "Organisation : Les Jardins du Val")
            .replace("Territoire : ", "Territoire : 246200844")
            .replace("\n\n\n\n", f"\n\n{MOTIVATION}\n\n").rstrip() + f" {consent}\n")
    raw = ("From: =?utf-8?q?Camille_Martin?= <camille@exemple.fr>\n"
           f"Subject: {query['subject'][0]}\nDate: Mon, 03 Jun 2024 10:15:00 +0200\n"
           "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
           f"Content-Transfer-Encoding: 8bit\n\n{body}")
    path = tmp_path / name
    path.write_bytes(raw.encode("utf-8"))
    return path


def _run(run_cli, *args: str, input: str | None = None):
    return run_cli("requests", "--registre", "registre.sqlite", "--par", "Dominique", *args,
                   input=input)


@pytest.mark.slow
def test_import_review_refuse_and_history(run_cli, tmp_path: Path) -> None:
    imported = _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    assert imported.exit_code == 0, imported.stderr
    assert "Demande n° 1 enregistrée (reçue)." in imported.output
    listed = _run(run_cli, "list", "--statut", "reçue")
    assert "1  reçue" in listed.output and "Les Jardins du Val" in listed.output
    assert _run(run_cli, "review", "1").exit_code == 0
    refused = _run(run_cli, "refuse", "1", "--motif", "Territoire déjà accompagné")
    assert "Demande n° 1 : refusée." in refused.output
    shown = _run(run_cli, "show", "1").output
    assert "Courriel : camille@exemple.fr" in shown
    sent = datetime(2024, 6, 3, 8, 15, tzinfo=timezone.utc)  # when the e-mail was sent
    assert f"Reçue le : {french_datetime(sent)}" in shown  # in words, in local time
    assert "Territoire : CC de la Région d'Audruicq (intercommunalité, 246200844)" in shown
    assert "par Dominique — Territoire déjà accompagné" in shown
    again = _run(run_cli, "accept", "1")
    assert again.exit_code == 1 and "refusée" in again.stderr
    assert "camille" not in again.stderr.casefold()


@pytest.mark.slow
def test_an_email_without_consent_is_not_recorded(run_cli, tmp_path: Path) -> None:
    result = _run(run_cli, "import", str(_eml_from_the_site(tmp_path, consent="")),
                  str(_eml_from_the_site(tmp_path, name="autre.eml")))
    assert result.exit_code == 1
    assert "Demande n° 1 enregistrée" in result.output  # the valid one goes in
    assert "demande.eml: consentement: le courriel ne dit pas que la personne accepte" \
        in result.stderr
    assert "Camille" not in result.stderr and "camille@" not in result.stderr


def test_add_from_file_reports_lines(run_cli, tmp_path: Path) -> None:
    request = tmp_path / "demande.yaml"
    request.write_text("nom: Alex\norganisation: Mairie\ncourriel: pas-une-adresse\n"
                       f"motivation: {MOTIVATION}\nconsentement: true\n", "utf-8")
    result = _run(run_cli, "add", str(request))
    assert result.exit_code == 1
    assert f"{request}:3: courriel: " in result.stderr
    request.write_text(request.read_text("utf-8").replace("pas-une-adresse", "a@b.fr"), "utf-8")
    assert "Demande n° 1 enregistrée" in _run(run_cli, "add", str(request)).output


@pytest.mark.slow
def test_right_of_access_and_erasure(run_cli, tmp_path: Path) -> None:
    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    exported = json.loads(_run(run_cli, "export", "--courriel", "CAMILLE@exemple.fr").output)
    assert [e["nom"] for e in exported] == ["Camille Martin"]
    purged = _run(run_cli, "purge", "--courriel", "camille@exemple.fr")
    assert "1 demande(s) anonymisée(s)" in purged.output
    shown = _run(run_cli, "show", "1").output
    assert "Camille" not in shown and "Nom : (effacé)" in shown
    assert json.loads(_run(run_cli, "export", "--courriel", "camille@exemple.fr").output) == []


@pytest.mark.slow
def test_expired_data_is_purged(run_cli, tmp_path: Path) -> None:
    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))  # sent in June 2024
    kept = run_cli("requests", "--registre", "registre.sqlite", "--conservation", "3650", "purge")
    assert "0 demande(s)" in kept.output
    # The mail was sent in June 2024, but retention runs from its import (today).
    purged = run_cli("requests", "--registre", "registre.sqlite", "--conservation", "30", "purge")
    assert "0 demande(s) anonymisée(s)" in purged.output


@pytest.mark.slow
def test_unknown_request_and_missing_register_folder(run_cli, tmp_path: Path) -> None:
    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    unknown = _run(run_cli, "show", "42")
    assert unknown.exit_code == 1 and "Demande n° 42 introuvable." in unknown.stderr
    nowhere = run_cli("requests", "--registre", "absent/registre.sqlite", "add", "x.yaml")
    assert nowhere.exit_code == 1
    assert "absent : dossier introuvable ; le registre des demandes ne peut pas y être créé" \
        in nowhere.stderr


@pytest.mark.slow
def test_accept_builds_the_package_and_send_records_it(run_cli, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The steps and the package's folder; a real package is made from the online form
    below, and its PDF and zip are checked in test_package.py."""
    monkeypatch.setattr("ecopole_kit.workflows.requests.build_package", stand_in_package)
    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    accepted = _run(run_cli, "accept", "1", "--motif", "Projet solide")
    assert accepted.exit_code == 0, accepted.stderr
    folder = tmp_path / "envois" / "registre" / "demande-1"
    files = sorted(p.name for p in folder.iterdir())
    assert any(f.endswith(".pdf") for f in files) and any(f.endswith(".zip") for f in files)
    sent = _run(run_cli, "send", "1")
    assert "Demande n° 1 : envoyée." in sent.output
    shown = _run(run_cli, "show", "1").output
    assert "envoi par Dominique" in shown and ".pdf" in shown


@pytest.mark.slow
def test_from_the_online_form_to_the_package(run_cli, tmp_path: Path) -> None:

    from ecopole_kit.web.intake import create_app
    from tests.test_intake import VALID, token

    client = create_app(tmp_path / "registre.sqlite", secret_key=b"k" * 32).test_client()
    response = client.post("/", data={**VALID, "territoire_texte": "Audruicq et environs",
                                      "csrf_token": token(client)})
    assert response.status_code == 303
    assert _run(run_cli, "accept", "1").exit_code == 1  # its territory is not tied yet
    assert _run(run_cli, "review", "1", "--territoire", "246200844").exit_code == 0
    assert _run(run_cli, "accept", "1").exit_code == 0
    pdf = next((tmp_path / "envois" / "registre" / "demande-1").glob("*.pdf"))
    text = "".join(pdf_pages(pdf)[:3])
    assert "Camille Martin" in text and "Territoire : CC de la Région d'Audruicq" in text
    assert "246200844" not in text
    assert "Demande n° 1 : envoyée." in _run(run_cli, "send", "1").output


@pytest.mark.slow
def test_the_same_email_is_not_recorded_twice(run_cli, tmp_path: Path) -> None:
    message = str(_eml_from_the_site(tmp_path))
    _run(run_cli, "import", message)
    again = _run(run_cli, "import", message)
    assert again.exit_code == 1
    assert "déjà enregistrée (demande n° 1)" in again.stderr
    assert "2 " not in _run(run_cli, "list").output.splitlines()[-1][:6]


def test_an_unknown_territory_code_is_refused_on_arrival(run_cli, tmp_path: Path) -> None:
    request = tmp_path / "demande.yaml"
    request.write_text("nom: Alex\norganisation: Mairie\ncourriel: a@b.fr\n"
                       "territoire: {type: epci, codes: ['200034958']}\n"
                       f"motivation: {MOTIVATION}\nconsentement: true\n", "utf-8")
    result = _run(run_cli, "add", str(request))
    assert result.exit_code == 1
    assert "territoire.codes[0]: code inconnu « 200034958 »" in result.stderr


@pytest.mark.slow
def test_a_failed_package_leaves_the_request_as_it_was(run_cli, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from ecopole_kit.errors import EcopoleError

    def broken(*args: object, **kwargs: object) -> None:
        raise EcopoleError("Moteur PDF absent.")

    monkeypatch.setattr("ecopole_kit.workflows.requests.build_package", broken)
    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    failed = _run(run_cli, "accept", "1")
    assert failed.exit_code == 1 and "Moteur PDF absent." in failed.stderr
    assert "1  reçue" in _run(run_cli, "list").output


def test_accept_tells_the_package_steps_to_the_terminal(
        run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecopole_kit.cli import console

    told: list[str] = []
    monkeypatch.setattr(console, "status", lambda text, **_: told.append(text))

    def fake(applicant: object, folder: Path, *, on_step: Callable[[str], None],
             **_: object) -> None:
        on_step("mise en page du PDF, page 7")
        (folder / "referentiel.pdf").write_bytes(b"%PDF")

    monkeypatch.setattr("ecopole_kit.workflows.requests.build_package", fake)
    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    assert _run(run_cli, "accept", "1").exit_code == 0
    assert told == ["Paquet n° 1 : mise en page du PDF, page 7…"]


@pytest.mark.slow
def test_erasure_removes_the_package_too(run_cli, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ecopole_kit.workflows.requests.build_package", stand_in_package)
    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    assert _run(run_cli, "accept", "1").exit_code == 0
    folder = tmp_path / "envois" / "registre" / "demande-1"
    assert folder.is_dir()
    _run(run_cli, "purge", "--courriel", "camille@exemple.fr")
    assert not folder.exists()


@pytest.mark.slow
def test_requests_serve_runs_the_form_on_localhost(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    from tests.test_commands_slow import _fetch

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "ecopole_kit", "requests", "--registre", "r.sqlite", "serve",
         "--port", str(port), "--contact", "donnees@exemple.fr"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        import time

        page = _fetch(f"http://127.0.0.1:{port}/", time.monotonic() + 30)
        assert 'name="csrf_token"' in page and '<html lang="fr">' in page
        assert "donnees@exemple.fr" in page
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)
    assert "Formulaire arrêté." in output


def test_the_same_email_twice_in_one_import_is_recorded_once(run_cli, tmp_path: Path) -> None:
    message = str(_eml_from_the_site(tmp_path))
    result = _run(run_cli, "import", message, message)
    assert result.exit_code == 1
    assert "Demande n° 1 enregistrée" in result.output
    assert "déjà enregistrée (demande n° 1)" in result.stderr
    assert "Demande n° 2" not in result.output


def test_an_unreadable_email_is_named_once(run_cli, tmp_path: Path) -> None:
    broken = tmp_path / "sans-expediteur.eml"
    broken.write_bytes(b"Subject: Demande\n\nbonjour\n")
    result = _run(run_cli, "import", str(broken))
    assert result.exit_code == 1
    line = next(line for line in result.stderr.splitlines() if "courriel illisible" in line)
    assert line.count("sans-expediteur.eml") == 1 and "From" in line


@pytest.mark.slow
def test_the_terminal_never_receives_control_sequences(run_cli, tmp_path: Path) -> None:
    """Whatever the register holds (an older version, a hand edit), staff see it escaped."""
    import sqlite3

    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    with sqlite3.connect(tmp_path / "registre.sqlite") as conn:
        conn.execute("UPDATE requests SET nom = ?, organisation = ?",
                     ("Camille\x1b[2J\x1b]0;pirate\x07", "Jardins\u202etxet\r\x9b31m"))
        conn.execute("UPDATE events SET reason = ?", ("motif\x1b[31m rouge",))
    for command in (("show", "1"), ("list",), ("export",)):
        shown = _run(run_cli, *command)
        assert shown.exit_code == 0, shown.stderr
        for raw in ("\x1b", "\x07", "\u202e", "\r", "\x9b"):
            assert raw not in shown.output, (command, raw)
    shown = _run(run_cli, "show", "1").output
    assert "Camille\\u001b[2J\\u001b]0;pirate\\u0007" in shown
    assert "Jardins\\u202etxet\\u000d\\u009b31m" in shown
    exported = json.loads(_run(run_cli, "export").output)  # escapes stay valid JSON
    assert exported[0]["nom"] == "Camille\x1b[2J\x1b]0;pirate\x07"


@pytest.mark.slow
def test_an_empty_address_filters_nothing_out(run_cli, tmp_path: Path) -> None:
    """``--courriel ""`` (an unset variable) never exports nor erases everyone."""
    _run(run_cli, "import", str(_eml_from_the_site(tmp_path)))
    for command in ("export", "purge"):
        result = _run(run_cli, command, "--courriel", "  ")
        assert result.exit_code == 1, command
        assert "adresse" in result.stderr and "Camille" not in result.output
    assert "Camille Martin" in _run(run_cli, "show", "1").output


def _eml_with_territory(tmp_path: Path, territory: str) -> Path:
    path = _eml_from_the_site(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"246200844", territory.encode("utf-8")))
    return path


PAIMPONT = "Paimpont (35), CC Brocéliande Communauté"


@pytest.mark.slow
def test_a_territory_in_words_is_kept_then_tied_at_review(run_cli, tmp_path: Path) -> None:
    imported = _run(run_cli, "import", str(_eml_with_territory(tmp_path, PAIMPONT)))
    assert imported.exit_code == 0, imported.stderr
    shown = _run(run_cli, "show", "1").output
    assert (f"Territoire : « {PAIMPONT} » (codes à rattacher : ecopole-kit requests review 1)"
            in shown)
    early = _run(run_cli, "accept", "1")
    assert early.exit_code == 1
    assert "nomme son territoire sans codes officiels rattachés" in early.stderr
    assert "ecopole-kit requests review 1" in early.stderr and "--sans-territoire" in early.stderr
    # Two kinds at once are refused, the question is asked again, a code is then typed.
    reviewed = _run(run_cli, "review", "1", input="1, 35\n243500618\n")
    assert reviewed.exit_code == 0, reviewed.stderr
    out = reviewed.output
    assert "Demande n° 1 : en examen." in out
    assert f"Territoire écrit par la personne : « {PAIMPONT} »" in out
    assert "« Paimpont (35) »" in out and "« CC Brocéliande Communauté »" in out
    assert "1. Paimpont — commune · Ille-et-Vilaine (35)" in out and "(35211)" in out
    assert "Choisissez des communes, des intercommunalités, les deux ensemble" in out
    assert "Recommencez." in out
    assert ("Demande n° 1 : territoire rattaché, CC Brocéliande Communauté (intercommunalité, "
            "243500618).") in out
    shown = _run(run_cli, "show", "1").output
    assert ("Territoire : CC Brocéliande Communauté (intercommunalité, 243500618), écrit "
            f"« {PAIMPONT} »") in shown
    assert "en examen   par Dominique — Territoire rattaché : CC Brocéliande" in shown
    again = _run(run_cli, "review", "1")
    assert again.exit_code == 1 and "elle l'est déjà" in again.stderr
    corrected = _run(run_cli, "review", "1", "--territoire", "35211")  # a wrong tie, corrected
    assert "territoire rattaché, Paimpont (commune, 35211)" in corrected.output
    assert "Demande n° 1 : en examen." not in corrected.output  # it already was


@pytest.mark.slow
def test_a_territory_can_be_left_for_later(run_cli, tmp_path: Path) -> None:
    _run(run_cli, "import", str(_eml_with_territory(tmp_path, "là où coule la rivière")))
    later = _run(run_cli, "review", "1", input="\n")
    assert later.exit_code == 0
    assert "aucun territoire officiel trouvé sous ce nom" in later.output or "1. " in later.output
    assert "Territoire laissé à rattacher ; plus tard : ecopole-kit requests review 1" \
        in later.output
    again = _run(run_cli, "review", "1", "--territoire", "99999")  # still « en examen »: asked
    assert again.exit_code == 1
    assert "Code « 99999 » inconnu" in again.stderr
    tied = _run(run_cli, "review", "1", "--territoire", "35211, 35227")
    assert ("territoire rattaché, Paimpont et Pleumeleuc (plusieurs communes, 35211, 35227)"
            in tied.output)


@pytest.mark.slow
def test_unknown_codes_in_a_mail_keep_the_request(run_cli, tmp_path: Path) -> None:
    imported = _run(run_cli, "import", str(_eml_with_territory(tmp_path, "99999")))
    assert imported.exit_code == 0 and "Demande n° 1 enregistrée" in imported.output
    exported = json.loads(_run(run_cli, "export").output)
    assert exported[0]["territoire_texte"] == "99999" and exported[0]["territoire"] is None


@pytest.mark.slow
def test_a_package_without_a_tied_territory_keeps_the_applicant_words(run_cli,
                                                                      tmp_path: Path) -> None:

    _run(run_cli, "import", str(_eml_with_territory(tmp_path, PAIMPONT)))
    accepted = _run(run_cli, "accept", "1", "--sans-territoire")
    assert accepted.exit_code == 0, accepted.stderr
    pdf = next((tmp_path / "envois" / "registre" / "demande-1").glob("*.pdf"))
    pages = pdf_pages(pdf)
    cover = " ".join(pages[0].split())
    assert f"Territoire : {PAIMPONT}" in cover.replace("\u202f", " ")
    assert "Diagnostic : nourrir" not in " ".join(pages)
