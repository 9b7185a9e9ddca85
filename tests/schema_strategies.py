"""Hypothesis strategies that draw instances of our JSON Schemas (the subset they use)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


def from_schema(node: dict[str, Any], root: dict[str, Any],
                overrides: dict[str, st.SearchStrategy[Any]] | None = None,
                path: str = "") -> st.SearchStrategy[Any]:
    """Instances of ``node``; ``overrides`` maps dotted paths to strategies of their own."""
    overrides = overrides or {}
    if path in overrides:
        return overrides[path]
    node = _resolve(node, root)
    if "anyOf" in node:
        return st.one_of([from_schema(branch, root, overrides, path) for branch in node["anyOf"]])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "object":
        return _object(node, root, overrides, path)
    if kind == "array":
        return _array(node, root, overrides, path)
    if kind in ("number", "integer"):
        return _number(node, kind)
    return _string(node)


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _object(node: dict[str, Any], root: dict[str, Any],
            overrides: dict[str, st.SearchStrategy[Any]], path: str) -> st.SearchStrategy[Any]:
    required = set(node.get("required", ()))
    fields = {name: from_schema(child, root, overrides, f"{path}.{name}".lstrip("."))
              for name, child in node.get("properties", {}).items()}
    return st.fixed_dictionaries({k: v for k, v in fields.items() if k in required},
                                 optional={k: v for k, v in fields.items() if k not in required})


def _array(node: dict[str, Any], root: dict[str, Any],
           overrides: dict[str, st.SearchStrategy[Any]], path: str) -> st.SearchStrategy[Any]:
    items = from_schema(node.get("items", {}), root, overrides, f"{path}[]")
    return st.lists(items, min_size=node.get("minItems", 0),
                    max_size=min(node.get("maxItems", 3), 3),
                    unique_by=(lambda x: repr(x)) if node.get("uniqueItems") else None)


def _number(node: dict[str, Any], kind: str) -> st.SearchStrategy[Any]:
    low = node.get("minimum", node.get("exclusiveMinimum", 0) + (1 if kind == "integer" else 0.5))
    high = node.get("maximum", 10_000)
    if kind == "integer":
        return st.integers(int(low), int(high))
    return st.floats(low, high, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 2))


def _string(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    low, high = node.get("minLength", 0), min(node.get("maxLength", 40), 40)
    pattern = node.get("pattern")
    if pattern and "\\u0000" not in pattern:
        return st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)
    return _TEXT.filter(lambda s: low <= len(s) <= high and s.strip() == s and s)
