"""The official place a rendering draws on, resolved from a territory's type and codes."""

from __future__ import annotations

from collections.abc import Sequence

from ecopole_kit.site.territory_pages import Place
from ecopole_kit.territory.geography import Geography


def place_of(geography: Geography, kind: str, codes: Sequence[str]) -> Place:
    """The resolved territory, its data's attribution and the names of every commune."""
    return Place(resolved=geography.resolve(kind, codes),
                 attribution=geography.attribution,
                 commune_names={code: c.nom for code, c in geography.communes.items()})
