"""ecopole-kit: open a new Ecopôle alimentaire from a validated configuration."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ecopole-kit")
except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
    __version__ = "0.0.0+source"
