"""The question model of a checkpoint quiz, its YAML text form, and the authoring rules.

A quiz is a tuple of ``Question``; each has ``Choice`` items. Kinds:

- ``single``: exactly one correct choice, the learner picks one;
- ``multiple``: one or more correct choices, the learner picks any; all-or-nothing unless
  ``partial_credit`` (then right-minus-wrong, floored at 0; see ``scoring``);
- ``true_false``: two fixed choices ``true``/``false``; ``answer`` says which is right.

The YAML form (what Studio edits) is a list of questions::

    - id: industry-driven
      kind: single
      prompt: Who takes the lead role in an effective sector partnership?
      source: "Sector Partnerships page: effective partnerships are industry-driven"
      choices:
        - {id: a, text: Industry, correct: true, feedback: "Yes: industry leads."}
        - {id: b, text: Community colleges}
    - id: wioa
      kind: true_false
      answer: true
      prompt: WIOA is a federal law passed in 2014.
      explanation: The Iowa page says so.

Nothing here knows about XBlock: parsing returns questions plus problems (messages naming the question),
so Studio can show every problem at once and a broken quiz never raises in a view.
"""

import functools
import math
import re
from dataclasses import dataclass

import yaml

from xblocks.common.yaml_source import SourceError, loads

KINDS = ("single", "multiple", "true_false")
TRUE_FALSE_IDS = ("true", "false")
MAX_QUESTIONS = 200
MAX_CHOICES = 26
MAX_TEXT = 4000
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")

QUESTION_KEYS = {
    "id",
    "kind",
    "prompt",
    "choices",
    "answer",
    "weight",
    "explanation",
    "source",
    "partial_credit",
}
CHOICE_KEYS = {"id", "text", "correct", "feedback"}


@dataclass(frozen=True)
class Choice:
    """One answer option. ``text`` is plain text (escaped when shown); empty for true/false labels."""

    id: str
    text: str = ""
    correct: bool = False
    feedback: str = ""


@dataclass(frozen=True)
class Question:
    """One question; ``choices`` keep the author's order (shuffling happens per learner at view time)."""

    id: str
    kind: str
    prompt: str
    choices: tuple
    weight: float = 1.0
    explanation: str = ""
    source: str = ""
    partial_credit: bool = False

    @functools.cached_property
    def correct_ids(self):
        return frozenset(c.id for c in self.choices if c.correct)

    @functools.cached_property
    def choice_ids(self):
        return tuple(c.id for c in self.choices)

    @functools.cached_property
    def choices_by_id(self):
        return {c.id: c for c in self.choices}

    def choice(self, choice_id):
        return self.choices_by_id.get(choice_id)


class QuestionSet(tuple):
    """The questions of a quiz in author order (what ``questions_from_yaml`` returns)."""


def question_label(index, question_id):
    """How messages name a question: ``question 2 "stages"``."""
    return f'question {index + 1} "{question_id}"' if question_id else f"question {index + 1}"


def true_false_choices(answer, feedback=None):
    """The two choices of a true/false question; ``feedback`` maps ``true``/``false`` to text."""
    feedback = feedback or {}
    return tuple(
        Choice(
            id=cid, text="", correct=(cid == ("true" if answer else "false")), feedback=feedback.get(cid, "")
        )
        for cid in TRUE_FALSE_IDS
    )


# --- rules ---------------------------------------------------------------------------------------


def check_questions(questions):
    """Every broken authoring rule, as messages naming the question (empty list: the quiz is fine)."""
    problems = []
    if not questions:
        return ["The quiz has no questions: add at least one."]
    seen = {}
    for i, question in enumerate(questions):
        label = question_label(i, question.id)
        if not question.id:
            problems.append(f"{label}: the id is empty.")
        elif not _ID.match(question.id):
            problems.append(
                f"{label}: the id may only use letters, digits and _ . : - (at most 100 characters)."
            )
        elif question.id in seen:
            problems.append(
                f"{label}: the id is already used by {question_label(seen[question.id], question.id)}."
            )
        else:
            seen[question.id] = i
        if question.kind not in KINDS:
            problems.append(f"{label}: unknown kind {question.kind!r} (use single, multiple or true_false).")
            continue
        if not question.prompt.strip():
            problems.append(f"{label}: the prompt is empty.")
        if not (math.isfinite(question.weight) and question.weight > 0):
            problems.append(f"{label}: the weight must be a number above 0, not {question.weight!r}.")
        problems.extend(_check_choices(label, question))
    return problems


def _check_choices(label, question):
    problems = []
    if question.kind != "true_false" and len(question.choices) < 2:
        problems.append(f"{label}: a {question.kind} question needs at least two choices.")
    ids = set()
    for j, choice in enumerate(question.choices):
        where = f'{label}, choice {j + 1} "{choice.id}"' if choice.id else f"{label}, choice {j + 1}"
        if not choice.id:
            problems.append(f"{where}: the id is empty.")
        elif not _ID.match(choice.id):
            problems.append(
                f"{where}: the id may only use letters, digits and _ . : - (at most 100 characters)."
            )
        elif choice.id in ids:
            problems.append(f"{where}: the id is used twice in this question.")
        ids.add(choice.id)
        if question.kind != "true_false" and not choice.text.strip():
            problems.append(f"{where}: the text is empty.")
    correct = len(question.correct_ids)
    if correct == 0:
        problems.append(f"{label}: no choice is marked correct.")
    elif question.kind == "single" and correct > 1:
        problems.append(f"{label}: a single-choice question has {correct} correct choices; mark exactly one.")
    if question.partial_credit and question.kind != "multiple":
        problems.append(f"{label}: partial_credit only applies to multiple-choice questions.")
    return problems


def check_settings(pass_ratio, max_attempts, weight):
    """Problems with the quiz-wide numbers."""
    problems = []
    if not _is_number(pass_ratio) or not 0 <= pass_ratio <= 1:
        problems.append(f"pass_ratio must be between 0 and 1 (e.g. 0.8), not {pass_ratio!r}.")
    if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 0:
        problems.append(
            f"max_attempts must be a whole number, 0 or more (0 means unlimited), not {max_attempts!r}."
        )
    if not _is_number(weight) or weight < 0:
        problems.append(f"weight must be a number, 0 or more, not {weight!r}.")
    return problems


def _is_number(value):
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


# --- from plain data (YAML) ----------------------------------------------------------------------


class QuestionsError(ValueError):
    """Questions that cannot even be read (wrong shapes, bad YAML); ``problems`` lists every message."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


def _where(data, key, fallback):
    marks = getattr(data, "marks", None)
    if marks and key in marks:
        mark = marks[key]
        return f"line {mark.line}: "
    mark = getattr(data, "mark", None)
    return f"line {mark.line}: " if mark is not None else fallback


def _text(data, key, label, problems, required=False):
    value = data.get(key)
    if value is None:
        if required:
            problems.append(f"{_where(data, key, '')}{label}: {key} is missing.")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.append(f"{_where(data, key, '')}{label}: {key} must be text.")
        return ""
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        problems.append(f"{_where(data, key, '')}{label}: {key} is longer than {MAX_TEXT} characters.")
    return text


def _bool(data, key, label, problems, default=False):
    value = data.get(key, default)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if not isinstance(value, bool):
        problems.append(f"{_where(data, key, '')}{label}: {key} must be true or false.")
        return default
    return value


def _weight(data, label, problems):
    value = data.get("weight", 1.0)
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if not _is_number(value):
        problems.append(f"{_where(data, 'weight', '')}{label}: weight must be a number.")
        return 1.0
    return float(value)


def question_from_data(data, index):
    """One Question from a mapping, plus the problems found reading it."""
    problems = []
    if not isinstance(data, dict):
        return None, [
            f"{question_label(index, '')}: each question must be a mapping (id, kind, prompt, ...)."
        ]
    qid = data.get("id")
    qid = str(qid).strip() if isinstance(qid, str | int) and not isinstance(qid, bool) else ""
    label = question_label(index, qid)
    unknown = sorted(str(k) for k in data if k not in QUESTION_KEYS)
    if unknown:
        problems.append(f"{_where(data, unknown[0], '')}{label}: unknown key(s) {', '.join(unknown)}.")
    kind = _text(data, "kind", label, problems) or "single"
    prompt = _text(data, "prompt", label, problems, required=True)
    extra = {
        "weight": _weight(data, label, problems),
        "explanation": _text(data, "explanation", label, problems),
        "source": _text(data, "source", label, problems),
        "partial_credit": _bool(data, "partial_credit", label, problems),
    }
    raw_choices = data.get("choices") or []
    if not isinstance(raw_choices, list):
        problems.append(f"{_where(data, 'choices', '')}{label}: choices must be a list.")
        raw_choices = []
    if len(raw_choices) > MAX_CHOICES:
        problems.append(f"{label}: at most {MAX_CHOICES} choices.")
        raw_choices = raw_choices[:MAX_CHOICES]
    choices = []
    for j, raw in enumerate(raw_choices):
        if not isinstance(raw, dict):
            problems.append(f"{label}, choice {j + 1}: each choice must be a mapping (id, text, ...).")
            continue
        cid = raw.get("id")
        cid = str(cid).strip() if isinstance(cid, str | int) and not isinstance(cid, bool) else ""
        where = f'{label}, choice {j + 1} "{cid}"'
        bad = sorted(str(k) for k in raw if k not in CHOICE_KEYS)
        if bad:
            problems.append(f"{_where(raw, bad[0], '')}{where}: unknown key(s) {', '.join(bad)}.")
        choices.append(
            Choice(
                id=cid,
                text=_text(raw, "text", where, problems),
                correct=_bool(raw, "correct", where, problems),
                feedback=_text(raw, "feedback", where, problems),
            )
        )
    if kind == "true_false":
        if "answer" not in data:
            problems.append(f"{label}: a true_false question needs answer: true or answer: false.")
        answer = _bool(data, "answer", label, problems, default=True)
        feedback = {}
        for choice in choices:
            if choice.id not in TRUE_FALSE_IDS:
                problems.append(f'{label}: a true_false question has only the choices "true" and "false".')
            else:
                feedback[choice.id] = choice.feedback
        choices = list(true_false_choices(answer, feedback))
    elif "answer" in data:
        problems.append(f"{label}: answer is only for true_false questions; mark choices with correct: true.")
    return Question(id=qid, kind=kind, prompt=prompt, choices=tuple(choices), **extra), problems


def questions_from_data(items):
    """``(questions, problems)`` from a list of mappings; reading problems and rule problems together."""
    if items is None:
        items = []
    if not isinstance(items, list):
        return (), ["The questions must be a list (each item: id, kind, prompt, choices...)."]
    if len(items) > MAX_QUESTIONS:
        return (), [f"The quiz has {len(items)} questions; at most {MAX_QUESTIONS}."]
    questions, problems = [], []
    for i, item in enumerate(items):
        question, found = question_from_data(item, i)
        problems.extend(found)
        if question is not None:
            questions.append(question)
    questions = tuple(questions)
    problems.extend(p for p in check_questions(questions) if p not in problems)
    return questions, problems


@functools.lru_cache(maxsize=128)
def questions_from_yaml(text):
    """``(questions, problems)`` from the YAML text. Cached by text: content only, never learner state."""
    try:
        data = loads(text or "", path="questions")
    except SourceError as err:
        return (), [f"The questions are not valid YAML: line {err.line}, column {err.column}: {err.message}."]
    questions, problems = questions_from_data(data)
    return QuestionSet(questions), tuple(problems)


# --- to plain data (YAML) ------------------------------------------------------------------------


def question_to_data(question):
    """A plain mapping for one question; only what differs from the defaults."""
    data = {"id": question.id, "kind": question.kind, "prompt": question.prompt}
    if question.weight != 1.0:
        data["weight"] = int(question.weight) if question.weight.is_integer() else question.weight
    if question.partial_credit:
        data["partial_credit"] = True
    if question.kind == "true_false":
        data["answer"] = "true" in question.correct_ids
        with_feedback = [c for c in question.choices if c.feedback]
        if with_feedback:
            data["choices"] = [{"id": c.id, "feedback": c.feedback} for c in with_feedback]
    else:
        data["choices"] = [_choice_to_data(c) for c in question.choices]
    if question.explanation:
        data["explanation"] = question.explanation
    if question.source:
        data["source"] = question.source
    return data


def _choice_to_data(choice):
    data = {"id": choice.id, "text": choice.text}
    if choice.correct:
        data["correct"] = True
    if choice.feedback:
        data["feedback"] = choice.feedback
    return data


def questions_to_yaml(questions):
    """The YAML text form of ``questions`` (readable, keys in a fixed order, Unicode kept)."""
    if not questions:
        return "[]\n"
    return yaml.safe_dump(
        [question_to_data(q) for q in questions],
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
