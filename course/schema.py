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

# --- for editors: what each key means, the allowed values and ranges (``course.json_schema``) ---------

ENUMS = {
    ("a question", "kind"): QUESTION_KINDS,
    ("a checkpoint_quiz block", "show_answers"): SHOW_ANSWERS,
    ("a checkpoint_quiz block", "scoring"): SCORING,
    ("a stage_toolkit block", "stage"): STAGES,
}

# (spec name, key) -> (minimum, maximum, minimum excluded): the ranges ``course.source`` checks
RANGES = {
    ("grading", "pass_mark"): (0, 1, True),
    ("an assignment type", "weight"): (0, 1, True),
    ("an assignment type", "drop_count"): (0, None, False),
    ("an assignment type", "min_count"): (0, None, False),
    ("a chaptered_video block", "completion_threshold"): (0, 1, True),
    ("a checkpoint_quiz block", "pass_ratio"): (0, 1, False),
    ("a checkpoint_quiz block", "max_attempts"): (0, 100, False),
    ("a checkpoint_quiz block", "weight"): (0, 1000, True),
    ("a question", "weight"): (0, 1000, True),
    ("a reflection", "max_length"): (1, 10000, False),
}

DESCRIPTIONS = {
    "the course file": {
        "title": "The course title learners see (Studio's display name).",
        "org": "The organization part of the course key (e.g. NGSP).",
        "number": "The course number part of the course key (e.g. Facilitator).",
        "run": "The run part of the course key (e.g. 2026); also the url_name of the course in the OLX.",
        "language": "The course language code (default en).",
        "start": "The course start date, YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SSZ).",
        "end": "The course end date, YYYY-MM-DD (or YYYY-MM-DDTHH:MM:SSZ); after start.",
        "image": "The course image: a file in static/ (e.g. course-image.png).",
        "overview": "The about page: an HTML or Markdown file in bodies/.",
        "short_description": "One or two sentences for the course catalog.",
        "effort": "The expected effort, as text (e.g. 10:00).",
        "sources": "The sources file (sources.yaml): the pages and passages quiz questions rest on.",
        "grading": "The grading policy: the pass mark and one entry per assignment type.",
        "modules": "The module files, in course order (paths like modules/01-welcome.yaml).",
        "policy": "Course settings kept from a Studio export that the source does not model (policy.json).",
        "olx": "Attributes Studio wrote on the course element, kept from an import.",
        "olx_xml": "Elements Studio put in the course besides chapters (<wiki slug>), kept from an import.",
    },
    "grading": {
        "pass_mark": "The share of the grade that passes the course: above 0, at most 1 (0.7 = 70%).",
        "assignment_types": "One entry per assignment type (units name it in grade_as); weights add up to 1.",
        "cutoffs": "Letter grades (name: share), when the course has more than Pass (from Studio).",
    },
    "an assignment type": {
        "type": "The name units use in grade_as (e.g. Checkpoint).",
        "short_label": "The short label in the learner's progress chart (e.g. CP).",
        "weight": "This type's share of the grade: above 0, at most 1.",
        "drop_count": "How many of the lowest scores are dropped (default 0).",
        "min_count": "How many assignments of this type Studio expects (default: the units graded as it).",
    },
    "the sources file": {
        "pages": "The source pages (copies of the seed pages in pages/).",
        "passages": "Passages quoted word for word from the pages; quiz questions name one as their source.",
    },
    "a source page": {
        "id": "The page's id (lowercase letters, digits and '-').",
        "file": "The page's text file in the course folder (e.g. pages/000_....txt).",
        "title": "The page title, shown with each question's source.",
    },
    "a passage": {
        "id": "The passage id questions name in source.",
        "page": "The id of the page it is quoted from.",
        "where": "Where on the page (shown to learners with the title).",
        "quote": "The words, exactly as on the page (checked).",
    },
    "a module": {
        "id": "The module's id (the chapter url_name in the OLX).",
        "title": "The module title (leave it out for a session module: the manifest gives it).",
        "session": "For a session module: the session id in the media manifest (title, length, chapters).",
        "olx": "Attributes Studio wrote on the chapter, kept from an import.",
        "units": "The units of the module, in order.",
    },
    "a unit": {
        "id": "The unit's id (the sequential url_name in the OLX).",
        "title": "The unit title.",
        "grade_as": "The assignment type this unit is graded as (one of grading.assignment_types).",
        "olx": "Attributes Studio wrote on the sequential (due, show_correctness...), kept from an import.",
        "blocks": "The blocks of the unit, in order (one vertical, <id>-unit).",
        "verticals": "Instead of blocks: the unit's verticals, when it has several (from Studio).",
    },
    "a vertical": {
        "id": "The vertical's url_name.",
        "title": "The vertical's title (Studio's unit name).",
        "olx": "Attributes Studio wrote on the vertical, kept from an import.",
        "blocks": "The blocks of the vertical, in order.",
    },
    "an html block": {
        "type": "html",
        "id": "The block's id (url_name in the OLX).",
        "title": "The block title.",
        "body": "The text: an HTML (.html) or Markdown (.md) file in bodies/.",
        "authored": "true when the wording was written for this course (not quoted from the sources).",
        "sources": "Passage ids the text rests on.",
        "olx": "Attributes Studio wrote on the html element, kept from an import.",
    },
    "a chaptered_video block": {
        "type": "chaptered_video",
        "id": "The block's id (url_name and module_id in the OLX).",
        "session": "The session id in the media manifest: title, length, sources, captions, chapters.",
        "completion_threshold": "The share of each chapter to watch for it to count: above 0, at most 1.",
        "poster": "A poster image in static/.",
        "chapters": "The video's own chapters (kept from a Studio edit) instead of the manifest's.",
    },
    "a video chapter": {
        "start": "Where the chapter starts: H:MM:SS (quoted), MM:SS or seconds.",
        "title": "The chapter title.",
        "summary": "A short summary shown under the title.",
    },
    "a checkpoint_quiz block": {
        "type": "checkpoint_quiz",
        "id": "The block's id (url_name and module_id in the OLX).",
        "title": "The quiz title.",
        "authored": "true: the questions are written for this course (each names its source passage).",
        "pass_ratio": "The share of points that passes: 0 to 1 (default 0.8).",
        "max_attempts": "Attempts allowed, 0 for unlimited (default 3).",
        "weight": "Points the quiz is worth in the grade (default 1).",
        "shuffle": "Shuffle the choices per learner (default true).",
        "shuffle_questions": "Shuffle the question order per learner (default false).",
        "show_answers": "When learners see the correct answers.",
        "scoring": "Which attempt counts: the best or the last.",
        "questions": "The questions, in order.",
    },
    "a question": {
        "id": "The question id, unique in the quiz.",
        "kind": "single (one correct choice), multiple (one or more), true_false (answer: true/false).",
        "prompt": "The question text.",
        "source": "The id of the passage the question rests on (sources.yaml).",
        "explanation": "Shown with the answers.",
        "weight": "Points for this question (default 1).",
        "partial_credit": "multiple only: right minus wrong choices, floored at 0 (default false).",
        "answer": "true_false only: the right answer.",
        "choices": "single and multiple: at least two choices; mark the right ones correct: true.",
    },
    "a choice": {
        "id": "The choice id (a, b, c...).",
        "text": "The choice text.",
        "correct": "true for a right choice.",
        "feedback": "Shown when this choice is picked and answers are shown.",
    },
    "a stage_toolkit block": {
        "type": "stage_toolkit",
        "id": "The block's id (url_name and module_id in the OLX).",
        "title": "The toolkit title.",
        "stage": "The partnership stage: planning, emerging or sustaining.",
        "authored": "true: the steps, checklist and prompts are written for this course.",
        "overview": "The overview: an HTML or Markdown file in bodies/.",
        "steps": "The steps to take, in order; each may link to a session chapter.",
        "resources": "Links and documents.",
        "checklist": "Items learners tick as they act (at least one).",
        "reflections": "Prompts learners answer in writing.",
    },
    "a step": {
        "id": "The step id.",
        "title": "The step title.",
        "session": "The session that teaches it (media manifest id).",
        "chapter": "The chapter title in that session (as in the manifest).",
        "text": "What to do.",
    },
    "a resource": {
        "id": "The resource id.",
        "title": "The link text.",
        "href": "https://... or /static/<file>.",
        "kind": "What it is: pdf, link, video, document, spreadsheet, slides or page.",
    },
    "a checklist item": {"id": "The item id.", "text": "What the learner confirms."},
    "a reflection": {
        "id": "The reflection id.",
        "prompt": "The question learners answer.",
        "max_length": "The longest answer in characters: 1 to 10000 (default 2000).",
        "required": "true when the toolkit counts as done only with an answer (default false).",
    },
    "a facilitator_progress block": {
        "type": "facilitator_progress",
        "id": "The block's id (url_name and module_id in the OLX).",
        "title": "The progress page title.",
    },
    "an olx block": {
        "type": "olx: a block kept as Studio wrote it (a type this course does not author).",
        "id": "The block's url_name.",
        "file": "Its OLX file: olx/<block type>/<url_name>.xml (written back unchanged by build).",
    },
}

# Which spec the entries of a list key (or the value of a mapping key) follow.
NESTED = {
    ("the course file", "grading"): GRADING,
    ("grading", "assignment_types"): ASSIGNMENT_TYPE,
    ("the sources file", "pages"): PAGE,
    ("the sources file", "passages"): PASSAGE,
    ("a module", "units"): UNIT,
    ("a unit", "verticals"): VERTICAL,
    ("a chaptered_video block", "chapters"): VIDEO_CHAPTER,
    ("a checkpoint_quiz block", "questions"): QUESTION,
    ("a question", "choices"): CHOICE,
    ("a stage_toolkit block", "steps"): STEP,
    ("a stage_toolkit block", "resources"): RESOURCE,
    ("a stage_toolkit block", "checklist"): CHECKLIST_ITEM,
    ("a stage_toolkit block", "reflections"): REFLECTION,
}
BLOCK_LISTS = {("a unit", "blocks"), ("a vertical", "blocks")}
