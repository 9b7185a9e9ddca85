"""The référentiel rendered for a territory: pages (pure functions of référentiel and
configuration), charts, and the engine, the only mkdocs caller."""
