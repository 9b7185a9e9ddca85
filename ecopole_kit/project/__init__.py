"""A site project on disk: layout, typed configuration, loading and checking its files,
the rules across files, and the scaffold (the only cookiecutter importer)."""
