"""The web form where a person requests the référentiel (Flask test client, tmp register)."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

pytest.importorskip("flask")
pytest.importorskip("flask_wtf")
pytest.importorskip("flask_limiter")

from flask.testing import FlaskClient

from ecopole_kit.models import Issue
from ecopole_kit.requests.register import Register
from ecopole_kit.web.intake import build_record, create_app, field_errors

MOTIVATION = ("Notre association porte un jardin d'insertion et souhaite, avec la communauté "
              "de communes, créer un pôle alimentaire territorial : le référentiel nous aiderait.")
VALID = {
    "nom": "  Camille Martin ",
    "organisation": "Association Les Jardins du Val",
    "courriel": "camille.martin@exemple.fr",
    "territoire_texte": "Paimpont (35), CC Brocéliande Communauté",
    "motivation": MOTIVATION,
    "consentement": "oui",
}
INVALID_TOKEN_PAGE = "Le formulaire a expiré ou n&#39;est pas valide ; rechargez la page"


@pytest.fixture
def register_path(tmp_path: Path) -> Path:
    return tmp_path / "demandes.sqlite"


@pytest.fixture
def client(register_path: Path) -> FlaskClient:
    app = create_app(register_path, secret_key=b"k" * 32, contact="donnees@exemple.fr")
    return app.test_client()


def stored(register_path: Path) -> list[Any]:
    return Register(register_path).list()


def token(client: FlaskClient) -> str:
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', page)
    assert found, "jeton CSRF absent du formulaire"
    return found.group(1)


def post(client: FlaskClient, **fields: str) -> Any:
    return client.post("/", data={"csrf_token": token(client), **fields})


def test_get_shows_the_french_accessible_form(client: FlaskClient) -> None:
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fr">' in page
    assert token(client)
    for name in ("nom", "organisation", "courriel", "territoire_texte", "motivation",
                 "consentement"):
        assert f'<label for="{name}">' in page
        assert f'id="{name}" name="{name}"' in page
    help_text = html.unescape(page.split('id="territoire_texte-aide"')[1].split("</p>")[0])
    assert "Nommez-le comme vous le diriez" in help_text
    assert "«\u00a0Paimpont (35), CC Brocéliande Communauté\u00a0»" in help_text
    assert "L'équipe retrouve ses codes officiels" in help_text
    assert "ecopole-kit" not in page and "INSEE" not in page and "SIREN" not in page
    assert "80 caractères et 12 mots" in page
    assert ("conservées 365 jours puis effacées ; vous pouvez demander l'accès à vos "
            "données ou leur effacement") in html.unescape(page)
    assert "<script" not in page and "http" not in page.split("</head>")[0]


@pytest.mark.slow
def test_valid_post_is_stored_and_thanked(client: FlaskClient, register_path: Path) -> None:
    response = post(client, **VALID)
    assert response.status_code == 303
    assert response.headers["Location"] == "/merci"
    [request] = stored(register_path)
    assert (request.statut, request.source) == ("reçue", "formulaire")
    assert request.nom == "Camille Martin"
    assert request.territoire_texte == "Paimpont (35), CC Brocéliande Communauté"
    assert request.territoire is None  # tied by staff when they review
    assert request.consentement is True
    thanks = client.get("/merci")
    text = thanks.get_data(as_text=True)
    assert thanks.status_code == 200
    assert "Merci" in text and "par courriel" in text and "relit votre demande" in text
    assert "Camille" not in text and "camille" not in text


@pytest.mark.slow
def test_no_personal_data_in_the_thanks_url(client: FlaskClient) -> None:
    response = post(client, **VALID)
    location = response.headers["Location"]
    assert "?" not in location
    for value in ("Camille", "camille", "exemple", "Jardins", "Paimpont"):
        assert value not in location


@pytest.mark.slow
@pytest.mark.parametrize("csrf", [None, "", "faux-jeton", "ImFiYyI.Zz.zz"])
def test_missing_or_wrong_token_is_refused(client: FlaskClient, register_path: Path,
                                           csrf: str | None) -> None:
    client.get("/")  # a session exists: only the token is wrong
    data = dict(VALID) if csrf is None else {**VALID, "csrf_token": csrf}
    response = client.post("/", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert INVALID_TOKEN_PAGE in page
    assert "Camille" not in page and "camille.martin" not in page
    assert stored(register_path) == []


@pytest.mark.slow
def test_token_of_another_session_is_refused(register_path: Path) -> None:
    app = create_app(register_path, secret_key=b"k" * 32)
    foreign = token(app.test_client())
    response = app.test_client().post("/", data={**VALID, "csrf_token": foreign})
    assert response.status_code == 400
    assert stored(register_path) == []


@pytest.mark.slow
@pytest.mark.parametrize(("field", "value", "message"), [
    ("motivation", "Trop court.", "texte trop court (au moins 80 caractères)."),
    ("motivation", "x" * 90, "exposez en quelques phrases la raison ou le projet"),
    ("courriel", "camille.martin@", "adresse électronique attendue"),
    ("consentement", "", "le consentement au traitement des données est nécessaire"),
    ("territoire_texte", "Paimpont\x07", "caractères de contrôle interdits ; retapez le "
     "territoire"),
    ("nom", "", "indiquez votre prénom et votre nom."),
])
def test_bad_input_is_explained_next_to_its_field(
        client: FlaskClient, register_path: Path, field: str, value: str, message: str) -> None:
    response = post(client, **{**VALID, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Erreur : " in page
    block = re.search(rf'<div id="{field}-erreur" class="erreur">(.*?)</div>', page, re.S)
    assert block and message in block.group(1)
    assert f'aria-describedby="{field}-aide {field}-erreur"' in page or \
        f'aria-describedby="{field}-erreur"' in page
    assert stored(register_path) == []


@pytest.mark.slow
def test_values_are_kept_after_an_error(client: FlaskClient, register_path: Path) -> None:
    response = post(client, **{**VALID, "courriel": "pas-une-adresse",
                               "territoire_texte": "31555, 2a004"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="pas-une-adresse"' in page
    assert 'value="Camille Martin"' in page or 'value="  Camille Martin "' in page
    assert 'value="31555, 2a004"' in page
    assert f">{escape(MOTIVATION)}</textarea>" in page
    assert 'value="oui" checked' in page
    assert stored(register_path) == []


@pytest.mark.slow
def test_several_errors_are_all_reported(client: FlaskClient, register_path: Path) -> None:
    response = post(client, nom="C", courriel="x", motivation="court")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("nom", "organisation", "courriel", "motivation", "consentement"):
        assert f'id="{field}-erreur"' in page
        assert f'<a href="#{field}">' in page
    assert stored(register_path) == []


@pytest.mark.slow
def test_hostile_name_is_shown_escaped_and_not_stored(client: FlaskClient,
                                                      register_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    response = post(client, **{**VALID, "nom": hostile})
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # the schema forbids < and > in a name
    assert hostile not in page
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert stored(register_path) == []


@pytest.mark.slow
def test_hostile_text_is_stored_as_typed(client: FlaskClient, register_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    motivation = f"{MOTIVATION} {hostile} {{{{ 7 * 7 }}}}"
    response = post(client, **{**VALID, "organisation": f"Asso {hostile}",
                               "motivation": motivation})
    assert response.status_code == 303
    [request] = stored(register_path)
    assert request.organisation == f"Asso {hostile}"
    assert request.motivation == motivation


def test_hostile_text_is_escaped_when_re_rendered(client: FlaskClient) -> None:
    hostile = '"><script>alert(1)</script>'
    response = post(client, **{**VALID, "organisation": hostile, "consentement": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert hostile not in page and "<script>" not in page
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page


@pytest.mark.slow
def test_body_over_20_kb_is_refused(client: FlaskClient, register_path: Path) -> None:
    response = post(client, **{**VALID, "motivation": "mot " * 7500})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Envoi trop volumineux" in page and "20 ko" in page
    assert stored(register_path) == []


@pytest.mark.slow
def test_more_than_five_posts_a_minute_are_refused(client: FlaskClient,
                                                   register_path: Path) -> None:
    for _ in range(5):
        assert post(client, **{**VALID, "consentement": ""}).status_code == 422
    response = post(client, **VALID)
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Trop d&#39;envois" in page and "patientez" in page
    assert stored(register_path) == []
    assert client.get("/").status_code == 200  # reading the form is not limited
    other = client.post("/", data={**VALID, "csrf_token": token(client)},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 303  # the limit is per address


@pytest.mark.slow
def test_security_headers_on_every_response(client: FlaskClient) -> None:
    responses = [client.get("/"), client.get("/merci"), client.get("/absente"),
                 client.post("/", data={}), post(client, nom="x")]
    for response in responses:
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp.split("style-src")[0]
        assert "'unsafe-eval'" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"


def test_inline_style_matches_its_hash(client: FlaskClient) -> None:
    import base64
    import hashlib

    response = client.get("/")
    style = re.search(r"<style>(.*?)</style>", response.get_data(as_text=True), re.S)
    assert style
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]


def test_error_pages_are_french(client: FlaskClient) -> None:
    missing = client.get("/absente")
    assert missing.status_code == 404 and "Page introuvable" in missing.get_data(as_text=True)
    wrong = client.post("/merci")
    assert wrong.status_code == 405 and "Allow" in wrong.headers
    assert "Action impossible" in wrong.get_data(as_text=True)


@pytest.mark.slow
def test_crash_shows_a_french_page_without_personal_data(
        client: FlaskClient, register_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(self: Register, data: dict[str, Any], **kwargs: Any) -> Any:
        raise RuntimeError(data["courriel"])  # a message that quotes a person's data

    monkeypatch.setattr(Register, "add", broken)
    response = post(client, **VALID)
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Erreur du serveur" in page and "camille" not in page
    assert "RuntimeError" in caplog.text and "camille" not in caplog.text


def test_build_record_trims_and_leaves_out_empty_fields() -> None:
    record = build_record({"nom": " A B ", "organisation": "", "courriel": "a@b.fr",
                           "territoire_texte": "  Paimpont (35),\r\n  CC Brocéliande ",
                           "motivation": "ligne\r\nligne ", "consentement": ""})
    assert record == {"nom": "A B", "courriel": "a@b.fr", "motivation": "ligne\nligne",
                      "territoire_texte": "Paimpont (35), CC Brocéliande"}
    assert "territoire_texte" not in build_record({"territoire_texte": "  "})
    assert build_record({"consentement": "oui"}) == {"consentement": True}


def test_field_errors_place_missing_fields() -> None:
    issues = [
        Issue("demande", None, (), "champ obligatoire « consentement » manquant (Consentement)"),
        Issue("demande", None, ("territoire_texte",), "caractères interdits."),
        Issue("demande", None, (), "autre problème."),
    ]
    errors = field_errors(issues)
    assert list(errors) == ["", "territoire_texte", "consentement"]
    assert errors[""] == ["autre problème."]
    assert errors["territoire_texte"] == ["caractères interdits."]
    assert errors["consentement"][0].startswith("cochez cette case")


def test_generated_secret_key_is_kept_for_the_process(register_path: Path) -> None:
    first = create_app(register_path)
    second = create_app(register_path)
    assert first.secret_key == second.secret_key
    assert isinstance(first.secret_key, bytes) and len(first.secret_key) == 32


def test_retention_and_contact_are_stated(register_path: Path) -> None:
    app = create_app(register_path, retention_days=90, contact="rgpd@exemple.fr")
    page = app.test_client().get("/").get_data(as_text=True)
    assert "conservées 90 jours puis effacées" in page
    assert "rgpd@exemple.fr" in page


@pytest.mark.slow
def test_form_in_a_real_browser(register_path: Path) -> None:
    """Chromium applies the CSP (styled, nothing blocked) and axe finds no violation."""
    import shutil
    import threading

    from werkzeug.serving import make_server

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    if chromium is None:
        pytest.skip("Chromium absent")
    server = make_server("127.0.0.1", 0, create_app(register_path), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium,
                                                 args=["--no-sandbox", "--disable-gpu"])
            _browse(browser.new_page(), f"http://127.0.0.1:{server.server_port}/", axe.Axe())
            browser.close()
    finally:
        server.shutdown()


def _browse(page: Any, url: str, axe: Any) -> None:
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(url)
    assert page.eval_on_selector("button", "b => getComputedStyle(b).backgroundColor") \
        == "rgb(46, 107, 48)"  # the inline style passed the CSP hash
    page.fill("#nom", "Camille Martin")
    page.fill("#organisation", "Asso")
    page.fill("#courriel", "camille@exemple.fr")
    page.fill("#motivation", "court")
    page.evaluate("document.querySelector('form').noValidate = true")
    page.click("button")
    assert page.title().startswith("Erreur : ")
    assert [v["id"] for v in axe.run(page).response["violations"]] == []
    page.fill("#motivation", MOTIVATION)
    page.check("#consentement")
    page.click("button")
    assert page.url.endswith("/merci")
    assert [v["id"] for v in axe.run(page).response["violations"]] == []
    assert blocked == []


def test_missing_flask_extension_is_explained_in_french(
        register_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecopole_kit.errors import EcopoleError

    monkeypatch.setitem(sys.modules, "flask_wtf", None)
    with pytest.raises(EcopoleError, match="Flask-WTF") as raised:
        create_app(register_path)
    assert raised.value.hint and "pip install" in raised.value.hint


def test_unreadable_rate_limit_is_refused_in_french(register_path: Path) -> None:
    from ecopole_kit.errors import EcopoleError

    with pytest.raises(EcopoleError, match="Limite d'envois « cinq par minute » illisible"):
        create_app(register_path, rate_limit="cinq par minute")
    create_app(register_path, rate_limit="2 per second; 20 per hour")


@pytest.mark.slow
def test_a_chunked_body_over_the_limit_is_refused(client: FlaskClient,
                                                  register_path: Path) -> None:
    """Without Content-Length (chunked), the same 20 kB limit and the same French page."""
    import io
    from urllib.parse import urlencode

    body = urlencode({**VALID, "csrf_token": token(client), "motivation": "mot " * 7500})
    response = client.post("/", input_stream=io.BytesIO(body.encode()),
                           content_type="application/x-www-form-urlencoded",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True,
                                              "CONTENT_LENGTH": ""})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.get_data(as_text=True)
    small = urlencode({**VALID, "csrf_token": token(client)})
    accepted = client.post("/", input_stream=io.BytesIO(small.encode()),
                           content_type="application/x-www-form-urlencoded",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert accepted.status_code == 303 and len(stored(register_path)) == 1


@pytest.mark.slow
def test_another_host_header_is_refused(register_path: Path) -> None:
    app = create_app(register_path, secret_key=b"k" * 32, hosts=("demandes.exemple.fr",))
    client = app.test_client()
    assert client.get("/", headers={"Host": "demandes.exemple.fr"}).status_code == 200
    refused = client.get("/", headers={"Host": "pirate.exemple"})
    assert refused.status_code == 400
    assert "rechargez la page" in refused.get_data(as_text=True)


@pytest.mark.slow
def test_behind_a_proxy_each_client_has_its_own_limit(register_path: Path) -> None:
    """With --derriere-proxy 1 the limit follows X-Forwarded-For; without it the header is
    ignored, so nobody can pass for another address."""
    def five_then_one(client: FlaskClient, spoofed: str) -> int:
        for _ in range(5):
            post(client, **{**VALID, "consentement": ""})
        return int(client.post("/", data={**VALID, "csrf_token": token(client)},
                               headers={"X-Forwarded-For": spoofed}).status_code)

    trusting = create_app(register_path, secret_key=b"k" * 32, proxies=1).test_client()
    assert five_then_one(trusting, "198.51.100.9") == 303  # another client behind the proxy
    direct = create_app(register_path, secret_key=b"k" * 32).test_client()
    assert five_then_one(direct, "198.51.100.9") == 429  # the header alone changes nothing


@pytest.mark.slow
def test_a_register_failure_shows_a_french_page_and_logs_no_data(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from ecopole_kit.errors import RegisterUnavailable

    def down(self: Register, data: dict[str, Any], **kwargs: Any) -> Any:
        raise RegisterUnavailable(f"registre occupé ({data['courriel']})")

    monkeypatch.setattr(Register, "add", down)
    response = post(client, **VALID)
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "momentanément indisponible" in page and "camille" not in page
    assert "RegisterUnavailable" in caplog.text and "camille" not in caplog.text.casefold()


def test_the_request_log_never_holds_a_raw_request_line(caplog: pytest.LogCaptureFixture) -> None:
    from ecopole_kit.web.guards import private_request_handler

    handler = private_request_handler().__new__(private_request_handler())
    handler.log_date_time_string = lambda: "01/déc./2026"  # type: ignore[method-assign]
    handler.path, handler.command = "/?courriel=camille@exemple.fr", "GET"
    with caplog.at_level("INFO", logger="werkzeug"):
        handler.log_request(200)
        handler.log_error("code %d, message %s", 400, "Bad request 'camille@exemple.fr'")
        handler.log_message("%s", "camille@exemple.fr")
    assert '"GET /" 200' in caplog.text
    assert "camille" not in caplog.text
