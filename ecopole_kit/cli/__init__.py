"""The command line: the only click importer; each command turns options into one workflow call."""

from ecopole_kit.cli.main import main

__all__ = ["main"]
