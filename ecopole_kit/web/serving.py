"""Running the form: werkzeug on this machine, waitress in production, or any WSGI server.

- ``serve_intake``: werkzeug's threaded server, for a try on 127.0.0.1;
- ``serve_production``: waitress with several threads, the form being published behind a
  reverse proxy that holds HTTPS (see the guide, « Publier le formulaire »);
- ``application``: the WSGI entry point for another server, configured by environment
  variables (``waitress-serve --call ecopole_kit.web.serving:application``, or
  ``gunicorn 'ecopole_kit.web.serving:application()'``).

Neither server prints its English banner: the command line says in French where the form
is. Waitress's own log lines are said in French, without their detail (a detail may name a
client's address).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecopole_kit.errors import FormUnavailable
from ecopole_kit.foundation.network import ensure_port_free
from ecopole_kit.web.guards import private_request_handler
from ecopole_kit.web.intake import LOCAL_HOSTS, MEMORY_STORAGE, create_app

if TYPE_CHECKING:
    import flask

DEFAULT_THREADS = 4
ENVIRONMENT = {
    "ECOPOLE_KIT_REGISTRE": "registre (fichier SQLite ou postgresql://…)",
    "ECOPOLE_KIT_SECRET": "clé des sessions, la même pour tous les processus",
    "ECOPOLE_KIT_NOMS_PUBLICS": "noms publics du formulaire, séparés par des virgules",
    "ECOPOLE_KIT_PROXYS": "nombre de serveurs mandataires devant le formulaire (0 par défaut)",
    "ECOPOLE_KIT_LIMITE": "limite d'envois (5 per minute par défaut)",
    "ECOPOLE_KIT_STOCKAGE_LIMITE": "stockage de la limite (memory:// par défaut)",
    "ECOPOLE_KIT_CONTACT": "adresse où exercer ses droits sur ses données",
    "ECOPOLE_KIT_CONSERVATION": "durée de conservation, en jours (365 par défaut)",
}


def serve_intake(register_path: Path | str, *, host: str = "127.0.0.1", port: int = 8001,
                 secret_key: bytes | None = None, rate_limit: str = "5 per minute",
                 retention_days: int = 365, contact: str | None = None,
                 public_names: Sequence[str] = (), proxies: int = 0,
                 rate_storage: str = MEMORY_STORAGE) -> None:
    """Serve the form with werkzeug's threaded server (localhost unless ``host`` says)."""
    from werkzeug.serving import make_server

    ensure_port_free(host, port)
    app = create_app(register_path, secret_key=secret_key, rate_limit=rate_limit,
                     retention_days=retention_days, contact=contact,
                     hosts=(*LOCAL_HOSTS, host, *public_names), proxies=proxies,
                     rate_storage=rate_storage)
    server = make_server(host, port, app, threaded=True,
                         request_handler=private_request_handler())
    _request_log()
    try:
        server.serve_forever()
    finally:
        server.server_close()


def serve_production(register_path: Path | str, *, host: str = "127.0.0.1", port: int = 8001,
                     threads: int = DEFAULT_THREADS, secret_key: bytes | None = None,
                     rate_limit: str = "5 per minute", retention_days: int = 365,
                     contact: str | None = None, public_names: Sequence[str] = (),
                     proxies: int = 0, rate_storage: str = MEMORY_STORAGE) -> None:
    """Serve the form with waitress and ``threads`` threads, until interrupted."""
    waitress_server = _waitress()
    ensure_port_free(host, port)
    app = create_app(register_path, secret_key=secret_key, rate_limit=rate_limit,
                     retention_days=retention_days, contact=contact,
                     hosts=(*LOCAL_HOSTS, host, *public_names), proxies=proxies,
                     rate_storage=rate_storage)
    _french_waitress_log()
    server = waitress_server.create_server(app, host=host, port=port, threads=threads,
                                           ident="ecopole-kit", expose_tracebacks=False)
    server.run()  # returns on Ctrl-C (waitress closes its sockets)


def _request_log() -> None:
    """The local server's request lines (method, path, status) on the error output."""
    log = logging.getLogger("werkzeug")
    if not log.handlers:
        log.addHandler(logging.StreamHandler())
        log.setLevel(logging.INFO)


def application(environ: Mapping[str, str] | None = None) -> flask.Flask:
    """The form for any WSGI server, configured by the ``ECOPOLE_KIT_*`` variables."""
    env = os.environ if environ is None else environ
    secret = env.get("ECOPOLE_KIT_SECRET", "")
    names = tuple(n.strip() for n in env.get("ECOPOLE_KIT_NOMS_PUBLICS", "").split(",")
                  if n.strip())
    return create_app(env.get("ECOPOLE_KIT_REGISTRE", "demandes.sqlite"),
                      secret_key=secret.encode("utf-8") if secret else None,
                      rate_limit=env.get("ECOPOLE_KIT_LIMITE", "5 per minute"),
                      retention_days=_number(env, "ECOPOLE_KIT_CONSERVATION", 365),
                      contact=env.get("ECOPOLE_KIT_CONTACT") or None,
                      hosts=(*LOCAL_HOSTS, *names),
                      proxies=_number(env, "ECOPOLE_KIT_PROXYS", 0),
                      rate_storage=env.get("ECOPOLE_KIT_STOCKAGE_LIMITE", MEMORY_STORAGE))


def _number(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit():
        raise FormUnavailable(f"${name} : « {text} » n'est pas un nombre entier positif.",
                              hint=f"{name} : {ENVIRONMENT[name]}.")
    return int(text)


def _waitress() -> Any:
    try:
        import waitress.server  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        raise FormUnavailable("Le serveur de production du formulaire a besoin de waitress, "
                              "absent.",
                              hint="Installez-le : pip install 'ecopole-kit[demandes]'") from None
    return waitress.server


class _FrenchWaitress(logging.Filter):
    """Waitress's log lines in French, without their detail."""

    SAID = (("queue depth", "requêtes en attente : le serveur est chargé"),
            ("client disconnected", "client déconnecté avant la fin de la réponse"),
            ("exception", "erreur pendant une requête (détail non journalisé)"))

    def filter(self, record: logging.LogRecord) -> bool:
        text = str(record.msg).lower()
        record.msg = next((said for key, said in self.SAID if key in text),
                          "événement du serveur (détail non journalisé)")
        record.args = ()
        record.exc_info = record.exc_text = None
        return True


def _french_waitress_log() -> None:
    for name in ("waitress", "waitress.queue"):  # a filter acts on its own logger only
        log = logging.getLogger(name)
        if not any(isinstance(f, _FrenchWaitress) for f in log.filters):
            log.addFilter(_FrenchWaitress())
