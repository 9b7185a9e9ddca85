"""demo and serve, end to end (each runs mkdocs)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

pytestmark = pytest.mark.slow


def test_demo_builds_pays_tolosan_and_can_run_again(run_cli, tmp_path: Path) -> None:
    first = run_cli("demo")
    assert first.exit_code == 0, first.stderr
    index = tmp_path / "ecopole-demo" / "site" / "index.html"
    assert first.output.strip().endswith(str(index))
    assert "Pays Tolosan" in index.read_text("utf-8")
    again = run_cli("demo")
    assert again.exit_code == 0, again.stderr


def test_demo_refuses_a_folder_that_is_not_a_demo(run_cli, tmp_path: Path) -> None:
    (tmp_path / "travail").mkdir()
    (tmp_path / "travail" / "rapport.odt").write_bytes(b"x")
    result = run_cli("demo", "travail")
    assert result.exit_code == 1
    assert "le dossier n'est pas vide" in result.stderr
    assert [p.name for p in (tmp_path / "travail").iterdir()] == ["rapport.odt"]


def test_build_command_prints_the_index(run_cli, tmp_path: Path) -> None:
    run_cli("new", "p", "--answers", str(EXAMPLES / "audruicq.yaml"), "--no-input")
    result = run_cli("build", "p")
    assert result.exit_code == 0, result.stderr
    assert "Site construit : p/site/index.html" in result.output
    assert (tmp_path / "p" / "site" / "emploi" / "parcours-insertion.html").is_file()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_serve_previews_and_follows_edits(run_cli, tmp_path: Path) -> None:
    run_cli("new", "p", "--answers", str(EXAMPLES / "gohelle.yaml"), "--no-input")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ecopole_kit", "serve", "p", "--port", str(port)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/index.html"
        assert "Gohelle" in _fetch(url, time.monotonic() + 30)
        territory = tmp_path / "p" / "territoire.yaml"
        territory.write_text(territory.read_text("utf-8").replace(
            "nom: Gohelle", "nom: Gohelle et Lens"), "utf-8")
        deadline = time.monotonic() + 30
        while "Gohelle et Lens" not in _fetch(url, deadline):
            assert time.monotonic() < deadline, "the preview did not follow the edit"
            time.sleep(0.5)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)
    assert "Aperçu sur http://127.0.0.1:" in output
