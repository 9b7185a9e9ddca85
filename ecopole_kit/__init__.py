"""ecopole-kit: open a new Ecopôle alimentaire from a validated configuration."""

from __future__ import annotations

from functools import cache


@cache
def _installed_version() -> str:
    # importlib.metadata costs a quarter of the start-up of « --help »: read on first use.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ecopole-kit")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    """``ecopole_kit.__version__``, read from the installed metadata when first asked."""
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module 'ecopole_kit' has no attribute {name!r}")
