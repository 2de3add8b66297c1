"""The OLX form of a checkpoint quiz: read it into settings + questions, write it back.

::

    <checkpoint_quiz display_name="Session 1 checkpoint" pass_ratio="0.8" max_attempts="3" weight="1"
                     shuffle="true" show_answers="after_pass_or_last_attempt" module_id="session-1-quiz">
      <question id="industry-driven" kind="single" weight="1">
        <prompt>Who takes the lead role in an effective sector partnership?</prompt>
        <choice id="a" correct="true" feedback="Yes: industry identifies needs and leads.">Industry</choice>
        <choice id="b" feedback="Education supports, it does not lead.">Community colleges</choice>
        <explanation>...</explanation>
        <source>Sector Partnerships page, first section</source>
      </question>
      <question id="wioa" kind="true_false" answer="true"><prompt>...</prompt></question>
    </checkpoint_quiz>

``url_name`` and ``xblock-family`` (added by course exports) are ignored. Values that cannot be read
(``pass_ratio="lots"``, an unknown attribute or element) raise ``OlxError`` naming the place; authoring
rules (no correct choice, ...) are left to ``questions.check_questions`` so Studio can show them.
"""

import math
import re

from lxml import etree

from xblocks.checkpoint_quiz.questions import (
    TRUE_FALSE_IDS,
    check_questions,
    question_from_data,
    question_label,
    questions_from_yaml,
)

IGNORED_ATTRIBUTES = {"url_name", "xblock-family"}
SHOW_ANSWERS = ("always", "after_pass_or_last_attempt", "never")
SCORING = ("best", "last")

# attribute -> (kind, default). The block's fields carry the same defaults.
SETTINGS = {
    "display_name": ("text", "Checkpoint quiz"),
    "pass_ratio": ("ratio", 0.8),
    "max_attempts": ("count", 3),
    "weight": ("number", 1.0),
    "shuffle": ("bool", True),
    "shuffle_questions": ("bool", False),
    "show_answers": (SHOW_ANSWERS, "after_pass_or_last_attempt"),
    "scoring": (SCORING, "best"),
    "module_id": ("text", ""),
}
_SPACE = re.compile(r"\s+")


class OlxError(ValueError):
    """OLX that cannot be read; the message says where."""


def _text_of(element):
    return _SPACE.sub(" ", "".join(element.itertext())).strip()


def _read_setting(name, raw):
    kind, _default = SETTINGS[name]
    raw = raw.strip() if kind != "text" else raw
    where = f'<checkpoint_quiz {name}="{raw}">'
    if kind == "text":
        return raw
    if kind == "bool":
        if raw.lower() not in ("true", "false"):
            raise OlxError(f"{where}: {name} must be true or false.")
        return raw.lower() == "true"
    if kind == "count":
        try:
            return int(raw)
        except ValueError:
            raise OlxError(f"{where}: {name} must be a whole number (0 means unlimited).") from None
    if kind in ("ratio", "number"):
        try:
            value = float(raw)
        except ValueError:
            raise OlxError(f"{where}: {name} must be a number.") from None
        if not math.isfinite(value):
            raise OlxError(f"{where}: {name} must be a finite number.")
        return value
    if raw not in kind:
        raise OlxError(f"{where}: {name} must be one of {', '.join(kind)}.")
    return raw


def _question_data(element, index):
    """The mapping ``questions.question_from_data`` reads, from one <question> element."""
    data = {}
    for key, value in element.attrib.items():
        if key not in ("id", "kind", "weight", "partial_credit", "answer"):
            raise OlxError(f"{question_label(index, element.get('id', ''))}: unknown attribute {key!r}.")
        data[key] = value
    choices = []
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            continue
        if child.tag in ("prompt", "explanation", "source"):
            data[child.tag] = _text_of(child)
        elif child.tag == "choice":
            bad = sorted(set(child.attrib) - {"id", "correct", "feedback"})
            if bad:
                raise OlxError(
                    f"{question_label(index, element.get('id', ''))}: <choice> has unknown attribute(s) "
                    f"{', '.join(bad)}."
                )
            choice = {"id": child.get("id", ""), "text": _text_of(child)}
            if "correct" in child.attrib:
                choice["correct"] = child.get("correct").strip().lower()
            if "feedback" in child.attrib:
                choice["feedback"] = child.get("feedback")
            choices.append(choice)
        else:
            raise OlxError(
                f"{question_label(index, element.get('id', ''))}: unknown element <{child.tag}> "
                "(use prompt, choice, explanation, source)."
            )
    if choices:
        data["choices"] = choices
    return data


def parse_quiz(node):
    """``(settings, questions, problems)`` from a <checkpoint_quiz> element (lxml)."""
    settings = {}
    for name, raw in node.attrib.items():
        if name in IGNORED_ATTRIBUTES:
            continue
        if name not in SETTINGS:
            raise OlxError(f"<checkpoint_quiz>: unknown attribute {name!r} (known: {', '.join(SETTINGS)}).")
        settings[name] = _read_setting(name, raw)
    questions, problems = [], []
    index = 0
    for child in node:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "questions" and child.get("format") == "yaml":
            found, found_problems = questions_from_yaml(child.text or "")
            questions.extend(found)
            problems.extend(found_problems)
            continue
        if child.tag != "question":
            raise OlxError(f"<checkpoint_quiz>: unknown element <{child.tag}> (only <question> is allowed).")
        question, found = question_from_data(_question_data(child, index), index)
        questions.append(question)
        problems.extend(found)
        index += 1
    questions = tuple(questions)
    problems.extend(p for p in check_questions(questions) if p not in problems)
    return settings, questions, problems


def yaml_source_of(node):
    """The verbatim YAML of a ``<questions format="yaml">`` child (see ``write_quiz``), else None."""
    for child in node:
        if child.tag == "questions" and child.get("format") == "yaml":
            return child.text or ""
    return None


def parse_quiz_string(text):
    """Parse OLX text (for tests and tools); malformed XML is an OlxError."""
    try:
        node = etree.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
    except etree.XMLSyntaxError as err:
        raise OlxError(f"The OLX is not well-formed XML: {err}.") from None
    if node.tag != "checkpoint_quiz":
        raise OlxError(f"Expected <checkpoint_quiz>, found <{node.tag}>.")
    return parse_quiz(node)


def _fmt_number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _setting_text(name, value):
    kind, _default = SETTINGS[name]
    if kind == "bool":
        return "true" if value else "false"
    if kind in ("ratio", "number"):
        return _fmt_number(value)
    return str(value)


def write_quiz(node, settings, questions, broken_source=None):
    """Fill the <checkpoint_quiz> ``node`` with ``settings`` (name -> value) and ``questions``.

    ``broken_source`` is YAML text that does not parse: it is kept verbatim in
    ``<questions format="yaml">`` so an export never loses an author's work.
    """
    node.tag = "checkpoint_quiz"
    for name in SETTINGS:
        if name in settings and settings[name] is not None:
            node.set(name, _setting_text(name, settings[name]))
    if broken_source is not None:
        child = etree.SubElement(node, "questions", format="yaml")
        child.text = etree.CDATA(broken_source)
        return node
    for question in questions:
        element = etree.SubElement(node, "question", id=question.id, kind=question.kind)
        if question.weight != 1.0:
            element.set("weight", _fmt_number(question.weight))
        if question.partial_credit:
            element.set("partial_credit", "true")
        if question.kind == "true_false":
            element.set("answer", "true" if "true" in question.correct_ids else "false")
        etree.SubElement(element, "prompt").text = question.prompt
        for choice in question.choices:
            if question.kind == "true_false":
                if choice.feedback and choice.id in TRUE_FALSE_IDS:
                    etree.SubElement(element, "choice", id=choice.id, feedback=choice.feedback)
                continue
            item = etree.SubElement(element, "choice", id=choice.id)
            if choice.correct:
                item.set("correct", "true")
            if choice.feedback:
                item.set("feedback", choice.feedback)
            item.text = choice.text
        if question.explanation:
            etree.SubElement(element, "explanation").text = question.explanation
        if question.source:
            etree.SubElement(element, "source").text = question.source
    return node


def quiz_to_string(settings, questions):
    """OLX text of a quiz (pretty-printed)."""
    node = write_quiz(etree.Element("checkpoint_quiz"), settings, questions)
    return etree.tostring(node, pretty_print=True, encoding="unicode")
