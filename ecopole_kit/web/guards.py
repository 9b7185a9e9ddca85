"""What stands between the network and the form: body size, trusted hosts, proxies, logs.

- A body sent in chunks (no Content-Length) is read up to the limit, then handed to Flask
  with its length, so the same 413 page refuses it as a declared one.
- Behind a reverse proxy, the client's address comes from ``X-Forwarded-For`` only when the
  number of proxies is given (``proxies``); otherwise the header is ignored, so a client can
  neither spoof another's address nor, behind a proxy, exhaust the limit of everyone.
- The request log names the method, the path and the status: never the client's address, the
  query string, nor the raw request line of a malformed request (it may hold an address).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_LOG = logging.getLogger("werkzeug")


class BodyLimit:
    """WSGI middleware: a chunked body is measured against ``limit`` before Flask sees it."""

    def __init__(self, app: WSGIApplication, limit: int) -> None:
        self.app, self.limit = app, limit

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        if _unmeasured_body(environ):
            body = environ["wsgi.input"].read(self.limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))  # over the limit: Flask says 413
            environ.pop("wsgi.input_terminated", None)
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # now a plain body of known length
        return self.app(environ, start_response)


def _unmeasured_body(environ: WSGIEnvironment) -> bool:
    """A body whose length nobody declared: chunked (its Content-Length, if any, does not
    count), or a stream the server ends itself."""
    chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
    return chunked or (not environ.get("CONTENT_LENGTH")
                       and bool(environ.get("wsgi.input_terminated")))


def behind_proxies(app: WSGIApplication, proxies: int) -> WSGIApplication:
    """Trust ``proxies`` reverse proxies for the client's address, scheme and host."""
    if proxies <= 0:
        return app
    from werkzeug.middleware.proxy_fix import ProxyFix

    return ProxyFix(app, x_for=proxies, x_proto=proxies, x_host=proxies)


def private_request_handler() -> type:
    """Werkzeug's request log without the client's address, the query or a raw request."""
    from werkzeug.serving import WSGIRequestHandler

    class PrivateRequestHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            path = urlsplit(str(getattr(self, "path", "") or "")).path
            _emit("info", self, f'"{getattr(self, "command", None) or "?"} {path}" {code}')

        def log_error(self, format: str, *args: Any) -> None:
            _emit("warning", self, "requête mal formée refusée (détail non journalisé)")

        def log_message(self, format: str, *args: Any) -> None:
            _emit("info", self, "message du serveur (détail non journalisé)")

        def log(self, type: str, message: str, *args: Any) -> None:
            _emit(type, self, "événement du serveur (détail non journalisé)")

    return PrivateRequestHandler


def _emit(level: str, handler: Any, text: str) -> None:
    log: Callable[[str], None] = getattr(_LOG, level, _LOG.info)
    log(f"[{handler.log_date_time_string()}] {text}")
