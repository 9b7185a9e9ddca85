"""ecopole-kit: open a new Ecopôle alimentaire from a validated configuration."""

# The kit's version, its one source: the package metadata reads it from here (pyproject's
# [tool.hatch.version]), and the kit never has to look up its installed metadata (slow).
__version__ = "0.3.0"
