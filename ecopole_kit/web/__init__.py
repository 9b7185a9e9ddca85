"""The intake form: the only Flask importer (a second interface, beside the command line)."""
