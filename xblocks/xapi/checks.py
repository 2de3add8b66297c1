"""The fields each event must carry before a statement is made of it (plain Python, no platform).

``problem(event_type, data)`` answers None when ``data`` (the event's ``event``/``data`` object) meets the
rules for its type, else one line saying what is wrong, e.g. ``"coverage" must be a number from 0 to 1,
got 'x'``. The transformers skip such an event with a warning; nothing is raised into the LMS pipeline.
"""

import math

from xblocks.chaptered_video.coverage import REASONS
from xblocks.xapi import vocabulary as v


def _number(low=None, high=None, integer=False):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
            return False
        if not math.isfinite(value):
            return False
        return (low is None or value >= low) and (high is None or value <= high)

    kind = "a whole number" if integer else "a number"
    if low is not None and high is not None:
        kind += f" from {low:g} to {high:g}"
    elif low is not None:
        kind += f" of at least {low:g}"
    return check, kind


def _text(max_length=1000):
    return (lambda value: isinstance(value, str) and 0 < len(value) <= max_length), "a non-empty text"


def _optional_text(max_length=1000):
    return (lambda value: isinstance(value, str) and len(value) <= max_length), "a text"


def _boolean():
    return (lambda value: isinstance(value, bool)), "true or false"


def _segments():
    def check(value):
        if not isinstance(value, list) or len(value) > 1000:
            return False
        number, _ = _number(0)
        return all(
            isinstance(pair, list)
            and len(pair) == 2
            and number(pair[0])
            and number(pair[1])
            and pair[0] <= pair[1]
            for pair in value
        )

    return check, "a list of [start, end] pairs of seconds"


def _questions():
    def check(value):
        if not isinstance(value, dict) or len(value) > 500:
            return False
        return all(
            isinstance(key, str) and isinstance(entry, dict) and isinstance(entry.get("correct"), bool)
            for key, entry in value.items()
        )

    return check, 'an object of {question id: {"correct": true/false, ...}}'


def _one_of(words):
    return (lambda value: isinstance(value, str) and value in words), "one of " + ", ".join(words)


def _attempts_left():
    number, _ = _number(0, integer=True)
    return (lambda value: value is None or number(value)), "null or a whole number of at least 0"


SHARE = _number(0, 1)
SECONDS = _number(0)
COUNT = _number(0, integer=True)
INDEX = _number(0, integer=True)
MODULE_ID = _text(200)

#: event type -> {field: (check, description)}; fields not listed are not read.
RULES = {
    v.VIDEO_PROGRESS: {
        "coverage": SHARE,
        "position": SECONDS,
        "added_seconds": COUNT,
        "dropped_seconds": COUNT,
    },
    v.VIDEO_CHAPTER_REACHED: {
        "chapter": INDEX,
        "title": _optional_text(),
        "chapters_total": _number(1, integer=True),
    },
    v.VIDEO_CHAPTER_COMPLETED: {
        "chapter": INDEX,
        "title": _optional_text(),
        "coverage": SHARE,
        "chapters_total": _number(1, integer=True),
    },
    v.VIDEO_COMPLETED: {"coverage": SHARE, "chapters_total": _number(1, integer=True)},
    v.QUIZ_SUBMITTED: {
        "attempt": _number(1, integer=True),
        "earned": SECONDS,
        "possible": SECONDS,
        "score": SHARE,
        "passed": _boolean(),
        "kept_score": SHARE,
        "attempts_left": _attempts_left(),
        "questions": _questions(),
    },
    v.QUIZ_PASSED: {"score": SHARE, "attempt": _number(1, integer=True)},
    v.TOOLKIT_ITEM_CHECKED: {
        "stage": _text(100),
        "item": _text(200),
        "checked": _boolean(),
        "items_checked": COUNT,
        "items_total": _number(1, integer=True),
        "completion": SHARE,
    },
    v.TOOLKIT_REFLECTION_SAVED: {
        "stage": _text(100),
        "reflection": _text(200),
        "length": COUNT,
        "completion": SHARE,
    },
    v.TOOLKIT_RESOURCE_OPENED: {"stage": _text(100), "resource": _text(200), "href": _text(2000)},
    v.PROGRESS_VIEWED: {
        "overall": SHARE,
        "modules_complete": COUNT,
        "modules_total": COUNT,
        "source": _text(40),
    },
    v.PROGRESS_TRANSCRIPTS_SEARCHED: {"query_length": COUNT, "results": COUNT},
    v.PROGRESS_REPORT_DOWNLOADED: {"learners": COUNT},
}

#: Fields the video block added later: checked when present, never required (older logs lack them).
OPTIONAL = {
    v.VIDEO_PROGRESS: {
        "duration": _number(0),
        "segments": _segments(),
        "reason": _one_of(REASONS),
        "from": SECONDS,
        "chapter": INDEX,
    },
    v.VIDEO_COMPLETED: {"duration": _number(0), "position": SECONDS},
}

#: event type -> ((field, value, then required field, why), ...): a field required when another has a value.
REQUIRED_WHEN = {
    v.VIDEO_PROGRESS: (("reason", "seek", "from", "a seek says the position it left"),),
}


def _shown(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def problem(event_type, data):
    """None when ``data`` meets the rules of ``event_type``; else what is wrong, in one line."""
    rules = RULES.get(event_type)
    if rules is None:
        return f"no rules for the event type {event_type!r}"
    if not isinstance(data, dict):
        return f"the event's data must be a JSON object, got {type(data).__name__}"
    check, description = MODULE_ID
    if not check(data.get("module_id")):
        return f'"module_id" must be {description}, got {_shown(data.get("module_id"))}'
    for name, (check, description) in rules.items():
        if name not in data:
            return f'"{name}" is missing'
        if not check(data[name]):
            return f'"{name}" must be {description}, got {_shown(data[name])}'
    for name, (check, description) in OPTIONAL.get(event_type, {}).items():
        if name in data and not check(data[name]):
            return f'"{name}" must be {description}, got {_shown(data[name])}'
    for name, value, required, why in REQUIRED_WHEN.get(event_type, ()):
        if data.get(name) == value and required not in data:
            return f'"{required}" is missing ({why})'
    return None


def context_problem(event):
    """None when the event says whose it is and where (username, course, usage key); else what is wrong."""
    context = event.get("context")
    if not isinstance(context, dict):
        return '"context" must be a JSON object'
    if not isinstance(context.get("course_id"), str) or not context["course_id"]:
        return '"context.course_id" is missing'
    module = context.get("module")
    if (
        not isinstance(module, dict)
        or not isinstance(module.get("usage_key"), str)
        or not module["usage_key"]
    ):
        return '"context.module.usage_key" is missing'
    return None
