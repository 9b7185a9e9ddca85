"""The house keeps its shape: layers, room sizes, short functions, specific errors.

These tests read the code itself (import-linter's contracts, the AST of every module), so a
change that breaks the layout fails here with the module and line to look at.
"""

from __future__ import annotations

import ast
import functools
import statistics
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ecopole_kit"
MODULE_LINES = 400
FOLDER_MODULES = 12
MEDIAN_FUNCTION_LINES = 10
# Who may call the loaders: the core receives the référentiel and the geography as arguments.
LOADERS = {"load_referentiel", "load_geography"}
LOADER_ROOMS = {"cli", "web", "workflows"}


@functools.cache
def _parsed() -> tuple[tuple[Path, ast.Module], ...]:
    """Every module's syntax tree, parsed once for the checks below (they only read it)."""
    return tuple((path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
                 for path in sorted(PACKAGE.rglob("*.py")))


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    yield from _parsed()


def _room(path: Path) -> str:
    relative = path.relative_to(PACKAGE).parts
    return relative[0] if len(relative) > 1 else ""


@pytest.mark.slow  # lint-imports in another process (also among the checks before a commit)
def test_import_linter_keeps_every_contract() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-logo", "--no-cache"], capture_output=True,
                            text=True, cwd=PACKAGE.parent, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout
    assert result.stdout.count("KEPT") >= 5


@pytest.mark.slow
def test_no_module_over_the_size_limit() -> None:
    long = {str(path.relative_to(PACKAGE)): count for path, _ in _modules()
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES}
    assert long == {}


def test_no_folder_over_the_module_limit() -> None:
    crowded = {}
    for folder in [PACKAGE, *(p for p in PACKAGE.iterdir() if p.is_dir())]:
        modules = [p for p in folder.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
        if len(modules) > FOLDER_MODULES:
            crowded[folder.name] = len(modules)
    assert crowded == {}


@pytest.mark.slow
def test_functions_are_short() -> None:
    lengths = [node.end_lineno - node.lineno + 1 for _, tree in _modules()
               for node in ast.walk(tree)
               if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno]
    assert statistics.median(lengths) <= MEDIAN_FUNCTION_LINES


def _raised_names(tree: ast.Module) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        value = node.exc if isinstance(node, ast.Raise) else getattr(node, "value", None)
        if isinstance(node, ast.Raise | ast.Return) and isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Name):
                yield func.id, node.lineno


@pytest.mark.slow
def test_no_failure_raises_the_bare_root() -> None:
    """A caller tells failures apart by class: every raise site names a specific one."""
    bare = [f"{path.relative_to(PACKAGE)}:{line}" for path, tree in _modules()
            if path.name != "errors.py"
            for name, line in _raised_names(tree) if name == "EcopoleError"]
    assert bare == []


@pytest.mark.slow
def test_only_interfaces_and_workflows_load_the_referentiel_and_the_geography() -> None:
    callers = [f"{path.relative_to(PACKAGE)}:{node.lineno}" for path, tree in _modules()
               if _room(path) not in LOADER_ROOMS
               for node in ast.walk(tree)
               if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
               and node.func.id in LOADERS]
    assert callers == []


@pytest.mark.slow
def test_no_work_at_import_time() -> None:
    """Importing a module reads no file and translates nothing: module level holds
    definitions, constants and imports only (no calls to the kit's own loaders)."""
    suspicious = {"load_schema", "load_referentiel", "load_geography", "install", "shipped",
                  "read_text", "cwd"}
    found = []
    for path, tree in _modules():
        for statement in tree.body:
            if isinstance(statement, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(statement):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                    if name in suspicious:
                        found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {name}")
    assert found == []


@pytest.mark.parametrize("mutation", ["raise EcopoleError('x')", "return EcopoleError('x')"])
def test_the_bare_root_check_sees_a_mutation(mutation: str) -> None:
    """The scan above is not vacuous: it finds a bare raise when there is one."""
    tree = ast.parse(f"def f():\n    {mutation}\n")
    assert [name for name, _ in _raised_names(tree)] == ["EcopoleError"]
