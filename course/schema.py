"""The shape of the course YAML: which keys each mapping takes, which are required, of which type.

``check(data, spec, what, problems)`` compares one mapping against a ``Spec`` and appends a located
``SourceError`` for every unknown key (with a "did you mean"), missing required key and wrong type.
Cross-references (ids, sessions, chapters, static files) are checked in ``course.validate``.
"""

import datetime
import difflib
import re
from dataclasses import dataclass, field

from xblocks.common.yaml_source import Located, LocatedList, SourceError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ID_RULE = "lowercase letters, digits and '-', starting with a letter or digit, at most 63 characters"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
KEY_RULE = "letters, digits, '_' and '-', starting with a letter or digit, at most 64 characters"
URL_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
URL_NAME_RULE = "letters, digits, '_', '.' and '-', starting with a letter or digit, at most 100 characters"
ATTRIBUTE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Key:
    """One key of a mapping: its type name (see ``TYPES``) and whether it must be there."""

    type: str
    required: bool = False


@dataclass(frozen=True)
class Spec:
    """The keys one kind of mapping takes."""

    name: str  # how messages call it: "unit", "question"...
    keys: dict = field(default_factory=dict)


def _is_text(value):
    return isinstance(value, str) and bool(value.strip())


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


TYPES = {
    "text": (_is_text, "non-empty text"),
    "id": (lambda v: isinstance(v, str) and bool(ID_PATTERN.match(v)), f"an id ({ID_RULE})"),
    "key": (lambda v: isinstance(v, str) and bool(KEY_PATTERN.match(v)), f"a course key part ({KEY_RULE})"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "int": (_is_int, "a whole number"),
    "number": (_is_number, "a number"),
    "date": (lambda v: isinstance(v, datetime.date), "a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "mapping": (lambda v: isinstance(v, dict), "a mapping (key: value lines)"),
    "path": (_is_text, "a file path relative to the course folder"),
    "time": (lambda v: _is_text(v) or _is_number(v), "a time (H:MM:SS, MM:SS or seconds)"),
    "url_name": (
        lambda v: isinstance(v, str) and bool(URL_NAME_PATTERN.match(v)),
        f"an OLX url_name ({URL_NAME_RULE})",
    ),
    "attributes": (
        lambda v: (
            isinstance(v, dict)
            and all(
                isinstance(k, str) and ATTRIBUTE_PATTERN.match(k) and isinstance(x, str) for k, x in v.items()
            )
        ),
        "a mapping of XML attribute names to text (as Studio exported them)",
    ),
}


def describe(value):
    """How a wrong value is named in a message: its YAML kind and a short quote."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the text "{shown}"' if value.strip() else "empty text"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def did_you_mean(word, choices):
    """`` (did you mean "x"?)`` or ``""``."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def check(data, spec, what, problems, mark=None):
    """Check ``data`` against ``spec``; ``what`` names it in messages. True when it is a mapping."""
    if not isinstance(data, Located):
        where = getattr(data, "mark", None) or mark
        problems.append(where.error(f"{what} must be a mapping of keys, not {describe(data)}"))
        return False
    for key in data:
        if key not in spec.keys:
            hint = did_you_mean(key, spec.keys)
            known = "" if hint else f" (known keys: {', '.join(spec.keys)})"
            problems.append(data.key_marks[key].error(f'unknown key "{key}" in {what}{hint}{known}'))
    for key, rule in spec.keys.items():
        if key not in data:
            if rule.required:
                problems.append(data.mark.error(f'{what} is missing the required key "{key}"'))
            continue
        test, expected = TYPES[rule.type]
        if not test(data[key]):
            problems.append(
                data.marks[key].error(f'"{key}" in {what} must be {expected}, not {describe(data[key])}')
            )
    return True


def valid(data, key, type_name):
    """The value of ``key`` when present and of the right type, else None (the problem is reported)."""
    if not isinstance(data, dict) or key not in data:
        return None
    value = data[key]
    return value if TYPES[type_name][0](value) else None


def items(data, key):
    """The list under ``key`` (a ``LocatedList``) with marks, or an empty list when absent or wrong."""
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, LocatedList):
        return list(zip(value, value.marks, strict=True))
    return []


def error_at(mark, message):
    """A SourceError at ``mark``."""
    return SourceError(mark.path, mark.line, mark.column, message)


COURSE = Spec(
    "the course file",
    {
        "title": Key("text", True),
        "org": Key("key", True),
        "number": Key("key", True),
        "run": Key("key", True),
        "language": Key("text"),
        "start": Key("date", True),
        "end": Key("date"),
        "image": Key("path"),
        "overview": Key("path"),
        "short_description": Key("text"),
        "effort": Key("text"),
        "sources": Key("path"),
        "grading": Key("mapping", True),
        "modules": Key("list", True),
        "policy": Key("mapping"),
        "olx": Key("attributes"),
        "olx_xml": Key("list"),
    },
)

GRADING = Spec(
    "grading",
    {"pass_mark": Key("number", True), "assignment_types": Key("list", True), "cutoffs": Key("mapping")},
)

ASSIGNMENT_TYPE = Spec(
    "an assignment type",
    {
        "type": Key("text", True),
        "short_label": Key("text", True),
        "weight": Key("number", True),
        "drop_count": Key("int"),
        "min_count": Key("int"),
    },
)

SOURCES = Spec("the sources file", {"pages": Key("list", True), "passages": Key("list", True)})

PAGE = Spec("a source page", {"id": Key("id", True), "file": Key("path", True), "title": Key("text", True)})

PASSAGE = Spec(
    "a passage",
    {
        "id": Key("id", True),
        "page": Key("id", True),
        "where": Key("text", True),
        "quote": Key("text", True),
    },
)

MODULE = Spec(
    "a module",
    {
        "id": Key("id", True),
        "title": Key("text"),
        "session": Key("id"),
        "olx": Key("attributes"),
        "units": Key("list", True),
    },
)

UNIT = Spec(
    "a unit",
    {
        "id": Key("id", True),
        "title": Key("text", True),
        "grade_as": Key("text"),
        "olx": Key("attributes"),
        "blocks": Key("list"),
        "verticals": Key("list"),
    },
)

VERTICAL = Spec(
    "a vertical",
    {
        "id": Key("id", True),
        "title": Key("text", True),
        "olx": Key("attributes"),
        "blocks": Key("list", True),
    },
)

BLOCK_TYPES = ("html", "chaptered_video", "checkpoint_quiz", "stage_toolkit", "facilitator_progress", "olx")

HTML = Spec(
    "an html block",
    {
        "type": Key("text", True),
        "id": Key("id", True),
        "title": Key("text", True),
        "body": Key("path", True),
        "authored": Key("bool", True),
        "sources": Key("list"),
        "olx": Key("attributes"),
    },
)

VIDEO = Spec(
    "a chaptered_video block",
    {
        "type": Key("text", True),
        "id": Key("id", True),
        "session": Key("id", True),
        "completion_threshold": Key("number"),
        "poster": Key("path"),
        "chapters": Key("list"),
    },
)

VIDEO_CHAPTER = Spec(
    "a video chapter",
    {"start": Key("time", True), "title": Key("text", True), "summary": Key("text")},
)

QUIZ = Spec(
    "a checkpoint_quiz block",
    {
        "type": Key("text", True),
        "id": Key("id", True),
        "title": Key("text", True),
        "authored": Key("bool", True),
        "pass_ratio": Key("number"),
        "max_attempts": Key("int"),
        "weight": Key("number"),
        "shuffle": Key("bool"),
        "shuffle_questions": Key("bool"),
        "show_answers": Key("text"),
        "scoring": Key("text"),
        "questions": Key("list", True),
    },
)

QUESTION = Spec(
    "a question",
    {
        "id": Key("id", True),
        "kind": Key("text", True),
        "prompt": Key("text", True),
        "source": Key("id", True),
        "explanation": Key("text"),
        "weight": Key("number"),
        "partial_credit": Key("bool"),
        "answer": Key("bool"),
        "choices": Key("list"),
    },
)

CHOICE = Spec(
    "a choice",
    {
        "id": Key("id", True),
        "text": Key("text", True),
        "correct": Key("bool"),
        "feedback": Key("text"),
    },
)

TOOLKIT = Spec(
    "a stage_toolkit block",
    {
        "type": Key("text", True),
        "id": Key("id", True),
        "title": Key("text", True),
        "stage": Key("text", True),
        "authored": Key("bool", True),
        "overview": Key("path", True),
        "steps": Key("list", True),
        "resources": Key("list"),
        "checklist": Key("list", True),
        "reflections": Key("list"),
    },
)

STEP = Spec(
    "a step",
    {
        "id": Key("id", True),
        "title": Key("text", True),
        "session": Key("id"),
        "chapter": Key("text"),
        "text": Key("text", True),
    },
)

RESOURCE = Spec(
    "a resource",
    {"id": Key("id", True), "title": Key("text", True), "href": Key("text", True), "kind": Key("text")},
)

CHECKLIST_ITEM = Spec("a checklist item", {"id": Key("id", True), "text": Key("text", True)})

REFLECTION = Spec(
    "a reflection",
    {
        "id": Key("id", True),
        "prompt": Key("text", True),
        "max_length": Key("int"),
        "required": Key("bool"),
    },
)

PROGRESS = Spec(
    "a facilitator_progress block",
    {"type": Key("text", True), "id": Key("id", True), "title": Key("text", True)},
)

OLX_BLOCK = Spec(
    "an olx block",
    {"type": Key("text", True), "id": Key("url_name", True), "file": Key("path", True)},
)

BLOCK_SPECS = {
    "html": HTML,
    "chaptered_video": VIDEO,
    "checkpoint_quiz": QUIZ,
    "stage_toolkit": TOOLKIT,
    "facilitator_progress": PROGRESS,
    "olx": OLX_BLOCK,
}

QUESTION_KINDS = ("single", "multiple", "true_false")
SHOW_ANSWERS = ("always", "after_pass_or_last_attempt", "never")
SCORING = ("best", "last")
STAGES = ("planning", "emerging", "sustaining")
