"""The register of requests for the référentiel: who asked, what staff decided, what was sent.

One register interface over two databases (``requests.stores``): a SQLite file for one
machine, a PostgreSQL database for a network; its tables are created and migrated by
``requests.schema``. Each call is one transaction; a step locks the request's row first.
Personal data is erased on demand or after the retention period; ids, statuses, dates and
history stay. No message raised here names a person: only request ids and statuses."""

from __future__ import annotations

import builtins
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePath
from typing import Any

from ecopole_kit.errors import (
    InvalidDocuments,
    InvalidRequest,
    RequestNotFound,
    StepNotAllowed,
)
from ecopole_kit.foundation.documents import Document
from ecopole_kit.foundation.french import fold
from ecopole_kit.foundation.resources import load_schema
from ecopole_kit.foundation.validation import check_value, validate_document
from ecopole_kit.models import Issue
from ecopole_kit.requests import schema
from ecopole_kit.requests.records import Request, request_from_rows
from ecopole_kit.requests.statuses import STATUSES, TRANSITIONS, Status
from ecopole_kit.requests.stores import Connection, SqliteStore, Store, open_store

SOURCES = ("formulaire", "courriel", "saisie")
PERSONAL_FIELDS = ("nom", "organisation", "courriel", "territoire", "territoire_texte",
                   "motivation")
PURGE_ACTOR = "ecopole-kit (durée de conservation)"
ERASED_ACTOR = "(effacé)"
ACTOR_NEEDED = "Indiquez qui enregistre cette étape (nom ou initiales)."
EMAIL_NEEDED = "Indiquez l'adresse électronique de la personne."
LIST_HINT = "Consultez la liste des demandes avec « ecopole-kit requests list »."
STORED = ("nom", "organisation", "courriel", "courriel_cle", "territoire", "territoire_texte",
          "motivation", "consentement", "recue_le", "source", "statut")
TIED = "Territoire rattaché"
OPEN_TERRITORY = (Status.RECEIVED.value, Status.IN_REVIEW.value)


class Register:
    """The register of requests, in a SQLite file or a PostgreSQL database."""

    def __init__(self, location: str | Path | Store, *, retention_days: int = 365) -> None:
        if not isinstance(retention_days, int) or retention_days < 0:
            raise InvalidRequest(f"Durée de conservation « {retention_days} » invalide : un "
                                 "nombre de jours positif est attendu (365 par défaut).")
        self.retention_days = retention_days
        self.store = open_store(location) if isinstance(location, (str, Path)) else location
        self.path = self.store.path if isinstance(self.store, SqliteStore) else None
        self.label = self.store.label
        self.store.prepare()
        schema.migrate(self.store)

    def add(self, data: Mapping[str, Any], *, by: str, source: str,
            received_at: datetime | None = None) -> Request:
        """Record a valid request (schema « demande ») with its first event « reçue »."""
        actor = _required(by, ACTOR_NEEDED)
        if source not in SOURCES:
            raise InvalidRequest(f"Origine « {source} » inconnue ; origines possibles : "
                                 f"{_quoted(SOURCES)}.")
        record, recorded = checked_request(data), _stamp(None)
        at = _stamp(received_at) if received_at else recorded
        at = min(at, recorded)  # a Date header in the future is not believed
        values = (*(record[name] for name in ("nom", "organisation", "courriel")),
                  record["courriel"].casefold(), _json(record.get("territoire")),
                  record.get("territoire_texte"), record["motivation"],
                  int(record["consentement"]), at, source, Status.RECEIVED.value)
        with self.store.transaction(write=True) as conn:
            row = conn.execute(f"INSERT INTO requests ({', '.join(STORED)}) "
                               f"VALUES ({', '.join('?' * len(values))}) RETURNING id",
                               values).fetchone()
            request_id = int(row["id"])
            # Retention runs from when the kit recorded it, never from the mail's own Date.
            _add_event(conn, request_id, Status.RECEIVED.value, actor, recorded, None)
            return _one(conn, request_id)

    def get(self, request_id: int) -> Request:
        with self.store.transaction(write=False) as conn:
            return _one(conn, request_id)

    def list(self, status: str | None = None) -> builtins.list[Request]:
        """Every request, oldest first; only those with ``status`` when given."""
        where, params = ("", ()) if status is None else ("WHERE r.statut = ?",
                                                         (status_named(status),))
        with self.store.transaction(write=False) as conn:
            return _load(conn, where, params)

    def review(self, request_id: int, *, by: str) -> Request:
        return self._move(request_id, Status.IN_REVIEW.value, by, None)

    def accept(self, request_id: int, *, by: str, reason: str | None = None) -> Request:
        return self._move(request_id, Status.ACCEPTED.value, by, (reason or "").strip() or None)

    def refuse(self, request_id: int, *, by: str, reason: str) -> Request:
        why = _required(reason, f"Refus de la demande n° {request_id} : le motif est "
                        "obligatoire ; indiquez en une phrase pourquoi elle est refusée.")
        return self._move(request_id, Status.REFUSED.value, by, why)

    def record_shipment(self, request_id: int, files: Sequence[str], *, by: str) -> Request:
        """Record what was sent for an accepted request; it becomes « envoyée »."""
        return self._move(request_id, Status.SENT.value, by, None, _file_names(request_id, files))

    def set_territory(self, request_id: int, territory: Mapping[str, Any], *, by: str,
                      words: str) -> Request:
        """Staff tie a request to official codes (while it is « reçue » or « en examen »);
        ``words`` says the territory in the history."""
        actor, value = _required(by, ACTOR_NEEDED), dict(territory)
        problems = check_value("demande", ("territoire",), value)
        if problems:
            raise InvalidRequest(f"Territoire de la demande n° {request_id} invalide : "
                                 f"{problems[0]}")
        with self.store.transaction(write=True) as conn:
            row = _row(conn, request_id, lock=self.store.for_update)
            if row["statut"] not in OPEN_TERRITORY or row["anonymise"]:
                raise StepNotAllowed(f"La demande n° {request_id} est « {row['statut']} » : "
                                     "son territoire ne peut plus changer.", hint=LIST_HINT)
            conn.execute("UPDATE requests SET territoire = ? WHERE id = ?",
                         (_json(value), request_id))
            _add_event(conn, request_id, str(row["statut"]), actor, _stamp(),
                       f"{TIED} : {words}")
            return _one(conn, request_id)

    def export_person(self, courriel: str) -> builtins.list[dict[str, Any]]:
        """Right of access: every request sent from this address (case-insensitive)."""
        key = _required(courriel, EMAIL_NEEDED).casefold()
        with self.store.transaction(write=False) as conn:
            return [request.as_dict() for request in
                    _load(conn, "WHERE r.courriel_cle = ?", (key,))]

    def delete_person(self, courriel: str, *, by: str) -> int:
        """Erase the personal data of every request from this address; return how many."""
        key = _required(courriel, EMAIL_NEEDED).casefold()
        return self._erase("courriel_cle = ?", (key,), _required(by, ACTOR_NEEDED),
                           "Données personnelles effacées à la demande de la personne.")

    def purge_expired(self, *, now: datetime | None = None) -> int:
        """Erase the personal data of requests whose last event is older than the retention."""
        cutoff = _stamp((now or datetime.now(timezone.utc)) - timedelta(days=self.retention_days))
        return self._erase(
            "anonymise = 0 AND (SELECT max(e.at) FROM events e WHERE e.request_id = r.id) < ?",
            (cutoff,), PURGE_ACTOR, "Données personnelles effacées : durée de conservation "
            f"({self.retention_days} jours) écoulée.")

    def _move(self, request_id: int, target: str, by: str, reason: str | None,
              files: tuple[str, ...] | None = None) -> Request:
        actor, at = _required(by, ACTOR_NEEDED), _stamp()
        with self.store.transaction(write=True) as conn:
            row = _row(conn, request_id, lock=self.store.for_update)
            allowed = TRANSITIONS[row["statut"]]
            if target not in allowed:
                raise _impossible(request_id, row["statut"], target, allowed)
            if files is not None and row["anonymise"]:
                raise StepNotAllowed(f"La demande n° {request_id} est anonymisée : plus aucun "
                                     "envoi possible (adresse effacée).")
            conn.execute("UPDATE requests SET statut = ? WHERE id = ?", (target, request_id))
            _add_event(conn, request_id, target, actor, at, reason, files)
            return _one(conn, request_id)

    def _erase(self, where: str, params: tuple[Any, ...], actor: str, reason: str) -> int:
        with self.store.transaction(write=True) as conn:
            rows = conn.execute(f"SELECT r.id FROM requests r WHERE {where} ORDER BY r.id"
                                f"{self.store.for_update}", params).fetchall()
            for row in rows:
                _anonymise(conn, int(row["id"]), actor, reason)
        self.store.after_erase()
        return len(rows)


def status_named(text: str) -> str:
    """The status a person meant, ignoring case, accents and dashes (« recue » → « reçue »)."""
    found = [status for status in STATUSES
             if fold(status, hyphens=True) == fold(str(text), hyphens=True)]
    if not found:
        raise InvalidRequest(f"Statut « {text} » inconnu ; statuts possibles : "
                           f"{_quoted(STATUSES)}.")
    return found[0]


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"« {value} »" for value in values)


def _stamp(moment: datetime | None = None) -> str:
    """ISO 8601 in UTC to the second; a naive datetime is taken as UTC."""
    moment = moment or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _required(value: str, message: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(message)
    return value.strip()


def _file_names(request_id: int, files: Sequence[str]) -> tuple[str, ...]:
    names = (files,) if isinstance(files, str) else tuple(files)
    if not names or not all(isinstance(name, str) and name.strip() for name in names):
        raise InvalidRequest(f"Envoi de la demande n° {request_id} : indiquez au moins un "
                           "fichier envoyé.")
    return tuple(name.strip() for name in names)


def checked_request(data: Mapping[str, Any]) -> dict[str, Any]:
    """The request as the schema « demande » accepts it, or every problem at once."""
    record = {key: value.strip() if isinstance(value, str) else value
              for key, value in data.items()} if isinstance(data, Mapping) else data
    issues = validate_document(Document("demande", record, None), "demande")
    if issues:
        raise InvalidDocuments(issues=[_without_value(issue) for issue in issues])
    return record


def _without_value(issue: Issue) -> Issue:
    """Drop the quoted value of a personal field from a message (« x » : …)."""
    field = str(issue.path[0]) if issue.path else ""
    explanation = load_schema("demande")["properties"].get(field, {}).get("x-message")
    if field not in PERSONAL_FIELDS or not explanation or not issue.message.startswith("« "):
        return issue
    return replace(issue, message=f"{explanation}.")


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _add_event(conn: Connection, request_id: int, status: str, actor: str, at: str,
               reason: str | None, files: tuple[str, ...] | None = None) -> None:
    conn.execute("INSERT INTO events (request_id, statut, actor, at, reason, files) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (request_id, status, actor, at, reason,
                                               None if files is None else json.dumps(files)))


def _row(conn: Connection, request_id: int, *, lock: str = "") -> Any:
    """The request's row; ``lock`` (the store's ``for_update``) holds it until the end."""
    row = conn.execute(f"SELECT * FROM requests WHERE id = ?{lock}", (request_id,)).fetchone()
    if row is None:
        raise RequestNotFound(request_id=request_id, hint=LIST_HINT)
    return row


def _impossible(request_id: int, current: str, target: str,
                allowed: tuple[str, ...]) -> StepNotAllowed:
    where = f"La demande n° {request_id} est « {current} »"
    if not allowed:
        return StepNotAllowed(f"{where} : plus aucune étape possible.", hint=LIST_HINT)
    plural = "s" if len(allowed) > 1 else ""
    step = "elle l'est déjà" if target == current else f"elle ne peut pas passer à « {target} »"
    return StepNotAllowed(f"{where} : {step} ; étape{plural} possible{plural} : "
                        f"{_quoted(allowed)}.", hint=LIST_HINT)


def _anonymise(conn: Connection, request_id: int, actor: str, reason: str) -> None:
    """Erase the personal fields of a request and note it in its history."""
    row = _row(conn, request_id)
    # An event signed by the person (a form may sign with the address) would keep it.
    personal = {str(row[name]).casefold() for name in ("nom", "courriel") if row[name]}
    events = conn.execute("SELECT id, actor, reason, files FROM events WHERE request_id = ?",
                          (request_id,)).fetchall()
    for event in events:
        if str(event["actor"]).casefold() in personal:
            conn.execute("UPDATE events SET actor = ? WHERE id = ?", (ERASED_ACTOR, event["id"]))
        if str(event["reason"] or "").startswith(TIED):  # the territory's name goes too
            conn.execute("UPDATE events SET reason = ? WHERE id = ?",
                         (f"{TIED} {ERASED_ACTOR}", event["id"]))
        if event["files"] is not None:  # names may hold a slug of the territory or person
            names = [ERASED_ACTOR + PurePath(name).suffix for name in json.loads(event["files"])]
            conn.execute("UPDATE events SET files = ? WHERE id = ?",
                         (json.dumps(names), event["id"]))
    erased = ", ".join(f"{name} = NULL" for name in (*PERSONAL_FIELDS, "courriel_cle"))
    conn.execute(f"UPDATE requests SET {erased}, anonymise = 1 WHERE id = ?", (request_id,))
    _add_event(conn, request_id, str(row["statut"]), actor, _stamp(), reason)


def _one(conn: Connection, request_id: int) -> Request:
    _row(conn, request_id)
    return _load(conn, "WHERE r.id = ?", (request_id,))[0]


def _load(conn: Connection, where: str, params: tuple[Any, ...]) -> list[Request]:
    """Requests matching ``where`` (on alias r), oldest first, with their history."""
    rows = conn.execute(f"SELECT r.* FROM requests r {where} ORDER BY r.recue_le, r.id",
                        params).fetchall()
    history: dict[int, list[Any]] = {}
    for event in conn.execute(f"SELECT e.* FROM events e JOIN requests r "
                              f"ON r.id = e.request_id {where} ORDER BY e.id", params):
        history.setdefault(event["request_id"], []).append(event)
    return [request_from_rows(row, history.get(row["id"], [])) for row in rows]
