"""The official place a rendering draws on, resolved from a territory's kind and codes."""

from __future__ import annotations

from ecopole_kit.project.config import Territory
from ecopole_kit.site.territory_pages import Place
from ecopole_kit.territory.geography import Geography


def place_of(geography: Geography, territory: Territory) -> Place | None:
    """The resolved territory, its data's attribution and the names of every commune;
    None for a territory without kind or codes (an applicant who gave none)."""
    if territory.type is None or not territory.codes:
        return None
    return Place(resolved=geography.resolve(territory.type, territory.codes),
                 attribution=geography.attribution,
                 commune_names={code: c.nom for code, c in geography.communes.items()})
