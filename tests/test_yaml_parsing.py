"""YAML read through libyaml's parser under PyYAML's composer: the same data and lines as
PyYAML alone, and every syntax error said in French, whichever of the two wrote its reason."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ecopole_kit.errors import InvalidDocuments
from ecopole_kit.foundation.documents import parse_yaml

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                            max_size=12))
DATA = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text("abcxyz_", min_size=1, max_size=5),
                                                  inner, max_size=4)), max_leaves=12)


@pytest.mark.slow
@given(DATA, st.booleans())
def test_data_and_lines_are_those_pyyaml_reads(data: object, flow: bool) -> None:
    text = yaml.safe_dump({"racine": data}, allow_unicode=True, default_flow_style=flow)
    document = parse_yaml(text, "f.yaml")
    assert document.data == yaml.safe_load(text)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert document.root is not None and node is not None
    assert document.line_of(["racine"]) == node.value[0][1].start_mark.line + 1


@pytest.mark.parametrize(("text", "said", "line"), [
    ("- a\nb: 1\n", "élément mal aligné", 2),
    ("a:\n  - x\n - y\n", "élément mal aligné", 3),
    ("b:\n  c: 1\n\td: 2\n", "tabulation interdite", 3),
    ("a: {b: 1]\n", "ensemble entre accolades non fermé", 1),
    ("a: [b\nc: 1\n", "liste entre crochets non fermée", 2),
    ("a b\nc: 1\n", "deux-points inattendu", 2),
    ("a: `x\n", "le caractère « ` » ne peut pas commencer une valeur", 1),
])
def test_libyaml_reasons_are_said_in_french_with_their_line(text: str, said: str,
                                                            line: int) -> None:
    with pytest.raises(InvalidDocuments) as raised:
        parse_yaml(text, "f.yaml")
    issue = raised.value.issues[0]
    assert said in issue.message and issue.line == line
    assert not any(word in issue.message for word in ("found", "expected", "token", "while"))
