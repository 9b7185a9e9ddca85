"""The interview: asks a person, through an injected prompter, what the territory needs.

It never prints: the prompter (console.py in the CLI, a script in tests) shows and reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from itertools import takewhile
from typing import Any, Protocol

from ecopole_kit.errors import InterviewInterrupted, MissingAnswers
from ecopole_kit.foundation.documents import Document, dump_yaml
from ecopole_kit.foundation.validation import check_value, validate_document
from ecopole_kit.models import FieldPath, Question
from ecopole_kit.project import questions as answer_rules
from ecopole_kit.territory.geography import Geography
from ecopole_kit.territory.kinds import KINDS


class Prompter(Protocol):
    """What the interview needs from whoever talks to the person."""

    def section(self, title: str) -> None: ...

    def ask(self, question: Question, *, default: str, position: str) -> str: ...

    def explain(self, message: str) -> None: ...

    def summary(self, text: str) -> None: ...

    def confirm(self, text: str, *, default: bool) -> bool: ...

    def choose_correction(self, questions: list[Question]) -> int | None: ...


def interview(prompter: Prompter | None, given: Mapping[str, Any], *,
              geography: Geography) -> dict[str, Any]:
    """Complete ``given`` (nested answers) by asking; None as prompter means --no-input.

    ``geography`` finds the territories a person searches and names the one chosen.
    """
    known = answer_rules.flatten(given)
    questions = answer_rules.questions()
    if prompter is None:
        return answer_rules.nest(_fill_defaults(questions, known, geography))
    try:
        return _converse(prompter, questions, known, geography)
    except KeyboardInterrupt:
        raise InterviewInterrupted(answers=answer_rules.nest(known)) from None


def _converse(prompter: Prompter, questions: list[Question], known: dict[str, Any],
              geography: Geography) -> dict[str, Any]:
    todo = [q for q in questions if q.dotted not in known or _problems(q, known[q.dotted])]
    for question in todo:
        if question.dotted in known:
            problems = _problems(question, known[question.dotted])
            prompter.explain(f"{question.label} : " + "; ".join(problems))
    _ask_all(prompter, todo, known, geography)
    while True:
        config = answer_rules.nest(known)
        prompter.summary(dump_yaml(config))
        issues = validate_document(Document("réponses", config, None), answer_rules.SCHEMA)
        if any(not _answerable(issue.path, questions) for issue in issues):
            return config  # no question can mend it: the caller reports it, file and line
        for issue in issues:
            prompter.explain(f"{issue.field} : {issue.message}")
        if not issues and prompter.confirm("Ces réponses sont-elles correctes ?", default=True):
            return config
        chosen = prompter.choose_correction(questions)
        if chosen is not None:
            _ask_all(prompter, [questions[chosen]], known, geography)


def _answerable(path: FieldPath, questions: list[Question]) -> bool:
    """Whether re-asking some question can mend a problem at this path."""
    keys = tuple(takewhile(lambda part: isinstance(part, str), path))
    return bool(keys) and any(q.key[:len(keys)] == keys for q in questions)


def _fill_defaults(questions: list[Question], known: dict[str, Any],
                   geography: Geography) -> dict[str, Any]:
    missing = []
    for question in questions:
        if question.dotted in known:
            continue
        default = answer_rules.default_for(question, known, geography)
        if default is not None:
            known[question.dotted] = default
        elif question.required:
            missing.append(f"{question.dotted} ({question.label})")
    if missing:
        raise MissingAnswers(questions=missing)
    return known


def _ask_all(prompter: Prompter, todo: list[Question], known: dict[str, Any],
             geography: Geography) -> None:
    section = None
    for index, question in enumerate(todo, 1):
        if question.section != section:
            section = question.section
            prompter.section(section)
        position = f"{index}/{len(todo)}"
        known[question.dotted] = _ask_one(prompter, question, known, position, geography)


def _ask_one(prompter: Prompter, question: Question, known: dict[str, Any],
             position: str, geography: Geography) -> Any:
    if question.search:
        return _ask_territory(prompter, question, known, position, geography)
    default = answer_rules.default_for(question, known, geography)
    current = known.get(question.dotted, default)
    while True:
        raw = prompter.ask(question, default=_shown(current), position=position)
        if not raw.strip():
            if current not in (None, "", []) or not question.required:
                return current if current is not None else answer_rules.SKIP
            prompter.explain("Réponse obligatoire : " + question.help)
            continue
        try:
            value = answer_rules.parse(question, raw)
        except ValueError as error:
            prompter.explain(str(error))
            continue
        problems = _problems(question, value)
        if not problems:
            return value
        prompter.explain("; ".join(problems))


def _ask_territory(prompter: Prompter, question: Question, known: dict[str, Any],
                   position: str, geography: Geography) -> list[str]:
    """Search official territories by name or code; several EPCI are added one by one."""
    kind = str(known.get("territoire.type", "epci"))
    several = KINDS[kind].several if kind in KINDS else False
    chosen = [str(code) for code in known.get(question.dotted) or []]
    search = replace(question, is_list=False)
    while True:
        if several and chosen:
            search = replace(search, label="Ajouter un EPCI (nom ou code ; Entrée pour terminer)",
                             help=f"EPCI retenus : {', '.join(chosen)}.")
        else:
            search = replace(search, label="Rechercher le territoire (nom ou code)")
        text = prompter.ask(search, default=", ".join(chosen), position=position).strip()
        if not text or text == ", ".join(chosen):
            problems = _problems(question, chosen) if chosen else ["Réponse obligatoire."]
            if several and len(chosen) == 1:
                problems = ["un territoire de plusieurs EPCI en compte au moins deux ; "
                            "ajoutez-en un autre."]
            if not problems:
                return chosen
            prompter.explain("; ".join(problems))
            continue
        code = _pick_match(prompter, question, kind, text, position, geography)
        if code is not None and not several:
            return [code]
        if code is not None and code not in chosen:
            chosen.append(code)


def _pick_match(prompter: Prompter, question: Question, kind: str, text: str,
                position: str, geography: Geography) -> str | None:
    matches = geography.lookup(text, kinds=answer_rules.SEARCH_KINDS[kind], limit=9)
    if not matches:
        prompter.explain(f"Aucun résultat pour « {text} » ; essayez un autre nom ou un code.")
        return None
    choices = tuple(f"{m.nom} ({m.code}) — {m.detail}" for m in matches)
    pick = replace(question, label="Numéro du résultat", choices=choices, is_list=False,
                   help=f"Résultats pour « {text} » :", search=False)
    raw = prompter.ask(pick, default="1", position=position)
    try:
        chosen = answer_rules.parse(pick, raw)
    except ValueError as error:
        prompter.explain(str(error))
        return None
    return matches[choices.index(chosen)].code


def _problems(question: Question, value: Any) -> list[str]:
    if value == answer_rules.SKIP and not question.required:
        return []
    return check_value(answer_rules.SCHEMA, question.key, value)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
