"""The optional web form where a person requests the référentiel (workflow layer).

``create_app`` builds a small Flask application: a French, accessible form (``GET /``),
validated server-side by the register against ``schemas/demande.schema.json`` (``POST /``),
then a thank-you page (``/merci``). Guards: CSRF token (Flask-WTF), 20 kB per request,
a rate limit per remote address on POST (Flask-Limiter: in memory, or a shared storage
given by its URI for several workers), strict security headers. The territory is asked
as text, as the applicant names it; staff tie it to official codes when they review.
``serving`` runs the application (werkzeug locally, waitress in production).

Flask and its extensions are imported inside the functions, so importing this module stays
cheap for the rest of the kit. Nothing personal is logged: the request log shows neither
the client's address nor the query string, and a crash is logged as its type and code
frames only (never the exception's message, which may quote a value typed by a person).

Without ``secret_key`` a random key is drawn once per process: sessions (hence CSRF
tokens) end with the process, and several processes cannot share a form.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecopole_kit.errors import FormUnavailable, InvalidDocuments, RegisterUnavailable
from ecopole_kit.foundation.resources import load_schema, shipped_file
from ecopole_kit.models import Issue
from ecopole_kit.requests.register import Register
from ecopole_kit.territory.geography import Geography, load_geography
from ecopole_kit.web.guards import BodyLimit, behind_proxies
from ecopole_kit.workflows.requests import record_request

if TYPE_CHECKING:
    import flask
    from flask.typing import ResponseReturnValue
    from flask_limiter import Limiter, RouteLimit
    from werkzeug.exceptions import HTTPException

MAX_BYTES = 20 * 1024
LOCAL_HOSTS = ("127.0.0.1", "localhost")
CSRF_TIME_LIMIT = 4 * 3600  # seconds: time to write a motivation without losing the form
SOURCE = "formulaire"
TEXT_FIELDS = ("nom", "organisation", "courriel", "territoire_texte", "motivation")
FIELDS = (*TEXT_FIELDS, "consentement")
MEMORY_STORAGE = "memory://"
_LOG = logging.getLogger(__name__)
_MISSING_NAME = re.compile(r"«\s*([\w-]+)\s*»")
_MISSING = {
    "nom": "indiquez votre prénom et votre nom.",
    "organisation": "indiquez la structure qui porte le projet.",
    "courriel": "indiquez l'adresse électronique où envoyer le référentiel.",
    "motivation": "exposez en quelques phrases la raison ou le projet.",
}
_PAGES = {
    400: ("Formulaire expiré ou non valide",
          "Le formulaire a expiré ou n'est pas valide ; rechargez la page et recommencez."),
    404: ("Page introuvable", "Cette page n'existe pas ; le formulaire est à l'accueil."),
    405: ("Action impossible", "Cette page ne permet pas cette action ; revenez au formulaire."),
    413: ("Envoi trop volumineux", f"L'envoi dépasse {MAX_BYTES // 1024} ko ; raccourcissez "
          "les textes, rechargez la page et recommencez."),
    429: ("Trop d'envois", "Trop d'envois depuis votre adresse en peu de temps ; patientez "
          "quelques minutes, rechargez la page et recommencez."),
    500: ("Erreur du serveur", "Votre demande n'a pas pu être traitée à cause d'une erreur "
          "du serveur ; réessayez plus tard."),
    503: ("Service momentanément indisponible", "Votre demande n'a pas pu être enregistrée "
          "pour le moment ; rien n'a été gardé. Réessayez dans quelques minutes."),
}
_OTHER = ("Requête refusée", "Cette requête n'est pas acceptée ; revenez au formulaire.")
_CSS = """
body{font:1.05rem/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fff;margin:0}
main,header,footer{max-width:42rem;margin:0 auto;padding:0 1rem}
header{border-bottom:4px solid #2e6b30;padding-top:1rem}
label,legend{display:block;font-weight:600;margin-top:1.2rem}
input[type=text],input[type=email],select,textarea{display:block;width:100%;
box-sizing:border-box;font:inherit;padding:.45rem;border:2px solid #555;border-radius:3px}
textarea{min-height:9rem}
fieldset{border:1px solid #888;margin-top:1.2rem;padding:0 1rem 1rem}
.aide{color:#3d3d3d;margin:.2rem 0}
.erreur{color:#a1001c;font-weight:600;margin:.2rem 0}
[aria-invalid=true]{border-color:#a1001c}
.case{display:flex;gap:.6rem;align-items:flex-start;margin-top:1.2rem}
.case input{width:1.4rem;height:1.4rem;margin-top:.2rem;flex:none}
.case label{margin-top:0;font-weight:400}
.resume{border:4px solid #a1001c;padding:0 1rem 1rem;margin-top:1rem}
button{font:inherit;margin:1.5rem 0;padding:.6rem 1.4rem;background:#2e6b30;color:#fff;
border:2px solid #2e6b30;border-radius:3px;cursor:pointer}
a{color:#1d4f91}
:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.invisible{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
footer{margin-top:2rem;border-top:1px solid #ccc;color:#3d3d3d;font-size:.95rem}
"""


@dataclass(frozen=True)
class _Settings:
    register: Register
    geography: Geography
    retention_days: int
    contact: str | None


def create_app(register_path: Path | str, *, secret_key: bytes | None = None,
               rate_limit: str = "5 per minute", retention_days: int = 365,
               contact: str | None = None, hosts: Sequence[str] = LOCAL_HOSTS,
               proxies: int = 0, rate_storage: str = MEMORY_STORAGE) -> flask.Flask:
    """The form application, storing each valid request into the register at ``register_path``
    (a SQLite file or a ``postgresql://`` address).

    ``hosts``: the names the form answers to (another Host header gets the French 400 page);
    ``proxies``: how many reverse proxies stand before it (0: X-Forwarded-* are ignored);
    ``rate_storage``: where the rate limit counts (``memory://``: this process only; a
    shared storage such as ``redis://hôte:6379`` for several workers).
    """
    _require_web()
    import flask

    app = flask.Flask(__name__, template_folder=str(shipped_file("web", "templates")),
                      static_folder=None)
    _configure(app, secret_key or _process_secret())
    app.config["TRUSTED_HOSTS"] = list(hosts)
    app.wsgi_app = BodyLimit(behind_proxies(app.wsgi_app, proxies), MAX_BYTES)  # type: ignore[method-assign]
    settings = _Settings(Register(register_path, retention_days=retention_days),
                         load_geography(), retention_days, contact)
    limiter = _install_guards(app, _checked_storage(rate_storage))
    _add_routes(app, settings, limiter.limit(_checked_rate(rate_limit), methods=["POST"]))
    _add_handlers(app, settings)
    return app


def _require_web() -> None:
    """Flask and its two extensions are optional: say in French how to install them."""
    try:
        import flask  # noqa: F401
        import flask_limiter  # noqa: F401
        import flask_wtf  # type: ignore[import-untyped]  # noqa: F401
    except ImportError as error:
        raise FormUnavailable(
            f"Le formulaire web a besoin de Flask, Flask-WTF et Flask-Limiter "
            f"(module « {error.name} » absent).",
            hint="Installez-les : pip install flask flask-wtf flask-limiter") from None


def _checked_rate(rate_limit: str) -> str:
    from limits import parse_many

    try:
        parse_many(rate_limit)
    except ValueError:
        raise FormUnavailable(f"Limite d'envois « {rate_limit} » illisible.",
                           hint="Écrivez-la en anglais, par exemple « 5 per minute » ou "
                                "« 20 per hour ».") from None
    return rate_limit


def _checked_storage(uri: str) -> str:
    """A storage Flask-Limiter can use; the message names its scheme only (a URI may hold
    a password)."""
    from limits.storage import storage_from_string

    scheme = uri.split("://", 1)[0] if "://" in uri else uri
    try:
        storage_from_string(uri)
    except Exception:  # unknown scheme, missing driver, unreadable address: all said alike
        raise FormUnavailable(
            f"Stockage de la limite d'envois « {scheme}://… » inutilisable.",
            hint="Indiquez memory:// (un seul processus) ou un stockage partagé que "
                 "Flask-Limiter connaît (redis://hôte:6379, memcached://hôte:11211), avec son "
                 "module Python installé.") from None
    return uri


def build_record(form: Mapping[str, str]) -> dict[str, Any]:
    """The request record from the form fields: trimmed, empty fields left out."""
    record: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = form.get(name, "").replace("\r\n", "\n").strip()
        if value:
            record[name] = value
    if record.get("territoire_texte"):
        record["territoire_texte"] = " ".join(record["territoire_texte"].split())
    if form.get("consentement"):
        record["consentement"] = True
    return record


def field_errors(issues: Sequence[Issue]) -> dict[str, list[str]]:
    """French messages grouped by form field (``""`` for those tied to no field)."""
    errors: dict[str, list[str]] = {}
    for issue in issues:
        field, missing = _field_of(issue)
        message = _missing_message(field) if missing else issue.message
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    return {name: errors[name] for name in ("", *FIELDS) if name in errors}  # form order


def _field_of(issue: Issue) -> tuple[str, bool]:
    """The form field an issue is about, and whether it says the field is missing."""
    parts = [str(part) for part in issue.path]
    if parts[:1] == ["territoire"]:
        return "territoire_texte", False
    if parts and parts[0] in FIELDS:
        return parts[0], False
    named = _MISSING_NAME.search(issue.message)
    if named and named.group(1) in FIELDS:
        return named.group(1), True
    return "", False


def _missing_message(field: str) -> str:
    if field == "consentement":
        consent = load_schema("demande")["properties"]["consentement"]
        return f"cochez cette case : {consent['x-message']}."
    return _MISSING.get(field, "ce champ est obligatoire.")


@cache
def _process_secret() -> bytes:
    return secrets.token_bytes(32)


def _configure(app: flask.Flask, secret_key: bytes) -> None:
    import jinja2

    app.config.update(
        SECRET_KEY=secret_key, MAX_CONTENT_LENGTH=MAX_BYTES, MAX_FORM_MEMORY_SIZE=MAX_BYTES,
        MAX_FORM_PARTS=50, SESSION_COOKIE_NAME="ecopole_demande",
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Strict",
        WTF_CSRF_TIME_LIMIT=CSRF_TIME_LIMIT,
        # The Referer check of HTTPS would always fail: pages send Referrer-Policy no-referrer.
        # The token and the SameSite=Strict session cookie carry the protection.
        WTF_CSRF_SSL_STRICT=False,
    )
    app.jinja_env.autoescape = True
    app.jinja_env.undefined = jinja2.StrictUndefined


def _install_guards(app: flask.Flask, storage: str) -> Limiter:
    """Rate limiter first (so every POST counts, even a refused one), then the CSRF check."""
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address
    from flask_wtf.csrf import CSRFProtect  # type: ignore[import-untyped]

    limiter = Limiter(get_remote_address, app=app, storage_uri=storage,
                      headers_enabled=True)
    CSRFProtect(app)
    app.after_request(_security_headers)
    return limiter


def _security_headers(response: flask.Response) -> flask.Response:
    response.headers["Content-Security-Policy"] = _content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


@cache
def _content_security_policy() -> str:
    digest = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
            f"style-src 'sha256-{digest}'; form-action 'self'; frame-ancestors 'none'")


def _add_routes(app: flask.Flask, settings: _Settings, limited: RouteLimit) -> None:
    import flask

    @limited
    def form() -> ResponseReturnValue:
        if flask.request.method == "GET":
            return _render_form({name: "" for name in FIELDS}, {})
        values = {name: flask.request.form.get(name, "") for name in FIELDS}
        try:
            record_request(settings.register, build_record(values), by=SOURCE, source=SOURCE,
                           geography=settings.geography)
        except InvalidDocuments as error:
            return _render_form(values, field_errors(error.issues)), 422
        return flask.redirect(flask.url_for("merci"), code=303)

    def merci() -> ResponseReturnValue:
        return flask.render_template("merci.html")

    app.add_url_rule("/", "form", form, methods=["GET", "POST"])
    app.add_url_rule("/merci", "merci", merci)
    app.add_url_rule("/favicon.ico", "favicon", lambda: ("", 204))  # no icon, no 404 noise


def _render_form(values: Mapping[str, str], errors: Mapping[str, list[str]]) -> str:
    import flask

    properties = load_schema("demande")["properties"]
    return flask.render_template("form.html", values=values, errors=errors,
                                 fields=properties)


def _add_handlers(app: flask.Flask, settings: _Settings) -> None:
    from markupsafe import Markup
    from werkzeug.exceptions import HTTPException

    @app.context_processor
    def common() -> dict[str, Any]:
        days = settings.retention_days
        return {"style": Markup(_CSS), "contact": settings.contact, "retention_days": days,
                "retention": f"{days} jour{'s' if days > 1 else ''}"}

    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(RegisterUnavailable, _register_down)
    app.register_error_handler(Exception, _crash)


def _http_error(error: HTTPException) -> ResponseReturnValue:
    if error.code is None or error.code < 400:
        return error
    title, message = _PAGES.get(error.code) or (_PAGES[500] if error.code >= 500 else _OTHER)
    kept = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]  # Allow…
    return _error_page(title, message), error.code, kept


def _register_down(error: RegisterUnavailable) -> ResponseReturnValue:
    """The register cannot be written: the applicant is told in French; the log names the
    failure's kind, never the request (its fields are personal data)."""
    _LOG.error("registre indisponible (%s) : demande non enregistrée", type(error).__name__)
    return _error_page(*_PAGES[503]), 503


def _crash(error: Exception) -> ResponseReturnValue:
    """Log the type and the code frames only: the message may quote personal data."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    _LOG.error("échec du traitement d'une demande (%s) :\n%s", type(error).__name__, frames)
    return _error_page(*_PAGES[500]), 500


def _error_page(title: str, message: str) -> str:
    import flask

    return flask.render_template("erreur.html", title=title, message=message)
