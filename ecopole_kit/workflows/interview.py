"""The interview: asks a person, through an injected prompter, what the territory needs.

It never prints: the prompter (console.py in the CLI, a script in tests) shows and reads.
« ? » explains a question; a question that depends on an earlier answer is asked only when
that answer calls for it; every search ends with « chercher à nouveau ».
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from itertools import takewhile
from typing import Any, Protocol

from ecopole_kit.errors import InterviewInterrupted, MissingAnswers
from ecopole_kit.foundation.documents import Document
from ecopole_kit.foundation.french import counted
from ecopole_kit.foundation.validation import check_value, validate_document
from ecopole_kit.models import FieldPath, Question
from ecopole_kit.project import questions as answer_rules
from ecopole_kit.territory.geography import Geography
from ecopole_kit.territory.kinds import KINDS, RECORD_LABELS
from ecopole_kit.workflows.recap import recap

HELP = "?"
SEARCH_AGAIN = "Aucun de ceux-ci : chercher à nouveau"


class Prompter(Protocol):
    """What the interview needs from whoever talks to the person."""

    def section(self, title: str) -> None: ...

    def ask(self, question: Question, *, default: str, position: str) -> str: ...

    def explain(self, message: str) -> None: ...

    def summary(self, text: str) -> None: ...

    def confirm(self, text: str, *, default: bool) -> bool: ...

    def choose_correction(self, questions: list[Question]) -> int | None: ...


@dataclass(frozen=True)
class Helps:
    """What the interview knows beyond the schema: the fiches' one-line summaries (for
    « ? » on an action), and a check of the folder a slug would create."""

    summaries: Mapping[str, str] = field(default_factory=dict)
    folder_problem: Callable[[str], str | None] = lambda _slug: None


@dataclass
class _Talk:
    prompter: Prompter
    known: dict[str, Any]
    geography: Geography
    helps: Helps


def interview(prompter: Prompter | None, given: Mapping[str, Any], *,
              geography: Geography, helps: Helps | None = None) -> dict[str, Any]:
    """Complete ``given`` (nested answers) by asking; None as prompter means --no-input.

    ``geography`` finds the territories a person searches and names the one chosen.
    """
    known = answer_rules.flatten(given)
    questions = answer_rules.questions()
    if prompter is None:
        return answer_rules.nest(_fill_defaults(questions, known, geography))
    talk = _Talk(prompter, known, geography, helps or Helps())
    try:
        return _converse(talk, questions)
    except KeyboardInterrupt:
        raise InterviewInterrupted(answers=answer_rules.nest(known)) from None


def _converse(talk: _Talk, questions: list[Question]) -> dict[str, Any]:
    known, prompter = talk.known, talk.prompter
    todo = [q for q in questions if q.dotted not in known or _problems(q, known[q.dotted])
            or (q.derived_from and talk.helps.folder_problem(str(known[q.dotted])))]
    for question in todo:
        if question.dotted in known:
            problems = _problems(question, known[question.dotted])
            if problems:
                prompter.explain(f"{question.label} : " + "; ".join(problems))
    _ask_all(talk, todo)
    while True:
        config = answer_rules.nest(known)
        prompter.summary(recap(config, talk.geography))
        issues = validate_document(Document("réponses", config, None), answer_rules.SCHEMA)
        if any(not _answerable(issue.path, questions) for issue in issues):
            return config  # no question can mend it: the caller reports it, file and line
        for issue in issues:
            prompter.explain(f"{issue.field} : {issue.message}")
        if not issues and prompter.confirm("Ces réponses sont-elles correctes ?", default=True):
            return config
        chosen = prompter.choose_correction(questions)
        if chosen is not None:
            _ask_all(talk, [questions[chosen]])


def _answerable(path: FieldPath, questions: list[Question]) -> bool:
    """Whether re-asking some question can mend a problem at this path."""
    keys = tuple(takewhile(lambda part: isinstance(part, str), path))
    return bool(keys) and any(q.key[:len(keys)] == keys for q in questions)


def _fill_defaults(questions: list[Question], known: dict[str, Any],
                   geography: Geography) -> dict[str, Any]:
    missing = []
    for question in questions:
        if question.dotted in known or not answer_rules.applies(question, known):
            continue
        default = answer_rules.default_for(question, known, geography)
        if default is not None:
            known[question.dotted] = default
        elif question.required:
            missing.append(f"{question.dotted} ({question.label})")
    if missing:
        raise MissingAnswers(questions=missing)
    return known


def _ask_all(talk: _Talk, todo: list[Question]) -> None:
    section, asked = None, 0
    for index, question in enumerate(todo):
        if not answer_rules.applies(question, talk.known):
            continue  # « no number given »: no source to ask (what was written stays)
        if question.section != section:
            section = question.section
            talk.prompter.section(section)
        asked += 1
        # Out of the questions that apply now: one that an answer makes moot is not counted.
        still = sum(answer_rules.applies(q, talk.known) for q in todo[index + 1:])
        talk.known[question.dotted] = _ask_one(talk, question, f"{asked}/{asked + still}")


def _explanation(talk: _Talk, question: Question) -> str:
    summary = talk.helps.summaries.get(question.key[-1]) if question.key[0] == "fonctions" \
        else None
    text = summary or question.explanation or question.help
    if question.choice_labels:
        text += " Choix : " + "; ".join(question.choice_labels) + "."
    return text


def _ask_one(talk: _Talk, question: Question, position: str) -> Any:
    if question.search:
        return _ask_territory(talk, question, position)
    default = answer_rules.default_for(question, talk.known, talk.geography)
    current = talk.known.get(question.dotted, default)
    while True:
        raw = talk.prompter.ask(question, default=_shown(current), position=position)
        if raw.strip() == HELP:
            talk.prompter.explain(_explanation(talk, question))
            continue
        value = _read(talk, question, raw, current)
        if value is not None:
            return value


def _read(talk: _Talk, question: Question, raw: str, current: Any) -> Any:
    """The value of an answer, or None (after saying why) to ask again."""
    if not raw.strip():
        if current not in (None, "", []) or not question.required:
            value = current if current is not None else answer_rules.SKIP
            return value if _folder_free(talk, question, value) else None
        talk.prompter.explain("Réponse obligatoire : " + question.help)
        return None
    try:
        value = answer_rules.parse(question, raw)
    except ValueError as error:
        talk.prompter.explain(str(error))
        return None
    problems = _problems(question, value)
    if problems:
        talk.prompter.explain("; ".join(problems))
        return None
    return value if _folder_free(talk, question, value) else None


def _folder_free(talk: _Talk, question: Question, value: Any) -> bool:
    """The slug names the project's folder: a taken one is said now, not after the end."""
    problem = talk.helps.folder_problem(str(value)) if question.derived_from else None
    if problem:
        talk.prompter.explain(problem)
    return not problem


def _ask_territory(talk: _Talk, question: Question, position: str) -> list[str]:
    """Search official territories by name or code; several are added one by one."""
    chosen = [str(code) for code in talk.known.get(question.dotted) or []]
    while True:
        kind = KINDS.get(str(talk.known.get("territoire.type", "epci")), KINDS["epci"])
        search = _search_question(talk, question, kind.id, chosen)
        text = talk.prompter.ask(search, default="" if kind.several else ", ".join(chosen),
                                 position=position).strip()
        if text == HELP:
            talk.prompter.explain(_explanation(talk, question))
            continue
        if kind.several and _removed(talk, text, chosen):
            continue
        if not text or text == ", ".join(chosen):
            problems = _problems(question, chosen) if chosen else ["Réponse obligatoire."]
            if kind.several and len(chosen) == 1:
                problems = [f"{kind.sentence} en compte au moins deux ; ajoutez-en un autre."]
            if not problems:
                return chosen
            talk.prompter.explain("; ".join(problems))
            continue
        code = _pick_match(talk, question, kind.id, text, position)
        several = KINDS[str(talk.known.get("territoire.type", kind.id))].several  # may change
        if code is not None and not several:
            return [code]
        if code is not None and code not in chosen:
            chosen.append(code)


def _removed(talk: _Talk, text: str, chosen: list[str]) -> bool:
    """« -2 » takes the second one chosen off the list."""
    number = text[1:].strip()
    if not text.startswith("-") or not number.isdigit():
        return False
    if not 1 <= int(number) <= len(chosen):
        talk.prompter.explain(f"Il n'y a pas de n° {number} parmi les territoires retenus.")
        return True
    code = chosen.pop(int(number) - 1)
    talk.prompter.explain(f"Retiré : {_named(talk.geography, code)}.")
    return True


def _search_question(talk: _Talk, question: Question, kind: str,
                     chosen: list[str]) -> Question:
    what = " ou ".join(RECORD_LABELS[k] for k in KINDS[kind].record_kinds)
    if KINDS[kind].several and chosen:
        names = "; ".join(f"{n}. {_named(talk.geography, code)}"
                          for n, code in enumerate(chosen, 1))
        return replace(question, is_list=False,
                       help=f"Déjà retenus : {names} (« -1 » retire le premier).",
                       label=f"Ajouter : {what} (nom ou code ; Entrée pour terminer)")
    return replace(question, is_list=False, label=f"Rechercher : {what} (nom ou code)")


def _named(geography: Geography, code: str) -> str:
    for kind in ("epci", "commune", "departement"):
        record = geography.table(kind).get(code)
        if record is not None:
            return f"{record.nom} ({code})"
    return code


def _pick_match(talk: _Talk, question: Question, kind: str, text: str,
                position: str) -> str | None:
    """The code chosen among the results; None to search again."""
    limit = 9
    while True:
        found = talk.geography.search.find(text, kinds=answer_rules.SEARCH_KINDS[kind],
                                           limit=limit)
        if found.note:
            talk.prompter.explain(found.note)
            _offer_several(talk, kind)
        if not found.matches:
            talk.prompter.explain(f"Aucun résultat pour « {text} » ; essayez un autre nom ou "
                                  "un code.")
            return None
        more = (f"Voir plus de résultats ({counted(found.hidden, 'autre', 'autres')})",) \
            if found.hidden else ()
        choices = (*(f"{m.nom} ({m.code}) — {m.detail}" for m in found.matches), *more,
                   SEARCH_AGAIN)
        pick = replace(question, label="Numéro du résultat", choices=choices, is_list=False,
                       choice_labels=(), help=f"Résultats pour « {text} » :", search=False)
        raw = talk.prompter.ask(pick, default="1", position=position)
        try:
            chosen = choices.index(answer_rules.parse(pick, raw))
        except ValueError as error:
            if raw.strip().isdigit() or not raw.strip():
                talk.prompter.explain(str(error))
            else:  # words instead of a number: a new search, not a mistake
                text, limit = raw.strip(), 9
            continue
        if chosen < len(found.matches):
            return found.matches[chosen].code
        if choices[chosen] == SEARCH_AGAIN:
            return None
        limit += 30


def _offer_several(talk: _Talk, kind: str) -> None:
    """A Pays searched as one EPCI: offer the kind of several, keeping the search going."""
    if kind == "epci" and talk.prompter.confirm(
            "Passer au type « plusieurs intercommunalités » pour saisir les EPCI du Pays ?",
            default=True):
        talk.known["territoire.type"] = "plusieurs-epci"


def _problems(question: Question, value: Any) -> list[str]:
    if value == answer_rules.SKIP and not question.required:
        return []
    return check_value(answer_rules.SCHEMA, question.key, value)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        items = [str(v) for v in value]
        return ("; " if any("," in item for item in items) else ", ").join(items)
    return str(value)
