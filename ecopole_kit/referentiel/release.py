"""The référentiel version this kit ships: CHANGELOG.yaml's newest (a test checks it).

Its own module, free of imports, so that a command that only compares versions (an
unchanged build, ``--version``) never loads the YAML and schema machinery."""

REFERENTIEL_RELEASE = "0.3.0"
