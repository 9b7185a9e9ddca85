"""Parameter types of the commands, cheap to define: « --help » never imports pathlib."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from ecopole_kit.cli import click_fr

if TYPE_CHECKING:
    from pathlib import Path


class PathParam(click.Path):
    """``click.Path`` whose values are ``pathlib.Path``; pathlib is imported only when a
    command line is parsed (``path_type=Path`` would import it to define the command)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Named when the commands are defined, before click speaks French: « Dossier 'x'
        # est un fichier. », not « Directory 'x' … ».
        self.name = click_fr.gettext(self.name)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path:
        from pathlib import Path

        return Path(os.fsdecode(super().convert(value, param, ctx)))
