"""The applicant's package as ``requests accept`` makes it where the platform forks: the PDF
in a forked process, the site here (a module of its own: test_package.py builds in place,
to record what WeasyPrint asks for)."""

from __future__ import annotations

import gc
import os
from datetime import date
from pathlib import Path

import pytest

from ecopole_kit.foundation import parallel
from ecopole_kit.requests import package
from ecopole_kit.requests.package import Applicant, build_package
from tests.conftest import knowledge
from tests.test_pdf_layout import FakeWeasyPrint


class Elsewhere(FakeWeasyPrint):
    """WeasyPrint's stand-in: its PDF names the process that made it and its collector."""

    def write_pdf(self) -> bytes:
        super().write_pdf()
        return f"%PDF-1.7 {os.getpid()} {gc.isenabled()}".encode()


@pytest.mark.slow
@pytest.mark.skipif(not parallel.can_fork(), reason="pas de fork : le PDF se fait sur place")
def test_the_pdf_is_made_in_a_forked_process_its_steps_told_here(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The site is built here meanwhile; WeasyPrint (a stand-in that names its process)
    tells its pages there, and they reach ``on_step`` in order, after the site's step."""
    monkeypatch.setattr(package, "_weasyprint", lambda: Elsewhere(pages=2))
    steps: list[str] = []
    built = build_package(Applicant("Camille", "Jardins", None, "c@exemple.fr"), tmp_path,
                          knowledge=knowledge(), today=date(2025, 3, 1), on_step=steps.append)
    assert steps == ["rendu des pages du référentiel", "construction du site",
                     "mise en page du PDF, page 1", "mise en page du PDF, page 2",
                     "écriture du PDF"]
    _, pid, collecting = built.pdf.read_text("ascii").split()
    assert int(pid) != os.getpid() and collecting == "False"
    assert "index.html" in built.files
