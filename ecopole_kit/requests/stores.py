"""Where a register lives: a SQLite file (the default) or a PostgreSQL database.

Both speak through one small interface, :class:`Store`: a transaction yields a connection
whose ``execute`` takes SQL with ``?`` placeholders and returns rows read by column name.
Writers are serialised by the database itself: ``BEGIN IMMEDIATE`` on SQLite, row locks
(``SELECT … FOR UPDATE``) on PostgreSQL. A store's ``label`` is what messages show: a
path, or the PostgreSQL address without its password.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol

from ecopole_kit.errors import FileSystemError, RegisterUnavailable

BUSY_SECONDS = 10.0
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
POSTGRES_SCHEMES = ("postgresql", "postgres")


class Cursor(Protocol):
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...


class Store(Protocol):
    """A database holding registers: one transaction at a time per call."""

    label: str
    dialect: str  # "sqlite" or "postgresql"
    for_update: str  # what locks the rows a SELECT reads, until the end of the transaction

    def transaction(self, *, write: bool) -> AbstractContextManager[Connection]: ...
    def prepare(self) -> None: ...
    def has_table(self, conn: Connection, name: str) -> bool: ...
    def lock_schema(self, conn: Connection) -> None: ...
    def after_erase(self) -> None: ...
    def exists(self) -> bool: ...


def open_store(location: str | Path) -> Store:
    """The store a ``--registre`` value names: ``postgresql://…`` or a SQLite file path."""
    text = str(location)
    scheme = URL_SCHEME.match(text)
    if scheme is None:
        return SqliteStore(Path(location))
    if scheme.group(1).lower() not in POSTGRES_SCHEMES:
        raise RegisterUnavailable(
            f"Adresse de registre « {scheme.group(1)}://… » non reconnue.",
            hint="Indiquez un fichier SQLite (demandes.sqlite) ou une base PostgreSQL "
                 "(postgresql://utilisateur@hôte:port/base).")
    from ecopole_kit.requests.postgres import PostgresStore

    return PostgresStore(text)


def is_url(location: str | Path) -> bool:
    return URL_SCHEME.match(str(location)) is not None


class SqliteStore:
    """One SQLite file for several processes (WAL, busy timeout, ``BEGIN IMMEDIATE``)."""

    dialect = "sqlite"
    for_update = ""  # BEGIN IMMEDIATE already holds the write lock

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.label = str(self.path)

    def exists(self) -> bool:
        return self.path.is_file()

    def prepare(self) -> None:
        """Create the file, readable by its owner only (it holds personal data), in WAL."""
        if not self.path.parent.is_dir():
            raise RegisterUnavailable(f"{self.path.parent} : dossier introuvable ; le registre "
                                      "des demandes ne peut pas y être créé.",
                                      hint="Créez ce dossier.")
        try:
            self.path.touch(mode=0o600, exist_ok=True)
        except OSError as error:
            raise FileSystemError(error=error, action="ouverture du registre") from None
        self._use_wal()

    def has_table(self, conn: Connection, name: str) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            (name,)).fetchone() is not None

    def lock_schema(self, conn: Connection) -> None:
        """Nothing more to do: the migration runs in a ``BEGIN IMMEDIATE`` transaction."""

    def user_version(self, conn: Connection) -> int:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        conn.row_factory = sqlite3.Row
        for pragma in (f"busy_timeout = {int(BUSY_SECONDS * 1000)}", "foreign_keys = ON",
                       "secure_delete = ON"):
            conn.execute(f"PRAGMA {pragma}")
        return conn

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[sqlite3.Connection]:
        """One connection, one transaction: committed on success, rolled back on any error."""
        try:
            with closing(self._connect()) as conn:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN DEFERRED")
                try:
                    yield conn
                except BaseException:
                    with suppress(sqlite3.Error):  # closing would roll back anyway
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        except sqlite3.Error as error:
            raise sqlite_failure(self.path, error) from None

    def _use_wal(self) -> None:
        """Switch the file to WAL; a first switch by another process may hold it a moment."""
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                with closing(self._connect()) as conn:
                    conn.execute("PRAGMA journal_mode = WAL").fetchone()
                return
            except sqlite3.Error as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise sqlite_failure(self.path, error) from None
                time.sleep(0.05)

    def after_erase(self) -> None:
        """Best effort: copy the journal into the file and empty it, so erased data is gone."""
        with suppress(sqlite3.Error), closing(self._connect()) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()


_FAILURES = {"locked": f"registre occupé par un autre traitement depuis {BUSY_SECONDS:.0f} s",
             "not a database": "ce fichier n'est pas un registre de demandes lisible",
             "malformed": "registre endommagé", "readonly": "registre en lecture seule",
             "unable to open": "ouverture du registre impossible", "full": "disque plein"}


def sqlite_failure(path: Path, error: sqlite3.Error) -> RegisterUnavailable:
    """A French message for a database failure (never SQLite's text: it may quote data)."""
    reason = next((text for key, text in _FAILURES.items() if key in str(error).lower()),
                  f"erreur de la base de données ({type(error).__name__})")
    return RegisterUnavailable(f"{path} : {reason}.",
                               hint="Réessayez ; si cela persiste, vérifiez le fichier et ses "
                                    "droits.")
