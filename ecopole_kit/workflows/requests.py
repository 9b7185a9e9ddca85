"""Requests for the référentiel, from arrival to shipment: what the staff commands do.

The register keeps the records and their history; this module reads requests from files
and saved e-mails, and produces the applicant's package on acceptance.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ecopole_kit.errors import (
    DuplicateRequest,
    EmailUnreadable,
    FileSystemError,
    FileUnreadable,
    InvalidDocuments,
    InvalidRequest,
    PackageError,
    RegisterUnavailable,
    StepNotAllowed,
    UnsafeLink,
    os_reason,
)
from ecopole_kit.foundation.documents import Document, load_yaml
from ecopole_kit.foundation.folders import refuse_linked_folder
from ecopole_kit.models import Issue
from ecopole_kit.requests.copying import Copied, copy_register
from ecopole_kit.requests.email_import import parse_request_email, received_date
from ecopole_kit.requests.package import Applicant, build_package, remove_stale_work
from ecopole_kit.requests.pdf import Progress
from ecopole_kit.requests.records import Request
from ecopole_kit.requests.register import Register, checked_request
from ecopole_kit.requests.statuses import TRANSITIONS, Status
from ecopole_kit.requests.stores import is_url, open_store
from ecopole_kit.requests.territory_text import (
    Proposal,
    chosen,
    coded_territory,
    in_words,
    proposals,
    territory_of,
)
from ecopole_kit.territory.geography import Geography, load_geography
from ecopole_kit.territory.kinds import KINDS, TERRITORY_KINDS
from ecopole_kit.workflows.validate import load_knowledge

SHIPMENTS_DIR = "envois"


@dataclass(frozen=True)
class Imported:
    """What an import did: the requests recorded, and the problems of the others."""

    added: tuple[Request, ...]
    issues: tuple[Issue, ...]


def record_request(register: Register, data: dict[str, Any], *, by: str, source: str,
                   geography: Geography, received_at: datetime | None = None) -> Request:
    """Check a request (schema, then official codes) and record it. A territory written as
    text is kept as written, and tied to its codes at once when it is only known codes."""
    data = _with_codes(data, geography)
    issues = _territory_issues(checked_request(data), geography)  # schema first, unquoted
    if issues:
        raise InvalidDocuments(issues=issues)
    return register.add(data, by=by, source=source, received_at=received_at)


def _with_codes(data: dict[str, Any], geography: Geography) -> dict[str, Any]:
    text = data.get("territoire_texte")
    if not isinstance(text, str) or data.get("territoire") is not None:
        return data
    coded = coded_territory(text, geography)
    return data if coded is None else {**data, "territoire": coded}


def _territory_issues(data: dict[str, Any], geography: Geography) -> list[Issue]:
    territory = data.get("territoire")
    if not isinstance(territory, dict) or territory.get("type") not in TERRITORY_KINDS \
            or not isinstance(territory.get("codes"), list):
        return []  # the schema reports a malformed territory
    codes = [str(code) for code in territory["codes"]]
    unknown = geography.resolve(str(territory["type"]), codes).unknown
    return [Issue("demande", None, ("territoire", "codes", codes.index(code)),
                  f"code inconnu « {code} » ; vérifiez le code INSEE de la commune, le SIREN "
                  "de l'EPCI ou le code du département.")
            for code in unknown if code in codes]


@dataclass(frozen=True)
class Desk:
    """Staff at one register: where it is (a SQLite file or a PostgreSQL address), who acts,
    how long personal data is kept."""

    path: Path | str
    by: str
    retention_days: int = 365

    def open(self, *, create: bool = False) -> Register:
        """The register; only the commands that record requests may create a SQLite file (a
        PostgreSQL database is made by its administrator, its tables by the kit)."""
        store = open_store(self.path)
        if not create and not store.exists():
            raise RegisterUnavailable(
                f"{store.label} : registre introuvable.",
                hint="Vérifiez --registre ou $ECOPOLE_KIT_REGISTRE ; les commandes add, import "
                     "et serve créent le registre.")
        return Register(store, retention_days=self.retention_days)

    def package_folder(self, request_id: int) -> Path:
        """Where a request's package goes: beside a SQLite register, one folder per
        register; for a PostgreSQL register, in ``envois/<base>/`` of the current folder."""
        if is_url(self.path):
            store = open_store(self.path)
            name = re.sub(r"[^A-Za-z0-9_-]", "-", getattr(store, "database", "")).strip("-")
            base = Path.cwd() / SHIPMENTS_DIR / (name or "postgresql")
        else:
            path = Path(self.path)
            base = path.parent / SHIPMENTS_DIR / path.stem
        return base / f"demande-{request_id}"

    def refuse_linked_folders(self, request_id: int) -> None:
        """The folders of a package, written and erased by the kit, must not be links."""
        folder = self.package_folder(request_id)
        for level in (folder.parent.parent, folder.parent, folder):
            refuse_linked_folder(level)


def list_requests(desk: Desk, status: str | None = None) -> list[Request]:
    return desk.open().list(status)


def show_request(desk: Desk, request_id: int) -> tuple[Request, str | None]:
    """A request, and its territory in words (« CC de la Région d'Audruicq (intercommunalité,
    246200364) »), with the applicant's own words while no codes are tied."""
    request = desk.open().get(request_id)
    return request, territory_in_words(request, load_geography())


def territory_in_words(request: Request, geography: Geography) -> str | None:
    """A request's territory as staff read it: official name, kind and codes, or the
    applicant's words and the command that ties them."""
    territory, text = request.territoire, request.territoire_texte
    if not territory:
        return None if not text else (f"« {text} » (codes à rattacher : ecopole-kit requests "
                                      f"review {request.id})")
    codes = [str(code) for code in territory.get("codes") or []]
    kind = KINDS.get(str(territory.get("type")))
    if kind is None:
        return ", ".join(codes) or None
    resolved = geography.resolve(kind.id, codes)
    if resolved.unknown or not codes:
        return f"{kind.label}, codes inconnus : {', '.join(codes)}"
    words = f"{resolved.nom} ({kind.label}, {', '.join(codes)})"
    written = text and coded_territory(text, geography) is None  # words, not just codes
    return f"{words}, écrit « {text} »" if written else words


@dataclass(frozen=True)
class Review:
    """A request under review and, while its territory is not tied, what it may be."""

    request: Request
    moved: bool  # it became « en examen » now
    proposals: tuple[Proposal, ...]


def review(desk: Desk, request_id: int, *, retie: bool = False) -> Review:
    """Put a request « en examen »; a territory written as text gets its proposals. A
    request already « en examen » is reviewed again while its territory is still to tie,
    or when staff tie it anew (``retie``)."""
    register = desk.open()
    request = register.get(request_id)
    tying = territory_pending(request) or retie
    moved = not (tying and request.statut == Status.IN_REVIEW.value)
    if moved:
        request = register.review(request_id, by=desk.by)
    text = request.territoire_texte or ""
    found = proposals(text, load_geography()) if tying and text else []
    return Review(request, moved, tuple(found))


def territory_pending(request: Request) -> bool:
    """The applicant wrote a territory that no codes tie yet."""
    return bool(request.territoire_texte) and not request.territoire and not request.anonymise


def tie_territory(desk: Desk, request_id: int, answer: str,
                  found: Sequence[Proposal]) -> tuple[Request, str]:
    """Tie the request to the territory staff chose (numbers of ``found``, or codes)."""
    geography = load_geography()
    territory = territory_of(chosen(answer, found, geography))
    words = in_words(territory, geography)
    return desk.open().set_territory(request_id, territory, by=desk.by, words=words), words


def refuse(desk: Desk, request_id: int, *, reason: str) -> Request:
    return desk.open().refuse(request_id, by=desk.by, reason=reason)


def export(desk: Desk, courriel: str | None = None) -> list[dict[str, Any]]:
    """Every request as data, or one person's (their right of access)."""
    register = desk.open()
    if courriel is None:
        return [r.as_dict() for r in register.list()]
    return register.export_person(courriel)  # an empty address is refused, never « all »


def add_from_file(desk: Desk, path: Path) -> Request:
    """Record a request written as a YAML (or JSON) file with the fields of the schema."""
    register = desk.open(create=True)  # a register that cannot be opened is said first
    document = load_yaml(path)
    if not isinstance(document.data, dict):
        raise InvalidDocuments(issues=[Issue(document.name, 1, (), "un ensemble de champs "
                                             "(nom, organisation, courriel, motivation, "
                                             "consentement) est attendu.")])
    try:
        return record_request(register, document.data, by=desk.by,
                              source="saisie", geography=load_geography())
    except InvalidDocuments as error:
        raise InvalidDocuments(issues=[_located(i, document.name, document)
                                       for i in error.issues]) from None


def _located(issue: Issue, name: str, document: Document) -> Issue:
    return Issue(name, document.line_of(issue.path), issue.path, issue.message)


def import_emails(desk: Desk, paths: Sequence[Path]) -> Imported:
    """Record each saved e-mail as a request; every problem is collected, none stops the rest."""
    register, by = desk.open(create=True), desk.by
    added: list[Request] = []
    issues: list[Issue] = []
    known = {_key(r.courriel, r.motivation): r.id for r in register.list()}  # read once
    geography = load_geography()
    for path in paths:
        try:
            request = _import_one(register, path, known, by=by, geography=geography)
            known[_key(request.courriel, request.motivation)] = request.id
            added.append(request)
        except InvalidDocuments as error:
            issues.extend(_email_issue(path, issue) for issue in error.issues)
        except (EmailUnreadable, FileUnreadable, InvalidRequest) as error:
            # the issue names the file already: « m.eml: (document): courriel illisible … »
            issues.append(Issue(str(path), None, (), error.message.removeprefix(f"{path} : ")))
    return Imported(tuple(added), tuple(issues))


def _import_one(register: Register, path: Path, known: dict[tuple[str, str], int], *,
                by: str, geography: Geography) -> Request:
    raw = _read_bytes(path)
    data = parse_request_email(raw, name=str(path))
    _refuse_duplicate(known, data)
    return record_request(register, data, by=by, source="courriel", geography=geography,
                          received_at=received_date(raw))


NO_CONSENT = ("le courriel ne dit pas que la personne accepte le traitement de ses données ; "
              "demandez-lui son accord, puis enregistrez la demande avec « ecopole-kit "
              "requests add ».")


def _key(address: str | None, motivation: str | None) -> tuple[str, str]:
    return (address or "").casefold(), motivation or ""


def _refuse_duplicate(known: dict[tuple[str, str], int], data: dict[str, Any]) -> None:
    number = known.get(_key(data.get("courriel"), data.get("motivation")))
    if number is not None:
        raise DuplicateRequest(f"déjà enregistrée (demande n° {number}) ; courriel ignoré.")


def _email_issue(path: Path, issue: Issue) -> Issue:
    if "« consentement »" in issue.message:
        return Issue(str(path), None, ("consentement",), NO_CONSENT)
    return Issue(str(path), None, issue.path, issue.message)


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise FileUnreadable(f"{path} : fichier introuvable, ou c'est un dossier.",
                           hint="Indiquez un courriel enregistré au format .eml.")
    try:
        return path.read_bytes()
    except OSError as error:
        raise FileUnreadable(f"{path} : lecture impossible : {os_reason(error)}.") from None


def accept_and_package(desk: Desk, request_id: int, *, reason: str | None,
                       without_territory: bool = False,
                       on_step: Progress | None = None) -> tuple[Request, Path]:
    """Accept a request and produce its package (PDF and site zip) for the applicant; a
    territory written as text must be tied first, or left out on purpose. Each step of the
    package is told to ``on_step``."""
    register = desk.open()
    request = register.get(request_id)
    if request.anonymise or not request.nom or not request.courriel:
        raise StepNotAllowed(f"La demande n° {request_id} a été effacée : plus de paquet possible.")
    if Status.ACCEPTED.value not in TRANSITIONS[request.statut]:
        raise StepNotAllowed(f"La demande n° {request_id} est « {request.statut} » : elle ne "
                             "peut plus être acceptée.")
    if territory_pending(request) and not without_territory:
        raise StepNotAllowed(
            f"La demande n° {request_id} nomme son territoire sans codes officiels rattachés : "
            "le paquet ne peut pas encore être adapté à ce territoire.",
            hint=f"Rattachez-le : ecopole-kit requests review {request_id} ; ou envoyez le "
                 f"référentiel sans diagnostic : ecopole-kit requests accept {request_id} "
                 "--sans-territoire")
    folder = desk.package_folder(request_id)
    desk.refuse_linked_folders(request_id)
    folder.mkdir(parents=True, exist_ok=True)
    # The package first: if it cannot be made, the request keeps its status.
    applicant = Applicant(nom=request.nom, organisation=request.organisation or "",
                          courriel=request.courriel, territoire=request.territoire,
                          territoire_texte=request.territoire_texte)
    build_package(applicant, folder, knowledge=load_knowledge(), on_step=on_step)
    return register.accept(request_id, by=desk.by, reason=reason), folder


def purge(desk: Desk, courriel: str | None = None) -> int:
    """Erase personal data (one person's, or the expired), packages included, and the work
    folders of packages a crash interrupted."""
    register = desk.open()
    count = (register.purge_expired() if courriel is None
             else register.delete_person(courriel, by=desk.by))  # "" is refused there
    remove_stale_work()
    _erase_packages(desk, [r.id for r in register.list() if r.anonymise])
    return count


def _erase_packages(desk: Desk, request_ids: list[int]) -> None:
    """A package folder that is a link is not followed: it is reported once the others are
    erased (the register is already anonymised; the next purge erases what is left)."""
    linked: list[UnsafeLink] = []
    for request_id in request_ids:
        try:
            desk.refuse_linked_folders(request_id)
            folder = desk.package_folder(request_id)
            if folder.is_dir():
                shutil.rmtree(folder)
        except UnsafeLink as error:
            linked.append(error)
        except OSError as error:
            raise FileSystemError(error=error, action="effacement du paquet") from None
    if linked:
        raise linked[0]


def mark_sent(desk: Desk, request_id: int) -> Request:
    """Record that the package was sent: which files, when and by whom."""
    folder = desk.package_folder(request_id)
    files = sorted(str(p) for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
    if not files:
        raise PackageError(f"Aucun paquet pour la demande n° {request_id}.",
                           hint=f"Acceptez-la d'abord : ecopole-kit requests accept "
                                f"{request_id}.")
    return desk.open().record_shipment(request_id, files, by=desk.by)


def migrate(desk: Desk, target: str | Path) -> Copied:
    """Copy the whole register into another, empty one (SQLite ↔ PostgreSQL)."""
    source = desk.open()
    return copy_register(source, Register(target, retention_days=desk.retention_days))
