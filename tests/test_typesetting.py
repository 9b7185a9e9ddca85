"""French typesetting: the quick tests that spare substitutions never change a result."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecopole_kit.foundation import french
from ecopole_kit.foundation.french import NBSP, NNBSP, typeset, typeset_markdown

# What the rules look at: digits, spaces, the signs, guillemets, units, letters, markup.
PIECES = st.sampled_from(["1", "30", "000", " ", "  ", ":", ";", "!", "?", "%", "»", "«",
                          "\\", "ha", "kg", "€", "m²", "a", "Note", "'", "l'", "[", "](x)",
                          "`c`", "\n", "[lien](fiche:x)", "\u00a0"])
TEXTS = st.lists(PIECES, max_size=30).map("".join)
# One line of prose: no markup for typesetting to leave alone.
PROSE = st.lists(st.sampled_from(["1", "30", "000", " ", ":", ";", "!", "?", "%", "»", "«",
                                  "ha", "€", "a", "Note", "'", "l'"]), max_size=30).map("".join)


def every_rule(text: str) -> str:
    """The four substitutions, each applied whatever the text holds."""
    text = french._BEFORE_UNIT.sub(NBSP, french._THOUSANDS.sub(NNBSP, text))
    return french._BEFORE_SIGN.sub(NNBSP, french._BEFORE_COLON.sub(NBSP, text))


@pytest.mark.slow
@given(TEXTS)
def test_typesetting_gives_what_every_rule_applied_gives(text: str) -> None:
    assert typeset(text) == every_rule(text)


@pytest.mark.slow
@given(PROSE)
def test_a_line_of_prose_is_typeset_with_every_rule(text: str) -> None:
    assert typeset_markdown(text) == french._APOSTROPHE.sub("’", every_rule(text))


def test_the_quick_tests_still_let_each_rule_through() -> None:
    assert typeset("4 300 m² ; oui : « non » 37 %") == (
        f"4{NNBSP}300{NBSP}m²{NNBSP}; oui{NBSP}: «{NNBSP}non{NNBSP}» 37{NNBSP}%")
    assert typeset("rien à faire ici") == "rien à faire ici"
