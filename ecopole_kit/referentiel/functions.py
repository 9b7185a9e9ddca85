"""The four functions of an Ecopôle, by their identifiers, in the référentiel's order.

Its own module, free of imports, for the checks of a project's files that need no more."""

FUNCTION_IDS = ("systeme-alimentaire", "accessibilite", "emploi", "evaluation")
