"""The prefilled request e-mail: what the site's « Demander » page writes, and what the
e-mail import (``requests.email_import``) reads back. One source for both sides."""

from __future__ import annotations

from urllib.parse import quote, urlencode

SUBJECT = "Demande du référentiel Ecopôle alimentaire"
HEADINGS = ("Nom", "Organisation", "Territoire")
CONSENT_PROMPT = "Accord pour le traitement de mes données (oui ou non) :"


def mailto(address: str) -> str:
    """A mailto: link whose body holds the headings the e-mail import reads back."""
    headings = "".join(f"{heading} : \n" for heading in HEADINGS)
    body = f"{headings}\n\n\n{CONSENT_PROMPT} \n"
    query = urlencode({"subject": SUBJECT, "body": body}, quote_via=quote)
    return f"mailto:{quote(address, safe='@')}?{query}"
