"""Comparing what people type: case, accents, apostrophes and spacing folded (stdlib only)."""

from __future__ import annotations

import unicodedata


def fold(text: str, *, hyphens: bool = False) -> str:
    """Lower case, without accents, with straight apostrophes and single spaces.

    With ``hyphens``, hyphens count as spaces (« en-projet » matches « en projet »).
    """
    text = text.casefold().replace("’", "'")
    if hyphens:
        text = text.replace("-", " ")
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
