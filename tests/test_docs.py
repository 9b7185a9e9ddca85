"""The kit's own guide (docs/) builds strictly and covers every command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_staff_guide_builds_strictly(tmp_path: Path) -> None:
    config = ROOT / "docs" / "mkdocs.yml"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config),
         "-d", str(tmp_path / "guide")], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "guide" / "index.html").is_file()


def test_guide_documents_every_command() -> None:
    from ecopole_kit.cli.main import main
    from ecopole_kit.cli.requests import requests

    guide = "".join(p.read_text("utf-8") for p in (ROOT / "docs" / "guide").glob("*.md"))
    for command in main.commands:
        assert f"ecopole-kit {command}" in guide, command
    for command in requests.commands:
        assert f"requests {command}" in guide, command
    for page in ("installation", "entretien", "projet", "commandes", "publier"):
        assert (ROOT / "docs" / "guide" / f"{page}.md").is_file()
