"""Every released template, shipped inside the wheel, to regenerate any project's merge base.

A frozen release is a copy of the template and schemas as they were released
(``<version>/template``, ``<version>/schemas``) and the context builder that rendered them
(``v<version>.py``). The current release is the live template (``project/scaffold.py``).
When a version is released, freeze it here before changing the template.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cookiecutter.generate import generate_files

from ecopole_kit.project.layout import RECORD_DIR, SCHEMA_DIR
from ecopole_kit.project.releases import v0_1_0, v0_2_0

_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Release:
    """A kit release: its number, its référentiel's, and how it rendered a project."""

    kit: str
    referentiel: str
    folder: str
    context: Callable[[dict[str, Any], bool, Path], dict[str, Any]]

    def render(self, answers: dict[str, Any], demo: bool, work: Path) -> Path:
        """Regenerate, into ``work``, exactly what this release wrote from these answers."""
        schemas = _HERE / self.folder / "schemas"
        generate_files(repo_dir=str(_HERE / self.folder / "template"),
                       context=self.context(answers, demo, schemas), output_dir=str(work),
                       accept_hooks=False)
        built = work / str(answers["territoire"]["slug"])
        target = built / RECORD_DIR / SCHEMA_DIR
        target.mkdir(parents=True, exist_ok=True)
        for schema in sorted(schemas.glob("*.schema.json")):
            shutil.copyfile(schema, target / schema.name)
        return built


FROZEN = {"0.1.0": Release("0.1.0", "0.1.0", "0_1_0", v0_1_0.context),
          "0.2.0": Release("0.2.0", "0.2.0", "0_2_0", v0_2_0.context)}
