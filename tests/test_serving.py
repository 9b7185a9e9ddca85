"""Running the form: waitress in production, werkzeug locally, the WSGI entry point, the rate
limit's storage, and a PostgreSQL register behind the form."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask")
pytest.importorskip("flask_limiter")

from ecopole_kit.errors import FormUnavailable
from ecopole_kit.requests.register import Register
from ecopole_kit.web.intake import create_app
from ecopole_kit.web.serving import application
from tests.test_intake import VALID, token

ENGLISH = ("Serving on", "Press CTRL+C", "Running on", "WARNING", "development server",
           "Traceback")


@pytest.mark.slow
def test_the_wsgi_entry_point_reads_its_settings_from_the_environment(tmp_path: Path) -> None:
    app = application({"ECOPOLE_KIT_REGISTRE": str(tmp_path / "demandes.sqlite"),
                       "ECOPOLE_KIT_SECRET": "une-cle-partagee-par-les-processus",
                       "ECOPOLE_KIT_NOMS_PUBLICS": "demandes.exemple.fr, formulaire.exemple.fr",
                       "ECOPOLE_KIT_PROXYS": "1", "ECOPOLE_KIT_CONSERVATION": "90"})
    assert app.secret_key == b"une-cle-partagee-par-les-processus"
    assert {"demandes.exemple.fr", "formulaire.exemple.fr"} <= set(app.config["TRUSTED_HOSTS"])
    client = app.test_client()
    page = client.get("/", headers={"Host": "demandes.exemple.fr"})
    assert page.status_code == 200 and "conservées 90 jours" in page.get_data(as_text=True)
    assert client.get("/", headers={"Host": "ailleurs.exemple.org"}).status_code == 400
    behind = client.get("/", headers={"Host": "127.0.0.1", "X-Forwarded-Host":
                                      "demandes.exemple.fr", "X-Forwarded-Proto": "https"})
    assert behind.status_code == 200  # one trusted proxy: its X-Forwarded-Host is believed


def test_a_bad_setting_of_the_entry_point_is_said_in_french(tmp_path: Path) -> None:
    with pytest.raises(FormUnavailable, match=r"\$ECOPOLE_KIT_PROXYS : « deux » n'est pas un "
                                              "nombre entier positif"):
        application({"ECOPOLE_KIT_REGISTRE": str(tmp_path / "d.sqlite"),
                     "ECOPOLE_KIT_PROXYS": "deux"})


@pytest.mark.parametrize("uri", ["nulle-part://camille:motdepasse@hote:1",
                                 "redis+inconnu://camille:motdepasse@hote:6379"])
def test_an_unusable_rate_storage_is_refused_without_its_password(tmp_path: Path,
                                                                  uri: str) -> None:
    with pytest.raises(FormUnavailable) as caught:
        create_app(tmp_path / "d.sqlite", secret_key=b"k" * 32, rate_storage=uri)
    message = str(caught.value)
    assert "Stockage de la limite d'envois" in message and "inutilisable" in message
    assert "motdepasse" not in message and "memory://" in message


@pytest.mark.slow
def test_the_rate_limit_counts_in_the_storage_it_is_given(tmp_path: Path) -> None:
    app = create_app(tmp_path / "d.sqlite", secret_key=b"k" * 32, rate_limit="2 per minute",
                     rate_storage="memory://")
    client = app.test_client()
    codes = [client.post("/", data={**VALID, "csrf_token": token(client)}).status_code
             for _ in range(3)]
    assert codes == [303, 303, 429]


@pytest.mark.slow
@pytest.mark.postgresql
def test_the_form_records_into_a_postgresql_register(postgres_url: str) -> None:
    client = create_app(postgres_url, secret_key=b"k" * 32).test_client()
    response = client.post("/", data={**VALID, "csrf_token": token(client)})
    assert response.status_code == 303
    [request] = Register(postgres_url).list()
    assert request.source == "formulaire" and request.nom == "Camille Martin"
    assert request.territoire_texte == "Paimpont (35), CC Brocéliande Communauté"


# The servers, for real --------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _started(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    command = [sys.executable, "-m", "ecopole_kit", "requests", "--registre",
               str(tmp_path / "demandes.sqlite"), "serve", "--port", str(port), *options]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, cwd=tmp_path, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server, port
        time.sleep(0.1)
    server.kill()
    raise AssertionError(f"le formulaire n'a pas démarré : {server.communicate()[0]}")


def _stopped(server: subprocess.Popen[str]) -> str:
    server.send_signal(signal.SIGTERM)
    output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    return output


def _submit(port: int) -> int:
    """A person's visit: the form, then a valid request, through a real HTTP client."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                         _NoRedirect())
    page = opener.open(f"http://127.0.0.1:{port}/", timeout=30).read().decode("utf-8")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found and "Demander le référentiel" in page
    body = urllib.parse.urlencode({**VALID, "csrf_token": found.group(1)}).encode()
    try:
        opener.open(f"http://127.0.0.1:{port}/", data=body, timeout=30)
    except urllib.error.HTTPError as answer:
        return int(answer.code)
    return 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.mark.slow
@pytest.mark.parametrize(("options", "kind"), [
    (("--production", "--fils", "3"), "serveur de production, 3 fils"),
    ((), "serveur local"),
])
def test_the_servers_speak_french_and_record_requests(tmp_path: Path, options: tuple[str, ...],
                                                      kind: str) -> None:
    server, port = _started(tmp_path, *options)
    try:
        assert _submit(port) == 303
    finally:
        output = _stopped(server)
    assert f"Formulaire sur http://127.0.0.1:{port}/ ({kind}) — Ctrl-C pour arrêter." in output
    assert output.rstrip().endswith("Formulaire arrêté.")
    for english in ENGLISH:
        assert english not in output, output
    if not options:  # the local server logs each request, never the client's address
        assert '"POST /" 303' in output and "127.0.0.1 -" not in output
    [request] = Register(tmp_path / "demandes.sqlite").list()
    assert request.nom == "Camille Martin" and request.source == "formulaire"
