"""A register in a PostgreSQL database (the optional extra ``postgresql``: psycopg 3).

The address is ``postgresql://utilisateur@hôte:port/base``; a password is better kept out of
it (``~/.pgpass`` or ``$PGPASSWORD``, which libpq reads). Every message says the address
without its password, never the server's own text (it may quote the password or data). One
connection per transaction; writers lock the rows they change (``SELECT … FOR UPDATE``)
and a schema migration holds an advisory lock, so concurrent processes need no retry.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from ecopole_kit.errors import RegisterUnavailable
from ecopole_kit.requests.stores import BUSY_SECONDS, Connection

if TYPE_CHECKING:
    import psycopg

CONNECT_SECONDS = 10
SCHEMA_LOCK = 0x45636F70  # pg_advisory_xact_lock key of the register's migrations
EXPECTED = "forme attendue : postgresql://utilisateur@hôte:port/base"
_HINT = "Vérifiez --registre ou $ECOPOLE_KIT_REGISTRE, le serveur et vos droits, puis réessayez."
_FAILURES = (
    (("password authentication failed", "no password supplied", "password is required",
      "authentification par mot de passe"), "mot de passe refusé ou absent pour l'utilisateur"),
    (("connection refused", "could not connect", "timeout expired", "no route to host",
      "could not translate host name", "name or service not known", "network is unreachable",
      "server closed the connection", "connection timed out", "nodename nor servname"),
     "serveur injoignable"),
    (("does not exist",), "base ou utilisateur inconnu du serveur"),
    (("permission denied", "must be owner"), "droits insuffisants sur la base"),
    (("lock timeout", "canceling statement due to lock"),
     f"registre occupé par un autre traitement depuis {BUSY_SECONDS:.0f} s"),
    (("invalid uri", "invalid connection option", "invalid integer value", "missing \"=\""),
     "adresse illisible"),
)


class PostgresStore:
    """A register kept in one PostgreSQL database (tables created by the kit)."""

    dialect = "postgresql"
    for_update = " FOR UPDATE"

    def __init__(self, url: str) -> None:
        self._url = url
        self.label, self.database, self.user = safe_label(url)
        _psycopg()  # say now, in French, that the extra is missing

    def exists(self) -> bool:
        return True  # the database is made by its administrator; the tables by the kit

    def prepare(self) -> None:
        """Nothing to create outside the database."""

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Connection]:
        psycopg = _psycopg()
        from psycopg.rows import dict_row

        try:
            conn = psycopg.connect(self._url, connect_timeout=CONNECT_SECONDS,
                                   row_factory=dict_row, application_name="ecopole-kit",
                                   options=f"-c lock_timeout={int(BUSY_SECONDS * 1000)}")
        except psycopg.Error as error:
            raise self.failure(error) from None
        try:
            with conn:  # commit on success, roll back on any error, then close
                if not write:
                    conn.execute("SET TRANSACTION READ ONLY")
                yield _Translated(conn)
        except psycopg.Error as error:
            raise self.failure(error) from None

    def has_table(self, conn: Connection, name: str) -> bool:
        row = conn.execute("SELECT to_regclass(?) AS found", (name,)).fetchone()
        return row["found"] is not None

    def lock_schema(self, conn: Connection) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))

    def after_erase(self) -> None:
        """Best effort: vacuum the tables, so erased values leave the data files soon."""
        psycopg = _psycopg()
        with suppress(psycopg.Error), psycopg.connect(
                self._url, connect_timeout=CONNECT_SECONDS, autocommit=True) as conn:
            conn.execute("VACUUM requests, events")

    def reset_ids(self, conn: Connection) -> None:
        """After rows were copied with their ids, new ids continue after the largest."""
        for table in ("requests", "events"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")

    def failure(self, error: Exception) -> RegisterUnavailable:
        """A French message naming the address without its password, never the server's."""
        text = str(error).lower()
        reason = next((said for keys, said in _FAILURES if any(key in text for key in keys)),
                      f"erreur de la base de données ({type(error).__name__})")
        if reason.endswith("l'utilisateur"):
            reason = f"{reason} « {self.user or '(par défaut)'} »"
        return RegisterUnavailable(f"{self.label} : {reason}.", hint=_HINT)


class _Translated:
    """A psycopg connection that takes the ``?`` placeholders the register writes."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = (), /) -> Any:
        return self._conn.execute(sql.replace("?", "%s"), tuple(params))


def safe_label(url: str) -> tuple[str, str, str | None]:
    """The address without password nor options, its database and its user; or a French
    error that repeats nothing of the address (it may hold a password)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # « [ » without its « ] »: an IPv6 host half typed
        raise _bad("hôte illisible") from None
    try:
        port = parts.port
    except ValueError:
        raise _bad("port illisible") from None
    if not parts.hostname:
        raise _bad("hôte absent")
    database = unquote(parts.path[1:]) if parts.path.startswith("/") else ""
    if not database or "/" in database:
        raise _bad("nom de la base absent")
    user = unquote(parts.username) if parts.username else None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    label = (f"postgresql://{user + '@' if user else ''}{host}"
             f"{f':{port}' if port else ''}/{database}")
    return label, database, user


def _bad(what: str) -> RegisterUnavailable:
    return RegisterUnavailable(f"Adresse du registre PostgreSQL illisible : {what} ; {EXPECTED}.",
                               hint="Vérifiez --registre ou $ECOPOLE_KIT_REGISTRE.")


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise RegisterUnavailable(
            "Un registre PostgreSQL a besoin du module psycopg, absent.",
            hint="Installez-le : pip install 'ecopole-kit[postgresql]'") from None
    return psycopg
