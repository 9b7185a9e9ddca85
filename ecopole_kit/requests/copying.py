"""Copy a whole register into another, empty one: SQLite to PostgreSQL, and back.

Every request and every event is copied with its id, in one transaction on each side: the
source is read in one consistent snapshot, the target is written all or nothing. A target
that already holds a request or an event is refused before anything is written. Both
registers are first brought to the latest schema, so the columns are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecopole_kit.errors import RegisterUnavailable
from ecopole_kit.foundation.french import counted
from ecopole_kit.requests.register import Register
from ecopole_kit.requests.schema import COLUMNS
from ecopole_kit.requests.stores import Connection

TABLES = ("requests", "events")  # parents first: events refer to requests
HELD = {"requests": "il contient des demandes", "events": "il contient un historique"}


@dataclass(frozen=True)
class Copied:
    """What a copy did: how many requests and events, from where to where (no password)."""

    requests: int
    events: int
    source: str
    target: str

    def summary(self) -> str:
        return (f"{counted(self.requests, 'demande copiée', 'demandes copiées')} et "
                f"{counted(self.events, 'étape d’historique', 'étapes d’historique')}")


def copy_register(source: Register, target: Register) -> Copied:
    """Copy ``source`` into ``target``, which must be empty; return the counts."""
    if source.label == target.label:
        raise RegisterUnavailable(f"{target.label} : c'est le registre d'origine ; rien n'a "
                                  "été copié.", hint="Indiquez avec --vers un autre registre.")
    counts: dict[str, int] = {}
    with source.store.transaction(write=False) as read, \
            target.store.transaction(write=True) as write:
        if target.store.dialect == "postgresql":  # no writer may slip in during the copy
            write.execute("LOCK TABLE requests, events IN EXCLUSIVE MODE")
        _refuse_filled(write, target.label)
        for table in TABLES:
            counts[table] = _copy_table(read, write, table)
        reset = getattr(target.store, "reset_ids", None)
        if reset is not None:
            reset(write)
    return Copied(counts["requests"], counts["events"], source.label, target.label)


def _refuse_filled(conn: Connection, label: str) -> None:
    for table in TABLES:
        row = conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()
        if int(row["n"]):
            raise RegisterUnavailable(
                f"{label} : ce registre n'est pas vide ({HELD[table]}) ; rien n'a été copié.",
                hint="Indiquez avec --vers un registre vide (une base neuve ou un fichier qui "
                     "n'existe pas encore).")


def _copy_table(read: Connection, write: Connection, table: str) -> int:
    columns = COLUMNS[table]
    names = ", ".join(columns)
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    count = 0
    for row in read.execute(f"SELECT {names} FROM {table} ORDER BY id").fetchall():
        write.execute(insert, tuple(row[name] for name in columns))
        count += 1
    return count
