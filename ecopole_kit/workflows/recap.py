"""The interview's recap: the answers in sentences, as the person would read them back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecopole_kit.foundation.french import (
    format_amount,
    format_number,
    joined,
    with_preposition,
)
from ecopole_kit.foundation.resources import load_schema
from ecopole_kit.territory.geography import Geography
from ecopole_kit.territory.kinds import KINDS


def recap(config: Mapping[str, Any], geography: Geography) -> str:
    """One sentence per part of the configuration (territory, lead, contact, context,
    requests, actions); what was left out is not invented."""
    parts = (_territory(config.get("territoire", {}), geography), _lead(config),
             _contact(config.get("contact", {})), _context(config.get("contexte", {})),
             _requests(config.get("demandes", {})), *_actions(config.get("fonctions", {})))
    return "\n".join(part for part in parts if part)


def _territory(territory: Mapping[str, Any], geography: Geography) -> str:
    kind = KINDS.get(str(territory.get("type")))
    codes = [str(c) for c in territory.get("codes") or []]
    what = kind.sentence if kind else "un territoire"
    official = ""
    if kind is not None and codes:
        resolved = geography.resolve(kind.id, codes)
        inhabitants = format_number(resolved.population)
        official = (f" : {resolved.nom} ({', '.join(resolved.codes)}), {inhabitants} habitants"
                    if resolved.codes else "")
        official += (f" ; codes inconnus : {', '.join(resolved.unknown)}"
                     if resolved.unknown else "")
    name = str(territory.get("nom", "?"))
    article = territory.get("article")
    said = (f" Les pages diront « {with_preposition(name, article, 'à')} », "
            f"« {with_preposition(name, article, 'de')} »." if article else "")
    return (f"Territoire « {name} », {what}{official}. "
            f"Identifiant (dossier et adresses) : {territory.get('slug', '?')}.{said}")


def _lead(config: Mapping[str, Any]) -> str:
    lead = config.get("portage", {})
    partners = list(lead.get("partenaires") or [])
    with_whom = f", avec {joined(partners)}" if partners else ", sans partenaire indiqué"
    return f"Porté par {lead.get('nom', '?')}{with_whom}."


def _contact(contact: Mapping[str, Any]) -> str:
    return f"Contact : {contact.get('nom', '?')}, {contact.get('courriel', '?')}."


def _context(context: Mapping[str, Any]) -> str:
    said = [f"milieu {context.get('milieu', '?')}"]
    if context.get("particularites"):
        said.append(joined(list(context["particularites"])))
    if context.get("menages"):
        source = f" (source : {context['menages_source']})" if context.get("menages_source") \
            else " (source non indiquée)"
        said.append(f"{format_number(context['menages'])} ménages{source}")
    if context.get("sau_ha"):
        said.append(f"{format_amount(context['sau_ha'], 1)} ha de surface agricole déclarés")
    assets = [a for a in context.get("atouts") or [] if a != "autre"]
    assets += list(context.get("atouts_autres") or [])
    said.append(f"atouts : {joined(assets)}" if assets else "aucun atout indiqué")
    text = f"Contexte : {' ; '.join(said)}."
    if context.get("presentation"):
        text += f" Présentation : « {context['presentation']} »"
    return text


def _requests(requests: Mapping[str, Any]) -> str:
    address = requests.get("courriel") or "le courriel du contact"
    form = f" ; formulaire en ligne : {requests['formulaire']}" if requests.get("formulaire") \
        else ""
    return f"Demandes du référentiel reçues par {address}{form}."


def _actions(functions: Mapping[str, Mapping[str, Any]]) -> list[str]:
    schema = load_schema("territoire")["properties"]["fonctions"]["properties"]
    lines = []
    for function_id, actions in functions.items():
        titles = schema.get(function_id, {}).get("properties", {})
        engaged = [f"{titles.get(a, {}).get('title', a)} ({_stage(v)})"
                   for a, v in actions.items()]
        if engaged:
            title = schema.get(function_id, {}).get("title", function_id)
            lines.append(f"{title} : {' ; '.join(engaged)}.")
    return lines or ["Aucune action engagée pour l'instant : toutes sont « à explorer »."]


def _stage(value: Any) -> str:
    return str(value.get("stade", "?")) if isinstance(value, Mapping) else str(value)
