"""Reading a request sent by e-mail (a saved ``.eml``) into the fields of the schema « demande ».

What is taken, and from where:

- ``nom`` and ``courriel``: the sender (``From``), encoded words decoded;
- the text: the ``text/plain`` part, else the ``text/html`` part without its tags; quoted
  replies (lines starting with ``>``, the « … a écrit : » line above them), the signature
  (after ``-- ``) and forwarded history (« -----Message d'origine----- ») are left out;
- labelled lines, case- and accent-insensitive, override or add fields: « Nom : … »,
  « Organisation : … », « Territoire : Paimpont (35), CC Brocéliande Communauté » (kept as
  the applicant wrote it, in ``territoire_texte``: staff tie it to official codes later);
- ``motivation``: the rest of the text, each paragraph on one line, blank line between.

Consent: an e-mail carries no ticked box. ``consentement`` is set only when a line of the
person's own text accepts the processing of their data (« J'accepte le traitement de mes
données », without « pas » or « n'accepte »); otherwise it is left out, so validation
reports it and the staff must obtain and record the consent before the request is kept.
A missing organisation is likewise left out for validation to report. The result is never
validated here: the register does it.
"""

from __future__ import annotations

import email
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from typing import Any

from ecopole_kit.errors import EcopoleError, EmailUnreadable
from ecopole_kit.foundation.french import fold
from ecopole_kit.requests.territory_text import clipped

LABELS = {
    "nom": "nom", "nom et prenom": "nom", "prenom et nom": "nom", "prenom nom": "nom",
    "organisation": "organisation", "organisme": "organisation", "structure": "organisation",
    "territoire": "territoire",
}
LONG_LINE_WORDS = 25  # a consent line longer than this stays in the motivation
_CONSENT_ANSWER = re.compile(r"donnees \(oui ou non\)\s*:\s*(\S*)")
_LABELLED = re.compile(r"^\s*[-*•]*\s*([^:]{1,30}?)\s*[*]*\s*:\s*(.*)$")
_ATTRIBUTION = re.compile(r"(a écrit|wrote)\s*:\s*$", re.IGNORECASE)
_HISTORY = re.compile(r"^\s*-{2,}\s*(message d.origine|original message|message transféré|"
                      r"forwarded message)\s*-*\s*$|^_{20,}\s*$", re.IGNORECASE)
_NEGATION = re.compile(r"\bn\s*'\s*accepte|\bpas\b|\bjamais\b|\brefuse")


def parse_request_email(raw: bytes, *, name: str) -> dict[str, Any]:
    """The fields of a request read from a saved e-mail; ``name`` only labels errors."""
    message = _message(raw, name)
    nom, courriel = _sender(message, name)
    lines = _own_lines(_body(message, name))
    labelled = _labelled_values(lines)
    consent = any(_is_consent(line) for line in lines)
    motivation = _paragraphs(line for line in lines
                             if _label_of(line) is None and not _is_consent_only(line))
    found: dict[str, Any] = {
        "nom": labelled.get("nom") or nom,
        "organisation": labelled.get("organisation"),
        "courriel": courriel,
        "territoire_texte": clipped(labelled.get("territoire", "")),
        "motivation": motivation,
        "consentement": True if consent else None,
    }
    return {key: value for key, value in found.items() if value}


def received_date(raw: bytes) -> datetime | None:
    """The ``Date`` of a saved e-mail (aware datetime), or None when absent or unreadable."""
    try:
        header = email.message_from_bytes(raw, policy=policy.default)["Date"]
        moment = getattr(header, "datetime", None)
    except (ValueError, TypeError, IndexError, LookupError):
        return None
    return moment if isinstance(moment, datetime) else None


def _malformed(name: str, reason: str) -> EcopoleError:
    return EmailUnreadable(f"{name} : courriel illisible : {reason}.",
                        hint="Enregistrez le message depuis la messagerie au format .eml "
                             "(« Enregistrer sous »), puis relancez l'import.")


def _message(raw: bytes, name: str) -> EmailMessage:
    if not isinstance(raw, bytes) or not raw.strip():
        raise _malformed(name, "fichier vide")
    message = email.message_from_bytes(raw, policy=policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise _malformed(name, "aucun en-tête de courriel (ce n'est pas un fichier .eml)")
    return message


def _sender(message: EmailMessage, name: str) -> tuple[str | None, str]:
    """Display name and address of the first sender in ``From``."""
    try:
        header = message["From"]
        addresses = header.addresses if header is not None else ()
    except (ValueError, TypeError, IndexError, LookupError, AttributeError):
        addresses = ()
    address = next((a for a in addresses if a.username and a.domain), None)
    if address is None:
        raise _malformed(name, "expéditeur (en-tête From) absent ou sans adresse valide")
    display = _tidy(_repaired(address.display_name))
    courriel = _repaired(address.addr_spec).strip()
    return (display if display and display.casefold() != courriel.casefold() else None,
            courriel)


def _repaired(text: str) -> str:
    """Undo the stand-ins the parser leaves for raw 8-bit header bytes."""
    raw = text.encode("utf-8", "surrogateescape")
    for charset in ("utf-8", "cp1252"):
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _body(message: EmailMessage, name: str) -> str:
    """The person's text: plain text preferred, else HTML without tags."""
    plain = message.get_body(preferencelist=("plain",))
    text = _decoded(plain) if plain is not None else ""
    if not text.strip():
        html = message.get_body(preferencelist=("html",))
        text = _html_text(_decoded(html)) if html is not None else ""
    if not text.strip():
        raise _malformed(name, "aucun texte lisible dans le message")
    return text


def _decoded(part: Message) -> str:
    """A text part decoded (quoted-printable, base64), trusting its charset when it fits."""
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        return ""
    for charset in (part.get_content_charset() or "utf-8", "utf-8", "cp1252"):
        try:
            return raw.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1")


class _HtmlText(HTMLParser):
    """Text of an HTML body: blocks become lines; scripts, styles and quotes are dropped."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "table", "ul", "ol", "pre", "hr",
                        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
    SKIPPED = frozenset({"script", "style", "head", "title", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skipping += tag in self.SKIPPED
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def _html_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def _own_lines(text: str) -> list[str]:
    """The lines the person wrote: no quoted reply, signature or forwarded history."""
    lines: list[str] = []
    raw = [_printable(line) for line in text.splitlines()]
    for index, line in enumerate(raw):
        if line.rstrip() == "--" or _HISTORY.match(line):
            break
        quoted = line.lstrip().startswith(">")
        if quoted or (_ATTRIBUTION.search(line) and _quote_follows(raw, index)):
            continue
        lines.append(line)
    return lines


def _quote_follows(lines: list[str], index: int) -> bool:
    rest = [line.strip() for line in lines[index + 1:] if line.strip()]
    return not rest or rest[0].startswith(">")


def _printable(line: str) -> str:
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in line)


def _plain(text: str) -> str:
    return fold(text)


def _label_of(line: str) -> tuple[str, str] | None:
    """(field, value) when the line is « Label : value » with a known label."""
    match = _LABELLED.match(line)
    if match is None:
        return None
    field = LABELS.get(_plain(match.group(1)))
    return None if field is None else (field, _tidy(match.group(2)))


def _labelled_values(lines: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in lines:
        found = _label_of(line)
        if found and found[1]:
            values.setdefault(*found)
    return values


def _is_consent(line: str) -> bool:
    plain = _plain(line)
    answered = _CONSENT_ANSWER.search(plain)
    if answered:
        return re.match(r"oui\b", answered.group(1)) is not None
    return "accepte" in plain and "donnees" in plain and not _NEGATION.search(plain)


def _is_consent_only(line: str) -> bool:
    """A line about consent only (kept out of the motivation), whatever its answer."""
    plain = _plain(line)
    if _CONSENT_ANSWER.search(plain):
        return True
    return "accepte" in plain and "donnees" in plain and len(plain.split()) <= LONG_LINE_WORDS


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(lines: Iterable[str]) -> str:
    """Paragraphs (split at blank lines), each on one line with single spaces."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(" ".join(" ".join(current).split()))
            current = []
    if current:
        paragraphs.append(" ".join(" ".join(current).split()))
    return "\n\n".join(paragraphs)
