"""Read Open edX tracking logs in one streaming pass and tally what each learner did (no runtime needed).

``scan(paths, course_id=None)`` returns a :class:`Tally`: per learner and module the completion, quiz
scores and last activity; per session the chapters each learner reached and completed; and how many
lines were skipped and why. Memory grows with learners × modules, never with the number of events:
the logs are read in blocks of ``CHUNK_BYTES`` split into lines (a line over ``MAX_LINE_BYTES`` is
skipped), and each line is folded into small per-learner records.

What is read (the events in the README, plus Open edX's own grade event):

- ``edx.chaptered_video.progress`` / ``chapter_reached`` / ``chapter_completed`` / ``completed``
- ``edx.checkpoint_quiz.submitted`` / ``passed`` and ``edx.grades.problem.submitted`` (the kept score)
- ``edx.stage_toolkit.item_checked`` / ``reflection_saved`` / ``resource_opened``
- ``edx.facilitator_progress.*`` (activity only)

Skipped and counted, never fatal: blank lines, malformed lines (not JSON, not an object, over-long),
block events with missing or invalid fields, events of other courses, events without a username, unknown
event types, grades of problems that are not checkpoint quizzes. Without ``course_id`` the report takes
the course of the first event it uses.

Speed: every line is parsed with orjson (strict: NaN and Infinity are refused) right in the loop;
``edx.chaptered_video.progress``, most of any log, is checked and folded inline there too. Times are
compared as ISO-8601 strings, as the LMS writes them (UTC).
"""

import gzip
import io
import math
import os
import re
import sys
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field

import orjson

GRADE_EVENT = "edx.grades.problem.submitted"
VIDEO, QUIZ, TOOLKIT, PROGRESS_BLOCK = (
    "chaptered_video",
    "checkpoint_quiz",
    "stage_toolkit",
    "facilitator_progress",
)
PROGRESS_EVENT = "edx.chaptered_video.progress"
MAX_LINE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 20
MAX_CHAPTERS = 1000
MAX_UNKNOWN_TYPES = 200
STAGES = ("planning", "emerging", "sustaining")

SKIP_REASONS = {
    "blank": "blank line",
    "malformed": "not a JSON tracking record (broken or truncated line)",
    "too_long": f"line longer than {MAX_LINE_BYTES // 1024} KiB",
    "invalid": "block event with a missing or invalid field",
    "no_username": "event without a username",
    "other_course": "event of another course",
    "unknown_type": "event type the report does not use",
    "other_problem": "grade of a problem that is not a checkpoint quiz",
}

_KNOWN_TYPES = {
    f"edx.{VIDEO}.progress",
    f"edx.{VIDEO}.chapter_reached",
    f"edx.{VIDEO}.chapter_completed",
    f"edx.{VIDEO}.completed",
    f"edx.{QUIZ}.submitted",
    f"edx.{QUIZ}.passed",
    f"edx.{TOOLKIT}.item_checked",
    f"edx.{TOOLKIT}.reflection_saved",
    f"edx.{TOOLKIT}.resource_opened",
    GRADE_EVENT,
}
_OWN_PREFIX = f"edx.{PROGRESS_BLOCK}."


class LogError(Exception):
    """A log that cannot be read at all (missing, a folder, not gzip though it says so)."""


# --- per learner and module --------------------------------------------------------------------


class VideoState:
    __slots__ = ("coverage", "reached", "completed_chapters", "completed")

    def __init__(self):
        self.coverage = 0.0
        self.reached = 0  # bit i: chapter i reached
        self.completed_chapters = 0  # bit i: chapter i completed
        self.completed = False

    @property
    def completion(self):
        return 1.0 if self.completed else min(1.0, self.coverage)


class QuizState:
    __slots__ = ("best_score", "attempts", "passed", "grade_time", "grade_score", "submitted")

    def __init__(self):
        self.best_score = None  # best score of the submitted events (0..1)
        self.attempts = 0
        self.passed = False
        self.grade_time = ""
        self.grade_score = None  # the kept score from the latest grade event (0..1)
        self.submitted = False

    @property
    def score(self):
        """The kept score: the LMS's grade when logged, else the best submitted score."""
        return self.grade_score if self.grade_score is not None else self.best_score

    @property
    def completion(self):
        return 1.0 if self.passed else 0.0


class ToolkitState:
    __slots__ = ("completion", "time", "items_checked", "items_total")

    def __init__(self):
        self.completion = 0.0
        self.time = ""
        self.items_checked = 0
        self.items_total = 0


_STATE = {VIDEO: VideoState, QUIZ: QuizState, TOOLKIT: ToolkitState}


class Learner:
    __slots__ = ("last", "modules", "grades", "active")

    def __init__(self):
        self.last = ""
        self.active = False  # True once a block event of the course was seen
        self.modules = {}  # module_id -> state
        self.grades = None  # usage_key -> (time, score) for grades not yet tied to a module


@dataclass
class Module:
    """What the log says about one module: its kind, title and chapters."""

    module_id: str
    kind: str
    title: str = ""
    stage: str = ""
    chapters_total: int = 0
    chapter_titles: dict = field(default_factory=dict)


@dataclass
class Tally:
    """Everything one scan learned."""

    course_id: str | None = None
    course_given: bool = False
    lines: int = 0
    used: int = 0
    files: list = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    unknown_types: Counter = field(default_factory=Counter)
    other_courses: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)
    learners: dict = field(default_factory=dict)
    modules: dict = field(default_factory=dict)
    usage_modules: dict = field(default_factory=dict)  # usage_key -> module_id
    seconds: float = 0.0

    @property
    def skipped_total(self):
        return sum(self.skipped.values())

    def ordered_modules(self):
        """Modules in course order: by session number, toolkit stage, then kind and id."""
        return sorted(self.modules.values(), key=module_order)


def module_order(module):
    found = re.search(r"\d+", module.module_id)
    number = int(found.group()) if found else 10**6
    stage = STAGES.index(module.stage) if module.stage in STAGES else len(STAGES)
    kind = (VIDEO, QUIZ, TOOLKIT).index(module.kind)
    return (number, stage, kind, module.module_id)


# --- reading -----------------------------------------------------------------------------------


def open_log(path):
    """A binary line reader for a plain or gzip log (recognised by its first bytes)."""
    if not os.path.exists(path):
        raise LogError(f"{path}: no such file")
    if os.path.isdir(path):
        raise LogError(f"{path}: is a folder, not a log file")
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as err:
        raise LogError(f"{path}: cannot be read ({err.strerror})")
    if handle.peek(2)[:2] == b"\x1f\x8b":
        return handle, io.BufferedReader(gzip.GzipFile(fileobj=handle, mode="rb"), 1 << 16)
    return handle, handle


class ProgressBar:
    """A one-line progress bar on a terminal (nothing when the stream is not a TTY)."""

    def __init__(self, total_bytes, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and total_bytes > 0
        self.total = total_bytes
        self.start = time.perf_counter()

    def update(self, done_bytes, lines):
        if not self.enabled:
            return
        share = min(1.0, done_bytes / self.total)
        rate = lines / max(1e-9, time.perf_counter() - self.start)
        bar = "#" * int(share * 30)
        self.stream.write(f"\rreport [{bar:<30}] {share:4.0%}  {lines:,} lines  {rate:,.0f}/s")
        self.stream.flush()

    def finish(self, lines):
        if self.enabled:
            self.update(self.total, lines)
            self.stream.write("\n")
            self.stream.flush()


def scan(paths, course_id=None, stream=None):
    """Read every log in ``paths`` (in order) and return the Tally."""
    tally = Tally(course_id=course_id or None, course_given=bool(course_id))
    handles = []
    for path in paths:
        handles.append((str(path), *open_log(str(path))))  # every file checked before reading any
    total = sum(os.path.getsize(p) for p, _, _ in handles)
    bar = ProgressBar(total, stream)
    start = time.perf_counter()
    done = 0
    try:
        for path, raw_handle, reader in handles:
            _scan_file(tally, reader, raw_handle, bar, done, path)
            done += os.path.getsize(path)
            tally.files.append(path)
    finally:
        for _, raw_handle, reader in handles:
            reader.close()
            raw_handle.close()
    _resolve_grades(tally)
    tally.seconds = time.perf_counter() - start
    bar.finish(tally.lines)
    return tally


def _scan_file(tally, reader, raw_handle, bar, done_before, path):
    """The hot loop: one line at a time; the progress event (most of any log) is folded in place."""
    learners = tally.learners
    skipped = tally.skipped
    read = reader.read
    loads, parse_errors = orjson.loads, (orjson.JSONDecodeError, RecursionError)
    apply = _apply
    course = tally.course_id
    lines = tally.lines
    used = tally.used
    carry = b""  # the start of a line whose end is in the next block
    skipping = False  # inside an over-long line: drop bytes up to its newline
    finished = False
    while not finished:
        try:
            block = read(CHUNK_BYTES)
        except (EOFError, OSError, zlib.error) as err:
            tally.notes.append(
                f"{os.path.basename(path)}: the compressed file ends early or is damaged ({err})"
            )
            block = b""
        if not block:
            pieces = [carry] if carry and not skipping else []
            finished = True
        else:
            pieces = block.split(b"\n")
            if skipping:
                if len(pieces) == 1:
                    continue  # still inside the long line
                del pieces[0]
                skipping = False
            else:
                pieces[0] = carry + pieces[0]
            carry = pieces.pop()
            if pieces and len(pieces[0]) > MAX_LINE_BYTES:  # a long line that ends in this block
                del pieces[0]
                lines += 1
                skipped["too_long"] += 1
            if len(carry) > MAX_LINE_BYTES:
                lines += 1
                skipped["too_long"] += 1
                carry, skipping = b"", True
            bar.update(done_before + raw_handle.tell(), lines)
        for line in pieces:
            lines += 1
            try:
                record = loads(line)
            except parse_errors:
                record = None
            if type(record) is not dict:  # not JSON, or JSON but not an object
                skipped["blank" if not line.strip() else "malformed"] += 1
                continue
            if record.get("event_type") == PROGRESS_EVENT:
                # Hot path: checks and folding inline (the general path below does the same, slower).
                event = record.get("event")
                context = record.get("context")
                username = record.get("username")
                when = record.get("time")
                if (
                    type(event) is dict
                    and type(context) is dict
                    and type(username) is str
                    and username
                    and type(when) is str
                ):
                    cid = context.get("course_id")
                    module_id = event.get("module_id")
                    coverage = event.get("coverage")
                    if (
                        type(cid) is str
                        and cid == course
                        and type(module_id) is str
                        and 0 < len(module_id) <= 255
                        and type(coverage) in (float, int)
                        and 0 <= coverage <= 1
                    ):
                        learner = learners.get(username)
                        if learner is None:
                            learner = learners[username] = Learner()
                        if when > learner.last:
                            learner.last = when
                        learner.active = True
                        state = learner.modules.get(module_id)
                        if type(state) is not VideoState:
                            state = _new_state(tally, learner, module_id, VIDEO)
                        if state is not None:
                            if coverage > state.coverage:
                                state.coverage = coverage
                            used += 1
                        else:
                            skipped["invalid"] += 1
                        continue
            reason = apply(tally, record, course)
            if reason:
                skipped[reason] += 1
            else:
                used += 1
            if course is None:
                course = tally.course_id
    tally.lines = lines
    tally.used = used


# --- one parsed record -------------------------------------------------------------------------


def _number(value, low=None, high=None):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        return None
    return float(value)


def _count(value, high):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        return None
    return value


def _new_state(tally, learner, module_id, kind):
    """The learner's state for a module (the module registered on first sight); None on a kind clash."""
    module = tally.modules.get(module_id)
    if module is None:
        module = tally.modules[module_id] = Module(module_id, kind)
    elif module.kind != kind:
        return None
    state = learner.modules.get(module_id)
    if state is None:
        state = learner.modules[module_id] = _STATE[kind]()
    return state


def _apply(tally, record, course):
    """Fold one parsed record into the tally; returns a skip reason or None."""
    etype = record.get("event_type")
    if not isinstance(etype, str):
        return "malformed"
    if etype not in _KNOWN_TYPES and not etype.startswith(_OWN_PREFIX):
        unknown = tally.unknown_types
        name = etype[:80]
        if name in unknown or len(unknown) < MAX_UNKNOWN_TYPES:
            unknown[name] += 1
        else:
            unknown["(other types)"] += 1
        return "unknown_type"
    context = record.get("context")
    event = record.get("event")
    username = record.get("username")
    when = record.get("time", "")
    if not isinstance(context, dict) or not isinstance(event, dict) or not isinstance(when, str):
        return "malformed"
    cid = context.get("course_id") or (event.get("course_id") if etype == GRADE_EVENT else None)
    if not isinstance(cid, str) or not cid:
        return "invalid"
    if course is None:
        tally.course_id = cid
    elif cid != course:
        tally.other_courses[cid] += 1
        return "other_course"
    if not isinstance(username, str) or not username:
        return "no_username"
    if etype == GRADE_EVENT:
        return _apply_grade(tally, username, when, event, context)
    module_id = event.get("module_id")
    if not isinstance(module_id, str) or not module_id or len(module_id) > 255:
        return "invalid"
    block, _, verb = etype[len("edx.") :].partition(".")
    learner = tally.learners.get(username)
    if learner is None:
        learner = tally.learners[username] = Learner()
    if when > learner.last:
        learner.last = when
    learner.active = True
    if block == PROGRESS_BLOCK:
        return None
    usage = context.get("module", {}).get("usage_key") if isinstance(context.get("module"), dict) else None
    state = _new_state(tally, learner, module_id, block)
    if state is None:
        return "invalid"
    module = tally.modules[module_id]
    if isinstance(usage, str) and usage:
        tally.usage_modules.setdefault(usage, module_id)
        display = context["module"].get("display_name")
        if isinstance(display, str) and display and not module.title:
            module.title = display[:300]
    return _VERBS[block](tally, module, state, verb, event, when)


def _apply_video(tally, module, state, verb, event, when):
    coverage = event.get("coverage")
    if verb == "progress" or verb == "completed":
        coverage = _number(coverage, 0.0, 1.0)
        if coverage is None:
            return "invalid"
        state.coverage = max(state.coverage, coverage)
        if verb == "completed":
            state.completed = True
    total = _count(event.get("chapters_total"), MAX_CHAPTERS)
    if total is not None:
        module.chapters_total = max(module.chapters_total, total)
    if verb in ("chapter_reached", "chapter_completed"):
        chapter = _count(event.get("chapter"), MAX_CHAPTERS - 1)
        if chapter is None:
            return "invalid"
        module.chapters_total = max(module.chapters_total, chapter + 1)
        title = event.get("title")
        if isinstance(title, str) and chapter not in module.chapter_titles:
            module.chapter_titles[chapter] = title[:300]
        state.reached |= 1 << chapter
        if verb == "chapter_completed":
            state.completed_chapters |= 1 << chapter
    return None


def _apply_quiz(tally, module, state, verb, event, when):
    score = _number(event.get("score"), 0.0, 1.0)
    if score is None:
        return "invalid"
    attempt = _count(event.get("attempt"), 10**6)
    if attempt is not None:
        state.attempts = max(state.attempts, attempt)
    if verb == "submitted":
        state.submitted = True
        state.best_score = score if state.best_score is None else max(state.best_score, score)
        if event.get("passed") is True:
            state.passed = True
    elif verb == "passed":
        state.passed = True
    return None


def _apply_toolkit(tally, module, state, verb, event, when):
    stage = event.get("stage")
    if isinstance(stage, str) and stage in STAGES:
        module.stage = stage
    if verb == "resource_opened":
        return None
    completion = _number(event.get("completion"), 0.0, 1.0)
    if completion is None:
        return "invalid"
    if when >= state.time:  # the latest state wins (a learner may untick an item)
        state.time = when
        state.completion = completion
        if verb == "item_checked":
            checked = _count(event.get("items_checked"), 10**6)
            total = _count(event.get("items_total"), 10**6)
            if checked is not None and total is not None:
                state.items_checked, state.items_total = checked, total
    return None


_VERBS = {VIDEO: _apply_video, QUIZ: _apply_quiz, TOOLKIT: _apply_toolkit}


def _apply_grade(tally, username, when, event, context):
    """Open edX's grade event: the kept score of a problem, tied to its module at the end of the scan."""
    usage = event.get("problem_id")
    if not isinstance(usage, str) or not usage:
        module = context.get("module")
        usage = module.get("usage_key") if isinstance(module, dict) else None
    if not isinstance(usage, str) or not usage:
        return "invalid"
    earned = _number(event.get("weighted_earned"), 0.0)
    possible = _number(event.get("weighted_possible"), 0.0)
    if earned is None or possible is None:
        return "invalid"
    score = min(1.0, earned / possible) if possible > 0 else 0.0
    learner = tally.learners.get(username)
    if learner is None:
        learner = tally.learners[username] = Learner()
    if when > learner.last:
        learner.last = when
    if learner.grades is None:
        learner.grades = {}
    previous = learner.grades.get(usage)
    if previous is None or when >= previous[0]:
        learner.grades[usage] = (when, score)
    return None


def _resolve_grades(tally):
    """Tie each grade to its checkpoint quiz (by the usage keys seen in block events, or the key's type)."""
    for learner in tally.learners.values():
        if not learner.grades:
            continue
        for usage, (when, score) in learner.grades.items():
            module_id = tally.usage_modules.get(usage)
            if module_id is None and f"type@{QUIZ}+block@" in usage:
                module_id = usage.rsplit("block@", 1)[-1]
            if module_id is None or tally.modules.get(module_id, Module(module_id, QUIZ)).kind != QUIZ:
                tally.skipped["other_problem"] += 1
                tally.used -= 1
                continue
            state = _new_state(tally, learner, module_id, QUIZ)
            learner.active = True
            if when >= state.grade_time:
                state.grade_time, state.grade_score = when, score
        learner.grades = None
    # Learners seen only through grades of other problems are not part of the cohort.
    for name in [n for n, learner in tally.learners.items() if not learner.active]:
        del tally.learners[name]
