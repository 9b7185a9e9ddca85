"""Reading requests from saved e-mails (.eml), the way they arrive today."""

from __future__ import annotations

import base64
import quopri
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from ecopole_kit.errors import EcopoleError, InvalidDocuments
from ecopole_kit.foundation.documents import Document
from ecopole_kit.foundation.validation import validate_document
from ecopole_kit.requests.email_import import parse_request_email, received_date
from ecopole_kit.requests.register import Register
from ecopole_kit.requests.territory_text import coded_territory
from ecopole_kit.territory.geography import Geography, load_geography

MOTIVATION = ("Notre association porte un jardin d'insertion et souhaite créer un pôle "
              "alimentaire territorial avec la communauté de communes du Val.")


def eml(body: bytes, *, sender: bytes = b"Camille Martin <camille.martin@exemple.fr>",
        content_type: str = "text/plain; charset=utf-8", encoding: str = "8bit",
        extra: bytes = b"") -> bytes:
    """A saved e-mail with one text part."""
    headers = (b"From: " + sender + b"\r\nTo: demandes@reseau.example\r\n"
               b"Subject: Demande du referentiel\r\nDate: Mon, 3 Jun 2024 10:15:00 +0200\r\n"
               b"MIME-Version: 1.0\r\nContent-Type: " + content_type.encode() + b"\r\n"
               b"Content-Transfer-Encoding: " + encoding.encode() + b"\r\n" + extra)
    return headers + b"\r\n" + body


MINIMAL = {"nom": "Camille Martin", "organisation": "Jardins", "courriel": "c@exemple.fr",
           "motivation": MOTIVATION, "consentement": True}


def issues_of(data: dict[str, Any]) -> list[str]:
    return [issue.as_text() for issue in validate_document(Document("x", data, None), "demande")]


def test_utf8_quoted_printable_with_an_encoded_sender() -> None:
    text = (f"Bonjour,\n\n{MOTIVATION}\nMerci d'avance !\n\n"
            "Organisation : Les Jardins du Val\n"
            "J’accepte le traitement de mes données pour l’examen de cette demande.\n"
            "-- \nCamille Martén\nChargée de projet, 06 00 00 00 00\n")
    raw = eml(quopri.encodestring(text.encode("utf-8")), encoding="quoted-printable",
              sender=b"=?utf-8?q?Camille_Mart=C3=A9n?= <Camille.Marten@Exemple.fr>")
    data = parse_request_email(raw, name="demande.eml")
    assert data == {
        "nom": "Camille Martén", "organisation": "Les Jardins du Val",
        "courriel": "Camille.Marten@Exemple.fr",
        "motivation": f"Bonjour,\n\n{MOTIVATION} Merci d'avance !",
        "consentement": True,
    }
    assert issues_of(data) == []


def test_iso_8859_1_in_base64() -> None:
    text = f"{MOTIVATION}\r\nOrganisation : Mairie de Saint-Élix\r\nTerritoire : 31555\r\n"
    raw = eml(base64.encodebytes(text.encode("iso-8859-1")), encoding="base64",
              content_type="text/plain; charset=ISO-8859-1",
              sender=b"=?iso-8859-1?b?" + base64.b64encode("Hélène Duprè".encode("latin-1"))
              + b"?= <helene@exemple.fr>")
    data = parse_request_email(raw, name="latin.eml")
    assert data["nom"] == "Hélène Duprè" and data["motivation"] == MOTIVATION
    assert data["organisation"] == "Mairie de Saint-Élix"
    assert data["territoire_texte"] == "31555"


def test_html_only() -> None:
    html = ("<html><head><title>Demande</title><style>p {color: red}</style></head><body>"
            "<p>Bonjour,</p><p>Notre association porte un <b>jardin d&#39;insertion</b> et\n"
            "   souhaite cr&eacute;er un p&ocirc;le alimentaire territorial avec la "
            "communaut&eacute; de communes du Val.</p>"
            "<p>Organisation&nbsp;: <i>Les Jardins du Val</i><br>Territoire : 974</p>"
            "<p>J'accepte le traitement de mes donn&eacute;es.</p>"
            "<div class=\"gmail_quote\"><div>Le lun. 3 juin 2024, Réseau a écrit :</div>"
            "<blockquote><p>Ancien message</p></blockquote></div>"
            "<script>alert('x')</script></body></html>")
    raw = eml(html.encode("utf-8"), content_type="text/html; charset=utf-8")
    data = parse_request_email(raw, name="html.eml")
    assert data["motivation"] == f"Bonjour,\n\n{MOTIVATION}"
    assert data["organisation"] == "Les Jardins du Val"
    assert data["territoire_texte"] == "974"
    assert data["consentement"] is True
    assert issues_of(data) == []


def test_plain_text_is_preferred_to_html() -> None:
    boundary = b"==limite=="
    raw = eml(b"--" + boundary + b"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
              + MOTIVATION.encode() + b"\r\n--" + boundary
              + b"\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Version HTML</p>\r\n--"
              + boundary + b"--\r\n",
              content_type='multipart/alternative; boundary="==limite=="')
    assert parse_request_email(raw, name="x.eml")["motivation"] == MOTIVATION


def test_labelled_lines_and_a_quoted_reply() -> None:
    text = ("NOM : Dominique Lefèvre\n"
            "  organisation:   Communauté de communes   du Lac  \n"
            "Térritoire : 200 034 957 ; 200071314\n\n"
            f"{MOTIVATION}\n\n"
            "Le lun. 3 juin 2024 à 10:00, Réseau Ecopôles <contact@reseau.example> a écrit :\n"
            "> Bonjour, pouvez-vous préciser votre projet ?\n"
            ">> Organisation : Ancienne structure\n"
            "> J'accepte le traitement de mes données\n")
    data = parse_request_email(eml(text.encode()), name="reponse.eml")
    assert data["nom"] == "Dominique Lefèvre"  # the labelled line wins over the sender's name
    assert data["organisation"] == "Communauté de communes du Lac"
    assert data["territoire_texte"] == "200 034 957 ; 200071314"
    assert data["motivation"] == MOTIVATION
    assert "consentement" not in data  # consent quoted from another message does not count


def test_the_territory_is_kept_as_the_applicant_wrote_it() -> None:
    text = (f"Nom : Camille Martin\nOrganisation : Jardins\n"
            f"Territoire :   Paimpont (35),  CC Brocéliande Communauté \n\n{MOTIVATION}\n")
    data = parse_request_email(eml(text.encode()), name="x.eml")
    assert data["territoire_texte"] == "Paimpont (35), CC Brocéliande Communauté"
    assert "territoire" not in data and "Paimpont" not in data["motivation"]


def test_a_very_long_territory_is_cut_at_a_word() -> None:
    text = f"Territoire : {'Saint-Martin-de-la-Place ' * 30}\n{MOTIVATION}\n"
    kept = parse_request_email(eml(text.encode()), name="x.eml")["territoire_texte"]
    assert len(kept) <= 300 and kept.endswith("Place …")
    assert issues_of({**MINIMAL, "territoire_texte": kept}) == []


@pytest.fixture(scope="module")
def geography() -> Geography:
    return load_geography()


@pytest.mark.parametrize(("line", "expected"), [
    ("31555", {"type": "commune", "codes": ["31555"]}),
    ("2a004, 2B033", {"type": "commune", "codes": ["2A004", "2B033"]}),
    ("200034957", {"type": "epci", "codes": ["200034957"]}),
    ("200 034 957 ; 200071314", {"type": "plusieurs-epci",
                                 "codes": ["200034957", "200071314"]}),
    ("31, 32", {"type": "departement", "codes": ["31", "32"]}),
    ("31555, 200034957", None),  # two kinds: staff decide
    ("99999", None),  # an unknown code: staff decide
    ("Paimpont (35)", None),
])
def test_codes_alone_are_tied_at_once(geography: Geography, line: str,
                                      expected: dict[str, Any] | None) -> None:
    assert coded_territory(line, geography) == expected


def test_empty_labels_of_the_prefilled_message_are_ignored() -> None:
    text = ("Nom : \nOrganisation : \nTerritoire : \n\n"
            f"{MOTIVATION}\n\n"
            "J'accepte le traitement de mes données pour l'examen de cette demande.\n")
    data = parse_request_email(eml(text.encode()), name="x.eml")
    assert data == {"nom": "Camille Martin", "courriel": "camille.martin@exemple.fr",
                    "motivation": MOTIVATION, "consentement": True}


def test_without_organisation_the_schema_reports_it(tmp_path: Path) -> None:
    text = f"{MOTIVATION}\nJ'accepte le traitement de mes données.\n"
    data = parse_request_email(eml(text.encode()), name="x.eml")
    assert "organisation" not in data
    assert issues_of(data) == [
        "x: (document): champ obligatoire « organisation » manquant (Organisation) ; "
        "ajoutez-le."]
    register = Register(tmp_path / "demandes.sqlite")
    with pytest.raises(InvalidDocuments) as caught:
        register.add(data, by="Inès", source="courriel")
    assert ["« organisation » manquant" in i.message for i in caught.value.issues] == [True]
    staff_confirmed = register.add({**data, "organisation": "Les Jardins du Val"}, by="Inès",
                                   source="courriel", received_at=received_date(eml(b"x")))
    assert staff_confirmed.recue_le == "2024-06-03T08:15:00+00:00"


@pytest.mark.parametrize("line", [
    "",
    "Je n'accepte pas le traitement de mes données.",
    "Je ne souhaite pas que mes données soient gardées.",
])
def test_without_explicit_consent_the_schema_reports_it(line: str) -> None:
    data = parse_request_email(eml(f"{MOTIVATION}\nOrganisation : Asso\n{line}\n".encode()),
                               name="x.eml")
    assert "consentement" not in data
    assert data["motivation"].startswith(MOTIVATION) and "accepte" not in data["motivation"]
    assert any("consentement" in issue for issue in issues_of(data))


def test_an_unknown_charset_and_raw_8bit_headers() -> None:
    raw = eml(f"{MOTIVATION}\n".encode(), content_type="text/plain; charset=x-inconnu",
              sender="Élise Dür <elise@exemple.fr>".encode())
    data = parse_request_email(raw, name="x.eml")
    assert data["nom"] == "Élise Dür" and data["motivation"] == MOTIVATION


def test_a_sender_without_display_name() -> None:
    data = parse_request_email(eml(MOTIVATION.encode(), sender=b"<c.martin@exemple.fr>"),
                               name="x.eml")
    assert "nom" not in data and data["courriel"] == "c.martin@exemple.fr"


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "fichier vide"),
    (b"\x00\xff une image, pas un courriel", "aucun en-tête"),
    (eml(MOTIVATION.encode(), sender=b""), "expéditeur"),
    (eml(MOTIVATION.encode(), sender=b"Camille Martin <camille.martin>"), "expéditeur"),
    (eml(b"   \r\n", sender=b"Camille Martin <camille.martin@exemple.fr>"), "aucun texte"),
    (eml(b"\x89PNG", content_type="image/png"), "aucun texte"),
])
def test_a_malformed_email(raw: bytes, reason: str) -> None:
    with pytest.raises(EcopoleError) as caught:
        parse_request_email(raw, name="boite/demande-17.eml")
    message = str(caught.value)
    assert message.startswith("boite/demande-17.eml : courriel illisible") and reason in message
    assert "camille" not in message.casefold()


def test_received_date() -> None:
    assert received_date(eml(b"x")) == datetime(2024, 6, 3, 10, 15,
                                                tzinfo=timezone(timedelta(hours=2)))
    assert received_date(b"From: a@b.fr\r\nDate: hier\r\n\r\nx") is None
    assert received_date(b"") is None


@pytest.mark.parametrize("answer, consent", [("oui", True), ("Oui.", True),
                                             ("oui, j'accepte", True), ("non", None), ("", None)])
def test_the_consent_line_of_the_prefilled_mail(answer: str, consent: bool | None) -> None:
    from ecopole_kit.site.request_mail import CONSENT_PROMPT

    raw = ("From: Camille <c@exemple.fr>\nContent-Type: text/plain; charset=utf-8\n\n"
           f"Organisation : Val\n\nNous voulons créer un pôle alimentaire territorial.\n\n"
           f"{CONSENT_PROMPT} {answer}\n").encode()
    assert parse_request_email(raw, name="m.eml").get("consentement") == consent
