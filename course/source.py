"""Read the course YAML into a small model, checking the shape of every file as it goes.

``read_course(root)`` returns ``(Course, problems)``: the model holds the YAML mappings as they were
read (``Located`` dicts, so later checks can still say where a value stands); ``problems`` lists a
``SourceError`` per mistake in the shape (syntax, unknown/missing keys, wrong types, values out of range).
References between files and to the media manifest are checked in ``course.validate``.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from course import schema
from course.bodies import normalise
from course.schema import check, describe, did_you_mean, items, valid
from xblocks.common.yaml_source import SourceError, load
from xblocks.stage_toolkit.olx import MAX_MAX_LENGTH, MIN_MAX_LENGTH, RESOURCE_KINDS
from xblocks.stage_toolkit.sanitize import resource_link_problem

COURSE_FILE = "course.yaml"
_SAFE_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")


@dataclass
class Block:
    """One block of a unit: its type, id and its YAML mapping."""

    type: str
    id: str
    data: dict
    mark: object


@dataclass
class Vertical:
    """A vertical of a unit (Studio's "unit"): its url_name, title, extra OLX attributes and blocks."""

    id: str
    title: str
    blocks: list
    attributes: dict = field(default_factory=dict)
    data: dict | None = None  # the YAML mapping when written out (``verticals:``), None for the short form


@dataclass
class Unit:
    """A unit: one sequential (Studio's "subsection"), holding one vertical in the short form (``blocks:``,
    the vertical is ``<id>-unit`` titled like the unit) or the ``verticals:`` listed."""

    id: str
    title: str
    grade_as: str | None
    verticals: list
    data: dict
    mark: object

    @property
    def vertical_id(self):
        return f"{self.id}-unit"

    @property
    def blocks(self):
        """Every block of the unit, vertical after vertical."""
        return [block for vertical in self.verticals for block in vertical.blocks]


@dataclass
class Module:
    """A module: a chapter of the course outline, from one YAML file."""

    id: str
    title: str | None
    session: str | None
    units: list
    data: dict
    path: Path


@dataclass
class Course:
    """The course as read: its folder, the course mapping, the sources and the modules in order."""

    root: Path
    data: dict
    modules: list = field(default_factory=list)
    sources_read: bool = False  # False when the sources file could not be read (passages unknown)
    pages: dict = field(default_factory=dict)  # id -> page mapping
    passages: dict = field(default_factory=dict)  # id -> passage mapping
    page_texts: dict = field(default_factory=dict)  # page id -> its text, whitespace collapsed

    def blocks(self, block_type=None):
        """Every block in course order (of one type when given), as ``(module, unit, block)``."""
        for module in self.modules:
            for unit in module.units:
                for block in unit.blocks:
                    if block_type is None or block.type == block_type:
                        yield module, unit, block


def source_path(root, relative, mark, problems, what="file"):
    """``root / relative`` when ``relative`` is a safe relative path to an existing file, else None."""
    text = str(relative)
    parts = PurePosixPath(text).parts
    if (
        not parts
        or text.startswith("/")
        or "\\" in text
        or "\x00" in text
        or not all(_SAFE_PART.match(part) for part in parts)
    ):
        problems.append(
            mark.error(
                f'the {what} path "{text}" must be relative to the course folder, without "..", '
                "and use only letters, digits, '.', '_' and '-' in its names"
            )
        )
        return None
    path = Path(root, *parts)
    if not path.is_file():
        problems.append(mark.error(f'the {what} "{text}" does not exist'))
        return None
    return path


def _load(path, problems):
    try:
        return load(path)
    except SourceError as err:
        problems.append(err)
        return None


def read_course(root):
    """Read ``root/course.yaml`` and every module it lists: ``(Course or None, problems)``."""
    root = Path(root)
    problems = []
    course_path = root / COURSE_FILE
    if not course_path.is_file():
        problems.append(SourceError(course_path, 1, 1, f"no {COURSE_FILE} here: is this a course folder?"))
        return None, problems
    data = _load(course_path, problems)
    if data is None:
        return None, problems
    if not check(data, schema.COURSE, "the course file", problems, getattr(data, "mark", None)):
        return None, problems
    course = Course(root=root, data=data)
    _check_course_values(course, problems)
    _check_olx_xml(data, problems)
    olx_attributes(data, ("display_name", "language", "url_name", "org", "course"), problems)
    _read_sources(course, problems)
    for entry, mark in items(data, "modules"):
        if not schema.TYPES["path"][0](entry):
            problems.append(mark.error(f"a module entry must be a file path, not {describe(entry)}"))
            continue
        path = source_path(root, entry, mark, problems, "module file")
        module_data = _load(path, problems) if path else None
        if module_data is not None:
            module = _read_module(module_data, path, problems)
            if module:
                course.modules.append(module)
    return course, problems


def _check_course_values(course, problems):
    data = course.data
    start, end = valid(data, "start", "date"), valid(data, "end", "date")
    if start and end and _as_datetime(end) <= _as_datetime(start):
        problems.append(data.marks["end"].error(f"the course ends ({end}) before it starts ({start})"))
    grading = data.get("grading")
    if isinstance(grading, dict) and check(grading, schema.GRADING, "grading", problems):
        pass_mark = valid(grading, "pass_mark", "number")
        if pass_mark is not None and not 0 < pass_mark <= 1:
            problems.append(
                grading.marks["pass_mark"].error(f"pass_mark must be above 0 and at most 1, not {pass_mark}")
            )
        total, seen = 0.0, {}
        for entry, mark in items(grading, "assignment_types"):
            if not check(entry, schema.ASSIGNMENT_TYPE, "an assignment type", problems, mark):
                continue
            name, weight = valid(entry, "type", "text"), valid(entry, "weight", "number")
            if name in seen:
                problems.append(entry.marks["type"].error(f'the assignment type "{name}" is listed twice'))
            seen[name] = entry
            if weight is not None:
                if not 0 < weight <= 1:
                    problems.append(
                        entry.marks["weight"].error(f"weight must be above 0 and at most 1, not {weight}")
                    )
                total += weight
            for key in ("drop_count", "min_count"):
                count = valid(entry, key, "int")
                if count is not None and count < 0:
                    problems.append(entry.marks[key].error(f"{key} must be 0 or more, not {count}"))
        cutoffs = grading.get("cutoffs")
        if isinstance(cutoffs, dict):
            for name, value in cutoffs.items():
                if not isinstance(name, str) or not schema.TYPES["number"][0](value) or not 0 < value <= 1:
                    where = cutoffs.marks.get(name, grading.marks["cutoffs"])
                    problems.append(
                        where.error(
                            f"a grade cutoff must be a grade name and a number above 0 and at most 1, "
                            f"not {describe(name)}: {describe(value)}"
                        )
                    )
        if seen and abs(total - 1.0) > 1e-6:
            problems.append(
                grading.marks["assignment_types"].error(f"the assignment weights add up to {total:g}, not 1")
            )


def olx_attributes(data, reserved, problems):
    """``olx:`` (attributes kept from Studio) must not set what the YAML already says."""
    extra = data.get("olx") if isinstance(data, dict) else None
    if not isinstance(extra, dict):
        return
    for name in extra:
        if name in reserved:
            problems.append(
                extra.key_marks[name].error(
                    f'"{name}" cannot be set in olx: the source sets it ({", ".join(reserved)} are its own)'
                )
            )


def _check_olx_xml(data, problems):
    """``olx_xml``: elements Studio put in the course element besides chapters, each one XML element."""
    from lxml import etree

    for text, mark in items(data, "olx_xml"):
        try:
            element = etree.fromstring(
                text.encode("utf-8") if isinstance(text, str) else b"",
                etree.XMLParser(resolve_entities=False, no_network=True),
            )
        except etree.XMLSyntaxError as err:
            problems.append(mark.error(f"olx_xml entries must each be one XML element: {err.msg}"))
            continue
        if element.tag == "chapter":
            problems.append(mark.error("olx_xml holds what is not a module: chapters are modules"))


def _as_datetime(value):
    import datetime

    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return datetime.datetime(value.year, value.month, value.day)


def _read_sources(course, problems):
    entry = valid(course.data, "sources", "path")
    if entry is None:
        return
    path = source_path(course.root, entry, course.data.marks["sources"], problems, "sources file")
    data = _load(path, problems) if path else None
    if data is None or not check(
        data, schema.SOURCES, "the sources file", problems, getattr(data, "mark", None)
    ):
        return
    course.sources_read = True
    for page, mark in items(data, "pages"):
        if check(page, schema.PAGE, "a source page", problems, mark) and valid(page, "id", "id"):
            if _unique(course.pages, page["id"], page, page.marks["id"], "source page", problems):
                _read_page(course, page, problems)
    for passage, mark in items(data, "passages"):
        if not check(passage, schema.PASSAGE, "a passage", problems, mark):
            continue
        if valid(passage, "id", "id"):
            _unique(course.passages, passage["id"], passage, passage.marks["id"], "passage", problems)
        page = valid(passage, "page", "id")
        if page and page not in course.pages:
            problems.append(
                passage.marks["page"].error(f'no source page "{page}"{did_you_mean(page, course.pages)}')
            )
        quote = valid(passage, "quote", "text")
        if quote and page in course.page_texts and normalise(quote) not in course.page_texts[page]:
            file = course.pages[page]["file"]
            problems.append(
                passage.marks["quote"].error(
                    f'the quote of passage "{passage.get("id")}" is not word for word in {file}: '
                    f"{differs_after(normalise(quote), [course.page_texts[page]])}"
                )
            )


def _read_page(course, page, problems):
    """Keep the text of a source page (a copy of the page, in the course folder) to check quotes."""
    relative = valid(page, "file", "path")
    path = source_path(course.root, relative, page.marks["file"], problems, "page") if relative else None
    if path is None:
        return
    try:
        course.page_texts[page["id"]] = normalise(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        problems.append(page.marks["file"].error(f'the page "{relative}" is not UTF-8 text ({err.reason})'))


def differs_after(quote, texts):
    """Where ``quote`` stops matching the closest of ``texts``: ``it differs after "..."`` (for messages)."""
    low, high = 0, len(quote)  # the longest prefix of the quote found in one of the texts
    while low < high:
        middle = (low + high + 1) // 2
        if any(quote[:middle] in text for text in texts):
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return "no part of it is there"
    before = quote[max(0, low - 30) : low]
    after = quote[low : low + 20]
    return f'it differs after "{"..." if low > 30 else ""}{before}", at "{after}"'


def _unique(table, key, value, mark, what, problems):
    if key in table:
        first = table[key]
        where = first.marks.get("id", first.mark) if hasattr(first, "marks") else first.mark
        problems.append(mark.error(f'duplicate {what} id "{key}" (first used at {where})'))
        return False
    table[key] = value
    return True


def _read_module(data, path, problems):
    if not check(data, schema.MODULE, "a module", problems, getattr(data, "mark", None)):
        return None
    session, title = valid(data, "session", "id"), valid(data, "title", "text")
    if "session" in data and "title" in data:
        problems.append(
            data.key_marks["title"].error(
                'a session module takes its title from the media manifest: remove "title"'
            )
        )
    elif "session" not in data and "title" not in data:
        problems.append(data.mark.error('a module needs a "title" (or a "session" to take it from)'))
    olx_attributes(data, ("display_name", "url_name"), problems)
    module = Module(valid(data, "id", "id") or "", title, session, [], data, path)
    unit_list = items(data, "units")
    # ``units: []``: an empty Studio section (one not filled yet) is kept as it is
    for unit_data, mark in unit_list:
        unit = _read_unit(unit_data, mark, problems)
        if unit:
            module.units.append(unit)
    return module


def _read_unit(data, mark, problems):
    if not check(data, schema.UNIT, "a unit", problems, mark):
        return None
    unit = Unit(
        valid(data, "id", "id") or "",
        valid(data, "title", "text") or "",
        valid(data, "grade_as", "text"),
        [],
        data,
        data.mark,
    )
    olx_attributes(data, ("display_name", "url_name"), problems)
    if ("blocks" in data) == ("verticals" in data):
        key = "verticals" if "verticals" in data else "blocks"
        where = data.key_marks[key] if key in data else data.mark
        problems.append(where.error('a unit takes either "blocks" (one vertical) or "verticals", not both'))
    if "verticals" in data:
        # Studio allows an empty subsection or unit (a unit moved out, one not filled yet): kept as it is
        vertical_list = items(data, "verticals")
        for vertical_data, vertical_mark in vertical_list:
            if not check(vertical_data, schema.VERTICAL, "a vertical", problems, vertical_mark):
                continue
            olx_attributes(vertical_data, ("display_name", "url_name"), problems)
            vertical = Vertical(
                valid(vertical_data, "id", "id") or "",
                valid(vertical_data, "title", "text") or "",
                _read_blocks(vertical_data, "a vertical", problems),
                dict(valid(vertical_data, "olx", "attributes") or {}),
                vertical_data,
            )
            unit.verticals.append(vertical)
    else:
        unit.verticals.append(Vertical(unit.vertical_id, unit.title, _read_blocks(data, "a unit", problems)))
    return unit


def _read_blocks(data, what, problems):
    found = []
    block_list = items(data, "blocks")
    if "blocks" in data and not block_list and isinstance(data["blocks"], list) and what != "a vertical":
        problems.append(data.marks["blocks"].error(f"{what} needs at least one block"))
    for block_data, block_mark in block_list:
        block = read_block(block_data, block_mark, problems)
        if block:
            found.append(block)
    return found


def read_block(data, mark, problems):
    """Check one block mapping against its type's spec and rules; the Block, or None when unusable."""
    if not isinstance(data, dict):
        problems.append(mark.error(f"a block must be a mapping of keys, not {describe(data)}"))
        return None
    block_type = data.get("type")
    if block_type not in schema.BLOCK_SPECS:
        if "type" not in data:
            problems.append(data.mark.error(f'a block is missing the required key "type" ({_type_list()})'))
        else:
            shown = f'"{block_type}"' if isinstance(block_type, str) else describe(block_type)
            hint = did_you_mean(block_type, schema.BLOCK_SPECS) if isinstance(block_type, str) else ""
            problems.append(data.marks["type"].error(f"unknown block type {shown}{hint} ({_type_list()})"))
        return None
    spec = schema.BLOCK_SPECS[block_type]
    check(data, spec, spec.name, problems)
    RULES[block_type](data, problems)
    id_type = "url_name" if block_type == "olx" else "id"
    return Block(block_type, valid(data, "id", id_type) or "", data, data.mark)


def _type_list():
    return "one of " + ", ".join(schema.BLOCK_SPECS)


def _range(data, key, type_name, low, high, problems, what, low_open=False):
    value = valid(data, key, type_name)
    if value is None:
        return
    too_low = value <= low if low_open else value < low
    if too_low or value > high:
        bound = "above" if low_open else "at least"
        problems.append(
            data.marks[key].error(f"{key} in {what} must be {bound} {low} and at most {high}, not {value}")
        )


def _choice(data, key, allowed, problems, what):
    value = valid(data, key, "text")
    if value is not None and value not in allowed:
        problems.append(
            data.marks[key].error(
                f'{key} in {what} must be one of {", ".join(allowed)}, not "{value}"'
                f"{did_you_mean(value, allowed)}"
            )
        )


def _html_rules(data, problems):
    olx_attributes(data, ("display_name", "url_name", "filename"), problems)
    for entry, mark in items(data, "sources"):
        if not schema.TYPES["id"][0](entry):
            problems.append(mark.error(f"a source must be a passage id, not {describe(entry)}"))


def _video_rules(data, problems):
    _range(data, "completion_threshold", "number", 0, 1, problems, "a chaptered_video block", low_open=True)
    for chapter, mark in items(data, "chapters"):
        check(chapter, schema.VIDEO_CHAPTER, "a video chapter", problems, mark)
    if "chapters" in data and isinstance(data["chapters"], list) and not data["chapters"]:
        problems.append(data.marks["chapters"].error("a video's own chapters need at least one chapter"))


def _quiz_rules(data, problems):
    what = "a checkpoint_quiz block"
    _range(data, "pass_ratio", "number", 0, 1, problems, what)
    _range(data, "max_attempts", "int", 0, 100, problems, what)
    _range(data, "weight", "number", 0, 1000, problems, what, low_open=True)
    _choice(data, "show_answers", schema.SHOW_ANSWERS, problems, what)
    _choice(data, "scoring", schema.SCORING, problems, what)
    questions = items(data, "questions")
    if "questions" in data and not questions and isinstance(data["questions"], list):
        problems.append(data.marks["questions"].error("a quiz needs at least one question"))
    seen = {}
    for question, mark in questions:
        if not check(question, schema.QUESTION, "a question", problems, mark):
            continue
        qid = valid(question, "id", "id")
        if qid:
            _unique(seen, qid, question, question.marks["id"], "question", problems)
        _question_rules(question, problems)


def _question_rules(question, problems):
    kind = valid(question, "kind", "text")
    label = f'question "{question.get("id")}"'
    _choice(question, "kind", schema.QUESTION_KINDS, problems, "a question")
    _range(question, "weight", "number", 0, 1000, problems, "a question", low_open=True)
    if kind == "true_false":
        if "answer" not in question:
            problems.append(
                question.mark.error(f'{label} is true_false: it needs "answer: true" or "answer: false"')
            )
        if "choices" in question:
            problems.append(
                question.key_marks["choices"].error(f"{label} is true_false: it takes no choices")
            )
        return
    if kind not in ("single", "multiple"):
        return
    if kind == "single" and valid(question, "partial_credit", "bool"):
        problems.append(
            question.key_marks["partial_credit"].error(
                f"{label}: partial_credit applies to multiple questions only"
            )
        )
    if "answer" in question:
        problems.append(
            question.key_marks["answer"].error(
                f'{label} is {kind}: mark the correct choices instead of "answer"'
            )
        )
    choices = items(question, "choices")
    if len(choices) < 2:
        where = question.marks.get("choices", question.mark)
        problems.append(where.error(f"{label} needs at least two choices"))
        return
    seen, correct = {}, 0
    for choice, mark in choices:
        if not check(choice, schema.CHOICE, "a choice", problems, mark):
            continue
        cid = valid(choice, "id", "id")
        if cid:
            _unique(seen, cid, choice, choice.marks["id"], "choice", problems)
        correct += valid(choice, "correct", "bool") is True
    if correct == 0:
        problems.append(question.marks["choices"].error(f"{label} has no correct choice"))
    elif kind == "single" and correct > 1:
        problems.append(
            question.marks["choices"].error(f"{label} is single but has {correct} correct choices")
        )


def _toolkit_rules(data, problems):
    what = "a stage_toolkit block"
    _choice(data, "stage", schema.STAGES, problems, what)
    for key, spec in (
        ("steps", schema.STEP),
        ("resources", schema.RESOURCE),
        ("checklist", schema.CHECKLIST_ITEM),
        ("reflections", schema.REFLECTION),
    ):
        entries = items(data, key)
        if key in ("steps", "checklist") and key in data and not entries and isinstance(data[key], list):
            problems.append(data.marks[key].error(f"a stage toolkit needs at least one entry in {key}"))
        seen = {}
        for entry, mark in entries:
            if not check(entry, spec, spec.name, problems, mark):
                continue
            eid = valid(entry, "id", "id")
            if eid:
                _unique(seen, eid, entry, entry.marks["id"], spec.name.split(" ", 1)[1], problems)
            if key == "steps" and "chapter" in entry and "session" not in entry:
                problems.append(
                    entry.key_marks["chapter"].error('a step with a "chapter" needs its "session"')
                )
            if key == "resources":
                _resource_rules(entry, problems)
            if key == "reflections":
                _range(entry, "max_length", "int", MIN_MAX_LENGTH, MAX_MAX_LENGTH, problems, "a reflection")


def _resource_rules(entry, problems):
    href = valid(entry, "href", "text")
    why = resource_link_problem(href) if href is not None else None
    if why:
        problems.append(entry.marks["href"].error(f'the resource link "{href}" is refused: {why}'))
    _choice(entry, "kind", RESOURCE_KINDS, problems, "a resource")


def _no_rules(data, problems):
    return None


RULES = {
    "olx": _no_rules,
    "html": _html_rules,
    "chaptered_video": _video_rules,
    "checkpoint_quiz": _quiz_rules,
    "stage_toolkit": _toolkit_rules,
    "facilitator_progress": _no_rules,
}
